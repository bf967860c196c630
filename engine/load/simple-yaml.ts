/**
 * A reader for the plain YAML most scenarios are written in: block mappings
 * and sequences, one-line scalars (plain, 'single' and "double" quoted without
 * escapes), one-line flow collections (`[a, "b"]`, `{name: x, labels: {a: b}}`)
 * and literal block scalars (`|`, `|-`), with comments. It gives the value
 * js-yaml gives with the YAML 1.2 core schema, or NOT_SIMPLE as soon as the
 * text holds anything else (anchors, tags, folded or kept block scalars,
 * multi-line plain or quoted scalars, escapes, numbers other than plain
 * integers, duplicate keys, bad indentation, tabs …), and then js-yaml reads it.
 *
 * Why: the first run in a fresh Worker compiles every function it calls
 * (issue 20), and js-yaml's reader is some 20 KB of them; this one is a few.
 * test/engine/core/simple-yaml.test.ts holds it to js-yaml on every YAML text
 * of the guide and on mutations of them.
 */

export const NOT_SIMPLE: unique symbol = Symbol('not simple')

interface Line {
  indent: number
  /** the line from its first non-space character, comment and trailing spaces included */
  text: string
  /** where the line ends in the document (its newline, or the end) */
  end: number
}

/** The reader's place: the next line, and the document (block scalars read it line by line) */
interface At {
  i: number
  src: string
}

class NotSimple {}
const BAIL = new NotSimple()

/** characters a plain scalar may not start with here (YAML 1.2 c-indicator, and `?`/`:`) */
const INDICATORS = '-?:,[]{}#&*!|>\'"%@`'
const INTEGER = /^(?:0|-?[1-9][0-9]{0,14})$/
/** tabs, CR, BOM, NEL, surrogates and what js-yaml refuses as non-printable (its PATTERN_NON_PRINTABLE) */
const AWKWARD = /[\x00-\x09\x0B-\x1F\x7F-\x9F\uFEFF\uFFFE\uFFFF\uD800-\uDFFF]/

/**
 * The document's value, or NOT_SIMPLE.
 *
 * @example
 * readSimpleYaml('kind: Pod\nmetadata:\n  name: a\n') // { kind: 'Pod', metadata: { name: 'a' } }
 * readSimpleYaml('data: >\n  x\n') // NOT_SIMPLE
 */
export function readSimpleYaml(text: string): unknown {
  if (AWKWARD.test(text)) return NOT_SIMPLE
  const lines: Line[] = []
  let pos = 0
  let first = true
  while (pos < text.length) {
    let end = text.indexOf('\n', pos)
    if (end < 0) end = text.length
    let indent = pos
    while (indent < end && text.charCodeAt(indent) === 32) indent++
    const c = text.charCodeAt(indent)
    if (indent < end && c !== 35 /* # */) {
      const line = text.slice(indent, end)
      // the document marker the scenario splitter leaves at a document's head
      if (first && indent === pos && isMarker(line)) {
        // nothing: the marker line
      } else if (indent === pos && (line.startsWith('---') || line.startsWith('...'))) return NOT_SIMPLE
      else lines.push({ indent: indent - pos, text: line, end })
      first = false
    }
    pos = end + 1
  }
  // only comments: js-yaml reads null (or nothing), which the loader skips alike
  if (lines.length === 0) return null
  try {
    const at: At = { i: 0, src: text }
    const value = block(lines, at, lines[0].indent)
    return at.i === lines.length ? value : NOT_SIMPLE
  } catch (e) {
    if (e === BAIL) return NOT_SIMPLE
    throw e
  }
}

function bail(): never {
  throw BAIL
}

function block(lines: Line[], at: At, indent: number): unknown {
  return isEntry(lines[at.i].text) ? sequence(lines, at, indent) : mapping(lines, at, indent)
}

/** `-` alone or followed by a space: a sequence entry */
function isEntry(s: string): boolean {
  return s.charCodeAt(0) === 45 && (s.length === 1 || s.charCodeAt(1) === 32)
}

function mapping(lines: Line[], at: At, indent: number): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  while (at.i < lines.length) {
    const line = lines[at.i]
    if (line.indent < indent) break
    if (line.indent > indent || isEntry(line.text)) bail()
    const { key, rest } = splitKey(line.text)
    if (Object.prototype.hasOwnProperty.call(out, key)) bail() // js-yaml: duplicated mapping key
    at.i++
    let value: unknown
    if (rest === '') {
      const next = lines[at.i]
      if (next && next.indent > indent) value = block(lines, at, next.indent)
      // a sequence may sit at its key's own indentation
      else if (next && next.indent === indent && isEntry(next.text)) value = sequence(lines, at, indent)
      else value = null
    } else if (rest === '|' || rest === '|-') {
      value = literal(lines, at, indent, rest === '|-')
    } else {
      value = inline(rest)
      // a deeper line would continue the scalar: js-yaml's to read
      if (at.i < lines.length && lines[at.i].indent > indent) bail()
    }
    out[key] = value
  }
  return out
}

function sequence(lines: Line[], at: At, indent: number): unknown[] {
  const out: unknown[] = []
  while (at.i < lines.length) {
    const line = lines[at.i]
    if (line.indent < indent || (line.indent === indent && !isEntry(line.text))) break
    if (line.indent > indent) bail()
    let k = 1
    while (line.text.charCodeAt(k) === 32) k++
    const rest = line.text.slice(k)
    if (rest === '' || rest.charCodeAt(0) === 35) {
      at.i++
      const next = lines[at.i]
      out.push(next && next.indent > indent ? block(lines, at, next.indent) : null)
    } else if (isEntry(rest)) bail()
    else if (hasKey(rest)) {
      // `- key: value`: a mapping whose first key stands after the dash
      lines[at.i] = { indent: indent + k, text: rest, end: line.end }
      out.push(mapping(lines, at, indent + k))
    } else {
      at.i++
      out.push(inline(comment(rest.trimEnd())))
      if (at.i < lines.length && lines[at.i].indent > indent) bail()
    }
  }
  return out
}

/** Whether the text starts with a mapping key: `key:` then a space or the end. */
function hasKey(s: string): boolean {
  const q = s.charCodeAt(0)
  if (q === 34 || q === 39) {
    const close = s.indexOf(String.fromCharCode(q), 1)
    return close > 0 && s.charCodeAt(close + 1) === 58 && (close + 2 === s.length || s.charCodeAt(close + 2) === 32)
  }
  const colon = keyColon(s)
  return colon > 0
}

/** The colon that ends a plain key (`: ` or a final `:`), before any comment; -1 when none. */
function keyColon(s: string): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c === 58 && (i + 1 === s.length || s.charCodeAt(i + 1) === 32)) return i
    if (c === 35 && i > 0 && s.charCodeAt(i - 1) === 32) return -1
  }
  return -1
}

function splitKey(s: string): { key: string; rest: string } {
  let key: string
  let after: number
  const q = s.charCodeAt(0)
  if (q === 34 || q === 39) {
    const r = quoted(s, 0)
    if (s.charCodeAt(r.end) !== 58) bail()
    key = r.value
    if (key === '__proto__') bail()
    after = r.end + 1
  } else {
    const colon = keyColon(s)
    if (colon <= 0 || s.charCodeAt(colon - 1) === 32) bail()
    key = s.slice(0, colon)
    // keys js-yaml would read as something else than a string, merge keys, and __proto__ (set specially)
    if (INDICATORS.includes(key[0]) || numberish(key) || scalar(key) !== key || key === '<<' || key === '__proto__') bail()
    after = colon + 1
  }
  if (after < s.length && s.charCodeAt(after) !== 32) bail()
  return { key, rest: comment(s.slice(after).trim()) }
}

/** The text without its comment: `#` starts one at the start or after a space. */
function comment(s: string): string {
  if (s.charCodeAt(0) === 35) return ''
  const hash = s.indexOf(' #')
  return hash < 0 ? s : s.slice(0, hash).trimEnd()
}

/** A one-line value after `key: ` or `- ` (comment already cut when plain). */
function inline(s: string): unknown {
  const c = s[0]
  if (c === '"' || c === "'") {
    const r = quoted(s, 0)
    if (r.end < s.length && comment(s.slice(r.end).trim()) !== '') bail()
    return r.value
  }
  if (c === '[' || c === '{') {
    const r = flowAt(s, 0)
    if (r.end < s.length && comment(s.slice(r.end).trim()) !== '') bail()
    return r.value
  }
  // `-x` is a plain scalar, `- x` a sequence where none may start
  if (INDICATORS.includes(c) && !(c === '-' && s.length > 1 && s[1] !== ' ')) bail()
  // a plain scalar: a `: ` inside or a `:` at its end would make a mapping (an error in js-yaml)
  if (s.includes(': ') || s.endsWith(':')) bail()
  return plain(s)
}

/** A one-line flow collection from s[i] (`[` or `{`), nested ones included: its value and where it ends. */
function flowAt(s: string, i: number): { value: unknown; end: number } {
  const open = s[i]
  const close = open === '[' ? ']' : '}'
  const seq: unknown[] = []
  const map: Record<string, unknown> = {}
  i = skipSpaces(s, i + 1)
  if (s[i] !== close) {
    for (;;) {
      i = skipSpaces(s, i)
      if (open === '{') {
        const k = flowKey(s, i)
        if (Object.prototype.hasOwnProperty.call(map, k.key)) bail() // js-yaml: duplicated mapping key
        const v = flowItem(s, skipSpaces(s, k.end))
        map[k.key] = v.value
        i = v.end
      } else {
        const v = flowItem(s, i)
        seq.push(v.value)
        i = v.end
      }
      i = skipSpaces(s, i)
      if (s[i] === ',') i++ // a trailing comma leaves an empty item: bailed on below
      else if (s[i] === close) break
      else bail()
    }
  }
  return { value: open === '[' ? seq : map, end: i + 1 }
}

function skipSpaces(s: string, i: number): number {
  while (s.charCodeAt(i) === 32) i++
  return i
}

/** A flow collection's key and its `: `, as block keys are read (strings only). */
function flowKey(s: string, i: number): { key: string; end: number } {
  let key: string
  let colon: number
  const c = s[i]
  if (c === '"' || c === "'") {
    const r = quoted(s, i)
    key = r.value
    colon = r.end
  } else {
    const start = i
    while (i < s.length && s[i] !== ':') {
      if (',[]{}#"\''.includes(s[i])) bail()
      i++
    }
    key = s.slice(start, i)
    colon = i
    if (key === '' || key.endsWith(' ') || INDICATORS.includes(key[0]) || numberish(key) || scalar(key) !== key || key === '<<') bail()
  }
  if (s[colon] !== ':' || s[colon + 1] !== ' ' || key === '__proto__') bail()
  return { key, end: colon + 2 }
}

/** A flow item: a nested collection, a quoted scalar, or a plain one (no `: `, `#`, quotes or brackets in it). */
function flowItem(s: string, i: number): { value: unknown; end: number } {
  const c = s[i]
  if (c === '[' || c === '{') return flowAt(s, i)
  if (c === '"' || c === "'") return quoted(s, i)
  const start = i
  while (i < s.length && s[i] !== ',' && s[i] !== ']' && s[i] !== '}') {
    // a colon inside a plain scalar (an image's tag) when what follows cannot end it
    if (s[i] === ':' && (i + 1 >= s.length || ' ,[]{}'.includes(s[i + 1]))) bail()
    if ('[{#"\''.includes(s[i])) bail()
    i++
  }
  const item = s.slice(start, i).trim()
  if (item === '' || INDICATORS.includes(item[0])) bail()
  return { value: plain(item), end: i }
}

/**
 * A literal block scalar (`|`, or `|-` without its final newline) under a key at `indent`:
 * the deeper lines that follow, less the indentation of the first. Leading blank lines,
 * blank lines holding more spaces than the indentation, and a line less indented than the
 * first are js-yaml's to read.
 */
function literal(lines: Line[], at: At, indent: number, strip: boolean): string {
  const src = at.src
  const out: string[] = []
  let blockIndent = -1
  let p = lines[at.i - 1].end + 1
  let last = lines[at.i - 1].end
  while (p < src.length) {
    let e = src.indexOf('\n', p)
    if (e < 0) e = src.length
    let k = p
    while (k < e && src.charCodeAt(k) === 32) k++
    const n = k - p
    if (k === e) {
      if (blockIndent < 0 || n > blockIndent) bail()
      out.push('')
    } else {
      if (n <= indent) break
      if (blockIndent < 0) blockIndent = n
      else if (n < blockIndent) bail()
      out.push(src.slice(p + blockIndent, e))
      last = e
    }
    p = e + 1
  }
  // the lines it took, and the blank ones after them, are the scalar's
  while (at.i < lines.length && lines[at.i].end <= last) at.i++
  while (out.length && out[out.length - 1] === '') out.pop()
  return out.length === 0 ? '' : out.join('\n') + (strip ? '' : '\n')
}

/** A quoted scalar from `start` closed on the same line: 'single' ('' for a quote) or "double" without escapes. */
function quoted(s: string, start: number): { value: string; end: number } {
  const q = s[start]
  let value = ''
  let i = start + 1
  for (;;) {
    const close = s.indexOf(q, i)
    if (close < 0) bail()
    const part = s.slice(i, close)
    if (q === '"' && part.includes('\\')) bail()
    value += part
    if (q === "'" && s[close + 1] === "'") {
      value += "'"
      i = close + 2
      continue
    }
    return { value, end: close + 1 }
  }
}

/** A plain scalar as the core schema resolves it: null, a boolean, a plain integer, or a string. */
function plain(s: string): unknown {
  const v = scalar(s)
  if (s === '<<') bail() // js-yaml resolves it as the merge type
  if (v === s && numberish(s)) {
    if (INTEGER.test(s)) return Number(s)
    bail() // floats, octal, hex, signs, 1_000 …: js-yaml's rules
  }
  return v
}

/**
 * Whether js-yaml might read the scalar as a number: a superset of its int and float forms
 * (a sign, then a digit or a dot; at most one dot; only digits, hex digits, x, o, the letters
 * of inf and nan, signs and dots). `10.0.0.1`, `100m`, `50Mi` are not. Checked by hand: a
 * regex costs its compilation on a first run (issue 20).
 */
function numberish(s: string): boolean {
  let i = s.charCodeAt(0) === 45 || s.charCodeAt(0) === 43 ? 1 : 0
  const c = s.charCodeAt(i)
  if (!((c >= 48 && c <= 57) || c === 46)) return false
  let dots = 0
  for (; i < s.length; i++) {
    const ch = s[i]
    if (ch === '.') dots++
    else if (!NUMBER_CHARS.includes(ch)) return false
  }
  return dots <= 1
}
const NUMBER_CHARS = '0123456789abcdefABCDEFxoinINF+-'

/** `---`, then spaces, then perhaps a comment */
function isMarker(line: string): boolean {
  if (!line.startsWith('---')) return false
  let k = 3
  while (line.charCodeAt(k) === 32) k++
  return k === line.length || line.charCodeAt(k) === 35
}

function scalar(s: string): unknown {
  switch (s) {
    case '~':
    case 'null':
    case 'Null':
    case 'NULL':
      return null
    case 'true':
    case 'True':
    case 'TRUE':
      return true
    case 'false':
    case 'False':
    case 'FALSE':
      return false
  }
  return s
}
