/**
 * Antrea (v2.4, encap mode geneve): Open vSwitch bridge br-int (seen by the
 * kernel as ovs-system), the gateway port antrea-gw0 holding the node range's
 * first address, and genev_sys_6081 carrying the tunnel. Pod veths are OVS
 * ports; peers' ranges are routed via their gateway address on antrea-gw0
 * (onlink). noEncap mode routes via the peers' node addresses instead, and
 * only to peers on the node's own subnet.
 * MTU: 1500 less 50 for Geneve.
 */
import type { Link, NetNS, Route } from '../model.ts'
import { randomMac, vethNames } from '../ids.ts'
import { broadcastAddress, lanOf, nthAddress, prefixLength } from './addressing.ts'
import { ipInPrefixText } from '../../net/ip.ts'
import { NIC, connectedRoute, linkLocal, wirePods } from './common.ts'
import type { CniContext, HostPart } from './context.ts'
import { ipOf, podCIDROf } from './context.ts'
import { VXLAN_OVERHEAD } from './flannel.ts'

export function buildAntrea(ctx: CniContext, pods: Map<string, NetNS>, nicMtu: number): HostPart {
  const encap = ctx.cluster.config.cniMode !== 'noEncap'
  const mtu = encap ? nicMtu - VXLAN_OVERHEAD : nicMtu
  const cidr = podCIDROf(ctx.node, 'IPv4')
  const gw = cidr ? nthAddress(cidr, 1) : undefined
  const links: Link[] = []
  const routes: Route[] = []
  const mk = (name: string, kind: Link['kind'], linkMtu: number, up: boolean): Link => {
    const mac = randomMac(`${ctx.node.meta.name}/${name}`)
    return {
      index: ctx.nextIndex(),
      name,
      kind,
      mtu: linkMtu,
      mac,
      flags: up ? ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'] : ['BROADCAST', 'MULTICAST'],
      state: up ? 'UNKNOWN' : 'DOWN',
      qdisc: up ? 'noqueue' : 'noop',
      qlen: 1000,
      linkType: 'ether',
      linkBroadcast: 'ff:ff:ff:ff:ff:ff',
      addresses: up ? [linkLocal(mac)] : [],
    }
  }
  links.push(mk('ovs-system', 'openvswitch', 1500, false))
  if (encap) links.push(mk('genev_sys_6081', 'geneve', 65000, true))
  const gw0 = mk('antrea-gw0', 'openvswitch', mtu, true)
  if (cidr && gw) {
    gw0.addresses.unshift({ family: 'IPv4', address: gw, prefixLength: prefixLength(cidr), broadcast: broadcastAddress(cidr), scope: 'global' })
    routes.push(connectedRoute(cidr, gw, 'antrea-gw0'))
  }
  links.push(gw0)
  const nodeIP = ipOf(ctx.node.internalIPs, 'IPv4')
  for (const peer of ctx.peers) {
    const peerCidr = podCIDROf(peer, 'IPv4')
    const peerIP = ipOf(peer.internalIPs, 'IPv4')
    if (!peerCidr || !peerIP) continue
    // noEncap to a peer off the node's subnet "needs underlying routing support": no route, the
    // node's default route takes it (pkg/agent/route/route_linux.go AddRoutes, NeedsRoutingToPeer)
    if (!encap && nodeIP && !ipInPrefixText(peerIP, lanOf(nodeIP))) continue
    routes.push(encap
      ? { family: 'IPv4', dst: peerCidr, via: nthAddress(peerCidr, 1), dev: 'antrea-gw0', onlink: true }
      : { family: 'IPv4', dst: peerCidr, via: peerIP, dev: NIC })
  }
  const wired = wirePods(ctx, {
    hostName: vethNames.antrea,
    mtu,
    master: 'ovs-system',
    creation: 'peer-in-host',
    podPrefix: (family) => prefixLength(podCIDROf(ctx.node, family) ?? '0.0.0.0/24'),
    podBroadcast: (family) => (family === 'IPv4' && cidr ? broadcastAddress(cidr) : undefined),
    podRoutes: (_pod, ip, family) => (family === 'IPv4' && cidr && gw ? [{ family, dst: 'default', via: gw, dev: 'eth0' }, connectedRoute(cidr, ip)] : []),
  }, pods)
  return { links: [...links, ...wired.links], routes: [...routes, ...wired.routes] }
}
