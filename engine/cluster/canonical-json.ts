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
  for (const k of sortedKeys(v)) {
    if (!first) h.add(',')
    first = false
    h.add(JSON.stringify(k))
    h.add(':')
    feed(h, v[k])
  }
  h.add('}')
}

/** Object.keys sorted by code unit, as .sort() does: templates have a few keys per object, and Array.prototype.sort allocates a work copy per call. */
function sortedKeys(v: object): string[] {
  const keys = Object.keys(v)
  // insertion sort is quadratic: only for the small objects templates are made of
  if (keys.length > 32) return keys.sort()
  for (let i = 1; i < keys.length; i++) {
    const k = keys[i]
    let j = i - 1
    while (j >= 0 && keys[j] > k) {
      keys[j + 1] = keys[j]
      j--
    }
    keys[j + 1] = k
  }
  return keys
}
