/**
 * The EndpointSlice controller (pkg/controller/endpointslice, staging
 * endpointslice/utils.go) and the legacy Endpoints it still mirrors.
 * - Pods in the Service's namespace matching its selector, with an IP and not
 *   terminal (ShouldPodBeInEndpoints); terminating Pods are kept.
 * - ready = publishNotReadyAddresses || (Pod Ready && !terminating),
 *   serving = publishNotReadyAddresses || Pod Ready, terminating = deletionTimestamp set.
 * - A named targetPort is resolved per Pod (podutil.FindPort: a container port of
 *   that name and the Service port's protocol); Pods whose ports resolve
 *   differently land in different slices; at most 100 endpoints per slice.
 * - hostname is set only when the Pod's hostname is set and its subdomain is the Service's name.
 * - Selector-less Services keep the slices written by hand; their legacy
 *   Endpoints are mirrored into slices (endpointslicemirroring controller).
 */
import { addHints } from './topology-hints.ts'
import { familyOfValid, ipFamilyOf } from '../net/ip.ts'
import type { Endpoint, EndpointPort, EndpointSlice, Endpoints, Node, Pod, Protocol, Service } from '../model/types.ts'
import { BuildContext, read } from './context.ts'
import type { Loaded } from './context.ts'
import { safeRandomString } from './hash.ts'
import { makeMeta } from './meta.ts'
import type { PodLabelIndex } from './pod-label-index.ts'
import { LIMITS } from '../load/limits.ts'
import { readyTransition } from './ready-transition.ts'

export const MAX_ENDPOINTS_PER_SLICE = 100
export const MANAGED_BY_CONTROLLER = 'endpointslice-controller.k8s.io'
export const MANAGED_BY_MIRRORING = 'endpointslicemirroring-controller.k8s.io'

/** podutil.FindPort */
export function findPort(pod: Pod, port: { targetPort: number | string; protocol: Protocol }): number | undefined {
  if (typeof port.targetPort === 'number') return port.targetPort
  for (const c of pod.containers) {
    for (const p of c.ports) if (p.name === port.targetPort && p.protocol === port.protocol) return p.containerPort
  }
  // pkg/api/v1/pod/util.go FindPort: then the sidecars (init containers with restartPolicy Always)
  for (const c of pod.initContainers) {
    if (!c.sidecar) continue
    for (const p of c.ports) if (p.name === port.targetPort && p.protocol === port.protocol) return p.containerPort
  }
  return undefined
}

function resolvePorts(pod: Pod, svc: Service): EndpointPort[] {
  const ports: EndpointPort[] = []
  for (const sp of svc.ports) {
    const n = findPort(pod, sp)
    if (n !== undefined) ports.push({ name: sp.name ?? '', protocol: sp.protocol, port: n, appProtocol: sp.appProtocol })
  }
  return ports
}

function addressOf(pod: Pod, family: string): string | undefined {
  for (const ip of pod.podIPs) if (familyOfValid(ip) === family) return ip
  return undefined
}

/** The eight possible condition sets, shared (read-only) by every endpoint. */
const CONDITIONS: Endpoint['conditions'][] = Array.from({ length: 8 }, (_, i) => Object.freeze({ ready: (i & 4) !== 0, serving: (i & 2) !== 0, terminating: (i & 1) !== 0 }))

function conditionsOf(ready: boolean, serving: boolean, terminating: boolean): Endpoint['conditions'] {
  return CONDITIONS[(ready ? 4 : 0) | (serving ? 2 : 0) | (terminating ? 1 : 0)]
}

/** The controller's TopologyAwareHintsDisabled event, shown where the reader asked for hints. */
function hintsDisabled(ctx: BuildContext, svc: Service, message: string | undefined): void {
  const loaded = ctx.objects('Service').find((o) => o.name === svc.meta.name && o.namespace === svc.meta.namespace)
  ctx.warn(loaded, ['metadata', 'annotations'], `Service ${svc.meta.name}: TopologyAwareHintsDisabled: ${message}; its EndpointSlices carry no hints, so kube-proxy spreads traffic over every zone`, 'topology-hints-disabled')
}

function tooManyEndpoints(ctx: BuildContext, svc: Service, need: number): void {
  const loaded = ctx.objects('Service').find((o) => o.name === svc.meta.name && o.namespace === svc.meta.namespace)
  ctx.error(loaded, ['spec', 'selector'], `too many endpoints in the scenario: Service ${svc.meta.name} would add ${need} (limit ${LIMITS.maxEndpoints} across all Services); its EndpointSlices, and those of every Service after it, are left incomplete`, 'too-large')
}

const TRIGGER_TIME = 'endpoints.kubernetes.io/last-change-trigger-time'
const HEADLESS = 'service.kubernetes.io/headless'
const RESERVED = new Set(['kubernetes.io/service-name', 'endpointslice.kubernetes.io/managed-by', HEADLESS])

/**
 * A slice's labels (endpointslice utils.go setEndpointSliceLabels): the Service's, less the
 * reserved keys, then the service name, the manager, and `headless` for a Service without a ClusterIP.
 */
function sliceLabels(svc: Service): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(svc.meta.labels)) if (!RESERVED.has(k)) out[k] = v
  out['endpointslice.kubernetes.io/managed-by'] = MANAGED_BY_CONTROLLER
  out['kubernetes.io/service-name'] = svc.meta.name
  if (svc.headless) out[HEADLESS] = ''
  return out
}

/**
 * The controllers' last-change trigger time (trigger_time_tracker.go): a Service first seen
 * gives its creation time; each later sync gives the earliest Pod Ready transition that changed
 * since the one before. With every change at its own instant, the slice's last write carries
 * the latest transition after the Service's creation, and each such instant was one more
 * write (one more generation).
 */
function lastChange(svc: Service, readySince: (string | undefined)[]): { trigger: string; later: number } {
  const created = svc.meta.creationTimestamp
  const later = new Set(readySince.filter((t): t is string => t !== undefined && t > created))
  let trigger = created
  for (const t of later) if (t > trigger) trigger = t
  return { trigger, later: later.size }
}

export function buildEndpointSlices(
  ctx: BuildContext,
  services: Service[],
  index: PodLabelIndex,
  nodes: Map<string, Node>,
): { slices: EndpointSlice[]; endpoints: Endpoints[] } {
  const slices: EndpointSlice[] = []
  const endpoints: Endpoints[] = []
  // Services with the same selector in a namespace select the same Pods: compute once
  const selections = new Map<string, Pod[]>()
  const eligibleFor = (svc: Service): Pod[] => {
    const key = `${svc.meta.namespace}\u0000${Object.keys(svc.selector!).sort().map((k) => `${k}=${svc.selector![k]}`).join(',')}`
    let list = selections.get(key)
    if (!list) {
      list = index.select(svc.meta.namespace, svc.selector!).filter((p) => p.podIPs.length > 0 && p.phase !== 'Succeeded' && p.phase !== 'Failed')
      selections.set(key, list)
    }
    return list
  }
  let endpointBudget = LIMITS.maxEndpoints
  let overBudget = false
  const svcByKey = new Map(services.map((s) => [`${s.meta.namespace}/${s.meta.name}`, s]))

  for (const svc of services) {
    if (!svc.selector || svc.type === 'ExternalName') continue
    let eligible = eligibleFor(svc)
    const need = eligible.length * Math.max(1, svc.ipFamilies.length)
    if (need > endpointBudget) {
      if (!overBudget) tooManyEndpoints(ctx, svc, need)
      overBudget = true
      eligible = eligible.slice(0, Math.floor(endpointBudget / Math.max(1, svc.ipFamilies.length)))
    }
    endpointBudget -= eligible.length * Math.max(1, svc.ipFamilies.length)
    const families = svc.ipFamilies.length ? svc.ipFamilies : ['IPv4' as const]
    const mine: EndpointSlice[] = []
    for (const family of families) {
      // group Pods by the port set their targetPorts resolve to
      const groups = new Map<string, { ports: EndpointPort[]; eps: Endpoint[] }>()
      for (const pod of eligible) {
        const address = addressOf(pod, family)
        if (!address) continue
        // the port set this Pod's targetPorts resolve to, as a key; the ports themselves only for a new group
        let key = ''
        for (const sp of svc.ports) {
          const n = findPort(pod, sp)
          key += n === undefined ? '-;' : `${n};`
        }
        const serving = svc.publishNotReadyAddresses || pod.ready
        const ep: Endpoint = {
          addresses: [address],
          conditions: conditionsOf(svc.publishNotReadyAddresses || (serving && !pod.terminating), serving, pod.terminating),
          nodeName: pod.nodeName || undefined,
          zone: nodes.get(pod.nodeName)?.zone,
          targetRef: { kind: 'Pod', namespace: pod.meta.namespace, name: pod.meta.name, uid: pod.meta.uid },
        }
        if (pod.hostname && pod.subdomain === svc.meta.name) ep.hostname = pod.hostname
        const g = groups.get(key)
        if (g) g.eps.push(ep)
        else groups.set(key, { ports: resolvePorts(pod, svc), eps: [ep] })
      }
      if (groups.size === 0) groups.set('', { ports: [], eps: [] })
      let n = 0
      for (const { ports, eps } of groups.values()) {
        for (let i = 0; i < Math.max(eps.length, 1); i += MAX_ENDPOINTS_PER_SLICE) {
          const name = `${svc.meta.name}-${safeRandomString(`${svc.meta.namespace}/${svc.meta.name}/${family}/${n++}`, 5)}`
          mine.push({
            meta: makeMeta({
              kind: 'EndpointSlice',
              name,
              namespace: svc.meta.namespace,
              generateName: `${svc.meta.name}-`,
              system: svc.system,
              labels: sliceLabels(svc),
              annotations: {},
              ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: svc.meta.name, uid: svc.meta.uid, controller: true, blockOwnerDeletion: true }],
            }),
            serviceName: svc.meta.name,
            addressType: family,
            ports,
            endpoints: eps.slice(i, i + MAX_ENDPOINTS_PER_SLICE),
            managedBy: MANAGED_BY_CONTROLLER,
            generated: true,
          })
        }
      }
    }
    const hints = addHints(svc, mine, nodes.values())
    if (hints && !hints.enabled) hintsDisabled(ctx, svc, hints.message)
    const readySince = new Map(eligible.map((p) => [p.meta.uid, readyTransition(p)]))
    for (const s of mine) {
      const change = lastChange(svc, s.endpoints.map((e) => readySince.get(e.targetRef?.uid ?? '')))
      s.meta.annotations[TRIGGER_TIME] = change.trigger
      s.generation = 1 + change.later
    }
    slices.push(...mine)
    const legacy = legacyEndpoints(svc, mine)
    legacy.meta.annotations[TRIGGER_TIME] = lastChange(svc, [...readySince.values()]).trigger
    endpoints.push(legacy)
  }

  // The API server's own endpoints for `kubernetes` (pkg/controlplane/reconcilers): the
  // control-plane addresses on 6443, in an EndpointSlice named kubernetes and a
  // legacy Endpoints labelled skip-mirror
  const api = svcByKey.get('default/kubernetes')
  if (api?.system) {
    const cps = [...nodes.values()].filter((n) => n.roles.includes('control-plane'))
    const hosts = (cps.length ? cps : [...nodes.values()].slice(0, 1)).map((n) => n.internalIPs[0])
    const ports: EndpointPort[] = [{ name: 'https', protocol: 'TCP', port: 6443 }]
    slices.push({
      meta: makeMeta({ kind: 'EndpointSlice', name: 'kubernetes', namespace: 'default', system: true, labels: { 'kubernetes.io/service-name': 'kubernetes' }, annotations: {} }),
      serviceName: 'kubernetes',
      addressType: 'IPv4',
      ports,
      endpoints: hosts.map((ip) => ({ addresses: [ip], conditions: { ready: true, serving: true, terminating: false } })),
      managedBy: '',
      generated: true,
    })
    endpoints.push({
      meta: makeMeta({ kind: 'Endpoints', name: 'kubernetes', namespace: 'default', system: true, labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' }, annotations: {} }),
      subsets: [{ addresses: hosts.map((ip) => ({ ip })), notReadyAddresses: [], ports }],
      generated: true,
    })
  }

  // hand-written slices and Endpoints: read only when the scenario has some (issue 20: less code on the first run)
  if (ctx.objects('EndpointSlice').length > 0 || ctx.objects('Endpoints').length > 0) handWritten(ctx, svcByKey, slices, endpoints)
  return { slices, endpoints }
}

/** The reader's own EndpointSlices and Endpoints, and the slices the mirroring controller makes of the latter. */
function handWritten(ctx: BuildContext, svcByKey: Map<string, Service>, slices: EndpointSlice[], endpoints: Endpoints[]): void {
  // Hand-written slices (selector-less Services, or a pasted dump)
  const handSliceKeys = new Set<string>()
  for (const s of ctx.objects('EndpointSlice')) {
    const slice = readSlice(ctx, s)
    if (!slice) continue
    const svc = slice.serviceName ? svcByKey.get(`${s.namespace}/${slice.serviceName}`) : undefined
    if (svc?.selector && slice.managedBy === MANAGED_BY_CONTROLLER) continue // the controller's own, recomputed above
    if (!slice.serviceName) ctx.warn(s, ['metadata', 'labels'], `EndpointSlice ${s.name} has no kubernetes.io/service-name label: no Service will use it`, 'unused')
    else if (!svc) ctx.warn(s, ['metadata', 'labels', 'kubernetes.io/service-name'], `EndpointSlice ${s.name} names Service "${slice.serviceName}", which does not exist in namespace ${s.namespace}`, 'not-found')
    else if (svc.selector) ctx.warn(s, ['metadata', 'labels'], `Service ${svc.meta.name} has a selector, so the EndpointSlice controller manages its endpoints; this hand-written slice is used alongside them`, 'mixed')
    handSliceKeys.add(`${s.namespace}/${slice.serviceName}`)
    slices.push(slice)
  }
  // Hand-written legacy Endpoints: mirrored into slices when the Service has no selector
  for (const e of ctx.objects('Endpoints')) {
    const ep = readEndpoints(e)
    endpoints.push(ep)
    const svc = svcByKey.get(`${e.namespace}/${e.name}`)
    if (!svc) {
      ctx.warn(e, ['metadata', 'name'], `Endpoints ${e.name} has no Service of the same name in namespace ${e.namespace}`, 'not-found')
      continue
    }
    // endpointslicemirroring shouldMirror(): not with a selector, nor when asked to skip
    const skip = read.str(read.path(e.value, 'metadata', 'labels', 'endpointslice.kubernetes.io/skip-mirror')) === 'true'
    if (svc.selector || skip || handSliceKeys.has(`${e.namespace}/${e.name}`)) continue
    ep.subsets.forEach((subset, si) => {
      const byFam = new Map<string, Endpoint[]>()
      const add = (a: Endpoints['subsets'][0]['addresses'][0], ready: boolean) => {
        const fam = ipFamilyOf(a.ip) ?? 'IPv4'
        const list = byFam.get(fam) ?? []
        list.push({ addresses: [a.ip], conditions: { ready, serving: ready, terminating: false }, hostname: a.hostname, nodeName: a.nodeName, targetRef: a.targetRef })
        byFam.set(fam, list)
      }
      subset.addresses.forEach((a) => add(a, true))
      subset.notReadyAddresses.forEach((a) => add(a, false))
      for (const [fam, eps] of byFam) {
        slices.push({
          meta: makeMeta({
            kind: 'EndpointSlice',
            name: `${e.name}-${safeRandomString(`${e.namespace}/${e.name}/mirror/${si}/${fam}`, 5)}`,
            namespace: e.namespace,
            labels: { 'endpointslice.kubernetes.io/managed-by': MANAGED_BY_MIRRORING, 'kubernetes.io/service-name': e.name },
            annotations: {},
          }),
          serviceName: e.name,
          addressType: fam as 'IPv4' | 'IPv6',
          ports: subset.ports,
          endpoints: eps,
          managedBy: MANAGED_BY_MIRRORING,
          generated: true,
        })
      }
    })
  }
}

function readSlice(ctx: BuildContext, s: Loaded): EndpointSlice | undefined {
  const v = s.value
  const at = read.str(v.addressType)
  if (at !== 'IPv4' && at !== 'IPv6' && at !== 'FQDN') {
    ctx.error(s, ['addressType'], at === undefined ? 'addressType: Required value' : `addressType: Unsupported value: "${at}": supported values: "FQDN", "IPv4", "IPv6"`)
    return undefined
  }
  const labels = read.labels(read.path(v, 'metadata', 'labels'))
  const endpoints: Endpoint[] = []
  let bad = false
  read.arr(v.endpoints).forEach((e, i) => {
    const addresses = read.arr(read.path(e, 'addresses')).filter((x): x is string => typeof x === 'string')
    if (addresses.length === 0) {
      ctx.error(s, ['endpoints', i, 'addresses'], `endpoints[${i}].addresses: Required value: must contain at least 1 address`)
      bad = true
    }
    addresses.forEach((a, j) => {
      if (at !== 'FQDN' && ipFamilyOf(a) !== at) {
        ctx.error(s, ['endpoints', i, 'addresses', j], `endpoints[${i}].addresses[${j}]: Invalid value: "${a}": must be a valid ${at} address`)
        bad = true
      }
    })
    const cond = read.obj(read.path(e, 'conditions')) ?? {}
    // discovery/v1: a nil ready condition is interpreted as ready ("unknown state should be interpreted as ready")
    const ready = read.bool(cond.ready) ?? true
    const tref = read.obj(read.path(e, 'targetRef'))
    const names = (key: string) => read.arr(read.path(e, 'hints', key)).map((h) => read.str(read.path(h, 'name'))).filter((n): n is string => !!n)
    const forZones = names('forZones')
    const forNodes = names('forNodes')
    endpoints.push({
      addresses,
      conditions: { ready, serving: read.bool(cond.serving) ?? ready, terminating: read.bool(cond.terminating) ?? false },
      hostname: read.str(read.path(e, 'hostname')),
      nodeName: read.str(read.path(e, 'nodeName')),
      zone: read.str(read.path(e, 'zone')),
      ...(forZones.length || forNodes.length ? { hints: { ...(forZones.length ? { forZones } : {}), ...(forNodes.length ? { forNodes } : {}) } } : {}),
      targetRef: tref ? { kind: String(tref.kind ?? ''), namespace: String(tref.namespace ?? s.namespace), name: String(tref.name ?? ''), uid: String(tref.uid ?? '') } : undefined,
    })
  })
  if (bad) return undefined
  const ports: EndpointPort[] = read.arr(v.ports).map((p) => ({
    name: read.str(read.path(p, 'name')) ?? '',
    protocol: (read.str(read.path(p, 'protocol')) ?? 'TCP') as Protocol,
    port: read.num(read.path(p, 'port')) ?? null,
    appProtocol: read.str(read.path(p, 'appProtocol')),
  }))
  return {
    meta: makeMeta({ kind: 'EndpointSlice', name: s.name, namespace: s.namespace, raw: v }),
    serviceName: labels['kubernetes.io/service-name'],
    addressType: at,
    ports,
    endpoints,
    managedBy: labels['endpointslice.kubernetes.io/managed-by'] ?? '',
    generated: false,
    source: s.ref,
  }
}

function readEndpoints(e: Loaded): Endpoints {
  const addr = (a: unknown) => {
    const o = read.obj(a as never) ?? {}
    const t = read.obj(o.targetRef)
    return {
      ip: read.str(o.ip) ?? '',
      hostname: read.str(o.hostname),
      nodeName: read.str(o.nodeName),
      targetRef: t ? { kind: String(t.kind ?? ''), namespace: String(t.namespace ?? e.namespace), name: String(t.name ?? ''), uid: String(t.uid ?? '') } : undefined,
    }
  }
  return {
    meta: makeMeta({ kind: 'Endpoints', name: e.name, namespace: e.namespace, raw: e.value }),
    subsets: read.arr(e.value.subsets).map((s) => ({
      addresses: read.arr(read.path(s, 'addresses')).map(addr).filter((a) => a.ip),
      notReadyAddresses: read.arr(read.path(s, 'notReadyAddresses')).map(addr).filter((a) => a.ip),
      ports: read.arr(read.path(s, 'ports')).map((p) => ({
        name: read.str(read.path(p, 'name')) ?? '',
        protocol: (read.str(read.path(p, 'protocol')) ?? 'TCP') as Protocol,
        port: read.num(read.path(p, 'port')) ?? null,
      })),
    })),
    generated: false,
    source: e.ref,
  }
}

/**
 * The Endpoints controller's object: one subset per distinct port set,
 * ready addresses apart from not-ready ones (pkg/controller/endpoint).
 * Only the primary IP family appears in v1 Endpoints.
 */
function legacyEndpoints(svc: Service, slices: EndpointSlice[]): Endpoints {
  const primary = svc.ipFamilies[0] ?? 'IPv4'
  const subsets: Endpoints['subsets'] = []
  for (const s of slices) {
    if (s.addressType !== primary || s.endpoints.length === 0) continue
    const toAddr = (e: Endpoint) => ({ ip: e.addresses[0], hostname: e.hostname, nodeName: e.nodeName, targetRef: e.targetRef })
    subsets.push({
      addresses: s.endpoints.filter((e) => e.conditions.ready).map(toAddr),
      notReadyAddresses: s.endpoints.filter((e) => !e.conditions.ready && !e.conditions.terminating).map(toAddr),
      ports: s.ports,
    })
  }
  return {
    // endpoints_controller.go syncService: the Service's labels, with `headless` added or removed
    meta: makeMeta({ kind: 'Endpoints', name: svc.meta.name, namespace: svc.meta.namespace, labels: endpointsLabels(svc), annotations: {}, system: svc.system }),
    subsets: subsets.filter((s) => s.addresses.length + s.notReadyAddresses.length > 0),
    generated: true,
  }
}

function endpointsLabels(svc: Service): Record<string, string> {
  const out = { ...svc.meta.labels }
  if (svc.headless) out[HEADLESS] = ''
  else delete out[HEADLESS]
  return out
}
