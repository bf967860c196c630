/**
 * The API objects as `kubectl get -o json|yaml` prints them: what the reader
 * wrote plus what the API server defaults and the controllers compute
 * (addresses, conditions, EndpointSlices). Defaults follow
 * pkg/apis/core/v1/defaults.go; keys are sorted when printed.
 */
import { read } from '../cluster/context.ts'
import type { Cluster, EndpointSlice, Endpoints, GenericObject, Json, JsonObject, Namespace, Node, ObjectMeta, Pod, Service } from '../model/types.ts'
import { ipFamilyOf } from '../net/ip.ts'
import { admittedPriority, admittedTolerations, defaultContainer, defaultVolume } from './pod-defaults.ts'
import { podQOSClass } from './pod-resources.ts'
import { admitServiceAccount } from './service-account-admission.ts'
import { sha256Hex } from '../dataplane/sha256.ts'
import { sandboxId } from '../dataplane/ids.ts'
import { crashLoop, goDuration } from '../cluster/crash-loop.ts'
import { isoSeconds, lastState } from '../cluster/probes.ts'
import { readyTransition } from '../cluster/ready-transition.ts'

function metaJson(m: ObjectMeta, extra: JsonObject = {}): JsonObject {
  const out: JsonObject = { creationTimestamp: m.creationTimestamp, name: m.name, resourceVersion: m.resourceVersion, uid: m.uid }
  if (m.namespace) out.namespace = m.namespace
  if (Object.keys(m.labels).length) out.labels = { ...m.labels }
  if (Object.keys(m.annotations).length) out.annotations = { ...m.annotations }
  if (m.generateName) out.generateName = m.generateName
  if (m.ownerReferences?.length) {
    out.ownerReferences = m.ownerReferences.map((o) => {
      const r: JsonObject = { apiVersion: o.apiVersion, kind: o.kind, name: o.name, uid: o.uid }
      if (o.controller !== undefined) r.controller = o.controller
      if (o.blockOwnerDeletion !== undefined) r.blockOwnerDeletion = o.blockOwnerDeletion
      return r
    })
  }
  return { ...out, ...extra }
}

function clone<T extends Json>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T)
}

/**
 * An image reference as containerd records it (distribution/reference ParseDockerRef:
 * ParseNormalizedNamed, then TagNameOnly): Docker Hub's domain and `library/` added, a missing
 * tag made `latest`. `nginx:1.27` → `docker.io/library/nginx:1.27`.
 */
export function normalizedImage(ref: string): string {
  const slash = ref.indexOf('/')
  const first = slash < 0 ? '' : ref.slice(0, slash)
  let named: string
  if (slash < 0) named = `docker.io/library/${ref}`
  else if (first === 'index.docker.io') named = `docker.io/${ref.slice(slash + 1)}`
  // splitDockerDomain: a first component with '.', ':' or an upper-case letter, or localhost, is a registry
  else if (first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase()) named = ref
  else named = `docker.io/${ref}`
  if (named.startsWith('docker.io/') && !named.slice('docker.io/'.length).includes('/')) named = `docker.io/library/${named.slice('docker.io/'.length)}`
  const last = named.slice(named.lastIndexOf('/') + 1)
  return last.includes(':') || last.includes('@') ? named : `${named}:latest`
}

/** containerd's ID for a simulated container (random in containerd): a 64-hex digest of the Pod's UID and the container's name */
export function containerID(pod: Pod, name: string): string {
  return `containerd://${sha256Hex(`container/${pod.meta.uid}/${name}`)}`
}

/**
 * What kubelet reports for the containers of a Pod it runs: init containers
 * completed (sidecars, restartPolicy Always, running), the others running; on
 * a node but without a sandbox yet, every container waiting in
 * ContainerCreating, or PodInitializing when there are init containers
 * (kubelet_pods.go convertToAPIContainerStatuses).
 */
function containerStatuses(pod: Pod, spec: JsonObject, started: string, now: string): { containerStatuses: JsonObject[]; initContainerStatuses: JsonObject[] } {
  const init = read.arr(spec.initContainers).map(read.fields)
  const running = pod.podIPs.length > 0
  const waiting: JsonObject = { waiting: { reason: init.length ? 'PodInitializing' : 'ContainerCreating' } }
  const all = [...read.arr(spec.containers), ...init].map(read.fields)
  const entry = (name: string, image: Json | undefined, o: { ready: boolean; restartCount: number; started: boolean; state: JsonObject }): JsonObject => {
    // a container the runtime has created reports the image as containerd names it (fully qualified, tagged)
    const e: JsonObject = { image: running && typeof image === 'string' ? normalizedImage(image) : (image ?? ''), imageID: '', lastState: {}, name, ...o }
    if (running) {
      e.containerID = containerID(pod, name)
      const mounts = mountStatuses(all.find((c) => c.name === name))
      if (mounts.length) e.volumeMounts = mounts
    }
    return e
  }
  return {
    containerStatuses: pod.containers.map((c) => {
      // crash loops and probe restarts: compiled only when a Pod has them (issue 20)
      if (running && (c.crash || c.probes)) return restartedStatus(pod, c, started, now, entry)
      return entry(c.name, c.image, { ready: running && c.ready, restartCount: c.restartCount, started: running, state: running ? { running: { startedAt: started } } : waiting })
    }),
    initContainerStatuses: init.map((c) => {
      const name = String(c.name ?? '')
      const sidecar = c.restartPolicy === 'Always'
      const done = { terminated: { containerID: containerID(pod, name), exitCode: 0, finishedAt: started, reason: 'Completed', startedAt: started } }
      return entry(name, c.image, { ready: running, restartCount: 0, started: running && sidecar, state: !running ? waiting : sidecar ? { running: { startedAt: started } } : done })
    }),
  }
}

/**
 * What kubelet reports of a created container's mounts (kubelet_pods.go
 * convertToAPIContainerStatuses, RecursiveReadOnlyMounts GA in v1.33): each mount,
 * and for a read-only one whether it is recursively so (Disabled unless asked for).
 */
function mountStatuses(c: JsonObject | undefined): JsonObject[] {
  return read.arr(c?.volumeMounts).map((x) => {
    const m = read.fields(x)
    const o: JsonObject = { mountPath: m.mountPath ?? '', name: m.name ?? '' }
    if (m.readOnly === true) Object.assign(o, { readOnly: true, recursiveReadOnly: m.recursiveReadOnly === 'Enabled' || m.recursiveReadOnly === 'IfPossible' ? 'Enabled' : 'Disabled' })
    return o
  })
}

/** The status of a container that crash-loops, or that probes restarted or stopped. */
function restartedStatus(pod: Pod, c: Pod['containers'][number], started: string, now: string, entry: (name: string, image: Json | undefined, o: { ready: boolean; restartCount: number; started: boolean; state: JsonObject }) => JsonObject): JsonObject {
  if (c.crash) {
    // CrashLoopBackOff: waiting out the back-off after the last attempt exited (build/crash-loop.ts)
    const loop = crashLoop(started, now)
    const id = containerID(pod, `${c.name}/${loop.restarts}`)
    const e = entry(c.name, c.image, {
      ready: false,
      restartCount: c.restartCount + loop.restarts,
      started: false,
      state: { waiting: { message: `back-off ${goDuration(loop.backoff)} restarting failed container=${c.name} pod=${pod.meta.name}_${pod.meta.namespace}(${pod.meta.uid})`, reason: 'CrashLoopBackOff' } },
    })
    e.lastState = { terminated: { containerID: id, exitCode: c.crash.exitCode, finishedAt: loop.lastStart, reason: 'Error', startedAt: loop.lastStart } }
    e.containerID = id
    return e
  }
  // restarted after failed liveness or startup probes (cluster/probes.ts)
  const pr = c.probes!
  const runId = (k: number) => containerID(pod, k === 0 ? c.name : `${c.name}/${k}`)
  const current = pr.runs.length - 1
  const e = pr.terminated !== undefined
    ? entry(c.name, c.image, {
        ready: false,
        restartCount: c.restartCount,
        started: false,
        state: { terminated: { containerID: runId(current), exitCode: pr.exitCode, finishedAt: isoSeconds(pr.terminated), reason: pr.exitReason, startedAt: current === 0 ? started : isoSeconds(pr.runs[current].start) } },
      })
    : pr.waiting
    ? entry(c.name, c.image, {
        ready: false,
        restartCount: c.restartCount,
        started: false,
        state: { waiting: { message: `back-off ${goDuration(pr.waiting.backoff)} restarting failed container=${c.name} pod=${pod.meta.name}_${pod.meta.namespace}(${pod.meta.uid})`, reason: 'CrashLoopBackOff' } },
      })
    : entry(c.name, c.image, { ready: c.ready, restartCount: c.restartCount, started: pr.started, state: { running: { startedAt: current === 0 ? started : isoSeconds(pr.runs[current].start) } } })
  e.containerID = runId(current)
  const previous = lastState(pr)
  if (previous) e.lastState = { terminated: { containerID: runId(previous.index), exitCode: pr.exitCode, finishedAt: isoSeconds(previous.killed), reason: pr.exitReason, startedAt: previous.index === 0 ? started : isoSeconds(previous.start) } }
  return e
}

/** A Pod no node took: why, as its PodScheduled condition says (none when no scheduler looked at it). */
function unscheduledConditions(pod: Pod, scheduled: JsonObject): JsonObject[] | null {
  // pkg/registry/core/pod/strategy.go applySchedulingGatedCondition, at creation
  // (written by the API server at creation, with no observedGeneration)
  if (pod.schedulingHold === 'SchedulingGated') {
    const { observedGeneration: _, ...gated } = scheduled
    return [{ ...gated, message: 'Scheduling is blocked due to non-empty scheduling gates', reason: 'SchedulingGated' }]
  }
  // no scheduler has looked at it: the API server's status has no condition (dropped below)
  if (pod.schedulingHold === 'SchedulerName') return null
  return [{ ...scheduled, message: pod.pendingReason ?? '', reason: 'Unschedulable' }]
}

/** A Pod as the API returns it: the reader's spec with the API server's defaults and admission, and the status kubelet reports */
export function podJson(pod: Pod, cluster: Cluster): JsonObject {
  const raw = read.fields(clone(pod.raw))
  const spec = read.fields(raw.spec)
  const hostNetwork = spec.hostNetwork === true
  const containers = read.arr(spec.containers).map((c) => defaultContainer(read.fields(c), hostNetwork))
  const defaultedSpec: JsonObject = {
    dnsPolicy: pod.dnsPolicy,
    enableServiceLinks: true,
    preemptionPolicy: 'PreemptLowerPriority',
    priority: admittedPriority(spec),
    restartPolicy: pod.restartPolicy,
    schedulerName: 'default-scheduler',
    securityContext: {},
    // the ServiceAccount plugin names "default" when the Pod names none (mirror Pods get none);
    // the deprecated serviceAccount field mirrors it (Convert_core_PodSpec_To_v1_PodSpec)
    ...(pod.serviceAccountName ? { serviceAccount: pod.serviceAccountName, serviceAccountName: pod.serviceAccountName } : {}),
    terminationGracePeriodSeconds: 30,
    ...spec,
    containers,
    tolerations: admittedTolerations(spec, pod.owner?.kind === 'DaemonSet'),
  }
  if (Array.isArray(spec.initContainers)) defaultedSpec.initContainers = spec.initContainers.map((c) => defaultContainer(read.fields(c), hostNetwork))
  if (Array.isArray(spec.volumes)) defaultedSpec.volumes = spec.volumes.map((v) => defaultVolume(read.fields(v)))
  admitServiceAccount(pod, defaultedSpec, cluster)
  if (pod.nodeName) defaultedSpec.nodeName = pod.nodeName
  // the DaemonSet controller pins each Pod to its node: the template's required node affinity is
  // replaced by one matchFields term on metadata.name (pkg/controller/daemon/util ReplaceDaemonSetPodNodeNameNodeAffinity)
  if (pod.owner?.kind === 'DaemonSet' && pod.nodeName) {
    const affinity = read.fields(spec.affinity)
    const nodeAffinity = read.fields(affinity.nodeAffinity)
    const pinned = { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [pod.nodeName] }] }] }
    defaultedSpec.affinity = { ...affinity, nodeAffinity: { ...nodeAffinity, requiredDuringSchedulingIgnoredDuringExecution: pinned } }
  }
  if (pod.hostname) defaultedSpec.hostname = pod.hostname
  if (pod.subdomain) defaultedSpec.subdomain = pod.subdomain
  // the API server gives every Pod a generation, and its writers of status say which one they saw
  // (KEP-5067, PodObservedGenerationTracking GA in 1.35): kubelet in status.observedGeneration and
  // on its conditions, the scheduler on PodScheduled when it fails to place the Pod
  const metadata = metaJson(pod.meta, { generation: 1 })
  const cniMarks = calicoPodAnnotations(cluster, pod)
  if (cniMarks) metadata.annotations = { ...read.fields(metadata.annotations), ...cniMarks }
  // a Pod being deleted: the API server records when, and the grace period it was given
  const rawMeta = read.fields(raw.metadata)
  if (typeof rawMeta.deletionTimestamp === 'string') {
    metadata.deletionTimestamp = rawMeta.deletionTimestamp
    metadata.deletionGracePeriodSeconds = rawMeta.deletionGracePeriodSeconds ?? defaultedSpec.terminationGracePeriodSeconds ?? 30
  }
  const rawStatus = read.fields(raw.status)
  const started = pod.meta.creationTimestamp
  const scheduled = !!pod.nodeName
  const running = pod.podIPs.length > 0
  // kubelet's status manager: a False condition says which containers hold it back (Go's %s of a []string)
  const cond = (type: string, status: boolean, reason?: string, names?: string[], since = started): JsonObject => {
    const c: JsonObject = { lastProbeTime: null, lastTransitionTime: since, observedGeneration: 1, status: status ? 'True' : 'False', type }
    // a Pod that has run its course: kubelet's status manager says PodCompleted, with no message (GeneratePodReadyCondition)
    if (!status && reason === 'ContainersNotReady' && (pod.phase === 'Succeeded' || pod.phase === 'Failed')) return Object.assign(c, { reason: 'PodCompleted' })
    if (!status && reason && names) Object.assign(c, { message: `containers with ${reason === 'ContainersNotInitialized' ? 'incomplete' : 'unready'} status: [${names.join(' ')}]`, reason })
    return c
  }
  const initNames = read.arr(spec.initContainers).map((c) => String(read.fields(c).name ?? ''))
  const unready = pod.containers.filter((c) => !(running && c.ready)).map((c) => c.name)
  // probes move the Ready condition: its last change is the latest change of a container's readiness (cluster/probes.ts)
  const readySince = readyTransition(pod)
  // pkg/kubelet/status/generate.go GeneratePodReadyCondition: with every container ready, a gate
  // whose condition is missing or not True keeps the Pod not Ready, with this message
  const gatesHold =
    running && pod.phase === 'Running' && !pod.ready && pod.containers.every((c) => c.ready) && pod.readinessGates?.some((g) => g.status !== 'True')
      ? pod.readinessGates
          .filter((g) => g.status !== 'True')
          .map((g) => (g.status === undefined ? `corresponding condition of pod readiness gate "${g.conditionType}" does not exist.` : `the status of pod readiness gate "${g.conditionType}" is not "True", but ${g.status}`))
          .join(', ')
      : undefined
  const status: JsonObject = {
    phase: pod.phase,
    // computed once by the API server when the Pod is created (PrepareForCreate)
    qosClass: podQOSClass(defaultedSpec),
    conditions: scheduled
      ? [
          cond('PodReadyToStartContainers', running),
          cond('Initialized', running || initNames.length === 0, 'ContainersNotInitialized', initNames),
          gatesHold ? { ...cond('Ready', false, undefined, undefined, readySince), message: gatesHold, reason: 'ReadinessGatesNotReady' } : cond('Ready', pod.ready, 'ContainersNotReady', unready, readySince),
          cond('ContainersReady', pod.ready || gatesHold !== undefined, 'ContainersNotReady', unready, readySince),
          cond('PodScheduled', true),
        ]
      : unscheduledConditions(pod, cond('PodScheduled', false)),
    ...rawStatus,
  }
  if (status.conditions === null) delete status.conditions
  if (scheduled && rawStatus.observedGeneration === undefined) status.observedGeneration = 1
  if (pod.hostIP) {
    status.hostIP = pod.hostIP
    status.hostIPs = cluster.index.node.get(pod.nodeName)?.internalIPs.map((ip) => ({ ip })) ?? [{ ip: pod.hostIP }]
  }
  if (pod.podIPs.length) {
    status.podIP = pod.podIPs[0]
    status.podIPs = pod.podIPs.map((ip) => ({ ip }))
  }
  // kubelet reports a start time and container statuses once it has the Pod, sandbox or not
  if (scheduled) {
    status.startTime = status.startTime ?? started
    const cs = containerStatuses(pod, defaultedSpec, started, cluster.now)
    if (!rawStatus.containerStatuses) status.containerStatuses = cs.containerStatuses
    if (!rawStatus.initContainerStatuses && cs.initContainerStatuses.length) status.initContainerStatuses = cs.initContainerStatuses
  }
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec: defaultedSpec, status }
}

export function serviceJson(svc: Service): JsonObject {
  const raw = read.fields(clone(svc.raw))
  const spec: JsonObject = { ...read.fields(raw.spec) }
  if (svc.clusterIPs.length) {
    spec.clusterIP = svc.clusterIPs[0]
    spec.clusterIPs = [...svc.clusterIPs]
  }
  if (svc.type !== 'ExternalName') {
    spec.ipFamilies = [...svc.ipFamilies]
    if (svc.ipFamilyPolicy) spec.ipFamilyPolicy = svc.ipFamilyPolicy
    if (svc.internalTrafficPolicy) spec.internalTrafficPolicy = svc.internalTrafficPolicy
  }
  if (svc.externalTrafficPolicy) spec.externalTrafficPolicy = svc.externalTrafficPolicy
  if (svc.healthCheckNodePort) spec.healthCheckNodePort = svc.healthCheckNodePort
  if (svc.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts === undefined) spec.allocateLoadBalancerNodePorts = true
  spec.ports = svc.ports.map((p) => {
    const o: JsonObject = { port: p.port, protocol: p.protocol, targetPort: p.targetPort }
    if (p.name) o.name = p.name
    if (p.nodePort) o.nodePort = p.nodePort
    if (p.appProtocol) o.appProtocol = p.appProtocol
    return o
  })
  if (svc.ports.length === 0) delete spec.ports
  spec.sessionAffinity = svc.sessionAffinity
  if (svc.sessionAffinity === 'ClientIP') spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: svc.sessionAffinityTimeoutSeconds ?? 10800 } }
  if (svc.trafficDistribution) spec.trafficDistribution = svc.trafficDistribution
  spec.type = svc.type
  const ingress: JsonObject[] = svc.loadBalancerIngress.map((i): JsonObject => (i.ip ? { ip: i.ip, ipMode: i.ipMode ?? 'VIP' } : { hostname: i.hostname ?? '' }))
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: metaJson(svc.meta),
    spec,
    status: { loadBalancer: ingress.length ? { ingress } : {} },
  }
}

export function endpointSliceJson(s: EndpointSlice): JsonObject {
  return {
    addressType: s.addressType,
    apiVersion: 'discovery.k8s.io/v1',
    endpoints: s.endpoints.map((e) => {
      const o: JsonObject = {
        addresses: [...e.addresses],
        conditions: { ready: e.conditions.ready, serving: e.conditions.serving, terminating: e.conditions.terminating },
      }
      if (e.hostname) o.hostname = e.hostname
      if (e.nodeName) o.nodeName = e.nodeName
      if (e.targetRef) o.targetRef = { ...e.targetRef }
      if (e.hints) {
        const h: JsonObject = {}
        if (e.hints.forNodes) h.forNodes = e.hints.forNodes.map((name) => ({ name }))
        if (e.hints.forZones) h.forZones = e.hints.forZones.map((name) => ({ name }))
        o.hints = h
      }
      if (e.zone) o.zone = e.zone
      return o
    }),
    kind: 'EndpointSlice',
    // the registry sets generation 1 at creation and adds one for every change of content (endpointslice strategy.go)
    metadata: metaJson(s.meta, { generation: s.generation ?? 1 }),
    ports: s.ports.map((p) => {
      const o: JsonObject = { name: p.name, port: p.port, protocol: p.protocol }
      if (p.appProtocol) o.appProtocol = p.appProtocol
      return o
    }),
  }
}

export function endpointsJson(e: Endpoints): JsonObject {
  const addr = (a: Endpoints['subsets'][0]['addresses'][0]): JsonObject => {
    const o: JsonObject = { ip: a.ip }
    if (a.hostname) o.hostname = a.hostname
    if (a.nodeName) o.nodeName = a.nodeName
    if (a.targetRef) o.targetRef = { ...a.targetRef }
    return o
  }
  const out: JsonObject = { apiVersion: 'v1', kind: 'Endpoints', metadata: metaJson(e.meta) }
  if (e.subsets.length) {
    out.subsets = e.subsets.map((s) => {
      const o: JsonObject = { ports: s.ports.map((p) => ({ name: p.name, port: p.port, protocol: p.protocol })) }
      if (s.addresses.length) o.addresses = s.addresses.map(addr)
      if (s.notReadyAddresses.length) o.notReadyAddresses = s.notReadyAddresses.map(addr)
      return o
    })
  }
  return out
}

/**
 * The conditions kubelet posts for a healthy node, in the order its status
 * setters append them (pkg/kubelet/nodestatus/setters.go: MemoryPressure,
 * DiskPressure, PIDPressure, then Ready last). The last heartbeat is the
 * simulated now; the conditions have held since the node registered.
 */
function kubeletConditions(n: Node, now: string): JsonObject[] {
  const c = (type: string, status: string, reason: string, message: string): JsonObject => ({
    lastHeartbeatTime: now,
    lastTransitionTime: n.meta.creationTimestamp,
    message,
    reason,
    status,
    type,
  })
  return [
    c('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
    c('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
    c('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
    c('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
  ]
}

/** A Node as the API returns it; what a pasted Node's status says (conditions included) wins. */
export function nodeJson(n: Node, cluster: Cluster): JsonObject {
  const raw = read.fields(clone((n.raw ?? {}) as Json))
  const spec: JsonObject = { ...read.fields(raw.spec) }
  if (n.podCIDRs.length) {
    spec.podCIDR = n.podCIDRs[0]
    spec.podCIDRs = [...n.podCIDRs]
  }
  if (n.taints.length) spec.taints = n.taints.map((t) => (t.value ? { ...t } : { effect: t.effect, key: t.key }))
  const rawStatus = read.fields(raw.status)
  const status: JsonObject = {
    addresses: n.addresses.map((a) => ({ address: a.address, type: a.type })),
    // kubelet's status setters (pkg/kubelet/nodestatus/setters.go): its port, and what the
    // runtime reports. containerd 2.x lists each configured runtime, then the default again
    // under "" (internal/cri/server introspectRuntimeHandlers); runc 1.3 on kernel 6.8
    // supports recursive read-only mounts and user namespaces, and containerd 2 supports
    // SupplementalGroupsPolicy (KEP-3619)
    daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
    features: { supplementalGroupsPolicy: true },
    runtimeHandlers: ['runc', ''].map((name) => ({ features: { recursiveReadOnlyMounts: true, userNamespaces: true }, name })),
    ...rawStatus,
    allocatable: { ...n.allocatable },
    capacity: { ...n.capacity },
    conditions: Array.isArray(rawStatus.conditions) ? rawStatus.conditions : kubeletConditions(n, cluster.now),
    nodeInfo: { ...read.fields(rawStatus.nodeInfo), ...n.nodeInfo },
  }
  return { apiVersion: 'v1', kind: 'Node', metadata: metaJson(n.meta), spec, status }
}

export function namespaceJson(ns: Namespace): JsonObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: metaJson(ns.meta), spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } }
}

export function genericJson(g: GenericObject): JsonObject {
  const raw = read.fields(clone(g.raw))
  return { ...raw, apiVersion: g.apiVersion, kind: g.kind, metadata: metaJson(g.meta) }
}

export function addressFamilyText(ip: string): string {
  return ipFamilyOf(ip) ?? 'IPv4'
}

/**
 * The Calico CNI plugin (calico and canal) records each Pod's workload endpoint on the Pod
 * itself in Kubernetes-datastore mode (libcalico-go k8s/resources/workloadendpoint.go
 * calcCNIAnnotations): its addresses as /32 and /128 networks and its sandbox's container ID.
 */
function calicoPodAnnotations(cluster: Cluster, pod: Pod): Record<string, string> | undefined {
  if ((cluster.config.cni !== 'calico' && cluster.config.cni !== 'canal') || pod.hostNetwork || pod.podIPs.length === 0) return undefined
  const nets = pod.podIPs.map((ip) => (ip.includes(':') ? `${ip}/128` : `${ip}/32`))
  return { 'cni.projectcalico.org/containerID': sandboxId(pod), 'cni.projectcalico.org/podIP': nets[0], 'cni.projectcalico.org/podIPs': nets.join(',') }
}
