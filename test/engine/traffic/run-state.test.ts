/**
 * What a run remembers of its connections (engine/traffic/connection-log.ts)
 * and the tools that read it: conntrack -L (conntrack-tools 1.4.8,
 * libnetfilter_conntrack's snprintf_default.c), tcpdump (4.99.4's
 * print-tcp.c, print-udp.c, print-domain.c, print-icmp.c) and CoreDNS's
 * `log` plugin lines in kubectl logs (plugin/log). Each sees only the
 * connections made earlier in the same run, and nothing of another run.
 */
import { describe, expect, it } from 'vitest'
import { loadScenario, runCommand, Session } from '../../../engine/index.ts'
import { connectionsOf, MAX_CONNECTIONS } from '../../../engine/traffic/connection-log.ts'
import { build, pod, shop } from '../trace/helpers.ts'
import { nodePlumbing } from '../../../engine/dataplane/index.ts'

const NETSHOOT = pod('shoot', 'node-2', { role: 'debug' }, 'nicolaka/netshoot:v0.14')
const NETSHOOT_ADMIN = pod('shoot-admin', 'node-2', { role: 'debug' }, 'nicolaka/netshoot:v0.14', '    securityContext: {capabilities: {add: [NET_ADMIN]}}')
const LOGGING = `apiVersion: v1
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
        cache 30
    }`

const c = build(shop({ extra: [NETSHOOT, NETSHOOT_ADMIN] }))
const webIP = c.index.service.get('prod/web')!.clusterIPs[0]
const SUMMARY = (n: number) => `conntrack v1.4.8 (conntrack-tools): ${n} flow entries have been shown.\n`
const BANNER = (iface: string) => `tcpdump: verbose output suppressed, use -v[v]... for full protocol decode\nlistening on ${iface}, link-type EN10MB (Ethernet), snapshot length 262144 bytes\n`
const COUNTS = (n: number) => `${n} packet${n === 1 ? '' : 's'} captured\n${n} packet${n === 1 ? '' : 's'} received by filter\n0 packets dropped by kernel\n`

function run(...lines: string[]) {
  const s = new Session(c)
  return { session: s, results: lines.map((l) => runCommand(c, l, s)) }
}

describe('the connection log', () => {
  it('keeps each connection of the run in order, and only the last MAX_CONNECTIONS', () => {
    const { session } = run('kubectl exec -n prod tools -- curl -s web/hostname', 'kubectl exec -n prod tools -- ping -c 1 10.244.1.2', 'kubectl exec -n prod tools -- traceroute 10.244.1.2')
    // traceroute's probes are not a connection
    expect(connectionsOf(session).map((x) => x.tool)).toEqual(['curl', 'ping'])
    const many = new Session(c)
    for (let i = 0; i < MAX_CONNECTIONS + 6; i++) runCommand(c, 'kubectl exec -n prod tools -- ping -c 1 10.244.1.2', many)
    const kept = connectionsOf(many)
    expect(kept).toHaveLength(MAX_CONNECTIONS)
    expect(kept[0].seq).toBe(6)
  })
})

describe('conntrack -L', () => {
  it('shows the DNAT of a Service connection in the reply tuple, in conntrack-tools format', () => {
    const { results } = run('kubectl exec -n prod tools -- curl -s web/hostname', `ssh node-2 conntrack -L -d ${webIP}`)
    const [curl, ct] = results
    expect(curl.exitCode).toBe(0)
    const pod = c.pods.find((p) => p.meta.name === curl.stdout)!
    // snprintf_default.c: "%-8s %u " proto, "%u " timeout, state, src= dst= sport= dport=, reply tuple, [ASSURED], mark=, use=
    expect(ct.stdout).toMatch(new RegExp(`^tcp      6 119 TIME_WAIT src=10\\.244\\.2\\.3 dst=${webIP.replace(/\./g, '\\.')} sport=(\\d+) dport=80 src=${pod.podIPs[0].replace(/\./g, '\\.')} dst=10\\.244\\.2\\.3 sport=8080 dport=\\1 \\[ASSURED\\] mark=0 use=1\\n$`))
    expect(ct.stderr).toBe(SUMMARY(1))
    expect(ct.exitCode).toBe(0)
  })

  it('lists the DNS exchange as a udp entry to the kube-dns address, answered by a CoreDNS Pod', () => {
    const { results } = run('kubectl exec -n prod tools -- curl -s web/hostname', 'ssh node-2 conntrack -L -p udp')
    const lines = results[1].stdout.trim().split('\n')
    const line = lines.find((l) => l.includes('dport=53'))!
    expect(line).toMatch(/^udp      17 29 src=10\.244\.2\.3 dst=10\.96\.0\.10 sport=(\d+) dport=53 src=10\.244\.0\.[23] dst=10\.244\.2\.3 sport=53 dport=\1 mark=0 use=1$/)
    // a single query and reply is not [ASSURED] (nf_conntrack_proto_udp.c: only a flow still active after 2 s)
    expect(line).not.toContain('ASSURED')
    // the rest are flannel's own datagrams to and from the control plane, where CoreDNS runs: each [UNREPLIED],
    // since the answers come back from the peer's own hashed source port
    const tunnel = lines.filter((l) => l !== line)
    expect(tunnel.length).toBeGreaterThan(0)
    for (const l of tunnel) expect(l).toMatch(/^udp      17 29 src=192\.168\.1\.1\d dst=192\.168\.1\.1\d sport=\d+ dport=8472 \[UNREPLIED\] src=\S+ dst=\S+ sport=8472 dport=\d+ mark=0 use=1$/)
  })

  it('lists the overlay\'s outer datagrams on both nodes, VXLAN [UNREPLIED] each way, IP-in-IP as one generic entry', () => {
    const { results } = run('kubectl exec -n prod tools -- curl -s http://10.244.3.2:8080/hostname', 'ssh node-2 conntrack -L -p udp', 'ssh node-3 conntrack -L -p udp')
    const out = (r: { stdout: string }) => r.stdout.trim().split('\n').filter((l) => l.includes('dport=8472') && l.includes('192.168.1.13'))
    // the request's flow node-2 → node-3 and the reply's node-3 → node-2, from another source port, on both nodes
    expect(out(results[1])).toHaveLength(2)
    expect(out(results[2])).toEqual(out(results[1]))
    expect(out(results[1])[0]).toMatch(/^udp      17 29 src=192\.168\.1\.12 dst=192\.168\.1\.13 sport=(\d+) dport=8472 \[UNREPLIED\] src=192\.168\.1\.13 dst=192\.168\.1\.12 sport=8472 dport=\1 mark=0 use=1$/)
    expect(out(results[1])[1]).toMatch(/^udp      17 29 src=192\.168\.1\.13 dst=192\.168\.1\.12 sport=\d+ dport=8472 \[UNREPLIED\]/)
    const calico = build(shop({ cluster: '{cni: calico}' }))
    const s = new Session(calico)
    const target = calico.pods.find((p) => p.meta.namespace === 'prod' && p.nodeName !== 'node-2' && p.podIPs.length)!
    runCommand(calico, `kubectl exec -n prod tools -- ping -c 1 ${target.podIPs[0]}`, s)
    const peer = calico.index.node.get(target.nodeName)!.internalIPs[0]
    // nf_conntrack_proto_generic: addresses only, 600 s, the reply the same flow
    expect(runCommand(calico, 'ssh node-2 conntrack -L', s).stdout).toContain(`unknown  4 599 src=192.168.1.12 dst=${peer} src=${peer} dst=192.168.1.12 mark=0 use=1\n`)
  })

  it('counts down: the older of two connections has less time left', () => {
    const { results } = run('kubectl exec -n prod tools -- curl -s http://10.244.1.2:8080/hostname', 'kubectl exec -n prod tools -- curl -s http://10.244.3.2:8080/hostname', 'ssh node-2 conntrack -L -p tcp')
    const lines = results[2].stdout.trim().split('\n')
    expect(lines.map((l) => l.split(/\s+/)[2])).toEqual(['118', '119'])
    // no NAT between Pods: the reply tuple is the original reversed
    expect(lines[0]).toMatch(/src=10\.244\.2\.3 dst=10\.244\.1\.2 sport=(\d+) dport=8080 src=10\.244\.1\.2 dst=10\.244\.2\.3 sport=8080 dport=\1 \[ASSURED\]/)
  })

  it('an ICMP echo: type 8 out, type 0 back, the echo id in both', () => {
    const { results } = run('kubectl exec -n prod tools -- ping -c 2 10.244.3.2', 'ssh node-2 conntrack -L -p icmp -s 10.244.2.3')
    expect(results[1].stdout).toMatch(/^icmp     1 29 src=10\.244\.2\.3 dst=10\.244\.3\.2 type=8 code=0 id=(\d+) src=10\.244\.3\.2 dst=10\.244\.2\.3 type=0 code=0 id=\1 mark=0 use=1\n$/)
  })

  it('sees only connections made earlier in the same run, and on the nodes they crossed', () => {
    const s = new Session(c)
    expect(runCommand(c, 'ssh node-2 conntrack -L', s)).toMatchObject({ stdout: '', stderr: SUMMARY(0), exitCode: 0 })
    runCommand(c, 'kubectl exec -n prod tools -- curl -s http://10.244.3.2:8080/hostname', s)
    expect(runCommand(c, 'ssh node-2 conntrack -L -p tcp', s).stderr).toBe(SUMMARY(1))
    expect(runCommand(c, 'ssh node-3 conntrack -L -p tcp', s).stderr).toBe(SUMMARY(1))
    expect(runCommand(c, 'ssh node-1 conntrack -L', s).stderr).toBe(SUMMARY(0))
    // another run (no shared Session) sees nothing
    runCommand(c, 'kubectl exec -n prod tools -- curl -s web/hostname')
    expect(runCommand(c, 'ssh node-2 conntrack -L')).toMatchObject({ stdout: '', stderr: SUMMARY(0) })
  })

  it('a refused TCP connection leaves CLOSE; an unanswered UDP test stays [UNREPLIED]', () => {
    const { results } = run('kubectl exec -n prod tools -- curl -s http://10.244.3.2:9999/', 'kubectl exec -n prod tools -- nc -zu 10.244.1.2 8080', 'ssh node-2 conntrack -L')
    const lines = results[2].stdout.trim().split('\n').filter((l) => !l.includes('dport=8472'))
    // nf_conntrack_proto_tcp.c: a RST answering the SYN moves the entry to CLOSE, 10 s
    expect(lines[0]).toMatch(/^tcp      6 8 CLOSE src=10\.244\.2\.3 dst=10\.244\.3\.2 sport=\d+ dport=9999 src=10\.244\.3\.2 dst=10\.244\.2\.3 sport=9999 dport=\d+ mark=0 use=1$/)
    expect(lines[1]).toMatch(/^udp      17 29 src=10\.244\.2\.3 dst=10\.244\.1\.2 sport=\d+ dport=8080 \[UNREPLIED\] src=10\.244\.1\.2/)
    const cap = runCommand(c, 'ssh node-2 tcpdump -ni cni0', run('kubectl exec -n prod tools -- nc -zu 10.244.1.2 8080').session).stdout.trim().split('\n')
    // nothing listens on UDP 8080 there: OpenBSD nc's first probe, and the kernel's ICMP error (print-icmp.c)
    expect(cap).toHaveLength(2)
    expect(cap[0]).toMatch(/ IP 10\.244\.2\.3\.\d+ > 10\.244\.1\.2\.8080: UDP, length 1$/)
    expect(cap[1]).toMatch(/ IP 10\.244\.1\.2 > 10\.244\.2\.3: ICMP 10\.244\.1\.2 udp port 8080 unreachable, length 37$/)
  })

  it('in a Pod: needs NET_ADMIN, and the Pod\'s own table is empty; -E and other modes are refused', () => {
    const { results } = run('kubectl exec -n prod tools -- curl -s web/hostname', 'kubectl exec -n prod shoot -- conntrack -L', 'kubectl exec -n prod shoot-admin -- conntrack -L', 'kubectl exec -n prod tools -- conntrack -L', 'ssh node-2 conntrack -E', 'ssh node-2 conntrack -D -p tcp')
    expect(results[1]).toMatchObject({ exitCode: 1, stderr: 'conntrack v1.4.8 (conntrack-tools): Operation failed: sorry, you must be root or get CAP_NET_ADMIN capability to do this\ncommand terminated with exit code 1\n' })
    expect(results[2]).toMatchObject({ exitCode: 0, stdout: '', stderr: SUMMARY(0) })
    // the tools image has no conntrack: run directly, the runtime answers (container-shell.ts notFound)
    expect(results[3]).toMatchObject({ exitCode: 1 })
    expect(results[3].stderr).toContain('exec: "conntrack": executable file not found in $PATH: unknown')
    expect(results[4].exitCode).toBe(1)
    expect(results[4].stderr).toContain('conntrack -E (events)')
    expect(results[5].stderr).toContain('conntrack -L [-p tcp|udp|icmp|icmpv6]')
  })
})

describe('tcpdump', () => {
  it('prints the banner and counts on stderr, the packets on stdout, in 4.99 format', () => {
    const { results } = run('kubectl exec -n prod tools -- curl -s web/hostname', 'ssh node-2 tcpdump -ni cni0 port 53', 'ssh node-2 tcpdump -ni cni0 tcp')
    const dns = results[1]
    expect(dns.stderr).toBe(BANNER('cni0') + COUNTS(4))
    const d = dns.stdout.trim().split('\n')
    // print-domain.c: query "ID+ TYPE? NAME. (LEN)", reply "ID*- AN/NS/AR A ADDR (LEN)"
    // on the bridge, the query after the DNAT to a CoreDNS Pod (br_netfilter), the answer routed back from the control plane un-NATed
    expect(d[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{6} IP 10\.244\.2\.3\.(\d+) > 10\.244\.0\.[23]\.53: (\d+)\+ A\? web\.prod\.svc\.cluster\.local\. \(\d+\)$/)
    expect(d[1]).toMatch(/ AAAA\? web\.prod\.svc\.cluster\.local\. /)
    expect(d[2]).toMatch(new RegExp(`^\\S+ IP 10\\.96\\.0\\.10\\.53 > 10\\.244\\.2\\.3\\.\\d+: \\d+\\*- 1/0/0 A ${webIP.replace(/\./g, '\\.')} \\(\\d+\\)$`))
    expect(d[3]).toMatch(/\d+\*- 0\/1\/0 \(\d+\)$/)
    const t = results[2].stdout.trim().split('\n')
    const picked = c.pods.find((p) => p.meta.name === results[0].stdout)!
    const podIP = picked.podIPs[0].replace(/\./g, '\\.')
    // print-tcp.c: the handshake with Linux's SYN options, the request and the response with http_print's first line, the close
    expect(t[0]).toMatch(new RegExp(`IP 10\\.244\\.2\\.3\\.\\d+ > ${podIP}\\.8080: Flags \\[S\\], seq \\d+, win 64860, options \\[mss 1410,sackOK,TS val \\d+ ecr 0,nop,wscale 7\\], length 0$`))
    // the reply: from the Pod when it is on this bridge (seen before the un-DNAT), else routed back already un-DNATed
    const from = picked.nodeName === 'node-2' ? `${podIP}\\.8080` : `${webIP.replace(/\./g, '\\.')}\\.80`
    expect(t[1]).toMatch(new RegExp(`IP ${from} > 10\\.244\\.2\\.3\\.\\d+: Flags \\[S\\.\\]`))
    expect(t[1]).toMatch(/: Flags \[S\.\], seq \d+, ack \d+, win 64308, options \[mss 1410,sackOK,TS val \d+ ecr \d+,nop,wscale 7\], length 0$/)
    expect(t[2]).toMatch(/: Flags \[\.\], ack 1, win 507, options \[nop,nop,TS val \d+ ecr \d+\], length 0$/)
    expect(t[3]).toMatch(/: Flags \[P\.\], seq 1:(\d+), ack 1, win 507, options \[nop,nop,TS val \d+ ecr \d+\], length \d+: HTTP: GET \/hostname HTTP\/1\.1$/)
    expect(t[4]).toMatch(/: Flags \[P\.\], seq 1:\d+, ack \d+, win 502, .*: HTTP: HTTP\/1\.1 200 OK$/)
    expect(t.slice(5).map((l) => /Flags \[(\S+)\]/.exec(l)?.[1])).toEqual(['F.', 'F.', '.'])
    // the request's length is what curl sent: "GET /hostname HTTP/1.1\r\nHost: web\r\nUser-Agent: curl/…\r\nAccept: */*\r\n\r\n"
    const len = Number(/length (\d+): HTTP: GET/.exec(t[3])![1])
    expect(len).toBe(Number(/seq 1:(\d+)/.exec(t[3])![1]) - 1)
    // timestamps only go forward
    const times = t.map((l) => l.slice(0, 15))
    expect([...times].sort()).toEqual(times)
  })

  it('follows a lookup\'s queries over the overlay to the CoreDNS Pod on another node, and the answers back', () => {
    const { results } = run('kubectl exec -n prod tools -- curl -s web/hostname', 'ssh node-2 tcpdump -ni flannel.1 port 53', 'ssh node-2 tcpdump -ni eth0 dst host 192.168.1.10', 'ssh control-plane tcpdump -ni cni0 port 53', 'ssh node-2 conntrack -L -p udp')
    const core = c.pods.filter((p) => p.meta.labels['k8s-app'] === 'kube-dns')
    expect(core.every((p) => p.nodeName === 'control-plane')).toBe(true)
    const tunnel = results[1].stdout.trim().split('\n')
    // after node-2's DNAT: from the client Pod to the CoreDNS Pod's own address, A then AAAA, then the answers from it
    const m = /IP 10\.244\.2\.3\.(\d+) > (10\.244\.0\.\d+)\.53: \d+\+ A\? web\.prod\.svc\.cluster\.local\. /.exec(tunnel[0])!
    expect(core.map((p) => p.podIPs[0])).toContain(m[2])
    expect(tunnel[2]).toContain(`IP ${m[2]}.53 > 10.244.2.3.${m[1]}: `)
    // conntrack on the client's node records the same DNAT
    expect(results[4].stdout).toContain(`dst=10.96.0.10 sport=${m[1]} dport=53 src=${m[2]} dst=10.244.2.3 sport=53 dport=${m[1]}`)
    // on the underlay, inside flannel's datagrams (4.99.4 reads port 8472 as OTV), the same query on the next line
    const [outer, carried] = results[2].stdout.split('\n')
    expect(outer).toMatch(/IP 192\.168\.1\.12\.\d+ > 192\.168\.1\.10\.8472: OTV, flags \[I\] \(0x08\), overlay 0, instance 1$/)
    expect(carried).toBe(tunnel[0].replace(/^\S+ /, ''))
    // and out of the control plane's bridge towards the CoreDNS Pod, as node-2 sent them
    expect(results[3].stdout.split('\n')[0]).toBe(tunnel[0].replace(/^\S+/, results[3].stdout.slice(0, 15)))
  })

  it('-i any: each packet once per interface it crosses, with the interface and In/Out (LINUX_SLL2, print-sll.c)', () => {
    const { results } = run('kubectl exec -n prod tools -- curl -s http://10.244.3.2:8080/hostname', 'ssh node-2 tcpdump -ni any tcp or port 8472', 'ssh node-3 tcpdump -ni any -c 3 tcp or port 8472', 'ssh node-2 tcpdump -ni eth0 udp port 8472')
    const any = results[1]
    // tcpdump.c sets DLT_LINUX_SLL2 for "any" as -y would, and says so first
    expect(any.stderr.startsWith('tcpdump: data link type LINUX_SLL2\ntcpdump: verbose output suppressed, use -v[v]... for full protocol decode\nlistening on any, link-type LINUX_SLL2 (Linux cooked v2), snapshot length 262144 bytes\n')).toBe(true)
    // one line per packet (an OTV datagram's inner packet, on the line after it, is left out here)
    const lines = any.stdout.trim().split('\n').filter((l) => /^\d\d:/.test(l))
    const tools = c.pods.find((p) => p.meta.name === 'tools')!
    const veth = nodePlumbing(c, c.index.node.get('node-2')!).host.links.find((l) => l.parent?.netns === nodePlumbing(c, c.index.node.get('node-2')!).pods.get('prod/tools')?.name)!.name
    expect(tools.nodeName).toBe('node-2')
    // the SYN: in from the Pod's veth, in on the bridge, out by flannel.1, out on eth0 in its VXLAN datagram ("%-5s %-3s ")
    expect(lines.slice(0, 4).map((l) => l.slice(16, 16 + l.slice(16).indexOf(' IP ') + 3))).toEqual([`${veth} In  IP`, 'cni0  In  IP', 'flannel.1 Out IP', 'eth0  Out IP'])
    expect(lines[3]).toMatch(/ eth0  Out IP 192\.168\.1\.12\.\d+ > 192\.168\.1\.13\.8472: OTV, flags \[I\] \(0x08\), overlay 0, instance 1$/)
    // the SYN-ACK the other way, each interface's "In" now "Out"
    expect(lines.slice(4, 8).map((l) => /^\S+ (\S+)\s+(In|Out) /.exec(l)!.slice(1).join(' '))).toEqual(['eth0 In', 'flannel.1 In', 'cni0 Out', `${veth} Out`])
    // every packet of eth0's own capture is in the any capture, with the same line after the cooked prefix
    const eth0 = results[3].stdout.trim().split('\n').filter((l) => /^\d\d:/.test(l))
    const onEth0 = lines.filter((l) => / eth0  (In |Out) /.test(l)).map((l) => l.replace(/ eth0  (In |Out) /, ' '))
    expect(onEth0).toEqual(eth0)
    // the receiving node: the datagram in on eth0, the SYN in on flannel.1, out onto the bridge
    expect(results[2].stdout.trim().split('\n').filter((l) => /^\d\d:/.test(l)).map((l) => /^\S+ (\S+)\s+(In|Out) /.exec(l)!.slice(1).join(' '))).toEqual(['eth0 In', 'flannel.1 In', 'cni0 Out'])
    // time only goes forward
    const times = lines.map((l) => l.slice(0, 15))
    expect([...times].sort()).toEqual(times)
  })

  it('-i any does not make the bridge promiscuous: two Pods of one bridge talk past cni0, seen on their veths only', () => {
    const pinned = (name: string, image: string, extra = '') => `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}, labels: {app: ${name}}}\nspec:\n  nodeName: node-3\n  containers: [{name: c, image: "${image}"${extra}}]\n`
    const same = loadScenario([
      pinned('peer', 'nicolaka/netshoot:v0.13', ', command: [sleep, infinity]'),
      pinned('srv', 'registry.k8s.io/e2e-test-images/agnhost:2.53', ', args: [netexec, --http-port=8080], ports: [{containerPort: 8080}]'),
      'apiVersion: v1\nkind: Service\nmetadata: {name: srv}\nspec:\n  selector: {app: srv}\n  ports: [{port: 80, targetPort: 8080}]\n',
    ].join('---\n')).cluster
    const s = new Session(same)
    runCommand(same, 'kubectl exec peer -- curl -s -o /dev/null http://srv', s)
    const any = runCommand(same, 'ssh node-3 tcpdump -ni any tcp', s).stdout.trim().split('\n')
    const bridge = runCommand(same, 'ssh node-3 tcpdump -ni cni0 tcp', s).stdout.trim().split('\n')
    // on any: the SYN in from the client's veth (to the ClusterIP), out to the server's veth (to the Pod), nothing on cni0
    expect(any.some((l) => / cni0 /.test(l))).toBe(false)
    expect(any[0]).toMatch(/ veth\w+ In  IP 10\.244\.3\.\d+\.\d+ > 10\.\d+\.\d+\.\d+\.80: Flags \[S\]/)
    expect(any[1]).toMatch(/ veth\w+ Out IP 10\.244\.3\.\d+\.\d+ > 10\.244\.3\.\d+\.8080: Flags \[S\]/)
    // on cni0 itself (promiscuous, tcpdump's default) every frame the bridge switches, after the DNAT
    expect(bridge).toHaveLength(8)
    expect(bridge[0]).toMatch(/ IP 10\.244\.3\.\d+\.\d+ > 10\.244\.3\.\d+\.8080: Flags \[S\]/)
    // -p leaves the bridge out of promiscuous mode: then cni0 sees none of it either
    expect(runCommand(same, 'ssh node-3 tcpdump -pni cni0 tcp', s).stdout).toBe('')
  })

  it('shows the VXLAN outer header on the node\'s eth0 and the inner packet on flannel.1', () => {
    const { results } = run('kubectl exec -n prod tools -- curl -s http://10.244.3.2:8080/hostname', 'ssh node-2 tcpdump -ni eth0 -c 1', 'ssh node-2 tcpdump -ni flannel.1 -c 1', 'ssh node-3 tcpdump -ni eth0 udp port 8472 and src host 192.168.1.13 -c 1')
    // 4.99.4 takes port 8472 for OTV (print-udp.c OTV_PORT, print-otv.c): flags, "overlay" (VXLAN's reserved bytes), "instance" (the VNI), then the inner packet
    expect(results[1].stdout).toMatch(/^\S+ IP 192\.168\.1\.12\.\d+ > 192\.168\.1\.13\.8472: OTV, flags \[I\] \(0x08\), overlay 0, instance 1\nIP 10\.244\.2\.3\.\d+ > 10\.244\.3\.2\.8080: Flags \[S\]/)
    expect(results[1].stderr).toBe(BANNER('eth0') + COUNTS(1))
    // the banner came before the packets, the counts after them (a terminal shows them so)
    expect(results[1].stderrFirst).toBe(BANNER('eth0').length)
    expect(results[2].stdout).toMatch(/^\S+ IP 10\.244\.2\.3\.\d+ > 10\.244\.3\.2\.8080: Flags \[S\]/)
    // the reply leaves node-3 with its own outer source port
    expect(results[3].stdout).toMatch(/^\S+ IP 192\.168\.1\.13\.\d+ > 192\.168\.1\.12\.8472: OTV, flags \[I\] \(0x08\), overlay 0, instance 1\nIP 10\.244\.3\.2\.8080 > 10\.244\.2\.3\.\d+: Flags \[S\.\]/)
  })

  it('pings: echo request and reply per packet, in the Pod\'s own eth0 too', () => {
    const { results } = run('kubectl exec -n prod shoot -- ping -c 2 10.244.1.2', 'kubectl exec -n prod shoot -- tcpdump -ni eth0 icmp')
    const lines = results[1].stdout.trim().split('\n')
    expect(lines).toHaveLength(4)
    expect(lines[0]).toMatch(/ IP 10\.244\.2\.\d+ > 10\.244\.1\.2: ICMP echo request, id (\d+), seq 1, length 64$/)
    expect(lines[1]).toMatch(/ IP 10\.244\.1\.2 > 10\.244\.2\.\d+: ICMP echo reply, id \d+, seq 1, length 64$/)
    expect(lines[3]).toMatch(/echo reply, id \d+, seq 2, length 64$/)
  })

  it('filters with host, port, src, dst, tcp, udp, icmp, and, or, not; refuses the rest with what it supports', () => {
    const { results } = run(
      'kubectl exec -n prod tools -- curl -s web/hostname',
      'kubectl exec -n prod tools -- ping -c 1 10.244.1.2',
      'ssh node-2 tcpdump -ni cni0 not tcp and not udp',
      'ssh node-2 tcpdump -ni cni0 icmp or port 53',
      'ssh node-2 tcpdump -ni cni0 dst port 53',
      'ssh node-2 tcpdump -ni cni0 vlan',
      'ssh node-2 tcpdump -ni eth7',
      'ssh node-2 tcpdump -ni cni0 -c 3 tcp',
    )
    expect(results[2].stderr).toBe(BANNER('cni0') + COUNTS(2))
    expect(results[3].stderr).toBe(BANNER('cni0') + COUNTS(6))
    expect(results[4].stdout.trim().split('\n').every((l) => l.includes('.53: '))).toBe(true)
    expect(results[5].exitCode).toBe(1)
    expect(results[5].stderr).toContain("unsupported filter primitive 'vlan'")
    expect(results[5].stderr).toContain('host ADDR, port N, src/dst host|port, tcp, udp, icmp, icmp6, and, or, not')
    expect(results[6]).toMatchObject({ exitCode: 1, stderr: 'tcpdump: eth7: No such device exists\n(SIOCGIFHWADDR: No such device)\n' })
    expect(runCommand(c, 'ssh node-2 tcpdump -i cni0').stderr).toContain('tcpdump without -n')
    expect(results[7].stdout.trim().split('\n')).toHaveLength(3)
    expect(results[7].stderr).toBe(BANNER('cni0') + COUNTS(3))
  })

  it("the Pod's veth shows the packets as the Pod sent them; BusyBox wget's server closes first", () => {
    const node2 = c.index.node.get('node-2')!
    const plumbing = nodePlumbing(c, node2)
    const ns = plumbing.pods.get('prod/tools')!.name
    const veth = plumbing.host.links.find((l) => l.parent?.netns === ns)!.name
    const { results } = run('kubectl exec -n prod tools -- curl -s web/hostname', `ssh node-2 tcpdump -ni ${veth} tcp`)
    const lines = results[1].stdout.trim().split('\n')
    expect(lines.every((l) => l.includes(`${webIP}.80`))).toBe(true)
    const client = c.index.node.get('node-1')!
    const cp = nodePlumbing(c, client)
    const cveth = cp.host.links.find((l) => l.parent?.netns === cp.pods.get('prod/client')!.name)!.name
    const w = run('kubectl exec -n prod client -- wget -qO- http://10.244.3.2:8080/hostname', `ssh node-1 tcpdump -ni ${cveth} tcp`).results[1].stdout.trim().split('\n')
    // networking/wget.c sends "Connection: close": after its response the server sends the first FIN
    expect(w.slice(-3).map((l) => /^\S+ IP (\S+) > .*Flags \[(\S+)\]/.exec(l)!.slice(1, 3).join(' '))).toEqual(['10.244.3.2.8080 F.', expect.stringMatching(/^10\.244\.1\.3\.\d+ F\.$/), '10.244.3.2.8080 .'])
    expect(w[3]).toMatch(/length \d+: HTTP: GET \/hostname HTTP\/1\.1$/)
  })

  it("a NodePort from outside: the client's packet on the node's eth0, the masqueraded one beyond", () => {
    const { results } = run('curl -s http://192.168.1.13:30080/hostname', 'ssh node-3 tcpdump -ni eth0 tcp port 30080', 'ssh node-3 conntrack -L -p tcp')
    const lines = results[1].stdout.trim().split('\n')
    expect(lines[0]).toMatch(/ IP 203\.0\.113\.\d+\.\d+ > 192\.168\.1\.13\.30080: Flags \[S\], seq \d+, win 64240, options \[mss 1460,/)
    expect(lines[1]).toMatch(/ IP 192\.168\.1\.13\.30080 > 203\.0\.113\.\d+\.\d+: Flags \[S\.\]/)
    // the reply tuple shows both the DNAT (to the Pod) and the SNAT (to the node's flannel.1 address)
    expect(results[2].stdout).toMatch(/^tcp      6 119 TIME_WAIT src=203\.0\.113\.\d+ dst=192\.168\.1\.13 sport=\d+ dport=30080 src=10\.244\.\d\.2 dst=10\.244\.3\.[01] sport=8080 dport=\d+ \[ASSURED\] mark=0 use=1\n$/)
  })

  it('IPv6: "IP6" and ICMP6 in tcpdump, icmpv6 with types 128/129 in conntrack; "icmp" does not match ICMPv6', () => {
    const nodes = ['control-plane', 'node-1', 'node-2', 'node-3'].map((n, i) => `{name: ${n}, ${i === 0 ? 'roles: [control-plane], ' : ''}ips: [192.168.1.1${i}, "fd00:192:168:1::1${i}"]}`)
    const ds = build(shop({ cluster: `{ipFamilies: [IPv4, IPv6], podCIDR: "10.244.0.0/16,fd00:10:244::/56", serviceCIDR: "10.96.0.0/12,fd00:10:96::/112", nodes: [${nodes.join(', ')}]}` }))
    const six = ds.index.pod.get('prod/web-1')!.podIPs.find((a) => a.includes(':'))!
    const s = new Session(ds)
    runCommand(ds, `kubectl exec -n prod tools -- ping -c 1 ${six}`, s)
    const cap = runCommand(ds, 'ssh node-2 tcpdump -ni cni0 icmp6', s)
    expect(cap.stdout).toMatch(new RegExp(` IP6 \\S+ > ${six}: ICMP6, echo request, id \\d+, seq 1, length 64\n`))
    expect(runCommand(ds, 'ssh node-2 tcpdump -ni cni0 icmp', s).stdout).toBe('')
    // (the other entries are the overlay's own datagrams)
    const icmp6 = runCommand(ds, 'ssh node-2 conntrack -L', s).stdout.split('\n').filter((l) => l.startsWith('icmpv6'))
    expect(icmp6).toHaveLength(1)
    // -p names one protocol: icmp is IPv4's (1), icmpv6 is 58
    expect(runCommand(ds, 'ssh node-2 conntrack -L -p icmp', s).stdout).toBe('')
    expect(runCommand(ds, 'ssh node-2 conntrack -L -p icmpv6', s).stdout).toBe(`${icmp6[0]}\n`)
    expect(icmp6[0]).toMatch(new RegExp(`^icmpv6   58 29 src=\\S+ dst=${six} type=128 code=0 id=(\\d+) src=${six} dst=\\S+ type=129 code=0 id=\\1 mark=0 use=1$`))
  })

  it('in a Pod needs CAP_NET_RAW: a container that drops it, or kubectl debug --profile=restricted, may not capture', () => {
    const dropped = build(shop({ extra: [pod('locked', 'node-2', { role: 'debug' }, 'nicolaka/netshoot:v0.14', '    securityContext: {capabilities: {drop: [ALL]}}')] }))
    const denied = "tcpdump: eth0: You don't have permission to perform this capture on that device\n(Attempt to create packet socket failed - CAP_NET_RAW may be required)\n"
    expect(runCommand(dropped, 'kubectl exec -n prod locked -- tcpdump -ni eth0')).toMatchObject({ exitCode: 1, stderr: `${denied}command terminated with exit code 1\n` })
    expect(runCommand(c, 'kubectl debug -it -n prod tools --image=nicolaka/netshoot --profile=restricted -- tcpdump -ni eth0').stderr).toContain(denied)
    expect(runCommand(c, 'kubectl debug -it -n prod tools --image=nicolaka/netshoot -- tcpdump -ni eth0').stderr).toContain(BANNER('eth0'))
    // conntrack needs NET_ADMIN: the netadmin profile grants it
    expect(runCommand(c, 'kubectl debug -it -n prod tools --image=nicolaka/netshoot -- conntrack -L').stderr).toContain('CAP_NET_ADMIN capability')
    expect(runCommand(c, 'kubectl debug -it -n prod tools --image=nicolaka/netshoot --profile=netadmin -- conntrack -L').stderr).toContain(SUMMARY(0))
  })

  it('sees nothing of another run, nor of a later command', () => {
    runCommand(c, 'kubectl exec -n prod tools -- curl -s web/hostname')
    expect(runCommand(c, 'ssh node-2 tcpdump -ni cni0')).toMatchObject({ stdout: '', stderr: BANNER('cni0') + COUNTS(0) })
    const { results } = run('ssh node-2 tcpdump -ni cni0', 'kubectl exec -n prod tools -- curl -s web/hostname')
    expect(results[0].stdout).toBe('')
    expect(runCommand(c, 'kubectl exec -n prod tools -- tcpdump -ni eth0').exitCode).toBe(1)
  })
})

describe('CoreDNS log plugin lines in kubectl logs', () => {
  const logging = build(shop({ extra: [LOGGING] }))

  it('adds one line per query the Pod answered earlier in the run, the same lines the trace shows', () => {
    const s = new Session(logging)
    const before = runCommand(logging, 'kubectl logs -n kube-system -l k8s-app=kube-dns', s).stdout
    expect(before).not.toContain('[INFO] 10.')
    runCommand(logging, 'kubectl exec -n prod tools -- curl -s web/hostname', s)
    const after = runCommand(logging, 'kubectl logs -n kube-system -l k8s-app=kube-dns', s).stdout
    const queries = after.split('\n').filter((l) => l.startsWith('[INFO] 10.'))
    // plugin/log's common format: remote:port - id "type class name proto size do bufsize" rcode flags size duration
    expect(queries).toHaveLength(2)
    expect(queries[0]).toMatch(/^\[INFO\] 10\.244\.2\.3:\d+ - \d+ "A IN web\.prod\.svc\.cluster\.local\. udp \d+ false 512" NOERROR qr,aa,rd \d+ 0\.0001s$/)
    expect(queries[1]).toMatch(/"AAAA IN web\.prod\.svc\.cluster\.local\. udp/)
    // the trace from the same Pod to the same name shows the very lines
    const trace = runCommand(logging, 'kubectl exec -n prod tools -- trace web:80').stdout
    for (const q of queries) expect(trace).toContain(q)
    // after the startup lines, and never in another run
    expect(after.indexOf('CoreDNS-1.14.6')).toBeLessThan(after.indexOf('[INFO] 10.'))
    expect(runCommand(logging, 'kubectl logs -n kube-system -l k8s-app=kube-dns').stdout).not.toContain('[INFO] 10.')
  })

  it('writes no query lines without the log plugin', () => {
    const { results } = run('kubectl exec -n prod tools -- curl -s web/hostname', 'kubectl logs -n kube-system -l k8s-app=kube-dns')
    expect(results[1].stdout).not.toContain('[INFO] 10.')
  })
})
