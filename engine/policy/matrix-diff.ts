/**
 * What an edit changed: two reachability matrices compared Pod pair by Pod
 * pair (rows may stand for workloads, and the rows of the two matrices need
 * not be the same: Pods come and go, classes split). A pair counts when both
 * of its Pods are in both matrices; its verdict is the combined one (what the
 * policies decide, both directions). Changes are reported on the cells of the
 * `after` matrix, so a page can mark them where it draws that matrix.
 */
import type { Matrix } from './matrix.ts'

export type Reach = 'allow' | 'deny'

export interface MatrixCellChange {
  /** row and column of the `after` matrix */
  row: number
  col: number
  from: string
  to: string
  before: Reach
  after: Reach
  /** Pod pairs of this cell whose verdict changed */
  pairs: number
}

export interface MatrixDiff {
  /** cells of the `after` matrix holding at least one changed Pod pair, in row then column order */
  cells: MatrixCellChange[]
  /** changed cells that went deny → allow, and allow → deny */
  opened: number
  closed: number
  /** changed Pod pairs in all */
  pairs: number
  /** Pods (`ns/name`) only in one of the two */
  added: string[]
  removed: string[]
  /** Pods whose judged port differs (each destination's own port, when it was edited) */
  portChanged: string[]
}

function byPod(m: Matrix): Map<string, { row: number; port: string }> {
  const at = new Map<string, { row: number; port: string }>()
  m.rows.forEach((r, i) => r.pods.forEach((p) => at.set(p, { row: i, port: r.port })))
  return at
}

/** The verdict between two different Pods of rows i and j ('#' only on the diagonal of a one-Pod row). */
function cell(m: Matrix, i: number, j: number): Reach {
  return m.combined[i]?.[j] === '.' ? 'allow' : 'deny'
}

/**
 * @example
 * const d = diffMatrices(computeMatrix(before), computeMatrix(after))
 * console.log(`${d.cells.length} changed: ${d.opened} opened, ${d.closed} closed`)
 */
export function diffMatrices(before: Matrix, after: Matrix): MatrixDiff {
  const b = byPod(before)
  const a = byPod(after)
  const added = [...a.keys()].filter((p) => !b.has(p)).sort()
  const removed = [...b.keys()].filter((p) => !a.has(p)).sort()
  const portChanged = [...a.keys()].filter((p) => b.has(p) && b.get(p)!.port !== a.get(p)!.port).sort()
  // the Pods of each `after` row that the `before` matrix has too
  const shared = after.rows.map((r) => r.pods.filter((p) => b.has(p)))
  const cells: MatrixCellChange[] = []
  let pairs = 0
  for (let i = 0; i < after.rows.length; i++) {
    for (let j = 0; j < after.rows.length; j++) {
      const now = cell(after, i, j)
      let changed = 0
      let was: Reach | undefined
      for (const p of shared[i]) {
        const bi = b.get(p)!.row
        for (const q of shared[j]) {
          if (p === q) continue
          const then = cell(before, bi, b.get(q)!.row)
          if (then !== now) {
            changed++
            was ??= then
          }
        }
      }
      if (!changed) continue
      pairs += changed
      cells.push({ row: i, col: j, from: after.rows[i].label, to: after.rows[j].label, before: was!, after: now, pairs: changed })
    }
  }
  return {
    cells,
    opened: cells.filter((c) => c.after === 'allow').length,
    closed: cells.filter((c) => c.after === 'deny').length,
    pairs,
    added,
    removed,
    portChanged,
  }
}

/** One line for the reader: `2 pairs changed: 1 now allowed, 1 now denied.` */
export function diffSummary(d: MatrixDiff): string {
  const parts: string[] = []
  if (d.cells.length === 0) parts.push('No verdict changed.')
  else {
    const what = [d.opened ? `${d.opened} now allowed` : '', d.closed ? `${d.closed} now denied` : ''].filter(Boolean).join(', ')
    parts.push(`${d.cells.length} ${d.cells.length === 1 ? 'pair' : 'pairs'} changed: ${what}.`)
  }
  if (d.added.length) parts.push(`New: ${some(d.added)}.`)
  if (d.removed.length) parts.push(`Gone: ${some(d.removed)}.`)
  if (d.portChanged.length) parts.push(`Judged on another port now: ${some(d.portChanged)}.`)
  return parts.join(' ')
}

/** at most five names, then how many more */
function some(names: string[]): string {
  return names.length <= 5 ? names.join(', ') : `${names.slice(0, 5).join(', ')} and ${names.length - 5} more`
}
