import { describe, expect, it } from 'vitest'
import { loadScenario } from '../../../engine/index.ts'
import { cluster, docs, errors, diagnostics, deployment } from './helpers.ts'

describe('loading manifests', () => {
  it('reads multi-document YAML and kubectl List dumps with status blocks', () => {
    const c = cluster(`apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Pod
  metadata: {name: a, namespace: default, labels: {app: a}}
  spec: {nodeName: node-2, containers: [{name: c, image: busybox}]}
  status: {phase: Running, podIP: 10.244.2.77, hostIP: 192.168.1.12, conditions: [{type: Ready, status: "True"}]}
metadata: {resourceVersion: ""}
---
apiVersion: v1
kind: Namespace
metadata: {name: shop}
`)
    const a = c.index.pod.get('default/a')!
    expect(a.podIPs).toEqual(['10.244.2.77'])
    expect(a.nodeName).toBe('node-2')
    expect(c.index.namespace.get('shop')!.meta.labels['kubernetes.io/metadata.name']).toBe('shop')
  })

  // cluster/config.ts builds the defaults without reading a spec when there is no Cluster document
  it('a scenario without a Cluster document gets what an empty Cluster spec reads to', () => {
    const pod = 'apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec: {containers: [{name: c, image: busybox}]}\n'
    const none = loadScenario(pod)
    const empty = loadScenario(`apiVersion: knet/v1alpha1\nkind: Cluster\nspec: {}\n---\n${pod}`)
    expect(empty.diagnostics).toEqual([])
    expect(JSON.stringify(none.cluster.config)).toBe(JSON.stringify(empty.cluster.config))
  })

  it('reports YAML syntax errors with line and column', () => {
    const d = errors('apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n   bad: indentation\n')
    expect(d).toHaveLength(1)
    expect(d[0]).toMatchObject({ code: 'yaml-syntax', line: 4, column: 9, endLine: 4, endColumn: 10 })
    expect(d[0].message).toMatch(/^YAML syntax error: a key cannot follow a value on the same line/)
  })

  // issue 19: plain words, and the underline spans the token at fault, not one space
  it.each([
    ['a tab', 'kind: Pod\nmetadata:\n\tname: a\n', 'a tab indents this line', [3, 1, 3, 6]],
    ['a key twice', 'kind: Pod\nmetadata:\n  name: a\n  name: b\n', 'this key is already set above', [4, 3, 4, 7]],
    ['an unclosed quote', 'kind: Pod\nmetadata:\n  name: "a\n', 'this quoted text is never closed', [3, 9, 3, 11]],
    ['an unclosed {', 'kind: Pod\nmetadata:\n  labels: {app: web\nspec: {}\n', 'this { is not closed with }', [3, 11, 3, 20]],
    ['a key out of line', 'kind: Pod\nmetadata:\n  name: a\n labels: x\n', 'this key is not lined up', [4, 1, 4, 8]],
  ] as const)('words %s plainly and underlines it', (_, text, words, [line, column, endLine, endColumn]) => {
    const [d] = errors(text)
    expect(d.message).toContain(words)
    expect(d.message).not.toMatch(/implicit|compact|Flow|collection/)
    expect(d).toMatchObject({ code: 'yaml-syntax', line, column, endLine, endColumn })
  })

  it('reports unknown kinds and versions in kubectl words, with a suggestion', () => {
    const [d] = errors('apiVersion: v1\nkind: Servce\nmetadata: {name: a}\n')
    expect(d.message).toBe('no matches for kind "Servce" in version "v1"')
    expect(d.hint).toBe('did you mean kind: Service?')
    expect(d.line).toBe(2)
    const [v] = errors('apiVersion: v1\nkind: Deployment\nmetadata: {name: a}\n')
    expect(v.message).toBe('no matches for kind "Deployment" in version "v1"')
    expect(v.hint).toBe('Deployment is served at apps/v1')
  })

  it('reports unknown fields at the key, as strict decoding does', () => {
    const [d] = errors('apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec:\n  selectr: {app: a}\n  ports: [{port: 80}]\n')
    expect(d.message).toBe('Service in version "v1" cannot be handled as a Service: strict decoding error: unknown field "spec.selectr"')
    expect(d).toMatchObject({ line: 5, column: 3, field: 'spec.selectr', hint: 'did you mean "selector"?' })
  })

  it('reports wrong types as Go decoding errors', () => {
    const [d] = errors('apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec:\n  ports:\n  - port: "80"\n')
    expect(d.message).toBe('Service in version "v1" cannot be handled as a Service: json: cannot unmarshal string into Go struct field ServicePort.spec.ports.port of type int32')
    expect(d).toMatchObject({ line: 6, column: 11 })
  })

  it('reports missing apiVersion/kind and invalid names', () => {
    expect(errors('metadata: {name: a}\n')[0].message).toBe('error validating data: [apiVersion not set, kind not set]')
    const [n] = errors('apiVersion: v1\nkind: Service\nmetadata: {name: My_Svc}\nspec: {ports: [{port: 80}]}\n')
    expect(n.message).toMatch(/^metadata.name: Invalid value: "My_Svc": a lowercase RFC 1123 label must consist of lower case alphanumeric characters/)
    expect(n.line).toBe(3)
    // KEP-5311, GA in 1.37: a Service name may start with a digit
    expect(errors('apiVersion: v1\nkind: Service\nmetadata: {name: 1web}\nspec: {ports: [{port: 80}]}\n')).toEqual([])
  })

  it('refuses duplicate objects', () => {
    const d = errors(docs(deployment('web', 1, { app: 'web' }), deployment('web', 2, { app: 'web' })))
    expect(d.map((x) => x.message)).toContain('deployments "web" already exists in namespace "default"')
  })

  it('creates undeclared namespaces with a warning', () => {
    const d = diagnostics(deployment('web', 1, { app: 'web' }, 80, 'shop'))
    expect(d).toHaveLength(1)
    expect(d[0]).toMatchObject({ severity: 'warning', code: 'implicit-namespace' })
    expect(d[0].message).toContain('namespace "shop" is not declared')
  })

  it('never throws: every problem is a diagnostic and the rest of the cluster is built', () => {
    const { cluster: c, diagnostics: d } = loadScenario(docs('kind: [', deployment('web', 2, { app: 'web' })))
    expect(d.some((x) => x.severity === 'error')).toBe(true)
    expect(c.pods.filter((p) => p.meta.namespace === 'default')).toHaveLength(2)
  })
})

describe('hostile input is refused quickly', () => {
  it('an alias bomb', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for (let i = 1; i < 10; i++) bomb.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`)
    const t0 = performance.now()
    const d = errors(`apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\ndata:\n  ${bomb.join('\n  ')}\n`)
    expect(performance.now() - t0).toBeLessThan(2000)
    expect(d[0].message).toMatch(/aliases expand too much/)
  })

  it('a merge key whose value is not a map is an error of its own, not an alias bomb', () => {
    const [d] = errors('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  <<: yes\n')
    expect(d.message).toBe('error converting YAML to JSON: Merge sources must be maps or map aliases')
    expect(d.code).toBe('yaml-syntax')
  })

  it('deep nesting', () => {
    const deep = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata: ${'['.repeat(5000)}${']'.repeat(5000)}\n`
    const [d] = errors(deep)
    expect(d.message).toMatch(/nested too deeply/)
  })

  it('huge replica counts and huge texts', () => {
    const [d] = errors(deployment('web', 100000, { app: 'web' }))
    expect(d.message).toBe('spec.replicas: Invalid value: 100000: the simulator runs at most 10000 replicas per workload')
    expect(d.field).toBe('spec.replicas')
    const [big] = errors('#'.repeat(2_000_001))
    expect(big.message).toMatch(/scenario is too large/)
  })
})

describe('pasted dumps', () => {
  it('the cluster\'s own objects in a dump replace the simulated ones instead of doubling them', () => {
    const c = cluster(`apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Service
  metadata: {name: kube-dns, namespace: kube-system, labels: {k8s-app: kube-dns}}
  spec: {clusterIP: 10.96.0.10, selector: {k8s-app: kube-dns}, ports: [{name: dns, port: 53, protocol: UDP}]}
- apiVersion: v1
  kind: Pod
  metadata: {name: coredns-5d78c9869d-abcde, namespace: kube-system, labels: {k8s-app: kube-dns, pod-template-hash: 5d78c9869d}}
  spec: {nodeName: node-1, containers: [{name: coredns, image: registry.k8s.io/coredns/coredns:v1.12.1, ports: [{containerPort: 53, name: dns, protocol: UDP}]}]}
  status: {phase: Running, podIP: 10.244.1.3, conditions: [{type: Ready, status: "True"}]}
`)
    expect(c.pods.filter((p) => p.meta.labels['k8s-app'] === 'kube-dns').map((p) => p.meta.name)).toEqual(['coredns-5d78c9869d-abcde'])
    expect(c.services.filter((s) => s.meta.name === 'kube-dns')).toHaveLength(1)
    expect(c.index.service.get('kube-system/kube-dns')!.ports).toHaveLength(1)
  })
})

describe('work stays bounded', () => {
  it('Pods × Services beyond the endpoint limit are cut with one error, quickly', () => {
    const docs: string[] = ['apiVersion: knet/v1alpha1\nkind: Cluster\nspec:\n  nodes: [' + Array.from({ length: 60 }, (_, i) => `{name: n${i}, ip: 192.168.2.${i + 1}}`).join(', ') + ']']
    docs.push(deployment('web', 5000, { app: 'x' }))
    for (let i = 0; i < 60; i++) docs.push(`apiVersion: v1\nkind: Service\nmetadata: {name: s${i}}\nspec: {selector: {app: x}, ports: [{port: 80}]}`)
    const t0 = performance.now()
    const d = errors(docs.join('\n---\n'))
    expect(performance.now() - t0).toBeLessThan(20_000)
    expect(d.map((x) => x.code)).toEqual(['too-large'])
    expect(d[0].message).toMatch(/^too many endpoints in the scenario: Service s\d+ would add 5000 \(limit 200000 across all Services\)/)
  })
})
