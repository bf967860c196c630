/**
 * The digest CoreDNS's reload plugin logs at startup: "[INFO] plugin/reload:
 * Running configuration SHA512 = %x" of json.Marshal(caddyfile.Parse(path,
 * Corefile)) (coredns/coredns plugin/reload/reload.go parse). So this module
 * reproduces coredns/caddy's caddyfile lexer and parser (lexer.go next,
 * parse.go addresses/directive) and Go's encoding/json for
 * []ServerBlock{Keys []string; Tokens map[string][]Token{File, Line, Text}}:
 * struct fields in order, map keys sorted, strings with <, > and & escaped.
 * `import`, snippets and {$ENV} placeholders are not expanded; a Corefile that
 * uses them gets no digest (undefined) rather than a wrong one.
 */
import { sha512 } from '@noble/hashes/sha2.js'
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js'

/** SHA-512 in hex (@noble/hashes: a few digests per run, so its speed does not matter here) */
export function sha512Hex(text: string): string {
  return bytesToHex(sha512(utf8ToBytes(text)))
}

interface Token {
  line: number
  text: string
}

/**
 * lexer.go next(): words split by white space (a carriage return is skipped, not a separator),
 * "quoted" words in which only \" is an escape, and a # anywhere starts a comment to the end of
 * the line. The lexer never sets a token's File (only imports do), so it stays "".
 */
function lex(input: string): Token[] {
  const out: Token[] = []
  let line = 1
  let val = ''
  let start = 1
  let quoted = false
  let escaped = false
  let comment = false
  const text = input.startsWith('\uFEFF') ? input.slice(1) : input
  for (const ch of text) {
    if (quoted) {
      if (!escaped) {
        if (ch === '\\') {
          escaped = true
          continue
        }
        if (ch === '"') {
          quoted = false
          out.push({ line: start, text: val })
          val = ''
          continue
        }
      }
      if (ch === '\n') line++
      if (escaped && ch !== '"') val += '\\'
      val += ch
      escaped = false
      continue
    }
    if (/\s/u.test(ch)) {
      if (ch === '\r') continue
      if (ch === '\n') {
        line++
        comment = false
      }
      if (val.length > 0) {
        out.push({ line: start, text: val })
        val = ''
      }
      continue
    }
    if (ch === '#') comment = true
    if (comment) continue
    if (val.length === 0) {
      start = line
      if (ch === '"') {
        quoted = true
        continue
      }
    }
    val += ch
  }
  if (val.length > 0) out.push({ line: start, text: val })
  return out
}

interface Block {
  keys: string[]
  tokens: Map<string, Token[]>
}

/** parse.go: server blocks of keys, then directives with every token up to the end of their line or their closing brace. */
function parse(tokens: Token[]): Block[] | undefined {
  const blocks: Block[] = []
  let i = 0
  // dispenser.go isNewLine: the previous token's line plus the line breaks inside it (a quoted token can span lines)
  const newLine = (j: number) => j < 1 || tokens[j - 1].line + (tokens[j - 1].text.match(/\n/g)?.length ?? 0) < tokens[j].line
  while (i < tokens.length) {
    const block: Block = { keys: [], tokens: new Map() }
    // addresses()
    let expectingAnother = false
    for (;;) {
      const t = tokens[i].text
      if (t === 'import' || t.includes('{$') || t.startsWith('(')) return undefined
      if (t === '{') {
        if (expectingAnother) return undefined
        break
      }
      if (t !== '') {
        if (t.endsWith(',')) {
          block.keys.push(t.slice(0, -1))
          expectingAnother = true
        } else {
          block.keys.push(t)
          expectingAnother = false
        }
      }
      i++
      if (i >= tokens.length) return expectingAnother ? undefined : (blocks.push(block), blocks)
      if (!expectingAnother && newLine(i)) break
    }
    // blockContents(): with braces, directives until the closing one; without, to the next server block (not supported here)
    if (tokens[i]?.text !== '{') return undefined
    i++
    for (;;) {
      if (i >= tokens.length) return undefined
      const t = tokens[i]
      if (t.text === '}') {
        i++
        break
      }
      if (t.text === 'import' || t.text.includes('{$')) return undefined
      const list = block.tokens.get(t.text) ?? []
      list.push(t)
      block.tokens.set(t.text, list)
      let nesting = 0
      i++
      for (; i < tokens.length; i++) {
        const u = tokens[i]
        if (u.text === '{') nesting++
        else if (newLine(i) && nesting === 0) break
        else if (u.text === '}' && nesting > 0) nesting--
        else if (u.text === '}' && nesting === 0) return undefined
        if (u.text.includes('{$')) return undefined
        list.push(u)
      }
      if (nesting > 0) return undefined
    }
    blocks.push(block)
  }
  return blocks
}

/** encoding/json's string encoding (HTMLEscape on, as json.Marshal does). */
function jsonString(s: string): string {
  let out = '"'
  for (const ch of s) {
    const c = ch.codePointAt(0)!
    if (ch === '"' || ch === '\\') out += `\\${ch}`
    else if (ch === '\n') out += '\\n'
    else if (ch === '\r') out += '\\r'
    else if (ch === '\t') out += '\\t'
    else if (c < 0x20 || ch === '<' || ch === '>' || ch === '&' || c === 0x2028 || c === 0x2029) out += `\\u${c.toString(16).padStart(4, '0')}`
    else out += ch
  }
  return `${out}"`
}

/** Go sorts map keys by their bytes; for these ASCII directive names that is code-unit order. */
const byteOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

/**
 * The hex SHA-512 CoreDNS logs for `corefile`, or undefined when the engine cannot reproduce it.
 *
 * @example
 * corefileDigest(kubeadmCorefile('cluster.local'))?.length // 128
 */
export function corefileDigest(corefile: string): string | undefined {
  const blocks = parse(lex(corefile))
  if (!blocks) return undefined
  const json = `[${blocks
    .map((b) => {
      const keys = `[${b.keys.map(jsonString).join(',')}]`
      const toks = [...b.tokens.keys()]
        .sort(byteOrder)
        .map((k) => `${jsonString(k)}:[${b.tokens.get(k)!.map((t) => `{"File":"","Line":${t.line},"Text":${jsonString(t.text)}}`).join(',')}]`)
        .join(',')
      return `{"Keys":${keys},"Tokens":{${toks}}}`
    })
    .join(',')}]`
  return sha512Hex(json)
}

/**
 * The directives of every server block, as the parser groups them (undefined when the engine cannot parse it as CoreDNS would).
 *
 * @example
 * corefileDirectives(kubeadmCorefile('cluster.local'))?.has('reload') // true
 */
export function corefileDirectives(corefile: string): Set<string> | undefined {
  const blocks = parse(lex(corefile))
  return blocks ? new Set(blocks.flatMap((b) => [...b.tokens.keys()])) : undefined
}
