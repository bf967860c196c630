/**
 * What the mesh's hop builders share (sidecar.ts, ambient.ts, trace.ts): the input, the shape
 * of a drawn path, and small constructors for the hops a mesh adds.
 */
import type { Cluster, Pod } from '../model/types.ts'
import type { FullTrace } from '../trace/trace.ts'
import type { Hop, Trace, TraceEndpoint, Tuple } from '../trace/types.ts'
import { ephemeralPort } from '../trace/choice.ts'
import { spiffeId } from './identity.ts'

export type MeshMode = 'sidecar' | 'ambient'

export interface MeshTraceInput {
  cluster: Cluster
  /** the engine's trace of the application's connection, delivered to a Pod over TCP */
  trace: FullTrace
  client: Pod
  server: Pod
  /** the endpoint the trace's load balancing chose (or the Pod it was addressed to) */
  endpoint: TraceEndpoint & { kind: 'pod'; pod: string }
  mode: MeshMode
  /** ambient: a Pod of the scenario standing for the waypoint proxy */
  waypoint?: Pod
  seed: number
}

/** What both builders read off the application's connection first. */
export interface AppConnection {
  /** the application's own connect(), as the engine traced it */
  app: Tuple
  endpoint: MeshTraceInput['endpoint']
  loopback: string
  /** the application dialled a Service address, not the Pod */
  viaService: boolean
  clientId: string
  serverId: string
}

export function appConnection(input: MeshTraceInput): AppConnection {
  const app = input.trace.client!
  return {
    app,
    endpoint: input.endpoint,
    loopback: app.src.includes(':') ? '::1' : '127.0.0.1',
    viaService: app.dst !== input.endpoint.ip,
    clientId: spiffeId(input.client),
    serverId: spiffeId(input.server),
  }
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

export function hostPort(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`
}
