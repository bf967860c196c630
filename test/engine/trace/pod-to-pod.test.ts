/**
 * Pod to Pod: on one node (the bridge, no NAT, no routing), across nodes
 * through each overlay (outer header, VNI, UDP port, MTU) and routed
 * natively (Calico BGP, flannel host-gw, the AWS VPC CNI).
 */
import { describe, expect, it } from 'vitest'
import { P, build, fromPod, handlers, request, rewrites, reply, shop, trace } from './helpers.ts'

describe('Pod to Pod on one node', () => {
  const c = build(shop())
  const t = trace(c, fromPod(c, 'client'), { kind: 'pod', pod: P(c, 'web-1') })

  it('goes through the Pod route, the veth and the cni0 bridge, and never through a router', () => {
    expect(t.result).toBe('delivered')
    expect(handlers(t)).toEqual(['socket', 'route', 'veth', 'bridge', 'veth', 'server'])
    const bridge = request(t).find((h) => h.handler === 'bridge')!
    expect(bridge.at).toBe('node-1 cni0')
    expect(request(t)[1].rule).toBe('10.244.1.0/24 dev eth0 proto kernel scope link src 10.244.1.3')
  })

  it('rewrites nothing: the server sees the client Pod itself', () => {
    expect(rewrites(t)).toEqual([])
    expect(t.seenFrom).toEqual({ ip: P(c, 'client').podIPs[0], port: t.client!.sport })
    expect(t.endpoint).toMatchObject({ kind: 'pod', pod: 'prod/web-1', port: 8080, node: 'node-1' })
  })

  it('uses an ephemeral port from the Linux default range', () => {
    expect(t.client!.sport).toBeGreaterThanOrEqual(32768)
    expect(t.client!.sport).toBeLessThanOrEqual(60999)
  })

  it('ends with the reply arriving at the client unchanged', () => {
    const r = reply(t)
    expect(r[r.length - 1].after).toMatchObject({ src: '10.244.1.2', sport: 8080, dst: '10.244.1.3' })
  })
})

describe('Pod to Pod across nodes through an overlay', () => {
  const cases = [
    { cluster: '{cni: flannel}', device: 'flannel.1', kind: 'vxlan', port: 8472, vni: 1, mtu: 1450, overhead: 50, proto: 'UDP' },
    { cluster: '{cni: canal}', device: 'flannel.1', kind: 'vxlan', port: 8472, vni: 1, mtu: 1450, overhead: 50, proto: 'UDP' },
    { cluster: '{cni: calico, cniMode: vxlan}', device: 'vxlan.calico', kind: 'vxlan', port: 4789, vni: 4096, mtu: 1450, overhead: 50, proto: 'UDP' },
    { cluster: '{cni: calico, cniMode: ipip}', device: 'tunl0', kind: 'ipip', port: undefined, vni: undefined, mtu: 1480, overhead: 20, proto: 'IPIP' },
    { cluster: '{cni: cilium, cniMode: vxlan}', device: 'cilium_vxlan', kind: 'vxlan', port: 8472, vni: 'identity', mtu: 1450, overhead: 50, proto: 'UDP' },
    { cluster: '{cni: cilium, cniMode: geneve}', device: 'cilium_geneve', kind: 'geneve', port: 6081, vni: 'identity', mtu: 1450, overhead: 50, proto: 'UDP' },
    { cluster: '{cni: antrea}', device: 'genev_sys_6081', kind: 'geneve', port: 6081, vni: undefined, mtu: 1450, overhead: 50, proto: 'UDP' },
  ]
  for (const k of cases) {
    describe(k.cluster, () => {
      const c = build(shop({ cluster: k.cluster }))
      const t = trace(c, fromPod(c, 'client'), { kind: 'pod', pod: P(c, 'web-3') })
      const encapHops = request(t).filter((h) => h.encap)

      it('wraps the packet on node-1 and unwraps it on node-3', () => {
        expect(t.result).toBe('delivered')
        expect(encapHops.map((h) => h.at)).toEqual([`node-1 ${k.device}`, 'network 192.168.1.11 → 192.168.1.13', `node-3 ${k.device}`])
      })

      it('puts the node addresses in the outer header and keeps the Pod addresses inside', () => {
        const e = encapHops[0].encap!
        expect(e.kind).toBe(k.kind)
        expect(e.outer).toMatchObject({ src: '192.168.1.11', dst: '192.168.1.13', proto: k.proto })
        expect(e.port).toBe(k.port)
        if (k.port) expect(e.outer.dport).toBe(k.port)
        if (k.vni === 'identity') expect(e.vni).toBeGreaterThanOrEqual(256)
        else expect(e.vni).toBe(k.vni)
        expect(encapHops[0].before).toMatchObject({ src: P(c, 'client').podIPs[0], dst: P(c, 'web-3').podIPs[0] })
        expect(rewrites(t)).toEqual([])
      })

      it('accounts for the outer header in the Pod MTU', () => {
        expect(encapHops[0].encap!.overhead).toBe(k.overhead)
        expect(encapHops[0].encap!.mtu).toBe(k.mtu)
      })
    })
  }

  it('keeps the same outer source port for one connection (the kernel hashes the inner flow)', () => {
    const c = build(shop())
    const a = trace(c, fromPod(c, 'client'), { kind: 'pod', pod: P(c, 'web-3') })
    const b = trace(c, fromPod(c, 'client'), { kind: 'pod', pod: P(c, 'web-3') })
    expect(request(a).find((h) => h.encap)!.encap!.outer.sport).toBe(request(b).find((h) => h.encap)!.encap!.outer.sport)
  })
})

describe('Pod to Pod across nodes, routed', () => {
  const cases = [
    { cluster: '{cni: calico, cniMode: bgp}', route: /via 192\.168\.1\.13 dev eth0 proto bird metric 1024$/, mtu: 1500 },
    { cluster: '{cni: flannel, cniMode: host-gw}', route: /^10\.244\.3\.0\/24 via 192\.168\.1\.13 dev eth0$/, mtu: 1500 },
    { cluster: '{cni: aws-vpc-cni}', route: /dev eth0/, mtu: 9001 },
    { cluster: '{cni: cilium, cniMode: native}', route: /via 192\.168\.1\.13 dev eth0/, mtu: 1500 },
  ]
  for (const k of cases) {
    it(`${k.cluster}: no encapsulation, the node routes the Pod address itself`, () => {
      const c = build(shop({ cluster: k.cluster }))
      const t = trace(c, fromPod(c, 'client'), { kind: 'pod', pod: P(c, 'web-3') })
      expect(t.result).toBe('delivered')
      expect(request(t).some((h) => h.encap)).toBe(false)
      const route = request(t).find((h) => h.at === 'node-1 routing')!
      expect(route.rule).toMatch(k.route)
      expect(request(t).find((h) => h.handler === 'underlay')!.note).toContain(`Pod MTU ${k.mtu}`)
      expect(rewrites(t)).toEqual([])
    })
  }
})

describe('a Pod port nothing listens on', () => {
  it('is refused by the receiving kernel (TCP RST)', () => {
    const c = build(shop())
    const t = trace(c, fromPod(c, 'client'), { kind: 'pod', pod: P(c, 'web-2'), port: 9999 })
    expect(t.result).toBe('refused')
    expect(request(t).at(-1)).toMatchObject({ at: 'pod prod/web-2', verdict: 'refused' })
  })

  it("an image's usual port answers even when the spec does not declare it (nginx on 80)", () => {
    const c = build(shop())
    const t = trace(c, fromPod(c, 'client'), { kind: 'pod', pod: P(c, 'nginx') })
    expect(t.result).toBe('delivered')
    expect(t.server).toMatchObject({ app: 'nginx', port: 80 })
  })
})
