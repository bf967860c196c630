/**
 * ss as iproute2 prints it without a terminal (misc/ss.c: compact columns,
 * "%-6d" queues, right-aligned "Local Address:" with the port after it,
 * users:(("NAME",pid=N,fd=N))), over the sockets kubeadm's components, the
 * CNI and the Pods' containers open. kube-proxy opens no NodePort socket
 * since Kubernetes 1.24 (kubernetes/kubernetes#108496).
 */
import { describe, expect, it } from 'vitest'
import { runCommand } from '../../../engine/index.ts'
import { build, run } from '../dataplane/helpers.ts'

const cluster = (cni = 'flannel', mode?: string) => build(`apiVersion: knet/v1alpha1
kind: Cluster
spec: {cni: ${cni}${mode ? `, cniMode: ${mode}` : ''}}
---
apiVersion: v1
kind: Pod
metadata: {name: web, labels: {app: web}}
spec: {nodeName: node-1, containers: [{name: web, image: nginx, ports: [{containerPort: 80}]}, {name: sidecar, image: busybox}]}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {type: NodePort, selector: {app: web}, ports: [{port: 80, nodePort: 30080}]}`)

describe('ss on a node', () => {
  it('lists the control plane\'s listening ports with their processes, columns as ss lays them out', () => {
    const out = run(cluster(), 'ssh control-plane ss -ltnp')
    const lines = out.split('\n')
    expect(lines[0]).toBe('State  Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess')
    expect(out).toMatch(/^LISTEN 0      4096               \*:6443             \*:\*    users:\(\("kube-apiserver",pid=\d+,fd=\d+\)\)$/m)
    expect(out).toMatch(/^LISTEN 0      4096       127\.0\.0\.1:2379       0\.0\.0\.0:\*    users:\(\("etcd",/m)
    expect(out).toMatch(/^LISTEN 0      4096    192\.168\.1\.10:2380       0\.0\.0\.0:\*    users:\(\("etcd",/m)
    expect(out).toMatch(/127\.0\.0\.1:10257 .*"kube-controller"/)
    expect(out).toMatch(/127\.0\.0\.1:10259 .*"kube-scheduler"/)
    expect(out).toMatch(/\*:10250 .*"kubelet"/)
    expect(out).toMatch(/\*:10256 .*"kube-proxy"/)
  })

  it('has no socket on a NodePort: kube-proxy answers it in the packet filter only', () => {
    const c = cluster()
    expect(run(c, 'ssh node-1 ss -ltn')).not.toContain(':30080')
    expect(run(c, 'ssh node-1 iptables-save -t nat')).toContain('--dport 30080')
  })

  it('worker nodes have no control-plane ports', () => {
    const out = run(cluster(), 'ssh node-1 ss -ltn')
    for (const port of [':6443', ':2379', ':2380', ':10257', ':10259']) expect(out).not.toContain(port)
  })

  it('shows the kernel\'s VXLAN socket without a process (flannel 8472, Calico VXLAN 4789), and BIRD on 179 for Calico IPIP', () => {
    expect(run(cluster(), 'ssh node-1 ss -lunp')).toMatch(/^UNCONN 0      0            0\.0\.0\.0:8472      0\.0\.0\.0:\* *$/m)
    expect(run(cluster('flannel', 'host-gw'), 'ssh node-1 ss -lun')).not.toContain(':8472')
    expect(run(cluster('calico', 'vxlan'), 'ssh node-1 ss -lun')).toContain('0.0.0.0:4789')
    expect(run(cluster('calico', 'ipip'), 'ssh node-1 ss -ltnp')).toMatch(/0\.0\.0\.0:179 .*"bird"/)
  })

  it('flannel: flanneld\'s healthz server on *:8081 (kube-flannel.yml v0.28.9 --healthz-port=8081), which answers /healthz and /readyz', () => {
    const c = cluster()
    // Go's net.Listen on 0.0.0.0 opens one dual-stack socket, which ss prints as *
    expect(run(c, 'ssh node-1 ss -ltnp')).toMatch(/^LISTEN 0      4096               \*:8081             \*:\*    users:\(\("flanneld",pid=\d+,fd=\d+\)\)$/m)
    // the same process as its API connection
    const pid = run(c, 'ssh node-1 ss -ltnp').match(/"flanneld",pid=(\d+)/)![1]
    expect(run(c, 'ssh node-1 ss -tnp')).toContain(`("flanneld",pid=${pid},`)
    expect(run(c, 'ssh node-1 curl -s http://192.168.1.11:8081/healthz')).toBe('flanneld is running')
    expect(run(c, 'ssh node-2 curl -s http://192.168.1.11:8081/readyz')).toBe('flanneld is ready')
    // http.DefaultServeMux's NotFound: http.Error sets its headers before Date and Content-Length
    expect(run(c, 'ssh node-1 curl -si http://localhost:8081/metrics')).toMatch(/^HTTP\/1\.1 404 Not Found\r?\nContent-Type: text\/plain; charset=utf-8\r?\nX-Content-Type-Options: nosniff\r?\nDate: .*\r?\nContent-Length: 19\r?\n\r?\n404 page not found\n$/)
    // every Go ServeMux answers an unknown path so: kubelet's healthz, kube-proxy's servers, CoreDNS's health
    const notFound = /^HTTP\/1\.1 404 Not Found\r?\nContent-Type: text\/plain; charset=utf-8\r?\nX-Content-Type-Options: nosniff\r?\nDate: .*\r?\nContent-Length: 19\r?\n\r?\n404 page not found\n$/
    expect(run(c, 'ssh node-1 curl -si http://127.0.0.1:10248/nope')).toMatch(notFound)
    expect(run(c, 'ssh node-1 curl -si http://127.0.0.1:10256/nope')).toMatch(notFound)
    const coredns = c.pods.find((p) => p.meta.labels['k8s-app'] === 'kube-dns')!.podIPs[0]
    expect(run(c, `ssh node-1 curl -si http://${coredns}:8080/nope`)).toMatch(notFound)
    expect(run(cluster('flannel', 'host-gw'), 'ssh node-1 ss -ltn')).toContain('*:8081')
    for (const other of ['calico', 'cilium']) {
      const o = cluster(other)
      expect(run(o, 'ssh node-1 ss -ltn')).not.toContain(':8081')
      expect(runCommand(o, 'ssh node-1 curl -sS http://192.168.1.11:8081/healthz').exitCode).toBe(7)
    }
  })

  it('Calico\'s BGP mesh: one session per pair of nodes, dialled by the higher address, seen from both ends', () => {
    for (const mode of ['bgp', 'ipip']) {
      const c = cluster('calico', mode)
      const sessions = (n: string) => [...run(c, `ssh ${n} ss -tnp`).matchAll(/^ESTAB \d+ +\d+ +(\S+):(\d+) +(\S+):(\d+) +users:\(\("bird"/gm)].map((m) => ({ local: m[1], lport: m[2], peer: m[3], pport: m[4] }))
      const nodes = c.nodes.map((n) => ({ name: n.meta.name, ip: n.internalIPs[0] }))
      for (const a of nodes) {
        const mine = sessions(a.name)
        expect(mine).toHaveLength(nodes.length - 1)
        for (const s of mine) {
          // the higher address connects to the lower one's port 179
          if (a.ip > s.peer) expect(s.pport).toBe('179')
          else expect(s.lport).toBe('179')
          // and the other end shows the same connection mirrored
          const b = nodes.find((n) => n.ip === s.peer)!
          expect(sessions(b.name)).toContainEqual({ local: s.peer, lport: s.pport, peer: s.local, pport: s.lport })
        }
      }
    }
    expect(run(cluster('calico', 'vxlan'), 'ssh node-1 ss -tn')).not.toContain(':179')
    expect(run(cluster('flannel'), 'ssh node-1 ss -tn')).not.toContain(':179')
  })

  it('Cilium: the agent\'s local health (9879) and gops (9890) ports, and the kernel\'s VXLAN socket', () => {
    const c = cluster('cilium')
    expect(run(c, 'ssh node-1 ss -ltnp')).toMatch(/127\.0\.0\.1:9879 .*"cilium-agent"/)
    expect(run(c, 'ssh node-1 ss -ltnp')).toMatch(/127\.0\.0\.1:9890 .*"cilium-agent"/)
    expect(run(c, 'ssh node-1 ss -lun')).toContain('0.0.0.0:8472')
  })

  it('ss -tn shows the agents\' connections to the API server', () => {
    const out = run(cluster(), 'ssh node-1 ss -tn')
    expect(out.split('\n')[0]).toMatch(/^State Recv-Q Send-Q Local Address:Port +Peer Address:Port$/)
    expect(out.match(/192\.168\.1\.10:6443/g)).toHaveLength(2)
    expect(out).toContain('10.96.0.1:443')
  })

  it('-tu adds the Netid column; a port filter picks sockets', () => {
    const out = run(cluster(), 'ssh node-1 ss -ltun sport = :10250')
    // without -p the peer's port is the last column: ss pads nothing after it
    expect(out).toBe('Netid State  Recv-Q Send-Q Local Address:Port  Peer Address:Port\ntcp   LISTEN 0      4096               *:10250            *:*\n')
  })
})

describe('ss in a Pod', () => {
  it('lists the container\'s ports; -p names the process only from inside its own container', () => {
    const c = cluster()
    expect(run(c, 'kubectl exec web -c web -- ss -ltnp')).toBe([
      'State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess',
      'LISTEN 0      511          0.0.0.0:80        0.0.0.0:*    users:(("nginx",pid=1,fd=6))',
      'LISTEN 0      511             [::]:80           [::]:*    users:(("nginx",pid=1,fd=7))',
      '',
    ].join('\n'))
    expect(run(c, 'kubectl exec web -c sidecar -- ss -ltnp')).not.toContain('users:')
  })

  it('refuses an option it does not know, saying what it knows', () => {
    // -K (kill sockets) is ss's own: not simulated; -q is no ss option at all
    const r = runCommand(cluster(), 'ssh node-1 ss -K')
    expect(r.exitCode).toBe(255)
    expect(r.stderr).toContain('knet: ss -K is a real option, but it is not simulated here')
    expect(runCommand(cluster(), 'ssh node-1 ss -q').stderr).toContain("ss: invalid option -- 'q'")
  })
})
