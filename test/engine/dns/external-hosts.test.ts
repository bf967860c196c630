/**
 * The world outside the cluster: the Cluster document's spec.externalHosts,
 * what the upstream resolver answers from it, and the problems reported at
 * the entry when it cannot be used.
 */
import { describe, expect, it } from 'vitest'
import { resolveName } from '../../../engine/dns/index.ts'
import { loadScenario } from '../../../engine/index.ts'
import { clientPod, clusterDoc, pod, scenario } from './helpers.ts'

const hosts = (list: unknown[]) => clusterDoc({ externalHosts: list })

describe('spec.externalHosts', () => {
  const c = scenario(
    hosts([
      { name: 'db.example.com', addresses: ['203.0.113.10', '2001:db8::10'] },
      { name: 'www.example.com', cname: 'db.example.com' },
      { name: 'dangling.example.com', cname: 'missing.example.com' },
    ]),
    clientPod(),
  )
  const ask = (name: string, type: 'A' | 'AAAA' | 'CNAME' | 'PTR' | 'MX' = 'A') => resolveName(c, { kind: 'pod', pod: pod(c, 'client') }, name, type)

  it('A and AAAA by family, through CoreDNS forward (non-authoritative, TTL capped to 30 by its cache)', () => {
    expect(ask('db.example.com.').answers).toEqual([{ name: 'db.example.com.', type: 'A', ttl: 30, data: '203.0.113.10' }])
    expect(ask('db.example.com.', 'AAAA').answers.map((a) => a.data)).toEqual(['2001:db8::10'])
  })
  it('a CNAME is followed by the resolver; a dangling one is NXDOMAIN with the CNAME kept (RFC 6604)', () => {
    expect(ask('www.example.com.').answers.map((a) => `${a.type} ${a.data}`)).toEqual(['CNAME db.example.com.', 'A 203.0.113.10'])
    const r = ask('dangling.example.com.')
    expect(r.rcode).toBe('NXDOMAIN')
    expect(r.answers.map((a) => a.data)).toEqual(['missing.example.com.'])
  })
  it('a name that is declared has no other types (NODATA); a parent of a declared name exists empty (NODATA); anything else is NXDOMAIN', () => {
    expect([ask('db.example.com.', 'MX').rcode, ask('db.example.com.', 'MX').answers]).toEqual(['NOERROR', []])
    expect(ask('example.com.').rcode).toBe('NOERROR')
    expect(ask('nosuch.example.com.').rcode).toBe('NXDOMAIN')
    expect(ask('google.com.').rcode).toBe('NXDOMAIN')
  })
  it('declared addresses have PTR records; unknown reverse names fall through CoreDNS to NXDOMAIN', () => {
    expect(ask('10.113.0.203.in-addr.arpa.', 'PTR').answers.map((a) => a.data)).toEqual(['db.example.com.'])
    expect(ask('1.2.0.192.in-addr.arpa.', 'PTR').rcode).toBe('NXDOMAIN')
  })
})

describe('problems with spec.externalHosts', () => {
  const diag = (list: unknown[]) => loadScenario(hosts(list)).diagnostics.map((d) => ({ severity: d.severity, message: d.message, line: d.line }))
  it('an address that is not an IP', () => {
    expect(diag([{ name: 'a.example.com', addresses: ['not-an-ip'] }])).toMatchObject([
      { severity: 'error', message: 'spec.externalHosts[0].addresses[0]: Invalid value: "not-an-ip": must be a valid IP address' },
    ])
  })
  it('both a CNAME and addresses (RFC 1034 3.6.2), or neither', () => {
    expect(diag([{ name: 'a.example.com', addresses: ['192.0.2.1'], cname: 'b.example.com' }])[0].message).toMatch(/either addresses or a cname, not both/)
    expect(diag([{ name: 'a.example.com' }])[0].message).toMatch(/give addresses or a cname/)
  })
  it('a duplicate name and an invalid name', () => {
    expect(diag([{ name: 'a.example.com', addresses: ['192.0.2.1'] }, { name: 'A.example.com', addresses: ['192.0.2.2'] }])[0].message).toMatch(/Duplicate value/)
    expect(diag([{ name: 'bad..name', addresses: ['192.0.2.1'] }])[0].message).toMatch(/must be a DNS name/)
  })
  it('a name inside the cluster domain is a warning: CoreDNS answers that zone itself', () => {
    const d = diag([{ name: 'db.cluster.local', addresses: ['192.0.2.1'] }])
    expect(d).toMatchObject([{ severity: 'warning' }])
    expect(d[0].message).toMatch(/never used/)
    expect(d[0].line).toBeGreaterThan(0)
  })
})
