/**
 * The verdict on one connection (its first packet; replies of an allowed
 * connection always pass, as every implementation tracks connections).
 *
 * Each direction is judged on its own and both must allow: the source's
 * egress, then the destination's ingress. In each direction the tiers run in
 * the order the network-policy-api defines (v1alpha2 ClusterNetworkPolicySpec.Tier:
 * "Admin tier, NetworkPolicy tier, Baseline tier"): the Admin tier (Admin
 * ClusterNetworkPolicies and v1alpha1 AdminNetworkPolicies) by priority, first
 * matching rule (Accept/Allow and Deny are final, Pass skips to the next tier),
 * then NetworkPolicies (a Pod selected by one for that direction is isolated
 * and admits only what some rule allows; policies add up), then the Baseline
 * tier (Baseline ClusterNetworkPolicies by priority, then the v1alpha1
 * BaselineAdminNetworkPolicy; Pass there skips to the default), and finally allow.
 *
 * Two exemptions from the NetworkPolicy docs: a Pod can always reach itself,
 * and traffic between a Pod and the node it runs on is always allowed.
 */
import type { Protocol } from '../model/types.ts'
import type { Endpoint } from './endpoint.ts'
import { nodeName } from './endpoint.ts'
import type { PolicySet } from './policy-set.ts'
import type { CompiledAdminPolicy, CompiledNetworkPolicy, NpPort } from './model.ts'
import { admits } from './model.ts'
import type { Enforcement } from './enforcement.ts'
import { adminPeerMatches, adminPortMatches, adminSelects, npRulePeerMatches, npRulePortMatches, npSelects } from './match.ts'

export type Direction = 'ingress' | 'egress'

export interface ChainStep {
  /** ANP/BANP: v1alpha1 AdminNetworkPolicy/BaselineAdminNetworkPolicy; CNP Admin/CNP Baseline: a v1alpha2 ClusterNetworkPolicy of that tier */
  tier: 'ANP' | 'CNP Admin' | 'NetworkPolicy' | 'BANP' | 'CNP Baseline' | 'Loopback' | 'Node' | 'None'
  action: 'Allow' | 'Accept' | 'Deny' | 'Pass' | 'No-Op' | 'Allowed' | 'Denied' | 'Not isolated' | 'Not applicable'
  /** ANP/BANP/CNP name, or the NetworkPolicies (`ns/name`) that decided */
  policies?: string[]
  /** the ANP/BANP/CNP rule: its name, else `ingress[i]`/`egress[i]` */
  rule?: string
  /** the ClusterNetworkPolicy's priority (the step of a deciding CNP rule) */
  priority?: number
  text: string
}

/** What one direction decided. */
export interface SideVerdict {
  direction: Direction
  /** the endpoint whose policies this side applies: the source for egress, the destination for ingress */
  subject: string
  /** false when the subject is not a Pod on the Pod network (outside the cluster, a node, a hostNetwork Pod) */
  applies: boolean
  /** isolated by NetworkPolicy in this direction */
  isolated: boolean
  /** NetworkPolicies (`ns/name`) that select the subject for this direction */
  policies: string[]
  /** those of them with a rule admitting this connection */
  allowedBy: string[]
  allowed: boolean
  /** ANP: the Admin tier decided (an AdminNetworkPolicy or an Admin ClusterNetworkPolicy; the last chain step says which); BANP: the Baseline tier */
  decidedBy: 'ANP' | 'NetworkPolicy' | 'BANP' | 'default' | 'exempt' | 'not-applicable'
  chain: ChainStep[]
  /** rules that admit the peer but not this port: the usual near miss */
  nearMiss: string[]
}

/** Which policies take part: v1alpha1 ANP (admin) and BANP (baseline), NetworkPolicy, v1alpha2 ClusterNetworkPolicy (cnp, both tiers). */
export interface Tiers {
  admin: boolean
  networkPolicy: boolean
  baseline: boolean
  cnp: boolean
}

export const ALL_TIERS: Tiers = { admin: true, networkPolicy: true, baseline: true, cnp: true }

/** The policies a CNI turns into filters. */
export function enforcedTiers(e: Enforcement): Tiers {
  return { admin: e.adminNetworkPolicy, networkPolicy: e.networkPolicy, baseline: e.adminNetworkPolicy, cnp: e.clusterNetworkPolicy }
}

export function enforcesAll(e: Enforcement): boolean {
  return e.networkPolicy && e.adminNetworkPolicy && e.clusterNetworkPolicy
}

export function enforcesNone(e: Enforcement): boolean {
  return !e.networkPolicy && !e.adminNetworkPolicy && !e.clusterNetworkPolicy
}

/** whether a cluster-wide policy takes part under these tiers */
export function inTiers(tiers: Tiers, a: CompiledAdminPolicy): boolean {
  return a.kind === 'ClusterNetworkPolicy' ? tiers.cnp : a.tier === 'Admin' ? tiers.admin : tiers.baseline
}

/** the chain-step tier of a cluster-wide policy */
function stepTier(a: CompiledAdminPolicy): ChainStep['tier'] {
  if (a.kind === 'ClusterNetworkPolicy') return a.tier === 'Admin' ? 'CNP Admin' : 'CNP Baseline'
  return a.tier === 'Admin' ? 'ANP' : 'BANP'
}

/** Per-run caches for callers that judge many pairs (the matrix). */
export interface EvalMemo {
  selecting: Map<string, CompiledNetworkPolicy[]>
  admin: Map<string, CompiledAdminPolicy[]>
}

export function newMemo(): EvalMemo {
  return { selecting: new Map(), admin: new Map() }
}

function step(s: Omit<ChainStep, 'text'>): ChainStep {
  const t = `[${s.tier}]`
  let text: string
  switch (s.tier) {
    case 'ANP':
    case 'BANP':
    case 'CNP Admin':
    case 'CNP Baseline':
      text = s.action === 'No-Op' ? `${t} No-Op` : `${t} ${s.action} (${s.policies![0]}/${s.rule})`
      break
    case 'NetworkPolicy':
      text = s.action === 'Not isolated' ? `${t} Not isolated` : `${t} ${s.action} (${s.policies!.join(', ')})`
      break
    case 'None':
      text = `no policy applies (${s.rule})`
      break
    default:
      text = `${t} ${s.action}${s.rule ? ` (${s.rule})` : ''}`
  }
  return { ...s, text }
}

/**
 * One direction of a connection from `src` to `dst` on `port`/`protocol`.
 *
 * @example
 * evaluateSide(set, 'ingress', src, dst, 5432, 'TCP').allowed
 */
export function evaluateSide(set: PolicySet, direction: Direction, src: Endpoint, dst: Endpoint, port: number, protocol: Protocol, tiers: Tiers = ALL_TIERS, memo?: EvalMemo): SideVerdict {
  const subject = direction === 'ingress' ? dst : src
  const peer = direction === 'ingress' ? src : dst
  const dstPod = dst.kind === 'pod' ? dst.pod : undefined
  const out: SideVerdict = { direction, subject: subject.name, applies: true, isolated: false, policies: [], allowedBy: [], allowed: true, decidedBy: 'default', chain: [], nearMiss: [] }

  if (subject.kind !== 'pod') {
    out.applies = false
    out.decidedBy = 'not-applicable'
    const why =
      subject.kind === 'external' ? `${subject.name} is outside the cluster`
      : subject.pod ? `${subject.name} uses the host network`
      : `${subject.name} is a node`
    out.chain.push(step({ tier: 'None', action: 'Not applicable', rule: why }))
    return out
  }
  // "traffic to and from the node where a Pod is running is always allowed, regardless of the IP address of the Pod or the node"
  if (peer.kind === 'host' && nodeName(peer) !== undefined && nodeName(peer) === nodeName(subject)) {
    out.decidedBy = 'exempt'
    out.chain.push(step({ tier: 'Node', action: 'Allowed', rule: `${peer.name} is on ${subject.name}'s own node` }))
    return out
  }

  // Tier 1: the Admin tier in priority order, first matching rule
  let passed = false
  let noOpTier: ChainStep['tier'] | undefined
  if (tiers.admin || tiers.cnp) {
    const admins = adminFor(set, subject, memo)
    outer: for (const a of admins) {
      if (!inTiers(tiers, a)) continue
      const rules = direction === 'ingress' ? a.ingress : a.egress
      // "CNPs with no ingress rules do not affect ingress traffic" (and likewise for egress)
      if (rules.length === 0) continue
      if (noOpTier === undefined || a.kind === 'ClusterNetworkPolicy') noOpTier = stepTier(a)
      for (const r of rules) {
        if (!r.peers.some((p) => adminPeerMatches(set, p, peer, !admits(r.action)))) continue
        if (!adminPortMatches(r.ports, port, protocol, dstPod)) continue
        const ruleName = r.name || `${direction}[${r.index}]`
        out.chain.push(step({ tier: stepTier(a), action: r.action, policies: [a.name], rule: ruleName, priority: a.priority }))
        if (r.action === 'Pass') {
          passed = true
          break outer
        }
        out.allowed = admits(r.action)
        out.decidedBy = 'ANP'
        // NetworkPolicy isolation is still reported, for the explanation
        fillIsolation(set, out, subject, memo, direction)
        return out
      }
    }
    if (noOpTier && !passed) out.chain.push(step({ tier: noOpTier, action: 'No-Op' }))
  }

  // Tier 2: NetworkPolicies (additive allow-lists)
  if (tiers.networkPolicy) {
    const selecting = fillIsolation(set, out, subject, memo, direction)
    if (selecting.length > 0) {
      for (const np of selecting) {
        const rules = direction === 'ingress' ? np.ingress : np.egress
        let admits = false
        for (const r of rules) {
          const peerOk = npRulePeerMatches(np, r, peer)
          const portOk = npRulePortMatches(r, port, protocol, dstPod)
          if (peerOk && portOk) admits = true
          else if (peerOk && !portOk) out.nearMiss.push(`${direction} rule ${r.index} of ${np.key} admits ${peer.name} but only on ${r.ports.map(portText).join(', ')}`)
        }
        if (admits) out.allowedBy.push(np.key)
      }
      out.allowed = out.allowedBy.length > 0
      out.decidedBy = 'NetworkPolicy'
      out.chain.push(step({ tier: 'NetworkPolicy', action: out.allowed ? 'Allowed' : 'Denied', policies: out.allowed ? out.allowedBy : out.policies }))
      return out
    }
    out.chain.push(step({ tier: 'NetworkPolicy', action: 'Not isolated' }))
  }

  // Tier 3: the Baseline tier in priority order, first matching rule; Pass there leads to the default
  let baseNoOp: ChainStep['tier'] | undefined
  base: for (const b of set.baselines) {
    if (!inTiers(tiers, b)) continue
    const rules = direction === 'ingress' ? b.ingress : b.egress
    if (rules.length === 0 || !adminSelects(b, subject)) continue
    if (baseNoOp === undefined || b.kind === 'ClusterNetworkPolicy') baseNoOp = stepTier(b)
    for (const r of rules) {
      if (!r.peers.some((p) => adminPeerMatches(set, p, peer, !admits(r.action)))) continue
      if (!adminPortMatches(r.ports, port, protocol, dstPod)) continue
      out.chain.push(step({ tier: stepTier(b), action: r.action, policies: [b.name], rule: r.name || `${direction}[${r.index}]`, priority: b.priority }))
      if (r.action === 'Pass') {
        baseNoOp = undefined
        break base
      }
      out.allowed = admits(r.action)
      out.decidedBy = 'BANP'
      return out
    }
  }
  if (baseNoOp) out.chain.push(step({ tier: baseNoOp, action: 'No-Op' }))
  out.allowed = true
  out.decidedBy = 'default'
  return out
}

function fillIsolation(set: PolicySet, out: SideVerdict, subject: Endpoint, memo: EvalMemo | undefined, direction: Direction): CompiledNetworkPolicy[] {
  const type = direction === 'ingress' ? 'Ingress' : 'Egress'
  const key = `${subject.pod!.meta.uid}|${type}`
  let selecting = memo?.selecting.get(key)
  if (!selecting) {
    selecting = (set.byNamespace.get(subject.pod!.meta.namespace) ?? []).filter((np) => np.policyTypes.includes(type) && npSelects(np, subject))
    memo?.selecting.set(key, selecting)
  }
  out.isolated = selecting.length > 0
  out.policies = selecting.map((np) => np.key)
  return selecting
}

function adminFor(set: PolicySet, subject: Endpoint, memo: EvalMemo | undefined): CompiledAdminPolicy[] {
  if (set.admin.length === 0) return []
  const key = subject.pod!.meta.uid
  let list = memo?.admin.get(key)
  if (!list) {
    list = set.admin.filter((a) => adminSelects(a, subject))
    memo?.admin.set(key, list)
  }
  return list
}

export function portText(p: NpPort): string {
  if (p.name !== undefined) return `port ${p.name}/${p.protocol}`
  if (p.port === undefined) return `every ${p.protocol} port`
  return p.endPort !== undefined ? `${p.port}-${p.endPort}/${p.protocol}` : `${p.port}/${p.protocol}`
}
