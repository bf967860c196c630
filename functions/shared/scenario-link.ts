/**
 * Scenario links: the playground (`/play/`) reads its state from the URL fragment.
 *
 * - `#s=<id>`: a scenario stored by `POST /api/scenarios`; the page fetches
 *   `GET /api/scenarios/<id>`. `/s/<id>` redirects to `/play/#s=<id>`.
 * - `#z=<data>`: the whole state in the link, no storage: `data` is the state as canonical
 *   JSON (keys sorted), UTF-8, compressed with deflate-raw, in base64url without padding.
 *
 * The state records the engine version the link was made with, so a page that reopens it
 * can tell the reader when today's engine answers differently. The same code runs in
 * browsers, in workerd and in Node 22 (CompressionStream, TextEncoder, btoa).
 *
 * @example
 * const fragment = await encodeScenarioFragment({ v: 1, engine: ENGINE_VERSION, scenario, commands })
 * const link = fragment.length <= MAX_FRAGMENT_CHARS ? `/play/#${fragment}` : await storeAndLink()
 * const read = await decodeScenarioFragment(location.hash)
 * if (read.ok) show(read.state)
 */
import { canonicalJson } from './canonical-json.ts'
import { describe, readScenarioContent, type ScenarioContent } from './scenario-content.ts'

/** What a `#z=` link holds. */
export interface ScenarioState extends ScenarioContent {
  /** the format of this state; a reader refuses versions it does not know */
  v: 1
  /** ENGINE_VERSION of the engine the link was made with */
  engine: string
}

export type DecodedFragment = { ok: true; state: ScenarioState } | { ok: false; error: string }

/**
 * The longest `#z=` fragment worth putting in a link: well under the 16 KB that some
 * servers, proxies and chat apps allow a URL. Longer states should be stored instead
 * (`POST /api/scenarios`) and shared as `/s/<id>`.
 */
export const MAX_FRAGMENT_CHARS = 8_000

/** Stored scenario ids: 12 base62 characters (see functions/README.md). */
export const SCENARIO_ID = /^[0-9A-Za-z]{12}$/

const INLINE = 'z='
const STORED = 's='
// Reading is more lenient than writing (a link made elsewhere may be longer than ours),
// but bounded: both the text and what it inflates to, against deflate bombs.
const MAX_DECODE_CHARS = 64_000
const MAX_STATE_BYTES = 512 * 1024
const ENGINE = /^[0-9A-Za-z.+-]{1,32}$/

export function isScenarioId(id: string): boolean {
  return SCENARIO_ID.test(id)
}

/** `s=<id>`: the fragment that opens a stored scenario. */
export function storedScenarioFragment(id: string): string {
  if (!isScenarioId(id)) throw new Error(`not a scenario id: ${JSON.stringify(id)}`)
  return `${STORED}${id}`
}

/** The id in an `s=<id>` fragment (with or without its `#`), or undefined. */
export function storedScenarioId(fragment: string): string | undefined {
  const f = withoutHash(fragment)
  if (!f.startsWith(STORED)) return undefined
  const id = f.slice(STORED.length)
  return isScenarioId(id) ? id : undefined
}

/**
 * The `z=<data>` fragment (without `#`) that holds `state`. Throws when the state breaks
 * the content rules, since no reader would accept the link. The same state always gives
 * the same fragment.
 */
export async function encodeScenarioFragment(state: ScenarioState): Promise<string> {
  const checked = checkState(state)
  if (!checked.ok) throw new Error(checked.error)
  const json = new TextEncoder().encode(canonicalJson(checked.state))
  const packed = await transform(json, new CompressionStream('deflate-raw'), Infinity)
  return `${INLINE}${toBase64Url(packed)}`
}

/**
 * Reads a `z=<data>` fragment (with or without its `#`) back into the state, or says in
 * a sentence why it cannot. Never throws.
 */
export async function decodeScenarioFragment(fragment: string): Promise<DecodedFragment> {
  const f = withoutHash(fragment)
  if (f.startsWith(STORED)) return fail('This link points to a stored scenario: fetch it by its id instead.')
  if (!f.startsWith(INLINE)) return fail('This link does not hold a scenario.')
  const data = f.slice(INLINE.length)
  if (data.length > MAX_DECODE_CHARS) return fail('This link is too long to hold a scenario.')
  const packed = fromBase64Url(data)
  if (!packed) return fail('This link is damaged: it has characters a scenario link never has.')
  let json: string
  try {
    const bytes = await transform(packed, new DecompressionStream('deflate-raw'), MAX_STATE_BYTES)
    json = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes)
  } catch (e) {
    if (e instanceof TooLarge) return fail('This link holds more than a scenario may.')
    return fail('This link is damaged: it does not unpack (was it cut short?).')
  }
  let value: unknown
  try {
    value = JSON.parse(json)
  } catch {
    return fail('This link is damaged: its content is not a scenario.')
  }
  return checkState(value)
}

function checkState(value: unknown): DecodedFragment {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail(`A scenario link holds an object, not ${describe(value)}.`)
  }
  const { v, engine } = value as Record<string, unknown>
  if (typeof v === 'number' && v > 1) return fail('This link was made by a newer version of the site: reload the page.')
  if (v !== 1) return fail('This link is not a scenario link this site knows (`v` must be 1).')
  if (typeof engine !== 'string' || !ENGINE.test(engine)) {
    return fail('This link does not say which engine version made it (`engine`).')
  }
  const read = readScenarioContent(value as Record<string, unknown>)
  if ('problem' in read) return fail(read.problem.message)
  return { ok: true, state: { v: 1, engine, ...read.content } }
}

class TooLarge extends Error {}

/** Pipes `input` through a (de)compression stream, refusing output past `maxBytes`. */
async function transform(
  input: Uint8Array,
  stream: CompressionStream | DecompressionStream,
  maxBytes: number,
): Promise<Uint8Array> {
  const writer = stream.writable.getWriter()
  // Not awaited: the readable side must be drained for the writes to finish. A failure
  // shows up on the reading side, so these promises only need their rejections handled.
  writer.write(input as Uint8Array<ArrayBuffer>).catch(() => {})
  writer.close().catch(() => {})
  const reader = stream.readable.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > maxBytes) {
      await reader.cancel().catch(() => {})
      throw new TooLarge()
    }
    chunks.push(value)
  }
  const out = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    out.set(chunk, offset)
    offset += chunk.byteLength
  }
  return out
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = ''
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  }
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

function fromBase64Url(text: string): Uint8Array | undefined {
  // atob alone would skip spaces and accept padding: a link either is exact or is damaged
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return undefined
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'))
  return Uint8Array.from(binary, (c) => c.charCodeAt(0))
}

function withoutHash(fragment: string): string {
  return fragment.startsWith('#') ? fragment.slice(1) : fragment
}

function fail(error: string): DecodedFragment {
  return { ok: false, error }
}
