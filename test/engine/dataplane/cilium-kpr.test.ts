/**
 * Cilium's kube-proxy replacement (spec.kubeProxyReplacement: true), after
 * Cilium v1.18: no kube-proxy (docs.cilium.io network/kubernetes/kubeproxy-free:
 * kubeadm init --skip-phases=addon/kube-proxy), so no kube-proxy rules;
 * Services answered by the socket hooks (bpf/bpf_sock.c cil_sock4_connect,
 * cil_sock4_sendmsg) and by bpf_host's nodeport_lb4 (bpf/lib/nodeport.h, SNAT
 * mode, tail_no_service_ipv4 for service-no-backend-response=reject); and
 * cilium-dbg's tables as cilium-dbg/cmd/service_list.go and bpf_lb_list.go
 * print them (tabwriter minwidth 5, padding 3, tab-terminated cells; flags
 * as pkg/loadbalancer ServiceFlags.String; keys as
 * pkg/loadbalancer/maps Service4Key.String, "addr:port/PROTO (slot)").
 */
import { describe, expect, it } from 'vitest'
import { loadScenario, runCommand } from '../../../engine/index.ts'
import type { Cluster } from '../../../engine/index.ts'
import type { Trace } from '../../../engine/trace/types.ts'
import { build, run } from './helpers.ts'

const KPR = 'apiVersion: knet/v1alpha1\nkind: Cluster\nspec: {cni: cilium, kubeProxyReplacement: true}'
const WEB = [
  'apiVersion: v1\nkind: Pod\nmetadata: {name: web-1, labels: {app: web}}\nspec: {nodeName: node-1, containers: [{name: c, image: nginx, ports: [{containerPort: 80}]}]}',
  'apiVersion: v1\nkind: Pod\nmetadata: {name: web-2, labels: {app: web}}\nspec: {nodeName: node-2, containers: [{name: c, image: nginx, ports: [{containerPort: 80}]}]}',
  'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {type: NodePort, clusterIP: 10.96.0.50, selector: {app: web}, ports: [{port: 80, nodePort: 30080}]}',
  'apiVersion: v1\nkind: Pod\nmetadata: {name: client}\nspec: {nodeName: node-3, containers: [{name: c, image: nicolaka/netshoot, command: [sleep, infinity]}]}',
]
const cluster = (...docs: string[]): Cluster => build([KPR, ...docs].join('\n---\n'))
const trace = (c: Cluster, line: string): Trace => runCommand(c, line).data as Trace
const ip = (c: Cluster, pod: string) => c.index.pod.get(`default/${pod}`)!.podIPs[0]

describe('a cluster without kube-proxy', () => {
  it('runs no kube-proxy DaemonSet or Pods, only Cilium\'s agent', () => {
    const c = cluster(...WEB)
    expect(c.pods.some((p) => p.meta.name.startsWith('kube-proxy-'))).toBe(false)
    const ds = run(c, 'kubectl get ds -n kube-system')
    expect(ds).toContain('cilium ')
    expect(ds).not.toContain('kube-proxy')
  })

  it('says at load what is simplified, rejects the flag for other plugins and ignores proxyMode', () => {
    const ok = loadScenario([KPR, ...WEB].join('\n---\n')).diagnostics
    expect(ok.some((d) => d.severity === 'warning' && d.message.startsWith('kubeProxyReplacement is simplified:') && d.message.includes('DSR'))).toBe(true)
    const bad = loadScenario('apiVersion: knet/v1alpha1\nkind: Cluster\nspec: {cni: flannel, kubeProxyReplacement: true}').diagnostics
    expect(bad.filter((d) => d.severity === 'error').map((d) => d.message)).toEqual(['spec.kubeProxyReplacement: Invalid value: true: only Cilium replaces kube-proxy here (spec.cni is "flannel")'])
    const ipvs = loadScenario('apiVersion: knet/v1alpha1\nkind: Cluster\nspec: {cni: cilium, kubeProxyReplacement: true, proxyMode: ipvs}')
    expect(ipvs.diagnostics.some((d) => d.message.startsWith('spec.proxyMode is ignored'))).toBe(true)
    // no kube-ipvs0, no IPVS virtual servers
    expect(run(ipvs.cluster, 'ssh node-1 ip -br link')).not.toContain('kube-ipvs0')
    expect(run(ipvs.cluster, 'ssh node-1 ipvsadm -Ln')).not.toMatch(/^TCP /m)
  })

  it('leaves no kube-proxy chain in iptables-save, only kubelet\'s, and no kube-proxy nft table', () => {
    const c = cluster(...WEB)
    const save = run(c, 'ssh node-1 iptables-save')
    const chains = [...save.matchAll(/^:(KUBE-[A-Z0-9-]+)/gm)].map((m) => m[1])
    // kubelet's own chains (pkg/kubelet/kubelet_network_linux.go) stay
    expect([...new Set(chains)].sort()).toEqual(['KUBE-FIREWALL', 'KUBE-IPTABLES-HINT', 'KUBE-KUBELET-CANARY'])
    for (const name of ['KUBE-SERVICES', 'KUBE-SVC-', 'KUBE-SEP-', 'KUBE-NODEPORTS', 'KUBE-POSTROUTING', 'KUBE-PROXY-CANARY', 'KUBE-MARK-MASQ']) expect(save).not.toContain(name)
    expect(run(c, 'ssh node-1 nft list tables')).toBe('')
    // nothing listens on kube-proxy's health (10256) or metrics (10249) ports
    expect(run(c, 'ssh node-1 ss -ltn')).not.toMatch(/:1025[6]|:10249/)
    expect(run(c, 'ssh node-1 cat /proc/sys/net/ipv4/conf/all/route_localnet')).toBe('0\n')
  })

  it('still runs kube-proxy, and refuses cilium-dbg\'s tables, without the flag', () => {
    const c = build(['apiVersion: knet/v1alpha1\nkind: Cluster\nspec: {cni: cilium}', ...WEB].join('\n---\n'))
    expect(run(c, 'ssh node-1 iptables-save -t nat')).toContain('KUBE-SVC-')
    const r = runCommand(c, 'ssh node-1 cilium-dbg service list')
    expect(r.exitCode).toBe(1)
    expect(r.stderr).toContain('kubeProxyReplacement: true only')
    expect(trace(c, 'kubectl exec client -- trace web').hops.some((h) => h.handler === 'iptables')).toBe(true)
  })
})

describe('cilium-dbg', () => {
  it('service list: Frontend, Service Type, Backend, sorted by frontend text, padded by a tabwriter (service_list.go)', () => {
    const c = cluster(...WEB)
    const [a, b] = [ip(c, 'web-1'), ip(c, 'web-2')].sort()
    const out = run(c, 'ssh node-1 cilium-dbg service list').split('\n')
    expect(out[0]).toBe('Frontend              Service Type   Backend                               ')
    const i = out.findIndex((l) => l.startsWith('10.96.0.50:80/TCP'))
    expect(out[i]).toBe(`10.96.0.50:80/TCP     ClusterIP      1 => ${a}:80/TCP (active)`.padEnd(out[0].length))
    expect(out[i + 1]).toBe(`                                     2 => ${b}:80/TCP (active)`.padEnd(out[0].length))
    // the NodePort is one wildcard frontend, not one per node address
    expect(out.filter((l) => l.includes(':30080/'))).toEqual([`0.0.0.0:30080/TCP     NodePort       1 => ${a}:80/TCP (active)`.padEnd(out[0].length)])
    // Go's string order: "10.96.0.10:…" sorts before "10.96.0.1:443"
    const ids = out.slice(1).map((l) => l.split(' ')[0]).filter(Boolean)
    expect(ids).toEqual([...ids].sort())
    expect(ids.indexOf('10.96.0.10:53/UDP')).toBeLessThan(ids.indexOf('10.96.0.1:443/TCP'))
    // the same in the agent Pod
    expect(run(c, 'kubectl exec -n kube-system ds/cilium -- cilium-dbg service list').split('\n')[0]).toBe(out[0])
  })

  it('bpf lb list: one line per map entry, slot 0 the service with its flags, then the backends (bpf_lb_list.go)', () => {
    const c = cluster(...WEB)
    const [a, b] = [ip(c, 'web-1'), ip(c, 'web-2')].sort()
    const out = run(c, 'ssh node-1 cilium-dbg bpf lb list').split('\n')
    // the widest key, "10.96.0.10:9153/TCP (0)", sets the first column: 23 characters and 3 of padding
    const w = 26
    expect(out[0].trimEnd()).toBe(`${'SERVICE ADDRESS'.padEnd(w)}BACKEND ADDRESS (REVNAT_ID) (SLOT)`)
    const lines = out.filter((l) => l.startsWith('10.96.0.50:80/TCP')).map((l) => l.trimEnd())
    const id = /\((\d+)\) \(0\)/.exec(lines[0])![1]
    expect(lines).toEqual([
      `${'10.96.0.50:80/TCP (0)'.padEnd(w)}0.0.0.0:0 (${id}) (0) [ClusterIP, non-routable]`,
      `${'10.96.0.50:80/TCP (1)'.padEnd(w)}${a}:80/TCP (${id}) (1)`,
      `${'10.96.0.50:80/TCP (2)'.padEnd(w)}${b}:80/TCP (${id}) (2)`,
    ])
    expect(out.find((l) => l.startsWith('0.0.0.0:30080/TCP (0)'))).toContain('[NodePort, non-routable]')
    // every cell is tab-terminated: the second column is padded too
    expect(new Set(out.filter(Boolean).map((l) => l.length)).size).toBe(1)
  })

  it('gives externalTrafficPolicy: Local two scopes: the external one holds only this node\'s backends', () => {
    const c = cluster(...WEB.slice(0, 2), 'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {type: NodePort, externalTrafficPolicy: Local, selector: {app: web}, ports: [{port: 80, nodePort: 30080}]}')
    const lines = run(c, 'ssh node-1 cilium-dbg bpf lb list').split('\n').filter((l) => l.startsWith('0.0.0.0:30080/')).map((l) => l.replace(/ +$/, ''))
    expect(lines.map((l) => l.split(/\s{2,}/)[0])).toEqual(['0.0.0.0:30080/TCP (0)', '0.0.0.0:30080/TCP (1)', '0.0.0.0:30080/TCP/i (0)', '0.0.0.0:30080/TCP/i (1)', '0.0.0.0:30080/TCP/i (2)'])
    expect(lines[0]).toContain('[NodePort, Local, two-scopes, non-routable]')
    expect(lines[1]).toContain(`${ip(c, 'web-1')}:80/TCP`)
  })

  it('is not found where Cilium is not', () => {
    const c = build('apiVersion: knet/v1alpha1\nkind: Cluster\nspec: {cni: flannel}')
    expect(runCommand(c, 'ssh node-1 cilium-dbg service list').exitCode).toBe(127)
  })
})

describe('traces without kube-proxy', () => {
  it('translates a ClusterIP at the socket: the packet leaves the Pod addressed to the backend, no node DNATs it', () => {
    const c = cluster(...WEB)
    const t = trace(c, 'kubectl exec client -- trace 10.96.0.50:80')
    expect(t.result).toBe('delivered')
    const sock = t.hops.find((h) => h.at === 'pod default/client connect()')!
    expect(sock.handler).toBe('ebpf')
    expect(sock.rule).toBe('cil_sock4_connect (cgroup/connect4): 10.96.0.50:80/TCP [ClusterIP, non-routable]')
    expect(sock.before.dst).toBe('10.96.0.50')
    expect([ip(c, 'web-1'), ip(c, 'web-2')]).toContain(sock.after.dst)
    // the socket hop comes before the Pod's routing: the packet on eth0 is already addressed to the backend
    const eth0 = t.hops.findIndex((h) => h.at === 'pod default/client eth0')
    expect(t.hops.indexOf(sock)).toBeLessThan(eth0)
    expect(t.hops[eth0].before.dst).toBe(sock.after.dst)
    const request = t.hops.filter((h) => h.direction === 'request')
    expect(request.some((h) => ['iptables', 'nftables', 'ipvs'].includes(h.handler))).toBe(false)
    expect(request.filter((h) => h.before.dst !== h.after.dst)).toEqual([sock])
    // the reply is not reverse-NATed: the socket hooks show the Service address
    const back = t.hops.find((h) => h.direction === 'reply' && h.handler === 'ebpf')!
    expect(back.before.src).toBe(sock.after.dst)
    expect(back.after.src).toBe('10.96.0.50')
  })

  it('uses the sendmsg hook for UDP (the DNS query to kube-dns)', () => {
    const c = cluster(...WEB)
    const t = trace(c, 'kubectl exec client -- trace 10.96.0.10:53 -p udp')
    expect(t.hops.find((h) => h.handler === 'ebpf')?.rule).toBe('cil_sock4_sendmsg (cgroup/sendmsg4): 10.96.0.10:53/UDP [ClusterIP, non-routable]')
  })

  it('fails connect() at once for a Service without backends', () => {
    const c = cluster('apiVersion: v1\nkind: Service\nmetadata: {name: empty}\nspec: {clusterIP: 10.96.0.60, selector: {app: none}, ports: [{port: 80}]}', WEB[3])
    const t = trace(c, 'kubectl exec client -- trace 10.96.0.60:80')
    expect(t.result).toBe('refused')
    expect(t.hops.at(-1)!.note).toContain('EHOSTUNREACH')
    expect(t.hops.some((h) => h.handler === 'veth')).toBe(false)
  })

  it('names the endpoints that exist but are not ready when a Service has no backend (as the kube-proxy trace does)', () => {
    // a readiness gate whose condition nobody sets keeps web-1 out of the backends (kubelet generate.go)
    const gated = WEB[0].replace('spec: {nodeName: node-1,', 'spec: {nodeName: node-1, readinessGates: [{conditionType: example.com/lb}],')
    const c = cluster(gated, WEB[2], WEB[3])
    const t = trace(c, 'kubectl exec client -- trace 10.96.0.50:80')
    expect(t.result).toBe('refused')
    expect(t.hops.at(-1)!.note).toContain('it has no backend (its endpoint web-1 is not ready; `kubectl describe pod` says why): Cilium\'s socket hook fails')
    const outside = trace(c, 'trace 203.0.113.9 -> 192.168.1.11:30080')
    expect(outside.result).toBe('refused')
    expect(outside.hops.at(-1)!.note).toContain('default/web has no backend (its endpoint web-1 is not ready; `kubectl describe pod` says why): with service-no-backend-response=reject')
    // a Service that selects nothing says nothing more
    const empty = cluster('apiVersion: v1\nkind: Service\nmetadata: {name: empty}\nspec: {clusterIP: 10.96.0.60, selector: {app: none}, ports: [{port: 80}]}', WEB[3])
    expect(trace(empty, 'kubectl exec client -- trace 10.96.0.60:80').hops.at(-1)!.note).toContain('it has no backend: ')
  })

  it('translates a NodePort from outside on the node\'s device, with SNAT when the backend is on another node', () => {
    // the only backend is on node-2, so the packet must cross
    const c = cluster(WEB[1], WEB[2])
    const remote = trace(c, 'trace 203.0.113.9 -> 192.168.1.11:30080')
    expect(remote.result).toBe('delivered')
    expect(remote.endpoint?.node).toBe('node-2')
    const hops = remote.hops.filter((h) => h.direction === 'request' && h.handler === 'ebpf' && h.node === 'node-1')
    expect(hops.map((h) => h.at)).toEqual(['node-1 eth0 tc ingress (bpf_host)', 'node-1 eth0 (bpf_host nodeport SNAT)'])
    expect(hops[0].rule).toBe('cil_from_netdev: lb4_lookup_service 0.0.0.0:30080/TCP [NodePort, non-routable]')
    expect(hops[1].after.src).toBe('192.168.1.11')
    expect(remote.hops.some((h) => h.handler === 'iptables')).toBe(false)
    // the server sees node-1, and the reply is un-SNATed and un-DNATed by node-1's eBPF
    expect(remote.hops.find((h) => h.handler === 'server')!.before.src).toBe('192.168.1.11')
    expect(remote.hops.filter((h) => h.direction === 'reply' && h.handler === 'ebpf').map((h) => h.after.dst)).toEqual(['203.0.113.9', '203.0.113.9'])
  })

  it('keeps the client address for a backend on the node itself, and refuses on a node without one under Local', () => {
    const c = cluster(...WEB.slice(0, 2), 'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {type: NodePort, externalTrafficPolicy: Local, selector: {app: web}, ports: [{port: 80, nodePort: 30080}]}')
    const here = trace(c, 'trace 203.0.113.9 -> 192.168.1.11:30080')
    expect(here.result).toBe('delivered')
    expect(here.endpoint?.pod).toBe('default/web-1')
    expect(here.hops.some((h) => h.at.includes('SNAT'))).toBe(false)
    const none = trace(c, 'trace 203.0.113.9 -> 192.168.1.13:30080')
    expect(none.result).toBe('refused')
    expect(none.hops.at(-1)!.note).toContain('service-no-backend-response=reject')
  })

  it('serves a NodePort on 127.0.0.1 from the node itself (socket-LB in the host namespace)', () => {
    const c = cluster(...WEB)
    const t = trace(c, 'ssh node-3 trace 127.0.0.1:30080')
    expect(t.result).toBe('delivered')
    const sock = t.hops.find((h) => h.handler === 'ebpf')!
    expect(sock.rule).toContain('0.0.0.0:30080/TCP [NodePort, non-routable]')
    expect(sock.after.src).not.toBe('127.0.0.1')
  })
})
