/**
 * `mesh trace`: the engine's real trace of a connection, redrawn as Istio would carry it in
 * sidecar or ambient mode. The simulator runs no mesh. What comes from the engine: the
 * scenario's Pods, addresses, nodes and service accounts, the DNS lookup, the endpoint the
 * load balancing chose, and every routing, overlay and policy hop of the connections the
 * proxies open (leg.ts traces them for real). What is illustration, marked on each hop: the
 * redirects into the proxies and the proxies themselves, from Istio's documented behaviour
 * (sources in sidecar.ts and ambient.ts).
 */
import type { Cluster, Pod } from '../model/types.ts'
import type { FullTrace } from '../trace/trace.ts'
import type { Hop, Trace, Tuple } from '../trace/types.ts'
import { ephemeralPort } from '../trace/choice.ts'
import { sidecarHops } from './sidecar.ts'
import { ambientHops } from './ambient.ts'

export type MeshMode = 'sidecar' | 'ambient'

export interface MeshTraceInput {
  cluster: Cluster
  /** the engine's trace of the application's connection, delivered to a Pod over TCP */
  trace: FullTrace
  client: Pod
  server: Pod
  mode: MeshMode
  /** ambient: a Pod of the scenario standing for the waypoint proxy */
  waypoint?: Pod
  seed: number
}

/** What the proxies' builders return: the hops after the app's connect(), and how it ended. */
export interface MeshPath {
  hops: Hop[]
  result: Trace['result']
  reason: string
  /** the address and port the application in the server Pod sees the client as */
  seenFrom?: { ip: string; port: number }
  notes: string[]
}

export const ILLUSTRATION = 'illustration: what Istio would do on this path; the simulator does not run a mesh (dashed hops are drawn from Istio\'s documented behaviour, the others are the engine\'s trace)'

/** A port a proxy's new connection leaves from, chosen as the kernel would: deterministic, in the ephemeral range. */
export function proxyPort(src: string, dst: string, dport: number, seed: number, salt: number): number {
  return ephemeralPort(src, dst, dport + salt * 65536, 'TCP', seed)
}

export function tuple(src: string, sport: number, dst: string, dport: number): Tuple {
  return { src, sport, dst, dport, proto: 'TCP' }
}

/** A hop the mesh adds: the simulator draws it, it does not run it. */
export function meshHop(h: Omit<Hop, 'direction' | 'illustration'>): Hop {
  return { ...h, direction: 'request', illustration: true }
}

export function podAt(p: Pod): string {
  return `pod ${p.meta.namespace}/${p.meta.name}`
}

/** The address of `p` in the family of `ip`. */
export function sameFamily(p: Pod, ip: string): string | undefined {
  const v6 = ip.includes(':')
  return p.podIPs.find((a) => a.includes(':') === v6)
}

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
  if (path.result === 'delivered') {
    out.endpoint = t.endpoint
    if (path.seenFrom) out.seenFrom = path.seenFrom
  }
  if (t.dns) out.dns = t.dns
  return out
}

export function hostPort(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`
}
