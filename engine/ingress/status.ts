/**
 * status.loadBalancer of an Ingress: as written in the scenario, or, when the
 * scenario has the class's ingress-nginx controller Service and leaves the
 * status empty, what the controller publishes with --publish-service (the
 * chart's default): internal/ingress/status/status.go statusAddressFromService
 * (LoadBalancer: its status addresses plus externalIPs; NodePort: its
 * externalIPs, else the ClusterIP; ClusterIP: the ClusterIP; ExternalName: the
 * name as a hostname).
 */
import type { Cluster, GenericObject } from '../model/types.ts'
import { read } from '../cluster/context.ts'
import { ingressView } from './model.ts'
import { controllerFor, effectiveClass, servedBy, INGRESS_NGINX_CONTROLLER } from './classes.ts'
import { apiValidation } from './api-validation.ts'

export interface LoadBalancerIngress {
  ip?: string
  hostname?: string
}

/**
 * The Ingress's load-balancer addresses.
 *
 * @example
 * ingressStatus(cluster, cluster.ingresses[0]) // [{ ip: '203.0.113.10' }]
 */
export function ingressStatus(cluster: Cluster, g: GenericObject): LoadBalancerIngress[] {
  const written = read.arr(read.path(g.status, 'loadBalancer', 'ingress')).map((i) => ({ ip: read.str(read.path(i, 'ip')), hostname: read.str(read.path(i, 'hostname')) }))
  if (written.length) return written
  const v = ingressView(g)
  if (apiValidation(cluster).refused.has(v.key)) return []
  const cls = effectiveClass(cluster, v).name ?? ''
  if (!servedBy(cluster, v, cls).served) return []
  const ctl = controllerFor(cluster, cls)
  if (!ctl.modelled || ctl.controller !== INGRESS_NGINX_CONTROLLER) return []
  const svc = ctl.service
  const clusterIP = svc.clusterIPs.find((ip) => ip !== 'None')
  switch (svc.type) {
    case 'ExternalName':
      return svc.externalName ? [{ hostname: svc.externalName }] : []
    case 'ClusterIP':
      return clusterIP ? [{ ip: clusterIP }] : []
    case 'NodePort':
      return svc.externalIPs.length ? svc.externalIPs.map((ip) => ({ ip })) : clusterIP ? [{ ip: clusterIP }] : []
    case 'LoadBalancer': {
      const out: LoadBalancerIngress[] = svc.loadBalancerIngress.map((i) => ({ ip: i.ip, hostname: i.hostname }))
      for (const ip of svc.externalIPs) if (!out.some((o) => o.ip === ip)) out.push({ ip })
      return out
    }
  }
}
