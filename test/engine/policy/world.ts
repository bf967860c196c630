/**
 * Random clusters and policies for the property tests: Pods (some hostNetwork)
 * and Deployments in three namespaces, NetworkPolicies, v1alpha1
 * AdminNetworkPolicies and a BaselineAdminNetworkPolicy, v1alpha2
 * ClusterNetworkPolicies of both tiers, on calico, cilium or flannel.
 */
import fc from 'fast-check'
import { loadScenario } from '../../../engine/index.ts'
import type { Cluster, Pod, Protocol } from '../../../engine/index.ts'

const NAMESPACES = ['n1', 'n2', 'n3']
const KEYS = ['app', 'tier']
const VALUES = ['a', 'b', 'c']
const PORTS: [number, Protocol, string][] = [[80, 'TCP', 'http'], [53, 'UDP', 'dns'], [8080, 'TCP', 'alt'], [9000, 'SCTP', 'sig']]

const labels = fc.dictionary(fc.constantFrom(...KEYS), fc.constantFrom(...VALUES), { maxKeys: 2 })
const selector = fc.record(
  {
    matchLabels: labels,
    matchExpressions: fc.array(
      fc.oneof(
        fc.record({ key: fc.constantFrom(...KEYS), operator: fc.constantFrom('In', 'NotIn'), values: fc.subarray(VALUES, { minLength: 1 }) }),
        fc.record({ key: fc.constantFrom(...KEYS), operator: fc.constantFrom('Exists', 'DoesNotExist') }),
      ),
      { maxLength: 1 },
    ),
  },
  { requiredKeys: [] },
)
const nsSelector = fc.oneof(
  fc.constant({}),
  fc.record({ matchLabels: fc.record({ team: fc.constantFrom('x', 'y') }) }),
  fc.record({ matchLabels: fc.record({ 'kubernetes.io/metadata.name': fc.constantFrom(...NAMESPACES, 'kube-system') }) }),
)
const cidr = fc.constantFrom('10.244.0.0/16', '10.244.1.0/24', '10.244.2.0/24', '0.0.0.0/0', '192.168.1.0/24', '10.244.0.0/17')
const npPeer = fc.oneof(
  fc.record({ podSelector: selector }),
  fc.record({ namespaceSelector: nsSelector }),
  fc.record({ podSelector: selector, namespaceSelector: nsSelector }),
  fc.record({ ipBlock: fc.record({ cidr, except: fc.subarray(['10.244.1.0/26', '10.244.2.128/25']) }, { requiredKeys: ['cidr'] }) }),
)
const npPort = fc.constantFrom<Record<string, unknown>>({ port: 80 }, { port: 'http' }, { protocol: 'UDP' }, { port: 8000, endPort: 9000 }, { port: 53, protocol: 'UDP' }, { port: 'dns', protocol: 'UDP' }, { port: 9000, protocol: 'SCTP' })
const npRule = (peerField: string) => fc.record({ [peerField]: fc.array(npPeer, { maxLength: 2 }), ports: fc.array(npPort, { maxLength: 2 }) }, { requiredKeys: [] })
const networkPolicy = fc.record(
  {
    namespace: fc.constantFrom(...NAMESPACES),
    podSelector: selector,
    policyTypes: fc.subarray(['Ingress', 'Egress'] as const),
    ingress: fc.array(npRule('from'), { maxLength: 2 }),
    egress: fc.array(npRule('to'), { maxLength: 2 }),
  },
  { requiredKeys: ['namespace', 'podSelector'] },
)
const adminPeer = (egress: boolean) =>
  fc.oneof(
    fc.record({ namespaces: nsSelector }),
    fc.record({ pods: fc.record({ namespaceSelector: nsSelector, podSelector: selector }) }),
    ...(egress ? [fc.record({ networks: fc.subarray(['10.244.1.0/24', '0.0.0.0/0', '192.168.1.0/24'], { minLength: 1 }) }), fc.record({ nodes: fc.constant({}) })] : []),
  )
const adminPort = fc.constantFrom<Record<string, unknown>>({ portNumber: { port: 80, protocol: 'TCP' } }, { portRange: { start: 50, end: 90, protocol: 'UDP' } }, { portRange: { start: 1, end: 9000 } }, { namedPort: 'http' })
const adminRule = (egress: boolean, actions: string[]) =>
  fc.record({ action: fc.constantFrom(...actions), [egress ? 'to' : 'from']: fc.array(adminPeer(egress), { minLength: 1, maxLength: 2 }), ports: fc.array(adminPort, { minLength: 1, maxLength: 2 }) }, { requiredKeys: ['action', egress ? 'to' : 'from'] })
const subject = fc.oneof(fc.record({ namespaces: nsSelector }), fc.record({ pods: fc.record({ namespaceSelector: nsSelector, podSelector: selector }) }))
const cnpPort = fc.constantFrom<Record<string, unknown>>({ tcp: { destinationPort: { number: 80 } } }, { udp: { destinationPort: { range: { start: 50, end: 90 } } } }, { tcp: { destinationPort: { range: { start: 1, end: 9000 } } } }, { destinationNamedPort: 'http' }, { sctp: { destinationPort: { number: 9000 } } })
const cnpRule = (egress: boolean) =>
  fc.record({ action: fc.constantFrom('Accept', 'Deny', 'Pass'), [egress ? 'to' : 'from']: fc.array(adminPeer(egress), { minLength: 1, maxLength: 2 }), protocols: fc.array(cnpPort, { minLength: 1, maxLength: 2 }) }, { requiredKeys: ['action', egress ? 'to' : 'from'] })
const cnp = fc.record({ tier: fc.constantFrom('Admin', 'Baseline'), priority: fc.integer({ min: 1, max: 3 }), subject, ingress: fc.array(cnpRule(false), { maxLength: 2 }), egress: fc.array(cnpRule(true), { maxLength: 2 }) })
const anp = fc.record({ priority: fc.integer({ min: 1, max: 3 }), subject, ingress: fc.array(adminRule(false, ['Allow', 'Deny', 'Pass']), { maxLength: 2 }), egress: fc.array(adminRule(true, ['Allow', 'Deny', 'Pass']), { maxLength: 2 }) })
const banp = fc.record({ subject, ingress: fc.array(adminRule(false, ['Allow', 'Deny']), { maxLength: 2 }), egress: fc.array(adminRule(true, ['Allow', 'Deny']), { maxLength: 2 }) })
const pod = fc.record({ namespace: fc.constantFrom(...NAMESPACES), labels, ports: fc.subarray(PORTS), hostNetwork: fc.integer({ min: 0, max: 6 }).map((x) => x === 0) })
export const world = fc.record({
  cni: fc.constantFrom('calico', 'cilium', 'flannel'),
  teams: fc.tuple(fc.constantFrom('x', 'y'), fc.constantFrom('x', 'y'), fc.constantFrom('x', 'y')),
  pods: fc.array(pod, { minLength: 2, maxLength: 8 }),
  deployments: fc.array(fc.record({ namespace: fc.constantFrom(...NAMESPACES), labels, replicas: fc.integer({ min: 2, max: 3 }) }), { maxLength: 2 }),
  policies: fc.array(networkPolicy, { maxLength: 4 }),
  anps: fc.array(anp, { maxLength: 2 }),
  banp: fc.option(banp, { nil: undefined }),
  cnps: fc.array(cnp, { maxLength: 3 }),
  port: fc.option(fc.constantFrom<[number, Protocol]>([80, 'TCP'], [53, 'UDP'], [8500, 'TCP'], [9000, 'SCTP']), { nil: undefined }),
})
export type World = typeof world extends fc.Arbitrary<infer T> ? T : never

/** The world's documents, Cluster first. */
export function documents(w: World): Record<string, unknown>[] {
  const docs: Record<string, unknown>[] = [{ apiVersion: 'knet/v1alpha1', kind: 'Cluster', spec: { cni: w.cni } }]
  NAMESPACES.forEach((n, i) => docs.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: n, labels: { team: w.teams[i] } } }))
  const container = (ports: [number, Protocol, string][]) => [{ name: 'c', image: 'registry.example/app:1', ports: ports.map(([p, proto, name]) => ({ containerPort: p, protocol: proto, name })) }]
  w.pods.forEach((p, i) => docs.push({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `p${i}`, namespace: p.namespace, labels: p.labels }, spec: { hostNetwork: p.hostNetwork, containers: container(p.ports) } }))
  w.deployments.forEach((d, i) => {
    const l = { ...d.labels, deploy: `d${i}` }
    docs.push({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: `d${i}`, namespace: d.namespace }, spec: { replicas: d.replicas, selector: { matchLabels: l }, template: { metadata: { labels: l }, spec: { containers: container([PORTS[0]]) } } } })
  })
  w.policies.forEach((p, i) => docs.push({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: `np${i}`, namespace: p.namespace }, spec: { ...p, namespace: undefined } }))
  w.anps.forEach((a, i) => docs.push({ apiVersion: 'policy.networking.k8s.io/v1alpha1', kind: 'AdminNetworkPolicy', metadata: { name: `anp${i}` }, spec: a }))
  if (w.banp) docs.push({ apiVersion: 'policy.networking.k8s.io/v1alpha1', kind: 'BaselineAdminNetworkPolicy', metadata: { name: 'default' }, spec: w.banp })
  w.cnps.forEach((c, i) => docs.push({ apiVersion: 'policy.networking.k8s.io/v1alpha2', kind: 'ClusterNetworkPolicy', metadata: { name: `cnp${i}` }, spec: c }))
  return docs
}

/** YAML is a superset of JSON: each document is written as JSON. */
export function scenarioText(w: World): string {
  return documents(w).map((d) => JSON.stringify(d)).join('\n---\n')
}

export function build(w: World): Cluster {
  return loadScenario(scenarioText(w)).cluster
}

export function declared(p: Pod): [number, Protocol] {
  for (const c of p.containers) if (c.ports.length) return [c.ports[0].containerPort, c.ports[0].protocol]
  return [80, 'TCP']
}

