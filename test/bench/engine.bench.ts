/**
 * Load-and-materialize time for generated clusters of 100, 1,000 and 10,000
 * Pods, with namespaces, Deployments and Services in proportion.
 */
import { loadScenario, runCommand } from '../../engine/index.ts'
import { median, once, timings, type BenchResult } from './measure.ts'

export function generateScenario(pods: number): string {
  const perDeployment = 10
  const deployments = Math.max(1, Math.round(pods / perDeployment))
  const namespaces = Math.max(1, Math.round(deployments / 10))
  const nodes = Math.max(3, Math.ceil(pods / 90))
  const docs: string[] = [
    `apiVersion: knet/v1alpha1\nkind: Cluster\nspec:\n  podCIDR: 10.0.0.0/12\n  nodes: [${Array.from({ length: nodes }, (_, i) => `{name: node-${i + 1}, ip: 192.168.${Math.floor(i / 250)}.${(i % 250) + 1}}`).join(', ')}]`,
  ]
  for (let n = 0; n < namespaces; n++) docs.push(`apiVersion: v1\nkind: Namespace\nmetadata: {name: ns-${n}, labels: {team: t${n % 7}}}`)
  for (let d = 0; d < deployments; d++) {
    const ns = `ns-${d % namespaces}`
    docs.push(`apiVersion: apps/v1
kind: Deployment
metadata: {name: app-${d}, namespace: ${ns}}
spec:
  replicas: ${perDeployment}
  selector: {matchLabels: {app: app-${d}}}
  template:
    metadata: {labels: {app: app-${d}, tier: t${d % 3}}}
    spec:
      containers: [{name: main, image: registry.example/app:${d % 5}, ports: [{containerPort: 8080, name: http}]}]`)
    docs.push(`apiVersion: v1
kind: Service
metadata: {name: app-${d}, namespace: ${ns}}
spec:
  selector: {app: app-${d}}
  ports: [{name: http, port: 80, targetPort: http}]`)
  }
  return docs.join('\n---\n')
}

export async function run(): Promise<BenchResult[]> {
  const out: BenchResult[] = []
  for (const pods of [100, 1_000, 10_000]) {
    const text = generateScenario(pods)
    const load = () => {
      const { diagnostics } = loadScenario(text)
      if (diagnostics.some((d) => d.severity === 'error')) throw new Error(diagnostics[0].message)
    }
    // the first build of each size; only the 100-Pod one runs entirely unoptimized code
    const first = once(load)
    const runs = pods >= 10_000 ? 9 : 31
    const t = timings(runs, load)
    const target = pods === 1_000 ? 20 : pods === 10_000 ? 200 : undefined
    out.push({ name: `load + materialize, ${pods} Pods (${Math.round(pods / 10)} Services), median`, value: t.median, unit: 'ms', target })
    out.push({ name: `  the same, fastest of ${runs}`, value: t.min, unit: 'ms' })
    out.push({ name: `  the same, first build of this size in the process`, value: first, unit: 'ms' })
  }
  const { cluster } = loadScenario(generateScenario(1_000))
  out.push({ name: 'kubectl get pods -A -o wide, 1,000 Pods', value: median(15, () => runCommand(cluster, 'kubectl get pods -A -o wide')), unit: 'ms' })
  return out
}
