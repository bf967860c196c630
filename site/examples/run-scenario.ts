/**
 * One run of a scenario through the engine: every command, then the diagram (of the cluster,
 * or of the last `trace` or `policy matrix` command's answer). The build, the in-browser
 * fallback and the tests all answer through this, so they cannot drift apart.
 */
import { ENGINE_VERSION, loadScenario, runCommand, Session, topologyDiagram } from '../../engine/index.ts'
import type { Diagnostic } from '../../engine/index.ts'
import { isAnswerDiagram } from './diagram-command.ts'
import { diagramFromResults } from './result-diagram.ts'
import { fixLabelOf, fixOf } from './types.ts'
import type { CommandAnswer, DiagramKind, PlacedDiagnostic, RunAnswer } from './types.ts'

/** `previous`: the matrix an earlier run in the page drew (RunAnswer.diagramData), to mark what changed since. */
export function runScenario(text: string, commands: readonly string[], diagram?: DiagramKind, previous?: unknown): RunAnswer {
  const { cluster, diagnostics } = loadScenario(text)
  // one run of an example: its commands share state (engine/shell/session.ts)
  const session = new Session(cluster)
  const full = commands.map((line) => runCommand(cluster, line, session))
  const results: CommandAnswer[] = full.map(({ command, exitCode, stdout, stderr, stderrFirst, data }) => {
    const fix = fixOf(data)
    return { command, exitCode, stdout, stderr, ...(stderrFirst ? { stderrFirst } : {}), ...(fix ? { fix, fixLabel: fixLabelOf(data) } : {}) }
  })
  const answer: RunAnswer = { engineVersion: ENGINE_VERSION, diagnostics: diagnostics.map(placed), results }
  if (diagram === 'topology') {
    const { svg, alt } = topologyDiagram(cluster)
    answer.diagram = { svg, alt }
  } else if (isAnswerDiagram(diagram)) {
    const drawn = diagramFromResults(diagram, commands, full, previous)
    if (drawn.ok) {
      answer.diagram = drawn.diagram
      if (previous !== undefined && drawn.data !== undefined) answer.diagramData = drawn.data
    } else answer.diagramMissing = drawn.reason
  }
  return answer
}

function placed(d: Diagnostic): PlacedDiagnostic {
  const { severity, code, message, line, column, endLine, endColumn, hint } = d
  return { severity, code, message, line, column, endLine, endColumn, ...(hint ? { hint } : {}) }
}
