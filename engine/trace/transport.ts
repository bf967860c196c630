/**
 * Getting a Pod packet from one node to another, as each CNI plugin does it:
 * an overlay (flannel VXLAN VNI 1 on UDP 8472, Calico IP-in-IP or VXLAN VNI
 * 4096 on UDP 4789, Cilium VXLAN 8472 / Geneve 6081, Antrea Geneve 6081,
 * Weave's sleeve UDP 6783 or fast datapath VXLAN 6784) with its outer
 * header, or plain routing (flannel host-gw, Calico BGP, Cilium native
 * routing, the AWS and Azure VPC fabrics, which carry Pod addresses natively).
 * The route shown is the one the CNI module put in the node's table.
 *
 * Outer UDP source ports: Linux picks them by hashing the inner flow
 * (udp_flow_src_port over the ephemeral range), so one connection always
 * uses one outer port; here a hash of the inner 5-tuple stands in for it.
 */
import type { Node } from '../model/types.ts'
import { ipFamilyOf } from '../net/ip.ts'
import type { WalkContext } from './context.ts'
import { push } from './context.ts'
import { EPHEMERAL_MAX, EPHEMERAL_MIN, hashOf, tupleKey } from './choice.ts'
import type { Encap, Handler, Tuple } from './types.ts'

interface Overlay {
  device: string
  kind: Encap['kind']
  handler: Handler
  port?: number
  vni?: number
  overhead: number
  /** where the packet comes out on the peer */
  peerDevice: string
  what: string
}

/**
 * The overlay the cluster's CNI uses between nodes, or undefined when it routes natively.
 *
 * @example
 * overlayOf(ctx) // { device: 'flannel.1', kind: 'vxlan', port: 8472, vni: 1, overhead: 50, … }
 */
export function overlayOf(ctx: WalkContext, src?: Tuple): Overlay | undefined {
  const { cni, cniMode } = ctx.cluster.config
  // flannel, the default cluster's: the other agents' tunnels are read only for their clusters (issue 20)
  if (cni === 'flannel') return cniMode === 'host-gw' ? undefined : { device: 'flannel.1', kind: 'vxlan', handler: 'vxlan', port: 8472, vni: 1, overhead: 50, peerDevice: 'flannel.1', what: 'flannel VXLAN' }
  return otherOverlay(ctx, src)
}

function otherOverlay(ctx: WalkContext, src?: Tuple): Overlay | undefined {
  const { cni, cniMode } = ctx.cluster.config
  switch (cni) {
    case 'canal':
      return { device: 'flannel.1', kind: 'vxlan', handler: 'vxlan', port: 8472, vni: 1, overhead: 50, peerDevice: 'flannel.1', what: "canal's flannel VXLAN" }
    case 'calico':
      if (cniMode === 'ipip') return { device: 'tunl0', kind: 'ipip', handler: 'ipip', overhead: 20, peerDevice: 'tunl0', what: 'Calico IP-in-IP' }
      if (cniMode === 'vxlan') return { device: 'vxlan.calico', kind: 'vxlan', handler: 'vxlan', port: 4789, vni: 4096, overhead: 50, peerDevice: 'vxlan.calico', what: 'Calico VXLAN' }
      return undefined
    case 'cilium':
      if (cniMode === 'native') return undefined
      // Cilium carries the source endpoint's security identity in the VNI (allocated by the agent; simulated here)
      return {
        device: cniMode === 'geneve' ? 'cilium_geneve' : 'cilium_vxlan',
        kind: cniMode === 'geneve' ? 'geneve' : 'vxlan',
        handler: cniMode === 'geneve' ? 'geneve' : 'vxlan',
        port: cniMode === 'geneve' ? 6081 : 8472,
        vni: src ? 256 + (hashOf('identity', ctx.cluster.index.podByIP.get(src.src)?.meta.namespace ?? 'world', JSON.stringify(ctx.cluster.index.podByIP.get(src.src)?.meta.labels ?? {})) % 65280) : undefined,
        overhead: 50,
        peerDevice: cniMode === 'geneve' ? 'cilium_geneve' : 'cilium_vxlan',
        what: `Cilium ${cniMode === 'geneve' ? 'Geneve' : 'VXLAN'}`,
      }
    case 'antrea':
      return cniMode === 'noEncap' ? undefined : { device: 'genev_sys_6081', kind: 'geneve', handler: 'geneve', port: 6081, overhead: 50, peerDevice: 'genev_sys_6081', what: 'Antrea Geneve' }
    case 'weave':
      return cniMode === 'fastdp'
        ? { device: 'vxlan-6784', kind: 'vxlan', handler: 'vxlan', port: 6784, overhead: 50, peerDevice: 'vxlan-6784', what: 'Weave fast datapath (VXLAN)' }
        : { device: 'weave', kind: 'sleeve', handler: 'weave', port: 6783, overhead: 50, peerDevice: 'weave', what: 'Weave sleeve (the weave router wraps frames in UDP)' }
    default:
      return undefined
  }
}

function nodeIP(node: Node, family: 'IPv4' | 'IPv6'): string {
  return node.internalIPs.find((ip) => ipFamilyOf(ip) === family) ?? node.internalIPs[0] ?? ''
}

/**
 * Hops from `from` to `to` for a packet addressed to a Pod on `to`
 * (the route lookup on `from` has been shown by the caller).
 *
 * @example
 * crossNodes(ctx, node1, node3, tuple, 1450) // adds the encapsulation, underlay and decapsulation hops
 */
/** No overlay (a routed mode, or a cloud fabric): the packet crosses the network as it is. */
function unencapsulated(ctx: WalkContext, to: Node, t: Tuple, mtu: number | undefined, a: string, b: string): void {
  const { cni } = ctx.cluster.config
  const fabric = cni === 'aws-vpc-cni' ? 'the VPC (Pod IPs are secondary ENI addresses, routed by the VPC)' : cni === 'azure-cni' ? 'the VNet (Pod IPs are addresses of the VNet subnet)' : cni === 'bridge' ? `the LAN router (the bridge plugin adds no routes between nodes: the network must route each node's Pod range to it)` : 'the LAN, unencapsulated'
  push(ctx, {
    at: `network ${a} → ${b}`,
    handler: 'underlay',
    before: { ...t },
    after: { ...t },
    note: `the packet crosses ${fabric}, with its own addresses: no outer header, no MTU cost${mtu ? ` (Pod MTU ${mtu})` : ''}`,
  })
  push(ctx, {
    at: `${to.meta.name} eth0`,
    node: to.meta.name,
    handler: 'route',
    before: { ...t },
    after: { ...t },
    note: `${to.meta.name} receives it on eth0 and forwards it to the Pod`,
  })
}

export function crossNodes(ctx: WalkContext, from: Node, to: Node, t: Tuple, mtu: number | undefined): void {
  const family = ipFamilyOf(t.dst) ?? 'IPv4'
  const ov = overlayOf(ctx, t)
  const a = nodeIP(from, family)
  const b = nodeIP(to, family)
  const { cni } = ctx.cluster.config
  if (!ov) return unencapsulated(ctx, to, t, mtu, a, b)
  const sport = ov.kind === 'ipip' ? 0 : EPHEMERAL_MIN + (hashOf('outer', tupleKey(t)) % (EPHEMERAL_MAX - EPHEMERAL_MIN + 1))
  const outer: Tuple = ov.kind === 'ipip'
    ? { src: a, sport: 0, dst: b, dport: 0, proto: 'IPIP' }
    : { src: a, sport, dst: b, dport: ov.port ?? 0, proto: 'UDP' }
  const podMtu = mtu ?? 1500 - ov.overhead
  const encap: Encap = { device: ov.device, kind: ov.kind, outer, vni: ov.vni, port: ov.port, mtu: podMtu, overhead: ov.overhead }
  const header = ov.kind === 'ipip'
    ? `an outer IPv4 header ${a} → ${b}, protocol 4 (IP-in-IP), 20 bytes`
    : ov.kind === 'sleeve'
      ? `UDP ${a} → ${b}:${ov.port} by the weave router process (sleeve mode)`
      : `${ov.kind === 'geneve' ? 'Geneve' : 'VXLAN'}${ov.vni !== undefined ? ` (VNI ${ov.vni}${cni === 'cilium' ? ': the source endpoint\'s security identity' : ''})` : ''} in UDP ${a}:${sport} → ${b}:${ov.port}, 50 bytes of headers (outer IP 20, UDP 8, ${ov.kind === 'geneve' ? 'Geneve' : 'VXLAN'} 8, and the inner packet's own Ethernet header 14, which the tunnel carries)`
  push(ctx, {
    at: `${from.meta.name} ${ov.device}`,
    node: from.meta.name,
    handler: ov.handler,
    before: { ...t },
    after: { ...t },
    encap,
    note: `${ov.what}: the inner packet is wrapped in ${header}; the inner addresses are untouched. That is why the Pod MTU is ${podMtu}${podMtu === 1500 - ov.overhead ? ` (1500 − ${ov.overhead})` : ', below the node\'s 1500'}`,
  })
  push(ctx, {
    at: `network ${a} → ${b}`,
    handler: 'underlay',
    before: { ...t },
    after: { ...t },
    encap,
    note: `on the wire only the outer header counts: the LAN routes ${a} → ${b} like any node-to-node packet`,
  })
  push(ctx, {
    at: `${to.meta.name} ${ov.peerDevice}`,
    node: to.meta.name,
    handler: ov.handler,
    before: { ...t },
    after: { ...t },
    encap,
    note: `${to.meta.name} ${ov.kind === 'ipip' ? 'matches protocol 4 to tunl0' : ov.kind === 'sleeve' ? "'s weave router reads the UDP datagram" : `has a socket on UDP ${ov.port} for ${ov.device}`} and strips the outer header; the inner packet continues as if it had arrived on ${ov.peerDevice}`,
  })
}

