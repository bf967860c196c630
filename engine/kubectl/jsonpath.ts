/**
 * kubectl's JSONPath dialect (k8s.io/client-go/util/jsonpath: parser.go,
 * jsonpath.go; the comparisons of third_party/forked/golang/template/funcs.go):
 * text with `{…}` actions holding fields (`.a.b`, `['a.b']`, escaped dots
 * `kubernetes\.io/name`), `*`, `..`, indexes and slices `[n]`, `[a:b:c]`,
 * unions `[a,b]`, filters `[?(@.x=="y")]` (==, !=, <, >, <=, >=, or a bare
 * path for "exists"), quoted text `{"\n"}`, and `range … end` blocks.
 *
 * Values are what kubectl queries: the object as unstructured JSON, where an
 * integral number is an int64 and any other a float64 (apimachinery's
 * util/json), so `@.port==80` compares ints, and `@.port=="80"` is an error
 * ("incompatible types for comparison"), as with kubectl.
 */
import type { Json } from '../model/types.ts'

// ---------------------------------------------------------------- nodes

interface ParamsEntry { value: number; known: boolean; derived: boolean }
type PathNode =
  | { t: 'list'; nodes: PathNode[] }
  | { t: 'text'; text: string }
  | { t: 'field'; name: string }
  | { t: 'array'; params: [ParamsEntry, ParamsEntry, ParamsEntry] }
  | { t: 'filter'; left: PathNode[]; right: PathNode[]; op: string }
  | { t: 'int'; value: number }
  | { t: 'float'; value: number }
  | { t: 'bool'; value: boolean }
  | { t: 'wildcard' }
  | { t: 'recursive' }
  | { t: 'union'; lists: PathNode[][] }
  | { t: 'identifier'; name: string }

/** The parser's error text, as kubectl's `error parsing jsonpath TEMPLATE, TEXT` shows it. */
export class JsonPathError extends Error {}

// ---------------------------------------------------------------- parser (parser.go)

const DICT_KEY = /^'([^']*)'$/
const SLICE = /^(-?\d*)(:-?\d*)?(:-?\d*)?$/
const FILTER = /^([^!<>=]+)([!<>=]+)(.+?)$/s

const isSpace = (r: string) => r === ' ' || r === '\t'
const isEndOfLine = (r: string) => r === '\r' || r === '\n'
const isDigit = (r: string) => /^\p{Nd}$/u.test(r)
const isAlphaNumeric = (r: string) => r === '_' || /^[\p{L}\p{Nd}]$/u.test(r)
function isTerminator(r: string): boolean {
  return r === '' || isSpace(r) || isEndOfLine(r) || '.,[]$@{}'.includes(r)
}

/** Go's %#U: U+002A '*' */
function goRune(r: string): string {
  const cp = r.codePointAt(0)!
  const hex = cp.toString(16).toUpperCase().padStart(4, '0')
  return /\p{L}|\p{N}|\p{P}|\p{S}|\p{Zs}/u.test(r) ? `U+${hex} '${r}'` : `U+${hex}`
}

class Parser {
  root: PathNode[] = []
  private input = ''
  private pos = 0
  private start = 0
  private width = 0

  parse(text: string): PathNode[] {
    this.input = text
    this.root = []
    this.pos = 0
    this.start = 0
    this.parseText()
    return this.root
  }

  private consume(): string {
    const v = this.input.slice(this.start, this.pos)
    this.start = this.pos
    return v
  }
  /** The next code point, or '' at the end (eof). */
  private next(): string {
    if (this.pos >= this.input.length) {
      this.width = 0
      return ''
    }
    const r = String.fromCodePoint(this.input.codePointAt(this.pos)!)
    this.width = r.length
    this.pos += r.length
    return r
  }
  private peek(): string {
    const r = this.next()
    this.backup()
    return r
  }
  private backup(): void {
    this.pos -= this.width
  }
  private rest(): string {
    return this.input.slice(this.pos)
  }

  private parseText(): void {
    for (;;) {
      if (this.rest().startsWith('{')) {
        if (this.pos > this.start) this.root.push({ t: 'text', text: this.consume() })
        this.pos += 1
        this.consume()
        const list: PathNode[] = []
        this.root.push({ t: 'list', nodes: list })
        this.parseInsideAction(list)
        return
      }
      if (this.next() === '') break
    }
    if (this.pos > this.start) this.root.push({ t: 'text', text: this.consume() })
  }

  private parseInsideAction(cur: PathNode[]): void {
    // a loop where parser.go recurses once per token
    for (;;) {
      const rest = this.rest()
      if (rest.startsWith('}')) {
        this.pos += 1
        this.consume()
        this.parseText()
        return
      }
      if (rest.startsWith('[?(')) {
        this.parseFilter(cur)
        continue
      }
      if (rest.startsWith('..')) {
        this.parseRecursive(cur)
        continue
      }
      const r = this.next()
      if (r === '' || isEndOfLine(r)) throw new JsonPathError('unclosed action')
      if (r === ' ' || r === '@' || r === '$') this.consume()
      else if (r === '[') this.parseArray(cur)
      else if (r === '"' || r === "'") this.parseQuote(cur, r)
      else if (r === '.') this.parseField(cur)
      else if (r === '+' || r === '-' || isDigit(r)) {
        this.backup()
        this.parseNumber(cur)
      } else if (isAlphaNumeric(r)) {
        this.backup()
        this.parseIdentifier(cur)
      } else throw new JsonPathError(`unrecognized character in action: ${goRune(r)}`)
    }
  }

  private parseIdentifier(cur: PathNode[]): void {
    for (;;) {
      const r = this.next()
      if (isTerminator(r)) {
        this.backup()
        break
      }
    }
    const value = this.consume()
    if (value === 'true' || value === 'false') cur.push({ t: 'bool', value: value === 'true' })
    else cur.push({ t: 'identifier', name: value })
  }

  private parseRecursive(cur: PathNode[]): void {
    if (cur.length && cur[cur.length - 1].t === 'recursive') throw new JsonPathError('invalid multiple recursive descent')
    this.pos += 2
    this.consume()
    cur.push({ t: 'recursive' })
    if (isAlphaNumeric(this.peek())) this.parseField(cur)
  }

  private parseNumber(cur: PathNode[]): void {
    let r = this.peek()
    if (r === '+' || r === '-') this.next()
    for (;;) {
      r = this.next()
      if (r !== '.' && !isDigit(r)) {
        this.backup()
        break
      }
    }
    const value = this.consume()
    // strconv.Atoi, then strconv.ParseFloat
    if (/^[+-]?\d+$/.test(value)) cur.push({ t: 'int', value: Number(value) })
    else if (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(value)) cur.push({ t: 'float', value: Number(value) })
    else throw new JsonPathError(`cannot parse number ${value}`)
  }

  private parseArray(cur: PathNode[]): void {
    for (;;) {
      const r = this.next()
      if (r === '' || r === '\n') throw new JsonPathError('unterminated array')
      if (r === ']') break
    }
    let text = this.consume()
    text = text.slice(1, -1)
    if (text === '*') text = ':'
    const strs = text.split(',')
    if (strs.length > 1) {
      const lists = strs.map((s) => parseAction(`[${s.replace(/^ +| +$/g, '')}]`))
      cur.push({ t: 'union', lists })
      return
    }
    const dict = DICT_KEY.exec(text)
    if (dict) {
      cur.push(...parseAction(`.${dict[1]}`))
      return
    }
    const m = SLICE.exec(text)
    if (!m) throw new JsonPathError(`invalid array index ${text}`)
    const params: [ParamsEntry, ParamsEntry, ParamsEntry] = [
      { value: 0, known: false, derived: false },
      { value: 0, known: false, derived: false },
      { value: 0, known: false, derived: false },
    ]
    for (let i = 0; i < 3; i++) {
      let v = m[i + 1] ?? ''
      if (v !== '') {
        if (i > 0) v = v.slice(1)
        if (i > 0 && v === '') params[i].known = false
        else {
          if (!/^[+-]?\d+$/.test(v)) throw new JsonPathError(`array index ${v} is not a number`)
          params[i] = { value: Number(v), known: true, derived: false }
        }
      } else if (i === 1) params[i] = { value: params[0].value + 1, known: true, derived: true }
    }
    cur.push({ t: 'array', params })
  }

  private parseFilter(cur: PathNode[]): void {
    this.pos += 3
    this.consume()
    let begin = false
    let end = false
    let pair = ''
    for (;;) {
      const r = this.next()
      if (r === '' || r === '\n') throw new JsonPathError('unterminated filter')
      if (r === '"' || r === "'") {
        if (!begin) {
          begin = true
          pair = r
          continue
        }
        if (this.input[this.pos - 2] !== '\\' && r === pair) end = true
      } else if (r === ')' && begin === end) break
    }
    if (this.next() !== ']') throw new JsonPathError('unclosed array expect ]')
    let text = this.consume()
    text = text.slice(0, -2)
    const m = FILTER.exec(text)
    if (!m) cur.push({ t: 'filter', left: parseAction(text), right: [], op: 'exists' })
    else cur.push({ t: 'filter', left: parseAction(m[1]), right: parseAction(m[3]), op: m[2] })
  }

  private parseQuote(cur: PathNode[], end: string): void {
    for (;;) {
      const r = this.next()
      if (r === '' || r === '\n') throw new JsonPathError('unterminated quoted string')
      if (r === end && this.input[this.pos - 2] !== '\\') break
    }
    const value = this.consume()
    const s = unquoteExtend(value)
    if (s === undefined) throw new JsonPathError(`unquote string ${value} error invalid syntax`)
    cur.push({ t: 'text', text: s })
  }

  private parseField(cur: PathNode[]): void {
    this.consume()
    while (this.advance()) { /* scan */ }
    const value = this.consume()
    if (value === '*') cur.push({ t: 'wildcard' })
    else cur.push({ t: 'field', name: value.replace(/\\/g, '') })
  }

  private advance(): boolean {
    const r = this.next()
    if (r === '\\') this.next()
    else if (isTerminator(r)) {
      this.backup()
      return false
    }
    return true
  }
}

/** parser.go parseAction: `{TEXT}` parsed, its one action's nodes. */
function parseAction(text: string): PathNode[] {
  const root = new Parser().parse(`{${text}}`)
  const first = root[0]
  return first && first.t === 'list' ? first.nodes : []
}

/** strconv.Unquote, extended to single quotes (parser.go UnquoteExtend); undefined for invalid syntax. */
function unquoteExtend(s: string): string | undefined {
  if (s.length < 2) return undefined
  const q = s[0]
  if (q !== s[s.length - 1] || (q !== '"' && q !== "'")) return undefined
  s = s.slice(1, -1)
  if (!s.includes('\\') && !s.includes(q)) return s
  let out = ''
  for (let i = 0; i < s.length; i++) {
    const c = s[i]
    if (c === q) return undefined
    if (c !== '\\') {
      out += c
      continue
    }
    const e = s[++i]
    const simple: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' }
    if (e === undefined) return undefined
    if (e in simple) out += simple[e]
    else if (e === q) out += q
    else if (e === 'x' || e === 'u' || e === 'U') {
      const n = e === 'x' ? 2 : e === 'u' ? 4 : 8
      const hex = s.slice(i + 1, i + 1 + n)
      if (hex.length !== n || !/^[0-9a-fA-F]+$/.test(hex)) return undefined
      const cp = parseInt(hex, 16)
      if (e !== 'x' && (cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000))) return undefined
      out += String.fromCodePoint(cp)
      i += n
    } else if (e >= '0' && e <= '7') {
      const oct = s.slice(i, i + 3)
      if (!/^[0-7]{3}$/.test(oct) || parseInt(oct, 8) > 255) return undefined
      out += String.fromCharCode(parseInt(oct, 8))
      i += 2
    } else return undefined
  }
  return out
}

// ---------------------------------------------------------------- templates

/** A parsed template, its top-level items grouped into range blocks. */
type Item = { t: 'text'; text: string } | { t: 'action'; nodes: PathNode[] } | { t: 'range'; nodes: PathNode[]; body: Item[] } | { t: 'end' }

export interface JsonPathTemplate {
  source: string
  items: Item[]
}

/**
 * Parses a template as kubectl does (jsonpath.New(...).Parse); throws
 * JsonPathError with the parser's message for a template that does not parse.
 */
export function parseJsonPath(template: string): JsonPathTemplate {
  const root = new Parser().parse(template)
  const flat: Item[] = root.map((n): Item => {
    if (n.t === 'text') return n
    const nodes = n.t === 'list' ? n.nodes : [n]
    if (nodes.some((x) => x.t === 'identifier' && x.name === 'end')) return { t: 'end' }
    if (nodes.some((x) => x.t === 'identifier' && x.name === 'range')) return { t: 'range', nodes, body: [] }
    return { t: 'action', nodes }
  })
  // jsonpath.go FindResults: a range runs to its end (or to the template's end)
  let i = 0
  const block = (inRange: boolean): Item[] => {
    const out: Item[] = []
    while (i < flat.length) {
      const it = flat[i++]
      if (it.t === 'end') {
        if (inRange) return out
        out.push(it)
      } else if (it.t === 'range') {
        out.push({ ...it, body: block(true) })
      } else out.push(it)
    }
    return out
  }
  return { source: template, items: block(false) }
}

// ---------------------------------------------------------------- evaluation (jsonpath.go)

/** A value as Go sees it in unstructured JSON; `missing` stands for a map key that is absent. */
type Val = Json

class EvalError extends Error {}

const isObj = (v: Val): v is { [k: string]: Json } => v !== null && typeof v === 'object' && !Array.isArray(v)

/** Go's %v type name in "is not array or slice" (reflect.Value.Type()). */
function goTypeName(v: Val): string {
  if (isObj(v)) return 'map[string]interface {}'
  if (typeof v === 'string') return 'string'
  if (typeof v === 'boolean') return 'bool'
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64'
  return 'interface {}'
}

/** The sorted keys of a map: Go visits maps in random order; the simulator in key order. */
function mapValues(o: { [k: string]: Json }): Val[] {
  return Object.keys(o).sort().map((k) => o[k])
}

function evalList(input: Val[], nodes: PathNode[]): Val[] {
  let cur = input
  for (const n of nodes) cur = walk(cur, n)
  return cur
}

function walk(input: Val[], n: PathNode): Val[] {
  switch (n.t) {
    case 'list':
      return evalList(input, n.nodes)
    case 'text':
      return [n.text]
    case 'field': {
      // allowMissingKeys: kubectl's default (--allow-missing-template-keys=true)
      const out: Val[] = []
      for (const v of input) if (isObj(v) && Object.prototype.hasOwnProperty.call(v, n.name)) out.push(v[n.name])
      return out
    }
    case 'array':
      return evalArray(input, n.params)
    case 'filter':
      return evalFilter(input, n)
    case 'int':
    case 'float':
    case 'bool':
      return input.map(() => n.value)
    case 'wildcard': {
      const out: Val[] = []
      for (const v of input) {
        if (isObj(v)) out.push(...mapValues(v))
        else if (Array.isArray(v)) out.push(...v)
        else if (typeof v === 'string') out.push(...[...new TextEncoder().encode(v)])
      }
      return out
    }
    case 'recursive':
      return evalRecursive(input)
    case 'union':
      return n.lists.flatMap((l) => evalList(input, l))
    case 'identifier':
      if (n.name === 'range') return input
      if (n.name === 'end') return []
      throw new EvalError(`unrecognized identifier ${n.name}`)
  }
}

function evalArray(input: Val[], p: [ParamsEntry, ParamsEntry, ParamsEntry]): Val[] {
  const out: Val[] = []
  for (const v of input) {
    if (v === null) continue
    if (!Array.isArray(v)) throw new EvalError(`${goTypeName(v)} is not array or slice`)
    const len = v.length
    let a = p[0].known ? p[0].value : 0
    if (a < 0) a += len
    let b = p[1].known ? p[1].value : len
    if (b < 0 || (b === 0 && p[1].derived)) b += len
    if (b === a) return out
    if (a >= len || a < 0) throw new EvalError(`array index out of bounds: index ${a}, length ${len}`)
    if (b > len || b < 0) throw new EvalError(`array index out of bounds: index ${b - 1}, length ${len}`)
    if (a > b) throw new EvalError(`starting index ${a} is greater than ending index ${b}`)
    let step = 1
    if (p[2].known) {
      if (p[2].value <= 0) throw new EvalError('step must be > 0')
      step = p[2].value
    }
    const slice = v.slice(a, b)
    for (let i = 0; i < slice.length; i += step) out.push(slice[i])
  }
  return out
}

function children(v: Val): Val[] {
  if (isObj(v)) return mapValues(v)
  if (Array.isArray(v)) return v
  if (typeof v === 'string') return [...new TextEncoder().encode(v)]
  return []
}

function evalRecursive(input: Val[]): Val[] {
  const out: Val[] = []
  for (const v of input) {
    if (v === null) continue
    const kids = children(v)
    if (kids.length) {
      out.push(v)
      out.push(...evalRecursive(kids))
    }
  }
  return out
}

type Kind = 'bool' | 'int' | 'float' | 'string'
function basicKind(v: Val): Kind {
  if (typeof v === 'boolean') return 'bool'
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float'
  if (typeof v === 'string') return 'string'
  throw new EvalError('invalid type for comparison')
}

/** The filter's operands: ints from the template stay ints (IntNode), floats floats. */
interface Operand { v: Val; kind?: Kind }

function operandKind(o: Operand): Kind {
  return o.kind ?? basicKind(o.v)
}

function equal(a: Operand, b: Operand): boolean {
  const k1 = operandKind(a)
  const k2 = operandKind(b)
  if (k1 !== k2) throw new EvalError('incompatible types for comparison')
  return a.v === b.v
}
function less(a: Operand, b: Operand): boolean {
  const k1 = operandKind(a)
  const k2 = operandKind(b)
  if (k1 !== k2) throw new EvalError('incompatible types for comparison')
  if (k1 === 'bool') throw new EvalError('invalid type for comparison')
  // Go compares strings byte-wise (UTF-8); code units order the same for the BMP
  return (a.v as number | string) < (b.v as number | string)
}

function evalFilter(input: Val[], n: Extract<PathNode, { t: 'filter' }>): Val[] {
  const out: Val[] = []
  for (const v of input) {
    if (!Array.isArray(v)) throw new EvalError(`${goPlain(v)} is not array or slice and cannot be filtered`)
    for (const el of v) {
      let lefts: Val[]
      try {
        lefts = evalList([el], n.left)
      } catch (e) {
        if (n.op === 'exists') continue
        throw e
      }
      if (n.op === 'exists') {
        if (lefts.length > 0) out.push(el)
        continue
      }
      if (lefts.length === 0) continue
      if (lefts.length > 1) throw new EvalError('can only compare one element at a time')
      const rights = evalList([el], n.right)
      if (rights.length === 0) continue
      if (rights.length > 1) throw new EvalError('can only compare one element at a time')
      const last = n.right[n.right.length - 1]
      const left: Operand = { v: lefts[0] }
      // a literal on the right keeps its Go type: IntNode is int, FloatNode float64 (even 2.0)
      const right: Operand = { v: rights[0], kind: last?.t === 'int' ? 'int' : last?.t === 'float' ? 'float' : undefined }
      const l0 = n.left[n.left.length - 1]
      if (l0?.t === 'float') left.kind = 'float'
      let pass: boolean
      switch (n.op) {
        case '<': pass = less(left, right); break
        case '>': pass = !(less(left, right) || equal(left, right)); break
        case '==': pass = equal(left, right); break
        case '!=': pass = !equal(left, right); break
        case '<=': pass = less(left, right) || equal(left, right); break
        case '>=': pass = !less(left, right); break
        default: throw new EvalError(`unrecognized filter operator ${n.op}`)
      }
      if (pass) out.push(el)
    }
  }
  return out
}

/** FindResults: one result list per top-level text or action, ranges expanded. */
function findResults(items: Item[], data: Val): Val[][] {
  const out: Val[][] = []
  for (const it of items) {
    if (it.t === 'text') out.push([it.text])
    else if (it.t === 'action') out.push(evalList([data], it.nodes))
    else if (it.t === 'end') throw new EvalError('not in range, nothing to end')
    else {
      const values = evalList([data], it.nodes)
      if (values.length === 0) findResults(it.body, null) // still walks the body, as jsonpath.go does
      for (const v of values) out.push(...findResults(it.body, v))
    }
  }
  return out
}

// ---------------------------------------------------------------- printing (Go's fmt and encoding/json)

/** strconv.FormatFloat(f, 'g', -1, 64), which fmt's %v uses for a float64. */
export function goFloat(f: number): string {
  if (!Number.isFinite(f)) return Number.isNaN(f) ? 'NaN' : f > 0 ? '+Inf' : '-Inf'
  if (f === 0) return Object.is(f, -0) ? '-0' : '0'
  const [mant, expText] = f.toExponential().split('e')
  const exp = Number(expText)
  const digits = mant.replace('-', '').replace('.', '')
  let eprec = 6
  if (eprec > digits.length && digits.length >= exp + 1) eprec = digits.length
  if (exp < -4 || exp >= eprec) {
    const e = Math.abs(exp)
    return `${mant}e${exp < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`
  }
  return String(f)
}

/** fmt.Sprint of an unstructured value (%v): maps as map[k:v …] in key order, slices as [a b]. */
export function goPlain(v: Val): string {
  if (v === null) return '<nil>'
  if (typeof v === 'string') return v
  if (typeof v === 'boolean') return String(v)
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : goFloat(v)
  if (Array.isArray(v)) return `[${v.map(goPlain).join(' ')}]`
  return `map[${Object.keys(v).sort().map((k) => `${k}:${goPlain(v[k])}`).join(' ')}]`
}

/** strconv.Quote: Go's double-quoted string with \a \b \f \n \r \t \v and \x/\u escapes. */
export function goQuote(s: string): string {
  let out = '"'
  for (const ch of s) {
    const cp = ch.codePointAt(0)!
    const esc: Record<string, string> = { '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v', '"': '\\"', '\\': '\\\\' }
    if (esc[ch]) out += esc[ch]
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, '0')}`
    else if (/[\p{C}\p{Zl}\p{Zp}]/u.test(ch) || (/\p{Z}/u.test(ch) && ch !== ' ')) out += cp > 0xffff ? `\\U${cp.toString(16).padStart(8, '0')}` : `\\u${cp.toString(16).padStart(4, '0')}`
    else out += ch
  }
  return out + '"'
}

/** fmt's %#v of an unstructured value, as kubectl's "object given to jsonpath engine was" shows it. */
export function goSharpV(v: Val, inInterface = true): string {
  if (v === null) return inInterface ? 'interface {}(nil)' : '<nil>'
  if (typeof v === 'string') return goQuote(v)
  if (typeof v === 'boolean') return String(v)
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : goFloat(v)
  if (Array.isArray(v)) return `[]interface {}{${v.map((x) => goSharpV(x)).join(', ')}}`
  return `map[string]interface {}{${Object.keys(v).sort().map((k) => `${goQuote(k)}:${goSharpV(v[k])}`).join(', ')}}`
}

/** encoding/json.Marshal: compact, map keys sorted, <, > and & escaped. */
export function goJson(v: Val): string {
  const sort = (x: Val): Val => {
    if (Array.isArray(x)) return x.map(sort)
    if (isObj(x)) {
      const o: { [k: string]: Json } = {}
      for (const k of Object.keys(x).sort()) o[k] = sort(x[k])
      return o
    }
    return x
  }
  return JSON.stringify(sort(v))
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')
}

/** PrintResults: maps and slices as compact JSON, the rest as fmt.Fprint does; a space between values. */
function printResults(results: Val[]): string {
  return results.map((r) => (r !== null && typeof r === 'object' ? goJson(r) : goPlain(r))).join(' ')
}

export type JsonPathRun = { ok: true; text: string; results: Val[][] } | { ok: false; error: string }

/** Execute: the template over `data`; an evaluation error in jsonpath.go's words. */
export function executeJsonPath(t: JsonPathTemplate, data: Json): JsonPathRun {
  try {
    const results = findResults(t.items, data)
    return { ok: true, text: results.map(printResults).join(''), results }
  } catch (e) {
    if (e instanceof EvalError) return { ok: false, error: e.message }
    throw e
  }
}

/** jsonpath-as-json: each result list as an indented JSON array (json.MarshalIndent, four spaces). */
export function executeJsonPathAsJson(t: JsonPathTemplate, data: Json): JsonPathRun {
  const r = executeJsonPath(t, data)
  if (!r.ok) return r
  const text = r.results.map((list) => {
    const body = goJson(list)
    return JSON.stringify(JSON.parse(body), null, 4)
      .replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026') + '\n'
  }).join('')
  return { ...r, text }
}
