/**
 * A connection's verdict: both directions, the tier chain, what the cluster's
 * CNI makes of it, and a sentence or two for the reader.
 */
import type { Cluster, Pod, Protocol } from '../model/types.ts'
import { ipFamilyOf } from '../net/ip.ts'
import type { Endpoint } from './endpoint.ts'
import { ipEndpoint, podEndpoint } from './endpoint.ts'
import { policySet } from './policy-set.ts'
import type { PolicySet } from './policy-set.ts'
import { ALL_TIERS, enforcedTiers, enforcesAll, enforcesNone, evaluateSide } from './evaluate.ts'
import type { EvalMemo, SideVerdict } from './evaluate.ts'
import { explain } from './explain.ts'

export interface ConnectionQuery {
  /** the sending Pod, or */
  srcPod?: Pod
  /** the source address as the destination sees it (a Pod IP, a node address, or outside) */
  srcIP?: string
  /** the receiving Pod (after Service DNAT), or */
  dstPod?: Pod
  /** the destination address after DNAT; not a ClusterIP (see evaluateServiceConnection) */
  dstIP?: string
  port: number
  /** default TCP */
  protocol?: Protocol
}



import type { EndpointInfo, Verdict, VerdictResult } from './verdict-types.ts'

export type { EndpointInfo, Verdict, VerdictResult } from './verdict-types.ts'

/**
 * Judges one connection between endpoints (after Service DNAT).
 *
 * @example
 * const v = evaluateConnection(cluster, { srcPod, dstPod, port: 5432, protocol: 'TCP' })
 * if (!('error' in v)) console.log(v.allowed, v.explanation)
 */
export function evaluateConnection(cluster: Cluster, q: ConnectionQuery): VerdictResult {
  const set = policySet(cluster)
  const ends = resolveEnds(set, cluster, q)
  if ('error' in ends) return ends
  return judge(set, ends.src, ends.dst, q.port, q.protocol ?? 'TCP')
}

/**
 * The two endpoints of a query (the source address taken in the destination's family).
 *
 * @example
 * const ends = resolveEnds(policySet(cluster), cluster, { srcPod, dstIP: '10.244.1.7', port: 80 })
 */
export function resolveEnds(set: PolicySet, cluster: Cluster, q: ConnectionQuery): { src: Endpoint; dst: Endpoint } | { error: string } {
  const dst = q.dstPod ? podEndpoint(set, q.dstPod) : q.dstIP !== undefined ? ipEndpoint(set, cluster, q.dstIP) : { error: 'no destination given' }
  if ('error' in dst) return dst
  const family = ipFamilyOf(dst.ip)
  const src = q.srcPod ? podEndpoint(set, q.srcPod, family) : q.srcIP !== undefined ? ipEndpoint(set, cluster, q.srcIP) : { error: 'no source given' }
  if ('error' in src) return src
  return { src, dst }
}

/**
 * Both directions, the chain, enforcement and the explanation for resolved endpoints.
 *
 * @example
 * const set = policySet(cluster)
 * const ends = resolveEnds(set, cluster, { srcPod, dstPod, port: 80 })
 * if (!('error' in ends)) judge(set, ends.src, ends.dst, 80, 'TCP').allowed
 */
export function judge(set: PolicySet, src: Endpoint, dst: Endpoint, port: number, protocol: Protocol, memo?: EvalMemo): Verdict {
  const enforcement = set.enforcement
  const loopback = src.kind === 'pod' && dst.kind === 'pod' && src.pod === dst.pod
  let egress: SideVerdict
  let ingress: SideVerdict
  if (loopback) {
    // "a pod cannot block access to itself"
    const self = (direction: 'ingress' | 'egress'): SideVerdict => ({
      direction, subject: src.name, applies: true, isolated: false, policies: [], allowedBy: [], allowed: true, decidedBy: 'exempt', nearMiss: [],
      chain: [{ tier: 'Loopback', action: 'Allowed', rule: 'a Pod can always reach itself', text: '[Loopback] Allowed (a Pod can always reach itself)' }],
    })
    egress = self('egress')
    ingress = self('ingress')
  } else {
    egress = evaluateSide(set, 'egress', src, dst, port, protocol, ALL_TIERS, memo)
    ingress = evaluateSide(set, 'ingress', src, dst, port, protocol, ALL_TIERS, memo)
  }
  const allowed = egress.allowed && ingress.allowed
  const effective = loopback ? true : effectiveOutcome(set, src, dst, port, protocol, allowed, memo)
  const v: Verdict = {
    allowed,
    enforced: enforcement.networkPolicy,
    effective,
    enforcement,
    src: info(src),
    dst: info(dst),
    port,
    protocol,
    egress,
    ingress,
    chain: [`egress ${egress.subject}: ${egress.chain.map((s) => s.text).join(' → ')}`, `ingress ${ingress.subject}: ${ingress.chain.map((s) => s.text).join(' → ')}`],
    explanation: '',
    loopback,
  }
  v.explanation = explain(set, v)
  return v
}

/** The outcome with only the tiers the CNI implements. */
function effectiveOutcome(set: PolicySet, src: Endpoint, dst: Endpoint, port: number, protocol: Protocol, allowed: boolean, memo?: EvalMemo): boolean {
  const e = set.enforcement
  const tiers = enforcedTiers(e)
  if (enforcesAll(e)) return allowed
  if (enforcesNone(e)) return true
  if (tiers.networkPolicy && set.admin.length === 0 && set.baselines.length === 0) return allowed
  return evaluateSide(set, 'egress', src, dst, port, protocol, tiers, memo).allowed && evaluateSide(set, 'ingress', src, dst, port, protocol, tiers, memo).allowed
}

function info(e: Endpoint): EndpointInfo {
  return {
    kind: e.kind,
    name: e.name,
    ip: e.ip,
    namespace: e.pod?.meta.namespace,
    pod: e.pod?.meta.name,
    node: e.node?.meta.name ?? (e.pod?.nodeName || undefined),
  }
}
