/** A run the page asks for: the API's request body, and what the in-browser engine takes. */
import type { DiagramKind } from '../examples/types.ts'

export interface RunRequest {
  scenario: string
  commands: string[]
  diagram?: DiagramKind
  /** the matrix the run before drew (RunAnswer.diagramData), so this run's matrix marks what changed */
  previous?: unknown
}
