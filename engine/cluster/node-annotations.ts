/**
 * The annotations every Node gets from the components that manage it, beside flannel's:
 * kubelet marks that volumes are attached by the controller (pkg/kubelet/kubelet_node_status.go
 * initialNode, with --enable-controller-attach-detach on by default), and the TTL controller
 * sets the object TTL kubelet may cache Secrets and ConfigMaps for, from the cluster's size
 * (pkg/controller/ttl/ttl_controller.go ttlBoundaries: 0 s up to 100 nodes, reached by
 * growing). kubeadm's own `kubeadm.alpha.kubernetes.io/cri-socket` is gone: NodeLocalCRISocket
 * went GA in 1.36 and kubeadm 1.37 no longer writes it.
 */
import type { Node } from '../model/types.ts'

const TTL_STEPS: [maxNodes: number, seconds: number][] = [[100, 0], [500, 15], [1000, 30], [2000, 60]]

export function addNodeAnnotations(nodes: Node[]): void {
  const ttl = TTL_STEPS.find(([max]) => nodes.length <= max)?.[1] ?? 300
  for (const n of nodes) {
    const a = n.meta.annotations
    a['node.alpha.kubernetes.io/ttl'] ??= String(ttl)
    a['volumes.kubernetes.io/controller-managed-attach-detach'] ??= 'true'
  }
}
