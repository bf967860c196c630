/**
 * One run of a scenario through the engine: every command, then the diagram. The build, the
 * in-browser fallback and the tests all answer through this, so they cannot drift apart.
 */
import { ENGINE_VERSION, loadScenario, runCommand, topologyDiagram } from '../../engine/index.ts'
import type { Diagnostic } from '../../engine/index.ts'
import type { CommandAnswer, DiagramKind, PlacedDiagnostic, RunAnswer } from './types.ts'

export function runScenario(text: string, commands: readonly string[], diagram?: DiagramKind): RunAnswer {
  const { cluster, diagnostics } = loadScenario(text)
  const results: CommandAnswer[] = commands.map((line) => {
    const { command, exitCode, stdout, stderr } = runCommand(cluster, line)
    return { command, exitCode, stdout, stderr }
  })
  const answer: RunAnswer = { engineVersion: ENGINE_VERSION, diagnostics: diagnostics.map(placed), results }
  if (diagram === 'topology') {
    const { svg, alt } = topologyDiagram(cluster)
    answer.diagram = { svg, alt }
  }
  return answer
}

function placed(d: Diagnostic): PlacedDiagnostic {
  const { severity, code, message, line, column, endLine, endColumn, hint } = d
  return { severity, code, message, line, column, endLine, endColumn, ...(hint ? { hint } : {}) }
}
