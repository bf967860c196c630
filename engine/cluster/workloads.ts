/**
 * The workload controllers' first job: turning Deployments, ReplicaSets,
 * StatefulSets and DaemonSets into Pods with the names they really get.
 * - Deployment → ReplicaSet `<name>-<pod-template-hash>` → Pods `<rs>-<5 chars>`
 *   (pkg/controller/deployment/util ComputeHash: FNV-32a, rendered by rand.SafeEncodeString)
 * - StatefulSet → `<name>-<ordinal>` with hostname and subdomain = serviceName
 * - DaemonSet → one `<name>-<5 chars>` per node that the Pod tolerates
 * A pasted dump that already holds the Pods (ownerReferences) is not expanded again.
 */
import type { ClusterConfig, JsonObject, LabelSelector } from '../model/types.ts'
import { LIMITS } from '../load/limits.ts'
import { BuildContext, read } from './context.ts'
import type { Loaded } from './context.ts'
import { safeEncodeString, safeRandomString, deterministicUID } from './hash.ts'
import { readPodSpec } from './pod-spec.ts'
import type { PodDraft } from './pod-draft.ts'
import { matchesSelector, selectorFromJson } from './selector.ts'
import { canonicalJsonHash } from './canonical-json.ts'
import { serviceAccountExists } from './service-accounts.ts'

export interface WorkloadRecord {
  loaded: Loaded
  replicas: number
  /** ReplicaSet name of a Deployment */
  replicaSetName?: string
  podTemplateHash?: string
}

function ownedBy(ctx: BuildContext, kind: string, name: string, namespace: string, byKinds: string[]): boolean {
  for (const k of byKinds) {
    for (const o of ctx.objects(k)) {
      if (o.namespace !== namespace) continue
      const owners = read.arr(read.path(o.value, 'metadata', 'ownerReferences'))
      if (owners.some((r) => read.str(read.path(r, 'kind')) === kind && read.str(read.path(r, 'name')) === name)) return true
    }
  }
  return false
}

/** A missing or empty selector, or one the template's labels do not match. */
function badSelector(ctx: BuildContext, w: Loaded, selector: LabelSelector | undefined, labels: Record<string, string>): void {
  if (!selector) {
    ctx.error(w, ['spec', 'selector'], 'spec.selector: Required value')
  } else if (Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0) {
    ctx.error(w, ['spec', 'selector'], 'spec.selector: Invalid value: "null": empty selector is invalid for deployment')
  } else {
    const shown = `map[string]string{${Object.keys(labels).sort().map((k) => `"${k}":"${labels[k]}"`).join(', ')}}`
    ctx.error(w, ['spec', 'template', 'metadata', 'labels'], `spec.template.metadata.labels: Invalid value: ${shown}: \`selector\` does not match template \`labels\``)
  }
}

function badReplicas(ctx: BuildContext, w: Loaded, replicas: number): void {
  if (replicas < 0) ctx.error(w, ['spec', 'replicas'], `spec.replicas: Invalid value: ${replicas}: must be greater than or equal to 0`)
  else ctx.error(w, ['spec', 'replicas'], `spec.replicas: Invalid value: ${replicas}: the simulator runs at most ${LIMITS.maxReplicas} replicas per workload`, 'too-large')
}

export function expandWorkloads(ctx: BuildContext, nodeNames: string[], budget: { pods: number }, config: ClusterConfig): { drafts: PodDraft[]; records: WorkloadRecord[] } {
  const drafts: PodDraft[] = []
  const records: WorkloadRecord[] = []
  // Document order is creation order (kubectl apply -f applies top to bottom)
  const workloads = ['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet']
    .flatMap((k) => ctx.objects(k))
    // a List's items in their order: item 10 after item 2 (index order, as in cluster.ts refOrder)
    .sort((a, b) => a.ref.source - b.ref.source || a.ref.doc - b.ref.doc || Number(a.ref.path[1] ?? 0) - Number(b.ref.path[1] ?? 0))
  for (const w of workloads) {
    const spec = read.obj(w.value.spec) ?? {}
    const template = read.obj(spec.template)
    const tmeta = read.obj(template?.metadata) ?? {}
    const labels = read.labels(tmeta.labels)
    const selector = selectorFromJson(spec.selector)
    let ok = !!selector && (Object.keys(selector.matchLabels ?? {}).length > 0 || (selector.matchExpressions ?? []).length > 0) && matchesSelector(selector, labels)
    if (!ok) badSelector(ctx, w, selector, labels)
    if (!template) {
      ctx.error(w, ['spec', 'template'], 'spec.template: Required value')
      continue
    }
    const podSpec = readPodSpec(ctx, w, ['spec', 'template', 'spec'], read.obj(template.spec))
    if (!podSpec.valid) ok = false
    let replicas = w.kind === 'DaemonSet' ? 0 : (read.num(spec.replicas) ?? 1)
    if (replicas < 0 || replicas > LIMITS.maxReplicas) {
      badReplicas(ctx, w, replicas)
      ok = false
    }
    if (!ok) continue
    const rec: WorkloadRecord = { loaded: w, replicas }
    records.push(rec)
    const base = {
      namespace: w.namespace,
      annotations: read.labels(tmeta.annotations),
      spec: podSpec,
      specJson: read.obj(template.spec) ?? {},
      loaded: w,
      workload: { kind: w.kind, name: w.name },
      system: false,
    }
    const ownerUID = read.str(read.path(w.value, 'metadata', 'uid')) ?? deterministicUID(`${w.kind}/${w.namespace}/${w.name}`)
    const push = (d: PodDraft): boolean => {
      if (budget.pods <= 0) return false
      budget.pods--
      drafts.push(d)
      return true
    }
    const overBudget = () =>
      ctx.error(w, ['spec', 'replicas'], `too many Pods in the scenario (limit ${LIMITS.maxPods}); ${w.kind} ${w.name} was not fully expanded`, 'too-large')

    // ValidatePodCreate refuses a Pod bound to a node while scheduling gates remain: the
    // controller's every create fails (a FailedCreate event on it), so the workload gets no Pods
    const refused = !!podSpec.nodeName && podSpec.schedulingGates.length > 0
    if (refused && !ownedBy(ctx, w.kind, w.name, w.namespace, ['ReplicaSet', 'Pod'])) {
      ctx.warn(w, ['spec', 'template', 'spec', 'nodeName'], `spec.template.spec.nodeName: the API server refuses every Pod made from this template (spec.nodeName: Forbidden: cannot be set until all schedulingGates have been cleared), so ${w.kind} ${w.name} gets no Pods`, 'refused')
      continue
    }

    // the ServiceAccount admission plugin refuses every Pod of a template whose account does not
    // exist: the controller records FailedCreate and retries (kubectl/workload-events.ts)
    const account = read.str(read.path(template, 'spec', 'serviceAccountName')) ?? read.str(read.path(template, 'spec', 'serviceAccount'))
    if (account && !serviceAccountExists(config, ctx.objects('ServiceAccount'), w.namespace, account) && !ownedBy(ctx, w.kind, w.name, w.namespace, ['ReplicaSet', 'Pod'])) {
      const field = read.str(read.path(template, 'spec', 'serviceAccountName')) !== undefined ? 'serviceAccountName' : 'serviceAccount'
      ctx.warn(w, ['spec', 'template', 'spec', field], `spec.template.spec.${field}: the API server refuses every Pod made from this template (error looking up service account ${w.namespace}/${account}: serviceaccount "${account}" not found), so ${w.kind} ${w.name} gets no Pods`, 'refused', `add a ServiceAccount named ${account} in namespace ${w.namespace}`)
      continue
    }

    if (w.kind === 'Deployment') {
      // The ReplicaSet of a pasted dump does the expanding
      if (ownedBy(ctx, 'Deployment', w.name, w.namespace, ['ReplicaSet'])) continue
      // pkg/controller/deployment/deployment_controller.go syncDeployment: a paused Deployment
      // only runs sync (sync.go), which calls getAllReplicaSetsAndSyncRevision with
      // createIfNotExisted=false: created paused, it gets no ReplicaSet, and so no Pods
      if (spec.paused === true) continue
      const hash = safeEncodeString(String(canonicalJsonHash(template)))
      const rsName = `${w.name}-${hash}`
      rec.replicaSetName = rsName
      rec.podTemplateHash = hash
      const rsUID = deterministicUID(`ReplicaSet/${w.namespace}/${rsName}`)
      // replicas share what is the same for all of them (nothing downstream writes to it)
      const podLabels = { ...labels, 'pod-template-hash': hash }
      const owner = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rsName, uid: rsUID }
      const generateName = `${rsName}-`
      for (let i = 0; i < replicas; i++) {
        if (!push({ ...base, name: `${generateName}${safeRandomString(`${rsName}/${i}`, 5)}`, generateName, labels: podLabels, owner })) {
          overBudget()
          break
        }
      }
    } else {
      // ReplicaSets, StatefulSets and DaemonSets of the reader's: compiled only for scenarios that have them (issue 20)
      expandOther(ctx, w, { spec, template, labels, replicas, ownerUID, nodeNames, base, push, overBudget })
    }
  }
  return { drafts, records }
}

/** The Pods of a ReplicaSet, StatefulSet or DaemonSet, as their controllers name and label them. */
function expandOther(
  ctx: BuildContext,
  w: Loaded,
  x: {
    spec: JsonObject
    template: JsonObject
    labels: Record<string, string>
    replicas: number
    ownerUID: string
    nodeNames: string[]
    base: Omit<PodDraft, 'name' | 'labels'>
    push: (d: PodDraft) => boolean
    overBudget: () => void
  },
): void {
  const { spec, template, labels, replicas, ownerUID, nodeNames, base, push, overBudget } = x
  if (w.kind === 'ReplicaSet') {
    if (ownedBy(ctx, 'ReplicaSet', w.name, w.namespace, ['Pod'])) return
    const owners = read.arr(read.path(w.value, 'metadata', 'ownerReferences'))
    const dep = owners.map((o) => read.obj(o)).find((o) => o && o.kind === 'Deployment')
    if (dep) base.workload = { kind: 'Deployment', name: String(dep.name) }
    const owner = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: w.name, uid: ownerUID }
    for (let i = 0; i < replicas; i++) {
      if (!push({ ...base, name: `${w.name}-${safeRandomString(`${w.name}/${i}`, 5)}`, generateName: `${w.name}-`, labels, owner })) {
        overBudget()
        break
      }
    }
  } else if (w.kind === 'StatefulSet') {
    if (ownedBy(ctx, 'StatefulSet', w.name, w.namespace, ['Pod'])) return
    const serviceName = read.str(spec.serviceName)
    const start = read.num(read.path(spec, 'ordinals', 'start')) ?? 0
    const revision = `${w.name}-${safeEncodeString(String(canonicalJsonHash(template)))}`
    for (let i = start; i < start + replicas; i++) {
      const name = `${w.name}-${i}`
      const podLabels = {
        ...labels,
        'apps.kubernetes.io/pod-index': String(i),
        'controller-revision-hash': revision,
        'statefulset.kubernetes.io/pod-name': name,
      }
      // pkg/controller/statefulset updateIdentity: hostname = pod name, subdomain = serviceName
      if (!push({ ...base, name, labels: podLabels, hostname: name, subdomain: serviceName, owner: { apiVersion: 'apps/v1', kind: 'StatefulSet', name: w.name, uid: ownerUID } })) {
        overBudget()
        break
      }
    }
  } else if (w.kind === 'DaemonSet') {
    if (ownedBy(ctx, 'DaemonSet', w.name, w.namespace, ['Pod'])) return
    const revision = safeEncodeString(String(canonicalJsonHash(template))).slice(0, 10)
    for (const node of nodeNames) {
      const d: PodDraft = {
        ...base,
        name: `${w.name}-${safeRandomString(`${w.name}/${node}`, 5)}`,
        generateName: `${w.name}-`,
        labels: { ...labels, 'controller-revision-hash': revision, 'pod-template-generation': '1' },
        owner: { apiVersion: 'apps/v1', kind: 'DaemonSet', name: w.name, uid: ownerUID },
        daemonNode: node,
      }
      if (!push(d)) {
        overBudget()
        break
      }
    }
  }
}

export type { JsonObject }

