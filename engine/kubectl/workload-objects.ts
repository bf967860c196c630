/**
 * A Deployment, ReplicaSet, StatefulSet or DaemonSet as `kubectl get -o yaml` shows it: the
 * stored spec with its defaults (workload-defaults.ts), the metadata the API server and the
 * controllers add, and the status the controllers write (workload-status.ts).
 */
import type { Cluster, GenericObject, JsonObject } from '../model/types.ts'
import { read } from '../cluster/context.ts'
import { genericJson } from './api-objects.ts'
import { allWorkloads } from './derived-workloads.ts'
import { defaultWorkloadSpec, fenceposts } from './workload-defaults.ts'
import { daemonSetStatus, deploymentReplicaSets, deploymentStatus, replicaSetStatus, statefulSetRevision, statefulSetStatus } from './workload-status.ts'

const cache = new WeakMap<GenericObject, { c: Cluster; json: JsonObject }>()

/** the Deployment a ReplicaSet belongs to (its controller owner), if the cluster has it */
export function owningDeployment(c: Cluster, g: GenericObject): GenericObject | undefined {
  const ref = g.meta.ownerReferences?.find((o) => o.kind === 'Deployment')
  if (!ref) return undefined
  return allWorkloads(c).find((w) => w.kind === 'Deployment' && w.meta.namespace === g.meta.namespace && w.meta.name === ref.name)
}

export function workloadJson(g: GenericObject, c: Cluster): JsonObject {
  const hit = cache.get(g)
  if (hit && hit.c === c) return hit.json
  const base = genericJson(g)
  const spec = defaultWorkloadSpec(g.kind, read.fields(base.spec))
  const metadata = { ...read.fields(base.metadata) }
  const rawMeta = read.fields(read.fields(g.raw).metadata)
  // a new object's generation is 1 (registry PrepareForCreate); a pasted dump's is kept
  metadata.generation = typeof rawMeta.generation === 'number' ? rawMeta.generation : 1
  const annotations: Record<string, string> = { ...g.meta.annotations }
  let status: JsonObject
  if (g.kind === 'Deployment') {
    status = deploymentStatus(c, g, spec)
    // deploymentutil.SetNewReplicaSetAnnotations: the revision, once the Deployment has a ReplicaSet
    if (deploymentReplicaSets(c, g).newRS) annotations['deployment.kubernetes.io/revision'] ??= '1'
  } else if (g.kind === 'ReplicaSet') {
    const d = owningDeployment(c, g)
    if (d) {
      const dspec = defaultWorkloadSpec('Deployment', read.fields(d.raw.spec))
      const replicas = typeof dspec.replicas === 'number' ? dspec.replicas : 1
      // SetReplicasAnnotations (desired and max = desired + maxSurge) and the revision
      annotations['deployment.kubernetes.io/desired-replicas'] ??= String(replicas)
      annotations['deployment.kubernetes.io/max-replicas'] ??= String(replicas + fenceposts(dspec).surge)
      annotations['deployment.kubernetes.io/revision'] ??= '1'
    }
    status = replicaSetStatus(c, g, spec)
  } else if (g.kind === 'StatefulSet') {
    status = statefulSetStatus(c, g, spec, statefulSetRevision(c, g))
  } else {
    // the DaemonSet controller's template generation (kept for old clients)
    annotations['deprecated.daemonset.template.generation'] ??= '1'
    status = daemonSetStatus(c, g, spec)
  }
  // the controller has seen the spec as it is (the simulator shows the settled state)
  if (status.observedGeneration !== undefined) status.observedGeneration = metadata.generation
  if (Object.keys(annotations).length) metadata.annotations = annotations
  const json: JsonObject = { ...base, metadata, spec, status }
  cache.set(g, { c, json })
  return json
}
