import { describe, expect, it } from 'vitest'
import { topologyDiagram } from '../../../engine/index.ts'
import { cluster, docs, deployment, service } from './helpers.ts'

describe('the topology diagram', () => {
  const c = cluster(docs(
    deployment('web', 2, { app: 'web' }),
    service('web', { app: 'web' }),
    `apiVersion: v1\nkind: Pod\nmetadata: {name: slow, labels: {app: web}}\nspec: {nodeName: node-3, containers: [{name: c, image: nginx, ports: [{containerPort: 80, name: http}]}]}\nstatus: {phase: Running, conditions: [{type: Ready, status: "False"}]}`,
  ))
  const d = topologyDiagram(c)

  it('draws every worker with its Pods and addresses, and says so in words', () => {
    expect(d.svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true)
    for (const p of c.pods.filter((x) => x.meta.namespace === 'default')) {
      expect(d.svg).toContain(`>${p.meta.name}<`)
      expect(d.svg).toContain(`>${p.podIPs[0]}<`)
    }
    expect(d.alt).toContain('3 node(s) on flannel')
    expect(d.alt).toMatch(/Service web \(ClusterIP\) 10\.\d+\.\d+\.\d+ 80\/TCP → .*slow \(not ready\)/)
    expect(d.svg).toContain('role="img"')
  })

  it('links a Service to each endpoint, dashed when not ready', () => {
    expect(d.svg.match(/class="k-link"/g)).toHaveLength(2)
    expect(d.svg.match(/class="k-link k-notready"/g)).toHaveLength(1)
  })

  it('escapes what the reader wrote', () => {
    const x = cluster(`apiVersion: v1\nkind: Service\nmetadata: {name: ext}\nspec:\n  type: ExternalName\n  externalName: a.example.com\n`)
    const svg = topologyDiagram(x).svg
    expect(svg).toContain('CNAME a.example.com')
    // names are validated at load, but anything drawn is escaped anyway
    const y = cluster(`apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}`)
    y.pods.push({ ...c.pods.find((p) => p.meta.name === 'slow')!, meta: { ...c.pods.find((p) => p.meta.name === 'slow')!.meta, name: '"><img onerror=alert(1)>', namespace: 'shop' } })
    const z = topologyDiagram(y).svg
    expect(z).not.toContain('<img')
    expect(z).toContain('&quot;&gt;&lt;img onerror=alert(1)&gt;')
  })
})
