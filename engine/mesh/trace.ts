/**
 * `mesh trace`: the engine's real trace of a connection, redrawn as Istio would carry it in
 * sidecar or ambient mode. The simulator runs no mesh. What comes from the engine: the
 * scenario's Pods, addresses, nodes and service accounts, the DNS lookup, the endpoint the
 * load balancing chose, and every routing, overlay and policy hop of the connections the
 * proxies open (leg.ts traces them for real). What is illustration, marked on each hop: the
 * redirects into the proxies and the proxies themselves, from Istio's documented behaviour
 * (sources in sidecar.ts and ambient.ts).
 */
import type { FullTrace } from '../trace/trace.ts'
import type { Hop } from '../trace/types.ts'
import { sidecarHops } from './sidecar.ts'
import { ambientHops } from './ambient.ts'
import { hostPort, ILLUSTRATION, podAt, type MeshTraceInput } from './hops.ts'

export type { MeshMode, MeshTraceInput } from './hops.ts'
export { ILLUSTRATION } from './hops.ts'

/**
 * @example
 * meshTrace({ cluster, trace, client, server, mode: 'ambient', seed: 0 }).hops // DNS, connect(), redirect, ztunnel, …
 */
export function meshTrace(input: MeshTraceInput): FullTrace {
  const t = input.trace
  const first = t.hops.findIndex((h) => h.direction === 'request' && h.handler !== 'resolver' && h.handler !== 'coredns' && h.handler !== 'upstream-dns')
  // the lookup stays as the engine traced it (Istio's DNS proxying, off by default, is not drawn)
  const dns = first < 0 ? [] : t.hops.slice(0, first)
  const client = t.client!
  const connect: Hop = {
    at: podAt(input.client),
    node: input.client.nodeName,
    handler: 'socket',
    before: client,
    after: client,
    note: `the application connect()s to ${hostPort(client.dst, client.dport)} from ${hostPort(client.src, client.sport)}, exactly as it would without a mesh`,
    direction: 'request',
  }
  const path = input.mode === 'sidecar' ? sidecarHops(input) : ambientHops(input)
  // Cilium's socket-LB would rewrite the ClusterIP inside the Pod, before the mesh's redirect
  // sees it; Istio needs it kept to the host (docs.cilium.io, "Integration with Istio")
  if (input.cluster.config.kubeProxyReplacement) path.notes.push('this cluster\'s Cilium replaces kube-proxy; with Istio its socket load balancing must stay in the host namespace (Helm socketLB.hostNamespaceOnly=true), or it would rewrite the Service address inside the Pod before the mesh sees it. Drawn with that setting')
  const label = input.mode === 'sidecar' ? 'Istio sidecar mode' : `Istio ambient mode${input.waypoint ? ', through a waypoint' : ''}`
  const out: FullTrace = {
    from: t.from,
    to: `${t.to} (${label})`,
    hops: [...dns, connect, ...path.hops],
    result: path.result,
    reason: path.reason,
    client,
    notes: path.notes,
    illustration: ILLUSTRATION,
  }
  if (t.result !== 'delivered') path.notes.unshift(`without a mesh this connection ends ${t.result}: ${t.reason}; the connections the mesh opens instead are judged on their own here`)
  if (path.result === 'delivered') {
    out.endpoint = input.endpoint
    if (path.seenFrom) out.seenFrom = path.seenFrom
  }
  if (t.dns) out.dns = t.dns
  return out
}
