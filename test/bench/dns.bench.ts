/**
 * Cluster DNS on a large generated cluster: 1,000 Services (one in five
 * headless) over 1,000 Deployments of 10 replicas (10,000 Pods) in 20
 * namespaces on 100 nodes. Building the cluster is not timed; building the
 * DNS index once is reported on its own; then single lookups are timed on the
 * warm index. Target (issue 3): a lookup under 0.1 ms (median).
 */
import { loadScenario } from '../../engine/index.ts'
import type { Cluster } from '../../engine/index.ts'
import { dnsView, resolveName, serveCoreDns } from '../../engine/dns/index.ts'
import type { Place } from '../../engine/index.ts'
import { median, type BenchResult } from './measure.ts'

const NAMESPACES = 20

export function generateDnsScenario(services: number, replicas: number): string {
  const nodes = 100
  const docs: string[] = [
    `apiVersion: knet/v1alpha1\nkind: Cluster\nspec:\n  podCIDR: 10.0.0.0/12\n  serviceCIDR: 10.96.0.0/12\n  nodes: [${Array.from({ length: nodes }, (_, i) => `{name: node-${i + 1}, ip: 192.168.${Math.floor(i / 250)}.${(i % 250) + 10}}`).join(', ')}]`,
  ]
  for (let n = 0; n < NAMESPACES; n++) docs.push(`apiVersion: v1\nkind: Namespace\nmetadata: {name: ns-${n}}`)
  for (let i = 0; i < services; i++) {
    const ns = `ns-${i % NAMESPACES}`
    docs.push(`apiVersion: apps/v1
kind: Deployment
metadata: {name: app-${i}, namespace: ${ns}}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: app-${i}}}
  template:
    metadata: {labels: {app: app-${i}}}
    spec: {containers: [{name: main, image: "registry.example/app:1", ports: [{containerPort: 8080, name: http}]}]}`)
    docs.push(`apiVersion: v1
kind: Service
metadata: {name: svc-${i}, namespace: ${ns}}
spec:
${i % 5 === 4 ? '  clusterIP: None\n' : ''}  selector: {app: app-${i}}
  ports: [{name: http, port: 80, targetPort: http}]`)
  }
  docs.push(`apiVersion: v1\nkind: Pod\nmetadata: {name: client, namespace: ns-0}\nspec: {containers: [{name: c, image: "debian:12"}]}`)
  return docs.join('\n---\n')
}

function build(): Cluster {
  const { cluster, diagnostics } = loadScenario(generateDnsScenario(1000, 10))
  const errors = diagnostics.filter((x) => x.severity === 'error')
  if (errors.length) throw new Error(errors.slice(0, 3).map((e) => e.message).join('\n'))
  return cluster
}

export async function run(): Promise<BenchResult[]> {
  const cluster = build()
  const place: Place = { kind: 'pod', pod: cluster.index.pod.get('ns-0/client')! }
  const out: BenchResult[] = []
  const indexMs = median(3, () => dnsView({ ...cluster }))
  out.push({ name: `DNS index build, ${cluster.services.length} Services / ${cluster.pods.length} Pods`, value: indexMs, unit: 'ms' })
  dnsView(cluster)
  let i = 0
  const next = () => i++ % 1000
  // ClusterIP Services: i % 5 !== 4; headless: i % 5 === 4
  out.push({
    name: 'lookup: ClusterIP Service FQDN (A, CoreDNS only)',
    value: median(2001, () => {
      let k = next()
      if (k % 5 === 4) k--
      return serveCoreDns(dnsView(cluster), { name: `svc-${k}.ns-${k % NAMESPACES}.svc.cluster.local.`, type: 'A' })
    }),
    unit: 'ms',
    target: 0.1,
  })
  out.push({
    name: 'lookup from a Pod: headless Service FQDN (10 A records)',
    value: median(2001, () => {
      const k = Math.floor(next() / 5) * 5 + 4
      return resolveName(cluster, place, `svc-${k}.ns-${k % NAMESPACES}.svc.cluster.local.`, 'A')
    }),
    unit: 'ms',
    target: 0.1,
  })
  out.push({
    name: 'lookup from a Pod: short name via the search list (hit on 2nd suffix)',
    value: median(2001, () => {
      let k = next()
      if (k % 5 === 4) k--
      return resolveName(cluster, place, `svc-${k}.ns-${k % NAMESPACES}`, 'A')
    }),
    unit: 'ms',
    target: 0.1,
  })
  out.push({
    name: 'lookup from a Pod: name that exists nowhere (4 queries, NXDOMAIN)',
    value: median(2001, () => resolveName(cluster, place, `nosuch-${next()}`, 'A')),
    unit: 'ms',
  })
  return out
}
