/**
 * Turns scenario texts into raw API objects, each remembering where it stands
 * so that a field path can be turned back into a line and column.
 *
 * Two parsers, one job each (YAML 1.2 core schema plus merge keys, as
 * Kubernetes' sigs.k8s.io/yaml accepts them): simple-yaml.ts reads the plain
 * YAML nine documents in ten are written in, fast and with little code to
 * compile on a first run (issue 20); eemeli/yaml reads everything else, keeps
 * source ranges, bounds alias expansion and words syntax errors well, so it
 * parses a document when that document needs a position (a diagnostic), has
 * aliases, or is not plain. (js-yaml stood between the two until the simple
 * reader took most of its documents: one YAML library less in the Worker.)
 * Documents are split at `---`/`...` lines, which the YAML spec forbids inside
 * any node at column 0.
 */
import { LineCounter, parseDocument, isMap, isSeq, isScalar, isPair } from 'yaml'
import type { Document, Node as YamlNode } from 'yaml'
import type { Diagnostic } from '../model/diagnostic.ts'
import type { JsonObject, SourceRef } from '../model/types.ts'
import { LIMITS } from './limits.ts'
import { guardText } from './text-guard.ts'
import { describeYamlProblem } from './yaml-errors.ts'
import { NOT_SIMPLE, readSimpleYaml } from './simple-yaml.ts'

export interface ScenarioSource {
  /** shown in CLI messages (`file:line:col`) */
  name: string
  text: string
}

export interface RawObject {
  value: JsonObject
  ref: SourceRef
}

/** One YAML document of a source text, parsed with positions only when asked. */
interface Chunk {
  text: string
  /** 0-based line of the chunk's first line in the source */
  line0: number
  positioned?: { doc: Document.Parsed; lines: LineCounter }
}

/** Locates field paths of one source text. */
export interface SourceMap {
  name: string
  chunks: Chunk[]
}

export interface ParseResult {
  objects: RawObject[]
  sources: SourceMap[]
  diagnostics: Diagnostic[]
}

type Path = (string | number)[]

const DOC_MARKER = /^(?:---|\.\.\.)(?=\s|$)/
/** an alias (`*name`) where a node may start; such documents take the guarded parser */
const ALIAS = /(?:^|[\s[{,:-])\*[^\s,[\]{}]/

function splitDocuments(text: string): Chunk[] {
  const chunks: Chunk[] = []
  let start = 0
  let startLine = 0
  let line = 0
  let pos = 0
  while (pos <= text.length) {
    const nl = text.indexOf('\n', pos)
    const end = nl < 0 ? text.length : nl
    const c = text.charCodeAt(pos)
    // only lines starting with '-' or '.' can be markers: test those, without a slice per line
    if (pos > start && (c === 45 || c === 46) && DOC_MARKER.test(text.slice(pos, Math.min(end, pos + 4)))) {
      chunks.push({ text: text.slice(start, pos), line0: startLine })
      start = pos
      startLine = line
    }
    if (nl < 0) break
    pos = nl + 1
    line++
  }
  chunks.push({ text: text.slice(start), line0: startLine })
  return chunks
}

function positioned(chunk: Chunk): { doc: Document.Parsed; lines: LineCounter } {
  if (!chunk.positioned) {
    const lines = new LineCounter()
    const doc = parseDocument(chunk.text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false, merge: true }) as Document.Parsed
    chunk.positioned = { doc, lines }
  }
  return chunk.positioned
}

function linePos(chunk: Chunk, offset: number): { line: number; col: number } {
  const p = positioned(chunk).lines.linePos(offset)
  return { line: p.line + chunk.line0, col: p.col }
}

export function parseSources(sources: ScenarioSource[]): ParseResult {
  const objects: RawObject[] = []
  const maps: SourceMap[] = []
  const diagnostics: Diagnostic[] = []
  sources.forEach((src, sourceIndex) => {
    const map: SourceMap = { name: src.name, chunks: [] }
    maps.push(map)
    const problem = guardText(src.text)
    if (problem) {
      // count lines up to the offset so the position is still useful
      const head = src.text.slice(0, problem.offset)
      const line = head.split('\n').length
      const column = problem.offset - head.lastIndexOf('\n')
      diagnostics.push(at(sourceIndex, 'too-large', problem.message, line, column))
      return
    }
    map.chunks = splitDocuments(src.text)
    if (map.chunks.length > LIMITS.maxObjects) {
      diagnostics.push(at(sourceIndex, 'too-large', `too many YAML documents: ${map.chunks.length} (limit ${LIMITS.maxObjects})`, 1, 1))
      map.chunks = []
      return
    }
    map.chunks.forEach((chunk, docIndex) => {
      const value = readChunk(chunk, sourceIndex, diagnostics)
      if (value === undefined || value === null) return
      if (typeof value !== 'object' || Array.isArray(value)) {
        const { doc } = positioned(chunk)
        diagnostics.push(rangeDiag(chunk, sourceIndex, doc.contents ?? undefined, 'not-an-object', 'error validating data: the document is not a Kubernetes object (expected a mapping with apiVersion and kind)'))
        return
      }
      const obj = value as JsonObject
      if (typeof obj.kind === 'string' && obj.kind.endsWith('List') && Array.isArray(obj.items)) {
        obj.items.forEach((item, i) => {
          if (item && typeof item === 'object' && !Array.isArray(item)) {
            objects.push({ value: item as JsonObject, ref: { source: sourceIndex, doc: docIndex, path: ['items', i] } })
          }
        })
      } else {
        objects.push({ value: obj, ref: { source: sourceIndex, doc: docIndex, path: [] } })
      }
    })
  })
  if (objects.length > LIMITS.maxObjects) {
    diagnostics.push(at(0, 'too-large', `too many objects: ${objects.length} (limit ${LIMITS.maxObjects})`, 1, 1))
    objects.length = 0
  }
  return { objects, sources: maps, diagnostics }
}

/** The chunk's value: fast when it can be, guarded and positioned when it must be. */
function readChunk(chunk: Chunk, sourceIndex: number, diagnostics: Diagnostic[]): unknown {
  if (!chunk.text.includes('*') || !ALIAS.test(chunk.text)) {
    // most documents are plain YAML: read without a YAML library's code (simple-yaml.ts, issue 20)
    const simple = readSimpleYaml(chunk.text)
    if (simple !== NOT_SIMPLE) return simple
  }
  return readPositioned(chunk, sourceIndex, diagnostics)
}

/** The chunk through the positioned parser: aliases bounded, syntax errors placed and worded. */
function readPositioned(chunk: Chunk, sourceIndex: number, diagnostics: Diagnostic[]): unknown {
  const { doc } = positioned(chunk)
  if (doc.errors.length > 0) {
    // the first error is the real one; the parser's later ones usually follow from it
    const err = doc.errors[0]
    // plain words, underlined on the token at fault (yaml-errors.ts)
    const placed = describeYamlProblem(chunk.text, err)
    const s = linePos(chunk, placed.start)
    const e = linePos(chunk, Math.max(placed.start, placed.end))
    diagnostics.push({
      severity: 'error',
      code: 'yaml-syntax',
      message: placed.message,
      line: s.line,
      column: s.col,
      endLine: e.line,
      endColumn: e.col,
      source: sourceIndex,
    })
    return undefined
  }
  try {
    return doc.toJS({ maxAliasCount: LIMITS.maxAliasCount })
  } catch (e) {
    const msg = (e as Error).message
    // yaml's Alias.resolve: "Excessive alias count indicates a resource exhaustion attack"; other
    // conversion errors (a merge key `<<:` whose value is not a map, an unresolved alias) say what they are
    const bomb = /Excessive alias count/.test(msg)
    const text = bomb
      ? `YAML aliases expand too much (limit ${LIMITS.maxAliasCount} alias uses per document): refused as a possible alias bomb`
      : `error converting YAML to JSON: ${firstLine(msg)}`
    diagnostics.push(rangeDiag(chunk, sourceIndex, doc.contents ?? undefined, bomb ? 'yaml-alias' : 'yaml-syntax', text))
    return undefined
  }
}

function firstLine(s: string): string {
  return s.split('\n')[0].trim()
}

function at(source: number, code: string, message: string, line: number, column: number): Diagnostic {
  return { severity: 'error', code, message, line, column, endLine: line, endColumn: column, source }
}

function rangeDiag(chunk: Chunk, source: number, node: YamlNode | undefined, code: string, message: string): Diagnostic {
  const [start, end] = node?.range ?? [0, 0]
  const s = linePos(chunk, start)
  const e = linePos(chunk, end)
  return { severity: 'error', code, message, line: s.line, column: s.col, endLine: e.line, endColumn: e.col, source }
}

/**
 * The text range of a field: its key when `key` is set (for unknown fields),
 * else its value. Falls back to the nearest enclosing node that exists.
 */
export function locate(
  maps: SourceMap[],
  ref: SourceRef,
  path: Path,
  key = false,
): { line: number; column: number; endLine: number; endColumn: number } {
  const chunk = maps[ref.source]?.chunks[ref.doc]
  if (!chunk) return { line: 0, column: 0, endLine: 0, endColumn: 0 }
  const { doc } = positioned(chunk)
  let node: unknown = doc.contents
  let range: [number, number, number?] | undefined = (node as YamlNode | null)?.range ?? undefined
  const full = [...ref.path, ...path]
  for (let i = 0; i < full.length; i++) {
    const seg = full[i]
    const last = i === full.length - 1
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg))
      if (!pair) break
      const k = pair.key as YamlNode
      if (last && key) {
        range = k.range ?? range
        break
      }
      node = pair.value
      range = (pair.value as YamlNode | null)?.range ?? k.range ?? range
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg]
      if (!item) break
      node = item
      range = (item as YamlNode).range ?? range
    } else break
  }
  const [start, end] = range ?? [0, 0]
  const s = linePos(chunk, start)
  const e = linePos(chunk, end)
  return { line: s.line, column: s.col, endLine: e.line, endColumn: e.col }
}
