/**
 * Deterministic hashes. FNV-1a is what Kubernetes uses for pod-template-hash
 * (k8s.io/kubernetes/pkg/controller.ComputeHash); the engine also uses it to
 * derive stable "random" choices (name suffixes, allocation offsets).
 */

export function fnv1a32(text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c < 0x80) {
      h = Math.imul(h ^ c, 0x01000193)
      continue
    }
    // hash the UTF-8 bytes, as Go hashes a string
    const cp = text.codePointAt(i)!
    if (cp > 0xffff) i++
    const bytes =
      cp < 0x800 ? [0xc0 | (cp >> 6), 0x80 | (cp & 63)]
      : cp < 0x10000 ? [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63)]
      : [0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63)]
    for (const b of bytes) h = Math.imul(h ^ b, 0x01000193)
  }
  return h >>> 0
}

/** 64 bits of deterministic hash as a bigint (two FNV passes with different salts). */
export function hash64(text: string): bigint {
  return (BigInt(fnv1a32(text)) << 32n) | BigInt(fnv1a32(`\u0001${text}`))
}

/** k8s.io/apimachinery/pkg/util/rand: the alphabet without vowels and confusable characters. */
export const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789'

/** rand.SafeEncodeString: maps each character of s onto the safe alphabet. */
export function safeEncodeString(s: string): string {
  let out = ''
  for (let i = 0; i < s.length; i++) out += SAFE_ALPHABET[s.charCodeAt(i) % SAFE_ALPHABET.length]
  return out
}

/** A deterministic stand-in for rand.String(n): n characters of the safe alphabet derived from a seed. */
export function safeRandomString(seed: string, n: number): string {
  let out = ''
  let h = fnv1a32(seed)
  for (let i = 0; i < n; i++) {
    h = mix32(h + i)
    out += SAFE_ALPHABET[h % SAFE_ALPHABET.length]
  }
  return out
}

/** A 32-bit integer finalizer (murmur3's fmix32): spreads one hash into the next. */
function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b)
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35)
  return (x ^ (x >>> 16)) >>> 0
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))

/** A UUID (version 4 layout) derived from a seed, for metadata.uid. */
export function deterministicUID(seed: string): string {
  let h = fnv1a32(seed)
  let hex = ''
  for (let i = 0; i < 4; i++) {
    h = mix32(h + i + 1)
    hex += HEX[h >>> 24] + HEX[(h >>> 16) & 255] + HEX[(h >>> 8) & 255] + HEX[h & 255]
  }
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${'89ab'[parseInt(hex[16], 16) & 3]}${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}
