/**
 * Deterministic hashes. FNV-1a is what Kubernetes uses for pod-template-hash
 * (k8s.io/kubernetes/pkg/controller.ComputeHash); the engine also uses it to
 * derive stable "random" choices (name suffixes, allocation offsets).
 */

const FNV_OFFSET = 0x811c9dc5
const FNV_PRIME = 0x01000193

export function fnv1a32(text: string): number {
  return fnvAdd(FNV_OFFSET, text) >>> 0
}

/** FNV-1a over text fed in pieces: the same value as fnv1a32 of the pieces joined. */
export class FnvHasher {
  private h = FNV_OFFSET
  add(text: string): void {
    this.h = fnvAdd(this.h, text)
  }
  value(): number {
    return this.h >>> 0
  }
}

function fnvAdd(hash: number, text: string): number {
  let h = hash
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c < 0x80) {
      h = Math.imul(h ^ c, FNV_PRIME)
      continue
    }
    // hash the UTF-8 bytes, as Go hashes a string
    const cp = text.codePointAt(i)!
    if (cp > 0xffff) i++
    const bytes =
      cp < 0x800 ? [0xc0 | (cp >> 6), 0x80 | (cp & 63)]
      : cp < 0x10000 ? [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63)]
      : [0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63)]
    for (const b of bytes) h = Math.imul(h ^ b, FNV_PRIME)
  }
  return h
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


const HEX_DIGITS = '0123456789abcdef'
/** where each of the 32 hex digits goes in the 36-character UUID text */
const UUID_SLOTS = [0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 14, 15, 16, 17, 19, 20, 21, 22, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35]
/** one reused buffer of character codes: a UID is made for every object in the cluster, so it avoids string garbage */
const uuidChars: number[] = Array.from({ length: 36 }, (_, i) => (i === 8 || i === 13 || i === 18 || i === 23 ? 45 /* - */ : 48))

/**
 * A UUID (version 4 layout) derived from a seed, for metadata.uid: four
 * mixed words w0..w3 read as 32 hex digits, with the version nibble set to 4
 * and the variant nibble to 8-b.
 */
export function deterministicUID(seed: string): string {
  let h = fnv1a32(seed)
  for (let w = 0; w < 4; w++) {
    h = mix32(h + w + 1)
    for (let n = 0; n < 8; n++) uuidChars[UUID_SLOTS[w * 8 + n]] = HEX_DIGITS.charCodeAt((h >>> (28 - 4 * n)) & 15)
    if (w === 2) uuidChars[19] = '89ab'.charCodeAt((h >>> 28) & 3) // the variant
  }
  uuidChars[14] = 52 // '4': the version
  lastUID = String.fromCharCode.apply(null, uuidChars)
  let u = FNV_OFFSET
  for (let i = 0; i < 36; i++) u = Math.imul(u ^ uuidChars[i], FNV_PRIME)
  lastUIDHash = u >>> 0
  return lastUID
}

let lastUID = ''
let lastUIDHash = 0

/** fnv1a32(uid), without hashing again the UID that deterministicUID has just made (makeMeta's resourceVersion). */
export function uidHash(uid: string): number {
  return uid === lastUID ? lastUIDHash : fnv1a32(uid)
}
