/**
 * Deployments, ReplicaSets, StatefulSets and DaemonSets as the API server stores them:
 * the defaults of pkg/apis/apps/v1/defaults.go on the spec, SetDefaults_PodSpec and
 * SetDefaults_Container on the Pod template (pkg/apis/core/v1/defaults.go: a template is
 * no Pod, so SetDefaults_Pod's enableServiceLinks and the admission plugins' priority,
 * service account and tolerations are not there), and what the controllers write into
 * metadata. A value the author (or a pasted dump) set is kept.
 */
import { read } from '../cluster/context.ts'
import type { JsonObject } from '../model/types.ts'
import { defaultContainer, defaultVolume } from './pod-defaults.ts'

/** SetDefaults_PodSpec and the containers' and volumes' defaults, over a template's spec */
export function defaultTemplateSpec(spec: JsonObject): JsonObject {
  const hostNetwork = spec.hostNetwork === true
  const out: JsonObject = {
    dnsPolicy: 'ClusterFirst',
    restartPolicy: 'Always',
    schedulerName: 'default-scheduler',
    securityContext: {},
    terminationGracePeriodSeconds: 30,
    ...spec,
  }
  if (Array.isArray(spec.containers)) out.containers = spec.containers.map((c) => defaultContainer(read.fields(c), hostNetwork))
  if (Array.isArray(spec.initContainers)) out.initContainers = spec.initContainers.map((c) => defaultContainer(read.fields(c), hostNetwork))
  if (Array.isArray(spec.volumes)) out.volumes = spec.volumes.map((v) => defaultVolume(read.fields(v)))
  // the v1 conversion fills each of serviceAccountName and the deprecated serviceAccount from the other
  // (Convert_v1_PodSpec_To_core_PodSpec, Convert_core_PodSpec_To_v1_PodSpec)
  const account = read.str(spec.serviceAccountName) || read.str(spec.serviceAccount)
  if (account) Object.assign(out, { serviceAccount: account, serviceAccountName: account })
  return out
}

function defaultTemplate(t: JsonObject | undefined): JsonObject | undefined {
  if (!t) return undefined
  return { ...t, spec: defaultTemplateSpec(read.fields(t.spec)) }
}

/** SetDefaults_Deployment / _ReplicaSet / _StatefulSet / _DaemonSet over spec */
export function defaultWorkloadSpec(kind: string, spec: JsonObject): JsonObject {
  const out: JsonObject = { ...spec }
  const template = defaultTemplate(read.obj(spec.template))
  if (template) out.template = template
  if (kind !== 'DaemonSet' && out.replicas === undefined) out.replicas = 1
  if (kind === 'Deployment') {
    const strategy = { ...read.fields(spec.strategy) }
    strategy.type ??= 'RollingUpdate'
    if (strategy.type === 'RollingUpdate') strategy.rollingUpdate = { maxSurge: '25%', maxUnavailable: '25%', ...read.fields(strategy.rollingUpdate) }
    out.strategy = strategy
    out.revisionHistoryLimit ??= 10
    out.progressDeadlineSeconds ??= 600
  } else if (kind === 'StatefulSet') {
    out.podManagementPolicy ??= 'OrderedReady'
    const strategy = { ...read.fields(spec.updateStrategy) }
    strategy.type ??= 'RollingUpdate'
    // partition 0; maxUnavailable 1 since the MaxUnavailableStatefulSet gate went beta, on by default (v1.35)
    if (strategy.type === 'RollingUpdate') strategy.rollingUpdate = { maxUnavailable: 1, partition: 0, ...read.fields(strategy.rollingUpdate) }
    out.updateStrategy = strategy
    out.revisionHistoryLimit ??= 10
    // StatefulSetAutoDeletePVC (GA in v1.32) defaults both policies to Retain
    out.persistentVolumeClaimRetentionPolicy = { whenDeleted: 'Retain', whenScaled: 'Retain', ...read.fields(spec.persistentVolumeClaimRetentionPolicy) }
  } else if (kind === 'DaemonSet') {
    const strategy = { ...read.fields(spec.updateStrategy) }
    strategy.type ??= 'RollingUpdate'
    if (strategy.type === 'RollingUpdate') strategy.rollingUpdate = { maxSurge: 0, maxUnavailable: 1, ...read.fields(strategy.rollingUpdate) }
    out.updateStrategy = strategy
    out.revisionHistoryLimit ??= 10
  }
  return out
}

/** intstr.GetScaledValueFromIntOrPercent: an int as is, "N%" of total rounded up or down */
export function scaledValue(v: unknown, total: number, roundUp: boolean): number {
  if (typeof v === 'number') return v
  const m = typeof v === 'string' ? /^(\d+)%$/.exec(v) : null
  if (!m) return 0
  const x = (Number(m[1]) * total) / 100
  return roundUp ? Math.ceil(x) : Math.floor(x)
}

/**
 * deploymentutil.ResolveFenceposts: maxSurge rounds up, maxUnavailable down; both zero
 * would stall a rollout, so maxUnavailable becomes 1.
 */
export function fenceposts(spec: JsonObject): { surge: number; unavailable: number } {
  const replicas = typeof spec.replicas === 'number' ? spec.replicas : 1
  const ru = read.fields(read.fields(spec.strategy).rollingUpdate)
  if (read.fields(spec.strategy).type !== 'RollingUpdate') return { surge: 0, unavailable: 0 }
  const surge = scaledValue(ru.maxSurge ?? '25%', replicas, true)
  let unavailable = scaledValue(ru.maxUnavailable ?? '25%', replicas, false)
  if (surge === 0 && unavailable === 0) unavailable = 1
  return { surge, unavailable }
}

/** deploymentutil.MaxUnavailable: 0 unless RollingUpdate with replicas, at most replicas */
export function maxUnavailable(spec: JsonObject): number {
  const replicas = typeof spec.replicas === 'number' ? spec.replicas : 1
  if (read.fields(spec.strategy).type !== 'RollingUpdate' || replicas === 0) return 0
  return Math.min(fenceposts(spec).unavailable, replicas)
}
