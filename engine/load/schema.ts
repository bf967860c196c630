/**
 * A small structural schema for the API objects the engine reads: enough to
 * report unknown fields and wrong types the way the API server's strict
 * decoding does (sigs.k8s.io/json, `strict decoding error: unknown field`),
 * without pretending to validate fields the engine never reads (`any`).
 */
import type { Json } from '../model/types.ts'

export type Schema =
  | { t: 'string' }
  | { t: 'int'; go: 'int32' | 'int64' }
  | { t: 'bool' }
  | { t: 'any' }
  | { t: 'int-or-string' }
  | { t: 'map'; of: Schema }
  | { t: 'array'; of: Schema }
  | { t: 'object'; go: string; fields: Record<string, Schema> }

export const str: Schema = { t: 'string' }
export const int32: Schema = { t: 'int', go: 'int32' }
export const int64: Schema = { t: 'int', go: 'int64' }
export const bool: Schema = { t: 'bool' }
export const any: Schema = { t: 'any' }
export const intOrString: Schema = { t: 'int-or-string' }
export const strMap: Schema = { t: 'map', of: str }
export const arr = (of: Schema): Schema => ({ t: 'array', of })
export const obj = (go: string, fields: Record<string, Schema>): Schema => ({ t: 'object', go, fields })

export interface SchemaProblem {
  code: 'unknown-field' | 'wrong-type'
  path: (string | number)[]
  message: string
  hint?: string
}

/** Go's json type names, as they appear in decoding errors. */
function goTypeName(s: Schema): string {
  switch (s.t) {
    case 'string':
      return 'string'
    case 'int':
      return s.go
    case 'bool':
      return 'bool'
    case 'int-or-string':
      return 'intstr.IntOrString'
    case 'map':
      return `map[string]${goTypeName(s.of)}`
    case 'array':
      return `[]${goTypeName(s.of)}`
    case 'object':
      return `v1.${s.go}`
    case 'any':
      return 'interface {}'
  }
}

function jsonKind(v: Json): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'array'
  if (typeof v === 'object') return 'object'
  if (typeof v === 'number') return `number ${v}`
  return typeof v
}

/** Field path without indices, as Go's decoder names struct fields (`spec.ports.port`). */
function goPath(path: (string | number)[]): string {
  return path.filter((p) => typeof p === 'string').join('.')
}

/** Field path with indices, as strict decoding and field validation print it (`spec.ports[0].port`). */
export function fieldPath(path: (string | number)[]): string {
  let out = ''
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${p}` : p
  return out
}

export function checkSchema(value: Json, schema: Schema, path: (string | number)[] = [], parentGo = '', out: SchemaProblem[] = []): SchemaProblem[] {
  walk(value, schema, path, parentGo, out)
  return out
}

/** A plain function rather than a closure made per call: walk runs for every field of every object. */
function wrongTypeProblem(value: Json, schema: Schema, path: (string | number)[], parentGo: string, out: SchemaProblem[]): void {
  out.push({
    code: 'wrong-type',
    path: [...path],
    message: `json: cannot unmarshal ${jsonKind(value)} into Go struct field ${parentGo}.${goPath(path)} of type ${goTypeName(schema)}`,
  })
}

/** `path` is one array pushed and popped along the walk; it is copied only into problems. */
function walk(value: Json, schema: Schema, path: (string | number)[], parentGo: string, out: SchemaProblem[]): void {
  if (out.length >= 50 || value === null) return // null means "unset" to the API server
  switch (schema.t) {
    case 'any':
      return
    case 'string':
      if (typeof value !== 'string') wrongTypeProblem(value, schema, path, parentGo, out)
      return
    case 'bool':
      if (typeof value !== 'boolean') wrongTypeProblem(value, schema, path, parentGo, out)
      return
    case 'int':
      if (typeof value !== 'number' || !Number.isInteger(value)) wrongTypeProblem(value, schema, path, parentGo, out)
      else if (schema.go === 'int32' && (value > 2147483647 || value < -2147483648)) wrongTypeProblem(value, schema, path, parentGo, out)
      return
    case 'int-or-string':
      if (typeof value === 'number' ? !Number.isInteger(value) : typeof value !== 'string') wrongTypeProblem(value, schema, path, parentGo, out)
      return
    case 'array':
      if (!Array.isArray(value)) return wrongTypeProblem(value, schema, path, parentGo, out)
      for (let i = 0; i < value.length; i++) {
        path.push(i)
        walk(value[i], schema.of, path, parentGo, out)
        path.pop()
      }
      return
    case 'map':
      if (typeof value !== 'object' || Array.isArray(value)) return wrongTypeProblem(value, schema, path, parentGo, out)
      if (schema.of.t === 'string') {
        // the common case (labels, selectors): no recursion needed
        for (const k in value) {
          const v = value[k]
          if (v !== null && typeof v !== 'string') {
            path.push(k)
            walk(v, schema.of, path, parentGo, out)
            path.pop()
          }
        }
        return
      }
      for (const k in value) {
        path.push(k)
        walk(value[k], schema.of, path, parentGo, out)
        path.pop()
      }
      return
    case 'object': {
      if (typeof value !== 'object' || Array.isArray(value)) return wrongTypeProblem(value, schema, path, parentGo, out)
      for (const k in value) {
        const field = schema.fields[k]
        path.push(k)
        if (!field) unknownField(k, schema.fields, path, out)
        else walk(value[k], field, path, schema.go, out)
        path.pop()
      }
      return
    }
  }
}

/** The API server's strict decoding error for a field the schema does not have, with the nearest known name. */
function unknownField(k: string, fields: Record<string, Schema>, path: (string | number)[], out: SchemaProblem[]): void {
  const near = closest(k, Object.keys(fields))
  out.push({
    code: 'unknown-field',
    path: [...path],
    message: `strict decoding error: unknown field "${fieldPath(path)}"`,
    hint: near ? `did you mean "${near}"?` : undefined,
  })
}

/** The known name closest to a misspelt one (edit distance ≤ 2, or a case-only difference). */
export function closest(name: string, known: string[]): string | undefined {
  let best: string | undefined
  let bestD = 3
  for (const k of known) {
    if (k.toLowerCase() === name.toLowerCase()) return k
    const d = editDistance(name, k, bestD)
    if (d < bestD) {
      bestD = d
      best = k
    }
  }
  return best
}

function editDistance(a: string, b: string, cap: number): number {
  if (Math.abs(a.length - b.length) >= cap) return cap
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const cur = [i]
    let rowMin = i
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1))
      rowMin = Math.min(rowMin, cur[j])
    }
    if (rowMin >= cap) return cap
    prev = cur
  }
  return prev[b.length]
}
