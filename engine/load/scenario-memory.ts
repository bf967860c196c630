/**
 * What a cluster was built from, kept beside it: `kubectl run --rm` builds the same scenario
 * with one Pod more (kubectl/run.ts). A WeakMap, so that a cluster nobody holds is freed with
 * its sources; a cluster built without loadScenario has none.
 */
import type { Cluster } from '../model/types.ts'
import type { ScenarioSource } from './parse.ts'

/** the cluster built with the extra document, and that document's source index (for its diagnostics) */
export interface Rebuilt {
  cluster: Cluster
  source: number
}

type Rebuild = (extra: ScenarioSource) => Rebuilt

const memory = new WeakMap<Cluster, Rebuild>()

/** Called by loadScenario for every cluster it builds. */
export function rememberScenario(cluster: Cluster, rebuild: Rebuild): void {
  memory.set(cluster, rebuild)
}

/** The cluster's scenario built again with one more document after the others, or undefined. */
export function rebuildWith(cluster: Cluster, extra: ScenarioSource): Rebuilt | undefined {
  return memory.get(cluster)?.(extra)
}
