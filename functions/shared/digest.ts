/** SHA-256 through Web Crypto (browsers, workerd and Node 22 alike) and two ways to print it. */

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

/** The SHA-256 of `text` as UTF-8. */
export async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)))
}

/** Lower-case hex. */
export function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

/**
 * `length` base62 digits of the number the leading 16 bytes of `bytes` spell (big-endian):
 * 12 digits keep 71 bits, plenty to tell a few million stored scenarios apart.
 */
export function base62(bytes: Uint8Array, length: number): string {
  let n = 0n
  for (const b of bytes.subarray(0, 16)) n = (n << 8n) | BigInt(b)
  let out = ''
  for (let i = 0; i < length; i++) {
    out = BASE62[Number(n % 62n)] + out
    n /= 62n
  }
  return out
}
