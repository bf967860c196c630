/**
 * A Pod's effective requests and limits, as kubectl describe node sums them
 * (k8s.io/kubectl/pkg/util/resource PodRequestsAndLimits). Read from the Pod's
 * spec only when a command asks, never while the cluster is built.
 */
import { read } from '../cluster/context.ts'
import type { Json, Pod } from '../model/types.ts'
import { addQuantity, formatQuantity, quantityOf } from '../model/quantity.ts'
import type { Quantity } from '../model/quantity.ts'

export type ResourceList = Map<string, Quantity>

function list(v: Json | undefined): ResourceList {
  const out: ResourceList = new Map()
  for (const [k, x] of Object.entries(read.fields(v))) {
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
  const r = read.fields(read.fields(c).resources)
  const requests = list(r.requests)
  const limits = list(r.limits)
  for (const [k, q] of limits) if (!requests.has(k)) requests.set(k, q)
  return { requests, limits, sidecar: read.fields(c).restartPolicy === 'Always' }
}

/**
 * podRequests / podLimits: the containers' sum; each init container runs alone
 * (with the sidecars started before it), so the Pod needs the larger of that
 * and the sum; sidecars (restartPolicy Always) add to the sum; overhead adds to
 * the requests and to the limits already set. Pod-level spec.resources is not
 * read: kubectl 1.34 does not read it either.
 */
export function podRequestsAndLimits(pod: Pod): { requests: ResourceList; limits: ResourceList } {
  const spec = read.fields(pod.raw.spec)
  const requests: ResourceList = new Map()
  const limits: ResourceList = new Map()
  for (const c of read.arr(spec.containers)) {
    const r = containerResources(c)
    addList(requests, r.requests)
    addList(limits, r.limits)
  }
  const sidecars = { requests: new Map() as ResourceList, limits: new Map() as ResourceList }
  const init = { requests: new Map() as ResourceList, limits: new Map() as ResourceList }
  for (const c of read.arr(spec.initContainers)) {
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

/**
 * A ResourceList as the API server stores it: each value rounded up to milli
 * scale (SetDefaults_ResourceList) and printed in canonical form
 * (Quantity.String()); a value it could not decode is left as written.
 */
function storedList(v: Json | undefined): { [k: string]: Json } {
  const out: { [k: string]: Json } = {}
  for (const [k, x] of Object.entries(read.fields(v))) {
    const q = quantityOf(x)
    if (!q) {
      out[k] = x
      continue
    }
    const milli = 1_000_000n
    const rem = q.nanos % milli
    // RoundUp rounds away from zero and keeps the parsed text only when nothing changed
    const rounded = rem === 0n ? q : { nanos: q.nanos - rem + (q.nanos < 0n ? -milli : milli), format: q.format }
    out[k] = formatQuantity(rounded)
  }
  return out
}

/**
 * A container's `resources` as stored: canonical quantities, and a request left
 * out defaulted to its limit (SetDefaults_Pod, pkg/apis/core/v1/defaults.go).
 * Empty maps are dropped (omitempty); `resources: {}` itself stays.
 */
export function storedResources(v: Json | undefined): { [k: string]: Json } {
  const r = { ...read.fields(v) }
  const limits = r.limits === undefined ? undefined : storedList(r.limits)
  const requests = r.requests === undefined ? undefined : storedList(r.requests)
  if (limits) {
    const req = requests ?? {}
    for (const [k, q] of Object.entries(limits)) if (!(k in req)) req[k] = q
    r.requests = req
  }
  if (limits) r.limits = limits
  else if (requests) r.requests = requests
  for (const k of ['limits', 'requests']) if (r[k] !== undefined && Object.keys(read.fields(r[k])).length === 0) delete r[k]
  return r
}

/**
 * pkg/apis/core/helper/qos ComputePodQOS, as the API server records it in
 * status.qosClass, over the stored (defaulted) spec: cpu and memory only, zero
 * counts as unset. In 1.34 (PodLevelResources beta, on) a Pod with
 * spec.resources at all is judged by those alone; pod-level defaulting
 * (defaultPodRequests/defaultPodLimits) is not simulated.
 */
export function podQOSClass(spec: { [k: string]: Json }): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const positive = (v: Json | undefined): ResourceList => new Map([...list(v)].filter(([k, q]) => (k === 'cpu' || k === 'memory') && q.nanos > 0n))
  const sources = spec.resources !== undefined && spec.resources !== null ? [spec.resources] : [...read.arr(spec.containers), ...read.arr(spec.initContainers)].map((c) => read.fields(c).resources)
  const requests: ResourceList = new Map()
  const limits: ResourceList = new Map()
  let guaranteed = true
  for (const r of sources) {
    addList(requests, positive(read.fields(r).requests))
    const l = positive(read.fields(r).limits)
    addList(limits, l)
    if (!l.has('cpu') || !l.has('memory')) guaranteed = false
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort'
  const equal = [...requests].every(([k, q]) => limits.get(k)?.nanos === q.nanos)
  return guaranteed && equal && requests.size === limits.size ? 'Guaranteed' : 'Burstable'
}
