/**
 * The info string of an executable example's fence, as content/README.md documents it:
 *
 *   ```yaml example="clusterip" title="A ClusterIP Service" base="two-tier" run="kubectl get svc"
 *
 * Values are "double" or 'single' quoted (no escapes inside); `run`, `expect` and `goal` may
 * repeat. Unknown names are errors, so a typo cannot silently turn a check off.
 */
import { parseCheck, type Check } from './checks.ts'
import { diagramCommandIndex, DIAGRAM_COMMAND, isAnswerDiagram } from './diagram-command.ts'
import { DIAGRAMS, type DiagramKind } from './types.ts'

export interface FenceAttribute {
  name: string
  value: string
}

/** What the fence asks for, before any file is read. */
export interface ExampleFence {
  id: string
  title?: string
  base?: string
  commands: string[]
  diagram?: DiagramKind
  expects: Check[]
  /** texts that the scenario's error diagnostics must contain (an example that shows an error on purpose) */
  expectErrors: string[]
  goal?: { title: string; checks: Check[]; solution: string }
}

const REPEATABLE = new Set(['run', 'expect', 'expect-error', 'goal'])
const KNOWN = new Set(['example', 'title', 'base', 'run', 'diagram', 'expect', 'expect-error', 'goal', 'goal-title', 'solution'])
const ATTRIBUTE = /\s*([A-Za-z][\w-]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=]+)))?/y
/** scenario and solution file names: content/scenarios/NAME.yaml */
const FILE_NAME = /^[a-z0-9][a-z0-9-]*$/
const EXAMPLE_ID = /^[a-z0-9][a-z0-9-]*$/

/** The attributes in `meta`, in order, or the sentence saying where it stops making sense. */
export function parseFenceMeta(meta: string): FenceAttribute[] | string {
  const attributes: FenceAttribute[] = []
  ATTRIBUTE.lastIndex = 0
  let at = 0
  while (meta.slice(at).trim() !== '') {
    ATTRIBUTE.lastIndex = at
    const match = ATTRIBUTE.exec(meta)
    if (!match) return `cannot read the fence's attributes from ${JSON.stringify(meta.slice(at).trim())}: write name="value"`
    const value = match[2] ?? match[3] ?? match[4]
    if (value === undefined) return `attribute ${match[1]} has no value: write ${match[1]}="…"`
    attributes.push({ name: match[1], value })
    at = ATTRIBUTE.lastIndex
  }
  return attributes
}

/** True when a fence's info string marks it as an executable example. */
export function isExampleMeta(meta: string | null | undefined): boolean {
  return !!meta && /(^|\s)example\s*=/.test(meta)
}

/** What to add when a diagram's command is missing, per diagram. */
const RUN_HINT: Record<Exclude<DiagramKind, 'topology'>, string> = {
  trace: 'trace SRC -> DST',
  matrix: 'policy matrix',
  node: 'ssh NODE ip link',
  gateway: 'gateway topology',
  clusterset: 'mesh clusterset SERVICE --peer NAME --peer-pods CIDR --peer-services CIDR',
}

/** Reads an example fence's attributes; every problem is a sentence in the returned list. */
export function readExampleFence(lang: string | null | undefined, meta: string): { fence?: ExampleFence; problems: string[] } {
  const problems: string[] = []
  if (lang !== 'yaml' && lang !== 'yml') problems.push(`an example fence must be \`\`\`yaml, not \`\`\`${lang ?? ''}`)
  const parsed = parseFenceMeta(meta)
  if (typeof parsed === 'string') return { problems: [...problems, parsed] }

  const single = new Map<string, string>()
  const many = new Map<string, string[]>()
  for (const { name, value } of parsed) {
    if (!KNOWN.has(name)) {
      problems.push(`unknown attribute ${name}=: an example takes ${[...KNOWN].join(', ')}`)
    } else if (REPEATABLE.has(name)) {
      many.set(name, [...(many.get(name) ?? []), value])
    } else if (single.has(name)) {
      problems.push(`${name}= is given twice`)
    } else single.set(name, value)
  }

  const id = single.get('example') ?? ''
  if (!EXAMPLE_ID.test(id)) problems.push(`example="${id}" must be lowercase letters, digits and dashes`)
  const base = single.get('base')
  if (base !== undefined && !FILE_NAME.test(base)) problems.push(`base="${base}" must name content/scenarios/NAME.yaml by its NAME`)
  const commands = many.get('run') ?? []
  commands.forEach((command, i) => {
    if (command.trim() === '') problems.push(`run= number ${i + 1} is empty`)
  })
  const diagramText = single.get('diagram')
  let diagram: DiagramKind | undefined
  if (diagramText !== undefined) {
    if ((DIAGRAMS as readonly string[]).includes(diagramText)) diagram = diagramText as DiagramKind
    else problems.push(`diagram="${diagramText}" is not a diagram the site can draw: use ${DIAGRAMS.map((d) => `"${d}"`).join(', ')}`)
  }
  if (commands.length === 0 && diagramText === undefined) problems.push('an example needs at least one run="…" or a diagram="…"')
  if (isAnswerDiagram(diagram) && diagramCommandIndex(diagram, commands) < 0) {
    const name = DIAGRAM_COMMAND[diagram]
    problems.push(`diagram="${diagram}" draws the answer of the last ${name} command, and no run= is one: add run="${RUN_HINT[diagram]}"`)
  }

  const checks = (name: string) =>
    (many.get(name) ?? []).flatMap((text) => {
      const check = parseCheck(text, commands.length)
      if (typeof check === 'string') {
        problems.push(`${name}=${check}`)
        return []
      }
      return [check]
    })
  const expects = checks('expect')
  const goalChecks = checks('goal')
  const solution = single.get('solution')
  const goalTitle = single.get('goal-title')
  let goal: ExampleFence['goal']
  if (many.has('goal')) {
    if (solution === undefined) problems.push('a goal= needs solution="NAME" (content/solutions/NAME.yaml) that meets it')
    else if (!FILE_NAME.test(solution)) problems.push(`solution="${solution}" must name content/solutions/NAME.yaml by its NAME`)
    goal = { title: goalTitle ?? 'Reach the goal', checks: goalChecks, solution: solution ?? '' }
  } else {
    if (solution !== undefined) problems.push('solution= is only for an example with a goal="…"')
    if (goalTitle !== undefined) problems.push('goal-title= is only for an example with a goal="…"')
  }

  if (problems.length > 0) return { problems }
  return {
    fence: { id, title: single.get('title'), base, commands, diagram, expects, expectErrors: many.get('expect-error') ?? [], goal },
    problems,
  }
}
