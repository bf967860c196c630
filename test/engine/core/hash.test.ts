import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { canonicalJson, canonicalJsonHash } from '../../../engine/cluster/canonical-json.ts'
import { deterministicUID, fnv1a32, uidHash } from '../../../engine/cluster/hash.ts'

describe('engine hashes', () => {
  it('FNV-1a hashes the UTF-8 bytes, as Go does (published test vectors)', () => {
    // FNV-1a 32 test vectors from the FNV reference (isthe.com/chongo/tech/comp/fnv)
    expect(fnv1a32('')).toBe(0x811c9dc5)
    expect(fnv1a32('a')).toBe(0xe40c292c)
    expect(fnv1a32('foobar')).toBe(0xbf9cf968)
    // "é" is two UTF-8 bytes (c3 a9): the same hash as feeding those bytes
    expect(fnv1a32('é')).toBe(Math.imul(Math.imul(0x811c9dc5 ^ 0xc3, 0x01000193) ^ 0xa9, 0x01000193) >>> 0)
  })

  it('the template hash fed piece by piece equals the hash of the canonical JSON text', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(canonicalJsonHash(v as never)).toBe(fnv1a32(canonicalJson(v as never)))
      }),
      { numRuns: 300 },
    )
  })

  it('UIDs have the version-4 layout, are stable per seed, and uidHash agrees with fnv1a32', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        const ua = deterministicUID(a)
        expect(ua).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
        expect(uidHash(ua)).toBe(fnv1a32(ua))
        const ub = deterministicUID(b)
        expect(uidHash(ua)).toBe(fnv1a32(ua)) // not the most recent one any more
        expect(deterministicUID(a)).toBe(ua)
        if (a !== b) expect(ub).not.toBe(ua)
      }),
      { numRuns: 300 },
    )
  })
})
