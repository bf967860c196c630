/**
 * What the build hands to an example's component and, through a data attribute, to the page's
 * script. Plain JSON: it crosses from the Markdown plugin to Astro as a string.
 */

/**
 * The diagrams an example can ask for (`diagram="…"`): the cluster itself, or the answer of
 * its last `trace`, `policy matrix`, `gateway topology` or, for `node`, `ip` on a node (site/examples/diagram-command.ts).
 */
export const DIAGRAMS = ['topology', 'trace', 'matrix', 'node', 'gateway'] as const
export type DiagramKind = (typeof DIAGRAMS)[number]

/** An executable example as the author wrote it. */
export interface ExampleSource {
  /** `example="id"`: unique within its page, used in links */
  id: string
  /** the page's URL path, e.g. `/services/` */
  page: string
  title?: string
  /** `base="name"`: content/scenarios/NAME.yaml, shown above the block */
  base?: { name: string; text: string }
  /** the fence's body */
  manifests: string
  /** `run="…"`, in order */
  commands: string[]
  diagram?: DiagramKind
  /** `goal="…"`, `goal-title="…"`: a challenge checked after each run in the page */
  goal?: { title: string; checks: string[] }
}

/** The answer to one command, without the engine's structured `data`. */
export interface CommandAnswer {
  command: string
  exitCode: number
  stdout: string
  stderr: string
  /** a denied `policy check`'s smallest fix (its data.fix.yaml), which the page offers to apply */
  fix?: string
}

/** The YAML of a `policy check` answer's fix, if it has one. */
export function fixOf(data: unknown): string | undefined {
  const fix = (data as { fix?: { possible?: unknown; yaml?: unknown } } | null | undefined)?.fix
  return fix && fix.possible === true && typeof fix.yaml === 'string' && fix.yaml ? fix.yaml : undefined
}

/** An engine diagnostic, as the page needs it to underline the editor. */
export interface PlacedDiagnostic {
  severity: 'error' | 'warning'
  code: string
  message: string
  line: number
  column: number
  endLine: number
  endColumn: number
  hint?: string
}

export interface DiagramAnswer {
  svg: string
  alt: string
}

/** One run of a scenario: what the API, the in-browser engine and the build all answer. */
export interface RunAnswer {
  engineVersion: string
  diagnostics: PlacedDiagnostic[]
  results: CommandAnswer[]
  diagram?: DiagramAnswer
  /** why a trace or matrix diagram asked for is missing (no such command, or it failed) */
  diagramMissing?: string
  /** in the page only: the matrix a `diagram="matrix"` run drew, kept to mark what the next run changes */
  diagramData?: unknown
  /** present when the API computed one: a hash of the answers, to tell when they change */
  answersHash?: string
}

/** Everything an example's component renders. */
export interface RenderedExample {
  source: ExampleSource
  answer: RunAnswer
  /** whether the goal is met by the manifests as written (always false after the build checks) */
  goalMet?: boolean
  /** /play#… with this example's state */
  playHref: string
  /** where the fence is: `content/services.mdx:42` */
  origin: string
}
