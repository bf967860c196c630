/**
 * The whole build: raw objects → a materialized cluster, in the order a real
 * cluster comes up (nodes, add-ons, then the reader's objects in document
 * order) so that addresses follow creation order.
 */
import type { Cluster, ClusterIndex, SourceRef } from '../model/types.ts'
import { LIMITS } from '../load/limits.ts'
import { fileObjects } from '../load/objects.ts'
import type { ParseResult } from '../load/parse.ts'
import { BuildContext } from './context.ts'
import { readClusterConfig } from './config.ts'
import { buildNodes } from './nodes.ts'
import { checkLayer2 } from './cni-adjacency.ts'
import { addNodeAnnotations } from './node-annotations.ts'
import { addCalicoAnnotations } from './calico-annotations.ts'
import { addFlannelAnnotations } from './flannel-annotations.ts'
import { buildNamespaces } from './namespaces.ts'
import { systemNamespaces, systemPods, systemServices } from './system.ts'
import { expandWorkloads } from './workloads.ts'
import { placePods, podDraftsFromManifests } from './pods.ts'
import type { PodDraft } from './pod-draft.ts'
import { buildServices, newAllocators } from './services.ts'
import { buildEndpointSlices } from './endpoint-slices.ts'
import { applyProbes } from './probes.ts'
import { orderedReady } from './ordered-ready.ts'
import { toGeneric } from './generic.ts'
import { NOW } from './meta.ts'
import { PodLabelIndex } from './pod-label-index.ts'
import { formatLabels } from './selector.ts'
import { clusterChecks } from './checks.ts'
import type { Locate } from './checks.ts'
import { locate } from '../load/parse.ts'
import { readExternalHosts, withCorednsConfigMap } from '../dns/build.ts'
import { withAddonConfigMaps } from './addon-manifests.ts'
import { storedSecrets } from './secrets.ts'
import { addGatewayDataPlane } from '../gateway/dataplane.ts'

const NAMESPACED_KINDS = ['Pod', 'Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Service', 'EndpointSlice', 'Endpoints', 'Ingress', 'NetworkPolicy', 'ConfigMap', 'Secret', 'ServiceAccount', 'Gateway', 'HTTPRoute', 'GRPCRoute', 'ReferenceGrant']

/**
 * A pasted dump carries the cluster's own add-ons (CoreDNS, kube-proxy, the CNI
 * agent): those replace the simulated ones, as applying them would.
 */
function withoutReplaced(system: PodDraft[], all: PodDraft[]): PodDraft[] {
  const systemNs = new Set(system.map((d) => d.namespace))
  const user = all.filter((d) => systemNs.has(d.namespace))
  if (user.length === 0) return system
  const names = new Set(user.map((d) => `${d.namespace}/${d.name}`))
  const identity = ['k8s-app', 'app', 'component', 'name']
  const userIds = new Set(user.flatMap((d) => identity.filter((k) => d.labels[k] !== undefined).map((k) => `${d.namespace}/${k}=${d.labels[k]}`)))
  return system.filter((d) => !names.has(`${d.namespace}/${d.name}`) && !identity.some((k) => d.labels[k] !== undefined && userIds.has(`${d.namespace}/${k}=${d.labels[k]}`)))
}

/** Creation order of two sources (the cluster's own objects, with no source, first). */
function refOrder(a: SourceRef | undefined, b: SourceRef | undefined): number {
  if (a === b) return 0
  return (a ? a.source : -1) - (b ? b.source : -1) || (a ? a.doc : -1) - (b ? b.doc : -1) || Number(a?.path[1] ?? 0) - Number(b?.path[1] ?? 0)
}

/** Stable sort of drafts by the document that made them (creation order); usually they are in order already. */
function sortByDocument(drafts: PodDraft[]): void {
  const order = (x: PodDraft, y: PodDraft) => refOrder(x.loaded?.ref, y.loaded?.ref)
  for (let i = 1; i < drafts.length; i++) {
    if (order(drafts[i - 1], drafts[i]) > 0) {
      drafts.sort(order) // Array.prototype.sort is stable
      return
    }
  }
}

function docOrder(a: { ref: SourceRef }, b: { ref: SourceRef }): number {
  return refOrder(a.ref, b.ref)
}

function tooMany(ctx: BuildContext, at: Parameters<BuildContext['error']>[0], what: string, limit: number): void {
  ctx.error(at, [], `too many ${what} (limit ${limit})`, 'too-large')
}

function selectsNothing(ctx: BuildContext, svc: Cluster['services'][number]): void {
  const loaded = ctx.objects('Service').find((s) => s.name === svc.meta.name && s.namespace === svc.meta.namespace)
  ctx.warn(loaded, ['spec', 'selector'], `Service ${svc.meta.name}: selector ${formatLabels(svc.selector!)} matches no Pods in namespace ${svc.meta.namespace}, so it has no endpoints`, 'selector-matches-nothing')
}

export function buildCluster(parsed: ParseResult): Cluster {
  const ctx = new BuildContext(parsed.sources)
  ctx.diagnostics.push(...parsed.diagnostics)
  fileObjects(ctx, parsed.objects)
  // the proxies Envoy Gateway runs for the scenario's Gateways, built like the reader's objects
  addGatewayDataPlane(ctx)

  const { config, doc } = readClusterConfig(ctx)
  const nodes = buildNodes(ctx, config, doc)
  checkLayer2(ctx, config, nodes, doc)
  addFlannelAnnotations(config, nodes)
  addCalicoAnnotations(config, nodes)
  addNodeAnnotations(nodes)

  // Namespaces used by objects
  const used = new Map<string, { kind: string; name: string; namespace: string; ref?: SourceRef }>()
  for (const kind of NAMESPACED_KINDS) for (const o of ctx.objects(kind)) if (!used.has(o.namespace)) used.set(o.namespace, o)
  const namespaces = buildNamespaces(ctx, systemNamespaces(config), used)

  // Pods: add-ons first, then the reader's Pods and workloads in document order
  const budget = { pods: LIMITS.maxPods }
  const sys = systemPods(ctx, config, nodes)
  const manifestPods = podDraftsFromManifests(ctx, config)
  const schedulable = nodes.map((n) => n.meta.name)
  const { drafts: workloadPods } = expandWorkloads(ctx, schedulable, budget, config)
  const userDrafts: PodDraft[] = [...manifestPods, ...workloadPods]
  if (manifestPods.length > budget.pods) tooMany(ctx, manifestPods[LIMITS.maxPods]?.loaded, 'Pods in the scenario', LIMITS.maxPods)
  // stable sort by the document of the object that made each Pod
  sortByDocument(userDrafts)
  const { pods: placed } = placePods(ctx, config, nodes, [...withoutReplaced(sys, userDrafts), ...userDrafts.slice(0, LIMITS.maxPods)])

  if (ctx.objects('Service').length > LIMITS.maxServices) {
    tooMany(ctx, ctx.objects('Service')[LIMITS.maxServices], 'Services', LIMITS.maxServices)
    ctx.byKind.set('Service', ctx.objects('Service').slice(0, LIMITS.maxServices))
  }
  const services = buildServices(ctx, config, newAllocators(config), systemServices(config))

  // Ages are measured against the simulated "now", or just after the newest pasted timestamp
  let now = NOW
  for (const list of [placed, nodes, services]) {
    for (const o of list) if (o.meta.creationTimestamp > now) now = o.meta.creationTimestamp
  }
  if (now !== NOW) now = new Date(Date.parse(now) + 5 * 60_000).toISOString().replace('.000Z', 'Z')
  // kubelet's probes up to "now": readiness, restarts and their events (cluster/probes.ts)
  applyProbes(ctx, placed, now)
  // an OrderedReady StatefulSet waits for each Pod to be ready before it makes the next
  const pods = orderedReady(ctx, placed)
  const nodeIndex = new Map(nodes.map((n) => [n.meta.name, n]))
  const podIndex = new PodLabelIndex(pods)
  const { slices, endpoints } = buildEndpointSlices(ctx, services, podIndex, nodeIndex)

  // A Service whose selector matches no Pod gets no endpoints: the most common mistake there is
  for (const svc of services) {
    if (!svc.selector || svc.system) continue
    if (!podIndex.selectsAny(svc.meta.namespace, svc.selector)) selectsNothing(ctx, svc)
  }

  const generic = (kind: string) => ctx.objects(kind).sort(docOrder).map(toGeneric)
  const byKey = <T extends { meta: { namespace: string; name: string } }>(list: T[]) => {
    const map = new Map<string, T>()
    for (const x of list) map.set(`${x.meta.namespace}/${x.meta.name}`, x)
    return map
  }
  // by namespace, then name, comparing code units as Go's sort.Strings does
  const sortNsName = <T extends { meta: { namespace: string; name: string } }>(list: T[]): T[] =>
    list.sort((a, b) => {
      const x = a.meta
      const y = b.meta
      if (x.namespace !== y.namespace) return x.namespace < y.namespace ? -1 : 1
      return x.name < y.name ? -1 : x.name > y.name ? 1 : 0
    })

  const sortedPods = sortNsName([...pods])
  const sortedServices = sortNsName([...services])
  const sortedSlices = sortNsName([...slices])
  const index: ClusterIndex = {
    namespace: new Map(namespaces.map((n) => [n.meta.name, n])),
    node: nodeIndex,
    pod: byKey(sortedPods),
    service: byKey(sortedServices),
    podByIP: new Map(),
    serviceByClusterIP: new Map(),
    nodeByIP: new Map(nodes.flatMap((n) => n.internalIPs.map((ip) => [ip, n] as const))),
    slicesByService: new Map(),
  }
  // an address reported by a finished Pod and its live successor belongs to the live one
  for (const p of sortedPods) {
    if (p.hostNetwork) continue
    for (const ip of p.podIPs) {
      const had = index.podByIP.get(ip)
      if (!had || had.phase === 'Succeeded' || had.phase === 'Failed') index.podByIP.set(ip, p)
    }
  }
  for (const s of sortedServices) for (const ip of s.clusterIPs) if (ip !== 'None') index.serviceByClusterIP.set(ip, s)
  for (const sl of sortedSlices) {
    if (!sl.serviceName) continue
    const k = `${sl.meta.namespace}/${sl.serviceName}`
    const list = index.slicesByService.get(k)
    if (list) list.push(sl)
    else index.slicesByService.set(k, [sl])
  }

  const cluster: Cluster = {
    config,
    namespaces,
    nodes,
    pods: sortedPods,
    services: sortedServices,
    endpointSlices: sortedSlices,
    endpoints: sortNsName(endpoints),
    workloads: ['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet'].flatMap(generic),
    ingresses: generic('Ingress'),
    ingressClasses: generic('IngressClass'),
    networkPolicies: generic('NetworkPolicy'),
    adminNetworkPolicies: generic('AdminNetworkPolicy'),
    baselineAdminNetworkPolicies: generic('BaselineAdminNetworkPolicy'),
    clusterNetworkPolicies: generic('ClusterNetworkPolicy'),
    configMaps: withAddonConfigMaps(config, withCorednsConfigMap(ctx, config, generic('ConfigMap'))),
    gatewayClasses: generic('GatewayClass'),
    gateways: generic('Gateway'),
    httpRoutes: generic('HTTPRoute'),
    grpcRoutes: generic('GRPCRoute'),
    referenceGrants: generic('ReferenceGrant'),
    secrets: storedSecrets(ctx, ctx.objects('Secret').sort(docOrder)),
    serviceAccounts: generic('ServiceAccount'),
    externalHosts: readExternalHosts(ctx, doc, config),
    nodeScripts: generic('NodeScript'),
    now,
    diagnostics: ctx.diagnostics,
    index,
  }
  const locateField: Locate = (ref, path, key) => locate(ctx.maps, ref, path, key)
  cluster.locate = locateField
  for (const check of clusterChecks()) {
    for (const p of check(cluster, locateField)) {
      if ('line' in p) ctx.diagnostics.push(p)
      else ctx.report(p.severity, p.code, { kind: p.kind, namespace: p.namespace, name: p.name, ref: p.source }, p.path, p.message, { hint: p.hint, key: p.code === 'unknown-field' })
    }
  }
  ctx.diagnostics.sort((a, b) => (a.source ?? 0) - (b.source ?? 0) || a.line - b.line || a.column - b.column)
  return cluster
}
