/**
 * The parts every node has whatever the plugin: loopback, the NIC with the
 * node's addresses and the LAN routes, kube-proxy's kube-ipvs0 in IPVS mode,
 * and the generic veth wiring of a Pod that each plugin parameterises.
 */
import type { Node, Pod } from '../../model/types.ts'
import { ipFamilyOf } from '../../net/ip.ts'
import type { IPFamily } from '../../net/ip.ts'
import type { Link, LinkAddress, NetNS, Route } from '../model.ts'
import { linkLocalFromMac, netnsName, nicMac, randomMac } from '../ids.ts'
import { broadcastAddress, lanGateway, lanOf, prefixLength } from './addressing.ts'
import type { CniContext, HostPart } from './context.ts'

export const NIC = 'eth0'

export function loopback(): Link {
  return {
    index: 1,
    name: 'lo',
    kind: 'loopback',
    mtu: 65536,
    mac: '00:00:00:00:00:00',
    flags: ['LOOPBACK', 'UP', 'LOWER_UP'],
    state: 'UNKNOWN',
    qdisc: 'noqueue',
    qlen: 1000,
    linkType: 'loopback',
    addresses: [
      { family: 'IPv4', address: '127.0.0.1', prefixLength: 8, scope: 'host' },
      // kernel 6.x marks ::1 noprefixroute
      { family: 'IPv6', address: '::1', prefixLength: 128, scope: 'host', flags: ['noprefixroute'] },
    ],
  }
}

export function linkLocal(mac: string, byKernel = true): LinkAddress {
  return { family: 'IPv6', address: linkLocalFromMac(mac), prefixLength: 64, scope: 'link', ...(byKernel ? { proto: 'kernel_ll' as const } : {}) }
}

/** The node's NIC: static addresses on a /24 (and /64), as netplan configures a lab node. */
export function nodeNic(node: Node, mtu: number): Link {
  const mac = nicMac(node.meta.name)
  const addresses: LinkAddress[] = node.internalIPs.map((ip) => {
    const fam = ipFamilyOf(ip)!
    const lan = lanOf(ip)
    return fam === 'IPv4'
      ? { family: fam, address: ip, prefixLength: 24, broadcast: broadcastAddress(lan), scope: 'global' }
      : { family: fam, address: ip, prefixLength: 64, scope: 'global' }
  })
  // netplan's systemd-networkd configures the NIC's IPv6 link-local itself: no IFA_PROTO (devices the
  // CNI creates get theirs from the kernel's addrconf, IFAPROT_KERNEL_LL, printed `proto kernel_ll`)
  addresses.push(linkLocal(mac, false))
  return {
    index: 2,
    name: NIC,
    kind: 'device',
    mtu,
    mac,
    flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'],
    state: 'UP',
    qdisc: 'fq_codel',
    qlen: 1000,
    linkType: 'ether',
    linkBroadcast: 'ff:ff:ff:ff:ff:ff',
    addresses,
  }
}

/** Default route and the connected LAN routes of the NIC. */
export function nicRoutes(node: Node): Route[] {
  const routes: Route[] = []
  for (const ip of node.internalIPs) {
    const family = ipFamilyOf(ip)!
    if (family === 'IPv4') {
      routes.push({ family, dst: 'default', via: lanGateway(ip), dev: NIC, proto: 'static' })
      routes.push({ family, dst: lanOf(ip), dev: NIC, proto: 'kernel', scope: 'link', src: ip })
    } else {
      routes.push({ family, dst: lanOf(ip), dev: NIC, proto: 'kernel', metric: 256 })
      routes.push({ family, dst: 'default', via: lanGateway(ip), dev: NIC, proto: 'static', metric: 1024 })
    }
  }
  routes.push({ family: 'IPv6', dst: 'fe80::/64', dev: NIC, proto: 'kernel', metric: 256 })
  return routes
}

/** kube-proxy's dummy device holding every Service IP in IPVS mode (pkg/proxy/ipvs: defaultDummyDevice). */
export function kubeIpvs0(ctx: CniContext): Link {
  const mac = randomMac(`${ctx.node.meta.name}/kube-ipvs0`)
  return {
    index: ctx.nextIndex(),
    name: 'kube-ipvs0',
    kind: 'dummy',
    mtu: 1500,
    mac,
    // the device is never brought up: the addresses only make the kernel accept the packets
    flags: ['BROADCAST', 'NOARP'],
    state: 'DOWN',
    qdisc: 'noop',
    qlen: 0,
    linkType: 'ether',
    linkBroadcast: 'ff:ff:ff:ff:ff:ff',
    addresses: ctx.ipvsAddresses.map((ip) => ({
      family: ipFamilyOf(ip)!,
      address: ip,
      prefixLength: ipFamilyOf(ip) === 'IPv4' ? 32 : 128,
      scope: 'global' as const,
    })),
  }
}

/** How a plugin wires each Pod's veth; the differences between plugins are data. */
export interface VethWiring {
  hostName(pod: Pod): string
  /** host-side MAC (Calico pins ee:ee:ee:ee:ee:ee) */
  hostMac?(pod: Pod): string
  mtu: number
  /** bridge (or OVS) the host side is enslaved to */
  master?: string
  /** prefix length of the Pod's eth0 address */
  podPrefix(family: IPFamily): number
  /** broadcast on eth0 (bridge plugins with a /24); none for /32 plugins */
  podBroadcast?(family: IPFamily): string | undefined
  podRoutes(pod: Pod, ip: string, family: IPFamily): Route[]
  /** per-Pod host route `IP dev <veth> scope link` (routed plugins: calico, aws, azure) */
  hostRoute?: boolean
  /**
   * Where the pair is created, which decides the ifindexes:
   * - 'peer-in-host': created in the Pod's netns with the peer put straight into the host's
   *   (CNI plugins' ip.SetupVeth): eth0 is 2, the host side the next host index;
   * - 'pair-in-pod': both ends made in the Pod's netns and the host end moved out (Calico):
   *   the peer registers first, so eth0 comes after it;
   * - 'pair-in-host': both made in the host netns and eth0 moved in (Cilium, Weave): eth0 keeps
   *   the index it had, one below the host side's.
   */
  creation: 'peer-in-host' | 'pair-in-pod' | 'pair-in-host'
  /** extra links in every Pod's netns before eth0 (tunl0 when the ipip module is loaded) */
  podExtraLinks?(pod: Pod): Link[]
  bridgePort?: boolean
}

/** Wires every Pod of the node; returns the host-side links and routes. */
export function wirePods(ctx: CniContext, wiring: VethWiring, pods: Map<string, NetNS>): HostPart {
  const host: HostPart = { links: [], routes: [] }
  for (const pod of ctx.pods) {
    const extra = wiring.podExtraLinks?.(pod) ?? []
    let podIndex: number
    let hostIndex: number
    if (wiring.creation === 'pair-in-host') {
      podIndex = ctx.nextIndex()
      hostIndex = ctx.nextIndex()
    } else if (wiring.creation === 'pair-in-pod') {
      hostIndex = ctx.nextIndex()
      podIndex = 2 + extra.length + 1
    } else {
      hostIndex = ctx.nextIndex()
      podIndex = 2 + extra.length
    }
    const ns = netnsName(pod)
    const hostMac = wiring.hostMac?.(pod) ?? randomMac(`${pod.meta.uid}/host`)
    const podMac = randomMac(`${pod.meta.uid}/eth0`)
    const hostName = wiring.hostName(pod)
    host.links.push({
      index: hostIndex,
      name: hostName,
      kind: 'veth',
      mtu: wiring.mtu,
      mac: hostMac,
      flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'],
      state: 'UP',
      qdisc: 'noqueue',
      qlen: 0,
      master: wiring.master,
      parent: { index: podIndex, netns: ns, netnsid: ctx.pods.indexOf(pod) },
      linkType: 'ether',
      linkBroadcast: 'ff:ff:ff:ff:ff:ff',
      addresses: [linkLocal(hostMac)],
      bridgePort: wiring.bridgePort ? { priority: 32, cost: 2, state: 'forwarding' } : undefined,
    })
    const eth0: Link = {
      index: podIndex,
      name: 'eth0',
      kind: 'veth',
      mtu: wiring.mtu,
      mac: podMac,
      flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'],
      state: 'UP',
      qdisc: 'noqueue',
      qlen: 0,
      parent: { index: hostIndex, netnsid: 0 },
      linkType: 'ether',
      linkBroadcast: 'ff:ff:ff:ff:ff:ff',
      addresses: [
        ...pod.podIPs.map((ip) => {
          const family = ipFamilyOf(ip)!
          return {
            family,
            address: ip,
            prefixLength: wiring.podPrefix(family),
            broadcast: wiring.podBroadcast?.(family),
            scope: 'global' as const,
          }
        }),
        linkLocal(podMac),
      ],
    }
    const routes: Route[] = pod.podIPs.flatMap((ip) => wiring.podRoutes(pod, ip, ipFamilyOf(ip)!))
    routes.push({ family: 'IPv6', dst: 'fe80::/64', dev: 'eth0', proto: 'kernel', metric: 256 })
    pods.set(`${pod.meta.namespace}/${pod.meta.name}`, { name: ns, links: [loopback(), ...extra, eth0], routes })
    if (wiring.hostRoute) {
      for (const ip of pod.podIPs) {
        const family = ipFamilyOf(ip)!
        host.routes.push({ family, dst: ip, dev: hostName, scope: family === 'IPv4' ? 'link' : undefined, metric: family === 'IPv6' ? 1024 : undefined })
      }
    }
  }
  return host
}

/** A Pod address's connected route on eth0: `10.244.1.0/24 dev eth0 proto kernel scope link src 10.244.1.5`. */
export function connectedRoute(cidr: string, ip: string, dev = 'eth0'): Route {
  const family = ipFamilyOf(ip)!
  return family === 'IPv4'
    ? { family, dst: cidr, dev, proto: 'kernel', scope: 'link', src: ip }
    : { family, dst: cidr, dev, proto: 'kernel', metric: 256 }
}

export { prefixLength }
