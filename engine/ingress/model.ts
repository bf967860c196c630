/**
 * An Ingress read into typed data (networking.k8s.io/v1 IngressSpec), keeping
 * the index of every rule, path and TLS entry so that answers and problems can
 * point back at the reader's text. Reading is tolerant: a field of the wrong
 * type reads as absent (the loader's schema check already reported it).
 */
import type { GenericObject, Json, JsonObject } from '../model/types.ts'
import { read } from '../cluster/context.ts'

export type PathType = 'Exact' | 'Prefix' | 'ImplementationSpecific'

/** IngressServiceBackend: the port as written, number or name (exactly one is valid). */
export interface ServiceBackendRef {
  name: string
  port: { number?: number; name?: string }
}

export interface BackendRef {
  service?: ServiceBackendRef
  /** TypedLocalObjectReference of a resource backend (no Service) */
  resource?: { apiGroup?: string; kind: string; name: string }
}

export interface IngressPathView {
  index: number
  /** '' when absent (allowed for ImplementationSpecific) */
  path: string
  /** as written; undefined when absent (the API server refuses that) */
  pathType?: string
  backend: BackendRef
}

export interface IngressRuleView {
  index: number
  /** '' when absent: the rule applies to every host */
  host: string
  /** undefined when the rule has no `http` */
  paths?: IngressPathView[]
}

export interface IngressTLSView {
  index: number
  hosts: string[]
  secretName: string
}

export interface IngressView {
  object: GenericObject
  /** `namespace/name` */
  key: string
  namespace: string
  name: string
  /** spec.ingressClassName as written (undefined when absent) */
  ingressClassName?: string
  /** the deprecated kubernetes.io/ingress.class annotation */
  annotationClass?: string
  defaultBackend?: BackendRef
  rules: IngressRuleView[]
  tls: IngressTLSView[]
  annotations: Record<string, string>
}

export const ANNOTATION_INGRESS_CLASS = 'kubernetes.io/ingress.class'
export const ANNOTATION_DEFAULT_CLASS = 'ingressclass.kubernetes.io/is-default-class'

function backendOf(v: Json | undefined): BackendRef | undefined {
  const o = read.obj(v)
  if (!o) return undefined
  const out: BackendRef = {}
  const svc = read.obj(o.service)
  if (svc) {
    const port = read.obj(svc.port) ?? {}
    out.service = {
      name: read.str(svc.name) ?? '',
      port: { number: read.num(port.number), name: read.str(port.name) },
    }
  }
  const res = read.obj(o.resource)
  if (res) out.resource = { apiGroup: read.str(res.apiGroup), kind: read.str(res.kind) ?? '', name: read.str(res.name) ?? '' }
  return out
}

const VIEWS = new WeakMap<GenericObject, IngressView>()

/**
 * The typed view of one Ingress (cached per object).
 *
 * @example
 * ingressView(cluster.ingresses[0]).rules[0].paths?.[0].backend.service?.name
 */
export function ingressView(g: GenericObject): IngressView {
  const cached = VIEWS.get(g)
  if (cached) return cached
  const spec: JsonObject = g.spec
  const rules: IngressRuleView[] = read.arr(spec.rules).map((r, index) => {
    const http = read.obj(read.path(r, 'http'))
    return {
      index,
      host: read.str(read.path(r, 'host')) ?? '',
      paths: http
        ? read.arr(http.paths).map((p, i) => ({
            index: i,
            path: read.str(read.path(p, 'path')) ?? '',
            pathType: read.str(read.path(p, 'pathType')),
            backend: backendOf(read.path(p, 'backend')) ?? {},
          }))
        : undefined,
    }
  })
  const tls: IngressTLSView[] = read.arr(spec.tls).map((t, index) => ({
    index,
    hosts: read.arr(read.path(t, 'hosts')).filter((h): h is string => typeof h === 'string'),
    secretName: read.str(read.path(t, 'secretName')) ?? '',
  }))
  const view: IngressView = {
    object: g,
    key: `${g.meta.namespace}/${g.meta.name}`,
    namespace: g.meta.namespace,
    name: g.meta.name,
    ingressClassName: read.str(spec.ingressClassName),
    annotationClass: g.meta.annotations[ANNOTATION_INGRESS_CLASS],
    defaultBackend: backendOf(spec.defaultBackend),
    rules,
    tls,
    annotations: g.meta.annotations,
  }
  VIEWS.set(g, view)
  return view
}

/** serviceBackendStringer (kubectl describe): `name:port`, the number when set, else the name. */
export function backendText(b: ServiceBackendRef): string {
  return `${b.name}:${b.port.number ? b.port.number : (b.port.name ?? '')}`
}

/** The port as written: the number when set (non-zero), else the name. */
export function portAsWritten(b: ServiceBackendRef): number | string {
  return b.port.number ? b.port.number : (b.port.name ?? '')
}
