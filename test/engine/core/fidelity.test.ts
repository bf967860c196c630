// Issue 12: behaviours a reader meets early, each against the upstream rule it follows.
import { describe, expect, it } from 'vitest'
import { loadScenario } from '../../../engine/index.ts'
import { cluster, diagnostics, docs, sh } from './helpers.ts'

const pod = (name: string, status: string, spec = '') => `apiVersion: v1
kind: Pod
metadata: {name: ${name}, labels: {app: a}}
spec:
  nodeName: node-1
${spec}  containers: [{name: c, image: nginx, ports: [{containerPort: 80}]}]
${status}`
const svc = 'apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: {selector: {app: a}, ports: [{port: 80}]}\n'
const ready = (ip: string, phase = 'Running', isReady = true) =>
  `status: {phase: ${phase}, podIP: ${ip}, podIPs: [{ip: ${ip}}], conditions: [{type: Ready, status: "${isReady ? 'True' : 'False'}"}]}\n`

describe('one bad object does not sink the scenario (kubectl apply -f)', () => {
  it('refuses the bad object with its placed diagnostic and loads the rest', () => {
    const { cluster: c, diagnostics: d } = loadScenario(docs(
      'apiVersion: v1\nkind: Service\nmetadata: {name: bad}\nspec:\n  ports: [{port: 70000}]\n',
      pod('p', ''),
    ))
    expect(d.filter((x) => x.severity === 'error').map((x) => [x.line, x.message])).toEqual([[5, 'spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive']])
    expect(sh(c, 'kubectl get svc -o name').stdout).toBe('service/kubernetes\n')
    expect(sh(c, 'kubectl get pods -o name').stdout).toBe('pod/p\n')
  })
})

describe("the simulator's own addresses never collide with the reader's ranges", () => {
  it("Calico's quick start (podCIDR 192.168.0.0/16) loads with no diagnostic: the nodes move to another LAN", () => {
    const yaml = 'apiVersion: knet/v1alpha1\nkind: Cluster\nspec: {cni: calico, podCIDR: 192.168.0.0/16}\n'
    expect(diagnostics(yaml)).toEqual([])
    const c = cluster(yaml)
    const ips = c.nodes.flatMap((n) => n.internalIPs)
    expect(ips).toEqual(['172.18.0.10', '172.18.0.11', '172.18.0.12', '172.18.0.13'])
  })

  it('keeps the textbook 192.168.1.0/24 when nothing overlaps it', () => {
    expect(cluster('').nodes.map((n) => n.internalIPs[0])).toEqual(['192.168.1.10', '192.168.1.11', '192.168.1.12', '192.168.1.13'])
  })

  it('an overlap among ranges the reader wrote is a warning, not an error', () => {
    const d = diagnostics('apiVersion: knet/v1alpha1\nkind: Cluster\nspec: {podCIDR: 10.0.0.0/8, serviceCIDR: 10.96.0.0/12}\n')
    expect(d.map((x) => [x.severity, x.code])).toEqual([['warning', 'overlap']])
  })
})

describe('dual-stack Services follow the Service CIDRs (pkg/registry/core/service/storage/alloc.go)', () => {
  const yaml = (policy: string) => docs(
    'apiVersion: knet/v1alpha1\nkind: Cluster\nspec: {serviceCIDR: "10.96.0.0/16,fd00:10:96::/112"}\n',
    `apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ipFamilyPolicy: ${policy}, selector: {app: a}, ports: [{port: 80}]}\n`,
  )
  it.each(['RequireDualStack', 'PreferDualStack'])('%s gets an IPv4 and an IPv6 ClusterIP with single-stack Pods', (policy) => {
    const c = cluster(yaml(policy))
    const s = c.index.service.get('default/s')!
    expect(s.ipFamilies).toEqual(['IPv4', 'IPv6'])
    expect(s.clusterIPs.map((ip) => ip.includes(':'))).toEqual([false, true])
    expect(s.clusterIPs[1]).toMatch(/^fd00:10:96::/)
  })
  it('kubectl get servicecidrs shows both ranges', () => {
    expect(sh(cluster(yaml('SingleStack')), 'kubectl get servicecidrs').stdout).toContain('10.96.0.0/16,fd00:10:96::/112')
  })
})

describe('two Pods may report the same IP (endpointslice_controller_test.go TestSyncServiceEndpointSliceFromPods)', () => {
  it('"Ready and Complete pods with same IPs": both accepted, both listed, the not-ready one not ready', () => {
    const c = cluster(docs(pod('pod0', ready('10.244.1.9')), pod('pod1', ready('10.244.1.9', 'Running', false)), svc))
    const eps = c.endpointSlices.filter((s) => s.serviceName === 'a').flatMap((s) => s.endpoints)
    expect(eps.map((e) => [e.targetRef?.name, e.addresses[0], e.conditions.ready])).toEqual([['pod0', '10.244.1.9', true], ['pod1', '10.244.1.9', false]])
  })
  it('"Two Ready pods with same IPs": both listed as ready, with a warning that names the other Pod', () => {
    const y = docs(pod('pod0', ready('10.244.1.9')), pod('pod1', ready('10.244.1.9')), svc)
    expect(diagnostics(y).map((d) => [d.severity, d.code])).toEqual([['warning', 'duplicate-ip']])
    const eps = cluster(y).endpointSlices.filter((s) => s.serviceName === 'a').flatMap((s) => s.endpoints)
    expect(eps.map((e) => [e.targetRef?.name, e.conditions.ready])).toEqual([['pod0', true], ['pod1', true]])
  })
  it('a finished Pod and its successor share an address silently; the address belongs to the live Pod', () => {
    const y = docs(pod('old', ready('10.244.1.9', 'Succeeded', false)), pod('new', ready('10.244.1.9')), svc)
    expect(diagnostics(y)).toEqual([])
    const c = cluster(y)
    expect(c.index.podByIP.get('10.244.1.9')?.meta.name).toBe('new')
    expect(c.endpointSlices.filter((s) => s.serviceName === 'a').flatMap((s) => s.endpoints.map((e) => e.targetRef?.name))).toEqual(['new'])
  })
  it('hostNetwork Pods on one node share its address', () => {
    const host = (n: string) => pod(n, '', '  hostNetwork: true\n')
    const c = cluster(docs(host('h1'), host('h2'), svc))
    expect(c.endpointSlices.filter((s) => s.serviceName === 'a').flatMap((s) => s.endpoints.map((e) => e.addresses[0]))).toEqual(['192.168.1.11', '192.168.1.11'])
  })
})

describe('a failed name lookup is a resolver error, never a connect timeout', () => {
  // DNS blocked by an egress policy on an enforcing CNI: every query times out
  const blocked = docs(
    'apiVersion: knet/v1alpha1\nkind: Cluster\nspec: {cni: calico}\n',
    'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny-egress}\nspec: {podSelector: {}, policyTypes: [Egress]}\n',
    ...[['deb', 'debian:12'], ['bb', 'busybox:1.36'], ['shoot', 'nicolaka/netshoot']].map(([n, image]) => `apiVersion: v1\nkind: Pod\nmetadata: {name: ${n}}\nspec: {containers: [{name: c, image: "${image}"}]}\n`),
  )
  const c = cluster(blocked)
  const err = (pod: string, cmd: string) => sh(c, `kubectl exec ${pod} -- ${cmd}`)
  it.each([
    // curl lib/hostip.c / asyn-thread.c: CURLE_COULDNT_RESOLVE_HOST, or CURLE_OPERATION_TIMEDOUT while resolving under -m
    ['deb', 'curl -sS http://api/', 6, 'curl: (6) Could not resolve host: api\n'],
    ['deb', 'curl -sS -m 3 http://api/', 28, 'curl: (28) Resolving timed out after 3002 milliseconds\n'],
    // glibc gai_strerror(EAI_AGAIN) in iputils ping, traceroute and OpenBSD nc
    ['deb', 'ping -c1 api', 2, 'ping: api: Temporary failure in name resolution\n'],
    ['deb', 'traceroute api', 2, 'api: Temporary failure in name resolution\nCannot handle "host" cmdline arg `api\' on position 1 (argc 1)\n'],
    ['deb', 'nc -zv api 80', 1, 'nc: getaddrinfo for host "api" port 80: Temporary failure in name resolution\n'],
    // musl gai_strerror(EAI_AGAIN) (src/network/gai_strerror.c): netshoot is Alpine-based
    ['shoot', 'ping -c1 api', 2, 'ping: api: Try again\n'],
    // BusyBox applets: xhost2sockaddr's "bad address"
    ['bb', 'wget -qO- http://api/', 1, "wget: bad address 'api'\n"],
    ['bb', 'ping -c1 api', 1, "ping: bad address 'api'\n"],
    ['bb', 'nc -zv api 80', 1, "nc: bad address 'api'\n"],
  ])('%s: %s', (pod, cmd, code, stderr) => {
    const r = err(pod, cmd)
    expect(r.stderr).toBe(stderr)
    expect(r.exitCode).toBe(code)
    expect(r.stderr).not.toContain('undefined')
  })
  it('a name that does not exist: glibc and musl word EAI_NONAME differently', () => {
    const d = cluster(docs(...[['deb', 'debian:12'], ['shoot', 'nicolaka/netshoot']].map(([n, image]) => `apiVersion: v1\nkind: Pod\nmetadata: {name: ${n}}\nspec: {containers: [{name: c, image: "${image}"}]}\n`)))
    expect(sh(d, 'kubectl exec deb -- ping -c1 nope').stderr).toBe('ping: nope: Name or service not known\n')
    expect(sh(d, 'kubectl exec shoot -- ping -c1 nope').stderr).toBe('ping: nope: Name does not resolve\n')
  })
})

describe('NodePort allocation (portallocator calculateRangeOffset, KEP-3668)', async () => {
  const { PortRangeAllocator } = await import('../../../engine/build/allocator.ts')
  it.each([
    [30000, 32767, 30086], // the default: 2768 / 32 = 86 → static band 30000-30085
    [30000, 30015, 30000], // 16 ports or fewer: no static band
    [30000, 30099, 30016], // 100 / 32 = 3 → at least 16
    [20000, 32767, 20128], // 12768 / 32 = 399 → at most 128
  ])('%i-%i: the dynamic band starts at %i', (min, max, start) => {
    expect(new PortRangeAllocator(min, max).dynamicStart).toBe(start)
  })
  it('automatic NodePorts come from the upper band', () => {
    const many = Array.from({ length: 40 }, (_, i) => `apiVersion: v1\nkind: Service\nmetadata: {name: s${i}}\nspec: {type: NodePort, selector: {app: a}, ports: [{port: 80}]}\n`)
    const ports = cluster(docs(...many)).services.flatMap((s) => s.ports.map((p) => p.nodePort).filter((p): p is number => p !== undefined))
    expect(ports).toHaveLength(40)
    for (const p of ports) expect(p).toBeGreaterThanOrEqual(30086)
  })
})
