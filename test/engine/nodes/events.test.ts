/**
 * Events the engine records: the scheduler's Scheduled/FailedScheduling, the
 * kubelet's Created/Started, and FailedCreatePodSandBox when host-local has
 * no address left (containernetworking/plugins host-local allocator: "no IP
 * addresses available in range set: START-END"; libcni's `plugin type=…
 * failed (add)`; flannel's "failed to delegate add"), as `kubectl get events`
 * (printers.go printEvent) and `kubectl describe` (DescribeEvents) print them.
 */
import { describe, expect, it } from 'vitest'
import { runCommand } from '../../../engine/index.ts'
import { build, run } from '../dataplane/helpers.ts'

const deployment = (replicas: number) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx}]}`

/** node-1 alone takes Pods: a /28 holds 13 Pod addresses (.2 to .14; .1 is cni0's, .15 the broadcast) */
const small = (cni = 'flannel', replicas = 14) => build(`apiVersion: knet/v1alpha1
kind: Cluster
spec:
  cni: ${cni}
  nodeCIDRMaskSize: 28
  nodes: [{name: control-plane, roles: [control-plane]}, {name: node-1}]
---
${deployment(replicas)}`)

describe('kubectl get events', () => {
  it('prints the columns kubectl 1.3x prints, sorted by event name', () => {
    const out = run(build(deployment(1)), 'kubectl get events')
    const lines = out.trimEnd().split('\n')
    expect(lines[0]).toMatch(/^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE$/)
    expect(lines[1]).toMatch(/^5m\s+Normal\s+Scheduled\s+pod\/web-\S+\s+Successfully assigned default\/web-\S+ to node-\d$/)
    expect(lines[2]).toMatch(/^4m59s\s+Normal\s+Created\s+pod\/web-\S+\s+Created container: web$/)
    expect(lines[3]).toMatch(/^4m59s\s+Normal\s+Started\s+pod\/web-\S+\s+Started container web$/)
    // then the controllers' own: the ReplicaSet's Pod creation, the Deployment's scale-up (workload-events.ts)
    expect(lines[4]).toMatch(/^5m\s+Normal\s+SuccessfulCreate\s+replicaset\/web-\S+\s+Created pod: web-\S+$/)
    expect(lines[5]).toMatch(/^5m\s+Normal\s+ScalingReplicaSet\s+deployment\/web\s+Scaled up replica set web-\S+ from 0 to 1$/)
    expect(lines).toHaveLength(6)
  })

  it('has nothing left for the cluster\'s own Pods: the API server keeps events for an hour', () => {
    expect(runCommand(build(''), 'kubectl get events -A').stderr).toMatch(/^No resources found\.?\n$/)
    expect(runCommand(build(''), 'kubectl get events -n kube-system').stderr).toBe('No resources found in kube-system namespace.\n')
  })

  it('-A adds NAMESPACE, --field-selector picks by involved object, -o wide adds SUBOBJECT, SOURCE, FIRST SEEN, COUNT, NAME', () => {
    const c = build(deployment(2))
    const pod = c.pods.find((p) => p.meta.namespace === 'default')!.meta.name
    const picked = run(c, `kubectl get events --field-selector involvedObject.name=${pod}`)
    expect(picked.trimEnd().split('\n')).toHaveLength(4)
    expect(run(c, 'kubectl get events -A').split('\n')[0]).toMatch(/^NAMESPACE\s+LAST SEEN/)
    const wide = run(c, `kubectl get events -o wide --field-selector involvedObject.name=${pod},reason=Started`).split('\n')
    expect(wide[0]).toMatch(/^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+SUBOBJECT\s+SOURCE\s+MESSAGE\s+FIRST SEEN\s+COUNT\s+NAME$/)
    expect(wide[1]).toMatch(new RegExp(`Started\\s+pod/${pod}\\s+spec\\.containers\\{web\\}\\s+kubelet, node-\\d\\s+Started container web\\s+4m59s\\s+1\\s+${pod}\\.[0-9a-f]{16}$`))
  })

  it('refuses a field the API server cannot select events by', () => {
    const r = runCommand(build(''), 'kubectl get events --field-selector spec.foo=x')
    expect(r.exitCode).toBe(1)
    expect(r.stderr).toContain('field label not supported: spec.foo')
  })
})

describe('an exhausted node range', () => {
  it('leaves the 14th Pod in ContainerCreating with host-local\'s message in the kubelet\'s events', () => {
    const c = small()
    const stuck = c.pods.filter((p) => p.meta.namespace === 'default' && p.podIPs.length === 0)
    expect(stuck).toHaveLength(1)
    const name = stuck[0].meta.name
    expect(run(c, 'kubectl get pods')).toMatch(new RegExp(`${name}\\s+0/1\\s+ContainerCreating`))
    const d = run(c, `kubectl describe pod ${name}`)
    const events = d.slice(d.indexOf('Events:'))
    // 25 retries 12 s apart in 5 minutes: 9 events of their own, then one that folds the other 16
    expect(events.match(/FailedCreatePodSandBox/g)).toHaveLength(10)
    expect(events).toMatch(/Warning {2}FailedCreatePodSandBox {2}11s \(x16 over 3m11s\) {2}kubelet {12}\(combined from similar events\): Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "[0-9a-f]{64}": plugin type="flannel" failed \(add\): failed to delegate add: failed to allocate for range 0: no IP addresses available in range set: 10\.244\.0\.17-10\.244\.0\.30\n/)
    const warnings = run(c, `kubectl get events --field-selector type=Warning,involvedObject.name=${name}`)
    expect(warnings.trimEnd().split('\n')).toHaveLength(11)
  })

  it('says so in the bridge plugin\'s words, without flannel\'s delegation', () => {
    const c = small('bridge')
    const stuck = c.pods.find((p) => p.meta.namespace === 'default' && p.podIPs.length === 0)!
    expect(run(c, `kubectl describe pod ${stuck.meta.name}`)).toContain('plugin type="bridge" failed (add): failed to allocate for range 0: no IP addresses available in range set: 10.244.0.17-10.244.0.30')
  })

  it('keeps one host-local file per address in /var/lib/cni/networks/cbr0, and no file for the Pod that got none', () => {
    const c = small()
    const ls = run(c, 'ssh node-1 ls /var/lib/cni/networks/cbr0').trimEnd().split('\n')
    const addresses = ls.filter((f) => /^10\./.test(f))
    expect(addresses).toHaveLength(13)
    expect(ls).toContain('last_reserved_ip.0')
    expect(run(c, 'ssh node-1 cat /var/lib/cni/networks/cbr0/last_reserved_ip.0')).toBe('10.244.0.30')
  })
})
