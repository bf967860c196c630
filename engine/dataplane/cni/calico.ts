/**
 * Calico (calico.yaml, v3.32): Pods get a /32 on eth0 and reach everything
 * through the link-local next hop 169.254.1.1, which the host side answers by
 * proxy ARP (its MAC is pinned to ee:ee:ee:ee:ee:ee). Each Pod has a host
 * route `IP dev cali… scope link`; the node's IPAM blocks (/26) are
 * blackholed so that stray traffic to unused addresses dies locally; peers'
 * blocks are reached
 * - ipip (the manifest's default, CALICO_IPV4POOL_IPIP=Always): via tunl0, routes from BIRD `proto bird metric 1024 onlink`;
 * - vxlan: via vxlan.calico (VNI 4096, UDP 4789), routes written by Felix: the tunnel routes
 *   with Felix's DeviceRouteProtocol, boot (3, which `ip route` does not print), and the
 *   VXLAN MTU (routetable defaultRouteProtocol; vxlan_mgr.go tunnelRoute sets MTU since
 *   v3.30, "Program MTU on vxlan routes"), the blackhole with `proto 80` (route_mgr.go
 *   calculateRouteProtocol: 80 while DeviceRouteProtocol is boot);
 * - bgp: unencapsulated via the peer's node address, `proto bird`. BIRD's BGP
 *   template says `gateway recursive` and its kernel protocol `learn`s the
 *   node's own routes (confd templates bird.cfg.template), so a peer off the
 *   node's subnet has its next hop resolved through the default route: the
 *   block is routed `via <LAN gateway> dev eth0 proto bird`, as calico issue
 *   7706 shows, and the gateway does not know Pod addresses.
 * MTU: 1500 less 20 (IPIP) or 50 (VXLAN).
 *
 * Route priorities (new in Calico v3.32, for VM live migration): Felix writes
 * every workload route with RTA_PRIORITY IPv4NormalRoutePriority, default
 * 1024 (felix/config/config_params.go; felix/dataplane/linux/endpoint_mgr.go
 * calculateRoutes), so `ip route` prints `… dev cali… scope link metric 1024`.
 * BIRD's kernel export filter gives every BGP-learned route krt_metric =
 * NormalRoutePriority, 1024 (confd bgp_processor.go SetMetricForBGPRoutes, in
 * bird_ipam.cfg.template's calico_kernel_programming; over the iBGP mesh it
 * round-trips as LOCAL_PREF = INT_MAX - 1024), so the peers' blocks print
 * `proto bird metric 1024` (iproute2 prints metric after proto/scope/src and
 * before `onlink`). Routes without a priority stay metric 0, which `ip route`
 * omits: the block's blackhole (a BIRD static route: the filter only sets a
 * metric on source RTS_BGP, and BIRD sends RTA_PRIORITY only when non-zero)
 * and, in vxlan mode, all Felix's route-manager routes (route_mgr.go
 * blackholeRoutes and vxlan_mgr.go tunnelRoute leave RouteKey.Priority 0).
 * Canal runs the same Felix, so its cali routes carry 1024 too; flannel's
 * routes have none. The IPv6 host routes already print the kernel's default
 * 1024, which is also Felix's IPv6NormalRoutePriority.
 *
 * Canal is Calico's CNI plugin with host-local IPAM on the node's Pod range
 * and flannel's VXLAN between nodes.
 */
import type { Node, Pod } from '../../model/types.ts'
import { compareIP, formatPrefix, ipInPrefixText, parseAddr, parsePrefix, prefixContains } from '../../net/ip.ts'
import type { Link, NetNS, Route } from '../model.ts'
import { randomMac, vethNames } from '../ids.ts'
import { lanGateway, lanOf, networkAddress } from './addressing.ts'
import { NIC, linkLocal, wirePods } from './common.ts'
import type { CniContext, HostPart } from './context.ts'
import { ipOf } from './context.ts'
import { CALICO_BLOCK_BITS } from '../../cluster/nodes.ts'
import { VXLAN_OVERHEAD, flannelPeerRoutes, flannelVxlanDevice, flannelVxlanEntries } from './flannel.ts'
import { vxlanPeerEntries } from './vxlan-peers.ts'

export const IPIP_OVERHEAD = 20
const CALICO_HOST_MAC = 'ee:ee:ee:ee:ee:ee'
const CALICO_NEXT_HOP = '169.254.1.1'
/** Felix IPv4NormalRoutePriority / BGPConfiguration IPv4NormalRoutePriority default (Calico v3.32). */
export const CALICO_NORMAL_ROUTE_PRIORITY = 1024

/** The IPAM blocks a node holds: its first block, and the /26 of any Pod address outside it. */
export function calicoBlocks(node: Node, pods: Pod[]): string[] {
  const blocks = node.podCIDRs.filter((c) => parsePrefix(c)?.family === 'IPv4')
  for (const p of pods) {
    for (const ip of p.podIPs) {
      const a = parseAddr(ip)!
      if (a.family !== 'IPv4' || blocks.some((b) => prefixContains(parsePrefix(b)!, a))) continue
      const block = formatPrefix({ family: 'IPv4', base: a.value & ~((1n << BigInt(32 - CALICO_BLOCK_BITS)) - 1n), bits: CALICO_BLOCK_BITS })
      blocks.push(block)
    }
  }
  return blocks.sort((a, b) => compareIP(a.split('/')[0], b.split('/')[0]))
}

function tunnelDevice(ctx: CniContext, kind: 'ipip' | 'vxlan', mtu: number): Link | undefined {
  const block = ctx.node.podCIDRs.find((c) => parsePrefix(c)?.family === 'IPv4')
  const nodeIP = ipOf(ctx.node.internalIPs, 'IPv4')
  if (!block || !nodeIP) return undefined
  // Calico's IPAM gives the tunnel the block's first address (engine/cluster/ipam.ts keeps ordinal 0 for it)
  const addr = networkAddress(block)
  if (kind === 'ipip') {
    return {
      index: ctx.nextIndex(),
      name: 'tunl0',
      kind: 'ipip',
      mtu,
      mac: '',
      flags: ['NOARP', 'UP', 'LOWER_UP'],
      state: 'UNKNOWN',
      qdisc: 'noqueue',
      qlen: 1000,
      parent: { index: 0, name: 'NONE' },
      linkType: 'ipip',
      linkAddress: '0.0.0.0',
      linkBroadcast: '0.0.0.0',
      addresses: [{ family: 'IPv4', address: addr, prefixLength: 32, scope: 'global' }],
      details: 'ipip any remote any local any ttl inherit nopmtudisc',
    }
  }
  const mac = randomMac(`${ctx.node.meta.name}/vxlan.calico`)
  return {
    index: ctx.nextIndex(),
    name: 'vxlan.calico',
    kind: 'vxlan',
    mtu,
    mac,
    flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'],
    state: 'UNKNOWN',
    qdisc: 'noqueue',
    qlen: 0,
    linkType: 'ether',
    linkBroadcast: 'ff:ff:ff:ff:ff:ff',
    addresses: [{ family: 'IPv4', address: addr, prefixLength: 32, scope: 'global' }, linkLocal(mac)],
    details: `vxlan id 4096 local ${nodeIP} dev ${NIC} srcport 0 0 dstport 4789 nolearning ttl auto ageing 300 udpcsum noudp6zerocsumtx noudp6zerocsumrx`,
  }
}

/** The fallback tunnel the ipip module creates in every new network namespace. */
function podTunl0(): Link {
  return {
    index: 2,
    name: 'tunl0',
    kind: 'ipip',
    mtu: 1480,
    mac: '',
    flags: ['NOARP'],
    state: 'DOWN',
    qdisc: 'noop',
    qlen: 1000,
    parent: { index: 0, name: 'NONE' },
    linkType: 'ipip',
    linkAddress: '0.0.0.0',
    linkBroadcast: '0.0.0.0',
    addresses: [],
  }
}

export function buildCalico(ctx: CniContext, pods: Map<string, NetNS>, nicMtu: number, canal: boolean): HostPart {
  const mode = canal ? 'vxlan' : ctx.cluster.config.cniMode
  const mtu = mode === 'ipip' ? nicMtu - IPIP_OVERHEAD : mode === 'vxlan' ? nicMtu - VXLAN_OVERHEAD : nicMtu
  const links: Link[] = []
  const routes: Route[] = []
  if (canal) {
    const dev = flannelVxlanDevice(ctx, mtu)
    if (dev) links.push(dev)
    routes.push(...flannelPeerRoutes(ctx, 'vxlan'))
  } else {
    if (mode === 'ipip' || mode === 'vxlan') {
      const dev = tunnelDevice(ctx, mode, mtu)
      if (dev) links.push(dev)
    }
    const proto = mode === 'vxlan' ? '80' : 'bird'
    for (const block of calicoBlocks(ctx.node, ctx.pods)) routes.push({ family: 'IPv4', dst: block, type: 'blackhole', proto })
    const nodeIP = ipOf(ctx.node.internalIPs, 'IPv4')
    const nic = ctx.cluster.config.cni === 'calico' && nodeIP ? lanOf(nodeIP) : undefined
    for (const peer of ctx.peers) {
      const peerIP = ipOf(peer.internalIPs, 'IPv4')
      if (!peerIP) continue
      // BIRD's recursive next hop: a peer off the node's subnet is reached through the LAN gateway
      const bgpHop = nic && nodeIP && !ipInPrefixText(peerIP, nic) ? lanGateway(nodeIP) : peerIP
      const peerPods = ctx.cluster.pods.filter((p) => p.nodeName === peer.meta.name && !p.hostNetwork)
      for (const block of calicoBlocks(peer, peerPods)) {
        // BIRD-learned routes carry krt_metric 1024; Felix's VXLAN routes no priority (see the header)
        if (mode === 'ipip') routes.push({ family: 'IPv4', dst: block, via: peerIP, dev: 'tunl0', proto: 'bird', metric: CALICO_NORMAL_ROUTE_PRIORITY, onlink: true })
        else if (mode === 'vxlan') routes.push({ family: 'IPv4', dst: block, via: networkAddress(peer.podCIDRs.find((c) => parsePrefix(c)?.family === 'IPv4') ?? block), dev: 'vxlan.calico', onlink: true, mtu })
        else routes.push({ family: 'IPv4', dst: block, via: bgpHop, dev: NIC, proto: 'bird', metric: CALICO_NORMAL_ROUTE_PRIORITY })
      }
    }
  }
  const wired = wirePods(ctx, {
    hostName: vethNames.calico,
    hostMac: () => CALICO_HOST_MAC,
    mtu,
    creation: 'pair-in-pod',
    hostRoute: true,
    podPrefix: (family) => (family === 'IPv4' ? 32 : 128),
    podExtraLinks: mode === 'ipip' ? () => [podTunl0()] : undefined,
    podRoutes: (_pod, ip, family) => (family === 'IPv4'
      ? [
          { family, dst: 'default', via: CALICO_NEXT_HOP, dev: 'eth0' },
          { family, dst: CALICO_NEXT_HOP, dev: 'eth0', scope: 'link' },
        ]
      : [
          { family, dst: ip, dev: 'eth0', proto: 'kernel', metric: 256 },
          { family, dst: 'default', via: 'fe80::ecee:eeff:feee:eeee', dev: 'eth0', metric: 1024 },
        ]),
  }, pods)
  // Felix replaces the CNI plugin's metric-0 host route with its own at the normal priority
  // (the RouteKey includes the priority; IPv6 already reads 1024, the kernel's default)
  const hostRoutes = wired.routes.map((r) => (r.family === 'IPv4' ? { ...r, metric: CALICO_NORMAL_ROUTE_PRIORITY } : r))
  // the tunnel device's neighbour and forwarding entries: flanneld's on canal's flannel.1, Felix's on vxlan.calico
  const entries = links.some((l) => l.name === 'flannel.1')
    ? flannelVxlanEntries(ctx)
    : links.some((l) => l.name === 'vxlan.calico')
      ? vxlanPeerEntries('vxlan.calico', ctx.peers.flatMap((peer) => {
          const cidr = peer.podCIDRs.find((c) => parsePrefix(c)?.family === 'IPv4')
          const nodeIP = ipOf(peer.internalIPs, 'IPv4')
          return cidr && nodeIP ? [{ tunnelIP: networkAddress(cidr), mac: randomMac(`${peer.meta.name}/vxlan.calico`), nodeIP }] : []
        }))
      : undefined
  return { links: [...links, ...wired.links], routes: [...routes, ...hostRoutes], ...entries }
}

