/**
 * What the cluster's components write on Nodes and Pods beyond their specs: kubelet's and the
 * TTL controller's Node annotations and kubelet's runtime status (cluster/node-annotations.ts,
 * kubectl/api-objects.ts nodeJson), calico-node's Node annotations in Kubernetes-datastore mode
 * (cluster/calico-annotations.ts) and the Calico CNI plugin's Pod annotations — each checked
 * against the dataplane the simulator draws, so the two never disagree.
 */
import { describe, expect, it } from 'vitest'
import { cluster, sh } from './helpers.ts'

const withCni = (cni: string, mode = '') => cluster(`apiVersion: knet/v1alpha1
kind: Cluster
spec: {cni: ${cni}${mode ? `, cniMode: ${mode}` : ''}}
---
apiVersion: v1
kind: Pod
metadata: {name: p}
spec: {nodeName: node-1, containers: [{name: c, image: nginx:1.29}]}
`)
const nodeJson = (c: ReturnType<typeof cluster>, name = 'node-1') => JSON.parse(sh(c, `kubectl get node ${name} -o json`).stdout)
const calicoKeys = (a: Record<string, string>) => Object.keys(a).filter((k) => k.startsWith('projectcalico.org/')).sort()

describe('every Node', () => {
  const n = nodeJson(withCni('flannel'))
  it('carries the TTL controller\'s and kubelet\'s annotations', () => {
    expect(n.metadata.annotations['node.alpha.kubernetes.io/ttl']).toBe('0')
    expect(n.metadata.annotations['volumes.kubernetes.io/controller-managed-attach-detach']).toBe('true')
    expect(n.metadata.annotations['kubeadm.alpha.kubernetes.io/cri-socket']).toBeUndefined()
  })
  it('reports kubelet\'s port and what containerd 2 says of its runtimes', () => {
    expect(n.status.daemonEndpoints).toEqual({ kubeletEndpoint: { Port: 10250 } })
    expect(n.status.features).toEqual({ supplementalGroupsPolicy: true })
    expect(n.status.runtimeHandlers.map((h: { name: string }) => h.name)).toEqual(['runc', ''])
  })
})

describe('calico-node\'s Node annotations', () => {
  it('IP-in-IP: the BGP address with its prefix, the tunl0 address, the interfaces found', () => {
    const c = withCni('calico', 'ipip')
    const a = nodeJson(c).metadata.annotations
    const tunl0 = /inet (\S+)\/32/.exec(sh(c, 'ssh node-1 ip addr show tunl0').stdout)![1]
    expect(a['projectcalico.org/IPv4Address']).toBe('192.168.1.11/24')
    expect(a['projectcalico.org/IPv4IPIPTunnelAddr']).toBe(tunl0)
    expect(a['projectcalico.org/Interfaces']).toBe('[{"name":"eth0","addresses":["192.168.1.11"]}]')
    expect(calicoKeys(a)).toEqual(['projectcalico.org/IPv4Address', 'projectcalico.org/IPv4IPIPTunnelAddr', 'projectcalico.org/Interfaces'])
  })
  it('VXLAN: the vxlan.calico address and MAC instead', () => {
    const c = withCni('calico', 'vxlan')
    const a = nodeJson(c).metadata.annotations
    const link = sh(c, 'ssh node-1 ip addr show vxlan.calico').stdout
    expect(a['projectcalico.org/VXLANTunnelMACAddr']).toBe(/link\/ether (\S+)/.exec(link)![1])
    expect(a['projectcalico.org/IPv4VXLANTunnelAddr']).toBe(/inet (\S+)\/32/.exec(link)![1])
    expect(a['projectcalico.org/IPv4IPIPTunnelAddr']).toBeUndefined()
  })
  it('BGP without a tunnel: no tunnel address; canal (policy only) and flannel: none at all', () => {
    expect(calicoKeys(nodeJson(withCni('calico', 'bgp')).metadata.annotations)).toEqual(['projectcalico.org/IPv4Address', 'projectcalico.org/Interfaces'])
    expect(calicoKeys(nodeJson(withCni('canal')).metadata.annotations)).toEqual([])
    expect(calicoKeys(nodeJson(withCni('flannel')).metadata.annotations)).toEqual([])
  })
})

describe('the Calico CNI plugin\'s Pod annotations', () => {
  it('name the Pod\'s sandbox (as crictl lists it) and its address as a /32', () => {
    const c = withCni('calico', 'ipip')
    const p = JSON.parse(sh(c, 'kubectl get pod p -o json').stdout)
    const sandbox = sh(c, 'ssh node-1 crictl pods --namespace default --no-trunc -q').stdout.trim()
    expect(p.metadata.annotations).toEqual({
      'cni.projectcalico.org/containerID': sandbox,
      'cni.projectcalico.org/podIP': `${p.status.podIP}/32`,
      'cni.projectcalico.org/podIPs': `${p.status.podIP}/32`,
    })
  })
  it('canal\'s Pods have them too (its CNI plugin is Calico\'s); flannel\'s and host-network Pods do not', () => {
    expect(JSON.parse(sh(withCni('canal'), 'kubectl get pod p -o json').stdout).metadata.annotations['cni.projectcalico.org/podIP']).toMatch(/\/32$/)
    expect(JSON.parse(sh(withCni('flannel'), 'kubectl get pod p -o json').stdout).metadata.annotations).toBeUndefined()
    const kp = JSON.parse(sh(withCni('calico'), 'kubectl get pods -n kube-system -l k8s-app=kube-proxy -o json').stdout).items[0]
    expect(kp.metadata.annotations?.['cni.projectcalico.org/podIP']).toBeUndefined()
  })
})
