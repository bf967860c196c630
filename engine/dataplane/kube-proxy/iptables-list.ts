/**
 * `iptables [-t TABLE] -L [CHAIN] [-n] [-v] [--line-numbers]` (iptables
 * print_header / print_firewall): fixed-width columns, builtin chains with
 * their policy, user chains with their reference count, matches and target
 * options in their human-readable `print` form ("tcp dpt:80", "MARK or
 * 0x4000", "to:10.244.1.5:80").
 * Simplified: without -n, only the any-address is named ("anywhere"); no
 * reverse DNS lookups are simulated.
 */
import type { IPFamily } from '../../net/ip.ts'
import type { IptChain, IptRule, IptTable, Match, Opt } from './netfilter.ts'
import { kernelProbability, markText } from './save-format.ts'
import { chainOrder } from './iptables-save.ts'

export interface ListOptions {
  numeric: boolean
  verbose: boolean
  lineNumbers: boolean
}

function find(opts: Opt[], name: string): Opt | undefined {
  return opts.find((o) => o.name === name)
}

function printMatch(m: Match): string {
  switch (m.name) {
    case 'comment':
      return ` /* ${m.opts[0]?.values[0] ?? ''} */`
    case 'tcp':
    case 'udp':
    case 'sctp': {
      let s = ` ${m.name}`
      for (const [opt, label] of [['sport', 'spt'], ['dport', 'dpt']] as const) {
        const o = find(m.opts, opt)
        if (o) s += ` ${label}:${o.neg ? '!' : ''}${o.values[0]}`
      }
      return s
    }
    case 'statistic':
      return ` statistic mode ${find(m.opts, 'mode')?.values[0] ?? 'random'} probability ${kernelProbability(find(m.opts, 'probability')?.values[0] ?? '1')}`
    case 'recent': {
      let s = ' recent:'
      for (const [a, label] of [['set', 'SET'], ['rcheck', 'CHECK'], ['update', 'UPDATE'], ['remove', 'REMOVE']]) if (find(m.opts, a)) s += ` ${label}`
      const secs = find(m.opts, 'seconds')
      if (secs) s += ` seconds: ${secs.values[0]}`
      if (find(m.opts, 'reap')) s += ' reap'
      s += ` name: ${find(m.opts, 'name')?.values[0] ?? 'DEFAULT'} side: ${find(m.opts, 'rdest') ? 'dest' : 'source'} mask: 255.255.255.255`
      return s
    }
    case 'addrtype': {
      let s = ' ADDRTYPE match'
      const src = find(m.opts, 'src-type')
      const dst = find(m.opts, 'dst-type')
      if (src) s += ` src-type ${src.neg ? '!' : ''}${src.values[0]}`
      if (dst) s += ` dst-type ${dst.neg ? '!' : ''}${dst.values[0]}`
      return s
    }
    case 'mark': {
      const o = find(m.opts, 'mark')
      return ` mark match${o?.neg ? ' !' : ''} ${markText(o?.values[0] ?? '0')}`
    }
    case 'conntrack': {
      const o = find(m.opts, 'ctstate')
      return `${o?.neg ? ' !' : ''} ctstate ${o?.values[0] ?? ''}`
    }
    case 'nfacct':
      return ` nfacct-name ${find(m.opts, 'nfacct-name')?.values[0] ?? ''}`
    case 'set': {
      const o = find(m.opts, 'match-set')
      return `${o?.neg ? ' !' : ''} match-set ${o?.values.join(' ') ?? ''}`
    }
    case 'physdev':
      return ` PHYSDEV match${m.opts.map((o) => `${o.neg ? ' !' : ''} --${o.name}`).join('')}`
    default:
      return ` ${m.name}${m.opts.map((o) => ` ${o.name}${o.values.map((v) => ` ${v}`).join('')}`).join('')}`
  }
}

function printTarget(r: IptRule, family: IPFamily): string {
  const t = r.target
  if (!t) return ''
  switch (t.name) {
    case 'DNAT':
      return ` to:${find(t.opts, 'to-destination')?.values[0] ?? ''}`
    case 'MARK': {
      const or = find(t.opts, 'or-mark')
      const xor = find(t.opts, 'xor-mark')
      if (or) return ` MARK or ${markText(or.values[0])}`
      if (xor) return ` MARK xor ${markText(xor.values[0])}`
      return ''
    }
    case 'MASQUERADE':
      return find(t.opts, 'random-fully') ? ' random-fully' : ''
    case 'REJECT':
      return ` reject-with ${find(t.opts, 'reject-with')?.values[0] ?? (family === 'IPv4' ? 'icmp-port-unreachable' : 'icmp6-port-unreachable')}`
    default:
      return ''
  }
}

function addrText(a: { neg: boolean; cidr: string } | undefined, family: IPFamily, numeric: boolean): string {
  const any = family === 'IPv4' ? '0.0.0.0/0' : '::/0'
  if (!a) return ` ${numeric ? any : 'anywhere'}`
  const [ip, bits] = a.cidr.split('/')
  const full = Number(bits) === (family === 'IPv4' ? 32 : 128)
  const text = a.cidr === any ? (numeric ? any : 'anywhere') : full ? ip : a.cidr
  return `${a.neg ? '!' : ' '}${text}`
}

function refs(t: IptTable, chain: string): number {
  let n = 0
  for (const c of t.chains.values()) for (const r of c.rules) if (r.target?.name === chain) n++
  return n
}

function chainListing(t: IptTable, c: IptChain, family: IPFamily, o: ListOptions): string {
  const lines: string[] = []
  lines.push(c.policy ? `Chain ${c.name} (policy ${c.policy}${o.verbose ? ' 0 packets, 0 bytes' : ''})` : `Chain ${c.name} (${refs(t, c.name)} references)`)
  let header = ''
  if (o.lineNumbers) header += 'num  '
  if (o.verbose) header += ' pkts bytes '
  header += 'target     prot opt '
  if (o.verbose) header += 'in     out     '
  header += 'source               destination         '
  lines.push(header)
  c.rules.forEach((r, i) => {
    let s = ''
    if (o.lineNumbers) s += `${String(i + 1).padEnd(4)} `
    if (o.verbose) s += `${'0'.padStart(5)} ${'0'.padStart(5)} `
    s += `${(r.target?.name ?? '').padEnd(9)} `
    s += r.proto?.neg ? '!' : ' '
    s += (r.proto?.name ?? 'all').padEnd(5)
    s += '-- '
    if (o.verbose) {
      const iface = (x: { neg: boolean; name: string } | undefined) => (x ? `${x.neg ? '!' : ''}${x.name}` : '*')
      s += ` ${iface(r.inIface).padEnd(6)} ${iface(r.outIface).padEnd(6)} `
    }
    s += `${addrText(r.src, family, o.numeric).padEnd(20)} `
    s += `${addrText(r.dst, family, o.numeric).padEnd(20)} `
    for (const m of r.matches) s += printMatch(m)
    s += printTarget(r, family)
    lines.push(s)
  })
  return lines.join('\n')
}

/**
 * @example
 * listChains(table, 'IPv4', { numeric: true, verbose: false, lineNumbers: false }, 'KUBE-SERVICES')
 */
export function listChains(t: IptTable, family: IPFamily, o: ListOptions, chain?: string): string | undefined {
  if (chain) {
    const c = t.chains.get(chain)
    return c ? `${chainListing(t, c, family, o)}\n` : undefined
  }
  return `${chainOrder(t).map((name) => chainListing(t, t.chains.get(name)!, family, o)).join('\n\n')}\n`
}
