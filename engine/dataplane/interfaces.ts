/**
 * Links and addresses printed as iproute2 (6.x) prints them for `ip link`,
 * `ip addr` and their brief forms: flags in angle brackets, "@ifN" for a
 * veth whose peer lives in another namespace (link-netns / link-netnsid on
 * the link/ether line), qlen only when the queue length is not zero, and the
 * trailing spaces iproute2 leaves after each attribute.
 */
import type { Link, LinkAddress } from './model.ts'

function linkName(l: Link): string {
  if (!l.parent) return l.name
  if (l.parent.name) return `${l.name}@${l.parent.name}`
  return `${l.name}@if${l.parent.index}`
}

/** The first line of a link: `2: eth0: <...> mtu 1500 qdisc fq_codel state UP group default qlen 1000`. */
export function linkHeader(l: Link, mode: 'link' | 'addr'): string {
  let s = `${l.index}: ${linkName(l)}: <${l.flags.join(',')}> mtu ${l.mtu} qdisc ${l.qdisc} `
  if (l.master) s += `master ${l.master} `
  s += `state ${l.state} `
  if (mode === 'link') s += 'mode DEFAULT '
  s += 'group default '
  if (l.qlen) s += `qlen ${l.qlen}`
  return s
}

function linkLayerLine(l: Link): string {
  let s = `    link/${l.linkType} `
  if (l.linkType === 'ipip') s += `${l.linkAddress ?? '0.0.0.0'} brd ${l.linkBroadcast ?? '0.0.0.0'}`
  else if (l.linkType === 'none') s = '    link/none '
  else s += `${l.mac} brd ${l.linkBroadcast ?? (l.linkType === 'loopback' ? '00:00:00:00:00:00' : 'ff:ff:ff:ff:ff:ff')}`
  if (l.parent?.netns) s += ` link-netns ${l.parent.netns}`
  else if (l.parent && l.parent.netnsid !== undefined && l.kind === 'veth' && !l.parent.name) s += ` link-netnsid ${l.parent.netnsid}`
  return s
}

function detailLines(l: Link): string[] {
  const kind = l.details ?? ({ veth: 'veth ', bridge: 'bridge ', dummy: 'dummy ', openvswitch: 'openvswitch ', ipip: 'ipip ', vxlan: 'vxlan ', geneve: 'geneve ' } as Record<string, string>)[l.kind]
  const lines = [`    promiscuity ${l.master || l.kind === 'bridge' ? 1 : 0}  allmulti 0 minmtu ${l.kind === 'loopback' ? 0 : 68} maxmtu ${l.kind === 'device' ? 9194 : 65535} `]
  if (kind) lines.push(`    ${kind.trimEnd()} `)
  if (l.master) lines.push(`    ${l.bridgePort ? 'bridge_slave' : 'openvswitch_slave'} `)
  return lines
}

function addressLines(l: Link, a: LinkAddress): string[] {
  let s = `    ${a.family === 'IPv4' ? 'inet' : 'inet6'} ${a.address}/${a.prefixLength} `
  if (a.metric !== undefined) s += `metric ${a.metric} `
  if (a.broadcast) s += `brd ${a.broadcast} `
  s += `scope ${a.scope} `
  for (const f of a.flags ?? []) s += `${f} `
  // iproute2 ip/ipaddress.c print_addrinfo: the address protocol after the flags
  if (a.proto) s += `proto ${a.proto} `
  // the label (IFA_LABEL) exists for IPv4 addresses only, and ends the line without a space
  if (a.family === 'IPv4') s += l.name
  const life = a.lifetime ?? 'forever'
  return [s, `       valid_lft ${life} preferred_lft ${life}`]
}

export interface ShowOptions {
  family?: 'IPv4' | 'IPv6'
  details?: boolean
}

/** `ip link show` */
export function formatLinks(links: Link[], opts: ShowOptions = {}): string {
  const out: string[] = []
  for (const l of links) {
    out.push(linkHeader(l, 'link'), linkLayerLine(l))
    if (opts.details) out.push(...detailLines(l))
    for (const alt of l.altnames ?? []) out.push(`    altname ${alt}`)
  }
  return out.length ? `${out.join('\n')}\n` : ''
}

/**
 * `ip -o link` / `ip -o addr` (iproute2's oneline mode: `_SL_` is a backslash where a record's
 * lines would break). In addr mode only the addresses are printed, each one a record starting
 * `INDEX: NAME` (ipaddress.c print_addrinfo: "%u: %s", the name without `@ifN`).
 */
export function formatOneline(links: Link[], what: 'addr' | 'link', opts: ShowOptions = {}): string {
  const out: string[] = []
  for (const l of links) {
    if (what === 'link') {
      out.push([linkHeader(l, 'link'), linkLayerLine(l), ...(opts.details ? detailLines(l) : []), ...(l.altnames ?? []).map((a) => `    altname ${a}`)].join('\\'))
      continue
    }
    const addrs = l.addresses.filter((a) => !opts.family || a.family === opts.family)
    for (const a of [...addrs.filter((x) => x.family === 'IPv4'), ...addrs.filter((x) => x.family === 'IPv6')]) out.push(`${l.index}: ${l.name}${addressLines(l, a).join('\\')}`)
  }
  return out.length ? `${out.join('\n')}\n` : ''
}

/** `ip addr show` (with -4/-6, links without an address of that family are left out) */
export function formatAddrs(links: Link[], opts: ShowOptions = {}): string {
  const out: string[] = []
  for (const l of links) {
    const addrs = l.addresses.filter((a) => !opts.family || a.family === opts.family)
    if (opts.family && addrs.length === 0) continue
    out.push(linkHeader(l, 'addr'))
    if (!opts.family) out.push(linkLayerLine(l))
    if (opts.details) out.push(...detailLines(l))
    for (const alt of l.altnames ?? []) out.push(`    altname ${alt}`)
    // the kernel lists IPv4 addresses before IPv6 ones
    for (const a of [...addrs.filter((x) => x.family === 'IPv4'), ...addrs.filter((x) => x.family === 'IPv6')]) out.push(...addressLines(l, a))
  }
  return out.length ? `${out.join('\n')}\n` : ''
}

/** `ip -br addr` / `ip -br link` */
export function formatBrief(links: Link[], what: 'addr' | 'link', opts: ShowOptions = {}): string {
  let s = ''
  for (const l of links) {
    const name = linkName(l).padEnd(16)
    const state = l.state.padEnd(14)
    if (what === 'link') {
      // IFLA_ADDRESS through ll_addr_n2a: a tunnel's 4-byte address prints as an IPv4 address (tunl0: 0.0.0.0)
      s += `${name} ${state} ${l.linkType === 'ipip' ? (l.linkAddress ?? '0.0.0.0') : l.mac} <${l.flags.join(',')}> \n`
      continue
    }
    const addrs = l.addresses.filter((a) => !opts.family || a.family === opts.family)
    if (opts.family && addrs.length === 0) continue
    s += `${name} ${state} ${addrs.map((a) => `${a.address}/${a.prefixLength} `).join('')}\n`
  }
  return s
}

/** `bridge link`: the ports of Linux bridges (OVS ports are not listed). */
export function formatBridgeLinks(links: Link[]): string {
  let s = ''
  for (const l of links) {
    if (!l.master || !l.bridgePort) continue
    s += `${l.index}: ${linkName(l)}: <${l.flags.join(',')}> mtu ${l.mtu} master ${l.master} state ${l.bridgePort.state} priority ${l.bridgePort.priority} cost ${l.bridgePort.cost} \n`
  }
  return s
}
