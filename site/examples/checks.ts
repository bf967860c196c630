/**
 * `expect="N: text"` and `goal="N: text"` checks: parsed at build time, evaluated at build
 * time and, for goals, again in the browser after each run. No engine import: this ships
 * with the page's editor.
 */

/** One check on the answer of command `command` (1-based), as the author wrote it in `source`. */
export type Check =
  | { command: number; kind: 'contains' | 'absent'; text: string; source: string }
  | { command: number; kind: 'exit'; code: number; source: string }

/** What a check looks at: the answer to one command. */
export interface Answer {
  exitCode: number
  stdout: string
  stderr: string
}

const CHECK = /^\s*(\d+)\s*:\s?([\s\S]*)$/
const EXIT = /^exit\s+(\d+)\s*$/

/**
 * Parses `N: text` (output contains text), `N: !text` (does not contain) or `N: exit C`
 * (exit code is C). Returns a sentence saying what is wrong when `source` is none of these.
 */
export function parseCheck(source: string, commands: number): Check | string {
  const match = CHECK.exec(source)
  if (!match) return `"${source}" must look like "N: text", "N: !text" or "N: exit 0", N being a run= number`
  const command = Number(match[1])
  if (command < 1 || command > commands) {
    const range = commands === 0 ? 'there are no run= commands' : `there ${commands === 1 ? 'is 1 run= command' : `are ${commands} run= commands`}`
    return `"${source}" refers to command ${command}, but ${range}`
  }
  const rest = match[2]
  const exit = EXIT.exec(rest)
  if (exit) return { command, kind: 'exit', code: Number(exit[1]), source }
  const absent = rest.startsWith('!')
  const text = absent ? rest.slice(1) : rest
  if (text === '') return `"${source}" has no text to look for`
  return { command, kind: absent ? 'absent' : 'contains', text, source }
}

/** Whether `answers` (one per command, in order) satisfy `check`. */
export function checkHolds(check: Check, answers: readonly Answer[]): boolean {
  const answer = answers[check.command - 1]
  if (!answer) return false
  if (check.kind === 'exit') return answer.exitCode === check.code
  const found = (answer.stdout + answer.stderr).includes(check.text)
  return check.kind === 'contains' ? found : !found
}

/** The check in words, for build errors and the page: `command 2 prints "10.244."`. */
export function describeCheck(check: Check): string {
  if (check.kind === 'exit') return `command ${check.command} exits with ${check.code}`
  const verb = check.kind === 'contains' ? 'prints' : 'does not print'
  return `command ${check.command} ${verb} ${JSON.stringify(check.text)}`
}
