/**
 * Loopback: `localhost` comes from /etc/hosts (no DNS query); inside a Pod
 * 127.0.0.1 stays in the Pod's network namespace, shared by its containers
 * (no kube-proxy, no CNI, no NetworkPolicy); on a node, kube-proxy serves
 * NodePorts on 127.0.0.1 in iptables mode only (masqueraded), while
 * nftables and IPVS leave them to the kernel, which refuses.
 */
import { describe, expect, it } from 'vitest'
import { hostsFileLookup } from '../../../engine/dns/index.ts'
import { traceDiagram } from '../../../engine/index.ts'
import type { FullTrace } from '../../../engine/trace/index.ts'
import { build, handlers, request, sh, shop } from './helpers.ts'

// two containers in one Pod: the app declares 9000, the sidecar runs curl
const pair = `apiVersion: v1
kind: Pod
metadata: {name: pair, namespace: prod, labels: {app: pair}}
spec:
  nodeName: node-2
  hostAliases: [{ip: 10.244.3.2, hostnames: [web3.internal]}]
  containers:
  - name: app
    image: example.com/shop/api:1.0
    ports: [{containerPort: 9000}]
  - name: sidecar
    image: curlimages/curl:8.11.1`

// Calico enforces policies: this one denies everything in and out of the Pod, DNS included
const denyAll = 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny-all, namespace: prod}\nspec:\n  podSelector: {matchLabels: {app: pair}}\n  policyTypes: [Ingress, Egress]'

const data = (r: { data?: unknown }) => r.data as FullTrace

describe('loopback inside a Pod', () => {
  const c = build(shop({ cluster: '{cni: calico}', extra: [pair, denyAll] }))
  const exec = (cmd: string) => sh(c, `kubectl exec -n prod pair -c sidecar -- ${cmd}`)

  it('localhost reaches the port another container of the same Pod declares, in the Pod\'s own namespace only', () => {
    const r = exec('curl -s http://localhost:9000/clientip')
    expect(r.exitCode).toBe(0)
    expect(r.stdout).toMatch(/^127\.0\.0\.1:\d+$/)
    const t = data(r)
    expect(t.server).toMatchObject({ port: 9000, container: 'app' })
    expect(t.endpoint).toMatchObject({ kind: 'pod', pod: 'prod/pair', ip: '127.0.0.1' })
    expect(handlers(t)).toEqual(['resolver', 'socket', 'loopback', 'server'])
    expect(request(t).find((h) => h.handler === 'loopback')).toMatchObject({ at: 'pod prod/pair lo', rule: 'local 127.0.0.1 dev lo proto kernel scope host src 127.0.0.1' })
  })

  it('a port no container listens on is refused, with curl\'s wording', () => {
    const r = exec('curl -sS http://localhost:9001/')
    expect(r.exitCode).toBe(7)
    expect(r.stderr).toBe("curl: (7) Failed to connect to localhost port 9001 after 0 ms: Couldn't connect to server\ncommand terminated with exit code 7\n")
    const t = data(r)
    expect(t.result).toBe('refused')
    expect(request(t).at(-1)).toMatchObject({ handler: 'socket', verdict: 'refused', at: 'pod prod/pair' })
  })

  it('the literal 127.0.0.1 needs no name lookup at all; any 127.x.y.z is loopback too', () => {
    const t = data(exec('curl -s http://127.0.0.1:9000/'))
    expect(t.result).toBe('delivered')
    expect(handlers(t)).toEqual(['socket', 'loopback', 'server'])
    const other = data(exec('curl -s http://127.0.0.53:9000/'))
    expect(other.result).toBe('delivered')
    expect(other.client?.src).toBe('127.0.0.1')
    expect(request(other).find((h) => h.handler === 'loopback')?.rule).toBe('local 127.0.0.0/8 dev lo proto kernel scope host src 127.0.0.1')
  })

  it('no NetworkPolicy applies, though this Pod denies all ingress and egress', () => {
    const t = data(exec('curl -s http://localhost:9000/'))
    expect(handlers(t)).not.toContain('networkpolicy')
    expect(t.hops.some((h) => ['veth', 'iptables', 'route', 'bridge'].includes(h.handler))).toBe(false)
  })

  it('localhost is answered from /etc/hosts: no DNS query, even with DNS unreachable', () => {
    const t = data(exec('curl -s http://localhost:9000/'))
    expect(t.dns).toBeUndefined()
    expect(t.hops.some((h) => h.before.dport === 53 || h.handler === 'coredns')).toBe(false)
    expect(request(t)[0].note).toContain('/etc/hosts')
    // the same Pod asking DNS for a Service times out: its egress policy drops the query
    const viaDns = data(exec('curl -s -m 2 http://web/'))
    expect(viaDns.dns?.rcode).toBe('TIMEOUT')
  })

  it('resolves what `cat /etc/hosts` shows: localhost, and the hostAliases kubelet adds', () => {
    const hosts = exec('cat /etc/hosts').stdout
    expect(hosts).toContain('127.0.0.1\tlocalhost\n')
    expect(hosts).toContain('::1\tlocalhost ip6-localhost ip6-loopback\n')
    const pod = c.index.pod.get('prod/pair')!
    expect(hostsFileLookup(c, { kind: 'pod', pod, container: 'sidecar' }, 'LocalHost')).toEqual(['127.0.0.1', '::1'])
    const alias = data(sh(c, 'kubectl exec -n prod tools -- curl -s web3.internal:8080')).dns
    expect(alias?.rcode).toBe('NXDOMAIN') // not in DNS, only in pair's /etc/hosts
    const t = data(exec('curl -s http://web3.internal:8080/hostname'))
    expect(t.dns).toBeUndefined()
    expect(t.address).toBe('10.244.3.2')
  })

  it('the trace command and its diagram show the loopback hop', () => {
    const r = sh(c, 'trace prod/pair -> localhost:9000')
    expect(r.exitCode).toBe(0)
    expect(r.stdout).toContain('pod prod/pair lo')
    expect(r.stdout).toContain('loopback')
    const d = traceDiagram(data(r))
    expect(d.svg).toContain('>loopback<')
    expect(d.alt).toContain('pod prod/pair lo (loopback): 127.0.0.1:')
  })
})

describe('localhost NodePorts on a node', () => {
  const node = (mode: string, extra: string[] = []) => build(shop({ cluster: `{proxyMode: ${mode}}`, extra }))

  it('iptables: kube-proxy DNATs 127.0.0.1:NodePort to an endpoint and masquerades it', () => {
    const c = node('iptables')
    const r = sh(c, 'ssh node-1 curl -s http://localhost:30080/clientip')
    expect(r.exitCode).toBe(0)
    const t = data(r)
    expect(t.dns).toBeUndefined()
    expect(t.client).toMatchObject({ src: '127.0.0.1', dst: '127.0.0.1', dport: 30080 })
    expect(t.endpoint?.kind).toBe('pod')
    expect(t.endpoint?.pod).toMatch(/^prod\/web-\d$/)
    const hops = request(t)
    expect(hops.find((h) => h.at === 'node-1 nat KUBE-NODEPORTS')?.rule).toMatch(/^-A KUBE-NODEPORTS -d 127\.0\.0\.0\/8 -p tcp .*--dport 30080 -m nfacct --nfacct-name localhost_nps_accepted_pkts -j KUBE-EXT-/)
    const masq = hops.find((h) => h.at === 'node-1 nat KUBE-POSTROUTING')!
    expect(masq.before.src).toBe('127.0.0.1')
    expect(masq.after.src).not.toBe('127.0.0.1')
    expect(t.seenFrom?.ip).toBe(masq.after.src)
    expect(r.stdout).toBe(`${masq.after.src}:${masq.after.sport}`)
  })

  it('iptables with externalTrafficPolicy: Local: the node\'s own traffic is still masqueraded', () => {
    const t = data(sh(node('iptables'), 'ssh node-2 curl -s http://127.0.0.1:30081/'))
    expect(t.result).toBe('delivered')
    expect(t.seenFrom?.ip).not.toBe('127.0.0.1')
  })

  it('iptables with localhostNodePorts: false: no kube-proxy rule, refused', () => {
    const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: kube-proxy, namespace: kube-system}\ndata:\n  config.conf: |\n    mode: iptables\n    iptables:\n      localhostNodePorts: false'
    const c = node('iptables', [cm])
    expect(sh(c, 'ssh node-1 iptables-save -t nat').stdout).toContain('! -d 127.0.0.0/8')
    const r = sh(c, 'ssh node-1 curl -sS localhost:30080')
    expect(r.exitCode).toBe(7)
    expect(request(data(r)).find((h) => h.handler === 'iptables')?.note).toContain('localhost NodePorts are off')
  })

  for (const mode of ['nftables', 'ipvs'] as const) {
    it(`${mode}: kube-proxy does not serve NodePorts on localhost, so the kernel refuses`, () => {
      const c = node(mode)
      const r = sh(c, 'ssh node-1 curl -sS http://localhost:30080/')
      expect(r.exitCode).toBe(7)
      expect(r.stderr).toBe("curl: (7) Failed to connect to localhost port 30080 after 0 ms: Couldn't connect to server\n")
      const t = data(r)
      expect(t.result).toBe('refused')
      expect(handlers(t)).toEqual(['resolver', 'socket', mode, 'loopback', 'socket'])
      expect(request(t).some((h) => h.after.dst !== h.before.dst)).toBe(false)
      // nftables mode's default nodePortAddresses is "primary": only the node's own IP is in @nodeport-ips
      if (mode === 'nftables') expect(request(t)[2].rule).toBe('ip daddr @nodeport-ips meta l4proto . th dport vmap @service-nodeports')
      // the node's own address still works
      expect(sh(c, 'ssh node-1 curl -s http://192.168.1.11:30080/').exitCode).toBe(0)
    })
  }

  it('other loopback ports: what binds 127.0.0.1 answers, the rest is refused', () => {
    for (const mode of ['iptables', 'ipvs', 'nftables']) {
      expect(sh(node(mode), 'ssh node-1 curl -s localhost:10249/proxyMode').stdout).toBe(mode)
    }
    const c = node('iptables')
    expect(sh(c, 'ssh node-1 curl -s http://localhost:10248/healthz').stdout).toBe('ok')
    expect(sh(c, 'ssh node-1 curl -s http://127.0.0.1:10256/healthz').exitCode).toBe(0)
    expect(sh(c, 'ssh node-1 curl -sS http://localhost:8080/').exitCode).toBe(7)
    // loopback-only daemons do not answer on the node's address
    expect(sh(c, 'ssh node-1 curl -sS http://192.168.1.11:10249/proxyMode').exitCode).toBe(7)
  })

  it('ping localhost and [::1] stay on the node', () => {
    const c = node('iptables')
    const t = data(sh(c, 'ssh node-1 ping -c 1 localhost'))
    expect(t.result).toBe('delivered')
    expect(handlers(t)).toEqual(['resolver', 'socket', 'loopback', 'kernel'])
    expect(data(sh(c, 'ssh node-1 curl -sS http://[::1]:30080/')).result).toBe('refused')
  })
})
