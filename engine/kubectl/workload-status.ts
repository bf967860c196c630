/**
 * The status the workload controllers write, computed from the engine's Pods (whose readiness
 * comes from their probes and readiness gates) and the simulated clock:
 * - Deployment: pkg/controller/deployment/sync.go calculateStatus, progress.go syncRolloutStatus,
 *   util/deployment_util.go (condition reasons and messages, DeploymentComplete, DeploymentTimedOut)
 * - ReplicaSet: pkg/controller/replicaset/replica_set_utils.go calculateStatus
 * - StatefulSet: pkg/controller/statefulset/stateful_set_control.go updateStatefulSet status
 * - DaemonSet: pkg/controller/daemon/daemon_controller.go updateDaemonSetStatus
 * Availability is podutil.IsPodAvailable: Ready, and Ready for longer than minReadySeconds.
 * Every object has been through one generation (metadata.generation 1, observedGeneration 1).
 */
import type { Cluster, GenericObject, JsonObject, Pod } from '../model/types.ts'
import { read } from '../cluster/context.ts'
import { isoSeconds } from '../cluster/probes.ts'
import { maxUnavailable } from './workload-defaults.ts'
import { allWorkloads } from './derived-workloads.ts'
import { safeEncodeString } from '../cluster/hash.ts'
import { canonicalJsonHash } from '../cluster/canonical-json.ts'
import { daemonNodes, failedCreateMessage, missingTemplateAccount } from './refused-pods.ts'

/** when the Pod's Ready condition last changed (as podJson reports it) */
export function readySinceMs(p: Pod): number {
  const changes = p.containers.map((c) => c.probes?.readyChanged).filter((x): x is number => x !== undefined)
  return changes.length ? Math.max(...changes) : Date.parse(p.meta.creationTimestamp)
}

/** the instant the Pod counts as available, or undefined if it does not (yet) */
export function availableAt(p: Pod, minReadySeconds: number, now: number): number | undefined {
  if (!p.ready) return undefined
  const at = readySinceMs(p) + minReadySeconds * 1000
  // IsPodAvailable: with minReadySeconds, Ready must have lasted longer than that (Before(now))
  if (minReadySeconds > 0 ? at < now : at <= now) return at
  return undefined
}

/** controller.FilterActivePods: neither finished nor being deleted */
const active = (p: Pod) => p.phase !== 'Succeeded' && p.phase !== 'Failed' && !p.terminating

/** controller.FilterTerminatingPods: being deleted, not finished */
function terminatingCount(c: Cluster, g: GenericObject): number {
  const ns = g.meta.namespace
  const name = g.meta.name
  return c.pods.filter(
    (p) => p.meta.namespace === ns && p.terminating && p.phase !== 'Succeeded' && p.phase !== 'Failed' && (g.kind === 'Deployment' ? p.workload?.kind === 'Deployment' && p.workload.name === name && p.owner?.kind === 'ReplicaSet' : p.owner?.kind === g.kind && p.owner.name === name),
  ).length
}

/** the Pods a workload's controller owns (a Deployment's: those of its ReplicaSets), active only */
export function workloadPods(c: Cluster, g: GenericObject): Pod[] {
  const ns = g.meta.namespace
  const name = g.meta.name
  return c.pods.filter(
    (p) => p.meta.namespace === ns && active(p) && (g.kind === 'Deployment' ? p.workload?.kind === 'Deployment' && p.workload.name === name && p.owner?.kind === 'ReplicaSet' : p.owner?.kind === g.kind && p.owner.name === name),
  )
}

const num = (v: unknown, d: number) => (typeof v === 'number' ? v : d)
const iso = isoSeconds

/** a status without its zero omitempty fields */
function omitZero(o: JsonObject, keep: string[] = []): JsonObject {
  for (const k of Object.keys(o)) if (o[k] === 0 && !keep.includes(k)) delete o[k]
  return o
}

/** the template hash the controllers name things by (cluster/workloads.ts: ComputeHash, SafeEncodeString) */
export function templateHash(g: GenericObject): string {
  return safeEncodeString(String(canonicalJsonHash(read.obj(read.fields(g.raw.spec).template) ?? {})))
}

/** the ReplicaSets of a Deployment (those it controls): the new one is its current template's */
export function deploymentReplicaSets(c: Cluster, g: GenericObject): { newRS?: string; old: string[] } {
  const names = allWorkloads(c)
    .filter((w) => w.kind === 'ReplicaSet' && w.meta.namespace === g.meta.namespace && w.meta.ownerReferences?.some((o) => o.kind === 'Deployment' && o.name === g.meta.name))
    .map((w) => w.meta.name)
    .sort()
  if (names.length === 0) return { old: [] }
  const own = `${g.meta.name}-${templateHash(g)}`
  const newRS = names.includes(own) ? own : names[names.length - 1]
  return { newRS, old: names.filter((n) => n !== newRS) }
}

export function deploymentStatus(c: Cluster, g: GenericObject, spec: JsonObject): JsonObject {
  const now = Date.parse(c.now)
  const created = Date.parse(g.meta.creationTimestamp)
  const replicas = num(spec.replicas, 1)
  const minReady = num(spec.minReadySeconds, 0)
  const pods = workloadPods(c, g)
  const { newRS } = deploymentReplicaSets(c, g)
  const newPods = pods.filter((p) => p.owner?.name === newRS)
  const avail = pods.map((p) => availableAt(p, minReady, now)).filter((x): x is number => x !== undefined).sort((a, b) => a - b)
  const paused = spec.paused === true
  // GetReplicaCountForReplicaSets sums the ReplicaSets' spec.replicas: the new one's is the Deployment's
  const total = newRS ? replicas : 0
  const status: JsonObject = {
    observedGeneration: 1,
    replicas: pods.length,
    updatedReplicas: newPods.length,
    readyReplicas: pods.filter((p) => p.ready).length,
    availableReplicas: avail.length,
    unavailableReplicas: Math.max(0, total - avail.length),
    // DeploymentReplicaSetTerminatingReplicas (beta, on by default since v1.35): a pointer, so 0 is written;
    // the sum over its ReplicaSets, none when it has none
    ...(newRS ? { terminatingReplicas: terminatingCount(c, g) } : {}),
  }
  const cond = (type: string, st: string, reason: string, message: string, transition: number, update = transition): JsonObject => ({
    lastTransitionTime: iso(transition),
    lastUpdateTime: iso(update),
    message,
    reason,
    status: st,
    type,
  })
  // calculateStatus: Available once enough Pods are, allowing for maxUnavailable
  const need = replicas - maxUnavailable(spec)
  const available =
    avail.length >= need
      ? cond('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.', need <= 0 ? created : Math.max(created, avail[need - 1]))
      : cond('Available', 'False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.', created)
  const conditions: JsonObject[] = []
  if (paused) {
    // checkPausedConditions runs before the status sync, so Progressing comes first
    conditions.push(cond('Progressing', 'Unknown', 'DeploymentPaused', 'Deployment is paused', created), available)
  } else {
    conditions.push(available)
    const deadline = spec.progressDeadlineSeconds
    // HasProgressDeadline: none when unset or math.MaxInt32
    if (newRS && typeof deadline === 'number' && deadline !== 2147483647) {
      const complete = newPods.length === replicas && pods.length === replicas && avail.length >= replicas
      const lastProgress = avail.length ? Math.max(created, avail[avail.length - 1]) : created
      const rs = failedReplicaSet(c, g, newRS)
      if (complete) conditions.push(cond('Progressing', 'True', 'NewReplicaSetAvailable', `ReplicaSet "${newRS}" has successfully progressed.`, created, lastProgress))
      // no Pod ever made, so no progress: the condition getNewReplicaSet set when it created the ReplicaSet
      // stays first, ahead of the Available that calculateStatus appended after it (SetDeploymentCondition
      // moves a changed condition to the end)
      else if (rs && lastProgress + deadline * 1000 >= now) conditions.unshift(cond('Progressing', 'True', 'NewReplicaSetCreated', `Created new replica set "${newRS}"`, created))
      // DeploymentTimedOut: the last progress plus the deadline is before now
      else if (lastProgress + deadline * 1000 < now) {
        const at = lastProgress + deadline * 1000
        conditions.push(cond('Progressing', 'False', 'ProgressDeadlineExceeded', `ReplicaSet "${newRS}" has timed out progressing.`, at))
      } else conditions.push(cond('Progressing', 'True', 'ReplicaSetUpdated', `ReplicaSet "${newRS}" is progressing.`, created, lastProgress))
    }
  }
  // syncRolloutStatus moves its ReplicaSet's ReplicaFailure onto it (ReplicaSetToDeploymentCondition), last
  const failed = newRS ? failedReplicaSet(c, g, newRS) : undefined
  const failure = failed ? replicaFailure(c, failed) : undefined
  if (failure) conditions.push({ ...failure, lastUpdateTime: failure.lastTransitionTime })
  status.conditions = conditions
  return omitZero(status, ['terminatingReplicas'])
}

/** the Deployment's new ReplicaSet when its Pods are refused (refused-pods.ts) */
function failedReplicaSet(c: Cluster, g: GenericObject, newRS: string): GenericObject | undefined {
  const rs = allWorkloads(c).find((w) => w.kind === 'ReplicaSet' && w.meta.namespace === g.meta.namespace && w.meta.name === newRS)
  return rs && replicaFailure(c, rs) ? rs : undefined
}

/**
 * replica_set_utils.go calculateStatus: a failed create adds ReplicaFailure (reason FailedCreate,
 * the create's error), kept while Pods are missing; the Deployment controller copies it onto its
 * Deployment (progress.go syncRolloutStatus).
 */
export function replicaFailure(c: Cluster, rs: GenericObject): JsonObject | undefined {
  const account = missingTemplateAccount(c, rs)
  if (account === undefined || workloadPods(c, rs).length > 0) return undefined
  const message = failedCreateMessage(rs, account).replace(/^Error creating: /, '')
  return { lastTransitionTime: rs.meta.creationTimestamp, message, reason: 'FailedCreate', status: 'True', type: 'ReplicaFailure' }
}

export function replicaSetStatus(c: Cluster, g: GenericObject, spec: JsonObject): JsonObject {
  const now = Date.parse(c.now)
  const pods = workloadPods(c, g)
  const minReady = num(spec.minReadySeconds, 0)
  const failure = replicaFailure(c, g)
  return omitZero(
    {
      ...(failure ? { conditions: [failure] } : {}),
      // every Pod the controller made carries the template's labels
      availableReplicas: pods.filter((p) => availableAt(p, minReady, now) !== undefined).length,
      fullyLabeledReplicas: pods.length,
      observedGeneration: 1,
      readyReplicas: pods.filter((p) => p.ready).length,
      replicas: pods.length,
      // DeploymentReplicaSetTerminatingReplicas (beta, on by default since v1.35)
      terminatingReplicas: terminatingCount(c, g),
    },
    ['replicas', 'terminatingReplicas'],
  )
}

export function statefulSetStatus(c: Cluster, g: GenericObject, spec: JsonObject, revision: string): JsonObject {
  const now = Date.parse(c.now)
  const pods = workloadPods(c, g)
  const minReady = num(spec.minReadySeconds, 0)
  const current = pods.filter((p) => p.meta.labels['controller-revision-hash'] === revision).length
  return omitZero(
    {
      availableReplicas: pods.filter((p) => availableAt(p, minReady, now) !== undefined).length,
      collisionCount: 0,
      currentReplicas: current,
      currentRevision: revision,
      observedGeneration: 1,
      readyReplicas: pods.filter((p) => p.ready).length,
      replicas: pods.length,
      updateRevision: revision,
      updatedReplicas: current,
    },
    ['replicas', 'availableReplicas', 'collisionCount'],
  )
}

export function daemonSetStatus(c: Cluster, g: GenericObject, spec: JsonObject): JsonObject {
  const now = Date.parse(c.now)
  const pods = workloadPods(c, g)
  const minReady = num(spec.minReadySeconds, 0)
  // the controller counts a node as scheduled once its daemon Pod exists, bound or still pending (nodesShouldRunDaemonPod)
  const scheduled = pods
  const available = scheduled.filter((p) => availableAt(p, minReady, now) !== undefined).length
  // a DaemonSet whose every Pod is refused (refused-pods.ts) still counts the nodes it should run on
  const desired = pods.length === 0 && missingTemplateAccount(c, g) !== undefined ? daemonNodes(c, g) : pods.length
  return omitZero(
    {
      currentNumberScheduled: scheduled.length,
      desiredNumberScheduled: desired,
      numberAvailable: available,
      numberMisscheduled: 0,
      numberReady: scheduled.filter((p) => p.ready).length,
      numberUnavailable: desired - available,
      observedGeneration: 1,
      updatedNumberScheduled: scheduled.length,
    },
    ['currentNumberScheduled', 'desiredNumberScheduled', 'numberMisscheduled', 'numberReady'],
  )
}

/** the StatefulSet's revision name, as its Pods' controller-revision-hash label carries it */
export function statefulSetRevision(c: Cluster, g: GenericObject): string {
  const p = c.pods.find((x) => x.meta.namespace === g.meta.namespace && x.owner?.kind === 'StatefulSet' && x.owner.name === g.meta.name && x.meta.labels['controller-revision-hash'])
  return p?.meta.labels['controller-revision-hash'] ?? `${g.meta.name}-${templateHash(g)}`
}
