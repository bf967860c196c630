/**
 * `nslookup`, in the two forms Pods carry:
 *
 * - BusyBox's (busybox and alpine images; networking/nslookup.c, 1.36):
 *   its own resolver. A dotless name is sent once per search domain and never
 *   bare; a name with a dot is sent as is (no ndots). With no -type it asks A
 *   and AAAA (PTR for an address), sends every query at once and prints every
 *   reply: "** server can't find …: NXDOMAIN" for each failed one, which
 *   also makes the exit status 1 even when another query found the name.
 *   Replies are printed in query order (on a real network, in arrival order).
 * - bind9's (Debian/Ubuntu dnsutils: every other image, nodes, the
 *   workstation; bin/dig/nslookup.c): the search list with ndots, NXDOMAIN
 *   moving on to the next candidate, then an AAAA query for the name found.
 */
import type { Invocation, Output, Program } from '../shell/types.ts'
import { formatName, unreachable } from './bind-text.ts'
import type { DnsLookupData } from './lookup.ts'
import { lookupData } from './lookup.ts'
import type { DnsMessage, RR, RRType } from './message.ts'
import { isRRType } from './message.ts'
import { fqdn, reverseName } from './names.ts'
import type { ResolvConf } from './resolv-conf.ts'
import { resolvConfFor } from './resolv-conf.ts'
import type { Attempt } from './stub-resolver.ts'
import { bindSearch, busyboxNames, query } from './stub-resolver.ts'
import { withQueryRecord } from './query-record.ts'
import type { Send } from './query-record.ts'
import { canonicalIP, ipFamilyOf } from '../net/ip.ts'
import { placeContainer } from '../model/containers.ts'

/** Which nslookup an image carries. */
export function nslookupFlavor(inv: Invocation): 'busybox' | 'bind' {
  const place = inv.place
  if (place.kind !== 'pod') return 'bind'
  const image = (place.image ?? placeContainer(place.pod, place.container)?.image ?? '').toLowerCase()
  return /busybox|alpine/.test(image) ? 'busybox' : 'bind'
}

/**
 * The `nslookup` program.
 *
 * @example
 * runCommand(cluster, 'kubectl exec busybox -- nslookup my-service')
 */
export const nslookupProgram: Program = {
  places: ['pod', 'node', 'workstation'],
  summary: 'query DNS for a name (BusyBox nslookup in busybox/alpine images, bind9 elsewhere)',
  usage: ['nslookup [-type=TYPE] NAME [SERVER]'],
  run(inv: Invocation): Output {
    // bind9's nslookup and BusyBox's send no OPT record, with RD set
    return withQueryRecord(inv, { rd: true }, (send) => (nslookupFlavor(inv) === 'busybox' ? busybox(inv, send) : bind(inv, send)))
  },
}

const BUSYBOX_TYPES: RRType[] = ['SOA', 'NS', 'A', 'AAAA', 'CNAME', 'MX', 'TXT', 'SRV', 'PTR', 'ANY']

function busyboxUsage(): Output {
  return {
    exitCode: 1,
    stdout: '',
    stderr: 'BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\nUsage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]\n\nQuery DNS about HOST\n\nQUERY_TYPE: soa,ns,a,aaaa,cname,mx,txt,ptr,srv,any\n',
  }
}

/** Owner and target names as BusyBox prints them: ns_name_uncompress, no final dot. */
function bare(name: string): string {
  return formatName(name)
}

function busyboxRecord(rr: RR): string {
  switch (rr.type) {
    case 'A':
    case 'AAAA':
      return `Name:\t${bare(rr.name)}\nAddress: ${rr.data}\n`
    case 'NS':
      return `${bare(rr.name)}\tnameserver = ${bare(rr.data)}\n`
    case 'CNAME':
      return `${bare(rr.name)}\tcanonical name = ${bare(rr.data)}\n`
    case 'PTR':
      return `${bare(rr.name)}\tname = ${bare(rr.data)}\n`
    case 'MX': {
      const [pref, host] = rr.data.split(' ')
      return `${bare(rr.name)}\tmail exchanger = ${pref} ${bare(host)}\n`
    }
    case 'TXT':
      return `${bare(rr.name)}\ttext = ${rr.data}\n`
    case 'SRV': {
      const [p, w, port, target] = rr.data.split(' ')
      return `${bare(rr.name)}\tservice = ${p} ${w} ${port} ${bare(target)}\n`
    }
    case 'SOA': {
      const [mname, rname, serial, refresh, retry, expire, minimum] = rr.data.split(' ')
      return `${bare(rr.name)}\n\torigin = ${bare(mname)}\n\tmail addr = ${bare(rname)}\n\tserial = ${serial}\n\trefresh = ${refresh}\n\tretry = ${retry}\n\texpire = ${expire}\n\tminimum = ${minimum}\n`
    }
    default:
      return ''
  }
}

/** "10.96.0.10:53", "[fd00::a]:53" (xmalloc_sockaddr2dotted) */
function sockaddr(ip: string): string {
  return ipFamilyOf(ip) === 'IPv6' ? `[${ip}]:53` : `${ip}:53`
}

function busybox(inv: Invocation, send: Send): Output {
  const types: RRType[] = []
  const args = inv.argv.slice(1)
  let i = 0
  for (; i < args.length && args[i].startsWith('-'); i++) {
    const [opt, val = ''] = args[i].slice(1).split('=')
    if (opt === 'type' || opt === 'querytype' || opt === 'query' || opt === 'q') {
      const t = val.toUpperCase()
      if (!BUSYBOX_TYPES.includes(t as RRType)) return { exitCode: 1, stdout: '', stderr: `nslookup: invalid query type "${val}"\n` }
      if (!types.includes(t as RRType)) types.push(t as RRType)
    } else if (['port', 'retry', 'debug', 't', 'timeout'].includes(opt)) continue
    else return busyboxUsage()
  }
  const host = args[i]
  const serverArg = args[i + 1]
  if (!host || args.length > i + 2) return busyboxUsage()
  const conf = resolvConfFor(inv.cluster, inv.place)
  const servers = serverArg !== undefined ? [canonicalIP(serverArg) ?? serverArg] : conf.nameservers.length ? conf.nameservers : ['127.0.0.1']
  // search domains from the "search" (or "domain") line; "domain ." means none
  const search = conf.search.length === 1 && conf.search[0] === '.' ? [] : conf.search

  const queries: { name: string; type: RRType; shown: string }[] = []
  if (types.length === 0) {
    const ptr = reverseName(host)
    if (ptr) queries.push({ name: ptr, type: 'PTR', shown: ptr.slice(0, -1) })
    else
      for (const t of ['A', 'AAAA'] as const) for (const n of busyboxNames(host, t, search)) queries.push({ name: n, type: t, shown: host.includes('.') || search.length === 0 ? host : n.slice(0, -1) })
  } else {
    for (const t of BUSYBOX_TYPES.filter((x) => types.includes(x))) for (const n of busyboxNames(host, t, search)) queries.push({ name: n, type: t, shown: host.includes('.') || search.length === 0 || t === 'PTR' ? host : n.slice(0, -1) })
  }

  for (const server of servers) {
    const attempts: Attempt[] = queries.map((q) => ({ name: q.name, type: q.type, server, delivery: send(server, q.name, q.type) }))
    if (!attempts.some((a) => a.delivery.kind === 'answer')) continue
    let out = `Server:\t\t${server}\nAddress:\t${sockaddr(server)}\n\n`
    let exitCode = 0
    attempts.forEach((a, k) => {
      if (a.delivery.kind !== 'answer') return
      const m = a.delivery.message
      if (m.rcode !== 'NOERROR') {
        out += `** server can't find ${queries[k].shown}: ${m.rcode}\n`
        exitCode = 1
      } else {
        if (!m.aa) out += 'Non-authoritative answer:\n'
        out += m.answer.map(busyboxRecord).join('')
      }
      out += '\n'
    })
    const unanswered = attempts.filter((a) => a.delivery.kind !== 'answer')
    if (unanswered.length) {
      out += unanswered.map((a) => `*** Can't find ${bare(a.name)}: No answer\n`).join('') + '\n'
    }
    return { exitCode, stdout: out, stderr: '', data: busyboxData(attempts, queries[0]) }
  }
  // no server answered: a rejected packet shows as a read error first (ECONNREFUSED), then the timeout
  const last = servers[servers.length - 1]
  const refused = send(last, queries[0].name, queries[0].type).kind === 'refused'
  const attempts: Attempt[] = queries.map((q) => ({ name: q.name, type: q.type, server: last, delivery: { kind: refused ? 'refused' : 'timeout' } }))
  return { exitCode: 1, stdout: ';; connection timed out; no servers could be reached\n\n', stderr: refused ? 'nslookup: read: Connection refused\n' : '', data: busyboxData(attempts, queries[0]) }
}

/** The data of a BusyBox run: the first query that found records decides; every query is listed in `tried`. */
function busyboxData(attempts: Attempt[], first: { name: string; type: RRType }): DnsLookupData {
  const found = attempts.find((a) => a.delivery.kind === 'answer' && a.delivery.message.rcode === 'NOERROR' && a.delivery.message.answer.length > 0)
  const final = found ?? attempts.find((a) => a.delivery.kind === 'answer') ?? attempts[attempts.length - 1]
  const d = lookupData({ attempts, status: 'answer', final }, 'busybox', { name: first.name, type: first.type })
  // every answer BusyBox printed, not only the deciding reply's
  d.answers = attempts.flatMap((a) => (a.delivery.kind === 'answer' ? a.delivery.message.answer.map((r) => ({ name: r.name, type: r.type, ttl: r.ttl, data: r.data })) : []))
  return d
}

// ---- bind9 nslookup -------------------------------------------------------

function bindRecord(rr: RR, section: 'answer' | 'other'): string {
  const name = formatName(rr.name)
  if ((rr.type === 'A' || rr.type === 'AAAA') && section === 'answer') return `Name:\t${name}\nAddress: ${rr.data}\n`
  if (rr.type === 'SOA') {
    const [mname, rname, serial, refresh, retry, expire, minimum] = rr.data.split(' ')
    return `${name}\n\torigin = ${mname}\n\tmail addr = ${rname}\n\tserial = ${serial}\n\trefresh = ${refresh}\n\tretry = ${retry}\n\texpire = ${expire}\n\tminimum = ${minimum}\n`
  }
  const text: Partial<Record<RRType, string>> = { A: 'internet address = ', AAAA: 'has AAAA address ', NS: 'nameserver = ', CNAME: 'canonical name = ', PTR: 'name = ', MX: 'mail exchanger = ', TXT: 'text = ', SRV: 'service = ' }
  return `${name}\t${text[rr.type] ?? `rdata_${rr.type} = `}${rr.data}\n`
}

function bind(inv: Invocation, send: Send): Output {
  const args = inv.argv.slice(1)
  let type: RRType | undefined
  let useSearch = true
  let ndots: number | undefined
  const rest: string[] = []
  for (const a of args) {
    if (a.startsWith('-') && a.length > 1) {
      const [opt, val = ''] = a.slice(1).split('=')
      const o = opt.toLowerCase()
      if (['type', 'ty', 'querytype', 'query', 'qu', 'q'].includes(o)) {
        const t = val.toUpperCase()
        if (!isRRType(t)) return { exitCode: 1, stdout: `unknown query type: ${val}\n`, stderr: '' }
        type = t
      } else if (o === 'nosearch') useSearch = false
      else if (o === 'search') useSearch = true
      else if (o === 'ndots' && /^\d+$/.test(val)) ndots = Number(val)
      else if (['debug', 'nodebug', 'd2', 'nod2', 'vc', 'novc', 'recurse', 'norecurse', 'fail', 'nofail', 'port', 'po', 'timeout', 't', 'retry', 'ret', 'class', 'cl', 'domain', 'do'].includes(o)) continue
      else return { exitCode: 1, stdout: `*** Invalid option: ${a.slice(1)}\n`, stderr: '' }
    } else rest.push(a)
  }
  const host = rest[0]
  if (!host) {
    return { exitCode: 1, stdout: '', stderr: 'nslookup: interactive mode is not simulated: give a name, e.g. nslookup kubernetes.default\n' }
  }
  const conf: ResolvConf = resolvConfFor(inv.cluster, inv.place)
  const servers = rest[1] !== undefined ? [canonicalIP(rest[1]) ?? rest[1]] : conf.nameservers.length ? conf.nameservers : ['127.0.0.1']
  const c = { ...conf, nameservers: servers }
  const ptr = reverseName(host)
  const defaultLookups = type === undefined && !ptr
  const firstType: RRType = type ?? (ptr ? 'PTR' : 'A')
  const firstName = ptr && type === undefined ? ptr : host
  const r = bindSearch(c, send, firstName, firstType, { useSearch, ndots })
  const final = r.final!
  const data = lookupData(r, 'bind9', { name: fqdn(firstName), type: firstType })
  if (final.delivery.kind !== 'answer') {
    return { exitCode: 1, stdout: `${unreachable(servers, final.delivery.kind === 'refused' ? 'connection refused' : 'timed out', 3)}\n`, stderr: '', data }
  }
  let out = `Server:\t\t${rest[1] ?? final.server}\nAddress:\t${final.server}#53\n\n`
  let exitCode = 0
  const m: DnsMessage = final.delivery.message
  if (m.rcode !== 'NOERROR') {
    out += `** server can't find ${formatName(final.name)}: ${m.rcode}\n`
    return { exitCode: 1, stdout: `${out}\n`, stderr: '', data }
  }
  if (!m.aa && (!defaultLookups || firstType === 'A')) out += 'Non-authoritative answer:\n'
  const aNoAnswer = m.answer.length === 0
  if (m.answer.length) out += m.answer.map((rr) => bindRecord(rr, 'answer')).join('')
  else if (!defaultLookups) out += `*** Can't find ${host}: No answer\n`
  if (!m.aa && firstType !== 'A' && firstType !== 'AAAA') {
    out += '\nAuthoritative answers can be found from:\n'
    out += m.authority.map((rr) => bindRecord(rr, 'other')).join('') + m.additional.map((rr) => bindRecord(rr, 'other')).join('')
  }
  if (defaultLookups) {
    // the AAAA query for the name found (after CNAMEs), as is
    let target = final.name
    for (const rr of m.answer) if (rr.type === 'CNAME' && rr.name.toLowerCase() === target.toLowerCase()) target = rr.data
    const aaaa = query(c, send, fqdn(target), 'AAAA')
    data.tried.push(aaaa.name)
    if (aaaa.delivery.kind === 'answer') {
      const m6 = aaaa.delivery.message
      data.answers.push(...m6.answer.map((rr) => ({ name: rr.name, type: rr.type, ttl: rr.ttl, data: rr.data })))
      if (m6.rcode !== 'NOERROR') {
        out += `** server can't find ${formatName(aaaa.name)}: ${m6.rcode}\n`
        exitCode = 1
      } else if (m6.answer.length) out += m6.answer.map((rr) => bindRecord(rr, 'answer')).join('')
      else if (aNoAnswer) out += `*** Can't find ${host}: No answer\n`
    }
  }
  return { exitCode, stdout: `${out}\n`, stderr: '', data }
}
