/**
 * The glue between the network tools and the trace: where a command runs
 * becomes the trace's source, the host the tool was given becomes its
 * destination (a literal address, or a name the place's resolver looks up),
 * and the trace's result becomes what the tool experiences (connected,
 * refused, timed out, name not found). Also: which flavour of a tool the
 * place has (BusyBox applets in busybox and Alpine images, the GNU/Debian
 * tools elsewhere), and the milliseconds tools print.
 */
import type { Invocation, Place } from '../shell/types.ts'
import { canonicalIP } from '../net/ip.ts'
import { tracePacket } from '../trace/index.ts'
import type { FullTrace, HttpContext, L4, TraceFrom, TraceTarget } from '../trace/index.ts'
import { imageName } from './servers.ts'
import { hashOf } from '../trace/choice.ts'
import { libcOf } from '../dns/index.ts'
import { recordConnection } from './connection-log.ts'
import { placeContainer } from '../model/containers.ts'

export interface ConnectRequest {
  host: string
  port: number
  proto: L4
  /** an HTTP request (curl, wget): the trace follows it through an Ingress controller */
  http?: HttpContext
  resolve?: { host: string; port?: number; ip: string }[]
  /** curl -4/-6: resolve and connect in one address family */
  family?: 'IPv4' | 'IPv6'
  /** false for probes that are not one connection (traceroute): not kept in the run's connection log */
  record?: boolean
}

/** Where a command runs, as a trace source. @example traceFrom({ kind: 'pod', pod }) // { kind: 'pod', pod } */
export function traceFrom(place: Place): TraceFrom {
  if (place.kind === 'pod') return { kind: 'pod', pod: place.pod }
  if (place.kind === 'node') return { kind: 'node', node: place.node }
  return { kind: 'external', ip: place.ip, label: 'workstation' }
}

/**
 * Traces the connection a tool opens.
 *
 * @example
 * connect(inv, { host: 'web', port: 80, proto: 'TCP' }).result // 'delivered'
 */
export function connect(inv: Invocation, req: ConnectRequest): FullTrace {
  const literal = canonicalIP(req.host.replace(/^\[|\]$/g, ''))
  let to: TraceTarget
  if (req.http) to = { kind: 'url', scheme: req.http.scheme, host: req.host, port: req.port, path: req.http.path }
  else if (literal) to = { kind: 'address', ip: literal, port: req.port }
  else to = { kind: 'name', name: req.host, port: req.port }
  const trace = tracePacket(inv.cluster, traceFrom(inv.place), to, {
    proto: req.proto,
    // seed 0, as the trace command: `trace A -> B` shows the very connection `curl` from A to B makes
    seed: 0,
    resolve: req.resolve,
    family: req.family,
    http: req.http ? { scheme: req.http.scheme, host: req.http.host, path: req.http.path, method: req.http.method, headers: req.http.headers, sequence: req.http.sequence } : undefined,
  })
  // the run remembers it: conntrack -L and tcpdump later in the run show it (connection-log.ts)
  if (req.record !== false) recordConnection(inv, trace)
  return trace
}

/**
 * The name did not resolve: no such name, or no DNS server answered. A tool then reports a
 * resolver error (getaddrinfo failed before any connect()), never a connection timeout.
 *
 * @example lookupFailed(connect(inv, { host: 'api', port: 80, proto: 'TCP' })) // true when DNS is blocked
 */
export function lookupFailed(t: FullTrace): boolean {
  return t.result === 'nxdomain' || (t.address === undefined && t.dns?.rcode === 'TIMEOUT')
}

/**
 * getaddrinfo's error text for a failed lookup, as the place's C library words it: glibc's
 * gai_strerror (EAI_NONAME "Name or service not known", EAI_AGAIN "Temporary failure in name
 * resolution") or musl's (src/network/gai_strerror.c: "Name does not resolve", "Try again").
 *
 * @example gaiError(place, trace) // 'Temporary failure in name resolution'
 */
export function gaiError(place: Place, t: FullTrace): string {
  const again = t.dns?.rcode === 'TIMEOUT' || t.dns?.rcode === 'SERVFAIL'
  const image = place.kind === 'pod' ? placeContainer(place.pod, place.container)?.image ?? '' : ''
  if (place.kind === 'pod' && libcOf(image) === 'musl') return again ? 'Try again' : 'Name does not resolve'
  return again ? 'Temporary failure in name resolution' : 'Name or service not known'
}

/** BusyBox applets (busybox, Alpine-based images) or the full tools (Debian/Ubuntu images, nodes, the workstation). @example flavour({ kind: 'pod', pod: busyboxPod }) // 'busybox' */
export function flavour(place: Place): 'busybox' | 'gnu' {
  if (place.kind !== 'pod') return 'gnu'
  const c = placeContainer(place.pod, place.container)
  const image = (place.image ?? c?.image ?? '').toLowerCase()
  const name = imageName(image)
  if (name === 'busybox' || name === 'alpine' || name === 'curl' || image.includes('alpine')) return 'busybox'
  return 'gnu'
}

/** Milliseconds until a refusal arrives: 0 on the sender's node, about 1 per node crossed. @example refusedAfter(trace) // 1 */
export function refusedAfter(t: FullTrace): number {
  return t.hops.filter((h) => h.handler === 'underlay').length
}

/** A connect() that gets no answer fails after Linux's SYN retries (net.ipv4.tcp_syn_retries = 6: 1+2+4+…+64 s). @example kernelTimeoutMs(trace) // 127000 … 132999 */
export function kernelTimeoutMs(t: FullTrace): number {
  return 127_000 + (hashOf('rto', t.client ? `${t.client.src}:${t.client.sport}` : t.to) % 6000)
}

/** Round-trip time of a delivered packet, in ms: a few microseconds on one node, a fraction of a ms across nodes. @example rttMs(trace, 0) // 0.062 */
export function rttMs(t: FullTrace, i = 0): number {
  const crossings = t.hops.filter((h) => h.handler === 'underlay' || h.handler === 'network' || h.handler === 'cloud-lb').length
  const base = crossings === 0 ? 0.05 : 0.35 * crossings
  return base + ((hashOf('rtt', t.to, i) % 1000) / 1000) * (crossings === 0 ? 0.04 : 0.2)
}
