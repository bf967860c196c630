import type { Json } from '../model/types.ts'
import { FnvHasher } from './hash.ts'

/** JSON with object keys sorted, so that equal objects hash equally whatever the key order. */
export function canonicalJson(v: Json | undefined): string {
  if (v === undefined) return 'null'
  if (v === null || typeof v !== 'object') return JSON.stringify(v)
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`
  const keys = Object.keys(v).sort()
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`).join(',')}}`
}

/** fnv1a32(canonicalJson(v)), fed piece by piece instead of building the text (one per workload template). */
export function canonicalJsonHash(v: Json | undefined): number {
  const h = new FnvHasher()
  feed(h, v)
  return h.value()
}

function feed(h: FnvHasher, v: Json | undefined): void {
  if (v === undefined) return h.add('null')
  if (v === null || typeof v !== 'object') return h.add(JSON.stringify(v))
  if (Array.isArray(v)) {
    h.add('[')
    for (let i = 0; i < v.length; i++) {
      if (i > 0) h.add(',')
      feed(h, v[i])
    }
    return h.add(']')
  }
  h.add('{')
  let first = true
  for (const k of Object.keys(v).sort()) {
    if (!first) h.add(',')
    first = false
    h.add(JSON.stringify(k))
    h.add(':')
    feed(h, v[k])
  }
  h.add('}')
}
