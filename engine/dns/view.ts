/**
 * What CoreDNS sees of the cluster, indexed once per cluster: the informer
 * caches of plugin/kubernetes (Services by name, EndpointSlices converted to
 * its Endpoints objects, reverse indexes by IP, Pods by IP for `pods
 * verified`), the parsed Corefile and the external zone. Built lazily and kept
 * in a WeakMap keyed by the cluster, so a lookup costs a few map reads.
 */
import type { Cluster, Pod, Service } from '../model/types.ts'
import { CLUSTER_CREATED } from '../cluster/meta.ts'
import type { CorefileResult } from './corefile.ts'
import { kubeadmCorefile, parseCorefile } from './corefile.ts'
import { kubeadmCorefileParsed } from './kubeadm-corefile.ts'
import type { ExternalZone } from './external-zone.ts'
import { buildExternalZone } from './external-zone.ts'

/** plugin/kubernetes/object.EndpointAddress */
export interface EndpointAddress {
  ip: string
  hostname?: string
  nodeName?: string
  targetRefName?: string
}

/** plugin/kubernetes/object.Endpoints: one per EndpointSlice, ready addresses only. */
export interface SliceEndpoints {
  sliceName: string
  namespace: string
  service: string
  addresses: EndpointAddress[]
  /** port -1 is CoreDNS's sentinel for a slice without ports */
  ports: { port: number; name: string; protocol: string }[]
}

export interface DnsView {
  cluster: Cluster
  corefile: CorefileResult
  corefileText: string
  /** key `name.namespace`, as plugin/kubernetes indexes them */
  services: Map<string, Service>
  endpoints: Map<string, SliceEndpoints[]>
  serviceByIP: Map<string, Service>
  endpointsByIP: Map<string, SliceEndpoints[]>
  /** status.podIP of Pods CoreDNS's Pod informer keeps (not terminating, not finished) */
  podsByIP: Map<string, Pod[]>
  namespaces: Set<string>
  external: ExternalZone
  /** SOA serial: plugin/kubernetes uses the time of the last change it saw */
  serial: number
  /** kube-dns ClusterIPs and CoreDNS Pod IPs: the addresses where CoreDNS answers */
  coreDnsAddresses: Set<string>
  /** ready CoreDNS Pods behind kube-dns, sorted by name */
  coreDnsPods: Pod[]
}

const cache = new WeakMap<Cluster, DnsView>()

/**
 * The DNS view of a cluster, built on first use.
 *
 * @example
 * const v = dnsView(cluster)
 * v.services.get('kubernetes.default')?.clusterIPs // ['10.96.0.1']
 */
export function dnsView(cluster: Cluster): DnsView {
  let v = cache.get(cluster)
  if (!v) {
    v = buildView(cluster)
    cache.set(cluster, v)
  }
  return v
}

/**
 * The Corefile CoreDNS runs with: the coredns ConfigMap's, or kubeadm's when the ConfigMap is absent.
 *
 * @example
 * corefileOf(cluster).text.startsWith('.:53 {') // true with kubeadm's default
 */
export function corefileOf(cluster: Cluster): { text: string; missingKey: boolean } {
  const cm = cluster.configMaps.find((c) => c.meta.namespace === 'kube-system' && c.meta.name === 'coredns')
  if (!cm) return { text: kubeadmCorefile(cluster.config.clusterDomain), missingKey: false }
  const data = cm.raw.data
  const text = data && typeof data === 'object' && !Array.isArray(data) ? data.Corefile : undefined
  return typeof text === 'string' ? { text, missingKey: false } : { text: '', missingKey: true }
}

function buildView(cluster: Cluster): DnsView {
  const { text, missingKey } = corefileOf(cluster)
  const domain = cluster.config.clusterDomain
  const corefile = missingKey
    ? { servers: [], errors: ['open /etc/coredns/Corefile: no such file or directory (the coredns ConfigMap has no Corefile key)'] }
    : ((text === kubeadmCorefile(domain) && kubeadmCorefileParsed(domain)) || parseCorefile(text))
  const serial = Math.floor(Date.parse(latestChange(cluster)) / 1000)

  const services = new Map<string, Service>()
  const serviceByIP = new Map<string, Service>()
  for (const s of cluster.services) {
    services.set(`${s.meta.name}.${s.meta.namespace}`, s)
    for (const ip of s.clusterIPs) if (ip !== 'None' && !serviceByIP.has(ip)) serviceByIP.set(ip, s)
  }

  const endpoints = new Map<string, SliceEndpoints[]>()
  const endpointsByIP = new Map<string, SliceEndpoints[]>()
  for (const sl of cluster.endpointSlices) {
    if (!sl.serviceName || sl.addressType === 'FQDN') continue
    const e: SliceEndpoints = {
      sliceName: sl.meta.name,
      namespace: sl.meta.namespace,
      service: sl.serviceName,
      addresses: [],
      ports: sl.ports.length ? sl.ports.map((p) => ({ port: p.port ?? -1, name: p.name, protocol: p.protocol })) : [{ port: -1, name: '', protocol: '' }],
    }
    for (const ep of sl.endpoints) {
      // object.EndpointSliceToEndpoints: only ready endpoints (nil counts as ready; the builder already defaulted it)
      if (!ep.conditions.ready) continue
      for (const ip of ep.addresses) {
        e.addresses.push({
          ip,
          hostname: ep.hostname,
          nodeName: ep.nodeName,
          // names too long to be a label are ignored (len < 64)
          targetRefName: ep.targetRef && ep.targetRef.name.length < 64 ? ep.targetRef.name : undefined,
        })
        const list = endpointsByIP.get(ip)
        if (!list) endpointsByIP.set(ip, [e])
        else if (!list.includes(e)) list.push(e)
      }
    }
    const key = `${sl.serviceName}.${sl.meta.namespace}`
    const list = endpoints.get(key)
    if (list) list.push(e)
    else endpoints.set(key, [e])
  }

  const podsByIP = new Map<string, Pod[]>()
  for (const p of cluster.pods) {
    // object.ToPod drops terminating Pods; the list watch skips Succeeded/Failed/Unknown
    if (p.terminating || p.phase === 'Succeeded' || p.phase === 'Failed' || p.phase === 'Unknown') continue
    const ip = p.podIPs[0]
    if (!ip) continue
    const list = podsByIP.get(ip)
    if (list) list.push(p)
    else podsByIP.set(ip, [p])
  }

  const kubeDns = cluster.index.service.get('kube-system/kube-dns')
  const coreDnsAddresses = new Set<string>(kubeDns ? kubeDns.clusterIPs.filter((ip) => ip !== 'None') : [])
  const readyIPs = new Set<string>()
  for (const sl of cluster.index.slicesByService.get('kube-system/kube-dns') ?? []) {
    for (const ep of sl.endpoints) if (ep.conditions.ready) for (const a of ep.addresses) readyIPs.add(a)
  }
  const coreDnsPods = cluster.pods
    .filter((p) => p.meta.namespace === 'kube-system' && p.meta.labels['k8s-app'] === 'kube-dns' && p.podIPs.some((ip) => readyIPs.has(ip)))
    .sort((a, b) => (a.meta.name < b.meta.name ? -1 : a.meta.name > b.meta.name ? 1 : 0))
  for (const p of coreDnsPods) for (const ip of p.podIPs) coreDnsAddresses.add(ip)
  if (coreDnsPods.length === 0 && kubeDns) for (const ip of kubeDns.clusterIPs) coreDnsAddresses.delete(ip)

  return {
    cluster,
    corefile,
    corefileText: text,
    services,
    endpoints,
    serviceByIP,
    endpointsByIP,
    podsByIP,
    namespaces: new Set(cluster.namespaces.map((n) => n.meta.name)),
    external: buildExternalZone(cluster.externalHosts, serial),
    serial,
    coreDnsAddresses,
    coreDnsPods,
  }
}

/** The newest creation time among the objects CoreDNS watches (its SOA serial is the time of the last change). */
function latestChange(cluster: Cluster): string {
  let t = CLUSTER_CREATED
  for (const list of [cluster.services, cluster.endpointSlices, cluster.namespaces]) {
    for (const o of list) if (o.meta.creationTimestamp > t && o.meta.creationTimestamp <= cluster.now) t = o.meta.creationTimestamp
  }
  return t
}
