/**
 * A policy matrix as an SVG: the `data` of `policy matrix`, one row per source
 * and one column per destination, each cell allowed (✓), denied (✗) or the
 * Pod itself (—), so the verdict never rests on colour alone. Where the
 * cluster's network plugin does something else than the policies say (it
 * enforces none of them, or only some kinds), the cell is outlined and a
 * note says why. Given the diff against an earlier matrix (an edit in the page),
 * every changed cell gets a heavy frame and a small arrow mark (↑ now allowed,
 * ↓ now denied) and a note counts them. Every label comes from the reader's scenario, so all of it
 * is escaped; colours are CSS variables. The text alternative reads the
 * matrix row by row.
 */
import type { Matrix } from '../policy/matrix.ts'
import type { MatrixDiff } from '../policy/matrix-diff.ts'
import { diffSummary } from '../policy/matrix-diff.ts'
import { el, escapeXml, fit, STYLE, text } from './svg.ts'
import type { Diagram } from './topology.ts'

export interface MatrixDiagramOptions {
  /** which verdicts to draw: both directions together (default), or one side */
  view?: 'combined' | 'ingress' | 'egress'
  /** at most this many rows (and columns) are drawn (default 40) */
  maxRows?: number
  /** what changed since an earlier matrix (diffMatrices(before, this)): those cells are marked */
  diff?: MatrixDiff
}

const MATRIX_STYLE = `<style>
.k-m-allow{fill:var(--knet-allow,#e3f4e8);stroke:var(--knet-allow-line,#2f8a4c);stroke-width:1}
.k-m-deny{fill:var(--knet-deny,#fbe4e2);stroke:var(--knet-deny-line,#b3261e);stroke-width:1}
.k-m-self{fill:var(--knet-node,#f3f5f9);stroke:var(--knet-line,#8a94a6);stroke-width:1}
.k-m-diff{fill:none;stroke:var(--knet-text,#1b1f24);stroke-width:1.5;stroke-dasharray:3 2}
.k-m-mark{font:700 14px system-ui,sans-serif;fill:var(--knet-text,#1b1f24)}
.k-m-changed{fill:none;stroke:var(--knet-accent,#6b3fa0);stroke-width:3}
.k-m-arrow{font:700 11px system-ui,sans-serif;fill:var(--knet-accent,#6b3fa0)}
</style>`

const CELL = 30
/** a monospace character at 12px, wide enough for the usual fonts */
const CHAR = 7.3
const LABEL_MAX = 34
const COS45 = Math.SQRT1_2

/** an 11px monospace character, and how many of them a line of notes holds */
const SMALL_CHAR = 6.8
const NOTE_CHARS = 100

const MARK = { '.': '✓', X: '✗', '#': '—' } as const

function verdict(cell: string | undefined): keyof typeof MARK {
  return cell === '.' || cell === '#' ? cell : 'X'
}

/** Breaks a sentence into lines of at most `max` characters, at spaces. */
function wrap(s: string, max: number): string[] {
  const lines: string[] = []
  let line = ''
  for (const word of s.split(' ')) {
    if (line && line.length + 1 + word.length > max) {
      lines.push(line)
      line = word
    } else line = line ? `${line} ${word}` : word
  }
  if (line) lines.push(line)
  return lines.map((l) => fit(l, max))
}

/** What the matrix judged: one port for all, or each destination's own. */
function portText(m: Matrix): string {
  return m.port === null ? "each destination's first declared port" : `port ${m.port}/${m.protocol ?? 'TCP'}`
}

/** A destination's name as the column shows it: with its port when each has its own. */
function columnLabel(m: Matrix, i: number): string {
  const r = m.rows[i]
  return m.port === null ? `${r.label}:${r.port.endsWith('/TCP') ? r.port.slice(0, -4) : r.port}` : r.label
}

/**
 * @example
 * const { svg, alt } = matrixDiagram(runCommand(cluster, 'policy matrix').data as Matrix)
 */
export function matrixDiagram(m: Matrix, opts: MatrixDiagramOptions = {}): Diagram {
  const view = opts.view ?? 'combined'
  const cells = m[view] ?? m.combined
  const n = Math.min(m.rows.length, Math.max(1, opts.maxRows ?? 40))
  const left = 16
  const rowLabels = m.rows.slice(0, n).map((r) => fit(r.label, LABEL_MAX))
  const colLabels = m.rows.slice(0, n).map((_, i) => fit(columnLabel(m, i), LABEL_MAX))
  const longestRow = Math.max(4, ...rowLabels.map((s) => s.length))
  const longestCol = Math.max(4, ...colLabels.map((s) => s.length))
  const gridX = left + Math.ceil(longestRow * CHAR) + 12
  const headerH = 52
  // column labels run up and to the right at 45°
  const gridY = headerH + Math.ceil(longestCol * CHAR * COS45) + 14
  const gridW = n * CELL
  const differs = (i: number, j: number) => view === 'combined' && !!m.effective && m.effective[i]?.[j] !== m.combined[i]?.[j]
  const anyDiff = m.rows.slice(0, n).some((_, i) => m.rows.slice(0, n).some((__, j) => differs(i, j)))
  const off = !m.enforcement.networkPolicy && !m.enforcement.adminNetworkPolicy && !m.enforcement.clusterNetworkPolicy
  const notes: string[] = []
  if (m.rows.length > n) notes.push(`${m.rows.length - n} more row(s) and column(s) are not drawn: run policy matrix with -n NAMESPACE for fewer.`)
  const everything = off ? ', so every connection goes through' : ''
  if (anyDiff) notes.push(`Dashed: this cluster does otherwise, because ${m.enforcement.note}${everything}.`)
  else if (off) notes.push(`Note: ${m.enforcement.note}${everything}.`)
  const changed = new Map<string, 'allow' | 'deny'>()
  if (opts.diff) {
    for (const c of opts.diff.cells) changed.set(`${c.row},${c.col}`, c.after)
    const hidden = opts.diff.cells.filter((c) => c.row >= n || c.col >= n).length
    const marks = opts.diff.cells.length ? ' Heavy frame: changed (↑ now allowed, ↓ now denied).' : ''
    notes.push(`Since the last run: ${diffSummary(opts.diff)}${marks}${hidden ? ` ${hidden} of the changes are outside the drawn part.` : ''}`)
  }
  const noteLines = notes.flatMap((note) => wrap(note, NOTE_CHARS))
  const legendY = gridY + n * CELL + 26
  const height = legendY + 14 + noteLines.length * 16 + 14
  const width = Math.max(gridX + gridW + Math.ceil(longestCol * CHAR * COS45) + 16, 420, ...noteLines.map((s) => left * 2 + Math.ceil(s.length * SMALL_CHAR)))

  const side = view === 'combined' ? '' : ` (${view} side only)`
  const header = `Policy verdicts on ${portText(m)}${side}`
  const parts: string[] = [STYLE, MATRIX_STYLE, el('rect', { class: 'k-frame', x: 0, y: 0, width, height })]
  parts.push(text(left, 24, fit(header, 100), { class: 'k-h' }))
  parts.push(text(left, 42, 'rows: from (source) · columns: to (destination)', { class: 'k-s' }))

  colLabels.forEach((label, j) => {
    const x = gridX + j * CELL + CELL / 2 + 4
    const y = gridY - 8
    parts.push(text(x, y, label, { class: 'k-t', transform: `rotate(-45 ${x} ${y})` }))
  })
  rowLabels.forEach((label, i) => {
    parts.push(text(gridX - 10, gridY + i * CELL + CELL / 2 + 4, label, { class: 'k-t', 'text-anchor': 'end' }))
  })
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const v = verdict(cells[i]?.[j])
      const x = gridX + j * CELL
      const y = gridY + i * CELL
      parts.push(el('rect', { class: `k-m-${v === '.' ? 'allow' : v === 'X' ? 'deny' : 'self'}`, x, y, width: CELL, height: CELL }))
      if (differs(i, j)) parts.push(el('rect', { class: 'k-m-diff', x: x + 3, y: y + 3, width: CELL - 6, height: CELL - 6 }))
      parts.push(text(x + CELL / 2, y + CELL / 2 + 5, MARK[v], { class: 'k-m-mark', 'text-anchor': 'middle' }))
      const now = changed.get(`${i},${j}`)
      if (now) {
        parts.push(el('rect', { class: 'k-m-changed', x: x + 1.5, y: y + 1.5, width: CELL - 3, height: CELL - 3 }))
        parts.push(text(x + CELL - 5, y + 11, now === 'allow' ? '↑' : '↓', { class: 'k-m-arrow', 'text-anchor': 'middle' }))
      }
    }
  }

  // the legend: the marks, then the notes
  let lx = left
  for (const [v, label] of [['.', 'allowed'], ['X', 'denied'], ['#', 'the Pod itself']] as const) {
    parts.push(el('rect', { class: `k-m-${v === '.' ? 'allow' : v === 'X' ? 'deny' : 'self'}`, x: lx, y: legendY - 14, width: 20, height: 20 }))
    parts.push(text(lx + 10, legendY + 1, MARK[v], { class: 'k-m-mark', 'text-anchor': 'middle' }))
    parts.push(text(lx + 26, legendY, label, { class: 'k-s' }))
    lx += 26 + Math.ceil(label.length * SMALL_CHAR) + 18
  }
  noteLines.forEach((line, k) => parts.push(text(left, legendY + 26 + k * 16, line, { class: 'k-s' })))

  const alt = altText(m, cells, n, side, differs, notes, (i, j) => changed.has(`${i},${j}`))
  const svg = el(
    'svg',
    { xmlns: 'http://www.w3.org/2000/svg', viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-labelledby': 'k-matrix-title k-matrix-desc', class: 'knet-diagram knet-matrix' },
    [el('title', { id: 'k-matrix-title' }, escapeXml(`Policy matrix: ${header}`)), el('desc', { id: 'k-matrix-desc' }, escapeXml(alt)), ...parts],
  )
  return { svg, alt }
}

/** The matrix in words, one sentence per source: whom it may reach and whom not. */
function altText(m: Matrix, cells: string[][], n: number, side: string, differs: (i: number, j: number) => boolean, notes: string[], isChanged: (i: number, j: number) => boolean): string {
  const lines = [`Policy verdicts on ${portText(m)}${side}, ${n} source(s) by ${n} destination(s).`]
  for (let i = 0; i < n; i++) {
    const to = (v: '.' | 'X') =>
      m.rows
        .slice(0, n)
        .map((_, j) => j)
        .filter((j) => j !== i && verdict(cells[i]?.[j]) === v)
        .map((j) => `${columnLabel(m, j)}${differs(i, j) ? ' (not on this cluster)' : ''}${isChanged(i, j) ? ' (changed)' : ''}`)
    const allowed = to('.')
    const denied = to('X')
    const self = verdict(cells[i]?.[i])
    const parts: string[] = []
    if (allowed.length) parts.push(`may connect to ${allowed.join(', ')}`)
    if (denied.length) parts.push(`may not connect to ${denied.join(', ')}`)
    // a row that stands for several Pods also says whether they reach each other
    if (self !== '#') parts.push(`its own Pods ${self === '.' ? 'may' : 'may not'} connect to each other`)
    lines.push(`From ${m.rows[i].label}: ${parts.length ? parts.join('; ') : 'no other destination'}.`)
  }
  lines.push(...notes)
  return lines.join(' ')
}
