/**
 * CNI modes that route Pod ranges straight to the peer node's address need
 * every node on one layer-2 subnet: the kernel accepts a gateway only on a
 * connected subnet (dataplane/routes.ts gatewayOnLink), and the LAN's router
 * knows nothing of Pod ranges. The modes, and what their projects say:
 * - flannel host-gw: "requires direct layer2 connectivity between hosts"
 *   (flannel Documentation/backends.md); flanneld's route add fails;
 * - Calico bgp without encapsulation: BIRD's full mesh resolves an off-subnet
 *   next hop through the default route (bird.cfg.template `gateway recursive`);
 *   Calico's answer is IPIP or VXLAN, or CrossSubnet for either;
 * - Cilium native routing with autoDirectNodeRoutes: the agent installs a
 *   direct route only to a node it reaches without a gateway
 *   (pkg/datapath/linux/node.go createDirectRouteSpec);
 * - Antrea noEncap: adds no route to a peer on another subnet and leaves it
 *   to the default route (pkg/agent/route/route_linux.go AddRoutes,
 *   NeedsRoutingToPeer; docs/noencap-hybrid-modes.md); Hybrid would encapsulate.
 * The simulated LAN gateway routes node subnets only, so the Cluster document
 * is warned when such a mode meets nodes on two subnets.
 */
import type { ClusterConfig, Node } from '../model/types.ts'
import { ipFamilyOf } from '../net/ip.ts'
import { lanOf } from '../dataplane/cni/addressing.ts'
import type { BuildContext, Loaded } from './context.ts'

const FIX: Record<string, string> = {
  'flannel/host-gw': 'use cniMode: vxlan (flannel encapsulates between nodes, so the routers in between only see node addresses)',
  'calico/bgp': 'use cniMode: ipip or vxlan (Calico encapsulates; its CrossSubnet setting does so only between subnets), or peer the nodes with the routers over BGP',
  'cilium/native': 'use cniMode: vxlan or geneve, or have the network route each node\'s Pod range (Cilium\'s BGP control plane, or cloud routes)',
  'antrea/noEncap': 'use cniMode: geneve (Antrea\'s Hybrid mode, not simulated, encapsulates only between subnets)',
}

/** Whether this CNI mode sends Pod traffic to peer node addresses without encapsulation. */
export function needsLayer2(config: ClusterConfig): boolean {
  return `${config.cni}/${config.cniMode}` in FIX
}

/** The node subnets (IPv4), each with its nodes, in node order. */
export function nodeSubnets(nodes: Node[]): Map<string, string[]> {
  const out = new Map<string, string[]>()
  for (const n of nodes) {
    const ip = n.internalIPs.find((a) => ipFamilyOf(a) === 'IPv4')
    if (!ip) continue
    const lan = lanOf(ip)
    out.set(lan, [...(out.get(lan) ?? []), n.meta.name])
  }
  return out
}

export function checkLayer2(ctx: BuildContext, config: ClusterConfig, nodes: Node[], doc: Loaded | undefined): void {
  const fix = FIX[`${config.cni}/${config.cniMode}`]
  if (!fix) return
  const subnets = nodeSubnets(nodes)
  if (subnets.size < 2) return
  const list = [...subnets].map(([lan, names]) => `${lan} (${names.join(', ')})`).join(' and ')
  ctx.warn(doc, ['spec', 'cniMode'], `spec.cniMode: ${config.cni} ${config.cniMode} routes each node's Pod range straight to the node's address, which needs every node on one layer-2 subnet; these nodes are on ${list}, so Pods on different subnets cannot reach each other (the router between them has no route for Pod ranges)`, 'needs-layer2', fix)
}
