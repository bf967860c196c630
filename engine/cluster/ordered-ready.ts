/**
 * A StatefulSet with the default podManagementPolicy, OrderedReady, creates
 * its Pods one at a time: ordinal N+1 only once ordinal N is Running and
 * Ready (pkg/controller/statefulset/stateful_set_control.go: "StatefulSet
 * is waiting for Pod to be Running and Ready"). With Parallel it creates them
 * all at once. The workloads step makes every replica; once probes have
 * decided readiness, this drops the ones the controller would not have made
 * yet. (Their addresses stay allocated, so the Pods applied after them keep
 * the addresses they would have with every replica up.)
 */
import type { Pod } from '../model/types.ts'
import type { BuildContext } from './context.ts'
import { read } from './context.ts'

export function orderedReady(ctx: BuildContext, pods: Pod[]): Pod[] {
  const held = new Set<Pod>()
  for (const sts of ctx.objects('StatefulSet')) {
    if (read.str(read.path(sts.value, 'spec', 'podManagementPolicy')) === 'Parallel') continue
    const mine = pods
      // the Pods this StatefulSet's template made (a pasted Pod exists already, whatever its ordinal)
      .filter((p) => p.source === sts.ref && p.workload?.kind === 'StatefulSet' && p.workload.name === sts.name)
      .map((p) => ({ p, ordinal: Number(p.meta.name.slice(sts.name.length + 1)) }))
      .filter((x) => Number.isInteger(x.ordinal))
      .sort((a, b) => a.ordinal - b.ordinal)
    const blocker = mine.findIndex((x) => !(x.p.phase === 'Running' && x.p.ready))
    if (blocker < 0) continue
    for (const x of mine.slice(blocker + 1)) held.add(x.p)
  }
  return held.size ? pods.filter((p) => !held.has(p)) : pods
}

