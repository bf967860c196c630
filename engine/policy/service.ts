/**
 * Traffic to a Service: kube-proxy rewrites the ClusterIP and port to one
 * ready endpoint and its target port (DNAT) before any policy sees the
 * packet, so a Service connection is judged per endpoint Pod, on the
 * endpoint's port (the EndpointSlice port, with named targetPorts resolved).
 */
import type { Cluster, Pod, Protocol, Service } from '../model/types.ts'
import { ipFamilyOf } from '../net/ip.ts'
import { policySet } from './policy-set.ts'
import { resolveEnds, judge } from './verdict.ts'
import type { Verdict } from './verdict.ts'

export interface ServiceQuery {
  srcPod?: Pod
  srcIP?: string
  service: Service
  /** the Service port: its number or name */
  port: number | string
  protocol?: Protocol
}

export interface EndpointVerdict {
  /** `10.244.1.5:8080` */
  endpoint: string
  pod?: Pod
  verdict: Verdict
}

/**
 * One verdict per ready endpoint of the Service.
 *
 * @example
 * const r = evaluateServiceConnection(cluster, { srcPod, service, port: 80 })
 * if (!('error' in r)) r.every((e) => e.verdict.allowed)
 */
export function evaluateServiceConnection(cluster: Cluster, q: ServiceQuery): EndpointVerdict[] | { error: string } {
  const svc = q.service
  const name = `${svc.meta.namespace}/${svc.meta.name}`
  if (svc.type === 'ExternalName') return { error: `Service ${name} is an ExternalName (a DNS alias for ${svc.externalName}): there is no endpoint to judge; check the external address instead` }
  const sp = svc.ports.find((p) => (typeof q.port === 'number' ? p.port === q.port : p.name === q.port) && (q.protocol === undefined || p.protocol === q.protocol))
  if (!sp) {
    const have = svc.ports.map((p) => `${p.port}/${p.protocol}${p.name ? ` (${p.name})` : ''}`).join(', ') || 'none'
    return { error: `Service ${name} has no port ${q.port}${q.protocol ? `/${q.protocol}` : ''} (its ports: ${have})` }
  }
  const set = policySet(cluster)
  const slices = cluster.index.slicesByService.get(name) ?? []
  // the family of the source decides which ClusterIP (and so which slices) it can use
  const srcFamily = q.srcPod?.podIPs[0] ? ipFamilyOf(q.srcPod.podIPs[0]) : q.srcIP ? ipFamilyOf(q.srcIP) : undefined
  const family = svc.ipFamilies.find((f) => f === srcFamily) ?? svc.ipFamilies[0] ?? 'IPv4'
  const out: EndpointVerdict[] = []
  for (const sl of slices) {
    if (sl.addressType !== family) continue
    const port = sl.ports.find((p) => p.name === (sp.name ?? '') && p.protocol === sp.protocol)
    if (!port || port.port === null) continue
    for (const ep of sl.endpoints) {
      if (!ep.conditions.ready) continue
      const ip = ep.addresses[0]
      const pod = ep.targetRef?.kind === 'Pod' ? cluster.index.pod.get(`${ep.targetRef.namespace}/${ep.targetRef.name}`) : undefined
      const ends = resolveEnds(set, cluster, { srcPod: q.srcPod, srcIP: q.srcIP, dstPod: pod, dstIP: pod ? undefined : ip, port: port.port, protocol: sp.protocol })
      if ('error' in ends) return ends
      out.push({ endpoint: ip.includes(':') ? `[${ip}]:${port.port}` : `${ip}:${port.port}`, pod, verdict: judge(set, ends.src, ends.dst, port.port, sp.protocol) })
    }
  }
  if (out.length === 0) return { error: `Service ${name} has no ready endpoints for port ${sp.port}/${sp.protocol}: the connection fails (connection refused or a timeout) before any policy is consulted` }
  return out
}
