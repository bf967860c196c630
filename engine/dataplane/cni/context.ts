/**
 * What a CNI module needs to wire one node: the node, its Pods in the order
 * their sandboxes came up, the other nodes (for overlay and BGP routes), and
 * an ifindex counter for the node's namespace.
 */
import type { Cluster, Node, Pod } from '../../model/types.ts'
import { compareIP, ipFamilyOf, parsePrefix } from '../../net/ip.ts'
import type { IPFamily } from '../../net/ip.ts'
import type { FdbEntry, Link, NetNS, Neighbour, Route } from '../model.ts'

export interface CniContext {
  cluster: Cluster
  node: Node
  /** other nodes of the cluster, in the cluster's order */
  peers: Node[]
  /** Pods with their own network namespace on this node, oldest sandbox first */
  pods: Pod[]
  /** kube-proxy IPVS mode binds every Service IP to kube-ipvs0 */
  ipvsAddresses: string[]
  /** next ifindex in the node's namespace (the kernel hands them out in order) */
  nextIndex(): number
}

/** Everything the CNI put on one node. */
export interface NodePlumbing {
  host: NetNS
  /** key `namespace/name` */
  pods: Map<string, NetNS>
  files: CniFiles
  /**
   * Routes the agent asked for that the kernel refused (a gateway off every
   * connected subnet, routes.ts gatewayOnLink): the agent logs the failure
   * and the node has no route there.
   */
  refusedRoutes: Route[]
}

export interface CniFiles {
  /** /etc/cni/net.d: file name → content */
  confDir: Map<string, string>
  /** /opt/cni/bin */
  binaries: string[]
  /** /var/lib/cni/networks/NET (host-local IPAM state), when the plugin uses host-local */
  hostLocal?: { network: string; files: Map<string, string> }
  /** other files the plugin writes, by absolute path (e.g. /run/flannel/subnet.env) */
  extra: Map<string, string>
}

/** The host side of the node's Pod wiring, to be merged into the node namespace. */
export interface HostPart {
  links: Link[]
  routes: Route[]
  neighbours?: Neighbour[]
  fdb?: FdbEntry[]
}

export function podsOnNode(cluster: Cluster, node: Node): Pod[] {
  const pods = cluster.pods.filter((p) => p.nodeName === node.meta.name && !p.hostNetwork && p.podIPs.length > 0 && p.phase !== 'Pending')
  // Sandboxes come up in creation order; host-local hands out addresses in the same order,
  // so system Pods first and then the address order stands in for it.
  return pods.sort((a, b) => Number(b.meta.creationTimestamp < a.meta.creationTimestamp) - Number(a.meta.creationTimestamp < b.meta.creationTimestamp) || compareIP(a.podIPs[0], b.podIPs[0]))
}

export function podCIDROf(node: Node, family: IPFamily): string | undefined {
  return node.podCIDRs.find((c) => parsePrefix(c)?.family === family)
}

export function ipOf(list: string[], family: IPFamily): string | undefined {
  return list.find((ip) => ipFamilyOf(ip) === family)
}
