/**
 * How one controller merges all Ingresses of its class into nginx server
 * blocks, modelled on ingress-nginx (internal/ingress/controller/controller.go
 * createServers + getBackendServers, location.go updateServerLocations,
 * store.go sortIngressSlice, internal/k8s/main.go SetDefaultNGINXPathType):
 *
 *  - Ingresses are taken oldest first (creationTimestamp; equal timestamps,
 *    as `kubectl apply` of one file gives, in descending `namespace/name`).
 *  - One server block per rule host across all Ingresses; rules without a
 *    host go to the catch-all server `_`, which serves every Host header that
 *    has no server block of its own (exact, or a one-label wildcard).
 *  - Every server starts with a root location `/` (Prefix) to the default
 *    backend: the spec.defaultBackend of the first Ingress that named the host,
 *    else the controller's default backend (404). The catch-all server's root
 *    goes to the defaultBackend of the first Ingress that has one and no rules.
 *  - ImplementationSpecific paths are Prefix paths to ingress-nginx.
 *  - A path already defined for the host with the same pathType keeps the
 *    first Ingress's backend (the root placeholder is replaced instead).
 *  - TLS: the first Ingress naming the host with a TLS section decides; the
 *    tls entry listing the host gives the Secret, otherwise the controller's
 *    default (self-signed) certificate is used.
 * Not modelled: canary Ingresses (skipped), server aliases, snippets, and the
 * certificate-SAN fallback of extractTLSSecretName (Secrets are not modelled).
 */
import type { Cluster } from '../model/types.ts'
import { ingressView } from './model.ts'
import type { IngressView, ServiceBackendRef } from './model.ts'
import type { MatchType } from './path-match.ts'
import { apiValidation } from './api-validation.ts'
import { servedBy } from './classes.ts'
import { wildcardMatches } from './host-match.ts'

export const CATCH_ALL = '_'
const USE_REGEX = 'nginx.ingress.kubernetes.io/use-regex'
const REWRITE_TARGET = 'nginx.ingress.kubernetes.io/rewrite-target'
const CANARY = 'nginx.ingress.kubernetes.io/canary'

export interface Location {
  /** the path nginx gets ('' read as '/') */
  path: string
  /** after SetDefaultNGINXPathType: ImplementationSpecific (and unset) are Prefix */
  type: MatchType
  /** the pathType as written, for answers */
  writtenType?: string
  ingress?: IngressView
  rule?: { index: number; host: string; pathIndex: number }
  /** undefined: the controller's default backend, which answers 404 */
  backend?: ServiceBackendRef
  source: 'path' | 'ingress-default-backend' | 'controller-default'
  /** the root location a server starts with (IsDefBackend), until a `/` path replaces it */
  placeholder: boolean
  /** its Ingress uses use-regex or rewrite-target: the whole server then matches by regex */
  regex: boolean
  /** creation order within the server */
  order: number
}

export interface ServerTLS {
  ingress: IngressView
  /** '' when the host is not listed in a tls entry with a secretName */
  secretName: string
  tlsIndex?: number
  /** the controller's self-signed default certificate is served */
  defaultCertificate: boolean
}

export interface Server {
  /** the rule host, or `_` for the catch-all server */
  name: string
  locations: Location[]
  tls?: ServerTLS
  /** the Ingress that created the server block */
  origin?: IngressView
}

export interface Conflict {
  host: string
  path: string
  type: MatchType
  kept: IngressView
  dropped: IngressView
  ruleIndex: number
  pathIndex: number
}

export interface ServerSet {
  className: string
  servers: Map<string, Server>
  /** the Ingresses this controller takes, in its order */
  served: IngressView[]
  ignored: { ingress: IngressView; reason: string }[]
  conflicts: Conflict[]
  /** Prefix paths such as /a and /a/ that ingress-nginx writes as the same `location /a/` (nginx refuses the duplicate) */
  duplicates: { host: string; location: string; first: Location; second: Location }[]
  /** the wildcard server names, sorted */
  wildcards: string[]
}

function usesRegex(v: IngressView, path: string): boolean {
  const target = v.annotations[REWRITE_TARGET]
  return v.annotations[USE_REGEX] === 'true' || (target !== undefined && target !== '' && target !== path)
}

/** sortIngressSlice: oldest first; equal timestamps in descending namespace/name. */
export function controllerOrder(a: IngressView, b: IngressView): number {
  const ta = a.object.meta.creationTimestamp
  const tb = b.object.meta.creationTimestamp
  if (ta !== tb) return ta < tb ? -1 : 1
  return a.key > b.key ? -1 : a.key < b.key ? 1 : 0
}

const CACHE = new WeakMap<Cluster, Map<string, ServerSet>>()

/**
 * The merged server blocks of class `className` ('' = class-less Ingresses),
 * cached per cluster and class.
 *
 * @example
 * buildServers(cluster, 'nginx').servers.get('shop.example.com')?.locations
 */
export function buildServers(cluster: Cluster, className: string): ServerSet {
  let perClass = CACHE.get(cluster)
  if (!perClass) CACHE.set(cluster, (perClass = new Map()))
  const hit = perClass.get(className)
  if (hit) return hit

  const refused = apiValidation(cluster).refused
  const served: IngressView[] = []
  const ignored: ServerSet['ignored'] = []
  for (const g of cluster.ingresses) {
    const v = ingressView(g)
    const s = servedBy(cluster, v, className)
    if (!s.served) ignored.push({ ingress: v, reason: `not class "${className}": ${s.reason}` })
    else if (refused.has(v.key)) ignored.push({ ingress: v, reason: 'the API server refuses it (see its diagnostics), so it does not exist' })
    else if (v.annotations[CANARY] === 'true') ignored.push({ ingress: v, reason: 'a canary Ingress: its traffic split is not modelled' })
    else served.push(v)
  }
  served.sort(controllerOrder)

  const servers = new Map<string, Server>()
  let order = 0
  const root = (backend: ServiceBackendRef | undefined, ingress: IngressView | undefined, regex: boolean): Location => ({
    path: '/',
    type: 'Prefix',
    ingress,
    backend,
    source: backend ? 'ingress-default-backend' : 'controller-default',
    placeholder: true,
    regex,
    order: order++,
  })
  servers.set(CATCH_ALL, { name: CATCH_ALL, locations: [root(undefined, undefined, false)] })

  // createServers: server blocks and their root locations
  for (const v of served) {
    const def = v.defaultBackend?.service
    if (def) {
      const catchAllRoot = servers.get(CATCH_ALL)!.locations[0]
      if (catchAllRoot.placeholder && catchAllRoot.source === 'controller-default' && v.rules.length === 0) {
        // "Ingress defines a backend but no rule": it becomes the catch-all server's backend
        Object.assign(catchAllRoot, { backend: def, ingress: v, source: 'ingress-default-backend', placeholder: false })
      }
    }
    for (const r of v.rules) {
      const host = r.host || CATCH_ALL
      if (servers.has(host)) continue
      servers.set(host, { name: host, locations: [root(def, def ? v : undefined, usesRegex(v, '/'))], origin: v })
    }
  }

  // TLS: the first Ingress with a TLS section that names the host decides
  for (const v of served) {
    if (v.tls.length === 0) continue
    for (const r of v.rules) {
      const host = r.host || CATCH_ALL
      const server = servers.get(host)!
      // the catch-all server always has the default certificate
      if (host === CATCH_ALL || server.tls) continue
      const entry = v.tls.find((t) => t.hosts.some((h) => h.toLowerCase() === host.toLowerCase()))
      const secretName = entry?.secretName ?? ''
      server.tls = { ingress: v, secretName, tlsIndex: entry?.index, defaultCertificate: secretName === '' }
    }
  }

  // getBackendServers: locations
  const conflicts: Conflict[] = []
  const byPath = new Map<Server, Map<string, Location>>()
  for (const server of servers.values()) byPath.set(server, new Map([['Prefix /', server.locations[0]]]))
  for (const v of served) {
    for (const r of v.rules) {
      const host = r.host || CATCH_ALL
      const server = servers.get(host) ?? servers.get(CATCH_ALL)!
      if (!r.paths) continue
      for (const p of r.paths) {
        // resource backends: "does not contain a service backend, using default backend"
        if (!p.backend.service) continue
        const path = p.path || '/'
        const type: MatchType = p.pathType === 'Exact' ? 'Exact' : 'Prefix'
        const index = byPath.get(server)!
        const same = index.get(`${type} ${path}`)
        const fields = { backend: p.backend.service, ingress: v, rule: { index: r.index, host: r.host, pathIndex: p.index }, writtenType: p.pathType, regex: usesRegex(v, path) }
        if (same?.placeholder) Object.assign(same, fields, { source: 'path', placeholder: false })
        else if (same) conflicts.push({ host, path, type, kept: same.ingress!, dropped: v, ruleIndex: r.index, pathIndex: p.index })
        else {
          const loc: Location = { path, type, source: 'path', placeholder: false, order: order++, ...fields }
          server.locations.push(loc)
          index.set(`${type} ${path}`, loc)
        }
      }
    }
  }

  const duplicates: ServerSet['duplicates'] = []
  for (const server of servers.values()) {
    const seen = new Map<string, Location>()
    for (const l of server.locations) {
      if (l.type !== 'Prefix' || l.path === '/' || l.regex) continue
      const written = l.path.endsWith('/') ? l.path : `${l.path}/`
      const first = seen.get(written)
      if (first) duplicates.push({ host: server.name, location: written, first, second: l })
      else seen.set(written, l)
    }
  }

  const wildcards = [...servers.keys()].filter((n) => n.startsWith('*.')).sort()
  const set: ServerSet = { className, servers, served, ignored, conflicts, duplicates, wildcards }
  perClass.set(className, set)
  return set
}

/**
 * The server block nginx picks for a (normalised) Host header: exact name,
 * then a one-label wildcard, then `_`.
 *
 * @example
 * selectServer(buildServers(cluster, 'nginx'), 'bar.foo.com') // { server: *.foo.com's block, kind: 'wildcard' }
 */
export function selectServer(set: ServerSet, host: string): { server: Server; kind: 'exact' | 'wildcard' | 'catch-all' } {
  const exact = host !== CATCH_ALL ? set.servers.get(host) : undefined
  if (exact) return { server: exact, kind: 'exact' }
  for (const w of set.wildcards) if (wildcardMatches(w, host)) return { server: set.servers.get(w)!, kind: 'wildcard' }
  return { server: set.servers.get(CATCH_ALL)!, kind: 'catch-all' }
}

/** A location as nginx.tmpl writes it, in the order nginx reads regex locations. */
export interface NginxLocation {
  location: Location
  /** the path in the location directive after updateServerLocations */
  path: string
  /** '=' exact, '' prefix, '~*' case-insensitive regex (the whole server in regex mode) */
  modifier: '=' | '' | '~*'
}

/**
 * The server's locations as ingress-nginx writes them: sorted by descending
 * path length (then descending path), a Prefix path `/foo` becomes `/foo/`
 * plus an exact `= /foo` (unless an Exact `/foo` exists or the location uses
 * a regex), and when any location of the server uses use-regex or
 * rewrite-target every location becomes `~* "^path"` (enforceRegexModifier).
 *
 * @example
 * nginxLocations(server).map((l) => `${l.modifier} ${l.path}`) // ['/foo/', '= /foo', '/']
 */
export function nginxLocations(server: Server): NginxLocation[] {
  const sorted = [...server.locations]
  sorted.sort((a, b) => (a.path > b.path ? -1 : a.path < b.path ? 1 : 0))
  sorted.sort((a, b) => b.path.length - a.path.length)
  const regexMode = server.locations.some((l) => l.regex)
  const exact = new Set(server.locations.filter((l) => l.type === 'Exact').map((l) => l.path))
  const out: NginxLocation[] = []
  const mod = (m: '=' | ''): NginxLocation['modifier'] => (regexMode ? '~*' : m)
  for (const l of sorted) {
    if (l.path === '/' || l.type === 'Exact' || l.regex) {
      out.push({ location: l, path: l.path, modifier: mod(l.type === 'Exact' ? '=' : '') })
      continue
    }
    const normalised = l.path.endsWith('/') ? l.path : `${l.path}/`
    out.push({ location: l, path: normalised, modifier: mod('') })
    if (!exact.has(l.path)) out.push({ location: l, path: l.path, modifier: mod('=') })
  }
  return out
}

export function isRegexServer(server: Server): boolean {
  return server.locations.some((l) => l.regex)
}
