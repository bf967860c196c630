/**
 * The CNI agents' logs, line by line against flanneld v0.28.9's source
 * (flannel-io/flannel at v0.28.9: main.go, pkg/subnet/kube/kube.go,
 * pkg/ipmatch/match.go, pkg/trafficmngr/iptables/iptables.go,
 * pkg/trafficmngr/nftables/nftables.go, pkg/backend/route_network.go,
 * pkg/backend/vxlan/vxlan.go and vxlan_network.go, pkg/lease/lease.go) and
 * vishvananda/netlink's Route.String().
 */
import { describe, expect, it } from 'vitest'
import { loadScenario, runCommand } from '../../../engine/index.ts'
import type { Cluster } from '../../../engine/index.ts'

function cluster(spec: string): Cluster {
  const { cluster, diagnostics } = loadScenario(`apiVersion: knet/v1alpha1\nkind: Cluster\nspec:\n${spec}`)
  const errors = diagnostics.filter((d) => d.severity === 'error')
  if (errors.length) throw new Error(errors.map((d) => d.message).join('\n'))
  return cluster
}

/** The log of the flannel Pod on `node`, without the klog headers' times. */
function flannelLog(c: Cluster, node: string): string[] {
  const pod = c.pods.find((p) => p.meta.namespace === 'kube-flannel' && p.nodeName === node)!
  const r = runCommand(c, `kubectl logs -n kube-flannel ${pod.meta.name}`)
  expect(r.exitCode).toBe(0)
  return r.stdout.trimEnd().split('\n')
}

const body = (line: string) => line.replace(/^([IWE])\d{4} \d\d:\d\d:\d\d\.\d{6}       1 /, '$1 ')

describe('flanneld (kube-flannel.yml v0.28.9), VXLAN', () => {
  const c = cluster('  cni: flannel\n')
  const lines = flannelLog(c, 'node-1')

  it('writes klog lines: severity, MMDD time, pid 1, file:line, the Printf message', () => {
    for (const l of lines) expect(l).toMatch(/^[IWE]\d{4} \d\d:\d\d:\d\d\.\d{6}       1 [a-z_]+\.go:\d+\] /)
  })

  it('starts as main.go, the kube subnet manager and the interface lookup say, in that order', () => {
    expect(lines.slice(0, 14).map(body)).toEqual([
      'I main.go:229] CLI flags config: {etcdEndpoints:http://127.0.0.1:4001,http://127.0.0.1:2379 etcdPrefix:/coreos.com/network etcdKeyfile: etcdCertfile: etcdCAFile: etcdUsername: etcdPassword: version:false kubeSubnetMgr:true kubeApiUrl: kubeAnnotationPrefix:flannel.alpha.coreos.com kubeConfigFile: iface:[] ifaceRegex:[] ipMasq:true ipMasqRandomFullyDisable:false ifaceCanReach: subnetFile:/run/flannel/subnet.env publicIP: publicIPv6: subnetLeaseRenewMargin:60 healthzIP:0.0.0.0 healthzPort:8081 iptablesResyncSeconds:5 iptablesForwardRules:true blackholeRoute:false netConfPath:/etc/kube-flannel/net-conf.json setNodeNetworkUnavailable:true}',
      'I kube.go:139] Waiting 10m0s for node controller to sync',
      'I kube.go:537] Starting kube subnet manager',
      'I kube.go:163] Node controller sync successful',
      'I main.go:255] Created subnet manager: Kubernetes Subnet Manager - node-1',
      'I main.go:258] Installing signal handlers',
      // kube-flannel.yml v0.28.9 passes --healthz-port=8081 for its liveness and readiness probes
      'I main.go:554] Start healthz server on 0.0.0.0:8081',
      'I main.go:540] Found network config - Backend type: vxlan',
      'I match.go:211] Determining IP address of default interface',
      'I match.go:269] Using interface with name eth0 and address 192.168.1.11',
      'I match.go:291] Defaulting external address to interface address (192.168.1.11)',
      'I vxlan.go:128] VXLAN config: VNI=1 Port=0 GBP=false Learning=false DirectRouting=false',
      'I main.go:392] Cleaning-up unused traffic manager rules',
      'I nftables.go:280] Cleaning-up nftables rules...',
    ])
  })

  it('finds no subnet.env on its first start, so it recycles the rules of the empty network', () => {
    expect(lines.map(body)).toContain('W main.go:610] no subnet found for key: FLANNEL_SUBNET in file: /run/flannel/subnet.env')
    expect(lines.map(body)).toContain('W main.go:646] no subnet found for key: FLANNEL_IPV6_SUBNET in file: /run/flannel/subnet.env')
    expect(lines.map(body)).toContain('I iptables.go:101] Current network or subnet (10.244.0.0/16, 10.244.1.0/24) is not equal to previous one (0.0.0.0/0, 0.0.0.0/0), trying to recycle old iptables rules')
  })

  it('bootstraps each iptables rule set before it goes on (v0.28.9, flannel#2523), then writes subnet.env and is ready', () => {
    const all = lines.map(body)
    const from = all.indexOf('I iptables.go:111] Setting up masking rules')
    expect(from).toBeGreaterThan(0)
    expect(all.slice(from, from + 9)).toEqual([
      'I iptables.go:111] Setting up masking rules',
      'I iptables.go:358] bootstrap done',
      'I iptables.go:212] Changing default FORWARD chain policy to ACCEPT',
      'I iptables.go:358] bootstrap done',
      'I main.go:481] Wrote subnet file to /run/flannel/subnet.env',
      'I main.go:484] flannel is ready',
      'I main.go:488] Running backend.',
      'I main.go:509] Waiting for all goroutines to exit',
      'I vxlan_network.go:68] watching for new subnet leases',
    ])
    expect(all.filter((l) => l.includes('bootstrap done'))).toHaveLength(2)
  })

  it('logs each peer\'s lease with the VTEP MAC its flannel.1 really has', () => {
    const events = lines.filter((l) => l.includes('vxlan_network.go:270]'))
    expect(events).toHaveLength(3)
    const mac = runCommand(c, 'ssh node-2 ip link show flannel.1').stdout.match(/link\/ether (\S+)/)![1]
    expect(events.map(body)).toContain(`I vxlan_network.go:270] Received Subnet Event with VxLan: BackendType: vxlan, PublicIP: 192.168.1.12, PublicIPv6: (nil), BackendData: {"VNI":1,"VtepMAC":"${mac}"}, BackendV6Data: (nil)`)
    // own lease filtered out (pkg/lease LeaseWatcher.OwnLease)
    expect(events.some((l) => l.includes('PublicIP: 192.168.1.11,'))).toBe(false)
  })

  it('times grow monotonically from the container\'s start', () => {
    const r = runCommand(c, `kubectl logs -n kube-flannel ${c.pods.find((p) => p.meta.namespace === 'kube-flannel' && p.nodeName === 'node-1')!.meta.name} --timestamps`)
    const times = r.stdout.trimEnd().split('\n').map((l) => l.split(' ')[0])
    expect([...times].sort()).toEqual(times)
  })
})

describe('flanneld host-gw', () => {
  it('on one subnet: one "Subnet added" per peer, by node name, and no error', () => {
    const lines = flannelLog(cluster('  cni: flannel\n  cniMode: host-gw\n'), 'node-2').map(body)
    expect(lines).toContain('I main.go:540] Found network config - Backend type: host-gw')
    expect(lines).toContain('I route_network.go:56] Watching for new subnet leases')
    expect(lines.filter((l) => l.includes('route_network.go:93]'))).toEqual([
      'I route_network.go:93] Subnet added: 10.244.0.0/24 via 192.168.1.10',
      'I route_network.go:93] Subnet added: 10.244.1.0/24 via 192.168.1.11',
      'I route_network.go:93] Subnet added: 10.244.3.0/24 via 192.168.1.13',
    ])
    expect(lines.some((l) => l.startsWith('E'))).toBe(false)
    expect(lines.some((l) => l.includes('vxlan'))).toBe(false)
  })

  it('across a router: the kernel refuses the route and flanneld logs the netlink route and the errno', () => {
    const c = cluster('  cni: flannel\n  cniMode: host-gw\n  nodes:\n  - {name: cp, ip: 10.0.1.10, roles: [control-plane]}\n  - {name: w1, ip: 10.0.1.11}\n  - {name: w2, ip: 10.0.2.11}\n')
    const lines = flannelLog(c, 'w1').map(body)
    const peers = lines.filter((l) => l.includes('route_network.go:'))
    expect(peers).toEqual([
      'I route_network.go:56] Watching for new subnet leases',
      'I route_network.go:93] Subnet added: 10.244.0.0/24 via 10.0.1.10',
      'I route_network.go:93] Subnet added: 10.244.2.0/24 via 10.0.2.11',
      'E route_network.go:168] Error adding route to {Ifindex: 2 Dst: 10.244.2.0/24 Src: <nil> Gw: 10.0.2.11 Flags: [] Table: 0 Realm: 0}: network is unreachable',
    ])
  })
})

describe('what gets no flannel lines', () => {
  it('a dual-stack cluster (flanneld\'s IPv6 path is not written): the note says so instead', () => {
    const c = cluster('  cni: flannel\n  podCIDR: 10.244.0.0/16,fd00:10:244::/56\n  serviceCIDR: 10.96.0.0/12,fd00:10:96::/112\n')
    const r = runCommand(c, 'kubectl logs -n kube-flannel ds/kube-flannel-ds')
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain('no simulated log for container "kube-flannel"')
  })
})

describe('flanneld\'s Node annotations (kube.go AcquireLease), which its peers read back', () => {
  it('VXLAN: backend-data with the VTEP MAC of flannel.1, backend-type, kube-subnet-manager, public-ip', () => {
    const c = cluster('  cni: flannel\n')
    const n = c.index.node.get('node-2')!
    const mac = runCommand(c, 'ssh node-2 ip link show flannel.1').stdout.match(/link\/ether (\S+)/)![1]
    expect(flannelOnly(n.meta.annotations)).toEqual({
      'flannel.alpha.coreos.com/backend-data': `{"VNI":1,"VtepMAC":"${mac}"}`,
      'flannel.alpha.coreos.com/backend-type': 'vxlan',
      'flannel.alpha.coreos.com/kube-subnet-manager': 'true',
      'flannel.alpha.coreos.com/public-ip': '192.168.1.12',
    })
    expect(runCommand(c, 'kubectl get node node-2 -o yaml').stdout).toContain(`    flannel.alpha.coreos.com/backend-data: '{"VNI":1,"VtepMAC":"${mac}"}'\n`)
  })

  it('host-gw: backend-data is null (a nil RawMessage marshals so)', () => {
    const n = cluster('  cni: flannel\n  cniMode: host-gw\n').index.node.get('node-1')!
    expect(n.meta.annotations['flannel.alpha.coreos.com/backend-data']).toBe('null')
    expect(n.meta.annotations['flannel.alpha.coreos.com/backend-type']).toBe('host-gw')
  })

  it('other plugins write none of them', () => {
    expect(flannelOnly(cluster('  cni: calico\n').index.node.get('node-1')!.meta.annotations)).toEqual({})
  })

  it('a peer without flannel\'s annotations has no lease: no line for it', () => {
    const c = loadScenario(`apiVersion: knet/v1alpha1
kind: Cluster
spec: {cni: flannel}
---
apiVersion: v1
kind: Node
metadata: {name: a, annotations: {flannel.alpha.coreos.com/kube-subnet-manager: "false"}}
status: {addresses: [{type: InternalIP, address: 192.168.1.21}]}
---
apiVersion: v1
kind: Node
metadata: {name: b}
status: {addresses: [{type: InternalIP, address: 192.168.1.22}]}
`).cluster
    const lines = flannelLog(c, 'b')
    expect(lines.map(body)).toContain('I vxlan_network.go:68] watching for new subnet leases')
    expect(lines.filter((l) => l.includes('vxlan_network.go:270]'))).toEqual([])
  })
})

/** flannel's own annotations, without those kubelet and the TTL controller put on every Node */
function flannelOnly(a: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(a).filter(([k]) => k.startsWith('flannel.alpha.coreos.com/')))
}
