/**
 * /etc/resolv.conf per dnsPolicy, as kubelet builds it
 * (pkg/kubelet/network/dns/dns.go GetPodDNS) and containerd writes it.
 */
import { describe, expect, it } from 'vitest'
import { podResolvConf, resolveName } from '../../../engine/dns/index.ts'
import { clientPod, clusterDoc, namespace, pod, scenario, sh } from './helpers.ts'

const c = scenario(
  namespace('prod'),
  clientPod('cf', 'prod'),
  clientPod('hostnet-cf', 'default', 'debian:12', '  hostNetwork: true\n'),
  clientPod('hostnet-cfwhn', 'default', 'debian:12', '  hostNetwork: true\n  dnsPolicy: ClusterFirstWithHostNet\n'),
  clientPod('dflt', 'default', 'debian:12', '  dnsPolicy: Default\n'),
  clientPod('none', 'default', 'debian:12', '  dnsPolicy: None\n  dnsConfig:\n    nameservers: [1.1.1.1, 8.8.8.8]\n    searches: [corp.example]\n    options: [{name: ndots, value: "2"}, {name: edns0}]\n'),
  clientPod('merged', 'default', 'debian:12', '  dnsConfig:\n    nameservers: [10.96.0.10, 9.9.9.9]\n    searches: [svc.cluster.local, corp.example]\n    options: [{name: ndots, value: "1"}, {name: single-request-reopen}]\n'),
)

const file = (name: string) => sh(c, `kubectl exec ${name} -- cat /etc/resolv.conf`).stdout

describe('resolv.conf per dnsPolicy', () => {
  it('ClusterFirst: the kube-dns ClusterIP, the namespace search list, ndots:5', () => {
    expect(sh(c, 'kubectl exec -n prod cf -- cat /etc/resolv.conf').stdout).toBe(
      'search prod.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n',
    )
  })
  it('ClusterFirst on a hostNetwork Pod falls back to Default: the node\'s file', () => {
    expect(file('hostnet-cf')).toBe('nameserver 192.168.1.1\n')
  })
  it('so a hostNetwork Pod with ClusterFirst cannot resolve Service names; with ClusterFirstWithHostNet it can', () => {
    expect(resolveName(c, { kind: 'pod', pod: pod(c, 'hostnet-cf') }, 'kubernetes.default', 'A').rcode).toBe('NXDOMAIN')
    expect(resolveName(c, { kind: 'pod', pod: pod(c, 'hostnet-cfwhn') }, 'kubernetes.default', 'A').answers.map((a) => a.data)).toEqual(['10.96.0.1'])
  })
  it('ClusterFirstWithHostNet gives a hostNetwork Pod the cluster DNS', () => {
    expect(file('hostnet-cfwhn')).toBe('search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n')
  })
  it('Default: the node\'s resolver (kubelet --resolv-conf)', () => {
    expect(file('dflt')).toBe('nameserver 192.168.1.1\n')
    expect(sh(c, 'ssh node-2 cat /etc/resolv.conf').stdout).toBe('nameserver 192.168.1.1\n')
  })
  it('None: only dnsConfig', () => {
    expect(file('none')).toBe('search corp.example\nnameserver 1.1.1.1\nnameserver 8.8.8.8\noptions ndots:2 edns0\n')
  })
  it('dnsConfig is appended: duplicates dropped, options overridden by name', () => {
    expect(file('merged')).toBe(
      'search default.svc.cluster.local svc.cluster.local cluster.local corp.example\nnameserver 10.96.0.10\nnameserver 9.9.9.9\noptions ndots:1 single-request-reopen\n',
    )
  })
  it('the cluster domain comes from the Cluster document (kubelet --cluster-domain)', () => {
    const d = scenario(clusterDoc({ clusterDomain: 'corp.k8s' }), clientPod())
    expect(podResolvConf(d, pod(d, 'client')).search).toEqual(['default.svc.corp.k8s', 'svc.corp.k8s', 'corp.k8s'])
  })
  it('after merging, kubelet keeps at most 3 nameservers and 32 search domains (the API allows 3 and 32 in dnsConfig alone)', () => {
    const searches = Array.from({ length: 31 }, (_, i) => `d${i}.example`)
    const d = scenario(clientPod('p', 'default', 'debian:12', `  dnsConfig:\n    nameservers: [1.1.1.1, 1.0.0.1, 8.8.8.8]\n    searches: [${searches.join(', ')}]\n`))
    const conf = podResolvConf(d, pod(d, 'p'))
    expect(conf.nameservers).toEqual(['10.96.0.10', '1.1.1.1', '1.0.0.1'])
    expect(conf.search).toHaveLength(32)
    expect(conf.search.at(-1)).toBe('d28.example')
  })
  it('the workstation uses its own resolver, outside the cluster', () => {
    expect(sh(c, 'cat /etc/resolv.conf').stdout).toBe('nameserver 203.0.113.1\n')
  })
  it('cat of a file that does not exist', () => {
    const r = sh(c, 'kubectl exec dflt -- cat /etc/nope')
    expect(r.exitCode).toBe(1)
    expect(r.stderr).toBe('knet: cat: /etc/nope is not simulated here (cat shows /etc/resolv.conf, /etc/hosts, /etc/hostname, the CNI files, /proc/sys/net and /sys/class/net)\ncommand terminated with exit code 1\n')
  })
})
