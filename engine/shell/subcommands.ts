/**
 * A program made of subcommands (`policy check`, `gateway route`, `ingress servers`): its
 * usage for no subcommand or `help`, an unknown one refused with the list to try (exit 2),
 * and each subcommand given the words after it.
 */
import type { Invocation, Output, Program } from './types.ts'
import { fail, ok } from './types.ts'

export type Subcommand = (inv: Invocation, args: string[]) => Output

/** @example subcommandProgram('policy', { places, summary, usage }, { check, matrix, lint }) */
export function subcommandProgram(name: string, about: Omit<Program, 'run'>, commands: Record<string, Subcommand>): Program {
  return {
    ...about,
    run(inv) {
      const [, sub, ...args] = inv.argv
      if (sub === undefined || sub === 'help' || sub === '--help' || sub === '-h') return ok(`Usage:\n${about.usage.map((u) => `  ${u}`).join('\n')}\n`)
      const command = Object.prototype.hasOwnProperty.call(commands, sub) ? commands[sub] : undefined
      if (!command) return fail(`${name}: unknown command "${sub}" (try: ${Object.keys(commands).join(', ')})`, 2)
      return command(inv, args)
    },
  }
}
