/**
 * One end of a connection as the policies see it, after Service DNAT: a Pod
 * on the Pod network, an address of a node (the node itself or a hostNetwork
 * Pod, which policies cannot tell apart from its node: the docs' "most common
 * implementation"), or an address outside the cluster.
 */
import type { Cluster, Labels, Node, Pod } from '../model/types.ts'
import { canonicalIP, ipFamilyOf, parseAddr } from '../net/ip.ts'
import type { Addr } from '../net/ip.ts'
import type { PolicySet } from './policy-set.ts'

export interface Endpoint {
  kind: 'pod' | 'host' | 'external'
  /** the address on the packet */
  ip: string
  addr: Addr
  /** kind pod: the Pod; kind host: the hostNetwork Pod when one was named */
  pod?: Pod
  /** the node: the Pod's node (kind pod), or the node owning the address (kind host) */
  node?: Node
  /** labels of the Pod's namespace (kind pod) */
  nsLabels?: Labels
  /** how the reader names it: `ns/pod`, `node/name`, or the address */
  name: string
}

export function podEndpoint(set: PolicySet, pod: Pod, family?: 'IPv4' | 'IPv6'): Endpoint | { error: string } {
  const name = `${pod.meta.namespace}/${pod.meta.name}`
  if (pod.podIPs.length === 0) {
    // a Pod no scheduler takes up (cluster/pods.ts): its scheduling gates, or a scheduler the simulator does not run
    const why = pod.pendingReason ?? (pod.schedulingHold === 'SchedulingGated' ? 'Scheduling is blocked due to non-empty scheduling gates' : pod.schedulingHold === 'SchedulerName' ? 'no scheduler of its spec.schedulerName has bound it' : undefined)
    return { error: `${name} has no IP address yet (${pod.phase}${why ? `: ${why}` : ''}): it cannot send or receive traffic` }
  }
  if (pod.phase === 'Succeeded' || pod.phase === 'Failed') return { error: `${name} has completed (${pod.phase}): it cannot send or receive traffic` }
  const ip = (family && pod.podIPs.find((x) => ipFamilyOf(x) === family)) || pod.podIPs[0]
  const node = set.cluster.index.node.get(pod.nodeName)
  if (pod.hostNetwork) return { kind: 'host', ip, addr: parseAddr(ip)!, pod, node: node ?? set.nodeByAddress.get(ip), name }
  return { kind: 'pod', ip, addr: parseAddr(ip)!, pod, node, nsLabels: set.namespaceLabels.get(pod.meta.namespace) ?? {}, name }
}

/** An address: a Pod IP, a node address, or anything else (outside the cluster). ClusterIPs are not endpoints: resolve the Service first. */
export function ipEndpoint(set: PolicySet, cluster: Cluster, text: string): Endpoint | { error: string } {
  const ip = canonicalIP(text)
  if (!ip) return { error: `"${text}" is not an IP address` }
  if (cluster.index.serviceByClusterIP.has(ip)) {
    const s = cluster.index.serviceByClusterIP.get(ip)!
    return { error: `${ip} is the ClusterIP of Service ${s.meta.namespace}/${s.meta.name}: policies judge the endpoint Pod chosen after DNAT; name the Service instead` }
  }
  const pod = cluster.index.podByIP.get(ip)
  if (pod) return podEndpoint(set, pod, ipFamilyOf(ip))
  const node = set.nodeByAddress.get(ip)
  if (node) return { kind: 'host', ip, addr: parseAddr(ip)!, node, name: `node/${node.meta.name}` }
  return { kind: 'external', ip, addr: parseAddr(ip)!, name: ip }
}

/** the node an endpoint sits on, for the "own node" rule */
export function nodeName(e: Endpoint): string | undefined {
  return e.node?.meta.name ?? e.pod?.nodeName
}
