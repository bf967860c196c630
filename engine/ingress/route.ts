/**
 * One HTTP request through the Ingress controller of a class: which server
 * block (host), which location (path), which backend, and TLS. The merge and
 * the server choice follow ingress-nginx (servers.ts); path matching follows
 * the Ingress API (path-match.ts), which ingress-nginx's exact/prefix
 * locations implement; a server whose Ingresses use regex annotations matches
 * as nginx does, first matching case-insensitive regex in location order.
 */
import type { Cluster } from '../model/types.ts'
import type { IngressView } from './model.ts'
import { normaliseHost, hostMatches } from './host-match.ts'
import { compareMatches, matchesPath, matchLength, normaliseRequestPath } from './path-match.ts'
import { buildServers, nginxLocations, isRegexServer, selectServer, CATCH_ALL } from './servers.ts'
import type { Location, Server, ServerSet } from './servers.ts'
import { controllerFor, pickClass } from './classes.ts'
import type { ControllerInfo } from './classes.ts'
import { resolveBackend } from './backend.ts'
import type { ResolvedBackend } from './backend.ts'

export interface RouteRequest {
  /** the Host header (a port or trailing dot is ignored) or the address typed */
  host: string
  /** the request path; a query string is ignored */
  path: string
  /** the IngressClass to ask; default: the default IngressClass, else the only one */
  className?: string
  scheme?: 'http' | 'https'
}

export interface RouteTLS {
  /** an Ingress's TLS section covers this host */
  configured: boolean
  secretName?: string
  /** `ns/name` of the Ingress whose TLS section applies */
  ingress?: string
  /** HTTPS is served with the controller's self-signed default certificate */
  defaultCertificate: boolean
  /** plain HTTP gets 308 Permanent Redirect to https (ssl-redirect, on by default) */
  httpRedirect: boolean
}

export interface RouteCandidate {
  /** `ns/name`, absent for the controller's default backend */
  ingress?: string
  path: string
  pathType: string
  source: Location['source']
  backend: string
  length: number
}

export interface RouteAnswer {
  ok: true
  request: { host: string; path: string; scheme: 'http' | 'https' }
  className: string
  /** why this class was asked */
  classSource: string
  controller: ControllerInfo
  server: { name: string; kind: 'exact' | 'wildcard' | 'catch-all' }
  /** the final HTTP status (after a redirect to https, if any) */
  status: 200 | 404 | 503
  location: Location
  ingress?: IngressView
  /** null when a defaultBackend (not a rule path) answered */
  rule?: { host: string; path: string; pathType: string } | null
  backend?: ResolvedBackend
  tls: RouteTLS
  /** every matching location, the winner first */
  candidates: RouteCandidate[]
  /** why the winner won, in a sentence */
  reason: string
  notes: string[]
  ignored: { ingress: string; reason: string }[]
}

export type RouteResult = RouteAnswer | { ok: false; error: string }

const SSL_REDIRECT = 'nginx.ingress.kubernetes.io/ssl-redirect'
const FORCE_SSL_REDIRECT = 'nginx.ingress.kubernetes.io/force-ssl-redirect'

/**
 * Routes one request the way the class's Ingress controller would.
 *
 * @example
 * const r = routeIngress(cluster, { host: 'foo.bar.com', path: '/foo' })
 * if (r.ok && r.backend) r.backend.service // the Service object; r.backend.servicePort, r.backend.endpoints
 */
export function routeIngress(cluster: Cluster, req: RouteRequest): RouteResult {
  const host = normaliseHost(req.host)
  if (host === '') return { ok: false, error: 'the host is empty' }
  const np = normaliseRequestPath(req.path)
  if ('error' in np) return { ok: false, error: np.error }
  const path = np.path
  const scheme = req.scheme ?? 'http'

  let className: string
  let classSource: string
  if (req.className !== undefined) {
    className = req.className
    classSource = '--class'
  } else {
    const picked = pickClass(cluster)
    if ('error' in picked) return { ok: false, error: picked.error }
    className = picked.name
    classSource = picked.source
  }

  const set = buildServers(cluster, className)
  const { server, kind } = selectServer(set, host)
  const notes: string[] = []
  const { winner, candidates, regex } = chooseLocation(server, path, notes)

  const ingress = winner.ingress
  let backend: ResolvedBackend | undefined
  if (winner.backend && ingress) backend = resolveBackend(cluster, ingress.namespace, winner.backend, ingress.annotations)
  const status: RouteAnswer['status'] = !backend ? 404 : backend.problem ? 503 : 200

  const tls = tlsFor(server, winner)
  const rule = winner.source === 'path' && winner.rule ? { host: winner.rule.host, path: pathAsWritten(winner), pathType: winner.writtenType ?? 'Prefix' } : winner.ingress ? null : undefined
  addNotes(set, server, kind, host, path, winner, notes)
  if (set.served.length === 0) notes.push(`no Ingress of ${className ? `class "${className}"` : 'any class'} is in the scenario`)

  return {
    ok: true,
    request: { host, path, scheme },
    className,
    classSource,
    controller: controllerFor(cluster, className),
    server: { name: server.name, kind },
    status,
    location: winner,
    ingress,
    rule,
    backend,
    tls,
    candidates: candidates.map(candidateOf),
    reason: reasonFor(winner, candidates, regex),
    notes,
    ignored: set.ignored.map((i) => ({ ingress: i.ingress.key, reason: i.reason })),
  }
}

/** The path as the rule wrote it ('' for an ImplementationSpecific path left empty). */
function pathAsWritten(l: Location): string {
  const r = l.ingress?.rules[l.rule!.index]?.paths?.[l.rule!.pathIndex]
  return r ? r.path : l.path
}

function chooseLocation(server: Server, path: string, notes: string[]): { winner: Location; candidates: Location[]; regex: boolean } {
  if (!isRegexServer(server)) {
    const candidates = server.locations.filter((l) => matchesPath(l.type, l.path, path))
    candidates.sort((a, b) => compareMatches(a, b) || a.order - b.order)
    // the root location always matches, so there is always a winner
    return { winner: candidates[0], candidates, regex: false }
  }
  // enforceRegexModifier: every location is `~* "^path"`, the first match in order wins
  const seen = new Set<Location>()
  const candidates: Location[] = []
  for (const nl of nginxLocations(server)) {
    const re = safeRegex(nl.path)
    if (!re) {
      notes.push(`location "${nl.path}" is not a regular expression the simulator evaluates; it is skipped`)
      continue
    }
    if (re.test(path) && !seen.has(nl.location)) {
      seen.add(nl.location)
      candidates.push(nl.location)
    }
  }
  const root = server.locations.find((l) => l.path === '/' && l.type === 'Prefix') ?? server.locations[0]
  return { winner: candidates[0] ?? root, candidates: candidates.length ? candidates : [root], regex: true }
}

/** A case-insensitive `^path` regex; patterns with nested quantifiers (catastrophic backtracking) are refused. */
function safeRegex(path: string): RegExp | undefined {
  if (path.length > 512 || /\((?:[^()\\]|\\.)*[+*}](?:[^()\\]|\\.)*\)\s*[+*{]/.test(path)) return undefined
  try {
    return new RegExp(`^${path}`, 'i')
  } catch {
    return undefined
  }
}

function tlsFor(server: Server, winner: Location): RouteTLS {
  const t = server.tls
  if (!t) return { configured: false, defaultCertificate: true, httpRedirect: winner.ingress?.annotations[FORCE_SSL_REDIRECT] === 'true' }
  const anns = winner.ingress?.annotations ?? {}
  const redirect = anns[FORCE_SSL_REDIRECT] === 'true' || anns[SSL_REDIRECT] !== 'false'
  return { configured: true, secretName: t.secretName || undefined, ingress: t.ingress.key, defaultCertificate: t.defaultCertificate, httpRedirect: redirect }
}

export function backendLabel(l: Location): string {
  if (!l.backend) return "the controller's default backend (404)"
  return `${l.backend.name}:${l.backend.port.number ? l.backend.port.number : (l.backend.port.name ?? '')}`
}

function candidateOf(l: Location): RouteCandidate {
  return {
    ingress: l.ingress?.key,
    path: l.source === 'path' ? l.path : '/',
    pathType: l.source === 'path' ? (l.writtenType ?? 'Prefix') : 'default backend',
    source: l.source,
    backend: backendLabel(l),
    length: matchLength(l.type, l.path),
  }
}

function describePath(l: Location): string {
  if (l.source !== 'path') return l.source === 'controller-default' ? "the controller's default backend" : `${l.ingress!.key}'s defaultBackend`
  return `${l.path} (${l.writtenType ?? 'Prefix'})`
}

function reasonFor(winner: Location, candidates: Location[], regex: boolean): string {
  const others = candidates.filter((c) => c !== winner && c.source === 'path')
  if (winner.source !== 'path') {
    return winner.source === 'controller-default'
      ? 'no rule path matches, so the root location falls to the default backend'
      : `no rule path matches, so the root location goes to the defaultBackend of Ingress ${winner.ingress!.key}`
  }
  if (regex) return `first matching regex location in nginx order (use-regex or rewrite-target makes every path of this host a case-insensitive regex)${others.length ? `, before ${others.map(describePath).join(', ')}` : ''}`
  if (others.length === 0) return 'the only matching path'
  const next = others[0]
  const lw = matchLength(winner.type, winner.path)
  const ln = matchLength(next.type, next.path)
  if (lw > ln) return `longest matching path: ${describePath(winner)} is longer than ${others.map(describePath).join(', ')}`
  if (winner.type === 'Exact' && next.type === 'Prefix') return `Exact beats Prefix for paths of equal length (${describePath(next)})`
  return `same path and type as ${describePath(next)}; the earlier location wins`
}

function addNotes(set: ServerSet, server: Server, kind: string, host: string, path: string, winner: Location, notes: string[]): void {
  if (kind !== 'catch-all') {
    // a host-less path that would have beaten the winner, had this host reached the catch-all server
    const hostless = set.servers
      .get(CATCH_ALL)!
      .locations.filter((l) => l.source === 'path' && matchesPath(l.type, l.path, path) && (winner.source !== 'path' || compareMatches(l, winner) < 0))
    if (hostless.length) {
      notes.push(`rules without a host (${hostless.map((l) => `${l.ingress!.key} ${l.path}`).join(', ')}) live in the catch-all server, which ${host} does not reach because it has its own server block`)
    }
  }
  for (const c of set.conflicts) {
    if (c.host !== server.name || winner.ingress !== c.kept || c.path !== winner.path || c.type !== winner.type) continue
    const why = c.kept.object.meta.creationTimestamp < c.dropped.object.meta.creationTimestamp ? 'it is older' : 'both have the same creationTimestamp and ingress-nginx then takes names in descending order'
    notes.push(`Ingress ${c.dropped.key} also defines ${c.path} for this host; ${c.kept.key} keeps it because ${why} (ingress-nginx's admission webhook would have refused ${c.dropped.key})`)
  }
  for (const i of set.ignored) {
    const v = i.ingress
    const wouldMatch = v.rules.some((r) => hostMatches(r.host, host) && (r.paths ?? []).some((p) => matchesPath(p.pathType === 'Exact' ? 'Exact' : 'Prefix', p.path || '/', path)))
    if (wouldMatch) notes.push(`Ingress ${v.key} has a matching rule but does not count: ${i.reason}`)
  }
}
