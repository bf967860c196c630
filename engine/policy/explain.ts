/**
 * Verdicts in words: which side decided, by which policy, and the near miss
 * when a rule admits the peer on another port.
 */
import type { Labels } from '../model/types.ts'
import type { PolicySet } from './policy-set.ts'
import type { ChainStep, SideVerdict } from './evaluate.ts'
import type { Verdict } from './verdict-types.ts'

/** Labels controllers add for their own bookkeeping; they only clutter an explanation. */
const NOISY = new Set(['pod-template-hash', 'controller-revision-hash', 'pod-template-generation', 'statefulset.kubernetes.io/pod-name', 'apps.kubernetes.io/pod-index'])

export function isBookkeepingLabel(key: string): boolean {
  return NOISY.has(key)
}

export function labelText(labels: Labels): string {
  const keys = Object.keys(labels).filter((k) => !NOISY.has(k)).sort()
  return keys.map((k) => `${k}=${labels[k]}`).join(',')
}

function describe(set: PolicySet, v: Verdict, which: 'src' | 'dst'): string {
  const e = v[which]
  if (e.kind === 'pod' && e.namespace && e.pod) {
    const pod = set.cluster.index.pod.get(`${e.namespace}/${e.pod}`)
    const l = pod ? labelText(pod.meta.labels) : ''
    return l ? `${e.name} (${l})` : `${e.name} (no labels)`
  }
  if (e.kind === 'host') return e.pod ? `${e.name} (host network, ${e.ip})` : `${e.name} (${e.ip})`
  return e.name
}

/** `AdminNetworkPolicy x (rule r)` or `ClusterNetworkPolicy x (Admin tier, priority 6, rule r, action Deny)` */
function deciding(step: ChainStep): string {
  if (step.tier === 'CNP Admin' || step.tier === 'CNP Baseline') {
    return `ClusterNetworkPolicy ${step.policies![0]} (${step.tier === 'CNP Admin' ? 'Admin' : 'Baseline'} tier, priority ${step.priority}, rule ${step.rule}, action ${step.action})`
  }
  return `${step.tier === 'ANP' ? 'AdminNetworkPolicy' : 'BaselineAdminNetworkPolicy'} ${step.policies![0]} (rule ${step.rule})`
}

function plural(list: string[], one: string, many: string): string {
  return `${list.length === 1 ? one : many} ${list.join(', ')}`
}

function deniedSide(set: PolicySet, v: Verdict, s: SideVerdict): string {
  const peer = s.direction === 'ingress' ? describe(set, v, 'src') : describe(set, v, 'dst')
  const pp = `${v.port}/${v.protocol}`
  const last = s.chain[s.chain.length - 1]
  switch (s.decidedBy) {
    case 'ANP':
      return `${deciding(last)} denies ${s.direction} ${s.direction === 'ingress' ? `to ${s.subject} from ${peer}` : `from ${s.subject} to ${peer}`} on ${pp}, before any NetworkPolicy is consulted`
    case 'BANP': {
      const above = s.chain.some((c) => c.action === 'Pass') ? 'the Admin tier passes and no NetworkPolicy isolates it' : `no Admin-tier policy or NetworkPolicy decides`
      return `${above}, so ${deciding(last)} denies ${s.direction} ${s.direction === 'ingress' ? `to ${s.subject} from ${peer}` : `from ${s.subject} to ${peer}`} on ${pp}`
    }
    default: {
      const near = s.nearMiss.length ? ` (${s.nearMiss[0]})` : ''
      return `${s.subject} is isolated for ${s.direction} by ${plural(s.policies, 'policy', 'policies')}; no ${s.direction} rule admits ${peer} on ${pp}${near}`
    }
  }
}

function allowedSide(s: SideVerdict): string | undefined {
  const last = s.chain[s.chain.length - 1]
  switch (s.decidedBy) {
    case 'not-applicable':
      return undefined
    case 'exempt':
      return last.tier === 'Node' ? `traffic between a Pod and its own node is always allowed (${last.rule})` : 'a Pod can always reach itself'
    case 'ANP':
    case 'BANP':
      return `${deciding(last)} allows ${s.subject}'s ${s.direction}`
    case 'NetworkPolicy': {
      const passed = s.chain.find((c) => c.action === 'Pass')
      return `${passed ? `${deciding(passed)} passes it to the NetworkPolicy tier, where ` : ''}${s.subject}'s ${s.direction} is allowed by ${plural(s.allowedBy, 'policy', 'policies')}`
    }
    default: {
      const passed = s.chain.find((c) => c.action === 'Pass')
      if (passed) return `${deciding(passed)} passes ${s.subject}'s ${s.direction} on and no later tier denies it`
      return `${s.subject} is not isolated for ${s.direction}`
    }
  }
}

export function explain(set: PolicySet, v: Verdict): string {
  let text: string
  if (v.loopback) text = 'allowed: a Pod can always reach itself (policies never block a Pod talking to its own address).'
  else if (!v.allowed) {
    const parts = [v.egress, v.ingress].filter((s) => !s.allowed).map((s) => deniedSide(set, v, s))
    text = `denied: ${parts.join('; and ')}.`
  } else {
    const parts = [v.egress, v.ingress].map(allowedSide).filter((x): x is string => !!x)
    const quiet = [v.egress, v.ingress].every((s) => s.decidedBy === 'default' && !s.chain.some((c) => c.tier !== 'NetworkPolicy' && c.tier !== 'None'))
    if (quiet && v.egress.applies && v.ingress.applies) text = `allowed: no policy isolates ${v.egress.subject} for egress or ${v.ingress.subject} for ingress.`
    else text = `allowed: ${parts.length ? parts.join('; ') : 'no policy applies to either end'}.`
  }
  if (v.effective !== v.allowed) {
    const e = v.enforcement
    text += v.effective
      ? ` But on this cluster the connection goes through: ${e.note}.`
      : ` But on this cluster the connection is blocked: ${e.note}.`
  }
  return text
}
