/**
 * Calico v3.32's route priorities (engine/dataplane/cni/calico.ts): Felix
 * writes workload routes with IPv4NormalRoutePriority 1024 and BIRD gives
 * BGP-learned routes krt_metric 1024, so `ip route` prints `metric 1024` on
 * both; the blackhole (a BIRD static route, or Felix's in vxlan mode) and
 * Felix's VXLAN routes carry no priority (the latter no printed protocol
 * either: boot). Canal's cali routes come from the same Felix. Other plugins
 * are unchanged. A metric only ranks routes of the same prefix: a reader's
 * metric-0 route beats BIRD's.
 */
import { describe, expect, it } from 'vitest'
import { runCommand, Session, nodeDiagram } from '../../../engine/index.ts'
import type { NodeSnapshot } from '../../../engine/index.ts'
import { build, run } from './helpers.ts'

const cluster = (cni: string, mode?: string) => build([
  `apiVersion: knet/v1alpha1\nkind: Cluster\nspec: {cni: ${cni}${mode ? `, cniMode: ${mode}` : ''}}`,
  'apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: shop}\nspec: {nodeName: node-1, containers: [{name: c, image: nginx}]}',
  'apiVersion: v1\nkind: Pod\nmetadata: {name: db, namespace: shop}\nspec: {nodeName: node-2, containers: [{name: c, image: postgres}]}',
].join('\n---\n'))

type C = ReturnType<typeof cluster>
const podIP = (c: C, name: string) => c.index.pod.get(`shop/${name}`)!.podIPs[0]
const block = (c: C, node: string) => c.index.node.get(node)!.podCIDRs[0]
const esc = (s: string) => s.replaceAll('.', '\\.')
const lines = (text: string) => text.split('\n').filter(Boolean)

describe('Calico v3.32 route priorities', () => {
  it('ipip: the workload route and the BIRD route to a peer block both print metric 1024, before onlink', () => {
    const c = cluster('calico', 'ipip')
    const routes = run(c, 'ssh node-1 ip route')
    expect(routes).toMatch(new RegExp(`^${esc(podIP(c, 'web'))} dev cali[0-9a-f]{11} scope link metric 1024 $`, 'm'))
    expect(routes).toContain(`${block(c, 'node-2')} via 192.168.1.12 dev tunl0 proto bird metric 1024 onlink \n`)
    // the block's blackhole is a BIRD static route: no krt_metric, so no RTA_PRIORITY
    expect(routes).toContain(`blackhole ${block(c, 'node-1')} proto bird \n`)
  })

  it('bgp: the workload route and the BGP route through eth0 both print metric 1024', () => {
    const c = cluster('calico', 'bgp')
    const routes = run(c, 'ssh node-1 ip route')
    expect(routes).toMatch(new RegExp(`^${esc(podIP(c, 'web'))} dev cali[0-9a-f]{11} scope link metric 1024 $`, 'm'))
    expect(routes).toContain(`${block(c, 'node-2')} via 192.168.1.12 dev eth0 proto bird metric 1024 \n`)
    expect(routes).toContain(`blackhole ${block(c, 'node-1')} proto bird \n`)
  })

  it('vxlan: the workload route prints metric 1024; Felix\'s VXLAN and blackhole routes carry none (no BIRD)', () => {
    const c = cluster('calico', 'vxlan')
    const routes = run(c, 'ssh node-1 ip route')
    expect(routes).toMatch(new RegExp(`^${esc(podIP(c, 'web'))} dev cali[0-9a-f]{11} scope link metric 1024 $`, 'm'))
    // the tunnel routes carry Felix's default protocol, boot (not printed), and the VXLAN MTU
    expect(routes).toMatch(new RegExp(`^${esc(block(c, 'node-2'))} via [\\d.]+ dev vxlan\\.calico onlink mtu 1450 $`, 'm'))
    expect(routes).toContain(`blackhole ${block(c, 'node-1')} proto 80 \n`)
  })

  it('every Calico route that carries a priority carries exactly 1024, on every node and mode', () => {
    for (const mode of ['ipip', 'vxlan', 'bgp']) {
      const c = cluster('calico', mode)
      for (const node of ['node-1', 'node-2']) {
        for (const l of lines(run(c, `ssh ${node} ip -4 route`))) {
          const want = / dev cali|proto bird/.test(l) && !l.startsWith('blackhole')
          expect(l.includes(' metric 1024 '), `${mode} ${node}: ${l}`).toBe(want)
        }
      }
    }
  })

  it('canal: Felix\'s cali routes print metric 1024, flannel\'s VXLAN routes none', () => {
    const c = cluster('canal')
    const routes = lines(run(c, 'ssh node-1 ip route'))
    expect(routes.filter((l) => l.includes(' dev cali'))).toHaveLength(1)
    for (const l of routes) expect(l.includes('metric'), l).toBe(l.includes(' dev cali'))
    expect(routes).toContain('10.244.2.0/24 via 10.244.2.0 dev flannel.1 onlink ')
  })

  it('IPv6 host routes keep the kernel\'s default 1024 (also Felix\'s IPv6NormalRoutePriority)', () => {
    const c = build([
      'apiVersion: knet/v1alpha1\nkind: Cluster\nspec: {cni: calico, ipFamilies: [IPv4, IPv6], podCIDR: "10.244.0.0/16,fd00:10:244::/56", serviceCIDR: "10.96.0.0/12,fd00:10:96::/112"}',
      'apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: shop}\nspec: {nodeName: node-1, containers: [{name: c, image: nginx}]}',
    ].join('\n---\n'))
    const v6 = c.index.pod.get('shop/web')!.podIPs.find((ip) => ip.includes(':'))!
    expect(run(c, 'ssh node-1 ip -6 route')).toMatch(new RegExp(`^${v6} dev cali[0-9a-f]{11} metric 1024 pref medium$`, 'm'))
  })

  it('route get (IPv4) prints no metric: the kernel\'s answer for a cached route carries none', () => {
    const c = cluster('calico', 'ipip')
    expect(run(c, `ssh node-1 ip route get ${podIP(c, 'db')}`)).toBe(`${podIP(c, 'db')} via 192.168.1.12 dev tunl0 src ${block(c, 'node-1').split('/')[0]} uid 0 \n    cache \n`)
  })

  it('the trace quotes the routes with their metric, and still delivers across nodes and locally', () => {
    for (const mode of ['ipip', 'bgp']) {
      const c = cluster('calico', mode)
      const out = run(c, `kubectl exec -n shop web -- trace ${podIP(c, 'db')}`)
      expect(out).toMatch(new RegExp(`${esc(block(c, 'node-2'))} via 192\\.168\\.1\\.12 dev (tunl0|eth0) proto bird metric 1024`))
      expect(out).toMatch(/dev cali[0-9a-f]{11} scope link metric 1024\n/)
      expect(out).not.toContain('timeout')
    }
  })

  it('a metric only ranks routes of one prefix: a reader\'s metric-0 route wins over BIRD\'s 1024', () => {
    const c = cluster('calico', 'ipip')
    const s = new Session(c)
    const peer = block(c, 'node-2')
    const add = runCommand(c, `ssh node-1 ip route add ${peer} via 192.168.1.12 dev eth0`, s)
    expect(add.exitCode).toBe(0)
    const table = runCommand(c, 'ssh node-1 ip route', s).stdout
    // both stay, the kernel lists the lower metric first
    expect(table).toContain(`${peer} via 192.168.1.12 dev eth0 \n${peer} via 192.168.1.12 dev tunl0 proto bird metric 1024 onlink \n`)
    expect(runCommand(c, `ssh node-1 ip route get ${podIP(c, 'db')}`, s).stdout).toContain('via 192.168.1.12 dev eth0 ')
    // the same prefix at the same metric is a clash
    const again = runCommand(c, `ssh node-1 ip route add ${peer} via 192.168.1.12 dev tunl0 onlink metric 1024`, s)
    expect(again.exitCode).not.toBe(0)
    expect(again.stderr).toContain('File exists')
  })

  it('the node diagram shows the routes with their metric', () => {
    const c = cluster('calico', 'ipip')
    const r = runCommand(c, 'ssh node-1 ip route', new Session(c))
    const snap = (r.data as { node: NodeSnapshot }).node
    expect(snap.spaces[0].routes).toContain(`${block(c, 'node-2')} via 192.168.1.12 dev tunl0 proto bird metric 1024 onlink`)
    const { alt } = nodeDiagram(snap)
    expect(alt).toContain(`${block(c, 'node-2')} via 192.168.1.12 dev tunl0 proto bird metric 1024 onlink`)
  })

  it('other plugins are unchanged: no metric on their IPv4 routes', () => {
    for (const [cni, mode] of [['flannel', 'vxlan'], ['flannel', 'host-gw'], ['cilium', undefined], ['weave', undefined], ['antrea', undefined], ['aws-vpc-cni', undefined], ['azure-cni', undefined]] as const) {
      const c = cluster(cni, mode)
      for (const l of lines(run(c, 'ssh node-1 ip -4 route'))) expect(l, `${cni}: ${l}`).not.toContain('metric')
    }
  })
})

describe('ip route show with proto and metric selectors', () => {
  const c = cluster('calico', 'ipip')
  const out = (line: string) => runCommand(c, line)

  it('`proto bird` lists BIRD\'s routes and leaves the proto out of each line', () => {
    const r = out('ssh node-1 ip route show proto bird')
    expect(r.exitCode).toBe(0)
    expect(lines(r.stdout)).toEqual([
      '10.244.0.0/26 via 192.168.1.10 dev tunl0 metric 1024 onlink ',
      `blackhole ${block(c, 'node-1')} `,
      `${block(c, 'node-2')} via 192.168.1.12 dev tunl0 metric 1024 onlink `,
      '10.244.0.192/26 via 192.168.1.13 dev tunl0 metric 1024 onlink ',
    ])
    // by number (rt_protos: bird is 12), with dev: both fields left out
    expect(out('ssh node-1 ip route show proto 12 dev tunl0').stdout).toContain(`${block(c, 'node-2')} via 192.168.1.12 metric 1024 onlink \n`)
  })

  it('`metric 1024` lists Calico\'s routes and leaves the metric out; `proto boot` finds the Pod routes (no proto printed)', () => {
    const m = lines(out('ssh node-1 ip route show metric 1024').stdout)
    expect(m).toHaveLength(4)
    for (const l of m) expect(l).not.toContain('metric')
    expect(m).toContain(`${block(c, 'node-2')} via 192.168.1.12 dev tunl0 proto bird onlink `)
    expect(m.some((l) => new RegExp(`^${esc(podIP(c, 'web'))} dev cali[0-9a-f]{11} scope link $`).test(l))).toBe(true)
    const boot = lines(out('ssh node-1 ip route show proto boot').stdout)
    expect(boot.every((l) => / dev cali[0-9a-f]{11} scope link metric 1024 $/.test(l))).toBe(true)
    expect(out('ssh node-1 ip route show metric 0').stdout).not.toContain('cali')
  })

  it('`proto all` selects nothing; bad values fail as iproute2 does', () => {
    expect(out('ssh node-1 ip route show proto all').stdout).toBe(out('ssh node-1 ip route').stdout)
    expect(out('ssh node-1 ip route show proto xyz')).toMatchObject({ exitCode: 255, stderr: 'Error: argument "xyz" is wrong: invalid "protocol"\n\n' })
    expect(out('ssh node-1 ip route show metric -1')).toMatchObject({ exitCode: 255, stderr: 'Error: argument "-1" is wrong: "metric" value is invalid\n\n' })
    expect(out('ssh node-1 ip route show proto').exitCode).toBe(255)
  })

  it('the local table holds only proto kernel routes at metric 0', () => {
    expect(out('ssh node-1 ip route show table local proto bird').stdout).toBe('')
    expect(out('ssh node-1 ip route show table local metric 1024').stdout).toBe('')
    const k = lines(out('ssh node-1 ip route show table local proto kernel').stdout)
    expect(k).toContain('local 192.168.1.11 dev eth0 scope host src 192.168.1.11 ')
    expect(k).toHaveLength(lines(out('ssh node-1 ip route show table local').stdout).length)
  })
})
