/**
 * /sys/class/net and the files the simulator does not keep.
 *
 * Each device's attributes come from the same model `ip link` prints, so the numbers agree:
 * a Pod's eth0 `iflink` is the index of its veth on the node (the `@ifN` of `ip link`), and
 * that veth's `iflink` is eth0's index. A path a real machine may have but the simulator
 * does not keep is said to be not simulated, never to be missing.
 */
import { describe, expect, it } from 'vitest'
import { cluster, sh } from '../core/helpers.ts'

const c = cluster(`apiVersion: v1
kind: Pod
metadata: {name: web}
spec: {nodeName: node-1, containers: [{name: c, image: nginx:1.29}]}
---
apiVersion: knet/v1alpha1
kind: Cluster
spec: {cni: calico, cniMode: ipip}
`)
const out = (line: string) => sh(c, line).stdout

describe('/sys/class/net', () => {
  it("a Pod's eth0 names its veth peer on the node, and the veth names eth0 back", () => {
    const peer = Number(out('kubectl exec web -- cat /sys/class/net/eth0/iflink'))
    const self = Number(out('kubectl exec web -- cat /sys/class/net/eth0/ifindex'))
    expect(out('kubectl exec web -- ip link show eth0')).toContain(`${self}: eth0@if${peer}:`)
    const veth = new RegExp(`^${peer}: (cali[0-9a-f]+)@if${self}:`, 'm').exec(out('ssh node-1 ip link'))
    expect(veth).not.toBeNull()
    expect(out(`ssh node-1 cat /sys/class/net/${veth![1]}/iflink /sys/class/net/${veth![1]}/ifindex`)).toBe(`${self}\n${peer}\n`)
  })
  it('mtu, address, operstate and type as net-sysfs prints them', () => {
    const link = out('ssh node-1 ip link show eth0')
    const mac = /link\/ether (\S+)/.exec(link)![1]
    expect(out('ssh node-1 cat /sys/class/net/eth0/mtu /sys/class/net/eth0/address /sys/class/net/eth0/operstate /sys/class/net/eth0/type')).toBe(`1500\n${mac}\nup\n1\n`)
    // lo: ARPHRD_LOOPBACK, operstate unknown, IFF_UP|IFF_LOOPBACK; tunl0: ARPHRD_TUNNEL
    expect(out('ssh node-1 cat /sys/class/net/lo/type /sys/class/net/lo/operstate /sys/class/net/lo/flags')).toBe('772\nunknown\n0x9\n')
    expect(out('ssh node-1 cat /sys/class/net/tunl0/type')).toBe('768\n')
    expect(out('ssh node-1 cat /sys/class/net/eth0/flags')).toBe('0x1003\n')
  })
  it('ls lists the namespace\'s devices', () => {
    // with the ipip module loaded (Calico IP-in-IP), every namespace has its fallback tunl0
    expect(out('kubectl exec web -- ls /sys/class/net')).toBe('eth0\nlo\ntunl0\n')
  })
  it('a device that is not there is missing; an attribute not kept is not simulated', () => {
    expect(sh(c, 'ssh node-1 cat /sys/class/net/eth9/mtu')).toMatchObject({ exitCode: 1, stderr: 'cat: /sys/class/net/eth9/mtu: No such file or directory\n' })
    expect(sh(c, 'ssh node-1 cat /sys/class/net/eth0/speed')).toMatchObject({ exitCode: 1, stderr: 'knet: cat: /sys/class/net/eth0/speed is not simulated here\n' })
  })
})

describe('files the simulator does not keep', () => {
  it('cat says so, and does not claim the file is absent', () => {
    const r = sh(c, 'ssh node-1 cat /etc/nsswitch.conf')
    expect(r.exitCode).toBe(1)
    expect(r.stderr).toMatch(/^knet: cat: \/etc\/nsswitch\.conf is not simulated here \(/)
  })
  it('sysctl says so for a key it does not keep, in a Pod and on a node', () => {
    expect(sh(c, 'ssh node-1 sysctl net.ipv4.tcp_keepalive_time')).toMatchObject({ exitCode: 255, stderr: 'knet: sysctl: net.ipv4.tcp_keepalive_time is not simulated here\n' })
    expect(sh(c, 'kubectl exec web -- cat /proc/sys/net/core/somaxconn').stderr).toBe('knet: cat: /proc/sys/net/core/somaxconn is not simulated here\ncommand terminated with exit code 1\n')
  })
  it('a tree the simulator keeps whole still says what is missing', () => {
    expect(sh(c, 'ssh node-1 cat /etc/cni/net.d/99-nothing.conflist').stderr).toBe('cat: /etc/cni/net.d/99-nothing.conflist: No such file or directory\n')
  })
})
