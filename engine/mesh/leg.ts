/**
 * One connection a mesh proxy opens (Envoy to the server's Pod, ztunnel to ztunnel), traced by
 * the engine for real: the same routing, overlay and policy hops as any Pod-to-Pod connection
 * to that address and port. What the simulator does not run is the proxy at the far end, so
 * the hop where the kernel hands the connection to a socket in the destination Pod is left
 * out (a mesh's proxy takes it there; see sidecar.ts and ambient.ts).
 */
import type { Cluster, Pod } from '../model/types.ts'
import { tracePacket } from '../trace/trace.ts'
import type { Hop } from '../trace/types.ts'

export interface Leg {
  hops: Hop[]
  /** the leg ended before reaching the Pod: dropped, timed out (its last hop carries the verdict) */
  stopped?: { result: 'dropped' | 'timeout' | 'refused'; reason: string }
}

/**
 * @example
 * traceLeg(cluster, client, '10.244.2.3', 15008, 41000) // the hops from client's eth0 to web's eth0
 */
export function traceLeg(cluster: Cluster, from: Pod, to: Pod, ip: string, port: number, sport: number): Leg {
  const t = tracePacket(cluster, { kind: 'pod', pod: from }, { kind: 'address', ip, port }, { sport, proto: 'TCP' })
  const src = `pod ${from.meta.namespace}/${from.meta.name}`
  // the proxy's connect() is drawn by the caller, as the proxy's own hop
  const request = t.hops.filter((h, i) => h.direction === 'request' && !(i === 0 && h.at === src && h.handler === 'socket'))
  const dest = `pod ${to.meta.namespace}/${to.meta.name}`
  // the socket the connection reaches in the destination Pod (the app's, or none: refused)
  const last = request.findIndex((h) => h.at === dest && (h.handler === 'server' || h.handler === 'socket'))
  if (last >= 0) return { hops: request.slice(0, last) }
  // stopped on the way (a NetworkPolicy, a broken route): keep the hop that says so
  if (t.result === 'dropped' || t.result === 'timeout' || t.result === 'refused') return { hops: request, stopped: { result: t.result, reason: t.reason } }
  return { hops: request }
}
