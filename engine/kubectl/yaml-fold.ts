/**
 * go-yaml v2's line folding of plain scalars (emitterc.go yaml_emitter_write_plain_scalar, the
 * emitter's best_width of 80): at a single space, once the line has passed column 80 and the
 * next character is not a space too, the emitter breaks the line and goes on at the value's
 * indentation (its key's, or its sequence's dash's, plus 2). Quoted scalars, which the emitter
 * folds as well, are left on one line here; block scalars are never folded.
 */
const BEST_WIDTH = 80

/** Where a line's plain value starts and how far its continuation lines are indented, if it has one. */
function plainValue(line: string): { start: number; indent: number } | undefined {
  const m = /^( *)((?:- )*)/.exec(line)!
  const lead = m[0].length
  const rest = line.slice(lead)
  let keyEnd = -1
  if (rest.startsWith("'")) {
    const close = /^'(?:[^']|'')*'/.exec(rest)
    if (close && rest.startsWith(': ', close[0].length)) keyEnd = close[0].length
  } else if (rest.startsWith('"')) {
    const close = /^"(?:[^"\\]|\\.)*"/.exec(rest)
    if (close && rest.startsWith(': ', close[0].length)) keyEnd = close[0].length
  } else keyEnd = rest.indexOf(': ')
  const [start, indent] = keyEnd >= 0 ? [lead + keyEnd + 2, lead + 2] : m[2] ? [lead, lead] : [-1, 0]
  if (start < 0) return undefined
  const first = line[start]
  if (first === undefined || `'"|>{[&*!`.includes(first)) return undefined
  return { start, indent }
}

function fold(line: string, start: number, indent: number): string {
  let out = line.slice(0, start)
  let column = start
  let spaces = false
  for (let i = start; i < line.length; i++) {
    const ch = line[i]
    if (ch === ' ') {
      if (!spaces && column > BEST_WIDTH && line[i + 1] !== ' ') {
        out += `\n${' '.repeat(indent)}`
        column = indent
      } else {
        out += ch
        column++
      }
      spaces = true
    } else {
      out += ch
      column++
      spaces = false
    }
  }
  return out
}

/** Folds the long plain scalars of an emitted document, leaving block scalars' lines alone. */
export function foldPlainScalars(text: string): string {
  const lines = text.split('\n')
  let block = -1
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    const indent = line.length - line.trimStart().length
    if (block >= 0 && (line.trim() === '' || indent > block)) continue
    block = -1
    // a block scalar's header (`key: |`, `- |-`): its lines follow, more indented
    if (/(?:^|: |- )[|>][-+0-9]*$/.test(line)) {
      block = indent
      continue
    }
    if (line.length <= BEST_WIDTH) continue
    const v = plainValue(line)
    if (v) lines[i] = fold(line, v.start, v.indent)
  }
  return lines.join('\n')
}
