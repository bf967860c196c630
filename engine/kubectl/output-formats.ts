/**
 * kubectl's -o json and -o yaml printers: Go's json.MarshalIndent with four
 * spaces (which escapes <, > and & as \u003c…), and sigs.k8s.io/yaml
 * (go-yaml v2: YAML 1.1 quoting, sorted keys, sequences not indented).
 */
import { stringify } from 'yaml'
import type { Json, JsonObject } from '../model/types.ts'

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

export function toYamlText(v: Json): string {
  return stringify(sortKeys(v), { version: '1.1', indentSeq: false, lineWidth: 0, minContentWidth: 0, aliasDuplicateObjects: false })
}

export function listObject(items: JsonObject[]): JsonObject {
  return { apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } }
}
