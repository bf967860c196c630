import { describe, expect, it } from 'vitest'
import { cluster, docs, deployment, service } from './helpers.ts'

const clusterDoc = (spec: string) => `apiVersion: knet/v1alpha1\nkind: Cluster\nspec: ${spec}\n`

describe('the default cluster', () => {
  const c = cluster(docs(deployment('web', 3, { app: 'web' }), service('web', { app: 'web' })))

  it('has three workers at 192.168.1.11-13 with a /24 each, after the control plane', () => {
    expect(c.nodes.map((n) => [n.meta.name, n.internalIPs[0], n.podCIDRs[0]])).toEqual([
      ['control-plane', '192.168.1.10', '10.244.0.0/24'],
      ['node-1', '192.168.1.11', '10.244.1.0/24'],
      ['node-2', '192.168.1.12', '10.244.2.0/24'],
      ['node-3', '192.168.1.13', '10.244.3.0/24'],
    ])
    expect(c.config).toMatchObject({ cni: 'flannel', proxyMode: 'iptables', clusterDomain: 'cluster.local', serviceCIDRs: ['10.96.0.0/12'] })
  })

  it('spreads replicas one per worker, each taking .2 after the gateway', () => {
    const web = c.pods.filter((p) => p.meta.labels.app === 'web')
    expect(web.map((p) => `${p.nodeName} ${p.podIPs[0]}`).sort()).toEqual(['node-1 10.244.1.2', 'node-2 10.244.2.2', 'node-3 10.244.3.2'])
    for (const p of web) expect(p.meta.name).toMatch(/^web-[4-9bcdf]{6,10}-[bcdfghjklmnpqrstvwxz2456789]{5}$/)
  })

  it('has kubernetes at the first Service address and kube-dns at the tenth', () => {
    expect(c.index.service.get('default/kubernetes')!.clusterIPs).toEqual(['10.96.0.1'])
    expect(c.index.service.get('kube-system/kube-dns')!.clusterIPs).toEqual(['10.96.0.10'])
    const dns = c.pods.filter((p) => p.meta.labels['k8s-app'] === 'kube-dns')
    expect(dns.map((p) => p.nodeName)).toEqual(['control-plane', 'control-plane'])
  })

  it('gives automatic ClusterIPs from the upper (dynamic) band of the range', () => {
    const ip = c.index.service.get('default/web')!.clusterIPs[0]
    const n = ip.split('.').map(Number)
    const offset = ((n[0] - 10) * 2 ** 24) + ((n[1] - 96) * 2 ** 16) + n[2] * 256 + n[3]
    expect(offset).toBeGreaterThan(256)
  })
})

describe('allocation is stable', () => {
  const base = [deployment('web', 2, { app: 'web' }), service('web', { app: 'web' }), deployment('api', 2, { app: 'api' }, 8080), service('api', { app: 'api' })]
  const before = cluster(docs(...base))
  const ips = (c: ReturnType<typeof cluster>) => Object.fromEntries([...c.services.map((s) => [s.meta.name, s.clusterIPs[0]]), ...c.pods.map((p) => [p.meta.name, p.podIPs.join(',')])])

  it('adding a Service or a workload at the end moves nobody', () => {
    const after = cluster(docs(...base, service('extra', { app: 'web' }), deployment('late', 3, { app: 'late' })))
    const a = ips(before)
    const b = ips(after)
    for (const k of Object.keys(a)) expect(b[k]).toBe(a[k])
  })

  it('editing labels, images or ports of one object moves nobody', () => {
    const edited = [...base]
    edited[0] = edited[0].replace('image: nginx:1.27', 'image: nginx:1.28')
    edited[3] = edited[3].replace('ports: [{port: 80', 'ports: [{port: 8443')
    const after = cluster(docs(...edited))
    const a = ips(before)
    const b = ips(after)
    // a new image is a new ReplicaSet (new pod-template-hash): its Pods are new, the rest keep their addresses
    expect(after.services.map((s) => s.clusterIPs[0])).toEqual(before.services.map((s) => s.clusterIPs[0]))
    const apiBefore = before.pods.filter((p) => p.meta.labels.app === 'api').map((p) => p.podIPs[0])
    const apiAfter = after.pods.filter((p) => p.meta.labels.app === 'api').map((p) => p.podIPs[0])
    expect(apiAfter).toEqual(apiBefore)
    expect(Object.keys(b).filter((k) => k.startsWith('api')).every((k) => b[k] === a[k])).toBe(true)
  })

  it('adding a Pod that names its node moves nobody placed before it (it is bound when it is created)', () => {
    const pinned = (node: string) => `apiVersion: v1\nkind: Pod\nmetadata: {name: pinned}\nspec:\n  nodeName: ${node}\n  containers: [{name: c, image: busybox:1.36, command: [sleep, infinity]}]\n`
    const a = ips(before)
    for (const node of ['node-1', 'node-2', 'node-3']) {
      const after = cluster(docs(...base, pinned(node)))
      const b = ips(after)
      for (const k of Object.keys(a)) expect(b[k]).toBe(a[k])
      expect(after.index.pod.get('default/pinned')!.nodeName).toBe(node)
    }
  })

  it('removing a Service frees its address without moving others', () => {
    const after = cluster(docs(base[0], base[2], base[3]))
    expect(after.index.service.get('default/api')!.clusterIPs).toEqual(before.index.service.get('default/api')!.clusterIPs)
  })
})

describe('what a pasted manifest records wins', () => {
  it('ClusterIP, nodePort, Pod IP, node and LoadBalancer address', () => {
    const c = cluster(docs(
      deployment('web', 1, { app: 'web' }),
      `apiVersion: v1
kind: Service
metadata: {name: lb}
spec:
  type: LoadBalancer
  clusterIP: 10.96.100.100
  selector: {app: web}
  ports: [{port: 80, targetPort: http, nodePort: 31000}]
status:
  loadBalancer: {ingress: [{ip: 34.1.2.3}]}`,
      `apiVersion: v1
kind: Pod
metadata: {name: pinned, labels: {app: web}}
spec: {containers: [{name: c, image: nginx, ports: [{containerPort: 80, name: http}]}]}
status: {phase: Running, podIP: 10.244.3.99, hostIP: 192.168.1.13}`,
    ))
    const lb = c.index.service.get('default/lb')!
    expect(lb.clusterIPs).toEqual(['10.96.100.100'])
    expect(lb.ports[0].nodePort).toBe(31000)
    // the API server defaults ipMode to VIP for an ingress with an ip (LoadBalancerIPMode, GA in 1.32)
    expect(lb.loadBalancerIngress).toEqual([{ ip: '34.1.2.3', hostname: undefined, ipMode: 'VIP' }])
    const p = c.index.pod.get('default/pinned')!
    expect([p.podIPs[0], p.nodeName]).toEqual(['10.244.3.99', 'node-3'])
  })

  it('a Pod IP without a node lands on the node whose range holds it', () => {
    const c = cluster(`apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec: {containers: [{name: c, image: nginx}]}\nstatus: {podIP: 10.244.2.10}\n`)
    expect(c.index.pod.get('default/a')!.nodeName).toBe('node-2')
  })

  it('LoadBalancer Services get an address from the documentation range and NodePorts in range', () => {
    const c = cluster(docs(deployment('web', 1, { app: 'web' }), service('web', { app: 'web' }, '  type: LoadBalancer')))
    const s = c.index.service.get('default/web')!
    expect(s.loadBalancerIngress[0].ip).toMatch(/^198\.51\.100\.\d+$/)
    expect(s.ports[0].nodePort).toBeGreaterThanOrEqual(30000 + 128)
    expect(s.ports[0].nodePort).toBeLessThanOrEqual(32767)
  })
})

describe('per-CNI address plans', () => {
  const podsOn = (cni: string, extra = '') => cluster(docs(clusterDoc(`{cni: ${cni}${extra}}`), deployment('web', 3, { app: 'web' }))).pods.filter((p) => p.meta.labels.app === 'web')

  it('calico: a /26 block per node, pod ordinals after the tunnel address', () => {
    expect(podsOn('calico').map((p) => `${p.nodeName} ${p.podIPs[0]}`).sort()).toEqual(['node-1 10.244.0.65', 'node-2 10.244.0.129', 'node-3 10.244.0.193'])
  })

  it('weave: its own 10.32.0.0/12 split among the peers', () => {
    expect(podsOn('weave').map((p) => p.podIPs[0]).sort()).toEqual(['10.36.0.2', '10.40.0.2', '10.44.0.2'])
  })

  it('aws-vpc-cni: Pods take addresses of the node subnet', () => {
    for (const p of podsOn('aws-vpc-cni')) expect(p.podIPs[0]).toMatch(/^192\.168\.1\.\d+$/)
  })

  it('dual stack: every Pod gets one address per family', () => {
    const c = cluster(docs(clusterDoc("{podCIDR: '10.244.0.0/16,fd00:10:244::/56', serviceCIDR: '10.96.0.0/12,fd00:10:96::/112'}"), deployment('web', 1, { app: 'web' }), service('web', { app: 'web' }, '  ipFamilyPolicy: PreferDualStack')))
    const p = c.pods.find((x) => x.meta.labels.app === 'web')!
    expect(p.podIPs[1]).toMatch(/^fd00:10:244:[123]::2$/)
    const s = c.index.service.get('default/web')!
    expect(s.ipFamilies).toEqual(['IPv4', 'IPv6'])
    expect(s.clusterIPs[1]).toMatch(/^fd00:10:96::/)
    expect(c.endpointSlices.filter((x) => x.serviceName === 'web').map((x) => x.addressType).sort()).toEqual(['IPv4', 'IPv6'])
  })

  it('kubelet runs at most 110 Pods per node: the rest stay Pending with the scheduler\'s reason', () => {
    const c = cluster(docs(clusterDoc('{nodes: [{name: solo, ip: 192.168.1.50}]}'), deployment('web', 120, { app: 'web' })))
    const pending = c.pods.filter((p) => p.phase === 'Pending')
    // the two CoreDNS Pods and the kube-proxy and flannel DaemonSet Pods count too: 110 - 4 = 106 fit
    expect(pending).toHaveLength(14)
    expect(pending[0].pendingReason).toBe('0/1 nodes are available: 1 Too many pods.')
  })
})
