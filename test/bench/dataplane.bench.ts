/**
 * `iptables-save` on a node of a cluster with 1,000 Services and 5,000
 * endpoints (five per Service, spread over three nodes), cold: a fresh
 * cluster object each run, so kube-proxy's view, the chain-name hashes'
 * consumers and the rendering are all recomputed (the hash memo is
 * process-wide, as it would be in a Worker). Also the warm (cached) answer,
 * and `ip route` for the same node.
 */
import { loadScenario, runCommand } from '../../engine/index.ts'
import type { Cluster } from '../../engine/index.ts'
import { median, timings, type BenchResult } from './measure.ts'

export function generateServices(services: number, perService: number): string {
  const docs: string[] = ['apiVersion: knet/v1alpha1\nkind: Cluster\nspec: {podCIDR: 10.0.0.0/12, serviceCIDR: 10.96.0.0/12}']
  for (let s = 0; s < services; s++) {
    const name = `svc-${s}`
    docs.push(`apiVersion: v1\nkind: Service\nmetadata: {name: ${name}, namespace: default}\nspec:\n  ports: [{name: http, port: 80, targetPort: 8080}]`)
    const eps = Array.from({ length: perService }, (_, i) => {
      const n = s * perService + i
      return `- {addresses: ["10.${1 + Math.floor(n / 65536)}.${Math.floor(n / 256) % 256}.${n % 256}"], nodeName: node-${(n % 3) + 1}}`
    }).join('\n')
    docs.push(`apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: ${name}-a, namespace: default, labels: {kubernetes.io/service-name: ${name}}}\naddressType: IPv4\nendpoints:\n${eps}\nports: [{name: http, port: 8080, protocol: TCP}]`)
  }
  return docs.join('\n---\n')
}

export async function run(): Promise<BenchResult[]> {
  const { cluster, diagnostics } = loadScenario(generateServices(1_000, 5))
  const errors = diagnostics.filter((d) => d.severity === 'error')
  if (errors.length) throw new Error(errors[0].message)
  // a shallow copy is a new cache key: nothing computed for the previous run is reused
  const fresh = (): Cluster => ({ ...cluster })
  const lines = runCommand(cluster, 'ssh node-1 iptables-save').stdout.split('\n').length
  // cold: a fresh cluster object per call, so kube-proxy's view and the rules are rebuilt every time
  const cold = timings(15, () => runCommand(fresh(), 'ssh node-1 iptables-save'))
  return [
    { name: `iptables-save, 1,000 Services / 5,000 endpoints (cold, ${lines} lines)`, value: cold.median, unit: 'ms', target: 50 },
    { name: 'iptables-save, same cluster (cold, fastest of 15)', value: cold.min, unit: 'ms' },
    { name: 'iptables-save, same cluster (warm)', value: median(15, () => runCommand(cluster, 'ssh node-1 iptables-save')), unit: 'ms' },
    { name: 'ip route on node-1 (cold)', value: median(9, () => runCommand(fresh(), 'ssh node-1 ip route')), unit: 'ms' },
  ]
}
