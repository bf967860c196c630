/**
 * The workload objects a real cluster holds beyond the ones the reader wrote: the add-ons'
 * own (CoreDNS's Deployment, kube-proxy's and the CNI agent's DaemonSets) and the ReplicaSet
 * each Deployment's controller creates. They are rebuilt from the Pods that name them as
 * owner, so `kubectl get ds -n kube-system` or `kubectl get rs` lists what is really running.
 */
import type { Cluster, GenericObject, JsonObject, Pod } from '../model/types.ts'
import { makeMeta } from '../cluster/meta.ts'
import { read } from '../cluster/context.ts'
import { deterministicUID, safeEncodeString } from '../cluster/hash.ts'
import { canonicalJsonHash } from '../cluster/canonical-json.ts'
import { ADDON_WORKLOAD_SPEC, addonDaemonSets } from '../cluster/system.ts'
import { ADDON_DAEMONSETS } from '../cluster/addon-manifests.ts'
import { missingTemplateAccount } from './refused-pods.ts'

const cache = new WeakMap<Cluster, GenericObject[]>()

/** Every Deployment, ReplicaSet, StatefulSet and DaemonSet: the reader's and the derived ones, by namespace and name. */
export function allWorkloads(c: Cluster): GenericObject[] {
  let list = cache.get(c)
  if (!list) cache.set(c, (list = build(c)))
  return list
}

function build(c: Cluster): GenericObject[] {
  const have = new Set(c.workloads.map((w) => `${w.kind}/${w.meta.namespace}/${w.meta.name}`))
  const derived = new Map<string, { kind: string; name: string; pods: Pod[]; deployment?: string }>()
  const note = (kind: string, name: string, pod: Pod, deployment?: string) => {
    const k = `${kind}/${pod.meta.namespace}/${name}`
    if (have.has(k)) return
    const d = derived.get(k)
    if (d) d.pods.push(pod)
    else derived.set(k, { kind, name, pods: [pod], deployment })
  }
  for (const p of c.pods) {
    if (p.workload && p.workload.kind !== 'ReplicaSet') note(p.workload.kind, p.workload.name, p)
    // a Deployment's Pods belong to its ReplicaSet, named after the Deployment and the template hash
    if (p.owner?.kind === 'ReplicaSet') note('ReplicaSet', p.owner.name, p, p.workload?.kind === 'Deployment' ? p.workload.name : undefined)
  }
  const out = [...c.workloads]
  for (const d of derived.values()) {
    const first = d.pods[0]
    const namespace = first.meta.namespace
    const labels = { ...first.meta.labels }
    // the template's labels, without what each Pod gets of its own
    for (const k of ['controller-revision-hash', 'pod-template-generation', 'statefulset.kubernetes.io/pod-name', 'apps.kubernetes.io/pod-index']) delete labels[k]
    // only a ReplicaSet's template and selector carry the hash; a Deployment's never do
    if (d.kind !== 'ReplicaSet') delete labels['pod-template-hash']
    const selector = { ...labels }
    // an add-on's object may carry labels its template does not (kube-flannel.yml's k8s-app)
    const objectLabels = (!first.source ? ADDON_DAEMONSETS[`${d.kind}/${namespace}/${d.name}`]?.labels : undefined)
      ?? (d.kind === 'ReplicaSet' ? labels : Object.fromEntries(Object.entries(labels).filter(([k]) => k !== 'pod-template-hash')))
    const spec: JsonObject = {
      selector: { matchLabels: selector },
      template: { metadata: { labels }, spec: templateSpec(first) },
    }
    if (d.kind !== 'DaemonSet') spec.replicas = d.pods.length
    if (!first.source) Object.assign(spec, ADDON_WORKLOAD_SPEC[`${d.kind}/${namespace}/${d.name}`])
    const owner = d.deployment ? c.workloads.find((w) => w.kind === 'Deployment' && w.meta.namespace === namespace && w.meta.name === d.deployment) : undefined
    // the Deployment controller's ReplicaSet: its template (with the hash label), replicas and minReadySeconds (sync.go getNewReplicaSet)
    const ownerSpec = owner ? read.fields(owner.raw.spec) : undefined
    const ownerTemplate = ownerSpec ? read.obj(ownerSpec.template) : undefined
    if (ownerSpec && ownerTemplate) {
      const tmeta = read.fields(ownerTemplate.metadata)
      spec.template = { ...ownerTemplate, metadata: { ...tmeta, labels: { ...read.labels(tmeta.labels), 'pod-template-hash': labels['pod-template-hash'] ?? '' } } }
      spec.replicas = typeof ownerSpec.replicas === 'number' ? ownerSpec.replicas : 1
      if (typeof ownerSpec.minReadySeconds === 'number') spec.minReadySeconds = ownerSpec.minReadySeconds
    }
    const meta = makeMeta({
      kind: d.kind,
      name: d.name,
      namespace,
      labels: objectLabels,
      system: !first.source,
      // its Deployment: the reader's, or one derived here too (the add-ons' CoreDNS), whose uid makeMeta derives alike
      ownerReferences: d.deployment
        ? [{ apiVersion: 'apps/v1', kind: 'Deployment', name: d.deployment, uid: owner?.meta.uid ?? deterministicUID(`Deployment/${namespace}/${d.deployment}`), controller: true, blockOwnerDeletion: true }]
        : undefined,
    })
    // as old as the Pods it made (they are created right after it)
    meta.creationTimestamp = owner?.meta.creationTimestamp ?? first.meta.creationTimestamp
    out.push({ apiVersion: 'apps/v1', kind: d.kind, meta, spec, status: {}, raw: { apiVersion: 'apps/v1', kind: d.kind, spec } })
  }
  // an add-on's DaemonSet whose template no node accepts (kube-flannel.yml tolerates NoSchedule taints
  // only, so a NoExecute taint keeps flanneld off that node) is there all the same, with no Pods
  for (const a of addonDaemonSets(c.config)) {
    const k = `DaemonSet/${a.namespace}/${a.name}`
    if (have.has(k) || derived.has(k)) continue
    const spec: JsonObject = { selector: { matchLabels: { ...a.labels } }, template: { metadata: { labels: { ...a.labels } }, spec: a.spec }, ...ADDON_WORKLOAD_SPEC[k] }
    const meta = makeMeta({ kind: 'DaemonSet', name: a.name, namespace: a.namespace, labels: ADDON_DAEMONSETS[k]?.labels ?? a.labels, system: true })
    out.push({ apiVersion: 'apps/v1', kind: 'DaemonSet', meta, spec, status: {}, raw: { apiVersion: 'apps/v1', kind: 'DaemonSet', spec } })
  }
  // a Deployment scaled to zero has its ReplicaSet all the same, with no Pods to derive it from
  // (sync.go getNewReplicaSet creates it whatever the replica count; a paused one gets none);
  // so does one whose Pods the ServiceAccount plugin refuses (refused-pods.ts)
  for (const w of c.workloads) {
    if (w.kind !== 'Deployment' || w.source === undefined) continue
    const spec = read.fields(w.raw.spec)
    const template = read.obj(spec.template)
    if (spec.paused === true || !template || (spec.replicas !== 0 && missingTemplateAccount(c, w) === undefined)) continue
    if (out.some((x) => x.kind === 'ReplicaSet' && x.meta.namespace === w.meta.namespace && x.meta.ownerReferences?.some((o) => o.kind === 'Deployment' && o.name === w.meta.name))) continue
    // cluster/workloads.ts names it the same way: NAME-<ComputeHash of the template>
    const hash = safeEncodeString(String(canonicalJsonHash(template)))
    const tmeta = read.fields(template.metadata)
    const labels = { ...read.labels(tmeta.labels), 'pod-template-hash': hash }
    const selector = read.fields(spec.selector)
    const rsSpec: JsonObject = {
      replicas: typeof spec.replicas === 'number' ? spec.replicas : 1,
      selector: { ...selector, matchLabels: { ...read.labels(selector.matchLabels), 'pod-template-hash': hash } },
      template: { ...template, metadata: { ...tmeta, labels } },
    }
    if (typeof spec.minReadySeconds === 'number') rsSpec.minReadySeconds = spec.minReadySeconds
    const meta = makeMeta({
      kind: 'ReplicaSet',
      name: `${w.meta.name}-${hash}`,
      namespace: w.meta.namespace,
      labels,
      system: false,
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: w.meta.name, uid: w.meta.uid, controller: true, blockOwnerDeletion: true }],
    })
    meta.creationTimestamp = w.meta.creationTimestamp
    out.push({ apiVersion: 'apps/v1', kind: 'ReplicaSet', meta, spec: rsSpec, status: {}, raw: { apiVersion: 'apps/v1', kind: 'ReplicaSet', spec: rsSpec } })
  }
  return out
}

/**
 * The Pod template a controller created `pod` from: an add-on's Pod spec is its manifest's template
 * (cluster/system.ts), less what the scheduler set (nodeName); a Pod of the reader's whose
 * controller object is not in the scenario keeps only what is certain (its containers and nodeSelector).
 */
function templateSpec(pod: Pod): JsonObject {
  const raw = read.obj(pod.raw.spec)
  if (!pod.source && raw) {
    const { nodeName: _bound, ...spec } = raw
    return spec
  }
  const containers = pod.containers.map((x): JsonObject => ({ name: x.name, image: x.image }))
  return { containers, ...(Object.keys(pod.nodeSelector).length ? { nodeSelector: { ...pod.nodeSelector } } : {}) }
}
