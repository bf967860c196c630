/**
 * What a conformant controller makes of the scenario's Gateway API objects:
 * which GatewayClasses it accepts, each Gateway's and listener's conditions,
 * which listeners each route attaches to (parentRefs, sectionName and port,
 * allowedRoutes by namespace and kind, hostname intersection), whether its
 * references resolve (backend kind, Service, port, ReferenceGrant), and the
 * Gateway's address. Reasons are the spec's (apis/v1 shared_types.go,
 * gateway_types.go, v1.6.1); messages follow Envoy Gateway, the one
 * implementation modelled (internal/gatewayapi route.go and listener.go).
 * A GatewayClass whose controllerName is not Envoy Gateway's keeps the status
 * the CRD defaults it to (Accepted Unknown, "Waiting for controller"): no
 * controller in the scenario takes it.
 */
import type { Cluster, GenericObject, Service } from '../model/types.ts'
import { selectorFromJson, matchesSelector } from '../cluster/selector.ts'
import { read } from '../cluster/context.ts'
import { apiValidation, objectKey } from './api-validation.ts'
import { gatewayClassView, gatewayView, referenceGrantView, routeView } from './model.ts'
import type { BackendRefView, GatewayClassView, GatewayView, ListenerView, ParentRefView, RouteView } from './model.ts'
import { intersect } from './hostnames.ts'
import { GATEWAY_GROUP } from './kinds.ts'
import { compileRE2 } from './match.ts'

/** Envoy Gateway's controllerName (its EnvoyGateway config default). */
export const ENVOY_GATEWAY_CONTROLLER = 'gateway.envoyproxy.io/gatewayclass-controller'
/** Where Envoy Gateway runs its proxies (its default deployment namespace). */
export const ENVOY_GATEWAY_NAMESPACE = 'envoy-gateway-system'

export interface Condition {
  type: string
  status: 'True' | 'False' | 'Unknown'
  reason: string
  message: string
}

const cond = (type: string, status: Condition['status'], reason: string, message: string): Condition => ({ type, status, reason, message })
const PENDING = (type: string) => cond(type, 'Unknown', 'Pending', 'Waiting for controller')

export interface ClassState {
  view: GatewayClassView
  controlled: boolean
  conditions: Condition[]
}

export interface ListenerState {
  view: ListenerView
  conditions: Condition[]
  supportedKinds: { group: string; kind: string }[]
  attachedRoutes: number
  /** the listener accepts routes (Accepted and not conflicted) */
  ready: boolean
}

export interface GatewayState {
  view: GatewayView
  cls?: ClassState
  controlled: boolean
  conditions: Condition[]
  listeners: ListenerState[]
  addresses: { type: string; value: string }[]
  /** the LoadBalancer Service of its data plane, when the scenario has one */
  service?: Service
}

export interface Attachment {
  listener: ListenerState
  /** the intersection of the listener's and the route's hostnames (['*']: any) */
  hostnames: string[]
}

export interface ParentState {
  ref: ParentRefView
  gateway: GatewayState
  conditions: Condition[]
  accepted: boolean
  attached: Attachment[]
}

export interface BackendProblem {
  reason: 'InvalidKind' | 'RefNotPermitted' | 'BackendNotFound'
  message: string
}

export interface RouteState {
  view: RouteView
  parents: ParentState[]
  /** `rule/backend` index → the reason this backendRef does not resolve */
  backendProblems: Map<string, BackendProblem>
}

export interface GatewayModel {
  classes: ClassState[]
  gateways: GatewayState[]
  routes: RouteState[]
}

const CACHE = new WeakMap<Cluster, GatewayModel>()

/** Route kinds each protocol's listener takes (Envoy Gateway: HTTP and HTTPS take HTTPRoute and GRPCRoute). */
function kindsFor(protocol: string): string[] {
  switch (protocol) {
    case 'HTTP':
    case 'HTTPS':
      return ['HTTPRoute', 'GRPCRoute']
    case 'TLS':
      return ['TLSRoute']
    case 'TCP':
      return ['TCPRoute']
    case 'UDP':
      return ['UDPRoute']
    default:
      return []
  }
}

/** Listeners on one port must agree on the kind of socket (HTTP vs HTTPS/TLS vs TCP vs UDP). */
function protocolFamily(p: string): string {
  return p === 'HTTPS' || p === 'TLS' ? 'tls' : p === 'HTTP' ? 'http' : p.toLowerCase()
}

/** Does a ReferenceGrant in `toNs` let an object of `fromKind` in `fromNs` refer to `toKind` `name`? */
export function grantAllows(cluster: Cluster, fromGroup: string, fromKind: string, fromNs: string, toGroup: string, toKind: string, toNs: string, name: string): boolean {
  const refused = apiValidation(cluster).refused
  return cluster.referenceGrants.some((g) => {
    if (g.meta.namespace !== toNs || refused.has(objectKey(g))) return false
    const v = referenceGrantView(g)
    return v.from.some((f) => f.group === fromGroup && f.kind === fromKind && f.namespace === fromNs) && v.to.some((t) => t.group === toGroup && t.kind === toKind && (t.name === undefined || t.name === '' || t.name === name))
  })
}

function classStates(cluster: Cluster): ClassState[] {
  const refused = apiValidation(cluster).refused
  return cluster.gatewayClasses
    .filter((g) => !refused.has(objectKey(g)))
    .map((g) => {
      const view = gatewayClassView(g)
      const controlled = view.controllerName === ENVOY_GATEWAY_CONTROLLER
      return { view, controlled, conditions: [controlled ? cond('Accepted', 'True', 'Accepted', 'Valid GatewayClass') : PENDING('Accepted')] }
    })
}

/** The data plane's Service: Envoy Gateway labels it with the Gateway it serves (internal/infrastructure/kubernetes/proxy). */
export function dataPlaneService(cluster: Cluster, gw: GatewayView): Service | undefined {
  return cluster.services.find((s) => s.meta.labels['gateway.envoyproxy.io/owning-gateway-name'] === gw.name && s.meta.labels['gateway.envoyproxy.io/owning-gateway-namespace'] === gw.namespace)
}

function listenerState(cluster: Cluster, gw: GatewayView, l: ListenerView, all: ListenerView[]): ListenerState {
  const conditions: Condition[] = []
  const allowed = kindsFor(l.protocol)
  const written = l.allowedRoutes.kinds
  const supportedKinds = (written ? written.filter((k) => k.group === GATEWAY_GROUP && allowed.includes(k.kind)) : allowed.map((kind) => ({ group: GATEWAY_GROUP, kind }))).map((k) => ({ group: k.group, kind: k.kind }))
  let accepted = true
  let resolved: Condition = cond('ResolvedRefs', 'True', 'ResolvedRefs', 'Listener references have been resolved')
  if (!['HTTP', 'HTTPS', 'TLS', 'TCP', 'UDP'].includes(l.protocol)) {
    accepted = false
    conditions.push(cond('Accepted', 'False', 'UnsupportedProtocol', `Protocol ${l.protocol} is unsupported, must be HTTP, HTTPS, TCP, UDP or TLS.`))
  }
  if (accepted && l.protocol === 'HTTPS' && !(l.tls && l.tls.certificateRefs.length)) {
    accepted = false
    conditions.push(cond('Accepted', 'False', 'UnsupportedValue', 'Listener must have TLS set when protocol is HTTPS.'))
  }
  if (written && written.some((k) => k.group !== GATEWAY_GROUP || !allowed.includes(k.kind))) {
    const bad = written.find((k) => k.group !== GATEWAY_GROUP || !allowed.includes(k.kind))!
    resolved = cond('ResolvedRefs', 'False', 'InvalidRouteKinds', `${bad.group}/${bad.kind} is not supported by a ${l.protocol} listener`)
  }
  if (l.protocol === 'HTTPS' || (l.protocol === 'TLS' && l.tls?.mode === 'Terminate')) {
    for (const ref of l.tls?.certificateRefs ?? []) {
      const ns = ref.namespace ?? gw.namespace
      if (ref.group !== '' || ref.kind !== 'Secret') {
        resolved = cond('ResolvedRefs', 'False', 'InvalidCertificateRef', `Listener must only reference Secret resources (got ${ref.group || 'core'}/${ref.kind}).`)
        break
      }
      if (ns !== gw.namespace && !grantAllows(cluster, GATEWAY_GROUP, 'Gateway', gw.namespace, '', 'Secret', ns, ref.name)) {
        resolved = cond('ResolvedRefs', 'False', 'RefNotPermitted', `Certificate ref to secret ${ns}/${ref.name} not permitted by any ReferenceGrant.`)
        break
      }
      if (!cluster.secrets.some((s) => s.meta.namespace === ns && s.meta.name === ref.name)) {
        resolved = cond('ResolvedRefs', 'False', 'InvalidCertificateRef', `Secret ${ns}/${ref.name} does not exist.`)
        break
      }
    }
  }
  const clash = all.find((o) => o !== l && o.port === l.port && protocolFamily(o.protocol) !== protocolFamily(l.protocol))
  if (accepted) conditions.push(cond('Accepted', 'True', 'Accepted', 'Listener has been successfully translated'))
  conditions.push(resolved)
  if (clash) conditions.push(cond('Conflicted', 'True', 'ProtocolConflict', `All listeners for a given port must use a compatible protocol (listener ${clash.name} uses ${clash.protocol} on port ${l.port})`))
  else conditions.push(cond('Conflicted', 'False', 'NoConflicts', 'No conflicts'))
  const ready = accepted && resolved.status === 'True' && !clash
  conditions.push(ready ? cond('Programmed', 'True', 'Programmed', 'Sending translated listener configuration to the data plane') : cond('Programmed', 'False', 'Invalid', 'Listener is invalid, see other Conditions for details.'))
  return { view: l, conditions, supportedKinds, attachedRoutes: 0, ready }
}

function gatewayStates(cluster: Cluster, classes: ClassState[]): GatewayState[] {
  const refused = apiValidation(cluster).refused
  return cluster.gateways
    .filter((g) => !refused.has(objectKey(g)))
    .map((g) => {
      const view = gatewayView(g)
      const cls = classes.find((c) => c.view.name === view.className)
      if (!cls || !cls.controlled) return { view, cls, controlled: false, conditions: [PENDING('Accepted'), PENDING('Programmed')], listeners: [], addresses: [] }
      const listeners = view.listeners.map((l) => listenerState(cluster, view, l, view.listeners))
      const service = dataPlaneService(cluster, view)
      const addresses = writtenAddresses(g) ?? (service ? service.loadBalancerIngress.map((i) => (i.ip ? { type: 'IPAddress', value: i.ip } : { type: 'Hostname', value: i.hostname ?? '' })) : [])
      const valid = listeners.filter((l) => l.ready).length
      const conditions: Condition[] = []
      if (valid === 0 && listeners.length > 0) conditions.push(cond('Accepted', 'False', 'ListenersNotValid', 'No valid listeners'))
      else conditions.push(cond('Accepted', 'True', 'Accepted', 'The Gateway has been scheduled by Envoy Gateway'))
      if (addresses.length === 0) conditions.push(cond('Programmed', 'False', 'AddressNotAssigned', 'No addresses have been assigned to the Gateway'))
      else if (valid === 0) conditions.push(cond('Programmed', 'False', 'Invalid', 'The Gateway has no valid listeners'))
      else conditions.push(cond('Programmed', 'True', 'Programmed', 'Address assigned to the Gateway, 1/1 envoy replicas available'))
      return { view, cls, controlled: true, conditions, listeners, addresses, service }
    })
}

/** status.addresses as written in the scenario (a pasted dump), if any. */
function writtenAddresses(g: GenericObject): { type: string; value: string }[] | undefined {
  const list = read.arr(read.path(g.status, 'addresses')).map((a) => ({ type: read.str(read.path(a, 'type')) ?? 'IPAddress', value: read.str(read.path(a, 'value')) ?? '' }))
  return list.length ? list : undefined
}

function namespaceAllows(cluster: Cluster, gw: GatewayView, l: ListenerView, routeNs: string): boolean {
  switch (l.allowedRoutes.from) {
    case 'All':
      return true
    case 'Same':
      return routeNs === gw.namespace
    case 'Selector': {
      const sel = selectorFromJson(l.allowedRoutes.selector)
      const ns = cluster.index.namespace.get(routeNs)
      return !!sel && !!ns && matchesSelector(sel, ns.meta.labels)
    }
    default:
      return false
  }
}

export function backendProblem(cluster: Cluster, route: RouteView, b: BackendRefView): BackendProblem | undefined {
  if (b.group !== '' || b.kind !== 'Service') return { reason: 'InvalidKind', message: `Kind ${b.group ? `${b.group}/` : ''}${b.kind} is not supported for backendRefs; this implementation supports Service.` }
  if (b.namespace !== route.namespace && !grantAllows(cluster, GATEWAY_GROUP, route.kind, route.namespace, '', 'Service', b.namespace, b.name)) {
    return { reason: 'RefNotPermitted', message: `Backend ref to Service ${b.namespace}/${b.name} not permitted by any ReferenceGrant.` }
  }
  const svc = cluster.index.service.get(`${b.namespace}/${b.name}`)
  if (!svc) return { reason: 'BackendNotFound', message: `Service ${b.namespace}/${b.name} not found.` }
  if (b.port !== undefined && svc.type !== 'ExternalName' && !svc.ports.some((p) => p.port === b.port)) return { reason: 'BackendNotFound', message: `Port ${b.port} not found on Service ${b.namespace}/${b.name}.` }
  return undefined
}

function routeState(cluster: Cluster, g: GenericObject, gateways: GatewayState[]): RouteState {
  const view = routeView(g)
  const backendProblems = new Map<string, BackendProblem>()
  const rules = view.kind === 'HTTPRoute' ? view.httpRules : view.grpcRules
  for (const r of rules) for (const b of r.backendRefs) {
    const p = backendProblem(cluster, view, b)
    if (p) backendProblems.set(`${r.index}/${b.index}`, p)
  }
  const firstProblem = [...backendProblems.values()][0]
  // Envoy Gateway refuses a route whose regular expression RE2 does not compile (Accepted False, UnsupportedValue)
  let badRegex: string | undefined
  for (const rule of view.httpRules) {
    for (const m of rule.matches) {
      for (const re of [...(m.path.type === 'RegularExpression' ? [m.path.value] : []), ...[...m.headers, ...m.queryParams].filter((h) => h.type === 'RegularExpression').map((h) => h.value)]) {
        const c = compileRE2(re)
        if (!badRegex && !(c instanceof RegExp)) badRegex = `regex ${JSON.stringify(re)} is invalid: ${c.error}`
      }
    }
  }
  const parents: ParentState[] = []
  for (const ref of view.parentRefs) {
    if (ref.group !== GATEWAY_GROUP || ref.kind !== 'Gateway') continue
    const gw = gateways.find((x) => x.view.namespace === ref.namespace && x.view.name === ref.name)
    // a parent no modelled controller owns gets no status from it
    if (!gw || !gw.controlled) continue
    const conditions: Condition[] = []
    const resolved = firstProblem ? cond('ResolvedRefs', 'False', firstProblem.reason, firstProblem.message) : cond('ResolvedRefs', 'True', 'ResolvedRefs', 'Resolved all the Object references for the Route')
    const candidates = gw.listeners.filter((l) => (ref.sectionName === undefined || l.view.name === ref.sectionName) && (ref.port === undefined || l.view.port === ref.port))
    let attached: Attachment[] = []
    if (badRegex) {
      conditions.push(cond('Accepted', 'False', 'UnsupportedValue', badRegex))
    } else if (candidates.length === 0) {
      conditions.push(cond('Accepted', 'False', 'NoMatchingParent', ref.sectionName !== undefined ? `No listeners match this parent ref (sectionName ${ref.sectionName}${ref.port !== undefined ? `, port ${ref.port}` : ''})` : `No listeners match this parent ref (port ${ref.port})`))
    } else {
      const allowed = candidates.filter((l) => l.ready && l.supportedKinds.some((k) => k.kind === view.kind) && namespaceAllows(cluster, gw.view, l.view, view.namespace))
      if (allowed.length === 0) conditions.push(cond('Accepted', 'False', 'NotAllowedByListeners', 'No listeners included by this parent ref allowed this attachment.'))
      else {
        attached = allowed.flatMap((l) => {
          const hostnames = intersect(l.view.hostname, view.hostnames)
          return hostnames ? [{ listener: l, hostnames }] : []
        })
        if (attached.length === 0) conditions.push(cond('Accepted', 'False', 'NoMatchingListenerHostname', `There were no hostname intersections between the ${view.kind} and this parent ref's Listener(s).`))
        else conditions.push(cond('Accepted', 'True', 'Accepted', 'Route is accepted'))
      }
    }
    conditions.push(resolved)
    const accepted = attached.length > 0
    if (accepted) for (const a of attached) a.listener.attachedRoutes++
    parents.push({ ref, gateway: gw, conditions, accepted, attached })
  }
  return { view, parents, backendProblems }
}

/**
 * The controller's view of the whole cluster (cached per cluster).
 *
 * @example
 * const m = gatewayModel(cluster)
 * m.routes[0].parents[0].conditions // [{ type: 'Accepted', status: 'True', reason: 'Accepted', … }, …]
 */
export function gatewayModel(cluster: Cluster): GatewayModel {
  const hit = CACHE.get(cluster)
  if (hit) return hit
  const refused = apiValidation(cluster).refused
  const classes = classStates(cluster)
  const gateways = gatewayStates(cluster, classes)
  const routes = [...cluster.httpRoutes, ...cluster.grpcRoutes].filter((g) => !refused.has(objectKey(g))).map((g) => routeState(cluster, g, gateways))
  const model = { classes, gateways, routes }
  CACHE.set(cluster, model)
  return model
}
