/**
 * `kubectl describe ingress` and `kubectl describe ingressclass` in the
 * layout of k8s.io/kubectl/pkg/describe (IngressDescriber.describeIngressV1,
 * describeBackendV1, formatEndpointSlices, describeIngressClassV1): a
 * tabwriter with minwidth 0 and padding 2.
 */
import type { Cluster, EndpointSlice, GenericObject } from '../model/types.ts'
import { registerDescriber } from '../kubectl/describe.ts'
import { tabwrite } from '../text/tabwriter.ts'
import { age } from '../text/duration.ts'
import { read } from '../cluster/context.ts'
import { ingressView, backendText } from './model.ts'
import type { BackendRef } from './model.ts'
import { controllerFor, servedBy, INGRESS_NGINX_CONTROLLER, effectiveClass } from './classes.ts'
import { apiValidation } from './api-validation.ts'
import { ingressStatus } from './status.ts'

const SKIP_ANNOTATIONS = new Set(['kubectl.kubernetes.io/last-applied-configuration'])
const MAX_ANNOTATION_LEN = 140

function labelsMultiline(title: string, m: Record<string, string>): string {
  const keys = Object.keys(m).sort()
  if (keys.length === 0) return `${title}:\t<none>\n`
  return keys.map((k, i) => `${i === 0 ? `${title}:` : ''}\t${k}=${m[k]}\n`).join('')
}

/** printAnnotationsMultiline: long or multi-line values go below their key, shortened to 138 characters a line */
function annotationsMultiline(m: Record<string, string>): string {
  const keys = Object.keys(m).filter((k) => !SKIP_ANNOTATIONS.has(k)).sort()
  if (keys.length === 0) return 'Annotations:\t<none>\n'
  let w = 'Annotations:\t'
  keys.forEach((k, i) => {
    if (i !== 0) w += '\t'
    const value = m[k].replace(/\n$/, '')
    if (value.length + k.length + 2 > MAX_ANNOTATION_LEN || value.includes('\n')) {
      w += `${k}:\n`
      for (const s of value.split('\n')) w += `\t  ${s.length > MAX_ANNOTATION_LEN - 2 ? `${s.slice(0, MAX_ANNOTATION_LEN - 2)}...` : s}\n`
    } else w += `${k}: ${value}\n`
  })
  return w
}

function hostPort(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`
}

/** formatEndpointSlices: ready endpoints of the named port, at most 3, then "+ N more..." */
export function formatEndpointSlices(slices: EndpointSlice[], portName: string): string {
  if (slices.length === 0) return '<none>'
  const list: string[] = []
  const max = 3
  let more = false
  let count = 0
  for (const s of slices) {
    if (s.ports.length === 0) {
      for (const e of s.endpoints) {
        if (list.length === max) more = true
        if (!e.conditions.ready) continue
        if (!more) list.push(e.addresses[0])
        count++
      }
      continue
    }
    for (const p of s.ports) {
      if (p.name !== portName) continue
      for (const e of s.endpoints) {
        if (list.length === max) more = true
        if (!e.conditions.ready) continue
        if (!more) list.push(hostPort(e.addresses[0], p.port ?? 0))
        count++
      }
    }
  }
  const ret = list.join(',')
  return more ? `${ret} + ${count - max} more...` : ret
}

/** describeBackendV1 */
function describeBackend(c: Cluster, ns: string, b: BackendRef): string {
  if (b.service) {
    const sb = backendText(b.service)
    const svc = c.index.service.get(`${ns}/${b.service.name}`)
    if (!svc) return `${sb} (<error: services "${b.service.name}" not found>)`
    let spName = ''
    for (const sp of svc.ports) {
      if (b.service.port.number && b.service.port.number === sp.port) spName = sp.name ?? ''
      else if (b.service.port.name && b.service.port.name === sp.name) spName = sp.name ?? ''
    }
    return `${sb} (${formatEndpointSlices(c.index.slicesByService.get(`${ns}/${b.service.name}`) ?? [], spName)})`
  }
  if (b.resource) return `APIGroup: ${b.resource.apiGroup ?? '<none>'}, Kind: ${b.resource.kind}, Name: ${b.resource.name}`
  return ''
}

/** ingressLoadBalancerStatusStringerV1 (wide): unique IPs or hostnames, sorted, comma-separated */
function address(c: Cluster, g: GenericObject): string {
  const set = new Set<string>()
  for (const i of ingressStatus(c, g)) {
    if (i.ip) set.add(i.ip)
    else if (i.hostname) set.add(i.hostname)
  }
  return [...set].sort().join(',')
}

/** ingress-nginx records a Sync event on every Ingress it takes ("Scheduled for sync"). */
function events(c: Cluster, g: GenericObject): string {
  const v = ingressView(g)
  const cls = effectiveClass(c, v).name ?? ''
  const ctl = controllerFor(c, cls)
  const takes = ctl.modelled && ctl.controller === INGRESS_NGINX_CONTROLLER && servedBy(c, v, cls).served && !apiValidation(c).refused.has(v.key)
  if (!takes) return 'Events:\t<none>\n'
  return `Events:\n  Type\tReason\tAge\tFrom\tMessage\n  ----\t------\t----\t----\t-------\n  Normal\tSync\t${age(g.meta.creationTimestamp, c.now)}\tnginx-ingress-controller\tScheduled for sync\n`
}

/**
 * `kubectl describe ingress NAME` (undefined when there is no such Ingress).
 *
 * @example
 * describeIngress(cluster, 'default', 'simple-fanout-example')
 */
export function describeIngress(c: Cluster, ns: string, name: string): string | undefined {
  const g = c.ingresses.find((i) => i.meta.namespace === ns && i.meta.name === name)
  if (!g) return undefined
  const v = ingressView(g)
  let w = ''
  w += `Name:\t${g.meta.name}\n`
  w += labelsMultiline('Labels', g.meta.labels)
  w += `Namespace:\t${g.meta.namespace}\n`
  w += `Address:\t${address(c, g)}\n`
  // the DefaultIngressClass admission plugin wrote the default class into spec.ingressClassName at creation
  const eff = effectiveClass(c, v)
  w += `Ingress Class:\t${v.ingressClassName ?? (eff.via === 'default-class' ? eff.name : '<none>')}\n`
  const def = v.defaultBackend ? describeBackend(c, ns, v.defaultBackend) : '<default>'
  w += `Default backend:\t${def}\n`
  if (v.tls.length) {
    w += 'TLS:\n'
    for (const t of v.tls) w += t.secretName === '' ? `  SNI routes ${t.hosts.join(',')}\n` : `  ${t.secretName} terminates ${t.hosts.join(',')}\n`
  }
  w += 'Rules:\n  Host\tPath\tBackends\n'
  w += '  ----\t----\t--------\n'
  let count = 0
  for (const r of v.rules) {
    if (!r.paths) continue
    count++
    w += `  ${r.host || '*'}\t\n`
    for (const p of r.paths) w += `    \t${p.path} \t${describeBackend(c, ns, p.backend)}\n`
  }
  if (count === 0) w += `  *\t*\t${def}\n`
  w += annotationsMultiline(g.meta.annotations)
  w += events(c, g)
  return tabwrite(w, 0, 2)
}

/**
 * `kubectl describe ingressclass NAME`.
 *
 * @example
 * describeIngressClass(cluster, '', 'nginx')
 */
export function describeIngressClass(c: Cluster, _ns: string, name: string): string | undefined {
  const g = c.ingressClasses.find((i) => i.meta.name === name)
  if (!g) return undefined
  let w = ''
  w += `Name:\t${g.meta.name}\n`
  w += labelsMultiline('Labels', g.meta.labels)
  w += annotationsMultiline(g.meta.annotations)
  w += `Controller:\t${read.str(g.spec.controller) ?? ''}\n`
  const p = read.obj(g.spec.parameters)
  if (p) {
    w += 'Parameters:\n'
    if (read.str(p.apiGroup) !== undefined) w += `  APIGroup:\t${read.str(p.apiGroup)}\n`
    w += `  Kind:\t${read.str(p.kind) ?? ''}\n`
    w += `  Name:\t${read.str(p.name) ?? ''}\n`
  }
  w += 'Events:\t<none>\n'
  return tabwrite(w, 0, 2)
}

registerDescriber('Ingress', describeIngress)
registerDescriber('IngressClass', describeIngressClass)
