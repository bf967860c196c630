/**
 * Ingress routing on generated clusters: 100 and 1,000 Ingresses (3 hosts of
 * 4 paths each, a tenth of the hosts wildcards, hosts shared between
 * Ingresses so that the merge has work to do). Loading is not timed. Timed:
 * the merge into server blocks from a cold cache, one request routed with the
 * merge cached, and validateIngresses (API errors plus warnings), cold.
 */
import { loadScenario } from '../../engine/index.ts'
import type { Cluster } from '../../engine/index.ts'
import { buildServers, routeIngress, validateIngresses } from '../../engine/ingress/index.ts'
import { median, type BenchResult } from './measure.ts'

export function generateIngressScenario(ingresses: number): string {
  const docs: string[] = [
    'apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata:\n  name: nginx\n  annotations: {ingressclass.kubernetes.io/is-default-class: "true"}\nspec: {controller: k8s.io/ingress-nginx}',
  ]
  const services = Math.max(10, Math.round(ingresses / 5))
  for (let s = 0; s < services; s++) {
    docs.push(`apiVersion: v1\nkind: Service\nmetadata: {name: svc-${s}}\nspec: {selector: {app: app-${s % 20}}, ports: [{name: http, port: 80, targetPort: 8080}]}`)
  }
  for (let d = 0; d < 20; d++) {
    docs.push(`apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app-${d}}\nspec:\n  replicas: 2\n  selector: {matchLabels: {app: app-${d}}}\n  template:\n    metadata: {labels: {app: app-${d}}}\n    spec: {containers: [{name: main, image: registry.example/app, ports: [{containerPort: 8080}]}]}`)
  }
  const types = ['Prefix', 'Exact', 'ImplementationSpecific']
  for (let i = 0; i < ingresses; i++) {
    const rules: string[] = []
    for (let h = 0; h < 3; h++) {
      // hosts repeat across Ingresses, so server blocks collect paths of several Ingresses
      const n = (i * 3 + h) % Math.max(8, Math.round(ingresses * 1.5))
      const host = n % 10 === 0 ? `"*.zone-${n}.example.com"` : `host-${n}.example.com`
      const paths: string[] = []
      for (let p = 0; p < 4; p++) {
        paths.push(`{path: /p${i % 7}/s${p}${p % 2 ? '/deep' : ''}, pathType: ${types[(i + p) % 3]}, backend: {service: {name: svc-${(i + p) % services}, port: {number: 80}}}}`)
      }
      rules.push(`  - {host: ${host}, http: {paths: [${paths.join(', ')}]}}`)
    }
    docs.push(`apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: ing-${i}}\nspec:\n  rules:\n${rules.join('\n')}`)
  }
  return docs.join('\n---\n')
}

/** A structurally identical cluster with fresh object identities, so per-cluster caches start cold. */
function cold(c: Cluster): Cluster {
  return { ...c }
}

export async function run(): Promise<BenchResult[]> {
  const out: BenchResult[] = []
  for (const n of [100, 1000]) {
    const { cluster } = loadScenario(generateIngressScenario(n))
    out.push({ name: `merge ${n} Ingresses into server blocks (cold)`, value: median(9, () => buildServers(cold(cluster), 'nginx')), unit: 'ms' })
    let i = 0
    out.push({
      name: `route one request, ${n} Ingresses (merge cached)`,
      value: median(201, () => routeIngress(cluster, { host: `host-${(i += 7) % n}.example.com`, path: `/p${i % 7}/s${i % 4}/deep/x` })),
      unit: 'ms',
    })
    out.push({ name: `validateIngresses, ${n} Ingresses (cold)`, value: median(7, () => validateIngresses(cold(cluster))), unit: 'ms' })
  }
  return out
}
