/**
 * The CNI chapter's comparison table, computed at build time from engine
 * runs: the same scenario (a client Pod on node-1, a server Pod on node-2,
 * a NetworkPolicy that denies all ingress to the server) under each plugin,
 * and for each, the commands a reader would type. Every cell is read from
 * what those commands print, so the table can never disagree with the
 * examples. site/components/CniComparison.astro renders it;
 * test/content/cni-table.test.ts checks it against fresh runs.
 */
import { loadScenario, runCommand } from '../../engine/index.ts'
import type { Cluster } from '../../engine/index.ts'

export const COMPARISON_SCENARIO = `apiVersion: v1
kind: Pod
metadata: {name: client}
spec:
  nodeName: node-1
  containers: [{name: netshoot, image: nicolaka/netshoot, command: ["sleep", "infinity"]}]
---
apiVersion: v1
kind: Pod
metadata: {name: far, labels: {app: far}}
spec:
  nodeName: node-2
  containers: [{name: agnhost, image: "registry.k8s.io/e2e-test-images/agnhost:2.53", args: ["netexec"], ports: [{containerPort: 8080}]}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-to-far}
spec:
  podSelector: {matchLabels: {app: far}}
  policyTypes: [Ingress]
`

export interface PluginSetting {
  cni: string
  mode?: string
  label: string
  /** shown next to the label (Weave Net's status) */
  caveat?: string
  /** Cilium's kube-proxy replacement (spec.kubeProxyReplacement) */
  kubeProxyReplacement?: boolean
}

export const PLUGINS: PluginSetting[] = [
  { cni: 'flannel', mode: 'vxlan', label: 'Flannel (VXLAN)' },
  { cni: 'flannel', mode: 'host-gw', label: 'Flannel (host-gw)' },
  { cni: 'calico', mode: 'ipip', label: 'Calico (IP-in-IP)' },
  { cni: 'calico', mode: 'vxlan', label: 'Calico (VXLAN)' },
  { cni: 'calico', mode: 'bgp', label: 'Calico (BGP, no encapsulation)' },
  { cni: 'canal', label: 'Canal (flannel + Calico policy)' },
  { cni: 'cilium', mode: 'vxlan', label: 'Cilium (VXLAN)' },
  { cni: 'cilium', mode: 'vxlan', kubeProxyReplacement: true, label: 'Cilium (VXLAN, kube-proxy replacement)' },
  { cni: 'antrea', mode: 'geneve', label: 'Antrea (Geneve)' },
  { cni: 'aws-vpc-cni', label: 'AWS VPC CNI' },
  { cni: 'azure-cni', label: 'Azure CNI' },
  { cni: 'bridge', label: 'bridge + host-local' },
  { cni: 'weave', label: 'Weave Net', caveat: 'unmaintained since 2024' },
]

export interface ComparisonRow {
  setting: PluginSetting
  /** far's address (kubectl get pod far -o wide) */
  podAddress: string
  /** node-1's route to it (ip route get) */
  route: string
  /** node-1's links other than lo, eth0 and the Pods' own veths (ip -br link) */
  interfaces: string[]
  /** the device that carries one Pod veth per Pod, by its name's prefix */
  podVeth: string
  /** the tunnel the trace shows, with its overhead, or 'none' */
  encapsulation: string
  /** the MTU the client's route to far really gets (ip route get / ip link) */
  podMtu: number
  /** whether the deny-all ingress policy stopped the client's curl */
  policy: 'enforced' | 'not enforced'
  /** who translates Services on node-1: kube-proxy's KUBE-SERVICES chain, or Cilium's eBPF maps */
  services: string
  /** the commands each cell was read from */
  commands: string[]
}

function run(cluster: Cluster, line: string): { stdout: string; exitCode: number } {
  const r = runCommand(cluster, line)
  return { stdout: r.stdout, exitCode: r.exitCode }
}

/** The Cluster document's spec for a setting. */
export function specFor(p: PluginSetting): string {
  return `{cni: ${p.cni}${p.mode ? `, cniMode: ${p.mode}` : ''}${p.kubeProxyReplacement ? ', kubeProxyReplacement: true' : ''}}`
}

function scenarioFor(p: PluginSetting): string {
  const spec = specFor(p)
  return `apiVersion: knet/v1alpha1\nkind: Cluster\nspec: ${spec}\n---\n${COMPARISON_SCENARIO}`
}

/** One plugin's row, read from the engine's answers. */
export function comparePlugin(p: PluginSetting): ComparisonRow {
  const { cluster, diagnostics } = loadScenario(scenarioFor(p))
  const errors = diagnostics.filter((d) => d.severity === 'error')
  if (errors.length) throw new Error(`comparison scenario for ${p.label}: ${errors.map((e) => e.message).join('; ')}`)
  const commands: string[] = []
  const sh = (line: string) => {
    commands.push(line)
    return run(cluster, line)
  }
  const wide = sh('kubectl get pod far -o wide').stdout.split('\n')[1] ?? ''
  const podAddress = wide.split(/\s+/)[5] ?? ''
  const get = sh(`ssh node-1 ip route get ${podAddress}`).stdout.split('\n')[0] ?? ''
  const route = get.replace(/^\S+\s+/, '').replace(/\s+src \S+/, '').replace(/\s*uid 0\s*$/, '').trim()
  const links = sh('ssh node-1 ip -br link').stdout.split('\n').filter(Boolean).map((l) => l.split(/\s+/)[0])
  const podLinks = links.filter((l) => /@if\d+$/.test(l))
  const interfaces = links.filter((l) => l !== 'lo' && l !== 'eth0' && !/@if\d+$/.test(l)).map((l) => l.replace(/@.*$/, ''))
  const prefix = commonPrefix(podLinks.map((l) => l.replace(/@.*$/, '')))
  const podVeth = !podLinks.length ? '' : prefix.endsWith('(') ? `named after the Pod (${podLinks[0].replace(/@.*$/, '')})` : `${prefix}…`
  const trace = sh('kubectl exec client -- trace far').stdout
  const tunnel = /^\s+\d+\s+node-1 (\S+)\s+(vxlan|ipip|geneve|weave)\s*$/m.exec(trace)
  const overhead = /\(\S+, \+(\d+) bytes/.exec(trace)
  const kinds: Record<string, string> = { vxlan: 'VXLAN', ipip: 'IP-in-IP', geneve: 'Geneve', weave: 'UDP (Weave sleeve)' }
  const encapsulation = tunnel ? `${kinds[tunnel[2]]} on ${tunnel[1]}${overhead ? ` (+${overhead[1]} bytes)` : ''}` : 'none'
  const podRoute = sh(`kubectl exec client -- ip route get ${podAddress}`).stdout
  const routeMtu = /\bmtu (\d+)/.exec(podRoute)
  const linkMtu = /\bmtu (\d+)/.exec(sh('kubectl exec client -- ip link show eth0').stdout)
  const podMtu = Number(routeMtu?.[1] ?? linkMtu?.[1] ?? 0)
  const curl = sh(`kubectl exec client -- curl -s -m 2 http://${podAddress}:8080/hostname`)
  const nat = sh('ssh node-1 iptables-save -t nat').stdout
  const mode = /^:KUBE-SERVICES /m.test(nat) ? `kube-proxy (${/^:KUBE-SVC-/m.test(nat) ? 'iptables' : 'ipvs'})` : ''
  const lb = mode ? undefined : sh('ssh node-1 cilium-dbg service list')
  const nft = mode || (lb && lb.exitCode === 0) ? '' : sh('ssh node-1 nft list tables').stdout
  const services = mode || (lb && lb.exitCode === 0 && lb.stdout.startsWith('Frontend') ? 'Cilium eBPF (no kube-proxy)' : nft.includes('table ip kube-proxy') ? 'kube-proxy (nftables)' : 'unknown')
  return { setting: p, podAddress, route, interfaces, podVeth, encapsulation, podMtu, policy: curl.exitCode === 0 ? 'not enforced' : 'enforced', services, commands }
}

/** The fixed part of the host-side veth names (the rest is a per-Pod hash), or how they are named. */
function commonPrefix(names: string[]): string {
  for (const known of ['vethwepl', 'veth', 'cali', 'lxc', 'eni', 'azv']) if (names.every((n) => n.startsWith(known))) return known
  return names.length ? 'named after the Pod (' : ''
}

let cached: ComparisonRow[] | undefined

/** Every plugin's row, computed once per build. */
export function cniComparison(): ComparisonRow[] {
  cached ??= PLUGINS.map(comparePlugin)
  return cached
}
