import { LIMITS } from './limits.ts'

export interface GuardProblem {
  message: string
  offset: number
}

/**
 * A linear pre-scan of the raw text: refuses nesting deeper than the limit
 * before the YAML parser (whose composer recurses) ever sees it.
 */
export function guardText(text: string): GuardProblem | undefined {
  if (text.length > LIMITS.maxTextLength) {
    return {
      message: `scenario is too large: ${text.length} characters (limit ${LIMITS.maxTextLength})`,
      offset: LIMITS.maxTextLength,
    }
  }
  let flowDepth = 0
  let quote: '"' | "'" | '' = ''
  let lineStart = true
  let indent = 0
  let inComment = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (c === '\n') {
      lineStart = true
      indent = 0
      inComment = false
      if (quote === "'") continue
      continue
    }
    if (inComment) continue
    if (lineStart) {
      if (c === ' ' || c === '-') {
        indent++
        // block nesting: each level needs at least one column of indentation
        if (indent > LIMITS.maxDepth * 8) {
          return { message: `YAML is nested too deeply (limit ${LIMITS.maxDepth} levels)`, offset: i }
        }
        continue
      }
      lineStart = false
    }
    if (quote) {
      if (c === '\\' && quote === '"') i++
      else if (c === quote) quote = ''
      continue
    }
    if (c === '"' || c === "'") {
      // a quote starts a scalar only at a token boundary; inside plain scalars it is literal
      const prev = i > 0 ? text[i - 1] : ' '
      if (' \t[{,:-'.includes(prev) || prev === '\n') quote = c
      continue
    }
    if (c === '#' && (i === 0 || ' \t'.includes(text[i - 1]))) {
      inComment = true
      continue
    }
    if (c === '[' || c === '{') {
      flowDepth++
      if (flowDepth > LIMITS.maxDepth) {
        return { message: `YAML is nested too deeply (limit ${LIMITS.maxDepth} levels)`, offset: i }
      }
    } else if ((c === ']' || c === '}') && flowDepth > 0) flowDepth--
  }
  return undefined
}
