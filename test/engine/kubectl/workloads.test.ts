/**
 * Deployments, ReplicaSets, StatefulSets and DaemonSets as the API server stores them
 * (pkg/apis/apps/v1/defaults.go, core/v1 SetDefaults_PodSpec on the template), with the
 * status their controllers write (deployment/sync.go calculateStatus, progress.go,
 * util/deployment_util.go; replicaset/replica_set_utils.go; statefulset; daemon_controller.go),
 * `kubectl describe` for them (kubectl pkg/describe/describe.go) and the controllers' events.
 */
import { describe, expect, it } from 'vitest'
import { cluster, deployment, docs, sh } from '../core/helpers.ts'

const json = (c: ReturnType<typeof cluster>, line: string) => {
  const r = sh(c, line)
  expect(r.stderr).toBe('')
  return JSON.parse(r.stdout)
}

const failing = (name: string, replicas: number, extra = '') => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}${extra}}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers:
      - name: app
        image: nginx:1.27
        ports: [{containerPort: 80, name: http}]
        readinessProbe: {tcpSocket: {port: 9999}}
`

const sts = `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  replicas: 2
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers: [{name: db, image: postgres:17}]
`

const ds = `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      containers: [{name: a, image: busybox}]
`

const c = cluster(docs(deployment('web', 2, { app: 'web' }), sts, ds, failing('bad', 4)))

describe('defaults (pkg/apis/apps/v1/defaults.go)', () => {
  it('a Deployment gets its strategy, history limit, deadline and the template its pod-spec defaults', () => {
    const d = json(c, 'kubectl get deploy web -o json')
    expect(d.metadata.generation).toBe(1)
    expect(d.metadata.annotations).toEqual({ 'deployment.kubernetes.io/revision': '1' })
    expect(d.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } })
    expect(d.spec.revisionHistoryLimit).toBe(10)
    expect(d.spec.progressDeadlineSeconds).toBe(600)
    const t = d.spec.template.spec
    expect([t.dnsPolicy, t.restartPolicy, t.schedulerName, t.terminationGracePeriodSeconds]).toEqual(['ClusterFirst', 'Always', 'default-scheduler', 30])
    expect(t.securityContext).toEqual({})
    // a template is no Pod: no enableServiceLinks, priority, service account or tolerations
    for (const k of ['enableServiceLinks', 'priority', 'serviceAccountName', 'tolerations']) expect(t[k]).toBeUndefined()
    expect(t.containers[0]).toMatchObject({ imagePullPolicy: 'IfNotPresent', terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', resources: {} })
    expect(t.containers[0].ports[0].protocol).toBe('TCP')
  })

  it('a Recreate strategy gets no rollingUpdate', () => {
    const r = cluster(deployment('web', 1, { app: 'web' }).replace('  replicas: 1\n', '  replicas: 1\n  strategy: {type: Recreate}\n'))
    expect(json(r, 'kubectl get deploy web -o json').spec.strategy).toEqual({ type: 'Recreate' })
  })

  it('a StatefulSet: OrderedReady, partition 0 and maxUnavailable 1 (MaxUnavailableStatefulSet, beta in v1.35), Retain/Retain', () => {
    const s = json(c, 'kubectl get sts db -o json').spec
    expect(s.podManagementPolicy).toBe('OrderedReady')
    expect(s.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { partition: 0, maxUnavailable: 1 } })
    expect(s.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' })
    expect(s.revisionHistoryLimit).toBe(10)
    expect(s.serviceName).toBe('db')
  })

  it('a DaemonSet: RollingUpdate with maxSurge 0 and maxUnavailable 1, and its template generation annotation', () => {
    const d = json(c, 'kubectl get ds agent -o json')
    expect(d.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } })
    expect(d.spec.revisionHistoryLimit).toBe(10)
    expect(d.metadata.annotations).toEqual({ 'deprecated.daemonset.template.generation': '1' })
  })

  it("the Deployment's ReplicaSet carries its template, the hash label, and the replica annotations", () => {
    const rs = json(c, 'kubectl get rs -l app=web -o json').items[0]
    const hash = rs.metadata.labels['pod-template-hash']
    expect(rs.metadata.name).toBe(`web-${hash}`)
    // SetReplicasAnnotations: desired 2, max = 2 + maxSurge (25% of 2, rounded up = 1)
    expect(rs.metadata.annotations).toEqual({ 'deployment.kubernetes.io/desired-replicas': '2', 'deployment.kubernetes.io/max-replicas': '3', 'deployment.kubernetes.io/revision': '1' })
    expect(rs.spec.template.metadata.labels).toEqual({ app: 'web', 'pod-template-hash': hash })
    expect(rs.spec.template.spec.containers[0].ports).toEqual([{ containerPort: 80, name: 'http', protocol: 'TCP' }])
  })
})

describe('status, from the Pods', () => {
  it('a healthy Deployment: every count, Available and Progressing NewReplicaSetAvailable', () => {
    const d = json(c, 'kubectl get deploy web -o json')
    const rs = json(c, 'kubectl get rs -l app=web -o json').items[0].metadata.name
    expect(d.status).toMatchObject({ observedGeneration: 1, replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2 })
    expect(d.status.unavailableReplicas).toBeUndefined()
    // DeploymentReplicaSetTerminatingReplicas, beta and on since v1.35: a pointer, so its 0 is written
    expect(d.status.terminatingReplicas).toBe(0)
    expect(d.status.conditions.map((k: Record<string, string>) => [k.type, k.status, k.reason, k.message])).toEqual([
      ['Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.'],
      ['Progressing', 'True', 'NewReplicaSetAvailable', `ReplicaSet "${rs}" has successfully progressed.`],
    ])
  })

  it('Pods that fail readiness: Available False, unavailableReplicas, still progressing inside the deadline', () => {
    const d = json(c, 'kubectl get deploy bad -o json')
    expect(d.status).toMatchObject({ replicas: 4, updatedReplicas: 4, unavailableReplicas: 4 })
    expect(d.status.readyReplicas).toBeUndefined()
    expect(d.status.availableReplicas).toBeUndefined()
    expect(d.status.conditions.map((k: Record<string, string>) => `${k.type} ${k.status} ${k.reason}`)).toEqual(['Available False MinimumReplicasUnavailable', 'Progressing True ReplicaSetUpdated'])
    expect(sh(c, 'kubectl get deploy bad').stdout).toMatch(/^bad\s+0\/4\s+4\s+0\s/m)
  })

  it('past progressDeadlineSeconds without progress: Progressing False ProgressDeadlineExceeded, stamped at the deadline', () => {
    const old = cluster(failing('bad', 2, ', creationTimestamp: "2026-01-15T11:40:00Z"'))
    const p = json(old, 'kubectl get deploy bad -o json').status.conditions[1]
    expect(p).toMatchObject({ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', lastTransitionTime: '2026-01-15T11:50:00Z' })
    expect(p.message).toMatch(/^ReplicaSet "bad-[a-z0-9]+" has timed out progressing\.$/)
  })

  it('maxUnavailable lets a Deployment be Available short of all its replicas (4 replicas: 25% = 1)', () => {
    const r = cluster(docs(deployment('web', 4, { app: 'web' })))
    expect(json(r, 'kubectl get deploy web -o json').status.conditions[0].status).toBe('True')
  })

  it('a paused Deployment: no ReplicaSet, Progressing Unknown DeploymentPaused first', () => {
    const r = cluster(deployment('web', 2, { app: 'web' }).replace('  replicas: 2\n', '  replicas: 2\n  paused: true\n'))
    const d = json(r, 'kubectl get deploy web -o json')
    expect(d.metadata.annotations).toBeUndefined()
    expect(d.status.conditions.map((k: Record<string, string>) => `${k.type} ${k.status} ${k.reason} ${k.message}`)).toEqual([
      'Progressing Unknown DeploymentPaused Deployment is paused',
      'Available False MinimumReplicasUnavailable Deployment does not have minimum availability.',
    ])
  })

  it('minReadySeconds holds availability back until Ready has lasted that long', () => {
    const r = cluster(deployment('web', 2, { app: 'web' }).replace('  replicas: 2\n', '  replicas: 2\n  minReadySeconds: 3600\n'))
    const d = json(r, 'kubectl get deploy web -o json')
    expect(d.status.readyReplicas).toBe(2)
    expect(d.status.availableReplicas).toBeUndefined()
    expect(d.status.unavailableReplicas).toBe(2)
    expect(sh(r, 'kubectl get deploy web').stdout).toMatch(/^web\s+2\/2\s+2\s+0\s/m)
  })

  it("a StatefulSet's revisions are its Pods' controller-revision-hash", () => {
    const s = json(c, 'kubectl get sts db -o json').status
    const label = json(c, 'kubectl get pod db-0 -o json').metadata.labels['controller-revision-hash']
    expect(s).toEqual({ availableReplicas: 2, collisionCount: 0, currentReplicas: 2, currentRevision: label, observedGeneration: 1, readyReplicas: 2, replicas: 2, updateRevision: label, updatedReplicas: 2 })
  })

  it("a DaemonSet counts the nodes its Pods run on (not the tainted control plane)", () => {
    expect(json(c, 'kubectl get ds agent -o json').status).toEqual({ currentNumberScheduled: 3, desiredNumberScheduled: 3, numberAvailable: 3, numberMisscheduled: 0, numberReady: 3, observedGeneration: 1, updatedNumberScheduled: 3 })
    expect(sh(c, 'kubectl get ds agent').stdout).toMatch(/^agent\s+3\s+3\s+3\s+3\s+3\s+<none>\s/m)
  })

  it('a ReplicaSet: replicas, fullyLabeled, ready, available', () => {
    const rs = json(c, 'kubectl get rs -l app=bad -o json').items[0]
    expect(rs.status).toEqual({ fullyLabeledReplicas: 4, observedGeneration: 1, replicas: 4, terminatingReplicas: 0 })
  })
})

describe('kubectl describe (kubectl pkg/describe/describe.go)', () => {
  it('deployment, in DeploymentDescriber layout with DescribePodTemplate', () => {
    const rs = json(c, 'kubectl get rs -l app=web -o json').items[0].metadata.name
    const out = sh(c, 'kubectl describe deploy web')
    expect(out.exitCode).toBe(0)
    expect(out.stdout).toBe(`Name:                   web
Namespace:              default
CreationTimestamp:      Thu, 15 Jan 2026 11:55:00 +0000
Labels:                 <none>
Annotations:            deployment.kubernetes.io/revision: 1
Selector:               app=web
Replicas:               2 desired | 2 updated | 2 total | 2 available | 0 unavailable
StrategyType:           RollingUpdate
MinReadySeconds:        0
RollingUpdateStrategy:  25% max unavailable, 25% max surge
Pod Template:
  Labels:  app=web
  Containers:
   app:
    Image:         nginx:1.27
    Port:          80/TCP (http)
    Host Port:     0/TCP (http)
    Environment:   <none>
    Mounts:        <none>
  Volumes:         <none>
  Node-Selectors:  <none>
  Tolerations:     <none>
Conditions:
  Type           Status  Reason
  ----           ------  ------
  Available      True    MinimumReplicasAvailable
  Progressing    True    NewReplicaSetAvailable
OldReplicaSets:  <none>
NewReplicaSet:   ${rs} (2/2 replicas created)
Events:
  Type    Reason             Age   From                   Message
  ----    ------             ----  ----                   -------
  Normal  ScalingReplicaSet  5m    deployment-controller  Scaled up replica set ${rs} from 0 to 2
`)
  })

  it('a failing deployment shows its unavailable replicas and conditions', () => {
    const out = sh(c, 'kubectl describe deploy bad').stdout
    expect(out).toContain('Replicas:               4 desired | 4 updated | 4 total | 0 available | 4 unavailable\n')
    expect(out).toContain('    Readiness:     tcp-socket :9999 delay=0s timeout=1s period=10s #success=1 #failure=3\n')
    expect(out).toMatch(/Available {6}False {3}MinimumReplicasUnavailable\n {2}Progressing {4}True {4}ReplicaSetUpdated\n/)
  })

  it('replicaset: Controlled By, Replicas current / desired, Pods Status, SuccessfulCreate events', () => {
    const rs = json(c, 'kubectl get rs -l app=web -o json').items[0].metadata.name
    const out = sh(c, `kubectl describe rs ${rs}`).stdout
    expect(out).toContain(`Name:           ${rs}\nNamespace:      default\nSelector:       app=web,pod-template-hash=${rs.slice(4)}\n`)
    expect(out).toContain('Controlled By:  Deployment/web\nReplicas:       2 current / 2 desired\nPods Status:    2 Running / 0 Waiting / 0 Succeeded / 0 Failed\n')
    const pods = json(c, 'kubectl get pods -l app=web -o json').items.map((p: { metadata: { name: string } }) => p.metadata.name).sort()
    for (const p of pods) expect(out).toMatch(new RegExp(`Normal {2}SuccessfulCreate {2}5m {4}replicaset-controller {2}Created pod: ${p}\\n`))
  })

  it('statefulset: Update Strategy with partition and maxUnavailable, Volume Claims, its create events', () => {
    const out = sh(c, 'kubectl describe sts db').stdout
    expect(out).toContain('Replicas:           2 desired | 2 total\nUpdate Strategy:    RollingUpdate\n  Partition:        0\n  MaxUnavailable:   1\nPods Status:        2 Running / 0 Waiting / 0 Succeeded / 0 Failed\nPod Template:\n')
    expect(out).toContain('Volume Claims:     <none>\n')
    expect(out).toContain('statefulset-controller  create Pod db-0 in StatefulSet db successful\n')
    expect(out).toContain('statefulset-controller  create Pod db-1 in StatefulSet db successful\n')
  })

  it('daemonset: the node counts (untabbed lines) and the template', () => {
    const out = sh(c, 'kubectl describe ds agent').stdout
    expect(out).toContain('Desired Number of Nodes Scheduled: 3\nCurrent Number of Nodes Scheduled: 3\nNumber of Nodes Scheduled with Up-to-date Pods: 3\nNumber of Nodes Scheduled with Available Pods: 3\nNumber of Nodes Misscheduled: 0\nPods Status:  3 Running / 0 Waiting / 0 Succeeded / 0 Failed\n')
    expect(out).toMatch(/daemonset-controller {2}Created pod: agent-[a-z0-9]{5}\n/)
  })

  it("the add-ons' DaemonSets are 10 days old: their events expired after an hour (--event-ttl)", () => {
    const out = sh(c, 'kubectl describe ds kube-proxy -n kube-system').stdout
    expect(out).toContain('Node-Selector:  kubernetes.io/os=linux\n')
    expect(out).toMatch(/Events: +<none>\n$/)
  })

  it('a name that is not there is NotFound; kinds still without a describer say so', () => {
    expect(sh(c, 'kubectl describe deploy nope').stderr).toBe('Error from server (NotFound): deployments.apps "nope" not found\n')
    expect(sh(c, 'kubectl describe configmap').stderr).not.toContain('deployments')
  })
})

describe('events', () => {
  it('a tenth distinct SuccessfulCreate on one ReplicaSet joins a combined event (EventAggregator)', () => {
    const r = cluster(deployment('many', 12, { app: 'many' }))
    const rs = json(r, 'kubectl get rs -o json').items[0].metadata.name
    const ev = json(r, `kubectl get events --field-selector involvedObject.name=${rs} -o json`).items
    expect(ev).toHaveLength(10)
    const combined = ev.filter((e: { message: string }) => e.message.startsWith('(combined from similar events): Created pod: '))
    expect(combined).toHaveLength(1)
    expect(combined[0].count).toBe(3)
    expect(ev.filter((e: { count: number }) => e.count === 1)).toHaveLength(9)
  })
})

describe('kubectl rollout status (kubectl pkg/polymorphichelpers/rollout_status.go)', () => {
  it('a finished rollout of each kind; a default StatefulSet reports a partitioned roll out (partition is always set)', () => {
    expect(sh(c, 'kubectl rollout status deploy/web')).toMatchObject({ exitCode: 0, stdout: 'deployment "web" successfully rolled out\n', stderr: '' })
    expect(sh(c, 'kubectl rollout status daemonset agent').stdout).toBe('daemon set "agent" successfully rolled out\n')
    expect(sh(c, 'kubectl rollout status sts/db').stdout).toBe('partitioned roll out complete: 2 new pods have been updated...\n')
  })

  it('an unfinished one prints its waiting line; the frozen cluster never finishes it', () => {
    expect(sh(c, 'kubectl rollout status deploy/bad --watch=false')).toMatchObject({ exitCode: 0, stdout: 'Waiting for deployment "bad" rollout to finish: 0 of 4 updated replicas are available...\n', stderr: '' })
    const timed = sh(c, 'kubectl rollout status deploy/bad --timeout=30s')
    expect([timed.exitCode, timed.stderr]).toEqual([1, 'error: timed out waiting for the condition\n'])
    expect(sh(c, 'kubectl rollout status deploy/bad').exitCode).toBe(1)
  })

  it('past the progress deadline it is an error', () => {
    const old = cluster(failing('bad', 2, ', creationTimestamp: "2026-01-15T11:40:00Z"'))
    expect(sh(old, 'kubectl rollout status deploy/bad')).toMatchObject({ exitCode: 1, stdout: '', stderr: 'error: deployment "bad" exceeded its progress deadline\n' })
  })

  it('what it cannot do', () => {
    expect(sh(c, 'kubectl rollout status rs/x').stderr).toBe('error: no status viewer has been implemented for ReplicaSet\n')
    expect(sh(c, 'kubectl rollout status deploy/nope').stderr).toBe('Error from server (NotFound): deployments.apps "nope" not found\n')
    expect(sh(c, 'kubectl rollout restart deploy/web').stderr).toContain('is not simulated here')
  })
})

describe('a Deployment scaled to zero', () => {
  it('still has its ReplicaSet, named by the same template hash its Pods would carry', () => {
    const zero = cluster(deployment('web', 0, { app: 'web' }))
    const one = cluster(deployment('web', 1, { app: 'web' }))
    const name = (x: ReturnType<typeof cluster>) => json(x, 'kubectl get rs -o json').items.map((r: { metadata: { name: string } }) => r.metadata.name)
    expect(name(zero)).toEqual(name(one))
    expect(sh(zero, 'kubectl describe deploy web').stdout).toContain(`NewReplicaSet:   ${name(one)[0]} (0/0 replicas created)\n`)
    expect(json(zero, 'kubectl get deploy web -o json').status.conditions.map((k: Record<string, string>) => k.reason)).toEqual(['MinimumReplicasAvailable', 'NewReplicaSetAvailable'])
  })
})

describe('a pasted ReplicaSet with a Pod being deleted', () => {
  const dump = docs(
    `apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: web-abc, uid: 11111111-1111-1111-1111-111111111111}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: a, image: nginx:1.27}]`,
    ...['aaaaa', 'bbbbb'].map(
      (x, i) => `apiVersion: v1
kind: Pod
metadata:
  name: web-abc-${x}
  labels: {app: web}
${i === 0 ? '  deletionTimestamp: "2026-01-15T11:59:50Z"\n' : ''}  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-abc, uid: 11111111-1111-1111-1111-111111111111, controller: true}]
spec:
  containers: [{name: a, image: nginx:1.27}]`,
    ),
  )
  it('counts it as terminating, not among the replicas; describe counts Pods by phase, terminating or not', () => {
    const r = cluster(dump)
    expect(json(r, 'kubectl get rs web-abc -o json').status).toEqual({ availableReplicas: 1, fullyLabeledReplicas: 1, observedGeneration: 1, readyReplicas: 1, replicas: 1, terminatingReplicas: 1 })
    expect(sh(r, 'kubectl describe rs web-abc').stdout).toContain('Replicas:     1 current / 1 desired\nPods Status:  2 Running / 0 Waiting / 0 Succeeded / 0 Failed\n')
  })
})

describe("the add-ons' CoreDNS Deployment", () => {
  it('owns its ReplicaSet (by uid), whose template alone carries the hash label', () => {
    const d = json(c, 'kubectl get deploy coredns -n kube-system -o json')
    const rs = json(c, 'kubectl get rs -n kube-system -o json').items.find((r: { metadata: { name: string } }) => r.metadata.name.startsWith('coredns-'))
    expect(rs.metadata.ownerReferences[0]).toMatchObject({ kind: 'Deployment', name: 'coredns', uid: d.metadata.uid, controller: true })
    expect(d.spec.template.metadata.labels['pod-template-hash']).toBeUndefined()
    expect(rs.spec.template.metadata.labels['pod-template-hash']).toBe(rs.metadata.labels['pod-template-hash'])
    expect(d.status).toMatchObject({ replicas: 2, updatedReplicas: 2, availableReplicas: 2 })
    expect(sh(c, 'kubectl describe deploy coredns -n kube-system').stdout).toContain(`NewReplicaSet:   ${rs.metadata.name} (2/2 replicas created)\n`)
  })
})

describe('a StatefulSet held back by OrderedReady', () => {
  it('counts only the Pods it made: ordinal 0 never gets ready, so 1 of 3 exists', () => {
    const r = cluster(sts.replace('replicas: 2', 'replicas: 3').replace('containers: [{name: db, image: postgres:17}]', 'containers: [{name: db, image: postgres:17, readinessProbe: {tcpSocket: {port: 9999}}}]'))
    const s = json(r, 'kubectl get sts db -o json').status
    expect(s).toMatchObject({ replicas: 1, currentReplicas: 1, updatedReplicas: 1, availableReplicas: 0 })
    expect(s.readyReplicas).toBeUndefined()
    expect(sh(r, 'kubectl describe sts db').stdout).toContain('Replicas:           3 desired | 1 total\n')
    expect(sh(r, 'kubectl rollout status sts/db --watch=false').stdout).toBe('Waiting for 3 pods to be ready...\n')
    expect(sh(r, 'kubectl get sts db').stdout).toMatch(/^db\s+0\/3\s/m)
  })
})

describe('kubectl describe TYPE/NAME TYPE/NAME', () => {
  it('describes each with its own type; bare names cannot follow, nor a type precede them (cli-runtime builder)', () => {
    const out = sh(c, 'kubectl describe ds/agent deploy/web')
    expect(out.exitCode).toBe(0)
    expect(out.stdout).toMatch(/^Name: +agent\n[\s\S]*\n\nName: +web\n/)
    expect(sh(c, 'kubectl describe ds/agent web').stderr).toBe('error: arguments in resource/name form must have a single resource and name\n')
    expect(sh(c, 'kubectl describe ds ds/agent').stderr).toMatch(/^error: there is no need to specify a resource type as a separate argument/)
  })
})

describe('progressDeadlineSeconds shorter than the five minutes the scenario has run', () => {
  it('a Deployment whose Pods never get ready has exceeded it', () => {
    const r = cluster(failing('bad', 2).replace('  replicas: 2\n', '  replicas: 2\n  progressDeadlineSeconds: 120\n'))
    const p = json(r, 'kubectl get deploy bad -o json').status.conditions[1]
    expect(p).toMatchObject({ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', lastTransitionTime: '2026-01-15T11:57:00Z' })
    expect(sh(r, 'kubectl describe deploy bad').stdout).toMatch(/Progressing {4}False {3}ProgressDeadlineExceeded\n/)
  })
})

describe('a pasted generation', () => {
  it('is kept, and the controller has observed it', () => {
    const r = cluster(deployment('web', 1, { app: 'web' }).replace('metadata: {name: web, namespace: default}', 'metadata: {name: web, namespace: default, generation: 4}'))
    const d = json(r, 'kubectl get deploy web -o json')
    expect([d.metadata.generation, d.status.observedGeneration]).toEqual([4, 4])
    expect(sh(r, 'kubectl rollout status deploy/web').stdout).toBe('deployment "web" successfully rolled out\n')
  })
})

describe('a StatefulSet with volumeClaimTemplates', () => {
  it("records each Pod's claim before the Pod (stateful_pod_control.go recordClaimEvent), and describe lists the templates", () => {
    const r = cluster(sts.replace('replicas: 2', 'replicas: 1') + '  volumeClaimTemplates:\n  - metadata: {name: data}\n    spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}\n')
    const out = sh(r, 'kubectl describe sts db').stdout
    expect(out).toContain('Volume Claims:\n  Name:          data\n  StorageClass:  \n  Labels:        <none>\n  Annotations:   <none>\n  Capacity:      1Gi\n  Access Modes:  ReadWriteOnce\n')
    expect(out).toMatch(/create Claim data-db-0 Pod db-0 in StatefulSet db success\n.*create Pod db-0 in StatefulSet db successful\n$/)
  })
})

describe('kubectl wait --for=condition (kubectl pkg/cmd/wait)', () => {
  it('prints "condition met" for each object whose condition has the status (case-insensitive, true by default)', () => {
    expect(sh(c, 'kubectl wait --for=condition=Available deploy/web')).toMatchObject({ exitCode: 0, stdout: 'deployment.apps/web condition met\n' })
    expect(sh(c, 'kubectl wait --for=condition=available=FALSE deployment bad').stdout).toBe('deployment.apps/bad condition met\n')
    expect(sh(c, 'kubectl wait --for=condition=Ready pod -l app=db').stdout).toBe('pod/db-0 condition met\npod/db-1 condition met\n')
  })

  it('an unmet condition is never met in a cluster that does not change: kubectl times out on it', () => {
    const r = sh(c, 'kubectl wait --for=condition=Available deploy/web deploy/bad --timeout=60s')
    expect(r).toMatchObject({ exitCode: 1, stdout: 'deployment.apps/web condition met\n', stderr: 'error: timed out waiting for the condition on deployments/bad\n' })
    expect(sh(c, 'kubectl wait --for=delete pod/db-0').stderr).toBe('error: timed out waiting for the condition on pods/db-0\n')
    expect(sh(c, 'kubectl wait --for=condition=Ready pod -l app=nope').stderr).toBe('error: no matching resources found\n')
    expect(sh(c, 'kubectl wait --for=condition=Ready pod/nope').stderr).toBe('Error from server (NotFound): pods "nope" not found\n')
  })
})

describe('kubectl describe TYPE,TYPE', () => {
  it('describes every object of each type, separated as kubectl separates them', () => {
    const out = sh(c, 'kubectl describe deploy,sts').stdout
    expect(out.match(/^Name: +\S+$/gm)).toEqual(['Name:                   bad', 'Name:                   web', 'Name:               db'])
    expect(out).toContain('\n\n\nName:               db\n')
  })
})
