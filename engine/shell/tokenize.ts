/**
 * Splits a command line into words as a POSIX shell would for the simple
 * commands readers type: single and double quotes, backslash escapes, and
 * whitespace. No expansion, pipes or redirection (reported, not ignored).
 */
export function tokenize(line: string): { words: string[] } | { error: string } {
  const words: string[] = []
  let cur = ''
  let inWord = false
  let i = 0
  while (i < line.length) {
    const c = line[i]
    if (c === "'") {
      const end = line.indexOf("'", i + 1)
      if (end < 0) return { error: "sh: syntax error: unterminated quoted string" }
      cur += line.slice(i + 1, end)
      inWord = true
      i = end + 1
    } else if (c === '"') {
      i++
      inWord = true
      for (;;) {
        if (i >= line.length) return { error: 'sh: syntax error: unterminated quoted string' }
        const d = line[i]
        if (d === '"') {
          i++
          break
        }
        if (d === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1])) {
          cur += line[i + 1]
          i += 2
          continue
        }
        cur += d
        i++
      }
    } else if (c === '\\') {
      if (i + 1 < line.length) cur += line[i + 1]
      inWord = true
      i += 2
    } else if (c === ' ' || c === '\t' || c === '\n') {
      if (inWord) words.push(cur)
      cur = ''
      inWord = false
      i++
    } else if ((c === '|' || c === ';' || c === '>' || c === '<' || c === '&') && !inWord) {
      return { error: `sh: '${c}' is not supported here: run one command per line` }
    } else if (c === '#' && !inWord) {
      break
    } else {
      cur += c
      inWord = true
      i++
    }
  }
  if (inWord) words.push(cur)
  return { words }
}
