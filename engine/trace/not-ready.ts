/** What a trace says about a Service whose endpoints exist but are not ready (kube-proxy's walk.ts and Cilium's cilium-lb.ts). */
import type { Cluster } from '../model/types.ts'

/** Why a Service with Pods has no endpoints: the Pods its EndpointSlices list as not ready (a failing readiness probe, most often). */
export function notReadyNote(c: Cluster, sp: { namespace: string; name: string }): string {
  const names = (c.index.slicesByService.get(`${sp.namespace}/${sp.name}`) ?? []).flatMap((s) => s.endpoints.filter((e) => !e.conditions.ready && !e.conditions.terminating).map((e) => e.targetRef?.name ?? e.addresses[0]))
  if (names.length === 0) return ''
  const list = [...new Set(names)]
  return ` (${list.length === 1 ? `its endpoint ${list[0]} is` : `its ${list.length} endpoints ${list.join(', ')} are`} not ready; \`kubectl describe pod\` says why)`
}
