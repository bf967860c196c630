/**
 * How iproute2 lays out a route line (ip/iproute.c print_route), checked where the simulator
 * once differed: the IPv6 tail, and the table name in a listing filtered by table.
 */
import { describe, expect, it } from 'vitest'
import { loadScenario, runCommand } from '../../../engine/index.ts'
import { formatRoute } from '../../../engine/dataplane/routes.ts'

describe('iproute2 route line layout (ip/iproute.c print_route)', () => {
  it('an IPv6 route ends with "pref medium" and no trailing space; an MTU (RTA_METRICS) comes before it', () => {
    expect(formatRoute({ family: 'IPv6', dst: 'fd00:10:244:2::/64', via: 'fd00:10:244:2::', dev: 'cilium_host', proto: 'kernel', metric: 1024, mtu: 1450 })).toBe('fd00:10:244:2::/64 via fd00:10:244:2:: dev cilium_host proto kernel metric 1024 mtu 1450 pref medium')
    expect(formatRoute({ family: 'IPv4', dst: '10.244.2.0/24', via: '10.244.2.0', dev: 'flannel.1', onlink: true })).toBe('10.244.2.0/24 via 10.244.2.0 dev flannel.1 onlink ')
  })
  it('a listing filtered by table does not name the table on each line ("table %s" only when !filter.tb)', () => {
    const { cluster } = loadScenario('apiVersion: knet/v1alpha1\nkind: Cluster\nspec: {ipFamilies: [IPv4, IPv6], podCIDR: "10.244.0.0/16,fd00:10:244::/56", serviceCIDR: "10.96.0.0/16,fd00:10:96::/112"}\n')
    const out = runCommand(cluster, 'ssh node-1 ip -6 route show table local').stdout
    expect(out).toMatch(/^local ::1 dev lo proto kernel metric 0 pref medium$/m)
    expect(out).not.toContain('table local')
  })
  it('table all lists main then local, IPv4 then IPv6 (dump_family stays AF_UNSPEC when filter.tb is 0), naming "table local" after dev', () => {
    const { cluster } = loadScenario('apiVersion: knet/v1alpha1\nkind: Cluster\nspec: {}\n')
    const run = (cmd: string) => runCommand(cluster, cmd).stdout
    const all = run('ssh node-1 ip route show table all')
    const main4 = run('ssh node-1 ip route show')
    const local4 = run('ssh node-1 ip route show table local')
    const main6 = run('ssh node-1 ip -6 route show')
    const local6 = run('ssh node-1 ip -6 route show table local')
    const named = (text: string) => text.replace(/^(\S+ \S+ dev \S+ )/gm, '$1table local ')
    expect(local4).toMatch(/^local 127\.0\.0\.1 dev lo proto kernel scope host src 127\.0\.0\.1 $/m)
    expect(all).toBe(main4 + named(local4) + main6 + named(local6))
    expect(all).toMatch(/^local 127\.0\.0\.1 dev lo table local proto kernel scope host src 127\.0\.0\.1 $/m)
    expect(all).toMatch(/^local ::1 dev lo table local proto kernel metric 0 pref medium$/m)
    // -4 keeps one family; a selector drops its field from local lines too
    expect(run('ssh node-1 ip -4 route show table all')).toBe(main4 + named(local4))
    expect(run('ssh node-1 ip route show table local dev lo')).toBe('local 127.0.0.0/8 proto kernel scope host src 127.0.0.1 \nlocal 127.0.0.1 proto kernel scope host src 127.0.0.1 \nbroadcast 127.255.255.255 proto kernel scope link src 127.0.0.1 \n')
  })
})

describe('the routes and addresses the kernel gives every IPv6 device (net/ipv6/addrconf.c)', () => {
  const { cluster } = loadScenario('apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec: {nodeName: node-1, containers: [{name: c, image: nicolaka/netshoot}]}\n')
  const run = (cmd: string) => runCommand(cluster, cmd).stdout
  const devices = (text: string, re: RegExp) => [...text.matchAll(re)].map((m) => m[1])

  it('a fe80::/64 prefix route for each device with a link-local address, bridge ports and tunnels included, in the order they came up', () => {
    const main6 = run('ssh node-1 ip -6 route')
    const withLL = devices(run('ssh node-1 ip -6 addr'), /^\d+: ([^:@]+)[:@][\s\S]*?(?=^\d+: |$(?![\s\S]))/gm).filter((d) => d !== 'lo')
    expect(devices(main6, /^fe80::\/64 dev (\S+) proto kernel metric 256 pref medium$/gm)).toEqual(withLL)
    expect(withLL).toEqual(expect.arrayContaining(['eth0', 'flannel.1', 'cni0']))
    expect(withLL.some((d) => d.startsWith('veth'))).toBe(true)
    // and one in the Pod, for its eth0
    expect(run('kubectl exec a -- ip -6 route')).toBe('fe80::/64 dev eth0 proto kernel metric 256 pref medium\n')
  })

  it('the local table has multicast ff00::/8 for every device but lo, after the local routes (addrconf_add_mroute, metric 256)', () => {
    const local6 = run('ssh node-1 ip -6 route show table local')
    const lines = local6.trimEnd().split('\n')
    const firstMulticast = lines.findIndex((l) => l.startsWith('multicast '))
    expect(lines.slice(firstMulticast).every((l) => /^multicast ff00::\/8 dev \S+ proto kernel metric 256 pref medium$/.test(l))).toBe(true)
    expect(devices(local6, /^multicast ff00::\/8 dev (\S+) /gm)).toEqual(devices(run('ssh node-1 ip -6 route'), /^fe80::\/64 dev (\S+) /gm))
    expect(local6).not.toMatch(/^multicast .* dev lo /m)
    // `metric 256` keeps them alone; `metric 0`, only the local routes
    expect(run('ssh node-1 ip -6 route show table local metric 256').split('\n').filter(Boolean).every((l) => l.startsWith('multicast ff00::/8 '))).toBe(true)
    expect(run('ssh node-1 ip -6 route show table local metric 0')).not.toContain('multicast')
    expect(run('kubectl exec a -- ip -6 route show table local')).toMatch(/^multicast ff00::\/8 dev eth0 proto kernel metric 256 pref medium\n$/m)
  })

  it('a link-local address the kernel made is "proto kernel_ll" (IFA_PROTO); the NIC\'s, configured by systemd-networkd, has none', () => {
    const addrs = run('ssh node-1 ip -6 addr')
    expect(addrs).toMatch(/^ {4}inet6 fe80::\S+\/64 scope link proto kernel_ll $/m)
    const eth0 = run('ssh node-1 ip -6 addr show eth0')
    expect(eth0).toMatch(/^ {4}inet6 fe80::\S+\/64 scope link $/m)
    expect(run('ssh node-1 ip -6 addr show cni0')).toMatch(/scope link proto kernel_ll \n/)
    expect(run('kubectl exec a -- ip -6 addr show eth0')).toMatch(/scope link proto kernel_ll \n/)
    // lo's ::1 has no protocol
    expect(run('ssh node-1 ip -6 addr show lo')).toContain('inet6 ::1/128 scope host noprefixroute \n')
  })
})


describe('ip -br link: the link-layer address as iproute2 prints it (ll_addr_n2a)', () => {
  it('an IP-in-IP tunnel\'s 4-byte address prints as IPv4 (tunl0: 0.0.0.0), an Ethernet device\'s as a MAC', () => {
    const { cluster } = loadScenario('apiVersion: knet/v1alpha1\nkind: Cluster\nspec: {cni: calico, cniMode: ipip}\n')
    expect(runCommand(cluster, 'ssh node-1 ip -br link show tunl0').stdout).toBe('tunl0@NONE       UNKNOWN        0.0.0.0 <NOARP,UP,LOWER_UP> \n')
    expect(runCommand(cluster, 'ssh node-1 ip -br link show eth0').stdout).toMatch(/^eth0 +UP +([0-9a-f]{2}:){5}[0-9a-f]{2} <BROADCAST,MULTICAST,UP,LOWER_UP> \n$/)
  })
})
