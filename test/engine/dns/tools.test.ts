/**
 * nslookup, dig and host as the reader sees them: laid out as BusyBox 1.36
 * and bind9 9.18 print (networking/nslookup.c; bin/dig/dig.c, host.c,
 * nslookup.c), with the failures a real cluster gives.
 */
import { describe, expect, it } from 'vitest'
import type { DnsLookupData } from '../../../engine/dns/index.ts'
import { clientPod, clusterDoc, namespace, scenario, sh } from './helpers.ts'

const c = scenario(
  clusterDoc({ externalHosts: [{ name: 'db.example.com', addresses: ['203.0.113.10'] }, { name: 'www.example.com', cname: 'db.example.com' }] }),
  namespace('prod'),
  `apiVersion: v1
kind: Service
metadata: {name: web, namespace: prod}
spec:
  clusterIP: 10.96.0.50
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: 8080}]`,
  `apiVersion: v1
kind: Pod
metadata: {name: web-0, namespace: prod, labels: {app: web}}
spec: {containers: [{name: web, image: nginx:1.27, ports: [{containerPort: 8080}]}]}
status: {phase: Running, podIP: 10.244.1.5, podIPs: [{ip: 10.244.1.5}], conditions: [{type: Ready, status: "True"}]}`,
  `apiVersion: v1
kind: Service
metadata: {name: db, namespace: prod}
spec: {type: ExternalName, externalName: db.example.com}`,
  `apiVersion: v1
kind: Service
metadata: {name: gone, namespace: prod}
spec: {type: ExternalName, externalName: nothing.example.com}`,
  `apiVersion: v1
kind: Pod
metadata: {name: bb, namespace: prod}
spec: {containers: [{name: bb, image: busybox:1.36}]}`,
  `apiVersion: v1
kind: Pod
metadata: {name: utils, namespace: prod}
spec: {containers: [{name: u, image: registry.k8s.io/e2e-test-images/jessie-dnsutils:1.3}]}`,
)

describe('BusyBox nslookup', () => {
  it('a short name: one query per search domain for A and AAAA, every reply printed, exit 1 for the NXDOMAINs', () => {
    const r = sh(c, 'kubectl exec -n prod bb -- nslookup web')
    expect(r.stdout).toBe(`Server:\t\t10.96.0.10
Address:\t10.96.0.10:53

Name:\tweb.prod.svc.cluster.local
Address: 10.96.0.50

** server can't find web.svc.cluster.local: NXDOMAIN

** server can't find web.cluster.local: NXDOMAIN


** server can't find web.svc.cluster.local: NXDOMAIN

** server can't find web.cluster.local: NXDOMAIN

`)
    expect(r.exitCode).toBe(1)
    const d = r.data as DnsLookupData
    expect(d.tried).toEqual(['web.prod.svc.cluster.local.', 'web.svc.cluster.local.', 'web.cluster.local.', 'web.prod.svc.cluster.local.', 'web.svc.cluster.local.', 'web.cluster.local.'])
    expect(d.answers.map((a) => a.data)).toEqual(['10.96.0.50'])
  })
  it('a name with a dot is sent only as is (BusyBox has no ndots): web.prod fails where glibc would find it', () => {
    const r = sh(c, 'kubectl exec -n prod bb -- nslookup web.prod')
    expect(r.stdout).toBe(`Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n** server can't find web.prod: NXDOMAIN\n\n** server can't find web.prod: NXDOMAIN\n\n`)
    expect(r.exitCode).toBe(1)
  })
  it('an address becomes a PTR query', () => {
    expect(sh(c, 'kubectl exec -n prod bb -- nslookup 10.96.0.50').stdout).toBe(`Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n50.0.96.10.in-addr.arpa\tname = web.prod.svc.cluster.local\n\n`)
  })
  it('-type=srv and an explicit server', () => {
    const r = sh(c, 'kubectl exec -n prod bb -- nslookup -type=srv _http._tcp.web.prod.svc.cluster.local 10.96.0.10')
    expect(r.stdout).toBe(`Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n_http._tcp.web.prod.svc.cluster.local\tservice = 0 100 80 web.prod.svc.cluster.local\n\n`)
    expect(r.exitCode).toBe(0)
  })
})

describe('bind9 nslookup (glibc images, nodes, the workstation)', () => {
  it('the search list with ndots; the AAAA query that follows finds nothing and says nothing', () => {
    const r = sh(c, 'kubectl exec -n prod utils -- nslookup web')
    expect(r.stdout).toBe(`Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\nName:\tweb.prod.svc.cluster.local\nAddress: 10.96.0.50\n\n`)
    expect(r.exitCode).toBe(0)
    expect((r.data as DnsLookupData).tried).toEqual(['web.prod.svc.cluster.local.', 'web.prod.svc.cluster.local.'])
  })
  it('an ExternalName Service: the CNAME, then the address the upstream resolver gives', () => {
    expect(sh(c, 'kubectl exec -n prod utils -- nslookup db').stdout).toBe(
      `Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\ndb.prod.svc.cluster.local\tcanonical name = db.example.com.\nName:\tdb.example.com\nAddress: 203.0.113.10\n\n`,
    )
  })
  it('a name that exists nowhere: every candidate NXDOMAIN, the last one reported', () => {
    const r = sh(c, 'kubectl exec -n prod utils -- nslookup nosuch')
    expect(r.stdout).toBe(`Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\n** server can't find nosuch: NXDOMAIN\n\n`)
    expect(r.exitCode).toBe(1)
    expect((r.data as DnsLookupData).tried).toEqual(['nosuch.prod.svc.cluster.local.', 'nosuch.svc.cluster.local.', 'nosuch.cluster.local.', 'nosuch.'])
  })
  it('the workstation cannot resolve cluster names: its resolver is outside the cluster', () => {
    const r = sh(c, 'nslookup web.prod.svc.cluster.local')
    expect(r.stdout).toBe(`Server:\t\t203.0.113.1\nAddress:\t203.0.113.1#53\n\n** server can't find web.prod.svc.cluster.local: NXDOMAIN\n\n`)
    expect(r.exitCode).toBe(1)
    // while declared outside names resolve there, non-authoritatively
    expect(sh(c, 'nslookup db.example.com').stdout).toBe(`Server:\t\t203.0.113.1\nAddress:\t203.0.113.1#53\n\nNon-authoritative answer:\nName:\tdb.example.com\nAddress: 203.0.113.10\n\n`)
  })
})

describe('dig', () => {
  it('the full layout: header, flags, OPT pseudosection, sections on tab stops, stats', () => {
    const r = sh(c, 'kubectl exec -n prod utils -- dig SRV _http._tcp.web.prod.svc.cluster.local')
    expect(r.stdout).toBe(`
; <<>> DiG 9.18.33-1~deb12u2-Debian <<>> SRV _http._tcp.web.prod.svc.cluster.local
;; global options: +cmd
;; Got answer:
;; WARNING: .local is reserved for Multicast DNS
;; You are currently testing what happens when an mDNS query is leaked to DNS
;; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 11453
;; flags: qr aa rd; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 2
;; WARNING: recursion requested but not available

;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
; COOKIE: 768a97d8778a996b (echoed)
;; QUESTION SECTION:
;_http._tcp.web.prod.svc.cluster.local. IN SRV

;; ANSWER SECTION:
_http._tcp.web.prod.svc.cluster.local. 30 IN SRV 0 100 80 web.prod.svc.cluster.local.

;; ADDITIONAL SECTION:
web.prod.svc.cluster.local. 30\tIN\tA\t10.96.0.50

;; Query time: 0 msec
;; SERVER: 10.96.0.10#53(10.96.0.10) (UDP)
;; WHEN: Thu Jan 15 12:00:00 UTC 2026
;; MSG SIZE  rcvd: 203

`)
    expect(r.exitCode).toBe(0)
  })
  it('the header id is stable across runs', () => {
    const a = sh(c, 'kubectl exec -n prod utils -- dig web.prod.svc.cluster.local').stdout
    expect(sh(c, 'kubectl exec -n prod utils -- dig web.prod.svc.cluster.local').stdout).toBe(a)
  })
  it('dig does not use the search list unless told to (+search)', () => {
    expect(sh(c, 'kubectl exec -n prod utils -- dig +short web').stdout).toBe('')
    expect(sh(c, 'kubectl exec -n prod utils -- dig +short +search web').stdout).toBe('10.96.0.50\n')
    const d = sh(c, 'kubectl exec -n prod utils -- dig +search web').data as DnsLookupData
    expect(d.tried).toEqual(['web.prod.svc.cluster.local.'])
  })
  it('NXDOMAIN from CoreDNS is authoritative with the zone SOA; names outside the zone come from upstream (TTLs capped by cache 30)', () => {
    const r = sh(c, 'kubectl exec -n prod utils -- dig nosuch.prod.svc.cluster.local +noall +comments +authority')
    expect(r.stdout).toContain(';; ->>HEADER<<- opcode: QUERY, status: NXDOMAIN')
    expect(r.stdout).toContain(';; flags: qr aa rd; QUERY: 1, ANSWER: 0, AUTHORITY: 1, ADDITIONAL: 1')
    expect(r.stdout).toMatch(/cluster\.local\.\t\t30\tIN\tSOA\tns\.dns\.cluster\.local\. hostmaster\.cluster\.local\. \d+ 7200 1800 86400 30\n/)
    expect(sh(c, 'kubectl exec -n prod utils -- dig +noall +answer db.example.com').stdout).toBe('db.example.com.\t\t30\tIN\tA\t203.0.113.10\n')
    expect(sh(c, 'dig +noall +answer db.example.com').stdout).toBe('db.example.com.\t\t300\tIN\tA\t203.0.113.10\n')
  })
  it('+short follows CNAME chains; -x makes the PTR name', () => {
    expect(sh(c, 'kubectl exec -n prod utils -- dig +short db.prod.svc.cluster.local').stdout).toBe('db.example.com.\n203.0.113.10\n')
    expect(sh(c, 'kubectl exec -n prod utils -- dig +short -x 10.244.1.5').stdout).toBe('10-244-1-5.web.prod.svc.cluster.local.\n')
    expect(sh(c, 'kubectl exec -n prod utils -- dig +short TXT dns-version.cluster.local').stdout).toBe('"1.1.0"\n')
  })
  it('an ExternalName to a name the outside does not know: CoreDNS still answers NOERROR with just the CNAME', () => {
    const d = sh(c, 'kubectl exec -n prod utils -- dig gone.prod.svc.cluster.local').data as DnsLookupData
    expect(d.rcode).toBe('NOERROR')
    expect(d.answers.map((a) => `${a.type} ${a.data}`)).toEqual(['CNAME nothing.example.com.'])
  })
  it('from the workstation the cluster DNS Service cannot be reached', () => {
    const r = sh(c, 'dig @10.96.0.10 web.prod.svc.cluster.local')
    expect(r.exitCode).toBe(9)
    expect(r.stdout).toBe(`;; communications error to 10.96.0.10#53: timed out
;; communications error to 10.96.0.10#53: timed out
;; communications error to 10.96.0.10#53: timed out

; <<>> DiG 9.18.33-1~deb12u2-Debian <<>> @10.96.0.10 web.prod.svc.cluster.local
; (1 server found)
;; global options: +cmd
;; no servers could be reached
`)
    expect((r.data as DnsLookupData).rcode).toBe('TIMEOUT')
  })
  it('a node reaches CoreDNS through the ClusterIP, though its own resolver does not know cluster names', () => {
    expect(sh(c, 'ssh node-1 dig +short @10.96.0.10 web.prod.svc.cluster.local').stdout).toBe('10.96.0.50\n')
    expect(sh(c, 'ssh node-1 dig +short web.prod.svc.cluster.local').stdout).toBe('')
  })
  it('rejects unknown options as dig does', () => {
    const r = sh(c, 'kubectl exec -n prod utils -- dig +bogus web')
    expect(r.exitCode).toBe(1)
    expect(r.stderr).toMatch(/^Invalid option: \+bogus\n/)
  })
})

describe('host', () => {
  it('A through the search list, then AAAA and MX for the name found, as is', () => {
    const r = sh(c, 'kubectl exec -n prod utils -- host web')
    expect(r.stdout).toBe('web.prod.svc.cluster.local has address 10.96.0.50\n')
    expect((r.data as DnsLookupData).tried).toEqual(['web.prod.svc.cluster.local.', 'web.prod.svc.cluster.local.', 'web.prod.svc.cluster.local.'])
  })
  it('a CNAME chain and a reverse lookup', () => {
    expect(sh(c, 'kubectl exec -n prod utils -- host www.example.com').stdout).toBe('www.example.com is an alias for db.example.com.\ndb.example.com has address 203.0.113.10\n')
    expect(sh(c, 'kubectl exec -n prod utils -- host 10.96.0.50').stdout).toBe('50.0.96.10.in-addr.arpa domain name pointer web.prod.svc.cluster.local.\n')
  })
  it('a missing name and a missing type', () => {
    const r = sh(c, 'kubectl exec -n prod utils -- host nosuch')
    expect([r.stdout, r.exitCode]).toEqual(['Host nosuch not found: 3(NXDOMAIN)\n', 1])
    expect(sh(c, 'kubectl exec -n prod utils -- host -t AAAA web').stdout).toBe('web.prod.svc.cluster.local has no AAAA record\n')
  })
})

describe('dig +showsearch', () => {
  it('prints every message of the walk, each under the whole greeting again (dighost.c clones the lookup with its cmdline)', () => {
    const c = scenario(clientPod())
    const out = sh(c, 'kubectl exec client -- dig +search +showsearch kubernetes.default').stdout
    const greeting = '\n; <<>> DiG 9.18.33-1~deb12u2-Debian <<>> +search +showsearch kubernetes.default\n;; global options: +cmd\n'
    expect(out.split(greeting)).toHaveLength(3)
    expect(out).toContain(';kubernetes.default.default.svc.cluster.local. IN A')
    expect(out).toContain('status: NXDOMAIN')
    expect(out).toContain(';; MSG SIZE  rcvd: 178\n\n\n; <<>> DiG')
    // without +showsearch only the last message is printed, once
    expect(sh(c, 'kubectl exec client -- dig +search kubernetes.default').stdout.split('; <<>> DiG')).toHaveLength(2)
  })
})
