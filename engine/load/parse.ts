/**
 * Turns scenario texts into raw API objects, each remembering where it stands
 * so that a field path can be turned back into a line and column.
 * Uses eemeli/yaml: it keeps source ranges and bounds alias expansion.
 */
import { LineCounter, parseAllDocuments, isMap, isSeq, isScalar, isPair } from 'yaml'
import type { Document, Node as YamlNode } from 'yaml'
import type { Diagnostic } from '../model/diagnostic.ts'
import type { JsonObject, SourceRef } from '../model/types.ts'
import { LIMITS } from './limits.ts'
import { guardText } from './text-guard.ts'

export interface ScenarioSource {
  /** shown in CLI messages (`file:line:col`) */
  name: string
  text: string
}

export interface RawObject {
  value: JsonObject
  ref: SourceRef
}

/** Locates field paths of one source text. */
export interface SourceMap {
  name: string
  lineCounter: LineCounter
  docs: Document.Parsed[]
  textLength: number
}

export interface ParseResult {
  objects: RawObject[]
  sources: SourceMap[]
  diagnostics: Diagnostic[]
}

type Path = (string | number)[]

export function parseSources(sources: ScenarioSource[]): ParseResult {
  const objects: RawObject[] = []
  const maps: SourceMap[] = []
  const diagnostics: Diagnostic[] = []
  sources.forEach((src, sourceIndex) => {
    const lineCounter = new LineCounter()
    const map: SourceMap = { name: src.name, lineCounter, docs: [], textLength: src.text.length }
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
    let docs: Document.Parsed[]
    try {
      docs = parseAllDocuments(src.text, { lineCounter, uniqueKeys: true, prettyErrors: false }) as Document.Parsed[]
    } catch (e) {
      diagnostics.push(at(sourceIndex, 'yaml-syntax', `error parsing YAML: ${(e as Error).message}`, 1, 1))
      return
    }
    if (!Array.isArray(docs)) docs = [docs]
    map.docs = docs
    if (docs.length > LIMITS.maxObjects) {
      diagnostics.push(
        at(sourceIndex, 'too-large', `too many YAML documents: ${docs.length} (limit ${LIMITS.maxObjects})`, 1, 1),
      )
      return
    }
    docs.forEach((doc, docIndex) => {
      if (doc.errors.length > 0) {
        // the first error is the real one; the parser's later ones usually follow from it
        for (const err of doc.errors.slice(0, 1)) {
          const [start, end] = err.pos
          const s = lineCounter.linePos(start)
          const e = lineCounter.linePos(Math.max(start, end))
          diagnostics.push({
            severity: 'error',
            code: 'yaml-syntax',
            message: `error converting YAML to JSON: ${firstLine(err.message)}`,
            line: s.line,
            column: s.col,
            endLine: e.line,
            endColumn: e.col,
            source: sourceIndex,
          })
        }
        return
      }
      let value: unknown
      try {
        value = doc.toJS({ maxAliasCount: LIMITS.maxAliasCount })
      } catch (e) {
        const msg = (e as Error).message
        const text = /alias/i.test(msg)
          ? `YAML aliases expand too much (limit ${LIMITS.maxAliasCount} alias uses per document): refused as a possible alias bomb`
          : `error converting YAML to JSON: ${firstLine(msg)}`
        diagnostics.push(rangeDiag(map, sourceIndex, doc.contents ?? undefined, 'yaml-alias', text))
        return
      }
      if (value === null || value === undefined) return
      if (typeof value !== 'object' || Array.isArray(value)) {
        diagnostics.push(
          rangeDiag(map, sourceIndex, doc.contents ?? undefined, 'not-an-object',
            'error validating data: the document is not a Kubernetes object (expected a mapping with apiVersion and kind)'),
        )
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

function firstLine(s: string): string {
  return s.split('\n')[0].trim()
}

function at(source: number, code: string, message: string, line: number, column: number): Diagnostic {
  return { severity: 'error', code, message, line, column, endLine: line, endColumn: column, source }
}

function rangeDiag(map: SourceMap, source: number, node: YamlNode | undefined, code: string, message: string): Diagnostic {
  const [start, end] = node?.range ?? [0, 0]
  const s = map.lineCounter.linePos(start)
  const e = map.lineCounter.linePos(end)
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
  const map = maps[ref.source]
  const doc = map?.docs[ref.doc]
  if (!map || !doc) return { line: 0, column: 0, endLine: 0, endColumn: 0 }
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
  const s = map.lineCounter.linePos(start)
  const e = map.lineCounter.linePos(end)
  return { line: s.line, column: s.col, endLine: e.line, endColumn: e.col }
}
