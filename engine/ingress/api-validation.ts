/**
 * What the API server refuses, in its own words: ValidateIngressCreate and
 * ValidateIngressClass (kubernetes/kubernetes pkg/apis/networking/validation,
 * messages from k8s.io/apimachinery/pkg/util/validation and field.Error).
 * In v1.37 RelaxedServiceNameValidation is GA (KEP-5311), so a backend
 * Service name is checked as a DNS-1123 label, as Service names themselves are
 * (IngressValidationOptions.AllowRelaxedServiceNameValidation). metadata (name, labels) is checked by
 * the loader for every kind and is not repeated here.
 */
import type { Cluster, GenericObject, Json } from '../model/types.ts'
import { read } from '../cluster/context.ts'
import { nameProblems } from '../load/names.ts'
import { portNameProblems } from '../cluster/pod-spec.ts'
import type { ObjectProblem } from '../cluster/checks.ts'
import { FieldErrors } from '../cluster/field-errors.ts'
import type { Path } from '../cluster/field-errors.ts'
import { ANNOTATION_INGRESS_CLASS } from './model.ts'

export type { Path }

const SUPPORTED_PATH_TYPES = ['Exact', 'ImplementationSpecific', 'Prefix']
const INVALID_PATH_SEQUENCES = ['//', '/./', '/../', '%2f', '%2F']
const INVALID_PATH_SUFFIXES = ['/..', '/.']
const WILDCARD_SUBDOMAIN = /^\*\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/

/** validation.IsWildcardDNS1123Subdomain */
export function wildcardProblems(host: string): string[] {
  const out: string[] = []
  if (host.length > 253) out.push('must be no more than 253 characters')
  if (!WILDCARD_SUBDOMAIN.test(host)) {
    out.push(
      "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    )
  }
  return out
}

/** netutils.ParseIPSloppy accepts IPv4 with leading zeros too. */
export function isIPSloppy(s: string): boolean {
  if (/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(s)) return s.split('.').every((p) => Number(p) <= 255)
  if (!s.includes(':')) return false
  const head = s.slice(0, s.lastIndexOf(':') + 1)
  const tail = s.slice(s.lastIndexOf(':') + 1)
  const v6 = tail.includes('.') ? `${head}0:0` : s
  const dbl = v6.split('::')
  if (dbl.length > 2) return false
  const groups = dbl.flatMap((d) => (d === '' ? [] : d.split(':')))
  if (!groups.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return false
  return dbl.length === 2 ? groups.length <= 7 : groups.length === 8
}

function validateBackend(c: FieldErrors, b: Json | undefined, path: Path): void {
  const o = read.obj(b) ?? {}
  const hasResource = o.resource !== undefined && o.resource !== null
  const hasService = o.service !== undefined && o.service !== null
  if (hasResource && hasService) return c.invalid(path, '', 'cannot set both resource and service backends')
  if (hasResource) {
    const r = read.obj(o.resource) ?? {}
    const rp = [...path, 'resource']
    const group = read.str(r.apiGroup)
    if (group !== undefined) for (const m of nameProblems(group, 'dns1123-subdomain')) c.invalid([...rp, 'apiGroup'], group, m)
    const kind = read.str(r.kind) ?? ''
    if (kind === '') c.required([...rp, 'kind'])
    else for (const m of pathSegmentProblems(kind)) c.invalid([...rp, 'kind'], kind, m)
    const name = read.str(r.name) ?? ''
    if (name === '') c.required([...rp, 'name'])
    else for (const m of pathSegmentProblems(name)) c.invalid([...rp, 'name'], name, m)
    return
  }
  if (!hasService) return c.invalid(path, '', 'resource or service backend is required')
  const s = read.obj(o.service) ?? {}
  const name = read.str(s.name) ?? ''
  if (name === '') c.required([...path, 'service', 'name'])
  else for (const m of nameProblems(name, 'dns1123-label')) c.invalid([...path, 'service', 'name'], name, m)
  const port = read.obj(s.port) ?? {}
  const portName = read.str(port.name) ?? ''
  const portNumber = read.num(port.number) ?? 0
  if (portName && portNumber) c.invalid(path, '', 'cannot set both port name & port number')
  else if (portName) for (const m of portNameProblems(portName)) c.invalid([...path, 'service', 'port', 'name'], portName, m)
  else if (portNumber) {
    if (!(Number.isInteger(portNumber) && portNumber >= 1 && portNumber <= 65535)) c.invalid([...path, 'service', 'port', 'number'], portNumber, 'must be between 1 and 65535, inclusive')
  } else c.required(path, 'port name or number is required')
}

/** content.IsPathSegmentName */
function pathSegmentProblems(s: string): string[] {
  if (s === '.' || s === '..') return [`may not be '${s}'`]
  const out: string[] = []
  for (const bad of ['/', '%']) if (s.includes(bad)) out.push(`may not contain '${bad}'`)
  return out
}

function validatePath(c: FieldErrors, p: Json | undefined, path: Path): void {
  const pathType = read.str(read.path(p, 'pathType'))
  const value = read.str(read.path(p, 'path')) ?? ''
  if (pathType === undefined) return c.required([...path, 'pathType'], 'pathType must be specified')
  if (pathType === 'Exact' || pathType === 'Prefix') {
    if (!value.startsWith('/')) c.invalid([...path, 'path'], value, 'must be an absolute path')
    if (value.length > 0) {
      for (const seq of INVALID_PATH_SEQUENCES) if (value.includes(seq)) c.invalid([...path, 'path'], value, `must not contain '${seq}'`)
      for (const suf of INVALID_PATH_SUFFIXES) if (value.endsWith(suf)) c.invalid([...path, 'path'], value, `cannot end with '${suf}'`)
    }
  } else if (pathType === 'ImplementationSpecific') {
    if (value.length > 0 && !value.startsWith('/')) c.invalid([...path, 'path'], value, 'must be an absolute path')
  } else c.unsupported([...path, 'pathType'], pathType, SUPPORTED_PATH_TYPES)
  validateBackend(c, read.path(p, 'backend'), [...path, 'backend'])
}

function validateRules(c: FieldErrors, rules: Json[]): void {
  rules.forEach((r, i) => {
    const host = read.str(read.path(r, 'host')) ?? ''
    const hp: Path = ['spec', 'rules', i, 'host']
    if (host.length > 0) {
      if (isIPSloppy(host)) c.invalid(hp, host, 'must be a DNS name, not an IP address')
      const problems = host.includes('*') ? wildcardProblems(host) : nameProblems(host, 'dns1123-subdomain')
      for (const m of problems) c.invalid(hp, host, m)
    }
    const http = read.path(r, 'http')
    if (http === undefined || http === null) return
    const paths = read.arr(read.path(http, 'paths'))
    if (paths.length === 0) c.required(['spec', 'rules', i, 'http', 'paths'])
    paths.forEach((p, j) => validatePath(c, p, ['spec', 'rules', i, 'http', 'paths', j]))
  })
}

function validateIngress(g: GenericObject): ObjectProblem[] {
  const c = new FieldErrors(g)
  const spec = g.spec
  const rules = spec.rules
  const ruleList = read.arr(rules)
  const hasDefault = spec.defaultBackend !== undefined && spec.defaultBackend !== null
  if (ruleList.length === 0 && !hasDefault) {
    // field.Invalid(fldPath, spec.Rules, …): a nil slice prints as Go's %#v of the typed nil
    const shown = Array.isArray(rules) ? '[]networking.IngressRule{}' : '[]networking.IngressRule(nil)'
    c.invalid(['spec'], { go: shown }, 'either `defaultBackend` or `rules` must be specified')
  }
  if (hasDefault) validateBackend(c, spec.defaultBackend, ['spec', 'defaultBackend'])
  if (ruleList.length > 0) validateRules(c, ruleList)
  read.arr(spec.tls).forEach((t, ti) => {
    read.arr(read.path(t, 'hosts')).forEach((h, hi) => {
      if (typeof h !== 'string') return
      const problems = h.includes('*') ? wildcardProblems(h) : nameProblems(h, 'dns1123-subdomain')
      for (const m of problems) c.invalid(['spec', 'tls', ti, 'hosts', hi], h, m)
    })
    const secret = read.str(read.path(t, 'secretName')) ?? ''
    if (secret.length > 0) for (const m of nameProblems(secret, 'dns1123-subdomain')) c.invalid(['spec', 'tls', ti, 'secretName'], secret, m)
  })
  const className = read.str(spec.ingressClassName)
  if (className !== undefined) for (const m of nameProblems(className, 'dns1123-subdomain')) c.invalid(['spec', 'ingressClassName'], className, m)
  const ann = g.meta.annotations[ANNOTATION_INGRESS_CLASS]
  if (ann !== undefined && className !== undefined && ann !== className) {
    // the API server's path is annotations.kubernetes.io/ingress.class; the text position is under metadata
    c.invalid(['annotations', ANNOTATION_INGRESS_CLASS], ann, 'must match `ingressClassName` when both are specified', ['metadata', 'annotations', ANNOTATION_INGRESS_CLASS], `annotations.${ANNOTATION_INGRESS_CLASS}`)
  }
  return c.out
}

const HTTP_PATH = /^[A-Za-z0-9/\-._~%!$&'()*+,;=:]+$/

function validateIngressClass(g: GenericObject): ObjectProblem[] {
  const c = new FieldErrors(g)
  const controller = read.str(g.spec.controller) ?? ''
  const cp: Path = ['spec', 'controller']
  if (controller === '') c.required(cp)
  else {
    if (controller.length > 250) c.tooLong(cp, 250)
    // validation.IsDomainPrefixedPath
    const slash = controller.indexOf('/')
    const host = slash >= 0 ? controller.slice(0, slash) : controller
    const rest = slash >= 0 ? controller.slice(slash + 1) : ''
    if (slash < 0 || host === '' || rest === '') c.invalid(cp, controller, 'must be a domain-prefixed path (such as "acme.io/foo")')
    else {
      for (const m of nameProblems(host, 'dns1123-subdomain')) c.invalid(cp, host, m)
      if (!HTTP_PATH.test(rest)) c.invalid(cp, rest, "Invalid path (regex used for validation is '[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+')")
    }
  }
  const params = read.obj(g.spec.parameters)
  if (params) {
    const pp: Path = ['spec', 'parameters']
    const kind = read.str(params.kind) ?? ''
    if (kind === '') c.required([...pp, 'kind'])
    const name = read.str(params.name) ?? ''
    if (name === '') c.required([...pp, 'name'])
    // SetDefaults_IngressClass: a missing scope reads as Cluster
    const scope = read.str(params.scope) ?? 'Cluster'
    if (scope !== 'Cluster' && scope !== 'Namespace') c.unsupported([...pp, 'scope'], scope, ['Cluster', 'Namespace'])
    else if (scope === 'Namespace' && read.str(params.namespace) === undefined) c.required([...pp, 'namespace'], "`parameters.scope` is set to 'Namespace'")
    else if (scope === 'Cluster' && params.namespace !== undefined) c.forbidden([...pp, 'namespace'], "`parameters.scope` is set to 'Cluster'")
  }
  return c.out
}

interface ApiResult {
  problems: ObjectProblem[]
  /** Ingresses (`ns/name`) and IngressClasses (name) the API server would refuse */
  refused: Set<string>
}

const CACHE = new WeakMap<Cluster, ApiResult>()

/** The API server's field errors for every Ingress and IngressClass (cached per cluster). */
export function apiValidation(cluster: Cluster): ApiResult {
  const hit = CACHE.get(cluster)
  if (hit) return hit
  const problems: ObjectProblem[] = []
  const refused = new Set<string>()
  for (const g of cluster.ingressClasses) {
    const p = validateIngressClass(g)
    if (p.length) refused.add(g.meta.name)
    problems.push(...p)
  }
  for (const g of cluster.ingresses) {
    const p = validateIngress(g)
    if (p.length) refused.add(`${g.meta.namespace}/${g.meta.name}`)
    problems.push(...p)
  }
  const result = { problems, refused }
  CACHE.set(cluster, result)
  return result
}
