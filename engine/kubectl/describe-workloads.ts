/**
 * kubectl describe for deployments, replicasets, statefulsets and daemonsets, in the layout of
 * k8s.io/kubectl/pkg/describe/describe.go (DeploymentDescriber, ReplicaSetDescriber,
 * StatefulSetDescriber, DaemonSetDescriber and the DescribePodTemplate they share), over the
 * object exactly as `kubectl get -o yaml` shows it (workload-objects.ts), so the two agree.
 */
import type { Cluster, GenericObject, Json, JsonObject } from '../model/types.ts'
import { read } from '../cluster/context.ts'
import { tabwrite } from '../text/tabwriter.ts'
import { formatLabels, formatSelector, selectorFromJson } from '../cluster/selector.ts'
import { allWorkloads } from './derived-workloads.ts'
import { workloadJson } from './workload-objects.ts'
import { deploymentReplicaSets } from './workload-status.ts'
import { annotations, multiline, rfc1123z } from './describe-text.ts'
import { describeContainers, describeSpread, describeTolerations, describeVolumes } from './describe-pod.ts'
import { describeEvents, eventsFor } from './events.ts'

const list = (v: Json | undefined): JsonObject[] => (Array.isArray(v) ? v.map(read.fields) : [])
const str = (v: Json | undefined): string => (v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v))
const labels = (v: Json | undefined): Record<string, string> => Object.fromEntries(Object.entries(read.fields(v)).map(([k, x]) => [k, str(x)]))
/** Go's %d of an int32 status field that is omitted when zero */
const int = (v: Json | undefined) => (typeof v === 'number' ? String(v) : '0')

function find(c: Cluster, kind: string, ns: string, name: string): GenericObject | undefined {
  return allWorkloads(c).find((w) => w.kind === kind && w.meta.namespace === ns && w.meta.name === name)
}

/** DescribePodTemplate */
export function describePodTemplate(t: JsonObject): string {
  const meta = read.fields(t.metadata)
  const spec = read.fields(t.spec)
  let w = 'Pod Template:\n'
  w += multiline('  Labels', labels(meta.labels))
  if (Object.keys(read.fields(meta.annotations)).length) w += annotations(labels(meta.annotations)).replace(/^Annotations:/, '  Annotations:')
  if (str(spec.serviceAccountName)) w += `  Service Account:\t${str(spec.serviceAccountName)}\n`
  const init = list(spec.initContainers)
  // a template has no container statuses and no Pod to resolve fieldRefs against
  if (init.length) w += describeContainers('Init Containers', init, [], {}, '  ')
  w += describeContainers('Containers', list(spec.containers), [], {}, '  ')
  w += describeVolumes(list(spec.volumes), '  ')
  w += describeSpread(list(spec.topologySpreadConstraints), '  ')
  if (str(spec.priorityClassName)) w += `  Priority Class Name:\t${str(spec.priorityClassName)}\n`
  w += multiline('  Node-Selectors', labels(spec.nodeSelector))
  w += describeTolerations(list(spec.tolerations), '  ')
  return w
}

/** getPodStatusForController: the Pods the object controls, by phase */
function podsStatus(c: Cluster, g: GenericObject): string {
  const pods = c.pods.filter((p) => p.meta.namespace === g.meta.namespace && p.owner?.kind === g.kind && p.owner.name === g.meta.name)
  const n = (phase: string) => pods.filter((p) => p.phase === phase).length
  return `Pods Status:\t${n('Running')} Running / ${n('Pending')} Waiting / ${n('Succeeded')} Succeeded / ${n('Failed')} Failed\n`
}

/** the Conditions table of deployments and replicasets: type, status, reason */
function conditionsTable(status: JsonObject): string {
  const conds = list(status.conditions)
  if (!conds.length) return ''
  return `Conditions:\n  Type\tStatus\tReason\n  ----\t------\t------\n${conds.map((k) => `  ${str(k.type)} \t${str(k.status)}\t${str(k.reason)}\n`).join('')}`
}

function head(o: JsonObject, withCreation: boolean): string {
  const meta = read.fields(o.metadata)
  let w = `Name:\t${str(meta.name)}\nNamespace:\t${str(meta.namespace)}\n`
  if (withCreation) w += `CreationTimestamp:\t${rfc1123z(str(meta.creationTimestamp))}\n`
  return w
}

const selectorText = (spec: JsonObject) => formatSelector(selectorFromJson(spec.selector))

/** The stored object of one workload, with the three parts every describer reads. */
interface Stored {
  g: GenericObject
  o: JsonObject
  meta: JsonObject
  spec: JsonObject
  status: JsonObject
}

function stored(c: Cluster, kind: string, ns: string, name: string): Stored | undefined {
  const g = find(c, kind, ns, name)
  if (!g) return undefined
  const o = workloadJson(g, c)
  return { g, o, meta: read.fields(o.metadata), spec: read.fields(o.spec), status: read.fields(o.status) }
}

function describeDeployment(c: Cluster, ns: string, name: string): string | undefined {
  const w0 = stored(c, 'Deployment', ns, name)
  if (!w0) return undefined
  const { g, o, meta, spec, status } = w0
  let w = head(o, true)
  w += multiline('Labels', labels(meta.labels))
  w += annotations(labels(meta.annotations))
  w += `Selector:\t${selectorText(spec)}\n`
  w += `Replicas:\t${int(spec.replicas)} desired | ${int(status.updatedReplicas)} updated | ${int(status.replicas)} total | ${int(status.availableReplicas)} available | ${int(status.unavailableReplicas)} unavailable\n`
  const strategy = read.fields(spec.strategy)
  w += `StrategyType:\t${str(strategy.type)}\n`
  w += `MinReadySeconds:\t${int(spec.minReadySeconds)}\n`
  if (strategy.rollingUpdate !== undefined) {
    const ru = read.fields(strategy.rollingUpdate)
    w += `RollingUpdateStrategy:\t${str(ru.maxUnavailable)} max unavailable, ${str(ru.maxSurge)} max surge\n`
  }
  w += describePodTemplate(read.fields(spec.template))
  w += conditionsTable(status)
  // printReplicaSetsByLabels: NAME (status.replicas/spec.replicas replicas created)
  const { newRS, old } = deploymentReplicaSets(c, g)
  if (newRS || old.length) {
    const rsText = (names: string[]) =>
      names
        .map((n) => {
          const rs = find(c, 'ReplicaSet', ns, n)
          const j = rs ? workloadJson(rs, c) : {}
          return `${n} (${int(read.fields(j.status).replicas)}/${int(read.fields(j.spec).replicas)} replicas created)`
        })
        .join(', ') || '<none>'
    w += `OldReplicaSets:\t${rsText(old)}\n`
    w += `NewReplicaSet:\t${rsText(newRS ? [newRS] : [])}\n`
  }
  w += describeEvents(eventsFor(c, 'Deployment', ns, name), c.now)
  return tabwrite(w, 0, 2)
}

function describeReplicaSet(c: Cluster, ns: string, name: string): string | undefined {
  const w0 = stored(c, 'ReplicaSet', ns, name)
  if (!w0) return undefined
  const { g, o, meta, spec, status } = w0
  let w = head(o, false)
  w += `Selector:\t${selectorText(spec)}\n`
  w += multiline('Labels', labels(meta.labels))
  w += annotations(labels(meta.annotations))
  const controller = list(meta.ownerReferences).find((r) => r.controller === true)
  if (controller) w += `Controlled By:\t${str(controller.kind)}/${str(controller.name)}\n`
  w += `Replicas:\t${int(status.replicas)} current / ${int(spec.replicas)} desired\n`
  w += podsStatus(c, g)
  w += describePodTemplate(read.fields(spec.template))
  w += conditionsTable(status)
  w += describeEvents(eventsFor(c, 'ReplicaSet', ns, name), c.now)
  return tabwrite(w, 0, 2)
}

function describeStatefulSet(c: Cluster, ns: string, name: string): string | undefined {
  const w0 = stored(c, 'StatefulSet', ns, name)
  if (!w0) return undefined
  const { g, o, meta, spec, status } = w0
  let w = head(o, true)
  w += `Selector:\t${selectorText(spec)}\n`
  w += multiline('Labels', labels(meta.labels))
  w += annotations(labels(meta.annotations))
  w += `Replicas:\t${int(spec.replicas)} desired | ${int(status.replicas)} total\n`
  const strategy = read.fields(spec.updateStrategy)
  w += `Update Strategy:\t${str(strategy.type)}\n`
  const ru = read.fields(strategy.rollingUpdate)
  if (strategy.rollingUpdate !== undefined && ru.partition !== undefined) {
    w += `  Partition:\t${int(ru.partition)}\n`
    if (ru.maxUnavailable !== undefined) w += `  MaxUnavailable:\t${str(ru.maxUnavailable)}\n`
  }
  w += podsStatus(c, g)
  w += describePodTemplate(read.fields(spec.template))
  // describeVolumeClaimTemplates
  const claims = list(spec.volumeClaimTemplates)
  if (!claims.length) w += 'Volume Claims:\t<none>\n'
  else {
    w += 'Volume Claims:\n'
    for (const pvc of claims) {
      const m = read.fields(pvc.metadata)
      const s = read.fields(pvc.spec)
      w += `  Name:\t${str(m.name)}\n`
      w += `  StorageClass:\t${str(s.storageClassName)}\n`
      w += multiline('  Labels', labels(m.labels))
      w += annotations(labels(m.annotations)).replace(/^Annotations:/, '  Annotations:')
      const storage = read.fields(read.fields(s.resources).requests).storage
      w += `  Capacity:\t${storage === undefined ? '<default>' : str(storage)}\n`
      w += `  Access Modes:\t${read.arr(s.accessModes).map(str).join(', ')}\n`
    }
  }
  w += describeEvents(eventsFor(c, 'StatefulSet', ns, name), c.now)
  return tabwrite(w, 0, 2)
}

function describeDaemonSet(c: Cluster, ns: string, name: string): string | undefined {
  const w0 = stored(c, 'DaemonSet', ns, name)
  if (!w0) return undefined
  const { g, o, meta, spec, status } = w0
  let w = head(o, false)
  w += `Selector:\t${selectorText(spec)}\n`
  w += `Node-Selector:\t${formatLabels(labels(read.fields(read.fields(spec.template).spec).nodeSelector))}\n`
  w += multiline('Labels', labels(meta.labels))
  w += annotations(labels(meta.annotations))
  // these four lines have no tab: they do not align with the rest
  w += `Desired Number of Nodes Scheduled: ${int(status.desiredNumberScheduled)}\n`
  w += `Current Number of Nodes Scheduled: ${int(status.currentNumberScheduled)}\n`
  w += `Number of Nodes Scheduled with Up-to-date Pods: ${int(status.updatedNumberScheduled)}\n`
  w += `Number of Nodes Scheduled with Available Pods: ${int(status.numberAvailable)}\n`
  w += `Number of Nodes Misscheduled: ${int(status.numberMisscheduled)}\n`
  w += podsStatus(c, g)
  w += describePodTemplate(read.fields(spec.template))
  w += describeEvents(eventsFor(c, 'DaemonSet', ns, name), c.now)
  return tabwrite(w, 0, 2)
}

export const WORKLOAD_DESCRIBERS = {
  Deployment: describeDeployment,
  ReplicaSet: describeReplicaSet,
  StatefulSet: describeStatefulSet,
  DaemonSet: describeDaemonSet,
}
