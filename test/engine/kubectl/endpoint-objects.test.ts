/**
 * What the EndpointSlice and Endpoints controllers write besides the endpoints: the
 * last-change trigger time (trigger_time_tracker.go: the Service's creation when first seen,
 * then the Pods' Ready transitions), the slice's generation (1 at creation, one more per
 * write, endpointslice strategy.go), the `service.kubernetes.io/headless` label
 * (setEndpointSliceLabels, endpoints_controller.go) — and kubectl describe for both kinds
 * (describe.go describeEndpointSliceV1, describeEndpoints).
 */
import { describe, expect, it } from 'vitest'
import { cluster, docs, service, sh } from '../core/helpers.ts'

const TRIGGER = 'endpoints.kubernetes.io/last-change-trigger-time'
const c = cluster(docs(
  'apiVersion: v1\nkind: Pod\nmetadata: {name: quick, labels: {app: web}}\nspec: {nodeName: node-1, containers: [{name: c, image: nginx:1.29, ports: [{containerPort: 80, name: http}]}]}\n',
  `apiVersion: v1
kind: Pod
metadata: {name: slow, labels: {app: web}}
spec:
  nodeName: node-2
  containers:
  - name: c
    image: nginx:1.29
    ports: [{containerPort: 80, name: http}]
    readinessProbe: {httpGet: {path: /, port: 80}, initialDelaySeconds: 20}
`,
  service('web', { app: 'web' }),
  'apiVersion: v1\nkind: Service\nmetadata: {name: db, labels: {tier: data}}\nspec: {clusterIP: None, selector: {app: web}, ports: [{port: 80}]}\n',
))
const json = (line: string) => JSON.parse(sh(c, line).stdout)
const slice = (svc: string) => json(`kubectl get endpointslices -l kubernetes.io/service-name=${svc} -o json`).items[0]

describe('the controllers\' marks on EndpointSlices and Endpoints', () => {
  it('a Pod that became ready after the Service was made: its Ready transition is the trigger, and one more generation', () => {
    const ready = json('kubectl get pod slow -o json').status.conditions.find((x: { type: string }) => x.type === 'Ready').lastTransitionTime
    const created = json('kubectl get svc web -o json').metadata.creationTimestamp
    expect(ready > created).toBe(true)
    const s = slice('web')
    expect(s.metadata.annotations[TRIGGER]).toBe(ready)
    expect(s.metadata.generation).toBe(2)
    expect(json('kubectl get endpoints web -o json').metadata.annotations[TRIGGER]).toBe(ready)
  })
  it('the kubernetes slice, written by the API server, has neither mark but generation 1', () => {
    const k = json('kubectl get endpointslice kubernetes -o json')
    expect(k.metadata.annotations).toBeUndefined()
    expect(k.metadata.generation).toBe(1)
  })
  it('a headless Service\'s slice and Endpoints carry the headless label beside the Service\'s own', () => {
    expect(slice('db').metadata.labels).toEqual({
      'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
      'kubernetes.io/service-name': 'db',
      'service.kubernetes.io/headless': '',
      tier: 'data',
    })
    expect(json('kubectl get endpoints db -o json').metadata.labels).toEqual({ 'service.kubernetes.io/headless': '', tier: 'data' })
    expect(slice('web').metadata.labels['service.kubernetes.io/headless']).toBeUndefined()
  })
})

describe('kubectl describe endpointslice / endpoints', () => {
  it('prints describeEndpointSliceV1\'s layout: ports, each endpoint with Ready only', () => {
    const s = slice('web')
    const out = sh(c, `kubectl describe endpointslice ${s.metadata.name}`).stdout
    const quick = json('kubectl get pod quick -o json').status.podIP
    expect(out).toContain(`Annotations:  ${TRIGGER}: ${s.metadata.annotations[TRIGGER]}\nAddressType:  IPv4\nPorts:\n  Name     Port  Protocol\n  ----     ----  --------\n  <unset>  80    TCP\nEndpoints:\n`)
    expect(out).toContain(`  - Addresses:  ${quick}\n    Conditions:\n      Ready:    true\n    Hostname:   <unset>\n    TargetRef:  Pod/quick\n    NodeName:   node-1\n`)
    expect(out.endsWith('Events:         <none>\n')).toBe(true)
  })
  it('prints describeEndpoints\' layout: each subset, a blank line, then the events', () => {
    const out = sh(c, 'kubectl describe endpoints web').stdout
    expect(out).toMatch(/^Name:         web\nNamespace:    default\nLabels:       <none>\nAnnotations:  endpoints\.kubernetes\.io\/last-change-trigger-time: \S+\nSubsets:\n  Addresses:          \S+,\S+\n  NotReadyAddresses:  <none>\n  Ports:\n    Name     Port  Protocol\n    ----     ----  --------\n    <unset>  80    TCP\n\nEvents:  <none>\n$/)
  })
  it('a slice with no endpoints says so', () => {
    const lonely = cluster(service('lonely', { app: 'nothing' }), { allowErrors: true })
    const name = JSON.parse(sh(lonely, 'kubectl get endpointslices -l kubernetes.io/service-name=lonely -o json').stdout).items[0].metadata.name
    expect(sh(lonely, `kubectl describe endpointslice ${name}`).stdout).toContain('AddressType:  IPv4\nPorts: <unset>\nEndpoints: <none>\nEvents:  <none>\n')
  })
})

describe('the v1 Endpoints deprecation warning', () => {
  const c2 = cluster('apiVersion: v1\nkind: Namespace\nmetadata: {name: quiet}\n')
  const warning = 'Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice\n'
  it('comes with every request for Endpoints, once, before the output', () => {
    for (const line of ['kubectl get endpoints', 'kubectl get ep kubernetes -o yaml', 'kubectl get ep kubernetes -o name', 'kubectl describe ep kubernetes', 'kubectl describe svc,ep kubernetes']) {
      const r = sh(c2, line)
      expect([line, r.stderr.split(warning).length - 1, r.stderr.startsWith(warning), r.stderrFirst]).toEqual([line, 1, true, warning.length])
    }
    expect(sh(c2, 'kubectl get ep -n quiet').stderr).toBe(`${warning}No resources found in quiet namespace.\n`)
    expect(sh(c2, 'kubectl get svc').stderr).toBe('')
  })
})
