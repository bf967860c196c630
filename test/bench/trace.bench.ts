/**
 * A Pod-to-Service trace (DNS, kube-proxy's chains, routing, the overlay,
 * the reply) in a cluster of 1,000 Pods behind 100 Services on 12 nodes,
 * with a few NetworkPolicies so the policy checks run. Target (issue 6):
 * median under 1 ms once the cluster's indexes are built (they are cached
 * per cluster object, as in a Worker that answers many commands for one
 * scenario). Also the first trace on a fresh cluster object (every cache
 * cold), and the same trace in IPVS and nftables mode.
 */
import { loadScenario } from '../../engine/index.ts'
import type { Cluster } from '../../engine/index.ts'
import { tracePacket } from '../../engine/trace/index.ts'
import { median, type BenchResult } from './measure.ts'

export function generateTraceScenario(pods: number, services: number, proxyMode = 'iptables'): string {
  const nodes = 12
  const docs: string[] = [
    `apiVersion: knet/v1alpha1\nkind: Cluster\nspec:\n  proxyMode: ${proxyMode}\n  cni: calico\n  cniMode: vxlan\n  podCIDR: 10.0.0.0/12\n  nodes: [${Array.from({ length: nodes }, (_, i) => `{name: node-${i + 1}, ip: 192.168.1.${i + 11}}`).join(', ')}]`,
    'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, labels: {team: shop}}',
  ]
  const per = Math.floor(pods / services)
  for (let s = 0; s < services; s++) {
    docs.push(`apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app-${s}, namespace: shop}\nspec:\n  replicas: ${per}\n  selector: {matchLabels: {app: app-${s}}}\n  template:\n    metadata: {labels: {app: app-${s}, tier: t${s % 4}}}\n    spec:\n      containers: [{name: c, image: registry.k8s.io/e2e-test-images/agnhost:2.53, args: [netexec], ports: [{name: http, containerPort: 8080}]}]`)
    docs.push(`apiVersion: v1\nkind: Service\nmetadata: {name: app-${s}, namespace: shop}\nspec:\n  selector: {app: app-${s}}\n  ports: [{name: http, port: 80, targetPort: http}]`)
  }
  for (let p = 0; p < 8; p++) {
    docs.push(`apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: allow-t${p % 4}-${p}, namespace: shop}\nspec:\n  podSelector: {matchLabels: {tier: t${p % 4}}}\n  policyTypes: [Ingress]\n  ingress: [{from: [{podSelector: {}}], ports: [{port: 8080}]}]`)
  }
  return docs.join('\n---\n')
}

function build(text: string): Cluster {
  const { cluster, diagnostics } = loadScenario(text)
  const errors = diagnostics.filter((d) => d.severity === 'error')
  if (errors.length) throw new Error(errors[0].message)
  return cluster
}

export async function run(): Promise<BenchResult[]> {
  const out: BenchResult[] = []
  for (const mode of ['iptables', 'ipvs', 'nftables']) {
    const cluster = build(generateTraceScenario(1_000, 100, mode))
    const client = cluster.pods.find((p) => p.meta.namespace === 'shop' && p.meta.name.startsWith('app-7-'))!
    const trace = (c: Cluster) => tracePacket(c, { kind: 'pod', pod: c.index.pod.get(`shop/${client.meta.name}`)! }, { kind: 'name', name: 'app-42', port: 80 })
    const first = trace(cluster)
    if (first.result !== 'delivered') throw new Error(`bench trace ended ${first.result}: ${first.reason}`)
    const pods = cluster.pods.length
    if (mode === 'iptables') {
      out.push({ name: `Pod → Service trace, ${pods} Pods, ${mode} (warm)`, value: median(41, () => trace(cluster)), unit: 'ms', target: 1 })
      out.push({ name: `the same, first trace on a fresh cluster object (cold)`, value: median(5, () => trace({ ...cluster })), unit: 'ms' })
    } else out.push({ name: `Pod → Service trace, ${pods} Pods, ${mode} (warm)`, value: median(41, () => trace(cluster)), unit: 'ms', target: 1 })
  }
  return out
}
