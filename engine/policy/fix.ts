/**
 * The smallest policy change that lets a denied connection through, and
 * nothing else: one new object per denying side, which a reader appends to
 * the scenario as it is.
 *
 * - a side denied by NetworkPolicy isolation: a NetworkPolicy in the
 *   subject's namespace selecting the subject, with one rule for the peer on
 *   that port (NetworkPolicies add up, so the rule needs no other change);
 * - a side denied by an Admin-tier Deny: a ClusterNetworkPolicy (for a
 *   v1alpha1 AdminNetworkPolicy, an AdminNetworkPolicy) one priority value
 *   ahead of the deciding one, with an Accept (Allow) rule for exactly that
 *   pair and port; no NetworkPolicy can override an Admin-tier Deny;
 * - a side denied by a Baseline-tier Deny: a Baseline ClusterNetworkPolicy
 *   ahead of it, or (`namespaced`: the reader owns only NetworkPolicies) a
 *   NetworkPolicy, which overrides the Baseline tier but isolates the Pod.
 *
 * Selectors pick the two Pods by all their labels (not the controllers'
 * bookkeeping labels), plus DoesNotExist for any extra key a look-alike has,
 * so they match exactly the Pods with the same labels in the same namespace:
 * replicas of one workload, which no policy can tell apart anyway. Addresses
 * outside the Pod network are named by a /32 (/128) block.
 */
import { stringify } from 'yaml'
import type { Labels, Pod, Protocol } from '../model/types.ts'
import type { PolicySet } from './policy-set.ts'
import type { SideVerdict } from './evaluate.ts'
import { enforcesNone } from './evaluate.ts'
import type { EndpointInfo, Verdict } from './verdict.ts'
import { isBookkeepingLabel } from './explain.ts'

export interface FixChange {
  /** what to do: add a new object to the scenario */
  action: 'add'
  kind: 'NetworkPolicy' | 'ClusterNetworkPolicy' | 'AdminNetworkPolicy'
  name: string
  namespace?: string
  /** the side it opens */
  direction: 'ingress' | 'egress'
  /** why this change, in a sentence */
  why: string
  /** the object */
  object: Record<string, unknown>
}

export interface Fix {
  /** true when the changes below allow the connection */
  possible: boolean
  changes: FixChange[]
  /** the objects as one YAML stream, ready to append to the scenario (`---` first) */
  yaml: string
  /** why there is no fix, or what else to know (e.g. a NetworkPolicy that isolates) */
  notes: string[]
}

export interface FixOptions {
  /** the reader may only add NetworkPolicies (an application team): Admin-tier Denies cannot be fixed */
  namespaced?: boolean
}

type Selector = { matchLabels?: Labels; matchExpressions?: { key: string; operator: 'DoesNotExist' }[] }

function meaningful(labels: Labels): Labels {
  const out: Labels = {}
  for (const k of Object.keys(labels).sort()) if (!isBookkeepingLabel(k)) out[k] = labels[k]
  return out
}

/** A selector matching exactly the Pods of `scope` whose meaningful labels equal `pod`'s. */
function exactSelector(pod: Pod, scope: Pod[]): Selector {
  const mine = meaningful(pod.meta.labels)
  const extra = new Set<string>()
  for (const p of scope) {
    const theirs = meaningful(p.meta.labels)
    if (!Object.entries(mine).every(([k, v]) => theirs[k] === v)) continue
    for (const k of Object.keys(theirs)) if (!(k in mine)) extra.add(k)
  }
  const sel: Selector = {}
  if (Object.keys(mine).length) sel.matchLabels = mine
  if (extra.size) sel.matchExpressions = [...extra].sort().map((key) => ({ key, operator: 'DoesNotExist' as const }))
  return sel
}

function block(ip: string): string {
  return ip.includes(':') ? `${ip}/128` : `${ip}/32`
}

/** A DNS-1123 name from parts, at most 63 characters. */
function objectName(...parts: string[]): string {
  const s = parts.join('-').toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/-+/g, '-').replace(/^-|-$/g, '')
  return s.slice(0, 63).replace(/-+$/, '')
}

function shortName(set: PolicySet, e: EndpointInfo): string {
  if (e.kind === 'pod' && e.namespace && e.pod) {
    const p = set.cluster.index.pod.get(`${e.namespace}/${e.pod}`)
    return p?.workload?.name ?? e.pod
  }
  return e.node && e.kind === 'host' ? e.node : e.ip.replace(/[.:]/g, '-')
}

interface Side {
  self: EndpointInfo
  peer: EndpointInfo
  selfPod: Pod
  peerPod?: Pod
}

function sideOf(set: PolicySet, v: Verdict, s: SideVerdict): Side {
  const self = s.direction === 'ingress' ? v.dst : v.src
  const peer = s.direction === 'ingress' ? v.src : v.dst
  const pod = (e: EndpointInfo) => (e.kind === 'pod' && e.namespace && e.pod ? set.cluster.index.pod.get(`${e.namespace}/${e.pod}`) : undefined)
  return { self, peer, selfPod: pod(self)!, peerPod: pod(peer) }
}

function podsIn(set: PolicySet, ns: string): Pod[] {
  return set.cluster.pods.filter((p) => p.meta.namespace === ns && !p.hostNetwork)
}

function nsSelector(ns: string): Selector {
  return { matchLabels: { 'kubernetes.io/metadata.name': ns } }
}

function networkPolicyFix(set: PolicySet, v: Verdict, s: SideVerdict, side: Side): FixChange {
  const dir = s.direction
  const ns = side.selfPod.meta.namespace
  const peer = side.peerPod
    ? { namespaceSelector: nsSelector(side.peerPod.meta.namespace), podSelector: exactSelector(side.peerPod, podsIn(set, side.peerPod.meta.namespace)) }
    : { ipBlock: { cidr: block(side.peer.ip) } }
  const name = objectName('allow', shortName(set, v.src), 'to', shortName(set, v.dst), String(v.port), v.protocol)
  const object = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace: ns },
    spec: {
      podSelector: exactSelector(side.selfPod, podsIn(set, ns)),
      policyTypes: [dir === 'ingress' ? 'Ingress' : 'Egress'],
      [dir]: [{ [dir === 'ingress' ? 'from' : 'to']: [peer], ports: [{ protocol: v.protocol, port: v.port }] }],
    },
  }
  const why = s.decidedBy === 'NetworkPolicy'
    ? `${side.self.name} is isolated for ${dir} and no rule admits ${side.peer.name} on ${v.port}/${v.protocol}: a NetworkPolicy with that one rule admits it (policies add up)`
    : `a NetworkPolicy overrides the Baseline tier for ${side.self.name}'s ${dir}`
  return { action: 'add', kind: 'NetworkPolicy', name, namespace: ns, direction: dir, why, object }
}

function protocolsOf(kind: 'ClusterNetworkPolicy' | 'AdminNetworkPolicy', port: number, protocol: Protocol): Record<string, unknown> {
  if (kind === 'AdminNetworkPolicy') return { ports: [{ portNumber: { protocol, port } }] }
  return { protocols: [{ [protocol.toLowerCase()]: { destinationPort: { number: port } } }] }
}

function clusterPolicyFix(set: PolicySet, v: Verdict, s: SideVerdict, side: Side, opts: FixOptions): FixChange | string {
  const last = s.chain[s.chain.length - 1]
  const deciderName = last.policies![0]
  const adminTier = s.decidedBy === 'ANP'
  const v1alpha1 = last.tier === 'ANP' || last.tier === 'BANP'
  const decider = (adminTier ? set.admin : set.baselines).find((a) => a.name === deciderName && (v1alpha1 ? a.kind !== 'ClusterNetworkPolicy' : a.kind === 'ClusterNetworkPolicy'))!
  const what = `${decider.kind} ${decider.name} (rule ${last.rule})`
  if (adminTier && opts.namespaced) return `${what} denies ${side.self.name}'s ${s.direction} in the Admin tier, before any NetworkPolicy is read: no NetworkPolicy can allow it; only a cluster administrator can (with an Accept rule ahead of that Deny)`
  // the new policy must come first: a lower priority value than the decider's (the BANP comes after every Baseline CNP)
  // (no earlier policy of the tier matched this pair, or it would have decided: a priority just ahead is enough)
  const priority = decider.kind === 'BaselineAdminNetworkPolicy' ? 0 : decider.priority - 1
  if (priority < 0) return `${what} has priority 0, so no other ${adminTier ? 'Admin' : 'Baseline'}-tier policy can come before it: change that policy itself (an Accept rule for ${side.peer.name} on ${v.port}/${v.protocol} ahead of rule ${last.rule})`
  const kind = v1alpha1 && adminTier ? 'AdminNetworkPolicy' : 'ClusterNetworkPolicy'
  const selfNs = side.selfPod.meta.namespace
  const subject = { pods: { namespaceSelector: nsSelector(selfNs), podSelector: exactSelector(side.selfPod, podsIn(set, selfNs)) } }
  const peer = side.peerPod
    ? { pods: { namespaceSelector: nsSelector(side.peerPod.meta.namespace), podSelector: exactSelector(side.peerPod, podsIn(set, side.peerPod.meta.namespace)) } }
    : s.direction === 'egress' ? { networks: [block(side.peer.ip)] } : undefined
  // ingress peers are namespaces or pods only: traffic from a node or outside cannot be named in an ingress rule
  if (!peer) return `${what} denies ingress from ${side.peer.name}, which is not a Pod: ingress rules of the cluster-wide policies name only Pods and namespaces, so no new policy can single it out`
  const name = objectName('allow', shortName(set, v.src), 'to', shortName(set, v.dst), String(v.port), v.protocol)
  const dir = s.direction
  const rule = { name: `allow-${dir}-${v.port}-${v.protocol.toLowerCase()}`, action: kind === 'AdminNetworkPolicy' ? 'Allow' : 'Accept', [dir === 'ingress' ? 'from' : 'to']: [peer], ...protocolsOf(kind, v.port, v.protocol) }
  const spec: Record<string, unknown> = kind === 'ClusterNetworkPolicy' ? { tier: adminTier ? 'Admin' : 'Baseline', priority, subject, [dir]: [rule] } : { priority, subject, [dir]: [rule] }
  const object = { apiVersion: kind === 'AdminNetworkPolicy' ? 'policy.networking.k8s.io/v1alpha1' : 'policy.networking.k8s.io/v1alpha2', kind, metadata: { name }, spec }
  const why = `${what} denies it in the ${adminTier ? 'Admin' : 'Baseline'} tier: ${kind === 'AdminNetworkPolicy' ? 'an' : 'a'} ${kind} with priority ${priority} comes first and ${kind === 'AdminNetworkPolicy' ? 'allows' : 'accepts'} exactly this pair and port`
  return { action: 'add', kind, name, direction: dir, why, object }
}

/**
 * The fix for a verdict, or why there is none.
 *
 * @example
 * const v = evaluateConnection(cluster, { srcPod, dstPod, port: 5432 })
 * if (!('error' in v) && !v.allowed) console.log(proposeFix(policySet(cluster), v).yaml)
 */
export function proposeFix(set: PolicySet, v: Verdict, opts: FixOptions = {}): Fix {
  const notes: string[] = []
  if (v.allowed) return { possible: false, changes: [], yaml: '', notes: ['the policies already allow this connection'] }
  if (enforcesNone(v.enforcement)) return { possible: false, changes: [], yaml: '', notes: [`no policy change is needed on this cluster: ${v.enforcement.note}, so the connection already goes through (the verdict is what the policies say, for a plugin that enforces them)`] }
  if (v.effective) notes.push(`on this cluster the connection already goes through (${v.enforcement.note}); the change below is what a cluster that enforces the policies needs`)
  const changes: FixChange[] = []
  for (const s of [v.egress, v.ingress]) {
    if (s.allowed) continue
    const side = sideOf(set, v, s)
    if (s.decidedBy === 'NetworkPolicy') changes.push(networkPolicyFix(set, v, s, side))
    else if (s.decidedBy === 'BANP' && opts.namespaced) {
      changes.push(networkPolicyFix(set, v, s, side))
      notes.push(`the new NetworkPolicy isolates ${side.self.name} for ${s.direction}: from then on only what some NetworkPolicy admits reaches it, so other connections the Baseline tier or the default allowed are denied`)
    } else {
      const c = clusterPolicyFix(set, v, s, side, opts)
      if (typeof c === 'string') {
        return { possible: false, changes: [], yaml: '', notes: [c] }
      }
      changes.push(c)
    }
  }
  // two cluster-wide objects for one pair (both sides denied) would share a name
  if (changes.length === 2 && changes[0].kind === changes[1].kind && changes[0].name === changes[1].name && changes[0].namespace === changes[1].namespace) {
    for (const c of changes) {
      c.name = objectName(c.name.slice(0, 54), c.direction)
      ;(c.object.metadata as { name: string }).name = c.name
    }
  }
  // a name already taken (a fix applied before, then edited) gets a number
  for (const c of changes) {
    const taken = (n: string) =>
      c.kind === 'NetworkPolicy' ? set.cluster.networkPolicies.some((o) => o.meta.namespace === c.namespace && o.meta.name === n)
      : (c.kind === 'ClusterNetworkPolicy' ? set.cluster.clusterNetworkPolicies : set.cluster.adminNetworkPolicies).some((o) => o.meta.name === n)
    let name = c.name
    for (let k = 2; taken(name); k++) name = objectName(c.name.slice(0, 58), String(k))
    c.name = name
    ;(c.object.metadata as { name: string }).name = name
  }
  const yaml = changes.map((c) => `---\n${stringify(c.object, { lineWidth: 0 })}`).join('')
  return { possible: changes.length > 0, changes, yaml, notes }
}
