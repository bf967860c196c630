/**
 * kube-proxy's view of Services and EndpointSlices for one IP family
 * (pkg/proxy/serviceport.go newBaseServiceInfo, endpointslicecache.go,
 * topology.go CategorizeEndpoints): one entry per Service port with a
 * ClusterIP of that family, its endpoints from the slices of that address
 * type, deduplicated and sorted by "IP:port".
 */
import type { Cluster, Protocol, Service } from '../../model/types.ts'
import { canonicalIP, ipFamilyOf, isDottedQuad, parsePrefix, formatPrefix } from '../../net/ip.ts'
import type { IPFamily } from '../../net/ip.ts'

export interface ServicePortInfo {
  namespace: string
  name: string
  /** Service port name ('' when unnamed) */
  portName: string
  protocol: Protocol
  /** tcp, udp, sctp */
  proto: string
  /** ServicePortName.String(): "ns/name:port", or "ns/name" for an unnamed port */
  nameString: string
  clusterIP: string
  port: number
  nodePort: number
  externalIPs: string[]
  /** status.loadBalancer.ingress IPs of this family (VIP mode) */
  loadBalancerVIPs: string[]
  loadBalancerSourceRanges: string[]
  sessionAffinityClientIP: boolean
  stickyMaxAgeSeconds: number
  externalPolicyLocal: boolean
  internalPolicyLocal: boolean
  healthCheckNodePort: number
  service: Service
}

export interface EndpointInfo {
  ip: string
  port: number
  /** net.JoinHostPort(ip, port): "10.0.0.1:80", "[fd00::1]:80" */
  str: string
  ready: boolean
  serving: boolean
  terminating: boolean
  nodeName?: string
  /** the slice's topology hints (pkg/proxy endpoint.go ZoneHints, NodeHints) */
  zoneHints?: string[]
  nodeHints?: string[]
}

export function externallyAccessible(sp: ServicePortInfo): boolean {
  return sp.nodePort !== 0 || sp.loadBalancerVIPs.length > 0 || sp.externalIPs.length > 0
}

/** Cluster endpoints are needed unless internal traffic is Local and nothing external exists. */
export function usesClusterEndpoints(sp: ServicePortInfo): boolean {
  return !sp.internalPolicyLocal || externallyAccessible(sp)
}

export function usesLocalEndpoints(sp: ServicePortInfo): boolean {
  return sp.internalPolicyLocal || (sp.externalPolicyLocal && externallyAccessible(sp))
}

export function joinHostPort(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`
}

interface FamilyView {
  ports: ServicePortInfo[]
  endpoints: Map<ServicePortInfo, EndpointInfo[]>
}

const cache = new WeakMap<Cluster, Map<IPFamily, FamilyView>>()

function view(cluster: Cluster, family: IPFamily): FamilyView {
  let perCluster = cache.get(cluster)
  if (!perCluster) cache.set(cluster, (perCluster = new Map()))
  let v = perCluster.get(family)
  if (!v) perCluster.set(family, (v = build(cluster, family)))
  return v
}

/**
 * The Service ports kube-proxy proxies for a family, in a stable order
 * (by "ns/name:port" then protocol; kube-proxy's own order is a Go map's).
 *
 * @example
 * servicePortsFor(cluster, 'IPv4').map((s) => s.nameString) // ['default/kubernetes:https', 'kube-system/kube-dns:dns', …]
 */
export function servicePortsFor(cluster: Cluster, family: IPFamily): ServicePortInfo[] {
  return view(cluster, family).ports
}

/**
 * The endpoints of one Service port, sorted by their "IP:port" text as endpointslicecache.go sorts them.
 *
 * @example
 * endpointsFor(cluster, 'IPv4', sp).map((e) => e.str) // ['10.244.1.5:8080', '10.244.2.3:8080']
 */
export function endpointsFor(cluster: Cluster, family: IPFamily, sp: ServicePortInfo): EndpointInfo[] {
  return view(cluster, family).endpoints.get(sp) ?? []
}

function build(cluster: Cluster, family: IPFamily): FamilyView {
  const ports: ServicePortInfo[] = []
  for (const svc of cluster.services) {
    // proxyutil.ShouldSkipService: headless, ExternalName, no ClusterIP
    if (svc.type === 'ExternalName' || svc.headless) continue
    const clusterIP = svc.clusterIPs.find((ip) => familyOf(ip) === family)
    if (!clusterIP) continue
    const externallyReachable = svc.type === 'NodePort' || svc.type === 'LoadBalancer' || (svc.type === 'ClusterIP' && svc.externalIPs.length > 0)
    const externalPolicyLocal = externallyReachable && svc.externalTrafficPolicy === 'Local'
    for (const p of svc.ports) {
      const portName = p.name ?? ''
      ports.push({
        namespace: svc.meta.namespace,
        name: svc.meta.name,
        portName,
        protocol: p.protocol,
        proto: p.protocol.toLowerCase(),
        nameString: portName ? `${svc.meta.namespace}/${svc.meta.name}:${portName}` : `${svc.meta.namespace}/${svc.meta.name}`,
        clusterIP,
        port: p.port,
        nodePort: p.nodePort ?? 0,
        externalIPs: svc.externalIPs.filter((ip) => familyOf(ip) === family),
        // pkg/proxy/serviceport.go: an ingress IP with ipMode Proxy is not a VIP kube-proxy captures
        loadBalancerVIPs: svc.loadBalancerIngress.map((i) => (i.ip && i.ipMode !== 'Proxy' ? canonicalIP(i.ip) : undefined)).filter((ip): ip is string => !!ip && familyOf(ip) === family),
        loadBalancerSourceRanges: svc.loadBalancerSourceRanges
          .map((c) => parsePrefix(c.trim()))
          .filter((c): c is NonNullable<typeof c> => !!c && c.family === family)
          .map(formatPrefix),
        sessionAffinityClientIP: svc.sessionAffinity === 'ClientIP',
        stickyMaxAgeSeconds: svc.sessionAffinity === 'ClientIP' ? (svc.sessionAffinityTimeoutSeconds ?? 10800) : 0,
        externalPolicyLocal,
        internalPolicyLocal: svc.internalTrafficPolicy === 'Local',
        // apiservice.NeedsHealthCheck: LoadBalancer with external policy Local
        healthCheckNodePort: svc.type === 'LoadBalancer' && externalPolicyLocal ? (svc.healthCheckNodePort ?? 0) : 0,
        service: svc,
      })
    }
  }
  ports.sort((a, b) => (a.nameString < b.nameString ? -1 : a.nameString > b.nameString ? 1 : a.proto < b.proto ? -1 : a.proto > b.proto ? 1 : 0))
  const endpoints = new Map<ServicePortInfo, EndpointInfo[]>()
  for (const sp of ports) endpoints.set(sp, endpointsOf(cluster, family, sp))
  return { ports, endpoints }
}

function endpointsOf(cluster: Cluster, family: IPFamily, sp: ServicePortInfo): EndpointInfo[] {
  const slices = cluster.index.slicesByService.get(`${sp.namespace}/${sp.name}`) ?? []
  const found: EndpointInfo[] = []
  for (const slice of slices) {
    if (slice.addressType !== family) continue
    for (const port of slice.ports) {
      // endpointslicecache.go: the port must match by name and protocol; nil or 0 ports are ignored
      if (port.name !== sp.portName || port.protocol !== sp.protocol || !port.port) continue
      for (const ep of slice.endpoints) {
        if (ep.addresses.length === 0) continue
        const ip = canonical(ep.addresses[0])
        if (!ip) continue
        found.push({
          ip,
          port: port.port,
          str: joinHostPort(ip, port.port),
          ready: ep.conditions.ready,
          serving: ep.conditions.serving,
          terminating: ep.conditions.terminating,
          nodeName: ep.nodeName,
          zoneHints: ep.hints?.forZones,
          nodeHints: ep.hints?.forNodes,
        })
      }
    }
  }
  return sortedUnique(found)
}

const byAddress = (a: EndpointInfo, b: EndpointInfo) => (a.str < b.str ? -1 : a.str > b.str ? 1 : 0)

function inOrder(list: EndpointInfo[]): boolean {
  for (let i = 1; i < list.length; i++) if (list[i - 1].str > list[i].str) return false
  return true
}

/**
 * The endpoints sorted by "IP:port", one per address: the first seen, unless
 * a later one is not terminating (a running endpoint wins over a terminating
 * one with the same address). Sorts and shortens the list in place.
 */
function sortedUnique(list: EndpointInfo[]): EndpointInfo[] {
  // the sort is stable: endpoints with the same address stay in the order they were seen (a
  // slice's endpoints are usually in order already, and a sort, even of five, allocates)
  if (!inOrder(list)) list.sort(byAddress)
  let n = 0
  for (const ep of list) {
    if (n > 0 && list[n - 1].str === ep.str) {
      if (!ep.terminating) list[n - 1] = ep
    } else list[n++] = ep
  }
  list.length = n
  return list
}

/** canonicalIP with a fast path for the common, already canonical dotted quad (no bigint; no regex to compile on a first run) */
function canonical(text: string): string | undefined {
  return isDottedQuad(text) ? text : canonicalIP(text)
}

/** ipFamilyOf with the same fast path */
function familyOf(text: string): IPFamily | undefined {
  return isDottedQuad(text) ? 'IPv4' : ipFamilyOf(text)
}

export interface Categorized {
  clusterEndpoints: EndpointInfo[]
  localEndpoints: EndpointInfo[]
  allReachable: EndpointInfo[]
  hasAnyEndpoints: boolean
}

function isLocal(ep: EndpointInfo, nodeName: string): boolean {
  return !!ep.nodeName && ep.nodeName === nodeName
}

export type TopologyMode = '' | 'PreferSameNode' | 'PreferSameZone'

/**
 * pkg/proxy/topology.go topologyModeFromHints: hints are used only when every ready
 * endpoint carries them and at least one is for this node (or, failing that, this zone);
 * otherwise kube-proxy ignores them and uses every endpoint.
 *
 * @example topologyModeFromHints(endpoints, 'node-1', 'zone-a') // 'PreferSameZone'
 */
export function topologyModeFromHints(endpoints: EndpointInfo[], nodeName: string, zone: string | undefined): TopologyMode {
  let hasEndpointForNode = false
  let allHaveNodeHints = true
  let hasEndpointForZone = false
  let allHaveZoneHints = true
  for (const ep of endpoints) {
    if (!ep.ready) continue
    if (!ep.nodeHints?.length) allHaveNodeHints = false
    else if (ep.nodeHints.includes(nodeName)) hasEndpointForNode = true
    if (!ep.zoneHints?.length) allHaveZoneHints = false
    else if (zone !== undefined && ep.zoneHints.includes(zone)) hasEndpointForZone = true
  }
  if (allHaveNodeHints && hasEndpointForNode) return 'PreferSameNode'
  if (allHaveZoneHints && hasEndpointForZone) return 'PreferSameZone'
  return ''
}

function availableForTopology(ep: EndpointInfo, mode: TopologyMode, nodeName: string, zone: string | undefined): boolean {
  if (mode === 'PreferSameNode') return !!ep.nodeHints?.includes(nodeName)
  if (mode === 'PreferSameZone') return zone !== undefined && !!ep.zoneHints?.includes(zone)
  return true
}

/**
 * pkg/proxy/topology.go CategorizeEndpoints: Ready endpoints, falling back to
 * serving-terminating ones, separately for Cluster and Local policy; for Cluster
 * policy, only those the EndpointSlice hints give this node or its zone, when the
 * hints are usable (topologyModeFromHints).
 *
 * @example
 * categorizeEndpoints(endpointsFor(cluster, 'IPv4', sp), sp, 'node-1', 'zone-a').localEndpoints
 */
export function categorizeEndpoints(endpoints: EndpointInfo[], sp: ServicePortInfo, nodeName: string, zone?: string): Categorized {
  let clusterEndpoints: EndpointInfo[] = []
  const localEndpoints: EndpointInfo[] = []
  let hasAnyEndpoints = false
  if (usesClusterEndpoints(sp)) {
    const mode = topologyModeFromHints(endpoints, nodeName, zone)
    // the usual case, every endpoint ready and no hints, needs no copy
    clusterEndpoints = mode === '' && endpoints.every((ep) => ep.ready) ? endpoints : endpoints.filter((ep) => ep.ready && availableForTopology(ep, mode, nodeName, zone))
    if (clusterEndpoints.length === 0) clusterEndpoints = endpoints.filter((ep) => ep.serving && ep.terminating && availableForTopology(ep, mode, nodeName, zone))
    if (clusterEndpoints.length > 0) hasAnyEndpoints = true
  }
  if (!usesLocalEndpoints(sp)) return { clusterEndpoints, localEndpoints, allReachable: clusterEndpoints, hasAnyEndpoints }
  // a traffic policy of Local: compiled only for a Service that has one (issue 20)
  return withLocalEndpoints(endpoints, sp, nodeName, clusterEndpoints, hasAnyEndpoints)
}

/** categorizeEndpoints' second half, for internal or external traffic policy Local: the node's own endpoints. */
function withLocalEndpoints(endpoints: EndpointInfo[], sp: ServicePortInfo, nodeName: string, clusterEndpoints: EndpointInfo[], hasAnyEndpoints: boolean): Categorized {
  let localEndpoints: EndpointInfo[] = []
  let hasLocalReady = false
  let hasLocalServingTerminating = false
  for (const ep of endpoints) {
    if (ep.ready) {
      hasAnyEndpoints = true
      if (isLocal(ep, nodeName)) hasLocalReady = true
    } else if (ep.serving && ep.terminating) {
      hasAnyEndpoints = true
      if (isLocal(ep, nodeName)) hasLocalServingTerminating = true
    }
  }
  let useServingTerminating = false
  if (hasLocalReady) localEndpoints = endpoints.filter((ep) => isLocal(ep, nodeName) && ep.ready)
  else if (hasLocalServingTerminating) {
    useServingTerminating = true
    localEndpoints = endpoints.filter((ep) => isLocal(ep, nodeName) && ep.serving && ep.terminating)
  }
  if (!usesClusterEndpoints(sp)) return { clusterEndpoints, localEndpoints, allReachable: localEndpoints, hasAnyEndpoints }
  if (!useServingTerminating) return { clusterEndpoints, localEndpoints, allReachable: clusterEndpoints, hasAnyEndpoints }
  // merge (kube-proxy builds a Go map here; the engine keeps the sorted order)
  const merged = new Map<string, EndpointInfo>()
  for (const ep of [...clusterEndpoints, ...localEndpoints]) merged.set(ep.str, ep)
  const allReachable = [...merged.values()].sort((a, b) => (a.str < b.str ? -1 : a.str > b.str ? 1 : 0))
  return { clusterEndpoints, localEndpoints, allReachable, hasAnyEndpoints }
}
