/**
 * The Kubernetes DNS-Based Service Discovery specification (kubernetes/dns
 * docs/specification.md) through the engine's own controllers: StatefulSet
 * and hostname/subdomain names (2.4.1), readiness and publishNotReadyAddresses
 * (2.1 "ready"), dual-stack Services (2.3.1), PTR for endpoints (2.4.3), the
 * schema version (2.2), and the kubeadm TTL.
 */
import { describe, expect, it } from 'vitest'
import { resolveName } from '../../../engine/dns/index.ts'
import type { RRType } from '../../../engine/dns/index.ts'
import type { Cluster } from '../../../engine/index.ts'
import { clientPod, clusterDoc, pod, scenario, sh } from './helpers.ts'

const ask = (c: Cluster, name: string, type: RRType = 'A') => resolveName(c, { kind: 'pod', pod: pod(c, 'client') }, name, type)
const data = (c: Cluster, name: string, type: RRType = 'A') => ask(c, name, type).answers.map((a) => a.data).sort()

const mysql = (extra = '') => [
  `apiVersion: v1
kind: Service
metadata: {name: mysql}
spec:
  clusterIP: None
${extra}  selector: {app: mysql}
  ports: [{name: mysql, port: 3306}]`,
  `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: mysql}
spec:
  serviceName: mysql
  replicas: 3
  selector: {matchLabels: {app: mysql}}
  template:
    metadata: {labels: {app: mysql}}
    spec: {containers: [{name: mysql, image: mysql:8, ports: [{name: mysql, containerPort: 3306}]}]}`,
  clientPod(),
]

describe('headless Services and per-endpoint names (spec 2.4)', () => {
  const c = scenario(...mysql())
  const ips = ['mysql-0', 'mysql-1', 'mysql-2'].map((n) => pod(c, n).podIPs[0]).sort()

  it('one A record per ready endpoint under the Service name', () => {
    expect(data(c, 'mysql.default.svc.cluster.local.')).toEqual(ips)
  })
  it('StatefulSet Pods get <hostname>.<service>: mysql-0.mysql.default.svc.cluster.local', () => {
    expect(data(c, 'mysql-0.mysql.default.svc.cluster.local.')).toEqual([pod(c, 'mysql-0').podIPs[0]])
    // and through the search list, as an application types it
    expect(data(c, 'mysql-1.mysql')).toEqual([pod(c, 'mysql-1').podIPs[0]])
  })
  it('SRV for the named port lists every endpoint by its own name', () => {
    const srv = data(c, '_mysql._tcp.mysql.default.svc.cluster.local.', 'SRV')
    expect(srv).toEqual(['0 33 3306 mysql-0.mysql.default.svc.cluster.local.', '0 33 3306 mysql-1.mysql.default.svc.cluster.local.', '0 33 3306 mysql-2.mysql.default.svc.cluster.local.'])
  })
  it('PTR of an endpoint address names the endpoint (2.4.3)', () => {
    const ip = pod(c, 'mysql-2').podIPs[0]
    expect(data(c, `${ip.split('.').reverse().join('.')}.in-addr.arpa.`, 'PTR')).toEqual(['mysql-2.mysql.default.svc.cluster.local.'])
  })
  it('a port name or protocol that does not exist is NXDOMAIN', () => {
    expect(ask(c, '_http._tcp.mysql.default.svc.cluster.local.', 'SRV').rcode).toBe('NXDOMAIN')
    expect(ask(c, '_mysql._udp.mysql.default.svc.cluster.local.', 'SRV').rcode).toBe('NXDOMAIN')
  })
})

describe('readiness (spec 2.1) and publishNotReadyAddresses', () => {
  const notReady = (name: string, ip: string) => `apiVersion: v1
kind: Pod
metadata: {name: ${name}, labels: {app: cache}}
spec: {containers: [{name: c, image: redis:7, ports: [{containerPort: 6379}]}]}
status: {phase: Running, podIP: ${ip}, podIPs: [{ip: ${ip}}], conditions: [{type: Ready, status: "False"}]}`
  const svc = (publish: boolean) => `apiVersion: v1
kind: Service
metadata: {name: cache}
spec:
  clusterIP: None
  publishNotReadyAddresses: ${publish}
  selector: {app: cache}
  ports: [{port: 6379}]`

  it('a headless Service without ready endpoints is NXDOMAIN (spec 2.4.1)', () => {
    const c = scenario(svc(false), notReady('cache-a', '10.244.1.20'), clientPod())
    expect(ask(c, 'cache.default.svc.cluster.local.').rcode).toBe('NXDOMAIN')
  })
  it('publishNotReadyAddresses publishes them anyway', () => {
    const c = scenario(svc(true), notReady('cache-a', '10.244.1.20'), clientPod())
    expect(data(c, 'cache.default.svc.cluster.local.')).toEqual(['10.244.1.20'])
  })
  it('a ClusterIP Service resolves to its ClusterIP with no ready endpoint at all', () => {
    const c = scenario(
      `apiVersion: v1\nkind: Service\nmetadata: {name: api}\nspec: {clusterIP: 10.96.0.77, selector: {app: nothing}, ports: [{port: 80}]}`,
      clientPod(),
    )
    expect(data(c, 'api')).toEqual(['10.96.0.77'])
  })
})

describe('Pod hostname and subdomain (spec 2.4.1)', () => {
  const c = scenario(
    `apiVersion: v1\nkind: Service\nmetadata: {name: sub}\nspec: {clusterIP: None, selector: {name: busybox}, ports: [{name: foo, port: 1234}]}`,
    `apiVersion: v1
kind: Pod
metadata: {name: busybox1, labels: {name: busybox}}
spec:
  hostname: busybox-1
  subdomain: sub
  containers: [{name: busybox, image: busybox:1.36, command: [sleep, "3600"]}]`,
    `apiVersion: v1
kind: Pod
metadata: {name: busybox2, labels: {name: busybox}}
spec:
  hostname: busybox-2
  subdomain: other
  containers: [{name: busybox, image: busybox:1.36, command: [sleep, "3600"]}]`,
    clientPod(),
  )
  it('hostname.subdomain.namespace.svc.zone when a headless Service named after the subdomain selects the Pod', () => {
    expect(data(c, 'busybox-1.sub.default.svc.cluster.local.')).toEqual([pod(c, 'busybox1').podIPs[0]])
  })
  it('a Pod whose subdomain names no such Service has no hostname record; its endpoint uses the dashed IP', () => {
    const ip = pod(c, 'busybox2').podIPs[0]
    expect(ask(c, 'busybox-2.sub.default.svc.cluster.local.').rcode).toBe('NXDOMAIN')
    expect(data(c, `${ip.replaceAll('.', '-')}.sub.default.svc.cluster.local.`)).toEqual([ip])
  })
  it('kubelet writes the FQDN into the Pod\'s /etc/hosts and hostname', () => {
    const ip = pod(c, 'busybox1').podIPs[0]
    expect(sh(c, 'kubectl exec busybox1 -- cat /etc/hosts').stdout).toContain(`${ip}\tbusybox-1.sub.default.svc.cluster.local\tbusybox-1\n`)
    expect(sh(c, 'kubectl exec busybox1 -- cat /etc/hostname').stdout).toBe('busybox-1\n')
  })
})

describe('dual stack (spec 2.3.1: A for IPv4, AAAA for IPv6)', () => {
  const c = scenario(
    clusterDoc({ ipFamilies: ['IPv4', 'IPv6'], podCIDR: '10.244.0.0/16,fd00:10:244::/56', serviceCIDR: '10.96.0.0/12,fd00:10:96::/112' }),
    `apiVersion: v1
kind: Service
metadata: {name: dual}
spec: {ipFamilyPolicy: RequireDualStack, selector: {app: x}, ports: [{name: http, port: 80}]}`,
    `apiVersion: v1
kind: Service
metadata: {name: v6only}
spec: {ipFamilies: [IPv6], selector: {app: x}, ports: [{name: http, port: 80}]}`,
    clientPod(),
  )
  const svc = (n: string) => c.index.service.get(`default/${n}`)!
  it('A and AAAA carry the ClusterIP of their family', () => {
    expect(data(c, 'dual')).toEqual([svc('dual').clusterIPs[0]])
    expect(data(c, 'dual', 'AAAA')).toEqual([svc('dual').clusterIPs[1]])
  })
  it('an IPv6-only Service answers A with NODATA, not NXDOMAIN', () => {
    const r = resolveName(c, { kind: 'pod', pod: pod(c, 'client') }, 'v6only.default.svc.cluster.local.', 'A')
    expect([r.rcode, r.answers]).toEqual(['NOERROR', []])
    expect(data(c, 'v6only', 'AAAA')).toEqual([svc('v6only').clusterIPs[0]])
  })
})

describe('TTL and the schema version', () => {
  const c = scenario(clientPod())
  it('kubeadm sets ttl 30 on the kubernetes plugin', () => {
    expect(ask(c, 'kubernetes.default').answers[0].ttl).toBe(30)
  })
  it('dns-version.<zone> TXT is the spec version 1.1.0 (TTL 28800, capped to 30 by kubeadm\'s cache 30)', () => {
    expect(ask(c, 'dns-version.cluster.local.', 'TXT').answers).toEqual([{ name: 'dns-version.cluster.local.', type: 'TXT', ttl: 30, data: '"1.1.0"' }])
  })
})
