/**
 * When a Pod's Ready condition last changed, as kubelet's status manager records it in
 * lastTransitionTime: the latest change of a container's readiness (probes and restarts,
 * probes.ts), else the Pod's start. The EndpointSlice and Endpoints controllers take their
 * trigger times from the same field (pkg/controller/util/endpoint trigger_time_tracker.go
 * getPodTriggerTime).
 */
import type { Pod } from '../model/types.ts'
import { isoSeconds } from './probes.ts'

export function readyTransition(pod: Pod): string {
  let latest: number | undefined
  for (const c of pod.containers) {
    const t = c.probes?.readyChanged
    if (t !== undefined && (latest === undefined || t > latest)) latest = t
  }
  return latest === undefined ? pod.meta.creationTimestamp : isoSeconds(latest)
}
