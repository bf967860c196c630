/**
 * The name lookup at the start of a trace, as the sender's resolver does it:
 * /etc/hosts first (one hop, no query), else the DNS module's resolveName
 * (the image's C library, the place's resolv.conf, CoreDNS or the upstream
 * resolver), shown as two hops: the query leaving the client and the answer
 * (or its absence).
 */
import type { Place } from '../shell/types.ts'
import { corednsLogLines, dnsView, hostsFileLookup, requestSize, replySize, resolveAddresses, servedQueries } from '../dns/index.ts'
import type { AddressLookup, DnsLookupData, ResolvConf, ServedQuery } from '../dns/index.ts'
import { hashOf } from './choice.ts'
import type { WalkContext } from './context.ts'
import { push } from './context.ts'
import { ephemeralPort } from './choice.ts'
import { groupThousands } from '../text/grouping.ts'
import type { Tuple } from './types.ts'

export interface Resolved {
  ip?: string
  /** the DNS exchange; absent when /etc/hosts answered */
  data?: DnsLookupData
  failure?: 'nxdomain' | 'timeout'
  /** the queries CoreDNS answered, with the client's ports and ids (for conntrack, tcpdump and CoreDNS's log) */
  served?: ServedQuery[]
}

/**
 * Resolves `name` from `place`, appending the resolver and server hops.
 *
 * @example
 * resolveHops(ctx, { kind: 'pod', pod }, 'web', '10.244.1.2', 'A').ip // '10.96.0.50'
 */
export function resolveHops(ctx: WalkContext, place: Place, who: string, name: string, srcIP: string, type: 'A' | 'AAAA'): Resolved {
  // NSS "hosts: files dns" (glibc; musl likewise): /etc/hosts answers first, and kubelet's Pod file maps localhost
  // (pkg/kubelet/kubelet_pods.go managedHostsFileContent); curl >= 7.78 answers localhost itself (lib/hostip.c get_localhost)
  const fromFile = hostsFileLookup(ctx.cluster, place, name)
  if (fromFile.length) return fromHostsFile(ctx, place, who, name, type, fromFile)
  const { data, lookup, conf } = resolveAddresses(ctx.cluster, place, name)
  const server = data.server ?? conf.nameservers[0] ?? '127.0.0.1'
  const q: Tuple = { src: srcIP, sport: ephemeralPort(srcIP, server, 53, 'UDP', ctx.seed + 1), dst: server, dport: 53, proto: 'UDP' }
  const ndots = conf.options.find((o) => o.startsWith('ndots:'))
  // glibc adds an OPT record (UDP buffer 1200, RESOLV_EDNS_BUFFER_SIZE) with `options edns0`; musl never sends one
  const edns = lookup.libc === 'glibc' && conf.options.includes('edns0') ? { bufsize: 1200, do: false } : undefined
  const list = queryList(lookup, conf, edns)
  push(ctx, {
    at: who,
    handler: 'resolver',
    before: q,
    after: q,
    note: `${data.resolver} resolver (getaddrinfo) asks ${server} for ${name}, A and AAAA${conf.search.length ? `, with search list ${conf.search.join(' ')}${ndots ? ` and ${ndots}` : ''}` : ''}: ${countText(lookup, edns)}`,
    detail: list,
  })
  const coredns = ctx.cluster.config.dnsServiceIPs.includes(server) || ctx.cluster.index.pod.has(server)
  const answers = data.answers.map((a) => `${a.name} ${a.type} ${a.data}`).join(', ')
  // a Pod's lookup, from the Pod network or (host network, ClusterFirstWithHostNet) from its node's address
  const fromCluster = coredns && place.kind === 'pod'
  const served = fromCluster ? served_(ctx, lookup, srcIP, edns) : undefined
  const logs = fromCluster ? logLines(ctx, served!) : []
  const reply: Tuple = { src: q.dst, sport: 53, dst: q.src, dport: q.sport, proto: 'UDP' }
  const ip = data.rcode === 'TIMEOUT' ? undefined : [...data.answers].reverse().find((a) => a.type === type)?.data
  // no address: a path of its own, compiled only when a run takes it (issue 20)
  if (!ip) return unresolved(ctx, { data, lookup, server, q, reply, coredns, answers, served, logs, type, name })
  const cname = data.answers.find((a) => a.type === 'CNAME')
  push(ctx, {
    at: coredns ? `CoreDNS via ${server}` : `DNS ${server}`,
    handler: coredns ? 'coredns' : 'upstream-dns',
    before: reply,
    after: reply,
    // an alias: compiled only for an answer with a CNAME (issue 20)
    note: `${answers}${cname ? cnameNote(ctx, cname.name, ip) : ''}${coredns ? (ctx.cluster.config.kubeProxyReplacement ? ' (the query itself went to a CoreDNS Pod through Cilium\'s socket-LB, like any Service connection)' : ' (the query itself went through kube-proxy to a CoreDNS Pod, like any Service connection)') : ''}`,
    detail: logs,
  })
  return { ip, data, served }
}

/** An answer through a CNAME: an ExternalName Service's alias (which no proxy rule serves), or any other. */
function cnameNote(ctx: WalkContext, cname: string, ip: string): string {
  const zone = `.svc.${ctx.cluster.config.clusterDomain}.`
  const alias = cname.endsWith(zone) ? ctx.cluster.index.service.get(cname.slice(0, -zone.length).split('.').reverse().join('/')) : undefined
  return alias?.type === 'ExternalName'
    ? `: Service ${alias.meta.namespace}/${alias.meta.name} is an ExternalName, a DNS alias for ${alias.externalName}; CoreDNS answers with the CNAME (and the upstream resolver's addresses), and ${ctx.cluster.config.kubeProxyReplacement ? 'Cilium\'s load balancer has no frontend' : 'kube-proxy has no rule'} for it: the connection goes straight to ${ip}`
    : `: ${cname} is an alias (CNAME)`
}

/** The name is in /etc/hosts: no query is sent. */
function fromHostsFile(ctx: WalkContext, place: Place, who: string, name: string, type: 'A' | 'AAAA', fromFile: string[]): Resolved {
  const ip = fromFile.find((a) => a.includes(':') === (type === 'AAAA')) ?? fromFile[0]
  const t: Tuple = { src: '', sport: 0, dst: ip, dport: 0, proto: 'UDP' }
  const local = name.toLowerCase() === 'localhost'
  push(ctx, {
    at: who,
    handler: 'resolver',
    before: t,
    after: { ...t },
    note: `/etc/hosts has ${name} → ${fromFile.join(', ')}: the C library reads it before DNS (nsswitch.conf "hosts: files dns"; musl does the same), so no query is sent${local && place.kind === 'pod' ? '. kubelet writes "127.0.0.1 localhost" and "::1 localhost" into every Pod\'s /etc/hosts (managedHostsFileContent)' : ''}${local ? '; curl (7.78 and later) does not even ask: it answers localhost with the loopback addresses itself' : ''}`,
  })
  return { ip }
}

/** No address came back: a timeout, NXDOMAIN or NODATA. */
function unresolved(ctx: WalkContext, r: { data: DnsLookupData; lookup: AddressLookup; server: string; q: Tuple; reply: Tuple; coredns: boolean; answers: string; served: Resolved['served']; logs: string[]; type: 'A' | 'AAAA'; name: string }): Resolved {
  const { data, lookup, server, q, reply, coredns, answers, served, logs, type, name } = r
  if (data.rcode === 'TIMEOUT') {
    push(ctx, { at: `DNS ${server}`, handler: coredns ? 'coredns' : 'upstream-dns', before: q, after: q, note: `no answer: ${data.error ?? 'timed out'}${coredns ? ' (CoreDNS is unreachable from here: a policy dropping DNS, or a workstation outside the cluster)' : ''}`, verdict: 'timeout' })
    return { data, failure: 'timeout', served }
  }
  push(ctx, {
    at: coredns ? `CoreDNS via ${server}` : `DNS ${server}`,
    handler: coredns ? 'coredns' : 'upstream-dns',
    before: reply,
    after: reply,
    note:
      lookup.status === 'nodata'
        ? `NOERROR without ${lookup.family === 'unspec' ? 'an address' : `an ${type} record`} (NODATA) for ${data.question.name}${lookup.libc === 'musl' && stoppedEarly(lookup, name) ? ': musl stops at the first answer that is not NXDOMAIN, so the names after it are never asked' : ': the name does not resolve'}`
        : `${data.rcode}${answers ? ` (${answers}, no ${type} record)` : ''} for ${data.question.name}: the name does not resolve${data.rcode === 'NXDOMAIN' && coredns ? ' in the cluster or upstream' : ''}`,
    detail: logs,
    verdict: 'nxdomain',
  })
  return { data, failure: 'nxdomain', served }
}

/** Did the walk end before the name as is, the last name either C library asks? */
function stoppedEarly(lookup: AddressLookup, name: string): boolean {
  const asIs = (name.endsWith('.') ? name : `${name}.`).toLowerCase()
  return !!lookup.final && lookup.final.name.toLowerCase() !== asIs
}

/** "3 names, 6 queries in 3 round trips, 1,234 bytes" */
function countText(lookup: AddressLookup, edns: Edns): string {
  const queries = lookup.steps.reduce((n, s) => n + s.queries.length, 0)
  let bytes = 0
  for (const s of lookup.steps) {
    for (const a of s.queries) {
      const z = sizes(a, edns)
      bytes += z.sent + z.received
    }
  }
  const names = lookup.steps.length
  return `${names} name${names === 1 ? '' : 's'}, ${queries} quer${queries === 1 ? 'y' : 'ies'} in ${names} round trip${names === 1 ? '' : 's'}, ${groupThousands(bytes)} bytes on the wire`
}

type Edns = ServedQuery['edns']

/** Bytes of one query and its reply on the wire (wire.ts; replies as CoreDNS packs them). */
function sizes(a: AddressLookup['steps'][number]['queries'][number], edns: Edns): { sent: number; received: number } {
  const question = { name: a.name, type: a.type }
  const sent = requestSize({ client: '', port: 0, id: 0, question, edns, reply: emptyReply(question) })
  const received = a.delivery.kind === 'answer' ? replySize({ client: '', port: 0, id: 0, question, edns, reply: a.delivery.message }) : 0
  return { sent, received }
}

function emptyReply(question: { name: string; type: AddressLookup['steps'][number]['queries'][number]['type'] }) {
  return { rcode: 'NOERROR' as const, aa: false, ra: false, question, answer: [], authority: [], additional: [], from: 'coredns' as const }
}

/**
 * The walk, one line per name with its queries, their rcodes and sizes:
 * the trace's own account of what the C library sent (a capture on the
 * Pod's eth0 would show these packets; dig +search +showsearch shows the
 * same walk for one type at a time).
 */
function queryList(lookup: AddressLookup, conf: ResolvConf, edns: Edns): string[] {
  const width = Math.max(...lookup.steps.map((s) => s.name.length))
  const out = [`queries, as the simulator computes them from ${lookup.libc}'s rules (${lookup.family === 'unspec' ? 'A and AAAA go out together, ' : ''}each name waits for the one before):`]
  lookup.steps.forEach((s, i) => {
    const parts = s.queries.map((a) => {
      const { sent, received } = sizes(a, edns)
      const rcode = a.delivery.kind === 'answer' ? a.delivery.message.rcode : a.delivery.kind === 'refused' ? 'refused' : 'no reply'
      const n = a.delivery.kind === 'answer' ? a.delivery.message.answer.length : 0
      return `${a.type} ${rcode}${n ? ` (${n} record${n === 1 ? '' : 's'})` : ''} ${sent}/${received} B`
    })
    const last = i === lookup.steps.length - 1
    const finalAt = lookup.final ? lookup.steps.indexOf(lookup.final) + 1 : 0
    // only glibc goes on after a name that is not NXDOMAIN (musl's walk ends there, so such a step is its last)
    const verdict = last
      ? s === lookup.final
        ? verdictText(lookup)
        : `${stepWord(s.status)}; the lookup fails with what name ${finalAt} got: ${verdictText(lookup)}`
      : s.status === 'nxdomain'
        ? 'next name'
        : s.status === 'nodata'
          ? 'NODATA, next name'
          : s.status === 'servfail'
            ? 'SERVFAIL, next name'
            : 'no reply: the search list ends here, the name as is is still tried'
    out.push(`  ${String(i + 1).padStart(2)}  ${s.name.padEnd(width)}  ${parts.join(', ')}  → ${verdict}`)
  })
  if (conf.options.some((o) => o === 'single-request' || o === 'single-request-reopen') && lookup.libc === 'glibc') out.push('  (options single-request: the AAAA query waits for the A reply on each name)')
  return out
}

function stepWord(status: AddressLookup['status']): string {
  return status === 'nxdomain' ? 'NXDOMAIN' : status === 'nodata' ? 'NODATA' : status === 'servfail' ? 'SERVFAIL' : status === 'timeout' ? 'no reply' : status
}

function verdictText(lookup: AddressLookup): string {
  switch (lookup.status) {
    case 'answer':
      return `answer: ${lookup.addresses.join(', ')}`
    case 'nodata':
      return 'NODATA: no address'
    case 'nxdomain':
      return 'not found'
    case 'servfail':
      return 'SERVFAIL: lookup fails'
    case 'timeout':
      return 'no reply: lookup fails'
    case 'refused':
      return 'connection refused: lookup fails'
    default:
      return 'error: lookup fails'
  }
}

/**
 * What CoreDNS's log plugin writes for these queries when the Corefile
 * enables it (coredns-log.ts): one line per query, each name's pair from
 * its own socket (a new ephemeral port), ids derived from the query.
 */
function served_(ctx: WalkContext, lookup: AddressLookup, srcIP: string, edns: Edns): ServedQuery[] {
  const server = lookup.steps[0]?.queries[0]?.server ?? ''
  return servedQueries(
    lookup,
    srcIP,
    (i) => ephemeralPort(srcIP, server, 53, 'UDP', ctx.seed + 1 + i),
    (name, type) => hashOf('dns-id', ctx.seed, srcIP, name, type) % 65536,
    edns,
  )
}

function logLines(ctx: WalkContext, served: ServedQuery[]): string[] {
  const view = dnsView(ctx.cluster)
  const lines = corednsLogLines(view.corefile.servers, served)
  return lines.length ? ['CoreDNS log plugin (the Corefile has `log`; kubectl logs -n kube-system on the CoreDNS Pods shows these lines):', ...lines.map((l) => `  ${l}`)] : []
}
