/**
 * kube-proxy's IPVS mode: virtual servers per Service address and per local
 * node address for NodePorts, the scheduler from the kube-proxy ConfigMap,
 * persistence for ClientIP affinity, kube-ipvs0 and the ipsets.
 */
import { describe, expect, it } from 'vitest'
import { build, run } from './helpers.ts'

const scenario = (conf: string, ...docs: string[]) => build([
  'apiVersion: knet/v1alpha1\nkind: Cluster\nspec: {proxyMode: iptables}',
  `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: kube-proxy, namespace: kube-system}\ndata:\n  config.conf: |\n${conf.split('\n').map((l) => `    ${l}`).join('\n')}`,
  'apiVersion: v1\nkind: Pod\nmetadata: {name: web, labels: {app: web}}\nspec: {nodeName: node-1, containers: [{name: c, image: nginx, ports: [{containerPort: 8080}]}]}',
  ...docs,
].join('\n---\n'))

describe('ipvsadm -Ln', () => {
  it('uses the scheduler from the kube-proxy ConfigMap (mode overrides the Cluster document)', () => {
    const c = scenario('apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: "ipvs"\nipvs:\n  scheduler: "lc"', 'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {clusterIP: 10.96.0.50, selector: {app: web}, ports: [{port: 80, targetPort: 8080}]}')
    const out = run(c, 'ssh node-2 ipvsadm -Ln').split('\n')
    expect(out.slice(0, 3)).toEqual(['IP Virtual Server version 1.2.1 (size=4096)', 'Prot LocalAddress:Port Scheduler Flags', '  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn'])
    const ip = c.index.pod.get('default/web')!.podIPs[0]
    const i = out.indexOf('TCP  10.96.0.50:80 lc')
    expect(i).toBeGreaterThan(0)
    expect(out[i + 1]).toBe(`  -> ${`${ip}:8080`.padEnd(28)} Masq    1      0          0         `)
  })

  it('lists TCP before UDP, each by address and port, as ipvsadm sorts them', () => {
    const c = scenario('mode: ipvs')
    const heads = run(c, 'ssh node-1 ipvsadm -Ln').split('\n').filter((l) => /^(TCP|UDP|SCTP)  /.test(l))
    expect(heads).toEqual(['TCP  10.96.0.1:443 rr', 'TCP  10.96.0.10:53 rr', 'TCP  10.96.0.10:9153 rr', 'UDP  10.96.0.10:53 rr'])
  })

  it('makes ClientIP affinity persistent with its timeout', () => {
    const c = scenario('mode: ipvs', 'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {clusterIP: 10.96.0.50, sessionAffinity: ClientIP, selector: {app: web}, ports: [{port: 80, targetPort: 8080}]}')
    expect(run(c, 'ssh node-1 ipvsadm -Ln')).toContain('TCP  10.96.0.50:80 rr persistent 10800\n')
  })

  it('gives a NodePort one virtual server per local address, kube-ipvs0\'s excepted', () => {
    const c = scenario('mode: ipvs', 'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {type: NodePort, clusterIP: 10.96.0.50, selector: {app: web}, ports: [{port: 80, targetPort: 8080, nodePort: 30080}]}')
    const heads = run(c, 'ssh node-1 ipvsadm -Ln').split('\n').filter((l) => l.includes(':30080 '))
    // eth0, flannel.1 and cni0 hold node-1's IPv4 addresses
    expect(heads).toEqual(['TCP  10.244.1.0:30080 rr', 'TCP  10.244.1.1:30080 rr', 'TCP  192.168.1.11:30080 rr'])
  })

  it('binds every Service IP to kube-ipvs0', () => {
    const c = scenario('mode: ipvs', 'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {clusterIP: 10.96.0.50, externalIPs: [192.0.2.10], selector: {app: web}, ports: [{port: 80, targetPort: 8080}]}')
    const out = run(c, 'ssh node-3 ip addr show kube-ipvs0')
    expect(out.split('\n')[0]).toMatch(/^\d+: kube-ipvs0: <BROADCAST,NOARP> mtu 1500 qdisc noop state DOWN group default $/)
    for (const ip of ['10.96.0.1', '10.96.0.10', '10.96.0.50', '192.0.2.10']) expect(out).toContain(`    inet ${ip}/32 scope global kube-ipvs0\n`)
  })

  it('prints only the header where kube-proxy is not in IPVS mode', () => {
    const c = build('apiVersion: knet/v1alpha1\nkind: Cluster\nspec: {}')
    expect(run(c, 'ssh node-1 ipvsadm -Ln').split('\n')).toHaveLength(4)
  })
})

describe('ipset list', () => {
  it('holds ClusterIP,proto:port entries and the hairpin entries of local endpoints', () => {
    const c = scenario('mode: ipvs', 'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {clusterIP: 10.96.0.50, selector: {app: web}, ports: [{port: 80, targetPort: 8080}]}')
    const ip = c.index.pod.get('default/web')!.podIPs[0]
    const cluster = run(c, 'ssh node-1 ipset list KUBE-CLUSTER-IP')
    expect(cluster).toMatch(/^Name: KUBE-CLUSTER-IP\nType: hash:ip,port\nRevision: 6\nHeader: family inet hashsize 1024 maxelem 65536 comment bucketsize 12 initval 0x[0-9a-f]{8}\n/)
    expect(cluster).toContain('\n10.96.0.50,tcp:80\n')
    expect(run(c, 'ssh node-1 ipset list KUBE-LOOP-BACK')).toContain(`\n${ip},tcp:8080,${ip}\n`)
    expect(run(c, 'ssh node-2 ipset list KUBE-LOOP-BACK')).not.toContain(ip)
  })
})
