/**
 * The kinds a scenario may hold, with the API groups that serve them and the
 * fields the API server would accept (field lists from k8s.io/api, v1.34).
 * Fields the engine does not read are `any`: accepted, carried, not checked.
 */
import { any, arr, bool, int32, int64, intOrString, obj, str, strMap } from './schema.ts'
import type { Schema } from './schema.ts'
import { GATEWAY_KINDS } from '../gateway/kinds.ts'
import type { KindInfo } from './kind-info.ts'

export type { KindInfo } from './kind-info.ts'

const labelSelector = obj('LabelSelector', {
  matchLabels: strMap,
  matchExpressions: arr(obj('LabelSelectorRequirement', { key: str, operator: str, values: arr(str) })),
})

const objectMeta = obj('ObjectMeta', {
  name: str,
  generateName: str,
  namespace: str,
  selfLink: str,
  uid: str,
  resourceVersion: str,
  generation: int64,
  creationTimestamp: any,
  deletionTimestamp: any,
  deletionGracePeriodSeconds: int64,
  labels: strMap,
  annotations: strMap,
  ownerReferences: arr(
    obj('OwnerReference', {
      apiVersion: str,
      kind: str,
      name: str,
      uid: str,
      controller: bool,
      blockOwnerDeletion: bool,
    }),
  ),
  finalizers: arr(str),
  managedFields: any,
})

const containerPort = obj('ContainerPort', {
  name: str,
  hostPort: int32,
  containerPort: int32,
  protocol: str,
  hostIP: str,
})

const container = obj('Container', {
  name: str,
  image: str,
  command: arr(str),
  args: arr(str),
  workingDir: str,
  ports: arr(containerPort),
  envFrom: any,
  env: any,
  resources: any,
  resizePolicy: any,
  restartPolicy: str,
  restartPolicyRules: any,
  volumeMounts: any,
  volumeDevices: any,
  livenessProbe: any,
  readinessProbe: any,
  startupProbe: any,
  lifecycle: any,
  terminationMessagePath: str,
  terminationMessagePolicy: str,
  imagePullPolicy: str,
  securityContext: any,
  stdin: bool,
  stdinOnce: bool,
  tty: bool,
})

const podSpec = obj('PodSpec', {
  volumes: any,
  initContainers: arr(container),
  containers: arr(container),
  ephemeralContainers: any,
  restartPolicy: str,
  terminationGracePeriodSeconds: int64,
  activeDeadlineSeconds: int64,
  dnsPolicy: str,
  nodeSelector: strMap,
  serviceAccountName: str,
  serviceAccount: str,
  automountServiceAccountToken: bool,
  nodeName: str,
  hostNetwork: bool,
  hostPID: bool,
  hostIPC: bool,
  shareProcessNamespace: bool,
  securityContext: any,
  imagePullSecrets: any,
  hostname: str,
  hostnameOverride: str,
  subdomain: str,
  affinity: any,
  schedulerName: str,
  tolerations: any,
  hostAliases: any,
  priorityClassName: str,
  priority: int32,
  dnsConfig: obj('PodDNSConfig', {
    nameservers: arr(str),
    searches: arr(str),
    options: arr(obj('PodDNSConfigOption', { name: str, value: str })),
  }),
  readinessGates: any,
  runtimeClassName: str,
  enableServiceLinks: bool,
  preemptionPolicy: str,
  overhead: any,
  topologySpreadConstraints: any,
  setHostnameAsFQDN: bool,
  os: any,
  hostUsers: bool,
  schedulingGates: any,
  resourceClaims: any,
  resources: any,
})

const podTemplate = obj('PodTemplateSpec', { metadata: objectMeta, spec: podSpec })

const servicePort = obj('ServicePort', {
  name: str,
  protocol: str,
  appProtocol: str,
  port: int32,
  targetPort: intOrString,
  nodePort: int32,
})

const serviceSpec = obj('ServiceSpec', {
  ports: arr(servicePort),
  selector: strMap,
  clusterIP: str,
  clusterIPs: arr(str),
  type: str,
  externalIPs: arr(str),
  sessionAffinity: str,
  loadBalancerIP: str,
  loadBalancerSourceRanges: arr(str),
  externalName: str,
  externalTrafficPolicy: str,
  healthCheckNodePort: int32,
  publishNotReadyAddresses: bool,
  sessionAffinityConfig: obj('SessionAffinityConfig', {
    clientIP: obj('ClientIPConfig', { timeoutSeconds: int32 }),
  }),
  ipFamilies: arr(str),
  ipFamilyPolicy: str,
  allocateLoadBalancerNodePorts: bool,
  loadBalancerClass: str,
  internalTrafficPolicy: str,
  trafficDistribution: str,
})

const loadBalancerStatus = obj('LoadBalancerStatus', {
  ingress: arr(
    obj('LoadBalancerIngress', { ip: str, hostname: str, ipMode: str, ports: any }),
  ),
})

const objectReference = obj('ObjectReference', {
  kind: str,
  namespace: str,
  name: str,
  uid: str,
  apiVersion: str,
  resourceVersion: str,
  fieldPath: str,
})

const endpointSliceEndpoint = obj('Endpoint', {
  addresses: arr(str),
  conditions: obj('EndpointConditions', { ready: bool, serving: bool, terminating: bool }),
  hostname: str,
  targetRef: objectReference,
  deprecatedTopology: strMap,
  nodeName: str,
  zone: str,
  hints: any,
})

const endpointPort = obj('EndpointPort', { name: str, protocol: str, port: int32, appProtocol: str })

const endpointAddress = obj('EndpointAddress', { ip: str, hostname: str, nodeName: str, targetRef: objectReference })

const networkPolicyPort = obj('NetworkPolicyPort', { protocol: str, port: intOrString, endPort: int32 })
const networkPolicyPeer = obj('NetworkPolicyPeer', {
  podSelector: labelSelector,
  namespaceSelector: labelSelector,
  ipBlock: obj('IPBlock', { cidr: str, except: arr(str) }),
})

const ingressBackend = obj('IngressBackend', {
  service: obj('IngressServiceBackend', {
    name: str,
    port: obj('ServiceBackendPort', { name: str, number: int32 }),
  }),
  resource: any,
})

const statusAny = any


const K = (
  kind: string,
  apiVersions: string[],
  namespaced: boolean,
  resource: string,
  fields: Record<string, Schema>,
): KindInfo => ({ kind, apiVersions, namespaced, resource, fields })

/** Every kind the engine accepts. */
export const KINDS: KindInfo[] = [
  K('Namespace', ['v1'], false, 'namespaces', { spec: any, status: statusAny }),
  K('Node', ['v1'], false, 'nodes', {
    spec: obj('NodeSpec', {
      podCIDR: str,
      podCIDRs: arr(str),
      providerID: str,
      unschedulable: bool,
      taints: arr(obj('Taint', { key: str, value: str, effect: str, timeAdded: any })),
      configSource: any,
      externalID: str,
    }),
    status: obj('NodeStatus', {
      capacity: any,
      allocatable: any,
      phase: str,
      conditions: any,
      addresses: arr(obj('NodeAddress', { type: str, address: str })),
      daemonEndpoints: any,
      nodeInfo: any,
      images: any,
      volumesInUse: any,
      volumesAttached: any,
      config: any,
      runtimeHandlers: any,
      features: any,
      declaredFeatures: any,
    }),
  }),
  K('Pod', ['v1'], true, 'pods', {
    spec: podSpec,
    status: obj('PodStatus', {
      phase: str,
      conditions: arr(
        obj('PodCondition', {
          type: str,
          status: str,
          lastProbeTime: any,
          lastTransitionTime: any,
          reason: str,
          message: str,
          observedGeneration: int64,
        }),
      ),
      message: str,
      reason: str,
      nominatedNodeName: str,
      hostIP: str,
      hostIPs: arr(obj('HostIP', { ip: str })),
      podIP: str,
      podIPs: arr(obj('PodIP', { ip: str })),
      startTime: any,
      initContainerStatuses: any,
      containerStatuses: any,
      qosClass: str,
      ephemeralContainerStatuses: any,
      resize: str,
      resourceClaimStatuses: any,
      observedGeneration: int64,
      extendedResourceClaimStatus: any,
      allocatedResources: any,
      resources: any,
    }),
  }),
  K('Deployment', ['apps/v1'], true, 'deployments', {
    spec: obj('DeploymentSpec', {
      replicas: int32,
      selector: labelSelector,
      template: podTemplate,
      strategy: any,
      minReadySeconds: int32,
      revisionHistoryLimit: int32,
      paused: bool,
      progressDeadlineSeconds: int32,
    }),
    status: statusAny,
  }),
  K('ReplicaSet', ['apps/v1'], true, 'replicasets', {
    spec: obj('ReplicaSetSpec', { replicas: int32, minReadySeconds: int32, selector: labelSelector, template: podTemplate }),
    status: statusAny,
  }),
  K('StatefulSet', ['apps/v1'], true, 'statefulsets', {
    spec: obj('StatefulSetSpec', {
      replicas: int32,
      selector: labelSelector,
      template: podTemplate,
      volumeClaimTemplates: any,
      serviceName: str,
      podManagementPolicy: str,
      updateStrategy: any,
      revisionHistoryLimit: int32,
      minReadySeconds: int32,
      persistentVolumeClaimRetentionPolicy: any,
      ordinals: obj('StatefulSetOrdinals', { start: int32 }),
    }),
    status: statusAny,
  }),
  K('DaemonSet', ['apps/v1'], true, 'daemonsets', {
    spec: obj('DaemonSetSpec', {
      selector: labelSelector,
      template: podTemplate,
      updateStrategy: any,
      minReadySeconds: int32,
      revisionHistoryLimit: int32,
    }),
    status: statusAny,
  }),
  K('Service', ['v1'], true, 'services', {
    spec: serviceSpec,
    status: obj('ServiceStatus', { loadBalancer: loadBalancerStatus, conditions: any }),
  }),
  K('EndpointSlice', ['discovery.k8s.io/v1'], true, 'endpointslices', {
    addressType: str,
    endpoints: arr(endpointSliceEndpoint),
    ports: arr(endpointPort),
  }),
  K('Endpoints', ['v1'], true, 'endpoints', {
    subsets: arr(
      obj('EndpointSubset', {
        addresses: arr(endpointAddress),
        notReadyAddresses: arr(endpointAddress),
        ports: arr(endpointPort),
      }),
    ),
  }),
  K('Ingress', ['networking.k8s.io/v1'], true, 'ingresses', {
    spec: obj('IngressSpec', {
      ingressClassName: str,
      defaultBackend: ingressBackend,
      tls: arr(obj('IngressTLS', { hosts: arr(str), secretName: str })),
      rules: arr(
        obj('IngressRule', {
          host: str,
          http: obj('HTTPIngressRuleValue', {
            paths: arr(obj('HTTPIngressPath', { path: str, pathType: str, backend: ingressBackend })),
          }),
        }),
      ),
    }),
    status: obj('IngressStatus', { loadBalancer: loadBalancerStatus }),
  }),
  K('IngressClass', ['networking.k8s.io/v1'], false, 'ingressclasses', {
    spec: obj('IngressClassSpec', { controller: str, parameters: any }),
  }),
  K('NetworkPolicy', ['networking.k8s.io/v1'], true, 'networkpolicies', {
    spec: obj('NetworkPolicySpec', {
      podSelector: labelSelector,
      ingress: arr(obj('NetworkPolicyIngressRule', { ports: arr(networkPolicyPort), from: arr(networkPolicyPeer) })),
      egress: arr(obj('NetworkPolicyEgressRule', { ports: arr(networkPolicyPort), to: arr(networkPolicyPeer) })),
      policyTypes: arr(str),
    }),
    status: statusAny,
  }),
  // policy.networking.k8s.io v1alpha1 (kubernetes-sigs/network-policy-api); the policy module validates the spec
  K('AdminNetworkPolicy', ['policy.networking.k8s.io/v1alpha1'], false, 'adminnetworkpolicies', {
    spec: any,
    status: statusAny,
  }),
  K('BaselineAdminNetworkPolicy', ['policy.networking.k8s.io/v1alpha1'], false, 'baselineadminnetworkpolicies', {
    spec: any,
    status: statusAny,
  }),
  // policy.networking.k8s.io v1alpha2 (network-policy-api v0.2.0), which replaces the two kinds above
  K('ClusterNetworkPolicy', ['policy.networking.k8s.io/v1alpha2'], false, 'clusternetworkpolicies', {
    spec: any,
    status: statusAny,
  }),
  K('ConfigMap', ['v1'], true, 'configmaps', { data: strMap, binaryData: any, immutable: bool }),
  // core/v1 ServiceAccount: its three fields beside metadata
  K('ServiceAccount', ['v1'], true, 'serviceaccounts', {
    secrets: arr(objectReference),
    imagePullSecrets: arr(obj('LocalObjectReference', { name: str })),
    automountServiceAccountToken: bool,
  }),
  K('Secret', ['v1'], true, 'secrets', { data: any, stringData: strMap, type: str, immutable: bool }),
  K('Cluster', ['knet/v1alpha1'], false, 'clusters', {
    spec: obj('ClusterSpec', {
      cni: str,
      cniMode: str,
      proxyMode: str,
      kubeProxyReplacement: bool,
      podCIDR: str,
      serviceCIDR: str,
      serviceNodePortRange: str,
      clusterDomain: str,
      ipFamilies: arr(str),
      kubernetesVersion: str,
      nodeCIDRMaskSize: int32,
      nodeCIDRMaskSizeIPv6: int32,
      workstationIP: str,
      nodes: arr(
        obj('ClusterNode', {
          name: str,
          ip: str,
          ips: arr(str),
          labels: strMap,
          zone: str,
          roles: arr(str),
          podCIDR: str,
        }),
      ),
      externalHosts: arr(obj('ExternalHost', { name: str, addresses: arr(str), cname: str })),
    }),
  }),
  // commands run as root on a node when a run begins (engine/lab/script.ts): the by-hand lab, graded in the page
  K('NodeScript', ['knet/v1alpha1'], false, 'nodescripts', {
    spec: obj('NodeScriptSpec', { node: str, commands: arr(str) }),
  }),
  // gateway.networking.k8s.io (kubernetes-sigs/gateway-api CRDs, standard channel); engine/gateway validates the spec
  ...GATEWAY_KINDS,
]

const BY_KIND = new Map(KINDS.map((k) => [k.kind, k]))

export function kindInfo(kind: string): KindInfo | undefined {
  return BY_KIND.get(kind)
}

export function objectSchema(info: KindInfo): Schema {
  return obj(info.kind, { apiVersion: str, kind: str, metadata: objectMeta, ...info.fields })
}
