/**
 * kube-proxy's startup log per mode, against the lines kube-proxy's source
 * writes at the default verbosity:
 * - cmd/kube-proxy/app/server_linux.go: platformApplyDefaults ("Using iptables
 *   proxy" for an empty mode), createProxier ("Using iptables|ipvs|nftables
 *   Proxier", and for ipvs, from v1.35, the KEP-5495 deprecation logged with
 *   logger.Error, kubernetes/kubernetes#134539);
 * - cmd/kube-proxy/app/server.go: NodeIPs, the nodePortAddresses warning
 *   (not in nftables mode, whose default is "primary"), dual-stack mode,
 *   "Version info";
 * - pkg/proxy/iptables/proxier.go NewProxier: route_localnet for localhost NodePorts;
 * - pkg/proxy/ipvs/proxier.go NewProxier: "IPVS scheduler not specified, use rr by default".
 */
import { describe, expect, it } from 'vitest'
import { runCommand } from '../../../engine/index.ts'
import { build } from './helpers.ts'

const cluster = (spec: string, ...docs: string[]) => build([`apiVersion: knet/v1alpha1\nkind: Cluster\nspec: ${spec}`, ...docs].join('\n---\n'))
const proxyConfigMap = (conf: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: kube-proxy, namespace: kube-system}\ndata:\n  config.conf: |\n${conf.split('\n').map((l) => `    ${l}`).join('\n')}`

/** The kube-proxy log on node-1, as `kubectl logs` prints it. */
function proxyLog(c: ReturnType<typeof build>): string[] {
  const pod = c.pods.find((p) => p.nodeName === 'node-1' && p.workload?.name === 'kube-proxy')!
  const r = runCommand(c, `kubectl logs -n kube-system ${pod.meta.name}`)
  expect(r.exitCode).toBe(0)
  return r.stdout.trimEnd().split('\n')
}

/** The file:line and message of each line, without klog's time header. */
const bodies = (lines: string[]) => lines.map((l) => l.replace(/^[IWE]\d{4} \d\d:\d\d:\d\d\.\d{6} {7}1 /, ''))

describe('kube-proxy startup log (cmd/kube-proxy/app/server.go, server_linux.go)', () => {
  it('writes every line in klog format: severity, MMDD, time to the microsecond, thread id in 7 columns, file:line]', () => {
    for (const l of proxyLog(cluster('{proxyMode: nftables}'))) expect(l).toMatch(/^[IWE]\d{4} \d\d:\d\d:\d\d\.\d{6} {7}1 [a-z_]+\.go:\d+\] "/)
  })

  it('nftables mode: "Using nftables Proxier", and no nodePortAddresses warning (its default is primary)', () => {
    const b = bodies(proxyLog(cluster('{proxyMode: nftables}')))
    expect(b).toContain('server_linux.go:254] "Using nftables Proxier"')
    expect(b.some((l) => l.includes('nodePortAddresses is unset'))).toBe(false)
    expect(b.some((l) => l.includes('Using iptables'))).toBe(false)
    expect(b).toContain('server.go:274] "kube-proxy running in dual-stack mode" primary ipFamily="IPv4"')
  })

  it('iptables mode as kubeadm leaves it (mode ""): "Using iptables proxy" first, the nodePortAddresses error, route_localnet', () => {
    const lines = proxyLog(cluster('{}'))
    const b = bodies(lines)
    expect(b[0]).toBe('server_linux.go:53] "Using iptables proxy"')
    expect(b).toContain('server_linux.go:136] "Using iptables Proxier"')
    const warn = lines.find((l) => l.includes('nodePortAddresses is unset'))!
    expect(warn.startsWith('E')).toBe(true)
    expect(warn).toContain('server.go:265] "Kube-proxy configuration may be incomplete or incorrect" err="nodePortAddresses is unset; NodePort connections will be accepted on all local IPs. Consider using `--nodeport-addresses primary`"')
    expect(b.some((l) => l.startsWith('proxier.go:242] "Setting route_localnet=1') && l.endsWith('ipFamily="IPv4"'))).toBe(true)
  })

  it('iptables mode from the ConfigMap: no "Using iptables proxy"; nodePortAddresses set: no warning and no route_localnet', () => {
    const b = bodies(proxyLog(cluster('{}', proxyConfigMap('mode: iptables\nnodePortAddresses: ["192.168.1.0/24"]'))))
    expect(b.some((l) => l.includes('"Using iptables proxy"'))).toBe(false)
    expect(b).toContain('server_linux.go:136] "Using iptables Proxier"')
    expect(b.some((l) => l.includes('nodePortAddresses is unset'))).toBe(false)
    expect(b.some((l) => l.includes('route_localnet'))).toBe(false)
  })

  it('ipvs mode on v1.35 and later: the deprecation as an error line right after "Using ipvs Proxier"', () => {
    const lines = proxyLog(cluster('{proxyMode: ipvs, kubernetesVersion: v1.35.0}'))
    const i = lines.findIndex((l) => l.endsWith('server_linux.go:194] "Using ipvs Proxier"'))
    expect(i).toBeGreaterThan(0)
    expect(lines[i + 1]).toMatch(/^E\d{4} /)
    expect(lines[i + 1].endsWith(`server_linux.go:196] "The ipvs proxier is now deprecated and may be removed in a future release. Please use 'nftables' instead."`)).toBe(true)
    const b = bodies(lines)
    expect(b).toContain('proxier.go:351] "IPVS scheduler not specified, use rr by default" ipFamily="IPv4"')
    expect(b).toContain('proxier.go:351] "IPVS scheduler not specified, use rr by default" ipFamily="IPv6"')
  })

  it('ipvs mode before v1.35 logs no deprecation; a scheduler in the ConfigMap silences the default-scheduler line', () => {
    const b = bodies(proxyLog(cluster('{kubernetesVersion: v1.34.2}', proxyConfigMap('mode: ipvs\nipvs:\n  scheduler: lc'))))
    expect(b).toContain('server_linux.go:194] "Using ipvs Proxier"')
    expect(b.some((l) => l.includes('deprecated'))).toBe(false)
    expect(b.some((l) => l.includes('IPVS scheduler not specified'))).toBe(false)
  })

  it('names the node IPs, the version, and sizes nf_conntrack_max from the node CPUs (32768 per core, at least 131072)', () => {
    const c = cluster('{proxyMode: nftables, kubernetesVersion: v1.36.1}')
    const b = bodies(proxyLog(c))
    expect(b).toContain('server.go:228] "Successfully retrieved NodeIPs" NodeIPs=["192.168.1.11"]')
    expect(b).toContain('server.go:539] "Version info" version="v1.36.1"')
    expect(b).toContain('sysctls.go:147] "Setting nf_conntrack_max" nfConntrackMax=131072')
  })

  it('keeps time moving forward and is byte-identical run to run', () => {
    const c = cluster('{proxyMode: ipvs}')
    const a = proxyLog(c)
    const times = a.map((l) => l.slice(1, 21))
    expect([...times].sort()).toEqual(times)
    expect(proxyLog(cluster('{proxyMode: ipvs}'))).toEqual(a)
  })

  it('surfaces the IPVS deprecation as a Node event only while Events live (an hour): not on a 10-day-old cluster', () => {
    const c = cluster('{proxyMode: ipvs, kubernetesVersion: v1.35.0}')
    const r = runCommand(c, 'kubectl describe node node-1')
    expect(r.stdout).toContain('Events:')
    expect(r.stdout).not.toContain('IPVSDeprecation')
  })
})

describe('nodePortAddresses defaults (cmd/kube-proxy/app/server_linux.go platformApplyDefaults)', () => {
  const base = 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 1\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {nodeName: node-1, containers: [{name: c, image: registry.k8s.io/e2e-test-images/agnhost:2.53, args: [netexec]}]}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {type: NodePort, selector: {app: web}, ports: [{port: 80, targetPort: 8080, nodePort: 30080}]}'

  it('nftables mode defaults to "primary": the node\'s IP in @nodeport-ips, NodePorts refused on flannel.1', () => {
    const c = cluster('{proxyMode: nftables}', base)
    expect(runCommand(c, 'ssh node-3 nft list chain ip kube-proxy services').stdout).toContain('ip daddr @nodeport-ips meta l4proto . th dport vmap @service-nodeports')
    expect(runCommand(c, 'ssh node-3 nft list set ip kube-proxy nodeport-ips').stdout).toContain('elements = { 192.168.1.13 }')
    expect(runCommand(c, 'ssh node-3 curl -s http://192.168.1.13:30080/hostname').exitCode).toBe(0)
    expect(runCommand(c, 'ssh node-3 curl -s http://10.244.3.0:30080/hostname').exitCode).toBe(7)
  })

  it('iptables mode defaults to every local address; 0.0.0.0/0 in nftables mode means the same', () => {
    expect(runCommand(cluster('{}', base), 'ssh node-3 curl -s http://10.244.3.0:30080/hostname').exitCode).toBe(0)
    const all = cluster('{}', base, proxyConfigMap('mode: nftables\nnodePortAddresses: ["0.0.0.0/0"]'))
    expect(runCommand(all, 'ssh node-3 nft list chain ip kube-proxy services').stdout).toContain('fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @service-nodeports')
    expect(runCommand(all, 'ssh node-3 curl -s http://10.244.3.0:30080/hostname').exitCode).toBe(0)
  })

  it('a ConfigMap that leaves mode empty means iptables, whatever the Cluster document says', () => {
    const b = bodies(proxyLog(cluster('{proxyMode: nftables}', proxyConfigMap('mode: ""'))))
    expect(b[0]).toBe('server_linux.go:53] "Using iptables proxy"')
    expect(b).toContain('server_linux.go:136] "Using iptables Proxier"')
  })
})
