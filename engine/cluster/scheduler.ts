/**
 * A deterministic kube-scheduler: filters as the real one does (nodeName,
 * nodeSelector, taints and tolerations, unschedulable, kubelet's 110-Pod
 * limit) and scores by spreading a workload's replicas first
 * (PodTopologySpread's default constraints), then by the least-loaded node,
 * then by node order. Real scoring also weighs resources, which the
 * simulator does not model.
 */
import type { Json, JsonObject, Node } from '../model/types.ts'
import { read } from './context.ts'
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
  private readonly index = new Map<string, number>()
  private readonly total: Int32Array
  private readonly perWorkload = new Map<string, Int32Array>()
  /** static fit (taints, selectors) per PodSpec: replicas of one template share it */
  private readonly staticFit = new WeakMap<object, (string | undefined)[]>()

  constructor(private readonly nodes: Node[]) {
    nodes.forEach((n, i) => this.index.set(n.meta.name, i))
    this.total = new Int32Array(nodes.length)
  }

  private counts(wk: string): Int32Array {
    let c = this.perWorkload.get(wk)
    if (!c) {
      c = new Int32Array(this.nodes.length)
      this.perWorkload.set(wk, c)
    }
    return c
  }

  /** Records a Pod that is already bound (pinned by the reader). */
  bind(draft: PodDraft, node: Node): void {
    const i = this.index.get(node.meta.name)!
    this.total[i]++
    const wk = workloadKey(draft)
    if (wk) this.counts(wk)[i]++
  }

  private staticReason(draft: PodDraft, node: Node): string | undefined {
    if (node.unschedulable && !draft.daemonNode) return 'node(s) were unschedulable'
    for (const t of node.taints) {
      if ((t.effect === 'NoSchedule' || t.effect === 'NoExecute') && !tolerates(draft.spec.tolerations, t)) {
        return `node(s) had untolerated taint {${t.key}: ${t.value ?? ''}}`
      }
    }
    const selector = draft.spec.nodeSelector
    for (const k in selector) {
      if (node.meta.labels[k] !== selector[k]) return "node(s) didn't match Pod's node affinity/selector"
    }
    if (!matchesRequiredNodeAffinity(draft.specJson, node)) return "node(s) didn't match Pod's node affinity/selector"
    return undefined
  }

  private fitsStatically(draft: PodDraft): (string | undefined)[] {
    let fit = this.staticFit.get(draft.spec)
    if (!fit) {
      fit = this.nodes.map((n) => this.staticReason(draft, n))
      this.staticFit.set(draft.spec, fit)
    }
    return fit
  }

  /**
   * A DaemonSet Pod's node passes the static filters (taints, selectors): the DaemonSet
   * controller makes a Pod only for such nodes (daemon_controller.go nodeShouldRunDaemonPod),
   * whether or not a scheduler then binds it.
   */
  daemonNodeFits(draft: PodDraft): boolean {
    const i = draft.daemonNode !== undefined ? this.index.get(draft.daemonNode) : undefined
    return i !== undefined && this.fitsStatically(draft)[i] === undefined
  }

  place(draft: PodDraft): Placement {
    const fit = this.fitsStatically(draft)
    const wk = workloadKey(draft)
    const mine = wk ? this.counts(wk) : undefined
    let best = -1
    let bestA = Infinity
    let bestB = Infinity
    const only = draft.daemonNode !== undefined ? this.index.get(draft.daemonNode) : undefined
    for (let i = 0; i < this.nodes.length; i++) {
      if (only !== undefined && i !== only) continue
      if (fit[i] !== undefined || this.total[i] >= MAX_PODS_PER_NODE) continue
      const a = mine ? mine[i] : 0
      const b = this.total[i]
      if (a < bestA || (a === bestA && b < bestB)) {
        best = i
        bestA = a
        bestB = b
      }
    }
    if (best >= 0) {
      this.total[best]++
      if (mine) mine[best]++
      return { node: this.nodes[best] }
    }
    return { reason: this.unschedulable(fit, only) }
  }

  /** The FailedScheduling message: how many nodes failed each filter. */
  private unschedulable(fit: (string | undefined)[], only: number | undefined): string {
    const reasons = new Map<string, number>()
    for (let i = 0; i < this.nodes.length; i++) {
      if (only !== undefined && i !== only) continue
      const why = fit[i] ?? (this.total[i] >= MAX_PODS_PER_NODE ? 'Too many pods' : undefined)
      if (why) reasons.set(why, (reasons.get(why) ?? 0) + 1)
    }
    const parts = [...reasons.entries()].map(([r, n]) => `${n} ${r}`)
    return `0/${this.nodes.length} nodes are available: ${parts.join(', ')}.`
  }
}

/** workload identity per draft's workload object: replicas share theirs, so the key is built once */
const workloadKeys = new WeakMap<object, string>()

function workloadKey(d: PodDraft): string | undefined {
  if (!d.workload) return undefined
  let key = workloadKeys.get(d.workload)
  if (key === undefined) {
    key = `${d.namespace}/${d.workload.kind}/${d.workload.name}`
    workloadKeys.set(d.workload, key)
  }
  return key
}

/**
 * spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution, as the NodeAffinity
 * filter reads it (component-helpers nodeaffinity): the terms are ORed, a term's
 * matchExpressions (on labels) and matchFields (metadata.name only) are ANDed; a term with
 * neither matches nothing. Operators In, NotIn, Exists, DoesNotExist, Gt, Lt.
 */
export function matchesRequiredNodeAffinity(spec: JsonObject, node: Node): boolean {
  const required = read.obj(read.path(spec, 'affinity', 'nodeAffinity', 'requiredDuringSchedulingIgnoredDuringExecution'))
  if (!required) return true
  const terms = read.arr(required.nodeSelectorTerms)
  return terms.some((t) => {
    const exprs = read.arr(read.path(t, 'matchExpressions'))
    const fields = read.arr(read.path(t, 'matchFields'))
    if (exprs.length === 0 && fields.length === 0) return false
    const labelValue = (key: string) => (key in node.meta.labels ? node.meta.labels[key] : undefined)
    const fieldValue = (key: string) => (key === 'metadata.name' ? node.meta.name : undefined)
    return exprs.every((e) => requirementHolds(e, labelValue)) && fields.every((e) => requirementHolds(e, fieldValue))
  })
}

function requirementHolds(e: Json, valueOf: (key: string) => string | undefined): boolean {
  const key = read.str(read.path(e, 'key')) ?? ''
  const op = read.str(read.path(e, 'operator'))
  const values = read.arr(read.path(e, 'values')).map((v) => String(v))
  const v = valueOf(key)
  switch (op) {
    case 'In':
      return v !== undefined && values.includes(v)
    case 'NotIn':
      return v === undefined || !values.includes(v)
    case 'Exists':
      return v !== undefined
    case 'DoesNotExist':
      return v === undefined
    case 'Gt':
    case 'Lt': {
      // one integer value, compared with the label's value parsed as an integer
      const want = Number.parseInt(values[0] ?? '', 10)
      const have = v === undefined ? NaN : Number.parseInt(v, 10)
      if (!Number.isFinite(want) || !Number.isFinite(have)) return false
      return op === 'Gt' ? have > want : have < want
    }
    default:
      return false
  }
}
