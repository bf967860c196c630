/**
 * Reads ClusterNetworkPolicy (policy.networking.k8s.io/v1alpha2, as released
 * in kubernetes-sigs/network-policy-api v0.2.0, commit
 * a17adecd0316b8ff1c3f83939ec0441d68cd6cce: apis/v1alpha2/clusternetworkpolicy_types.go
 * and config/crd/experimental/policy.networking.k8s.io_clusternetworkpolicies.yaml)
 * and checks it as its CRD does: field types and unknown fields, the Tier and
 * action enums, bounds, MaxItems 25, "exactly one field" unions and the CEL
 * rules (start < end, no named ports towards networks/nodes/domainNames).
 *
 * What changed from v1alpha1: one kind for both tiers (`tier: Admin|Baseline`,
 * both with a priority, any number of Baseline policies), Accept instead of
 * Allow, Pass in both tiers, `protocols: [{tcp|udp|sctp: {destinationPort:
 * {number|range}}} | {destinationNamedPort}]` instead of `ports`, and
 * NamespacedPod.namespaceSelector optional. The experimental channel is
 * assumed installed (nodes and domainNames peers are accepted).
 */
import type { GenericObject, Json, Protocol } from '../model/types.ts'
import { read } from '../cluster/context.ts'
import { arr, checkSchema, fieldPath, int32, obj, str, strMap } from '../load/schema.ts'
import type { AdminAction, AdminPort, AdminRule, AdminTier, CompiledAdminPolicy } from './model.ts'
import { bound, compilePeer, compileSubject, oneOf } from './compile-admin-policy.ts'
import type { Problems, Path } from './problems.ts'

const selector = obj('LabelSelector', {
  matchLabels: strMap,
  matchExpressions: arr(obj('LabelSelectorRequirement', { key: str, operator: str, values: arr(str) })),
})
const namespacedPod = obj('NamespacedPod', { namespaceSelector: selector, podSelector: selector })
const port = obj('Port', { number: int32, range: obj('PortRange', { start: int32, end: int32 }) })
const protocol = obj('ClusterNetworkPolicyProtocol', {
  tcp: obj('ClusterNetworkPolicyProtocolTCP', { destinationPort: port }),
  udp: obj('ClusterNetworkPolicyProtocolUDP', { destinationPort: port }),
  sctp: obj('ClusterNetworkPolicyProtocolSCTP', { destinationPort: port }),
  destinationNamedPort: str,
})
const ingressPeer = obj('ClusterNetworkPolicyIngressPeer', { namespaces: selector, pods: namespacedPod })
const egressPeer = obj('ClusterNetworkPolicyEgressPeer', { namespaces: selector, pods: namespacedPod, nodes: selector, networks: arr(str), domainNames: arr(str) })
const SPEC = obj('ClusterNetworkPolicySpec', {
  tier: str,
  priority: int32,
  subject: obj('ClusterNetworkPolicySubject', { namespaces: selector, pods: namespacedPod }),
  ingress: arr(obj('ClusterNetworkPolicyIngressRule', { name: str, action: str, from: arr(ingressPeer), protocols: arr(protocol) })),
  egress: arr(obj('ClusterNetworkPolicyEgressRule', { name: str, action: str, to: arr(egressPeer), protocols: arr(protocol) })),
})

const TIERS: AdminTier[] = ['Admin', 'Baseline']
const ACTIONS: AdminAction[] = ['Accept', 'Deny', 'Pass']
const MAX = 25

export function compileClusterNetworkPolicy(o: GenericObject, problems: Problems): CompiledAdminPolicy {
  const spec = o.spec
  for (const sp of checkSchema(spec as Json, SPEC, ['spec'], 'v1alpha2.ClusterNetworkPolicy')) problems.add('error', sp.code, sp.path, sp.message, sp.hint)
  let tier: AdminTier = 'Admin'
  if (spec.tier === undefined || spec.tier === null) problems.required(['spec', 'tier'], '', 'tier: Admin (before NetworkPolicy) or tier: Baseline (after it)')
  else if ((TIERS as Json[]).includes(spec.tier)) tier = spec.tier as AdminTier
  else problems.unsupported(['spec', 'tier'], spec.tier, TIERS)
  let priority = 0
  const pr = spec.priority
  if (pr === undefined || pr === null) problems.required(['spec', 'priority'], '', 'priority is 0 (first) to 1000 (last) within the tier')
  else if (typeof pr === 'number') {
    if (pr < 0) problems.invalid(['spec', 'priority'], pr, 'spec.priority in body should be greater than or equal to 0')
    else if (pr > 1000) problems.invalid(['spec', 'priority'], pr, 'spec.priority in body should be less than or equal to 1000')
    priority = pr
  }
  const subject = compileSubject(problems, spec.subject, true)
  return {
    kind: 'ClusterNetworkPolicy',
    tier,
    object: o,
    name: o.meta.name,
    priority,
    subject,
    ingress: rules(problems, spec.ingress, 'ingress'),
    egress: rules(problems, spec.egress, 'egress'),
    valid: problems.errorCount === 0,
  }
}

function rules(p: Problems, raw: Json | undefined, dir: 'ingress' | 'egress'): AdminRule[] {
  const list = read.arr(raw)
  if (list.length > MAX) p.add('error', 'too-many', ['spec', dir], `spec.${dir}: Too many: ${list.length}: must have at most ${MAX} items`)
  return list.map((r, i) => compileRule(p, read.obj(r) ?? {}, ['spec', dir, i], i, dir))
}

function compileRule(p: Problems, r: Record<string, Json>, path: Path, index: number, dir: 'ingress' | 'egress'): AdminRule {
  const name = read.str(r.name)
  if (name !== undefined && name.length > 100) p.add('error', 'too-long', [...path, 'name'], `${fieldPath([...path, 'name'])}: Too long: may not be more than 100 bytes`)
  let action: AdminAction = 'Deny'
  if (r.action === undefined || r.action === null) p.required([...path, 'action'], '', `action is one of ${ACTIONS.join(', ')}`)
  else if ((ACTIONS as Json[]).includes(r.action)) action = r.action as AdminAction
  else p.unsupported([...path, 'action'], r.action, ACTIONS, r.action === 'Allow' ? 'v1alpha2 renamed Allow to Accept' : undefined)

  const peerField = dir === 'ingress' ? 'from' : 'to'
  const rawPeers = read.arr(r[peerField])
  if (r[peerField] === undefined || r[peerField] === null) p.required([...path, peerField], '', `${peerField} needs at least one peer`)
  else if (rawPeers.length === 0) p.invalid([...path, peerField], 0, `${fieldPath([...path, peerField])} in body should have at least 1 items`)
  else if (rawPeers.length > MAX) p.add('error', 'too-many', [...path, peerField], `${fieldPath([...path, peerField])}: Too many: ${rawPeers.length}: must have at most ${MAX} items`)
  const fields = dir === 'ingress' ? ['namespaces', 'pods'] : ['namespaces', 'pods', 'nodes', 'networks', 'domainNames']
  const peers = rawPeers.map((x, i) => compilePeer(p, read.obj(x) ?? {}, [...path, peerField, i], fields, action, true))

  let ports: AdminPort[] | undefined
  if (r.protocols !== undefined && r.protocols !== null) {
    const list = read.arr(r.protocols)
    if (list.length === 0) p.invalid([...path, 'protocols'], 0, `${fieldPath([...path, 'protocols'])} in body should have at least 1 items`, 'leave protocols out to match every protocol and port')
    else if (list.length > MAX) p.add('error', 'too-many', [...path, 'protocols'], `${fieldPath([...path, 'protocols'])}: Too many: ${list.length}: must have at most ${MAX} items`)
    ports = list.map((x, i) => compileProtocol(p, read.obj(x) ?? {}, [...path, 'protocols', i])).filter((x): x is AdminPort => !!x)
  }
  // CEL rule of ClusterNetworkPolicyEgressRule: named ports exist only on Pods
  if (dir === 'egress' && ports?.some((x) => x.kind === 'namedPort') && peers.some((x) => x.kind === 'nodes' || x.kind === 'networks' || x.kind === 'domainNames')) {
    p.invalid(path, 'object', 'networks/nodes/domainNames peer cannot be set with namedPorts since there are no namedPorts for networks/nodes/domainNames')
  }
  return { index, name, action, peers, ports }
}

/** ClusterNetworkPolicyProtocol: exactly one of tcp, udp, sctp, destinationNamedPort */
function compileProtocol(p: Problems, o: Record<string, Json>, path: Path): AdminPort | undefined {
  const which = oneOf(p, o, path, ['tcp', 'udp', 'sctp', 'destinationNamedPort'])
  if (!which) return undefined
  if (which === 'destinationNamedPort') {
    // an empty name passes the CRD (the property is present) and names no container port
    return { kind: 'namedPort', name: read.str(o.destinationNamedPort) ?? '' }
  }
  const proto = which.toUpperCase() as Protocol
  const body = read.obj(o[which]) ?? {}
  const bodyPath = [...path, which]
  // ClusterNetworkPolicyProtocolTCP/UDP/SCTP: MinProperties=1, so `tcp: {}` is refused (there is no "every TCP port" form)
  const dp = read.obj(body.destinationPort)
  if (!dp) {
    p.invalid(bodyPath, 0, `${fieldPath(bodyPath)} in body should have at least 1 properties`, `give ${which}: {destinationPort: {number: N}} or {destinationPort: {range: {start: A, end: B}}}`)
    return undefined
  }
  const dpPath = [...bodyPath, 'destinationPort']
  const form = oneOf(p, dp, dpPath, ['number', 'range'])
  if (form === 'number') {
    const n = read.num(dp.number)
    if (n === undefined) return undefined
    bound(p, n, [...dpPath, 'number'])
    return { kind: 'portNumber', protocol: proto, port: n }
  }
  if (form === 'range') {
    const r = read.obj(dp.range) ?? {}
    const rp = [...dpPath, 'range']
    const start = read.num(r.start)
    const end = read.num(r.end)
    if (start === undefined) p.required([...rp, 'start'], '')
    if (end === undefined) p.required([...rp, 'end'], '')
    if (start === undefined || end === undefined) return undefined
    bound(p, start, [...rp, 'start'])
    bound(p, end, [...rp, 'end'])
    // CEL on PortRange: an error in v1alpha2 (v1alpha1 only documented it)
    if (start >= end) p.invalid(rp, 'object', 'Start port must be less than End port', start === end ? 'for a single port use destinationPort: {number: N}' : 'swap start and end')
    return { kind: 'portRange', protocol: proto, start, end }
  }
  return undefined
}
