/**
 * Deterministic hashes. FNV-1a is what Kubernetes uses for pod-template-hash
 * (k8s.io/kubernetes/pkg/controller.ComputeHash); the engine also uses it to
 * derive stable "random" choices (name suffixes, allocation offsets).
 */

export function fnv1a32(text: string): number {
  let h = 0x811c9dc5
  const byte = (b: number) => {
    h = Math.imul(h ^ b, 0x01000193) >>> 0
  }
  for (let i = 0; i < text.length; i++) {
    // hash the UTF-8 bytes, as Go hashes a string
    let c = text.codePointAt(i)!
    if (c > 0xffff) i++
    if (c < 0x80) byte(c)
    else if (c < 0x800) {
      byte(0xc0 | (c >> 6))
      byte(0x80 | (c & 63))
    } else if (c < 0x10000) {
      byte(0xe0 | (c >> 12))
      byte(0x80 | ((c >> 6) & 63))
      byte(0x80 | (c & 63))
    } else {
      byte(0xf0 | (c >> 18))
      byte(0x80 | ((c >> 12) & 63))
      byte(0x80 | ((c >> 6) & 63))
      byte(0x80 | (c & 63))
    }
    c = 0
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
    out += SAFE_ALPHABET[h % SAFE_ALPHABET.length]
    h = fnv1a32(`${seed}/${i}/${h}`)
  }
  return out
}

/** A UUID (version 4 layout) derived from a seed, for metadata.uid. */
export function deterministicUID(seed: string): string {
  const parts: string[] = []
  for (let i = 0; i < 4; i++) parts.push(fnv1a32(`${i}:${seed}`).toString(16).padStart(8, '0'))
  const hex = parts.join('')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${'89ab'[parseInt(hex[16], 16) & 3]}${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}
