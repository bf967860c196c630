/**
 * Secrets as the API server stores them, and its checks on their data.
 *
 * - `stringData` is write-only: the v1 → internal conversion copies each value into `data`,
 *   overwriting a key `data` already has (pkg/apis/core/v1/conversion.go
 *   Convert_v1_Secret_To_core_Secret), so `-o yaml` shows only `data`, base64.
 * - `type` defaults to Opaque (pkg/apis/core/v1/defaults.go SetDefaults_Secret).
 * - `data` values are []byte in Go: the JSON decoder reads them as standard base64
 *   (encoding/base64 StdEncoding, padding required, CR and LF skipped) and a bad one fails the
 *   whole request with the decoder's CorruptInputError.
 * - ValidateSecret (pkg/apis/core/validation): keys are config keys, kubernetes.io/tls needs
 *   tls.crt and tls.key, a service-account token Secret names its account.
 * A Secret the API server would refuse is reported and left out, as it is never stored.
 */
import type { GenericObject, JsonObject } from '../model/types.ts'
import type { BuildContext, Loaded } from './context.ts'
import { read } from './context.ts'
import { toGeneric } from './generic.ts'

const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/

/** The Secrets of the scenario, as stored; refused ones are reported and dropped. */
export function storedSecrets(ctx: BuildContext, secrets: Loaded[]): GenericObject[] {
  const out: GenericObject[] = []
  for (const l of secrets) {
    const raw = storedForm(ctx, l)
    if (raw) out.push(toGeneric({ ...l, value: raw }))
  }
  return out
}

function storedForm(ctx: BuildContext, l: Loaded): JsonObject | undefined {
  const decodeError = (path: (string | number)[], why: string) => {
    ctx.error(l, path, `Secret in version "v1" cannot be handled as a Secret: ${why}`, 'wrong-type')
    return undefined
  }
  const data: JsonObject = {}
  const given = read.fields(l.value.data)
  for (const k of Object.keys(given)) {
    const v = given[k]
    if (v === null) continue
    if (typeof v !== 'string') return decodeError(['data', k], `json: cannot unmarshal ${Array.isArray(v) ? 'array' : typeof v === 'number' ? `number ${v}` : typeof v} into Go struct field Secret.data.${k} of type []uint8`)
    const n = base64DecodedLength(v)
    if (typeof n === 'string') return decodeError(['data', k], n)
    data[k] = v
  }
  const strings = read.fields(l.value.stringData)
  for (const k of Object.keys(strings)) {
    const v = strings[k]
    if (typeof v === 'string') data[k] = base64(v)
  }
  const type = read.str(l.value.type) || 'Opaque'
  // ValidateSecret, in its order: keys, then what the type requires
  const problems: [(string | number)[], string][] = []
  for (const k of Object.keys(data)) {
    // the message names data[k] (the merge comes first); the place is where the reader wrote the key
    const at = k in strings ? ['stringData', k] : ['data', k]
    if (k.length > 253) problems.push([at, `data[${k}]: Invalid value: "${k}": must be no more than 253 characters`])
    if (!CONFIG_KEY.test(k)) {
      problems.push([at, `data[${k}]: Invalid value: "${k}": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`])
    }
    if (k === '.' || k === '..' || k.startsWith('..')) {
      problems.push([at, `data[${k}]: Invalid value: "${k}": must not ${k === '.' || k === '..' ? `be '${k}'` : "start with '..'"}`])
    }
  }
  if (type === 'kubernetes.io/tls') {
    for (const k of ['tls.crt', 'tls.key']) if (!(k in data)) problems.push([['data'], `data[${k}]: Required value`])
  }
  if (type === 'kubernetes.io/service-account-token' && !read.str(read.fields(read.fields(l.value.metadata).annotations)['kubernetes.io/service-account.name'])) {
    problems.push([['metadata'], 'metadata.annotations[kubernetes.io/service-account.name]: Required value'])
  }
  if (problems.length) {
    for (const [path, message] of problems) ctx.error(l, path, `The Secret "${l.name}" is invalid: ${message}`)
    return undefined
  }
  const raw: JsonObject = { ...l.value, type }
  delete raw.stringData
  if (Object.keys(data).length) raw.data = data
  else delete raw.data
  return raw
}

/** base64 (standard alphabet, padded) of the text's UTF-8 bytes, as Go's json encodes a []byte. */
function base64(text: string): string {
  let bin = ''
  for (const b of new TextEncoder().encode(text)) bin += String.fromCharCode(b)
  return btoa(bin)
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'

/**
 * How many bytes base64.StdEncoding.Decode makes of the text, or its error
 * ("illegal base64 data at input byte N"): quantums of four characters, CR and LF skipped,
 * `=` padding only in the last quantum and required (encoding/base64 decodeQuantum).
 */
export function base64DecodedLength(src: string): number | string {
  const corrupt = (at: number) => `illegal base64 data at input byte ${at}`
  const newline = (c: string) => c === '\n' || c === '\r'
  let si = 0
  let n = 0
  for (;;) {
    let j = 0
    for (; j < 4; j++) {
      if (si === src.length) {
        if (j === 0) return n
        return corrupt(si - j)
      }
      const c = src[si++]
      if (ALPHABET.includes(c)) continue
      if (newline(c)) {
        j--
        continue
      }
      if (c !== '=') return corrupt(si - 1)
      // padding: the end of the data
      if (j < 2) return corrupt(si - 1)
      if (j === 2) {
        while (si < src.length && newline(src[si])) si++
        if (si === src.length) return corrupt(src.length)
        if (src[si] !== '=') return corrupt(si - 1)
        si++
      }
      while (si < src.length && newline(src[si])) si++
      if (si < src.length) return corrupt(si)
      return n + j - 1
    }
    n += 3
  }
}
