/**
 * For each resource type: where its objects live in the cluster, how its
 * table looks and how its API object is rendered.
 */
import type { Cluster, JsonObject, ObjectMeta } from '../model/types.ts'
import type { ResourceType } from './resources.ts'
import type { TableSpec } from './tables.ts'
import * as T from './tables.ts'
import * as J from './api-objects.ts'
import { ipAddresses, ipAddressJson, serviceCIDRs, serviceCIDRJson } from './service-cidrs.ts'
import type { IPAddressObject, ServiceCIDRObject } from './service-cidrs.ts'
import { age } from '../text/duration.ts'
import { allWorkloads } from './derived-workloads.ts'
import { workloadJson } from './workload-objects.ts'
import { clusterEvents, eventJson, eventTable } from './events.ts'
import type { ClusterEvent } from './events.ts'
import { gatewayAdapter } from '../gateway/tables.ts'
import { serviceAccounts, serviceAccountTable, unlistedServiceAccounts } from './service-accounts.ts'
import { withRootCAConfigMaps } from './root-ca-configmaps.ts'

// printers.go printServiceCIDR / printIPAddress
const serviceCIDRTable: TableSpec<ServiceCIDRObject> = {
  headers: ['NAME', 'CIDRS', 'AGE'],
  wideHeaders: [],
  row: (o, c) => [o.meta.name, o.cidrs.join(','), age(o.meta.creationTimestamp, c.now)],
  wide: () => [],
}
const ipAddressTable: TableSpec<IPAddressObject> = {
  headers: ['NAME', 'PARENTREF'],
  wideHeaders: [],
  row: (o) => [o.meta.name, `${o.parent.resource}/${o.parent.namespace}/${o.parent.name}`],
  wide: () => [],
}

import type { Adapter } from './adapter.ts'

export type { Adapter } from './adapter.ts'

function adapter<X extends { meta: ObjectMeta }>(items: (c: Cluster) => X[], table: TableSpec<X>, json: (x: X, c: Cluster) => JsonObject): Adapter {
  return { items, meta: (x) => (x as X).meta, table: table as TableSpec<unknown>, json: json as (x: unknown, c: Cluster) => JsonObject }
}

const generic = (kind: string, table: TableSpec<import('../model/types.ts').GenericObject>, pick: (c: Cluster) => import('../model/types.ts').GenericObject[]) =>
  adapter(pick, table, J.genericJson)

export function adapterFor(rt: ResourceType): Adapter {
  switch (rt.kind) {
    case 'Pod':
      return adapter((c) => c.pods, T.podTable, J.podJson)
    case 'Service':
      return adapter((c) => c.services, T.serviceTable, J.serviceJson)
    case 'EndpointSlice':
      return adapter((c) => c.endpointSlices, T.endpointSliceTable, J.endpointSliceJson)
    default:
      // the other kinds: compiled only when a command asks for one (issue 20)
      return otherAdapter(rt)
  }
}

function otherAdapter(rt: ResourceType): Adapter {
  switch (rt.kind) {
    case 'Endpoints':
      return adapter((c) => c.endpoints, T.endpointsTable, J.endpointsJson)
    case 'Node':
      return adapter((c) => c.nodes, T.nodeTable, J.nodeJson)
    case 'Namespace':
      return adapter((c) => c.namespaces, T.namespaceTable, J.namespaceJson)
    case 'Ingress':
      return generic('Ingress', T.ingressTable, (c) => c.ingresses)
    case 'IngressClass':
      return generic('IngressClass', T.ingressClassTable, (c) => c.ingressClasses)
    case 'NetworkPolicy':
      return generic('NetworkPolicy', T.networkPolicyTable, (c) => c.networkPolicies)
    case 'ClusterNetworkPolicy':
      return generic(rt.kind, T.clusterPolicyTable(rt.kind), (c) => c.clusterNetworkPolicies)
    case 'AdminNetworkPolicy':
      return generic(rt.kind, T.clusterPolicyTable(rt.kind), (c) => c.adminNetworkPolicies)
    case 'BaselineAdminNetworkPolicy':
      return generic(rt.kind, T.clusterPolicyTable(rt.kind), (c) => c.baselineAdminNetworkPolicies)
    case 'ServiceCIDR':
      return adapter(serviceCIDRs, serviceCIDRTable, serviceCIDRJson)
    case 'IPAddress':
      return adapter(ipAddresses, ipAddressTable, ipAddressJson)
    case 'ConfigMap':
      // with each namespace's kube-root-ca.crt, made only now
      return generic('ConfigMap', T.configMapTable, withRootCAConfigMaps)
    case 'ServiceAccount':
      return { ...generic('ServiceAccount', serviceAccountTable, serviceAccounts), unlisted: unlistedServiceAccounts }
    case 'Secret':
      return generic('Secret', T.secretTable, (c) => c.secrets)
    case 'Event':
      return adapter(clusterEvents, { ...eventTable, wide: () => [] } as TableSpec<ClusterEvent>, eventJson)
    case 'GatewayClass':
    case 'Gateway':
    case 'HTTPRoute':
    case 'GRPCRoute':
    case 'ReferenceGrant':
      return gatewayAdapter(rt.kind)
    default:
      return adapter((c) => allWorkloads(c).filter((w) => w.kind === rt.kind), T.workloadTable(rt.kind), workloadJson)
  }
}
