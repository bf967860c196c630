/**
 * Cilium (v1.18, Kubernetes host-scope IPAM): the agent creates the veth
 * pair cilium_host/cilium_net (cilium_host holds the node's router address)
 * and the tunnel device cilium_vxlan (UDP 8472) or cilium_geneve (UDP 6081);
 * native routing uses no tunnel and, with autoDirectNodeRoutes, routes each
 * peer's range via its node address (only a peer on the node's subnet). Pods get a /32 on eth0, a default route
 * via the router address, and the tunnel's overhead as a route MTU. Host-side
 * veths are named lxc + 12 hex digits and are not bridged: eBPF programs on
 * them forward the traffic.
 * Simplified: the health endpoint's lxc_health and the per-endpoint eBPF state are not shown.
 */
import type { Link, NetNS, Route } from '../model.ts'
import { randomMac, vethNames } from '../ids.ts'
import { lanOf, nthAddress } from './addressing.ts'
import { ipInPrefixText } from '../../net/ip.ts'
import { NIC, linkLocal, wirePods } from './common.ts'
import type { CniContext, HostPart } from './context.ts'
import { ipOf, podCIDROf } from './context.ts'
import { VXLAN_OVERHEAD } from './flannel.ts'

export function buildCilium(ctx: CniContext, pods: Map<string, NetNS>, nicMtu: number): HostPart {
  const mode = ctx.cluster.config.cniMode
  const tunnel = mode === 'vxlan' ? 'cilium_vxlan' : mode === 'geneve' ? 'cilium_geneve' : undefined
  const routeMtu = tunnel ? nicMtu - VXLAN_OVERHEAD : undefined
  const cidr = podCIDROf(ctx.node, 'IPv4')
  const router = cidr ? nthAddress(cidr, 1) : undefined
  const links: Link[] = []
  const routes: Route[] = []
  // veth_newlink registers the peer first: cilium_net gets the lower index
  const netIndex = ctx.nextIndex()
  const hostIndex = ctx.nextIndex()
  const macNet = randomMac(`${ctx.node.meta.name}/cilium_net`)
  const macHost = randomMac(`${ctx.node.meta.name}/cilium_host`)
  const up = ['BROADCAST', 'MULTICAST', 'NOARP', 'UP', 'LOWER_UP']
  links.push({ index: netIndex, name: 'cilium_net', kind: 'veth', mtu: nicMtu, mac: macNet, flags: up, state: 'UP', qdisc: 'noqueue', qlen: 1000, parent: { index: hostIndex, name: 'cilium_host' }, linkType: 'ether', linkBroadcast: 'ff:ff:ff:ff:ff:ff', addresses: [linkLocal(macNet)] })
  links.push({
    index: hostIndex,
    name: 'cilium_host',
    kind: 'veth',
    mtu: nicMtu,
    mac: macHost,
    flags: up,
    state: 'UP',
    qdisc: 'noqueue',
    qlen: 1000,
    parent: { index: netIndex, name: 'cilium_net' },
    linkType: 'ether',
    linkBroadcast: 'ff:ff:ff:ff:ff:ff',
    addresses: [...(router ? [{ family: 'IPv4' as const, address: router, prefixLength: 32, scope: 'global' as const }] : []), linkLocal(macHost)],
  })
  if (tunnel) {
    const mac = randomMac(`${ctx.node.meta.name}/${tunnel}`)
    links.push({
      index: ctx.nextIndex(),
      name: tunnel,
      kind: tunnel === 'cilium_vxlan' ? 'vxlan' : 'geneve',
      mtu: nicMtu,
      mac,
      flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'],
      state: 'UNKNOWN',
      qdisc: 'noqueue',
      qlen: 1000,
      linkType: 'ether',
      linkBroadcast: 'ff:ff:ff:ff:ff:ff',
      addresses: [linkLocal(mac)],
      details: tunnel === 'cilium_vxlan' ? 'vxlan external id 0 srcport 0 0 dstport 8472 nolearning ttl auto ageing 300 udpcsum noudp6zerocsumtx noudp6zerocsumrx' : 'geneve external id 0 dstport 6081 noudpcsum udp6zerocsumrx',
    })
  }
  if (cidr && router) {
    routes.push({ family: 'IPv4', dst: cidr, via: router, dev: 'cilium_host', proto: 'kernel', src: router })
    routes.push({ family: 'IPv4', dst: router, dev: 'cilium_host', proto: 'kernel', scope: 'link' })
    const nodeIP = ipOf(ctx.node.internalIPs, 'IPv4')
    for (const peer of ctx.peers) {
      const peerCidr = podCIDROf(peer, 'IPv4')
      const peerIP = ipOf(peer.internalIPs, 'IPv4')
      if (!peerCidr || !peerIP) continue
      // a direct route needs the peer reachable without a gateway: "route to destination … contains
      // gateway …, must be directly reachable" (pkg/datapath/linux/node.go createDirectRouteSpec)
      if (!tunnel && nodeIP && !ipInPrefixText(peerIP, lanOf(nodeIP))) continue
      routes.push(tunnel
        ? { family: 'IPv4', dst: peerCidr, via: router, dev: 'cilium_host', proto: 'kernel', src: router, mtu: routeMtu }
        : { family: 'IPv4', dst: peerCidr, via: peerIP, dev: NIC, proto: 'kernel' })
    }
  }
  const wired = wirePods(ctx, {
    hostName: vethNames.cilium,
    mtu: nicMtu,
    creation: 'pair-in-host',
    podPrefix: (family) => (family === 'IPv4' ? 32 : 128),
    podRoutes: (_pod, _ip, family) => (family === 'IPv4' && router
      ? [
          { family, dst: 'default', via: router, dev: 'eth0', mtu: routeMtu },
          { family, dst: router, dev: 'eth0', scope: 'link' },
        ]
      : []),
  }, pods)
  return { links: [...links, ...wired.links], routes: [...routes, ...wired.routes] }
}
