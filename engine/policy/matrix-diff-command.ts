/**
 * `policy matrix [flags] --diff OTHER.yaml`: the matrix of this scenario with
 * every cell whose verdict differs from OTHER's marked `*`, and the changes
 * listed. OTHER is the "before", this scenario the "after" (as in "what did
 * my edit change"). It reads a file, so only the command line offers it
 * (engine/cli.ts passes a loader); in the page, re-running an edited example
 * marks the changes on its matrix diagram instead.
 */
import type { Cluster } from '../model/types.ts'
import type { CommandResult } from '../shell/types.ts'
import { runCommand } from '../shell/run.ts'
import { tokenize } from '../shell/tokenize.ts'
import type { Matrix } from './matrix.ts'
import { diffMatrices, diffSummary } from './matrix-diff.ts'
import { matrixText } from './program.ts'

/** `--diff FILE` / `--diff=FILE` taken out of a `policy matrix` line; undefined for any other line. */
export function matrixDiffArgs(line: string): { file: string; rest: string } | undefined {
  const t = tokenize(line)
  if ('error' in t) return undefined
  const w = t.words
  if (w[0] !== 'policy' || w[1] !== 'matrix') return undefined
  const at = w.findIndex((x) => x === '--diff' || x.startsWith('--diff='))
  if (at < 0) return undefined
  const file = w[at] === '--diff' ? w[at + 1] : w[at].slice('--diff='.length)
  if (file === undefined || file === '') return undefined
  const rest = [...w.slice(0, at), ...w.slice(w[at] === '--diff' ? at + 2 : at + 1)]
  return { file, rest: rest.map((x) => (/^[\w./:=@-]+$/.test(x) ? x : `'${x.replace(/'/g, `'\\''`)}'`)).join(' ') }
}

/**
 * @example
 * policyMatrixDiff(after, 'policy matrix -n shop --diff before.yaml', (f) => loadScenario(read(f)).cluster)
 */
export function policyMatrixDiff(after: Cluster, line: string, loadOther: (file: string) => Cluster | { error: string }): CommandResult | undefined {
  const args = matrixDiffArgs(line)
  if (!args) return undefined
  const other = loadOther(args.file)
  if ('error' in other) return { command: line, exitCode: 2, stdout: '', stderr: `policy matrix: --diff ${args.file}: ${other.error}\n` }
  const now = runCommand(after, args.rest)
  if (now.exitCode !== 0 || !now.data) return { ...now, command: line }
  const then = runCommand(other, args.rest)
  if (then.exitCode !== 0 || !then.data) return { command: line, exitCode: then.exitCode || 2, stdout: '', stderr: `policy matrix: in ${args.file}: ${then.stderr || then.stdout}` }
  const m = now.data as Matrix
  const diff = diffMatrices(then.data as Matrix, m)
  let out = matrixText(after, m, args.rest.split(' ').includes('--split'), new Set(diff.cells.map((c) => `${c.row},${c.col}`)))
  out += `Compared with ${args.file}: ${diffSummary(diff)}\n`
  for (const c of diff.cells) out += `  ${c.from} → ${c.to}: ${c.before === 'allow' ? 'allowed' : 'denied'} → ${c.after === 'allow' ? 'allowed' : 'denied'}${m.grouped ? ` (${c.pairs} Pod pair${c.pairs === 1 ? '' : 's'})` : ''}\n`
  return { command: line, exitCode: 0, stdout: out, stderr: now.stderr, data: { ...m, diff } }
}
