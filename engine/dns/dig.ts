/**
 * `dig`, as bind9 9.18 prints it (bin/dig/dig.c printmessage, received;
 * lib/dns/message.c section and OPT text). dig sends the name as given,
 * without the search list, unless +search is given (then with ndots from
 * resolv.conf or +ndots). The header id is derived from the query so the
 * output is stable; query times are modelled (0 ms for CoreDNS's own
 * answers, 4 ms when the upstream resolver is involved).
 */
import { fnv1a32 } from '../cluster/hash.ts'
import { canonicalIP } from '../net/ip.ts'
import type { Invocation, Output, Program } from '../shell/types.ts'
import { digTime, groupRRsets, questionLine, recordLine, unreachable } from './bind-text.ts'
import type { DnsLookupData } from './lookup.ts'
import { lookupData } from './lookup.ts'
import type { DnsMessage, RRType } from './message.ts'
import { isRRType } from './message.ts'
import { fqdn, isSubdomain, reverseName } from './names.ts'
import type { ResolvConf } from './resolv-conf.ts'
import { resolvConfFor } from './resolv-conf.ts'
import type { Attempt } from './stub-resolver.ts'
import { bindSearch, glibcSearch } from './stub-resolver.ts'
import { sendQuery } from './transport.ts'
import { recordQueries } from './query-record.ts'
import { messageSize } from './wire.ts'

/** The dig these images ship (Debian bookworm's dnsutils). */
export const DIG_VERSION = '9.18.33-1~deb12u2-Debian'

interface DigOptions {
  server?: string
  name?: string
  type?: RRType
  short: boolean
  search: boolean
  showSearch: boolean
  ndots?: number
  cmd: boolean
  comments: boolean
  question: boolean
  answer: boolean
  authority: boolean
  additional: boolean
  stats: boolean
  recurse: boolean
  tcp: boolean
  cookie: boolean
  edns: boolean
}

const BOOL_OPTIONS: Record<string, (o: DigOptions, on: boolean) => void> = {
  short: (o, on) => {
    o.short = on
    if (on) {
      o.cmd = false
      o.comments = false
      o.stats = false
      o.question = false
      o.authority = false
      o.additional = false
      o.answer = true
    }
  },
  search: (o, on) => (o.search = on),
  showsearch: (o, on) => {
    o.showSearch = on
    if (on) o.search = true
  },
  cmd: (o, on) => (o.cmd = on),
  comments: (o, on) => (o.comments = on),
  question: (o, on) => (o.question = on),
  answer: (o, on) => (o.answer = on),
  authority: (o, on) => (o.authority = on),
  additional: (o, on) => (o.additional = on),
  stats: (o, on) => (o.stats = on),
  recurse: (o, on) => (o.recurse = on),
  tcp: (o, on) => (o.tcp = on),
  vc: (o, on) => (o.tcp = on),
  cookie: (o, on) => (o.cookie = on),
  edns: (o, on) => (o.edns = on),
  all: (o, on) => {
    o.cmd = on
    o.comments = on
    o.question = on
    o.answer = on
    o.authority = on
    o.additional = on
    o.stats = on
  },
  // accepted, no effect on the simulated exchange
  ttlid: () => {},
  class: () => {},
  rrcomments: () => {},
  multiline: () => {},
  identify: () => {},
  ignore: () => {},
  fail: () => {},
  besteffort: () => {},
  dnssec: () => {},
  nsid: () => {},
}

const VALUE_OPTIONS = ['ndots', 'time', 'tries', 'retry', 'bufsize', 'timeout']

function parseArgs(argv: string[]): DigOptions | { error: string } {
  const o: DigOptions = { short: false, search: false, showSearch: false, cmd: true, comments: true, question: true, answer: true, authority: true, additional: true, stats: true, recurse: true, tcp: false, cookie: true, edns: true }
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]
    if (a.startsWith('@')) o.server = a.slice(1)
    else if (a.startsWith('+')) {
      let opt = a.slice(1).toLowerCase()
      const eq = opt.indexOf('=')
      const value = eq >= 0 ? opt.slice(eq + 1) : undefined
      if (eq >= 0) opt = opt.slice(0, eq)
      const on = !opt.startsWith('no')
      const base = on ? opt : opt.slice(2)
      const full = Object.keys(BOOL_OPTIONS).find((k) => k === base) ?? (base.length >= 3 ? Object.keys(BOOL_OPTIONS).find((k) => k.startsWith(base)) : undefined)
      const valueOpt = VALUE_OPTIONS.find((k) => k === base || (base.length >= 3 && k.startsWith(base)))
      if (full) BOOL_OPTIONS[full](o, on)
      else if (valueOpt && value !== undefined) {
        if (valueOpt === 'ndots') {
          if (!/^\d+$/.test(value)) return { error: `Invalid option: +${a.slice(1)}` }
          o.ndots = Number(value)
        }
      } else return { error: `Invalid option: +${a.slice(1)}` }
    } else if (a === '-x') {
      const ip = argv[++i]
      const rev = ip ? reverseName(ip) : undefined
      if (!rev) return { error: `Invalid IP address ${ip ?? ''}` }
      o.name = rev
      o.type = 'PTR'
    } else if (a === '-t') {
      const t = (argv[++i] ?? '').toUpperCase()
      if (!isRRType(t)) return { error: `invalid type: ${argv[i] ?? ''}` }
      o.type = t
    } else if (a === '-q') o.name = argv[++i]
    else if (a === '-p' || a === '-c' || a === '-b' || a === '-k' || a === '-y') i++
    else if (a === '-4' || a === '-6' || a === '-u' || a === '-m' || a === '-r') continue
    else if (a.startsWith('-')) return { error: `Invalid option: ${a}` }
    else if (o.type === undefined && isRRType(a.toUpperCase()) && !(o.name === undefined && a.includes('.'))) o.type = a.toUpperCase() as RRType
    else if (a.toUpperCase() === 'IN' && o.name !== undefined) continue
    else if (o.name === undefined) o.name = a
  }
  return o
}

/** Where dig sends: @SERVER (an address, or a name the system resolver turns into one) or resolv.conf's servers. */
function serversFor(inv: Invocation, conf: ResolvConf, server: string | undefined): string[] | { error: string } {
  if (server === undefined) return conf.nameservers.length ? conf.nameservers : ['127.0.0.1']
  const ip = canonicalIP(server.replace(/^\[|\]$/g, ''))
  if (ip) return [ip]
  const r = glibcSearch(conf, (s, n, t) => sendQuery(inv.cluster, inv.place, s, { name: n, type: t }), server, 'A')
  const a = r.final?.delivery.kind === 'answer' ? r.final.delivery.message.answer.find((x) => x.type === 'A') : undefined
  if (!a) return { error: `dig: couldn't get address for '${server}': not found` }
  return [a.data]
}

/**
 * The `dig` program.
 *
 * @example
 * runCommand(cluster, 'kubectl exec client -- dig SRV _http._tcp.web.prod.svc.cluster.local')
 */
export const digProgram: Program = {
  places: ['pod', 'node', 'workstation'],
  summary: 'query DNS servers (bind9 dig)',
  usage: ['dig [@SERVER] [-x ADDR] [-t TYPE] [+short] [+search] [+showsearch] [+ndots=N] [+noall +answer] [TYPE] NAME'],
  run(inv: Invocation): Output {
    const parsed = parseArgs(inv.argv)
    if ('error' in parsed) {
      return { exitCode: 1, stdout: '', stderr: `${parsed.error}\nUsage:  dig [@global-server] [domain] [q-type] [q-class] {q-opt}\n            {global-d-opt} host [@local-server] {local-d-opt}\n            [ host [@local-server] {local-d-opt} [...]]\n\nUse "dig -h" (or "dig -h | more") for complete list of options\n` }
    }
    const o = parsed
    const name = o.name ?? '.'
    const type: RRType = o.type ?? (o.name === undefined ? 'NS' : 'A')
    const conf = resolvConfFor(inv.cluster, inv.place)
    const servers = serversFor(inv, conf, o.server)
    if ('error' in servers) return { exitCode: 10, stdout: '', stderr: `${servers.error}\n` }
    const send = (s: string, n: string, t: RRType) => sendQuery(inv.cluster, inv.place, s, { name: n, type: t })
    const r = bindSearch({ ...conf, nameservers: servers }, send, name, type, { useSearch: o.search, ndots: o.ndots })
    const cmdline = `; <<>> DiG ${DIG_VERSION} <<>> ${inv.argv.slice(1).join(' ')}`
    const placeKey = inv.place.kind === 'pod' ? `${inv.place.pod.meta.namespace}/${inv.place.pod.meta.name}` : inv.place.kind === 'node' ? inv.place.node.meta.name : 'workstation'
    const data: DnsLookupData = lookupData(r, 'bind9', { name: fqdn(name), type })
    // the queries leave their trace in the run (conntrack, tcpdump, CoreDNS's log): dig's EDNS with
    // UDP size 1232 and, by default, an 8-byte client cookie
    recordQueries(
      inv,
      r.attempts.map((a) => ({ ...a, id: digQueryId(placeKey, a) })),
      { edns: o.edns ? { bufsize: 1232, do: false, ...(o.cookie ? { cookie: 8 } : {}) } : undefined, rd: o.recurse, tcp: o.tcp },
    )

    let out = ''
    // dig.c printgreeting builds the lookup's cmdline once; dighost.c next_origin clones the
    // lookup (cmdline included) before printmessage prints and clears it, so with +showsearch
    // every message of the walk comes with the whole greeting again
    const greeting = () => (o.cmd ? `\n${cmdline}\n${o.server !== undefined ? '; (1 server found)\n' : ''};; global options:${o.short ? ' +short' : ''} +cmd\n` : '')
    const shown = o.showSearch ? r.attempts : r.final ? [r.final] : []
    let reached = false
    for (const a of shown) {
      if (a.delivery.kind !== 'answer') continue
      reached = true
      out += greeting()
      out += printMessage(inv, o, a, a.delivery.message, placeKey)
    }
    if (!reached) {
      const why = r.final?.delivery.kind === 'refused' ? 'connection refused' : 'timed out'
      return { exitCode: 9, stdout: unreachable(servers, why, 3, greeting()), stderr: '', data }
    }
    return { exitCode: 0, stdout: out, stderr: '', data }
  },
}

function hostPort(ip: string): string {
  return `${ip}#53`
}

function hex(seed: string, bytes: number): string {
  let out = ''
  for (let i = 0; out.length < bytes * 2; i++) out += fnv1a32(`${seed}/${i}`).toString(16).padStart(8, '0')
  return out.slice(0, bytes * 2)
}

/** The message id dig gives a query (random in bind9; derived here from the place and the question). */
function digQueryId(placeKey: string, a: Pick<Attempt, 'name' | 'type' | 'server'>): number {
  return fnv1a32(`dig ${placeKey} ${a.name} ${a.type} ${a.server}`) % 65536
}

function printMessage(inv: Invocation, o: DigOptions, a: Attempt, m: DnsMessage, placeKey: string): string {
  const id = digQueryId(placeKey, a)
  if (o.short) {
    return m.answer.map((rr) => `${rr.data}\n`).join('')
  }
  const viaCoreDns = a.delivery.kind === 'answer' && a.delivery.via === 'coredns'
  const cookieBytes = o.cookie && o.edns ? (viaCoreDns ? 8 : 24) : 0
  let out = ''
  if (o.comments) {
    out += ';; Got answer:\n'
    if (isSubdomain(m.question.name, 'local.')) out += ';; WARNING: .local is reserved for Multicast DNS\n;; You are currently testing what happens when an mDNS query is leaked to DNS\n'
    out += `;; ->>HEADER<<- opcode: QUERY, status: ${m.rcode}, id: ${id}\n`
    const rd = o.recurse
    const flags = ['qr', m.aa ? 'aa' : '', rd ? 'rd' : '', m.ra ? 'ra' : ''].filter(Boolean).map((f) => ` ${f}`).join('')
    const additional = m.additional.length + (o.edns ? 1 : 0)
    out += `;; flags:${flags}; QUERY: 1, ANSWER: ${m.answer.length}, AUTHORITY: ${m.authority.length}, ADDITIONAL: ${additional}\n`
    if (rd && !m.ra) out += ';; WARNING: recursion requested but not available\n'
    out += '\n'
    if (o.edns) {
      out += ';; OPT PSEUDOSECTION:\n; EDNS: version: 0, flags:; udp: 1232\n'
      if (cookieBytes) out += `; COOKIE: ${hex(`cookie ${placeKey} ${a.name}`, cookieBytes)} (${cookieBytes === 8 ? 'echoed' : 'good'})\n`
    }
  }
  const section = (title: string, body: string[]) => (body.length ? `${o.comments ? `;; ${title} SECTION:\n` : ''}${body.join('')}${o.comments ? '\n' : ''}` : '')
  if (o.question) out += section('QUESTION', [`${questionLine(a.name, a.type)}\n`])
  if (o.answer) out += section('ANSWER', groupRRsets(m.answer).map((rr) => `${recordLine(rr)}\n`))
  if (o.authority) out += section('AUTHORITY', groupRRsets(m.authority).map((rr) => `${recordLine(rr)}\n`))
  if (o.additional) out += section('ADDITIONAL', groupRRsets(m.additional).map((rr) => `${recordLine(rr)}\n`))
  if (o.stats) {
    const size = messageSize(m, { compress: !viaCoreDns, cookieBytes, edns: o.edns })
    out += `;; Query time: ${m.from === 'coredns' ? 0 : 4} msec\n`
    out += `;; SERVER: ${hostPort(a.server)}(${a.server}) (${o.tcp ? 'TCP' : 'UDP'})\n`
    out += `;; WHEN: ${digTime(inv.cluster.now)}\n`
    out += `;; MSG SIZE  rcvd: ${size}\n\n`
  }
  return out
}
