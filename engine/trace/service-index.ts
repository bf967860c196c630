/**
 * Which Service port a packet hits: kube-proxy's view of Services (the
 * dataplane module's servicePortsFor) indexed by destination — ClusterIP,
 * external IP and load-balancer IP with port and protocol, and NodePorts by
 * port — once per cluster and family, so a trace finds its Service in
 * constant time even in a large cluster.
 */
import type { Cluster, Node, Pod, Service } from '../model/types.ts'
import type { IPFamily } from '../net/ip.ts'
import { ipFamilyOf } from '../net/ip.ts'
import { servicePortsFor } from '../dataplane/index.ts'
import type { ServicePortInfo } from '../dataplane/index.ts'

export type ServiceHit = { sp: ServicePortInfo; via: 'cluster-ip' | 'external-ip' | 'load-balancer' | 'node-port' }

interface FamilyIndex {
  byDest: Map<string, ServiceHit>
  /** load-balancer IPs with ipMode Proxy: only the cloud load balancer answers them, never kube-proxy */
  byProxyLB: Map<string, ServicePortInfo>
  byNodePort: Map<string, ServicePortInfo>
  byHealthCheck: Map<number, ServicePortInfo[]>
  /** every ClusterIP, external IP and LB IP kube-proxy programs */
  serviceIPs: Set<string>
}

interface ClusterIndex {
  families: Map<IPFamily, FamilyIndex>
  /** LoadBalancer ingress IP → Service (any family) */
  lbOwner: Map<string, Service>
  /** Pods on each node, by node name */
  podsOnNode: Map<string, Pod[]>
  /** hostPort → Pods using it, key `node/proto/port` */
  hostPorts: Map<string, { pod: Pod; containerPort: number }>
}

const cache = new WeakMap<Cluster, ClusterIndex>()

function key(ip: string, proto: string, port: number): string {
  return `${ip}/${proto}/${port}`
}

function build(cluster: Cluster): ClusterIndex {
  const families = new Map<IPFamily, FamilyIndex>()
  for (const family of cluster.config.ipFamilies) {
    const fi: FamilyIndex = { byDest: new Map(), byProxyLB: new Map(), byNodePort: new Map(), byHealthCheck: new Map(), serviceIPs: new Set() }
    for (const sp of servicePortsFor(cluster, family)) {
      const put = (ip: string, via: ServiceHit['via']) => {
        fi.serviceIPs.add(ip)
        const k = key(ip, sp.protocol, sp.port)
        if (!fi.byDest.has(k)) fi.byDest.set(k, { sp, via })
      }
      put(sp.clusterIP, 'cluster-ip')
      for (const ip of sp.externalIPs) put(ip, 'external-ip')
      for (const ip of sp.loadBalancerVIPs) put(ip, 'load-balancer')
      for (const i of cluster.index.service.get(`${sp.namespace}/${sp.name}`)?.loadBalancerIngress ?? []) {
        if (i.ip && i.ipMode === 'Proxy' && ipFamilyOf(i.ip) === family) fi.byProxyLB.set(key(i.ip, sp.protocol, sp.port), sp)
      }
      if (sp.nodePort) {
        const k = `${sp.protocol}/${sp.nodePort}`
        if (!fi.byNodePort.has(k)) fi.byNodePort.set(k, sp)
      }
      if (sp.healthCheckNodePort) {
        const list = fi.byHealthCheck.get(sp.healthCheckNodePort) ?? []
        list.push(sp)
        fi.byHealthCheck.set(sp.healthCheckNodePort, list)
      }
    }
    families.set(family, fi)
  }
  const lbOwner = new Map<string, Service>()
  for (const s of cluster.services) for (const i of s.loadBalancerIngress) if (i.ip && !lbOwner.has(i.ip)) lbOwner.set(i.ip, s)
  const podsOnNode = new Map<string, Pod[]>()
  const hostPorts = new Map<string, { pod: Pod; containerPort: number }>()
  for (const p of cluster.pods) {
    if (!p.nodeName) continue
    const list = podsOnNode.get(p.nodeName)
    if (list) list.push(p)
    else podsOnNode.set(p.nodeName, [p])
    if (p.hostNetwork || p.phase !== 'Running') continue
    for (const c of p.containers) for (const cp of c.ports) if (cp.hostPort) hostPorts.set(`${p.nodeName}/${cp.protocol}/${cp.hostPort}`, { pod: p, containerPort: cp.containerPort })
  }
  return { families, lbOwner, podsOnNode, hostPorts }
}

function index(cluster: Cluster): ClusterIndex {
  let i = cache.get(cluster)
  if (!i) cache.set(cluster, (i = build(cluster)))
  return i
}

/**
 * The Service port a packet to ip:port/proto hits by address (ClusterIP, external IP, LB IP).
 *
 * @example
 * serviceByDest(cluster, '10.96.0.10', 53, 'UDP')?.sp.nameString // 'kube-system/kube-dns:dns'
 */
export function serviceByDest(cluster: Cluster, ip: string, port: number, proto: string): ServiceHit | undefined {
  const fam = ipFamilyOf(ip)
  if (!fam) return undefined
  return index(cluster).families.get(fam)?.byDest.get(key(ip, proto, port))
}

/** The Service port behind a load-balancer IP whose ipMode is Proxy (KEP-1860). */
export function proxyModeLoadBalancer(cluster: Cluster, ip: string, port: number, proto: string): ServicePortInfo | undefined {
  const fam = ipFamilyOf(ip)
  if (!fam) return undefined
  return index(cluster).families.get(fam)?.byProxyLB.get(key(ip, proto, port))
}

/** The Service port behind a NodePort. */
export function serviceByNodePort(cluster: Cluster, family: IPFamily, port: number, proto: string): ServicePortInfo | undefined {
  return index(cluster).families.get(family)?.byNodePort.get(`${proto}/${port}`)
}

export function serviceByHealthCheckPort(cluster: Cluster, family: IPFamily, port: number): ServicePortInfo[] {
  return index(cluster).families.get(family)?.byHealthCheck.get(port) ?? []
}

/** Is ip a Service address kube-proxy programs (on some port)? */
export function isServiceIP(cluster: Cluster, ip: string): boolean {
  const fam = ipFamilyOf(ip)
  return !!fam && !!index(cluster).families.get(fam)?.serviceIPs.has(ip)
}

export function loadBalancerOwner(cluster: Cluster, ip: string): Service | undefined {
  return index(cluster).lbOwner.get(ip)
}

export function podsOn(cluster: Cluster, node: Node): Pod[] {
  return index(cluster).podsOnNode.get(node.meta.name) ?? []
}

/** The Pod whose container maps hostPort on this node (CNI portmap), if any. */
export function hostPortOwner(cluster: Cluster, node: Node, proto: string, port: number): { pod: Pod; containerPort: number } | undefined {
  return index(cluster).hostPorts.get(`${node.meta.name}/${proto}/${port}`)
}
