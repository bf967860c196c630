// Issue 12: behaviours a reader meets early, each against the upstream rule it follows.
import { describe, expect, it } from 'vitest'
import { loadScenario } from '../../../engine/index.ts'
import { cluster, diagnostics, docs, sh } from './helpers.ts'
import { dashedIP } from '../../../engine/dns/names.ts'

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
    // kubectl adds the remote exit status (client-go remotecommand/v4.go, kubectl cmd/util/helpers.go checkErr)
    expect(r.stderr).toBe(`${stderr}command terminated with exit code ${code}\n`)
    expect(r.exitCode).toBe(code)
    expect(r.stderr).not.toContain('undefined')
  })
  it('a name that does not exist: glibc and musl word EAI_NONAME differently', () => {
    const d = cluster(docs(...[['deb', 'debian:12'], ['shoot', 'nicolaka/netshoot']].map(([n, image]) => `apiVersion: v1\nkind: Pod\nmetadata: {name: ${n}}\nspec: {containers: [{name: c, image: "${image}"}]}\n`)))
    expect(sh(d, 'kubectl exec deb -- ping -c1 nope').stderr).toBe('ping: nope: Name or service not known\ncommand terminated with exit code 2\n')
    expect(sh(d, 'kubectl exec shoot -- ping -c1 nope').stderr).toBe('ping: nope: Name does not resolve\ncommand terminated with exit code 2\n')
  })
})

describe('NodePort allocation (portallocator calculateRangeOffset, KEP-3668)', async () => {
  const { PortRangeAllocator } = await import('../../../engine/cluster/allocator.ts')
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

describe('topology: trafficDistribution and topology-mode Auto set EndpointSlice hints, and kube-proxy honours them', () => {
  const web = (replicas: number, spec: string, meta = '', proxyMode = 'iptables') => docs(
    `apiVersion: knet/v1alpha1\nkind: Cluster\nspec: {proxyMode: ${proxyMode}}\n`,
    `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: ${replicas}\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: c, image: nginx, ports: [{containerPort: 80}]}]}\n`,
    `apiVersion: v1\nkind: Service\nmetadata: {name: web${meta}}\nspec: {selector: {app: web}, ports: [{port: 80}]${spec}}\n`,
  )
  const hints = (c: ReturnType<typeof cluster>) => c.endpointSlices.filter((s) => s.serviceName === 'web').flatMap((s) => s.endpoints.map((e) => [e.nodeName, e.hints]))
  it('the default nodes carry zones (node-1 zone-a, node-2 zone-b, node-3 zone-c)', () => {
    expect(cluster('').nodes.map((n) => [n.meta.name, n.meta.labels['topology.kubernetes.io/zone']])).toEqual([['control-plane', 'zone-a'], ['node-1', 'zone-a'], ['node-2', 'zone-b'], ['node-3', 'zone-c']])
  })
  it('PreferSameZone: each ready endpoint is hinted for its own zone (trafficdist.go preferCloseHeuristic)', () => {
    expect(hints(cluster(web(3, ', trafficDistribution: PreferSameZone')))).toEqual([['node-1', { forZones: ['zone-a'] }], ['node-2', { forZones: ['zone-b'] }], ['node-3', { forZones: ['zone-c'] }]])
  })
  it('PreferSameNode adds node hints; PreferClose is PreferSameZone with the API server\'s deprecation warning', () => {
    expect(hints(cluster(web(1, ', trafficDistribution: PreferSameNode')))).toEqual([['node-1', { forZones: ['zone-a'], forNodes: ['node-1'] }]])
    const y = web(1, ', trafficDistribution: PreferClose')
    expect(hints(cluster(y))).toEqual([['node-1', { forZones: ['zone-a'] }]])
    expect(diagnostics(y).map((d) => d.message)).toContain('Warning: spec.trafficDistribution: "PreferClose" is deprecated; use "PreferSameZone"')
  })
  it('an unknown value is refused in the API server\'s words', () => {
    expect(diagnostics(web(1, ', trafficDistribution: Nearby')).map((d) => d.message)).toContain('spec.trafficDistribution: Unsupported value: "Nearby": supported values: "PreferClose", "PreferSameNode", "PreferSameZone"')
  })
  it.each(['iptables', 'nftables', 'ipvs'])('%s: a node programs only its zone\'s endpoint', (mode) => {
    const c = cluster(web(3, ', trafficDistribution: PreferSameZone', '', mode))
    const ip = (node: string) => c.pods.find((p) => p.nodeName === node && p.meta.name.startsWith('web-'))!.podIPs[0]
    const cmd = mode === 'iptables' ? 'iptables-save -t nat' : mode === 'nftables' ? 'nft list table ip kube-proxy' : 'ipvsadm -Ln'
    const out = sh(c, `ssh node-3 ${cmd}`).stdout
    expect(out).toContain(ip('node-3'))
    expect(out).not.toContain(ip('node-1'))
    expect(out).not.toContain(ip('node-2'))
  })
  it('kube-proxy ignores hints unless every ready endpoint has one for it (pkg/proxy/topology.go): a zone without endpoints uses them all', () => {
    const c = cluster(web(2, ', trafficDistribution: PreferSameZone'))
    const ips = c.pods.filter((p) => p.meta.name.startsWith('web-')).map((p) => p.podIPs[0])
    const out = sh(c, 'ssh node-3 iptables-save -t nat').stdout
    for (const ip of ips) expect(out).toContain(ip)
  })
  it('topology-mode Auto with one endpoint per zone: same-zone hints (topologycache AddHints)', () => {
    expect(hints(cluster(web(3, '', ', annotations: {service.kubernetes.io/topology-mode: Auto}')))).toEqual([['node-1', { forZones: ['zone-a'] }], ['node-2', { forZones: ['zone-b'] }], ['node-3', { forZones: ['zone-c'] }]])
  })
  it('topology-mode Auto with fewer endpoints than zones: no hints, and the TopologyAwareHintsDisabled reason as a warning', () => {
    const y = web(2, '', ', annotations: {service.kubernetes.io/topology-mode: Auto}')
    expect(hints(cluster(y))).toEqual([['node-1', undefined], ['node-2', undefined]])
    expect(diagnostics(y).map((d) => d.message).join('\n')).toContain('TopologyAwareHintsDisabled: Insufficient number of endpoints (2 endpoints, 3 zones), addressType: IPv4')
  })
  it('topology-mode Auto redistributes: two endpoints in one zone give one to the zone that has none (getGivingAndReceivingZones)', () => {
    const pinned = (name: string, node: string) => `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}, labels: {app: web}}\nspec: {nodeName: ${node}, containers: [{name: c, image: nginx, ports: [{containerPort: 80}]}]}\n`
    const c = cluster(docs(pinned('a1', 'node-1'), pinned('a2', 'node-1'), pinned('b1', 'node-2'), 'apiVersion: v1\nkind: Service\nmetadata: {name: web, annotations: {service.kubernetes.io/topology-mode: Auto}}\nspec: {selector: {app: web}, ports: [{port: 80}]}\n'))
    const zones = c.endpointSlices.filter((s) => s.serviceName === 'web').flatMap((s) => s.endpoints.map((e) => e.hints?.forZones?.[0])).sort()
    expect(zones).toEqual(['zone-a', 'zone-b', 'zone-c'])
  })
  it('the deprecated topology-aware-hints annotation still works, with the API server\'s warning', () => {
    const y = web(3, '', ', annotations: {service.kubernetes.io/topology-aware-hints: auto}')
    expect(hints(cluster(y)).every(([, h]) => h !== undefined)).toBe(true)
    expect(diagnostics(y).map((d) => d.message)).toContain('Warning: annotation service.kubernetes.io/topology-aware-hints is deprecated, please use service.kubernetes.io/topology-mode instead')
  })
})

describe('LoadBalancer ipMode (GA in 1.32, KEP-1860)', () => {
  const lb = (mode: string) => docs(
    'apiVersion: v1\nkind: Pod\nmetadata: {name: web, labels: {app: web}}\nspec: {nodeName: node-1, containers: [{name: c, image: nginx, ports: [{containerPort: 80}]}]}\n',
    'apiVersion: v1\nkind: Pod\nmetadata: {name: client}\nspec: {nodeName: node-3, containers: [{name: c, image: nicolaka/netshoot}]}\n',
    `apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {type: LoadBalancer, selector: {app: web}, ports: [{port: 80}]}\nstatus: {loadBalancer: {ingress: [{ip: 198.51.100.7, ipMode: ${mode}}]}}\n`,
  )
  it('VIP: kube-proxy captures the address on every node', () => {
    expect(sh(cluster(lb('VIP')), 'ssh node-3 iptables-save -t nat').stdout).toContain('-d 198.51.100.7/32')
  })
  it('Proxy: kube-proxy leaves it alone, and a Pod\'s connection goes out to the load balancer and back in', () => {
    const c = cluster(lb('Proxy'))
    expect(sh(c, 'ssh node-3 iptables-save -t nat').stdout).not.toContain('198.51.100.7')
    const t = sh(c, 'trace client -> 198.51.100.7:80')
    expect(t.stdout).toContain('load balancer 198.51.100.7')
    expect(t.stdout).toContain('result: delivered to default/web')
    expect(sh(c, 'kubectl describe svc web').stdout).toContain('198.51.100.7 (Proxy)')
  })
  it('an unknown ipMode is refused', () => {
    expect(diagnostics(lb('Direct')).map((d) => d.message)).toContain('status.loadBalancer.ingress[0].ipMode: Unsupported value: "Direct": supported values: "Proxy", "VIP"')
  })
})

describe('the API server\'s Service warnings (pkg/api/service/warnings.go)', () => {
  it('externalIPs, deprecated in 1.36', () => {
    const d = diagnostics('apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {selector: {app: a}, externalIPs: [198.51.100.9], ports: [{port: 80}]}\n')
    expect(d.map((x) => [x.severity, x.message])).toContainEqual(['warning', 'Warning: spec.externalIPs is deprecated and may no longer be implemented in some clusters'])
  })
})

describe('current Kubernetes (v1.37.0: CHANGELOG-1.38.md is "since v1.37.0")', () => {
  it('kubectl version and the nodes say v1.37.0', () => {
    const c = cluster('')
    expect(sh(c, 'kubectl version').stdout).toContain('Server Version: v1.37.0')
    expect(sh(c, 'kubectl get nodes').stdout).toContain('v1.37.0')
  })
  it('kubeadm v1.37\'s add-ons: CoreDNS v1.14.6 (kubernetes#140497, merged before the 2026-07-23 code freeze) and etcd 3.7.0-0 (3.7.0-rc.0 in alpha.1, 3.7.1 only after v1.37.0)', () => {
    const c = cluster('')
    expect(sh(c, 'kubectl get deploy coredns -n kube-system -o jsonpath={.spec.template.spec.containers[0].image}').stdout).toBe('registry.k8s.io/coredns/coredns:v1.14.6')
    expect(sh(c, 'kubectl get pods -n kube-system -l component=etcd -o jsonpath={.items[0].spec.containers[0].image}').stdout).toBe('registry.k8s.io/etcd:3.7.0-0')
  })
  it('CoreDNS v1.14.6\'s banner and build metric: the tag\'s .go-version (1.26.5) and commit (424d125)', () => {
    const c = cluster('')
    const logs = sh(c, 'kubectl logs -n kube-system deploy/coredns').stdout
    expect(logs).toContain('CoreDNS-1.14.6\nlinux/amd64, go1.26.5, 424d125\n')
  })
  it('a Deployment that pins CoreDNS v1.14.4 gets that build\'s banner', () => {
    const pinned = sh(cluster(''), 'kubectl get deploy coredns -n kube-system -o yaml').stdout.replace('coredns:v1.14.6', 'coredns:v1.14.4')
    const c = cluster(pinned)
    expect(sh(c, 'kubectl logs -n kube-system deploy/coredns').stdout).toContain('CoreDNS-1.14.4\nlinux/amd64, go1.26.3, 232d7ca\n')
  })
  it('CoreDNS 1.14 compiles in the plugins 1.13–1.14 added (plugin.cfg), so a Corefile using them loads', () => {
    const corefile = '.:53 {\n    errors\n    proxyproto\n    kubernetes cluster.local in-addr.arpa ip6.arpa\n    forward . /etc/resolv.conf\n}\n'
    const cm = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: coredns, namespace: kube-system}\ndata:\n  Corefile: |\n${corefile.split('\n').map((l) => (l ? `    ${l}` : l)).join('\n')}`
    const c = cluster(cm)
    expect(sh(c, 'kubectl logs -n kube-system deploy/coredns').stdout).toContain('CoreDNS-1.14.6')
  })
})

describe('every kind the engine accepts can be listed, with kubectl\'s names and columns', () => {
  const c = cluster(docs(
    'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 2\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: c, image: nginx}]}\n',
    'apiVersion: v1\nkind: Secret\nmetadata: {name: tls}\ntype: kubernetes.io/tls\ndata: {tls.crt: eA==, tls.key: eA==}\n',
    'apiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\nmetadata: {name: guard}\nspec: {priority: 10, subject: {namespaces: {}}, ingress: [{action: Deny, from: [{namespaces: {}}]}]}\n',
  ))
  it.each([
    ['kubectl get anp', 'NAME    PRIORITY   AGE\nguard   10         5m\n'],
    ['kubectl get adminnetworkpolicies -o name', 'adminnetworkpolicy.policy.networking.k8s.io/guard\n'],
    ['kubectl get banp', 'No resources found\n'],
    ['kubectl get secrets', 'NAME   TYPE                DATA   AGE\ntls    kubernetes.io/tls   2      5m\n'],
  ])('%s', (cmd, out) => {
    const r = sh(c, cmd)
    expect(r.stdout + r.stderr).toBe(out)
  })
  it('the add-ons\' DaemonSets and Deployment, and each Deployment\'s ReplicaSet, as the controllers keep them', () => {
    expect(sh(c, 'kubectl get ds -n kube-system -o name').stdout).toBe('daemonset.apps/kube-proxy\n')
    expect(sh(c, 'kubectl get deploy -n kube-system -o name').stdout).toBe('deployment.apps/coredns\n')
    const rs = sh(c, 'kubectl get rs').stdout
    expect(rs).toMatch(/^NAME\s+DESIRED\s+CURRENT\s+READY\s+AGE\nweb-[a-z0-9]+\s+2\s+2\s+2\s+5m\n$/)
  })
})

describe('honest about what is not simulated', () => {
  const c = cluster(docs(
    'apiVersion: v1\nkind: Pod\nmetadata: {name: shoot}\nspec: {containers: [{name: c, image: "nicolaka/netshoot:v0.13"}]}\n',
    'apiVersion: v1\nkind: Pod\nmetadata: {name: deb}\nspec: {containers: [{name: c, image: "debian:12"}]}\n',
  ))
  it('a tool the image ships answers that it is not simulated, and what to use instead (exit 126)', () => {
    const r = sh(c, 'kubectl exec shoot -- tshark -i eth0')
    expect(r.exitCode).toBe(126)
    expect(r.stderr).toContain('tshark: not simulated here: the real tshark is in this container\'s image (nicolaka/netshoot:v0.13)')
    expect(r.stderr).toContain('instead: trace SOURCE -> DEST')
    expect(r.stderr).not.toContain('not found')
  })
  it('on a node, socat is there but not simulated', () => {
    expect(sh(c, 'ssh node-1 socat - TCP:10.96.0.1:443').stderr).toContain('socat: not simulated here: the real socat is on node-1')
  })
  it('a tool the image does not ship is not found: by the runtime when run directly, by the shell under sh -c', () => {
    // no shell between kubectl exec and the program: containerd and runc answer (container-shell.ts notFound)
    const direct = sh(c, 'kubectl exec deb -- tcpdump')
    expect(direct.stderr).toMatch(/^error: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec "[0-9a-f]{64}": OCI runtime exec failed: exec failed: unable to start container process: exec: "tcpdump": executable file not found in \$PATH: unknown\n$/)
    expect(direct.exitCode).toBe(1)
    // debian:12: dash is /bin/sh (src/exec.c), bash says "command not found" with the line (bash >= 5.1)
    expect(sh(c, 'kubectl exec deb -- sh -c tcpdump')).toMatchObject({ exitCode: 127, stderr: 'sh: 1: tcpdump: not found\ncommand terminated with exit code 127\n' })
    expect(sh(c, 'kubectl exec deb -- /bin/bash -c "tcpdump -ni eth0"')).toMatchObject({ exitCode: 127, stderr: '/bin/bash: line 1: tcpdump: command not found\ncommand terminated with exit code 127\n' })
  })
  it('real kubectl verbs and flags say they are not simulated; made-up ones get kubectl\'s own error', () => {
    expect(sh(c, 'kubectl apply -f web.yaml').stderr).toContain('error: kubectl apply is not simulated here: the manifests you edit are the cluster')
    expect(sh(c, 'kubectl get pods --context prod').stderr).toContain('error: flag --context is a real kubectl flag, but it is not simulated here')
    expect(sh(c, 'kubectl frob').stderr).toContain('error: unknown command "frob" for "kubectl"')
    expect(sh(c, 'kubectl get pods --frob').stderr).toContain('error: unknown flag: --frob')
  })
})

describe('a trace across nodes shows the inner and outer packet sizes (issue 16)', () => {
  const two = (cni: string) => docs(
    `apiVersion: knet/v1alpha1\nkind: Cluster\nspec: {cni: ${cni}}\n`,
    'apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec: {nodeName: node-1, containers: [{name: c, image: nicolaka/netshoot}]}\n',
    'apiVersion: v1\nkind: Pod\nmetadata: {name: b}\nspec: {nodeName: node-2, containers: [{name: c, image: nginx, ports: [{containerPort: 80}]}]}\n',
  )
  it.each([
    // VXLAN: outer IPv4 20 + UDP 8 + VXLAN 8 + the carried Ethernet header 14 = 50
    ['flannel', 'the SYN is a 60-byte IP packet (IPv4 20 + TCP 40 with options) inside, 110 bytes in the outer IP packet'],
    // IPIP: one outer IPv4 header
    ['calico', 'the SYN is a 60-byte IP packet (IPv4 20 + TCP 40 with options) inside, 80 bytes in the outer IP packet'],
  ])('%s', (cni, line) => {
    const c = cluster(two(cni))
    const b = c.index.pod.get('default/b')!.podIPs[0]
    expect(sh(c, `trace a -> ${b}:80`).stdout).toContain(line)
  })
})

describe('loadBalancerClass (KEP-1959): nothing accepted is silently ignored', () => {
  const lb = (extra: string) => `apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {type: LoadBalancer, selector: {app: a}, ports: [{port: 80}]${extra}}\n`
  it('a classed LoadBalancer Service stays <pending>, and the warning says why', () => {
    const y = lb(', loadBalancerClass: example.com/internal-lb')
    expect(sh(cluster(y), 'kubectl get svc s').stdout).toContain('<pending>')
    expect(diagnostics(y).map((d) => d.code)).toContain('not-simulated')
  })
  it('only on type LoadBalancer', () => {
    const y = 'apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {selector: {app: a}, loadBalancerClass: x.io/lb, ports: [{port: 80}]}\n'
    expect(diagnostics(y).map((d) => d.message)).toContain("spec.loadBalancerClass: Forbidden: may only be used when `type` is 'LoadBalancer'")
  })
})

describe('the scheduler: required node affinity is a filter; what it does not honour is said (component-helpers nodeaffinity)', () => {
  const deploy = (affinity: string) => `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 3\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      affinity: ${affinity}\n      containers: [{name: c, image: nginx}]\n`
  it('In on the zone label keeps every replica in that zone', () => {
    const c = cluster(deploy('{nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: topology.kubernetes.io/zone, operator: In, values: [zone-b]}]}]}}}'))
    expect(c.pods.filter((p) => p.meta.name.startsWith('web-')).map((p) => p.nodeName)).toEqual(['node-2', 'node-2', 'node-2'])
  })
  it('NotIn and matchFields metadata.name; terms are ORed', () => {
    const c = cluster(deploy('{nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchFields: [{key: metadata.name, operator: In, values: [node-3]}]}, {matchExpressions: [{key: topology.kubernetes.io/zone, operator: NotIn, values: [zone-a, zone-c]}]}]}}}'))
    expect(new Set(c.pods.filter((p) => p.meta.name.startsWith('web-')).map((p) => p.nodeName))).toEqual(new Set(['node-2', 'node-3']))
  })
  it('no node fits: Pending with the scheduler\'s message', () => {
    const c = cluster(deploy('{nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: topology.kubernetes.io/zone, operator: In, values: [zone-z]}]}]}}}'))
    const p = c.pods.find((x) => x.meta.name.startsWith('web-'))!
    expect(p.phase).toBe('Pending')
    expect(p.pendingReason).toContain("node(s) didn't match Pod's node affinity/selector")
  })
  it('podAntiAffinity is accepted and said to be not simulated', () => {
    const d = diagnostics(deploy('{podAntiAffinity: {requiredDuringSchedulingIgnoredDuringExecution: [{labelSelector: {matchLabels: {app: web}}, topologyKey: kubernetes.io/hostname}]}}'))
    expect(d.map((x) => [x.severity, x.code])).toContainEqual(['warning', 'not-simulated'])
  })
})

describe('CoreDNS endpoint labels from addresses (plugin/kubernetes endpointHostname)', () => {
  it('dots and colons become dashes; since 1.12.3 an IPv6 label ending in a dash gets a 0 (coredns#7431)', () => {
    expect(dashedIP('10.244.1.5')).toBe('10-244-1-5')
    expect(dashedIP('fd00:10:244:1::5')).toBe('fd00-10-244-1--5')
    expect(dashedIP('fd00:10:244:1::')).toBe('fd00-10-244-1--0')
  })
})
