/**
 * The events the workload controllers record through client-go's core/v1 recorder:
 * - deployment-controller: Normal ScalingReplicaSet "Scaled up replica set NAME from 0 to N"
 *   when it creates the new ReplicaSet (pkg/controller/deployment/sync.go getNewReplicaSet)
 * - replicaset-controller and daemonset-controller: Normal SuccessfulCreate "Created pod: NAME"
 *   for each Pod (pkg/controller/controller_utils.go RealPodControl.createPods)
 * - statefulset-controller: Normal SuccessfulCreate "create Claim CLAIM Pod NAME in StatefulSet
 *   SET success" for each volumeClaimTemplate, then "create Pod NAME in StatefulSet SET
 *   successful" (pkg/controller/statefulset/stateful_pod_control.go recordClaimEvent, recordPodEvent)
 * Each Pod's event is stamped with the Pod's creation. The correlator folds them as it folds
 * kubelet's (events.ts record): a tenth distinct message on one object joins a single
 * "(combined from similar events)" event, and the spam filter caps each object's updates.
 */
import type { Cluster, GenericObject, Pod } from '../model/types.ts'
import type { ClusterEvent } from './event-types.ts'
import { deterministicUID } from '../cluster/hash.ts'
import { read } from '../cluster/context.ts'
import { allWorkloads } from './derived-workloads.ts'
import { deploymentReplicaSets } from './workload-status.ts'
import { failedCreateMessage, missingTemplateAccount, retryTimes } from './refused-pods.ts'

const AGGREGATE_MAX_DISTINCT = 10
const SPAM_BURST = 25
const SPAM_REFILL_MS = 5 * 60 * 1000

interface Occurrence {
  at: number
  message: string
}

function makeEvent(g: GenericObject, component: string, reason: string, o: Occurrence, seq: number, type: ClusterEvent['type'] = 'Normal'): ClusterEvent {
  // record.makeEvent: NAME.%x of the recorder's clock in nanoseconds (seq keeps names of one instant apart)
  const nanos = (BigInt(o.at) + BigInt(seq)) * 1_000_000n
  const name = `${g.meta.name}.${nanos.toString(16)}`
  return {
    meta: {
      name,
      namespace: g.meta.namespace,
      uid: deterministicUID(`Event/${g.meta.namespace}/${name}`),
      labels: {},
      annotations: {},
      creationTimestamp: new Date(o.at).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      resourceVersion: String(1000 + (Number(nanos / 1_000_000_000n) % 100000)),
    },
    involved: { apiVersion: 'apps/v1', kind: g.kind, namespace: g.meta.namespace, name: g.meta.name, uid: g.meta.uid },
    type,
    reason,
    message: o.message,
    component,
    reportingController: component,
    reportingInstance: '',
    first: o.at,
    last: o.at,
    count: 1,
    eventTime: false,
  }
}

/** the correlator over one object's occurrences of one reason, in time order */
function correlate(g: GenericObject, component: string, reason: string, occurrences: Occurrence[], type: ClusterEvent['type'] = 'Normal'): ClusterEvent[] {
  const out: ClusterEvent[] = []
  const distinct = new Map<string, ClusterEvent>()
  let combined: ClusterEvent | undefined
  let combinedStored: ClusterEvent | undefined
  let tokens = SPAM_BURST
  let refilled: number | undefined
  occurrences.forEach((o, seq) => {
    refilled ??= o.at
    const gained = Math.floor((o.at - refilled) / SPAM_REFILL_MS)
    if (gained > 0) {
      tokens = Math.min(SPAM_BURST, tokens + gained)
      refilled += gained * SPAM_REFILL_MS
    }
    const allowed = tokens > 0
    if (allowed) tokens--
    const same = distinct.get(o.message)
    if (same) {
      same.count++
      same.last = o.at
      return
    }
    if (distinct.size < AGGREGATE_MAX_DISTINCT - 1) {
      const e = makeEvent(g, component, reason, o, seq, type)
      distinct.set(o.message, e)
      if (allowed) out.push(e)
      return
    }
    const message = `(combined from similar events): ${o.message}`
    if (combined) Object.assign(combined, { count: combined.count + 1, last: o.at, message })
    else combined = makeEvent(g, component, reason, { ...o, message }, seq, type)
    if (!allowed) return
    if (combinedStored) Object.assign(combinedStored, { count: combined.count, last: combined.last, message: combined.message })
    else out.push((combinedStored = { ...combined }))
  })
  return out
}

const byCreation = (a: Pod, b: Pod) => Date.parse(a.meta.creationTimestamp) - Date.parse(b.meta.creationTimestamp) || (a.meta.name < b.meta.name ? -1 : 1)

export function workloadEvents(c: Cluster): ClusterEvent[] {
  const out: ClusterEvent[] = []
  for (const g of allWorkloads(c)) {
    const pods = c.pods.filter((p) => p.meta.namespace === g.meta.namespace && p.owner?.kind === g.kind && p.owner.name === g.meta.name).sort(byCreation)
    const at = (p: Pod) => Date.parse(p.meta.creationTimestamp)
    if (g.kind === 'Deployment') {
      const { newRS } = deploymentReplicaSets(c, g)
      const rs = newRS ? allWorkloads(c).find((w) => w.kind === 'ReplicaSet' && w.meta.namespace === g.meta.namespace && w.meta.name === newRS) : undefined
      const replicas = rs && typeof rs.spec.replicas === 'number' ? rs.spec.replicas : 0
      // scaling a new ReplicaSet from 0 to 0 records nothing
      if (newRS && replicas > 0) out.push(...correlate(g, 'deployment-controller', 'ScalingReplicaSet', [{ at: Date.parse(g.meta.creationTimestamp), message: `Scaled up replica set ${newRS} from 0 to ${replicas}` }]))
    } else if (pods.length === 0 && missingTemplateAccount(c, g) !== undefined) {
      // every Pod refused for its ServiceAccount: the controller's FailedCreate, retried with back-off (refused-pods.ts)
      const component = g.kind === 'ReplicaSet' ? 'replicaset-controller' : g.kind === 'DaemonSet' ? 'daemonset-controller' : 'statefulset-controller'
      const message = failedCreateMessage(g, missingTemplateAccount(c, g)!)
      const tries = retryTimes(Date.parse(g.meta.creationTimestamp), Date.parse(c.now)).map((at) => ({ at, message }))
      out.push(...correlate(g, component, 'FailedCreate', tries, 'Warning'))
    } else if (g.kind === 'StatefulSet') {
      // each Pod's claims from volumeClaimTemplates come first (createPersistentVolumeClaims, recordClaimEvent: "success")
      const claims = read.arr(read.fields(g.raw.spec).volumeClaimTemplates).map((t) => read.str(read.path(t, 'metadata', 'name')) ?? '').filter((x) => x !== '')
      const occurrences = pods.flatMap((p) => [
        ...claims.map((t) => ({ at: at(p), message: `create Claim ${t}-${p.meta.name} Pod ${p.meta.name} in StatefulSet ${g.meta.name} success` })),
        { at: at(p), message: `create Pod ${p.meta.name} in StatefulSet ${g.meta.name} successful` },
      ])
      out.push(...correlate(g, 'statefulset-controller', 'SuccessfulCreate', occurrences))
    } else {
      const component = g.kind === 'ReplicaSet' ? 'replicaset-controller' : 'daemonset-controller'
      out.push(...correlate(g, component, 'SuccessfulCreate', pods.map((p) => ({ at: at(p), message: `Created pod: ${p.meta.name}` }))))
    }
  }
  return out
}
