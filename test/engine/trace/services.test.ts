/**
 * Pod to ClusterIP in each proxy mode: the rules the trace quotes are the
 * node's own (iptables-save, nft list table, ipvsadm), every candidate with
 * its probability, the DNAT, conntrack undoing it on the reply; hairpin;
 * no endpoints; ClientIP affinity; the deterministic choice and --seed.
 */
import { describe, expect, it } from 'vitest'
import { P, build, fromPod, request, reply, rewrites, seedFor, sh, shop, trace } from './helpers.ts'

const web = { kind: 'name' as const, name: 'web', port: 80 }

describe('Pod → ClusterIP, kube-proxy in iptables mode', () => {
  const c = build(shop())
  const t = trace(c, fromPod(c, 'client'), web, { all: true })
  const save = sh(c, 'ssh node-1 iptables-save').stdout.split('\n')
  const clusterIP = c.index.service.get('prod/web')!.clusterIPs[0]

  it('resolves the name through CoreDNS first', () => {
    expect(t.hops[0]).toMatchObject({ handler: 'resolver' })
    expect(t.hops[1]).toMatchObject({ handler: 'coredns' })
    expect(t.dns?.answers.map((a) => a.data)).toEqual([clusterIP])
    expect(t.hops[0].before).toMatchObject({ dst: '10.96.0.10', dport: 53, proto: 'UDP' })
  })

  it('walks KUBE-SERVICES → KUBE-SVC-… → KUBE-SEP-… on the client node, quoting the rules iptables-save prints there', () => {
    const chains = request(t).filter((h) => h.handler === 'iptables').map((h) => h.at)
    expect(chains[0]).toBe('node-1 nat KUBE-SERVICES')
    expect(chains[1]).toMatch(/^node-1 nat KUBE-SVC-[A-Z2-7]{16}$/)
    expect(chains[2]).toMatch(/^node-1 nat KUBE-SEP-[A-Z2-7]{16}$/)
    for (const h of request(t).filter((x) => x.handler === 'iptables')) expect(save).toContain(h.rule)
    expect(request(t)[5].rule).toContain(`-d ${clusterIP}/32`)
  })

  it('lists every endpoint with the probability of its rule and 1/3 overall', () => {
    const alts = t.alternatives!
    expect(alts.map((a) => a.endpoint)).toEqual(['10.244.1.2:8080', '10.244.2.2:8080', '10.244.3.2:8080'])
    expect(alts.map((a) => a.ruleProbability)).toEqual(['0.3333333333', '0.5000000000', undefined])
    expect(alts.every((a) => a.probability === 1 / 3)).toBe(true)
    expect(alts.filter((a) => a.chosen)).toHaveLength(1)
    // --all traced every alternative
    expect(alts.every((a) => a.result === 'delivered')).toBe(true)
  })

  it('DNATs to the chosen endpoint and nothing else is rewritten (the client is a Pod: no masquerade)', () => {
    const chosen = t.alternatives!.find((a) => a.chosen)!
    const [dnat] = rewrites(t)
    expect(rewrites(t)).toHaveLength(1)
    expect(dnat.before).toMatchObject({ dst: clusterIP, dport: 80 })
    expect(`${dnat.after.dst}:${dnat.after.dport}`).toBe(chosen.endpoint)
    expect(dnat.after.src).toBe(dnat.before.src)
    expect(t.endpoint?.ip).toBe(chosen.endpoint.split(':')[0])
  })

  it('conntrack rewrites the reply source back to the ClusterIP on the node that did the DNAT', () => {
    const r = reply(t)
    const ct = r.find((h) => h.handler === 'conntrack')!
    expect(ct.node).toBe('node-1')
    expect(ct.after).toMatchObject({ src: clusterIP, sport: 80 })
    expect(r[r.length - 1].after).toMatchObject({ src: clusterIP, sport: 80, dst: t.client!.src, dport: t.client!.sport })
  })
})

describe('Pod → ClusterIP, IPVS mode', () => {
  const c = build(shop({ cluster: '{proxyMode: ipvs}' }))
  const t = trace(c, fromPod(c, 'client'), web)
  const ipvsadm = sh(c, 'ssh node-1 ipvsadm -Ln').stdout

  it('shows the virtual server and its real servers as ipvsadm lists them', () => {
    const hop = request(t).find((h) => h.handler === 'ipvs')!
    const vs = hop.rule!.split('  -> ')[0]
    expect(ipvsadm).toContain(vs)
    expect(hop.rule).toContain('-> 10.244.1.2:8080 Masq 1')
    expect(hop.note).toContain('kube-ipvs0')
    expect(hop.after.dport).toBe(8080)
    expect(t.alternatives).toHaveLength(3)
  })
})

describe('Pod → ClusterIP, nftables mode', () => {
  const c = build(shop({ cluster: '{proxyMode: nftables}' }))
  const t = trace(c, fromPod(c, 'client'), web)
  const table = sh(c, 'ssh node-1 nft list table ip kube-proxy').stdout

  it('goes through the services map, the service chain and an endpoint chain of the kube-proxy table', () => {
    const at = request(t).filter((h) => h.handler === 'nftables').map((h) => h.at)
    expect(at[0]).toBe('node-1 table ip kube-proxy chain services')
    expect(at[1]).toMatch(/chain service-[A-Z2-7]{8}-prod\/web\/tcp\/http$/)
    expect(at[2]).toMatch(/chain endpoint-[A-Z2-7]{8}-prod\/web\/tcp\/http__10\.244\.\d\.2\/8080$/)
    for (const h of request(t).filter((x) => x.handler === 'nftables')) {
      expect(table).toContain(`chain ${h.at.split(' chain ')[1]} {`)
    }
    expect(request(t).find((h) => h.at === at[1])!.rule).toMatch(/^numgen random mod 3 vmap/)
  })
})

describe('a Pod reaching itself through its Service (hairpin)', () => {
  for (const mode of ['iptables', 'ipvs', 'nftables']) {
    it(`${mode}: marked by the endpoint's masquerade rule and SNATed to the bridge address`, () => {
      const c = build(shop({ cluster: `{proxyMode: ${mode}}` }))
      const from = fromPod(c, 'web-1')
      const seed = seedFor(c, from, web, '10.244.1.2:8080')
      const t = trace(c, from, web, { seed })
      expect(t.result).toBe('delivered')
      const snat = rewrites(t).find((h) => h.before.src !== h.after.src)!
      expect(snat.after.src).toBe('10.244.1.1')
      expect(t.seenFrom?.ip).toBe('10.244.1.1')
      if (mode === 'iptables') expect(request(t).find((h) => h.at.includes('KUBE-SEP'))!.note).toContain('-s 10.244.1.2/32 -j KUBE-MARK-MASQ')
      // the reply is un-SNATed, then un-DNATed
      const r = reply(t).filter((h) => h.handler === 'conntrack')
      expect(r.map((h) => h.note.slice(0, 31))).toEqual(['conntrack reverses the SNAT (MA', 'conntrack reverses the DNAT (' + (mode === 'ipvs' ? 'IP' : mode === 'iptables' ? 'ip' : 'nf')])
    })
  }

  it('curl /clientip from the Pod shows the node bridge address', () => {
    const c = build(shop())
    const from = fromPod(c, 'web-1')
    // curl uses seed 0: find a Pod whose own connection lands on itself, or show the bridge whenever it does
    const t = trace(c, from, { kind: 'url', scheme: 'http', host: 'web', path: '/clientip' })
    const out = sh(c, 'kubectl exec -n prod web-1 -- curl -s web/clientip').stdout
    expect(out).toBe(t.endpoint?.pod === 'prod/web-1' ? `10.244.1.1:${t.seenFrom!.port}` : `10.244.1.2:${t.client!.sport}`)
  })
})

describe('a Service without endpoints', () => {
  it('iptables: REJECT in the filter table, "Connection refused"', () => {
    const c = build(shop())
    const t = trace(c, fromPod(c, 'client'), { kind: 'name', name: 'empty', port: 80 })
    expect(t.result).toBe('refused')
    const last = request(t).at(-1)!
    expect(last).toMatchObject({ at: 'node-1 filter KUBE-SERVICES', verdict: 'reject' })
    expect(last.rule).toBe(`-A KUBE-SERVICES -d ${c.index.service.get('prod/empty')!.clusterIPs[0]}/32 -p tcp -m comment --comment "prod/empty has no endpoints" -m tcp --dport 80 -j REJECT --reject-with icmp-port-unreachable`)
    const curl = sh(c, 'kubectl exec -n prod client -- curl empty')
    expect(curl.exitCode).toBe(7)
    expect(curl.stderr).toBe("curl: (7) Failed to connect to empty port 80 after 0 ms: Couldn't connect to server\ncommand terminated with exit code 7\n")
  })

  it('nftables: the no-endpoint-services map sends it to reject-chain', () => {
    const c = build(shop({ cluster: '{proxyMode: nftables}' }))
    const t = trace(c, fromPod(c, 'client'), { kind: 'name', name: 'empty', port: 80 })
    expect(t.result).toBe('refused')
    expect(request(t).at(-1)!.rule).toMatch(/@no-endpoint-services {2}→ {2}\S+ \. tcp \. 80 comment "prod\/empty" : goto reject-chain/)
  })

  it('IPVS: a virtual server without real servers answers port unreachable', () => {
    const c = build(shop({ cluster: '{proxyMode: ipvs}' }))
    const t = trace(c, fromPod(c, 'client'), { kind: 'name', name: 'empty', port: 80 })
    expect(t.result).toBe('refused')
    expect(request(t).at(-1)).toMatchObject({ handler: 'ipvs', verdict: 'reject' })
  })
})

describe('ClientIP session affinity', () => {
  const c = build(shop())
  const sticky = { kind: 'name' as const, name: 'sticky', port: 80 }

  it('sends every connection of one client to the same endpoint, whatever its source port', () => {
    const ends = new Set<string>()
    for (let sport = 40000; sport < 40030; sport++) ends.add(trace(c, fromPod(c, 'client'), sticky, { sport }).endpoint!.ip)
    expect(ends.size).toBe(1)
    expect(request(trace(c, fromPod(c, 'client'), sticky)).find((h) => h.at.includes('KUBE-SVC'))!.note).toContain('ClientIP affinity')
  })

  it('without affinity the same client spreads over the endpoints', () => {
    const ends = new Set<string>()
    for (let sport = 40000; sport < 40030; sport++) ends.add(trace(c, fromPod(c, 'client'), web, { sport }).endpoint!.ip)
    expect(ends.size).toBe(3)
  })

  it('the affinity rule is in the KUBE-SVC chain with the Service\'s timeout', () => {
    const save = sh(c, 'ssh node-1 iptables-save -t nat').stdout
    expect(save).toMatch(/-m recent --rcheck --seconds 10800 --reap --name KUBE-SEP-/)
  })
})

describe('the choice among endpoints', () => {
  const c = build(shop())

  it('is deterministic: the same command gives the same endpoint and the same output', () => {
    const a = sh(c, 'trace prod/client -> web.prod:80')
    const b = sh(c, 'trace prod/client -> web.prod:80')
    expect(a.stdout).toBe(b.stdout)
  })

  it('--seed picks again, and across seeds every endpoint comes up', () => {
    const picked = new Set<string>()
    for (let seed = 0; seed < 30; seed++) picked.add(trace(c, fromPod(c, 'client'), web, { seed }).endpoint!.ip)
    expect(picked).toEqual(new Set(['10.244.1.2', '10.244.2.2', '10.244.3.2']))
  })

  it('the trace command and curl make the same connection (same source port, same endpoint)', () => {
    const t = sh(c, 'trace prod/client -> http://web/hostname').data as ReturnType<typeof trace>
    const out = sh(c, 'kubectl exec -n prod client -- curl -s web/hostname').stdout
    expect(out).toBe(t.endpoint!.pod!.split('/')[1])
  })
})

describe('the node itself as the client', () => {
  it('is masqueraded: its source is outside the Pod CIDR, so KUBE-MARK-MASQ applies', () => {
    const c = build(shop())
    const t = trace(c, { kind: 'node', node: c.index.node.get('node-1')! }, { kind: 'service', service: c.index.service.get('prod/web')! }, { seed: seedFor(c, { kind: 'node', node: c.index.node.get('node-1')! }, { kind: 'service', service: c.index.service.get('prod/web')! }, '10.244.3.2:8080') })
    expect(request(t)[1].at).toBe('node-1 nat KUBE-SERVICES')
    expect(request(t)[2].rule).toMatch(/^-A KUBE-SVC-\S+ ! -s 10\.244\.0\.0\/16 .* -j KUBE-MARK-MASQ$/)
    // leaving through flannel.1, MASQUERADE picks flannel.1's address
    expect(t.seenFrom?.ip).toBe('10.244.1.0')
  })

  it('cannot resolve Service names: nodes do not use the cluster DNS', () => {
    const c = build(shop())
    const t = trace(c, { kind: 'node', node: c.index.node.get('node-1')! }, { kind: 'name', name: 'web' })
    expect(t.result).toBe('nxdomain')
  })
})

describe('a ClusterIP on a port the Service does not have', () => {
  it('iptables: no rule translates it; it is routed away and times out', () => {
    const c = build(shop())
    const t = trace(c, fromPod(c, 'client'), { kind: 'name', name: 'web', port: 8080 })
    expect(t.result).toBe('timeout')
  })

  it('nftables: cluster-ips-check rejects it', () => {
    const c = build(shop({ cluster: '{proxyMode: nftables}' }))
    const t = trace(c, fromPod(c, 'client'), { kind: 'name', name: 'web', port: 8080 })
    expect(t.result).toBe('refused')
    expect(request(t).at(-1)!.rule).toBe('ip daddr @cluster-ips reject comment "Reject traffic to invalid ports of ClusterIPs"')
  })

  it('IPVS: the address is local to the node, nothing listens there: refused', () => {
    const c = build(shop({ cluster: '{proxyMode: ipvs}' }))
    expect(trace(c, fromPod(c, 'client'), { kind: 'name', name: 'web', port: 8080 }).result).toBe('refused')
  })
})

it('the client Pod is where the trace starts', () => {
  const c = build(shop())
  expect(trace(c, fromPod(c, 'client'), web).hops.find((h) => h.handler === 'socket')!.before.src).toBe(P(c, 'client').podIPs[0])
})
