import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { loadScenario, runCommand } from '../../../engine/index.ts'

/** Small random clusters: a few namespaces, workloads, bare Pods and Services over shared labels. */
const arbScenario = fc
  .record({
    cni: fc.constantFrom('flannel', 'calico', 'weave', 'cilium', 'aws-vpc-cni'),
    nodes: fc.integer({ min: 1, max: 4 }),
    workloads: fc.array(fc.record({ ns: fc.constantFrom('default', 'a', 'b'), app: fc.constantFrom('web', 'api', 'db'), replicas: fc.integer({ min: 0, max: 5 }), kind: fc.constantFrom('Deployment', 'StatefulSet', 'DaemonSet') }), { maxLength: 6 }),
    services: fc.array(fc.record({ ns: fc.constantFrom('default', 'a', 'b'), app: fc.constantFrom('web', 'api', 'db'), type: fc.constantFrom('ClusterIP', 'NodePort', 'LoadBalancer', 'headless') }), { maxLength: 6 }),
  })
  .map(({ cni, nodes, workloads, services }) => {
    const docs = [`apiVersion: knet/v1alpha1\nkind: Cluster\nspec:\n  cni: ${cni}\n  nodes: [${Array.from({ length: nodes }, (_, i) => `{name: n${i}, ip: 192.168.1.${20 + i}}`).join(', ')}]`]
    for (const ns of ['a', 'b']) docs.push(`apiVersion: v1\nkind: Namespace\nmetadata: {name: ${ns}}`)
    workloads.forEach((w, i) => {
      docs.push(`apiVersion: apps/v1\nkind: ${w.kind}\nmetadata: {name: w${i}, namespace: ${w.ns}}\nspec:\n${w.kind === 'DaemonSet' ? '' : `  replicas: ${w.replicas}\n`}${w.kind === 'StatefulSet' ? `  serviceName: s${i}\n` : ''}  selector: {matchLabels: {app: ${w.app}}}\n  template:\n    metadata: {labels: {app: ${w.app}}}\n    spec: {containers: [{name: c, image: nginx, ports: [{containerPort: 80, name: http}]}]}`)
    })
    services.forEach((s, i) => {
      const spec = s.type === 'headless' ? '  clusterIP: None\n' : `  type: ${s.type}\n`
      docs.push(`apiVersion: v1\nkind: Service\nmetadata: {name: s${i}, namespace: ${s.ns}}\nspec:\n${spec}  selector: {app: ${s.app}}\n  ports: [{port: 80, targetPort: http}]`)
    })
    return docs.join('\n---\n')
  })

describe('engine invariants', () => {
  it('the same scenario gives byte-identical answers', () => {
    fc.assert(
      fc.property(arbScenario, (text) => {
        const a = loadScenario(text).cluster
        const b = loadScenario(text).cluster
        for (const cmd of ['kubectl get pods -A -o wide', 'kubectl get svc -A -o yaml', 'kubectl get endpointslices -A -o json']) {
          expect(runCommand(a, cmd)).toEqual(runCommand(b, cmd))
        }
      }),
      { numRuns: 40 },
    )
  })

  it('no two Pods share an address, nor two Services, and every address is in its range', () => {
    fc.assert(
      fc.property(arbScenario, (text) => {
        const { cluster, diagnostics } = loadScenario(text)
        expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([])
        const podIPs = cluster.pods.filter((p) => !p.hostNetwork).flatMap((p) => p.podIPs)
        expect(new Set(podIPs).size).toBe(podIPs.length)
        const nodeIPs = new Set(cluster.nodes.flatMap((n) => n.internalIPs))
        for (const ip of podIPs) expect(nodeIPs.has(ip)).toBe(false)
        const svcIPs = cluster.services.flatMap((s) => s.clusterIPs).filter((ip) => ip !== 'None')
        expect(new Set(svcIPs).size).toBe(svcIPs.length)
        for (const ip of svcIPs) expect(ip.startsWith('10.')).toBe(true)
        const nodePorts = cluster.services.flatMap((s) => s.ports.map((p) => p.nodePort)).filter((p) => p !== undefined)
        expect(new Set(nodePorts).size).toBe(nodePorts.length)
      }),
      { numRuns: 60 },
    )
  })

  it('arbitrary text never throws', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (text) => {
        const { diagnostics } = loadScenario(text)
        expect(Array.isArray(diagnostics)).toBe(true)
      }),
      { numRuns: 300 },
    )
  })

  it('arbitrary YAML-shaped values never throw, and every diagnostic has a place', () => {
    const key = fc.constantFrom('apiVersion', 'kind', 'metadata', 'spec', 'status', 'name', 'ports', 'port', 'selector', 'replicas', 'template', 'containers', 'clusterIP', 'type', 'items', 'x')
    const leaf = fc.oneof(fc.constantFrom('v1', 'apps/v1', 'Pod', 'Service', 'Deployment', 'List', 'None', '10.96.0.1', '80', ''), fc.integer({ min: -5, max: 70000 }), fc.boolean(), fc.constant(null))
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(key, tie('node'), { maxKeys: 4 })),
    })).node
    fc.assert(
      fc.property(fc.array(fc.dictionary(key, value, { maxKeys: 6 }), { maxLength: 4 }), (objs) => {
        const text = objs.map((o) => JSON.stringify(o)).join('\n---\n')
        const { diagnostics, cluster } = loadScenario(text)
        for (const d of diagnostics) {
          expect(d.message.length).toBeGreaterThan(0)
          expect(d.line).toBeGreaterThanOrEqual(0)
        }
        runCommand(cluster, 'kubectl get all')
        runCommand(cluster, 'kubectl get pods,svc,endpointslices -A -o json')
      }),
      { numRuns: 300 },
    )
  })
})
