/**
 * flannel (kube-flannel.yml): flanneld owns flannel.1 (VXLAN VNI 1, UDP 8472,
 * learning off, one /24 route per peer `via <peer network address> onlink`)
 * or, in host-gw mode, plain routes via each peer's node address; the flannel
 * CNI plugin delegates to the bridge plugin (cni0, host-local IPAM with the
 * node's subnet, a route to the whole flannel network and a default route).
 * MTU: the NIC's 1500 less 50 bytes of VXLAN encapsulation.
 */
import { ipFamilyOf } from '../../net/ip.ts'
import type { Link, NetNS, Route } from '../model.ts'
import { randomMac, vethNames } from '../ids.ts'
import { broadcastAddress, networkAddress, nthAddress, prefixLength } from './addressing.ts'
import { NIC, connectedRoute, linkLocal, wirePods } from './common.ts'
import { bridgeDevice } from './bridge-device.ts'
import type { CniContext, HostPart } from './context.ts'
import { vxlanPeerEntries } from './vxlan-peers.ts'
import type { VxlanPeer } from './vxlan-peers.ts'
import { podCIDROf, ipOf } from './context.ts'

export const VXLAN_OVERHEAD = 50

export function flannelVxlanDevice(ctx: CniContext, mtu: number): Link | undefined {
  const cidr = podCIDROf(ctx.node, 'IPv4')
  const nodeIP = ipOf(ctx.node.internalIPs, 'IPv4')
  if (!cidr || !nodeIP) return undefined
  const mac = randomMac(`${ctx.node.meta.name}/flannel.1`)
  const net = networkAddress(cidr)
  return {
    index: ctx.nextIndex(),
    name: 'flannel.1',
    kind: 'vxlan',
    mtu,
    mac,
    flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'],
    state: 'UNKNOWN',
    qdisc: 'noqueue',
    qlen: 0,
    linkType: 'ether',
    linkBroadcast: 'ff:ff:ff:ff:ff:ff',
    // flanneld puts the subnet's network address on the device as a /32
    addresses: [{ family: 'IPv4', address: net, prefixLength: 32, broadcast: net, scope: 'global' }, linkLocal(mac)],
    details: `vxlan id 1 local ${nodeIP} dev ${NIC} srcport 0 0 dstport 8472 nolearning ttl auto ageing 300 udpcsum noudp6zerocsumtx noudp6zerocsumrx`,
  }
}

/** flannel.1's neighbour and forwarding entries, one of each per peer (its flannel.1 MAC, as the peer's backend-data annotation says). */
export function flannelVxlanEntries(ctx: CniContext) {
  const peers: VxlanPeer[] = []
  for (const peer of ctx.peers) {
    const cidr = podCIDROf(peer, 'IPv4')
    const peerIP = ipOf(peer.internalIPs, 'IPv4')
    if (cidr && peerIP) peers.push({ tunnelIP: networkAddress(cidr), mac: randomMac(`${peer.meta.name}/flannel.1`), nodeIP: peerIP })
  }
  return vxlanPeerEntries('flannel.1', peers)
}

/** One route per peer: VXLAN via the peer's flannel.1 address, or host-gw via its node address. */
export function flannelPeerRoutes(ctx: CniContext, mode: string): Route[] {
  const routes: Route[] = []
  for (const peer of ctx.peers) {
    const cidr = podCIDROf(peer, 'IPv4')
    const peerIP = ipOf(peer.internalIPs, 'IPv4')
    if (!cidr || !peerIP) continue
    routes.push(mode === 'host-gw'
      ? { family: 'IPv4', dst: cidr, via: peerIP, dev: NIC }
      : { family: 'IPv4', dst: cidr, via: networkAddress(cidr), dev: 'flannel.1', onlink: true })
  }
  return routes
}

export function buildFlannel(ctx: CniContext, pods: Map<string, NetNS>, nicMtu: number): HostPart {
  const mode = ctx.cluster.config.cniMode
  const mtu = mode === 'host-gw' ? nicMtu : nicMtu - VXLAN_OVERHEAD
  const links: Link[] = []
  const routes: Route[] = []
  if (mode !== 'host-gw') {
    const dev = flannelVxlanDevice(ctx, mtu)
    if (dev) links.push(dev)
  }
  routes.push(...flannelPeerRoutes(ctx, mode))
  const entries = links.some((l) => l.name === 'flannel.1') ? flannelVxlanEntries(ctx) : undefined
  const cidrs = ctx.node.podCIDRs
  if (ctx.pods.length > 0 && cidrs.length > 0) {
    const br = bridgeDevice(ctx, 'cni0', mtu, cidrs)
    links.push(br.link)
    routes.push(...br.routes)
  }
  const clusterCIDRs = ctx.cluster.config.podCIDRs
  const wired = wirePods(ctx, {
    hostName: vethNames.bridge,
    mtu,
    master: 'cni0',
    bridgePort: true,
    creation: 'peer-in-host',
    podPrefix: (family) => prefixLength(podCIDROf(ctx.node, family) ?? (family === 'IPv4' ? '0.0.0.0/24' : '::/64')),
    podBroadcast: (family) => (family === 'IPv4' ? broadcastAddress(podCIDROf(ctx.node, 'IPv4')!) : undefined),
    podRoutes: (_pod, ip, family) => podRoutesViaGateway(ctx, ip, family, clusterCIDRs.filter((c) => ipFamilyOf(c.split('/')[0]) === family)),
  }, pods)
  return { links: [...links, ...wired.links], routes: [...routes, ...wired.routes], ...entries }
}

/**
 * A bridge-plugin Pod's routes: the default route to the gateway (isDefaultGateway),
 * the IPAM's extra routes via the same gateway, and the connected subnet.
 */
export function podRoutesViaGateway(ctx: CniContext, ip: string, family: 'IPv4' | 'IPv6', extra: string[]): Route[] {
  const cidr = podCIDROf(ctx.node, family)
  if (!cidr) return []
  const gw = nthAddress(cidr, 1)
  return [
    { family, dst: 'default', via: gw, dev: 'eth0', metric: family === 'IPv6' ? 1024 : undefined },
    ...extra.map((dst) => ({ family, dst, via: gw, dev: 'eth0', metric: family === 'IPv6' ? 1024 : undefined })),
    connectedRoute(cidr, ip),
  ]
}
