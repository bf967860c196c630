/**
 * UTF-8 encoding without TextEncoder's allocation per call on hot paths is
 * not needed here: TextEncoder exists in Workers, browsers and Node alike.
 */
const encoder = new TextEncoder()

/** The UTF-8 bytes of a string, as Go's []byte(s) gives them. */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text)
}

/** Lower-case hex of bytes, as Go's hex.EncodeToString and fmt's %x print them. */
export function toHex(bytes: Uint8Array): string {
  let out = ''
  for (let i = 0; i < bytes.length; i++) out += HEX[bytes[i]]
  return out
}

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))
