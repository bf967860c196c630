/**
 * The reachability matrix on generated clusters: 1,000 Pods in 50 namespaces
 * under 300 policies (290 NetworkPolicies, 3 AdminNetworkPolicies and a
 * BaselineAdminNetworkPolicy, 6 ClusterNetworkPolicies of both tiers), and
 * the same mix at 5,000 Pods. Loading is not timed; the matrix is, from a
 * cold policy cache. Targets (issues 4 and 14): 1,000 Pods under 100 ms; the
 * smallest fix for one denied pair of that cluster under 50 ms, measured as
 * the whole `policy check` on a fresh cluster object (policies compiled cold).
 */
import { loadScenario, runCommand } from '../../engine/index.ts'
import type { Cluster } from '../../engine/index.ts'
import { computeMatrix } from '../../engine/policy/index.ts'
import { median, type BenchResult } from './measure.ts'

/** mulberry32: a small seeded generator, so every run builds the same cluster */
function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const TIERS = ['frontend', 'backend', 'db', 'cache', 'worker']
const ENVS = ['prod', 'staging', 'dev']

/** Pods come from Deployments of 2 to 6 replicas, as in real clusters; policies mix the common shapes. */
export function generatePolicyScenario(pods: number, namespaces: number, policies: number, seed = 42): string {
  const r = rng(seed)
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)]
  const nodes = Math.max(3, Math.ceil(pods / 100))
  const docs: string[] = [
    `apiVersion: knet/v1alpha1\nkind: Cluster\nspec:\n  cni: calico\n  podCIDR: 10.0.0.0/12\n  nodes: [${Array.from({ length: nodes }, (_, i) => `{name: node-${i + 1}, ip: 192.168.${Math.floor(i / 250)}.${(i % 250) + 1}}`).join(', ')}]`,
  ]
  for (let n = 0; n < namespaces; n++) docs.push(`apiVersion: v1\nkind: Namespace\nmetadata: {name: ns-${n}, labels: {team: t${n % 7}, env: ${ENVS[n % 3]}}}`)
  let made = 0
  let d = 0
  while (made < pods) {
    const replicas = Math.min(pods - made, 2 + Math.floor(r() * 5))
    const ns = `ns-${d % namespaces}`
    const tier = pick(TIERS)
    docs.push(`apiVersion: apps/v1
kind: Deployment
metadata: {name: app-${d}, namespace: ${ns}}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: app-${d}}}
  template:
    metadata: {labels: {app: app-${d}, tier: ${tier}, version: v${d % 4}}}
    spec:
      containers: [{name: main, image: registry.example/app:${d % 5}, ports: [{containerPort: 8080, name: http}, {containerPort: 9090, name: metrics}]}]`)
    made += replicas
    d++
  }
  const cnps = 6
  const banpAndAnps = 4
  for (let i = 0; i < policies - cnps - banpAndAnps; i++) {
    const ns = `ns-${i % namespaces}`
    const kind = i % 6
    const target = `{matchLabels: {tier: ${pick(TIERS)}}}`
    let spec: string
    switch (kind) {
      case 0:
        spec = `podSelector: {}\n  policyTypes: [Ingress]`
        break
      case 1:
        spec = `podSelector: ${target}\n  ingress:\n  - from:\n    - podSelector: {matchLabels: {tier: ${pick(TIERS)}}}\n    ports: [{port: http}]`
        break
      case 2:
        spec = `podSelector: ${target}\n  ingress:\n  - from:\n    - namespaceSelector: {matchLabels: {team: t${Math.floor(r() * 7)}}}\n      podSelector: {matchExpressions: [{key: tier, operator: In, values: [${pick(TIERS)}, ${pick(TIERS)}]}]}\n    - namespaceSelector: {matchLabels: {env: ${pick(ENVS)}}}`
        break
      case 3:
        spec = `podSelector: ${target}\n  policyTypes: [Egress]\n  egress:\n  - to:\n    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}\n      podSelector: {matchLabels: {k8s-app: kube-dns}}\n    ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]\n  - to:\n    - podSelector: {matchLabels: {tier: ${pick(TIERS)}}}\n    ports: [{port: 8000, endPort: 9000}]`
        break
      case 4:
        spec = `podSelector: {matchLabels: {app: app-${Math.floor(r() * d)}}}\n  ingress:\n  - from:\n    - ipBlock: {cidr: 10.0.0.0/12, except: [10.${Math.floor(r() * 16)}.0.0/16]}`
        break
      default:
        spec = `podSelector: {matchExpressions: [{key: version, operator: NotIn, values: [v0]}]}\n  ingress:\n  - from:\n    - podSelector: {}\n  - ports: [{port: metrics}]`
    }
    docs.push(`apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: np-${i}, namespace: ${ns}}\nspec:\n  ${spec}`)
  }
  for (let i = 0; i < 3; i++) {
    docs.push(`apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: anp-${i}}
spec:
  priority: ${10 + i}
  subject: {namespaces: {matchLabels: {env: ${ENVS[i]}}}}
  ingress:
  - {name: pass-same-team, action: Pass, from: [{namespaces: {matchLabels: {team: t${i}}}}]}
  - {name: deny-dev, action: Deny, from: [{namespaces: {matchLabels: {env: dev}}}], ports: [{portRange: {start: 8000, end: 8999}}]}`)
  }
  // ClusterNetworkPolicy (v1alpha2): Admin rules with Pass and port-scoped Deny, Baseline defaults
  for (let i = 0; i < cnps; i++) {
    const admin = i < 3
    docs.push(`apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata: {name: cnp-${i}}
spec:
  tier: ${admin ? 'Admin' : 'Baseline'}
  priority: ${20 + i}
  subject: {pods: {namespaceSelector: {matchLabels: {team: t${i}}}, podSelector: {matchLabels: {tier: ${TIERS[i % TIERS.length]}}}}}
  ingress:
  - {name: pass-own-team, action: Pass, from: [{namespaces: {matchLabels: {team: t${i}}}}]}
  - {name: ${admin ? 'deny-metrics' : 'deny-staging'}, action: Deny, from: [{namespaces: {matchLabels: {env: ${admin ? 'dev' : 'staging'}}}}], protocols: [{tcp: {destinationPort: {${admin ? 'number: 9090' : 'range: {start: 8000, end: 8999}'}}}}]}
  egress:
  - {name: accept-dns, action: Accept, to: [{pods: {namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}, podSelector: {matchLabels: {k8s-app: kube-dns}}}}], protocols: [{udp: {destinationPort: {number: 53}}}]}
  - {name: deny-outside, action: Deny, to: [{networks: [203.0.113.0/24]}]}`)
  }
  docs.push(`apiVersion: policy.networking.k8s.io/v1alpha1
kind: BaselineAdminNetworkPolicy
metadata: {name: default}
spec:
  subject: {namespaces: {}}
  ingress:
  - {name: deny-other-teams, action: Deny, from: [{namespaces: {matchLabels: {team: t6}}}]}`)
  return docs.join('\n---\n')
}

function build(pods: number, namespaces: number, policies: number): Cluster {
  const { cluster, diagnostics } = loadScenario(generatePolicyScenario(pods, namespaces, policies))
  const errors = diagnostics.filter((x) => x.severity === 'error')
  if (errors.length) throw new Error(errors.slice(0, 3).map((e) => e.message).join('\n'))
  return cluster
}

export async function run(): Promise<BenchResult[]> {
  const out: BenchResult[] = []
  for (const [pods, runs, target] of [
    [1000, 9, 100],
    [5000, 3, undefined],
  ] as const) {
    const cluster = build(pods, 50, 300)
    // a fresh object per run, so the per-cluster policy cache starts cold every time
    const ms = median(runs, () => computeMatrix({ ...cluster }, { port: 8080 }))
    const m = computeMatrix({ ...cluster }, { port: 8080 })
    out.push({ name: `policy matrix, ${m.stats.pods} Pods / 50 ns / 300 policies incl. 6 CNPs (${m.stats.classes} classes)`, value: ms, unit: 'ms', ...(target !== undefined ? { target } : {}) })
    if (pods !== 1000) continue
    // the first denied pair of that matrix, and its smallest fix
    let pair: [string, string] | undefined
    for (let i = 0; i < m.rows.length && !pair; i++) for (let j = 0; j < m.rows.length && !pair; j++) if (i !== j && m.combined[i][j] === 'X') pair = [m.rows[i].pods[0], m.rows[j].pods[0]]
    if (!pair) throw new Error('the bench cluster has no denied pair')
    const line = `policy check ${pair[0]} -> ${pair[1]}:8080`
    const first = runCommand({ ...cluster }, line)
    if (first.exitCode !== 1 || !(first.data as { fix?: { possible: boolean } }).fix?.possible) throw new Error(`no fix for ${line}: ${first.stdout}`)
    out.push({ name: `the smallest fix for one denied pair (policy check, cold)`, value: median(9, () => runCommand({ ...cluster }, line)), unit: 'ms', target: 50 })
  }
  return out
}
