import type { Json } from '../model/types.ts'

/** JSON with object keys sorted, so that equal objects hash equally whatever the key order. */
export function canonicalJson(v: Json | undefined): string {
  if (v === undefined) return 'null'
  if (v === null || typeof v !== 'object') return JSON.stringify(v)
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`
  const keys = Object.keys(v).sort()
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`).join(',')}}`
}
