/**
 * CoreDNS's kubernetes plugin, checked against its own tests: the fixtures of
 * plugin/kubernetes/handler_test.go (APIConnServeTest: svc1, svcempty, svc6,
 * hdls1, hdlsprtls, external, external-to-service, svc-dual-stack) rebuilt as
 * a scenario (ClusterIPs renumbered into one valid Service range), and the
 * expected messages of dnsTestCases, nsTestCases, the pod-mode tests
 * (handler_pod_{insecure,verified,disabled}_test.go), reverse_test.go and
 * kubernetes_apex_test.go. These Corefiles have no `ttl` and no `cache`, so
 * TTLs are the plugin's default 5 s, as in those tests.
 */
import { describe, expect, it } from 'vitest'
import { dnsView, serveCoreDns } from '../../../engine/dns/index.ts'
import type { DnsMessage, RRType } from '../../../engine/dns/index.ts'
import { clusterDoc, namespace, scenario } from './helpers.ts'

const corefile = (pods: string, extra = '') => `apiVersion: v1
kind: ConfigMap
metadata: {name: coredns, namespace: kube-system}
data:
  Corefile: |
    .:53 {
        kubernetes cluster.local in-addr.arpa ip6.arpa {
${pods ? `            pods ${pods}\n` : ''}${extra}        }
        forward . /etc/resolv.conf
    }`

const slice = (svc: string, name: string, family: 'IPv4' | 'IPv6', ports: string, endpoints: string) => `apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: ${name}
  namespace: testns
  labels: {kubernetes.io/service-name: ${svc}, endpointslice.kubernetes.io/managed-by: cluster-admins}
addressType: ${family}
ports: ${ports}
endpoints: ${endpoints}`

const HTTP = '[{name: http, protocol: TCP, port: 80}]'

export const FIXTURE = [
  clusterDoc({
    ipFamilies: ['IPv4', 'IPv6'],
    serviceCIDR: '10.0.0.0/16,fd00:10::/112',
    podCIDR: '10.244.0.0/16,fd00:244::/56',
    externalHosts: [{ name: 'ext.interwebs.test', addresses: ['1.2.3.4'] }],
  }),
  namespace('testns'),
  namespace('podns'),
  `apiVersion: v1
kind: Service
metadata: {name: svc1, namespace: testns}
spec: {clusterIP: 10.0.0.11, clusterIPs: [10.0.0.11], ports: ${HTTP}}`,
  slice('svc1', 'svc1-slice1', 'IPv4', HTTP, '[{addresses: [172.0.0.1], hostname: ep1a, conditions: {ready: true}}]'),
  `apiVersion: v1
kind: Service
metadata: {name: svcempty, namespace: testns}
spec: {clusterIP: 10.0.0.12, clusterIPs: [10.0.0.12], ports: ${HTTP}}`,
  slice('svcempty', 'svcempty-slice1', 'IPv4', HTTP, '[]'),
  `apiVersion: v1
kind: Service
metadata: {name: svc6, namespace: testns}
spec: {ipFamilies: [IPv6], clusterIP: "fd00:10::11", clusterIPs: ["fd00:10::11"], ports: ${HTTP}}`,
  `apiVersion: v1
kind: Service
metadata: {name: hdls1, namespace: testns}
spec: {clusterIP: None}`,
  slice('hdls1', 'hdls1-slice1', 'IPv4', HTTP, `
- {addresses: [172.0.0.2], conditions: {ready: true}}
- {addresses: [172.0.0.3], conditions: {ready: true}}
- {addresses: [172.0.0.4], hostname: dup-name, conditions: {ready: true}}
- {addresses: [172.0.0.5], hostname: dup-name, conditions: {ready: true}}`),
  slice('hdls1', 'hdls1-slice2', 'IPv6', HTTP, `
- {addresses: ["5678:abcd::1"], conditions: {ready: true}}
- {addresses: ["5678:abcd::2"], conditions: {ready: true}}`),
  `apiVersion: v1
kind: Service
metadata: {name: hdlsprtls, namespace: testns}
spec: {clusterIP: None}`,
  slice('hdlsprtls', 'hdlsprtls-slice1', 'IPv4', '[]', '[{addresses: [172.0.0.20], conditions: {ready: true}}]'),
  `apiVersion: v1
kind: Service
metadata: {name: external, namespace: testns}
spec: {type: ExternalName, externalName: ext.interwebs.test, ports: ${HTTP}}`,
  `apiVersion: v1
kind: Service
metadata: {name: external-to-service, namespace: testns}
spec: {type: ExternalName, externalName: svc1.testns.svc.cluster.local., ports: ${HTTP}}`,
  `apiVersion: v1
kind: Service
metadata: {name: svc-dual-stack, namespace: testns}
spec: {ipFamilyPolicy: RequireDualStack, ipFamilies: [IPv4, IPv6], clusterIP: 10.0.0.3, clusterIPs: [10.0.0.3, "fd00:10::3"], ports: ${HTTP}}`,
  `apiVersion: v1
kind: Pod
metadata: {name: foo, namespace: podns}
spec: {containers: [{name: c, image: nginx}]}
status: {phase: Running, podIP: 10.244.5.1, podIPs: [{ip: 10.244.5.1}], conditions: [{type: Ready, status: "True"}]}`,
]

const SOA = (ttl = 5, min = 5) => (serial: number) => `cluster.local. ${ttl} SOA ns.dns.cluster.local. hostmaster.cluster.local. ${serial} 7200 1800 86400 ${min}`

type Expect = { rcode: DnsMessage['rcode']; answer?: string[]; ns?: ((serial: number) => string)[]; extra?: string[] }

function check(pods: string, qname: string, qtype: RRType, want: Expect, extra = '') {
  const c = scenario(...FIXTURE, corefile(pods, extra))
  const m = serveCoreDns(dnsView(c), { name: qname, type: qtype })
  const text = (rs: DnsMessage['answer']) => rs.map((r) => `${r.name} ${r.ttl} ${r.type} ${r.data}`).sort()
  expect(m.rcode).toBe(want.rcode)
  expect(text(m.answer)).toEqual([...(want.answer ?? [])].sort())
  if (want.ns) expect(text(m.authority)).toEqual(want.ns.map((f) => f(dnsView(c).serial)).sort())
  if (want.extra) expect(text(m.additional)).toEqual([...want.extra].sort())
  if (m.rcode === 'NOERROR' || m.rcode === 'NXDOMAIN') expect(m.aa).toBe(m.from === 'coredns')
}

describe('handler_test.go dnsTestCases', () => {
  const cases: [string, RRType, Expect][] = [
    ['svc1.testns.svc.cluster.local.', 'A', { rcode: 'NOERROR', answer: ['svc1.testns.svc.cluster.local. 5 A 10.0.0.11'] }],
    // a ClusterIP Service answers with its ClusterIP whether or not it has endpoints
    ['svcempty.testns.svc.cluster.local.', 'A', { rcode: 'NOERROR', answer: ['svcempty.testns.svc.cluster.local. 5 A 10.0.0.12'] }],
    ['svc1.testns.svc.cluster.local.', 'SRV', { rcode: 'NOERROR', answer: ['svc1.testns.svc.cluster.local. 5 SRV 0 100 80 svc1.testns.svc.cluster.local.'], extra: ['svc1.testns.svc.cluster.local. 5 A 10.0.0.11'] }],
    ['svc6.testns.svc.cluster.local.', 'SRV', { rcode: 'NOERROR', answer: ['svc6.testns.svc.cluster.local. 5 SRV 0 100 80 svc6.testns.svc.cluster.local.'], extra: ['svc6.testns.svc.cluster.local. 5 AAAA fd00:10::11'] }],
    ['_http._tcp.svc1.testns.svc.cluster.local.', 'SRV', { rcode: 'NOERROR', answer: ['_http._tcp.svc1.testns.svc.cluster.local. 5 SRV 0 100 80 svc1.testns.svc.cluster.local.'], extra: ['svc1.testns.svc.cluster.local. 5 A 10.0.0.11'] }],
    ['hdls1.testns.svc.cluster.local.', 'A', { rcode: 'NOERROR', answer: ['172.0.0.2', '172.0.0.3', '172.0.0.4', '172.0.0.5'].map((ip) => `hdls1.testns.svc.cluster.local. 5 A ${ip}`) }],
    ['hdlsprtls.testns.svc.cluster.local.', 'A', { rcode: 'NOERROR', answer: ['hdlsprtls.testns.svc.cluster.local. 5 A 172.0.0.20'] }],
    ['172-0-0-20.hdlsprtls.testns.svc.cluster.local.', 'A', { rcode: 'NOERROR', answer: ['172-0-0-20.hdlsprtls.testns.svc.cluster.local. 5 A 172.0.0.20'] }],
    ['172-0-0-2.hdls1.testns.svc.cluster.local.', 'A', { rcode: 'NOERROR', answer: ['172-0-0-2.hdls1.testns.svc.cluster.local. 5 A 172.0.0.2'] }],
    ['dup-name.hdls1.testns.svc.cluster.local.', 'A', { rcode: 'NOERROR', answer: ['dup-name.hdls1.testns.svc.cluster.local. 5 A 172.0.0.4', 'dup-name.hdls1.testns.svc.cluster.local. 5 A 172.0.0.5'] }],
    [
      '_http._tcp.hdls1.testns.svc.cluster.local.',
      'SRV',
      {
        rcode: 'NOERROR',
        answer: ['172-0-0-2', '172-0-0-3', '5678-abcd--1', '5678-abcd--2', 'dup-name'].map((h) => `_http._tcp.hdls1.testns.svc.cluster.local. 5 SRV 0 16 80 ${h}.hdls1.testns.svc.cluster.local.`),
        extra: [
          '172-0-0-2.hdls1.testns.svc.cluster.local. 5 A 172.0.0.2',
          '172-0-0-3.hdls1.testns.svc.cluster.local. 5 A 172.0.0.3',
          '5678-abcd--1.hdls1.testns.svc.cluster.local. 5 AAAA 5678:abcd::1',
          '5678-abcd--2.hdls1.testns.svc.cluster.local. 5 AAAA 5678:abcd::2',
          'dup-name.hdls1.testns.svc.cluster.local. 5 A 172.0.0.4',
          'dup-name.hdls1.testns.svc.cluster.local. 5 A 172.0.0.5',
        ],
      },
    ],
    ['5678-abcd--2.hdls1.testns.svc.cluster.local', 'AAAA', { rcode: 'NOERROR', answer: ['5678-abcd--2.hdls1.testns.svc.cluster.local. 5 AAAA 5678:abcd::2'] }],
    ['external.testns.svc.cluster.local.', 'CNAME', { rcode: 'NOERROR', answer: ['external.testns.svc.cluster.local. 5 CNAME ext.interwebs.test.'] }],
    // 'CNAME External' with an upstream: the CNAME, then the target's address from the resolver
    ['external.testns.svc.cluster.local.', 'A', { rcode: 'NOERROR', answer: ['external.testns.svc.cluster.local. 5 CNAME ext.interwebs.test.', 'ext.interwebs.test. 300 A 1.2.3.4'] }],
    ['external-to-service.testns.svc.cluster.local', 'A', { rcode: 'NOERROR', answer: ['external-to-service.testns.svc.cluster.local. 5 CNAME svc1.testns.svc.cluster.local.', 'svc1.testns.svc.cluster.local. 5 A 10.0.0.11'] }],
    // NODATA: the name exists, the type does not
    ['svc1.testns.svc.cluster.local.', 'AAAA', { rcode: 'NOERROR', answer: [], ns: [SOA()] }],
    ['svc0.testns.svc.cluster.local.', 'AAAA', { rcode: 'NXDOMAIN', ns: [SOA()] }],
    ['svc0.testns.svc.cluster.local.', 'A', { rcode: 'NXDOMAIN', ns: [SOA()] }],
    ['svc0.svc-nons.svc.cluster.local.', 'A', { rcode: 'NXDOMAIN', ns: [SOA()] }],
    ['dns-version.cluster.local.', 'TXT', { rcode: 'NOERROR', answer: ['dns-version.cluster.local. 28800 TXT "1.1.0"'] }],
    ['svc1.testns.svc.cluster.local.', 'TXT', { rcode: 'NOERROR', answer: [], ns: [SOA()] }],
    ['svc0.svc-nons.svc.cluster.local.', 'TXT', { rcode: 'NXDOMAIN', ns: [SOA()] }],
    ['bogusendpoint.hdls1.testns.svc.cluster.local.', 'A', { rcode: 'NXDOMAIN', ns: [SOA()] }],
    ['bogusendpoint.svc0.testns.svc.cluster.local.', 'A', { rcode: 'NXDOMAIN', ns: [SOA()] }],
    ['svc6.testns.svc.cluster.local.', 'AAAA', { rcode: 'NOERROR', answer: ['svc6.testns.svc.cluster.local. 5 AAAA fd00:10::11'] }],
    ['hdls1.testns.svc.cluster.local.', 'AAAA', { rcode: 'NOERROR', answer: ['hdls1.testns.svc.cluster.local. 5 AAAA 5678:abcd::1', 'hdls1.testns.svc.cluster.local. 5 AAAA 5678:abcd::2'] }],
    ['svc.cluster.local.', 'A', { rcode: 'NOERROR', answer: [], ns: [SOA()] }],
    ['pod.cluster.local.', 'A', { rcode: 'NOERROR', answer: [], ns: [SOA()] }],
    ['testns.svc.cluster.local.', 'A', { rcode: 'NOERROR', answer: [], ns: [SOA()] }],
    ['svc.cluster.local.', 'NS', { rcode: 'NOERROR', answer: [], ns: [SOA()] }],
    ['testns.svc.cluster.local.', 'NS', { rcode: 'NOERROR', answer: [], ns: [SOA()] }],
    ['foo.cluster.local.', 'NS', { rcode: 'NXDOMAIN', ns: [SOA()] }],
    ['foo.svc.cluster.local.', 'NS', { rcode: 'NXDOMAIN', ns: [SOA()] }],
    ['svc-dual-stack.testns.svc.cluster.local.', 'A', { rcode: 'NOERROR', answer: ['svc-dual-stack.testns.svc.cluster.local. 5 A 10.0.0.3'] }],
    ['svc-dual-stack.testns.svc.cluster.local.', 'AAAA', { rcode: 'NOERROR', answer: ['svc-dual-stack.testns.svc.cluster.local. 5 AAAA fd00:10::3'] }],
    [
      'svc-dual-stack.testns.svc.cluster.local.',
      'SRV',
      {
        rcode: 'NOERROR',
        answer: ['svc-dual-stack.testns.svc.cluster.local. 5 SRV 0 50 80 svc-dual-stack.testns.svc.cluster.local.'],
        extra: ['svc-dual-stack.testns.svc.cluster.local. 5 A 10.0.0.3', 'svc-dual-stack.testns.svc.cluster.local. 5 AAAA fd00:10::3'],
      },
    ],
    // SOA below the apex: NODATA with the SOA in the authority section
    ['svc1.testns.svc.cluster.local.', 'SOA', { rcode: 'NOERROR', answer: [], ns: [SOA()] }],
    ['endpoint.external.testns.svc.cluster.local.', 'CNAME', { rcode: 'NXDOMAIN', ns: [SOA()] }],
    ['subdomain.subdomain.external.testns.svc.cluster.local.', 'CNAME', { rcode: 'NXDOMAIN', ns: [SOA()] }],
    // nsTestCases: every namespace is exposed when `namespaces` is not set, but it has to exist
    ['svc1.nsnoexist.svc.cluster.local.', 'A', { rcode: 'NXDOMAIN', ns: [SOA()] }],
  ]
  for (const [name, type, want] of cases) {
    it(`${type} ${name} → ${want.rcode}${want.answer?.length ? ` (${want.answer.length} records)` : ''}`, () => check('', name, type, want))
  }
})

describe('pods insecure|verified|disabled (handler_pod_*_test.go)', () => {
  it('insecure: any well-formed address in an existing namespace, without checking for a Pod', () => {
    check('insecure', '10-244-5-1.podns.pod.cluster.local.', 'A', { rcode: 'NOERROR', answer: ['10-244-5-1.podns.pod.cluster.local. 5 A 10.244.5.1'] })
    check('insecure', '172-0-0-2.podns.pod.cluster.local.', 'A', { rcode: 'NOERROR', answer: ['172-0-0-2.podns.pod.cluster.local. 5 A 172.0.0.2'] })
  })
  it('insecure: a label that is not an address is NXDOMAIN for every type', () => {
    for (const t of ['A', 'AAAA', 'HINFO'] as RRType[]) check('insecure', 'blah.podns.pod.cluster.local.', t, { rcode: 'NXDOMAIN', ns: [SOA()] })
  })
  it('insecure: a namespace that does not exist is NXDOMAIN; the namespace name alone is NODATA', () => {
    check('insecure', 'blah.pod-nons.pod.cluster.local.', 'A', { rcode: 'NXDOMAIN' })
    check('insecure', 'podns.pod.cluster.local.', 'A', { rcode: 'NOERROR', answer: [], ns: [SOA()] })
  })
  it('insecure: an IPv4 Pod name asked for AAAA is NODATA', () => {
    check('insecure', '10-244-5-1.podns.pod.cluster.local.', 'AAAA', { rcode: 'NOERROR', answer: [] })
  })
  it('verified: only the address of a Pod in that namespace', () => {
    check('verified', '10-244-5-1.podns.pod.cluster.local.', 'A', { rcode: 'NOERROR', answer: ['10-244-5-1.podns.pod.cluster.local. 5 A 10.244.5.1'] })
    check('verified', '172-0-0-2.podns.pod.cluster.local.', 'A', { rcode: 'NXDOMAIN', ns: [SOA()] })
    check('verified', '10-244-5-1.testns.pod.cluster.local.', 'A', { rcode: 'NXDOMAIN' })
    check('verified', 'podns.pod.cluster.local.', 'A', { rcode: 'NOERROR', answer: [] })
    check('verified', 'pod-nons.pod.cluster.local.', 'A', { rcode: 'NXDOMAIN' })
  })
  it('disabled (the plugin default): Pod names do not exist', () => {
    check('disabled', '10-244-5-1.podns.pod.cluster.local.', 'A', { rcode: 'NXDOMAIN', ns: [SOA()] })
    check('', '172-0-0-2.podns.pod.cluster.local.', 'A', { rcode: 'NXDOMAIN' })
  })
})

describe('reverse_test.go and the apex (kubernetes_apex_test.go)', () => {
  it('a ClusterIP names its Service; an endpoint IP names the endpoint', () => {
    check('', '11.0.0.10.in-addr.arpa.', 'PTR', { rcode: 'NOERROR', answer: ['11.0.0.10.in-addr.arpa. 5 PTR svc1.testns.svc.cluster.local.'] })
    check('', '1.0.0.172.in-addr.arpa.', 'PTR', { rcode: 'NOERROR', answer: ['1.0.0.172.in-addr.arpa. 5 PTR ep1a.svc1.testns.svc.cluster.local.'] })
  })
  it('an unknown address is NXDOMAIN without fallthrough, and goes upstream with it', () => {
    check('', '101.0.0.10.in-addr.arpa.', 'PTR', { rcode: 'NXDOMAIN' })
    const c = scenario(...FIXTURE) // kubeadm's Corefile: fallthrough in-addr.arpa ip6.arpa
    const m = serveCoreDns(dnsView(c), { name: '101.0.0.10.in-addr.arpa.', type: 'PTR' })
    expect(m.rcode).toBe('NXDOMAIN')
    expect(m.from).toBe('upstream')
    expect(m.aa).toBe(false)
  })
  it('a reverse-looking name that is not a full address is NXDOMAIN', () => {
    check('', 'svc1.testns.svc.0.10.in-addr.arpa.', 'A', { rcode: 'NXDOMAIN' })
    check('', '100.0.0.10.cluster.local.', 'PTR', { rcode: 'NXDOMAIN' })
  })
  it('the apex has its SOA: TTL min(ttl, 300), minimum = ttl, serial = time of the last change', () => {
    const c = scenario(...FIXTURE, corefile(''))
    const m = serveCoreDns(dnsView(c), { name: 'cluster.local.', type: 'SOA' })
    expect(m.answer.map((r) => `${r.name} ${r.ttl} ${r.type} ${r.data}`)).toEqual([SOA()(dnsView(c).serial)])
    expect(dnsView(c).serial).toBe(Date.parse('2026-01-15T11:55:00Z') / 1000)
  })
  it('the apex: NS is CoreDNS by its Service name, with the address in the extra section', () => {
    const c = scenario(...FIXTURE, corefile(''))
    const m = serveCoreDns(dnsView(c), { name: 'cluster.local.', type: 'NS' })
    expect(m.answer.map((r) => r.data)).toEqual(['kube-dns.kube-system.svc.cluster.local.'])
    expect(m.additional.map((r) => `${r.name} ${r.type} ${r.data}`)).toEqual(expect.arrayContaining(['kube-dns.kube-system.svc.cluster.local. A 10.0.0.10']))
    for (const t of ['A', 'AAAA', 'SRV', 'HINFO'] as RRType[]) {
      const r = serveCoreDns(dnsView(c), { name: 'cluster.local.', type: t })
      expect([r.rcode, r.answer.length]).toEqual(['NOERROR', 0])
    }
  })
})
