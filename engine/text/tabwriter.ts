/**
 * Go's text/tabwriter, as kubectl uses it: cells are tab-terminated, a
 * column's width is set per block of consecutive lines that have that
 * column, and the last cell of each line is not padded. kubectl get uses
 * (minwidth 6, padding 3); kubectl describe uses (minwidth 0, padding 2).
 */
export function tabwrite(text: string, minwidth: number, padding: number): string {
  const lines = text.split('\n')
  const trailing = text.endsWith('\n')
  if (trailing) lines.pop()
  const cells = lines.map((l) => l.split('\t'))
  const widths: number[] = []
  const out: string[] = new Array(cells.length)
  format(0, cells.length)
  return out.join('\n') + (trailing ? '\n' : '')

  function format(line0: number, line1: number): void {
    const column = widths.length
    for (let t = line0; t < line1; t++) {
      if (column >= cells[t].length - 1) continue
      writeLines(line0, t)
      line0 = t
      let width = minwidth
      for (; t < line1; t++) {
        if (column >= cells[t].length - 1) break
        const w = displayWidth(cells[t][column]) + padding
        if (w > width) width = w
      }
      widths.push(width)
      format(line0, t)
      widths.pop()
      line0 = t
    }
    writeLines(line0, line1)
  }

  function writeLines(line0: number, line1: number): void {
    for (let i = line0; i < line1; i++) {
      if (out[i] !== undefined) continue
      let s = ''
      const row = cells[i]
      for (let j = 0; j < row.length; j++) {
        const c = row[j]
        s += c
        if (j < widths.length && j < row.length - 1) s += ' '.repeat(Math.max(0, widths[j] - displayWidth(c)))
      }
      out[i] = s
    }
  }
}

/** tabwriter counts UTF-8 runes, not bytes */
function displayWidth(s: string): number {
  let n = 0
  for (const _ of s) n++
  return n
}

/** kubectl get's table writer (k8s.io/cli-runtime/pkg/printers GetNewTabWriter). */
export function table(rows: string[][]): string {
  return tabwrite(rows.map((r) => r.join('\t')).join('\n') + '\n', 6, 3)
}
