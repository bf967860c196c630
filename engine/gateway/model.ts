/**
 * Gateway API objects read into typed data with the CRDs' defaults applied
 * (kubernetes-sigs/gateway-api v1.6.1, apis/v1 kubebuilder:default markers):
 * parentRef group/kind gateway.networking.k8s.io/Gateway and the route's
 * namespace; backendRef group "" kind Service, weight 1; a rule without
 * matches matches PathPrefix "/"; header and query matches are Exact; a
 * listener's allowedRoutes come from the Same namespace; TLS mode Terminate;
 * a redirect's statusCode 302. Each entry keeps its index so answers and
 * problems point back at the reader's text. Reading is tolerant: a field of
 * the wrong type reads as absent (the loader already reported it).
 */
import type { GenericObject, Json, JsonObject } from '../model/types.ts'
import { read } from '../cluster/context.ts'
import { GATEWAY_GROUP } from './kinds.ts'

export interface GatewayClassView {
  object: GenericObject
  name: string
  controllerName: string
  description?: string
}

export interface CertificateRefView {
  index: number
  group: string
  kind: string
  name: string
  /** as written; undefined means the Gateway's namespace */
  namespace?: string
}

export interface ListenerView {
  index: number
  name: string
  hostname?: string
  port: number
  protocol: string
  tls?: { mode: string; certificateRefs: CertificateRefView[] }
  allowedRoutes: {
    from: string
    selector?: JsonObject
    /** as written; undefined means the protocol's default kinds */
    kinds?: { index: number; group: string; kind: string }[]
  }
}

export interface GatewayView {
  object: GenericObject
  key: string
  namespace: string
  name: string
  className: string
  listeners: ListenerView[]
  addresses: { index: number; type: string; value: string }[]
}

export interface ParentRefView {
  index: number
  group: string
  kind: string
  namespace: string
  name: string
  sectionName?: string
  port?: number
}

export interface HeaderMatchView {
  type: string
  name: string
  value: string
}

export interface HTTPMatchView {
  index: number
  path: { type: string; value: string }
  headers: HeaderMatchView[]
  queryParams: HeaderMatchView[]
  method?: string
}

export interface GRPCMatchView {
  index: number
  method?: { type: string; service?: string; method?: string }
  headers: HeaderMatchView[]
}

export interface FilterView {
  index: number
  type: string
  raw: JsonObject
}

export interface BackendRefView {
  index: number
  group: string
  kind: string
  name: string
  /** the route's namespace when not written */
  namespace: string
  namespaceWritten: boolean
  port?: number
  weight: number
  filters: FilterView[]
}

export interface RuleView<M> {
  index: number
  name?: string
  matches: M[]
  /** true when the rule wrote no matches (the default PathPrefix "/" applies) */
  defaultMatch: boolean
  filters: FilterView[]
  backendRefs: BackendRefView[]
}

export interface RouteView {
  object: GenericObject
  kind: 'HTTPRoute' | 'GRPCRoute'
  key: string
  namespace: string
  name: string
  parentRefs: ParentRefView[]
  hostnames: string[]
  httpRules: RuleView<HTTPMatchView>[]
  grpcRules: RuleView<GRPCMatchView>[]
}

const str = (v: Json | undefined, d = ''): string => read.str(v) ?? d

export function gatewayClassView(g: GenericObject): GatewayClassView {
  return { object: g, name: g.meta.name, controllerName: str(g.spec.controllerName), description: read.str(g.spec.description) }
}

const GATEWAYS = new WeakMap<GenericObject, GatewayView>()

export function gatewayView(g: GenericObject): GatewayView {
  const hit = GATEWAYS.get(g)
  if (hit) return hit
  const listeners: ListenerView[] = read.arr(g.spec.listeners).map((l, index) => {
    const o = read.fields(l)
    const tls = read.obj(o.tls)
    const ar = read.fields(o.allowedRoutes)
    const ns = read.fields(ar.namespaces)
    const kinds = read.obj(o.allowedRoutes) && Array.isArray(ar.kinds) ? read.arr(ar.kinds).map((k, i) => ({ index: i, group: str(read.path(k, 'group'), GATEWAY_GROUP), kind: str(read.path(k, 'kind')) })) : undefined
    return {
      index,
      name: str(o.name),
      hostname: read.str(o.hostname),
      port: read.num(o.port) ?? 0,
      protocol: str(o.protocol),
      tls: tls
        ? {
            mode: str(tls.mode, 'Terminate'),
            certificateRefs: read.arr(tls.certificateRefs).map((c, i) => ({ index: i, group: str(read.path(c, 'group')), kind: str(read.path(c, 'kind'), 'Secret'), name: str(read.path(c, 'name')), namespace: read.str(read.path(c, 'namespace')) })),
          }
        : undefined,
      allowedRoutes: { from: str(ns.from, 'Same'), selector: read.obj(ns.selector), kinds },
    }
  })
  const view: GatewayView = {
    object: g,
    key: `${g.meta.namespace}/${g.meta.name}`,
    namespace: g.meta.namespace,
    name: g.meta.name,
    className: str(g.spec.gatewayClassName),
    listeners,
    addresses: read.arr(g.spec.addresses).map((a, index) => ({ index, type: str(read.path(a, 'type'), 'IPAddress'), value: str(read.path(a, 'value')) })),
  }
  GATEWAYS.set(g, view)
  return view
}

function headerMatches(v: Json | undefined): HeaderMatchView[] {
  return read.arr(v).map((h) => ({ type: str(read.path(h, 'type'), 'Exact'), name: str(read.path(h, 'name')), value: str(read.path(h, 'value')) }))
}

function filters(v: Json | undefined): FilterView[] {
  return read.arr(v).map((f, index) => ({ index, type: str(read.path(f, 'type')), raw: read.fields(f) }))
}

function backendRefs(v: Json | undefined, ns: string): BackendRefView[] {
  return read.arr(v).map((b, index) => {
    const o = read.fields(b)
    const written = read.str(o.namespace)
    return {
      index,
      group: str(o.group),
      kind: str(o.kind, 'Service'),
      name: str(o.name),
      namespace: written ?? ns,
      namespaceWritten: written !== undefined,
      port: read.num(o.port),
      weight: read.num(o.weight) ?? 1,
      filters: filters(o.filters),
    }
  })
}

const ROUTES = new WeakMap<GenericObject, RouteView>()

export function routeView(g: GenericObject): RouteView {
  const hit = ROUTES.get(g)
  if (hit) return hit
  const ns = g.meta.namespace
  const kind = g.kind === 'GRPCRoute' ? 'GRPCRoute' : 'HTTPRoute'
  const rawRules = read.arr(g.spec.rules)
  // HTTPRoute's spec.rules default: one rule matching PathPrefix "/" (and no backends)
  const rules = rawRules.length === 0 && kind === 'HTTPRoute' ? [{}] : rawRules
  const base = (r: Json, index: number) => {
    const o = read.fields(r)
    return { index, name: read.str(o.name), filters: filters(o.filters), backendRefs: backendRefs(o.backendRefs, ns), defaultMatch: read.arr(o.matches).length === 0, o }
  }
  const httpRules: RuleView<HTTPMatchView>[] =
    kind === 'HTTPRoute'
      ? rules.map((r, index) => {
          const { o, ...b } = base(r, index)
          const written = read.arr(o.matches)
          const matches = (written.length ? written : [{}]).map((m, i): HTTPMatchView => {
            const mo = read.fields(m)
            const p = read.fields(mo.path)
            return {
              index: i,
              path: { type: str(p.type, 'PathPrefix'), value: str(p.value, '/') },
              headers: headerMatches(mo.headers),
              queryParams: headerMatches(mo.queryParams),
              method: read.str(mo.method),
            }
          })
          return { ...b, matches }
        })
      : []
  const grpcRules: RuleView<GRPCMatchView>[] =
    kind === 'GRPCRoute'
      ? rules.map((r, index) => {
          const { o, ...b } = base(r, index)
          const written = read.arr(o.matches)
          const matches = (written.length ? written : [{}]).map((m, i): GRPCMatchView => {
            const mo = read.fields(m)
            const meth = read.obj(mo.method)
            return {
              index: i,
              method: meth ? { type: str(meth.type, 'Exact'), service: read.str(meth.service), method: read.str(meth.method) } : undefined,
              headers: headerMatches(mo.headers),
            }
          })
          return { ...b, matches }
        })
      : []
  const view: RouteView = {
    object: g,
    kind,
    key: `${ns}/${g.meta.name}`,
    namespace: ns,
    name: g.meta.name,
    parentRefs: read.arr(g.spec.parentRefs).map((p, index) => {
      const o = read.fields(p)
      return {
        index,
        group: str(o.group, GATEWAY_GROUP),
        kind: str(o.kind, 'Gateway'),
        namespace: str(o.namespace, ns),
        name: str(o.name),
        sectionName: read.str(o.sectionName),
        port: read.num(o.port),
      }
    }),
    hostnames: read.arr(g.spec.hostnames).filter((h): h is string => typeof h === 'string'),
    httpRules,
    grpcRules,
  }
  ROUTES.set(g, view)
  return view
}

export interface ReferenceGrantView {
  object: GenericObject
  namespace: string
  from: { group: string; kind: string; namespace: string }[]
  to: { group: string; kind: string; name?: string }[]
}

export function referenceGrantView(g: GenericObject): ReferenceGrantView {
  return {
    object: g,
    namespace: g.meta.namespace,
    from: read.arr(g.spec.from).map((f) => ({ group: str(read.path(f, 'group')), kind: str(read.path(f, 'kind')), namespace: str(read.path(f, 'namespace')) })),
    to: read.arr(g.spec.to).map((t) => ({ group: str(read.path(t, 'group')), kind: str(read.path(t, 'kind')), name: read.str(read.path(t, 'name')) })),
  }
}
