/**
 * getaddrinfo's queries, name by name: A and AAAA for every name of the
 * search walk, and which replies end the walk, for glibc
 * (resolv/res_query.c __res_context_query with T_QUERY_A_AND_AAAA and
 * __res_context_search) and musl 1.2.5 (src/network/lookup_name.c
 * name_from_dns, name_from_dns_search); then the same rules against the
 * simulated CoreDNS.
 */
import { describe, expect, it } from 'vitest'
import { glibcAddressLookup, muslAddressLookup, resolveAddresses } from '../../../engine/dns/index.ts'
import type { Delivery, DnsMessage, RRType, ResolvConf } from '../../../engine/dns/index.ts'
import { clientPod, clusterDoc, namespace, pod, scenario, sh } from './helpers.ts'

const POD: ResolvConf = { nameservers: ['10.96.0.10'], search: ['test.svc.cluster.local', 'svc.cluster.local', 'cluster.local'], options: ['ndots:5'] }

type Kind = 'A' | 'NODATA' | 'NXDOMAIN' | 'SERVFAIL' | 'SILENT'

/** A scripted server: per name, what the A and the AAAA query get (one kind for both, or [A, AAAA]); unlisted names are NXDOMAIN. */
function server(zone: Record<string, Kind | [Kind, Kind]>) {
  const sent: string[] = []
  const send = (_s: string, name: string, type: RRType): Delivery => {
    sent.push(`${type} ${name}`)
    const entry = zone[name] ?? 'NXDOMAIN'
    const kind = Array.isArray(entry) ? entry[type === 'A' ? 0 : 1] : entry
    if (kind === 'SILENT') return { kind: 'timeout' }
    const m: DnsMessage = { rcode: 'NOERROR', aa: true, ra: false, question: { name, type }, answer: [], authority: [], additional: [], from: 'coredns' }
    if (kind === 'A' && type === 'A') m.answer.push({ name, type, ttl: 30, data: '10.96.0.20' })
    else if (kind === 'NXDOMAIN') m.rcode = 'NXDOMAIN'
    else if (kind === 'SERVFAIL') m.rcode = 'SERVFAIL'
    return { kind: 'answer', message: m, via: 'coredns' }
  }
  return { send, sent }
}

describe('glibc getaddrinfo (AF_UNSPEC)', () => {
  it('sends A and AAAA for every name, A first, and stops at the first name with an answer', () => {
    const s = server({ 'web.svc.cluster.local.': 'A' })
    const r = glibcAddressLookup(POD, s.send, 'web')
    expect(s.sent).toEqual(['A web.test.svc.cluster.local.', 'AAAA web.test.svc.cluster.local.', 'A web.svc.cluster.local.', 'AAAA web.svc.cluster.local.'])
    expect(r.status).toBe('answer')
    expect(r.addresses).toEqual(['10.96.0.20'])
  })
  it('an external name under ndots:5 costs four names and eight queries', () => {
    const s = server({ 'example.com.': 'A' })
    const r = glibcAddressLookup(POD, s.send, 'example.com')
    expect(r.steps.map((x) => x.name)).toEqual(['example.com.test.svc.cluster.local.', 'example.com.svc.cluster.local.', 'example.com.cluster.local.', 'example.com.'])
    expect(s.sent).toHaveLength(8)
  })
  it('a trailing dot: one name, two queries', () => {
    const s = server({ 'example.com.': 'A' })
    glibcAddressLookup(POD, s.send, 'example.com.')
    expect(s.sent).toEqual(['A example.com.', 'AAAA example.com.'])
  })
  it('the AAAA reply alone can succeed: answer records in either reply end the walk', () => {
    const s = server({ 'v6.test.svc.cluster.local.': ['NODATA', 'NODATA'], 'v6.svc.cluster.local.': ['NODATA', 'A'] })
    // kind 'A' on the AAAA side yields no record (the script only answers A), so this name is NODATA too
    const r = glibcAddressLookup(POD, s.send, 'v6')
    expect(r.steps).toHaveLength(4)
    expect(r.status).toBe('nodata')
  })
  it('NODATA for both types moves on (a wildcard of another type must not hide the name higher up)', () => {
    const s = server({ 'db.test.svc.cluster.local.': 'NODATA', 'db.svc.cluster.local.': 'A' })
    const r = glibcAddressLookup(POD, s.send, 'db')
    expect(r.steps.map((x) => x.status)).toEqual(['nodata', 'answer'])
  })
  it('the A reply decides the error unless it is NOERROR: NOERROR A + NXDOMAIN AAAA reads as NXDOMAIN', () => {
    const s = server({ 'odd.test.svc.cluster.local.': ['NODATA', 'NXDOMAIN'] })
    expect(glibcAddressLookup(POD, s.send, 'odd').steps[0].status).toBe('nxdomain')
  })
  it('SERVFAIL moves on; no reply at all ends the search, then the name as is is still tried', () => {
    const s1 = server({ 'x.test.svc.cluster.local.': 'SERVFAIL', 'x.svc.cluster.local.': 'A' })
    expect(glibcAddressLookup(POD, s1.send, 'x').status).toBe('answer')
    const s2 = server({ 'y.test.svc.cluster.local.': 'SILENT' })
    const r = glibcAddressLookup(POD, s2.send, 'y')
    expect(r.steps.map((x) => x.name)).toEqual(['y.test.svc.cluster.local.', 'y.'])
  })
  it('enough dots: as is first, then the search list (musl never searches such a name)', () => {
    const conf = { ...POD, options: ['ndots:1'] }
    const g = server({ 'web.prod.svc.cluster.local.': 'A' })
    expect(glibcAddressLookup(conf, g.send, 'web.prod').steps.map((x) => x.name)).toEqual(['web.prod.', 'web.prod.test.svc.cluster.local.', 'web.prod.svc.cluster.local.'])
    const m = server({ 'web.prod.svc.cluster.local.': 'A' })
    const r = muslAddressLookup(conf, m.send, 'web.prod')
    expect(m.sent).toEqual(['A web.prod.', 'AAAA web.prod.'])
    expect(r.status).toBe('nxdomain')
  })
  it('AF_INET asks only A', () => {
    const s = server({ 'web.test.svc.cluster.local.': 'A' })
    glibcAddressLookup(POD, s.send, 'web', 'inet')
    expect(s.sent).toEqual(['A web.test.svc.cluster.local.'])
  })
})

describe('musl getaddrinfo', () => {
  it('the same names as glibc while every answer is NXDOMAIN', () => {
    const s = server({})
    muslAddressLookup(POD, s.send, 'nosuch')
    const names = ['nosuch.test.svc.cluster.local.', 'nosuch.svc.cluster.local.', 'nosuch.cluster.local.', 'nosuch.']
    expect(s.sent).toEqual(names.flatMap((n) => [`A ${n}`, `AAAA ${n}`]))
    const g = server({})
    glibcAddressLookup(POD, g.send, 'nosuch')
    expect(g.sent).toEqual(s.sent)
  })
  it('stops at the first answer that is not NXDOMAIN: NODATA ends the lookup where glibc goes on', () => {
    const zone = { 'db.test.svc.cluster.local.': 'NODATA', 'db.svc.cluster.local.': 'A' } as const
    const m = server(zone)
    const r = muslAddressLookup(POD, m.send, 'db')
    expect(r.steps).toHaveLength(1)
    expect(r.status).toBe('nodata')
    expect(glibcAddressLookup(POD, server(zone).send, 'db').status).toBe('answer')
  })
  it('SERVFAIL (EAI_AGAIN) ends the lookup too', () => {
    const s = server({ 'x.test.svc.cluster.local.': 'SERVFAIL', 'x.svc.cluster.local.': 'A' })
    const r = muslAddressLookup(POD, s.send, 'x')
    expect(r.steps).toHaveLength(1)
    expect(r.status).toBe('servfail')
  })
  it('NXDOMAIN in either reply moves on, even beside a NOERROR one', () => {
    const s = server({ 'odd.test.svc.cluster.local.': ['NODATA', 'NXDOMAIN'], 'odd.svc.cluster.local.': 'A' })
    expect(muslAddressLookup(POD, s.send, 'odd').status).toBe('answer')
  })
})

const ns = (name: string, image: string, extra = '') => clientPod(name, 'default', image, extra)
const webProd = `apiVersion: v1
kind: Pod
metadata: {name: web, namespace: prod, labels: {app: web}}
spec:
  containers: [{name: c, image: nginx:1.27, ports: [{containerPort: 80}]}]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: prod}
spec:
  selector: {app: web}
  ports: [{port: 80, name: http}]`

describe('against CoreDNS', () => {
  const ndots1 = '  dnsConfig:\n    options: [{name: ndots, value: "1"}]\n'
  const c = scenario(
    namespace('prod'),
    webProd,
    ns('debian', 'registry.k8s.io/e2e-test-images/jessie-dnsutils:1.3'),
    ns('alpine', 'alpine:3.20'),
    ns('debian1', 'registry.k8s.io/e2e-test-images/jessie-dnsutils:1.3', ndots1),
    ns('alpine1', 'alpine:3.20', ndots1),
    clusterDoc({ externalHosts: [{ name: 'api.example.com', addresses: ['203.0.113.10'] }] }),
  )
  const place = (p: string) => ({ kind: 'pod' as const, pod: pod(c, p), container: 'c' })

  it('a Service in the Pod namespace: one name, A answered and AAAA NODATA in a single-stack cluster', () => {
    const r = resolveAddresses(c, place('debian'), 'kubernetes')
    expect(r.data.queries).toEqual([
      { name: 'kubernetes.default.svc.cluster.local.', type: 'A', rcode: 'NOERROR', answers: 1 },
      { name: 'kubernetes.default.svc.cluster.local.', type: 'AAAA', rcode: 'NOERROR', answers: 0 },
    ])
  })
  it('an outside name: three cluster suffixes answered NXDOMAIN by CoreDNS, then the name as is', () => {
    const r = resolveAddresses(c, place('debian'), 'api.example.com')
    expect(r.data.tried).toEqual(['api.example.com.default.svc.cluster.local.', 'api.example.com.svc.cluster.local.', 'api.example.com.cluster.local.', 'api.example.com.'])
    expect(r.data.queries?.map((q) => q.rcode)).toEqual(['NXDOMAIN', 'NXDOMAIN', 'NXDOMAIN', 'NXDOMAIN', 'NXDOMAIN', 'NXDOMAIN', 'NOERROR', 'NOERROR'])
    expect(r.lookup.addresses).toEqual(['203.0.113.10'])
    // musl asks the same names for it
    expect(resolveAddresses(c, place('alpine'), 'api.example.com').data.tried).toEqual(r.data.tried)
  })
  it('a namespace name is NODATA at <ns>.svc.<zone>: musl stops there, glibc goes on to the end', () => {
    const m = resolveAddresses(c, place('alpine'), 'prod')
    expect(m.data.tried).toEqual(['prod.default.svc.cluster.local.', 'prod.svc.cluster.local.'])
    expect(m.lookup.status).toBe('nodata')
    const g = resolveAddresses(c, place('debian'), 'prod')
    expect(g.data.tried).toEqual(['prod.default.svc.cluster.local.', 'prod.svc.cluster.local.', 'prod.cluster.local.', 'prod.'])
    // glibc reports NODATA from the walk (res_query.c: "else if we ever got a nodata, send that back")
    expect(g.lookup.status).toBe('nodata')
  })
  it('ndots:1 in dnsConfig: glibc still finds web.prod through the search list, musl does not', () => {
    const g = resolveAddresses(c, place('debian1'), 'web.prod')
    expect(g.data.tried).toEqual(['web.prod.', 'web.prod.default.svc.cluster.local.', 'web.prod.svc.cluster.local.'])
    expect(g.lookup.status).toBe('answer')
    const m = resolveAddresses(c, place('alpine1'), 'web.prod')
    expect(m.data.tried).toEqual(['web.prod.'])
    expect(m.data.rcode).toBe('NXDOMAIN')
  })
  it('trace lists the queries and their cost', () => {
    const out = sh(c, 'kubectl exec debian -- trace api.example.com:443').stdout
    expect(out).toContain('glibc resolver (getaddrinfo) asks 10.96.0.10 for api.example.com, A and AAAA')
    expect(out).toContain('4 names, 8 queries in 4 round trips')
    expect(out).toMatch(/ 1 {2}api\.example\.com\.default\.svc\.cluster\.local\. {2}A NXDOMAIN 59\/152 B, AAAA NXDOMAIN 59\/152 B {2}→ next name/)
    expect(out).toContain('→ answer: 203.0.113.10')
    const alp = sh(c, 'kubectl exec alpine1 -- trace web.prod')
    expect(alp.exitCode).toBe(1)
    expect(alp.stdout).toContain('musl resolver (getaddrinfo)')
    expect(alp.stdout).toContain('1 name, 2 queries in 1 round trip')
  })
  it('trace: a NODATA ending is named as such, and musl is said to stop early only when it did', () => {
    const m = sh(c, 'kubectl exec alpine -- trace prod').stdout
    expect(m).toContain('musl stops at the first answer that is not NXDOMAIN')
    expect(m).toContain('result: nxdomain: prod does not resolve (NODATA: the name exists, without an address)')
    const g = sh(c, 'kubectl exec debian -- trace prod').stdout
    expect(g).toContain('NODATA, next name')
    expect(g).toContain('the lookup fails with what name 2 got: NODATA: no address')
    expect(g).not.toContain('musl')
    // musl asking the name as is last, and failing there, did not stop early
    expect(sh(c, 'kubectl exec alpine -- trace nosuchname').stdout).not.toContain('musl stops')
  })
})
