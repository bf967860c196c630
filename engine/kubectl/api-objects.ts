/**
 * The API objects as `kubectl get -o json|yaml` prints them: what the reader
 * wrote plus what the API server defaults and the controllers compute
 * (addresses, conditions, EndpointSlices). Defaults follow
 * pkg/apis/core/v1/defaults.go; keys are sorted when printed.
 */
import type { Cluster, EndpointSlice, Endpoints, GenericObject, Json, JsonObject, Namespace, Node, ObjectMeta, Pod, Service } from '../model/types.ts'
import { ipFamilyOf } from '../net/ip.ts'

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

function obj(v: Json | undefined): JsonObject {
  return v && typeof v === 'object' && !Array.isArray(v) ? v : {}
}

/** imagePullPolicy default: Always for :latest or untagged images, else IfNotPresent */
function pullPolicy(image: string): string {
  const tail = image.slice(image.lastIndexOf('/') + 1)
  if (image.includes('@')) return 'IfNotPresent'
  if (!tail.includes(':') || tail.endsWith(':latest')) return 'Always'
  return 'IfNotPresent'
}

export function podJson(pod: Pod, cluster: Cluster): JsonObject {
  const raw = obj(clone(pod.raw))
  const spec = obj(raw.spec)
  const containers = (Array.isArray(spec.containers) ? spec.containers : []).map((c) => {
    const co = obj(c)
    if (Array.isArray(co.ports)) co.ports = co.ports.map((p) => ({ protocol: 'TCP', ...obj(p) }))
    return {
      imagePullPolicy: pullPolicy(String(co.image ?? '')),
      resources: {},
      terminationMessagePath: '/dev/termination-log',
      terminationMessagePolicy: 'File',
      ...co,
    }
  })
  const defaultedSpec: JsonObject = {
    dnsPolicy: pod.dnsPolicy,
    enableServiceLinks: true,
    preemptionPolicy: 'PreemptLowerPriority',
    priority: 0,
    restartPolicy: pod.restartPolicy,
    schedulerName: 'default-scheduler',
    securityContext: {},
    serviceAccount: pod.serviceAccountName,
    serviceAccountName: pod.serviceAccountName,
    terminationGracePeriodSeconds: 30,
    tolerations: [
      { effect: 'NoExecute', key: 'node.kubernetes.io/not-ready', operator: 'Exists', tolerationSeconds: 300 },
      { effect: 'NoExecute', key: 'node.kubernetes.io/unreachable', operator: 'Exists', tolerationSeconds: 300 },
    ],
    ...spec,
    containers,
  }
  if (pod.nodeName) defaultedSpec.nodeName = pod.nodeName
  if (pod.hostname) defaultedSpec.hostname = pod.hostname
  if (pod.subdomain) defaultedSpec.subdomain = pod.subdomain
  const rawStatus = obj(raw.status)
  const started = pod.meta.creationTimestamp
  const cond = (type: string, status: boolean): JsonObject => ({ lastProbeTime: null, lastTransitionTime: started, status: status ? 'True' : 'False', type })
  const scheduled = !!pod.nodeName
  const status: JsonObject = {
    phase: pod.phase,
    qosClass: 'BestEffort',
    conditions: scheduled
      ? [cond('PodReadyToStartContainers', pod.podIPs.length > 0), cond('Initialized', true), cond('Ready', pod.ready), cond('ContainersReady', pod.ready), cond('PodScheduled', true)]
      : [{ ...cond('PodScheduled', false), message: pod.pendingReason ?? '', reason: 'Unschedulable' }],
    ...rawStatus,
  }
  if (pod.hostIP) {
    status.hostIP = pod.hostIP
    status.hostIPs = cluster.index.node.get(pod.nodeName)?.internalIPs.map((ip) => ({ ip })) ?? [{ ip: pod.hostIP }]
  }
  if (pod.podIPs.length) {
    status.podIP = pod.podIPs[0]
    status.podIPs = pod.podIPs.map((ip) => ({ ip }))
    status.startTime = status.startTime ?? started
    if (!rawStatus.containerStatuses) {
      status.containerStatuses = pod.containers.map((c) => ({
        containerID: `containerd://${(pod.meta.uid + c.name).replace(/[^0-9a-f]/g, '').padEnd(64, '0').slice(0, 64)}`,
        image: c.image,
        imageID: '',
        lastState: {},
        name: c.name,
        ready: c.ready,
        restartCount: c.restartCount,
        started: true,
        state: { running: { startedAt: started } },
      }))
    }
  }
  return { apiVersion: 'v1', kind: 'Pod', metadata: metaJson(pod.meta, pod.meta.namespace ? {} : {}), spec: defaultedSpec, status }
}

export function serviceJson(svc: Service): JsonObject {
  const raw = obj(clone(svc.raw))
  const spec: JsonObject = { ...obj(raw.spec) }
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
  spec.type = svc.type
  const ingress: JsonObject[] = svc.loadBalancerIngress.map((i): JsonObject => (i.ip ? { ip: i.ip, ipMode: "VIP" } : { hostname: i.hostname ?? "" }))
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
      if (e.zone) o.zone = e.zone
      return o
    }),
    kind: 'EndpointSlice',
    metadata: metaJson(s.meta),
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
  const raw = obj(clone((n.raw ?? {}) as Json))
  const spec: JsonObject = { ...obj(raw.spec) }
  if (n.podCIDRs.length) {
    spec.podCIDR = n.podCIDRs[0]
    spec.podCIDRs = [...n.podCIDRs]
  }
  if (n.taints.length) spec.taints = n.taints.map((t) => (t.value ? { ...t } : { effect: t.effect, key: t.key }))
  const rawStatus = obj(raw.status)
  const status: JsonObject = {
    addresses: n.addresses.map((a) => ({ address: a.address, type: a.type })),
    ...rawStatus,
    allocatable: { ...n.allocatable },
    capacity: { ...n.capacity },
    conditions: Array.isArray(rawStatus.conditions) ? rawStatus.conditions : kubeletConditions(n, cluster.now),
    nodeInfo: { ...obj(rawStatus.nodeInfo), ...n.nodeInfo },
  }
  return { apiVersion: 'v1', kind: 'Node', metadata: metaJson(n.meta), spec, status }
}

export function namespaceJson(ns: Namespace): JsonObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: metaJson(ns.meta), spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } }
}

export function genericJson(g: GenericObject): JsonObject {
  const raw = obj(clone(g.raw))
  return { ...raw, apiVersion: g.apiVersion, kind: g.kind, metadata: metaJson(g.meta) }
}

export function addressFamilyText(ip: string): string {
  return ipFamilyOf(ip) ?? 'IPv4'
}
