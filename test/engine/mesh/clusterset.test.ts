/**
 * `mesh clusterset` and diagram="clusterset": the Multi-Cluster Services API for one of the
 * scenario's Services with a peer described by its ranges. This cluster's side comes from the
 * scenario (ranges, ClusterIP, ready endpoints with their nodes); overlaps between the two
 * clusters' ranges are computed; the peer and the MCS objects are marked as illustration.
 */
import { describe, expect, it } from 'vitest'
import { cluster, deployment, docs, service, sh } from '../core/helpers.ts'
import { clusterSetDiagram, type ClusterSetView } from '../../../engine/mesh/index.ts'

const yaml = docs(deployment('web', 2, { app: 'web' }, 8080), service('web', { app: 'web' }), deployment('db', 1, { app: 'db' }, 5432), service('db', { app: 'db' }, '  clusterIP: None'))
const c = cluster(yaml)
const run = (line: string) => sh(c, line)
const west = '--peer west --peer-pods 10.245.0.0/16 --peer-services 10.112.0.0/12'

describe('mesh clusterset', () => {
  const r = run(`mesh clusterset web ${west}`)
  const v = r.data as ClusterSetView
  it('says it is an illustration, first', () => {
    expect(r.exitCode).toBe(0)
    expect(r.stdout.split('\n')[0]).toMatch(/^illustration: the Multi-Cluster Services API/)
    expect(r.stdout).toContain('(described on the command line, not simulated)')
  })
  it('takes this cluster\'s side from the scenario', () => {
    const svc = run('kubectl get svc web -o jsonpath={.spec.clusterIP}').stdout
    expect(v.clusterIPs).toEqual([svc])
    expect(v.local.podCIDRs).toEqual(['10.244.0.0/16'])
    const pods = run('kubectl get pods -l app=web -o custom-columns=IP:.status.podIP,NODE:.spec.nodeName --no-headers').stdout.trim().split('\n').map((l) => l.split(/\s+/).join(' ')).sort()
    expect(v.endpoints.map((e) => `${e.ip} ${e.node}`).sort()).toEqual(pods)
    expect(v.endpoints.every((e) => e.port === 8080 && e.nodeIP.startsWith('192.168.'))).toBe(true)
    expect(r.stdout).toContain(`ServiceExport default/web (created in this cluster): exports Service web, ClusterIP ${svc}, ports 80/TCP, 2 ready endpoints`)
    expect(r.stdout).toContain('web.default.svc.clusterset.local  → the ClusterSetIP, in both clusters')
    expect(r.stdout).toContain(`web.default.svc.cluster.local  → ${svc}, this cluster's Service only`)
    expect(r.stdout).toContain('type ClusterSetIP, ports 80/TCP, ips: chosen by the MCS implementation')
  })
  it('finds overlapping ranges, and says what each implementation needs', () => {
    expect(v.overlaps).toEqual([])
    const o = run('mesh clusterset web --peer east --peer-pods 10.244.128.0/17 --peer-services 10.244.0.0/24').data as ClusterSetView
    expect(o.overlaps).toEqual([
      { a: "this cluster's Pods 10.244.0.0/16", b: "east's Pods 10.244.128.0/17" },
      { a: "this cluster's Pods 10.244.0.0/16", b: "east's Services 10.244.0.0/24" },
    ])
    expect(o.notes[0]).toContain('Cilium Cluster Mesh requires Pod ranges that do not overlap; Submariner needs Globalnet')
  })
  it('draws a given ClusterSetIP and checks it against the ranges', () => {
    const g = run(`mesh clusterset web ${west} --clusterset-ip 10.245.0.9`)
    expect(g.stdout).toContain('ips: 10.245.0.9')
    expect(g.stdout).toContain("the ClusterSetIP 10.245.0.9 falls in west's Pod range 10.245.0.0/16")
    // kubeadm's kube-dns address, the tenth of the Service range
    const taken = run(`mesh clusterset web ${west} --clusterset-ip 10.96.0.10`)
    expect(taken.stdout).toContain('is already the ClusterIP of kube-system/kube-dns')
  })
  it('imports a headless Service as Headless, with no ClusterSetIP', () => {
    const h = run(`mesh clusterset db ${west} --clusterset-ip 10.200.0.1`)
    expect(h.stdout).toContain('type Headless')
    expect((h.data as ClusterSetView).clustersetIP).toBeUndefined()
    expect(h.stdout).toContain('db.default.svc.clusterset.local  → the ready Pods of every exporting cluster')
  })
  it('refuses bad input with a placed message', () => {
    expect(run('mesh clusterset web --peer west --peer-pods 10.245.0.0/16').exitCode).toBe(2)
    expect(run('mesh clusterset web --peer West --peer-pods 10.245.0.0/16 --peer-services 10.112.0.0/12').stderr).toContain('--peer takes')
    expect(run('mesh clusterset web --peer west --peer-pods 10.245.0.1/16 --peer-services 10.112.0.0/12').stderr).toContain('host bits')
    expect(run('mesh clusterset web --peer west --peer-pods nope --peer-services 10.112.0.0/12').stderr).toContain('"nope" is not a CIDR')
    expect(run('mesh clusterset web --peer west --peer-pods 10.245.0.0/16,10.246.0.0/16 --peer-services 10.112.0.0/12').stderr).toContain('at most one range per address family')
    expect(run(`mesh clusterset nope ${west}`).stderr).toContain('services "nope" not found')
    expect(run(`mesh clusterset -n nope web ${west}`).stderr).toContain('namespaces "nope" not found')
    expect(run(`mesh clusterset web ${west} --clusterset-ip x`).stderr).toContain('--clusterset-ip takes an address')
  })
})

describe('diagram="clusterset"', () => {
  const v = run(`mesh clusterset web ${west}`).data as ClusterSetView
  it('draws both clusters, the MCS objects dashed, and both paths', () => {
    const { svg, alt } = clusterSetDiagram(v)
    expect(svg).toContain('this cluster (the scenario)')
    expect(svg).toContain('west (described, not simulated)')
    expect(svg).toContain('ServiceExport web')
    expect(svg).toContain('Submariner: through a gateway node in each cluster')
    expect(svg).toContain('Cilium Cluster Mesh')
    expect((svg.match(/class="k-illus"/g) ?? []).length).toBeGreaterThanOrEqual(8)
    expect(svg).toContain(v.endpoints[0].ip)
    expect(alt).toMatch(/^Illustration of the Multi-Cluster Services API/)
    expect(alt).toContain(`directly to ${v.endpoints[0].node}`)
  })
  it('says on each path what overlapping ranges do to it', () => {
    const o = run('mesh clusterset web --peer east --peer-pods 10.244.0.0/16 --peer-services 10.112.0.0/12').data as ClusterSetView
    const { svg } = clusterSetDiagram(o)
    expect(svg).toContain('(needs Globalnet: ranges overlap)')
    expect(svg).toContain('(not supported: the Pod ranges overlap)')
    expect(clusterSetDiagram(v).svg).not.toContain('overlap)')
  })
  it('escapes every label, whatever the data says', () => {
    const hostile = { ...v, service: '<script>x</script>', peer: { ...v.peer, name: 'a"b&<c>' }, setName: '<b>' }
    const { svg } = clusterSetDiagram(hostile)
    expect(svg).not.toMatch(/<(script|b|c)[\s>]/)
    expect(svg).toContain('&lt;script&gt;')
    expect(svg).toContain('a&quot;b&amp;&lt;c&gt;')
  })
})
