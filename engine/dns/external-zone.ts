/**
 * The world outside the cluster, as far as DNS goes: the recursive resolver
 * the nodes (and so CoreDNS's `forward . /etc/resolv.conf`) and the reader's
 * workstation use. It knows exactly the names the scenario declares in the
 * Cluster document's `spec.externalHosts` ({name, addresses} or {name, cname});
 * every other name is NXDOMAIN, as an unregistered name is on the Internet.
 * Simplifications: one resolver for every node and the workstation, records
 * with a 300 s TTL, a reverse (PTR) record for each declared address, and
 * negative answers carrying the SOA of the declared name's parent domain (or
 * of the root zone for names under no declared domain).
 */
import type { GenericObject } from '../model/types.ts'
import { canonicalIP, ipFamilyOf } from '../net/ip.ts'
import type { DnsMessage, Question, RR } from './message.ts'
import { addressFromReverse, canonicalName, fqdn, labels } from './names.ts'

export interface ExternalHost {
  /** canonical absolute name */
  name: string
  addresses: string[]
  cname?: string
}

export interface ExternalZone {
  hosts: Map<string, ExternalHost>
  /** names that exist only because a declared name is below them (empty non-terminals, RFC 8020) */
  interior: Set<string>
  /** address → first declared name with it */
  ptr: Map<string, string>
  /** the parent domains of declared names, which get their own SOA */
  domains: Set<string>
  serial: number
}

export const EXTERNAL_TTL = 300

/** Reads the declared hosts (already validated at build time) into a lookup table. */
export function buildExternalZone(objects: GenericObject[], serial: number): ExternalZone {
  const zone: ExternalZone = { hosts: new Map(), interior: new Set(), ptr: new Map(), domains: new Set(), serial }
  for (const o of objects) {
    const name = typeof o.spec.name === 'string' ? canonicalName(o.spec.name) : undefined
    if (!name) continue
    const addresses = (Array.isArray(o.spec.addresses) ? o.spec.addresses : []).map((a) => (typeof a === 'string' ? canonicalIP(a) : undefined)).filter((a): a is string => !!a)
    const cname = typeof o.spec.cname === 'string' && o.spec.cname !== '' ? fqdn(o.spec.cname) : undefined
    if (zone.hosts.has(name)) continue
    zone.hosts.set(name, { name, addresses, cname })
    for (const a of addresses) if (!zone.ptr.has(a)) zone.ptr.set(a, name)
    const ls = labels(name)
    for (let i = 1; i < ls.length; i++) zone.interior.add(`${ls.slice(i).join('.')}.`)
    if (ls.length >= 2) zone.domains.add(`${ls.slice(-2).join('.')}.`)
  }
  return zone
}

/**
 * What a recursive resolver answers for `q`: it follows CNAME chains, sets RA
 * and never AA, and reports the rcode of the last name in the chain (RFC 6604).
 */
export function resolveExternal(zone: ExternalZone, q: Question): DnsMessage {
  const reply: DnsMessage = { rcode: 'NOERROR', aa: false, ra: true, question: q, answer: [], authority: [], additional: [], from: 'upstream' }
  let name = canonicalName(q.name)
  let owner = fqdn(q.name)
  if (q.type === 'PTR') {
    const ip = addressFromReverse(name)
    const target = ip ? zone.ptr.get(ip) : undefined
    if (target) reply.answer.push({ name: owner, type: 'PTR', ttl: EXTERNAL_TTL, data: target })
    else negative(zone, reply, name)
    return reply
  }
  for (let hops = 0; hops < 8; hops++) {
    const host = zone.hosts.get(name)
    if (!host) {
      if (zone.interior.has(name)) soa(zone, reply, name)
      else negative(zone, reply, name)
      return reply
    }
    if (host.cname) {
      reply.answer.push({ name: owner, type: 'CNAME', ttl: EXTERNAL_TTL, data: host.cname })
      if (q.type === 'CNAME') return reply
      owner = host.cname
      name = canonicalName(host.cname)
      continue
    }
    const records = recordsOf(host, owner, q.type)
    reply.answer.push(...records)
    if (records.length === 0) soa(zone, reply, name)
    return reply
  }
  reply.rcode = 'SERVFAIL'
  return reply
}

function recordsOf(host: ExternalHost, owner: string, type: Question['type']): RR[] {
  const out: RR[] = []
  for (const a of host.addresses) {
    const fam = ipFamilyOf(a)
    if ((type === 'A' || type === 'ANY') && fam === 'IPv4') out.push({ name: owner, type: 'A', ttl: EXTERNAL_TTL, data: a })
    if ((type === 'AAAA' || type === 'ANY') && fam === 'IPv6') out.push({ name: owner, type: 'AAAA', ttl: EXTERNAL_TTL, data: a })
  }
  return out
}

function negative(zone: ExternalZone, reply: DnsMessage, name: string): void {
  reply.rcode = 'NXDOMAIN'
  soa(zone, reply, name)
}

/** The SOA a negative answer carries: that of the declared parent domain, else the root's. */
function soa(zone: ExternalZone, reply: DnsMessage, name: string): void {
  const ls = labels(name)
  const domain = ls.length >= 2 ? `${ls.slice(-2).join('.')}.` : undefined
  if (domain && zone.domains.has(domain)) {
    reply.authority.push({ name: domain, type: 'SOA', ttl: 3600, data: `ns1.${domain} hostmaster.${domain} ${zone.serial} 7200 3600 1209600 3600` })
  } else {
    // The root zone's SOA as the root servers publish it (TTL = negative TTL = 86400)
    reply.authority.push({ name: '.', type: 'SOA', ttl: 86400, data: `a.root-servers.net. nstld.verisign-grs.com. ${rootSerial(zone.serial)} 1800 900 604800 86400` })
  }
}

/** The root zone's serial is YYYYMMDDnn; derive it from the simulated time. */
function rootSerial(unix: number): number {
  const d = new Date(unix * 1000)
  return Number(`${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}00`)
}
