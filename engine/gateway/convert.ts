/**
 * `gateway convert`: the Gateway API objects equivalent to the scenario's
 * Ingresses, built the way ingress2gateway's common converter does
 * (kubernetes-sigs/ingress2gateway pkg/i2gw/providers/common converter.go and
 * utils.go): one Gateway per namespace and IngressClass, named after the
 * class and using it as gatewayClassName; per host a listener
 * `<host>-http` on port 80 (and `<host>-https` on 443 with the TLS Secrets
 * when the host has TLS), hostless rules on a listener `http`; one HTTPRoute
 * per namespace, class and host named `<first Ingress>-<host>` (NameFromHost:
 * runs of other characters become "-", no host is "all-hosts") with one rule
 * per path (Prefix → PathPrefix, Exact → Exact) and its backends (a named
 * Service port resolved to its number); a defaultBackend becomes an HTTPRoute
 * `<Ingress>-default-backend` without hostnames or matches. After the YAML
 * come, as comments, the places where the result behaves differently from
 * ingress-nginx, each with the reason.
 */
import { ENVOY_GATEWAY_CONTROLLER } from './attach.ts'
import type { Cluster, Json, JsonObject } from '../model/types.ts'
import type { Output } from '../shell/types.ts'
import { fail, ok } from '../shell/types.ts'
import { ingressView } from '../ingress/model.ts'
import type { BackendRef, IngressView } from '../ingress/model.ts'
import { effectiveClass } from '../ingress/classes.ts'
import { apiValidation as ingressApiValidation } from '../ingress/api-validation.ts'
import { toYamlText } from '../kubectl/output-formats.ts'

const API = 'gateway.networking.k8s.io/v1'
const USE_REGEX = 'nginx.ingress.kubernetes.io/use-regex'
const REWRITE = 'nginx.ingress.kubernetes.io/rewrite-target'
const SSL_REDIRECT = 'nginx.ingress.kubernetes.io/ssl-redirect'

/** ingress2gateway NameFromHost. @example nameFromHost('foo.bar.com') // 'foo-bar-com' */
export function nameFromHost(host: string): string {
  if (host === '' || host === '*') return 'all-hosts'
  return host.replace(/[^a-zA-Z0-9]+/g, '-').replace(/^[^a-zA-Z0-9]+/, '')
}

export interface Difference {
  ingress: string
  what: string
  why: string
}

interface Group {
  namespace: string
  className: string
  host: string
  firstIngress: string
  tlsSecrets: string[]
  paths: { ingress: IngressView; path: string; pathType?: string; backend: BackendRef }[]
}

function backendRef(cluster: Cluster, ns: string, b: BackendRef, v: IngressView, diffs: Difference[]): JsonObject | undefined {
  if (b.service) {
    let port = b.service.port.number
    if (!port && b.service.port.name) {
      const svc = cluster.index.service.get(`${ns}/${b.service.name}`)
      port = svc?.ports.find((p) => p.name === b.service!.port.name)?.port
      if (!port) {
        diffs.push({ ingress: v.key, what: `backend ${b.service.name}:${b.service.port.name} is left out`, why: `the named port cannot be turned into a number: Service ${ns}/${b.service.name} ${svc ? `has no port named ${b.service.port.name}` : 'is not in the scenario'} (backendRefs take port numbers)` })
        return undefined
      }
    }
    return { name: b.service.name, port: port ?? 0 }
  }
  if (b.resource) {
    diffs.push({ ingress: v.key, what: `resource backend ${b.resource.kind}/${b.resource.name} becomes a backendRef of kind ${b.resource.kind}`, why: 'Envoy Gateway accepts Service backends (and its own Backend kind): this one gets ResolvedRefs False, InvalidKind, and 500' })
    return { ...(b.resource.apiGroup ? { group: b.resource.apiGroup } : {}), kind: b.resource.kind, name: b.resource.name }
  }
  return undefined
}

/**
 * The converted objects and the differences (ingress2gateway's output for the
 * scenario's valid Ingresses).
 *
 * @example
 * const { objects, differences } = convertIngresses(cluster)
 */
export function convertIngresses(cluster: Cluster, namespace?: string): { objects: JsonObject[]; differences: Difference[] } {
  const refused = ingressApiValidation(cluster).refused
  const views = cluster.ingresses.map(ingressView).filter((v) => !refused.has(v.key) && (namespace === undefined || v.namespace === namespace))
  const groups = new Map<string, Group>()
  const defaults: { v: IngressView; className: string }[] = []
  const diffs: Difference[] = []
  for (const v of views) {
    const eff = effectiveClass(cluster, v)
    const className = eff.name ?? ''
    if (!className) diffs.push({ ingress: v.key, what: 'its routes get no parentRefs', why: 'the Ingress has no class, so there is no Gateway to attach to: the routes attach nowhere until you add a parentRef' })
    for (const r of v.rules) {
      const key = `${v.namespace}/${className}/${r.host}`
      let g = groups.get(key)
      if (!g) {
        g = { namespace: v.namespace, className, host: r.host, firstIngress: v.name, tlsSecrets: [], paths: [] }
        groups.set(key, g)
      }
      for (const t of v.tls) if (t.secretName && (t.hosts.length === 0 || t.hosts.includes(r.host))) g.tlsSecrets.push(t.secretName)
      for (const p of r.paths ?? []) g.paths.push({ ingress: v, path: p.path || '/', pathType: p.pathType, backend: p.backend })
      if (r.host.startsWith('*.')) diffs.push({ ingress: v.key, what: `host ${r.host} matches more names`, why: `an Ingress wildcard matches exactly one label (a.${r.host.slice(2)}), a Gateway API wildcard any number (a.b.${r.host.slice(2)} too)` })
    }
    if (v.defaultBackend) {
      defaults.push({ v, className })
      if (v.rules.length) diffs.push({ ingress: v.key, what: `its defaultBackend becomes HTTPRoute ${v.name}-default-backend, a route without hostnames`, why: "ingress-nginx sends unmatched paths of this Ingress's hosts there; the route attaches to every listener of the Gateway, so it also catches unmatched paths of every other host the Gateway serves" })
    }
    const anns = v.annotations
    if (anns[USE_REGEX] === 'true') diffs.push({ ingress: v.key, what: 'use-regex paths become RegularExpression matches', why: 'ingress-nginx matches them as case-insensitive regular expressions anchored at the start only (~* ^path), first match in file order; Gateway API matches RE2 against the whole path, case-sensitive, and Envoy Gateway ranks them between Exact and PathPrefix' })
    if (anns[REWRITE] !== undefined) diffs.push({ ingress: v.key, what: `rewrite-target ${JSON.stringify(anns[REWRITE])} is not converted`, why: 'URLRewrite can replace the whole path (ReplaceFullPath) or the matched prefix (ReplacePrefixMatch); capture groups such as $1 have no equivalent. Add a URLRewrite filter by hand if a prefix replacement is what you meant' })
    const other = Object.keys(anns).filter((k) => k.startsWith('nginx.ingress.kubernetes.io/') && ![USE_REGEX, REWRITE, SSL_REDIRECT].includes(k)).sort()
    if (other.length) diffs.push({ ingress: v.key, what: `annotations not converted: ${other.join(', ')}`, why: 'Gateway API has no annotations for controller behaviour: look for a filter, a policy of your implementation, or drop them' })
    if (v.tls.length && anns[SSL_REDIRECT] !== 'false') diffs.push({ ingress: v.key, what: 'plain HTTP to its TLS hosts is no longer redirected', why: 'ingress-nginx answers http:// for a host with TLS with 308 to https:// (ssl-redirect, on by default); the converted route serves both listeners. Attach an HTTPRoute with a RequestRedirect filter (scheme: https) to the http listener with sectionName' })
    for (const r of v.rules) for (const p of r.paths ?? []) {
      if (p.pathType === 'ImplementationSpecific') diffs.push({ ingress: v.key, what: `path ${p.path || '/'} (ImplementationSpecific) becomes PathPrefix`, why: anns[USE_REGEX] === 'true' ? 'with use-regex it is a regular expression to ingress-nginx: see above' : 'ingress-nginx treats it as Prefix, so routing stays the same; other controllers may not' })
    }
  }

  const objects: JsonObject[] = []
  const gateways = new Map<string, JsonObject[]>()
  const sortedGroups = [...groups.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([, g]) => g)
  const routes: JsonObject[] = []
  for (const g of sortedGroups) {
    if (g.className) {
      const listeners = gateways.get(`${g.namespace}/${g.className}`) ?? []
      const prefix = g.host ? `${nameFromHost(g.host)}-` : ''
      listeners.push({ name: `${prefix}http`, ...(g.host ? { hostname: g.host } : {}), port: 80, protocol: 'HTTP' })
      if (g.tlsSecrets.length) listeners.push({ name: `${prefix}https`, ...(g.host ? { hostname: g.host } : {}), port: 443, protocol: 'HTTPS', tls: { certificateRefs: [...new Set(g.tlsSecrets)].map((s) => ({ name: s })) } })
      gateways.set(`${g.namespace}/${g.className}`, listeners)
    }
    const rules: Json[] = []
    const seen = new Map<string, JsonObject>()
    for (const p of g.paths) {
      const regex = p.ingress.annotations[USE_REGEX] === 'true' && !/^\/[A-Za-z0-9._\-/]*$/.test(p.path)
      const type = regex ? 'RegularExpression' : p.pathType === 'Exact' ? 'Exact' : 'PathPrefix'
      const key = `${p.pathType ?? ''}/${p.path}`
      const ref = backendRef(cluster, g.namespace, p.backend, p.ingress, diffs)
      const existing = seen.get(key)
      if (existing) {
        if (ref) (existing.backendRefs as Json[]).push(ref)
        continue
      }
      const rule: JsonObject = { matches: [{ path: { type, value: p.path } }], backendRefs: ref ? [ref] : [] }
      seen.set(key, rule)
      rules.push(rule)
    }
    routes.push({
      apiVersion: API,
      kind: 'HTTPRoute',
      metadata: { name: `${g.firstIngress}-${nameFromHost(g.host)}`, namespace: g.namespace },
      spec: { ...(g.className ? { parentRefs: [{ name: g.className }] } : {}), ...(g.host ? { hostnames: [g.host] } : {}), rules },
    })
  }
  for (const { v, className } of defaults) {
    const ref = backendRef(cluster, v.namespace, v.defaultBackend!, v, diffs)
    routes.push({
      apiVersion: API,
      kind: 'HTTPRoute',
      metadata: { name: `${v.name}-default-backend`, namespace: v.namespace },
      spec: { ...(className ? { parentRefs: [{ name: className }] } : {}), rules: ref ? [{ backendRefs: [ref] }] : [] },
    })
    // an Ingress with only a defaultBackend still needs a Gateway to attach to
    if (className && !gateways.has(`${v.namespace}/${className}`)) gateways.set(`${v.namespace}/${className}`, [{ name: 'http', port: 80, protocol: 'HTTP' }])
  }
  for (const [key, listeners] of [...gateways.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const [ns, cls] = key.split('/')
    objects.push({ apiVersion: API, kind: 'Gateway', metadata: { name: cls, namespace: ns }, spec: { gatewayClassName: cls, listeners } })
  }
  objects.push(...routes)
  return { objects, differences: diffs }
}

export function convertProgram(cluster: Cluster, args: string[]): Output {
  let namespace: string | undefined
  for (let i = 0; i < args.length; i++) {
    const a = args[i]
    if (a === '-n' || a === '--namespace') {
      if (i + 1 >= args.length) return fail(`error: flag needs an argument: ${a}`, 2)
      namespace = args[++i]
    } else if (a.startsWith('--namespace=')) namespace = a.slice(12)
    else return fail(`error: unknown argument: ${a}\nusage: gateway convert [-n NAMESPACE]`, 2)
  }
  const { objects, differences } = convertIngresses(cluster, namespace)
  if (objects.length === 0) return fail(`gateway convert: no Ingress to convert${namespace ? ` in namespace ${namespace}` : ''}`, 1)
  const yaml = objects.map((o) => toYamlText(o)).join('---\n')
  const classes = [...new Set(objects.filter((o) => o.kind === 'Gateway').map((o) => (o.spec as JsonObject).gatewayClassName as string))]
  const lines = [
    `# The Gateways use gatewayClassName ${classes.map((c) => `"${c}"`).join(', ')}, the IngressClass name: create a GatewayClass of that name for your Gateway API implementation.`,
  ]
  if (differences.length) {
    lines.push('# Where this behaves differently from ingress-nginx:')
    for (const d of differences) lines.push(`# - ${d.ingress}: ${d.what}: ${d.why}.`)
  } else lines.push('# No difference in behaviour found for these Ingresses.')
  // for the page: the same objects, with a GatewayClass for Envoy Gateway where the scenario has
  // none of that name, so that appending them to the manifests gives a Gateway that runs
  const missing = classes.filter((c) => !cluster.gatewayClasses.some((g) => g.meta.name === c))
  const gatewayClasses = missing.map((name): JsonObject => ({ apiVersion: API, kind: 'GatewayClass', metadata: { name }, spec: { controllerName: ENVOY_GATEWAY_CONTROLLER } }))
  // once they are in the scenario, adding them again would only collide
  const present = (o: JsonObject) => {
    const m = o.metadata as JsonObject
    const list = o.kind === 'Gateway' ? cluster.gateways : o.kind === 'HTTPRoute' ? cluster.httpRoutes : []
    return list.some((g) => g.meta.name === m.name && g.meta.namespace === m.namespace)
  }
  const apply = objects.every(present) ? undefined : { yaml: [...gatewayClasses, ...objects].map((o) => `---\n${toYamlText(o)}`).join(''), label: 'Add these Gateway API objects and run again' }
  return ok(`${yaml}${lines.join('\n')}\n`, { objects, differences, ...(apply ? { apply } : {}) })
}
