/**
 * The name lookups dig, nslookup and host made (dns/query-record.ts), put in
 * the run's connection log once the tool has run: a trace of two hops, the
 * resolver's query leaving the Pod and its socket, with the queries CoreDNS
 * answered, and no connection after it. flows.ts reads such a record like
 * the lookup at the start of a curl: conntrack, tcpdump and CoreDNS's `log`
 * plugin show its UDP exchanges; it crosses no node stack of its own.
 */
import type { Session } from '../shell/session.ts'
import type { FullTrace, Hop, Tuple } from '../trace/index.ts'
import { takePendingLookups } from '../dns/query-record.ts'
import { recordConnection } from './connection-log.ts'
import { ephemeralPort, hashOf } from '../trace/choice.ts'

/** Records the lookups the tool that just ran left in the session, in the order it made them. */
export function flushLookups(session: Session): void {
  for (const l of takePendingLookups(session)) {
    // a socket of its own for every query (a new ephemeral port), and an id where the tool printed none
    const sockets = session.slot<{ n: number }>('dns.sockets', () => ({ n: 0 }))
    for (const q of l.served) {
      q.port = ephemeralPort(q.client, l.server, 53, 'UDP', hashOf('dns-tool', l.tool, sockets.n++))
      if (q.id < 0) q.id = hashOf('dns-tool-id', l.tool, q.port, q.question.name, q.question.type) % 65536
    }
    const first = l.served[0]
    const who = l.at
    const q: Tuple = { src: first.client, sport: first.port, dst: l.server, dport: 53, proto: 'UDP' }
    const hop = (handler: Hop['handler'], note: string): Hop => ({ at: who, node: l.node, handler, before: q, after: q, note, direction: 'request' })
    const n = l.served.length
    const trace: FullTrace = {
      from: who,
      to: `${l.server}:53`,
      // a socket hop only in a Pod's own namespace: one at a node's address would read as a leg on the
      // node's stack (flows.ts nodeLegs), where this lookup has nothing but its DNS exchange
      hops: [hop('resolver', `${l.tool} asks ${l.server}`), ...(l.at.startsWith('pod ') ? [hop('socket', `${n} UDP quer${n === 1 ? 'y' : 'ies'} to ${l.server}:53`)] : [])],
      result: 'delivered',
      reason: `${l.tool} got its answers from CoreDNS`,
      notes: [],
      client: q,
      dnsServed: l.served,
    }
    recordConnection({ session, argv: [l.tool] }, trace)
  }
}
