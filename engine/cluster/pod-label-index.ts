/**
 * Pods by namespace and label pair, so that a selector scans only the Pods
 * carrying its rarest pair instead of the whole namespace (the EndpointSlice
 * controller and the "selector matches nothing" check both ask per Service).
 */
import type { Labels, Pod } from '../model/types.ts'
import { matchesMap } from './selector.ts'

export class PodLabelIndex {
  /** namespace → label key → value → Pods (nested maps: no key string per Pod and label) */
  private readonly byPair = new Map<string, Map<string, Map<string, Pod[]>>>()

  constructor(pods: Pod[]) {
    for (const p of pods) {
      let keys = this.byPair.get(p.meta.namespace)
      if (!keys) this.byPair.set(p.meta.namespace, (keys = new Map()))
      const labels = p.meta.labels
      for (const k in labels) {
        let values = keys.get(k)
        if (!values) keys.set(k, (values = new Map()))
        const list = values.get(labels[k])
        if (list) list.push(p)
        else values.set(labels[k], [p])
      }
    }
  }

  /** Pods that may match a map selector (a superset; empty for an empty selector). */
  candidates(namespace: string, selector: Labels): Pod[] {
    const keys = this.byPair.get(namespace)
    let best: Pod[] | undefined
    for (const k in selector) {
      const list = keys?.get(k)?.get(selector[k]) ?? NONE
      if (!best || list.length < best.length) best = list
    }
    return best ?? NONE
  }

  /** Pods of the namespace that a Service selector selects, in the order they were given. */
  select(namespace: string, selector: Labels): Pod[] {
    return this.candidates(namespace, selector).filter((p) => matchesMap(selector, p.meta.labels))
  }

  /** Whether any Pod of the namespace matches (a selector with no pairs matches nothing). */
  selectsAny(namespace: string, selector: Labels): boolean {
    return this.candidates(namespace, selector).some((p) => matchesMap(selector, p.meta.labels))
  }
}

const NONE: Pod[] = []
