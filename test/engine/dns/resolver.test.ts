/**
 * The stub resolvers' search walks, against a scripted server: which names are
 * tried, in which order, and which reply decides (glibc res_query.c, musl
 * lookup_name.c, bind9 dighost.c, BusyBox nslookup.c).
 */
import { describe, expect, it } from 'vitest'
import { bindSearch, busyboxNames, glibcAddressLookup, glibcSearch, libcOf, muslLookup } from '../../../engine/dns/index.ts'
import type { Delivery, DnsMessage, RRType, ResolvConf } from '../../../engine/dns/index.ts'

const POD: ResolvConf = { nameservers: ['10.96.0.10'], search: ['test.svc.cluster.local', 'svc.cluster.local', 'cluster.local'], options: ['ndots:5'] }

/** A server that knows a few names: 'A' answers, 'NODATA' exists without that type, others are NXDOMAIN. */
function server(zone: Record<string, 'A' | 'NODATA' | 'SERVFAIL'>) {
  const sent: string[] = []
  const send = (_s: string, name: string, type: RRType): Delivery => {
    sent.push(name)
    const kind = zone[name]
    const m: DnsMessage = { rcode: 'NOERROR', aa: true, ra: false, question: { name, type }, answer: [], authority: [], additional: [], from: 'coredns' }
    if (kind === 'A') m.answer.push({ name, type, ttl: 30, data: '10.96.0.20' })
    else if (kind === 'SERVFAIL') m.rcode = 'SERVFAIL'
    else if (kind !== 'NODATA') m.rcode = 'NXDOMAIN'
    return { kind: 'answer', message: m, via: 'coredns' }
  }
  return { send, sent }
}

describe('glibc res_search', () => {
  it('fewer dots than ndots: every search suffix first, the name as is last', () => {
    const s = server({})
    const r = glibcSearch(POD, s.send, 'data', 'A')
    expect(s.sent).toEqual(['data.test.svc.cluster.local.', 'data.svc.cluster.local.', 'data.cluster.local.', 'data.'])
    expect(r.status).toBe('nxdomain')
  })
  it('stops at the first answer', () => {
    const s = server({ 'data.prod.svc.cluster.local.': 'A' })
    const r = glibcSearch(POD, s.send, 'data.prod', 'A')
    expect(s.sent).toEqual(['data.prod.test.svc.cluster.local.', 'data.prod.svc.cluster.local.'])
    expect(r.final?.name).toBe('data.prod.svc.cluster.local.')
  })
  it('a four-dot FQDN without the final dot still walks the search list first (ndots:5)', () => {
    const s = server({ 'data.prod.svc.cluster.local.': 'A' })
    glibcSearch(POD, s.send, 'data.prod.svc.cluster.local', 'A')
    expect(s.sent).toEqual(['data.prod.svc.cluster.local.test.svc.cluster.local.', 'data.prod.svc.cluster.local.svc.cluster.local.', 'data.prod.svc.cluster.local.cluster.local.', 'data.prod.svc.cluster.local.'])
  })
  it('a trailing dot: one query, no search', () => {
    const s = server({})
    expect(glibcSearch(POD, s.send, 'data.', 'A').attempts).toHaveLength(1)
    expect(s.sent).toEqual(['data.'])
  })
  it('enough dots: as is first, then the search list; the as-is error is the one reported', () => {
    const s = server({ 'a.b.c.d.e.f.cluster.local.': 'NODATA' })
    const r = glibcSearch(POD, s.send, 'a.b.c.d.e.f', 'A')
    expect(s.sent).toEqual(['a.b.c.d.e.f.', 'a.b.c.d.e.f.test.svc.cluster.local.', 'a.b.c.d.e.f.svc.cluster.local.', 'a.b.c.d.e.f.cluster.local.'])
    expect(r.status).toBe('nxdomain')
  })
  it('NODATA does not stop the walk, and is reported when nothing answers', () => {
    const s = server({ 'web.test.svc.cluster.local.': 'NODATA' })
    const r = glibcSearch(POD, s.send, 'web', 'AAAA')
    expect(s.sent).toHaveLength(4)
    expect(r.status).toBe('nodata')
    expect(r.final?.name).toBe('web.test.svc.cluster.local.')
  })
  it('SERVFAIL moves on to the next candidate', () => {
    const s = server({ 'web.test.svc.cluster.local.': 'SERVFAIL', 'web.svc.cluster.local.': 'A' })
    expect(glibcSearch(POD, s.send, 'web', 'A').status).toBe('answer')
  })
  it('options no-tld-query: a dotless name is not tried as is', () => {
    const s = server({})
    glibcSearch({ ...POD, options: ['ndots:5', 'no-tld-query'] }, s.send, 'data', 'A')
    expect(s.sent).not.toContain('data.')
  })
})

describe('glibc: one search walk for res_search and getaddrinfo (res_query.c __res_context_search)', () => {
  const refusing = () => {
    const sent: string[] = []
    return { sent, send: (_s: string, name: string): Delivery => (sent.push(name), { kind: 'refused' }) }
  }
  it('a refused connection (ECONNREFUSED) gives up the search at once, for one type as for A+AAAA', () => {
    const one = refusing()
    expect(glibcSearch(POD, one.send, 'data', 'A').status).toBe('refused')
    expect(one.sent).toEqual(['data.test.svc.cluster.local.'])
    const pair = refusing()
    expect(glibcAddressLookup(POD, pair.send, 'data').status).toBe('refused')
    expect(pair.sent).toEqual(['data.test.svc.cluster.local.', 'data.test.svc.cluster.local.'])
  })
  it('a REFUSED reply (NO_RECOVERY) ends the list, and the name as is is still tried', () => {
    const sent: string[] = []
    const send = (_s: string, name: string, type: RRType): Delivery => {
      sent.push(name)
      return { kind: 'answer', via: 'coredns', message: { rcode: 'REFUSED', aa: false, ra: false, question: { name, type }, answer: [], authority: [], additional: [], from: 'coredns' } }
    }
    glibcSearch(POD, send, 'data', 'A')
    expect(sent).toEqual(['data.test.svc.cluster.local.', 'data.'])
  })
})

describe('musl', () => {
  it('NODATA for a search candidate ends the lookup (no fallback as glibc does)', () => {
    const s = server({ 'web.test.svc.cluster.local.': 'NODATA', 'web.svc.cluster.local.': 'A' })
    const r = muslLookup(POD, s.send, 'web', 'A')
    expect(s.sent).toEqual(['web.test.svc.cluster.local.'])
    expect(r.status).toBe('nodata')
    // glibc goes on and finds the next one
    const g = server({ 'web.test.svc.cluster.local.': 'NODATA', 'web.svc.cluster.local.': 'A' })
    expect(glibcSearch(POD, g.send, 'web', 'A').status).toBe('answer')
  })
  it('enough dots (or a trailing dot): the name as is, never the search list', () => {
    const s = server({})
    muslLookup({ ...POD, options: ['ndots:2'] }, s.send, 'a.b.c', 'A')
    expect(s.sent).toEqual(['a.b.c.'])
  })
  it('candidates are tried in order, the name as is last', () => {
    const s = server({})
    muslLookup(POD, s.send, 'x', 'A')
    expect(s.sent).toEqual(['x.test.svc.cluster.local.', 'x.svc.cluster.local.', 'x.cluster.local.', 'x.'])
  })
  it('res_search is res_query in musl: SRV lookups do not use the search list', () => {
    const s = server({})
    muslLookup(POD, s.send, '_http._tcp.web', 'SRV')
    expect(s.sent).toEqual(['_http._tcp.web.'])
  })
})

describe('bind9 (dig +search, host, nslookup)', () => {
  it('without +search dig sends the name as typed', () => {
    const s = server({})
    bindSearch(POD, s.send, 'web', 'A', { useSearch: false })
    expect(s.sent).toEqual(['web.'])
  })
  it('with the search list: NXDOMAIN moves on, NODATA is the answer', () => {
    const s = server({ 'web.svc.cluster.local.': 'NODATA', 'web.cluster.local.': 'A' })
    const r = bindSearch(POD, s.send, 'web', 'A', { useSearch: true })
    expect(s.sent).toEqual(['web.test.svc.cluster.local.', 'web.svc.cluster.local.'])
    expect(r.status).toBe('nodata')
  })
  it('enough dots: the name as is only (next_origin stops once the labels outnumber ndots)', () => {
    const s = server({})
    bindSearch(POD, s.send, 'a.b', 'A', { useSearch: true, ndots: 1 })
    expect(s.sent).toEqual(['a.b.'])
  })
  it('the name as is comes last, after every suffix', () => {
    const s = server({})
    bindSearch(POD, s.send, 'web', 'A', { useSearch: true })
    expect(s.sent).toEqual(['web.test.svc.cluster.local.', 'web.svc.cluster.local.', 'web.cluster.local.', 'web.'])
  })
})

describe('BusyBox nslookup', () => {
  it('a dotless name gets one query per search domain and never goes out bare', () => {
    expect(busyboxNames('web', 'A', POD.search)).toEqual(['web.test.svc.cluster.local.', 'web.svc.cluster.local.', 'web.cluster.local.'])
  })
  it('ndots does not apply: a name with one dot is sent only as is', () => {
    expect(busyboxNames('kubernetes.default', 'A', POD.search)).toEqual(['kubernetes.default.'])
  })
})

describe('libc of an image', () => {
  it.each([
    ['alpine:3.20', 'musl'],
    ['nicolaka/netshoot', 'musl'],
    ['python:3.12-alpine', 'musl'],
    ['busybox:1.36-musl', 'musl'],
    ['busybox:1.36', 'glibc'],
    ['registry.k8s.io/e2e-test-images/jessie-dnsutils:1.3', 'glibc'],
    ['nginx:1.27', 'glibc'],
  ])('%s → %s', (image, libc) => {
    expect(libcOf(image)).toBe(libc)
  })
})
