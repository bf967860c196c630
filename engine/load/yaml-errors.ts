/**
 * YAML syntax errors in plain words, placed on the offending token (issue 19). The positioned
 * parser (the `yaml` package, v2) reports a code, an offset range that is often one character
 * wide, and a message written for YAML experts; a reader of the guide gets what is wrong and
 * how to fix it, and an underline that covers the token at fault: a whole key, an unclosed
 * quote or bracket from where it opens, the tab that indents a line.
 */

export interface YamlProblem {
  /** the parser's code (yaml's ErrorCode), e.g. TAB_AS_INDENT */
  code: string
  /** [start, end] offsets into the text */
  pos: [number, number]
  message: string
}

export interface PlacedYamlProblem {
  message: string
  /** offsets into the text, end exclusive, at least one character wide when the text has one */
  start: number
  end: number
}

/** What went wrong, in the guide's words, and where to underline it. */
export function describeYamlProblem(text: string, problem: YamlProblem): PlacedYamlProblem {
  const parser = problem.message.split('\n')[0].trim()
  const [start, end] = placeToken(text, problem)
  return { message: `YAML syntax error: ${plainWords(problem.code, parser)}`, start, end }
}

function plainWords(code: string, parser: string): string {
  switch (code) {
    case 'TAB_AS_INDENT':
      return 'a tab indents this line; YAML indents with spaces only'
    case 'DUPLICATE_KEY':
      return 'this key is already set above in the same mapping; each key may appear once'
    case 'MULTILINE_IMPLICIT_KEY':
      return 'a key must fit on one line, ending with a colon and a space'
    case 'BLOCK_AS_IMPLICIT_KEY':
      return 'a key cannot follow a value on the same line, nor be indented deeper than the key above it; put each key on its own line, indented under its parent'
    case 'MISSING_CHAR':
      if (/quote/i.test(parser)) return 'this quoted text is never closed; end it with the quote it starts with'
      return `something is missing here (${lowerFirst(parser)})`
    case 'BAD_INDENT':
      if (/^Flow map/i.test(parser)) return 'this { is not closed with }, or the lines it spans are not indented under its key'
      if (/^Flow sequence/i.test(parser)) return 'this [ is not closed with ], or the lines it spans are not indented under its key'
      if (/mapping items must start at the same column/i.test(parser)) return 'this key is not lined up with the keys above it; keys of one mapping start in the same column'
      if (/sequence items must start at the same column/i.test(parser)) return 'this "- " item is not lined up with the items above it; items of one list start in the same column'
      return `the indentation here does not fit the lines around it (${lowerFirst(parser)})`
    default:
      return lowerFirst(parser)
  }
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1).replace(/\.$/, '')
}

/** A token: a run of non-space characters, a colon only inside one (an image tag, a URL). */
const TOKEN = /^(?:[^\s:]|:(?=\S))+/

function placeToken(text: string, { code, pos, message }: YamlProblem): [number, number] {
  const at = Math.max(0, Math.min(pos[0], text.length))
  // An unclosed quote or bracket: from where it opens to the end of that line.
  const quote = code === 'MISSING_CHAR' && /quote/i.test(message) ? (message.includes("'") ? "'" : '"') : undefined
  const flow = code === 'BAD_INDENT' && /^Flow (map|sequence)/i.test(message) ? (/^Flow map/i.test(message) ? '{' : '[') : undefined
  const opener = quote ?? flow
  if (opener) {
    const i = text.lastIndexOf(opener, Math.min(at, text.length - 1))
    if (i >= 0) return [i, lineEnd(text, i)]
  }
  let start = at
  // At the end of a line or of the text: the last token before it.
  if (start >= text.length || text[start] === '\n') {
    let i = start - 1
    while (i >= 0 && /\s/.test(text[i])) i--
    if (i < 0) return [at, Math.min(at + 1, text.length)]
    let j = i
    while (j > 0 && !/\s/.test(text[j - 1])) j--
    return [j, i + 1]
  }
  // Indentation at fault (a tab, a wrong column): the spaces and the token after them.
  while (start < text.length && (text[start] === ' ' || text[start] === '\t')) start++
  const token = TOKEN.exec(text.slice(start, lineEnd(text, start)))
  const end = start + (token ? token[0].length : 0)
  return end > at ? [at, end] : [at, Math.min(at + 1, text.length)]
}

function lineEnd(text: string, from: number): number {
  const nl = text.indexOf('\n', from)
  return nl < 0 ? text.length : nl
}
