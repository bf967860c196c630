import { LIMITS } from '../../engine/index.ts'
// Not part of the engine's public surface: the one internal the Worker uses, to size a
// scenario before building it (see functions/README.md, "Limits").
import { parseSources } from '../../engine/load/parse.ts'

/** How big a scenario will be once built: what the Worker's limits are checked against. */
export interface ScenarioSize {
  objects: number
  nodes: number
  /** the scenario's own Pods: bare Pods, workload replicas, one per node per DaemonSet */
  pods: number
  services: number
}

// The engine's cluster when a scenario names no nodes: a control-plane node and three workers.
const DEFAULT_NODES = 4
const REPLICATED = new Set(['Deployment', 'ReplicaSet', 'StatefulSet'])

/**
 * Sizes a scenario from its parsed objects, without building anything: parsing is cheap
 * (guarded against alias bombs and deep nesting by the engine), building is what grows
 * with Pods × Services. Errs on the large side: every DaemonSet is counted on every node,
 * a ReplicaSet a Deployment owns is counted again.
 */
export function scenarioSize(text: string): ScenarioSize {
  const { objects } = parseSources([{ name: 'scenario.yaml', text }])
  let nodeObjects = 0
  let specNodes = 0
  let pods = 0
  let daemonSets = 0
  let services = 0
  for (const { value } of objects) {
    const kind = value.kind
    if (kind === 'Node') nodeObjects++
    else if (kind === 'Cluster') specNodes = Math.max(specNodes, listLength(value.spec, 'nodes'))
    else if (kind === 'Pod') pods++
    else if (kind === 'DaemonSet') daemonSets++
    else if (kind === 'Service') services++
    else if (typeof kind === 'string' && REPLICATED.has(kind)) pods += replicas(value.spec)
  }
  const nodes = nodeObjects || specNodes || DEFAULT_NODES
  return { objects: objects.length, nodes, pods: pods + daemonSets * nodes, services }
}

function listLength(spec: unknown, field: string): number {
  const list = isObject(spec) ? spec[field] : undefined
  return Array.isArray(list) ? list.length : 0
}

function replicas(spec: unknown): number {
  const n = isObject(spec) ? spec.replicas : undefined
  if (typeof n !== 'number' || !Number.isFinite(n)) return 1
  return Math.max(0, Math.min(Math.floor(n), LIMITS.maxReplicas))
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
