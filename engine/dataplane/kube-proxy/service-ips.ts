/**
 * The Service addresses kube-proxy in IPVS mode binds to kube-ipvs0: every
 * ClusterIP, external IP and load-balancer ingress IP of a Service it proxies
 * (pkg/proxy/ipvs/proxier.go syncService with bindAddr=true).
 */
import type { Cluster } from '../../model/types.ts'
import { servicePortsFor } from './service-ports.ts'

export function serviceIPsOnNode(cluster: Cluster): string[] {
  const out: string[] = []
  const seen = new Set<string>()
  for (const family of cluster.config.ipFamilies) {
    for (const sp of servicePortsFor(cluster, family)) {
      for (const ip of [sp.clusterIP, ...sp.externalIPs, ...sp.loadBalancerVIPs]) {
        if (!seen.has(ip)) {
          seen.add(ip)
          out.push(ip)
        }
      }
    }
  }
  return out
}
