/**
 * The materialized cluster: every object after defaulting, allocation and the
 * controllers' work (scheduling, IPAM, EndpointSlices). Everything is plain data,
 * sorted deterministically, so that the same scenario always yields the same
 * cluster. `raw` keeps the object as the reader wrote it (after List flattening).
 */
import type { IPFamily } from '../net/ip.ts'
import type { Diagnostic } from './diagnostic.ts'

export type Protocol = 'TCP' | 'UDP' | 'SCTP'
export type Labels = Record<string, string>
export type Json = null | boolean | number | string | Json[] | { [k: string]: Json }
export type JsonObject = { [k: string]: Json }

export type CniName =
  | 'flannel'
  | 'calico'
  | 'cilium'
  | 'weave'
  | 'canal'
  | 'aws-vpc-cni'
  | 'azure-cni'
  | 'bridge'
  | 'antrea'
export type ProxyMode = 'iptables' | 'ipvs' | 'nftables'

/** Where an object came from in the reader's text, for diagnostics. */
export interface SourceRef {
  /** index of the source text (CLI -f order), 0 for one text */
  source: number
  /** index of the YAML document in that text */
  doc: number
  /** path of the object inside the document ([] or ['items', i] for a List) */
  path: (string | number)[]
}

export interface ClusterConfig {
  cni: CniName
  proxyMode: ProxyMode
  /** one per family, in the order given (primary first) */
  podCIDRs: string[]
  serviceCIDRs: string[]
  nodePortRange: { min: number; max: number }
  clusterDomain: string
  ipFamilies: IPFamily[]
  /** The families of the Service ranges, primary first: those a Service's ClusterIPs come from. */
  serviceIPFamilies: IPFamily[]
  /** kube-dns ClusterIPs (tenth address of each Service CIDR, as kubeadm sets it) */
  dnsServiceIPs: string[]
  /** node-ipam-controller --node-cidr-mask-size(-ipv4/-ipv6) */
  nodeCIDRMaskSizes: Record<IPFamily, number>
  kubernetesVersion: string
  /** The reader's terminal, outside the cluster */
  workstationIP: string
  /** Calico/Flannel/Cilium encapsulation or routing mode */
  cniMode: string
  /** Cilium's kube-proxy replacement (Helm kubeProxyReplacement: true): no kube-proxy runs, Cilium's eBPF serves Services */
  kubeProxyReplacement?: boolean
}

export interface LabelSelectorRequirement {
  key: string
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'
  values?: string[]
}

export interface LabelSelector {
  matchLabels?: Labels
  matchExpressions?: LabelSelectorRequirement[]
}

export interface ObjectMeta {
  name: string
  namespace: string
  uid: string
  labels: Labels
  annotations: Labels
  creationTimestamp: string
  resourceVersion: string
  generateName?: string
  ownerReferences?: OwnerReference[]
}

export interface OwnerReference {
  apiVersion: string
  kind: string
  name: string
  uid: string
  controller?: boolean
  blockOwnerDeletion?: boolean
}

export interface Namespace {
  meta: ObjectMeta
  /** created because an object used it without a Namespace manifest */
  implicit: boolean
  system: boolean
  source?: SourceRef
}

export interface NodeAddress {
  type: 'InternalIP' | 'ExternalIP' | 'Hostname' | 'InternalDNS' | 'ExternalDNS'
  address: string
}

export interface Node {
  meta: ObjectMeta
  /** InternalIPs, one per cluster IP family, primary first */
  internalIPs: string[]
  externalIPs: string[]
  addresses: NodeAddress[]
  podCIDRs: string[]
  roles: string[]
  ready: boolean
  unschedulable: boolean
  taints: { key: string; value?: string; effect: string }[]
  nodeInfo: Record<string, string>
  /** status.capacity and status.allocatable: resource name → quantity as the API prints it (cpu, memory, pods...) */
  capacity: Readonly<Record<string, string>>
  allocatable: Readonly<Record<string, string>>
  /** topology.kubernetes.io/zone label, if any */
  zone?: string
  raw?: JsonObject
  source?: SourceRef
}

export interface ContainerPort {
  name?: string
  containerPort: number
  protocol: Protocol
  hostPort?: number
  hostIP?: string
}

export interface Container {
  name: string
  image: string
  ports: ContainerPort[]
  ready: boolean
  restartCount: number
  /**
   * Set when the container cannot start for good: it exits at once, every time, and kubelet
   * restarts it with a growing back-off (CrashLoopBackOff). Today: a port that an earlier
   * container of the Pod already holds (build/port-conflicts.ts).
   */
  crash?: ContainerCrash
  /** an init container with restartPolicy Always: it keeps running beside the app containers */
  sidecar?: boolean
  /** what the kubelet's probes made of the container by "now" (cluster/probes.ts); unset without probes */
  probes?: ContainerProbes
}

/** The life of a probed container, as cluster/probes.ts replays it on the simulated clock (times in ms since the epoch). */
export interface ContainerProbes {
  /** every run of the container: when it started, and when kubelet killed it (liveness or startup failure) */
  runs: { start: number; killed?: number }[]
  /** the started flag of the current run (startup probe passed, or none) */
  started: boolean
  /** killed and not yet restarted: kubelet waits out this back-off (seconds) until `restartAt` */
  waiting?: { backoff: number; restartAt: number }
  /** when the container's readiness last changed; unset: as it was at the start (not ready) */
  readyChanged?: number
  /** killed and not restarted (restartPolicy Never, or OnFailure after exit 0): when */
  terminated?: number
  /** how the killed runs ended (the process's answer to the stop signal) */
  exitCode: number
  exitReason: 'Completed' | 'Error'
  /** kubelet's events about the container, oldest first (Unhealthy, Killing, Created/Started again, BackOff) */
  events: ProbeEvent[]
}

export interface ProbeEvent {
  at: number
  type: 'Normal' | 'Warning'
  reason: string
  message: string
  /** occurrences folded into this one (older probe failures, counted but not listed one by one) */
  count?: number
}

export interface ContainerCrash {
  /** (what an attempt writes before it exits: kubectl/crash-log.ts) */
  exitCode: number
  /** the port it could not bind, and the container of the same Pod that holds it */
  port: { protocol: Protocol; port: number; heldBy: string }
}

export interface PodDNSConfig {
  nameservers?: string[]
  searches?: string[]
  options?: { name: string; value?: string }[]
}

export type DNSPolicy = 'ClusterFirst' | 'ClusterFirstWithHostNet' | 'Default' | 'None'

export interface Pod {
  meta: ObjectMeta
  nodeName: string
  hostNetwork: boolean
  /** Pod IPs, one per family, primary first (status.podIPs) */
  podIPs: string[]
  hostIP: string
  phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown'
  ready: boolean
  terminating: boolean
  containers: Container[]
  initContainers: Container[]
  hostname?: string
  subdomain?: string
  setHostnameAsFQDN: boolean
  dnsPolicy: DNSPolicy
  dnsConfig?: PodDNSConfig
  restartPolicy: string
  serviceAccountName: string
  nodeSelector: Labels
  /** the workload that made it, e.g. {kind: 'ReplicaSet', name: 'web-7d4b9c8f6'} */
  owner?: { kind: string; name: string }
  /** top-level workload, e.g. {kind: 'Deployment', name: 'web'} */
  workload?: { kind: string; name: string }
  /** why the Pod is Pending (FailedScheduling / FailedCreatePodSandBox), if it is */
  pendingReason?: string
  /**
   * why no scheduler takes the Pod up, so that it stays Pending without a FailedScheduling event:
   * 'SchedulingGated' (spec.schedulingGates not empty), 'SchedulerName' (spec.schedulerName names
   * another scheduler, which the simulator does not run)
   */
  schedulingHold?: 'SchedulingGated' | 'SchedulerName'
  /** spec.readinessGates with the status of each gate's condition (undefined: no such condition) */
  readinessGates?: { conditionType: string; status?: string }[]
  /** the object as the reader wrote it (or as a controller would create it) */
  raw: JsonObject
  source?: SourceRef
}

export type ServiceType = 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName'

export interface ServicePort {
  name?: string
  protocol: Protocol
  port: number
  targetPort: number | string
  nodePort?: number
  appProtocol?: string
}

export interface Service {
  meta: ObjectMeta
  type: ServiceType
  /** spec.clusterIPs; ['None'] for headless; [] for ExternalName */
  clusterIPs: string[]
  headless: boolean
  ipFamilies: IPFamily[]
  ipFamilyPolicy?: 'SingleStack' | 'PreferDualStack' | 'RequireDualStack'
  /** undefined = selector-less Service (endpoints are managed by hand) */
  selector?: Labels
  ports: ServicePort[]
  externalName?: string
  externalIPs: string[]
  /** status.loadBalancer.ingress */
  loadBalancerIngress: { ip?: string; hostname?: string; ipMode?: 'VIP' | 'Proxy' }[]
  loadBalancerSourceRanges: string[]
  externalTrafficPolicy?: 'Cluster' | 'Local'
  internalTrafficPolicy?: 'Cluster' | 'Local'
  healthCheckNodePort?: number
  sessionAffinity: 'None' | 'ClientIP'
  sessionAffinityTimeoutSeconds?: number
  /** spec.trafficDistribution */
  trafficDistribution?: 'PreferClose' | 'PreferSameZone' | 'PreferSameNode'
  publishNotReadyAddresses: boolean
  system: boolean
  raw: JsonObject
  source?: SourceRef
}

export interface EndpointConditions {
  ready: boolean
  serving: boolean
  terminating: boolean
}

export interface Endpoint {
  addresses: string[]
  conditions: EndpointConditions
  hostname?: string
  nodeName?: string
  zone?: string
  /** discovery.k8s.io/v1 hints, as the EndpointSlice controller sets them (build/topology-hints.ts) */
  hints?: { forZones?: string[]; forNodes?: string[] }
  targetRef?: { kind: string; namespace: string; name: string; uid: string }
}

export interface EndpointPort {
  name: string
  protocol: Protocol
  port: number | null
  appProtocol?: string
}

export interface EndpointSlice {
  meta: ObjectMeta
  /** kubernetes.io/service-name label */
  serviceName?: string
  addressType: 'IPv4' | 'IPv6' | 'FQDN'
  ports: EndpointPort[]
  endpoints: Endpoint[]
  /** endpointslice.kubernetes.io/managed-by */
  managedBy: string
  /** computed by the simulated EndpointSlice controller (not written by the reader) */
  generated: boolean
  /** metadata.generation: 1, plus one for each later change of the controller's content */
  generation?: number
  source?: SourceRef
}

/** Legacy v1 Endpoints, as the EndpointSlice mirroring / Endpoints controller keep them. */
export interface Endpoints {
  meta: ObjectMeta
  subsets: {
    addresses: { ip: string; hostname?: string; nodeName?: string; targetRef?: Endpoint['targetRef'] }[]
    notReadyAddresses: { ip: string; hostname?: string; nodeName?: string; targetRef?: Endpoint['targetRef'] }[]
    ports: EndpointPort[]
  }[]
  generated: boolean
  source?: SourceRef
}

/** Objects the engine keeps close to their API shape (spec typed by their own module). */
export interface GenericObject {
  apiVersion: string
  kind: string
  meta: ObjectMeta
  spec: JsonObject
  status: JsonObject
  /** the object as written */
  raw: JsonObject
  source?: SourceRef
}

export interface Cluster {
  config: ClusterConfig
  namespaces: Namespace[]
  nodes: Node[]
  pods: Pod[]
  services: Service[]
  endpointSlices: EndpointSlice[]
  endpoints: Endpoints[]
  /** Deployments, ReplicaSets, StatefulSets, DaemonSets as API objects (with computed status) */
  workloads: GenericObject[]
  ingresses: GenericObject[]
  ingressClasses: GenericObject[]
  networkPolicies: GenericObject[]
  adminNetworkPolicies: GenericObject[]
  baselineAdminNetworkPolicies: GenericObject[]
  /** policy.networking.k8s.io/v1alpha2 ClusterNetworkPolicy (network-policy-api v0.2.x) */
  clusterNetworkPolicies: GenericObject[]
  configMaps: GenericObject[]
  /** the reader's ServiceAccounts (the controllers' `default` ones are built when listed: kubectl/service-accounts.ts) */
  serviceAccounts: GenericObject[]
  /** Gateway API (gateway.networking.k8s.io), read by engine/gateway */
  gatewayClasses: GenericObject[]
  gateways: GenericObject[]
  httpRoutes: GenericObject[]
  grpcRoutes: GenericObject[]
  referenceGrants: GenericObject[]
  /** Secrets as written (Gateway listeners' certificateRefs resolve against them; kubectl get secrets) */
  secrets: GenericObject[]
  /** Names outside the cluster that the scenario declares (upstream DNS zone), filled by the DNS module */
  externalHosts: GenericObject[]
  /** knet/v1alpha1 NodeScripts: commands each run begins with on a node (engine/lab/script.ts) */
  nodeScripts: GenericObject[]
  /** "now" of the simulation: ages are measured against it */
  now: string
  diagnostics: Diagnostic[]
  index: ClusterIndex
  /** where a field of an object stands in the reader's text (for commands that report positions) */
  locate?: (ref: SourceRef, path: (string | number)[], key?: boolean) => { line: number; column: number; endLine: number; endColumn: number }
}

export interface ClusterIndex {
  namespace: Map<string, Namespace>
  node: Map<string, Node>
  /** key `ns/name` */
  pod: Map<string, Pod>
  service: Map<string, Service>
  podByIP: Map<string, Pod>
  serviceByClusterIP: Map<string, Service>
  nodeByIP: Map<string, Node>
  /** key `ns/service-name` → slices of that Service */
  slicesByService: Map<string, EndpointSlice[]>
}
