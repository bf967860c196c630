// Four fields that hold a Pod back, modelled as Kubernetes does:
// - spec.schedulingGates (KEP-3521, GA 1.30): pkg/registry/core/pod/strategy.go
//   applySchedulingGatedCondition, the scheduler's SchedulingGates PreEnqueue plugin, printPod's
//   STATUS (pkg/printers/internalversion/printers.go), ValidatePodCreate's nodeName check
//   (pkg/apis/core/validation/validation.go);
// - spec.schedulerName: pkg/scheduler/eventhandlers.go responsibleForPod;
// - spec.readinessGates (KEP-580): pkg/kubelet/status/generate.go GeneratePodReadyCondition,
//   printPod's READINESS GATES column;
// - Deployment spec.paused: pkg/controller/deployment/sync.go sync (createIfNotExisted=false);
// and sidecars' ports (init containers with restartPolicy Always): pkg/api/v1/pod/util.go FindPort.
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { cluster, diagnostics, docs, errors, sh } from './helpers.ts'

const pod = (name: string, spec: string, extra = '') => `apiVersion: v1
kind: Pod
metadata: {name: ${name}, labels: {app: web}}
spec:
${spec}
  containers:
  - name: web
    image: nginx:1.27
    ports: [{containerPort: 80, name: http}]
${extra}`

const svc = (targetPort = '80') => `apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: ${targetPort}}]`

const deployment = (spec: string, podSpec = '') => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
${spec}
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
${podSpec}
      containers: [{name: web, image: nginx:1.27, ports: [{containerPort: 80}]}]`

const endpoints = (c: ReturnType<typeof cluster>) =>
  parse(sh(c, 'kubectl get endpointslices -l kubernetes.io/service-name=web -o yaml').stdout).items.flatMap((s: { endpoints?: unknown[] }) => s.endpoints ?? [])

describe('scheduling gates', () => {
  const gated = pod('gated', '  schedulingGates: [{name: example.com/quota}]')
  it('a gated Pod stays Pending, STATUS SchedulingGated, with no node, no address and no endpoint', () => {
    const c = cluster(docs(gated, svc()))
    expect(sh(c, 'kubectl get pod gated -o wide').stdout).toMatch(/^gated\s+0\/1\s+SchedulingGated\s+0\s+5m\s+<none>\s+<none>\s+<none>\s+<none>\n$/m)
    const st = parse(sh(c, 'kubectl get pod gated -o yaml').stdout).status
    expect(st.phase).toBe('Pending')
    expect(st.conditions).toEqual([
      { lastProbeTime: null, lastTransitionTime: expect.any(String), message: 'Scheduling is blocked due to non-empty scheduling gates', reason: 'SchedulingGated', status: 'False', type: 'PodScheduled' },
    ])
    expect(st.podIP).toBeUndefined()
    expect(endpoints(c)).toEqual([])
  })
  it('the scheduler does not try it: no FailedScheduling event; describe shows PodScheduled False', () => {
    const c = cluster(gated)
    expect(sh(c, 'kubectl get events').stdout).not.toContain('gated')
    const d = sh(c, 'kubectl describe pod gated').stdout
    expect(d).toMatch(/Node:\s+<none>\n/)
    expect(d).toMatch(/Conditions:\n\s+Type\s+Status\n\s+PodScheduled\s+False \n/)
    expect(d).toMatch(/Events:\s+<none>\n/)
  })
  it('policy check says why the gated Pod has no address', () => {
    const c = cluster(docs(gated, pod('rg', '').replace('name: rg, labels: {app: web}', 'name: rg, labels: {app: other}')))
    const r = sh(c, 'policy check default/gated -> default/rg:80')
    expect(r.stdout + r.stderr).toContain('default/gated has no IP address yet (Pending: Scheduling is blocked due to non-empty scheduling gates)')
  })
  it("a pasted dump's gated Pod (status Pending, PodScheduled SchedulingGated) gets no FailedScheduling event either", () => {
    const c = cluster(pod('gated', '  schedulingGates: [{name: example.com/quota}]', 'status:\n  phase: Pending\n  conditions: [{type: PodScheduled, status: "False", reason: SchedulingGated, message: Scheduling is blocked due to non-empty scheduling gates}]\n'))
    expect(sh(c, 'kubectl get pod gated').stdout).toMatch(/gated\s+0\/1\s+SchedulingGated/)
    expect(sh(c, 'kubectl get events').stdout).not.toContain('FailedScheduling')
  })
  it('an empty list gates nothing', () => {
    const c = cluster(pod('open', '  schedulingGates: []'))
    expect(sh(c, 'kubectl get pod open').stdout).toMatch(/open\s+1\/1\s+Running/)
  })
  it('a Pod with spec.nodeName and gates is refused, as ValidatePodCreate does', () => {
    const e = errors(pod('bad', '  nodeName: node-1\n  schedulingGates: [{name: example.com/quota}]'))
    expect(e.map((x) => [x.field, x.message])).toEqual([['spec.nodeName', 'spec.nodeName: Forbidden: cannot be set until all schedulingGates have been cleared']])
  })
  it("a workload's gated replicas all wait; a template that also sets nodeName gets no Pods (each create is refused)", () => {
    const c = cluster(deployment('', '      schedulingGates: [{name: example.com/quota}]'))
    const rows = sh(c, 'kubectl get pods').stdout.trim().split('\n').slice(1)
    expect(rows).toHaveLength(2)
    for (const r of rows) expect(r).toMatch(/SchedulingGated/)
    const refused = docs(deployment('', '      nodeName: node-1\n      schedulingGates: [{name: example.com/quota}]'))
    expect(sh(cluster(refused), 'kubectl get pods').stdout + sh(cluster(refused), 'kubectl get pods').stderr).toContain('No resources found')
    expect(diagnostics(refused).map((d) => [d.severity, d.field])).toEqual([['warning', 'spec.template.spec.nodeName']])
  })
  it("a gated DaemonSet makes a waiting Pod only for the nodes it would run on (the control plane's taint still excludes it)", () => {
    const ds = `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      schedulingGates: [{name: example.com/quota}]
      containers: [{name: a, image: nginx:1.27}]`
    const c = cluster(ds)
    const ungated = cluster(ds.replace('      schedulingGates: [{name: example.com/quota}]\n', ''))
    const count = (x: typeof c) => sh(x, 'kubectl get pods -l app=agent').stdout.trim().split('\n').length - 1
    expect(count(c)).toBe(count(ungated))
    expect(sh(c, 'kubectl get pods -l app=agent').stdout).not.toMatch(/Running/)
  })
})

describe('another scheduler', () => {
  it('nobody binds the Pod: Pending, no condition, no event; a Pod with spec.nodeName runs', () => {
    const c = cluster(docs(pod('mine', '  schedulerName: my-scheduler'), pod('bound', '  schedulerName: my-scheduler\n  nodeName: node-1').replace('{app: web}', '{app: other}'), svc()))
    expect(sh(c, 'kubectl get pod mine').stdout).toMatch(/mine\s+0\/1\s+Pending\s+0/)
    const st = parse(sh(c, 'kubectl get pod mine -o yaml').stdout).status
    expect(st).toEqual({ phase: 'Pending', qosClass: 'BestEffort' })
    expect(sh(c, 'kubectl get events').stdout).not.toContain('pod/mine')
    expect(endpoints(c)).toEqual([])
    expect(sh(c, 'kubectl get pod bound').stdout).toMatch(/bound\s+1\/1\s+Running/)
  })
  it('default-scheduler, written out, is the default', () => {
    expect(sh(cluster(pod('p', '  schedulerName: default-scheduler')), 'kubectl get pod p').stdout).toMatch(/Running/)
  })
})

describe('readiness gates', () => {
  const gate = '  readinessGates: [{conditionType: example.com/lb-ready}]'
  it('with the condition missing: 1/1 Running, READINESS GATES 0/1, Ready False (ReadinessGatesNotReady), a not-ready endpoint', () => {
    const c = cluster(docs(pod('rg', gate), svc()))
    expect(sh(c, 'kubectl get pod rg -o wide').stdout).toMatch(/^rg\s+1\/1\s+Running\s+0\s+5m\s+\S+\s+node-\d\s+<none>\s+0\/1\n$/m)
    const conds = parse(sh(c, 'kubectl get pod rg -o yaml').stdout).status.conditions
    const by = (t: string) => conds.find((x: { type: string }) => x.type === t)
    expect(by('Ready')).toMatchObject({ status: 'False', reason: 'ReadinessGatesNotReady', message: 'corresponding condition of pod readiness gate "example.com/lb-ready" does not exist.' })
    expect(by('ContainersReady').status).toBe('True')
    expect(endpoints(c)).toEqual([expect.objectContaining({ conditions: { ready: false, serving: false, terminating: false } })])
    expect(sh(c, 'kubectl describe svc web').stdout).toMatch(/Endpoints:\s+<none>\n/)
  })
  it('a pasted status with the condition True opens the gate; False keeps it shut', () => {
    const status = (v: string) => `status:\n  phase: Running\n  podIP: 10.244.1.9\n  conditions: [{type: example.com/lb-ready, status: "${v}"}]\n`
    const open = cluster(docs(pod('rg', `  nodeName: node-1\n${gate}`, status('True')), svc()))
    expect(sh(open, 'kubectl get pod rg -o wide').stdout).toMatch(/1\/1\s+Running.*\s1\/1\n/)
    expect(endpoints(open)).toEqual([expect.objectContaining({ conditions: { ready: true, serving: true, terminating: false } })])
    const shut = cluster(docs(pod('rg', `  nodeName: node-1\n${gate}`, status('False')), svc()))
    expect(sh(shut, 'kubectl get pod rg -o wide').stdout).toMatch(/\s0\/1\n/)
    expect(endpoints(shut)).toEqual([expect.objectContaining({ conditions: { ready: false, serving: false, terminating: false } })])
  })
  it('readiness gates and a failing readiness probe: the containers hold the Pod back first (ContainersNotReady)', () => {
    const probed = pod('rg', gate).replace('    ports: [{containerPort: 80, name: http}]\n', '    ports: [{containerPort: 80, name: http}]\n    readinessProbe: {httpGet: {path: /missing, port: 80}}\n')
    const c = cluster(probed)
    const ready = parse(sh(c, 'kubectl get pod rg -o yaml').stdout).status.conditions.find((x: { type: string }) => x.type === 'Ready')
    expect(ready).toMatchObject({ status: 'False', reason: 'ContainersNotReady' })
    expect(sh(c, 'kubectl get pod rg -o wide').stdout).toMatch(/rg\s+0\/1\s+Running/)
  })
})

describe('a Deployment created paused', () => {
  it('gets no ReplicaSet and no Pods: READY 0/2, UP-TO-DATE 0, AVAILABLE 0', () => {
    const c = cluster(deployment('  paused: true'))
    expect(sh(c, 'kubectl get deploy web').stdout).toMatch(/web\s+0\/2\s+0\s+0\s+5m/)
    expect(sh(c, 'kubectl get rs').stdout).not.toContain('web-')
    expect(sh(c, 'kubectl get pods').stdout).not.toContain('web-')
    expect(sh(cluster(deployment('  paused: false')), 'kubectl get deploy web').stdout).toMatch(/web\s+2\/2\s+2\s+2/)
  })
  it("a pasted dump's paused Deployment keeps its ReplicaSet's Pods", () => {
    const rs = `apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: web-5d9c7b8f4, ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: web, uid: u1, controller: true}]}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, image: nginx:1.27}]}`
    const c = cluster(docs(deployment('  paused: true'), rs))
    expect(sh(c, 'kubectl get deploy web').stdout).toMatch(/web\s+2\/2\s+2\s+2/)
  })
})

describe('sidecar ports', () => {
  const app = (restartPolicy: string) => `apiVersion: v1
kind: Pod
metadata: {name: app, labels: {app: web}}
spec:
  initContainers:
  - name: proxy
    image: registry.k8s.io/e2e-test-images/agnhost:2.53
    args: [netexec, --http-port=15001, --udp-port=-1]
${restartPolicy}    ports: [{containerPort: 15001, name: proxy}]
  containers:
  - name: web
    image: nginx:1.27
    ports: [{containerPort: 80, name: http}]`
  const client = `apiVersion: v1
kind: Pod
metadata: {name: client}
spec:
  containers: [{name: c, image: nginx:1.27}]`
  it("a named targetPort resolves against a sidecar's ports; the EndpointSlice carries it and curl reaches the sidecar", () => {
    const c = cluster(docs(app('    restartPolicy: Always\n'), svc('proxy'), client))
    const slice = parse(sh(c, 'kubectl get endpointslices -l kubernetes.io/service-name=web -o yaml').stdout).items[0]
    expect(slice.ports).toEqual([{ name: '', port: 15001, protocol: 'TCP' }])
    expect(sh(c, 'kubectl exec client -- curl -s web/hostname').stdout).toBe('app')
    expect(sh(c, 'kubectl exec app -- ss -ltn').stdout).toMatch(/\*:15001 /)
    // printPod counts a sidecar among the Pod's containers (totalContainers++ per restartable init container)
    expect(sh(c, 'kubectl get pod app').stdout).toMatch(/^app\s+2\/2\s+Running/m)
  })
  it('an ordinary init container has exited: its port name resolves to nothing (the slice has no port), and nothing listens there', () => {
    const c = cluster(docs(app(''), svc('proxy')))
    const slice = parse(sh(c, 'kubectl get endpointslices -l kubernetes.io/service-name=web -o yaml').stdout).items[0]
    expect(slice.ports ?? []).toEqual([])
    expect(sh(c, 'kubectl exec app -- ss -ltn').stdout).not.toContain('15001')
    expect(sh(c, 'kubectl get pod app').stdout).toMatch(/^app\s+1\/1\s+Running/m)
  })
})
