/**
 * The resolvers inside a Pod, a node or the workstation: which names they
 * try, in which order, and when they stop. A name with fewer dots than
 * `ndots` is first tried with each search suffix, because it is taken to be
 * relative; `ndots:5` in Pods makes "web", "web.prod" and even
 * "web.prod.svc.cluster.local" (4 dots) relative. Four algorithms are modelled:
 *
 * - glibc (Debian, Ubuntu, distroless, … and uClibc-ng, which shares the BSD
 *   code): resolv/res_query.c __res_context_search. Enough dots → as is
 *   first, then the search list; fewer → the search list, then as is. NXDOMAIN
 *   and NODATA both move on to the next candidate; SERVFAIL moves on too; any
 *   other failure stops the walk. All fail → the as-is error, else NODATA if
 *   any candidate had it, else NXDOMAIN.
 * - musl (Alpine; busybox's -musl builds): src/network/lookup_name.c
 *   name_from_dns_search, for addresses. Enough dots (or a trailing dot) → as
 *   is only, never the search list; fewer → each suffix in order, then as is.
 *   Only NXDOMAIN moves on: NODATA or SERVFAIL for a candidate ends the
 *   lookup. Candidates are tried one after another (musl sends the A and AAAA
 *   queries of one candidate together, not the candidates). Other record
 *   types go through res_search, which in musl is res_query: no search list.
 * - bind9's dig +search, host and nslookup (bin/dig/dighost.c next_origin):
 *   enough dots → as is only (next_origin gives up once the name's labels
 *   outnumber ndots); fewer → the search list, then as is. Only NXDOMAIN
 *   moves on; NODATA is the answer.
 * - BusyBox nslookup (networking/nslookup.c add_query_with_search): no ndots
 *   at all; a name without a dot gets one query per search domain (never the
 *   bare name), a name with a dot is sent as is. All queries go out together.
 */
import type { DnsMessage, RRType } from './message.ts'
import { countDots, fqdn, labels } from './names.ts'
import type { ResolvConf } from './resolv-conf.ts'
import { hasOption, ndotsOf } from './resolv-conf.ts'
import type { Delivery } from './transport.ts'

export type Libc = 'glibc' | 'musl'

export interface Attempt {
  /** absolute name sent */
  name: string
  type: RRType
  /** the server that answered, or the last one tried */
  server: string
  delivery: Delivery
}

export type Status = 'answer' | 'nodata' | 'nxdomain' | 'servfail' | 'refused' | 'timeout' | 'error'

export interface StubResult {
  attempts: Attempt[]
  status: Status
  /** the reply the result rests on (the successful one, or the one whose error is reported) */
  final?: Attempt
}

/** Sends one query to one server. */
export type Send = (server: string, name: string, type: RRType) => Delivery

/**
 * Which C library's resolver an image uses. Alpine-based images (alpine,
 * nicolaka/netshoot, *-alpine tags) and busybox's -musl builds use musl; the
 * default busybox builds are uClibc-ng or glibc, whose res_search is the same
 * BSD algorithm as glibc's; everything else is taken to be glibc.
 *
 * @example
 * libcOf('alpine:3.20') // 'musl'
 * libcOf('busybox:1.36') // 'glibc'
 */
export function libcOf(image: string): Libc {
  const i = image.toLowerCase()
  const repo = i.replace(/@.*$/, '')
  const tag = repo.includes(':') ? repo.slice(repo.lastIndexOf(':') + 1) : ''
  const name = repo.replace(/:[^/]*$/, '')
  if (/(^|\/)alpine$/.test(name) || tag.includes('alpine') || tag.endsWith('musl') || /(^|\/)netshoot$/.test(name)) return 'musl'
  return 'glibc'
}

/** The query sent for a candidate: `name` under `domain`, absolute. */
function candidate(name: string, domain: string | undefined): string {
  const base = name.endsWith('.') ? name.slice(0, -1) : name
  if (domain === undefined) return fqdn(base)
  const d = domain.endsWith('.') ? domain.slice(0, -1) : domain
  return d === '' ? fqdn(base) : `${base}.${d}.`
}

/** res_send: the servers of resolv.conf in order until one answers. */
export function query(conf: ResolvConf, send: Send, name: string, type: RRType): Attempt {
  const servers = conf.nameservers.length ? conf.nameservers : ['127.0.0.1']
  let last: Attempt | undefined
  for (const server of servers) {
    const delivery = send(server, name, type)
    last = { name, type, server, delivery }
    if (delivery.kind === 'answer') return last
  }
  return last!
}

function classify(a: Attempt): Status {
  if (a.delivery.kind !== 'answer') return a.delivery.kind
  const m: DnsMessage = a.delivery.message
  if (m.rcode === 'NXDOMAIN') return 'nxdomain'
  if (m.rcode === 'SERVFAIL') return 'servfail'
  if (m.rcode !== 'NOERROR') return m.rcode === 'REFUSED' ? 'refused' : 'error'
  return m.answer.length ? 'answer' : 'nodata'
}

/** What glibc makes of one name's queries: its h_errno-like status, and whether res_query succeeded (returned > 0). */
interface GlibcVerdict {
  status: Status
  answered: boolean
}

/**
 * glibc's search walk (resolv/res_query.c __res_context_search), once for both
 * of its callers: res_search with one type, and getaddrinfo with A and AAAA
 * together (T_QUERY_A_AND_AAAA). `run` sends the queries for one absolute
 * name and returns the step; `verdict` reads it. With as many dots as ndots
 * (or a trailing dot) the name as is goes first; then each search domain,
 * where NXDOMAIN moves on, NODATA and SERVFAIL are remembered and move on,
 * ECONNREFUSED gives up at once ("If no server present, give up") and any
 * other error ends the list; then the name as is, unless it was tried first
 * or "." was on the list (or no-tld-query forbids a dotless one). The error
 * reported is the first as-is attempt's, else NODATA, else SERVFAIL, else the
 * last one's.
 */
function glibcWalk<S>(conf: ResolvConf, name: string, run: (absolute: string) => S, verdict: (step: S) => GlibcVerdict): S | undefined {
  const ndots = ndotsOf(conf)
  const dots = countDots(name)
  const trailing = name.endsWith('.')
  let last: S | undefined
  const step = (n: string): S => (last = run(n))
  let savedAsIs: S | undefined
  let triedAsIs = false
  if (dots >= ndots || trailing) {
    const s = step(candidate(name, undefined))
    if (verdict(s).answered || trailing) return s
    savedAsIs = s
    triedAsIs = true
  }
  let gotNodata: S | undefined
  let gotServfail: S | undefined
  let searched = false
  let rootOnList = false
  if (!trailing) {
    for (const domain of conf.search) {
      searched = true
      const d = domain.startsWith('.') ? domain.slice(1) : domain
      if (d === '') rootOnList = true
      const s = step(candidate(name, d))
      const v = verdict(s)
      if (v.answered || v.status === 'refused') return s
      if (v.status === 'nodata') gotNodata ??= s
      else if (v.status === 'servfail') gotServfail ??= s
      else if (v.status !== 'nxdomain') break // anything else ends the list; the name as is is still tried below
    }
  }
  const noTld = hasOption(conf, 'no-tld-query')
  if ((dots > 0 || !searched || !noTld) && !(triedAsIs || rootOnList)) {
    const s = step(candidate(name, undefined))
    if (verdict(s).answered) return s
  }
  return savedAsIs ?? gotNodata ?? gotServfail ?? last
}

/**
 * glibc res_search for one type.
 *
 * @example
 * glibcSearch(conf, send, 'web', 'A').attempts.map((a) => a.name)
 * // ['web.default.svc.cluster.local.', 'web.svc.cluster.local.', …]
 */
export function glibcSearch(conf: ResolvConf, send: Send, name: string, type: RRType): StubResult {
  const attempts: Attempt[] = []
  const run = (n: string): Attempt => {
    const a = query(conf, send, n, type)
    attempts.push(a)
    return a
  }
  const final = glibcWalk(conf, name, run, (a) => ({ status: singleStatus(a), answered: classify(a) === 'answer' }))
  return final ? { attempts, status: classify(final), final } : { attempts, status: 'nxdomain' }
}

/**
 * One reply as glibc's search loop sees it: a REFUSED rcode is NO_RECOVERY
 * (it ends the list like any other error), unlike a refused connection
 * (ECONNREFUSED), which gives up the whole search.
 */
function singleStatus(a: Attempt): Status {
  const s = classify(a)
  return s === 'refused' && a.delivery.kind === 'answer' ? 'error' : s
}

/**
 * musl: name_from_dns_search for A/AAAA, res_query (no search) for the rest.
 *
 * @example
 * muslLookup(conf, send, 'web', 'A')
 */
export function muslLookup(conf: ResolvConf, send: Send, name: string, type: RRType): StubResult {
  const attempts: Attempt[] = []
  const run = (n: string) => {
    const a = query(conf, send, n, type)
    attempts.push(a)
    return a
  }
  const addressLookup = type === 'A' || type === 'AAAA'
  const dots = countDots(name)
  const useSearch = addressLookup && dots < ndotsOf(conf) && !name.endsWith('.')
  if (useSearch) {
    for (const domain of conf.search) {
      const a = run(candidate(name, domain))
      const s = classify(a)
      if (s === 'nxdomain') continue
      // a CNAME without the address is EAI_NODATA too: it ends the search as well
      const hasAddress = a.delivery.kind === 'answer' && a.delivery.message.answer.some((r) => r.type === type)
      if (s === 'answer' && !hasAddress) return { attempts, status: 'nodata', final: a }
      return { attempts, status: s, final: a }
    }
  }
  const a = run(candidate(name, undefined))
  return { attempts, status: classify(a), final: a }
}

/**
 * bind9's search (dig +search, host, nslookup): dighost.c setup_lookup and next_origin.
 *
 * @example
 * bindSearch(conf, send, 'web', 'A', { useSearch: true, ndots: 5 })
 */
export function bindSearch(conf: ResolvConf, send: Send, name: string, type: RRType, opts: { useSearch: boolean; ndots?: number }): StubResult {
  const attempts: Attempt[] = []
  const ndots = opts.ndots ?? ndotsOf(conf)
  const absolute = name.endsWith('.')
  const search = conf.search
  const run = (n: string) => {
    const a = query(conf, send, n, type)
    attempts.push(a)
    return a
  }
  let origin: number | undefined // index in the search list, undefined = as is
  let doneAsIs = false
  let needSearch = false
  if (countDots(name) >= ndots || !opts.useSearch || absolute || search.length === 0) {
    origin = undefined
    doneAsIs = true
    needSearch = opts.useSearch && !absolute && search.length > 0
  } else origin = 0
  for (;;) {
    const a = run(candidate(name, origin === undefined ? undefined : search[origin]))
    if (classify(a) !== 'nxdomain' || !(origin !== undefined || needSearch)) return { attempts, status: classify(a), final: a }
    // next_origin
    if (!opts.useSearch || absolute || labels(name).length > ndots) return { attempts, status: 'nxdomain', final: a }
    if (origin === undefined) {
      if (!needSearch) return { attempts, status: 'nxdomain', final: a }
      origin = 0
      needSearch = false
      continue
    }
    const next = origin + 1 < search.length ? origin + 1 : undefined
    if (next === undefined && doneAsIs) return { attempts, status: 'nxdomain', final: a }
    origin = next
    if (origin === undefined) doneAsIs = true
  }
}

/**
 * BusyBox nslookup's queries for one type: one per search domain for a dotless name, else the name as is.
 *
 * @example
 * busyboxNames('kubernetes.default', 'A', ['default.svc.cluster.local']) // ['kubernetes.default.']
 */
export function busyboxNames(name: string, type: RRType, search: string[]): string[] {
  if (type === 'PTR' || search.length === 0 || name.includes('.')) return [fqdn(name)]
  return search.map((d) => candidate(name, d))
}

/**
 * An application's lookup through the libc of its image.
 *
 * @example
 * libcLookup('glibc', conf, send, 'data.prod', 'A').status // 'answer'
 */
export function libcLookup(libc: Libc, conf: ResolvConf, send: Send, name: string, type: RRType): StubResult {
  return libc === 'musl' ? muslLookup(conf, send, name, type) : glibcSearch(conf, send, name, type)
}

// ---- getaddrinfo: the A and AAAA queries of one lookup ----------------------

/** Which addresses a program asks for: AF_UNSPEC (both, the usual), AF_INET or AF_INET6. */
export type Family = 'unspec' | 'inet' | 'inet6'

/** One name of the walk and the queries sent for it (A and AAAA go out together). */
export interface AddressStep {
  /** the absolute name asked */
  name: string
  queries: Attempt[]
  /** what this name decided, in the C library's own terms (see glibcPair, muslPair) */
  status: Status
}

/** An application's address lookup (getaddrinfo) through one C library. */
export interface AddressLookup {
  libc: Libc
  family: Family
  steps: AddressStep[]
  status: Status
  /** the step the result rests on (the answer, or the error reported) */
  final?: AddressStep
  /** A and AAAA records of the answer (after any CNAMEs), in reply order */
  addresses: string[]
}

function typesOf(family: Family): RRType[] {
  return family === 'inet' ? ['A'] : family === 'inet6' ? ['AAAA'] : ['A', 'AAAA']
}

function ask(conf: ResolvConf, send: Send, name: string, family: Family): Attempt[] {
  return typesOf(family).map((t) => query(conf, send, name, t))
}

function reply(a: Attempt): DnsMessage | undefined {
  return a.delivery.kind === 'answer' ? a.delivery.message : undefined
}

function addressesIn(queries: Attempt[]): string[] {
  const out: string[] = []
  for (const q of queries) {
    const m = reply(q)
    if (m) for (const r of m.answer) if (r.type === q.type && (r.type === 'A' || r.type === 'AAAA')) out.push(r.data)
  }
  return out
}

/**
 * glibc's verdict on one name (resolv/res_query.c __res_context_query with
 * T_QUERY_A_AND_AAAA): success when either reply has answer records; else
 * the rcode of the A reply, or of the AAAA reply when the A reply is
 * NOERROR, decides: NXDOMAIN (HOST_NOT_FOUND), SERVFAIL (TRY_AGAIN), NOERROR
 * (NO_DATA), anything else NO_RECOVERY. No reply at all is TRY_AGAIN
 * without SERVFAIL, which ends the search.
 */
function glibcPair(queries: Attempt[]): Status {
  // ECONNREFUSED (an ICMP port unreachable) is 'refused'; silence is 'timeout'
  if (queries.some((q) => q.delivery.kind === 'refused')) return 'refused'
  if (queries.every((q) => q.delivery.kind !== 'answer')) return 'timeout'
  const ms = queries.map(reply)
  if (ms.some((m) => m && m.rcode === 'NOERROR' && m.answer.length > 0)) {
    // answered; without an address record (a CNAME alone) getaddrinfo still ends here, with no address
    return addressesIn(queries).length ? 'answer' : 'nodata'
  }
  const a = ms[0]
  const b = ms[1] ?? a
  const rcode = !a ? b?.rcode : a.rcode === 'NOERROR' ? (b?.rcode ?? a.rcode) : a.rcode
  if (rcode === 'NXDOMAIN') return 'nxdomain'
  if (rcode === 'SERVFAIL') return 'servfail'
  if (rcode === 'NOERROR') return 'nodata'
  // FORMERR, NOTIMP, REFUSED: NO_RECOVERY, which ends the search
  return 'error'
}

/**
 * musl's verdict on one name (src/network/lookup_name.c name_from_dns,
 * musl 1.2.5): the replies are read in order A, AAAA; no reply or SERVFAIL
 * is EAI_AGAIN and NXDOMAIN in any reply is "not here" (the only result that
 * moves on to the next name); another error rcode is EAI_FAIL; otherwise the
 * addresses found, or EAI_NODATA when there are none.
 */
function muslPair(queries: Attempt[]): Status {
  for (const q of queries) {
    const m = reply(q)
    if (!m) return q.delivery.kind === 'refused' ? 'refused' : 'timeout'
    if (m.rcode === 'SERVFAIL') return 'servfail'
    if (m.rcode === 'NXDOMAIN') return 'nxdomain'
    if (m.rcode !== 'NOERROR') return 'error'
  }
  return addressesIn(queries).length ? 'answer' : 'nodata'
}

/**
 * getaddrinfo through glibc's DNS module (nss_dns _nss_dns_gethostbyname4_r →
 * __res_context_search with A and AAAA in one call): the search walk of
 * glibcSearch, where each name costs both queries, sent together on one
 * socket (options single-request sends them one after the other; the names
 * and the order do not change).
 *
 * @example
 * glibcAddressLookup(conf, send, 'web', 'unspec').steps.map((s) => s.name)
 * // ['web.default.svc.cluster.local.']
 */
export function glibcAddressLookup(conf: ResolvConf, send: Send, name: string, family: Family = 'unspec'): AddressLookup {
  const steps: AddressStep[] = []
  const run = (n: string): AddressStep => {
    const queries = ask(conf, send, n, family)
    const step = { name: n, queries, status: glibcPair(queries) }
    steps.push(step)
    return step
  }
  const final = glibcWalk(conf, name, run, (s) => ({ status: s.status, answered: s.status === 'answer' || hasAnswerRecords(s) }))
  if (!final) return { libc: 'glibc', family, steps, status: 'nxdomain', addresses: [] }
  return { libc: 'glibc', family, steps, status: final.status, final, addresses: final.status === 'answer' ? addressesIn(final.queries) : [] }
}

/** glibc's res_query succeeded (some reply had answer records), whatever getaddrinfo then found in them. */
function hasAnswerRecords(s: AddressStep): boolean {
  return s.queries.some((q) => {
    const m = reply(q)
    return !!m && m.rcode === 'NOERROR' && m.answer.length > 0
  })
}

/**
 * getaddrinfo through musl (src/network/lookup_name.c name_from_dns_search,
 * musl 1.2.5): with fewer dots than ndots and no trailing dot, each search
 * domain in turn, then the name as is; otherwise the name as is only. A and
 * AAAA go out together for each name, and only NXDOMAIN moves on: NODATA,
 * SERVFAIL or no reply ends the lookup there.
 *
 * @example
 * muslAddressLookup(conf, send, 'web.prod', 'unspec').steps.length // 2 when web.prod.svc.cluster.local answers
 */
export function muslAddressLookup(conf: ResolvConf, send: Send, name: string, family: Family = 'unspec'): AddressLookup {
  const steps: AddressStep[] = []
  const run = (n: string): AddressStep => {
    const queries = ask(conf, send, n, family)
    const step = { name: n, queries, status: muslPair(queries) }
    steps.push(step)
    return step
  }
  const done = (final: AddressStep): AddressLookup => ({ libc: 'musl', family, steps, status: final.status, final, addresses: final.status === 'answer' ? addressesIn(final.queries) : [] })
  const useSearch = countDots(name) < ndotsOf(conf) && !name.endsWith('.')
  if (useSearch) {
    for (const domain of conf.search) {
      const s = run(candidate(name, domain))
      if (s.status !== 'nxdomain') return done(s)
    }
  }
  return done(run(candidate(name, undefined)))
}

/**
 * An application's getaddrinfo through the libc of its image.
 *
 * @example
 * addressLookup('musl', conf, send, 'backend.prod').status // 'nxdomain' with ndots:1
 */
export function addressLookup(libc: Libc, conf: ResolvConf, send: Send, name: string, family: Family = 'unspec'): AddressLookup {
  return libc === 'musl' ? muslAddressLookup(conf, send, name, family) : glibcAddressLookup(conf, send, name, family)
}
