/**
 * `conntrack -L` (conntrack-tools 1.4.8, as on Ubuntu 24.04 nodes and in
 * netshoot): the entries a node's connection tracking table holds for the
 * connections the traffic tools made earlier in the same run
 * (connection-log.ts) that went through that node's stack, with the reply
 * tuple that shows each DNAT and SNAT.
 *
 * The line is libnetfilter_conntrack's default output
 * (src/conntrack/snprintf_default.c, __snprintf_conntrack_default): the
 * protocol name padded to 8 and its number, the seconds left, the TCP state,
 * `src= dst= sport= dport=` of the original tuple, [UNREPLIED] when no reply
 * was seen, the reply tuple, [ASSURED], `mark=0`, `use=1`. conntrack
 * (src/conntrack.c) prints the entries on stdout and its summary
 * "conntrack v1.4.8 (conntrack-tools): N flow entries have been shown." on
 * stderr; errors go through exit_error with the same prefix. Since 1.4.7 -L
 * without -f lists both families (the command keeps AF_UNSPEC).
 *
 * States and timeouts are the kernel's (net/netfilter/nf_conntrack_proto_tcp.c,
 * _udp.c, _icmp.c, Linux 6.8): a curl or nc that finished closed its
 * connection, so the entry is in TIME_WAIT (120 s); a refusal by the server
 * (RST) leaves CLOSE (10 s); a SYN nobody answered SYN_SENT (120 s,
 * [UNREPLIED]); UDP 30 s (a single query and reply is not [ASSURED]: the
 * kernel marks a UDP flow assured only when it is still active after 2 s);
 * ICMP 30 s; the overlay's outer packets too (tunnelEntries: VXLAN's UDP 30 s
 * each way, [UNREPLIED]; IP-in-IP generic, 600 s). A packet a rule REJECTs or DROPs on the node is never confirmed,
 * so it leaves no entry there. The clock: each connection of the run one
 * second after the one before (connection-log.ts secondsAgo).
 */
import type { Invocation, Output, Program } from '../shell/types.ts'
import { fail } from '../shell/types.ts'
import type { FullTrace, Tuple } from '../trace/index.ts'
import { canonicalIP } from '../net/ip.ts'
import { connectionsOf, hasCapability, hasNetshoot, secondsAgo } from './connection-log.ts'
import { dnsExchanges, dnsTrace, nodeLegs, replyOuter, reverse } from './flows.ts'
import { notFound } from '../shell/container-shell.ts'

const PREFIX = 'conntrack v1.4.8 (conntrack-tools): '

/** One conntrack entry. */
export interface CtEntry {
  /** 'unknown': a protocol conntrack tracks generically, by addresses only (IP-in-IP, protocol 4) */
  proto: 'tcp' | 'udp' | 'icmp' | 'icmpv6' | 'unknown'
  timeout: number
  state?: string
  orig: Tuple
  reply: Tuple
  replied: boolean
  assured: boolean
}

const PROTO_NUM = { tcp: 6, udp: 17, icmp: 1, icmpv6: 58, unknown: 4 } as const

/** One line as libnetfilter_conntrack prints it. @example formatEntry(e) // 'tcp      6 119 TIME_WAIT src=… mark=0 use=1' */
export function formatEntry(e: CtEntry): string {
  const tuple = (t: Tuple, reply: boolean) =>
    e.proto === 'unknown'
      ? `src=${t.src} dst=${t.dst}`
      : e.proto === 'icmp' || e.proto === 'icmpv6'
      ? // ICMP: type/code of the message the tuple describes (echo request 8, reply 0; ICMPv6 128, 129) and the echo id
        `src=${t.src} dst=${t.dst} type=${e.proto === 'icmp' ? (reply ? 0 : 8) : reply ? 129 : 128} code=0 id=${e.orig.sport}`
      : `src=${t.src} dst=${t.dst} sport=${t.sport} dport=${t.dport}`
  const parts = [`${e.proto.padEnd(8)} ${PROTO_NUM[e.proto]} ${e.timeout}`]
  if (e.state) parts.push(e.state)
  parts.push(tuple(e.orig, false))
  if (!e.replied) parts.push('[UNREPLIED]')
  parts.push(tuple(e.reply, true))
  if (e.assured) parts.push('[ASSURED]')
  parts.push('mark=0', 'use=1')
  return parts.join(' ')
}

/**
 * The entries of `node`'s table, oldest connection first.
 *
 * @example
 * nodeConntrack(session, 'node-1')[0].reply.src // '10.244.2.3': the DNAT to the Pod
 */
export function nodeConntrack(inv: Pick<Invocation, 'session' | 'cluster'>, node: string): CtEntry[] {
  const out: CtEntry[] = []
  for (const c of connectionsOf(inv.session)) {
    const ago = secondsAgo(inv.session, c)
    // the name lookup first: its UDP exchanges with CoreDNS through the kube-dns Service
    for (const ex of dnsExchanges(inv.cluster, c)) {
      const podIP = ex.pod?.podIPs[0]
      if (!podIP) continue
      // the client's node: its socket's, or (a lookup from a node's address, traffic/lookup-record.ts) its resolver's
      const client = (c.trace.hops.find((h) => h.handler === 'socket' && h.direction === 'request') ?? c.trace.hops.find((h) => h.handler === 'resolver'))?.node
      const dnat: Tuple = { ...ex.tuple, dst: podIP }
      const answered = ex.queries.length > 0
      const entry = (orig: Tuple): CtEntry => ({ proto: 'udp', timeout: Math.max(0, 30 - ago), orig, reply: reverse({ ...orig, dst: podIP }), replied: answered, assured: false })
      // the packet as it left the Pod (under Cilium's socket-LB already addressed to the CoreDNS Pod: no DNAT)
      if (client === node) out.push(entry(ex.wire))
      // the CoreDNS Pod's node sees the query after the client node's DNAT
      else if (ex.pod?.nodeName === node) out.push(entry(dnat))
    }
    // the overlay's own packets: the node's stack sends and receives the outer datagrams too
    out.push(...tunnelEntries(inv.cluster, c.trace, node, ago))
    for (const ex of dnsExchanges(inv.cluster, c)) {
      const t = dnsTrace(inv.cluster, c, ex)
      if (t) out.push(...tunnelEntries(inv.cluster, t, node, ago))
    }
    const leg = nodeLegs(c).find((l) => l.node === node)
    if (!leg || leg.stoppedByRule) continue
    const t = c.trace
    const delivered = t.result === 'delivered'
    const refused = t.result === 'refused'
    const proto = leg.first.proto
    const reply = reverse(leg.last)
    if (proto === 'TCP') {
      // curl, wget and nc -z close the connection when done: the entry is in TIME_WAIT
      if (delivered) out.push({ proto: 'tcp', timeout: Math.max(0, 120 - ago), state: 'TIME_WAIT', orig: leg.first, reply, replied: true, assured: true })
      else if (refused) {
        if (ago < 10) out.push({ proto: 'tcp', timeout: 10 - ago, state: 'CLOSE', orig: leg.first, reply, replied: true, assured: false })
      } else out.push({ proto: 'tcp', timeout: Math.max(0, 120 - ago), state: 'SYN_SENT', orig: leg.first, reply, replied: false, assured: false })
    } else if (proto === 'UDP' || proto === 'ICMP') {
      // a UDP port test gets no answer from the server (nc -zu): the entry stays [UNREPLIED]
      const replied = delivered && (proto === 'ICMP' || c.tool !== 'nc')
      if (ago < 30) out.push({ proto: proto === 'UDP' ? 'udp' : leg.first.src.includes(':') ? 'icmpv6' : 'icmp', timeout: 30 - ago, orig: leg.first, reply, replied, assured: false })
    }
  }
  // one entry per original tuple: a later connection with the same tuple refreshes it
  const seen = new Map<string, CtEntry>()
  for (const e of out) seen.set(`${e.proto}/${e.orig.src}:${e.orig.sport}>${e.orig.dst}:${e.orig.dport}`, e)
  return [...seen.values()].filter((e) => e.timeout > 0)
}

/**
 * The entries the overlay's outer packets leave on a node that sent or received them. The
 * tunnel drivers send their datagrams through the node's own stack (udp_tunnel_xmit_skb and
 * iptunnel_xmit → ip_local_out, after skb_scrub_packet dropped the inner packet's conntrack
 * reference), so netfilter tracks them like any local traffic. A VXLAN flow stays [UNREPLIED]:
 * the reply comes back from the peer's own hashed source port, a flow of its own (replyOuter).
 * IP-in-IP has no ports: conntrack's generic tracker (600 s) sees the reply as the same flow.
 * Only for the plugins whose tunnels the kernel's devices carry with no NOTRACK rule of their
 * own in the simulated setup: flannel, Canal and Calico.
 */
function tunnelEntries(cluster: Pick<Invocation, 'cluster'>['cluster'], t: FullTrace, node: string, ago: number): CtEntry[] {
  if (!['flannel', 'canal', 'calico'].includes(cluster.config.cni)) return []
  const out: CtEntry[] = []
  const replied = t.result === 'delivered' || t.result === 'refused'
  t.hops.forEach((h, i) => {
    const e = h.encap
    if (h.handler !== 'underlay' || h.direction === 'reply' || !e) return
    const from = t.hops[i - 1]?.node
    const to = t.hops[i + 1]?.node
    if (node !== from && node !== to) return
    if (e.kind === 'ipip') {
      if (ago < 600) out.push({ proto: 'unknown', timeout: 600 - ago, orig: e.outer, reply: reverse(e.outer), replied, assured: false })
      return
    }
    if (ago >= 30) return
    out.push({ proto: 'udp', timeout: 30 - ago, orig: e.outer, reply: reverse(e.outer), replied: false, assured: false })
    if (replied) {
      const back = replyOuter(e)
      out.push({ proto: 'udp', timeout: 30 - ago, orig: back, reply: reverse(back), replied: false, assured: false })
    }
  })
  return out
}

interface CtArgs {
  proto?: 'tcp' | 'udp' | 'icmp' | 'icmpv6'
  src?: string
  dst?: string
}

function parseArgs(argv: string[]): CtArgs | { error: string; code: number } {
  let list = false
  const a: CtArgs = {}
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i]
    const value = (): string | undefined => argv[++i]
    if (x === '-L' || x === '--dump') list = true
    else if (x === '-E' || x === '--event') return { error: 'conntrack -E (events) waits for new connections and prints them as they happen: not simulated, the simulator has no running time; make the connection first, then conntrack -L shows its entry', code: 1 }
    else if (x === '-p' || x === '--proto' || x === '--protonum') {
      const v = (value() ?? '').toLowerCase()
      // the protocol's name or number (extensions/libct_proto_*.c); the dump keeps that protocol only
      const p = v === '6' ? 'tcp' : v === '17' ? 'udp' : v === '1' ? 'icmp' : v === '58' ? 'icmpv6' : v
      if (p !== 'tcp' && p !== 'udp' && p !== 'icmp' && p !== 'icmpv6') return { error: `${PREFIX}proto \`${v}' not found`, code: 2 }
      a.proto = p
    } else if (x === '-s' || x === '--src' || x === '--orig-src' || x === '-d' || x === '--dst' || x === '--orig-dst') {
      const v = value() ?? ''
      const ip = canonicalIP(v)
      if (!ip) return { error: `${PREFIX}Bad parameter \`${v}'\nTry \`conntrack -h' or 'conntrack --help' for more information.`, code: 2 }
      if (x.startsWith('-s') || x.includes('src')) a.src = ip
      else a.dst = ip
    } else if (x === '-n' || x === '-f' || x === '--family') {
      if (x !== '-n') i++
    } else
      return {
        error: `conntrack ${x}: not simulated here; the simulator runs conntrack -L [-p tcp|udp|icmp|icmpv6] [-s ADDRESS] [-d ADDRESS]`,
        code: 2,
      }
  }
  if (!list) return { error: 'conntrack: the simulator runs conntrack -L [-p tcp|udp|icmp|icmpv6] [-s ADDRESS] [-d ADDRESS] (list the table)', code: 2 }
  return a
}

export const conntrackProgram: Program = {
  places: ['node', 'pod'],
  summary: "list the connection tracking table (conntrack-tools): the entries the run's connections left, with their NAT",
  usage: ['conntrack -L [-p tcp|udp|icmp|icmpv6] [-s ADDRESS] [-d ADDRESS]   (on a node; in a Pod, its own network namespace)'],
  run(inv): Output {
    const place = inv.place
    if (place.kind === 'pod' && !hasNetshoot(place)) return notFound(inv.session, place, 'conntrack', inv.via)
    const a = parseArgs(inv.argv.slice(1))
    if ('error' in a) return fail(a.error, a.code)
    let entries: CtEntry[] = []
    if (place.kind === 'node') entries = nodeConntrack(inv, place.node.meta.name)
    else if (place.kind === 'pod') {
      // the netlink dump needs CAP_NET_ADMIN (net/netfilter/nfnetlink.c nfnetlink_rcv answers EPERM);
      // conntrack.c err2str words EPERM for every command
      if (!hasCapability(place, 'NET_ADMIN')) return fail(`${PREFIX}Operation failed: sorry, you must be root or get CAP_NET_ADMIN capability to do this`, 1)
      // a hostNetwork Pod shares the node's table; a Pod's own namespace tracks nothing here (no NAT rules in it)
      if (place.pod.hostNetwork) entries = nodeConntrack(inv, place.pod.nodeName)
    }
    const shown = entries.filter((e) => (!a.proto || e.proto === a.proto) && (!a.src || e.orig.src === a.src) && (!a.dst || e.orig.dst === a.dst))
    return { exitCode: 0, stdout: shown.map((e) => `${formatEntry(e)}\n`).join(''), stderr: `${PREFIX}${shown.length} flow entries have been shown.\n` }
  },
}
