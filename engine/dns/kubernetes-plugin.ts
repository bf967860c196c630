/**
 * CoreDNS's `kubernetes` plugin (CoreDNS v1.14.6, the version kubeadm v1.37
 * installs): the records of the Kubernetes DNS-Based Service Discovery
 * specification (kubernetes/dns docs/specification.md) and exactly where
 * the plugin draws the line between NXDOMAIN and NODATA. The structure
 * follows plugin/kubernetes (parse.go parseRequest, kubernetes.go Records,
 * findServices, findPods, reverse.go serviceRecordForIP, ns.go) and
 * plugin/backend_lookup.go (A, AAAA, SRV, PTR, TXT, CNAME, SOA).
 */
import type { Service } from '../model/types.ts'
import { ipFamilyOf, parseAddr } from '../net/ip.ts'
import type { KubernetesPlugin } from './corefile.ts'
import type { DnsMessage, Question, RR } from './message.ts'
import { addressFromReverse, canonicalName, dashedIP, fqdn, isReverse, isSubdomain, labels, matchZone, trimZone } from './names.ts'
import type { DnsView, EndpointAddress } from './view.ts'

/** The schema version the dns-version TXT record carries (kubernetes.go DNSSchemaVersion). */
export const DNS_SCHEMA_VERSION = '1.1.0'

type LookupError = 'no-items' | 'ns-not-exposed' | 'invalid-request'

/** msg.Service: a host (IP or name) with the port and the name its key spells. */
interface Item {
  host: string
  port: number
  /** the domain msg.Domain(Key) gives: the SRV target and extra-record owner */
  domain: string
  ttl: number
  text?: string
}

interface Found {
  items: Item[]
  error?: LookupError
}

interface RecordRequest {
  port: string
  protocol: string
  endpoint: string
  service: string
  namespace: string
  podOrSvc: string
}

/** What the plugin does with a query: answer it, or hand it to the next plugin. */
export type PluginResult = { kind: 'reply'; message: DnsMessage } | { kind: 'next' }

/** Looks a name up through the whole server again (plugin/pkg/upstream), for CNAME targets outside the zone. */
export type UpstreamLookup = (name: string, type: Question['type']) => DnsMessage

/**
 * Serves one question as plugin/kubernetes ServeDNS does.
 *
 * @example
 * serveKubernetes(view, k8s, { name: 'web.default.svc.cluster.local.', type: 'A' }, lookup)
 */
export function serveKubernetes(view: DnsView, k: KubernetesPlugin, q: Question, upstream: UpstreamLookup): PluginResult {
  const zone = matchZone(q.name, k.zones)
  if (!zone) return { kind: 'next' }
  // the zone keeps the case of the query (handler.go)
  const qzone = zone === '.' ? '.' : fqdn(q.name).slice(fqdn(q.name).length - zone.length)
  const ctx: Ctx = { view, k, zone, qzone, upstream }
  let records: RR[] = []
  let extra: RR[] = []
  let error: LookupError | undefined
  switch (q.type) {
    case 'A':
    case 'AAAA': {
      const r = address(ctx, q.name, q.type, [])
      records = r.records
      error = r.error
      break
    }
    case 'TXT': {
      const r = txt(ctx, q.name)
      records = r.records
      error = r.error
      break
    }
    case 'CNAME': {
      const r = services(ctx, q.name, 'CNAME')
      error = r.error
      const first = r.items[0]
      if (!error && first && !parseAddr(first.host)) records = [{ name: fqdn(q.name), type: 'CNAME', ttl: first.ttl, data: fqdn(first.host) }]
      break
    }
    case 'PTR': {
      const r = ptr(ctx, q.name)
      records = r.records
      error = r.error
      break
    }
    case 'MX': {
      // no Kubernetes record is a mail exchanger: only the error matters
      error = services(ctx, q.name, 'MX').error
      break
    }
    case 'SRV': {
      const r = srv(ctx, q.name)
      records = r.records
      extra = r.extra
      error = r.error
      break
    }
    case 'SOA':
      if (canonicalName(q.name) === zone) records = [soa(ctx)]
      break
    case 'AXFR':
    case 'IXFR':
      return { kind: 'reply', message: { rcode: 'REFUSED', aa: false, ra: false, question: q, answer: [], authority: [], additional: [], from: 'coredns' } }
    case 'NS':
      if (canonicalName(q.name) === zone) {
        const r = ns(ctx, q.name)
        records = r.records
        extra = r.extra
        break
      }
      error = address(ctx, q.name, 'A', []).error
      break
    default:
      // a fake A lookup tells NODATA from NXDOMAIN for every other type
      error = address(ctx, q.name, 'A', []).error
  }

  if (error) {
    if (k.fallthrough.length && matchZone(q.name, k.fallthrough)) return { kind: 'next' }
    return { kind: 'reply', message: negative(ctx, q, 'NXDOMAIN') }
  }
  if (records.length === 0) return { kind: 'reply', message: negative(ctx, q, 'NOERROR') }
  return { kind: 'reply', message: { rcode: 'NOERROR', aa: true, ra: false, question: q, answer: records, authority: [], additional: extra, from: 'coredns' } }
}

interface Ctx {
  view: DnsView
  k: KubernetesPlugin
  /** matched zone, canonical */
  zone: string
  /** matched zone in the query's case */
  qzone: string
  upstream: UpstreamLookup
}

/** plugin.BackendError: the rcode, AA, and the zone's SOA in the authority section. */
function negative(ctx: Ctx, q: Question, rcode: 'NXDOMAIN' | 'NOERROR'): DnsMessage {
  return { rcode, aa: true, ra: false, question: q, answer: [], authority: [soa(ctx)], additional: [], from: 'coredns' }
}

/** plugin.SOA: TTL min(ttl, 300), minimum = ttl, serial = time of the last change seen. */
function soa(ctx: Ctx): RR {
  const z = ctx.qzone
  const ttl = Math.min(ctx.k.ttl, 300)
  const join = (a: string) => (z === '.' ? `${a}.` : `${a}.${z}`)
  return { name: z, type: 'SOA', ttl, data: `${join('ns.dns')} ${join('hostmaster')} ${ctx.view.serial} 7200 1800 86400 ${ctx.k.ttl}` }
}

/** parse.go parseRequest: _port._protocol.service.namespace.pod|svc.zone, endpoint.service…, service… */
function parseRequest(name: string, zone: string): { r: RecordRequest; error?: LookupError } {
  const r: RecordRequest = { port: '', protocol: '', endpoint: '', service: '', namespace: '', podOrSvc: '' }
  const base = trimZone(name, zone)
  // NODATA for the apex and the bare svc/pod subdomains
  if (base === '' || base === 'svc' || base === 'pod') return { r }
  const segs = labels(base)
  let last = segs.length - 1
  r.podOrSvc = segs[last]
  if (r.podOrSvc !== 'pod' && r.podOrSvc !== 'svc') return { r, error: 'invalid-request' }
  if (--last < 0) return { r }
  r.namespace = segs[last]
  if (--last < 0) return { r }
  r.service = segs[last]
  if (--last < 0) return { r }
  if (last === 0) r.endpoint = segs[0]
  else if (last === 1) {
    r.protocol = stripUnderscore(segs[1])
    r.port = stripUnderscore(segs[0])
  } else return { r, error: 'invalid-request' }
  return { r }
}

function stripUnderscore(s: string): string {
  return s.startsWith('_') ? s.slice(1) : s
}

function namespaceExposed(ctx: Ctx, ns: string): boolean {
  if (ctx.k.namespaces.length && !ctx.k.namespaces.includes(ns)) return false
  return ctx.view.namespaces.has(ns)
}

/** kubernetes.go Services(): the backend call behind every record type. */
function services(ctx: Ctx, qname: string, qtype: Question['type']): Found {
  const name = canonicalName(qname)
  // ns.dns.<zone>: the addresses of CoreDNS itself
  if (name === `ns.dns.${ctx.zone}`) {
    const items = nsAddresses(ctx)
      .filter((a) => (qtype === 'A' ? ipFamilyOf(a.ip) === 'IPv4' : qtype === 'AAAA' ? ipFamilyOf(a.ip) === 'IPv6' : false))
      .map((a) => ({ host: a.ip, port: 0, domain: fqdn(qname), ttl: ctx.k.ttl }))
    return { items }
  }
  const found = records(ctx, name)
  // CoreDNS itself (plugin/kubernetes kubernetes.go) answers no SRV for ExternalName Services: it drops CNAME-type items
  if (qtype === 'SRV') return { items: found.items.filter((i) => !!parseAddr(i.host)), error: found.error }
  return found
}

/** kubernetes.go Records() */
function records(ctx: Ctx, name: string): Found {
  const { r, error } = parseRequest(name, ctx.zone)
  if (error) return { items: [], error }
  if (r.podOrSvc === '') return { items: [] }
  if (isReverse(name)) return { items: [], error: 'no-items' }
  if (!namespaceExposed(ctx, r.namespace)) return { items: [], error: 'ns-not-exposed' }
  if (r.podOrSvc === 'pod') return findPods(ctx, r)
  return findServices(ctx, r)
}

/** kubernetes.go findPods: `pods insecure` answers any well-formed address, `verified` only a Pod's. */
function findPods(ctx: Ctx, r: RecordRequest): Found {
  if (ctx.k.pods === 'disabled') return { items: [], error: 'no-items' }
  if (!namespaceExposed(ctx, r.namespace)) return { items: [], error: 'no-items' }
  const podname = r.service
  if (podname === '') return { items: [] }
  const dashes = podname.split('-').length - 1
  const ip = dashes === 3 && !podname.includes('--') ? podname.replaceAll('-', '.') : podname.replaceAll('-', ':')
  const domain = `${podname}.${r.namespace}.pod.${ctx.zone}`
  if (ctx.k.pods === 'insecure') {
    if (!goParseIP(ip)) return { items: [], error: 'no-items' }
    return { items: [{ host: ip, port: 0, domain, ttl: ctx.k.ttl }] }
  }
  const items: Item[] = []
  for (const p of ctx.view.podsByIP.get(ip) ?? []) {
    if (p.meta.namespace.toLowerCase() === r.namespace) items.push({ host: ip, port: 0, domain, ttl: ctx.k.ttl })
  }
  return items.length ? { items } : { items: [], error: 'no-items' }
}

/** Go's net.ParseIP accepts what netip accepts plus IPv4-in-IPv6 forms; the engine's parser covers both. */
function goParseIP(text: string): boolean {
  return !!parseAddr(text)
}

/** kubernetes.go endpointHostname */
function endpointHostname(ctx: Ctx, a: EndpointAddress): string {
  if (a.hostname) return a.hostname
  if (ctx.k.endpointPodNames && a.targetRefName) return a.targetRefName
  return dashedIP(a.ip)
}

function eq(a: string, b: string): boolean {
  return a === b || a.toLowerCase() === b.toLowerCase()
}

function matchPortAndProtocol(aPort: string, bPort: string, aProto: string, bProto: string): boolean {
  return (aPort === '' || eq(aPort, bPort)) && (aProto === '' || eq(aProto, bProto))
}

/** object.Service.Headless: the first ClusterIP is "None". */
function headless(s: Service): boolean {
  return s.clusterIPs[0] === 'None'
}

/** kubernetes.go findServices */
function findServices(ctx: Ctx, r: RecordRequest): Found {
  if (!namespaceExposed(ctx, r.namespace)) return { items: [], error: 'no-items' }
  if (r.service === '') return { items: [] }
  const svc = ctx.view.services.get(`${r.service}.${r.namespace}`)
  const items: Item[] = []
  let error: LookupError | undefined = 'no-items'
  if (!svc) return { items, error }
  const slices = ctx.view.endpoints.get(`${svc.meta.name}.${svc.meta.namespace}`) ?? []
  const svcDomain = `${svc.meta.name}.${svc.meta.namespace}.svc.${ctx.zone}`

  if (ctx.k.ignoreEmptyService && svc.type !== 'ExternalName' && !headless(svc)) {
    if (slices.every((e) => e.addresses.length === 0)) return { items, error }
  }
  if (svc.type === 'ExternalName') {
    // no endpoints, ports or sub-names below an ExternalName Service
    if (r.endpoint || r.port || r.protocol) return { items, error }
    const host = svc.externalName ?? ''
    // only a name becomes a CNAME: an IP in externalName answers nothing (msg.Service.HostType)
    if (host && !parseAddr(host)) return { items: [{ host, port: 0, domain: svcDomain, ttl: ctx.k.ttl }] }
    return { items, error }
  }
  if (headless(svc) || r.endpoint) {
    for (const e of slices) {
      for (const a of e.addresses) {
        const hostname = endpointHostname(ctx, a)
        if (r.endpoint && !eq(r.endpoint, hostname)) continue
        for (const p of e.ports) {
          if (!matchPortAndProtocol(r.port, p.name, r.protocol, p.protocol)) continue
          items.push({ host: a.ip, port: p.port, domain: `${hostname}.${svcDomain}`, ttl: ctx.k.ttl })
          error = undefined
        }
      }
    }
    return { items, error }
  }
  // ClusterIP: one item per matching port and ClusterIP; a port-less Service has CoreDNS's sentinel port -1
  const ports = svc.ports.length ? svc.ports.map((p) => ({ name: p.name ?? '', protocol: p.protocol, port: p.port })) : [{ name: '', protocol: '', port: -1 }]
  const clusterIPs = svc.clusterIPs.length ? svc.clusterIPs : ['']
  for (const p of ports) {
    if (!matchPortAndProtocol(r.port, p.name, r.protocol, p.protocol)) continue
    error = undefined
    for (const ip of clusterIPs) items.push({ host: ip, port: p.port, domain: svcDomain, ttl: ctx.k.ttl })
  }
  return { items, error }
}

/** The addresses plugin/kubernetes/ns.go reports for CoreDNS: the Services whose endpoints hold its own Pod IP. */
function nsAddresses(ctx: Ctx): { name: string; ip: string }[] {
  const pod = ctx.view.coreDnsPods[0]
  const out: { name: string; ip: string }[] = []
  if (!pod) return out
  const seen = new Set<string>()
  for (const local of pod.podIPs) {
    for (const e of ctx.view.endpointsByIP.get(local) ?? []) {
      const svc = ctx.view.services.get(`${e.service}.${e.namespace}`)
      if (!svc || seen.has(`${svc.meta.namespace}/${svc.meta.name}/${local}`)) continue
      seen.add(`${svc.meta.namespace}/${svc.meta.name}/${local}`)
      const svcName = `${svc.meta.name}.${svc.meta.namespace}.svc.${ctx.zone}`
      if (headless(svc)) {
        for (const a of e.addresses) out.push({ name: `${endpointHostname(ctx, a)}.${svcName}`, ip: a.ip })
      } else for (const ip of svc.clusterIPs) out.push({ name: svcName, ip })
    }
  }
  return out
}

const MAX_CNAME_CHAIN = 10

/** backend_lookup.go A / AAAA, including the CNAME chase of ExternalName Services. */
function address(ctx: Ctx, qname: string, type: 'A' | 'AAAA', previous: RR[]): { records: RR[]; error?: LookupError } {
  // checkForApex: the zone apex has no address records of its own
  const found = canonicalName(qname) === ctx.zone ? { items: [] as Item[] } : services(ctx, qname, type)
  if (found.error) return { records: [], error: found.error }
  const records: RR[] = []
  const dup = new Set<string>()
  const owner = fqdn(qname)
  for (const it of found.items) {
    const fam = ipFamilyOf(it.host)
    if (!fam) {
      const target = fqdn(it.host)
      // x CNAME x (or a name below it) is a loop
      if (isSubdomain(target, qname)) continue
      const cname: RR = { name: owner, type: 'CNAME', ttl: it.ttl, data: target }
      if (previous.length > MAX_CNAME_CHAIN) continue
      if (previous.some((p) => p.type === 'CNAME' && canonicalName(p.name) === canonicalName(cname.name) && canonicalName(p.data) === canonicalName(cname.data))) continue
      if (isSubdomain(target, ctx.zone)) {
        const next = address(ctx, target, type, [...previous, cname])
        if (!next.error && next.records.length) records.push(cname, ...next.records)
        continue
      }
      // outside the zone: ask the server again (the forward plugin answers)
      const m = ctx.upstream(target, type)
      records.push(cname, ...m.answer)
      continue
    }
    if ((type === 'A' && fam === 'IPv4') || (type === 'AAAA' && fam === 'IPv6')) {
      if (!dup.has(it.host)) {
        dup.add(it.host)
        records.push({ name: owner, type, ttl: it.ttl, data: it.host })
      }
    }
  }
  return { records }
}

/** kubernetes.go Services() for TXT: dns-version.<zone>, else NODATA where other records exist, else NXDOMAIN. */
function txt(ctx: Ctx, qname: string): { records: RR[]; error?: LookupError } {
  const base = trimZone(qname, ctx.zone)
  if (base === 'dns-version') {
    return { records: [{ name: fqdn(qname), type: 'TXT', ttl: 28800, data: `"${DNS_SCHEMA_VERSION}"` }] }
  }
  const found = records(ctx, canonicalName(qname))
  if (found.items.length > 0) return { records: [] }
  return { records: [], error: 'no-items' }
}

/** backend_lookup.go SRV: weights split 100 between the entries of a priority, duplicates dropped after. */
function srv(ctx: Ctx, qname: string): { records: RR[]; extra: RR[]; error?: LookupError } {
  const found = services(ctx, qname, 'SRV')
  if (found.error) return { records: [], extra: [], error: found.error }
  const total = found.items.length * 100
  const records: RR[] = []
  const extra: RR[] = []
  const dup = new Set<string>()
  for (const it of found.items) {
    if (it.port === -1) continue
    const weight = Math.max(1, Math.floor((100 / total) * 100))
    const fam = ipFamilyOf(it.host)
    if (!fam) continue
    const target = fqdn(it.domain)
    const srvKey = `${canonicalName(target)} ${it.port}`
    if (!dup.has(srvKey)) {
      dup.add(srvKey)
      records.push({ name: fqdn(qname), type: 'SRV', ttl: it.ttl, data: `0 ${weight} ${it.port} ${target}` })
    }
    const addrKey = `${canonicalName(target)} @${it.host}`
    if (!dup.has(addrKey)) {
      dup.add(addrKey)
      extra.push({ name: target, type: fam === 'IPv4' ? 'A' : 'AAAA', ttl: it.ttl, data: it.host })
    }
  }
  return { records, extra }
}

/** reverse.go Reverse + backend_lookup.go PTR */
function ptr(ctx: Ctx, qname: string): { records: RR[]; error?: LookupError } {
  const ip = addressFromReverse(qname)
  if (ip === '') return { records: [], error: records(ctx, canonicalName(qname)).error }
  const hosts = serviceRecordForIP(ctx, ip)
  if (hosts.length === 0) return { records: [], error: 'no-items' }
  const out: RR[] = []
  const dup = new Set<string>()
  for (const h of hosts) {
    if (dup.has(h)) continue
    dup.add(h)
    out.push({ name: fqdn(qname), type: 'PTR', ttl: ctx.k.ttl, data: fqdn(h) })
  }
  return { records: out }
}

/** reverse.go serviceRecordForIP: a ClusterIP names its Service; else every ready endpoint with that address. */
function serviceRecordForIP(ctx: Ctx, ip: string): string[] {
  const exposed = (ns: string) => !ctx.k.namespaces.length || namespaceExposed(ctx, ns)
  const svc = ctx.view.serviceByIP.get(ip)
  if (svc && exposed(svc.meta.namespace)) return [`${svc.meta.name}.${svc.meta.namespace}.svc.${ctx.k.primaryZone}`]
  const out: string[] = []
  for (const e of ctx.view.endpointsByIP.get(ip) ?? []) {
    if (!exposed(e.namespace)) continue
    for (const a of e.addresses) if (a.ip === ip) out.push(`${endpointHostname(ctx, a)}.${e.service}.${e.namespace}.svc.${ctx.k.primaryZone}`)
  }
  return out
}

/** backend_lookup.go NS at the apex: ns.go names CoreDNS by its Service, with its address in the extra section. */
function ns(ctx: Ctx, qname: string): { records: RR[]; extra: RR[] } {
  const records: RR[] = []
  const extra: RR[] = []
  const seen = new Set<string>()
  for (const a of nsAddresses(ctx)) {
    const fam = ipFamilyOf(a.ip)
    extra.push({ name: a.name, type: fam === 'IPv6' ? 'AAAA' : 'A', ttl: ctx.k.ttl, data: a.ip })
    if (seen.has(a.name)) continue
    seen.add(a.name)
    records.push({ name: fqdn(qname), type: 'NS', ttl: ctx.k.ttl, data: a.name })
  }
  return { records, extra }
}
