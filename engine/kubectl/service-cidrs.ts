/**
 * ServiceCIDR and IPAddress (networking.k8s.io/v1, GA in 1.33): the API
 * objects behind ClusterIP allocation. The API server keeps a ServiceCIDR
 * named `kubernetes` for its --service-cluster-ip-range, and one IPAddress per
 * allocated ClusterIP, named by the address, pointing at its Service.
 *
 * What the controllers write on them: kube-controller-manager's servicecidrs controller adds
 * the `networking.k8s.io/service-cidr-finalizer` finalizer to every ServiceCIDR and applies
 * Ready=True with "Kubernetes Service CIDR is ready" and no reason (pkg/controller/servicecidrs
 * servicecidrs_controller.go sync, after the API server's defaultservicecidr controller's
 * "Kubernetes default Service CIDR is ready", which it overwrites with Force); the allocator
 * labels each IPAddress with its family and manager (pkg/registry/core/service/ipallocator
 * createIPAddress). The condition's time is the cluster's creation here: the real one is the
 * controller's last sync, seconds later, and moves when an IPAddress in the range is deleted.
 */
import type { Cluster, JsonObject, ObjectMeta } from '../model/types.ts'
import { makeMeta } from '../cluster/meta.ts'
import { ipFamilyOf } from '../net/ip.ts'

export interface ServiceCIDRObject {
  meta: ObjectMeta
  cidrs: string[]
}

export interface IPAddressObject {
  meta: ObjectMeta
  parent: { resource: 'services'; namespace: string; name: string }
}

const SERVICE_CIDR_FINALIZER = 'networking.k8s.io/service-cidr-finalizer'
export const SERVICE_CIDR_READY_MESSAGE = 'Kubernetes Service CIDR is ready'

const cidrCache = new WeakMap<Cluster, ServiceCIDRObject[]>()
const ipCache = new WeakMap<Cluster, IPAddressObject[]>()

export function serviceCIDRs(c: Cluster): ServiceCIDRObject[] {
  let list = cidrCache.get(c)
  if (!list) {
    list = [{ meta: makeMeta({ kind: 'ServiceCIDR', name: 'kubernetes', namespace: '', system: true, labels: {}, annotations: {} }), cidrs: [...c.config.serviceCIDRs] }]
    cidrCache.set(c, list)
  }
  return list
}

export function ipAddresses(c: Cluster): IPAddressObject[] {
  let list = ipCache.get(c)
  if (!list) {
    list = c.services
      .flatMap((s) =>
        s.clusterIPs
          .filter((ip) => ip !== 'None')
          .map((ip) => ({
            meta: makeMeta({ kind: 'IPAddress', name: ip, namespace: '', system: s.system, labels: { 'ipaddress.kubernetes.io/ip-family': ipFamilyOf(ip) ?? 'IPv4', 'ipaddress.kubernetes.io/managed-by': 'ipallocator.k8s.io' }, annotations: {} }),
            parent: { resource: 'services' as const, namespace: s.meta.namespace, name: s.meta.name },
          })),
      )
      .sort((a, b) => (a.meta.name < b.meta.name ? -1 : a.meta.name > b.meta.name ? 1 : 0))
    ipCache.set(c, list)
  }
  return list
}

export function serviceCIDRJson(o: ServiceCIDRObject): JsonObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'ServiceCIDR',
    metadata: { creationTimestamp: o.meta.creationTimestamp, finalizers: [SERVICE_CIDR_FINALIZER], name: o.meta.name, resourceVersion: o.meta.resourceVersion, uid: o.meta.uid },
    spec: { cidrs: [...o.cidrs] },
    status: { conditions: [{ lastTransitionTime: o.meta.creationTimestamp, message: SERVICE_CIDR_READY_MESSAGE, reason: '', status: 'True', type: 'Ready' }] },
  }
}

export function ipAddressJson(o: IPAddressObject): JsonObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'IPAddress',
    metadata: { creationTimestamp: o.meta.creationTimestamp, labels: { ...o.meta.labels }, name: o.meta.name, resourceVersion: o.meta.resourceVersion, uid: o.meta.uid },
    spec: { parentRef: { group: '', namespace: o.parent.namespace, name: o.parent.name, resource: o.parent.resource } },
  }
}
