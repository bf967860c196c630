/**
 * UTF-8 encoding as Go's []byte(s) and TextEncoder give it (a lone surrogate
 * becomes U+FFFD), written out so the engine needs no Web API typings.
 */

/**
 * @example
 * utf8('é') // Uint8Array [0xc3, 0xa9]
 */
export function utf8(text: string): Uint8Array {
  const out = new Uint8Array(text.length * 3)
  let n = 0
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i)
    if (c < 0x80) {
      out[n++] = c
      continue
    }
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1)
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00)
        i++
        out[n++] = 0xf0 | (c >> 18)
        out[n++] = 0x80 | ((c >> 12) & 63)
        out[n++] = 0x80 | ((c >> 6) & 63)
        out[n++] = 0x80 | (c & 63)
        continue
      }
    }
    // an unpaired surrogate is replaced, as TextEncoder does
    if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd
    if (c < 0x800) {
      out[n++] = 0xc0 | (c >> 6)
      out[n++] = 0x80 | (c & 63)
    } else {
      out[n++] = 0xe0 | (c >> 12)
      out[n++] = 0x80 | ((c >> 6) & 63)
      out[n++] = 0x80 | (c & 63)
    }
  }
  return out.subarray(0, n)
}

/** Lower-case hex of bytes, as Go's hex.EncodeToString and fmt's %x print them. */
export function toHex(bytes: Uint8Array): string {
  let out = ''
  for (let i = 0; i < bytes.length; i++) out += HEX[bytes[i]]
  return out
}

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))
