/**
 * Kubernetes Networking, Live: the network engine.
 *
 * Manifests in → a simulated cluster → answers. Pure TypeScript: no DOM, no
 * Node APIs, no I/O; the same code runs at build time, in the Worker, in the
 * browser and in tests, and gives byte-identical output everywhere.
 *
 * @example
 * import { loadScenario, runCommand } from './engine/index.ts'
 * const { cluster, diagnostics } = loadScenario(yamlText)
 * const result = runCommand(cluster, 'kubectl get pods -o wide')
 * // result: { command, exitCode, stdout, stderr, data }
 */
export { loadScenario, formatDiagnostic } from './scenario.ts'
export type { LoadResult } from './scenario.ts'
export { runCommand } from './shell/run.ts'
export { Session } from './shell/session.ts'
export type { CommandResult, Place, Program, Invocation, Output } from './shell/types.ts'
export type { Diagnostic } from './model/diagnostic.ts'
export type * from './model/types.ts'
export type { ScenarioSource } from './load/parse.ts'
export { LIMITS } from './load/limits.ts'
export { ENGINE_VERSION } from './version.ts'
export { topologyDiagram, escapeXml } from './diagram/index.ts'
export type { Diagram, TopologyOptions } from './diagram/index.ts'
export { traceDiagram, type TraceDiagramOptions } from './diagram/index.ts'
export { matrixDiagram, type MatrixDiagramOptions } from './diagram/index.ts'
export { nodeDiagram, type NodeDiagramOptions } from './diagram/index.ts'
export type { NodeSnapshot } from './lab/snapshot.ts'
