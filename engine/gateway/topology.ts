/**
 * The Gateway topology as data: each Gateway with its address and listeners,
 * the routes attached to each listener (and those that failed to attach, with
 * the reason from their status), each rule's backends with weights, and the
 * Pods behind each Service. `gateway topology` prints it; the page draws it
 * (diagram.ts) from this data, so the picture follows every edit.
 */
import type { Cluster } from '../model/types.ts'
import { gatewayModel } from './attach.ts'
import type { GatewayState, RouteState } from './attach.ts'
import { resolveService } from './backend.ts'
import { grpcAsHttp } from './route.ts'
import type { HTTPMatchView } from './model.ts'

export interface TopologyListener {
  name: string
  protocol: string
  port: number
  hostname?: string
  ready: boolean
  attachedRoutes: number
}

export interface TopologyBackend {
  service: string
  port?: number
  weight: number
  /** the reason it does not resolve (InvalidKind, RefNotPermitted, BackendNotFound) */
  problem?: string
}

export interface TopologyRoute {
  kind: string
  name: string
  hostnames: string[]
  /** listeners (`gateway/listener`) it is attached to */
  listeners: string[]
  /** why a parentRef did not attach, `gateway: Reason` */
  detached: string[]
  rules: { index: number; name?: string; matches: string[]; backends: TopologyBackend[] }[]
}

export interface TopologyService {
  service: string
  pods: { name: string; ip: string; ready: boolean }[]
}

export interface GatewayTopology {
  kind: 'gateway-topology'
  gateways: { name: string; className: string; address?: string; programmed: boolean; listeners: TopologyListener[] }[]
  routes: TopologyRoute[]
  services: TopologyService[]
}

function matchText(m: HTTPMatchView): string {
  const parts = [`${m.path.type === 'PathPrefix' ? 'prefix' : m.path.type === 'Exact' ? 'exact' : 'regex'} ${m.path.value}`]
  if (m.method) parts.push(m.method)
  for (const h of m.headers) parts.push(`${h.name}: ${h.value}`)
  for (const q of m.queryParams) parts.push(`?${q.name}=${q.value}`)
  return parts.join(' ')
}

function routeEntry(r: RouteState, gateways: GatewayState[]): TopologyRoute {
  const v = r.view
  const rules = (v.kind === 'HTTPRoute' ? v.httpRules : v.grpcRules).map((rule) => ({
    index: rule.index,
    name: rule.name,
    matches: rule.matches.map((m) => matchText('path' in m ? (m as HTTPMatchView) : grpcAsHttp(m))),
    backends: rule.backendRefs.map((b) => {
      const p = r.backendProblems.get(`${rule.index}/${b.index}`)
      return { service: `${b.namespace}/${b.name}`, port: b.port, weight: b.weight, ...(p ? { problem: p.reason } : {}) }
    }),
  }))
  const listeners: string[] = []
  const detached: string[] = []
  for (const p of r.parents) {
    if (!gateways.includes(p.gateway)) continue
    for (const a of p.attached) listeners.push(`${p.gateway.view.key}/${a.listener.view.name}`)
    const bad = p.conditions.find((c) => c.type === 'Accepted' && c.status === 'False')
    if (bad) detached.push(`${p.gateway.view.key}: ${bad.reason}`)
  }
  return { kind: v.kind, name: v.key, hostnames: v.hostnames, listeners, detached, rules }
}

/**
 * The topology of one Gateway (or of every Gateway a modelled controller serves).
 *
 * @example
 * gatewayTopology(cluster).routes[0].rules[0].backends // [{ service: 'default/store', port: 80, weight: 1 }]
 */
export function gatewayTopology(cluster: Cluster, only?: GatewayState): GatewayTopology {
  const m = gatewayModel(cluster)
  const gateways = only ? [only] : m.gateways.filter((g) => g.controlled)
  const routes = m.routes.filter((r) => r.parents.some((p) => gateways.includes(p.gateway))).map((r) => routeEntry(r, gateways))
  const names = [...new Set(routes.flatMap((r) => r.rules.flatMap((x) => x.backends.filter((b) => !b.problem).map((b) => b.service))))]
  const services: TopologyService[] = []
  for (const key of names) {
    const [ns, name] = key.split('/')
    const rs = resolveService(cluster, { index: 0, group: '', kind: 'Service', name, namespace: ns, namespaceWritten: true, weight: 1, filters: [] })
    if (!rs) continue
    const pods: TopologyService['pods'] = []
    for (const sl of cluster.index.slicesByService.get(key) ?? []) {
      for (const e of sl.endpoints) {
        const podName = e.targetRef?.kind === 'Pod' ? e.targetRef.name : e.addresses[0]
        if (!pods.some((p) => p.name === podName)) pods.push({ name: podName, ip: e.addresses[0], ready: e.conditions.ready })
      }
    }
    services.push({ service: key, pods })
  }
  return {
    kind: 'gateway-topology',
    gateways: gateways.map((g) => ({
      name: g.view.key,
      className: g.view.className,
      address: g.addresses[0]?.value,
      programmed: g.conditions.some((c) => c.type === 'Programmed' && c.status === 'True'),
      listeners: g.listeners.map((l) => ({ name: l.view.name, protocol: l.view.protocol, port: l.view.port, hostname: l.view.hostname, ready: l.ready, attachedRoutes: l.attachedRoutes })),
    })),
    routes,
    services,
  }
}

/** `gateway topology` as text: listener → route → rule → Service → Pods. */
export function topologyText(t: GatewayTopology): string {
  const lines: string[] = []
  for (const g of t.gateways) {
    lines.push(`Gateway ${g.name} (class ${g.className}) ${g.address ?? 'no address'}${g.programmed ? '' : ', not programmed'}`)
    for (const l of g.listeners) {
      lines.push(`  listener ${l.name}: ${l.protocol} ${l.port} ${l.hostname ?? '*'}${l.ready ? '' : ' (not programmed)'}, ${l.attachedRoutes} route${l.attachedRoutes === 1 ? '' : 's'}`)
      for (const r of t.routes.filter((x) => x.listeners.includes(`${g.name}/${l.name}`))) {
        lines.push(`    ${r.kind} ${r.name}${r.hostnames.length ? ` (${r.hostnames.join(', ')})` : ''}`)
        for (const rule of r.rules) {
          const backends = rule.backends.length
            ? rule.backends.map((b) => {
                const svc = t.services.find((s) => s.service === b.service)
                const pods = b.problem ? b.problem : svc ? (svc.pods.length ? svc.pods.map((p) => `${p.name}${p.ready ? '' : ' (not ready)'}`).join(', ') : 'no endpoints') : 'no Service'
                return `${b.service}:${b.port ?? '?'}${rule.backends.length > 1 ? ` weight ${b.weight}` : ''} → ${pods}`
              })
            : ['no backends']
          lines.push(`      rule ${rule.name ?? rule.index} [${rule.matches.join(' | ')}] → ${backends.join('; ')}`)
        }
      }
    }
  }
  const detached = t.routes.filter((r) => r.detached.length)
  if (detached.length) {
    lines.push('not attached:')
    for (const r of detached) lines.push(`  ${r.kind} ${r.name}: ${r.detached.join('; ')}`)
  }
  return `${lines.join('\n')}\n`
}
