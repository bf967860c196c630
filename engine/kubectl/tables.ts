/**
 * The columns `kubectl get` prints for each kind, from
 * pkg/printers/internalversion/printers.go (AddHandlers), with its helpers
 * for ports, endpoints, external IPs and hosts.
 */
import { workloadJson } from './workload-objects.ts'
import { read } from '../cluster/context.ts'
import type { Cluster, EndpointSlice, Endpoints, GenericObject, Json, Namespace, Node, Pod, Service } from '../model/types.ts'
import { age } from '../text/duration.ts'
import { crashLoop } from '../cluster/crash-loop.ts'
import { isoSeconds, lastState } from '../cluster/probes.ts'
import { formatLabels, formatSelector, selectorFromJson } from '../cluster/selector.ts'
import { effectiveClass } from '../ingress/classes.ts'
import { ingressStatus } from '../ingress/status.ts'
import { ingressView } from '../ingress/model.ts'

export interface TableSpec<T> {
  headers: string[]
  wideHeaders: string[]
  row(o: T, c: Cluster): string[]
  wide(o: T, c: Cluster): string[]
  /** when -o wide reorders the columns (events): the whole wide row, under wideHeaders alone */
  wideRow?(o: T, c: Cluster): string[]
}

function listWithMore(list: string[], more: boolean, count: number, max: number): string {
  const ret = list.join(',')
  if (more) return `${ret} + ${count - max} more...`
  return ret === '' ? '<unset>' : ret
}

/**
 * printers.go printPod's STATUS: a Pod bound to a node but without a sandbox waits in
 * ContainerCreating, or, with init containers, on the first of them (`Init:0/N`: its
 * status waits with reason PodInitializing, which printPod counts instead of naming).
 */
export function podStatus(p: Pod): string {
  if (p.terminating) return 'Terminating'
  // printPod: a PodScheduled condition with reason SchedulingGated names the status
  if (p.schedulingHold === 'SchedulingGated') return 'SchedulingGated'
  if (p.phase === 'Pending' && p.nodeName && p.podIPs.length === 0) return p.initContainers.length ? `Init:0/${p.initContainers.length}` : 'ContainerCreating'
  // a waiting container's reason names the Pod's status (printPod walks the statuses backwards: the first one wins)
  if (p.phase === 'Running' && p.podIPs.length > 0 && p.containers.some((c) => c.crash || c.probes?.waiting)) return 'CrashLoopBackOff'
  // a container its probe killed and that stays down (restartPolicy Never/OnFailure): its terminated reason
  const term = [...p.containers].reverse().find((c) => c.probes?.terminated !== undefined)
  if (term && p.podIPs.length > 0) {
    const running = p.containers.some((c) => c.probes?.terminated === undefined && c.ready)
    if (term.probes!.exitReason === 'Completed' && running) return p.ready ? 'Running' : 'NotReady'
    return term.probes!.exitReason
  }
  return p.phase
}

/** printPod's RESTARTS: the sum, and how long ago the last restarted container last exited. */
function podRestarts(p: Pod, now: string): string {
  let n = p.containers.reduce((k, x) => k + x.restartCount, 0)
  const crashing = p.podIPs.length > 0 && p.containers.some((c) => c.crash)
  if (!crashing) {
    // restarted after failed probes: the latest exit of a restarted container (cluster/probes.ts)
    const exits = p.containers.map((c) => (c.probes ? lastState(c.probes)?.killed : undefined)).filter((x): x is number => x !== undefined)
    return n > 0 && exits.length ? `${n} (${age(isoSeconds(Math.max(...exits)), now)} ago)` : String(n)
  }
  const loop = crashLoop(p.meta.creationTimestamp, now)
  n += loop.restarts * p.containers.filter((c) => c.crash).length
  return `${n} (${age(loop.lastStart, now)} ago)`
}

/**
 * printPod's READY: ready and running containers of how many, sidecars (init containers with
 * restartPolicy Always) counted with the app containers (totalContainers++ for each restartable
 * init container; a started and ready one adds to readyContainers)
 */
function podReady(p: Pod): string {
  const running = p.podIPs.length > 0
  let ready = running ? p.containers.filter((x) => x.ready).length : 0
  let total = p.containers.length
  for (const c of p.initContainers) {
    if (!c.sidecar) continue
    total++
    if (running && c.ready) ready++
  }
  return `${ready}/${total}`
}

export const podTable: TableSpec<Pod> = {
  headers: ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'],
  wideHeaders: ['IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES'],
  row: (p, c) => [
    p.meta.name,
    podReady(p),
    podStatus(p),
    podRestarts(p, c.now),
    age(p.meta.creationTimestamp, c.now),
  ],
  wide: (p) => [p.podIPs[0] ?? '<none>', p.nodeName || '<none>', '<none>', readinessGatesText(p)],
}

/** printPod's READINESS GATES: how many of spec.readinessGates have a True condition, of how many */
function readinessGatesText(p: Pod): string {
  const gates = p.readinessGates
  if (!gates?.length) return '<none>'
  return `${gates.filter((g) => g.status === 'True').length}/${gates.length}`
}

/** printers.go makePortString */
export function servicePorts(s: Service): string {
  if (s.ports.length === 0) return '<none>'
  return s.ports.map((p) => (p.nodePort ? `${p.port}:${p.nodePort}/${p.protocol}` : `${p.port}/${p.protocol}`)).join(',')
}

/** printers.go getServiceExternalIP */
export function serviceExternalIP(s: Service): string {
  switch (s.type) {
    case 'ClusterIP':
    case 'NodePort':
      return s.externalIPs.length ? s.externalIPs.join(',') : '<none>'
    case 'LoadBalancer': {
      const lb = [...s.loadBalancerIngress.map((i) => i.ip ?? i.hostname ?? ''), ...s.externalIPs].filter(Boolean)
      return lb.length ? lb.join(',') : '<pending>'
    }
    case 'ExternalName':
      return s.externalName ?? ''
  }
}

export const serviceTable: TableSpec<Service> = {
  headers: ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE'],
  wideHeaders: ['SELECTOR'],
  row: (s, c) => [s.meta.name, s.type, s.clusterIPs[0] ?? '<none>', serviceExternalIP(s), servicePorts(s), age(s.meta.creationTimestamp, c.now)],
  wide: (s) => [formatLabels(s.selector)],
}

export function sliceEndpointsText(s: EndpointSlice): string {
  const list: string[] = []
  let more = false
  let count = 0
  for (const e of s.endpoints) {
    for (const a of e.addresses) {
      if (list.length < 3) list.push(a)
      else if (list.length === 3) more = true
      count++
    }
  }
  return listWithMore(list, more, count, 3)
}

export const endpointSliceTable: TableSpec<EndpointSlice> = {
  headers: ['NAME', 'ADDRESSTYPE', 'PORTS', 'ENDPOINTS', 'AGE'],
  wideHeaders: [],
  row: (s, c) => {
    const list: string[] = []
    let more = false
    for (const p of s.ports) {
      if (list.length < 3) list.push(p.port !== null ? String(p.port) : p.name || '*')
      else more = true
    }
    return [s.meta.name, s.addressType, listWithMore(list, more, s.ports.length, 3), sliceEndpointsText(s), age(s.meta.creationTimestamp, c.now)]
  },
  wide: () => [],
}

/** printers.go formatEndpoints: ready addresses only, `ip:port` for each port; "<none>" without subsets */
export function endpointsText(e: Endpoints): string {
  if (e.subsets.length === 0) return '<none>'
  const list: string[] = []
  const max = 3
  let more = false
  let count = 0
  for (const ss of e.subsets) {
    if (ss.ports.length === 0) {
      count += ss.addresses.length
      for (const a of ss.addresses) {
        if (list.length === max) {
          more = true
          break
        }
        list.push(a.ip)
      }
    } else {
      for (const port of ss.ports) {
        count += ss.addresses.length
        for (const a of ss.addresses) {
          if (list.length === max) {
            more = true
            break
          }
          list.push(a.ip.includes(':') ? `[${a.ip}]:${port.port}` : `${a.ip}:${port.port}`)
        }
      }
    }
  }
  const ret = list.join(',')
  return more ? `${ret} + ${count - max} more...` : ret
}

export const endpointsTable: TableSpec<Endpoints> = {
  headers: ['NAME', 'ENDPOINTS', 'AGE'],
  wideHeaders: [],
  row: (e, c) => [e.meta.name, endpointsText(e), age(e.meta.creationTimestamp, c.now)],
  wide: () => [],
}

export const nodeTable: TableSpec<Node> = {
  headers: ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION'],
  wideHeaders: ['INTERNAL-IP', 'EXTERNAL-IP', 'OS-IMAGE', 'KERNEL-VERSION', 'CONTAINER-RUNTIME'],
  row: (n, c) => [
    n.meta.name,
    (n.ready ? 'Ready' : 'NotReady') + (n.unschedulable ? ',SchedulingDisabled' : ''),
    n.roles.length ? n.roles.join(',') : '<none>',
    age(n.meta.creationTimestamp, c.now),
    n.nodeInfo.kubeletVersion ?? '',
  ],
  wide: (n) => [n.internalIPs[0] ?? '<none>', n.externalIPs[0] ?? '<none>', n.nodeInfo.osImage ?? '<unknown>', n.nodeInfo.kernelVersion ?? '<unknown>', n.nodeInfo.containerRuntimeVersion ?? '<unknown>'],
}

export const namespaceTable: TableSpec<Namespace> = {
  headers: ['NAME', 'STATUS', 'AGE'],
  wideHeaders: [],
  row: (n, c) => [n.meta.name, 'Active', age(n.meta.creationTimestamp, c.now)],
  wide: () => [],
}

function str(v: Json | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined
}

export const ingressTable: TableSpec<GenericObject> = {
  headers: ['NAME', 'CLASS', 'HOSTS', 'ADDRESS', 'PORTS', 'AGE'],
  wideHeaders: [],
  row: (g, c) => {
    const hosts: string[] = []
    let count = 0
    for (const r of read.arr(g.spec.rules)) {
      const h = str((r as Record<string, Json>)?.host) || '*'
      if (hosts.length < 4) hosts.push(h)
      count++
    }
    const hostText = hosts.length === 0 ? '*' : count > 4 ? `${hosts.join(',')} + ${count - 4} more...` : hosts.join(',')
    // the address the controller publishes in status (engine/ingress/status.ts)
    let address = ingressStatus(c, g).map((i) => i.ip ?? i.hostname ?? '').join(',')
    if (address.length > 16) address = `${address.slice(0, 13)}...`
    const ports = read.arr(g.spec.tls).length ? '80, 443' : '80'
    // the DefaultIngressClass admission plugin writes the default class into spec.ingressClassName
    const cls = effectiveClass(c, ingressView(g))
    const className = cls.via === 'ingressClassName' || cls.via === 'default-class' ? (cls.name ?? '<none>') : '<none>'
    return [g.meta.name, className, hostText, address, ports, age(g.meta.creationTimestamp, c.now)]
  },
  wide: () => [],
}

export const networkPolicyTable: TableSpec<GenericObject> = {
  headers: ['NAME', 'POD-SELECTOR', 'AGE'],
  wideHeaders: [],
  row: (g, c) => [g.meta.name, formatSelector(selectorFromJson(g.spec.podSelector) ?? {}), age(g.meta.creationTimestamp, c.now)],
  wide: () => [],
}

/** additionalPrinterColumns of the network-policy-api CRDs: ClusterNetworkPolicy Tier, Priority, Age; AdminNetworkPolicy Priority, Age; BaselineAdminNetworkPolicy Age */
export function clusterPolicyTable(kind: string): TableSpec<GenericObject> {
  const cell = (v: Json | undefined) => (v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v))
  const cols: [string, (g: GenericObject) => string][] =
    kind === 'ClusterNetworkPolicy' ? [['TIER', (g) => cell(g.spec.tier)], ['PRIORITY', (g) => cell(g.spec.priority)]]
    : kind === 'AdminNetworkPolicy' ? [['PRIORITY', (g) => cell(g.spec.priority)]]
    : []
  return {
    headers: ['NAME', ...cols.map((c) => c[0]), 'AGE'],
    wideHeaders: [],
    row: (g, c) => [g.meta.name, ...cols.map((x) => x[1](g)), age(g.meta.creationTimestamp, c.now)],
    wide: () => [],
  }
}

export const ingressClassTable: TableSpec<GenericObject> = {
  headers: ['NAME', 'CONTROLLER', 'PARAMETERS', 'AGE'],
  wideHeaders: [],
  row: (g, c) => [g.meta.name, str(g.spec.controller) ?? '', '<none>', age(g.meta.creationTimestamp, c.now)],
  wide: () => [],
}

export const configMapTable: TableSpec<GenericObject> = {
  headers: ['NAME', 'DATA', 'AGE'],
  wideHeaders: [],
  row: (g, c) => {
    const data = g.raw.data && typeof g.raw.data === 'object' ? Object.keys(g.raw.data).length : 0
    const bin = g.raw.binaryData && typeof g.raw.binaryData === 'object' ? Object.keys(g.raw.binaryData).length : 0
    return [g.meta.name, String(data + bin), age(g.meta.creationTimestamp, c.now)]
  },
  wide: () => [],
}

/** printers.go printSecret */
export const secretTable: TableSpec<GenericObject> = {
  headers: ['NAME', 'TYPE', 'DATA', 'AGE'],
  wideHeaders: [],
  row: (g, c) => {
    const n = (k: string) => (g.raw[k] && typeof g.raw[k] === 'object' ? Object.keys(g.raw[k] as object).length : 0)
    return [g.meta.name, str(g.raw.type) ?? 'Opaque', String(n('data')), age(g.meta.creationTimestamp, c.now)]
  },
  wide: () => [],
}

/** The AdminNetworkPolicy CRD's additionalPrinterColumns (network-policy-api v0.1.x): Priority, Age */
export const adminNetworkPolicyTable: TableSpec<GenericObject> = {
  headers: ['NAME', 'PRIORITY', 'AGE'],
  wideHeaders: [],
  row: (g, c) => [g.meta.name, typeof g.spec.priority === 'number' ? String(g.spec.priority) : '', age(g.meta.creationTimestamp, c.now)],
  wide: () => [],
}

/** The BaselineAdminNetworkPolicy CRD prints no column of its own */
export const baselineAdminNetworkPolicyTable: TableSpec<GenericObject> = {
  headers: ['NAME', 'AGE'],
  wideHeaders: [],
  row: (g, c) => [g.meta.name, age(g.meta.creationTimestamp, c.now)],
  wide: () => [],
}

/** Deployments, StatefulSets, DaemonSets, ReplicaSets: counts from the simulated Pods */
export function workloadTable(kind: string): TableSpec<GenericObject> {
  // printers.go printDeployment / printReplicaSet / printStatefulSet / printDaemonSet read the status the controllers wrote
  const view = (g: GenericObject, c: Cluster) => {
    const o = workloadJson(g, c)
    const spec = o.spec as Record<string, Json>
    const status = o.status as Record<string, Json>
    const n = (k: string) => String(typeof status[k] === 'number' ? status[k] : 0)
    return { spec, n, desired: String(typeof spec.replicas === 'number' ? spec.replicas : 0) }
  }
  const containers = (g: GenericObject) => read.arr(((g.spec.template as Record<string, Json>)?.spec as Record<string, Json>)?.containers) as Record<string, Json>[]
  const wide = (g: GenericObject) => [
    containers(g).map((x) => str(x.name) ?? '').join(','),
    containers(g).map((x) => str(x.image) ?? '').join(','),
    formatSelector(selectorFromJson(g.spec.selector)),
  ]
  switch (kind) {
    case 'Deployment':
      return {
        headers: ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE'],
        wideHeaders: ['CONTAINERS', 'IMAGES', 'SELECTOR'],
        row: (g, c) => {
          const v = view(g, c)
          return [g.meta.name, `${v.n('readyReplicas')}/${v.desired}`, v.n('updatedReplicas'), v.n('availableReplicas'), age(g.meta.creationTimestamp, c.now)]
        },
        wide,
      }
    case 'StatefulSet':
      return {
        headers: ['NAME', 'READY', 'AGE'],
        wideHeaders: ['CONTAINERS', 'IMAGES'],
        row: (g, c) => {
          const v = view(g, c)
          return [g.meta.name, `${v.n('readyReplicas')}/${v.desired}`, age(g.meta.creationTimestamp, c.now)]
        },
        wide: (g) => wide(g).slice(0, 2),
      }
    case 'DaemonSet':
      return {
        headers: ['NAME', 'DESIRED', 'CURRENT', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'NODE SELECTOR', 'AGE'],
        wideHeaders: ['CONTAINERS', 'IMAGES', 'SELECTOR'],
        row: (g, c) => {
          const v = view(g, c)
          const ns = ((g.spec.template as Record<string, Json>)?.spec as Record<string, Json>)?.nodeSelector
          return [g.meta.name, v.n('desiredNumberScheduled'), v.n('currentNumberScheduled'), v.n('numberReady'), v.n('updatedNumberScheduled'), v.n('numberAvailable'), formatLabels(ns as Record<string, string>), age(g.meta.creationTimestamp, c.now)]
        },
        wide,
      }
    default:
      return {
        headers: ['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE'],
        wideHeaders: ['CONTAINERS', 'IMAGES', 'SELECTOR'],
        row: (g, c) => {
          const v = view(g, c)
          return [g.meta.name, v.desired, v.n('replicas'), v.n('readyReplicas'), age(g.meta.creationTimestamp, c.now)]
        },
        wide,
      }
  }
}
