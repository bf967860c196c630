import type { Program } from './types.ts'
import { ok } from './types.ts'

/** `help` and `help NAME`: what can be typed, where. */
export const helpProgram: Program = {
  places: ['workstation', 'pod', 'node'],
  summary: 'list the commands this terminal understands',
  usage: ['help', 'help COMMAND'],
  run(inv) {
    // imported lazily to avoid a cycle with the table that contains help itself
    const programs = helpTable()
    const name = inv.argv[1]
    if (name) {
      const p = programs[name]
      if (!p) return { exitCode: 1, stdout: '', stderr: `help: no help topics match '${name}'.\n` }
      return ok(`${name} — ${p.summary}\n\nUsage:\n${p.usage.map((u) => `  ${u}`).join('\n')}\n\nRuns on: ${p.places.join(', ')}\n`)
    }
    const width = Math.max(12, ...Object.keys(programs).map((n) => n.length))
    const rows = Object.entries(programs)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([n, p]) => `  ${n.padEnd(width)} ${p.summary}`)
    const text = [
      'This terminal is your workstation outside the cluster, with kubectl configured.',
      '',
      'Where commands run:',
      '  COMMAND                          on the workstation (e.g. kubectl get pods -o wide)',
      '  kubectl exec [-n NS] POD -- CMD  inside a Pod',
      '  ssh NODE CMD                     on a node',
      '  … sh -c "A; B && C || D"         a list of commands, in a Pod or on a node (no pipes or redirections)',
      '',
      'Commands:',
      ...rows,
      '',
      'help COMMAND shows its usage.',
      '',
    ].join('\n')
    return ok(text)
  },
}

let table: Record<string, Program> | undefined
export function setHelpTable(t: Record<string, Program>): void {
  table = t
}
function helpTable(): Record<string, Program> {
  return table ?? {}
}
