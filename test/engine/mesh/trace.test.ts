/**
 * `mesh trace`: the engine's trace redrawn as Istio's sidecar or ambient data path. The hops
 * must come from the scenario (Pods, addresses, nodes, service accounts, the endpoint the
 * trace chose), the proxies' own connections must be traced for real (a NetworkPolicy that
 * forgets HBONE's port drops ambient traffic), and every mesh hop must say it is illustration.
 */
import { describe, expect, it } from 'vitest'
import { cluster, docs, sh } from '../core/helpers.ts'
import type { FullTrace } from '../../../engine/trace/trace.ts'
import type { Hop } from '../../../engine/trace/types.ts'
import { traceDiagram } from '../../../engine/diagram/trace.ts'

const pod = (name: string, node: string, labels: string, extra = '') => `apiVersion: v1
kind: Pod
metadata: {name: ${name}, labels: {${labels}}}
spec:
  nodeName: ${node}
${extra}  containers: [{name: app, image: registry.k8s.io/e2e-test-images/agnhost:2.53, args: [netexec, --http-port=8080], ports: [{containerPort: 8080, name: http}]}]`

const base = docs(
  // the accounts the Pods name must exist, or the API server refuses the Pods
  'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: shop}',
  'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: api}',
  pod('client', 'node-1', 'app: client', '  serviceAccountName: shop\n'),
  pod('api-far', 'node-2', 'app: api', '  serviceAccountName: api\n'),
  pod('api-near', 'node-1', 'app: api'),
  pod('gw', 'node-3', 'app: waypoint'),
  `apiVersion: v1
kind: Service
metadata: {name: api}
spec: {selector: {app: api}, ports: [{port: 80, targetPort: http}]}`,
)

function meshTrace(line: string, yaml = base): { t: FullTrace; stdout: string; exitCode: number } {
  const r = sh(cluster(yaml), line)
  return { t: r.data as FullTrace, stdout: r.stdout + r.stderr, exitCode: r.exitCode }
}

const at = (t: FullTrace, text: string): Hop => {
  const h = t.hops.find((x) => x.at.includes(text))
  if (!h) throw new Error(`no hop at ${text}: ${t.hops.map((x) => x.at).join(', ')}`)
  return h
}

describe('mesh trace --mode sidecar', () => {
  const { t, stdout, exitCode } = meshTrace('mesh trace client -> api-far:8080')
  it('says first that it is an illustration and marks the mesh hops', () => {
    expect(exitCode).toBe(0)
    expect(stdout.split('\n')[0]).toMatch(/^illustration: what Istio would do on this path; the simulator does not run a mesh/)
    expect(t.illustration).toBeDefined()
    expect(stdout).toContain('envoy  (illustration)')
    const marked = t.hops.filter((h) => h.illustration).map((h) => h.at)
    expect(marked).toEqual([
      'pod default/client nat OUTPUT',
      'pod default/client istio-proxy :15001',
      'pod default/api-far nat PREROUTING',
      'pod default/api-far istio-proxy :15006',
      'pod default/api-far',
    ])
  })
  it('redirects the app to 15001, and the server side to 15006, with Istio\'s chains', () => {
    const out = at(t, 'client nat OUTPUT')
    expect(out.rule).toBe('-A ISTIO_REDIRECT -p tcp -j REDIRECT --to-ports 15001')
    expect(out.after).toMatchObject({ src: '10.244.1.2', dst: '127.0.0.1', dport: 15001 })
    const inb = at(t, 'api-far nat PREROUTING')
    expect(inb.rule).toBe('-A ISTIO_IN_REDIRECT -p tcp -j REDIRECT --to-ports 15006')
    expect(inb.after).toMatchObject({ dst: '10.244.2.2', dport: 15006 })
  })
  it('names both ends by their service accounts as SPIFFE IDs', () => {
    const envoy = at(t, 'client istio-proxy')
    expect(envoy.detail?.[0]).toBe('mutual TLS: Envoy presents spiffe://cluster.local/ns/default/sa/shop and accepts only spiffe://cluster.local/ns/default/sa/api')
  })
  it('carries Envoy\'s own connection over the real path, across nodes', () => {
    const envoy = at(t, 'client istio-proxy')
    expect(envoy.after).toMatchObject({ src: '10.244.1.2', dst: '10.244.2.2', dport: 8080 })
    expect(envoy.after.sport).not.toBe(t.client!.sport)
    const real = t.hops.filter((h) => !h.illustration && h.direction === 'request' && h.handler !== 'resolver' && h.handler !== 'socket')
    expect(real.map((h) => h.node)).toContain('node-2')
    expect(real.every((h) => h.before.sport === envoy.after.sport && h.before.dst === '10.244.2.2')).toBe(true)
    expect(real.some((h) => h.encap)).toBe(true)
  })
  it('hands plaintext to the app from 127.0.0.6 (Istio 1.10 and later)', () => {
    expect(t.seenFrom?.ip).toBe('127.0.0.6')
    expect(at(t, 'api-far istio-proxy :15006').after).toMatchObject({ src: '127.0.0.6', dst: '10.244.2.2', dport: 8080 })
    expect(stdout).toContain('the server sees the client as 127.0.0.6:')
  })
})

describe('mesh trace through a Service', () => {
  it('lets Envoy take the endpoint the trace chose, so kube-proxy\'s DNAT is not on its path', () => {
    const plain = sh(cluster(base), 'trace client -> api:80').data as FullTrace
    const { t } = meshTrace('mesh trace client -> api:80')
    expect(t.endpoint).toEqual(plain.endpoint)
    expect(at(t, 'client istio-proxy').after.dst).toBe(plain.endpoint!.ip)
    expect(t.hops.some((h) => /KUBE-SEP|KUBE-SVC/.test(h.at))).toBe(false)
    expect(plain.hops.some((h) => /KUBE-SEP/.test(h.at))).toBe(true)
    expect(t.notes.join(' ')).toContain('LEAST_REQUEST')
  })
  it('follows --seed to another endpoint, like trace', () => {
    const a = meshTrace('mesh trace client -> api:80 --seed 1').t
    const b = sh(cluster(base), 'trace client -> api:80 --seed 1').data as FullTrace
    expect(a.endpoint).toEqual(b.endpoint)
  })
})

describe('mesh trace --mode ambient', () => {
  it('goes from ztunnel to ztunnel over HBONE on 15008 between two nodes', () => {
    const { t, exitCode } = meshTrace('mesh trace --mode ambient client -> api-far:8080')
    expect(exitCode).toBe(0)
    const out = at(t, 'node-1 ztunnel (outbound')
    expect(out.node).toBe('node-1')
    expect(out.after).toMatchObject({ src: '10.244.1.2', dst: '10.244.2.2', dport: 15008 })
    expect(out.detail).toContain('CONNECT 10.244.2.2:8080 HTTP/2')
    expect(at(t, 'client nat OUTPUT').rule).toBe('-A ISTIO_OUTPUT ! -d 127.0.0.1/32 -p tcp -m mark ! --mark 0x539/0xfff -j REDIRECT --to-ports 15001')
    expect(at(t, 'api-far mangle PREROUTING').rule).toContain('-j TPROXY --on-port 15008')
    const inb = at(t, 'node-2 ztunnel (inbound')
    expect(inb.after).toMatchObject({ src: '10.244.1.2', dst: '10.244.2.2', dport: 8080 })
    expect(t.seenFrom?.ip).toBe('10.244.1.2')
    expect(t.reason).toContain('the ztunnels of node-1 and node-2')
    expect(t.hops.some((h) => h.handler === 'envoy')).toBe(false)
  })
  it('on one node, the same ztunnel holds both ends', () => {
    const { t } = meshTrace('mesh trace --mode ambient client -> api-near:8080')
    expect(at(t, 'ztunnel (outbound').node).toBe('node-1')
    expect(at(t, 'ztunnel (inbound').node).toBe('node-1')
    expect(t.hops.some((h) => h.encap)).toBe(false)
    expect(t.reason).toContain("node-1's ztunnel")
    expect(t.notes.join(' ')).toContain('one ztunnel holds both ends')
  })
  it('a Pod without a service account is spiffe://…/sa/default', () => {
    const { t } = meshTrace('mesh trace --mode ambient client -> api-near:8080')
    expect(at(t, 'ztunnel (outbound').detail?.[0]).toContain('accepts only spiffe://cluster.local/ns/default/sa/default')
    expect(at(t, 'ztunnel (outbound').detail?.[0]).toContain('presents spiffe://cluster.local/ns/default/sa/shop')
  })
  it('through a waypoint: HBONE to the waypoint Pod with the Service as CONNECT target, then on to the endpoint', () => {
    const { t } = meshTrace('mesh trace --mode ambient --waypoint gw client -> api:80')
    const svcIP = (sh(cluster(base), 'trace client -> api:80').data as FullTrace).client!.dst
    const out = at(t, 'ztunnel (outbound')
    expect(out.after).toMatchObject({ dst: '10.244.3.2', dport: 15008 })
    expect(out.detail).toContain(`CONNECT ${svcIP}:80 HTTP/2`)
    const w = at(t, 'pod default/gw waypoint :15008')
    expect(w.node).toBe('node-3')
    expect(w.after).toMatchObject({ src: '10.244.3.2', dport: 15008, dst: t.endpoint!.ip })
    expect(t.hops.filter((h) => h.handler === 'ztunnel').length).toBe(2)
    // the server's ztunnel connects from the tunnel's source: the waypoint's address
    expect(t.seenFrom?.ip).toBe('10.244.3.2')
  })
  it('a NetworkPolicy that admits only the app\'s port drops HBONE, as the engine traces it', () => {
    const yaml = docs(
      'apiVersion: knet/v1alpha1\nkind: Cluster\nspec:\n  cni: calico',
      base,
      `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api-8080}
spec:
  podSelector: {matchLabels: {app: api}}
  ingress: [{ports: [{port: 8080}]}]`,
    )
    const side = meshTrace('mesh trace client -> api-far:8080', yaml)
    expect(side.exitCode).toBe(0)
    const amb = meshTrace('mesh trace --mode ambient client -> api-far:8080', yaml)
    expect(amb.exitCode).toBe(1)
    expect(amb.t.result).toBe('dropped')
    expect(amb.t.reason).toMatch(/^the HBONE connection: /)
    expect(amb.t.hops.at(-1)!.verdict).toBe('drop')
    expect(amb.t.hops.at(-1)!.before.dport).toBe(15008)
  })
})

describe('mesh trace over IPv6', () => {
  it('redirects to ::1 and hands the connection to the app from ::6', () => {
    const dual = docs(
      'apiVersion: knet/v1alpha1\nkind: Cluster\nspec:\n  ipFamilies: [IPv4, IPv6]\n  podCIDR: 10.244.0.0/16,fd00:10:244::/56\n  serviceCIDR: 10.96.0.0/12,fd00:10:96::/112\n  nodes:\n    - {name: control-plane, roles: [control-plane], ips: [192.168.1.10, "fd00:192:168:1::10"]}\n    - {name: node-1, ips: [192.168.1.11, "fd00:192:168:1::11"]}\n    - {name: node-2, ips: [192.168.1.12, "fd00:192:168:1::12"]}\n    - {name: node-3, ips: [192.168.1.13, "fd00:192:168:1::13"]}',
      base,
    )
    const c = cluster(dual)
    const far = c.index.pod.get('default/api-far')!.podIPs[1]
    expect(far).toContain(':')
    const side = sh(c, `mesh trace client -> [${far}]:8080`).data as FullTrace
    expect(at(side, 'client nat OUTPUT').after.dst).toBe('::1')
    expect(side.seenFrom?.ip).toBe('::6')
    const amb = sh(c, `mesh trace --mode ambient client -> [${far}]:8080`).data as FullTrace
    expect(at(amb, 'client nat OUTPUT').rule).toContain('! -d ::1/128')
    expect(at(amb, 'mangle PREROUTING').rule).toContain('--on-ip :: ')
    expect(amb.seenFrom?.ip).toBe(c.index.pod.get('default/client')!.podIPs[1])
  })
})

describe('mesh trace on Cilium without kube-proxy', () => {
  it('says Istio needs socket load balancing kept to the host namespace', () => {
    const yaml = docs('apiVersion: knet/v1alpha1\nkind: Cluster\nspec:\n  cni: cilium\n  kubeProxyReplacement: true', base)
    const { t, exitCode } = meshTrace('mesh trace client -> api:80', yaml)
    expect(exitCode).toBe(0)
    expect(t.notes.join(' ')).toContain('socketLB.hostNamespaceOnly=true')
    expect(meshTrace('mesh trace client -> api:80').t.notes.join(' ')).not.toContain('socketLB')
  })
})

describe('mesh trace when the plain connection is dropped', () => {
  const yaml = docs(
    'apiVersion: knet/v1alpha1\nkind: Cluster\nspec:\n  cni: calico',
    base,
    `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api-hbone-only}
spec:
  podSelector: {matchLabels: {app: api}}
  ingress: [{ports: [{port: 15008}]}]`,
  )
  it('judges the mesh\'s own connections: a policy admitting only 15008 lets ambient through', () => {
    const plain = sh(cluster(yaml), 'trace client -> api:80')
    expect(plain.exitCode).toBe(1)
    const amb = meshTrace('mesh trace --mode ambient client -> api:80', yaml)
    expect(amb.exitCode).toBe(0)
    expect(amb.t.endpoint?.ip).toBe((plain.data as FullTrace).alternatives!.find((a) => a.chosen)!.endpoint.split(':')[0])
    expect(amb.t.notes[0]).toMatch(/^without a mesh this connection ends dropped: /)
    const side = meshTrace('mesh trace client -> api:80', yaml)
    expect(side.exitCode).toBe(1)
    expect(side.t.reason).toMatch(/^Envoy's connection: /)
  })
})

describe('mesh trace refuses what a mesh does not proxy', () => {
  it('needs a Pod source, TCP and a Pod at the end', () => {
    expect(meshTrace('mesh trace node-1 -> api-far:8080')).toMatchObject({ exitCode: 2 })
    expect(meshTrace('mesh trace node-1 -> api-far:8080').stdout).toContain('the source must be a Pod')
    const udp = meshTrace('mesh trace client -> api-far:8080 -p udp')
    expect(udp.stdout).toContain('Istio redirects TCP only')
    const none = meshTrace('mesh trace client -> nothing:80')
    expect(none.exitCode).toBe(1)
    expect(none.stdout).toContain('does not reach a Pod (nxdomain')
  })
  it('answers usage errors with exit 2 and a placed message', () => {
    expect(meshTrace('mesh trace --mode istio client -> api:80').stdout).toContain('--mode is sidecar or ambient, not "istio"')
    expect(meshTrace('mesh trace --waypoint gw client -> api:80').stdout).toContain('--waypoint needs --mode ambient')
    expect(meshTrace('mesh trace --mode ambient --waypoint nope client -> api:80').stdout).toContain('pods "nope" not found')
    expect(meshTrace('mesh trace --mode ambient').exitCode).toBe(2)
    expect(meshTrace('mesh trace client -> api:80 --all').exitCode).toBe(2)
    expect(meshTrace('mesh nope').stdout).toContain('mesh: unknown command "nope" (try: trace, clusterset)')
  })
  it('is listed by help', () => {
    expect(sh(cluster(base), 'help').stdout).toMatch(/\n {2}mesh +illustrate what a service mesh/)
  })
})

describe('the trace diagram of a mesh trace', () => {
  it('draws mesh hops dashed and tagged, and says so in words', () => {
    const { t } = meshTrace('mesh trace --mode ambient client -> api-far:8080')
    const { svg, alt } = traceDiagram(t)
    const marked = (svg.match(/class="k-hop[^"]*k-illus/g) ?? []).length
    expect(marked).toBe(t.hops.filter((h) => h.illustration).length)
    expect(svg).toContain('>illustration<')
    expect(svg).toContain('the simulator does not run a mesh')
    expect(alt).toMatch(/^Illustration: /)
    expect(alt).toContain('(illustration) node-1 ztunnel (outbound')
  })
  it('escapes what the reader typed', () => {
    const r = sh(cluster(base), `mesh trace client -> 'http://api/<script>alert(1)</script>'`)
    expect(r.exitCode).toBe(0)
    const { svg, alt } = traceDiagram(r.data as FullTrace)
    expect(alt).toContain('<script>')
    expect(svg).not.toContain('<script')
    expect(svg).toContain('&lt;script&gt;')
  })
})
