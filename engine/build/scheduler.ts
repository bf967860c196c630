/**
 * A deterministic kube-scheduler: filters as the real one does (nodeName,
 * nodeSelector, taints and tolerations, unschedulable, kubelet's 110-Pod
 * limit) and scores by spreading a workload's replicas first
 * (PodTopologySpread's default constraints), then by the least-loaded node,
 * then by node order. Real scoring also weighs resources, which the
 * simulator does not model.
 */
import type { Node } from '../model/types.ts'
import type { PodDraft } from './pod-draft.ts'
import { tolerates } from './pod-spec.ts'

/** kubelet --max-pods default */
export const MAX_PODS_PER_NODE = 110

export interface Placement {
  node?: Node
  /** why no node fits, in the scheduler's event words */
  reason?: string
}

export class Scheduler {
  private readonly total = new Map<string, number>()
  private readonly perWorkload = new Map<string, number>()

  constructor(private readonly nodes: Node[]) {}

  /** Records a Pod that is already bound (pinned by the reader). */
  bind(draft: PodDraft, node: Node): void {
    this.total.set(node.meta.name, (this.total.get(node.meta.name) ?? 0) + 1)
    const wk = workloadKey(draft)
    if (wk) this.perWorkload.set(`${wk}@${node.meta.name}`, (this.perWorkload.get(`${wk}@${node.meta.name}`) ?? 0) + 1)
  }

  fits(draft: PodDraft, node: Node): string | undefined {
    if (node.unschedulable && !draft.daemonNode) return "node(s) were unschedulable"
    for (const t of node.taints) {
      if ((t.effect === 'NoSchedule' || t.effect === 'NoExecute') && !tolerates(draft.spec.tolerations, t)) {
        return `node(s) had untolerated taint {${t.key}: ${t.value ?? ''}}`
      }
    }
    for (const [k, v] of Object.entries(draft.spec.nodeSelector)) {
      if (node.meta.labels[k] !== v) return "node(s) didn't match Pod's node affinity/selector"
    }
    if ((this.total.get(node.meta.name) ?? 0) >= MAX_PODS_PER_NODE) return 'Too many pods'
    return undefined
  }

  place(draft: PodDraft): Placement {
    const candidates = draft.daemonNode ? this.nodes.filter((n) => n.meta.name === draft.daemonNode) : this.nodes
    const reasons = new Map<string, number>()
    let best: Node | undefined
    let bestScore: [number, number] = [Infinity, Infinity]
    const wk = workloadKey(draft)
    for (const node of candidates) {
      const why = this.fits(draft, node)
      if (why) {
        reasons.set(why, (reasons.get(why) ?? 0) + 1)
        continue
      }
      const score: [number, number] = [wk ? (this.perWorkload.get(`${wk}@${node.meta.name}`) ?? 0) : 0, this.total.get(node.meta.name) ?? 0]
      if (score[0] < bestScore[0] || (score[0] === bestScore[0] && score[1] < bestScore[1])) {
        best = node
        bestScore = score
      }
    }
    if (best) {
      this.bind(draft, best)
      return { node: best }
    }
    const parts = [...reasons.entries()].map(([r, n]) => `${n} ${r}`)
    return { reason: `0/${this.nodes.length} nodes are available: ${parts.join(', ')}.` }
  }
}

function workloadKey(d: PodDraft): string | undefined {
  return d.workload ? `${d.namespace}/${d.workload.kind}/${d.workload.name}` : undefined
}
