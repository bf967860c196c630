/**
 * The size of a DNS message on the wire (RFC 1035 4.1), for dig's
 * "MSG SIZE  rcvd". CoreDNS sends a reply uncompressed whenever it fits the
 * client's buffer (request.Scrub → dns.Msg.Truncate leaves Compress off);
 * other resolvers compress names (RFC 1035 4.1.4), except SRV targets
 * (RFC 2782).
 */
import type { DnsMessage, RR } from './message.ts'
import { labels } from './names.ts'

/** Bytes of an EDNS0 OPT record carrying a COOKIE option of `cookieBytes` (RFC 6891, RFC 7873). */
function optSize(cookieBytes: number): number {
  return 11 + (cookieBytes ? 4 + cookieBytes : 0)
}

class NameWriter {
  private seen = new Set<string>()
  constructor(private compress: boolean) {}

  size(name: string, compressible = true): number {
    const ls = labels(name.toLowerCase())
    let n = 0
    for (let i = 0; i < ls.length; i++) {
      const suffix = ls.slice(i).join('.')
      if (this.compress && compressible && this.seen.has(suffix)) {
        for (let j = 0; j < i; j++) this.seen.add(ls.slice(j).join('.'))
        return n + 2
      }
      n += 1 + ls[i].length
    }
    if (this.compress) for (let i = 0; i < ls.length; i++) this.seen.add(ls.slice(i).join('.'))
    return n + 1
  }
}

function rdataSize(w: NameWriter, rr: RR): number {
  const parts = rr.data.split(' ')
  switch (rr.type) {
    case 'A':
      return 4
    case 'AAAA':
      return 16
    case 'CNAME':
    case 'PTR':
    case 'NS':
      return w.size(rr.data)
    case 'MX':
      return 2 + w.size(parts[1] ?? '.')
    case 'SRV':
      return 6 + w.size(parts[3] ?? '.', false)
    case 'SOA':
      return w.size(parts[0]) + w.size(parts[1]) + 20
    case 'TXT': {
      let n = 0
      for (const m of rr.data.matchAll(/"((?:[^"\\]|\\.)*)"/g)) n += 1 + m[1].replace(/\\(.)/g, '$1').length
      return n
    }
    default:
      return 0
  }
}

/**
 * Bytes of `m` with an OPT record carrying a cookie of `cookieBytes`.
 *
 * @example
 * messageSize(reply, { compress: false, cookieBytes: 8 }) // 110
 */
export function messageSize(m: DnsMessage, opts: { compress: boolean; cookieBytes: number; edns?: boolean }): number {
  const w = new NameWriter(opts.compress)
  let n = 12 + w.size(m.question.name) + 4
  for (const rr of [...m.answer, ...m.authority, ...m.additional]) n += w.size(rr.name) + 10 + rdataSize(w, rr)
  if (opts.edns !== false) n += optSize(opts.cookieBytes)
  return n
}
