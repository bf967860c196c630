/**
 * What a connection of the run's log (connection-log.ts) left on each machine:
 * the stretch of its path that runs through a node's own network stack (where
 * that node's netfilter, and so its conntrack table, sees it), and the DNS
 * exchanges of its name lookup with the CoreDNS Pod that answered them.
 * conntrack.ts and tcpdump.ts read the same flows, so the two tools agree.
 */
import type { Cluster, Pod } from '../model/types.ts'
import type { Encap, FullTrace, Hop, Tuple } from '../trace/index.ts'
import { tracePacket } from '../trace/index.ts'
import type { ServedQuery } from '../dns/index.ts'
import { dnsView } from '../dns/index.ts'
import { hashOf, pickIndex, tupleKey } from '../trace/choice.ts'
import type { Connection } from './connection-log.ts'

/** The part of a connection's request path on one node. */
export interface NodeLeg {
  node: string
  /** the packet as it entered the node's stack (the conntrack entry's original tuple) */
  first: Tuple
  /** as it left (after every DNAT and SNAT this node did): its reverse is the reply tuple */
  last: Tuple
  /** the request hops on this node, in order */
  hops: Hop[]
  /** the trace ended on this node in a netfilter rule (a REJECT or DROP): such a packet is never confirmed in conntrack */
  stoppedByRule: boolean
}

const RULE_HANDLERS = new Set(['iptables', 'nftables', 'ipvs', 'ebpf', 'networkpolicy', 'portmap'])
const NOT_ON_NODE = new Set(['resolver', 'coredns', 'upstream-dns', 'underlay', 'network', 'cloud-lb'])

/** The hop runs in a node's root network namespace (not in a Pod's). */
export function onNodeStack(h: Hop): boolean {
  return !!h.node && !h.at.startsWith('pod ') && !NOT_ON_NODE.has(h.handler)
}

/**
 * The request's legs, one per node whose stack it crossed, in path order.
 *
 * @example
 * nodeLegs(conn).map((l) => l.node) // ['node-1', 'node-2']
 */
export function nodeLegs(c: Connection): NodeLeg[] {
  const legs: NodeLeg[] = []
  const byNode = new Map<string, NodeLeg>()
  const request = c.trace.hops.filter((h) => h.direction === 'request')
  for (const h of request) {
    if (!onNodeStack(h)) continue
    let leg = byNode.get(h.node!)
    if (!leg) {
      leg = { node: h.node!, first: h.before, last: h.after, hops: [], stoppedByRule: false }
      byNode.set(h.node!, leg)
      legs.push(leg)
    }
    leg.hops.push(h)
    leg.last = h.after
    if (h.verdict && RULE_HANDLERS.has(h.handler)) leg.stoppedByRule = true
  }
  return legs
}

/** One UDP exchange of the lookup: the query's tuple, the CoreDNS Pod that answered, the queries on that socket. */
export interface DnsExchange {
  /** client → the Service address (10.96.0.10:53), as the resolver addressed it */
  tuple: Tuple
  /** the packet as it leaves the Pod: the same, except under Cilium's socket-LB, which connects the socket to the CoreDNS Pod itself */
  wire: Tuple
  pod?: Pod
  queries: ServedQuery[]
}

/**
 * The lookup's exchanges with CoreDNS, one per client socket (glibc sends A and AAAA of
 * one name from one socket; each name of the search list gets a new one). The CoreDNS Pod
 * is the one the Service's load balancing picks for that tuple (the same hash of the
 * tuple the trace uses for kube-proxy's random rules); the trace does not walk the query.
 */
export function dnsExchanges(cluster: Cluster, c: Connection): DnsExchange[] {
  const served = c.trace.dnsServed ?? []
  const resolver = c.trace.hops.find((h) => h.handler === 'resolver' && h.before.dport === 53)
  if (!resolver || served.length === 0) return []
  const server = resolver.before.dst
  const pods = dnsView(cluster).coreDnsPods
  const out: DnsExchange[] = []
  for (const q of served) {
    let ex = out.find((e) => e.tuple.sport === q.port)
    if (!ex) {
      const tuple: Tuple = { src: q.client, sport: q.port, dst: server, dport: 53, proto: 'UDP' }
      const pod = pods.length ? pods[pickIndex(pods.length, `kube-system/kube-dns:dns/${tupleKey(tuple)}`, 0)] : undefined
      const podIP = pod?.podIPs.find((a) => a.includes(':') === server.includes(':'))
      const wire = cluster.config.kubeProxyReplacement && podIP ? { ...tuple, dst: podIP } : tuple
      ex = { tuple, wire, pod, queries: [] }
      out.push(ex)
    }
    ex.queries.push(q)
  }
  return out
}

/** The reverse of a tuple: what the reply carries. */
export function reverse(t: Tuple): Tuple {
  return { src: t.dst, sport: t.dport, dst: t.src, dport: t.sport, proto: t.proto }
}

const dnsTraceCache = new WeakMap<Connection, Map<DnsExchange, FullTrace>>()

/**
 * The path of one DNS exchange, from the client Pod to the CoreDNS Pod that answered it: the
 * trace of a UDP packet from the resolver's source port to the Service address, with the
 * kube-dns Service's choice forced to that Pod (the one conntrack records). Undefined for a
 * lookup made from a node's own address.
 */
export function dnsTrace(cluster: Cluster, c: Connection, ex: DnsExchange): FullTrace | undefined {
  let traces = dnsTraceCache.get(c)
  if (!traces) dnsTraceCache.set(c, (traces = new Map()))
  const cached = traces.get(ex)
  if (cached) return cached
  const socket = c.trace.hops.find((h) => h.handler === 'socket' && h.direction === 'request')
  const podKey = socket?.at.startsWith('pod ') ? socket.at.split(' ')[1] : undefined
  const client = podKey ? cluster.index.pod.get(podKey) : undefined
  const coreIP = ex.pod?.podIPs.find((a) => a.includes(':') === ex.tuple.dst.includes(':'))
  if (!client || !coreIP || ex.queries.length === 0) return undefined
  const force = coreIP.includes(':') ? `[${coreIP}]:53` : `${coreIP}:53`
  const trace = tracePacket(cluster, { kind: 'pod', pod: client }, { kind: 'address', ip: ex.tuple.dst, port: 53 }, { proto: 'UDP', sport: ex.tuple.sport, seed: 0, force })
  traces.set(ex, trace)
  return trace
}

/**
 * The outer header of a reply through the overlay. The replying node picks its own UDP source
 * port (vxlan_src_port: a hash of the inner flow with that node's random seed), so the reply's
 * datagrams are a flow of their own; IP-in-IP has no ports, and the reply is the request reversed.
 */
export function replyOuter(e: Encap): Tuple {
  const back = reverse(e.outer)
  if (e.kind === 'ipip') return back
  return { ...back, sport: 32768 + (hashOf('vxlan-sport', back.src, back.sport, back.dst, back.dport) % 28232), dport: e.port ?? 8472 }
}
