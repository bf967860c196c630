/**
 * The Linux bridge the CNI bridge plugin creates on the first Pod ADD
 * (containernetworking/plugins plugins/main/bridge): cni0 by default, with
 * the gateway address of the node's Pod range (isGateway), txqueuelen left to
 * the kernel (qlen 1000).
 */
import type { Link, Route } from '../model.ts'
import { randomMac } from '../ids.ts'
import { broadcastAddress, familyOfCidr, nthAddress, prefixLength } from './addressing.ts'
import { linkLocal, connectedRoute } from './common.ts'
import type { CniContext } from './context.ts'

export function bridgeDevice(ctx: CniContext, name: string, mtu: number, cidrs: string[]): { link: Link; routes: Route[] } {
  const mac = randomMac(`${ctx.node.meta.name}/${name}`)
  const link: Link = {
    index: ctx.nextIndex(),
    name,
    kind: 'bridge',
    mtu,
    mac,
    flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'],
    state: 'UP',
    qdisc: 'noqueue',
    qlen: 1000,
    linkType: 'ether',
    linkBroadcast: 'ff:ff:ff:ff:ff:ff',
    addresses: [
      ...cidrs.map((cidr) => {
        const family = familyOfCidr(cidr)
        return {
          family,
          address: nthAddress(cidr, 1),
          prefixLength: prefixLength(cidr),
          broadcast: family === 'IPv4' ? broadcastAddress(cidr) : undefined,
          scope: 'global' as const,
        }
      }),
      linkLocal(mac),
    ],
  }
  const routes = cidrs.map((cidr) => connectedRoute(cidr, nthAddress(cidr, 1), name))
  routes.push({ family: 'IPv6', dst: 'fe80::/64', dev: name, proto: 'kernel', metric: 256 })
  return { link, routes }
}
