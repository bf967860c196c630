/**
 * The `trace` command (how readers name the ends, its text and data, exit
 * codes), the trace diagram (rewritten fields highlighted, a text
 * alternative, escaped labels), and properties that must hold for any
 * seed and any pair of Pods.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { traceDiagram } from '../../../engine/index.ts'
import { parseSource, parseTarget } from '../../../engine/trace/index.ts'
import type { FullTrace } from '../../../engine/trace/index.ts'
import { build, fromPod, reply, request, sh, shop, trace } from './helpers.ts'

describe('the trace command', () => {
  const c = build(shop())

  it('accepts SRC -> DST, SRC → DST and SRC DST alike', () => {
    const a = sh(c, 'trace prod/client -> prod/web-3:8080')
    const b = sh(c, 'trace -n prod client → web-3:8080')
    const d = sh(c, 'trace prod/client prod/web-3:8080')
    expect(a.exitCode).toBe(0)
    expect((a.data as FullTrace).endpoint).toEqual((b.data as FullTrace).endpoint)
    expect((d.data as FullTrace).endpoint).toEqual((b.data as FullTrace).endpoint)
  })

  it('prints one aligned block per hop, the reply, the result and the endpoints', () => {
    const out = sh(c, 'trace prod/client -> web.prod:80').stdout
    const lines = out.split('\n')
    expect(lines[0]).toBe('trace prod/client → web.prod:80 (TCP)')
    const heads = lines.filter((l) => /^ {1,2}\d+ {2}/.test(l))
    const col = heads.map((l) => l.search(/\S+$/))
    expect(new Set(col.filter((_, i) => !lines.includes('reply') || i < heads.length)).size).toBe(1)
    expect(out).toContain('\nreply\n')
    expect(out).toMatch(/\nresult: delivered to prod\/web-\d \(10\.244\.\d\.2:8080 on node-\d\); the server sees the client as 10\.244\.1\.3:\d+\n/)
    expect(out).toMatch(/\n {3}⇒ 10\.244\.1\.3:\d+ → 10\.244\.\d\.2:8080 TCP {3}destination rewritten \(DNAT\)\n/)
  })

  it('sources: a Deployment, a node by name or node/NAME, the workstation, an outside address', () => {
    expect(parseSource(c, 'prod', 'web-1')).toMatchObject({ kind: 'pod' })
    expect(parseSource(c, 'default', 'node/node-2')).toMatchObject({ kind: 'node', node: { meta: { name: 'node-2' } } })
    expect(parseSource(c, 'default', 'node-2')).toMatchObject({ kind: 'node' })
    expect(parseSource(c, 'default', 'workstation')).toEqual({ kind: 'external', ip: '203.0.113.7', label: 'workstation' })
    expect(parseSource(c, 'default', '198.51.100.9')).toMatchObject({ kind: 'external', ip: '198.51.100.9' })
    expect(parseSource(c, 'default', '10.244.1.3')).toMatchObject({ kind: 'pod', pod: { meta: { name: 'client' } } })
    expect(parseSource(c, 'default', 'ghost')).toHaveProperty('error')
  })

  it('destinations: names with ports, addresses, Services without DNS, URLs', () => {
    expect(parseTarget(c, 'prod', 'web.prod:80')).toEqual({ kind: 'name', name: 'web.prod', port: 80 })
    expect(parseTarget(c, 'prod', '10.96.0.10:53')).toEqual({ kind: 'address', ip: '10.96.0.10', port: 53 })
    expect(parseTarget(c, 'prod', '[fd00::1]:80')).toEqual({ kind: 'address', ip: 'fd00::1', port: 80 })
    expect(parseTarget(c, 'prod', 'svc/web:http')).toMatchObject({ kind: 'service', port: 'http' })
    expect(parseTarget(c, 'prod', 'http://shop.example.com/cart')).toEqual({ kind: 'url', scheme: 'http', host: 'shop.example.com', port: undefined, path: '/cart' })
    expect(parseTarget(c, 'prod', 'node-3:30080')).toEqual({ kind: 'address', ip: '192.168.1.13', port: 30080 })
    expect(parseTarget(c, 'prod', 'web:99999')).toHaveProperty('error')
  })

  it('exits 1 when the packet is not delivered and 2 on a usage error', () => {
    expect(sh(c, 'trace prod/client -> empty.prod:80').exitCode).toBe(1)
    expect(sh(c, 'trace prod/client').exitCode).toBe(2)
    expect(sh(c, 'trace ghost -> web').stderr).toContain('trace: ')
  })

  it('runs inside a Pod from that Pod', () => {
    const r = sh(c, 'kubectl exec -n prod client -- trace web:80')
    expect(r.exitCode).toBe(0)
    expect((r.data as FullTrace).client?.src).toBe('10.244.1.3')
  })

  it('--all traces every endpoint; -p icmp traces a ping', () => {
    const all = sh(c, 'trace prod/client -> web.prod:80 --all').data as FullTrace
    expect(all.alternatives?.map((a) => a.result)).toEqual(['delivered', 'delivered', 'delivered'])
    const icmp = sh(c, 'trace prod/client -> 10.244.3.2 -p icmp').data as FullTrace
    expect(icmp.client?.proto).toBe('ICMP')
    expect(icmp.result).toBe('delivered')
  })
})

describe('the trace diagram', () => {
  const c = build(shop())
  const t = trace(c, { kind: 'external', ip: '203.0.113.7' }, { kind: 'address', ip: '192.168.1.12', port: 30080 })
  const d = traceDiagram(t)

  it('is an image with a title and a description that says the same in words', () => {
    expect(d.svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true)
    expect(d.svg).toContain('role="img"')
    expect(d.svg).toMatch(/<title id="k-trace-title">Packet trace: client 203\.0\.113\.7 → 192\.168\.1\.12:30080: delivered<\/title>/)
    expect(d.alt).toContain('destination rewritten to 203.0.113.7:')
    expect(d.alt).toMatch(/source rewritten to 10\.244\.2\.[01]:\d+ → 10\.244\.\d\.2:8080 TCP/)
  })

  it('draws every hop, highlights the rewritten fields and marks the encapsulation', () => {
    expect(d.svg.match(/class="k-hop[ "]/g)?.length).toBe(t.hops.length)
    const natHops = [...t.hops].filter((h) => h.before.dst !== h.after.dst || h.before.src !== h.after.src).length
    expect(d.svg.match(/class="k-hop k-nat/g)?.length).toBe(natHops)
    expect(d.svg).toContain('<tspan class="k-rw">192.168.1.12</tspan>')
    expect(d.svg).toMatch(/outer 192\.168\.1\.12:\d+ → 192\.168\.1\.1\d:8472 UDP VNI 1/)
    expect(d.svg).toContain('var(--knet-rewrite')
  })

  it('escapes every label', () => {
    const evil: FullTrace = { ...t, from: '"><script>alert(1)</script>', hops: t.hops.map((h, i) => (i === 0 ? { ...h, at: '<img src=x onerror=alert(1)>' } : h)) }
    const svg = traceDiagram(evil).svg
    expect(svg).not.toContain('<script>')
    expect(svg).not.toContain('<img')
    expect(svg).toContain('&lt;img src=x onerror=alert(1)&gt;')
  })

  it('draws its arrowheads as paths: nothing that refers to another element (the site refuses url())', () => {
    expect(d.svg).not.toMatch(/url\s*\(|<marker|<defs/)
    expect(d.svg.match(/class="k-tipfill"/g)?.length).toBe(d.svg.match(/class="k-arrow"/g)?.length)
  })

  it('can leave the reply out', () => {
    expect(traceDiagram(t, { reply: false }).svg.match(/class="k-hop[ "]/g)?.length).toBe(request(t).length)
  })
})

describe('properties', () => {
  const c = build(shop({ cluster: '{cni: calico, cniMode: vxlan}' }))
  const clients = ['client', 'tools', 'nginx', 'web-1', 'web-2', 'web-3']

  it('whatever the seed and client: the endpoint is one of the candidates, and the reply comes back from the address the client dialled', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), fc.constantFrom(...clients), fc.constantFrom('web', 'sticky', 'web-np'), (seed, client, svc) => {
        const t = trace(c, fromPod(c, client), { kind: 'name', name: svc, port: 80 }, { seed })
        expect(t.result).toBe('delivered')
        const chosen = t.alternatives!.filter((a) => a.chosen)
        expect(chosen).toHaveLength(1)
        expect(`${t.endpoint!.ip}:${t.endpoint!.port}`).toBe(chosen[0].endpoint)
        const last = reply(t).at(-1)!
        expect(last.after).toMatchObject({ src: t.address, sport: 80, dst: t.client!.src, dport: t.client!.sport })
      }),
      { numRuns: 60 },
    )
  })

  it('every hop starts with the packet the previous hop left', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), fc.constantFrom(...clients), (seed, client) => {
        const t = trace(c, fromPod(c, client), { kind: 'name', name: 'web', port: 80 }, { seed })
        const hops = request(t).filter((h) => !['resolver', 'coredns', 'upstream-dns'].includes(h.handler))
        for (let i = 1; i < hops.length; i++) expect(hops[i].before).toEqual(hops[i - 1].after)
      }),
      { numRuns: 40 },
    )
  })
})
