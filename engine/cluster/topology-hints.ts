/**
 * EndpointSlice hints, as the EndpointSlice controller writes them for a Service:
 * - `service.kubernetes.io/topology-mode: Auto` (or the deprecated topology-aware-hints
 *   annotation): the topology cache spreads hints over zones in proportion to the zones'
 *   allocatable CPU (staging/src/k8s.io/endpointslice/topologycache), or writes none and
 *   says why (the TopologyAwareHintsDisabled event);
 * - otherwise `spec.trafficDistribution` PreferSameZone (PreferClose, its old name) or
 *   PreferSameNode: every ready endpoint is hinted for its own zone, and for its own node
 *   with PreferSameNode (endpointslice/trafficdist/trafficdist.go).
 * The annotation wins when both are set, as the reconciler checks it first.
 */
import type { Endpoint, EndpointSlice, Node, Service } from '../model/types.ts'
import { parseQuantity, scaledValue } from '../model/quantity.ts'

/** topologycache overloadThreshold: no endpoint should take more than 20% over its share */
const OVERLOAD_THRESHOLD = 0.2

/** Why the topology cache wrote no hints (topologycache/event.go messages). */
export type HintsOutcome = { enabled: true } | { enabled: false; message: string }

/** The topology mode the annotations ask for: "Auto" (either spelling) or undefined. */
export function topologyModeAuto(svc: Service): boolean {
  const a = svc.meta.annotations
  const mode = a['service.kubernetes.io/topology-mode'] ?? a['service.kubernetes.io/topology-aware-hints']
  return mode === 'Auto' || mode === 'auto'
}

/**
 * Sets `hints` on the endpoints of one Service's slices (in place: the slices are fresh).
 * Returns the topology cache's outcome when the annotation asked for it.
 */
export function addHints(svc: Service, slices: EndpointSlice[], nodes: Iterable<Node>): HintsOutcome | undefined {
  if (topologyModeAuto(svc)) return autoHints(slices, nodes)
  const td = svc.trafficDistribution
  if (td !== 'PreferClose' && td !== 'PreferSameZone' && td !== 'PreferSameNode') return undefined
  distributionHints(slices, td)
  return undefined
}

/** topology-mode Auto: the topology cache's proportional zone hints, per address family. */
function autoHints(slices: EndpointSlice[], nodes: Iterable<Node>): HintsOutcome {
  const byFamily = new Map<string, EndpointSlice[]>()
  for (const s of slices) byFamily.set(s.addressType, [...(byFamily.get(s.addressType) ?? []), s])
  let outcome: HintsOutcome = { enabled: true }
  const ratios = cpuRatiosByZone(nodes)
  for (const [family, list] of byFamily) {
    const r = zoneHints(list, ratios)
    if (!r.enabled) outcome = { enabled: false, message: `${r.message}, addressType: ${family}` }
  }
  return outcome
}

/** trafficDistribution: each ready endpoint's own zone (and, for PreferSameNode, node) as its hint. */
function distributionHints(slices: EndpointSlice[], td: 'PreferClose' | 'PreferSameZone' | 'PreferSameNode'): void {
  for (const slice of slices) {
    for (const ep of slice.endpoints) {
      if (!ep.conditions.ready) continue
      const forZones = ep.zone !== undefined ? [ep.zone] : undefined
      const forNodes = ep.nodeName !== undefined && td === 'PreferSameNode' ? [ep.nodeName] : undefined
      if (forZones || forNodes) ep.hints = { ...(forZones ? { forZones } : {}), ...(forNodes ? { forNodes } : {}) }
    }
  }
}

/**
 * topologycache SetNodes: each zone's share of the allocatable CPU of the ready nodes,
 * control-plane nodes left out (hasExcludedLabels); undefined when a node lacks a zone or
 * CPU, or fewer than two zones remain.
 */
function cpuRatiosByZone(nodes: Iterable<Node>): Map<string, number> | undefined {
  const cpu = new Map<string, number>()
  let total = 0
  for (const n of nodes) {
    const labels = n.meta.labels
    if ('node-role.kubernetes.io/control-plane' in labels || 'node-role.kubernetes.io/master' in labels) continue
    if (!n.ready) continue
    const q = parseQuantity(n.allocatable.cpu ?? '0')
    const milli = q ? Number(scaledValue(q, -3)) : 0
    if (!n.zone || milli === 0) return undefined
    cpu.set(n.zone, (cpu.get(n.zone) ?? 0) + milli)
    total += milli
  }
  if (total === 0 || cpu.size < 2) return undefined
  // zones in name order: Go walks a map here, the simulator picks one fixed order
  return new Map([...cpu.keys()].sort().map((z) => [z, cpu.get(z)! / total]))
}

interface Allocation {
  minimum: number
  maximum: number
  desired: number
}

/** topologycache AddHints for the slices of one address type. */
function zoneHints(slices: EndpointSlice[], ratios: Map<string, number> | undefined): HintsOutcome {
  const ready = slices.flatMap((s) => s.endpoints.filter((e) => e.conditions.ready))
  const allocations = getAllocations(ready.length, ratios)
  if ('message' in allocations) return { enabled: false, message: allocations.message }
  // step 1: every ready endpoint hinted for its own zone
  const allocated = new Map<string, number>()
  for (const ep of ready) {
    if (!ep.zone) {
      for (const e of ready) delete e.hints
      return { enabled: false, message: 'One or more endpoints do not have a zone specified' }
    }
    allocated.set(ep.zone, (allocated.get(ep.zone) ?? 0) + 1)
    ep.hints = { forZones: [ep.zone] }
  }
  // steps 2 and 3: zones with more than their share give endpoints to zones with less
  const [giving, receiving] = givingAndReceiving(allocations, allocated)
  redistribute(ready, giving, receiving)
  return { enabled: true }
}

/** topologycache getAllocations, with its event messages (topologycache/event.go). */
function getAllocations(numEndpoints: number, ratios: Map<string, number> | undefined): Map<string, Allocation> | { message: string } {
  if (!ratios) return { message: 'Insufficient Node information: allocatable CPU or zone not specified on one or more nodes' }
  if (ratios.size > numEndpoints) return { message: `Insufficient number of endpoints (${numEndpoints} endpoints, ${ratios.size} zones)` }
  let remaining = numEndpoints
  let minTotal = 0
  const out = new Map<string, Allocation>()
  for (const [zone, ratio] of ratios) {
    const desired = ratio * numEndpoints
    const minimum = Math.ceil(desired * (1 / (1 + OVERLOAD_THRESHOLD)))
    out.set(zone, { minimum, maximum: 0, desired: Math.max(desired, minimum) })
    minTotal += minimum
    remaining -= minimum
    if (remaining < 0) return { message: `Unable to allocate minimum required endpoints to each zone without exceeding overload threshold (${numEndpoints} endpoints, ${ratios.size} zones)` }
  }
  for (const a of out.values()) a.maximum = a.minimum + numEndpoints - minTotal
  return out
}

/** topologycache getGivingAndReceivingZones */
function givingAndReceiving(allocations: Map<string, Allocation>, allocated: Map<string, number>): [Map<string, number>, Map<string, number>] {
  const givingDesired = new Map<string, number>()
  const receivingDesired = new Map<string, number>()
  for (const [zone, a] of allocations) {
    const have = allocated.get(zone) ?? 0
    if (have > a.desired) givingDesired.set(zone, have - a.desired)
    else if (have < a.desired) receivingDesired.set(zone, a.desired - have)
  }
  const giving = new Map<string, number>()
  const receiving = new Map<string, number>()
  for (;;) {
    const [gz, toGive] = most(givingDesired)
    const [rz, toReceive] = most(receivingDesired)
    if (gz === '' || rz === '' || (toGive < 1 && toReceive < 1) || toGive < 0.5 || toReceive < 0.5) break
    giving.set(gz, (giving.get(gz) ?? 0) + 1)
    givingDesired.set(gz, toGive - 1)
    receiving.set(rz, (receiving.get(rz) ?? 0) + 1)
    receivingDesired.set(rz, toReceive - 1)
  }
  return [giving, receiving]
}

/** topologycache getMost: the zone with the most left to give or take (first by name on a tie). */
function most(zones: Map<string, number>): [string, number] {
  let zone = ''
  let num = 0
  for (const [z, n] of zones) {
    if (n > num) {
      zone = z
      num = n
    }
  }
  return [zone, num]
}

/** topologycache redistributeHints: endpoints of giving zones are hinted for receiving zones. */
function redistribute(ready: Endpoint[], giving: Map<string, number>, receiving: Map<string, number>): void {
  for (const ep of ready) {
    if (giving.size === 0 || receiving.size === 0) return
    const from = ep.zone!
    const n = giving.get(from)
    if (!n) continue
    for (const [to, m] of receiving) {
      ep.hints = { forZones: [to] }
      if (n === 1) giving.delete(from)
      else giving.set(from, n - 1)
      if (m === 1) receiving.delete(to)
      else receiving.set(to, m - 1)
      break
    }
  }
}
