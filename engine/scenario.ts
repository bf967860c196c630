import type { Cluster } from './model/types.ts'
import type { Diagnostic } from './model/diagnostic.ts'
import { parseSources } from './load/parse.ts'
import type { ScenarioSource } from './load/parse.ts'
import { buildCluster } from './cluster/cluster.ts'
import { rememberScenario } from './load/scenario-memory.ts'
import './plugins.ts'

export interface LoadResult {
  cluster: Cluster
  diagnostics: Diagnostic[]
}

/**
 * Builds the simulated cluster from multi-document YAML (one text, or several
 * named texts as the CLI's repeated -f gives them). Never throws on user
 * input: every problem comes back as a diagnostic with its line and column,
 * and the cluster holds whatever was valid.
 *
 * @example
 * const { cluster, diagnostics } = loadScenario('apiVersion: v1\nkind: Pod\n...')
 */
export function loadScenario(input: string | ScenarioSource[]): LoadResult {
  const sources = typeof input === 'string' ? [{ name: 'scenario.yaml', text: input }] : input
  const cluster = buildCluster(parseSources(sources))
  rememberScenario(cluster, (extra) => ({ cluster: loadScenario([...sources, extra]).cluster, source: sources.length }))
  return { cluster, diagnostics: cluster.diagnostics }
}

/** `file:line:col: severity: message`, as compilers print diagnostics. */
export function formatDiagnostic(d: Diagnostic, names: string[] = ['scenario.yaml']): string {
  const file = names[d.source ?? 0] ?? names[0]
  const where = d.line > 0 ? `${file}:${d.line}:${d.column}` : file
  const hint = d.hint ? ` (${d.hint})` : ''
  return `${where}: ${d.severity}: ${d.message}${hint}`
}
