/**
 * MTU per plugin and `ping -M do -s N`. The figures follow each plugin's
 * own arithmetic: flannel VXLAN 1450 (NIC 1500 minus 50: the carried inner
 * Ethernet header 14, outer IP 20, UDP 8, VXLAN 8; flannel backend/vxlan), host-gw the NIC's 1500;
 * Calico IPIP 1480 (20-byte outer IP header), VXLAN 1450; Cilium keeps the
 * Pod's eth0 at 1500 and puts the tunnel's 1450 on its routes (pkg/mtu
 * RouteMTU). iputils ping: "local error: message too long, mtu=N" when the
 * sender's route is too small (ping/ping.c receive_error_msg).
 */
import { describe, expect, it } from 'vitest'
import { runCommand } from '../../../engine/index.ts'
import type { Cluster } from '../../../engine/index.ts'
import { build } from '../dataplane/helpers.ts'

const twoPods = (cni: string, mode?: string): Cluster => build(`apiVersion: knet/v1alpha1
kind: Cluster
spec: {cni: ${cni}${mode ? `, cniMode: ${mode}` : ''}}
---
apiVersion: v1
kind: Pod
metadata: {name: a}
spec: {nodeName: node-1, containers: [{name: c, image: nginx}]}
---
apiVersion: v1
kind: Pod
metadata: {name: b}
spec: {nodeName: node-2, containers: [{name: c, image: nginx}]}`)

function podIP(c: Cluster, name: string): string {
  return c.index.pod.get(`default/${name}`)!.podIPs[0]
}

/** The largest -s that passes with DF set, found by asking ping itself. */
function largestPayload(c: Cluster, from: string, to: string): number {
  let lo = 0
  let hi = 9000
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2)
    const r = runCommand(c, `${from} ping -c 1 -M do -s ${mid} ${to}`)
    if (r.exitCode === 0) lo = mid
    else hi = mid - 1
  }
  return lo
}

describe('ping -M do across nodes', () => {
  it.each([
    ['flannel', undefined, 1450],
    ['flannel', 'host-gw', 1500],
    ['calico', 'ipip', 1480],
    ['calico', 'vxlan', 1450],
    ['calico', 'bgp', 1500],
    ['cilium', 'vxlan', 1450],
    ['antrea', 'geneve', 1450],
  ])('%s %s: the path MTU is %i', (cni, mode, mtu) => {
    const c = twoPods(cni, mode)
    expect(largestPayload(c, 'kubectl exec a --', podIP(c, 'b')) + 28).toBe(mtu)
  })

  it('prints iputils\' local error for each packet and counts them as errors', () => {
    const c = twoPods('flannel')
    const ip = podIP(c, 'b')
    const r = runCommand(c, `kubectl exec a -- ping -c 3 -M do -s 1423 ${ip}`)
    expect(r.exitCode).toBe(1)
    expect(r.stdout).toBe(`PING ${ip} (${ip}) 1423(1451) bytes of data.\n\n--- ${ip} ping statistics ---\n3 packets transmitted, 0 received, +3 errors, 100% packet loss, time 2036ms\n`)
    expect(r.stderr).toBe('ping: local error: message too long, mtu=1450\n'.repeat(3) + 'command terminated with exit code 1\n')
  })

  it('answers at the MTU with the ICMP size, and fragments a bigger packet without -M do', () => {
    const c = twoPods('flannel')
    const ip = podIP(c, 'b')
    const atMtu = runCommand(c, `kubectl exec a -- ping -c 1 -M do -s 1422 ${ip}`)
    expect(atMtu.stdout).toContain(`PING ${ip} (${ip}) 1422(1450) bytes of data.\n1430 bytes from ${ip}: icmp_seq=1`)
    const fragmented = runCommand(c, `kubectl exec a -- ping -c 1 -s 3000 ${ip}`)
    expect(fragmented.exitCode).toBe(0)
    expect(fragmented.stdout).toContain(`3008 bytes from ${ip}`)
  })

  it('on a node, the tunnel device\'s MTU limits traffic to remote Pods, eth0\'s traffic to nodes', () => {
    const c = twoPods('flannel')
    expect(largestPayload(c, 'ssh node-1', podIP(c, 'b')) + 28).toBe(1450)
    expect(largestPayload(c, 'ssh node-1', '192.168.1.12') + 28).toBe(1500)
  })

  it('BusyBox ping has no -M at all', () => {
    const c = build(`apiVersion: v1\nkind: Pod\nmetadata: {name: bb}\nspec: {nodeName: node-1, containers: [{name: c, image: busybox}]}`)
    const r = runCommand(c, 'kubectl exec bb -- ping -c 1 -M do -s 1400 192.168.1.12')
    expect(r.exitCode).toBe(1)
    expect(r.stderr).toMatch(/^ping: invalid option -- 'M'\n/)
  })

  it('rejects a bad -M value and an oversized -s as iputils does', () => {
    const c = twoPods('flannel')
    expect(runCommand(c, 'kubectl exec a -- ping -M sometimes 10.244.2.2').stderr).toBe('ping: invalid -M argument: sometimes\ncommand terminated with exit code 2\n')
    expect(runCommand(c, 'kubectl exec a -- ping -s 70000 10.244.2.2').stderr).toBe('ping: packet size 70000 is too large. Maximum is 65507\ncommand terminated with exit code 2\n')
  })
})

describe('sysctl', () => {
  it('shows IP forwarding on, as kubeadm\'s preflight requires', () => {
    const c = twoPods('flannel')
    expect(runCommand(c, 'ssh node-1 sysctl net.ipv4.ip_forward').stdout).toBe('net.ipv4.ip_forward = 1\n')
    expect(runCommand(c, 'ssh node-1 sysctl -n net.bridge.bridge-nf-call-iptables').stdout).toBe('1\n')
    const missing = runCommand(c, 'ssh node-1 sysctl net.ipv4.nothing')
    expect(missing).toMatchObject({ exitCode: 255, stderr: 'knet: sysctl: net.ipv4.nothing is not simulated here\n' })
  })
})
