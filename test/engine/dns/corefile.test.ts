/**
 * The coredns ConfigMap: kubeadm's default, a scenario's own Corefile, and
 * the Corefiles CoreDNS would refuse (plugin/kubernetes/setup.go ParseStanza,
 * plugin/cache/setup.go, core/dnsserver).
 */
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { kubeadmCorefile, parseCorefile, resolveName } from '../../../engine/dns/index.ts'
import { loadScenario } from '../../../engine/index.ts'
import { clientPod, pod, scenario, sh } from './helpers.ts'

const cm = (corefile: string) => `apiVersion: v1
kind: ConfigMap
metadata: {name: coredns, namespace: kube-system}
data:
  Corefile: |
${corefile
  .split('\n')
  .map((l) => `    ${l}`)
  .join('\n')}`

describe('kubeadm default', () => {
  it('kubectl shows the kubeadm ConfigMap when the scenario gives none', () => {
    const c = scenario(clientPod())
    const out = sh(c, 'kubectl get configmap coredns -n kube-system -o yaml').stdout
    const doc = parse(out) as { metadata: { name: string; namespace: string }; data: { Corefile: string } }
    expect(doc.metadata).toMatchObject({ name: 'coredns', namespace: 'kube-system' })
    expect(doc.data.Corefile).toBe(kubeadmCorefile('cluster.local'))
    expect(doc.data.Corefile).toContain('    kubernetes cluster.local in-addr.arpa ip6.arpa {\n       pods insecure\n       fallthrough in-addr.arpa ip6.arpa\n       ttl 30\n    }\n')
    expect(doc.data.Corefile).toContain('    cache 30 {\n       disable success cluster.local\n       disable denial cluster.local\n    }\n')
  })
  it('reads as pods insecure, ttl 30, fallthrough for the reverse zones, forward and cache 30', () => {
    const { servers, errors } = parseCorefile(kubeadmCorefile('cluster.local'))
    expect(errors).toEqual([])
    expect(servers).toHaveLength(1)
    const s = servers[0]
    expect(s.zones).toEqual(['.'])
    expect(s.kubernetes).toMatchObject({ zones: ['cluster.local.', 'in-addr.arpa.', 'ip6.arpa.'], primaryZone: 'cluster.local.', pods: 'insecure', ttl: 30, fallthrough: ['in-addr.arpa.', 'ip6.arpa.'] })
    expect(s.forward).toEqual({ from: '.', to: ['/etc/resolv.conf'] })
    expect(s.cache).toMatchObject({ successTTL: 30, denialTTL: 30, disableSuccess: ['cluster.local.'], disableDenial: ['cluster.local.'] })
    expect(s.ignored).toEqual(['errors', 'health', 'ready', 'prometheus', 'loop', 'reload', 'loadbalance'])
  })
})

describe('a scenario\'s Corefile', () => {
  it('ttl and pods are read from it', () => {
    const c = scenario(cm('.:53 {\n    kubernetes cluster.local {\n        pods verified\n        ttl 7\n    }\n}'), clientPod())
    const me = pod(c, 'client')
    const r = resolveName(c, { kind: 'pod', pod: me }, `${me.podIPs[0].replaceAll('.', '-')}.default.pod.cluster.local.`, 'A')
    expect(r.answers).toEqual([{ name: `${me.podIPs[0].replaceAll('.', '-')}.default.pod.cluster.local.`, type: 'A', ttl: 7, data: me.podIPs[0] }])
    expect(resolveName(c, { kind: 'pod', pod: me }, '10-1-2-3.default.pod.cluster.local.', 'A').rcode).toBe('NXDOMAIN')
  })
  it('without forward, names outside the zone get SERVFAIL (no next plugin)', () => {
    const c = scenario(cm('.:53 {\n    kubernetes cluster.local\n}'), clientPod())
    expect(resolveName(c, { kind: 'pod', pod: pod(c, 'client') }, 'example.com.', 'A').rcode).toBe('SERVFAIL')
  })
  it('a server block for another zone only: cluster names are REFUSED', () => {
    const c = scenario(cm('example.org:53 {\n    forward . 8.8.8.8\n}'), clientPod())
    expect(resolveName(c, { kind: 'pod', pod: pod(c, 'client') }, 'kubernetes.default.svc.cluster.local.', 'A').rcode).toBe('REFUSED')
  })
  it('namespaces limits what is exposed', () => {
    const c = scenario(cm('.:53 {\n    kubernetes cluster.local {\n        namespaces kube-system\n    }\n}'), clientPod())
    const me = { kind: 'pod' as const, pod: pod(c, 'client') }
    expect(resolveName(c, me, 'kube-dns.kube-system.svc.cluster.local.', 'A').rcode).toBe('NOERROR')
    expect(resolveName(c, me, 'kubernetes.default.svc.cluster.local.', 'A').rcode).toBe('NXDOMAIN')
  })
  it.each([
    ['pods sometimes', /wrong value for pods: sometimes/],
    ['ttl 4000', /ttl must be in range \[0, 3600\]: 4000/],
    ['bogus', /unknown property 'bogus'/],
  ])('kubernetes { %s } is refused', (line, message) => {
    expect(parseCorefile(`.:53 {\n  kubernetes cluster.local {\n    ${line}\n  }\n}`).errors.join('\n')).toMatch(message)
  })
  it('an unknown plugin and an unclosed block are refused', () => {
    expect(parseCorefile('.:53 {\n  forwardd . 8.8.8.8\n}').errors).toEqual(["Corefile:2 - Error during parsing: Unknown directive 'forwardd'"])
    expect(parseCorefile('.:53 {\n  errors\n').errors.join()).toMatch(/Unexpected EOF/)
  })
  it('a refused Corefile is a warning at the ConfigMap, and the cluster has no DNS: kube-proxy rejects the packets', () => {
    const text = [cm('.:53 {\n    kubernetes cluster.local {\n        pods sometimes\n    }\n}'), clientPod()].join('\n---\n')
    const { cluster, diagnostics } = loadScenario(text)
    const w = diagnostics.find((d) => d.code === 'coredns-config')
    expect(w?.severity).toBe('warning')
    expect(w?.message).toMatch(/crash-loop/)
    expect(w?.line).toBeGreaterThan(0)
    const r = resolveName(cluster, { kind: 'pod', pod: pod(cluster, 'client') }, 'kubernetes.default', 'A')
    expect(r.rcode).toBe('TIMEOUT')
    expect(r.error).toBe('connection refused')
  })
})
