/**
 * What a scenario is when it travels: its manifests, the commands run against them, and
 * where on the site it came from. One set of rules for the API's request bodies and for
 * the state in a link's fragment, so whatever the playground can send, both accept.
 */

/** Limits on the content itself. The Worker adds its own on what running it may cost. */
export const SCENARIO_LIMITS = {
  /** characters of YAML in `scenario` */
  maxScenarioChars: 100_000,
  /** entries in `commands` */
  maxCommands: 20,
  /** characters in one command line */
  maxCommandChars: 1_000,
  /** characters in `page` */
  maxPageChars: 200,
  /** characters in `example` */
  maxExampleChars: 100,
} as const

export interface ScenarioContent {
  /** the manifests: multi-document YAML, kept byte for byte */
  scenario: string
  /** command lines, run in order */
  commands: string[]
  /** the guide page the scenario came from, as a site path: `/services/clusterip/` */
  page?: string
  /** the example on that page: `clusterip-basic` */
  example?: string
}

/** Why content was refused: `invalid` for a wrong shape or type, `too-large` for a limit. */
export interface ContentProblem {
  kind: 'invalid' | 'too-large'
  message: string
}

// A page is a path on this site and an example a plain name: a page that shows where a
// scenario came from can link to them without ever meeting `javascript:` or markup.
const PAGE = /^\/[A-Za-z0-9._~/-]*$/
const EXAMPLE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/

/**
 * Reads `scenario`, `commands` and the optional `page` and `example` from a parsed JSON
 * object, checking types and limits. Other members are left for the caller to judge.
 *
 * @example
 * const read = readScenarioContent(JSON.parse(body))
 * if ('problem' in read) show(read.problem.message)
 */
export function readScenarioContent(
  value: Record<string, unknown>,
): { content: ScenarioContent } | { problem: ContentProblem } {
  const { scenario, commands, page, example } = value
  const L = SCENARIO_LIMITS
  if (scenario === undefined) return invalid('`scenario` is missing: send the manifests as one YAML string.')
  if (typeof scenario !== 'string') return invalid(`\`scenario\` must be a string of YAML, not ${describe(scenario)}.`)
  if (scenario.length > L.maxScenarioChars) {
    return tooLarge(`\`scenario\` is ${count(scenario.length)} characters long; the limit is ${count(L.maxScenarioChars)}.`)
  }
  if (commands === undefined) {
    return invalid('`commands` is missing: send a list of command lines (an empty list is fine).')
  }
  if (!Array.isArray(commands)) return invalid(`\`commands\` must be a list of strings, not ${describe(commands)}.`)
  if (commands.length > L.maxCommands) {
    return tooLarge(`\`commands\` has ${count(commands.length)} command lines; the limit is ${L.maxCommands}.`)
  }
  for (const [i, command] of commands.entries()) {
    if (typeof command !== 'string') return invalid(`\`commands[${i}]\` must be a string, not ${describe(command)}.`)
    if (command.length > L.maxCommandChars) {
      return tooLarge(`\`commands[${i}]\` is ${count(command.length)} characters long; the limit is ${count(L.maxCommandChars)}.`)
    }
  }
  const content: ScenarioContent = { scenario, commands: commands as string[] }
  if (page !== undefined && page !== null) {
    if (typeof page !== 'string' || page.length > L.maxPageChars || !PAGE.test(page)) {
      return invalid(`\`page\` must be a path on this site of at most ${L.maxPageChars} characters, like /services/clusterip/.`)
    }
    content.page = page
  }
  if (example !== undefined && example !== null) {
    if (typeof example !== 'string' || example.length > L.maxExampleChars || !EXAMPLE.test(example)) {
      return invalid(
        `\`example\` must be a name of at most ${L.maxExampleChars} letters, digits, dots, ` +
          'dashes or underscores, like clusterip-basic.',
      )
    }
    content.example = example
  }
  return { content }
}

/** "a number", "a list", "null"...: what a person would call a JSON value's type. */
export function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'a list'
  if (typeof value === 'object') return 'an object'
  if (typeof value === 'boolean') return `${value}`
  return `a ${typeof value}`
}

/** 100000 → "100,000" */
export const count = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',')
const invalid = (message: string) => ({ problem: { kind: 'invalid' as const, message } })
const tooLarge = (message: string) => ({ problem: { kind: 'too-large' as const, message } })
