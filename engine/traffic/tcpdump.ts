/**
 * `tcpdump -ni IFACE [-c N] [FILTER]` on a node or in a netshoot Pod: the
 * packets the connections made earlier in the same run (connection-log.ts)
 * put on that interface, as tcpdump 4.99.4 (Ubuntu 24.04; netshoot's 4.99.5
 * prints the same) writes them without -v:
 *
 * - `HH:MM:SS.uuuuuu IP SRC.PORT > DST.PORT: …` (print-ip.c, print-tcp.c,
 *   print-udp.c udpipaddr_print); ICMP without ports (print-icmp.c:
 *   "ICMP echo request, id N, seq N, length N");
 * - TCP: "Flags [S]", "[S.]", "[.]", "[P.]", "[F.]", "[R.]", the sequence
 *   numbers relative after the SYN, "win", the options a Linux 6.8 SYN carries,
 *   "length N"; on port 80 or 8080 the first line of the HTTP request or
 *   response (print-tcp.c http_print, util-print.c txtproto_print);
 * - DNS (print-domain.c): a query "ID+ A? NAME. (LEN)", a reply
 *   "ID*- AN/NS/AR A ADDR (LEN)" ("*" authoritative, "-" no recursion
 *   available, " NXDomain" for the rcode);
 * - a VXLAN packet on the node's eth0 to port 8472 (flannel's, Cilium's): 4.99.4
 *   and 4.99.5 take 8472 for OTV_PORT (print-otv.c, whose header is laid out
 *   like VXLAN's): "OTV, flags [I] (0x08), overlay 0, instance VNI" and the inner
 *   packet on the next line (4.99.6 removed OTV and named 8472 VXLAN_LINUX_PORT);
 *   on 4789 (the IANA port) "VXLAN, flags [I] (0x08), vni N" and the inner packet
 *   on the next line; on 6784 (Weave's fast datapath) BFD_LAG_PORT, so
 *   print-bfd.c reads the VXLAN header as a BFDv0 control packet; Geneve on
 *   6081 "Geneve, Flags [none], vni 0xN: " and the inner packet; IP-in-IP the
 *   outer addresses and the inner packet on one line (print-ip-demux.c);
 * - `-i any`: libpcap's cooked v2 capture, each line with the interface and
 *   In/Out (print-sll.c), no interface in promiscuous mode.
 *
 * The banner and the counts go to stderr (tcpdump.c: "verbose output
 * suppressed…", "listening on …", and on exit "N packets captured", "N
 * packets received by filter", "0 packets dropped by kernel").
 *
 * Simplified (and said so in the chapter): each TCP connection is its
 * handshake, one request and one response (HTTP from curl and wget), and the
 * close; no separate ACKs of data, no retransmissions of an unanswered SYN;
 * the DNS packets of a lookup are shown only on the client Pod's eth0 and its
 * node's veth and bridge, as the client sent them (before kube-proxy's DNAT).
 */
import type { Cluster } from '../model/types.ts'
import type { Invocation, Output, Program } from '../shell/types.ts'
import { fail } from '../shell/types.ts'
import type { Encap, Hop, Tuple } from '../trace/index.ts'
import { hashOf } from '../trace/choice.ts'
import { nodePlumbing } from '../dataplane/index.ts'
import { requestSize, replySize } from '../dns/index.ts'
import type { ServedQuery } from '../dns/index.ts'
import { canonicalIP } from '../net/ip.ts'
import { connectionsOf, hasCapability, hasNetshoot, secondsAgo } from './connection-log.ts'
import type { Connection } from './connection-log.ts'
import { dnsExchanges, dnsTrace, nodeLegs, onNodeStack, replyOuter, reverse } from './flows.ts'
import type { DnsExchange } from './flows.ts'
import { notFound } from '../shell/container-shell.ts'

/** Where a packet is seen: a node's interface or a Pod's. */
interface Point {
  /** node name, or `pod ns/name` */
  where: string
  iface: string
  tuple: Tuple
  /** the reply as seen here, when it is not simply the request reversed (on a bridge: see bridgePoint) */
  reply?: Tuple
  encap?: Encap
  /** on the underlay, the packet inside the tunnel's outer header (`tuple` is the outer one) */
  inner?: Tuple
  /** whether the request arrives on this interface or leaves by it (the packet type `-i any` prints) */
  dir: Dir
  /** the reply's, when it is not the opposite (a bridge that sees both ends' frames come in) */
  replyDir?: Dir
  /**
   * A frame the bridge switches between two of its ports: the bridge device gets a copy only in
   * promiscuous mode (br_handle_frame_finish: local_rcv when IFF_PROMISC), which tcpdump sets on
   * the interface it captures on, but not on "any". Through a Service too: br_netfilter's bridged
   * DNAT (br_nf_pre_routing_finish_bridge) switches the translated frame at layer 2 when the node's
   * neighbour entry for the Pod is connected; a stale one would send a first packet through the
   * bridge device itself, which is not modelled.
   */
  promiscOnly?: boolean
}

/** libpcap's packet types as print-sll.c names them: received by this host, or sent by it. */
type Dir = 'In' | 'Out'
const opposite = (d: Dir): Dir => (d === 'In' ? 'Out' : 'In')

/**
 * What the node's bridge (cni0) shows of a connection. With br_netfilter (bridge-nf-call-iptables=1,
 * which kubeadm requires), a frame that enters the bridge from a Pod's veth goes through iptables
 * PREROUTING inside the bridge hook (net/bridge/br_netfilter_hooks.c br_nf_pre_routing) before the
 * bridge device receives its copy: tcpdump on cni0 sees it after the DNAT, and a reply after the
 * un-SNAT that PREROUTING does, but before the un-DNAT that waits for POSTROUTING. A packet the node
 * routes out onto the bridge is seen after POSTROUTING, with every translation done.
 */
function bridgePoint(node: string, iface: string, first: Tuple, last: Tuple, clientOnBridge: boolean, serverOnBridge: boolean): Point {
  const reqAfterPre: Tuple = { ...first, dst: last.dst, dport: last.dport }
  const replyAfterPre: Tuple = { src: last.dst, sport: last.dport, dst: first.src, dport: first.sport, proto: first.proto }
  // both ends behind the bridge: each frame is seen as it comes in from its Pod's veth
  if (clientOnBridge) return { where: node, iface, tuple: reqAfterPre, reply: serverOnBridge ? replyAfterPre : reverse(first), dir: 'In', ...(serverOnBridge ? { replyDir: 'In' as Dir, promiscOnly: true } : {}) }
  return { where: node, iface, tuple: last, reply: replyAfterPre, dir: 'Out' }
}

/** One packet on one interface. */
export interface Packet {
  /** microseconds since the epoch */
  time: number
  ip: Tuple
  /** what tcpdump prints after "SRC > DST: " */
  text: string
  /** an encapsulated packet: the outer header is `ip`, this the inner one */
  inner?: { ip: Tuple; text: string }
  mtu?: number
  /** received or sent on the interface it was captured on */
  dir: Dir
}

function hostLinkFor(cluster: Cluster, node: string, podKey: string): { veth?: string; bridge?: string } {
  const n = cluster.index.node.get(node)
  if (!n) return {}
  const plumbing = nodePlumbing(cluster, n)
  const ns = plumbing.pods.get(podKey)?.name
  const link = ns ? plumbing.host.links.find((l) => l.parent?.netns === ns) : undefined
  return { veth: link?.name, bridge: linuxBridge(link?.master) }
}

function bridgeOf(cluster: Cluster, node: string, veth: string): string | undefined {
  const n = cluster.index.node.get(node)
  return n ? linuxBridge(nodePlumbing(cluster, n).host.links.find((l) => l.name === veth)?.master) : undefined
}

/**
 * The master of a Pod's veth when it is a Linux bridge, whose device sees frames. An Open
 * vSwitch port's master is ovs-system (Antrea), the datapath's placeholder device: OVS
 * switches in its kernel datapath, and a capture on ovs-system sees none of it.
 */
function linuxBridge(master: string | undefined): string | undefined {
  return master === 'ovs-system' ? undefined : master
}

/** The interfaces the request crosses, in order, with the tuple seen on each. */
function requestPoints(cluster: Cluster, c: Connection): Point[] {
  const hops = c.trace.hops.filter((h) => h.direction === 'request')
  const out: Point[] = []
  const add = (p: Point) => {
    const same = (a: Tuple, b: Tuple) => a.src === b.src && a.sport === b.sport && a.dst === b.dst && a.dport === b.dport
    if (!out.some((q) => q.where === p.where && q.iface === p.iface && same(q.tuple, p.tuple))) out.push(p)
  }
  const legs = nodeLegs(c)
  const clientBridge = new Map<string, string>()
  hops.forEach((h: Hop, i) => {
    const words = h.at.split(' ')
    if (h.at.startsWith('pod ') && words.length === 3 && (h.handler === 'route' || h.handler === 'veth')) {
      const where = `pod ${words[1]}`
      if (h.handler === 'veth') {
        // arriving in the server's Pod: first the bridge its veth is a port of, then the host side of the veth
        const { veth, bridge } = hostLinkFor(cluster, h.node ?? '', words[1])
        const leg = legs.find((l) => l.node === h.node)
        if (bridge && leg) {
          const p = bridgePoint(h.node!, bridge, leg.first, leg.last, clientBridge.get(h.node!) === bridge, true)
          // the same node's client on the same bridge: the bridge saw the frame once, as it came in
          const i = out.findIndex((q) => q.where === h.node && q.iface === bridge)
          if (i >= 0) out[i] = p
          else add(p)
        }
        if (veth) add({ where: h.node!, iface: veth, tuple: h.before, dir: 'Out' })
      }
      // the client Pod's eth0 sends the request (route), the server Pod's receives it (veth)
      add({ where, iface: words[2], tuple: h.handler === 'route' ? h.before : h.after, dir: h.handler === 'route' ? 'Out' : 'In' })
      return
    }
    if (h.handler === 'network') {
      // from outside to a node's address (walk.ts: "network → NODE eth0"), or out of a node to the world ("network beyond NODE")
      const into = /^network → (\S+) (\S+)$/.exec(h.at)
      const out_ = /^network beyond (\S+)$/.exec(h.at)
      if (into) add({ where: into[1], iface: into[2], tuple: h.before, dir: 'In' })
      else if (out_) add({ where: out_[1], iface: 'eth0', tuple: h.before, dir: 'Out' })
      // a Pod packet a node sent to its LAN gateway (walk.ts toLanGateway): it left on that node's eth0
      else if (h.at.startsWith('LAN gateway ') && hops[i - 1]?.node) add({ where: hops[i - 1].node!, iface: 'eth0', tuple: h.before, dir: 'Out' })
      return
    }
    if (!onNodeStack(h) && h.handler !== 'underlay') return
    if (h.handler === 'veth' && words.length === 2) {
      add({ where: h.node!, iface: words[1], tuple: h.before, dir: 'In' })
      const br = bridgeOf(cluster, h.node!, words[1])
      const leg = legs.find((l) => l.node === h.node)
      if (br && leg) {
        clientBridge.set(h.node!, br)
        add(bridgePoint(h.node!, br, leg.first, leg.last, true, false))
      }
    } else if ((h.handler === 'vxlan' || h.handler === 'geneve' || h.handler === 'ipip') && h.encap) {
      // the tunnel device (flannel.1, vxlan.calico, tunl0, genev_sys_6081, cilium_geneve) carries the inner packet
      const sending = i > 0 && hops[i - 1].node === h.node && hops[i - 1].handler !== 'underlay'
      if (sending) add({ where: h.node!, iface: h.encap.device, tuple: h.before, dir: 'Out' })
      else add({ where: h.node!, iface: h.encap.device, tuple: h.after, dir: 'In' })
    } else if (h.handler === 'underlay') {
      const from = hops[i - 1]?.node
      const to = hops[i + 1]?.node
      const t = h.encap ? h.encap.outer : h.before
      const inner = h.encap ? { inner: h.before } : {}
      if (from) add({ where: from, iface: 'eth0', tuple: t, encap: h.encap, ...inner, dir: 'Out' })
      if (to) add({ where: to, iface: 'eth0', tuple: t, encap: h.encap, ...inner, dir: 'In' })
    }
  })
  // keep path order: a node's points in the order the packet met them
  return out
}

/**
 * A packet inside the overlay's outer header, as tcpdump 4.99.4 prints it on the underlay
 * (print-udp.c picks the decoder by port): IP-in-IP as the outer IP line followed by the inner
 * one (print-ip-demux.c: ip_print again); VXLAN on 4789 (print-vxlan.c), Geneve on 6081
 * (print-geneve.c) and, on 8472, OTV (print-otv.c: the VXLAN header read as OTV's, the VNI as
 * its instance), the inner packet after them; Weave's 6784 is BFD_LAG_PORT (print-bfd.c: the
 * VXLAN flags byte 0x08 reads as version 0); any other port (weave's sleeve, 6783) not decoded:
 * "UDP, length N".
 */
function encapsulated(e: Encap, dir: 'request' | 'reply', inner: Tuple, text: string, l4: number, time: number, type: Dir): Packet {
  const outer: Tuple = dir === 'request' ? e.outer : replyOuter(e)
  const innerLine = `${inner.src.includes(':') ? 'IP6' : 'IP'} ${fmtAddr(inner, 'src')} > ${fmtAddr(inner, 'dst')}: ${text}`
  if (e.kind === 'ipip') return { time, ip: outer, text: innerLine, dir: type }
  if (e.port === 6081) return { time, ip: outer, text: `Geneve, Flags [none], vni 0x${(e.vni ?? 0).toString(16)}: ${innerLine}`, dir: type }
  if (e.port === 4789) return { time, ip: outer, text: `VXLAN, flags [I] (0x08), vni ${e.vni ?? 1}`, inner: { ip: inner, text }, dir: type }
  if (e.port === 8472) return { time, ip: outer, text: `OTV, flags [I] (0x08), overlay 0, instance ${e.vni ?? 1}`, inner: { ip: inner, text }, dir: type }
  // the outer UDP payload: VXLAN header (8), inner Ethernet header (14), inner IPv4 header (20) and what it carries
  const payload = 8 + 14 + 20 + l4
  if (e.port === 6784) return { time, ip: outer, text: `BFDv0, Control, Flags: [none], length: ${payload}`, dir: type }
  return { time, ip: outer, text: `UDP, length ${payload}`, dir: type }
}

/** Where each DNS exchange of a connection's lookup was seen: its walk (flows.ts dnsTrace) as capture points. */
function dnsPaths(cluster: Cluster, c: Connection): { ex: DnsExchange; points: Point[] }[] {
  const out: { ex: DnsExchange; points: Point[] }[] = []
  for (const ex of dnsExchanges(cluster, c)) {
    const trace = dnsTrace(cluster, c, ex)
    if (trace) out.push({ ex, points: requestPoints(cluster, { ...c, trace }) })
  }
  return out
}

/** The MTU of the client's or the server's interface: a Pod's eth0, else the node's 1500. */
function mtuAt(cluster: Cluster, c: Connection, end: 'client' | 'server'): number {
  const hop = end === 'client' ? c.trace.hops.find((h) => h.handler === 'socket' && h.direction === 'request') : c.trace.hops.find((h) => h.handler === 'server')
  const key = hop?.at.startsWith('pod ') ? hop.at.split(' ')[1] : undefined
  const node = hop?.node ? cluster.index.node.get(hop.node) : undefined
  if (end === 'client' && !key && node) {
    // a node's own connection: the MTU of the device its route leaves by (flannel.1's 1450 towards another node's Pods)
    const route = c.trace.hops.find((h) => h.direction === 'request' && h.handler === 'route' && h.node === node.meta.name && !h.at.startsWith('pod '))
    const mtu = /\bmtu (\d+)/.exec(route?.rule ?? '')?.[1]
    if (mtu) return Number(mtu)
    const dev = /\bdev (\S+)/.exec(route?.rule ?? '')?.[1]
    return nodePlumbing(cluster, node).host.links.find((l) => l.name === dev)?.mtu ?? 1500
  }
  if (!key || !node) return 1500
  const ns = nodePlumbing(cluster, node).pods.get(key)
  // TCP takes the route's mtu when it has one (Cilium puts "mtu 1450" on the Pod's routes), else the device's
  const route = ns?.routes.find((r) => r.dst === 'default' && r.mtu)
  return route?.mtu ?? ns?.links.find((l) => l.name === 'eth0')?.mtu ?? 1500
}

function fmtAddr(t: Tuple, side: 'src' | 'dst'): string {
  const ip = side === 'src' ? t.src : t.dst
  if (t.proto === 'ICMP' || t.proto === 'IPIP') return ip
  return `${ip}.${side === 'src' ? t.sport : t.dport}`
}

const SYN_WIN = (mss: number) => Math.floor(65535 / mss) * mss

/** The TCP segments of a connection, as the client's end sees them (relative sequence numbers after the SYN). */
function tcpSegments(c: Connection, mss: number, smss: number): { dir: 'request' | 'reply'; text: (port: number, sport: number) => string; len: number; header: number }[] {
  const key = c.trace.client ? `${c.trace.client.src}:${c.trace.client.sport}` : c.trace.to
  const isn = hashOf('isn', key)
  const risn = hashOf('risn', key)
  const ts = 1_000_000 + (hashOf('tsval', key) % 3_000_000_000)
  const rts = 1_000_000 + (hashOf('rtsval', key) % 3_000_000_000)
  // Linux: the SYN's window is the largest multiple of the MSS under 65535; the SYN-ACK's of the MSS less the 12 bytes of timestamps
  const cwin = SYN_WIN(mss)
  const swin = SYN_WIN(smss - 12)
  const cw = Math.round(cwin / 128)
  const sw = Math.round(swin / 128)
  const opts = (val: number, ecr: number) => `options [nop,nop,TS val ${val} ecr ${ecr}]`
  const out: ReturnType<typeof tcpSegments> = []
  out.push({ dir: 'request', len: 0, header: 40, text: () => `Flags [S], seq ${isn}, win ${cwin}, options [mss ${mss},sackOK,TS val ${ts} ecr 0,nop,wscale 7], length 0` })
  if (c.trace.result === 'refused') {
    out.push({ dir: 'reply', len: 0, header: 20, text: () => `Flags [R.], seq 0, ack ${(isn + 1) >>> 0}, win 0, length 0` })
    return out
  }
  if (c.trace.result !== 'delivered') return out
  out.push({ dir: 'reply', len: 0, header: 40, text: () => `Flags [S.], seq ${risn}, ack ${(isn + 1) >>> 0}, win ${swin}, options [mss ${smss},sackOK,TS val ${rts} ecr ${ts},nop,wscale 7], length 0` })
  out.push({ dir: 'request', len: 0, header: 32, text: () => `Flags [.], ack 1, win ${cw}, ${opts(ts, rts)}, length 0` })
  // tcpdump recognises HTTP on port 80 and 8080 only (print-tcp.c HTTP_PORT, HTTP_PORT_ALT)
  const http = (port: number, sport: number, line: string) => (port === 80 || port === 8080 || sport === 80 || sport === 8080 ? `: HTTP: ${line}` : '')
  const ex = c.exchange
  const q = ex?.requestBytes ?? 0
  const r = ex?.response ? (ex.responseBytes ?? 0) : 0
  const sent = 1 + q
  const got = 1 + r
  if (ex && q > 0) out.push({ dir: 'request', len: q, header: 32, text: (p, s) => `Flags [P.], seq 1:${sent}, ack 1, win ${cw}, ${opts(ts + 1, rts)}, length ${q}${http(p, s, ex.request)}` })
  if (ex?.response && r > 0) out.push({ dir: 'reply', len: r, header: 32, text: (p, s) => `Flags [P.], seq 1:${got}, ack ${sent}, win ${sw}, ${opts(rts + 1, ts + 1)}, length ${r}${http(p, s, ex.response!)}` })
  if (ex?.serverCloses) {
    // "Connection: close": the server closes first, right after its response
    out.push({ dir: 'reply', len: 0, header: 32, text: () => `Flags [F.], seq ${got}, ack ${sent}, win ${sw}, ${opts(rts + 2, ts + 1)}, length 0` })
    out.push({ dir: 'request', len: 0, header: 32, text: () => `Flags [F.], seq ${sent}, ack ${got + 1}, win ${cw}, ${opts(ts + 2, rts + 2)}, length 0` })
    out.push({ dir: 'reply', len: 0, header: 32, text: () => `Flags [.], ack ${sent + 1}, win ${sw}, ${opts(rts + 3, ts + 2)}, length 0` })
    return out
  }
  out.push({ dir: 'request', len: 0, header: 32, text: () => `Flags [F.], seq ${sent}, ack ${got}, win ${cw}, ${opts(ts + 2, rts + 1)}, length 0` })
  out.push({ dir: 'reply', len: 0, header: 32, text: () => `Flags [F.], seq ${got}, ack ${sent + 1}, win ${sw}, ${opts(rts + 2, ts + 2)}, length 0` })
  out.push({ dir: 'request', len: 0, header: 32, text: () => `Flags [.], ack ${got + 1}, win ${cw}, ${opts(ts + 3, rts + 2)}, length 0` })
  return out
}

/** print-domain.c ns_print, a request: id, "+" when RD is set, " [1au]" for the OPT record, the question, the size. */
function dnsQueryText(q: ServedQuery): string {
  return `${q.id}${q.rd === false ? '' : '+'}${q.edns ? ' [1au]' : ''} ${q.question.type}? ${q.question.name.endsWith('.') ? q.question.name : `${q.question.name}.`} (${requestSize(q)})`
}

function dnsReplyText(q: ServedQuery): string {
  const m = q.reply
  const rc = m.rcode === 'NOERROR' ? '' : m.rcode === 'NXDOMAIN' ? ' NXDomain' : m.rcode === 'SERVFAIL' ? ' ServFail' : m.rcode === 'REFUSED' ? ' Refused' : ` ${m.rcode}`
  const ar = m.additional.length + (q.edns ? 1 : 0)
  const answers = m.answer
    .map((r) => {
      const data = r.type === 'CNAME' ? ` ${String(r.data).endsWith('.') ? r.data : `${r.data}.`}` : ` ${r.data}`
      return ` ${r.type}${data}`
    })
    .join(',')
  return `${q.id}${rc}${m.aa ? '*' : ''}${m.ra ? '' : '-'} ${m.answer.length}/${m.authority.length}/${ar}${answers} (${replySize(q)})`
}

/**
 * Every packet of the run's connections seen at `where` on `iface`, in time order; `promiscuous`
 * false for a capture on "any", which puts no interface in promiscuous mode.
 */
export function capture(inv: Pick<Invocation, 'session' | 'cluster'>, where: string, iface: string, promiscuous = true): Packet[] {
  const visible = (p: Point) => p.where === where && p.iface === iface && (promiscuous || !p.promiscOnly)
  const cluster = inv.cluster
  const now = Date.parse(cluster.now) * 1000
  const packets: Packet[] = []
  for (const c of connectionsOf(inv.session)) {
    // ping -c N takes N-1 seconds: it started that much earlier, so that its last echo is not in the future
    const span = ((c.echo?.count ?? 1) - 1) * 1_000_000
    let t0 = now - secondsAgo(inv.session, c) * 1_000_000 - span + (hashOf('t0', c.seq, c.trace.to) % 400_000)
    const step = () => (t0 += 137 + (hashOf('gap', t0) % 300))
    // DNS first: each exchange's queries and answers, wherever their path crosses an interface
    for (const { ex, points: dnsPoints } of dnsPaths(cluster, c)) {
      const mineDns = dnsPoints.map((p, i) => ({ p, i })).filter(({ p }) => visible(p))
      const sent = (dir: 'request' | 'reply', q: ServedQuery) => {
        const base = step()
        const size = dir === 'request' ? requestSize(q) : replySize(q)
        for (const { p: point, i } of mineDns) {
          const at = base + (dir === 'request' ? i : dnsPoints.length - 1 - i) * 7
          const ip = dir === 'request' ? point.tuple : (point.reply ?? reverse(point.tuple))
          const type = dir === 'request' ? point.dir : (point.replyDir ?? opposite(point.dir))
          const text = dir === 'request' ? dnsQueryText(q) : dnsReplyText(q)
          const inner = point.inner && (dir === 'request' ? point.inner : reverse(point.inner))
          packets.push(point.encap && inner ? encapsulated(point.encap, dir, inner, text, 8 + size, at, type) : { time: at, ip, text, dir: type })
        }
      }
      // glibc and musl send a socket's queries (A and AAAA) back to back, then read the answers
      for (const q of ex.queries) sent('request', q)
      for (const q of ex.queries) sent('reply', q)
    }
    const points = requestPoints(cluster, c)
    const mine = points.map((p, i) => ({ p, i })).filter(({ p }) => visible(p))
    if (mine.length === 0) continue
    // the server answered (a reply or a reset); a REJECT or DROP rule on the way leaves only the request
    const stop = c.trace.hops.find((h) => h.verdict)
    const reached = c.trace.result === 'delivered' || (c.trace.result === 'refused' && !!stop && (stop.handler === 'server' || stop.handler === 'kernel' || stop.handler === 'socket'))
    const proto = c.trace.client?.proto ?? mine[0].p.tuple.proto
    const seen = (dir: 'request' | 'reply', text: (ip: Tuple) => string, l4: number, icmpError = false) => {
      const base = step()
      if (dir === 'reply' && !reached) return
      for (const { p: point, i } of mine) {
        // a request meets the path's interfaces in order, a reply in reverse, a few microseconds apart
        const at = base + (dir === 'request' ? i : points.length - 1 - i) * 7
        const seenTuple = dir === 'request' ? point.tuple : (point.reply ?? reverse(point.tuple))
        const type = dir === 'request' ? point.dir : (point.replyDir ?? opposite(point.dir))
        // an ICMP error about the packet: addressed like a reply, no ports of its own
        const inner: Tuple = icmpError ? { ...seenTuple, proto: 'ICMP' } : seenTuple
        // on the underlay: the packet itself travels inside the outer header
        const carried = point.inner && (dir === 'request' ? point.inner : reverse(point.inner))
        const innerPacket: Tuple | undefined = carried && (icmpError ? { ...carried, proto: 'ICMP' } : carried)
        if (point.encap && innerPacket) packets.push(encapsulated(point.encap, dir, innerPacket, text(innerPacket), l4, at, type))
        else packets.push({ time: at, ip: inner, text: text(inner), dir: type })
      }
    }
    if (proto === 'TCP') {
      // each end announces its own interface's MTU less 40 bytes of IPv4 and TCP headers
      const mss = mtuAt(cluster, c, 'client') - 40
      const smss = mtuAt(cluster, c, 'server') - 40
      for (const s of tcpSegments(c, mss, smss)) seen(s.dir, (ip) => s.text(ip.dport, ip.sport), s.header + s.len)
    } else if (proto === 'UDP' && c.udpProbes) {
      // print-udp.c: a port it does not decode is "UDP, length N"
      if (c.trace.result === 'refused') {
        // nothing listens: the server's kernel answers the first probe with ICMP port unreachable
        // (print-icmp.c "%s udp port %s unreachable"; 8 bytes of ICMP, the probe's IP header and its 9 bytes of UDP)
        seen('request', () => 'UDP, length 1', 8 + 1)
        seen('reply', (ip) => `ICMP ${ip.src} udp port ${ip.sport} unreachable, length 37`, 37, true)
      } else for (let i = 0; i < c.udpProbes; i++) seen('request', () => 'UDP, length 1', 8 + 1)
    } else if (proto === 'ICMP') {
      const echo = c.echo ?? { count: 1, size: 56 }
      for (let i = 1; i <= echo.count; i++) {
        // print-icmp.c: "ICMP echo request, id N, seq N, length N"; print-icmp6.c: "ICMP6, echo request, id N, seq N, length N"
        const icmp = (ip: Tuple) => (ip.src.includes(':') ? 'ICMP6, echo' : 'ICMP echo')
        seen('request', (ip) => `${icmp(ip)} request, id ${ip.sport}, seq ${i}, length ${echo.size + 8}`, echo.size + 8)
        seen('reply', (ip) => `${icmp(ip)} reply, id ${ip.dport}, seq ${i}, length ${echo.size + 8}`, echo.size + 8)
        t0 += 1_000_000
      }
    }
  }
  return packets.sort((a, b) => a.time - b.time)
}

/** Every interface's capture at `where`, merged in time order (a packet crossing two interfaces is in both). */
function captureAny(inv: Pick<Invocation, 'session' | 'cluster'>, where: string, names: string[]): { packet: Packet; iface: string }[] {
  const all = names.flatMap((iface) => capture(inv, where, iface, false).map((packet) => ({ packet, iface })))
  // Array.prototype.sort is stable: packets of one moment keep the interfaces' order
  return all.sort((a, b) => a.packet.time - b.packet.time)
}

/** libpcap's link type for a device: an IP-in-IP tunnel has no link-layer header (ARPHRD_TUNNEL → DLT_RAW). */
function linkType(iface: string): string {
  return /^tunl\d/.test(iface) ? 'RAW (Raw IP)' : 'EN10MB (Ethernet)'
}

function clock(us: number): string {
  const d = new Date(Math.floor(us / 1000))
  const p = (n: number, w = 2) => String(n).padStart(w, '0')
  return `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}.${p(us % 1_000_000, 6)}`
}

/**
 * One packet as tcpdump -n prints it. Captured on `any` (libpcap's cooked v2 link type), the
 * line names the interface and the packet type first (print-sll.c sll2_if_print: "%-5s ", "%-3s ").
 */
export function formatPacket(p: Packet, iface?: string): string {
  // print-ip6.c names IPv6 packets "IP6"
  const ip = (t: Tuple) => (t.src.includes(':') ? 'IP6' : 'IP')
  const cooked = iface === undefined ? '' : `${iface.padEnd(5)} ${p.dir.padEnd(3)} `
  const head = `${clock(p.time)} ${cooked}${ip(p.ip)} ${fmtAddr(p.ip, 'src')} > ${fmtAddr(p.ip, 'dst')}: ${p.text}`
  if (!p.inner) return head
  // print-vxlan.c ends its line and ether_print (no -e) prints the inner IP packet on the next
  return `${head}\n${ip(p.inner.ip)} ${fmtAddr(p.inner.ip, 'src')} > ${fmtAddr(p.inner.ip, 'dst')}: ${p.inner.text}`
}

/* ---------- the filter: a small subset of pcap-filter(7) ---------- */

type Expr =
  | { op: 'and' | 'or'; a: Expr; b: Expr }
  | { op: 'not'; a: Expr }
  | { op: 'proto'; proto: 'TCP' | 'UDP' | 'ICMP'; v6?: boolean }
  | { op: 'host' | 'port'; dir?: 'src' | 'dst'; value: string }

const SUPPORTED = 'the simulator supports host ADDR, port N, src/dst host|port, tcp, udp, icmp, icmp6, and, or, not (also &&, ||, !) and parentheses'

export function parseFilter(words: string[]): Expr | { error: string } | undefined {
  const toks = words.flatMap((w) => w.replace(/([()])/g, ' $1 ').split(/\s+/)).filter(Boolean)
  if (toks.length === 0) return undefined
  let i = 0
  const bad = (msg: string) => ({ error: `tcpdump: ${msg}; ${SUPPORTED}` })
  const primary = (): Expr | { error: string } => {
    const t = toks[i]
    if (t === undefined) return bad('syntax error in filter expression: unexpected end')
    if (t === 'not' || t === '!') {
      i++
      const a = primary()
      return 'error' in a ? a : { op: 'not', a }
    }
    if (t === '(') {
      i++
      const e = orExpr()
      if ('error' in e) return e
      if (toks[i] !== ')') return bad("syntax error in filter expression: missing ')'")
      i++
      return e
    }
    if (t === 'icmp6') {
      i++
      return { op: 'proto', proto: 'ICMP', v6: true }
    }
    if (t === 'tcp' || t === 'udp' || t === 'icmp') {
      i++
      // "icmp" is IPv4's protocol 1 only; ICMPv6 is "icmp6" (pcap-filter(7))
      const proto: Expr = { op: 'proto', proto: t.toUpperCase() as 'TCP' | 'UDP' | 'ICMP', v6: t === 'icmp' ? false : undefined }
      // a protocol qualifier on a port primitive: "tcp port 80", "udp dst port 53" (pcap-filter(7))
      const next = toks[i]
      if (t !== 'icmp' && (next === 'port' || ((next === 'src' || next === 'dst') && toks[i + 1] === 'port'))) {
        const port = primary()
        return 'error' in port ? port : { op: 'and', a: proto, b: port }
      }
      return proto
    }
    let dir: 'src' | 'dst' | undefined
    if (t === 'src' || t === 'dst') {
      dir = t
      i++
    }
    const kind = toks[i]
    if (kind === 'host' || kind === 'port') {
      const value = toks[i + 1]
      if (value === undefined) return bad(`syntax error in filter expression: ${kind} needs a value`)
      i += 2
      if (kind === 'host' && !canonicalIP(value)) return bad(`host ${value}: give an address (-n: the simulator resolves no names in filters)`)
      if (kind === 'port' && !/^\d+$/.test(value)) return bad(`port ${value}: give a port number`)
      return { op: kind, dir, value: kind === 'host' ? canonicalIP(value)! : value }
    }
    if (dir && kind !== undefined && canonicalIP(kind)) {
      i++
      return { op: 'host', dir, value: canonicalIP(kind)! }
    }
    return bad(`unsupported filter primitive '${t}'`)
  }
  const andExpr = (): Expr | { error: string } => {
    let a = primary()
    while (!('error' in a) && (toks[i] === 'and' || toks[i] === '&&')) {
      i++
      const b = primary()
      if ('error' in b) return b
      a = { op: 'and', a, b }
    }
    return a
  }
  const orExpr = (): Expr | { error: string } => {
    let a = andExpr()
    while (!('error' in a) && (toks[i] === 'or' || toks[i] === '||')) {
      i++
      const b = andExpr()
      if ('error' in b) return b
      a = { op: 'or', a, b }
    }
    return a
  }
  const e = orExpr()
  if ('error' in e) return e
  if (i < toks.length) return bad(`unsupported filter '${toks.slice(i).join(' ')}'`)
  return e
}

function matches(e: Expr, t: Tuple): boolean {
  switch (e.op) {
    case 'and':
      return matches(e.a, t) && matches(e.b, t)
    case 'or':
      return matches(e.a, t) || matches(e.b, t)
    case 'not':
      return !matches(e.a, t)
    case 'proto':
      return t.proto === e.proto && (e.v6 === undefined || t.src.includes(':') === e.v6)
    case 'host':
      return e.dir === 'src' ? t.src === e.value : e.dir === 'dst' ? t.dst === e.value : t.src === e.value || t.dst === e.value
    case 'port': {
      if (t.proto !== 'TCP' && t.proto !== 'UDP') return false
      const p = Number(e.value)
      return e.dir === 'src' ? t.sport === p : e.dir === 'dst' ? t.dport === p : t.sport === p || t.dport === p
    }
  }
}

function interfacesAt(inv: Invocation): { where: string; names: string[] } | undefined {
  const place = inv.place
  if (place.kind === 'node' || (place.kind === 'pod' && place.pod.hostNetwork)) {
    const name = place.kind === 'node' ? place.node.meta.name : place.pod.nodeName
    const node = inv.cluster.index.node.get(name)
    if (!node) return undefined
    return { where: name, names: nodePlumbing(inv.cluster, node).host.links.map((l) => l.name) }
  }
  if (place.kind === 'pod') {
    const key = `${place.pod.meta.namespace}/${place.pod.meta.name}`
    const node = inv.cluster.index.node.get(place.pod.nodeName)
    const ns = node ? nodePlumbing(inv.cluster, node).pods.get(key) : undefined
    return { where: `pod ${key}`, names: ns ? ns.links.map((l) => l.name) : ['lo', 'eth0'] }
  }
  return undefined
}

export const tcpdumpProgram: Program = {
  places: ['node', 'pod'],
  summary: "capture packets (tcpdump): what the run's earlier connections put on an interface",
  usage: ['tcpdump -n [-p] -i IFACE|any [-c COUNT] [FILTER]   (FILTER: host, port, src, dst, tcp, udp, icmp, icmp6, and, or, not)'],
  run(inv): Output {
    const place = inv.place
    if (place.kind === 'pod' && !hasNetshoot(place)) return notFound(inv.session, place, 'tcpdump', inv.via)
    const args = inv.argv.slice(1)
    let iface: string | undefined
    let count: number | undefined
    let numeric = false
    let promiscuous = true
    const rest: string[] = []
    for (let i = 0; i < args.length; i++) {
      const a = args[i]
      if (a === '--') {
        rest.push(...args.slice(i + 1))
        break
      }
      if (a.startsWith('-') && a.length > 1) {
        // clustered short options: -ni eth0, -nn, -c 5 (glibc's getopt takes them after the expression too)
        const letters = a.slice(1)
        for (let j = 0; j < letters.length; j++) {
          const l = letters[j]
          if (l === 'n') {
            numeric = true
            continue
          }
          if (l === 'l' || l === 'U') continue
          // -p: not in promiscuous mode (a bridge then shows only what it receives or sends itself)
          if (l === 'p') {
            promiscuous = false
            continue
          }
          if (l === 'i' || l === 'c') {
            const v = letters.slice(j + 1) || args[++i]
            if (v === undefined) return fail(`tcpdump: option requires an argument -- '${l}'`, 1)
            if (l === 'i') iface = v
            else {
              if (!/^\d+$/.test(v) || Number(v) < 1) return fail(`tcpdump: invalid packet count ${v}`, 1)
              count = Number(v)
            }
            break
          }
          if (l === 'v' || l === 'e' || l === 'X' || l === 'A' || l === 'w' || l === 'r' || l === 's' || l === 't') {
            return fail(`tcpdump -${l}: not simulated here; the simulator runs tcpdump -n -i IFACE [-c COUNT] [FILTER]`, 1)
          }
          return fail(`tcpdump: invalid option -- '${l}'`, 1)
        }
      } else rest.push(a)
    }
    // without -n, tcpdump looks every address up in DNS and prints port names (addrtoname.c init_addrtoname)
    if (!numeric) return fail('tcpdump without -n (names instead of addresses and ports): not simulated here; give -n, e.g. tcpdump -ni eth0', 1)
    if (!iface) return fail('tcpdump: give the interface: tcpdump -ni IFACE [-c COUNT] [FILTER] (the simulator does not pick the first interface; -i any captures on all of them)', 1)
    const filter = parseFilter(rest)
    if (filter && 'error' in filter) return fail(filter.error, 1)
    const at = interfacesAt(inv)
    if (!at) return fail('sh: tcpdump: not found', 127)
    const any = iface === 'any'
    if (!any && !at.names.includes(iface)) return fail(`tcpdump: ${iface}: No such device exists\n(SIOCGIFHWADDR: No such device)`, 1)
    // a packet socket needs CAP_NET_RAW: libpcap's pcap-linux.c words the EPERM, tcpdump adds pcap_statustostr(PCAP_ERROR_PERM_DENIED)
    if (place.kind === 'pod' && !hasCapability(place, 'NET_RAW')) return fail(`tcpdump: ${iface}: You don't have permission to perform this capture on that device\n(Attempt to create packet socket failed - CAP_NET_RAW may be required)`, 1)
    // "any": every interface's packets in one stream, each once per interface it crossed, in time order
    const captured = any ? captureAny(inv, at.where, at.names) : capture(inv, at.where, iface, promiscuous).map((packet) => ({ packet, iface: undefined }))
    let packets = captured.filter(({ packet }) => !filter || matches(filter, packet.ip))
    if (count !== undefined) packets = packets.slice(0, count)
    // tcpdump.c asks for DLT_LINUX_SLL2 on "any" (as -y would) and says so before its usual banner
    const banner = any
      ? 'tcpdump: data link type LINUX_SLL2\ntcpdump: verbose output suppressed, use -v[v]... for full protocol decode\nlistening on any, link-type LINUX_SLL2 (Linux cooked v2), snapshot length 262144 bytes\n'
      : `tcpdump: verbose output suppressed, use -v[v]... for full protocol decode\nlistening on ${iface}, link-type ${linkType(iface)}, snapshot length 262144 bytes\n`
    const n = packets.length
    const counts = `${n} packet${n === 1 ? '' : 's'} captured\n${n} packet${n === 1 ? '' : 's'} received by filter\n0 packets dropped by kernel\n`
    // the banner is written when the capture starts, before any packet; the counts when it ends
    const stdout = packets.map(({ packet, iface: name }) => `${formatPacket(packet, name)}\n`).join('')
    return { exitCode: 0, stdout, stderr: banner + counts, ...(stdout ? { stderrFirst: banner.length } : {}) }
  },
}
