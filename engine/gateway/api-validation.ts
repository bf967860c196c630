/**
 * What the API server refuses for the Gateway API kinds, in its words: the
 * OpenAPI checks (enum, pattern, minimum/maximum, required) and the CEL rules
 * (x-kubernetes-validations) of the standard-channel CRDs of
 * kubernetes-sigs/gateway-api v1.6.1 (config/crd/standard/*.yaml). Field
 * errors read as apiextensions-apiserver prints them: `PATH: Invalid value:
 * "object": MESSAGE` for a CEL rule on an object ("array" on a list),
 * `PATH: Unsupported value: "X": supported values: …` for an enum,
 * `PATH in body should match '…'` for a pattern. An object with an error
 * does not exist for routing, as the API server would not have stored it.
 */
import type { Cluster, GenericObject, Json } from '../model/types.ts'
import type { ObjectProblem } from '../cluster/checks.ts'
import { FieldErrors, goValue } from '../cluster/field-errors.ts'
import type { Path } from '../cluster/field-errors.ts'
import { read } from '../cluster/context.ts'
import { fieldPath } from '../load/schema.ts'

export type { Path }

const DNS_SUBDOMAIN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$'
const HOSTNAME = '^(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$'
const HEADER_NAME = "^[A-Za-z0-9!#$%&'*+\\-.^_\\x60|~]+$"
const GROUP = '^$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$'
const KIND = '^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$'
const NAMESPACE = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$'
const PROTOCOL = '^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$|[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\\/[A-Za-z0-9]+$'
const CONTROLLER_NAME = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\\/[A-Za-z0-9\\/\\-._~%!$&\'()*+,;=:]+$'
const PATH_CHARS = /^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$/
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH']
const FILTER_TYPES = ['RequestHeaderModifier', 'ResponseHeaderModifier', 'RequestMirror', 'RequestRedirect', 'URLRewrite', 'ExtensionRef', 'CORS']
const GRPC_FILTER_TYPES = ['ResponseHeaderModifier', 'RequestHeaderModifier', 'RequestMirror', 'ExtensionRef']
/** filter type → the field that must hold its configuration */
const FILTER_FIELD: Record<string, string> = {
  RequestHeaderModifier: 'requestHeaderModifier',
  ResponseHeaderModifier: 'responseHeaderModifier',
  RequestMirror: 'requestMirror',
  RequestRedirect: 'requestRedirect',
  URLRewrite: 'urlRewrite',
  ExtensionRef: 'extensionRef',
  CORS: 'cors',
}

/** The field errors of apiextensions-apiserver: the core ones, and the OpenAPI and CEL shapes. */
class Collector extends FieldErrors {
  /** a CEL rule on an object or list */
  cel(path: Path, what: 'object' | 'array', message: string): void {
    this.push(path, `${fieldPath(path)}: Invalid value: "${what}": ${message}`, 'invalid-value')
  }
  enumOf(path: Path, v: Json | undefined, supported: (string | number)[]): void {
    if (v === undefined || supported.includes(v as string | number)) return
    this.push(path, `${fieldPath(path)}: Unsupported value: ${goValue(v)}: supported values: ${supported.map((s) => (typeof s === 'string' ? `"${s}"` : String(s))).join(', ')}`, 'unsupported-value')
  }
  pattern(path: Path, v: Json | undefined, re: string, maxLength?: number): void {
    if (typeof v !== 'string') return
    if (v.length === 0) {
      this.push(path, `${fieldPath(path)}: Invalid value: "": ${fieldPath(path)} in body should be at least 1 chars long`, 'invalid-value')
      return
    }
    if (maxLength !== undefined && v.length > maxLength) {
      this.push(path, `${fieldPath(path)}: Too long: may not be more than ${maxLength} bytes`, 'too-long')
      return
    }
    if (!new RegExp(re).test(v)) this.push(path, `${fieldPath(path)}: Invalid value: ${goValue(v)}: ${fieldPath(path)} in body should match '${re}'`, 'invalid-value')
  }
  range(path: Path, v: Json | undefined, min: number, max?: number): void {
    if (typeof v !== 'number') return
    if (v < min) this.push(path, `${fieldPath(path)}: Invalid value: ${v}: ${fieldPath(path)} in body should be greater than or equal to ${min}`, 'invalid-value')
    else if (max !== undefined && v > max) this.push(path, `${fieldPath(path)}: Invalid value: ${v}: ${fieldPath(path)} in body should be less than or equal to ${max}`, 'invalid-value')
  }
  nonEmpty(path: Path, v: Json | undefined): void {
    if (v === undefined || v === '') this.required(path)
  }
}

const obj = (v: Json | undefined) => read.fields(v)
const has = (o: Record<string, Json>, k: string) => o[k] !== undefined && o[k] !== null

function parentRefs(c: Collector, spec: Record<string, Json>): void {
  const refs = read.arr(spec.parentRefs)
  refs.forEach((r, i) => {
    const o = obj(r)
    const at: Path = ['spec', 'parentRefs', i]
    c.nonEmpty([...at, 'name'], o.name)
    c.pattern([...at, 'group'], o.group, GROUP)
    c.pattern([...at, 'kind'], o.kind, KIND)
    c.pattern([...at, 'namespace'], o.namespace, NAMESPACE)
    c.pattern([...at, 'sectionName'], o.sectionName, DNS_SUBDOMAIN)
    c.range([...at, 'port'], o.port, 1, 65535)
  })
  // CEL on spec.parentRefs: two references to one parent need distinct sectionNames
  const key = (o: Record<string, Json>) => `${read.str(o.group) ?? 'gateway.networking.k8s.io'}|${read.str(o.kind) ?? 'Gateway'}|${read.str(o.name) ?? ''}|${read.str(o.namespace) ?? ''}`
  const list = refs.map(obj)
  const sec = (o: Record<string, Json>) => read.str(o.sectionName) ?? ''
  let unset = false
  let dup = false
  for (const a of list) {
    for (const b of list) {
      if (a === b || key(a) !== key(b)) continue
      if ((sec(a) === '') !== (sec(b) === '')) unset = true
      if (sec(a) === sec(b)) dup = true
    }
  }
  if (unset) c.cel(['spec', 'parentRefs'], 'array', 'sectionName must be specified when parentRefs includes 2 or more references to the same parent')
  if (dup) c.cel(['spec', 'parentRefs'], 'array', 'sectionName must be unique when parentRefs includes 2 or more references to the same parent')
}

function hostnames(c: Collector, spec: Record<string, Json>): void {
  read.arr(spec.hostnames).forEach((h, i) => c.pattern(['spec', 'hostnames', i], h, HOSTNAME, 253))
}

function backendRef(c: Collector, at: Path, b: Json): void {
  const o = obj(b)
  c.nonEmpty([...at, 'name'], o.name)
  c.pattern([...at, 'group'], o.group, GROUP)
  c.pattern([...at, 'kind'], o.kind, KIND)
  c.pattern([...at, 'namespace'], o.namespace, NAMESPACE)
  c.range([...at, 'port'], o.port, 1, 65535)
  // CEL: (size(self.group) == 0 && self.kind == 'Service') ? has(self.port) : true
  if ((read.str(o.group) ?? '') === '' && (read.str(o.kind) ?? 'Service') === 'Service' && !has(o, 'port')) c.cel(at, 'object', 'Must have port for Service reference')
}

function headerList(c: Collector, at: Path, v: Json | undefined, types: string[]): void {
  read.arr(v).forEach((h, i) => {
    const o = obj(h)
    c.nonEmpty([...at, i, 'name'], o.name)
    c.pattern([...at, i, 'name'], o.name, HEADER_NAME, 256)
    c.nonEmpty([...at, i, 'value'], o.value)
    c.enumOf([...at, i, 'type'], o.type, types)
  })
}

function pathModifier(c: Collector, at: Path, v: Json | undefined): void {
  if (!read.obj(v)) return
  const o = obj(v)
  if (o.type === undefined) c.required([...at, 'type'])
  c.enumOf([...at, 'type'], o.type, ['ReplaceFullPath', 'ReplacePrefixMatch'])
  if (o.type === 'ReplaceFullPath' && !has(o, 'replaceFullPath')) c.cel(at, 'object', "replaceFullPath must be specified when type is set to 'ReplaceFullPath'")
  if (has(o, 'replaceFullPath') && o.type !== 'ReplaceFullPath') c.cel(at, 'object', "type must be 'ReplaceFullPath' when replaceFullPath is set")
  if (o.type === 'ReplacePrefixMatch' && !has(o, 'replacePrefixMatch')) c.cel(at, 'object', "replacePrefixMatch must be specified when type is set to 'ReplacePrefixMatch'")
  if (has(o, 'replacePrefixMatch') && o.type !== 'ReplacePrefixMatch') c.cel(at, 'object', "type must be 'ReplacePrefixMatch' when replacePrefixMatch is set")
}

function headerModifier(c: Collector, at: Path, v: Json | undefined): void {
  const o = obj(v)
  for (const k of ['set', 'add']) {
    read.arr(o[k]).forEach((h, i) => {
      const ho = obj(h)
      c.nonEmpty([...at, k, i, 'name'], ho.name)
      c.pattern([...at, k, i, 'name'], ho.name, HEADER_NAME, 256)
      if (ho.value === undefined) c.required([...at, k, i, 'value'])
    })
  }
}

function filterList(c: Collector, at: Path, v: Json | undefined, types: string[]): void {
  const list = read.arr(v)
  list.forEach((f, i) => {
    const o = obj(f)
    const fat: Path = [...at, i]
    const type = read.str(o.type)
    if (o.type === undefined) c.required([...fat, 'type'])
    c.enumOf([...fat, 'type'], o.type, types)
    // CEL on each filter: the type's field is set, every other one is nil
    for (const [t, field] of Object.entries(FILTER_FIELD)) {
      if (!types.includes(t)) continue
      if (type !== t && has(o, field)) c.cel(fat, 'object', `filter.${field} must be nil if the filter.type is not ${t}`)
      if (type === t && !has(o, field)) c.cel(fat, 'object', `filter.${field} must be specified for ${t} filter.type`)
    }
    if (type === 'RequestRedirect') {
      const r = obj(o.requestRedirect)
      c.enumOf([...fat, 'requestRedirect', 'scheme'], r.scheme, ['http', 'https'])
      c.enumOf([...fat, 'requestRedirect', 'statusCode'], r.statusCode, [301, 302, 303, 307, 308])
      c.pattern([...fat, 'requestRedirect', 'hostname'], r.hostname, DNS_SUBDOMAIN, 253)
      c.range([...fat, 'requestRedirect', 'port'], r.port, 1, 65535)
      pathModifier(c, [...fat, 'requestRedirect', 'path'], r.path)
    }
    if (type === 'URLRewrite') {
      const r = obj(o.urlRewrite)
      c.pattern([...fat, 'urlRewrite', 'hostname'], r.hostname, DNS_SUBDOMAIN, 253)
      pathModifier(c, [...fat, 'urlRewrite', 'path'], r.path)
    }
    if (type === 'RequestHeaderModifier') headerModifier(c, [...fat, 'requestHeaderModifier'], o.requestHeaderModifier)
    if (type === 'ResponseHeaderModifier') headerModifier(c, [...fat, 'responseHeaderModifier'], o.responseHeaderModifier)
    if (type === 'RequestMirror') {
      const m = obj(o.requestMirror)
      if (!has(m, 'backendRef')) c.required([...fat, 'requestMirror', 'backendRef'])
      else backendRef(c, [...fat, 'requestMirror', 'backendRef'], m.backendRef)
      c.range([...fat, 'requestMirror', 'percent'], m.percent, 0, 100)
      if (has(m, 'percent') && has(m, 'fraction')) c.cel([...fat, 'requestMirror'], 'object', 'Only one of percent or fraction may be specified in HTTPRequestMirrorFilter')
    }
  })
  // CEL on the list: a redirect and a rewrite exclude each other, and no type repeats
  const count = (t: string) => list.filter((f) => obj(f).type === t).length
  if (types.includes('URLRewrite') && count('RequestRedirect') > 0 && count('URLRewrite') > 0) {
    c.cel(at, 'array', 'May specify either httpRouteFilterRequestRedirect or httpRouteFilterRequestRewrite, but not both')
  }
  for (const t of ['CORS', 'RequestHeaderModifier', 'ResponseHeaderModifier', 'RequestRedirect', 'URLRewrite']) {
    if (types.includes(t) && count(t) > 1) c.cel(at, 'array', `${t} filter cannot be repeated`)
  }
}

function pathMatch(c: Collector, at: Path, v: Json | undefined): void {
  if (!read.obj(v)) return
  const o = obj(v)
  const type = read.str(o.type) ?? 'PathPrefix'
  const value = read.str(o.value) ?? '/'
  if (o.type !== undefined && !['Exact', 'PathPrefix', 'RegularExpression'].includes(type)) {
    c.enumOf([...at, 'type'], o.type, ['Exact', 'PathPrefix', 'RegularExpression'])
    return
  }
  if (value.length > 1024) c.push([...at, 'value'], `${fieldPath([...at, 'value'])}: Too long: may not be more than 1024 bytes`, 'too-long')
  if (type === 'RegularExpression') return
  // the CEL rules of HTTPPathMatch, in the CRD's order
  const rules: [boolean, string][] = [
    [!value.startsWith('/'), 'value must be an absolute path and start with \'/\''],
    [value.includes('//'), "must not contain '//'"],
    [value.includes('/./'), "must not contain '/./'"],
    [value.includes('/../'), "must not contain '/../'"],
    [value.includes('%2f'), "must not contain '%2f'"],
    [value.includes('%2F'), "must not contain '%2F'"],
    [value.includes('#'), "must not contain '#'"],
    [value.endsWith('/..'), "must not end with '/..'"],
    [value.endsWith('/.'), "must not end with '/.'"],
  ]
  for (const [bad, msg] of rules) if (bad) c.cel(at, 'object', `${msg} when type one of ['Exact', 'PathPrefix']`)
  if (!PATH_CHARS.test(value)) c.cel(at, 'object', "must only contain valid characters (matching ^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$) for types ['Exact', 'PathPrefix']")
}

function httpRoute(c: Collector, g: GenericObject): void {
  const spec = g.spec
  parentRefs(c, spec)
  hostnames(c, spec)
  const rules = read.arr(spec.rules)
  let total = 0
  rules.forEach((r, ri) => {
    const o = obj(r)
    const at: Path = ['spec', 'rules', ri]
    c.pattern([...at, 'name'], o.name, DNS_SUBDOMAIN, 253)
    const matches = read.arr(o.matches)
    total += matches.length
    matches.forEach((m, mi) => {
      const mo = obj(m)
      const mat: Path = [...at, 'matches', mi]
      pathMatch(c, [...mat, 'path'], mo.path)
      headerList(c, [...mat, 'headers'], mo.headers, ['Exact', 'RegularExpression'])
      headerList(c, [...mat, 'queryParams'], mo.queryParams, ['Exact', 'RegularExpression'])
      c.enumOf([...mat, 'method'], mo.method, METHODS)
    })
    filterList(c, [...at, 'filters'], o.filters, FILTER_TYPES)
    const backends = read.arr(o.backendRefs)
    backends.forEach((b, bi) => {
      backendRef(c, [...at, 'backendRefs', bi], b)
      c.range([...at, 'backendRefs', bi, 'weight'], obj(b).weight, 0, 1000000)
      filterList(c, [...at, 'backendRefs', bi, 'filters'], obj(b).filters, FILTER_TYPES)
    })
    // CEL rules of HTTPRouteRule
    const filters = read.arr(o.filters).map(obj)
    if (backends.length > 0 && filters.some((f) => has(f, 'requestRedirect'))) c.cel(at, 'object', 'RequestRedirect filter must not be used together with backendRefs')
    const onePrefix = matches.length === 1 && read.str(read.path(matches[0], 'path', 'type')) === 'PathPrefix'
    const usesPrefix = (f: Record<string, Json>, field: string) => read.str(read.path(f[field], 'path', 'type')) === 'ReplacePrefixMatch' && read.path(f[field], 'path', 'replacePrefixMatch') !== undefined
    if (filters.filter((f) => usesPrefix(f, 'requestRedirect')).length === 1 && !onePrefix) c.cel(at, 'object', 'When using RequestRedirect filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified')
    if (filters.filter((f) => usesPrefix(f, 'urlRewrite')).length === 1 && !onePrefix) c.cel(at, 'object', 'When using URLRewrite filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified')
  })
  if (rules.length > 16) c.push(['spec', 'rules'], `spec.rules: Too many: ${rules.length}: must have at most 16 items`, 'too-many')
  if (total >= 128) c.cel(['spec', 'rules'], 'array', 'While 16 rules and 64 matches per rule are allowed, the total number of matches across all rules in a route must be less than 128')
}

function grpcRoute(c: Collector, g: GenericObject): void {
  const spec = g.spec
  parentRefs(c, spec)
  hostnames(c, spec)
  read.arr(spec.rules).forEach((r, ri) => {
    const o = obj(r)
    const at: Path = ['spec', 'rules', ri]
    read.arr(o.matches).forEach((m, mi) => {
      const mo = obj(m)
      const mat: Path = [...at, 'matches', mi]
      const meth = read.obj(mo.method)
      if (meth) {
        c.enumOf([...mat, 'method', 'type'], meth.type, ['Exact', 'RegularExpression'])
        // CEL on GRPCMethodMatch
        if (!has(meth, 'service') && !has(meth, 'method')) c.cel([...mat, 'method'], 'object', 'One or both of \'service\' or \'method\' must be specified')
      }
      headerList(c, [...mat, 'headers'], mo.headers, ['Exact', 'RegularExpression'])
    })
    filterList(c, [...at, 'filters'], o.filters, GRPC_FILTER_TYPES)
    read.arr(o.backendRefs).forEach((b, bi) => {
      backendRef(c, [...at, 'backendRefs', bi], b)
      c.range([...at, 'backendRefs', bi, 'weight'], obj(b).weight, 0, 1000000)
    })
  })
}

function gateway(c: Collector, g: GenericObject): void {
  const spec = g.spec
  if (read.obj(g.raw.spec) === undefined) {
    c.required(['spec'])
    return
  }
  c.nonEmpty(['spec', 'gatewayClassName'], spec.gatewayClassName)
  if (!Array.isArray(spec.listeners)) {
    c.required(['spec', 'listeners'])
    return
  }
  const listeners = read.arr(spec.listeners).map(obj)
  if (listeners.length === 0) c.push(['spec', 'listeners'], 'spec.listeners: Invalid value: 0: spec.listeners in body should have at least 1 items', 'invalid-value')
  listeners.forEach((l, i) => {
    const at: Path = ['spec', 'listeners', i]
    c.nonEmpty([...at, 'name'], l.name)
    c.pattern([...at, 'name'], l.name, DNS_SUBDOMAIN, 253)
    if (l.port === undefined) c.required([...at, 'port'])
    c.range([...at, 'port'], l.port, 1, 65535)
    c.nonEmpty([...at, 'protocol'], l.protocol)
    c.pattern([...at, 'protocol'], l.protocol, PROTOCOL, 255)
    c.pattern([...at, 'hostname'], l.hostname, HOSTNAME, 253)
    const tls = read.obj(l.tls)
    if (tls) {
      c.enumOf([...at, 'tls', 'mode'], tls.mode, ['Terminate', 'Passthrough'])
      if ((read.str(tls.mode) ?? 'Terminate') === 'Terminate' && read.arr(tls.certificateRefs).length === 0 && !read.obj(tls.options)) c.cel([...at, 'tls'], 'object', 'certificateRefs or options must be specified when mode is Terminate')
      read.arr(tls.certificateRefs).forEach((r, ri) => c.nonEmpty([...at, 'tls', 'certificateRefs', ri, 'name'], obj(r).name))
    }
    const ns = read.obj(read.path(l.allowedRoutes, 'namespaces'))
    if (ns) c.enumOf([...at, 'allowedRoutes', 'namespaces', 'from'], ns.from, ['All', 'Selector', 'Same'])
    read.arr(read.path(l.allowedRoutes, 'kinds')).forEach((k, ki) => c.nonEmpty([...at, 'allowedRoutes', 'kinds', ki, 'kind'], obj(k).kind))
  })
  // CEL on spec.listeners, in the CRD's order
  const proto = (l: Record<string, Json>) => read.str(l.protocol) ?? ''
  const L: Path = ['spec', 'listeners']
  if (listeners.some((l) => ['HTTP', 'TCP', 'UDP'].includes(proto(l)) && has(l, 'tls'))) c.cel(L, 'array', "tls must not be specified for protocols ['HTTP', 'TCP', 'UDP']")
  if (listeners.some((l) => proto(l) === 'HTTPS' && has(l, 'tls') && (read.str(read.path(l.tls, 'mode')) ?? 'Terminate') !== 'Terminate')) c.cel(L, 'array', 'tls mode must be Terminate for protocol HTTPS')
  if (listeners.some((l) => proto(l) === 'TLS' && !has(obj(l.tls), 'mode'))) c.cel(L, 'array', 'tls mode must be set for protocol TLS')
  if (listeners.some((l) => ['TCP', 'UDP'].includes(proto(l)) && has(l, 'hostname'))) c.cel(L, 'array', "hostname must not be specified for protocols ['TCP', 'UDP']")
  const names = listeners.map((l) => read.str(l.name) ?? '')
  if (new Set(names).size !== names.length) c.cel(L, 'array', 'Listener name must be unique within the Gateway')
  const combos = listeners.map((l) => `${read.num(l.port) ?? ''}|${proto(l)}|${read.str(l.hostname) ?? ''}`)
  if (new Set(combos).size !== combos.length) c.cel(L, 'array', 'Combination of port, protocol and hostname must be unique for each listener')
  read.arr(spec.addresses).forEach((a, i) => {
    const o = obj(a)
    const type = read.str(o.type) ?? 'IPAddress'
    c.pattern(['spec', 'addresses', i, 'value'], o.value, '.*', 253)
    if (type === 'Hostname' && typeof o.value === 'string' && o.value !== '' && !new RegExp(HOSTNAME).test(o.value)) {
      c.cel(['spec', 'addresses', i], 'object', "Hostname value must be empty or contain only valid characters (matching ^(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$)")
    }
  })
}

function gatewayClass(c: Collector, g: GenericObject): void {
  if (read.obj(g.raw.spec) === undefined) {
    c.required(['spec'])
    return
  }
  c.nonEmpty(['spec', 'controllerName'], g.spec.controllerName)
  c.pattern(['spec', 'controllerName'], g.spec.controllerName, CONTROLLER_NAME, 253)
}

function referenceGrant(c: Collector, g: GenericObject): void {
  for (const side of ['from', 'to'] as const) {
    const list = read.arr(g.spec[side])
    if (!Array.isArray(g.spec[side])) c.required(['spec', side])
    else if (list.length === 0) c.push(['spec', side], `spec.${side}: Invalid value: 0: spec.${side} in body should have at least 1 items`, 'invalid-value')
    list.forEach((x, i) => {
      const o = obj(x)
      if (o.group === undefined) c.required(['spec', side, i, 'group'])
      c.pattern(['spec', side, i, 'group'], o.group === '' ? undefined : o.group, GROUP)
      c.nonEmpty(['spec', side, i, 'kind'], o.kind)
      c.pattern(['spec', side, i, 'kind'], o.kind, KIND)
      if (side === 'from') {
        c.nonEmpty(['spec', side, i, 'namespace'], o.namespace)
        c.pattern(['spec', side, i, 'namespace'], o.namespace, NAMESPACE)
      }
    })
  }
}

/**
 * Would the API server refuse this Gateway? For the data plane, which is
 * built before the cluster (and its validation) exists.
 */
export function gatewayRefused(g: GenericObject): boolean {
  const c = new Collector(g)
  gateway(c, g)
  return c.out.length > 0
}

export interface ApiValidation {
  problems: ObjectProblem[]
  /** `Kind ns/name` of objects the API server would refuse */
  refused: Set<string>
}

const CACHE = new WeakMap<Cluster, ApiValidation>()

export const objectKey = (g: GenericObject) => `${g.kind} ${g.meta.namespace}/${g.meta.name}`

/**
 * Every API-server error of the cluster's Gateway API objects (cached per cluster).
 *
 * @example
 * apiValidation(cluster).refused.has('HTTPRoute default/web') // true when the API server refuses it
 */
export function apiValidation(cluster: Cluster): ApiValidation {
  const hit = CACHE.get(cluster)
  if (hit) return hit
  const problems: ObjectProblem[] = []
  const refused = new Set<string>()
  const run = (list: GenericObject[], check: (c: Collector, g: GenericObject) => void) => {
    for (const g of list) {
      const c = new Collector(g)
      check(c, g)
      if (c.out.length) {
        refused.add(objectKey(g))
        problems.push(...c.out)
      }
    }
  }
  run(cluster.gatewayClasses, gatewayClass)
  run(cluster.gateways, gateway)
  run(cluster.httpRoutes, httpRoute)
  run(cluster.grpcRoutes, grpcRoute)
  run(cluster.referenceGrants, referenceGrant)
  const out = { problems, refused }
  CACHE.set(cluster, out)
  return out
}
