/**
 * What the build hands to an example's component and, through a data attribute, to the page's
 * script. Plain JSON: it crosses from the Markdown plugin to Astro as a string.
 */

/**
 * The diagrams an example can ask for (`diagram="…"`): the cluster itself, or the answer of
 * its last `trace`, `policy matrix`, `gateway topology` or, for `node`, `ip` on a node (site/examples/diagram-command.ts).
 */
export const DIAGRAMS = ['topology', 'trace', 'matrix', 'node', 'gateway', 'clusterset'] as const
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
  /** how much of stderr came before stdout (kubectl's notices), shown first */
  stderrFirst?: number
  /** manifests the answer offers to add (a denied `policy check`'s smallest fix, `gateway convert`'s objects), which the page offers to apply */
  fix?: string
  /** the words on the button that applies `fix` */
  fixLabel?: string
}

/** The YAML an answer offers to add to the manifests: a `policy check`'s fix (data.fix), or data.apply (`gateway convert`). */
export function fixOf(data: unknown): string | undefined {
  const d = data as { fix?: { possible?: unknown; yaml?: unknown }; apply?: { yaml?: unknown } } | null | undefined
  const fix = d?.fix
  if (fix && fix.possible === true && typeof fix.yaml === 'string' && fix.yaml) return fix.yaml
  return typeof d?.apply?.yaml === 'string' && d.apply.yaml ? d.apply.yaml : undefined
}

/** The words on the button that applies fixOf(data). */
export function fixLabelOf(data: unknown): string {
  const label = (data as { apply?: { label?: unknown } } | null | undefined)?.apply?.label
  return typeof label === 'string' && !(data as { fix?: unknown }).fix ? label : 'Apply this fix and run again'
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
