/**
 * A packet trace from a source to a destination: resolve the name (if any),
 * open the connection from a deterministic ephemeral port, walk the packet
 * through the cluster, hand an HTTP request over to the Ingress controller's
 * second connection when it lands there, and show the reply with every NAT
 * undone by conntrack where it was done.
 */
import type { Cluster, Node, Pod, Service } from '../model/types.ts'
import type { Place } from '../shell/types.ts'
import { ipFamilyOf, canonicalIP } from '../net/ip.ts'
import { nodePlumbing } from '../dataplane/index.ts'
import { routeIngress, ingressStatus } from '../ingress/index.ts'
import type { RouteAnswer } from '../ingress/index.ts'
import { matchesSelector } from '../cluster/selector.ts'
import { newContext, podName, push, hostPort } from './context.ts'
import type { Origin, WalkContext } from './context.ts'
import { ephemeralPort, hashOf, pickIndex, tupleKey } from './choice.ts'
import { resolveHops } from './dns.ts'
import type { Resolved } from './dns.ts'
import { libcAt, resolveName } from '../dns/index.ts'
import { atNode, fromNode, fromOutside, fromPod } from './walk.ts'
import type { WalkEnd } from './walk.ts'
import { isLoopback, localLink, loopbackSource, lookupRoute, sourceAddress } from './netns.ts'
import { defaultPodPort } from '../traffic/servers.ts'
import { gatewayForHost, gatewayLeg, isGatewayProxy } from '../gateway/trace-leg.ts'
import type { GatewayLeg } from '../gateway/trace-leg.ts'
import type { HttpContext, L4, Trace, Tuple } from './types.ts'
import type { ServedQuery } from '../dns/index.ts'

export type TraceFrom = { kind: 'pod'; pod: Pod } | { kind: 'node'; node: Node } | { kind: 'external'; ip: string; label?: string }

export type TraceTarget =
  | { kind: 'address'; ip: string; port?: number }
  | { kind: 'name'; name: string; port?: number }
  | { kind: 'service'; service: Service; port?: number | string }
  | { kind: 'pod'; pod: Pod; port?: number }
  | { kind: 'url'; scheme: 'http' | 'https'; host: string; port?: number; path: string }

export interface TraceOptions {
  proto?: L4
  /** the client asked for one address family (curl -4/-6); otherwise getaddrinfo(AF_UNSPEC) */
  family?: 'IPv4' | 'IPv6'
  seed?: number
  /** trace every load-balancing alternative too */
  all?: boolean
  /** the client's source port (default: a hash of the connection) */
  sport?: number
  /** curl --resolve host:port:addr */
  resolve?: { host: string; port?: number; ip: string }[]
  /**
   * For the trace command: a URL host that DNS does not know but an Ingress
   * serves is sent to the Ingress's address (as curl --resolve would), with a note.
   */
  lenientIngressHosts?: boolean
  /** the HTTP request (its Host header may differ from the URL's host, as with curl -H 'Host: …') */
  http?: HttpContext
  /** pick this endpoint (`ip:port`) at the first load-balancing decision */
  force?: string
  /** how the reader named the ends (for the output) */
  fromText?: string
  toText?: string
}

/** The Ingress controller's part of the trace, when the request went through one. */
export interface IngressLeg {
  ingress?: string
  className: string
  rule?: { host: string; path: string; pathType: string } | null
  service?: string
  port?: number | string
  /** the controller's own answer when it does not proxy (404 no rule, 503 no endpoints, 308 to https) */
  status: 200 | 308 | 404 | 502 | 503
  location?: string
  tls: boolean
  modelled: boolean
  controllerPod?: string
}

export interface FullTrace extends Trace {
  ingress?: IngressLeg
  /** the Gateway's Envoy proxy, when the request went through one (engine/gateway/trace-leg.ts) */
  gateway?: GatewayLeg
  /** the listening app at the endpoint (see traffic/servers.ts) */
  server?: { app: string; port: number; proto: string; container?: string }
  /** the DNS queries CoreDNS answered for the lookup, as it saw them (client port, id, reply) */
  dnsServed?: ServedQuery[]
  /** the address the client connected to (after DNS) */
  address?: string
  port?: number
}

function placeOf(cluster: Cluster, from: TraceFrom): Place {
  if (from.kind === 'pod') return from.pod.hostNetwork ? { kind: 'node', node: cluster.index.node.get(from.pod.nodeName)! } : { kind: 'pod', pod: from.pod }
  if (from.kind === 'node') return { kind: 'node', node: from.node }
  return { kind: 'workstation', ip: from.ip }
}

function originOf(cluster: Cluster, from: TraceFrom): Origin {
  if (from.kind === 'pod') {
    if (from.pod.hostNetwork) return { kind: 'node', node: cluster.index.node.get(from.pod.nodeName)!, pod: from.pod }
    return { kind: 'pod', pod: from.pod }
  }
  if (from.kind === 'node') return { kind: 'node', node: from.node }
  return { kind: 'external', ip: from.ip, label: from.label ?? from.ip }
}

function whoText(from: TraceFrom): string {
  if (from.kind === 'pod') return `pod ${podName(from.pod)}${from.pod.hostNetwork ? ' (host network)' : ''}`
  if (from.kind === 'node') return from.node.meta.name
  return `client ${from.ip}`
}

/** The address the sender uses toward `dst`. */
function sourceIP(cluster: Cluster, from: TraceFrom, dst: string): string {
  const fam = ipFamilyOf(dst) ?? 'IPv4'
  if (isLoopback(dst)) return loopbackSource(dst)
  if (from.kind === 'external') return from.ip
  if (from.kind === 'pod' && !from.pod.hostNetwork) return from.pod.podIPs.find((ip) => ipFamilyOf(ip) === fam) ?? from.pod.podIPs[0]
  const node = from.kind === 'node' ? from.node : cluster.index.node.get(from.pod.nodeName)!
  const host = nodePlumbing(cluster, node).host
  if (localLink(host, dst)) return dst
  const r = lookupRoute(host, dst)
  return (r && sourceAddress(host, r)) || node.internalIPs.find((ip) => ipFamilyOf(ip) === fam) || node.internalIPs[0]
}

function serviceDefaultPort(cluster: Cluster, ip: string): number | undefined {
  const s = cluster.index.serviceByClusterIP.get(ip)
  return s?.ports[0]?.port
}

function defaultPortFor(cluster: Cluster, ip: string, scheme?: string): number {
  if (scheme) return scheme === 'https' ? 443 : 80
  const p = cluster.index.podByIP.get(ip)
  if (p && !p.hostNetwork) return defaultPodPort(p)
  return serviceDefaultPort(cluster, ip) ?? 80
}

function ingressServing(cluster: Cluster, http: HttpContext): RouteAnswer | undefined {
  if (cluster.ingresses.length === 0) return undefined
  const r = routeIngress(cluster, { host: http.host, path: http.path, scheme: http.scheme })
  return r.ok && r.ingress ? r : undefined
}

/**
 * Traces one connection.
 *
 * @example
 * const t = tracePacket(cluster, { kind: 'pod', pod }, { kind: 'name', name: 'web', port: 80 })
 * t.result // 'delivered'
 * t.hops.map((h) => h.handler) // ['resolver', 'coredns', 'socket', 'route', 'veth', 'iptables', …]
 */
export function tracePacket(cluster: Cluster, from: TraceFrom, to: TraceTarget, opts: TraceOptions = {}): FullTrace {
  const main = traceOnce(cluster, from, to, opts)
  if (opts.all && main.alternatives && main.alternatives.length > 1) {
    for (const alt of main.alternatives) {
      if (alt.chosen) {
        alt.result = main.result
        alt.reason = main.reason
        continue
      }
      const other = traceOnce(cluster, from, to, { ...opts, force: alt.endpoint, all: false })
      alt.result = other.result
      alt.reason = other.reason
    }
  }
  return main
}

function traceOnce(cluster: Cluster, from: TraceFrom, to: TraceTarget, opts: TraceOptions): FullTrace {
  const seed = opts.seed ?? 0
  const proto: L4 = opts.proto ?? 'TCP'
  const http: HttpContext | undefined = opts.http ?? (to.kind === 'url' ? { scheme: to.scheme, host: to.host, path: to.path } : undefined)
  const ctx = newContext(cluster, originOf(cluster, from), seed, http, opts.force)
  const who = whoText(from)
  const place = placeOf(cluster, from)
  const out: FullTrace = {
    from: opts.fromText ?? who,
    to: opts.toText ?? targetText(to),
    hops: ctx.hops,
    result: 'dropped',
    reason: '',
    notes: ctx.notes,
  }
  const finish = (result: Trace['result'], reason: string): FullTrace => {
    out.result = result
    out.reason = reason
    if (ctx.alternatives) out.alternatives = ctx.alternatives
    return out
  }

  // 1. the destination address
  const dest = to.kind === 'url' ? urlDestination(to) : targetDestination(cluster, to)
  if ('fail' in dest) return finish(dest.fail, dest.reason)
  let ip = dest.ip
  let port = dest.port
  const name = dest.name

  if (name !== undefined) {
    const override = opts.resolve?.length ? resolveOverride(ctx, cluster, opts.resolve, who, name, port, http) : undefined
    if (override !== undefined) {
      ip = override
    } else {
      const srcForDns = from.kind === 'pod' && !from.pod.hostNetwork ? from.pod.podIPs[0] : sourceIP(cluster, from, cluster.config.dnsServiceIPs[0] ?? '10.96.0.10')
      // a Pod resolves through its own resolv.conf and C library, on the host network too (dnsPolicy
      // ClusterFirstWithHostNet points it at CoreDNS; Default leaves it the node's resolver)
      const dnsPlace: Place = from.kind === 'pod' ? { kind: 'pod', pod: from.pod } : place
      const r = resolveHops(ctx, dnsPlace, who, name, srcForDns, lookupType(cluster, dnsPlace, from, name, opts.family))
      if (r.data) out.dns = r.data
      if (r.served?.length) out.dnsServed = r.served
      if (r.ip) ip = r.ip
      else {
        // the name did not resolve: a path of its own, compiled only when a run takes it (issue 20)
        const after = unresolvedName(ctx, out, { http, opts, from, name, port, r, finish })
        if (typeof after !== 'string') return after
        ip = after
      }
    }
  }
  if (!ip) return finish('nxdomain', 'no destination address')
  // `trace pod -> localhost`: the Pod's own first port, as for a trace to the Pod
  if (port === undefined) port = isLoopback(ip) && !http && from.kind === 'pod' && !from.pod.hostNetwork ? defaultPodPort(from.pod) : defaultPortFor(cluster, ip, http?.scheme)
  out.address = ip
  out.port = port

  // a URL whose Ingress controller the scenario does not run: trace to the backend directly
  if (http && to.kind === 'url' && cluster.ingresses.length > 0) {
    const direct = unservedIngress(cluster, ctx, out, http, from, ip, finish)
    if (direct) return direct
  }

  // 2. the connection
  const src = sourceIP(cluster, from, ip)
  const sport = proto === 'ICMP' ? (opts.sport ?? hashOf('icmp-id', seed, src, ip) % 65536) : (opts.sport ?? ephemeralPort(src, ip, port, proto, seed))
  const t: Tuple = { src, sport, dst: ip, dport: proto === 'ICMP' ? 0 : port, proto }
  out.client = { ...t }
  push(ctx, {
    at: who,
    node: from.kind === 'pod' ? from.pod.nodeName : from.kind === 'node' ? from.node.meta.name : undefined,
    handler: 'socket',
    before: { ...t },
    after: { ...t },
    note: proto === 'ICMP'
      ? `an ICMP echo request to ${ip} (identifier ${sport})`
      : `${proto === 'TCP' ? 'connect()' : 'sendto()'} to ${hostPort(ip, port)} from ${hostPort(src, sport)}${opts.sport === undefined ? ' (an ephemeral port, net.ipv4.ip_local_port_range 32768-60999)' : ''}`,
  })
  let end: WalkEnd
  if (from.kind === 'external') end = fromOutside(ctx, t)
  else if (from.kind === 'node') end = fromNode(ctx, from.node, t)
  else if (from.pod.hostNetwork) end = fromNode(ctx, cluster.index.node.get(from.pod.nodeName)!, t)
  else end = fromPod(ctx, from.pod, t)

  if (end.result === 'delivered' && http && end.pod && isGatewayProxy(end.pod)) {
    return gatewayLeg(cluster, ctx, out, http, end, port, { complete: (e) => complete(ctx, out, e, finish), finish, replyHops })
  }
  if (end.result === 'delivered' && http && end.pod) {
    const ing = ingressServing(cluster, http) ?? (isControllerPod(cluster, end.pod) ? routeAny(cluster, http) : undefined)
    if (ing && ing.controller.modelled && isControllerPod(cluster, end.pod, ing)) return ingressLeg(cluster, ctx, out, ing, http, end, opts, finish)
  }
  return complete(ctx, out, end, finish)
}

type Destination = { ip?: string; port?: number; name?: string } | { fail: Trace['result']; reason: string }

/** A URL's host: an address literal, or a name to resolve; its port, or the scheme's. */
function urlDestination(to: Extract<TraceTarget, { kind: 'url' }>): Destination {
  const literal = canonicalIP(to.host.replace(/^\[|\]$/g, ''))
  const port = to.port ?? (to.scheme === 'https' ? 443 : 80)
  return literal ? { ip: literal, port } : { name: to.host, port }
}

/** The address (or name) and port of a target that is not a URL. */
function targetDestination(cluster: Cluster, to: Exclude<TraceTarget, { kind: 'url' }>): Destination {
  switch (to.kind) {
    case 'address': {
      const ip = canonicalIP(to.ip)
      if (!ip) return { fail: 'nxdomain', reason: `"${to.ip}" is not an IP address` }
      return { ip, port: to.port }
    }
    case 'pod': {
      const ip = to.pod.podIPs[0]
      if (!ip) return { fail: 'dropped', reason: `${podName(to.pod)} has no IP address (${to.pod.phase})` }
      return { ip, port: to.port ?? (to.pod.hostNetwork ? 80 : defaultPodPort(to.pod)) }
    }
    case 'service': {
      const s = to.service
      if (s.type === 'ExternalName') {
        return { name: `${s.meta.name}.${s.meta.namespace}.svc.${cluster.config.clusterDomain}`, port: typeof to.port === 'number' ? to.port : s.ports[0]?.port ?? 80 }
      }
      if (s.headless) return { fail: 'nxdomain', reason: `Service ${s.meta.namespace}/${s.meta.name} is headless (clusterIP: None): it has no virtual IP; its DNS name returns the Pod addresses, so name a Pod instead` }
      const sp = to.port === undefined ? s.ports[0] : s.ports.find((p) => (typeof to.port === 'number' ? p.port === to.port : p.name === to.port))
      if (to.port !== undefined && !sp && typeof to.port === 'string') return { fail: 'dropped', reason: `Service ${s.meta.namespace}/${s.meta.name} has no port named "${to.port}"` }
      return { ip: s.clusterIPs[0], port: typeof to.port === 'number' ? to.port : sp?.port ?? 80 }
    }
    case 'name':
      return { name: to.name, port: to.port }
  }
}

/** curl --resolve: the address given for this name and port, with its hop, or undefined (a DNS query then). */
function resolveOverride(ctx: WalkContext, cluster: Cluster, resolve: NonNullable<TraceOptions['resolve']>, who: string, name: string, port: number | undefined, http: HttpContext | undefined): string | undefined {
  const override = resolve.find((r) => r.host.toLowerCase() === name.toLowerCase() && (r.port === undefined || r.port === (port ?? defaultPortFor(cluster, '', http?.scheme))))
  if (!override) return undefined
  const ip = override.ip
  push(ctx, { at: who, handler: 'resolver', before: noTuple(ip), after: noTuple(ip), note: `--resolve ${name}:${override.port ?? '*'}:${override.ip}: no DNS query, the client uses ${override.ip}` })
  return ip
}

/** An Ingress whose published address the URL names, but whose controller the scenario does not run (or run modelled): the trace goes to the backend directly. */
function unservedIngress(cluster: Cluster, ctx: WalkContext, out: FullTrace, http: HttpContext, from: TraceFrom, ip: string, finish: (result: Trace['result'], reason: string) => FullTrace): FullTrace | undefined {
  const ing = ingressServing(cluster, http)
  const published = ing ? ingressStatus(cluster, ing.ingress!.object).some((a) => a.ip === ip) : false
  if (ing && published && (!ing.controller.modelled || controllerPods(cluster, ing).length === 0) && !isClusterAddress(cluster, ip)) {
    return notModelledIngress(ctx, out, ing, http, from, finish)
  }
  return undefined
}

function noTuple(ip: string): Tuple {
  return { src: '', sport: 0, dst: ip, dport: 0, proto: 'UDP' }
}

function isClusterAddress(cluster: Cluster, ip: string): boolean {
  return cluster.index.nodeByIP.has(ip) || cluster.services.some((s) => s.loadBalancerIngress.some((i) => i.ip === ip) || s.externalIPs.includes(ip) || s.clusterIPs.includes(ip))
}

function routeAny(cluster: Cluster, http: HttpContext): RouteAnswer | undefined {
  const r = routeIngress(cluster, { host: http.host, path: http.path, scheme: http.scheme })
  return r.ok ? r : undefined
}

function controllerPods(cluster: Cluster, r: RouteAnswer): Pod[] {
  if (!r.controller.modelled) return []
  const svc = r.controller.service
  if (!svc.selector) return []
  return cluster.pods.filter((p) => p.meta.namespace === svc.meta.namespace && p.phase === 'Running' && p.ready && matchesSelector(svc.selector!, p.meta.labels))
}

function isControllerPod(cluster: Cluster, pod: Pod, r?: RouteAnswer): boolean {
  if (r) return controllerPods(cluster, r).includes(pod)
  return pod.containers.some((c) => c.image.toLowerCase().includes('ingress-nginx'))
}

function targetText(to: TraceTarget): string {
  switch (to.kind) {
    case 'address':
      return to.port ? hostPort(to.ip, to.port) : to.ip
    case 'name':
      return to.port ? `${to.name}:${to.port}` : to.name
    case 'service':
      return `svc/${to.service.meta.namespace}/${to.service.meta.name}${to.port !== undefined ? `:${to.port}` : ''}`
    case 'pod':
      return `pod/${podName(to.pod)}${to.port ? `:${to.port}` : ''}`
    case 'url':
      return `${to.scheme}://${to.host}${to.port ? `:${to.port}` : ''}${to.path}`
  }
}

/** The reply hops and the summary fields of a finished walk. */
function complete(ctx: WalkContext, out: FullTrace, end: WalkEnd, finish: (r: Trace['result'], why: string) => FullTrace, replyTo?: { origin: string }): FullTrace {
  out.endpoint = end.endpoint
  if (end.listener) out.server = { app: end.listener.app, port: end.listener.port, proto: end.listener.proto, container: end.listener.container }
  if (end.result !== 'delivered') return finish(end.result, end.reason)
  out.seenFrom = { ip: end.tuple.src, port: end.tuple.sport }
  out.http = ctx.http
  replyHops(ctx, end, replyTo?.origin)
  if (ctx.replyLost) {
    ctx.hops.push({
      at: out.from,
      handler: 'socket',
      before: reverse(end.tuple),
      after: reverse(end.tuple),
      note: `the reply comes from ${hostPort(end.tuple.dst, end.tuple.dport)}, not from the address the client connected to: it is dropped, and the client waits until it times out`,
      direction: 'reply',
      verdict: 'timeout',
    })
    return finish('timeout', ctx.replyLost)
  }
  return finish('delivered', end.reason)
}

function reverse(t: Tuple): Tuple {
  return { src: t.dst, sport: t.dport, dst: t.src, dport: t.sport, proto: t.proto }
}

/** Cilium's socket-LB: no NAT to reverse on the reply, only what the application is shown. */
function socketLbReply(ctx: WalkContext, rec: WalkContext['nat'][number], r: Tuple): Tuple {
  // nothing to undo on the packet: the socket itself is connected to the backend (bpf_sock.c)
  const shown = { ...r, src: rec.before.dst, sport: rec.before.dport }
  ctx.hops.push({
    at: `${ctx.origin.kind === 'pod' ? `pod ${podName(ctx.origin.pod)}` : rec.node} socket`,
    node: rec.node,
    handler: 'ebpf',
    before: { ...r },
    after: shown,
    note: `no NAT to reverse: the reply really comes from ${hostPort(r.src, r.sport)}, the backend the socket is connected to; Cilium's getpeername()/recvmsg() hooks (cil_sock${r.src.includes(':') ? 6 : 4}_getpeername${r.proto === 'UDP' ? ', cil_sock' + (r.src.includes(':') ? 6 : 4) + '_recvmsg' : ''}) show the application the Service address ${hostPort(shown.src, shown.sport)}`,
    direction: 'reply',
  })
  return shown
}

/** The reply: conntrack undoes each NAT on the node that did it, newest first. */
function replyHops(ctx: WalkContext, end: WalkEnd, originText?: string): void {
  let r = reverse(end.tuple)
  ctx.hops.push({
    at: end.endpoint?.pod ? `pod ${end.endpoint.pod}` : end.endpoint?.node ?? end.endpoint?.ip ?? 'server',
    node: end.endpoint?.node,
    handler: end.tuple.proto === 'ICMP' ? 'kernel' : 'server',
    before: { ...r },
    after: { ...r },
    note: end.tuple.proto === 'ICMP' ? 'echo reply' : `the reply goes back to ${hostPort(r.dst, r.dport)}, the address the server saw`,
    direction: 'reply',
  })
  if (ctx.replyLost) {
    ctx.hops.push({ at: end.endpoint?.node ?? 'node', node: end.endpoint?.node, handler: 'route', before: { ...r }, after: { ...r }, note: 'this node has no conntrack entry for the connection (the DNAT happened on another node), so the reply leaves with the Pod\'s own address', direction: 'reply' })
    return
  }
  for (const rec of [...ctx.nat].reverse()) {
    if (rec.by === 'Cilium socket-LB') {
      r = socketLbReply(ctx, rec, r)
      continue
    }
    const next = { ...r }
    if (rec.kind === 'snat') {
      next.dst = rec.before.src
      next.dport = rec.before.sport
    } else {
      next.src = rec.before.dst
      next.sport = rec.before.dport
    }
    ctx.hops.push({
      at: rec.node,
      node: rec.node.startsWith('load balancer') ? undefined : rec.node,
      handler: rec.by.startsWith('cloud') ? 'cloud-lb' : rec.by.startsWith('Cilium') ? 'ebpf' : 'conntrack',
      before: { ...r },
      after: next,
      note: rec.by.startsWith('Cilium')
        ? `Cilium's eBPF connection tracking reverses the ${rec.kind === 'snat' ? `SNAT (${rec.by}): the destination goes back to ${hostPort(next.dst, next.dport)}` : `DNAT (${rec.by}): the source becomes ${hostPort(next.src, next.sport)} again, so the client sees the reply come from the address it connected to`}`
        : rec.kind === 'snat'
        ? `conntrack reverses the SNAT (${rec.by}): the destination goes back to ${hostPort(next.dst, next.dport)}`
        : `conntrack reverses the DNAT (${rec.by}): the source becomes ${hostPort(next.src, next.sport)} again, so the client sees the reply come from the address it connected to`,
      direction: 'reply',
    })
    r = next
  }
  ctx.hops.push({
    at: originText ?? (ctx.origin.kind === 'pod' ? `pod ${podName(ctx.origin.pod)}` : ctx.origin.kind === 'node' ? (ctx.origin.pod ? `pod ${podName(ctx.origin.pod)} (host network)` : ctx.origin.node.meta.name) : `client ${ctx.origin.ip}`),
    handler: 'socket',
    before: { ...r },
    after: { ...r },
    note: 'the client receives the reply on its socket',
    direction: 'reply',
  })
}

/**
 * The Ingress controller received the request: it matches host and path
 * (the ingress module's routeIngress), terminates TLS where configured, and
 * opens its own connection to one endpoint of the backend Service
 * (ingress-nginx proxies to endpoints, not the ClusterIP).
 */
function ingressLeg(cluster: Cluster, ctx: WalkContext, out: FullTrace, r: RouteAnswer, http: HttpContext, end: WalkEnd, opts: TraceOptions, finish: (res: Trace['result'], why: string) => FullTrace): FullTrace {
  const pod = end.pod!
  const client = end.tuple
  const tls = http.scheme === 'https'
  const leg: IngressLeg = {
    ingress: r.ingress?.key,
    className: r.className,
    rule: r.rule,
    service: r.backend ? `${r.backend.namespace}/${r.backend.serviceName}` : undefined,
    port: r.backend?.port,
    status: 200,
    tls,
    modelled: true,
    controllerPod: podName(pod),
  }
  out.ingress = leg
  const match = r.rule ? `rule ${r.rule.host || '*'} ${r.rule.path || '/'} (${r.rule.pathType}) of Ingress ${r.ingress?.key}` : r.ingress ? `the defaultBackend of Ingress ${r.ingress.key}` : 'no rule'
  const tlsText = tls ? (r.tls.configured ? ` TLS is terminated here with ${r.tls.defaultCertificate ? "the controller's default (self-signed) certificate" : `Secret ${r.tls.secretName}`}.` : " TLS is terminated here with the controller's default (self-signed) certificate: no Ingress lists this host under tls.") : ''
  if (!tls && r.tls.configured && r.tls.httpRedirect) {
    leg.status = 308
    leg.location = `https://${http.host}${http.path}`
    push(ctx, { at: `pod ${podName(pod)} (ingress controller)`, node: pod.nodeName, handler: 'ingress-controller', before: { ...client }, after: { ...client }, note: `Host ${http.host} has TLS configured (Ingress ${r.tls.ingress}), so ingress-nginx answers plain HTTP itself with 308 Permanent Redirect to ${leg.location} (ssl-redirect)` })
    return complete(ctx, out, end, finish)
  }
  if (r.status !== 200 || !r.backend || r.backend.endpoints.length === 0 || r.backend.upstream === 'external-name') {
    leg.status = r.status === 404 ? 404 : 503
    push(ctx, {
      at: `pod ${podName(pod)} (ingress controller)`,
      node: pod.nodeName,
      handler: 'ingress-controller',
      before: { ...client },
      after: { ...client },
      note: leg.status === 404 ? `no Ingress rule matches ${http.host}${http.path}: the controller's default backend answers 404 Not Found` : `${match} → Service ${leg.service} port ${leg.port}, but ${r.backend?.problem ?? 'it has no endpoint the controller can use'}: 503 Service Temporarily Unavailable`,
    })
    return complete(ctx, out, end, finish)
  }
  const eps = r.backend.endpoints
  const i = pickIndex(eps.length, `ingress/${tupleKey(client)}`, ctx.seed)
  const ep = eps[i]
  push(ctx, {
    at: `pod ${podName(pod)} (ingress controller)`,
    node: pod.nodeName,
    handler: 'ingress-controller',
    before: { ...client },
    after: { ...client },
    note: `${r.controller.modelled ? r.controller.controller : 'the controller'}: Host ${http.host}, path ${http.path} → ${match} → Service ${leg.service} port ${leg.port}.${tlsText} It proxies over a new connection to ${r.backend.upstream === 'cluster-ip' ? 'the ClusterIP (service-upstream)' : `endpoint ${hostPort(ep.ip, ep.port)} of ${eps.length}${ep.pod ? ` (${ep.pod})` : ''}, not to the ClusterIP`}, adding X-Forwarded-For: ${client.src}`,
  })
  // the second connection, from the controller Pod
  const legCtx = newContext(cluster, { kind: 'pod', pod }, ctx.seed, { ...http, forwardedFor: client.src, tlsTerminated: tls }, undefined)
  const src = pod.podIPs[0]
  const t2: Tuple = { src, sport: ephemeralPort(src, ep.ip, ep.port, 'TCP', ctx.seed), dst: ep.ip, dport: ep.port, proto: 'TCP' }
  push(legCtx, { at: `pod ${podName(pod)}`, node: pod.nodeName, handler: 'socket', before: { ...t2 }, after: { ...t2 }, note: `the controller connects to ${hostPort(ep.ip, ep.port)} from ${hostPort(src, t2.sport)}` })
  const end2 = fromPod(legCtx, pod, t2)
  out.endpoint = end2.endpoint
  if (end2.listener) out.server = { app: end2.listener.app, port: end2.listener.port, proto: end2.listener.proto, container: end2.listener.container }
  if (end2.result !== 'delivered') {
    ctx.hops.push(...legCtx.hops)
    leg.status = 502
    return finish(end2.result, `the Ingress controller cannot reach ${hostPort(ep.ip, ep.port)}: ${end2.reason}`)
  }
  out.seenFrom = { ip: end2.tuple.src, port: end2.tuple.sport }
  out.http = legCtx.http
  replyHops(legCtx, end2, `pod ${podName(pod)} (ingress controller)`)
  ctx.hops.push(...legCtx.hops)
  ctx.notes.push(...legCtx.notes)
  // the first connection's reply (controller → client)
  replyHops(ctx, end, undefined)
  return finish('delivered', `delivered to ${end2.endpoint?.pod ?? hostPort(ep.ip, ep.port)} through the Ingress controller ${podName(pod)}`)
}

/**
 * A name that did not resolve: an Ingress or Gateway host the trace command follows anyway
 * (lenientIngressHosts), or the end of the trace. The address to go on with, or the trace.
 */
function unresolvedName(
  ctx: WalkContext,
  out: FullTrace,
  o: { http: HttpContext | undefined; opts: TraceOptions; from: TraceFrom; name: string; port: number | undefined; r: Resolved; finish: (res: Trace['result'], why: string) => FullTrace },
): string | FullTrace {
  const { http, opts, from, name, port, r, finish } = o
  const cluster = ctx.cluster
  let ip: string | undefined
  // an Ingress host the scenario did not put in DNS: the trace command follows it to the Ingress anyway
  const ing = http && opts.lenientIngressHosts ? ingressServing(cluster, http) : undefined
  if (ing) {
    const addr = ingressStatus(cluster, ing.ingress!.object).find((a) => a.ip)?.ip
    if (addr) {
      ctx.notes.push(`${name} is not in DNS (add it to the Cluster document's spec.externalHosts); the trace sends it to the address of Ingress ${ing.ingress!.key}, ${addr}, as curl --resolve ${name}:${port}:${addr} would`)
      ip = addr
    } else if (!ing.controller.modelled) {
      return notModelledIngress(ctx, out, ing, http!, from, finish)
    }
  }
  // the same for a host a Gateway's listeners take
  const gw = !ip && http && opts.lenientIngressHosts ? gatewayForHost(cluster, http) : undefined
  if (gw) {
    ctx.notes.push(`${name} is not in DNS (add it to the Cluster document's spec.externalHosts); the trace sends it to the address of Gateway ${gw.gateway}, ${gw.address}, as curl --resolve ${name}:${port}:${gw.address} would`)
    ip = gw.address
  }
  if (!ip) {
    if (from.kind === 'node' && cluster.index.service.has(`default/${name}`)) ctx.notes.push(`nodes do not use the cluster DNS: name the Service as svc/${name} (its ClusterIP), or trace from a Pod`)
    return finish(r.failure ?? 'nxdomain', r.failure === 'timeout' ? `the DNS query for ${name} timed out` : `${name} does not resolve (${r.data?.rcode === 'NOERROR' ? 'NODATA: the name exists, without an address' : r.data?.rcode})`)
  }
  return ip
}

/** No controller Pods in the scenario: route the request with the Ingress rules and trace straight to the backend. */
function notModelledIngress(ctx: WalkContext, out: FullTrace, r: RouteAnswer, http: HttpContext, from: TraceFrom, finish: (res: Trace['result'], why: string) => FullTrace): FullTrace {
  const cluster = ctx.cluster
  const leg: IngressLeg = {
    ingress: r.ingress?.key,
    className: r.className,
    rule: r.rule,
    service: r.backend ? `${r.backend.namespace}/${r.backend.serviceName}` : undefined,
    port: r.backend?.port,
    status: r.status === 200 ? 200 : r.status === 404 ? 404 : 503,
    tls: http.scheme === 'https',
    modelled: false,
  }
  out.ingress = leg
  const why = r.controller.modelled ? `the controller Service ${r.controller.namespace}/${r.controller.name} has no running Pods, so the controller is not modelled` : r.controller.reason
  ctx.notes.push(`${why}: the trace applies the Ingress rules and goes straight to the backend`)
  const ep = r.backend?.endpoints[pickIndex(r.backend.endpoints.length, `ingress/${whoText(from)}/${http.host}${http.path}`, ctx.seed)]
  push(ctx, {
    at: 'ingress controller (not modelled)',
    handler: 'ingress-controller',
    before: noTuple(ep?.ip ?? ''),
    after: noTuple(ep?.ip ?? ''),
    note: `${http.host}${http.path} → ${r.rule ? `rule ${r.rule.host || '*'} ${r.rule.path || '/'} (${r.rule.pathType}) of Ingress ${r.ingress?.key}` : `Ingress ${r.ingress?.key}`} → Service ${leg.service} port ${leg.port}${ep ? ` → endpoint ${hostPort(ep.ip, ep.port)}` : `: ${r.backend?.problem ?? 'no backend'}`}; the scenario runs no controller Pods, so the way to the controller is not traced, and the backend below sees the client's address where it would see the controller Pod's`,
  })
  if (!ep || r.status !== 200) return finish(r.status === 404 ? 'delivered' : 'refused', r.status === 404 ? 'no rule matches: the controller would answer 404' : `no endpoint: the controller would answer 503 (${r.backend?.problem ?? ''})`)
  const pod = cluster.index.podByIP.get(ep.ip)
  const node = pod ? cluster.index.node.get(pod.nodeName) : undefined
  if (!pod || !node) return finish('delivered', `proxied to ${hostPort(ep.ip, ep.port)}`)
  // the real source would be the controller Pod's address; without one, the trace keeps the client's
  const src = from.kind === 'external' ? from.ip : from.kind === 'pod' ? from.pod.podIPs[0] : from.node.internalIPs[0]
  ctx.origin = { kind: 'external', ip: src, label: 'the Ingress controller' }
  const t: Tuple = { src, sport: ephemeralPort(src, ep.ip, ep.port, 'TCP', ctx.seed), dst: ep.ip, dport: ep.port, proto: 'TCP' }
  const end = atNode(ctx, node, t, { chain: 'PREROUTING', srcLocal: false })
  out.endpoint = end.endpoint
  if (end.listener) out.server = { app: end.listener.app, port: end.listener.port, proto: end.listener.proto, container: end.listener.container }
  out.http = { ...http, forwardedFor: from.kind === 'external' ? from.ip : undefined }
  if (end.result === 'delivered') out.seenFrom = { ip: end.tuple.src, port: end.tuple.sport }
  return finish(end.result, end.result === 'delivered' ? `delivered to ${end.endpoint?.pod ?? ep.ip} (the controller itself is not modelled)` : end.reason)
}


/**
 * The record type the client's lookup ends up using. getaddrinfo(AF_UNSPEC) asks for A and AAAA
 * and sorts the addresses; a client with one family uses that one. A dual-stack client's C
 * library decides by its policy table (rule 6, precedence; the earlier rules tie for a Pod's
 * global addresses): musl (network/lookup_name.c, RFC 6724's table) ranks IPv4 (35) above ULA
 * IPv6 such as fd00::/8 (3) but below global IPv6 (40); glibc (sysdeps/posix/getaddrinfo.c,
 * RFC 3484's table, gai.conf's defaults) ranks IPv4 at 10 and every IPv6 destination above it,
 * ULA included (::/0, 40). curl -4/-6 ask for one family only.
 */
function lookupType(cluster: Cluster, dnsPlace: Place, from: TraceFrom, name: string, family?: 'IPv4' | 'IPv6'): 'A' | 'AAAA' {
  if (family) return family === 'IPv6' ? 'AAAA' : 'A'
  const own = from.kind === 'pod' ? (from.pod.hostNetwork ? cluster.index.node.get(from.pod.nodeName)?.internalIPs ?? [] : from.pod.podIPs) : from.kind === 'node' ? from.node.internalIPs : []
  const primary = ipFamilyOf(own[0] ?? '') === 'IPv6' ? 'AAAA' : 'A'
  const other = primary === 'A' ? 'AAAA' : 'A'
  const otherFamily = other === 'AAAA' ? 'IPv6' : 'IPv4'
  if (!own.some((ip) => ipFamilyOf(ip) === otherFamily)) return primary
  const first = (t: 'A' | 'AAAA') => resolveName(cluster, dnsPlace, name, t).answers.find((a) => a.type === t)?.data
  const v4 = first('A')
  const v6 = first('AAAA')
  if (!v4 || !v6) return v6 ? 'AAAA' : v4 ? 'A' : primary
  return libcAt(dnsPlace) === 'glibc' || muslPrecedence(v6) > MUSL_IPV4_PRECEDENCE ? 'AAAA' : 'A'
}

/** musl's RFC 6724 policy table (network/lookup_name.c defined_policy): IPv4, mapped, sorts at 35. */
const MUSL_IPV4_PRECEDENCE = 35

/** The precedence musl gives an IPv6 destination: ::1 50, 2002::/16 30, 2001::/32 5, fc00::/7 3, ::/96, fec0::/10 and 3ffe::/16 1, else 40. */
function muslPrecedence(ip: string): number {
  const a = ip.toLowerCase()
  const head = parseInt(a.split(':')[0] || '0', 16)
  if (a === '::1') return 50
  if (a.startsWith('2002:')) return 30
  if (a.startsWith('2001:0:') || /^2001::/.test(a)) return 5
  if ((head & 0xfe00) === 0xfc00) return 3
  if ((head & 0xffc0) === 0xfec0 || a.startsWith('3ffe:') || /^::[0-9a-f.]*$/.test(a)) return 1
  return 40
}
