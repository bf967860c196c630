/**
 * The object as the API server stores it: the CRDs' defaults applied
 * (kubernetes-sigs/gateway-api v1.6.1 config/crd/standard, `default:` in the
 * schemas) and metadata.generation 1, as `kubectl get -o yaml` and
 * `kubectl describe` show it. Defaults apply only inside objects the reader
 * wrote; nothing else is invented.
 */
import type { GenericObject, Json, JsonObject } from '../model/types.ts'
import { read } from '../cluster/context.ts'
import { GATEWAY_GROUP } from './kinds.ts'

const clone = <T extends Json>(v: T): T => JSON.parse(JSON.stringify(v)) as T
const objects = (v: Json | undefined): JsonObject[] => read.arr(v).filter((x): x is JsonObject => !!x && typeof x === 'object' && !Array.isArray(x))

function backendRefDefaults(b: JsonObject): void {
  if (b.group === undefined) b.group = ''
  if (b.kind === undefined) b.kind = 'Service'
}

function filterDefaults(f: JsonObject): void {
  const redirect = read.obj(f.requestRedirect)
  if (redirect && redirect.statusCode === undefined) redirect.statusCode = 302
  const mirror = read.obj(f.requestMirror)
  if (mirror && read.obj(mirror.backendRef)) backendRefDefaults(mirror.backendRef as JsonObject)
}

function routeDefaults(spec: JsonObject, grpc: boolean): void {
  for (const p of objects(spec.parentRefs)) {
    if (p.group === undefined) p.group = GATEWAY_GROUP
    if (p.kind === undefined) p.kind = 'Gateway'
  }
  if (!grpc && spec.rules === undefined) spec.rules = [{ matches: [{ path: { type: 'PathPrefix', value: '/' } }] }]
  for (const r of objects(spec.rules)) {
    if (!grpc) {
      if (r.matches === undefined) r.matches = [{ path: { type: 'PathPrefix', value: '/' } }]
      for (const m of objects(r.matches)) {
        if (m.path === undefined) m.path = { type: 'PathPrefix', value: '/' }
        const p = read.obj(m.path)
        if (p) {
          if (p.type === undefined) p.type = 'PathPrefix'
          if (p.value === undefined) p.value = '/'
        }
        for (const h of [...objects(m.headers), ...objects(m.queryParams)]) if (h.type === undefined) h.type = 'Exact'
      }
    } else {
      for (const m of objects(r.matches)) {
        const meth = read.obj(m.method)
        if (meth && meth.type === undefined) meth.type = 'Exact'
        for (const h of objects(m.headers)) if (h.type === undefined) h.type = 'Exact'
      }
    }
    for (const f of objects(r.filters)) filterDefaults(f)
    for (const b of objects(r.backendRefs)) {
      backendRefDefaults(b)
      if (b.weight === undefined) b.weight = 1
      for (const f of objects(b.filters)) filterDefaults(f)
    }
  }
}

function gatewayDefaults(spec: JsonObject): void {
  for (const l of objects(spec.listeners)) {
    if (l.allowedRoutes === undefined) l.allowedRoutes = { namespaces: { from: 'Same' } }
    const ar = read.obj(l.allowedRoutes)
    if (ar) {
      if (ar.namespaces === undefined) ar.namespaces = { from: 'Same' }
      const ns = read.obj(ar.namespaces)
      if (ns && ns.from === undefined) ns.from = 'Same'
      for (const k of objects(ar.kinds)) if (k.group === undefined) k.group = GATEWAY_GROUP
    }
    const tls = read.obj(l.tls)
    if (tls) {
      if (tls.mode === undefined) tls.mode = 'Terminate'
      for (const c of objects(tls.certificateRefs)) {
        if (c.group === undefined) c.group = ''
        if (c.kind === undefined) c.kind = 'Secret'
      }
    }
  }
  for (const a of objects(spec.addresses)) if (a.type === undefined) a.type = 'IPAddress'
}

/** The stored form of a Gateway API object's spec (and metadata.generation). */
export function storedJson(g: GenericObject, json: JsonObject): JsonObject {
  const out = clone(json)
  const meta = read.obj(out.metadata)
  if (meta && meta.generation === undefined) meta.generation = 1
  const spec = read.obj(out.spec)
  if (!spec) return out
  if (g.kind === 'Gateway') gatewayDefaults(spec)
  else if (g.kind === 'HTTPRoute') routeDefaults(spec, false)
  else if (g.kind === 'GRPCRoute') routeDefaults(spec, true)
  return out
}
