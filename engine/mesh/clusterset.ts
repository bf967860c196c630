/**
 * The Multi-Cluster Services API (KEP-1645, multicluster.x-k8s.io/v1alpha1) for one Service,
 * between this cluster (the scenario, real) and a peer cluster described on the command line
 * (its name and ranges only: the simulator runs one cluster). From the spec: a ServiceExport
 * named like the Service marks it for export; the implementation creates a ServiceImport of
 * the same name and namespace in every cluster of the set (namespace sameness), of type
 * ClusterSetIP (with the ClusterSetIP in spec.ips, allocated by the implementation) or
 * Headless; DNS answers NAME.NS.svc.clusterset.local (the MCS DNS specification), while
 * NAME.NS.svc.<cluster domain> stays this cluster's Service. The two data paths drawn:
 * Submariner (a gateway node per cluster, an encrypted tunnel between gateways; Globalnet when
 * ranges overlap, default global CIDR 242.0.0.0/8: submariner.io "Globalnet Controller") and
 * Cilium Cluster Mesh (nodes reach remote Pods directly; Pod ranges must not overlap:
 * docs.cilium.io "Setting up Cluster Mesh").
 */
import type { Cluster, Service } from '../model/types.ts'
import { canonicalIP, parsePrefix, prefixContains, parseAddr, prefixesOverlap } from '../net/ip.ts'

export interface ClusterRanges {
  name: string
  podCIDRs: string[]
  serviceCIDRs: string[]
}

export interface ClusterSetEndpoint {
  pod: string
  ip: string
  port: number
  node: string
  nodeIP: string
}

export interface ClusterSetView {
  kind: 'clusterset'
  namespace: string
  service: string
  headless: boolean
  clusterIPs: string[]
  ports: { name: string; port: number; protocol: string }[]
  local: ClusterRanges & { nodes: { name: string; ip: string }[] }
  peer: ClusterRanges
  endpoints: ClusterSetEndpoint[]
  /** the ClusterSetIP the reader gave (--clusterset-ip); without one, the implementation picks it */
  clustersetIP?: string
  setName: string
  localName: string
  /** pairs of ranges that overlap, "this cluster's Pods 10.244.0.0/16" style labels */
  overlaps: { a: string; b: string }[]
  notes: string[]
  illustration: string
}

function rangesOverlap(a: string, b: string): boolean {
  const pa = parsePrefix(a)
  const pb = parsePrefix(b)
  return !!pa && !!pb && prefixesOverlap(pa, pb)
}

/** Every overlap between the two clusters' ranges (Pods and Services, either way round). */
export function findOverlaps(local: ClusterRanges, peer: ClusterRanges): { a: string; b: string }[] {
  const out: { a: string; b: string }[] = []
  const kinds = [
    ['Pods', 'podCIDRs'],
    ['Services', 'serviceCIDRs'],
  ] as const
  for (const [ka, fa] of kinds) {
    for (const [kb, fb] of kinds) {
      for (const x of local[fa]) for (const y of peer[fb]) if (rangesOverlap(x, y)) out.push({ a: `this cluster's ${ka} ${x}`, b: `${peer.name}'s ${kb} ${y}` })
    }
  }
  return out
}

/** Where an address falls among both clusters' ranges, or undefined. */
export function rangeOf(ip: string, local: ClusterRanges, peer: ClusterRanges): string | undefined {
  const a = parseAddr(ip)
  if (!a) return undefined
  for (const [who, r] of [
    ['this cluster', local],
    [peer.name, peer],
  ] as const) {
    for (const c of r.podCIDRs) if (prefixContains(parsePrefix(c)!, a)) return `${who}'s Pod range ${c}`
    for (const c of r.serviceCIDRs) if (prefixContains(parsePrefix(c)!, a)) return `${who}'s Service range ${c}`
  }
  return undefined
}

export const CLUSTERSET_ILLUSTRATION = 'illustration: the Multi-Cluster Services API for this Service; the simulator runs one cluster and no MCS controller, and the peer cluster is only the description given on the command line'

/**
 * @example
 * clusterSetView(cluster, svc, { name: 'west', podCIDRs: ['10.245.0.0/16'], serviceCIDRs: ['10.112.0.0/12'] })
 */
export function clusterSetView(cluster: Cluster, svc: Service, peer: ClusterRanges, clustersetIP?: string): ClusterSetView {
  const ns = svc.meta.namespace
  const local: ClusterSetView['local'] = {
    name: 'this cluster',
    podCIDRs: cluster.config.podCIDRs,
    serviceCIDRs: cluster.config.serviceCIDRs,
    nodes: cluster.nodes.map((n) => ({ name: n.meta.name, ip: n.internalIPs[0] ?? '' })),
  }
  const endpoints: ClusterSetEndpoint[] = []
  const seen = new Set<string>()
  const slices = cluster.endpointSlices.filter((s) => s.meta.namespace === ns && s.serviceName === svc.meta.name && s.addressType !== 'FQDN')
  // the primary family's slices first, as the Service's first ClusterIP
  const primary = svc.ipFamilies[0] ?? cluster.config.ipFamilies[0]
  slices.sort((x, y) => (x.addressType === primary ? 0 : 1) - (y.addressType === primary ? 0 : 1))
  const family = slices[0]?.addressType
  for (const s of slices) {
    if (s.addressType !== family) continue
    const port = s.ports[0]?.port ?? 0
    for (const e of s.endpoints) {
      if (!e.conditions.ready) continue
      const ip = e.addresses[0]
      if (seen.has(ip)) continue
      seen.add(ip)
      const node = e.nodeName ? cluster.index.node.get(e.nodeName) : undefined
      endpoints.push({ pod: e.targetRef ? `${e.targetRef.namespace}/${e.targetRef.name}` : ip, ip, port, node: e.nodeName ?? '', nodeIP: node?.internalIPs.find((a) => a.includes(':') === ip.includes(':')) ?? '' })
    }
  }
  const overlaps = findOverlaps(local, peer)
  const notes: string[] = []
  if (overlaps.length) {
    notes.push(`ranges overlap (${overlaps.map((o) => `${o.a} and ${o.b}`).join('; ')}): Cilium Cluster Mesh requires Pod ranges that do not overlap; Submariner needs Globalnet, which gives each exported Service an address from a global range (242.0.0.0/8 by default) and NATs between the clusters`)
  } else notes.push(`no range of ${peer.name} overlaps one of this cluster's: Pods can reach each other's addresses without NAT, which both Submariner (without Globalnet) and Cilium Cluster Mesh need`)
  if (svc.headless) notes.push('a headless Service is imported as type Headless: no ClusterSetIP, and the clusterset.local name answers with the Pods\' addresses from every exporting cluster')
  else if (clustersetIP === undefined) notes.push('the ClusterSetIP is allocated by the MCS implementation (KEP-1645 leaves how to it); give --clusterset-ip to draw one')
  if (clustersetIP !== undefined) {
    // a Pod range or a live ClusterIP cannot hold it; a Service range can (some implementations make a Service per importing cluster)
    const hit = rangeOf(clustersetIP, local, peer)
    if (hit && hit.includes('Pod range')) notes.push(`the ClusterSetIP ${clustersetIP} falls in ${hit}: it would collide with Pod addresses`)
    const ip = canonicalIP(clustersetIP)
    const taken = cluster.services.find((x) => x.clusterIPs.includes(ip ?? ''))
    if (taken) notes.push(`the ClusterSetIP ${clustersetIP} is already the ClusterIP of ${taken.meta.namespace}/${taken.meta.name} in this cluster`)
  }
  if (endpoints.length === 0) notes.push(`${ns}/${svc.meta.name} has no ready endpoints here: the export would add none to the set`)
  const view: ClusterSetView = {
    kind: 'clusterset',
    namespace: ns,
    service: svc.meta.name,
    headless: svc.headless,
    clusterIPs: svc.headless ? [] : svc.clusterIPs,
    ports: svc.ports.map((p) => ({ name: p.name ?? '', port: p.port, protocol: p.protocol })),
    local,
    peer,
    endpoints,
    setName: `${svc.meta.name}.${ns}.svc.clusterset.local`,
    localName: `${svc.meta.name}.${ns}.svc.${cluster.config.clusterDomain}`,
    overlaps,
    notes,
    illustration: CLUSTERSET_ILLUSTRATION,
  }
  if (clustersetIP !== undefined && !svc.headless) view.clustersetIP = canonicalIP(clustersetIP) ?? clustersetIP
  return view
}
