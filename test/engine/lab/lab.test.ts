/**
 * The by-hand lab (engine/lab/): Pod networking built on a node with ip netns,
 * veth pairs, a bridge, addresses and routes, within one run (a Session).
 * The sequences are the seeds' by-hand section (seed 003, "Single Node Setup")
 * and the guide's Inside a Pod lab; outputs are iproute2 6.x's and iputils'.
 */
import { describe, expect, it } from 'vitest'
import { loadScenario, runCommand, Session, LIMITS } from '../../../engine/index.ts'
import type { Cluster } from '../../../engine/index.ts'

const EMPTY = 'apiVersion: v1\nkind: Namespace\nmetadata: {name: lab}'

function cluster(extra = EMPTY): Cluster {
  const { cluster, diagnostics } = loadScenario(extra)
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([])
  return cluster
}

/** Runs the lines on node-1 in one session; answers each result. */
function onNode(c: Cluster, lines: string[], session = new Session(c)) {
  return lines.map((l) => runCommand(c, `ssh node-1 ${l}`, session))
}

function out(r: { stdout: string; stderr: string }) {
  return r.stdout + r.stderr
}

// seed 003, "Single Node Setup", with <pod-namespace> named pod1
const SEED = [
  'ip link add v-net-0 type bridge',
  'ip link set dev v-net-0 up',
  'ip addr add 10.244.1.1/24 dev v-net-0',
  'ip netns add pod1',
  'ip link add veth-pod1 type veth peer name veth-pod1-br',
  'ip link set veth-pod1 netns pod1',
  'ip link set veth-pod1-br master v-net-0',
  'ip -n pod1 addr add 10.244.1.2/24 dev veth-pod1',
  'ip -n pod1 route add default via 10.244.1.1',
  'ip -n pod1 link set veth-pod1 up',
]

describe("the seeds' by-hand sequence", () => {
  it('refuses the default route while the Pod end is still down, as the kernel does', () => {
    const c = cluster()
    const r = onNode(c, SEED)
    expect(r.slice(0, 8).map((x) => x.exitCode)).toEqual([0, 0, 0, 0, 0, 0, 0, 0])
    // step 6 comes before step 7: no connected route to the gateway yet (fib_check_nh_v4_gw)
    expect(r[8]).toMatchObject({ exitCode: 2, stderr: 'Error: Nexthop has invalid gateway.\n' })
    expect(r[9].exitCode).toBe(0)
  })

  it('leaves the bridge side down, so the Pod end has no carrier and the gateway does not answer', () => {
    const c = cluster()
    const s = new Session(c)
    onNode(c, SEED, s)
    const [addr, ping] = onNode(c, ['ip -n pod1 addr show veth-pod1', 'ip netns exec pod1 ping -c 1 10.244.1.1'], s)
    expect(addr.stdout.split('\n')[0]).toBe('6: veth-pod1@if5: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500 qdisc noqueue state LOWERLAYERDOWN group default qlen 1000')
    expect(ping.stdout).toBe(
      'PING 10.244.1.1 (10.244.1.1) 56(84) bytes of data.\nFrom 10.244.1.2 icmp_seq=1 Destination Host Unreachable\n\n--- 10.244.1.1 ping statistics ---\n1 packets transmitted, 0 received, +1 errors, 100% packet loss, time 0ms\n',
    )
    expect(ping.exitCode).toBe(1)
  })

  it('works once both ends are up and the route goes in after the address', () => {
    const c = cluster()
    const s = new Session(c)
    onNode(c, [...SEED.slice(0, 8), 'ip -n pod1 link set veth-pod1 up', 'ip link set veth-pod1-br up', 'ip -n pod1 route add default via 10.244.1.1'], s)
    const [links, addrs, routes, ping, node, bridge] = onNode(c, ['ip link', 'ip -n pod1 addr', 'ip -n pod1 route', 'ip netns exec pod1 ping -c 2 10.244.1.1', 'ip netns exec pod1 ping -c 1 192.168.1.11', 'bridge link'], s)
    expect(links.stdout).toContain(
      '4: v-net-0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default qlen 1000\n' +
        '    link/ether ',
    )
    expect(links.stdout).toMatch(/5: veth-pod1-br@if6: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue master v-net-0 state UP mode DEFAULT group default qlen 1000\n {4}link\/ether [0-9a-f:]{17} brd ff:ff:ff:ff:ff:ff link-netns pod1\n/)
    // the bridge takes its port's MAC (it has no address of its own)
    const mac = (name: string) => new RegExp(`${name}[^\\n]*\\n {4}link/ether ([0-9a-f:]{17})`).exec(links.stdout)![1]
    expect(mac('v-net-0')).toBe(mac('veth-pod1-br'))
    expect(addrs.stdout).toMatch(
      /^1: lo: <LOOPBACK> mtu 65536 qdisc noop state DOWN group default qlen 1000\n {4}link\/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n6: veth-pod1@if5: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default qlen 1000\n {4}link\/ether [0-9a-f:]{17} brd ff:ff:ff:ff:ff:ff link-netnsid 0\n {4}inet 10\.244\.1\.2\/24 scope global veth-pod1\n {7}valid_lft forever preferred_lft forever\n {4}inet6 fe80::[0-9a-f:]+\/64 scope link \n {7}valid_lft forever preferred_lft forever\n$/,
    )
    expect(routes.stdout).toBe('default via 10.244.1.1 dev veth-pod1 \n10.244.1.0/24 dev veth-pod1 proto kernel scope link src 10.244.1.2 \n')
    expect(ping.exitCode).toBe(0)
    expect(ping.stdout).toMatch(/^PING 10\.244\.1\.1 \(10\.244\.1\.1\) 56\(84\) bytes of data\.\n64 bytes from 10\.244\.1\.1: icmp_seq=1 ttl=64 time=\d\.\d{3} ms\n64 bytes from 10\.244\.1\.1: icmp_seq=2 ttl=64 time=\d\.\d{3} ms\n\n--- 10\.244\.1\.1 ping statistics ---\n2 packets transmitted, 2 received, 0% packet loss, time \d+ms\nrtt min\/avg\/max\/mdev = [\d.]+\/[\d.]+\/[\d.]+\/[\d.]+ ms\n$/)
    // the node's own address answers through the bridge's address: local delivery, no forwarding
    expect(node.exitCode).toBe(0)
    expect(bridge.stdout).toBe('5: veth-pod1-br@if6: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 master v-net-0 state forwarding priority 32 cost 2 \n')
  })
})

// The guide's lab: two namespaces on one bridge, then a way out to the node
const TWO = [
  'ip netns add red',
  'ip netns add blue',
  'ip link add br0 type bridge',
  'ip link set br0 up',
  'ip link add veth-red type veth peer name veth-red-br',
  'ip link add veth-blue type veth peer name veth-blue-br',
  'ip link set veth-red netns red',
  'ip link set veth-blue netns blue',
  'ip link set veth-red-br master br0',
  'ip link set veth-blue-br master br0',
  'ip link set veth-red-br up',
  'ip link set veth-blue-br up',
  'ip -n red addr add 172.16.0.2/24 dev veth-red',
  'ip -n blue addr add 172.16.0.3/24 dev veth-blue',
  'ip -n red link set veth-red up',
  'ip -n blue link set veth-blue up',
]

describe('two namespaces through a bridge', () => {
  it('ping each other, and list as ip netns lists them', () => {
    const c = cluster()
    const s = new Session(c)
    expect(onNode(c, TWO, s).every((r) => r.exitCode === 0)).toBe(true)
    const [a, b, list, get] = onNode(c, ['ip netns exec red ping -c 1 172.16.0.3', 'ip netns exec blue ping -c 1 172.16.0.2', 'ip netns list', 'ip netns exec red ip route get 172.16.0.3'], s)
    expect([a.exitCode, b.exitCode]).toEqual([0, 0])
    expect(list.stdout).toBe('blue (id: 1)\nred (id: 0)\n')
    expect(get.stdout).toBe('172.16.0.3 dev veth-red src 172.16.0.2 uid 0 \n    cache \n')
  })

  it.each([
    ['the bridge is down', 'ip link set br0 down'],
    ['a port is not on the bridge', 'ip link set veth-blue-br nomaster'],
    ['the peer end is down', 'ip link set veth-blue-br down'],
  ])('say Destination Host Unreachable when %s', (_why, breaker) => {
    const c = cluster()
    const s = new Session(c)
    onNode(c, [...TWO, breaker], s)
    const [ping] = onNode(c, ['ip netns exec red ping -c 1 172.16.0.3'], s)
    expect(ping.exitCode).toBe(1)
    expect(ping.stdout).toContain('From 172.16.0.2 icmp_seq=1 Destination Host Unreachable')
  })

  it('cannot reach the node until the bridge has an address and the namespace a default route', () => {
    const c = cluster()
    const s = new Session(c)
    onNode(c, TWO, s)
    const [before] = onNode(c, ['ip netns exec red ping -c 1 192.168.1.11'], s)
    expect(before).toMatchObject({ exitCode: 2, stdout: '', stderr: 'ping: connect: Network is unreachable\n' })
    const [getBefore] = onNode(c, ['ip netns exec red ip route get 192.168.1.11'], s)
    expect(getBefore.stderr).toBe('RTNETLINK answers: Network is unreachable\n')
    onNode(c, ['ip addr add 172.16.0.1/24 dev br0', 'ip -n red route add default via 172.16.0.1'], s)
    const [after, back, route] = onNode(c, ['ip netns exec red ping -c 1 192.168.1.11', 'ping -c 1 172.16.0.2', 'ip route show dev br0'], s)
    expect(after.exitCode).toBe(0)
    expect(after.stdout).toContain('64 bytes from 192.168.1.11: icmp_seq=1 ttl=64')
    expect(back.exitCode).toBe(0)
    expect(route.stdout).toBe('172.16.0.0/24 proto kernel scope link src 172.16.0.1 \n')
  })

  it('forwards between two bridges only with net.ipv4.ip_forward=1 on the node', () => {
    const c = cluster()
    const s = new Session(c)
    onNode(c, [
      ...TWO,
      'ip addr add 172.16.0.1/24 dev br0',
      'ip -n red route add default via 172.16.0.1',
      'ip link add br1 type bridge',
      'ip link set br1 up',
      'ip addr add 172.16.1.1/24 dev br1',
      'ip netns add green',
      'ip link add veth-green type veth peer name veth-green-br',
      'ip link set veth-green netns green',
      'ip link set veth-green-br master br1',
      'ip link set veth-green-br up',
      'ip -n green addr add 172.16.1.2/24 dev veth-green',
      'ip -n green link set veth-green up',
    ], s)
    // green has no route back to red: the request arrives, the reply cannot leave
    const [noReply] = onNode(c, ['ip netns exec red ping -c 1 172.16.1.2'], s)
    expect(noReply.exitCode).toBe(1)
    expect(noReply.stdout).toContain('1 packets transmitted, 0 received, 100% packet loss')
    onNode(c, ['ip -n green route add default via 172.16.1.1'], s)
    const [routed] = onNode(c, ['ip netns exec red ping -c 1 172.16.1.2'], s)
    expect(routed.exitCode).toBe(0)
    // one router on the way back: the reply's TTL is 63
    expect(routed.stdout).toContain('ttl=63')
    const [w, r, off, off2] = onNode(c, ['sysctl -w net.ipv4.ip_forward=0', 'sysctl net.ipv4.ip_forward', 'ip netns exec red ping -c 1 172.16.1.2', 'ip netns exec red sysctl net.ipv4.ip_forward'], s)
    expect(w.stdout).toBe('net.ipv4.ip_forward = 0\n')
    expect(runCommand(c, 'ssh node-1 cat /proc/sys/net/ipv4/ip_forward', s).stdout).toBe('0\n')
    expect(r.stdout).toBe('net.ipv4.ip_forward = 0\n')
    expect(off.exitCode).toBe(1)
    expect(off.stdout).not.toContain('64 bytes')
    // a namespace made earlier keeps the value it copied from the node when it was made
    expect(off2.stdout).toBe('net.ipv4.ip_forward = 1\n')
  })
})

describe('curl from a namespace', () => {
  it('is refused by a namespace where nothing listens, and fails as the wiring does', () => {
    const c = cluster()
    const s = new Session(c)
    onNode(c, TWO, s)
    const [refused, nobody, noRoute, blue] = onNode(c, ['ip netns exec red curl -s http://172.16.0.3/', 'ip netns exec red curl -s 172.16.0.9', 'ip netns exec red curl -s 192.168.1.11:10250', 'ip netns exec blue curl -m 2 172.16.0.2'], s)
    expect(refused).toMatchObject({ exitCode: 7, stderr: "curl: (7) Failed to connect to 172.16.0.3 port 80 after 0 ms: Couldn't connect to server\n" })
    expect(nobody).toMatchObject({ exitCode: 7, stderr: "curl: (7) Failed to connect to 172.16.0.9 port 80 after 3071 ms: Couldn't connect to server\n" })
    expect(noRoute).toMatchObject({ exitCode: 7, stderr: "curl: (7) Failed to connect to 192.168.1.11 port 10250 after 0 ms: Couldn't connect to server\n" })
    expect(blue.exitCode).toBe(7)
  })
})

describe('what ip prints for each mistake', () => {
  const c = cluster()
  const cases: [string[], number, string][] = [
    [['ip link set veth0 up'], 1, 'Cannot find device "veth0"\n'],
    [['ip addr add 10.0.0.1/24 dev veth0'], 1, 'Cannot find device "veth0"\n'],
    [['ip link add veth0 type veth peer name veth1', 'ip link add veth0 type veth peer name veth2'], 2, 'RTNETLINK answers: File exists\n'],
    [['ip link add br0 type bridge', 'ip link add br0 type bridge'], 2, 'RTNETLINK answers: File exists\n'],
    [['ip netns add red', 'ip netns add red'], 1, 'Cannot create namespace file "/var/run/netns/red": File exists\n'],
    [['ip netns del red'], 1, 'Cannot remove namespace file "/var/run/netns/red": No such file or directory\n'],
    [['ip netns exec red ip addr'], 1, 'Cannot open network namespace "red": No such file or directory\n'],
    [['ip -n red addr'], 255, 'Cannot open network namespace "red": No such file or directory\n'],
    [['ip link add br0 type bridge', 'ip addr add 10.0.0.300/24 dev br0'], 1, 'Error: any valid prefix is expected rather than "10.0.0.300/24".\n'],
    [['ip link add br0 type bridge', 'ip addr add 10.0.0.1/24 dev br0', 'ip addr add 10.0.0.1/24 dev br0'], 2, 'RTNETLINK answers: File exists\n'],
    [['ip link add br0 type bridge', 'ip addr del 10.0.0.1/24 dev br0'], 2, 'RTNETLINK answers: Cannot assign requested address\n'],
    [['ip link add veth0 type veth peer name veth1', 'ip link set veth0 netns nowhere'], 255, 'Error: argument "nowhere" is wrong: Invalid "netns" value\n'],
    [['ip link add veth0 type veth peer name veth1', 'ip link set veth0 master br9'], 255, 'Error: argument "br9" is wrong: Device does not exist\n'],
    [['ip link add veth0 type veth peer name veth1', 'ip link add br0 type bridge', 'ip link set br0 master veth0'], 2, 'RTNETLINK answers: Operation not supported\n'],
    [['ip link add a-name-far-too-long type bridge'], 255, 'Error: argument "a-name-far-too-long" is wrong: "name" not a valid ifname\n'],
    [['ip link add br0 type bridge', 'ip route add 10.9.0.0/24 dev br0'], 2, 'Error: Nexthop device is not up.\n'],
    [['ip route add 10.9.0.0/24 via 10.8.0.1'], 2, 'Error: Nexthop has invalid gateway.\n'],
    [['ip route add 10.9.0.1/24 dev eth0'], 2, 'Error: Invalid prefix for given prefix length.\n'],
    [['ip route del 10.9.0.0/24'], 2, 'RTNETLINK answers: No such process\n'],
    [['ip route add 192.168.1.0/24 dev eth0'], 2, 'RTNETLINK answers: File exists\n'],
    [['ip link add veth0 type veth peer name veth1', 'ip link set veth0 mtu 40'], 2, 'Error: mtu less than device minimum.\n'],
    [['ip link del lo'], 2, 'RTNETLINK answers: Operation not supported\n'],
    [['ip link add br0 type bridge', 'ip netns add red', 'ip link set br0 netns red'], 2, 'RTNETLINK answers: Invalid argument\n'],
  ]
  it.each(cases)('%j', (lines, code, stderr) => {
    const r = onNode(c, lines)
    const last = r[r.length - 1]
    expect(r.slice(0, -1).map((x) => x.exitCode)).toEqual(r.slice(0, -1).map(() => 0))
    expect({ exitCode: last.exitCode, stderr: last.stderr }).toEqual({ exitCode: code, stderr })
  })

  it('prints a fresh veth pair as the kernel registers it: the peer first, M-DOWN while the other end is down', () => {
    const [, link] = onNode(c, ['ip link add veth0 type veth peer name veth1', 'ip link show type veth'])
    expect(link.stdout).toMatch(/^4: veth1@veth0: <BROADCAST,MULTICAST,M-DOWN> mtu 1500 qdisc noop state DOWN mode DEFAULT group default qlen 1000\n {4}link\/ether [0-9a-f:]{17} brd ff:ff:ff:ff:ff:ff\n5: veth0@veth1: <BROADCAST,MULTICAST,M-DOWN> mtu 1500 qdisc noop state DOWN mode DEFAULT group default qlen 1000\n/)
  })

  it('moves a device into a namespace down and without its addresses', () => {
    const r = onNode(c, ['ip netns add red', 'ip link add veth0 type veth peer name veth1', 'ip addr add 10.1.0.1/24 dev veth0', 'ip link set veth0 up', 'ip link set veth0 netns red', 'ip -n red -br addr', 'ip route'])
    expect(r[5].stdout).toBe('lo               DOWN           \nveth0@if4        DOWN           \n')
    expect(r[6].stdout).not.toContain('10.1.0.0/24')
  })

  it('refuses changes inside a Pod, which has no CAP_NET_ADMIN', () => {
    const k = cluster('apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec: {nodeName: node-1, containers: [{name: c, image: nginx}]}')
    expect(runCommand(k, 'kubectl exec web -- ip link add br0 type bridge')).toMatchObject({ exitCode: 2, stderr: 'RTNETLINK answers: Operation not permitted\ncommand terminated with exit code 2\n' })
    expect(runCommand(k, 'kubectl exec web -- sysctl -w net.ipv4.ip_forward=1')).toMatchObject({ exitCode: 255, stderr: 'sysctl: setting key "net.ipv4.ip_forward": Read-only file system\ncommand terminated with exit code 255\n' })
  })
})

describe('the CNI namespaces', () => {
  it('show a Pod sandbox from the node: ip netns exec into it sees the Pod eth0', () => {
    const k = cluster('apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec: {nodeName: node-1, containers: [{name: c, image: nginx}]}')
    const ip = k.index.pod.get('default/web')!.podIPs[0]
    const list = runCommand(k, 'ssh node-1 ip netns list')
    const name = /^(cni-[0-9a-f-]+) \(id: 0\)$/m.exec(list.stdout)![1]
    const inside = runCommand(k, `ssh node-1 ip netns exec ${name} ip -br addr`)
    expect(inside.stdout).toContain(`eth0@if`)
    expect(inside.stdout).toContain(`${ip}/24`)
    expect(runCommand(k, 'kubectl exec web -- ip -br addr').stdout).toBe(inside.stdout)
  })

  it('lets a namespace the reader wired reach a Pod through the node (the node forwards)', () => {
    const k = cluster('apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec: {nodeName: node-1, containers: [{name: c, image: nginx}]}')
    const ip = k.index.pod.get('default/web')!.podIPs[0]
    const s = new Session(k)
    onNode(k, [...TWO, 'ip addr add 172.16.0.1/24 dev br0', 'ip -n red route add default via 172.16.0.1'], s)
    const [ping] = onNode(k, [`ip netns exec red ping -c 1 ${ip}`], s)
    expect(ping.exitCode).toBe(0)
    expect(ping.stdout).toContain('ttl=63')
  })
})

describe('one run, and only one', () => {
  it('keeps what a run made to that run', () => {
    const c = cluster()
    const s1 = new Session(c)
    const s2 = new Session(c)
    runCommand(c, 'ssh node-1 ip netns add red', s1)
    expect(runCommand(c, 'ssh node-1 ip netns list', s1).stdout).toBe('red\n')
    expect(runCommand(c, 'ssh node-1 ip netns list', s2).stdout).toBe('')
    // without a session each command is a run of its own
    runCommand(c, 'ssh node-1 ip netns add blue')
    expect(runCommand(c, 'ssh node-1 ip netns list').stdout).toBe('')
    // and the cluster's own plumbing is untouched
    runCommand(c, 'ssh node-1 ip link set eth0 down', s1)
    expect(runCommand(c, 'ssh node-1 ip -br link show eth0', s2).stdout).toMatch(/^eth0 +UP /)
    expect(runCommand(c, 'ssh node-1 ip -br link show eth0', s1).stdout).toMatch(/^eth0 +DOWN /)
  })

  it(`refuses commands past ${LIMITS.maxCommandsPerRun} in one run, with a clear error`, () => {
    const c = cluster()
    const s = new Session(c)
    const results = Array.from({ length: 10_000 }, () => runCommand(c, 'ssh node-1 sysctl net.ipv4.ip_forward', s))
    expect(results[LIMITS.maxCommandsPerRun - 1].exitCode).toBe(0)
    expect(results[LIMITS.maxCommandsPerRun]).toMatchObject({ exitCode: 2, stderr: `sh: too many commands in one run (limit 1,000): this command and the rest were not run\n` })
    expect(results[9_999].exitCode).toBe(2)
  })

  it(`bounds what a run may create (${LIMITS.maxSessionObjects} objects)`, () => {
    const c = cluster()
    const s = new Session(c)
    let last = runCommand(c, 'ssh node-1 ip netns add n0', s)
    let i = 1
    for (; i < 5_000 && last.exitCode === 0; i++) last = runCommand(c, `ssh node-1 ip netns add n${i}`, s)
    expect(last.exitCode).toBe(1)
    expect(last.stderr).toBe(`Error: this run made 1,000 objects (namespaces, links, addresses, routes), the most one run may hold in the simulator.\n`)
    expect(i).toBe(LIMITS.maxSessionObjects / 2 + 1)
  })
})

describe('NodeScript', () => {
  const script = (commands: string[], node = 'node-1') => `apiVersion: knet/v1alpha1\nkind: NodeScript\nmetadata: {name: wiring}\nspec:\n  node: ${node}\n  commands:\n${commands.map((c) => `    - ${c}`).join('\n')}\n`

  it('runs before the run\'s own commands, in every run afresh', () => {
    const c = cluster(script(TWO))
    expect(runCommand(c, 'ssh node-1 ip netns exec red ping -c 1 172.16.0.3').exitCode).toBe(0)
    const s = new Session(c)
    runCommand(c, 'ssh node-1 ip netns del blue', s)
    expect(runCommand(c, 'ssh node-1 ip netns exec red ping -c 1 172.16.0.3', s).exitCode).toBe(1)
    expect(runCommand(c, 'ssh node-1 ip netns exec red ping -c 1 172.16.0.3').exitCode).toBe(0)
  })

  it('warns on the line of each failing command, and refuses an unknown node', () => {
    const { diagnostics } = loadScenario(script(['ip netns add red', 'ip link set veth9 up']))
    expect(diagnostics).toMatchObject([{ severity: 'warning', code: 'command-failed', line: 8, message: 'node-1: ip link set veth9 up: exit 1: Cannot find device "veth9"' }])
    const bad = loadScenario(script(['ip netns add red'], 'node-9')).diagnostics
    expect(bad).toMatchObject([{ severity: 'error', message: 'spec.node: Not found: "node-9"' }])
  })
})
