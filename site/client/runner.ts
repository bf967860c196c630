/**
 * Runs a scenario: POST /api/run first; while the API is unreachable, failing or rate-limited,
 * the same engine answers in the browser (loaded on first need), and the page says so.
 */
import { isAnswerDiagram, type AnswerDiagramKind } from '../examples/diagram-command.ts'
import { fixLabelOf, fixOf, type CommandAnswer, type PlacedDiagnostic, type RunAnswer } from '../examples/types.ts'

import type { RunRequest } from './run-request.ts'

export type { RunRequest } from './run-request.ts'

export interface RunOutcome {
  answer: RunAnswer
  by: 'server' | 'browser'
  /** why the browser answered */
  reason?: string
}

/** After a failure, the API is left alone this long (or as long as Retry-After says). */
const BACKOFF_MS = 30_000
let apiResumesAt = 0

export async function runAnywhere(request: RunRequest): Promise<RunOutcome> {
  let reason = 'the server was not asked'
  if (Date.now() >= apiResumesAt) {
    try {
      // The API draws the topology; a trace or matrix diagram is drawn here from the answer.
      const { scenario, commands, diagram } = request
      const response = await fetch('/api/run', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ scenario, commands, ...(diagram === 'topology' ? { diagram } : {}) }),
      })
      if (response.ok) {
        const body: unknown = await response.json()
        const answer = fromApi(body)
        if (answer && isAnswerDiagram(diagram)) await drawFromData(answer, diagram, commands, body, request.previous)
        if (answer) return { answer, by: 'server' }
        reason = 'the server sent an answer this page cannot read'
      } else {
        reason = response.status === 429 ? 'the server is busy' : `the server answered ${response.status}`
        const retryAfter = Number(response.headers.get('retry-after'))
        apiResumesAt = Date.now() + (retryAfter > 0 ? retryAfter * 1000 : BACKOFF_MS)
      }
    } catch {
      reason = 'the server could not be reached'
      apiResumesAt = Date.now() + BACKOFF_MS
    }
  }
  const { answerLocally } = await import('./local-engine.ts')
  return { answer: answerLocally(request), by: 'browser', reason }
}

/**
 * Draws a trace or matrix diagram from the `data` of the API's results, with the engine's
 * diagram code (loaded once, on the first such run: not the engine itself).
 */
async function drawFromData(answer: RunAnswer, kind: AnswerDiagramKind, commands: string[], body: unknown, previous: unknown) {
  const list = (body as { results?: unknown }).results
  const results = Array.isArray(list) ? list.map((r) => ({ data: (r as { data?: unknown } | null)?.data })) : []
  try {
    const { diagramFromResults } = await import('../examples/result-diagram.ts')
    const drawn = diagramFromResults(kind, commands, results, previous ?? null)
    if (drawn.ok) {
      answer.diagram = drawn.diagram
      if (drawn.data !== undefined) answer.diagramData = drawn.data
    } else answer.diagramMissing = drawn.reason
  } catch {
    // The answers stand without their picture.
    answer.diagramMissing = 'the code that draws it could not be loaded'
  }
}

/** The API's answer in the page's terms, or undefined when it does not look like one. */
export function fromApi(body: unknown): RunAnswer | undefined {
  if (!body || typeof body !== 'object') return undefined
  const b = body as Record<string, unknown>
  const list = Array.isArray(b.results) ? b.results : Array.isArray(b.answers) ? b.answers : undefined
  if (!list) return undefined
  const results: CommandAnswer[] = list.map((r: Record<string, unknown>) => {
    const fix = fixOf(r.data)
    return {
      command: String(r.command ?? ''),
      exitCode: Number(r.exitCode ?? 0),
      stdout: String(r.stdout ?? ''),
      stderr: String(r.stderr ?? ''),
      ...(typeof r.stderrFirst === 'number' && r.stderrFirst > 0 ? { stderrFirst: r.stderrFirst } : {}),
      ...(fix ? { fix, fixLabel: fixLabelOf(r.data) } : {}),
    }
  })
  const diagnostics = (Array.isArray(b.diagnostics) ? b.diagnostics : []) as PlacedDiagnostic[]
  const diagram = b.diagram as { svg?: unknown; alt?: unknown } | undefined
  return {
    engineVersion: String(b.engineVersion ?? ''),
    diagnostics,
    results,
    ...(diagram && typeof diagram.svg === 'string' ? { diagram: { svg: diagram.svg, alt: String(diagram.alt ?? '') } } : {}),
    ...(typeof b.answersHash === 'string' ? { answersHash: b.answersHash } : {}),
  }
}
