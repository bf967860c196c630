/**
 * CoreDNS's `hosts` plugin as v1.14.6 serves inline entries: the wildcard
 * owners added in v1.14.5 (plugin/hosts/wildcard.go, hosts_test.go's
 * `*.apps.example.com` cases, README "Wildcard records"), the fallthrough of
 * types other than A/AAAA/PTR (TestFallthroughUnsupportedType), names outside
 * the plugin's zones skipped at parse time, and the SERVFAIL a name it does
 * not hold gets without `fallthrough` (no SOA to deny with).
 */
import { describe, expect, it } from 'vitest'
import { dnsView, serveCoreDns } from '../../../engine/dns/index.ts'
import type { RRType } from '../../../engine/dns/index.ts'
import { Session, runCommand } from '../../../engine/index.ts'
import { scenario } from './helpers.ts'

const corefile = (hosts: string) => `apiVersion: v1
kind: ConfigMap
metadata: {name: coredns, namespace: kube-system}
data:
  Corefile: |
    .:53 {
        log
        ${hosts.split('\n').join('\n        ')}
        kubernetes cluster.local in-addr.arpa ip6.arpa {
            fallthrough in-addr.arpa ip6.arpa
        }
        forward . /etc/resolv.conf
    }
---
apiVersion: v1
kind: Pod
metadata: {name: client}
spec:
  containers: [{name: c, image: nicolaka/netshoot}]`

const WILD = `hosts /etc/hosts example.com {
    1.2.3.4 aa.example.com
    5.6.7.8 *.apps.example.com
    192.168.1.10 *.example.com
    192.168.1.11 www.example.com
    2001:db8::11 www.example.com
    10.9.9.9 outside.example.org
}`

function ask(hosts: string, name: string, type: RRType) {
  const m = serveCoreDns(dnsView(scenario(corefile(hosts))), { name, type })
  return { rcode: m.rcode, answers: m.answer.map((r) => `${r.name} ${r.ttl} ${r.type} ${r.data}`) }
}

describe('hosts wildcard owners (CoreDNS ≥ 1.14.5)', () => {
  it('a name one label below a wildcard owner gets its address; an explicit entry wins', () => {
    expect(ask(WILD, 'x.apps.example.com.', 'A')).toEqual({ rcode: 'NOERROR', answers: ['x.apps.example.com. 3600 A 5.6.7.8'] })
    expect(ask(WILD, 'aa.example.com.', 'A')).toEqual({ rcode: 'NOERROR', answers: ['aa.example.com. 3600 A 1.2.3.4'] })
    expect(ask(WILD, 'apps.example.com.', 'A')).toEqual({ rcode: 'NOERROR', answers: ['apps.example.com. 3600 A 192.168.1.10'] })
    expect(ask(WILD, 'www.example.com.', 'A')).toEqual({ rcode: 'NOERROR', answers: ['www.example.com. 3600 A 192.168.1.11'] })
  })

  it('matches exactly one label: neither the apex nor a name two labels down', () => {
    expect(ask(WILD, 'example.com.', 'A').rcode).toBe('SERVFAIL')
    expect(ask(WILD, 'deep.x.example.com.', 'A').rcode).toBe('SERVFAIL')
  })

  it('looks up each family on its own: a name with only an IPv6 entry still takes the wildcard\'s IPv4', () => {
    const hosts = 'hosts /etc/hosts example.com {\n    192.168.1.10 *.example.com\n    2001:db8::1 v6.example.com\n}'
    expect(ask(hosts, 'v6.example.com.', 'A').answers).toEqual(['v6.example.com. 3600 A 192.168.1.10'])
    expect(ask(hosts, 'v6.example.com.', 'AAAA').answers).toEqual(['v6.example.com. 3600 AAAA 2001:db8::1'])
    // a wildcard with no AAAA: the name exists (it has an A), so AAAA is NODATA, not SERVFAIL
    expect(ask(hosts, 'other.example.com.', 'AAAA')).toEqual({ rcode: 'NOERROR', answers: [] })
  })

  it('gives wildcard entries no PTR record', () => {
    const c = scenario(corefile('hosts {\n    192.0.2.10 *.example.com\n    192.0.2.11 www.example.com\n    fallthrough\n}'))
    expect(serveCoreDns(dnsView(c), { name: '11.2.0.192.in-addr.arpa.', type: 'PTR' }).answer.map((r) => r.data)).toEqual(['www.example.com.'])
    // no PTR from hosts: the query falls through to kubernetes, which knows no such address either
    expect(serveCoreDns(dnsView(c), { name: '10.2.0.192.in-addr.arpa.', type: 'PTR' }).answer).toEqual([])
  })

  it('skips a name outside the plugin\'s zones when it reads the entries (no PTR for it either)', () => {
    const c = scenario(corefile(WILD))
    expect(serveCoreDns(dnsView(c), { name: '9.9.9.10.in-addr.arpa.', type: 'PTR' }).answer).toEqual([])
  })
})

describe('hosts and the types it does not serve', () => {
  it('with fallthrough, a TXT or MX query for a name it holds goes to the next plugin (TestFallthroughUnsupportedType)', () => {
    const hosts = 'hosts {\n    10.0.0.5 db.internal.\n    fallthrough\n}'
    // the next plugins: kubernetes (not its zone) then forward, whose upstream knows no such name
    expect(ask(hosts, 'db.internal.', 'TXT').rcode).toBe('NXDOMAIN')
    expect(ask(hosts, 'db.internal.', 'A').answers).toEqual(['db.internal. 3600 A 10.0.0.5'])
  })

  it('without fallthrough, the same query is NODATA from hosts itself', () => {
    const hosts = 'hosts {\n    10.0.0.5 db.internal.\n}'
    const m = serveCoreDns(dnsView(scenario(corefile(hosts))), { name: 'db.internal.', type: 'TXT' })
    expect([m.rcode, m.aa, m.answer.length]).toEqual(['NOERROR', true, 0])
  })
})

describe('the log plugin and a reply no plugin wrote (CoreDNS ≥ 1.14.5, coredns#8200)', () => {
  it('logs the SERVFAIL it synthesizes when hosts has no answer and no fallthrough: flags qr,rd, the bare message\'s size', () => {
    const c = scenario(corefile('hosts /etc/hosts example.com {\n    1.2.3.4 aa.example.com\n}'))
    const s = new Session(c)
    // netshoot's musl resolver walks the search list, then asks for the name as it is: hosts answers nothing
    expect(runCommand(c, 'kubectl exec client -- curl -sS -m1 http://nope.example.com', s).stderr).toContain('Could not resolve host')
    const log = runCommand(c, 'kubectl logs -n kube-system -l k8s-app=kube-dns', s).stdout
    const line = log.split('\n').find((l) => l.includes('"A IN nope.example.com. '))
    // 12-byte header + the question (18 bytes of name + type and class) = 34
    expect(line).toMatch(/"A IN nope\.example\.com\. udp 34 false 512" SERVFAIL qr,rd 34 0\.0001s$/)
  })

  it('for dig\'s EDNS query, logs the bare 34 bytes while dig receives 57 (the server\'s answer echoes OPT and cookie)', () => {
    const c = scenario(corefile('hosts /etc/hosts example.com {\n    1.2.3.4 aa.example.com\n}'))
    const s = new Session(c)
    const dig = runCommand(c, 'kubectl exec client -- dig nope.example.com', s).stdout
    expect(dig).toContain('status: SERVFAIL')
    expect(dig).toContain('MSG SIZE  rcvd: 57')
    const log = runCommand(c, 'kubectl logs -n kube-system -l k8s-app=kube-dns', s).stdout
    expect(log).toMatch(/"A IN nope\.example\.com\. udp 57 false 1232" SERVFAIL qr,rd 34 0\.0001s\n/)
  })
})
