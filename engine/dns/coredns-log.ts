/**
 * The lines CoreDNS's `log` plugin writes for the queries it serves, in its
 * exact format: plugin/log/log.go (the first rule whose name scope holds the
 * query decides; its classes filter by response class), the placeholders of
 * plugin/pkg/replacer/replacer.go, and plugin/pkg/log's "[INFO] " prefix with
 * no timestamp (coremain sets the Go logger's flags to 0). A pure function of
 * the queries: the caller says who asked, from which port, with which id.
 *
 * `{duration}` is the one value the simulator cannot measure; it is modelled
 * as 0.0001 s for an answer CoreDNS makes itself and 0.004 s for one it
 * forwards upstream (dig's "Query time" uses the same model).
 */
import type { LogRule, ServerBlock } from './corefile.ts'
import type { DnsMessage, Question } from './message.ts'
import type { AddressLookup } from './stub-resolver.ts'
import { canonicalName, isSubdomain, matchZone } from './names.ts'
import { messageSize } from './wire.ts'

/** One query as CoreDNS received and answered it. */
export interface ServedQuery {
  /** the client's address and source port, as CoreDNS sees them */
  client: string
  port: number
  /** the DNS message id */
  id: number
  question: Question
  proto?: 'udp' | 'tcp'
  /**
   * the request's EDNS0 OPT record, if it had one (glibc sends none unless `options edns0`; musl
   * never; dig always, with an 8-byte client COOKIE that CoreDNS echoes)
   */
  edns?: { bufsize: number; do: boolean; cookie?: number }
  /** recursion desired: set unless the client cleared it (dig +norecurse); the reply echoes it */
  rd?: boolean
  /** the reply CoreDNS wrote */
  reply: DnsMessage
}

/** Modelled seconds CoreDNS takes: its own answers, and answers it forwards upstream. */
export const LOCAL_DURATION = 0.0001
export const FORWARDED_DURATION = 0.004

/** response.Typify + Classify: success, denial (NXDOMAIN or NODATA) or error. */
export function responseClass(m: DnsMessage): 'success' | 'denial' | 'error' {
  if (m.rcode === 'NXDOMAIN') return 'denial'
  if (m.rcode !== 'NOERROR') return 'error'
  return m.answer.length > 0 || m.authority.some((r) => r.type === 'NS') ? 'success' : 'denial'
}

/** The request's size on the wire: header, question, and the OPT record when it has one. */
export function requestSize(q: ServedQuery): number {
  const m: DnsMessage = { rcode: 'NOERROR', aa: false, ra: false, question: q.question, answer: [], authority: [], additional: [], from: 'coredns' }
  return messageSize(m, { compress: false, cookieBytes: q.edns?.cookie ?? 0, edns: !!q.edns })
}

/** The reply's size on the wire: CoreDNS packs without name compression when the reply fits, and echoes OPT only to an EDNS request. */
export function replySize(q: ServedQuery): number {
  return messageSize(q.reply, { compress: false, cookieBytes: q.edns?.cookie ?? 0, edns: !!q.edns })
}

/**
 * The size the log plugin records: the reply's, except for a reply no plugin wrote, which it
 * logs as the bare message it synthesizes (msg.SetRcode: no OPT, where the server's own
 * answer adds one; plugin/log/log.go since v1.14.5, coredns#8200).
 */
function loggedSize(q: ServedQuery): number {
  return q.reply.synthesized ? messageSize(q.reply, { compress: false, cookieBytes: 0, edns: false }) : replySize(q)
}

/** appendFlags: the reply's header flags, comma-separated (the request's RD is echoed). */
function flags(m: DnsMessage, rd: boolean): string {
  return ['qr', m.aa ? 'aa' : '', rd ? 'rd' : '', m.ra ? 'ra' : ''].filter(Boolean).join(',')
}

/** strconv.AppendFloat(secs, 'f', -1, 64) + "s" */
function seconds(s: number): string {
  return `${String(s)}s`
}

/** RFC 3986 brackets around an IPv6 address. */
function host(ip: string): string {
  return ip.includes(':') ? `[${ip}]` : ip
}

const LABEL = /\{[^{}]*\}/g

/**
 * One query through a format, placeholder by placeholder as the replacer
 * does: known labels become values, `{/metadata}` labels have no value here
 * ("-"), anything else stays as written.
 *
 * @example
 * formatLogLine(COMMON_LOG_FORMAT, q)
 * // '10.244.1.2:36909 - 4242 "A IN web.default.svc.cluster.local. udp 47 false 512" NOERROR qr,aa,rd 107 0.0001s'
 */
export function formatLogLine(format: string, q: ServedQuery): string {
  const r = q.reply
  const bufsize = (q.proto ?? 'udp') === 'tcp' ? 65535 : Math.max(512, q.edns?.bufsize ?? 0)
  const values: Record<string, string> = {
    '{type}': q.question.type,
    '{name}': q.question.name,
    '{class}': 'IN',
    '{proto}': q.proto ?? 'udp',
    '{size}': String(requestSize(q)),
    '{remote}': host(q.client),
    '{port}': String(q.port),
    '{>id}': String(q.id),
    '{>opcode}': '0',
    '{>do}': String(q.edns?.do ?? false),
    '{>bufsize}': String(bufsize),
    '{rcode}': r.rcode,
    '{rsize}': String(loggedSize(q)),
    '{duration}': seconds(r.from === 'coredns' ? LOCAL_DURATION : FORWARDED_DURATION),
    '{>rflags}': flags(r, q.rd !== false),
  }
  return format.replace(LABEL, (label) => {
    const key = label.startsWith('{>') ? label.toLowerCase() : label
    if (key in values) return values[key]
    if (label.startsWith('{/')) return '-'
    return label
  })
}

/** The server block CoreDNS hands a query on port 53 to (the longest matching zone), as serveCoreDns picks it. */
function blockFor(servers: ServerBlock[], name: string): ServerBlock | undefined {
  let best: ServerBlock | undefined
  let len = -1
  for (const s of servers) {
    if (s.port !== 53) continue
    const z = matchZone(name, s.zones)
    if (z && canonicalName(z).length > len) {
      len = canonicalName(z).length
      best = s
    }
  }
  return best
}

/** The rule that logs `name`: the first whose scope holds it (plugin.Name(scope).Matches). */
function ruleFor(rules: LogRule[], name: string): LogRule | undefined {
  return rules.find((r) => isSubdomain(name, r.scope))
}

/**
 * The `log` plugin's lines for `queries`, in order, for a Corefile's server
 * blocks: nothing for a query whose server block has no `log`, whose name no
 * rule's scope holds, or whose response class the rule leaves out.
 *
 * @example
 * corednsLogLines(parseCorefile(text).servers, [q])
 * // ['[INFO] 10.244.1.2:36909 - 4242 "A IN web.default.svc.cluster.local. udp 47 false 512" NOERROR qr,aa,rd 107 0.0001s']
 */
export function corednsLogLines(servers: ServerBlock[], queries: ServedQuery[]): string[] {
  const out: string[] = []
  for (const q of queries) {
    const block = blockFor(servers, q.question.name)
    if (!block?.log?.length) continue
    const rule = ruleFor(block.log, q.question.name)
    if (!rule) continue
    if (!rule.classes.includes('all') && !rule.classes.includes(responseClass(q.reply))) continue
    out.push(`[INFO] ${formatLogLine(rule.format, q)}`)
  }
  return out
}

/**
 * Does this Corefile log anything at all (a `log` in a server block on port 53)?
 *
 * @example
 * logsQueries(parseCorefile(kubeadmCorefile('cluster.local')).servers) // false
 */
export function logsQueries(servers: ServerBlock[]): boolean {
  return servers.some((s) => s.port === 53 && (s.log?.length ?? 0) > 0)
}

/**
 * The queries of an address lookup that reached CoreDNS, as it served them:
 * each name's A and AAAA come from one socket (`portOf(step)`), each query
 * has its own id (`idOf`). Queries that got no answer, or were answered by
 * another server, are left out.
 *
 * @example
 * servedQueries(lookup, '10.244.1.2', (i) => 40000 + i, () => 4242)
 */
export function servedQueries(
  lookup: AddressLookup,
  client: string,
  portOf: (step: number) => number,
  idOf: (name: string, type: Question['type']) => number,
  edns?: ServedQuery['edns'],
): ServedQuery[] {
  const out: ServedQuery[] = []
  lookup.steps.forEach((s, i) => {
    for (const a of s.queries) {
      if (a.delivery.kind !== 'answer' || a.delivery.via !== 'coredns') continue
      out.push({ client, port: portOf(i), id: idOf(a.name, a.type), question: { name: a.name, type: a.type }, edns, reply: a.delivery.message })
    }
  })
  return out
}
