/**
 * dig, nslookup and host leave their queries in the run (engine/dns/query-record.ts,
 * traffic/lookup-record.ts), as curl's lookups do: the CoreDNS `log` plugin's lines
 * (plugin/log, the common format), the node's conntrack entries for the kube-dns
 * DNAT, and the packets tcpdump prints (4.99.4 print-domain.c: "+" for RD, " [1au]"
 * for an OPT record). The debugging loop Kubernetes' "Debugging DNS Resolution"
 * page teaches: enable `log`, query, read CoreDNS's log.
 */
import { describe, expect, it } from 'vitest'
import { runCommand, Session } from '../../../engine/index.ts'
import { scenario } from './helpers.ts'

const c = scenario(`apiVersion: v1
kind: ConfigMap
metadata: {name: coredns, namespace: kube-system}
data:
  Corefile: |
    .:53 {
        errors
        log
        kubernetes cluster.local in-addr.arpa ip6.arpa {
           pods insecure
           fallthrough in-addr.arpa ip6.arpa
        }
        forward . /etc/resolv.conf
    }
---
apiVersion: v1
kind: Pod
metadata: {name: shoot}
spec:
  nodeName: node-2
  containers: [{name: c, image: nicolaka/netshoot:v0.14}]
---
apiVersion: v1
kind: Pod
metadata: {name: web, labels: {app: web}}
spec:
  containers: [{name: c, image: registry.k8s.io/e2e-test-images/agnhost:2.53, args: [netexec]}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]`)

const shoot = c.index.pod.get('default/shoot')!
const LOGS = 'kubectl logs -n kube-system -l k8s-app=kube-dns'
const queryLines = (text: string) => text.split('\n').filter((l) => /^\[INFO\] [\d[]/.test(l))

function run(...lines: string[]) {
  const s = new Session(c)
  return lines.map((l) => runCommand(c, l, s))
}

describe('dig leaves its query in the run', () => {
  it('CoreDNS logs it with dig\'s id, its EDNS size (1232) and the cookie in the request size', () => {
    const [dig, logs] = run('kubectl exec shoot -- dig web.default.svc.cluster.local', LOGS)
    const id = /id: (\d+)/.exec(dig.stdout)![1]
    // 12 header + 31 name + 4 type/class + 11 OPT + 12 COOKIE option = 70 bytes; the reply adds the answer, its name uncompressed (45), and echoes the OPT
    expect(queryLines(logs.stdout)).toEqual([
      expect.stringMatching(new RegExp(`^\\[INFO\\] ${shoot.podIPs[0].replace(/\./g, '\\.')}:\\d+ - ${id} "A IN web\\.default\\.svc\\.cluster\\.local\\. udp 70 false 1232" NOERROR qr,aa,rd 115 0\\.0001s$`)),
    ])
    expect(dig.stdout).toContain('MSG SIZE  rcvd: 115')
  })

  it('nothing is logged before the query, nor in another run', () => {
    expect(queryLines(run(LOGS, 'kubectl exec shoot -- dig web.default.svc.cluster.local')[0].stdout)).toEqual([])
    expect(queryLines(run(LOGS)[0].stdout)).toEqual([])
  })

  it('the client node\'s conntrack holds the DNAT to a CoreDNS Pod, and tcpdump in the Pod shows the exchange', () => {
    const [dig, ct, dump] = run('kubectl exec shoot -- dig web.default.svc.cluster.local', 'ssh node-2 conntrack -L -p udp', 'kubectl exec shoot -- tcpdump -ni eth0 port 53')
    const id = /id: (\d+)/.exec(dig.stdout)![1]
    const corednsIPs = c.pods.filter((p) => p.meta.labels['k8s-app'] === 'kube-dns').map((p) => p.podIPs[0])
    const entry = /^udp +17 \d+ src=(\S+) dst=10\.96\.0\.10 sport=(\d+) dport=53 src=(\S+) dst=\S+ sport=53 dport=(\d+) mark=0 use=1$/m.exec(ct.stdout)
    expect(entry).not.toBeNull()
    expect(entry![1]).toBe(shoot.podIPs[0])
    expect(corednsIPs).toContain(entry![3])
    expect(entry![4]).toBe(entry![2])
    expect(dump.stdout).toContain(`> 10.96.0.10.53: ${id}+ [1au] A? web.default.svc.cluster.local. (70)\n`)
    expect(dump.stdout).toMatch(new RegExp(`10\\.96\\.0\\.10\\.53 > \\S+: ${id}\\*- 1/0/1 A \\S+ \\(115\\)\\n`))
  })

  it('+norecurse clears RD: no "rd" in the log\'s flags, no "+" in tcpdump', () => {
    const [dig, logs, dump] = run('kubectl exec shoot -- dig +norecurse web.default.svc.cluster.local', LOGS, 'kubectl exec shoot -- tcpdump -ni eth0 port 53')
    const id = /id: (\d+)/.exec(dig.stdout)![1]
    expect(queryLines(logs.stdout)[0]).toMatch(/" NOERROR qr,aa 115 0\.0001s$/)
    expect(dump.stdout).toContain(`: ${id} [1au] A? web.default.svc.cluster.local. (70)\n`)
  })

  it('+tcp is not kept (the run keeps UDP lookups only)', () => {
    expect(queryLines(run('kubectl exec shoot -- dig +tcp web.default.svc.cluster.local', LOGS)[1].stdout)).toEqual([])
  })
})

describe('nslookup and host leave theirs too, without EDNS', () => {
  it('bind9 nslookup walks the search list: one line per query, UDP size 512', () => {
    const lines = queryLines(run('kubectl exec shoot -- nslookup web', LOGS)[1].stdout)
    expect(lines.map((l) => /"(\w+) IN (\S+) udp \d+ false (\d+)" (\w+)/.exec(l)!.slice(1).join(' '))).toEqual([
      'A web.default.svc.cluster.local. 512 NOERROR',
      'AAAA web.default.svc.cluster.local. 512 NOERROR',
    ])
  })

  it('host asks A, then AAAA and MX for the name it found', () => {
    const lines = queryLines(run('kubectl exec shoot -- host web', LOGS)[1].stdout)
    expect(lines.map((l) => /"(\w+) IN (\S+) /.exec(l)!.slice(1).join(' '))).toEqual([
      'A web.default.svc.cluster.local.',
      'AAAA web.default.svc.cluster.local.',
      'MX web.default.svc.cluster.local.',
    ])
  })
})

describe('a host-network Pod with dnsPolicy ClusterFirstWithHostNet', () => {
  const hn = scenario(`apiVersion: v1
kind: ConfigMap
metadata: {name: coredns, namespace: kube-system}
data:
  Corefile: |
    .:53 {
        log
        kubernetes cluster.local in-addr.arpa ip6.arpa
        forward . /etc/resolv.conf
    }
---
apiVersion: v1
kind: Pod
metadata: {name: hn}
spec:
  nodeName: node-2
  hostNetwork: true
  dnsPolicy: ClusterFirstWithHostNet
  containers: [{name: c, image: nicolaka/netshoot:v0.14}]
---
apiVersion: v1
kind: Pod
metadata: {name: web, labels: {app: web}}
spec:
  containers: [{name: c, image: nginx}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80}]`)
  const node2 = hn.index.node.get('node-2')!.internalIPs[0]

  it('resolves short names through CoreDNS and its search list, with its image\'s C library (musl), from the node\'s address', () => {
    const s = new Session(hn)
    const trace = runCommand(hn, 'kubectl exec hn -- trace web:80', s).stdout
    expect(trace).toContain(`${node2}:`)
    expect(trace).toMatch(/musl resolver \(getaddrinfo\) asks 10\.96\.0\.10 for web, A and AAAA, with search list default\.svc\.cluster\.local/)
    expect(runCommand(hn, 'kubectl exec hn -- curl -s -o /dev/null -w %{http_code} http://web', s).stdout).toBe('200')
    const log = queryLines(runCommand(hn, LOGS, s).stdout)
    expect(log.length).toBeGreaterThan(0)
    expect(log.every((l) => l.startsWith(`[INFO] ${node2}:`))).toBe(true)
    expect(runCommand(hn, 'ssh node-2 conntrack -L -p udp', s).stdout).toMatch(new RegExp(`^udp +17 \\d+ src=${node2.replace(/\./g, '\\.')} dst=10\\.96\\.0\\.10 `, 'm'))
  })

  it('its dig queries are logged from the node\'s address too', () => {
    const s = new Session(hn)
    runCommand(hn, 'kubectl exec hn -- dig +short web.default.svc.cluster.local', s)
    expect(queryLines(runCommand(hn, LOGS, s).stdout)).toEqual([expect.stringMatching(new RegExp(`^\\[INFO\\] ${node2.replace(/\./g, '\\.')}:\\d+ - \\d+ "A IN web\\.default\\.svc\\.cluster\\.local\\. udp 70 false 1232"`))])
  })
})

describe('dig from a node, at the kube-dns address', () => {
  it('is logged from the node\'s address, and the two nodes\' conntrack tables hold the DNAT and the query as it arrived', () => {
    const s = new Session(c)
    expect(runCommand(c, 'ssh node-1 dig +short @10.96.0.10 web.default.svc.cluster.local', s).stdout).toMatch(/^10\.\d+\.\d+\.\d+\n$/)
    const node1 = c.index.node.get('node-1')!.internalIPs[0]
    expect(queryLines(runCommand(c, LOGS, s).stdout)).toEqual([expect.stringMatching(new RegExp(`^\\[INFO\\] ${node1.replace(/\./g, '\\.')}:\\d+ - \\d+ "A IN web\\.default\\.svc\\.cluster\\.local\\. `))])
    const entry = /^udp +17 \d+ src=(\S+) dst=10\.96\.0\.10 sport=(\d+) dport=53 src=(\S+) dst=(\S+) /m.exec(runCommand(c, 'ssh node-1 conntrack -L -p udp', s).stdout)
    expect(entry?.[1]).toBe(node1)
    const corednsPod = c.pods.find((p) => p.podIPs[0] === entry![3])!
    expect(corednsPod.meta.labels['k8s-app']).toBe('kube-dns')
    // one entry, the lookup's: no second one for a connection that never was
    expect(runCommand(c, 'ssh node-1 conntrack -L -p udp', s).stderr).toBe('conntrack v1.4.8 (conntrack-tools): 1 flow entries have been shown.\n')
  })
})

