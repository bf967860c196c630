/**
 * A network namespace as iproute2 sees it: links with their addresses, and
 * routes. Node and Pod namespaces share these types; the CNI modules build
 * them, the `ip` and `bridge` programs print them.
 */
import type { IPFamily } from '../net/ip.ts'

export type LinkKind = 'loopback' | 'device' | 'bridge' | 'veth' | 'vxlan' | 'ipip' | 'geneve' | 'dummy' | 'openvswitch'

export interface LinkAddress {
  family: IPFamily
  address: string
  prefixLength: number
  /** IPv4 broadcast, printed as `brd` */
  broadcast?: string
  scope: 'global' | 'link' | 'host'
  /** IFA_F_* flags iproute2 prints after the scope: dynamic, noprefixroute */
  flags?: string[]
  /** IFA_PROTO (kernel 6.1+, iproute2 prints `proto NAME`): kernel_ll for a link-local address the kernel made itself */
  proto?: 'kernel_ll'
  /** IFA_RT_PRIORITY, printed as `metric N` (systemd-networkd sets 100 on DHCP addresses) */
  metric?: number
  /** e.g. "86000sec" for DHCP leases; forever otherwise */
  lifetime?: string
}

export interface Link {
  index: number
  name: string
  kind: LinkKind
  mtu: number
  mac: string
  /** <BROADCAST,MULTICAST,UP,LOWER_UP> */
  flags: string[]
  /** operstate; LOWERLAYERDOWN for a veth that is up while its peer is down */
  state: 'UP' | 'DOWN' | 'UNKNOWN' | 'LOWERLAYERDOWN'
  qdisc: string
  /** tx queue length; iproute2 prints `qlen` only when it is not 0 */
  qlen: number
  /** the bridge this port is enslaved to */
  master?: string
  /** iproute2's `@ifN` (peer in another namespace) or `@name` (same namespace) */
  parent?: { index: number; name?: string; netns?: string; netnsid?: number }
  /** link/ether, link/loopback, link/ipip, link/none */
  linkType: 'ether' | 'loopback' | 'ipip' | 'none'
  /** for link/ipip: local and peer (0.0.0.0 for the fallback tunl0) */
  linkAddress?: string
  linkBroadcast?: string
  altnames?: string[]
  addresses: LinkAddress[]
  /** `ip -d link` details, e.g. for vxlan: id 1 local 192.168.1.11 dev eth0 srcport 0 0 dstport 8472 nolearning */
  details?: string
  /** bridge port state as `bridge link` prints it */
  bridgePort?: { priority: number; cost: number; state: 'forwarding' | 'disabled' }
}

export interface Route {
  /** 'default' or a prefix / host address in canonical text */
  dst: string
  family: IPFamily
  type?: 'unicast' | 'blackhole' | 'local' | 'broadcast'
  via?: string
  dev?: string
  proto?: string
  scope?: 'link' | 'host' | 'global'
  src?: string
  metric?: number
  mtu?: number
  onlink?: boolean
  /** RTNH_F_LINKDOWN: the device is up but has no carrier (iproute2 prints `linkdown`) */
  linkdown?: boolean
  /** routing table; 'main' unless said */
  table?: 'main' | 'local'
}

/** A neighbour (ARP/NDP) entry a program wrote itself: `ip neigh` (NUD_PERMANENT) */
export interface Neighbour {
  dst: string
  dev: string
  lladdr: string
}

/** A forwarding-database entry on a VXLAN device: which node's address a tunnel MAC is behind (`bridge fdb`, NTF_SELF, permanent) */
export interface FdbEntry {
  mac: string
  dev: string
  dst: string
}

export interface NetNS {
  /** `ip netns` name of the namespace (cni-…), or undefined for the node's own */
  name?: string
  links: Link[]
  routes: Route[]
  /** the permanent neighbour entries an agent wrote (flanneld, Felix): the ones the simulator knows */
  neighbours?: Neighbour[]
  /** the VXLAN devices' forwarding entries an agent wrote */
  fdb?: FdbEntry[]
}
