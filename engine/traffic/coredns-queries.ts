/**
 * The query lines of CoreDNS's `log` plugin in `kubectl logs` of a CoreDNS
 * Pod: for each lookup the traffic tools made earlier in the same run
 * (connection-log.ts), the queries this Pod answered, formatted by
 * engine/dns/coredns-log.ts (plugin/log/log.go, one line per query, only
 * when the Corefile's server block for the name has `log`). Which Pod got a
 * query is the kube-dns Service's choice for the query's tuple (flows.ts).
 *
 * @example
 * corednsQueryLog(cluster, corednsPod, session).map((l) => l.text)
 * // ['[INFO] 10.244.1.2:36909 - 46751 "A IN backend.default.svc.cluster.local. udp 51 false 512" NOERROR qr,aa,rd 100 0.0001s', …]
 */
import type { Cluster, Pod } from '../model/types.ts'
import type { Session } from '../shell/session.ts'
import type { LogLine } from '../text/klog.ts'
import { addMicros } from '../text/klog.ts'
import { corednsLogLines, dnsView } from '../dns/index.ts'
import { connectionsOf, secondsAgo } from './connection-log.ts'
import { dnsExchanges } from './flows.ts'

export function corednsQueryLog(cluster: Cluster, pod: Pod, session: Session): LogLine[] {
  const servers = dnsView(cluster).corefile.servers
  const out: LogLine[] = []
  for (const c of connectionsOf(session)) {
    const base = addMicros(cluster.now, -secondsAgo(session, c) * 1_000_000)
    let offset = 300
    for (const ex of dnsExchanges(cluster, c)) {
      if (ex.pod !== pod) continue
      for (const text of corednsLogLines(servers, ex.queries)) out.push({ time: addMicros(base, (offset += 120)), text })
    }
  }
  return out
}
