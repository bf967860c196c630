/**
 * A CoreDNS server as the Corefile builds it: the query goes to the server
 * block with the longest matching zone (REFUSED when none matches), then
 * through the plugins in CoreDNS's fixed order (plugin.cfg: cache … hosts …
 * kubernetes … forward); a plugin either answers or passes the query on, and
 * when nothing answers the server returns SERVFAIL (plugin.NextOrFailure).
 * The cache plugin caps the TTLs of the reply it passes back
 * (plugin/cache/cache.go ResponseWriter.WriteMsg); the simulator models the
 * first query for a name, so nothing is served from the cache itself.
 */
import type { CachePlugin, HostsPlugin, ServerBlock } from './corefile.ts'
import { serveKubernetes } from './kubernetes-plugin.ts'
import type { DnsMessage, Question, RR } from './message.ts'
import { resolveExternal } from './external-zone.ts'
import { addressFromReverse, canonicalName, fqdn, matchZone } from './names.ts'
import type { DnsView } from './view.ts'
import { ipFamilyOf } from '../net/ip.ts'

const MAX_DEPTH = 8

/**
 * Answers `q` as the cluster's CoreDNS does.
 *
 * @example
 * serveCoreDns(dnsView(cluster), { name: 'kubernetes.default.svc.cluster.local.', type: 'A' })
 */
export function serveCoreDns(view: DnsView, q: Question, depth = 0): DnsMessage {
  const blocks = view.corefile.servers.filter((s) => s.port === 53)
  let block: ServerBlock | undefined
  let best = -1
  for (const s of blocks) {
    const z = matchZone(q.name, s.zones)
    if (z && z.length > best) {
      best = z.length
      block = s
    }
  }
  if (!block) return { rcode: 'REFUSED', aa: false, ra: false, question: q, answer: [], authority: [], additional: [], from: 'coredns' }
  const reply = chain(view, block, q, depth)
  return block.cache && matchZone(q.name, block.cache.zones) ? capTTLs(block.cache, reply) : reply
}

function chain(view: DnsView, block: ServerBlock, q: Question, depth: number): DnsMessage {
  if (block.hosts) {
    const r = serveHosts(block.hosts, q)
    if (r) return r
  }
  if (block.kubernetes) {
    const lookup = (name: string, type: Question['type']): DnsMessage =>
      depth >= MAX_DEPTH ? servfail({ name, type }) : serveCoreDns(view, { name, type }, depth + 1)
    const r = serveKubernetes(view, block.kubernetes, q, lookup)
    if (r.kind === 'reply') return r.message
  }
  if (block.forward && matchZone(q.name, [block.forward.from])) {
    // forward . /etc/resolv.conf (CoreDNS runs with dnsPolicy Default: the node's resolver) or an explicit upstream
    return resolveExternal(view.external, q)
  }
  return servfail(q)
}

/** A plugin's SERVFAIL that nothing wrote (plugin.NextOrFailure, hosts without SOA): the server answers it. */
function servfail(q: Question): DnsMessage {
  return { rcode: 'SERVFAIL', aa: false, ra: false, question: q, answer: [], authority: [], additional: [], from: 'coredns', synthesized: true }
}

/**
 * plugin/hosts ServeDNS (CoreDNS v1.14.6): inline entries; a name it does not
 * hold falls through only with `fallthrough`. Since v1.14.5 an owner `*.zone`
 * answers any name one label below it that has no entry of that family
 * (hostsfile.go lookupStaticHostLocked, wildcard.go), and a query of another
 * type than A, AAAA or PTR goes to the next plugin when `fallthrough` covers it.
 */
function serveHosts(h: HostsPlugin, q: Question): DnsMessage | undefined {
  const name = canonicalName(q.name)
  const inZone = !!matchZone(name, h.zones)
  const reply = (answer: RR[]): DnsMessage => ({ rcode: 'NOERROR', aa: true, ra: false, question: q, answer, authority: [], additional: [], from: 'coredns' })
  if (q.type === 'PTR') {
    const names = h.noReverse ? [] : (h.addrs.get(addressFromReverse(name)) ?? [])
    if (names.length === 0) return undefined
    return reply(names.map((n) => ({ name: fqdn(q.name), type: 'PTR', ttl: h.ttl, data: n })))
  }
  if (!inZone) return undefined
  const falls = h.fallthrough.length > 0 && !!matchZone(name, h.fallthrough)
  const v4 = hostsLookup(h, name, 'IPv4')
  const v6 = hostsLookup(h, name, 'IPv6')
  const ips = q.type === 'A' ? v4 : q.type === 'AAAA' ? v6 : []
  if (q.type !== 'A' && q.type !== 'AAAA' && falls) return undefined
  if (ips.length === 0 && v4.length === 0 && v6.length === 0) {
    if (falls) return undefined
    // plugin/hosts has no SOA to send NXDOMAIN with, so it answers SERVFAIL (and writes nothing)
    return servfail(q)
  }
  return reply(ips.map((ip) => ({ name: fqdn(q.name), type: q.type, ttl: h.ttl, data: ip })))
}

/** One family's addresses for a name: its own entries, else the wildcard one label up (`*.` + the name less its first label). */
function hostsLookup(h: HostsPlugin, name: string, family: 'IPv4' | 'IPv6'): string[] {
  const own = (h.names.get(name) ?? []).filter((ip) => ipFamilyOf(ip) === family)
  if (own.length) return own
  const dot = name.indexOf('.')
  // dns.NextLabel: the top-level label alone has no wildcard above it
  if (dot < 0 || dot === name.length - 1) return []
  return (h.wild.get(`*.${name.slice(dot + 1)}`) ?? []).filter((ip) => ipFamilyOf(ip) === family)
}

/**
 * plugin/cache: every record of the reply gets the TTL the cache would keep
 * it for, clamp(lowest TTL in the message, 5 s, the cache's maximum).
 * `disable success|denial ZONE` stops storing, not this capping.
 */
function capTTLs(c: CachePlugin, m: DnsMessage): DnsMessage {
  const negative = m.rcode === 'NXDOMAIN' || (m.rcode === 'NOERROR' && m.answer.length === 0)
  let duration: number
  if (m.rcode !== 'NOERROR' && m.rcode !== 'NXDOMAIN') duration = 5 // failttl
  else {
    const all = [...m.answer, ...m.authority, ...m.additional]
    // dnsutil.MinimalTTL: no records at all → 5 s; else the lowest TTL, at most an hour
    const msgTTL = all.length === 0 ? 5 : Math.min(3600, ...all.map((r) => r.ttl))
    const max = negative ? c.denialTTL : c.successTTL
    duration = Math.min(Math.max(msgTTL, 5), max)
  }
  const set = (rs: RR[]) => rs.map((r) => ({ ...r, ttl: duration }))
  return { ...m, answer: set(m.answer), authority: set(m.authority), additional: set(m.additional) }
}
