/**
 * A Pod's effective requests and limits, as kubectl describe node sums them
 * (k8s.io/kubectl/pkg/util/resource PodRequestsAndLimits). Read from the Pod's
 * spec only when a command asks, never while the cluster is built.
 */
import type { Json, Pod } from '../model/types.ts'
import { addQuantity, quantityOf } from '../model/quantity.ts'
import type { Quantity } from '../model/quantity.ts'

export type ResourceList = Map<string, Quantity>

function obj(v: Json | undefined): { [k: string]: Json } {
  return v && typeof v === 'object' && !Array.isArray(v) ? v : {}
}

function list(v: Json | undefined): ResourceList {
  const out: ResourceList = new Map()
  for (const [k, x] of Object.entries(obj(v))) {
    // a quantity the API server would have refused to decode counts as absent
    const q = quantityOf(x)
    if (q) out.set(k, q)
  }
  return out
}

/** addResourceList */
export function addList(to: ResourceList, from: ResourceList): void {
  for (const [k, q] of from) {
    const have = to.get(k)
    to.set(k, have ? addQuantity(have, q) : q)
  }
}

/** maxResourceList */
function maxList(to: ResourceList, from: ResourceList): void {
  for (const [k, q] of from) {
    const have = to.get(k)
    if (!have || q.nanos > have.nanos) to.set(k, q)
  }
}

/** A container's resources as the API server stores them: a request left out defaults to its limit (SetDefaults_Pod). */
function containerResources(c: Json): { requests: ResourceList; limits: ResourceList; sidecar: boolean } {
  const r = obj(obj(c).resources)
  const requests = list(r.requests)
  const limits = list(r.limits)
  for (const [k, q] of limits) if (!requests.has(k)) requests.set(k, q)
  return { requests, limits, sidecar: obj(c).restartPolicy === 'Always' }
}

/**
 * podRequests / podLimits: the containers' sum; each init container runs alone
 * (with the sidecars started before it), so the Pod needs the larger of that
 * and the sum; sidecars (restartPolicy Always) add to the sum; overhead adds to
 * the requests and to the limits already set. Pod-level spec.resources is not
 * read: kubectl 1.34 does not read it either.
 */
export function podRequestsAndLimits(pod: Pod): { requests: ResourceList; limits: ResourceList } {
  const spec = obj(pod.raw.spec)
  const arr = (v: Json | undefined) => (Array.isArray(v) ? v : [])
  const requests: ResourceList = new Map()
  const limits: ResourceList = new Map()
  for (const c of arr(spec.containers)) {
    const r = containerResources(c)
    addList(requests, r.requests)
    addList(limits, r.limits)
  }
  const sidecars = { requests: new Map() as ResourceList, limits: new Map() as ResourceList }
  const init = { requests: new Map() as ResourceList, limits: new Map() as ResourceList }
  for (const c of arr(spec.initContainers)) {
    const r = containerResources(c)
    for (const kind of ['requests', 'limits'] as const) {
      let need: ResourceList
      if (r.sidecar) {
        addList(kind === 'requests' ? requests : limits, r[kind])
        addList(sidecars[kind], r[kind])
        need = sidecars[kind]
      } else {
        need = new Map()
        addList(need, r[kind])
        addList(need, sidecars[kind])
      }
      maxList(init[kind], need)
    }
  }
  maxList(requests, init.requests)
  maxList(limits, init.limits)
  const overhead = list(spec.overhead)
  addList(requests, overhead)
  for (const [k, q] of overhead) {
    const have = limits.get(k)
    if (have && have.nanos !== 0n) limits.set(k, addQuantity(have, q))
  }
  return { requests, limits }
}
