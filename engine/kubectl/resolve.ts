/**
 * Finds the Pod that `kubectl exec` (and the engine's own verbs) mean by
 * `name`, `pod/name`, or a workload reference such as `deploy/web`, for which
 * kubectl picks the first Pod of the workload (kubectl's polymorphichelpers
 * AttachablePodForObject: sorted by the ActivePods order, ready Pods first).
 */
import type { Cluster, Pod } from '../model/types.ts'

const WORKLOAD_KINDS: Record<string, string> = {
  deploy: 'Deployment',
  deployment: 'Deployment',
  deployments: 'Deployment',
  sts: 'StatefulSet',
  statefulset: 'StatefulSet',
  statefulsets: 'StatefulSet',
  ds: 'DaemonSet',
  daemonset: 'DaemonSet',
  daemonsets: 'DaemonSet',
  rs: 'ReplicaSet',
  replicaset: 'ReplicaSet',
  replicasets: 'ReplicaSet',
  svc: 'Service',
  service: 'Service',
  services: 'Service',
}

export function resolvePodRef(cluster: Cluster, namespace: string, ref: string): { pod: Pod } | { error: string } {
  const slash = ref.indexOf('/')
  if (slash < 0 || ['pod', 'pods', 'po'].includes(ref.slice(0, slash))) {
    const name = slash < 0 ? ref : ref.slice(slash + 1)
    const pod = cluster.index.pod.get(`${namespace}/${name}`)
    return pod ? { pod } : { error: `Error from server (NotFound): pods "${name}" not found` }
  }
  // deploy/NAME, svc/NAME …: compiled only when a run names a Pod that way (issue 20)
  return podOfWorkload(cluster, namespace, ref, slash)
}

/** The Pod `kubectl exec/logs TYPE/NAME` picks: ready ones first, then by name. */
function podOfWorkload(cluster: Cluster, namespace: string, ref: string, slash: number): { pod: Pod } | { error: string } {
  const type = ref.slice(0, slash)
  const name = ref.slice(slash + 1)
  const kind = WORKLOAD_KINDS[type]
  if (!kind) return { error: `error: the server doesn't have a resource type "${type}"` }
  let candidates: Pod[]
  if (kind === 'Service') {
    const svc = cluster.index.service.get(`${namespace}/${name}`)
    if (!svc) return { error: `Error from server (NotFound): services "${name}" not found` }
    if (!svc.selector) return { error: `error: cannot attach to *v1.Service: invalid service '${name}': Service is defined without a selector` }
    candidates = cluster.pods.filter((p) => p.meta.namespace === namespace && Object.entries(svc.selector!).every(([k, v]) => p.meta.labels[k] === v))
  } else {
    const exists = cluster.workloads.some((w) => w.kind === kind && w.meta.namespace === namespace && w.meta.name === name)
    candidates = cluster.pods.filter(
      (p) => p.meta.namespace === namespace && ((p.workload?.kind === kind && p.workload.name === name) || (p.owner?.kind === kind && p.owner.name === name)),
    )
    if (!exists && candidates.length === 0) return { error: `Error from server (NotFound): ${kind.toLowerCase()}s.apps "${name}" not found` }
  }
  const ordered = [...candidates].sort((a, b) => Number(b.ready) - Number(a.ready) || (a.meta.name < b.meta.name ? -1 : 1))
  if (ordered.length === 0) return { error: `error: no pods found for ${type}/${name}` }
  return { pod: ordered[0] }
}
