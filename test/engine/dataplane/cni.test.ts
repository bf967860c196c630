/**
 * What each CNI plugin leaves on a node and in its Pods, seen with ip and
 * bridge: devices, addresses, MTUs less the encapsulation, veth pairs that
 * point at each other, routes to the other nodes, and plugin naming.
 */
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { build, run } from './helpers.ts'
import { nodePlumbing } from '../../../engine/dataplane/index.ts'

const cluster = (cni: string, mode?: string) => build([
  `apiVersion: knet/v1alpha1\nkind: Cluster\nspec: {cni: ${cni}${mode ? `, cniMode: ${mode}` : ''}}`,
  'apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: shop}\nspec: {nodeName: node-1, containers: [{name: c, image: nginx}]}',
  'apiVersion: v1\nkind: Pod\nmetadata: {name: api, namespace: shop}\nspec: {nodeName: node-1, containers: [{name: c, image: nginx}]}',
  'apiVersion: v1\nkind: Pod\nmetadata: {name: db, namespace: shop}\nspec: {nodeName: node-2, containers: [{name: c, image: postgres}]}',
].join('\n---\n'))

const linkNames = (c: ReturnType<typeof cluster>, node = 'node-1') => nodePlumbing(c, c.index.node.get(node)!).host.links.map((l) => l.name)
const podIP = (c: ReturnType<typeof cluster>, name: string) => c.index.pod.get(`shop/${name}`)!.podIPs[0]

describe('flannel (vxlan)', () => {
  const c = cluster('flannel')

  it('has flannel.1 (VNI 1, UDP 8472) with the subnet address, and cni0 with the gateway', () => {
    expect(linkNames(c).slice(0, 4)).toEqual(['lo', 'eth0', 'flannel.1', 'cni0'])
    const out = run(c, 'ssh node-1 ip -d link show flannel.1')
    expect(out).toMatch(/^3: flannel\.1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue state UNKNOWN mode DEFAULT group default \n/)
    expect(out).toContain('vxlan id 1 local 192.168.1.11 dev eth0 srcport 0 0 dstport 8472 nolearning')
    expect(run(c, 'ssh node-1 ip -4 addr show cni0')).toBe('4: cni0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue state UP group default qlen 1000\n    inet 10.244.1.1/24 brd 10.244.1.255 scope global cni0\n       valid_lft forever preferred_lft forever\n')
  })

  it('routes every other node\'s /24 via its flannel.1 address, onlink', () => {
    expect(run(c, 'ssh node-1 ip route').split('\n')).toEqual([
      'default via 192.168.1.1 dev eth0 proto static ',
      '10.244.0.0/24 via 10.244.0.0 dev flannel.1 onlink ',
      '10.244.1.0/24 dev cni0 proto kernel scope link src 10.244.1.1 ',
      '10.244.2.0/24 via 10.244.2.0 dev flannel.1 onlink ',
      '10.244.3.0/24 via 10.244.3.0 dev flannel.1 onlink ',
      '192.168.1.0/24 dev eth0 proto kernel scope link src 192.168.1.11 ',
      '',
    ])
  })

  it('gives Pods the gateway as default route and a route to the whole flannel network', () => {
    expect(run(c, 'kubectl exec -n shop web -- ip route')).toBe(`default via 10.244.1.1 dev eth0 \n10.244.0.0/16 via 10.244.1.1 dev eth0 \n10.244.1.0/24 dev eth0 proto kernel scope link src ${podIP(c, 'web')} \n`)
  })

  it('pairs each Pod\'s eth0@ifN with a host veth that names it back, enslaved to cni0', () => {
    const host = nodePlumbing(c, c.index.node.get('node-1')!)
    for (const [key, ns] of host.pods) {
      const eth0 = ns.links.find((l) => l.name === 'eth0')!
      const peer = host.host.links.find((l) => l.index === eth0.parent!.index)!
      expect(peer.name, key).toMatch(/^veth[0-9a-f]{8}$/)
      expect(peer.parent!.index).toBe(eth0.index)
      expect(peer.master).toBe('cni0')
      expect(peer.parent!.netns).toBe(ns.name)
    }
    expect(run(c, 'ssh node-1 bridge link').split('\n').filter(Boolean)).toHaveLength(2)
  })

  it('host-gw mode: no VXLAN device, routes via the peers\' node addresses, full MTU', () => {
    const hg = cluster('flannel', 'host-gw')
    expect(linkNames(hg)).not.toContain('flannel.1')
    expect(run(hg, 'ssh node-1 ip r')).toContain('10.244.2.0/24 via 192.168.1.12 dev eth0 \n')
    expect(run(hg, 'kubectl exec -n shop web -- ip link show eth0')).toMatch(/mtu 1500 /)
  })
})

describe('calico', () => {
  it('names host veths cali + 11 hex digits of sha1("namespace.pod")', () => {
    const c = cluster('calico')
    const want = `cali${createHash('sha1').update('shop.web').digest('hex').slice(0, 11)}`
    expect(linkNames(c)).toContain(want)
  })

  it('ipip: tunl0 with MTU 1480, BIRD routes to peer blocks, a blackhole for its own block, a host route per Pod', () => {
    const c = cluster('calico', 'ipip')
    const routes = run(c, 'ssh node-1 ip route')
    const block = c.index.node.get('node-1')!.podCIDRs[0]
    expect(routes).toContain(`blackhole ${block} proto bird \n`)
    const peerBlock = c.index.node.get('node-2')!.podCIDRs[0]
    expect(routes).toContain(`${peerBlock} via 192.168.1.12 dev tunl0 proto bird metric 1024 onlink \n`)
    expect(routes).toMatch(new RegExp(`${podIP(c, 'web').replaceAll('.', '\\.')} dev cali[0-9a-f]{11} scope link metric 1024 \\n`))
    expect(run(c, 'ssh node-1 ip link show tunl0')).toMatch(/tunl0@NONE: <NOARP,UP,LOWER_UP> mtu 1480 /)
  })

  it('gives Pods a /32 and the link-local next hop 169.254.1.1, answered by ee:ee:ee:ee:ee:ee', () => {
    const c = cluster('calico', 'ipip')
    expect(run(c, 'kubectl exec -n shop web -- ip r')).toBe('default via 169.254.1.1 dev eth0 \n169.254.1.1 dev eth0 scope link \n')
    expect(run(c, 'kubectl exec -n shop web -- ip -4 a show eth0')).toContain(`inet ${podIP(c, 'web')}/32 scope global eth0`)
    expect(run(c, 'ssh node-1 ip link')).toMatch(/cali[0-9a-f]{11}@if\d+: .*\n    link\/ether ee:ee:ee:ee:ee:ee /)
  })

  it('vxlan: vxlan.calico (VNI 4096, UDP 4789), routes from Felix (proto boot, so unprinted, with the VXLAN MTU), MTU 1450', () => {
    const c = cluster('calico', 'vxlan')
    expect(run(c, 'ssh node-1 ip -d link show vxlan.calico')).toContain('vxlan id 4096 local 192.168.1.11 dev eth0 srcport 0 0 dstport 4789')
    expect(run(c, 'ssh node-1 ip r')).toMatch(/ via [\d.]+ dev vxlan\.calico onlink mtu 1450 \n/)
    expect(run(c, 'kubectl exec -n shop web -- ip link show eth0')).toMatch(/mtu 1450 /)
  })

  it('bgp: no tunnel, peers\' blocks via their node addresses on eth0, MTU 1500', () => {
    const c = cluster('calico', 'bgp')
    expect(linkNames(c).some((n) => n === 'tunl0' || n === 'vxlan.calico')).toBe(false)
    expect(run(c, 'ssh node-1 ip r')).toContain(`${c.index.node.get('node-2')!.podCIDRs[0]} via 192.168.1.12 dev eth0 proto bird metric 1024 \n`)
    expect(run(c, 'kubectl exec -n shop web -- ip link show eth0')).toMatch(/mtu 1500 /)
  })
})

describe('cilium', () => {
  it('has cilium_host/cilium_net and cilium_vxlan; Pods route via the router IP with the tunnel MTU', () => {
    const c = cluster('cilium', 'vxlan')
    expect(linkNames(c).slice(2, 5)).toEqual(['cilium_net', 'cilium_host', 'cilium_vxlan'])
    expect(run(c, 'kubectl exec -n shop web -- ip r')).toBe('default via 10.244.1.1 dev eth0 mtu 1450 \n10.244.1.1 dev eth0 scope link \n')
    expect(linkNames(c).some((n) => /^lxc[0-9a-f]{12}$/.test(n))).toBe(true)
  })
})

describe('weave and cloud CNIs', () => {
  it('weave: one weave bridge for the whole 10.32.0.0/12, MTU 1376', () => {
    const c = cluster('weave')
    expect(run(c, 'ssh node-1 ip r')).toMatch(/10\.32\.0\.0\/12 dev weave proto kernel scope link src 10\.\d+\.\d+\.1 \n/)
    expect(run(c, 'kubectl exec -n shop web -- ip -4 a show eth0')).toMatch(/mtu 1376 .*\n    inet 10\.\d+\.\d+\.\d+\/12 brd 10\.47\.255\.255 scope global eth0/)
  })

  it('aws-vpc-cni: Pod addresses from the node\'s subnet, eni veths, per-Pod routes, no overlay', () => {
    const c = cluster('aws-vpc-cni')
    const ip = podIP(c, 'web')
    expect(ip.startsWith('192.168.1.')).toBe(true)
    expect(run(c, 'ssh node-1 ip r')).toMatch(new RegExp(`${ip.replaceAll('.', '\\.')} dev eni[0-9a-f]{11} scope link \\n`))
    expect(linkNames(c).some((n) => /flannel|tunl|vxlan|cni0/.test(n))).toBe(false)
    expect(run(c, 'kubectl exec -n shop web -- ip link show eth0')).toMatch(/mtu 9001 /)
  })
})

describe('ip inside a Pod', () => {
  const c = cluster('flannel')

  it('ip route get resolves the next hop and the source address', () => {
    expect(run(c, 'kubectl exec -n shop web -- ip route get 10.96.0.1')).toBe(`10.96.0.1 via 10.244.1.1 dev eth0 src ${podIP(c, 'web')} uid 0 \n    cache \n`)
    expect(run(c, `ssh node-1 ip route get ${podIP(c, 'db')}`)).toBe(`${podIP(c, 'db')} via 10.244.2.0 dev flannel.1 src 10.244.1.0 uid 0 \n    cache \n`)
    // local routes: the node's own address is its own source; the rest of 127/8 uses lo's 127.0.0.1
    expect(run(c, 'ssh node-1 ip route get 192.168.1.11')).toBe('local 192.168.1.11 dev lo src 192.168.1.11 uid 0 \n    cache <local> \n')
    expect(run(c, 'ssh node-1 ip route get 127.0.0.5')).toBe('local 127.0.0.5 dev lo src 127.0.0.1 uid 0 \n    cache <local> \n')
  })

  it('hostname -i prints the Pod\'s address; a hostNetwork Pod sees the node', () => {
    expect(run(c, 'kubectl exec -n shop web -- hostname -i')).toBe(`${podIP(c, 'web')}\n`)
    const proxy = c.pods.find((p) => p.meta.name.startsWith('kube-proxy-') && p.nodeName === 'node-1')!
    expect(run(c, `kubectl exec -n kube-system ${proxy.meta.name} -- hostname -i`)).toBe('192.168.1.11\n')
    expect(run(c, `kubectl exec -n kube-system ${proxy.meta.name} -- ip -br link`)).toContain('flannel.1')
  })

  it('answers like iproute2 on unknown devices and objects', () => {
    const r = (line: string) => import('../../../engine/index.ts').then(({ runCommand }) => runCommand(c, line))
    return Promise.all([
      r('kubectl exec -n shop web -- ip link show cni0').then((x) => expect([x.exitCode, x.stderr]).toEqual([1, 'Device "cni0" does not exist.\ncommand terminated with exit code 1\n'])),
      r('ssh node-1 ip foo').then((x) => expect(x.stderr).toBe('Object "foo" is unknown, try "ip help".\n')),
      r('ip a').then((x) => expect(x.exitCode).toBe(127)),
    ])
  })
})

describe('determinism', () => {
  it('prints the same interfaces and MACs on every load', () => {
    const a = cluster('calico')
    const b = cluster('calico')
    for (const cmd of ['ssh node-1 ip a', 'kubectl exec -n shop web -- ip a', 'ssh node-1 iptables-save']) expect(run(a, cmd)).toBe(run(b, cmd))
  })
})
