/**
 * A DNS message as the simulator passes it between the stub resolvers, CoreDNS
 * and the upstream resolver: header flags, the question and three sections of
 * records whose rdata is kept in presentation form (what dig prints).
 */

/** RR types the tools accept by name, with their codes (IANA DNS parameters). */
export const RR_TYPES = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  PTR: 12,
  HINFO: 13,
  MX: 15,
  TXT: 16,
  AAAA: 28,
  SRV: 33,
  NAPTR: 35,
  DS: 43,
  RRSIG: 46,
  DNSKEY: 48,
  SVCB: 64,
  HTTPS: 65,
  IXFR: 251,
  AXFR: 252,
  ANY: 255,
  CAA: 257,
} as const

export type RRType = keyof typeof RR_TYPES

export function isRRType(text: string): text is RRType {
  return Object.prototype.hasOwnProperty.call(RR_TYPES, text)
}

export type Rcode = 'NOERROR' | 'FORMERR' | 'SERVFAIL' | 'NXDOMAIN' | 'NOTIMP' | 'REFUSED'

export const RCODE_NUMBERS: Record<Rcode, number> = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 }

export interface RR {
  /** owner name, absolute, in the case the server wrote it */
  name: string
  type: RRType
  ttl: number
  /** rdata in presentation form: "10.96.0.1", "0 100 80 web.ns.svc.cluster.local.", "\"1.1.0\"" */
  data: string
}

export interface Question {
  name: string
  type: RRType
}

export interface DnsMessage {
  rcode: Rcode
  /** authoritative answer (CoreDNS's kubernetes plugin sets it; a recursive resolver does not) */
  aa: boolean
  /** recursion available (recursive resolvers set it; CoreDNS's kubernetes plugin does not) */
  ra: boolean
  question: Question
  answer: RR[]
  authority: RR[]
  additional: RR[]
  /** who produced it, for the `data` of the tools */
  from: 'coredns' | 'upstream'
  /**
   * No plugin wrote it: a plugin returned an error code and CoreDNS's server
   * answered for it (core/dnsserver errorFunc). The `log` plugin then logs the
   * bare reply it synthesizes (plugin/log/log.go, CoreDNS ≥ 1.14.5, coredns#8200).
   */
  synthesized?: true
}

/** How a query can fail before any answer comes back. */
export type Outcome = { kind: 'answer'; message: DnsMessage } | { kind: 'timeout' }

