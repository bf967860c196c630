/**
 * The resource types `kubectl get` and `describe` understand here, with the
 * names and short names kubectl's discovery gives them.
 */
import { builtinResource } from '../load/builtin-kinds.ts'

export interface ResourceType {
  resource: string
  kind: string
  namespaced: boolean
  names: string[]
  /** how `-o name` and multi-type listings prefix objects */
  prefix: string
}

export const RESOURCE_TYPES: ResourceType[] = [
  { resource: 'pods', kind: 'Pod', namespaced: true, names: ['pods', 'pod', 'po'], prefix: 'pod' },
  { resource: 'services', kind: 'Service', namespaced: true, names: ['services', 'service', 'svc'], prefix: 'service' },
  { resource: 'endpointslices', kind: 'EndpointSlice', namespaced: true, names: ['endpointslices', 'endpointslice', 'endpointslices.discovery.k8s.io'], prefix: 'endpointslice.discovery.k8s.io' },
  { resource: 'endpoints', kind: 'Endpoints', namespaced: true, names: ['endpoints', 'ep'], prefix: 'endpoints' },
  { resource: 'nodes', kind: 'Node', namespaced: false, names: ['nodes', 'node', 'no'], prefix: 'node' },
  { resource: 'namespaces', kind: 'Namespace', namespaced: false, names: ['namespaces', 'namespace', 'ns'], prefix: 'namespace' },
  { resource: 'ingresses', kind: 'Ingress', namespaced: true, names: ['ingresses', 'ingress', 'ing', 'ingresses.networking.k8s.io'], prefix: 'ingress.networking.k8s.io' },
  { resource: 'ingressclasses', kind: 'IngressClass', namespaced: false, names: ['ingressclasses', 'ingressclass'], prefix: 'ingressclass.networking.k8s.io' },
  { resource: 'networkpolicies', kind: 'NetworkPolicy', namespaced: true, names: ['networkpolicies', 'networkpolicy', 'netpol', 'networkpolicies.networking.k8s.io'], prefix: 'networkpolicy.networking.k8s.io' },
  // network-policy-api CRDs (shortName and scope from their kubebuilder markers: v0.2.0 apis/v1alpha2, v0.1.8 apis/v1alpha1)
  { resource: 'clusternetworkpolicies', kind: 'ClusterNetworkPolicy', namespaced: false, names: ['clusternetworkpolicies', 'clusternetworkpolicy', 'cnp', 'clusternetworkpolicies.policy.networking.k8s.io'], prefix: 'clusternetworkpolicy.policy.networking.k8s.io' },
  { resource: 'adminnetworkpolicies', kind: 'AdminNetworkPolicy', namespaced: false, names: ['adminnetworkpolicies', 'adminnetworkpolicy', 'anp', 'adminnetworkpolicies.policy.networking.k8s.io'], prefix: 'adminnetworkpolicy.policy.networking.k8s.io' },
  { resource: 'baselineadminnetworkpolicies', kind: 'BaselineAdminNetworkPolicy', namespaced: false, names: ['baselineadminnetworkpolicies', 'baselineadminnetworkpolicy', 'banp', 'baselineadminnetworkpolicies.policy.networking.k8s.io'], prefix: 'baselineadminnetworkpolicy.policy.networking.k8s.io' },
  { resource: 'servicecidrs', kind: 'ServiceCIDR', namespaced: false, names: ['servicecidrs', 'servicecidr', 'servicecidrs.networking.k8s.io'], prefix: 'servicecidr.networking.k8s.io' },
  { resource: 'ipaddresses', kind: 'IPAddress', namespaced: false, names: ['ipaddresses', 'ipaddress', 'ip', 'ipaddresses.networking.k8s.io'], prefix: 'ipaddress.networking.k8s.io' },
  // Gateway API CRDs (kubernetes-sigs/gateway-api v1.6.1 standard channel): names and shortNames of their CRDs
  { resource: 'gatewayclasses', kind: 'GatewayClass', namespaced: false, names: ['gatewayclasses', 'gatewayclass', 'gc', 'gatewayclasses.gateway.networking.k8s.io'], prefix: 'gatewayclass.gateway.networking.k8s.io' },
  { resource: 'gateways', kind: 'Gateway', namespaced: true, names: ['gateways', 'gateway', 'gtw', 'gateways.gateway.networking.k8s.io'], prefix: 'gateway.gateway.networking.k8s.io' },
  { resource: 'httproutes', kind: 'HTTPRoute', namespaced: true, names: ['httproutes', 'httproute', 'httproutes.gateway.networking.k8s.io'], prefix: 'httproute.gateway.networking.k8s.io' },
  { resource: 'grpcroutes', kind: 'GRPCRoute', namespaced: true, names: ['grpcroutes', 'grpcroute', 'grpcroutes.gateway.networking.k8s.io'], prefix: 'grpcroute.gateway.networking.k8s.io' },
  { resource: 'referencegrants', kind: 'ReferenceGrant', namespaced: true, names: ['referencegrants', 'referencegrant', 'refgrant', 'referencegrants.gateway.networking.k8s.io'], prefix: 'referencegrant.gateway.networking.k8s.io' },
  { resource: 'configmaps', kind: 'ConfigMap', namespaced: true, names: ['configmaps', 'configmap', 'cm'], prefix: 'configmap' },
  { resource: 'deployments', kind: 'Deployment', namespaced: true, names: ['deployments', 'deployment', 'deploy', 'deployments.apps'], prefix: 'deployment.apps' },
  { resource: 'statefulsets', kind: 'StatefulSet', namespaced: true, names: ['statefulsets', 'statefulset', 'sts'], prefix: 'statefulset.apps' },
  { resource: 'daemonsets', kind: 'DaemonSet', namespaced: true, names: ['daemonsets', 'daemonset', 'ds'], prefix: 'daemonset.apps' },
  { resource: 'events', kind: 'Event', namespaced: true, names: ['events', 'event', 'ev'], prefix: 'event' },
  { resource: 'replicasets', kind: 'ReplicaSet', namespaced: true, names: ['replicasets', 'replicaset', 'rs'], prefix: 'replicaset.apps' },
  { resource: 'secrets', kind: 'Secret', namespaced: true, names: ['secrets', 'secret'], prefix: 'secret' },
  { resource: 'serviceaccounts', kind: 'ServiceAccount', namespaced: true, names: ['serviceaccounts', 'serviceaccount', 'sa'], prefix: 'serviceaccount' },
  // network-policy-api v0.1.x CRDs (policy.networking.k8s.io/v1alpha1), short names from their CRDs
  { resource: 'adminnetworkpolicies', kind: 'AdminNetworkPolicy', namespaced: false, names: ['adminnetworkpolicies', 'adminnetworkpolicy', 'anp', 'adminnetworkpolicies.policy.networking.k8s.io'], prefix: 'adminnetworkpolicy.policy.networking.k8s.io' },
  { resource: 'baselineadminnetworkpolicies', kind: 'BaselineAdminNetworkPolicy', namespaced: false, names: ['baselineadminnetworkpolicies', 'baselineadminnetworkpolicy', 'banp', 'baselineadminnetworkpolicies.policy.networking.k8s.io'], prefix: 'baselineadminnetworkpolicy.policy.networking.k8s.io' },
]

/**
 * The `all` category's simulated members, in discovery's order (core, then apps): the
 * category also holds replicationcontrollers, horizontalpodautoscalers, cronjobs and jobs,
 * which the simulator does not model (load/builtin-kinds.ts).
 */
export const ALL_CATEGORY = ['pods', 'services', 'daemonsets', 'deployments', 'replicasets', 'statefulsets']

/** A type the API server has, which the simulator does not model, is not said to be missing. */
export function unknownTypeMessage(t: string): string {
  const b = builtinResource(t)
  if (!b) return `error: the server doesn't have a resource type "${t}"`
  const type = b.group ? `${b.names[0]}.${b.group}` : b.names[0]
  return `knet: ${type} is a resource type a real cluster has, but the simulator does not model ${b.kind} objects`
}

export function resourceType(name: string): ResourceType | undefined {
  const n = name.toLowerCase()
  return RESOURCE_TYPES.find((r) => r.names.includes(n))
}
