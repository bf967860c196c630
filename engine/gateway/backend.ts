/**
 * From a backendRef to what Envoy sends to. Envoy Gateway, like
 * ingress-nginx, balances over the ready endpoints of the Service port
 * (EndpointSlices), not through the ClusterIP; the Ingress module's resolver
 * already does that lookup.
 */
import type { Cluster, Service, ServicePort } from '../model/types.ts'
import { resolveBackend } from '../ingress/backend.ts'
import type { UpstreamEndpoint } from '../ingress/backend.ts'
import type { BackendRefView } from './model.ts'

export interface ResolvedService {
  service: Service
  servicePort?: ServicePort
  endpoints: UpstreamEndpoint[]
}

/** The Service, its port and ready endpoints (undefined when the Service does not exist). */
export function resolveService(cluster: Cluster, ref: BackendRefView): ResolvedService | undefined {
  const r = resolveBackend(cluster, ref.namespace, { name: ref.name, port: { number: ref.port } })
  if (!r.service) return undefined
  return { service: r.service, servicePort: r.servicePort, endpoints: r.endpoints }
}
