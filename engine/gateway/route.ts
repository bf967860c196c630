/**
 * One HTTP request through a Gateway: which listener takes it (port,
 * protocol, the most specific matching hostname), which attached route, rule
 * and match answer it (the spec's precedence across routes), what the
 * filters do, and which backend gets it. Envoy Gateway turns every listener
 * hostname into virtual hosts and every route match into an ordered Envoy
 * route; a GRPCRoute match becomes a path match on /SERVICE/METHOD there
 * (internal/gatewayapi/route.go), so HTTPRoutes and GRPCRoutes compete in one
 * list. A request no rule matches gets 404; a rule whose backends are all
 * invalid, or that has none, gets 500 (HTTPRouteRule.BackendRefs).
 */
import type { Cluster, Service } from '../model/types.ts'
import { normaliseHost } from '../ingress/host-match.ts'
import { normaliseRequestPath } from '../ingress/path-match.ts'
import { gatewayModel } from './attach.ts'
import type { Attachment, BackendProblem, GatewayState, ListenerState, RouteState } from './attach.ts'
import type { BackendRefView, FilterView, GRPCMatchView, HTTPMatchView, RuleView } from './model.ts'
import { compareHttpMatches, grpcMatchHolds, httpMatchHolds } from './match.ts'
import type { HttpRequestView } from './match.ts'
import { compareSpecificity, specificity } from './hostnames.ts'
import { applyFilters } from './filters.ts'
import type { FilterOutcome } from './filters.ts'
import { resolveService } from './backend.ts'
import type { ResolvedService } from './backend.ts'

export interface GatewayRequest {
  host: string
  /** the request target: path and optional ?query */
  path: string
  method?: string
  headers?: [string, string][]
  scheme?: 'http' | 'https'
  /** default 80 for http, 443 for https */
  port?: number
  /** `ns/name` or `name` of the Gateway to ask; default: the only programmed one */
  gateway?: string
  /** which of repeated requests this is (0-based): spreads weighted backends deterministically */
  sequence?: number
  /** where the run of requests starts (a hash of the connection); with it, `sequence` counts within the run */
  runOffset?: number
}

export interface Candidate {
  route: RouteState
  rule: RuleView<HTTPMatchView> | RuleView<GRPCMatchView>
  match: HTTPMatchView
  /** the GRPCRoute match, when the route is a GRPCRoute */
  grpc?: GRPCMatchView
  host: { exact: number; any: number }
}

export interface WeightedBackend {
  ref: BackendRefView
  weight: number
  problem?: BackendProblem
  service?: ResolvedService
}

export interface GatewayAnswer {
  ok: true
  request: { host: string; path: string; query: string; method: string; scheme: 'http' | 'https'; port: number }
  gateway: GatewayState
  listener?: ListenerState
  attachment?: Attachment
  status: number
  winner?: Candidate
  candidates: Candidate[]
  backends: WeightedBackend[]
  /** the backend this request (of `sequence`) goes to */
  chosen?: WeightedBackend
  filters: FilterOutcome
  reason: string
  notes: string[]
}

export type GatewayResult = GatewayAnswer | { ok: false; error: string }

/** The Gateway a question is about: named, or the only one a controller programs. */
export function pickGateway(cluster: Cluster, name?: string): GatewayState | { error: string } {
  const all = gatewayModel(cluster).gateways
  if (name !== undefined) {
    const [ns, n] = name.includes('/') ? name.split('/', 2) : [undefined, name]
    const found = all.filter((g) => g.view.name === n && (ns === undefined || g.view.namespace === ns))
    if (found.length === 1) return found[0]
    if (found.length > 1) return { error: `several Gateways are named ${n}: name one as NAMESPACE/NAME (${found.map((g) => g.view.key).join(', ')})` }
    return { error: `Gateway ${name} not found${all.length ? ` (Gateways: ${all.map((g) => g.view.key).join(', ')})` : ''}` }
  }
  const live = all.filter((g) => g.controlled)
  if (live.length === 1) return live[0]
  if (live.length === 0) {
    if (all.length === 0) return { error: 'the scenario has no Gateway' }
    return { error: `no controller in the scenario serves ${all.map((g) => `Gateway ${g.view.key} (class ${g.view.className || '<none>'})`).join(', ')}: the simulator models Envoy Gateway, controllerName gateway.envoyproxy.io/gatewayclass-controller` }
  }
  return { error: `several Gateways are served (${live.map((g) => g.view.key).join(', ')}): choose one with --gateway NAMESPACE/NAME` }
}

/** A GRPCRoute match as the path match Envoy Gateway writes for it. */
export function grpcAsHttp(m: GRPCMatchView): HTTPMatchView {
  const base = { index: m.index, headers: m.headers, queryParams: [], method: undefined }
  const meth = m.method
  if (!meth || (meth.service === undefined && meth.method === undefined)) return { ...base, path: { type: 'PathPrefix', value: '/' } }
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  if (meth.type !== 'RegularExpression') {
    if (meth.service !== undefined && meth.method !== undefined) return { ...base, path: { type: 'Exact', value: `/${meth.service}/${meth.method}` } }
    if (meth.service !== undefined) return { ...base, path: { type: 'PathPrefix', value: `/${meth.service}` } }
    return { ...base, path: { type: 'RegularExpression', value: `/[^/]+/${esc(meth.method!)}` } }
  }
  return { ...base, path: { type: 'RegularExpression', value: `/${meth.service ?? '[^/]+'}/${meth.method ?? '[^/]+'}` } }
}

/** The listener a request for host:port reaches: the most specific matching hostname wins. */
function pickListener(g: GatewayState, host: string, port: number, scheme: 'http' | 'https'): ListenerState | undefined {
  const proto = scheme === 'https' ? 'HTTPS' : 'HTTP'
  let best: ListenerState | undefined
  let bestSpec: { exact: number; any: number } | undefined
  for (const l of g.listeners) {
    if (!l.ready || l.view.port !== port || l.view.protocol !== proto) continue
    const s = specificity(l.view.hostname, host)
    if (!s) continue
    if (!bestSpec || compareSpecificity(s, bestSpec) < 0) {
      best = l
      bestSpec = s
    }
  }
  return best
}

function parseQuery(q: string): [string, string][] {
  if (!q) return []
  return q.split('&').filter(Boolean).map((kv) => {
    const i = kv.indexOf('=')
    const dec = (s: string) => {
      try {
        return decodeURIComponent(s.replace(/\+/g, ' '))
      } catch {
        return s
      }
    }
    return i < 0 ? [dec(kv), ''] : [dec(kv.slice(0, i)), dec(kv.slice(i + 1))]
  })
}

/**
 * Which backend a request gets: `seq` (a hash of the connection, or the
 * number of a request in a run) falls into one backend's share of the total
 * weight. Envoy draws at random in proportion to the weights; this draw is
 * deterministic and has the same proportions over all values of `seq`.
 * -1 when every weight is 0.
 */
export function weightedPick(weights: number[], seq: number): number {
  const total = weights.reduce((a, b) => a + b, 0)
  if (total === 0) return -1
  let x = seq % total
  for (let i = 0; i < weights.length; i++) {
    if (x < weights[i]) return i
    x -= weights[i]
  }
  return weights.length - 1
}

/**
 * The backend of request `k` of a run that starts at `offset` (a hash of the
 * connection): smooth weighted round robin from that point, so a run of
 * requests spreads as close to the weights as whole requests allow; for very
 * large weight totals, a proportional draw instead (bounded work).
 */
export function pickInRun(weights: number[], offset: number, k: number): number {
  const total = weights.reduce((a, b) => a + b, 0)
  if (total === 0) return -1
  if (total > 10000) return weightedPick(weights, offset + k * 2654435769)
  const steps = (offset % total) + k + 1
  const current = weights.map(() => 0)
  let pick = 0
  for (let n = 0; n < steps; n++) {
    let best = -1
    for (let i = 0; i < weights.length; i++) {
      current[i] += weights[i]
      if (weights[i] > 0 && (best < 0 || current[i] > current[best])) best = i
    }
    current[best] -= total
    pick = best
  }
  return pick
}

/**
 * How n successive requests spread over the backends: smooth weighted round
 * robin (as nginx balances), so any n gets shares as close to the weights as
 * whole requests allow. The count of requests no backend takes (all weights
 * 0) comes last.
 */
export function spreadCounts(weights: number[], n: number): number[] {
  const total = weights.reduce((a, b) => a + b, 0)
  const counts = weights.map(() => 0)
  if (total === 0) return [...counts, n]
  const current = weights.map(() => 0)
  for (let k = 0; k < n; k++) {
    let best = -1
    for (let i = 0; i < weights.length; i++) {
      current[i] += weights[i]
      if (weights[i] > 0 && (best < 0 || current[i] > current[best])) best = i
    }
    current[best] -= total
    counts[best]++
  }
  return [...counts, 0]
}

function describeMatch(m: HTTPMatchView): string {
  const parts = [`${m.path.type} ${m.path.value}`]
  if (m.method) parts.push(`method ${m.method}`)
  for (const h of m.headers) parts.push(`header ${h.name}${h.type === 'RegularExpression' ? ' ~ ' : ': '}${h.value}`)
  for (const q of m.queryParams) parts.push(`query ${q.name}${q.type === 'RegularExpression' ? ' ~ ' : '='}${q.value}`)
  return parts.join(', ')
}

export function candidateText(c: Candidate): string {
  return `${c.route.view.kind} ${c.route.view.key} rule ${c.rule.index}${c.rule.name ? ` (${c.rule.name})` : ''} match ${c.grpc ? grpcText(c.grpc) : describeMatch(c.match)}`
}

function grpcText(m: GRPCMatchView): string {
  const meth = m.method
  const what = meth ? `${meth.type === 'RegularExpression' ? 'regex ' : ''}${meth.service ?? '*'}/${meth.method ?? '*'}` : 'any method'
  return [what, ...m.headers.map((h) => `header ${h.name}: ${h.value}`)].join(', ')
}

function whyWinner(w: Candidate, others: Candidate[]): string {
  if (others.length === 0) return 'the only matching rule'
  const o = others[0]
  const hs = compareSpecificity(w.host, o.host)
  if (hs < 0) return `its route's hostname is more specific for this host than that of ${candidateText(o)}`
  const m = compareHttpMatches(w.match, o.match)
  if (m < 0) {
    const a = w.match
    const b = o.match
    if (a.path.type !== b.path.type) return `${a.path.type} beats ${b.path.type} (${candidateText(o)})`
    if (a.path.value !== b.path.value) return `the longer path wins over ${candidateText(o)}`
    if (!!a.method !== !!b.method) return `a method match wins over ${candidateText(o)}`
    if (a.headers.length !== b.headers.length) return `more header matches (${a.headers.length} vs ${b.headers.length}) than ${candidateText(o)}`
    return `more query parameter matches (${a.queryParams.length} vs ${b.queryParams.length}) than ${candidateText(o)}`
  }
  if (w.route !== o.route) {
    const ta = w.route.view.object.meta.creationTimestamp
    const tb = o.route.view.object.meta.creationTimestamp
    if (ta !== tb) return `equal precedence with ${candidateText(o)}; the older route wins`
    return `equal precedence and age with ${candidateText(o)}; ${w.route.view.key} comes first alphabetically`
  }
  return `equal precedence with ${candidateText(o)}; the first matching rule in list order wins`
}

/**
 * Routes one request through a Gateway as Envoy Gateway would.
 *
 * @example
 * const r = routeGateway(cluster, { host: 'example.com', path: '/v2' })
 * if (r.ok && r.chosen) r.chosen.ref.name // 'infra-backend-v2'
 */
export function routeGateway(cluster: Cluster, req: GatewayRequest): GatewayResult {
  const host = normaliseHost(req.host)
  if (host === '') return { ok: false, error: 'the host is empty' }
  const target = req.path === '' ? '/' : req.path
  const qi = target.indexOf('?')
  const rawPath = qi >= 0 ? target.slice(0, qi) : target
  const query = qi >= 0 ? target.slice(qi + 1).split('#')[0] : ''
  const np = normaliseRequestPath(rawPath)
  if ('error' in np) return { ok: false, error: np.error }
  const scheme = req.scheme ?? 'http'
  const port = req.port ?? (scheme === 'https' ? 443 : 80)
  const method = (req.method ?? 'GET').toUpperCase()
  const headers = new Map<string, string>()
  for (const [k, v] of req.headers ?? []) headers.set(k.toLowerCase(), v)
  headers.set('host', host)
  const gw = pickGateway(cluster, req.gateway)
  if ('error' in gw) return { ok: false, error: gw.error }
  const request = { host, path: np.path, query, method, scheme, port }
  const view: HttpRequestView = { path: np.path, query: parseQuery(query), method, headers }
  const notes: string[] = []
  const empty: FilterOutcome = { requestHeaders: [], responseHeaders: [], mirrors: [], notes: [] }
  const base = { ok: true as const, request, gateway: gw, candidates: [], backends: [], filters: empty, notes }

  if (!gw.controlled) return { ...base, status: 0, reason: `no controller serves Gateway ${gw.view.key}: its GatewayClass "${gw.view.className}" ${gw.cls ? `names controller ${gw.cls.view.controllerName}, which the simulator does not model` : 'does not exist'}` }
  const listener = pickListener(gw, host, port, scheme)
  if (!listener) {
    const onPort = gw.listeners.filter((l) => l.view.port === port)
    const why = onPort.length === 0 ? `Gateway ${gw.view.key} has no listener on port ${port}` : `no ${scheme === 'https' ? 'HTTPS' : 'HTTP'} listener on port ${port} accepts host ${host} (${onPort.map((l) => `${l.view.name}: ${l.view.protocol} ${l.view.hostname ?? '*'}${l.ready ? '' : ', not programmed'}`).join('; ')})`
    return { ...base, status: onPort.length === 0 ? 0 : 404, reason: why }
  }

  // routes attached to this listener whose hostnames (as intersected) match the host
  const candidates: Candidate[] = []
  const model = gatewayModel(cluster)
  for (const route of model.routes) {
    for (const p of route.parents) {
      if (p.gateway !== gw) continue
      const a = p.attached.find((x) => x.listener === listener)
      if (!a) continue
      const hs = a.hostnames.map((h) => (h === '*' ? { exact: 0, any: 0 } : specificity(h, host))).filter((s): s is { exact: number; any: number } => !!s)
      if (hs.length === 0) continue
      // HTTPRouteSpec.Hostnames precedence counts the route's own hostnames: a route without any has no matching hostname
      const own = route.view.hostnames.map((h) => specificity(h, host)).filter((s): s is { exact: number; any: number } => !!s)
      const hostSpec = own.length ? own.sort(compareSpecificity)[0] : { exact: 0, any: 0 }
      if (route.view.kind === 'HTTPRoute') {
        for (const rule of route.view.httpRules) for (const m of rule.matches) if (httpMatchHolds(m, view)) candidates.push({ route, rule, match: m, host: hostSpec })
      } else {
        const segs = np.path.split('/')
        for (const rule of route.view.grpcRules) {
          for (const m of rule.matches) {
            const hm = grpcAsHttp(m)
            const grpcOk = segs.length === 3 && method === 'POST' ? grpcMatchHolds(m, segs[1], segs[2], headers) : false
            if (grpcOk && httpMatchHolds(hm, view)) candidates.push({ route, rule, match: hm, grpc: m, host: hostSpec })
          }
        }
      }
      break
    }
  }
  // the spec's precedence: route hostname, then the match, then route age and name, then rule and match order
  candidates.sort((a, b) => {
    const ta = a.route.view.object.meta.creationTimestamp
    const tb = b.route.view.object.meta.creationTimestamp
    return (
      compareSpecificity(a.host, b.host) ||
      compareHttpMatches(a.match, b.match) ||
      (ta < tb ? -1 : ta > tb ? 1 : 0) ||
      (a.route.view.key < b.route.view.key ? -1 : a.route.view.key > b.route.view.key ? 1 : 0) ||
      a.rule.index - b.rule.index ||
      a.match.index - b.match.index
    )
  })
  const attachment = model.routes.flatMap((r) => r.parents).filter((p) => p.gateway === gw).flatMap((p) => p.attached).find((a) => a.listener === listener)
  if (candidates.length === 0) {
    return { ...base, listener, attachment, status: 404, reason: listener.attachedRoutes === 0 ? `no route is attached to listener ${listener.view.name}` : `no rule of the routes attached to listener ${listener.view.name} matches ${method} ${host}${np.path}${query ? `?${query}` : ''}` }
  }
  const winner = candidates[0]
  const others = candidates.slice(1).filter((c) => c.route !== winner.route || c.rule !== winner.rule)
  const reason = whyWinner(winner, others)
  const rule = winner.rule
  const backends: WeightedBackend[] = rule.backendRefs.map((ref) => {
    const problem = winner.route.backendProblems.get(`${rule.index}/${ref.index}`)
    return { ref, weight: ref.weight, problem, service: problem ? undefined : resolveService(cluster, ref) }
  })
  const filters = applyFilters(rule.filters as FilterView[], request, winner.match, listener, host)
  const seq = req.sequence ?? 0
  let status: number
  let chosen: WeightedBackend | undefined
  if (filters.redirect) status = filters.redirect.statusCode
  else if (backends.length === 0) {
    status = 500
    notes.push('the rule has no backendRefs and no filter answers the request, so Envoy Gateway answers 500')
  } else {
    const weights = backends.map((b) => b.weight)
    const i = req.runOffset !== undefined ? pickInRun(weights, req.runOffset, seq) : weightedPick(weights, seq)
    if (i < 0) {
      status = 500
      notes.push('every backendRef of the rule has weight 0, so no backend gets traffic: 500')
    } else {
      chosen = backends[i]
      if (chosen.problem) status = 500
      else if (chosen.service && chosen.service.endpoints.length === 0 && chosen.service.service.type !== 'ExternalName') status = 503
      else status = 200
      if (chosen.ref.filters.length) {
        const extra = applyFilters(chosen.ref.filters, request, winner.match, listener, host)
        filters.requestHeaders.push(...extra.requestHeaders)
        filters.responseHeaders.push(...extra.responseHeaders)
        filters.mirrors.push(...extra.mirrors)
        filters.notes.push(...extra.notes)
        if (extra.rewrite) filters.rewrite = extra.rewrite
      }
    }
  }
  return { ...base, listener, attachment, status, winner, candidates, backends, chosen, filters, reason }
}

export type { Service }
