/**
 * /sys/class/net/DEV/…: the attributes of each network device in a namespace, as the
 * kernel's net-sysfs.c prints them (one value and a newline). The one readers reach for is
 * `iflink`: inside a Pod, eth0's iflink is the ifindex of its veth peer on the node, which
 * is how one finds the host side of a Pod's interface. Only the attributes below are kept.
 */
import type { Link } from './model.ts'

// include/uapi/linux/if_arp.h
const ARPHRD: Record<Link['linkType'], number> = { ether: 1, loopback: 772, ipip: 768, none: 65534 }

// include/uapi/linux/if.h: the flags dev->flags holds (LOWER_UP is reported by netlink only)
const IFF: Record<string, number> = { UP: 0x1, BROADCAST: 0x2, LOOPBACK: 0x8, POINTOPOINT: 0x10, NOARP: 0x80, PROMISC: 0x100, MULTICAST: 0x1000 }

/** Path → content for every device's kept attributes. */
export function sysClassNet(links: Link[]): Map<string, string> {
  const out = new Map<string, string>()
  for (const l of links) {
    const dir = `/sys/class/net/${l.name}`
    const flags = l.flags.reduce((n, f) => n | (IFF[f] ?? 0), 0)
    // a MAC for the hardware types that have one (net-sysfs.c sysfs_format_mac over addr_len bytes)
    if (l.linkType === 'ether' || l.linkType === 'loopback') {
      out.set(`${dir}/address`, `${l.mac}\n`)
      out.set(`${dir}/broadcast`, l.linkType === 'ether' ? 'ff:ff:ff:ff:ff:ff\n' : '00:00:00:00:00:00\n')
    }
    out.set(`${dir}/flags`, `0x${flags.toString(16)}\n`)
    out.set(`${dir}/ifindex`, `${l.index}\n`)
    // dev_get_iflink: the peer's index for a veth, the lower device's for a device stacked on another
    out.set(`${dir}/iflink`, `${l.parent?.index ?? l.index}\n`)
    out.set(`${dir}/mtu`, `${l.mtu}\n`)
    out.set(`${dir}/operstate`, `${l.state.toLowerCase()}\n`)
    out.set(`${dir}/tx_queue_len`, `${l.qlen}\n`)
    out.set(`${dir}/type`, `${ARPHRD[l.linkType]}\n`)
  }
  return out
}
