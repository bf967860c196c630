/**
 * Records as bind9's tools print them. dig lays a record out on tab stops
 * (lib/dns/masterdump.c: name, then TTL at column 24, class at 32, type at
 * 40, rdata at 48, tab width 8, and one space when a column is already
 * passed); a parsed message groups records by owner name and type in order
 * of first appearance (lib/dns/message.c), which is the order dig prints.
 */
import type { RR } from './message.ts'

/** masterdump.c indent(): tabs up to the column, or one space when it is reached already. */
function indentTo(column: number, to: number): { text: string; column: number } {
  const target = Math.max(to, column + 1)
  const tabs = Math.floor(target / 8) - Math.floor(column / 8)
  if (tabs > 0) {
    const from = Math.floor(target / 8) * 8
    return { text: '\t'.repeat(tabs) + ' '.repeat(target - from), column: target }
  }
  return { text: ' '.repeat(target - column), column: target }
}

const COLUMNS = { ttl: 24, class: 32, type: 40, rdata: 48 }

/** One record line of dig's sections. */
export function recordLine(rr: RR): string {
  let out = rr.name
  let col = rr.name.length
  for (const [field, value] of [
    ['ttl', String(rr.ttl)],
    ['class', 'IN'],
    ['type', rr.type],
  ] as const) {
    const ind = indentTo(col, COLUMNS[field])
    out += ind.text + value
    col = ind.column + value.length
  }
  const ind = indentTo(col, COLUMNS.rdata)
  return `${out}${ind.text}${rr.data}`
}

/** dig's question line: ";name" then class and type on their columns (the ';' is not counted). */
export function questionLine(name: string, type: string): string {
  let col = name.length
  const c = indentTo(col, COLUMNS.class)
  col = c.column + 2
  const t = indentTo(col, COLUMNS.type)
  return `;${name}${c.text}IN${t.text}${type}`
}

/** Records regrouped as a parsed message holds them: by (owner, type), first appearance first. */
export function groupRRsets(rrs: RR[]): RR[] {
  const groups = new Map<string, RR[]>()
  for (const rr of rrs) {
    const key = `${rr.name.toLowerCase()} ${rr.type}`
    const g = groups.get(key)
    if (g) g.push(rr)
    else groups.set(key, [rr])
  }
  // a set is printed with one TTL, the lowest of its records
  return [...groups.values()].flatMap((g) => {
    const ttl = Math.min(...g.map((r) => r.ttl))
    return g.map((r) => ({ ...r, ttl }))
  })
}

/** dns_name_format: the name without its final dot (the root stays "."). */
export function formatName(name: string): string {
  return name === '.' ? '.' : name.endsWith('.') ? name.slice(0, -1) : name
}

/** strftime("%a %b %d %H:%M:%S %Z %Y") in UTC, as dig prints WHEN. */
export function digTime(iso: string): string {
  const d = new Date(iso)
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
  const p = (n: number) => String(n).padStart(2, '0')
  return `${days[d.getUTCDay()]} ${months[d.getUTCMonth()]} ${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`
}

/**
 * What bind9's tools print when no server answers (dighost.c recv_done:
 * one "communications error" per try and server, then "no servers could be
 * reached"). `tries` is dig's and nslookup's 3, host's 2.
 */
export function unreachable(servers: string[], why: 'timed out' | 'connection refused', tries: number, cmdline = ''): string {
  let out = ''
  for (const s of servers) for (let k = 0; k < tries; k++) out += `;; communications error to ${s}#53: ${why}\n`
  return `${out}${cmdline};; no servers could be reached\n`
}
