/**
 * Names: an ExternalName Service (a CNAME, then the outside address, with
 * no kube-proxy rule at all), a name outside the cluster (upstream DNS,
 * then out through the node with SNAT to the node address), a name that
 * does not exist. Policies: a drop at the source's egress and at the
 * destination's ingress names the policy and times the client out; on
 * flannel the policies exist but nothing enforces them.
 */
import { describe, expect, it } from 'vitest'
import { build, fromPod, handlers, request, rewrites, sh, shop, trace } from './helpers.ts'

const outside = "{externalHosts: [{name: db.example.com, addresses: [203.0.113.50]}, {name: api.example.com, addresses: [198.51.100.20]}]}"
const extdb = 'apiVersion: v1\nkind: Service\nmetadata: {name: extdb, namespace: prod}\nspec: {type: ExternalName, externalName: db.example.com}'

describe('an ExternalName Service', () => {
  const c = build(shop({ cluster: outside, extra: [extdb] }))
  const t = trace(c, fromPod(c, 'client'), { kind: 'name', name: 'extdb', port: 443 })

  it('is a DNS alias: CoreDNS answers a CNAME and the outside address', () => {
    expect(t.dns?.answers.map((a) => `${a.type} ${a.data}`)).toEqual(['CNAME db.example.com.', 'A 203.0.113.50'])
    expect(t.hops[1].note).toContain('Service prod/extdb is an ExternalName')
    expect(t.address).toBe('203.0.113.50')
  })

  it('has no kube-proxy rules: the connection leaves through the node, masqueraded to its address', () => {
    expect(request(t).some((h) => /KUBE-(SVC|SEP|SERVICES)/.test(h.at))).toBe(false)
    const snat = rewrites(t)
    expect(snat).toHaveLength(1)
    expect(snat[0].after.src).toBe('192.168.1.11')
    expect(snat[0].rule).toBe('-A FLANNEL-POSTRTG -s 10.244.0.0/16 ! -d 224.0.0.0/4 -m comment --comment "flanneld masq" -j MASQUERADE --random-fully')
    expect(t.result).toBe('delivered')
    expect(t.seenFrom?.ip).toBe('192.168.1.11')
  })
})

describe('names outside the cluster', () => {
  const c = build(shop({ cluster: outside }))

  it('resolve through the search list and the upstream resolver, then leave with SNAT to the node', () => {
    const t = trace(c, fromPod(c, 'client'), { kind: 'url', scheme: 'http', host: 'api.example.com', path: '/' })
    expect(t.dns?.tried).toEqual(['api.example.com.prod.svc.cluster.local.', 'api.example.com.svc.cluster.local.', 'api.example.com.cluster.local.', 'api.example.com.'])
    expect(t.result).toBe('delivered')
    expect(t.seenFrom?.ip).toBe('192.168.1.11')
    expect(sh(c, 'kubectl exec -n prod client -- curl -s http://api.example.com/').stdout).toContain('api.example.com')
  })

  it('Calico masquerades by its IP pool\'s natOutgoing instead', () => {
    const k = build(shop({ cluster: "{cni: calico, externalHosts: [{name: api.example.com, addresses: [198.51.100.20]}]}" }))
    const t = trace(k, fromPod(k, 'client'), { kind: 'name', name: 'api.example.com', port: 80 })
    expect(rewrites(t)[0].note).toContain('natOutgoing')
    expect(t.seenFrom?.ip).toBe('192.168.1.11')
  })

  it('a name nobody knows is NXDOMAIN: curl exits 6, wget says bad address', () => {
    const t = trace(c, fromPod(c, 'client'), { kind: 'name', name: 'nowhere.example.org', port: 80 })
    expect(t.result).toBe('nxdomain')
    expect(sh(c, 'kubectl exec -n prod client -- curl http://nowhere.example.org/').stderr).toBe('curl: (6) Could not resolve host: nowhere.example.org\ncommand terminated with exit code 6\n')
    expect(sh(c, 'kubectl exec -n prod client -- wget http://nowhere.example.org/').stderr).toBe("wget: bad address 'nowhere.example.org'\ncommand terminated with exit code 1\n")
  })

  it('an address nobody declared answers nothing: timeout', () => {
    expect(trace(c, fromPod(c, 'client'), { kind: 'address', ip: '8.8.4.4', port: 443 }).result).toBe('timeout')
  })
})

const denyIngress = 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: web-from-frontend, namespace: prod}\nspec:\n  podSelector: {matchLabels: {app: web}}\n  policyTypes: [Ingress]\n  ingress: [{from: [{podSelector: {matchLabels: {role: frontend}}}], ports: [{port: 8080}]}]'
const denyEgress = 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: client-no-egress, namespace: prod}\nspec:\n  podSelector: {matchLabels: {role: client}}\n  policyTypes: [Egress]\n  egress: [{to: [{namespaceSelector: {}, podSelector: {matchLabels: {k8s-app: kube-dns}}}], ports: [{port: 53, protocol: UDP}]}]'

describe('NetworkPolicy on Calico (enforced)', () => {
  const c = build(shop({ cluster: '{cni: calico}', extra: [denyIngress, denyEgress] }))

  it('drops at the destination\'s ingress, names the policy and says why', () => {
    const t = trace(c, { kind: 'node', node: c.index.node.get('node-1')! }, { kind: 'address', ip: c.index.pod.get('prod/web-3')!.podIPs[0], port: 8080 })
    expect(t.result).toBe('dropped')
    const hop = request(t).at(-1)!
    expect(hop).toMatchObject({ handler: 'networkpolicy', verdict: 'drop', node: 'node-3' })
    expect(hop.note).toContain('dropped by prod/web-from-frontend')
    expect(hop.note).toContain('no ingress rule admits')
  })

  it('lets the allowed peer through (role=frontend on 8080), after DNAT: policies see the endpoint, not the ClusterIP', () => {
    const t = trace(c, fromPod(c, 'tools'), { kind: 'name', name: 'web', port: 80 })
    expect(t.result).toBe('delivered')
    const hop = request(t).find((h) => h.handler === 'networkpolicy')!
    expect(hop.before.dport).toBe(8080)
    expect(hop.note).toMatch(/^allowed/)
  })

  it('drops at the source\'s egress before the packet leaves its node', () => {
    const t = trace(c, fromPod(c, 'client'), { kind: 'pod', pod: c.index.pod.get('prod/nginx')! })
    expect(t.result).toBe('dropped')
    const hop = request(t).at(-1)!
    expect(hop).toMatchObject({ handler: 'networkpolicy', node: 'node-1', verdict: 'drop' })
    expect(hop.at).toBe('node-1 egress policy of prod/client')
    expect(hop.note).toContain('prod/client-no-egress')
  })

  it('a dropped connection times out (policies drop, they do not reject)', () => {
    const curl = sh(c, `kubectl exec -n prod client -- curl -m 5 http://${c.index.pod.get('prod/nginx')!.podIPs[0]}/`)
    expect(curl.stderr).toBe('curl: (28) Connection timed out after 5002 milliseconds\ncommand terminated with exit code 28\n')
    const nc = sh(c, 'kubectl exec -n prod client -- nc -zv -w 3 web 80')
    expect(nc.stderr).toMatch(/^nc: web \(\S+:80\): Connection timed out\ncommand terminated with exit code 1\n$/)
  })
})

describe('NetworkPolicy on flannel (not enforced)', () => {
  const c = build(shop({ extra: [denyIngress] }))

  it('says the policy would drop the packet, and lets it through', () => {
    const t = trace(c, { kind: 'node', node: c.index.node.get('node-1')! }, { kind: 'address', ip: c.index.pod.get('prod/web-3')!.podIPs[0], port: 8080 })
    expect(t.result).toBe('delivered')
    const hop = request(t).find((h) => h.handler === 'networkpolicy')!
    expect(hop.note).toMatch(/^policies exist but flannel does not enforce them/)
    expect(hop.note).toContain('prod/web-from-frontend would drop this packet')
    expect(hop.verdict).toBeUndefined()
  })
})

describe('without any policy', () => {
  it('no policy hop is shown', () => {
    const c = build(shop({ cluster: '{cni: calico}' }))
    expect(handlers(trace(c, fromPod(c, 'client'), { kind: 'name', name: 'web', port: 80 }))).not.toContain('networkpolicy')
  })
})
