/**
 * kubectl's -o json and -o yaml printers: Go's json.MarshalIndent with four
 * spaces (which escapes <, > and & as \u003c…), and sigs.k8s.io/yaml
 * (go-yaml v2: YAML 1.1 quoting, sorted keys, sequences not indented).
 */
import { Document, isMap, isPair, isScalar, isSeq } from 'yaml'
import type { Json, JsonObject } from '../model/types.ts'
import { foldPlainScalars } from './yaml-fold.ts'

function sortKeys(v: Json): Json {
  if (Array.isArray(v)) return v.map(sortKeys)
  if (v && typeof v === 'object') {
    const out: JsonObject = {}
    for (const k of Object.keys(v).sort()) out[k] = sortKeys(v[k])
    return out
  }
  return v
}

export function toJsonText(v: Json): string {
  return (
    JSON.stringify(sortKeys(v), null, 4)
      .replace(/</g, '\\u003c')
      .replace(/>/g, '\\u003e')
      .replace(/&/g, '\\u0026')
      .replace(/\u2028/g, '\\u2028')
      .replace(/\u2029/g, '\\u2029') + '\n'
  )
}

/**
 * YAML 1.1's implicit types other than strings (null, bool, int, float, timestamp...), as the yaml
 * library resolves them. Built on the first -o yaml, not when the engine loads (issue 20).
 */
let implicit: { test?: RegExp }[] | undefined
const implicitTags = () => (implicit ??= new Document(null, { version: '1.1' }).schema.tags.filter((t) => t.default && t.test && t.tag !== 'tag:yaml.org,2002:str'))

/**
 * What a plain scalar cannot be (YAML 1.2 §7.3.3; libyaml's yaml_emitter_analyze_scalar): starting
 * with an indicator or a space, `: ` or ` #` inside, or ending in a space or a colon.
 */
const NOT_PLAIN = /^[\t ,[\]{}#&*!|>'"%@`]|^[?:-]$|^[?:-][ \t]|:[ \t]|[\t ]#|[\t :]$/

/**
 * Whether plain style would turn the string into another type. Only short words (null,
 * bools, `<<`) and texts starting like a number or timestamp can be: the rest skip the tests.
 */
function misread(s: string): boolean {
  if (s.length > 5 && !/^[-+.0-9]/.test(s)) return false
  return s === '' || implicitTags().some((t) => t.test!.test(s))
}

/** Sets each string scalar's style (a direct walk: the library's generic visit() cost a fifth of a large -o yaml). */
function styleStrings(node: unknown): void {
  if (isScalar(node)) {
    const s = node.value
    if (typeof s !== 'string') return
    if (misread(s)) node.type = 'QUOTE_DOUBLE'
    // single quotes even when the text holds one (doubled: didn''t), as libyaml's emitter does
    else if (!s.includes('\n') && NOT_PLAIN.test(s)) node.type = 'QUOTE_SINGLE'
  } else if (isMap(node) || isSeq(node)) {
    for (const item of node.items) {
      if (isPair(item)) {
        styleStrings(item.key)
        styleStrings(item.value)
      } else styleStrings(item)
    }
  }
}

/**
 * go-yaml v2's string styles (encode.go stringv, emitterc.go select_scalar_style): a
 * string that plain would turn into another type (`"True"`, `"8080"`, `""`, a timestamp)
 * is double-quoted; one that plain cannot hold for its characters (`': '`, a leading
 * `[` or `*`) is single-quoted; a multi-line one is a literal block.
 */
export function toYamlText(v: Json): string {
  const doc = new Document(sortKeys(v), { version: '1.1', aliasDuplicateObjects: false })
  styleStrings(doc.contents)
  return foldPlainScalars(doc.toString({ indentSeq: false, lineWidth: 0, minContentWidth: 0, singleQuote: true }))
}

export function listObject(items: JsonObject[]): JsonObject {
  return { apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } }
}
