/**
 * The Gateway's data plane in a trace, as Envoy Gateway runs it: the
 * connection reaches an Envoy Pod (through the LoadBalancer Service, so
 * kube-proxy and the cloud load balancer are traced like any other), Envoy
 * picks the listener by the port the client used and the virtual host by the
 * Host header, the route by the spec's precedence, applies the filters, and
 * opens its own connection to one ready endpoint of the chosen Service (Envoy
 * balances over EndpointSlice endpoints, not the ClusterIP), adding
 * X-Forwarded-For. When Envoy answers itself (404 no route, 500 invalid
 * backend, 503 no endpoints, a redirect), the trace ends at the Envoy Pod.
 */
import type { Cluster, Pod } from '../model/types.ts'
import type { WalkContext } from '../trace/context.ts'
import { newContext, podName, push, hostPort } from '../trace/context.ts'
import { ephemeralPort, hashOf, pickIndex, tupleKey } from '../trace/choice.ts'
import { fromPod } from '../trace/walk.ts'
import type { WalkEnd } from '../trace/walk.ts'
import type { HttpContext, Trace, Tuple } from '../trace/types.ts'
import { routeGateway, candidateText } from './route.ts'
import { editHeaders } from './echo.ts'
import { gatewayModel } from './attach.ts'

/** What the trace records of the Gateway leg (curl builds Envoy's own answers from it). */
export interface GatewayLeg {
  gateway: string
  listener?: string
  route?: string
  service?: string
  port?: number
  /** 200 when Envoy proxied; otherwise Envoy's own answer */
  status: number
  location?: string
  responseHeaders: [string, string, string][]
  proxyPod: string
  /** Envoy terminated TLS with the certificate of a listener's Secret (the reader's own, which clients are taken to trust) */
  tlsFromSecret?: boolean
}

const OWNER = 'gateway.envoyproxy.io/owning-gateway-name'
const OWNER_NS = 'gateway.envoyproxy.io/owning-gateway-namespace'

/** Is this Pod an Envoy proxy Envoy Gateway runs for a Gateway? */
export function isGatewayProxy(pod: Pod): boolean {
  return pod.meta.labels[OWNER] !== undefined && pod.meta.labels[OWNER_NS] !== undefined
}

interface LegOut {
  gateway?: GatewayLeg
  endpoint?: Trace['endpoint']
  server?: { app: string; port: number; proto: string; container?: string }
  seenFrom?: { ip: string; port: number }
  http?: HttpContext
}

export interface LegHelpers<T> {
  complete(end: WalkEnd): T
  finish(result: Trace['result'], why: string): T
  replyHops(ctx: WalkContext, end: WalkEnd, originText?: string): void
}

/**
 * Envoy received the request: route it and proxy it (or answer it).
 *
 * @example
 * gatewayLeg(cluster, ctx, out, http, end, 80, helpers) // the trace, with out.gateway filled
 */
export function gatewayLeg<T>(cluster: Cluster, ctx: WalkContext, out: LegOut, http: HttpContext & { method?: string; headers?: [string, string][] }, end: WalkEnd, listenerPort: number, h: LegHelpers<T>): T {
  const pod = end.pod!
  const client = end.tuple
  const gw = `${pod.meta.labels[OWNER_NS]}/${pod.meta.labels[OWNER]}`
  const at = `pod ${podName(pod)} (envoy)`
  // Envoy picks a weighted backend per request: the run starts where the connection's hash says, each further request of the run takes the next pick
  const offset = hashOf('gateway-weight', ctx.seed, tupleKey(client))
  const r = routeGateway(cluster, { host: http.host, path: http.path, method: http.method, headers: http.headers, scheme: http.scheme, port: listenerPort, gateway: gw, sequence: http.sequence ?? 0, runOffset: offset })
  const leg: GatewayLeg = { gateway: gw, status: 404, responseHeaders: [], proxyPod: podName(pod) }
  out.gateway = leg
  const hop = (note: string) => push(ctx, { at, node: pod.nodeName, handler: 'gateway-proxy', before: { ...client }, after: { ...client }, note })
  if (!r.ok) {
    hop(`Envoy (Gateway ${gw}) cannot route this request: ${r.error}`)
    return h.complete(end)
  }
  leg.listener = r.listener?.view.name
  if (http.scheme === 'https' && r.listener?.view.protocol === 'HTTPS') leg.tlsFromSecret = true
  leg.status = r.status === 0 ? 404 : r.status
  leg.responseHeaders = r.filters.responseHeaders
  if (r.winner) leg.route = `${r.winner.route.view.kind} ${r.winner.route.view.key}`
  const where = r.listener ? `listener ${r.listener.view.name} (${r.listener.view.protocol} ${r.listener.view.port}${r.listener.view.hostname ? ` ${r.listener.view.hostname}` : ''})` : `no listener`
  if (!r.winner || !r.chosen || r.status !== 200) {
    if (r.filters.redirect) leg.location = r.filters.redirect.location
    const what = r.filters.redirect
      ? `answers ${r.filters.redirect.statusCode} itself (RequestRedirect filter), Location: ${r.filters.redirect.location}`
      : r.status === 503
        ? `answers 503: Service ${r.chosen?.ref.namespace}/${r.chosen?.ref.name} has no ready endpoint ("no healthy upstream")`
        : r.status === 500
          ? `answers 500: ${r.chosen?.problem ? `the backendRef is invalid (${r.chosen.problem.reason}: ${r.chosen.problem.message})` : r.notes.join('; ') || 'the rule has no usable backend'}`
          : `answers 404: ${r.reason}`
    hop(`Envoy (Gateway ${gw}), ${where}: Host ${http.host}, path ${http.path}${r.winner ? ` → ${candidateText(r.winner)}` : ''}; it ${what}`)
    return h.complete(end)
  }
  const b = r.chosen
  const eps = b.service?.endpoints ?? []
  const ep = eps[pickIndex(eps.length, `gateway/${tupleKey(client)}/${http.sequence ?? 0}`, ctx.seed)]
  leg.service = `${b.ref.namespace}/${b.ref.name}`
  leg.port = b.ref.port
  const weights = r.backends.length > 1 ? ` (weighted ${r.backends.map((x) => `${x.ref.name} ${x.weight}`).join(', ')})` : ''
  const rewrite = r.filters.rewrite ? `; URLRewrite: the backend sees ${r.filters.rewrite.host ?? http.host}${r.filters.rewrite.path ?? r.request.path}` : ''
  const headerText = r.filters.requestHeaders.length ? `; request headers ${r.filters.requestHeaders.map(([op, n, v]) => `${op} ${n}${op === 'remove' ? '' : `: ${v}`}`).join(', ')}` : ''
  const mirror = r.filters.mirrors.length ? `; a copy goes to ${r.filters.mirrors.join(', ')}` : ''
  hop(`Envoy (Gateway ${gw}), ${where}: Host ${http.host}, path ${r.request.path} → ${candidateText(r.winner)} → Service ${leg.service} port ${b.ref.port}${weights}${rewrite}${headerText}${mirror}. It proxies over a new connection to endpoint ${hostPort(ep.ip, ep.port)} of ${eps.length}${ep.pod ? ` (${ep.pod})` : ''}, not to the ClusterIP, adding X-Forwarded-For: ${client.src}`)
  const path = r.filters.rewrite?.path ?? r.request.path
  // what the backend receives: the client's headers, Envoy's forwarding headers (use_remote_address, as Envoy Gateway sets it), then the route's edits
  const forwarded: [string, string][] = [...(http.headers ?? []), ['X-Forwarded-For', client.src], ['X-Forwarded-Proto', http.scheme], ['X-Envoy-External-Address', client.src]]
  const upstreamHeaders = editHeaders(forwarded, r.filters.requestHeaders)
  const legCtx = newContext(cluster, { kind: 'pod', pod }, ctx.seed, { scheme: 'http', host: r.filters.rewrite?.host ?? http.host, path: `${path}${r.request.query ? `?${r.request.query}` : ''}`, forwardedFor: client.src, tlsTerminated: http.scheme === 'https', method: r.request.method, headers: upstreamHeaders }, undefined)
  const src = pod.podIPs[0]
  const t2: Tuple = { src, sport: ephemeralPort(src, ep.ip, ep.port, 'TCP', ctx.seed), dst: ep.ip, dport: ep.port, proto: 'TCP' }
  push(legCtx, { at: `pod ${podName(pod)}`, node: pod.nodeName, handler: 'socket', before: { ...t2 }, after: { ...t2 }, note: `Envoy connects to ${hostPort(ep.ip, ep.port)} from ${hostPort(src, t2.sport)}` })
  const end2 = fromPod(legCtx, pod, t2)
  out.endpoint = end2.endpoint
  if (end2.listener) out.server = { app: end2.listener.app, port: end2.listener.port, proto: end2.listener.proto, container: end2.listener.container }
  if (end2.result !== 'delivered') {
    ctx.hops.push(...legCtx.hops)
    leg.status = 503
    return h.finish(end2.result, `Envoy cannot reach ${hostPort(ep.ip, ep.port)}: ${end2.reason}`)
  }
  out.seenFrom = { ip: end2.tuple.src, port: end2.tuple.sport }
  out.http = legCtx.http
  h.replyHops(legCtx, end2, at)
  ctx.hops.push(...legCtx.hops)
  ctx.notes.push(...legCtx.notes)
  h.replyHops(ctx, end, undefined)
  return h.finish('delivered', `delivered to ${end2.endpoint?.pod ?? hostPort(ep.ip, ep.port)} through Envoy ${podName(pod)} (Gateway ${gw})`)
}

/**
 * For the trace command: the Gateway whose listeners take this Host, and its
 * address (a name DNS does not know is sent there, as curl --resolve would).
 */
export function gatewayForHost(cluster: Cluster, http: HttpContext): { gateway: string; address: string } | undefined {
  for (const g of gatewayModel(cluster).gateways) {
    const addr = g.addresses.find((a) => a.type === 'IPAddress')?.value
    if (!g.controlled || !addr) continue
    const r = routeGateway(cluster, { host: http.host, path: http.path, scheme: http.scheme, gateway: g.view.key })
    if (r.ok && r.listener) return { gateway: g.view.key, address: addr }
  }
  return undefined
}
