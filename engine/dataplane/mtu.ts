/**
 * The MTU a packet meets on its way out, for `ping -M do -s N`.
 *
 * The sender's kernel checks its own route first: the route's `mtu`
 * attribute when it has one (Cilium puts the tunnel's 1450 on the Pod's
 * routes and leaves eth0 at 1500), else the MTU of the route's device. A
 * packet with DF set (IP_PMTUDISC_DO) that does not fit is refused by
 * sendmsg() with EMSGSIZE, which iputils ping reports as "local error:
 * message too long, mtu=N" (iputils ping/ping.c, receive_error_msg).
 * A Pod's packet that fits its own MTU is then routed by its node: if the
 * node's route sends it into a device with a smaller MTU (a tunnel), the node
 * drops it and answers ICMP "fragmentation needed" (type 3 code 4) with that
 * MTU, which ping prints as "From GW icmp_seq=N Frag needed and DF set
 * (mtu = M)"; the sender then caches the smaller path MTU, so the next
 * packets fail locally. The plugins here configure Pod MTUs that fit their
 * tunnels (flannel and Calico VXLAN 1450, Calico IPIP 1480, ...), so that
 * second case appears only for an address of the node itself.
 * The workstation is outside the simulated network: the simulator gives it
 * a 1500-byte Ethernet.
 */
import type { Cluster } from '../model/types.ts'
import type { Place } from '../shell/types.ts'
import type { NetNS } from './model.ts'
import { namespaceOf } from './place.ts'
import { lookupRoute } from './routes.ts'

export const WORKSTATION_MTU = 1500

export type MtuVerdict =
  | { kind: 'fits'; mtu: number }
  | { kind: 'local'; mtu: number }
  | { kind: 'frag-needed'; mtu: number; from: string }

/** The MTU of the route a namespace uses towards `ip` (the local table's lo for its own addresses). */
export function routeMtu(ns: NetNS, ip: string): { mtu: number; dev?: string } | undefined {
  const own = ns.links.find((l) => l.addresses.some((a) => a.address === ip))
  if (own || ip.startsWith('127.') || ip === '::1') {
    const lo = ns.links.find((l) => l.kind === 'loopback')
    return { mtu: lo?.mtu ?? 65536, dev: 'lo' }
  }
  const r = lookupRoute(ns, ip)
  if (!r || r.type === 'blackhole') return undefined
  const dev = ns.links.find((l) => l.name === r.dev)
  return { mtu: r.mtu ?? dev?.mtu ?? 1500, dev: r.dev }
}

/**
 * Whether an IP packet of `bytes` (IP header included) with DF set leaves
 * `place` towards `dst`.
 *
 * @example
 * dontFragment(cluster, { kind: 'pod', pod }, '10.244.2.3', 1451) // { kind: 'local', mtu: 1450 } under flannel VXLAN
 */
export function dontFragment(cluster: Cluster, place: Place, dst: string, bytes: number): MtuVerdict {
  if (place.kind === 'workstation') return bytes > WORKSTATION_MTU ? { kind: 'local', mtu: WORKSTATION_MTU } : { kind: 'fits', mtu: WORKSTATION_MTU }
  const where = namespaceOf(cluster, place)
  if ('error' in where) return { kind: 'fits', mtu: 1500 }
  const own = routeMtu(where.ns, dst)
  if (!own) return { kind: 'fits', mtu: 1500 }
  if (bytes > own.mtu) return { kind: 'local', mtu: own.mtu }
  if (where.pod) {
    // the node forwards the Pod's packet: its own route may lead into a narrower device
    const host = where.plumbing.host
    const onward = routeMtu(host, dst)
    if (onward && onward.dev !== 'lo' && bytes > onward.mtu) {
      const gw = lookupRoute(where.ns, dst)?.via ?? where.node.internalIPs[0]
      return { kind: 'frag-needed', mtu: onward.mtu, from: gw }
    }
  }
  return { kind: 'fits', mtu: own.mtu }
}
