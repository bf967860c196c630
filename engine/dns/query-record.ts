/**
 * What dig, nslookup and host leave behind in the run: their UDP queries to
 * the cluster's DNS Service, as CoreDNS saw them (client address and port,
 * id, question, reply). They wait in the run's Session until the shell has
 * run the tool, then traffic/lookup-record.ts puts them in the connection log
 * as a name lookup with no connection after it, so that conntrack, tcpdump
 * and CoreDNS's `log` plugin see them as they see the lookup before a curl:
 * one conntrack entry per client socket, the packets on the Pod's eth0 and
 * veth, one log line per query on the CoreDNS Pod that kube-proxy picked for
 * the socket (traffic/flows.ts dnsExchanges).
 *
 * Kept like curl's lookups: from a Pod (on the host network, and from the node
 * itself, from the node's address), to a kube-dns Service address, answered by
 * CoreDNS, over UDP.
 * Each query has a socket of its own (bind9's dig, host and nslookup open one
 * per query; BusyBox's nslookup sends all from one, which only the port
 * numbers would show).
 */
import type { Invocation, Output } from '../shell/types.ts'
import type { Session } from '../shell/session.ts'
import type { ServedQuery } from './coredns-log.ts'
import type { RRType } from './message.ts'
import type { Delivery } from './transport.ts'
import { sendQuery } from './transport.ts'

/** A tool's queries CoreDNS answered, from one Pod or node to one DNS Service address. */
export interface PendingLookup {
  tool: string
  /** where the socket was: `pod NAMESPACE/NAME` on the Pod network, else the node's name (a host-network Pod, the node itself) */
  at: string
  node: string
  server: string
  /** as CoreDNS saw them, but for `port` (0) and, where the tool printed none, `id` (-1) */
  served: ServedQuery[]
}

const SLOT = 'dns.pending-lookups'

/** The lookups the last tool left, taken out of the session (traffic/lookup-record.ts records them). */
export function takePendingLookups(session: Session): PendingLookup[] {
  const list = session.peek<PendingLookup[]>(SLOT)
  if (!list || list.length === 0) return []
  return list.splice(0, list.length)
}

/** One query a tool sent and what came back. */
export interface SentQuery {
  server: string
  name: string
  type: RRType
  delivery: Delivery
  /** the id the tool printed (dig's header); otherwise one is derived */
  id?: number
}

/** How the tool sent its queries. */
export interface QueryStyle {
  /** the OPT record it adds (dig: UDP size 1232 and an 8-byte client cookie; host and nslookup send none) */
  edns?: ServedQuery['edns']
  /** recursion desired (dig +norecurse clears it) */
  rd: boolean
  /** sent over TCP (dig +tcp): not recorded, as the connection log holds UDP lookups only */
  tcp?: boolean
}

/**
 * Keeps what CoreDNS answered of `sent` for the run's connection log.
 *
 * @example
 * recordQueries(inv, [{ server: '10.96.0.10', name: 'web.default.svc.cluster.local.', type: 'A', delivery }], { rd: true })
 * // `kubectl logs -n kube-system -l k8s-app=kube-dns` now shows the query when the Corefile has `log`
 */
export function recordQueries(inv: Invocation, sent: SentQuery[], style: QueryStyle): void {
  const place = inv.place
  if ((place.kind !== 'pod' && place.kind !== 'node') || style.tcp) return
  const pod = place.kind === 'pod' ? place.pod : undefined
  const node = place.kind === 'node' ? place.node : inv.cluster.index.node.get(pod!.nodeName)
  if (!node) return
  const dnsIPs = inv.cluster.config.dnsServiceIPs
  // one server per record, as a resolver's lookup has (flows.ts reads it from the resolver hop)
  const server = sent.find((a) => dnsIPs.includes(a.server))?.server
  if (!server) return
  // a Pod on the Pod network asks from its own address; a host-network Pod (dnsPolicy
  // ClusterFirstWithHostNet) and the node itself (dig @10.96.0.10) from the node's
  const onPodNetwork = pod !== undefined && !pod.hostNetwork
  const sources = onPodNetwork ? pod.podIPs : node.internalIPs
  const src = sources.find((ip) => ip.includes(':') === server.includes(':'))
  if (!src) return
  // the client's port and, for tools that print none, the query id are the connection log's to give (lookup-record.ts)
  const served: ServedQuery[] = []
  for (const a of sent) {
    if (a.server !== server || a.delivery.kind !== 'answer' || a.delivery.via !== 'coredns') continue
    served.push({ client: src, port: 0, id: a.id ?? -1, question: { name: a.name, type: a.type }, proto: 'udp', edns: style.edns, ...(style.rd ? {} : { rd: false }), reply: a.delivery.message })
  }
  if (served.length === 0) return
  const pending = inv.session.slot<PendingLookup[]>(SLOT, () => [])
  pending.push({ tool: inv.argv[0] ?? '', at: onPodNetwork ? `pod ${pod.meta.namespace}/${pod.meta.name}` : node.meta.name, node: node.meta.name, server, served })
}

/** How a DNS tool sends one query. */
export type Send = (server: string, name: string, type: RRType) => Delivery

/**
 * Runs a DNS tool with a sender that remembers every query it sends, then records them
 * (dig records its own: it knows the ids it printed and its options).
 *
 * @example
 * withQueryRecord(inv, { rd: true }, (send) => bind(inv, send))
 */
export function withQueryRecord(inv: Invocation, style: QueryStyle, tool: (send: Send) => Output): Output {
  const sent: SentQuery[] = []
  const send: Send = (server, name, type) => {
    const delivery = sendQuery(inv.cluster, inv.place, server, { name, type })
    sent.push({ server, name, type, delivery })
    return delivery
  }
  const out = tool(send)
  recordQueries(inv, sent, style)
  return out
}
