/**
 * Which network namespace a command sees: a node's own, a Pod's (its
 * sandbox's), or the node's for a hostNetwork Pod.
 */
import type { Cluster, Node, Pod } from '../model/types.ts'
import type { Place } from '../shell/types.ts'
import type { NetNS } from './model.ts'
import type { NodePlumbing } from './cni/context.ts'
import { nodePlumbing } from './cni/index.ts'

export interface Where {
  ns: NetNS
  node: Node
  plumbing: NodePlumbing
  /** set when the command runs inside a Pod with its own namespace */
  pod?: Pod
}

/**
 * @example
 * namespaceOf(cluster, { kind: 'pod', pod }).ns.links.map((l) => l.name) // ['lo', 'eth0']
 */
export function namespaceOf(cluster: Cluster, place: Place): Where | { error: string } {
  if (place.kind === 'workstation') return { error: 'not on a cluster machine' }
  const node = place.kind === 'node' ? place.node : cluster.index.node.get(place.pod.nodeName)
  if (!node) return { error: `error: the Pod ${place.kind === 'pod' ? place.pod.meta.name : ''} has no node` }
  const plumbing = nodePlumbing(cluster, node)
  if (place.kind === 'node' || place.pod.hostNetwork) return { ns: plumbing.host, node, plumbing }
  const ns = plumbing.pods.get(`${place.pod.meta.namespace}/${place.pod.meta.name}`)
  if (!ns) return { error: `error: Pod ${place.pod.meta.name} has no network namespace (is its sandbox running?)` }
  return { ns, node, plumbing, pod: place.pod }
}
