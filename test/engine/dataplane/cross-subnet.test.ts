/**
 * Nodes on two subnets. The kernel refuses a route whose gateway is on no
 * connected subnet of its device (net/ipv4/fib_semantics.c
 * fib_check_nh_v4_gw: the gateway is looked up with scope link on that
 * device; RTM_NEWROUTE fails with ENETUNREACH, iproute2 prints "Error:
 * Nexthop has invalid gateway."). So the routed CNI modes that point a Pod
 * range at the peer node's address lose the peers across a router:
 * - flannel host-gw: flanneld's route add fails (pkg/backend/route_network.go
 *   routeAdd, "Error adding route to …"); flannel's backends.md: host-gw
 *   "requires direct layer2 connectivity between hosts";
 * - Calico bgp: BIRD's `gateway recursive` (bird.cfg.template) resolves the
 *   peer through the default route: `via <LAN gateway> proto bird`;
 * - Cilium native routing: createDirectRouteSpec refuses a node behind a
 *   gateway ("must be directly reachable", pkg/datapath/linux/node.go);
 * - Antrea noEncap: no route to a peer on another subnet, "handled by host
 *   default route" (pkg/agent/route/route_linux.go AddRoutes).
 * The packet then follows the default route to the LAN gateway, which has no
 * route for Pod ranges: lost, and the client times out. Overlays and the
 * network-routed plugins (bridge, AWS, Azure) are unaffected, and so is every
 * cluster whose nodes share one subnet.
 */
import { describe, expect, it } from 'vitest'
import { loadScenario, runCommand } from '../../../engine/index.ts'
import type { Cluster } from '../../../engine/index.ts'
import { nodePlumbing } from '../../../engine/dataplane/index.ts'
import { gatewayOnLink, installRoutes } from '../../../engine/dataplane/routes.ts'
import type { Route } from '../../../engine/dataplane/index.ts'
import { tracePacket } from '../../../engine/trace/index.ts'
import { Session } from '../../../engine/index.ts'

function scenario(cni: string, mode: string, opts: { oneSubnet?: boolean } = {}): string {
  const w2 = opts.oneSubnet ? '10.0.1.12' : '10.0.2.11'
  return `apiVersion: knet/v1alpha1
kind: Cluster
spec:
  cni: ${cni}
  cniMode: ${mode}
  nodes:
  - {name: cp, ip: 10.0.1.10, roles: [control-plane]}
  - {name: w1, ip: 10.0.1.11}
  - {name: w2, ip: ${w2}}
---
apiVersion: v1
kind: Pod
metadata: {name: a}
spec:
  nodeName: w1
  containers: [{name: c, image: nicolaka/netshoot}]
---
apiVersion: v1
kind: Pod
metadata: {name: b, labels: {app: b}}
spec:
  nodeName: w2
  containers: [{name: c, image: registry.k8s.io/e2e-test-images/agnhost:2.53, args: [netexec]}]
---
apiVersion: v1
kind: Pod
metadata: {name: near, labels: {app: near}}
spec:
  nodeName: cp
  tolerations: [{operator: Exists}]
  containers: [{name: c, image: registry.k8s.io/e2e-test-images/agnhost:2.53, args: [netexec]}]
`
}

function load(text: string): { cluster: Cluster; warnings: { code: string; field?: string; message: string; hint?: string }[] } {
  const { cluster, diagnostics } = loadScenario(text)
  const errors = diagnostics.filter((d) => d.severity === 'error')
  if (errors.length) throw new Error(errors.map((d) => d.message).join('\n'))
  return { cluster, warnings: diagnostics.filter((d) => d.severity === 'warning') as never }
}

const ip = (c: Cluster, name: string) => c.index.pod.get(`default/${name}`)!.podIPs[0]
const node = (c: Cluster, name: string) => c.index.node.get(name)!
const sh = (c: Cluster, line: string) => runCommand(c, line)

function traceTo(c: Cluster, from: string, to: string) {
  return tracePacket(c, { kind: 'pod', pod: c.index.pod.get(`default/${from}`)! }, { kind: 'pod', pod: c.index.pod.get(`default/${to}`)!, port: 8080 })
}

describe('the kernel rule: a gateway must be on a connected subnet of its device', () => {
  const connected: Route = { family: 'IPv4', dst: '10.0.1.0/24', dev: 'eth0', proto: 'kernel', scope: 'link', src: '10.0.1.11' }
  const def: Route = { family: 'IPv4', dst: 'default', via: '10.0.1.1', dev: 'eth0', proto: 'static' }

  it('accepts a gateway inside the connected prefix of the same device', () => {
    expect(gatewayOnLink([connected], { family: 'IPv4', dst: '10.244.0.0/24', via: '10.0.1.10', dev: 'eth0' })).toBe(true)
  })

  it('refuses a gateway reachable only through the default route (fib_check_nh_v4_gw looks it up with scope link)', () => {
    expect(gatewayOnLink([connected, def], { family: 'IPv4', dst: '10.244.2.0/24', via: '10.0.2.11', dev: 'eth0' })).toBe(false)
  })

  it('refuses a gateway on a connected subnet of another device (the lookup is restricted to the route\'s device)', () => {
    const cni0: Route = { family: 'IPv4', dst: '10.244.1.0/24', dev: 'cni0', proto: 'kernel', scope: 'link' }
    expect(gatewayOnLink([connected, cni0], { family: 'IPv4', dst: '10.9.0.0/16', via: '10.244.1.7', dev: 'eth0' })).toBe(false)
  })

  it('accepts onlink routes (RTNH_F_ONLINK skips the check, as flannel VXLAN and Calico IPIP routes use it) and routes without a gateway', () => {
    expect(gatewayOnLink([connected], { family: 'IPv4', dst: '10.244.2.0/24', via: '10.244.2.0', dev: 'flannel.1', onlink: true })).toBe(true)
    expect(gatewayOnLink([], connected)).toBe(true)
  })

  it('splits what an agent asks for into installed and refused routes', () => {
    const bad: Route = { family: 'IPv4', dst: '10.244.2.0/24', via: '10.0.2.11', dev: 'eth0' }
    expect(installRoutes([def, connected, bad])).toEqual({ installed: [def, connected], refused: [bad] })
  })
})

describe('flannel host-gw with nodes on 10.0.1.0/24 and 10.0.2.0/24', () => {
  const { cluster: c, warnings } = load(scenario('flannel', 'host-gw'))

  it('leaves the far node\'s Pod range out of w1\'s table, and keeps the route to the near one', () => {
    const routes = sh(c, 'ssh w1 ip route').stdout
    expect(routes).toBe([
      'default via 10.0.1.1 dev eth0 proto static ',
      '10.0.1.0/24 dev eth0 proto kernel scope link src 10.0.1.11 ',
      '10.244.0.0/24 via 10.0.1.10 dev eth0 ',
      '10.244.1.0/24 dev cni0 proto kernel scope link src 10.244.1.1 ',
      '',
    ].join('\n'))
    expect(nodePlumbing(c, node(c, 'w1')).refusedRoutes).toEqual([{ family: 'IPv4', dst: '10.244.2.0/24', via: '10.0.2.11', dev: 'eth0' }])
    expect(sh(c, 'ssh w1 ip route get 10.244.2.2').stdout).toBe('10.244.2.2 via 10.0.1.1 dev eth0 src 10.0.1.11 uid 0 \n    cache \n')
  })

  it('the trace dies at the LAN gateway and says why', () => {
    const t = traceTo(c, 'a', 'b')
    expect(t.result).toBe('timeout')
    const hops = t.hops.filter((h) => h.at === 'w1 routing' || h.at.startsWith('LAN gateway'))
    expect(hops.map((h) => h.at)).toEqual(['w1 routing', 'LAN gateway 10.0.1.1'])
    expect(hops[0].rule).toBe('default via 10.0.1.1 dev eth0 proto static')
    expect(hops[0].note).toContain('w1 has no route for 10.244.2.0/24')
    expect(hops[0].note).toContain('the kernel refused 10.244.2.0/24 via 10.0.2.11')
    expect(hops[1].note).toContain('no route for 10.244.2.0/24')
    expect(hops[1].verdict).toBe('timeout')
    expect(t.hops.some((h) => h.node === 'w2')).toBe(false)
  })

  it('the traffic tools time out as they do for a drop', () => {
    const curl = sh(c, `kubectl exec a -- curl -m2 ${ip(c, 'b')}:8080/hostname`)
    expect(curl.stderr).toBe('curl: (28) Connection timed out after 2002 milliseconds\ncommand terminated with exit code 28\n')
    expect(curl.exitCode).toBe(28)
    expect(sh(c, `kubectl exec a -- ping -c2 ${ip(c, 'b')}`).stdout).toContain('2 packets transmitted, 0 received, 100% packet loss')
    expect(sh(c, `kubectl exec a -- nc -zv -w2 ${ip(c, 'b')} 8080`).stderr).toContain('timed out')
  })

  it('a capture sees the SYN leave w1\'s eth0 (for the LAN gateway) and nothing reach w2', () => {
    const { cluster: c2 } = load(scenario('flannel', 'host-gw'))
    const s = new Session(c2)
    s.run(`kubectl exec a -- curl -sS -m2 ${ip(c2, 'b')}:8080/hostname`)
    expect(s.run('ssh w1 tcpdump -ni eth0').stdout).toContain(`IP ${ip(c2, 'a')}.`)
    expect(s.run('ssh w1 tcpdump -ni eth0').stdout).toContain(`> ${ip(c2, 'b')}.8080: Flags [S]`)
    expect(s.run('ssh w2 tcpdump -ni eth0').stderr).toContain('0 packets captured')
  })

  it('traffic to a node on the same subnet still works', () => {
    expect(traceTo(c, 'a', 'near').result).toBe('delivered')
    expect(sh(c, `kubectl exec a -- curl -s -m2 ${ip(c, 'near')}:8080/hostname`).stdout).toBe('near')
  })

  it('warns on spec.cniMode, naming both subnets and the fix', () => {
    const w = warnings.filter((d) => d.code === 'needs-layer2')
    expect(w).toHaveLength(1)
    expect(w[0].field).toBe('spec.cniMode')
    expect(w[0].message).toContain('10.0.1.0/24 (cp, w1) and 10.0.2.0/24 (w2)')
    expect(w[0].hint).toContain('cniMode: vxlan')
  })
})

describe('the other routed modes across two subnets', () => {
  it('Calico bgp: BIRD resolves the off-subnet next hop through the default route (gateway recursive)', () => {
    const { cluster: c, warnings } = load(scenario('calico', 'bgp'))
    const b = ip(c, 'b')
    const block = `${b.split('.').slice(0, 3).join('.')}.128/26`
    expect(sh(c, 'ssh w1 ip route').stdout).toContain(`${block} via 10.0.1.1 dev eth0 proto bird metric 1024 \n`)
    expect(sh(c, 'ssh w1 ip route').stdout).toMatch(/via 10\.0\.1\.10 dev eth0 proto bird/)
    const t = traceTo(c, 'a', 'b')
    expect(t.result).toBe('timeout')
    expect(t.hops.find((h) => h.at === 'w1 routing')!.note).toContain('BIRD resolved the next hop through the default route')
    expect(warnings.find((d) => d.code === 'needs-layer2')?.hint).toContain('ipip or vxlan')
  })

  it('Cilium native routing: no direct route to the far node (the agent wants it directly reachable)', () => {
    const { cluster: c, warnings } = load(scenario('cilium', 'native'))
    expect(sh(c, 'ssh w1 ip route').stdout).not.toContain('10.244.2.0/24')
    const t = traceTo(c, 'a', 'b')
    expect(t.result).toBe('timeout')
    expect(t.hops.find((h) => h.at === 'w1 routing')!.note).toContain('cilium-agent installs a direct route only to a node it reaches without a gateway')
    // the agent never asks for the route, so the kernel has nothing to refuse
    expect(nodePlumbing(c, node(c, 'w1')).refusedRoutes).toEqual([])
    expect(warnings.some((d) => d.code === 'needs-layer2')).toBe(true)
  })

  it('Antrea noEncap: the far node\'s range is left to the node network, which does not route it', () => {
    const { cluster: c, warnings } = load(scenario('antrea', 'noEncap'))
    expect(sh(c, 'ssh w1 ip route').stdout).not.toContain('10.244.2.0/24')
    expect(sh(c, 'ssh w1 ip route').stdout).toContain('10.244.0.0/24 via 10.0.1.10 dev eth0')
    expect(nodePlumbing(c, node(c, 'w1')).refusedRoutes).toEqual([])
    expect(traceTo(c, 'a', 'b').result).toBe('timeout')
    expect(warnings.find((d) => d.code === 'needs-layer2')?.hint).toContain('cniMode: geneve')
  })
})

describe('what keeps working across two subnets', () => {
  for (const [cni, mode] of [['flannel', 'vxlan'], ['calico', 'ipip'], ['calico', 'vxlan'], ['cilium', 'vxlan'], ['antrea', 'geneve'], ['bridge', 'host-local']]) {
    it(`${cni} ${mode}: delivered, no warning`, () => {
      const { cluster: c, warnings } = load(scenario(cni, mode))
      expect(traceTo(c, 'a', 'b').result).toBe('delivered')
      expect(warnings.some((d) => d.code === 'needs-layer2')).toBe(false)
      for (const n of c.nodes) expect(nodePlumbing(c, n).refusedRoutes).toEqual([])
    })
  }

  for (const [cni, mode] of [['flannel', 'host-gw'], ['calico', 'bgp'], ['cilium', 'native'], ['antrea', 'noEncap']]) {
    it(`${cni} ${mode} on one subnet: every route installed, delivered, no warning`, () => {
      const { cluster: c, warnings } = load(scenario(cni, mode, { oneSubnet: true }))
      expect(traceTo(c, 'a', 'b').result).toBe('delivered')
      expect(warnings.some((d) => d.code === 'needs-layer2')).toBe(false)
      for (const n of c.nodes) expect(nodePlumbing(c, n).refusedRoutes).toEqual([])
    })
  }
})

describe('IPv6 keeps its earlier model', () => {
  it('dual-stack host-gw on one subnet: the IPv6 Pod packet meets the node\'s IPv6 default route and is still delivered (no IPv6 peer routes are drawn)', () => {
    const { cluster: c } = load(`apiVersion: knet/v1alpha1
kind: Cluster
spec:
  cni: flannel
  cniMode: host-gw
  ipFamilies: [IPv4, IPv6]
  podCIDR: 10.244.0.0/16,fd00:10:244::/56
  serviceCIDR: 10.96.0.0/12,fd00:10:96::/112
  nodes:
  - {name: cp, ips: [10.0.1.10, "fd00:10:0:1::10"], roles: [control-plane]}
  - {name: w1, ips: [10.0.1.11, "fd00:10:0:1::11"]}
  - {name: w2, ips: [10.0.1.12, "fd00:10:0:1::12"]}
---
apiVersion: v1
kind: Pod
metadata: {name: a}
spec:
  nodeName: w1
  containers: [{name: c, image: nicolaka/netshoot}]
---
apiVersion: v1
kind: Pod
metadata: {name: b}
spec:
  nodeName: w2
  containers: [{name: c, image: registry.k8s.io/e2e-test-images/agnhost:2.53, args: [netexec]}]
`)
    const b = c.index.pod.get('default/b')!.podIPs
    expect(b).toHaveLength(2)
    for (const addr of b) {
      const t = tracePacket(c, { kind: 'pod', pod: c.index.pod.get('default/a')! }, { kind: 'address', ip: addr, port: 8080 })
      expect(t.result).toBe('delivered')
    }
  })
})
