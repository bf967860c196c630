/**
 * Runs one executable example at build time: reads its base scenario and solution, runs its
 * commands through the engine, checks its expectations and goal, and returns what the page
 * renders, or every problem found, each located as `file:line[:column]`.
 */
import { readFileSync, existsSync } from 'node:fs'
import { join, relative } from 'node:path'
import { ENGINE_VERSION } from '../../engine/index.ts'
import { encodeScenarioFragment } from './scenario-link.ts'
import { checkHolds, describeCheck, type Check } from './checks.ts'
import type { ExampleFence } from './fence.ts'
import { composeScenario, locateLine, type ComposedScenario } from './scenario-text.ts'
import { runScenario } from './run-scenario.ts'
import { prefixSvgIds, svgProblem } from './svg-safety.ts'
import type { PlacedDiagnostic, RenderedExample, RunAnswer } from './types.ts'

export interface ExampleInput {
  fence: ExampleFence
  /** the fence's body */
  manifests: string
  /** absolute path of the .mdx file */
  file: string
  /** line of the opening fence in that file (1-based) */
  line: number
  /** the page's URL path */
  page: string
  /** the repository root: content/ and its scenarios/ and solutions/ are found from it */
  root: string
}

export type ExampleOutcome = { ok: true; example: RenderedExample } | { ok: false; problems: string[] }

/** Reads content/scenarios/NAME.yaml or content/solutions/NAME.yaml. */
export function readContentFile(root: string, folder: 'scenarios' | 'solutions', name: string): string | undefined {
  const path = join(root, 'content', folder, `${name}.yaml`)
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined
}

export async function buildExample(input: ExampleInput): Promise<ExampleOutcome> {
  const { fence, manifests, root } = input
  const file = relative(root, input.file)
  const at = `${file}:${input.line}`
  const problems: string[] = []
  const fail = (message: string) => problems.push(`${at}: example "${fence.id}": ${message}`)

  let baseText: string | undefined
  if (fence.base !== undefined) {
    baseText = readContentFile(root, 'scenarios', fence.base)
    if (baseText === undefined) fail(`base="${fence.base}": there is no content/scenarios/${fence.base}.yaml`)
  }
  const composed = composeScenario(baseText, manifests)
  const answer = runScenario(composed.text, fence.commands, fence.diagram)

  const where = (d: PlacedDiagnostic) => diagnosticPlace(d, composed, input, file, fence.base)
  // errors the example shows on purpose (expect-error="…") are checks, not build failures
  const errors = answer.diagnostics.filter((d) => d.severity === 'error')
  const expected = fence.expectErrors ?? []
  for (const d of errors) {
    if (expected.some((text) => d.message.includes(text))) continue
    problems.push(`${where(d)}: example "${fence.id}": ${d.message}${d.hint ? ` (${d.hint})` : ''}`)
  }
  for (const text of expected) {
    if (!errors.some((d) => d.message.includes(text))) fail(`expect-error="${text}" fails: no error diagnostic says that (${errors.length ? errors.map((d) => d.message).join('; ') : 'the manifests have no errors'})`)
  }
  for (const check of fence.expects) {
    if (!checkHolds(check, answer.results)) fail(`expect="${check.source}" fails: ${describeCheck(check)}${shown(check, answer)}`)
  }
  if (answer.diagramMissing) fail(`diagram="${fence.diagram}": ${answer.diagramMissing}`)
  if (answer.diagram) {
    const unsafe = svgProblem(answer.diagram.svg)
    if (unsafe) fail(`the engine's ${fence.diagram} diagram ${unsafe}: it is not put in the page`)
    answer.diagram.svg = prefixSvgIds(answer.diagram.svg, `knet-${fence.id}-`)
  }

  let goalMet: boolean | undefined
  if (fence.goal) {
    const { checks, solution } = fence.goal
    goalMet = checks.every((c) => checkHolds(c, answer.results))
    if (goalMet) fail(`the goal is already met by the manifests as written: ${checks.map(describeCheck).join(' and ')}`)
    const solutionText = readContentFile(root, 'solutions', solution)
    if (solutionText === undefined) fail(`solution="${solution}": there is no content/solutions/${solution}.yaml`)
    else {
      const solved = runScenario(composeScenario(baseText, solutionText).text, fence.commands)
      const errors = solved.diagnostics.filter((d) => d.severity === 'error')
      for (const d of errors) fail(`content/solutions/${solution}.yaml (after the base) line ${d.line}: ${d.message}`)
      const unmet = checks.filter((c) => !checkHolds(c, solved.results))
      for (const c of unmet) fail(`the solution content/solutions/${solution}.yaml does not meet goal="${c.source}": ${describeCheck(c)}${shown(c, solved)}`)
    }
  }

  if (problems.length > 0) return { ok: false, problems }
  const state = {
    v: 1 as const,
    engine: ENGINE_VERSION,
    scenario: composed.text,
    commands: fence.commands,
    page: input.page,
    example: fence.id,
  }
  const playHref = `/play/#${await encodeScenarioFragment(state)}`
  return {
    ok: true,
    example: {
      source: {
        id: fence.id,
        page: input.page,
        ...(fence.title !== undefined ? { title: fence.title } : {}),
        ...(fence.base !== undefined && baseText !== undefined ? { base: { name: fence.base, text: baseText } } : {}),
        manifests,
        commands: fence.commands,
        ...(fence.diagram ? { diagram: fence.diagram } : {}),
        ...(fence.goal ? { goal: { title: fence.goal.title, checks: fence.goal.checks.map((c) => c.source) } } : {}),
      },
      answer,
      ...(goalMet !== undefined ? { goalMet } : {}),
      playHref,
      origin: at,
    },
  }
}

/** `file:line:column` of a diagnostic: in the .mdx for the block, in the base file for the base. */
function diagnosticPlace(d: PlacedDiagnostic, composed: ComposedScenario, input: ExampleInput, file: string, base?: string) {
  if (d.line <= 0) return `${file}:${input.line}`
  const { part, line } = locateLine(composed, d.line)
  if (part === 'base') return `content/scenarios/${base}.yaml:${line}:${d.column}`
  // the body starts on the line after the opening fence
  return `${file}:${input.line + line}:${d.column}`
}

/** What the command printed, for a failed check's message. */
function shown(check: Check, answer: RunAnswer): string {
  const result = answer.results[check.command - 1]
  if (!result) return ''
  const output = (result.stdout + result.stderr).trimEnd()
  const quoted = output.split('\n').map((l) => `    | ${l}`).join('\n')
  return `\n  $ ${result.command}   (exit ${result.exitCode})\n${quoted || '    | (no output)'}`
}
