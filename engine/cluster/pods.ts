/**
 * Pods from every source, bound to nodes and given addresses. Anything a
 * pasted manifest records (spec.nodeName, status.hostIP, status.podIP(s),
 * readiness) wins over the simulated scheduler and IPAM.
 */
import { canonicalIP, parseAddr, parsePrefix, prefixContains } from '../net/ip.ts'
import type { ClusterConfig, Json, JsonObject, Node, ObjectMeta, Pod } from '../model/types.ts'
import { BuildContext, read } from './context.ts'
import type { Loaded } from './context.ts'
import { makeMeta } from './meta.ts'
import type { PodDraft } from './pod-draft.ts'
import { readPodSpec } from './pod-spec.ts'
import { Scheduler } from './scheduler.ts'
import { PodIPAM } from './ipam.ts'
import { cniAddError } from './cni-add-error.ts'
import { missingServiceAccountMessage, serviceAccountExists } from './service-accounts.ts'

export function podDraftsFromManifests(ctx: BuildContext, config: ClusterConfig): PodDraft[] {
  return ctx.objects('Pod').filter((p) => admitted(ctx, config, p)).map((p: Loaded) => {
    const spec = read.obj(p.value.spec) ?? {}
    const info = readPodSpec(ctx, p, ['spec'], spec)
    const owners = read.arr(read.path(p.value, 'metadata', 'ownerReferences'))
    const ctrl = owners.map((o) => read.obj(o)).find((o) => o && o.controller !== false)
    const owner = ctrl ? { apiVersion: String(ctrl.apiVersion ?? ''), kind: String(ctrl.kind ?? ''), name: String(ctrl.name ?? ''), uid: String(ctrl.uid ?? '') } : undefined
    let workload = owner ? { kind: owner.kind, name: owner.name } : undefined
    const labels = read.labels(read.path(p.value, 'metadata', 'labels'))
    // a ReplicaSet Pod of a dump belongs to the Deployment named by the ReplicaSet minus its hash
    if (owner?.kind === 'ReplicaSet' && labels['pod-template-hash'] && owner.name.endsWith(`-${labels['pod-template-hash']}`)) {
      workload = { kind: 'Deployment', name: owner.name.slice(0, -labels['pod-template-hash'].length - 1) }
    }
    return {
      namespace: p.namespace,
      name: p.name,
      labels,
      annotations: read.labels(read.path(p.value, 'metadata', 'annotations')),
      spec: info,
      specJson: spec,
      statusJson: read.obj(p.value.status),
      raw: p.value,
      owner,
      workload,
      loaded: p,
      system: false,
      hostname: info.hostname,
      subdomain: info.subdomain,
    }
  })
}

/**
 * The ServiceAccount admission plugin refuses a Pod whose account does not exist
 * (admission.go Admit: "error looking up service account"). A pasted Pod that already
 * exists (it has a uid or a status) was admitted long ago and is kept.
 */
function admitted(ctx: BuildContext, config: ClusterConfig, p: Loaded): boolean {
  if (read.path(p.value, 'metadata', 'uid') !== undefined || p.value.status !== undefined) return true
  const spec = read.obj(p.value.spec) ?? {}
  const field = read.str(spec.serviceAccountName) !== undefined ? 'serviceAccountName' : 'serviceAccount'
  const account = read.str(spec[field])
  if (!account || serviceAccountExists(config, ctx.objects('ServiceAccount'), p.namespace, account)) return true
  ctx.error(p, ['spec', field], missingServiceAccountMessage(p.name, p.namespace, account), 'refused', `add a ServiceAccount named ${account} in namespace ${p.namespace}, or leave spec.${field} out to use "default"`)
  return false
}

type Owner = NonNullable<PodDraft['owner']>
interface OwnerViews {
  references: NonNullable<ObjectMeta['ownerReferences']>
  owner: NonNullable<Pod['owner']>
}
/** What a Pod records of its controller, built once per owner (replicas share their owner; nothing writes to these). */
const ownerViews = new WeakMap<Owner, OwnerViews>()
function viewsOf(owner: Owner): OwnerViews {
  let v = ownerViews.get(owner)
  if (!v) {
    v = { references: [{ ...owner, controller: true, blockOwnerDeletion: true }], owner: { kind: owner.kind, name: owner.name } }
    ownerViews.set(owner, v)
  }
  return v
}

type PodContainers = Pod['containers']

/** Containers as a pasted Pod's status.containerStatuses report them. */
function withStatuses(d: PodDraft, statuses: Json[], ready: boolean): PodContainers {
  return d.spec.containers.map((c) => {
    const cs = statuses.map((x) => read.obj(x)).find((x) => x?.name === c.name)
    return { ...c, ready: cs ? cs.ready === true : ready, restartCount: read.num(cs?.restartCount) ?? 0 }
  })
}

/**
 * Containers with no reported status: ready with the Pod, never restarted. The
 * replicas of one template share the list (per readiness); nothing writes to it.
 */
const unreportedLists = new WeakMap<PodDraft['spec'], { ready?: PodContainers; notReady?: PodContainers }>()
function unreported(d: PodDraft, ready: boolean): PodContainers {
  let lists = unreportedLists.get(d.spec)
  if (!lists) unreportedLists.set(d.spec, (lists = {}))
  const key = ready ? 'ready' : 'notReady'
  // a container in CrashLoopBackOff is never ready (build/port-conflicts.ts)
  return (lists[key] ??= d.spec.containers.map((c) => ({ ...c, ready: ready && !c.crash, restartCount: 0 })))
}

/**
 * A Pod manifest of the reader's with spec.nodeName (not an add-on's static or DaemonSet Pod,
 * which exist from the cluster's start): kubelet runs it from the moment it is created.
 */
function ownBoundPod(d: PodDraft): boolean {
  return !d.system && !d.daemonNode && d.raw !== undefined
}

export function placePods(ctx: BuildContext, config: ClusterConfig, nodes: Node[], drafts: PodDraft[]): { pods: Pod[]; ipam: PodIPAM } {
  const scheduler = new Scheduler(nodes)
  const ipam = new PodIPAM(config, nodes)
  const nodeByName = new Map(nodes.map((n) => [n.meta.name, n]))
  const nodeByIP = new Map(nodes.flatMap((n) => n.internalIPs.map((ip) => [ip, n] as const)))
  /** who holds each pinned or allocated address, for the duplicate-address message */
  const ipOwner = new Map<string, PodDraft>()

  interface Work {
    draft: PodDraft
    node?: Node
    ips: string[]
    pinnedIPs: boolean
    pending?: string
    /** no scheduler takes the Pod up (Pod['schedulingHold']) */
    hold?: Pod['schedulingHold']
  }
  const work: Work[] = drafts.map((draft) => ({ draft, ips: [], pinnedIPs: false }))

  // Pass 1: what the manifests pin
  for (const w of work) {
    const d = w.draft
    if (d.statusJson) pinnedByStatus(w, d.statusJson)
    else if (d.spec.nodeName && !ownBoundPod(d)) bindToNamedNode(w)
    // nothing pinned: most workload Pods; the reader's own Pods that name a node wait for pass 2
  }

  /** spec.nodeName: the Pod goes there, without the scheduler (which still counts it from then on). */
  function bindToNamedNode(w: Work): void {
    const d = w.draft
    w.node = nodeByName.get(d.spec.nodeName!)
    if (w.node) scheduler.bind(d, w.node)
    else noSuchNode(ctx, d)
  }

  /** A pasted status: its addresses and node (issue 20: compiled only for a scenario that pastes one). */
  function pinnedByStatus(w: Work, st: JsonObject): void {
    const d = w.draft
    const podIPs = [...read.arr(st.podIPs).map((x) => read.str(read.path(x, 'ip'))), read.str(st.podIP)].filter((x): x is string => !!x)
    const uniq: string[] = []
    for (const ip of podIPs) {
      const c = canonicalIP(ip)
      if (!c) ctx.error(d.loaded, ['status', 'podIP'], `status.podIP: Invalid value: "${ip}": must be a valid IP address`)
      else if (!uniq.includes(c)) uniq.push(c)
    }
    const hostIP = read.str(st.hostIP)
    if (d.spec.nodeName) {
      const n = nodeByName.get(d.spec.nodeName)
      if (!n) noSuchNode(ctx, d)
      w.node = n
    } else if (hostIP && nodeByIP.get(hostIP)) {
      w.node = nodeByIP.get(hostIP)
    } else if (uniq.length > 0 && !d.spec.hostNetwork) {
      const a = parseAddr(uniq[0])!
      w.node = nodes.find((n) => n.podCIDRs.some((c) => prefixContains(parsePrefix(c)!, a)))
    }
    if (w.node) scheduler.bind(d, w.node)
    if (uniq.length > 0 && !d.spec.hostNetwork) {
      for (const ip of uniq) {
        // Two Pods may report one address: a finished Pod keeps its status while the CNI
        // hands the address to a successor. The API server accepts both, and the EndpointSlice
        // controller lists both ("Ready and Complete pods with same IPs", "Two Ready pods with
        // same IPs" in pkg/controller/endpointslice/endpointslice_controller_test.go).
        const other = ipOwner.get(ip)
        if (other && !isTerminal(other) && !isTerminal(d)) {
          ctx.warn(d.loaded, ['status', 'podIP'], `status.podIP: "${ip}" is also the address of running Pod ${other.namespace}/${other.name}: the CNI never gives one address to two live Pods, so both are listed as endpoints and traffic to ${ip} reaches only one`, 'duplicate-ip')
        }
        if (!other || isTerminal(other)) ipOwner.set(ip, d)
        ipam.reserve(ip)
        w.ips.push(ip)
      }
      w.pinnedIPs = true
    }
  }

  // Pass 2: schedule and allocate the rest, in creation order
  for (const w of work) {
    const d = w.draft
    // a Pod of the reader's that names its node is bound when it is created: it weighs on the
    // scheduler's choices for the Pods created after it, not on those placed before it
    if (!d.statusJson && d.spec.nodeName && ownBoundPod(d)) bindToNamedNode(w)
    // KEP-3521: the scheduler's queue keeps a Pod with gates out of scheduling (PreEnqueue,
    // pkg/scheduler/framework/plugins/schedulinggates), so no attempt fails and no
    // FailedScheduling event is written, even for a pasted Pending Pod
    if (!w.node && !w.pinnedIPs && d.spec.schedulingGates.length > 0) w.hold = 'SchedulingGated'
    if (!w.node && !w.hold && d.statusJson && read.str(d.statusJson.phase) === 'Pending' && !w.pinnedIPs) {
      w.pending = read.str(read.path(d.statusJson, 'conditions', 0, 'message')) ?? 'Pod is Pending in the pasted status'
    }
    if (!w.node && !w.pending) {
      // a Pod for another scheduler is not the default scheduler's (pkg/scheduler/eventhandlers.go
      // responsibleForPod): nobody here tries it, so it gets no FailedScheduling event either
      if (!w.hold && d.spec.schedulerName !== 'default-scheduler') w.hold = 'SchedulerName'
      if (w.hold) {
        if (d.daemonNode && !scheduler.daemonNodeFits(d)) w.hold = undefined // no Pod for that node
        continue
      }
      const placed = scheduler.place(d)
      if (placed.node) w.node = placed.node
      else if (d.daemonNode) {
        if (d.system) addonRefused(ctx, config, d, placed.reason)
        continue
      }
      else w.pending = placed.reason
    }
    if (!w.node) continue
    if (d.spec.hostNetwork) {
      w.ips = [...w.node.internalIPs]
      continue
    }
    if (w.ips.length === 0) {
      const r = ipam.allocate(w.node)
      if ('error' in r) {
        // the CNI's error; kubelet's FailedCreatePodSandBox event wraps it (kubectl/events.ts)
        w.pending = cniAddError(config.cni, r.error)
        ctx.warn(d.loaded, [], `Pod ${d.namespace}/${d.name} gets no address on ${w.node.meta.name}: ${r.error}`, 'ipam-exhausted')
      } else {
        // IPAM never hands out a reserved address, so only pinned ones need an owner on record
        w.ips = r.ips
      }
    }
  }

  const pods: Pod[] = []
  for (const w of work) {
    const d = w.draft
    if (d.daemonNode && !w.node && !w.hold) continue
    const st = d.statusJson
    const readyCond = st ? read.arr(st.conditions).map((c) => read.obj(c)).find((c) => c?.type === 'Ready') : undefined
    const phaseText = read.str(st?.phase)
    const scheduled = !!w.node && !w.pending && w.ips.length > 0
    const phase = (phaseText ?? (scheduled ? 'Running' : 'Pending')) as Pod['phase']
    const ready = scheduled && phase === 'Running' && (readyCond ? readyCond.status === 'True' : true)
    const terminating = read.path(d.raw, 'metadata', 'deletionTimestamp') !== undefined
    const containerStatuses = st ? read.arr(st.containerStatuses) : []
    const containers = containerStatuses.length ? withStatuses(d, containerStatuses, ready) : unreported(d, ready)
    // readiness gates (KEP-580): each gate's condition as status.conditions records it (a pasted
    // status; nothing else sets them here, as no controller owns the gate)
    const conditions = st ? read.arr(st.conditions).map((c) => read.obj(c)) : []
    const readinessGates = d.spec.readinessGates.map((conditionType) => ({ conditionType, status: read.str(conditions.find((c) => c?.type === conditionType)?.status) }))
    // pkg/kubelet/status/generate.go GeneratePodReadyCondition: with the containers ready, every
    // gate's condition must be True; a pasted Ready condition already holds that verdict
    const gatesOpen = !!readyCond || readinessGates.every((g) => g.status === 'True')
    const meta = makeMeta({
      kind: 'Pod',
      name: d.name,
      namespace: d.namespace,
      labels: d.labels,
      annotations: d.annotations,
      raw: d.raw,
      system: d.system,
      generateName: d.generateName,
      ownerReferences: d.owner ? viewsOf(d.owner).references : undefined,
    })
    pods.push({
      meta,
      nodeName: w.node?.meta.name ?? '',
      hostNetwork: d.spec.hostNetwork,
      podIPs: w.ips,
      hostIP: w.node?.internalIPs[0] ?? '',
      phase: w.pending && !phaseText ? 'Pending' : phase,
      ready: ready && !w.pending && containers.every((c) => c.ready) && gatesOpen,
      terminating,
      containers,
      initContainers: d.spec.initContainers,
      hostname: d.hostname,
      subdomain: d.subdomain,
      setHostnameAsFQDN: d.spec.setHostnameAsFQDN,
      dnsPolicy: d.spec.dnsPolicy,
      dnsConfig: d.spec.dnsConfig,
      restartPolicy: d.spec.restartPolicy,
      // a static Pod's mirror is not given an account: the plugin leaves mirror Pods as kubelet wrote them
      serviceAccountName: d.owner?.kind === 'Node' ? '' : d.spec.serviceAccountName,
      nodeSelector: d.spec.nodeSelector,
      owner: d.owner ? viewsOf(d.owner).owner : undefined,
      workload: d.workload,
      pendingReason: w.pending,
      schedulingHold: w.hold,
      readinessGates: readinessGates.length ? readinessGates : undefined,
      raw: d.raw ?? {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: d.name, namespace: d.namespace },
        spec: d.specJson,
      },
      source: d.loaded?.ref,
    })
  }
  return { pods, ipam }
}

/** spec.nodeName names no node of the scenario. */
function noSuchNode(ctx: BuildContext, d: PodDraft): void {
  const specPath = d.raw ? ['spec'] : ['spec', 'template', 'spec']
  ctx.error(d.loaded, [...specPath, 'nodeName'], `${d.raw ? 'spec' : 'spec.template.spec'}.nodeName: Invalid value: "${d.spec.nodeName}": no node with this name exists in the scenario`, 'not-found', 'declare the Node (or list it in the Cluster document\'s spec.nodes)')
}

/** A Pod whose pasted phase is Succeeded or Failed: its sandbox is gone, and so is its hold on its address. */
function isTerminal(d: PodDraft): boolean {
  const phase = d.statusJson ? read.str(d.statusJson.phase) : undefined
  return phase === 'Succeeded' || phase === 'Failed'
}

/**
 * An add-on's DaemonSet that makes no Pod for a node (kube-flannel.yml's DaemonSet tolerates
 * NoSchedule taints only, so a NoExecute taint keeps flanneld off the node): said at the Node.
 * Without its CNI agent a real node never gets the plugin's configuration: the runtime reports
 * NetworkPluginNotReady, the node stays NotReady and its Pods wait in ContainerCreating
 * (cni.mdx), which the simulator does not model.
 */
function addonRefused(ctx: BuildContext, config: ClusterConfig, d: PodDraft, reason: string | undefined): void {
  const node = d.daemonNode ?? ''
  const ds = `${d.namespace}/${d.workload?.name ?? d.name}`
  const cni = d.workload?.name !== 'kube-proxy'
  // the scheduler's FailedScheduling words for this one node: "0/1 nodes are available: 1 node(s) had …."
  const m = reason ? /^0\/\d+ nodes are available: \d+ node\(s\) (.*?)\.?$/.exec(reason) : null
  const why = m ? `: the node ${m[1]}` : reason ? `: ${reason}` : ''
  const then = cni
    ? `; a real node without its ${config.cni} agent stays NotReady (container runtime network not ready: cni plugin not initialized) and its Pods wait in ContainerCreating, which the simulator does not model: it networks them anyway`
    : ''
  const loaded = ctx.objects('Node').find((o) => o.name === node)
  ctx.warn(loaded, loaded && reason?.includes('taint') ? ['spec', 'taints'] : [], `DaemonSet ${ds} makes no Pod for node ${node}${why}${then}`, 'addon-not-scheduled')
}
