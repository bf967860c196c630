/**
 * Draws a `diagram="trace"` or `diagram="matrix"` from the structured answer (`data`) of the
 * command it belongs to (site/examples/diagram-command.ts). The build and the in-browser
 * engine call it with the engine's own results; the page calls it, loaded with import(), with
 * the `results` of POST /api/run, which carry `data` too. Only the diagram modules of the
 * engine come with it, not the engine.
 */
import { matrixDiagram } from '../../engine/diagram/matrix.ts'
import { traceDiagram } from '../../engine/diagram/trace.ts'
import { nodeDiagram } from '../../engine/diagram/node.ts'
import type { NodeSnapshot } from '../../engine/lab/snapshot.ts'
import type { Matrix } from '../../engine/policy/matrix.ts'
import { diffMatrices } from '../../engine/policy/matrix-diff.ts'
import type { Trace } from '../../engine/trace/types.ts'
import { gatewayDiagram } from '../../engine/gateway/diagram.ts'
import type { GatewayTopology } from '../../engine/gateway/topology.ts'
import { clusterSetDiagram } from '../../engine/mesh/clusterset-diagram.ts'
import type { ClusterSetView } from '../../engine/mesh/clusterset.ts'
import { diagramCommandIndex, DIAGRAM_COMMAND, type AnswerDiagramKind } from './diagram-command.ts'
import type { DiagramAnswer } from './types.ts'

export type DrawnDiagram = { ok: true; diagram: DiagramAnswer; data?: unknown } | { ok: false; reason: string }

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null

function isTrace(data: unknown): data is Trace {
  return isObject(data) && Array.isArray(data.hops) && typeof data.from === 'string' && typeof data.to === 'string' && typeof data.result === 'string'
}

function isNodeSnapshot(data: unknown): data is NodeSnapshot {
  return isObject(data) && data.kind === 'node-network' && typeof data.node === 'string' && Array.isArray(data.spaces) && data.spaces.length > 0
}

function isGatewayTopology(data: unknown): data is GatewayTopology {
  return isObject(data) && data.kind === 'gateway-topology' && Array.isArray(data.gateways) && Array.isArray(data.routes) && Array.isArray(data.services)
}

function isClusterSet(data: unknown): data is ClusterSetView {
  return isObject(data) && data.kind === 'clusterset' && Array.isArray(data.endpoints) && isObject(data.local) && isObject(data.peer)
}

function isMatrix(data: unknown): data is Matrix {
  return isObject(data) && Array.isArray(data.rows) && Array.isArray(data.combined) && isObject(data.enforcement)
}

/**
 * The diagram of the last `trace` (or `policy matrix`) in `commands`, from its result's data,
 * or why there is none: no such command, or it answered with an error and nothing to draw.
 * Given the matrix of the run before (`previous`, the page keeps it), a matrix diagram marks
 * the pairs whose verdict changed since and says how many.
 */
export function diagramFromResults(kind: AnswerDiagramKind, commands: readonly string[], results: readonly { data?: unknown }[], previous?: unknown): DrawnDiagram {
  const name = DIAGRAM_COMMAND[kind]
  const at = diagramCommandIndex(kind, commands)
  if (at < 0) return { ok: false, reason: `no ${name} command to draw` }
  const data = results[at]?.data
  const what = `command ${at + 1} (${commands[at]})`
  try {
    if (kind === 'trace' && isTrace(data)) return { ok: true, diagram: traceDiagram(data) }
    // `policy matrix` on a namespace without Pods answers rows: []: nothing to draw either
    if (kind === 'matrix' && isMatrix(data) && data.rows.length > 0) {
      const diff = isMatrix(previous) ? diffMatrices(previous, data) : undefined
      return { ok: true, diagram: matrixDiagram(data, diff ? { diff } : {}), data }
    }
    const node = isObject(data) ? data.node : undefined
    if (kind === 'node' && isNodeSnapshot(node)) return { ok: true, diagram: nodeDiagram(node) }
    if (kind === 'gateway' && isGatewayTopology(data) && data.gateways.length > 0) return { ok: true, diagram: gatewayDiagram(data) }
    if (kind === 'clusterset' && isClusterSet(data)) return { ok: true, diagram: clusterSetDiagram(data) }
  } catch (error) {
    return { ok: false, reason: `${what} could not be drawn: ${(error as Error).message}` }
  }
  return { ok: false, reason: `${what} gave no ${kind === 'trace' ? 'trace' : kind === 'matrix' ? 'matrix' : kind === 'node' ? "node's namespaces" : kind === 'clusterset' ? 'ClusterSet' : 'Gateway topology'} to draw` }
}
