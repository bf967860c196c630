/**
 * Secrets as the API server stores them (stringData merged into data as base64, type Opaque
 * by default) and the requests it refuses (bad base64, bad keys, a TLS Secret without its
 * key pair), with the decoder's and ValidateSecret's messages.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { cluster, errors, sh } from './helpers.ts'
import { base64DecodedLength } from '../../../engine/cluster/secrets.ts'
// Go 1.19's base64.StdEncoding.DecodeString on 3,000 random strings (test/fixtures/go-base64/gen.go)
import vectors from '../../fixtures/go-base64/vectors.json'

const secret = (body: string) => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n${body}`

describe('a Secret as stored', () => {
  it('stringData is written into data as base64, overwriting the same key, and is never shown', () => {
    const c = cluster(secret('data:\n  a: b2xk\n  b: Yg==\nstringData:\n  a: new\n'))
    const y = sh(c, 'kubectl get secret s -o yaml').stdout
    expect(y).toContain('data:\n  a: bmV3\n  b: Yg==\n')
    expect(y).not.toContain('stringData')
    expect(y).toContain('\ntype: Opaque\n')
    expect(sh(c, 'kubectl get secret s').stdout).toMatch(/^NAME\s+TYPE\s+DATA\s+AGE\ns\s+Opaque\s+2\s/)
  })

  it('encodes stringData as UTF-8 bytes', () => {
    const c = cluster(secret('stringData:\n  k: "é"\n'))
    expect(sh(c, 'kubectl get secret s -o jsonpath={.data.k}').stdout).toBe('w6k=')
  })
})

describe('Secrets the API server refuses', () => {
  it('data that is not base64 fails decoding, at the byte Go reports', () => {
    expect(errors(secret('data:\n  k: "abc!"\n')).map((d) => d.message)).toEqual(['Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 3'])
    expect(errors(secret('data:\n  k: "YWJj"\n'))).toEqual([])
    expect(errors(secret('data:\n  k: "YQ"\n')).map((d) => d.message)).toEqual(['Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 0'])
  })

  it('a plain-text value under data is the usual mistake, and the Secret is not created', () => {
    const c = cluster(secret('data:\n  password: hunter2\n'), { allowErrors: true })
    expect(sh(c, 'kubectl get secret s').stderr).toContain('secrets "s" not found')
  })

  it('keys must be config keys, and a TLS Secret needs tls.crt and tls.key', () => {
    expect(errors(secret('stringData:\n  "a b": x\n'))[0].message).toBe(`The Secret "s" is invalid: data[a b]: Invalid value: "a b": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`)
    expect(errors(secret('type: kubernetes.io/tls\nstringData:\n  tls.crt: x\n')).map((d) => d.message)).toEqual(['The Secret "s" is invalid: data[tls.key]: Required value'])
  })

  it('a number under stringData is a decoding error', () => {
    expect(errors(secret('stringData:\n  port: 5432\n'))[0].message).toContain('json: cannot unmarshal number 5432 into Go struct field Secret.stringData.port of type string')
  })
})

describe('base64DecodedLength', () => {
  it('gives the byte count of any padded base64, with line breaks anywhere', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.array(fc.nat(100), { maxLength: 4 }), (bytes, breaks) => {
        let text = btoa(String.fromCharCode(...bytes))
        for (const b of breaks) {
          const at = b % (text.length + 1)
          text = `${text.slice(0, at)}\n${text.slice(at)}`
        }
        return base64DecodedLength(text) === bytes.length
      }),
    )
  })

  it('answers as Go does: the byte count, or where the data goes wrong', () => {
    for (const v of vectors as { in: string; len: number; err?: string }[]) expect([v.in, base64DecodedLength(v.in)]).toEqual([v.in, v.err ?? v.len])
    expect(base64DecodedLength('YWJj!A==')).toBe('illegal base64 data at input byte 4')
    expect(base64DecodedLength('YW=j')).toBe('illegal base64 data at input byte 2')
    expect(base64DecodedLength('YWI=x')).toBe('illegal base64 data at input byte 4')
    expect(base64DecodedLength('YQ=')).toBe('illegal base64 data at input byte 3')
  })
})
