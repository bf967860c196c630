/**
 * The NetworkPolicy (and AdminNetworkPolicy) checks on the path, judged by
 * the policy module: the source Pod's egress on its node, after kube-proxy's
 * DNAT (policies see the endpoint, never the ClusterIP), and the destination
 * Pod's ingress on its node, with the source address the Pod will see. A
 * policy that denies drops the packet silently, so the client times out.
 * On a CNI that does not enforce policies the verdict is shown and ignored.
 *
 * Simplification: a packet masqueraded to a node (NodePort, hairpin, a node's
 * own traffic) is judged as coming from that node's InternalIP, whatever
 * address of the node (a tunnel or bridge address) MASQUERADE picked.
 */
import type { Node, Pod } from '../model/types.ts'
import { evaluateConnection } from '../policy/index.ts'
import type { SideVerdict, Verdict } from '../policy/index.ts'
import type { WalkContext } from './context.ts'
import { push } from './context.ts'
import type { Tuple } from './types.ts'

export interface PolicyEnd {
  pod?: Pod
  ip?: string
}

function interesting(s: SideVerdict): boolean {
  return s.applies && (s.isolated || !s.allowed || s.chain.some((c) => c.tier === 'ANP' || c.tier === 'BANP'))
}

function sideText(s: SideVerdict): string {
  return `${s.direction} ${s.subject}: ${s.chain.map((c) => c.text).join(' → ')}`
}

/** Does the cluster have any policy at all? (No hop is shown when it has none.) */
function anyPolicy(ctx: WalkContext): boolean {
  const c = ctx.cluster
  return c.networkPolicies.length + c.adminNetworkPolicies.length + c.baselineAdminNetworkPolicies.length + c.clusterNetworkPolicies.length > 0
}

function judge(ctx: WalkContext, src: PolicyEnd, dst: PolicyEnd, t: Tuple): Verdict | undefined {
  if (t.proto === 'IPIP') return undefined
  const v = evaluateConnection(ctx.cluster, {
    srcPod: src.pod,
    srcIP: src.pod ? undefined : src.ip,
    dstPod: dst.pod,
    dstIP: dst.pod ? undefined : dst.ip,
    port: t.dport,
    // ICMP matches only rules without ports, which is what passing it as the protocol gives
    protocol: t.proto as 'TCP',
  })
  return 'error' in v ? undefined : v
}

/**
 * Judges one side and adds its hop; returns false when the packet is dropped.
 *
 * @example
 * policyCheck(ctx, 'egress', node, { pod: client }, { pod: server }, tuple)
 */
export function policyCheck(ctx: WalkContext, direction: 'egress' | 'ingress', node: Node | undefined, src: PolicyEnd, dst: PolicyEnd, t: Tuple): boolean {
  // no policy in the scenario: the verdicts are compiled only for scenarios that have some (issue 20)
  return !anyPolicy(ctx) || judged(ctx, direction, node, src, dst, t)
}

function judged(ctx: WalkContext, direction: 'egress' | 'ingress', node: Node | undefined, src: PolicyEnd, dst: PolicyEnd, t: Tuple): boolean {
  const v = judge(ctx, src, dst, t)
  if (!v) return true
  const side = direction === 'egress' ? v.egress : v.ingress
  if (v.loopback || !interesting(side)) return true
  const e = v.enforcement
  // what this CNI does with this side: the tiers it implements
  const denied = !side.allowed
  const lastTier = side.chain[side.chain.length - 1]?.tier
  const enforcedHere = lastTier === 'CNP Admin' || lastTier === 'CNP Baseline' ? e.clusterNetworkPolicy : side.decidedBy === 'ANP' || side.decidedBy === 'BANP' ? e.adminNetworkPolicy : e.networkPolicy
  const drops = denied && enforcedHere && !v.effective
  const policies = side.decidedBy === 'ANP' || side.decidedBy === 'BANP' ? side.chain[side.chain.length - 1].policies ?? [] : denied ? side.policies : side.allowedBy
  const at = `${node ? `${node.meta.name} ` : ''}${direction} policy of ${side.subject}`
  let note: string
  if (!denied) note = `allowed: ${v.explanation.replace(/^allowed: /, '')}`
  else if (drops) note = `dropped by ${policies.length ? policies.join(', ') : 'policy'}: ${v.explanation.replace(/^denied: /, '')} The packet is dropped without an answer, so the client times out`
  else note = `policies exist but ${e.cni} does not enforce them (${e.note}): ${policies.join(', ') || 'the policy'} would drop this packet, yet it goes through`
  push(ctx, {
    at,
    node: node?.meta.name,
    handler: 'networkpolicy',
    rule: sideText(side),
    before: { ...t },
    after: { ...t },
    note,
    verdict: drops ? 'drop' : undefined,
  })
  return !drops
}
