/**
 * Load-and-materialize time for generated clusters of 100, 1,000 and 10,000
 * Pods, with namespaces, Deployments and Services in proportion.
 */
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { loadScenario, runCommand } from '../../engine/index.ts'
import { median, once, timings, type BenchResult } from './measure.ts'

/** A full garbage collection, without starting Node with --expose-gc. */
function collect(): void {
  setFlagsFromString('--expose-gc')
  ;(runInNewContext('gc') as () => void)()
}

/** MiB of heap in use after a full collection. */
function heapMiB(): number {
  collect()
  return process.memoryUsage().heapUsed / 2 ** 20
}

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
  // the heap a 10,000-Pod cluster holds once loaded (the scenario text itself not counted)
  {
    const text = generateScenario(10_000)
    const before = heapMiB()
    const held = loadScenario(text)
    const after = heapMiB()
    out.push({ name: `heap after loading 10000 Pods (1000 Services), whole process`, value: Math.round(after), unit: 'MiB', target: 150 })
    out.push({ name: `  of which the cluster (${held.cluster.pods.length} Pods)`, value: Math.round(after - before), unit: 'MiB' })
  }
  const { cluster } = loadScenario(generateScenario(1_000))
  out.push({ name: 'kubectl get pods -A -o wide, 1,000 Pods', value: median(15, () => runCommand(cluster, 'kubectl get pods -A -o wide')), unit: 'ms' })
  return out
}
