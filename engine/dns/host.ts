/**
 * `host` (bind9 bin/dig/host.c, 9.18): the search list with ndots (NXDOMAIN
 * moves on to the next candidate), then for the name found an AAAA and an MX
 * query sent as is; one line per record ("has address", "is an alias for",
 * "has SRV record", …). An address argument becomes a PTR query. Any failed
 * lookup makes the exit status 1.
 */
import type { Invocation, Output, Program } from '../shell/types.ts'
import { formatName, unreachable } from './bind-text.ts'
import { lookupData } from './lookup.ts'
import type { DnsMessage, RR, RRType } from './message.ts'
import { RCODE_NUMBERS, isRRType } from './message.ts'
import { fqdn, reverseName } from './names.ts'
import { resolvConfFor } from './resolv-conf.ts'
import type { Attempt } from './stub-resolver.ts'
import { bindSearch, query } from './stub-resolver.ts'
import { withQueryRecord } from './query-record.ts'
import type { Send } from './query-record.ts'
import { canonicalIP } from '../net/ip.ts'

const PHRASES: Partial<Record<RRType, string>> = {
  A: 'has address',
  NS: 'name server',
  CNAME: 'is an alias for',
  PTR: 'domain name pointer',
  HINFO: 'host information',
  MX: 'mail is handled by',
  TXT: 'descriptive text',
  AAAA: 'has IPv6 address',
}

function line(rr: RR): string {
  return `${formatName(rr.name)} ${PHRASES[rr.type] ?? `has ${rr.type} record`} ${rr.data}\n`
}

const USAGE =
  'Usage: host [-aCdilrTvVw] [-c class] [-N ndots] [-t type] [-W time]\n            [-R number] [-m flag] [-p port] hostname [server]\n'

/**
 * The `host` program.
 *
 * @example
 * runCommand(cluster, 'kubectl exec client -- host web')
 */
export const hostProgram: Program = {
  places: ['pod', 'node', 'workstation'],
  summary: 'look a name or address up in DNS (bind9 host)',
  usage: ['host [-t TYPE] [-N NDOTS] NAME|ADDRESS [SERVER]'],
  run(inv: Invocation): Output {
    // bind9's host sends no OPT record, with RD set
    return withQueryRecord(inv, { rd: true }, (send) => host(inv, send))
  },
}

function host(inv: Invocation, send: Send): Output {
  let type: RRType | undefined
  let ndots: number | undefined
  const rest: string[] = []
  const args = inv.argv.slice(1)
  for (let i = 0; i < args.length; i++) {
    const a = args[i]
    if (a === '-t') {
      const t = (args[++i] ?? '').toUpperCase()
      if (!isRRType(t)) return { exitCode: 1, stdout: '', stderr: `host: invalid type: ${args[i] ?? ''}\n` }
      type = t
    } else if (a === '-N') ndots = Number(args[++i])
    else if (['-W', '-R', '-c', '-p', '-m'].includes(a)) i++
    else if (/^-[46aACdilrsTUvVw]+$/.test(a)) continue
    else if (a.startsWith('-')) return { exitCode: 1, stdout: '', stderr: USAGE }
    else rest.push(a)
  }
  const name = rest[0]
  if (!name) return { exitCode: 1, stdout: '', stderr: USAGE }
  const conf = resolvConfFor(inv.cluster, inv.place)
  const serverArg = rest[1]
  const servers = serverArg !== undefined ? [canonicalIP(serverArg) ?? serverArg] : conf.nameservers.length ? conf.nameservers : ['127.0.0.1']
  const c = { ...conf, nameservers: servers }
  const ptr = type === undefined ? reverseName(name) : undefined
  const defaultLookups = type === undefined && !ptr
  const first = bindSearch(c, send, ptr ?? name, type ?? (ptr ? 'PTR' : 'A'), { useSearch: true, ndots })
  const data = lookupData(first, 'bind9', { name: fqdn(ptr ?? name), type: type ?? (ptr ? 'PTR' : 'A') })
  let out = serverArg !== undefined ? `Using domain server:\nName: ${serverArg}\nAddress: ${servers[0]}#53\nAliases: \n\n` : ''
  const fin = first.final!
  if (fin.delivery.kind !== 'answer') {
    return { exitCode: 1, stdout: out + unreachable(servers, fin.delivery.kind === 'refused' ? 'connection refused' : 'timed out', 2), stderr: '', data }
  }
  let failed = false
  const print = (a: Attempt, m: DnsMessage, typed: string) => {
    if (m.rcode !== 'NOERROR') {
      failed = true
      out += `Host ${m.rcode === 'NXDOMAIN' ? typed : formatName(a.name)} not found: ${RCODE_NUMBERS[m.rcode]}(${m.rcode})\n`
      return
    }
    out += m.answer.map(line).join('')
    if (!defaultLookups && m.answer.length === 0) out += `${formatName(a.name)} has no ${a.type} record\n`
  }
  print(fin, fin.delivery.message, name)
  if (defaultLookups && fin.delivery.message.rcode === 'NOERROR') {
    // AAAA and MX for the name found, after its CNAME chain (host.c printmessage, chase_cnamechain)
    let target = fin.name
    for (const rr of fin.delivery.message.answer) if (rr.type === 'CNAME' && rr.name.toLowerCase() === target.toLowerCase()) target = rr.data
    for (const t of ['AAAA', 'MX'] as const) {
      const a = query(c, send, fqdn(target), t)
      data.tried.push(a.name)
      if (a.delivery.kind !== 'answer') {
        failed = true
        out += unreachable(servers, a.delivery.kind === 'refused' ? 'connection refused' : 'timed out', 2)
        continue
      }
      data.answers.push(...a.delivery.message.answer.map((rr) => ({ name: rr.name, type: rr.type, ttl: rr.ttl, data: rr.data })))
      print(a, a.delivery.message, formatName(target))
    }
  }
  return { exitCode: failed ? 1 : 0, stdout: out, stderr: '', data }
}
