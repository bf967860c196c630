/**
 * From an Ingress backend to what the controller proxies to. ingress-nginx
 * (controller.go createUpstreams, serviceEndpoints) sends requests straight to
 * the ready endpoints of the Service port the backend names, not through the
 * ClusterIP, unless nginx.ingress.kubernetes.io/service-upstream is "true".
 * No Service, no such port, or no ready endpoint: nginx answers
 * 503 Service Temporarily Unavailable.
 */
import type { Cluster, Service, ServicePort } from '../model/types.ts'
import type { ServiceBackendRef } from './model.ts'
import { portAsWritten } from './model.ts'

export interface UpstreamEndpoint {
  ip: string
  port: number
  /** `ns/name` of the Pod behind it, when known */
  pod?: string
  node?: string
}

export interface ResolvedBackend {
  namespace: string
  serviceName: string
  /** as written in the Ingress: a number or a port name */
  port: number | string
  service?: Service
  /** the Service port the backend names */
  servicePort?: ServicePort
  endpoints: UpstreamEndpoint[]
  upstream: 'endpoints' | 'cluster-ip' | 'external-name'
  /** why the controller answers 503, when it does */
  problem?: string
}

const SERVICE_UPSTREAM = 'nginx.ingress.kubernetes.io/service-upstream'

/** The Service port an Ingress backend names: by number (spec.ports[].port) or by name. */
export function findServicePort(svc: Service, ref: ServiceBackendRef): ServicePort | undefined {
  if (ref.port.number) return svc.ports.find((p) => p.port === ref.port.number)
  if (ref.port.name) return svc.ports.find((p) => p.name === ref.port.name)
  return undefined
}

export function resolveBackend(cluster: Cluster, namespace: string, ref: ServiceBackendRef, annotations: Record<string, string> = {}): ResolvedBackend {
  const out: ResolvedBackend = { namespace, serviceName: ref.name, port: portAsWritten(ref), endpoints: [], upstream: 'endpoints' }
  const svc = cluster.index.service.get(`${namespace}/${ref.name}`)
  if (!svc) return { ...out, problem: `Service "${ref.name}" not found in namespace "${namespace}"` }
  out.service = svc
  if (svc.type === 'ExternalName') {
    // externalNamePorts: any port is accepted and sent to the external name
    const sp = findServicePort(svc, ref)
    const port = sp?.port ?? (typeof out.port === 'number' ? out.port : 0)
    return { ...out, servicePort: sp, upstream: 'external-name', endpoints: [{ ip: svc.externalName ?? '', port }] }
  }
  const sp = findServicePort(svc, ref)
  if (!sp) {
    const have = svc.ports.map((p) => (p.name ? `${p.name} ${p.port}/${p.protocol}` : `${p.port}/${p.protocol}`)).join(', ') || 'none'
    return { ...out, problem: `Service "${ref.name}" has no port ${typeof out.port === 'number' ? out.port : `named "${out.port}"`} (its ports: ${have})` }
  }
  out.servicePort = sp
  if (annotations[SERVICE_UPSTREAM] === 'true') {
    const ip = svc.clusterIPs.find((x) => x !== 'None')
    if (!ip) return { ...out, upstream: 'cluster-ip', problem: `Service "${ref.name}" is headless, so service-upstream has no ClusterIP to send to` }
    return { ...out, upstream: 'cluster-ip', endpoints: [{ ip, port: sp.port }] }
  }
  for (const slice of cluster.index.slicesByService.get(`${namespace}/${ref.name}`) ?? []) {
    const ep = slice.ports.find((p) => p.name === (sp.name ?? '') && p.protocol === sp.protocol)
    if (!ep || ep.port === null) continue
    for (const e of slice.endpoints) {
      if (!e.conditions.ready || e.addresses.length === 0) continue
      const pod = e.targetRef?.kind === 'Pod' ? `${e.targetRef.namespace}/${e.targetRef.name}` : undefined
      out.endpoints.push({ ip: e.addresses[0], port: ep.port, pod, node: e.nodeName })
    }
  }
  if (out.endpoints.length === 0) out.problem = `Service "${ref.name}" has no ready endpoints for port ${sp.name ?? sp.port}`
  return out
}
