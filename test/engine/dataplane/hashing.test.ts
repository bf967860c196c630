/**
 * SHA-256 and SHA-1 against the FIPS 180-4 example vectors (NIST CSRC "Example
 * Algorithms"), base32 against RFC 4648 section 10, both cross-checked with
 * node:crypto on random input; and kube-proxy's chain names against the ones
 * its own tests (and every real cluster's kube-dns) use.
 */
import { createHash } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { base32, sha1Hex, sha256Hex, portProtoHash } from '../../../engine/dataplane/index.ts'
import { utf8ToBytes as utf8 } from '@noble/hashes/utils.js'

describe('SHA-256 (FIPS 180-4)', () => {
  it('hashes the one-block, two-block and empty example messages', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
    expect(sha256Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe('248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1')
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
  })

  it('hashes one million "a" (the long-message vector)', () => {
    expect(sha256Hex('a'.repeat(1_000_000))).toBe('cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0')
  })

  it('pads correctly at every length around the 55/56/64-byte block boundaries', () => {
    for (let n = 50; n <= 130; n++) {
      const s = 'x'.repeat(n)
      expect(sha256Hex(s), `length ${n}`).toBe(createHash('sha256').update(s).digest('hex'))
    }
  })

  it('agrees with node:crypto on arbitrary UTF-8 text', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => sha256Hex(s) === createHash('sha256').update(s, 'utf8').digest('hex')), { numRuns: 100 })
  })
})

describe('SHA-1 (FIPS 180-4)', () => {
  it('hashes the example messages', () => {
    expect(sha1Hex('abc')).toBe('a9993e364706816aba3e25717850c26c9cd0d89d')
    expect(sha1Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe('84983e441c3bd26ebaae4aa1f95129e5e54670f1')
    expect(sha1Hex('')).toBe('da39a3ee5e6b4b0d3255bfef95601890afd80709')
  })

  it('agrees with node:crypto on arbitrary text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (s) => sha1Hex(s) === createHash('sha1').update(s, 'utf8').digest('hex')), { numRuns: 200 })
  })
})

describe('base32 (RFC 4648 section 10 test vectors)', () => {
  it.each([
    ['', ''],
    ['f', 'MY======'],
    ['fo', 'MZXQ===='],
    ['foo', 'MZXW6==='],
    ['foob', 'MZXW6YQ='],
    ['fooba', 'MZXW6YTB'],
    ['foobar', 'MZXW6YTBOI======'],
  ])('%j → %j', (input, output) => {
    expect(base32(utf8(input))).toBe(output)
  })

  it('matches Node\'s own base32 of random bytes', () => {
    // Node has no base32; decode ours back and compare the bytes
    const decode = (s: string) => {
      const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
      let bits = 0
      let value = 0
      const out: number[] = []
      for (const ch of s.replace(/=+$/, '')) {
        value = (value << 5) | A.indexOf(ch)
        bits += 5
        if (bits >= 8) {
          out.push((value >>> (bits - 8)) & 255)
          bits -= 8
        }
      }
      return out
    }
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
      const enc = base32(b)
      return enc.length % 8 === 0 && JSON.stringify(decode(enc)) === JSON.stringify([...b])
    }))
  })
})

describe("kube-proxy's chain-name hash (portProtoHash)", () => {
  it('gives the names in the dataplane NOTES and in proxier_test.go', () => {
    expect(portProtoHash('ns1/svc1:p80', 'tcp')).toBe('XPGD46QRK7WJZT7O')
    expect(portProtoHash('ns1/svc1', 'tcp')).toBe('AQI2S6QIMU7PVVRP')
    expect(portProtoHash('ns1/svc1:p80tcp10.180.0.1:80', '')).toBe('SXIVWICOYRO3J4NJ')
    expect(portProtoHash('ns1/svc1:p80tcp[ff06::c1]:80', '')).toBe('LIGRYQQLSZN4UWQ5')
  })

  it('gives the kubernetes and kube-dns chain names every kubeadm cluster has', () => {
    expect(portProtoHash('default/kubernetes:https', 'tcp')).toBe('NPX46M4PTMTKRN6Y')
    expect(portProtoHash('kube-system/kube-dns:dns', 'udp')).toBe('TCOU7JCQXEZGVUNU')
    expect(portProtoHash('kube-system/kube-dns:dns-tcp', 'tcp')).toBe('ERIFXISQEP7F7OF4')
    expect(portProtoHash('kube-system/kube-dns:metrics', 'tcp')).toBe('JD5MR3NA4I4DYORP')
  })
})
