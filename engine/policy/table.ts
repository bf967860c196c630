/**
 * The box tables policy-assistant prints (olekukonko/tablewriter v0.0.5 with
 * its defaults: borders, a header line, headers upper-cased by Title() and
 * centred, cells left-aligned unless they look like numbers).
 */

/** tablewriter.Title: `_` becomes a space, a `.` not between digits too, then upper case. */
export function title(name: string): string {
  const rs = [...name]
  const numOrSpace = (c: string | undefined) => c !== undefined && /[0-9 ]/.test(c)
  for (let i = 0; i < rs.length; i++) {
    if (rs[i] === '_') rs[i] = ' '
    else if (rs[i] === '.' && ((i !== 0 && !numOrSpace(rs[i - 1])) || (i !== rs.length - 1 && !numOrSpace(rs[i + 1])))) rs[i] = ' '
  }
  let out = rs.join('').trim()
  if (out.length === 0 && name.length > 0) out = ' '
  return out.toUpperCase()
}

function width(s: string): number {
  let n = 0
  for (const _ of s) n++
  return n
}

const DECIMAL = /^-?(?:\d{1,3}(?:,\d{3})*|\d+)(?:\.\d+)?$/
const PERCENT = /^-?\d+\.?\d*%$/

/**
 * Renders rows under a header, as tablewriter.NewWriter + SetHeader + Append + Render.
 *
 * @example
 * boxTable(['', 'x/a'], [['x/a', '#']])
 */
export function boxTable(header: string[], rows: string[][]): string {
  const head = header.map(title)
  const cols = head.length
  const w: number[] = head.map(width)
  for (const r of rows) for (let i = 0; i < cols; i++) w[i] = Math.max(w[i], width(r[i] ?? ''))
  const line = '+' + w.map((x) => '-'.repeat(x + 2)).join('+') + '+\n'
  const center = (s: string, n: number) => {
    const gap = n - width(s)
    if (gap <= 0) return s
    const left = Math.floor(gap / 2)
    return ' '.repeat(left) + s + ' '.repeat(gap - left)
  }
  const cell = (s: string, n: number) => {
    const t = s.trim()
    const pad = ' '.repeat(Math.max(0, n - width(s)))
    return DECIMAL.test(t) || PERCENT.test(t) ? pad + s : s + pad
  }
  let out = line
  out += '| ' + head.map((h, i) => center(h, w[i])).join(' | ') + ' |\n'
  out += line
  for (const r of rows) out += '| ' + w.map((n, i) => cell(r[i] ?? '', n)).join(' | ') + ' |\n'
  out += line
  return out
}
