import { describe, expect, it } from 'vitest'
import { ENGINE_VERSION } from '../../engine/index.ts'
import { canonicalJson } from '../../functions/shared/canonical-json.ts'
import { SCENARIO_LIMITS } from '../../functions/shared/scenario-content.ts'
import {
  decodeScenarioFragment,
  encodeScenarioFragment,
  MAX_FRAGMENT_CHARS,
  type ScenarioState,
  storedScenarioFragment,
  storedScenarioId,
} from '../../functions/shared/scenario-link.ts'
import { GUIDE_COMMANDS, GUIDE_SCENARIO } from './fixtures/scenarios.ts'

const state: ScenarioState = {
  v: 1,
  engine: ENGINE_VERSION,
  scenario: GUIDE_SCENARIO,
  commands: GUIDE_COMMANDS,
  page: '/services/clusterip/',
  example: 'clusterip-basic',
}

/** Packs any JSON value the way the encoder does, to build links the encoder refuses to make. */
async function pack(value: unknown): Promise<string> {
  const bytes = new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value))
  return `z=${base64url(await transform(bytes, new CompressionStream('deflate-raw')))}`
}

async function transform(bytes: Uint8Array, stream: CompressionStream | DecompressionStream) {
  const out = new Response(new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(stream))
  return new Uint8Array(await out.arrayBuffer())
}

function base64url(bytes: Uint8Array) {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

describe('scenario link fragments', () => {
  it('round-trip a scenario', async () => {
    const fragment = await encodeScenarioFragment(state)
    expect(fragment).toMatch(/^z=[A-Za-z0-9_-]+$/)
    expect(await decodeScenarioFragment(fragment)).toEqual({ ok: true, state })
    expect(await decodeScenarioFragment(`#${fragment}`)).toEqual({ ok: true, state })
  })

  it('keep every character of the scenario', async () => {
    const awkward = { ...state, scenario: 'a: "\r\n\t\u0000\u2028 caf\u0065\u0301 \u{1F680}"\r\n  \n', commands: [' x ', ''] }
    expect(await decodeScenarioFragment(await encodeScenarioFragment(awkward))).toEqual({ ok: true, state: awkward })
  })

  it('are the same for the same state, whatever its key order', async () => {
    const reordered = { example: state.example, commands: state.commands, page: state.page, scenario: state.scenario, engine: state.engine, v: 1 as const }
    expect(await encodeScenarioFragment(reordered)).toBe(await encodeScenarioFragment(state))
  })

  it('are deflate-raw of the canonical JSON, in base64url', async () => {
    const fragment = await encodeScenarioFragment(state)
    const packed = Uint8Array.from(atob(fragment.slice(2).replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0))
    const json = new TextDecoder().decode(await transform(packed, new DecompressionStream('deflate-raw')))
    expect(json).toBe(canonicalJson(state))
  })

  it('keep a guide-sized scenario well inside a link', async () => {
    const fragment = await encodeScenarioFragment(state)
    expect(fragment.length).toBeLessThan(MAX_FRAGMENT_CHARS / 4)
    expect(MAX_FRAGMENT_CHARS).toBeLessThan(16 * 1024)
  })

  it('leave out page and example when there are none', async () => {
    const { page: _page, example: _example, ...bare } = state
    expect(await decodeScenarioFragment(await encodeScenarioFragment(bare))).toEqual({ ok: true, state: bare })
  })

  it('refuse to encode a state no reader would accept', async () => {
    const commands = Array(SCENARIO_LIMITS.maxCommands + 1).fill('ls')
    await expect(encodeScenarioFragment({ ...state, commands })).rejects.toThrow(/`commands` has 21 command lines; the limit is 20/)
    await expect(encodeScenarioFragment({ ...state, page: 'javascript:alert(1)' })).rejects.toThrow(/`page` must be a path/)
  })

  it.each([
    ['nothing', '', /does not hold a scenario/],
    ['another fragment', '#section-2', /does not hold a scenario/],
    ['a stored link', '#s=Ab3dEf6hIj9L', /stored scenario/],
    ['characters outside base64url', 'z=abc+def', /damaged: it has characters/],
    ['padding', 'z=AAAA==', /damaged: it has characters/],
    ['data that does not inflate', 'z=AAAAAAAAAAAA', /does not unpack/],
    ['an over-long link', `z=${'A'.repeat(70_000)}`, /too long/],
  ])('refuse %s', async (_, fragment, message) => {
    const read = await decodeScenarioFragment(fragment)
    expect(read.ok).toBe(false)
    if (!read.ok) expect(read.error).toMatch(message)
  })

  it('refuse a cut-short link', async () => {
    const fragment = await encodeScenarioFragment(state)
    const read = await decodeScenarioFragment(fragment.slice(0, Math.floor(fragment.length / 2)))
    expect(read).toEqual({ ok: false, error: expect.stringMatching(/damaged/) })
  })

  it('refuse a deflate bomb without inflating all of it', async () => {
    const bomb = await pack(`{"v":1,"scenario":"${'x'.repeat(5_000_000)}"}`)
    expect(bomb.length).toBeLessThan(MAX_FRAGMENT_CHARS * 2)
    expect(await decodeScenarioFragment(bomb)).toEqual({ ok: false, error: 'This link holds more than a scenario may.' })
  })

  it.each([
    ['JSON that is not an object', [1, 2], /holds an object, not a list/],
    ['text that is not JSON', 'v=1', /not a scenario/],
    ['a newer format', { ...state, v: 2 }, /newer version of the site/],
    ['no format', { ...state, v: undefined }, /`v` must be 1/],
    ['no engine version', { ...state, engine: undefined }, /which engine version/],
    ['a markup engine version', { ...state, engine: '<b>1</b>' }, /which engine version/],
    ['a wrong commands type', { ...state, commands: 'ls' }, /`commands` must be a list of strings/],
    ['too many commands', { ...state, commands: Array(21).fill('ls') }, /the limit is 20/],
  ])('refuse %s', async (_, value, message) => {
    const read = await decodeScenarioFragment(await pack(value))
    expect(read.ok).toBe(false)
    if (!read.ok) expect(read.error).toMatch(message)
  })

  it('drop members they do not know', async () => {
    const read = await decodeScenarioFragment(await pack({ ...state, extra: '<script>' }))
    expect(read).toEqual({ ok: true, state })
  })
})

describe('stored scenario fragments', () => {
  it('name the id', () => {
    expect(storedScenarioFragment('Ab3dEf6hIj9L')).toBe('s=Ab3dEf6hIj9L')
    expect(storedScenarioId('#s=Ab3dEf6hIj9L')).toBe('Ab3dEf6hIj9L')
    expect(storedScenarioId('s=Ab3dEf6hIj9L')).toBe('Ab3dEf6hIj9L')
  })

  it('take only well-formed ids', () => {
    expect(() => storedScenarioFragment('x"><script>')).toThrow(/not a scenario id/)
    for (const fragment of ['#s=short', '#s=Ab3dEf6hIj9L0', '#z=Ab3dEf6hIj9L', '#s=Ab3dEf6hIj9_']) {
      expect(storedScenarioId(fragment)).toBeUndefined()
    }
  })
})

describe('canonicalJson', () => {
  it('sorts keys at every level and drops what JSON drops', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, undefined, NaN], c: 'x' }, u: undefined, f: () => 1 })).toBe(
      '{"a":{"c":"x","d":[3,null,null]},"b":1}',
    )
  })

  it('sorts integer-like keys as strings too', () => {
    expect(canonicalJson({ 10: 'a', 9: 'b', x: 'c' })).toBe('{"10":"a","9":"b","x":"c"}')
  })

  it('agrees with JSON.parse', () => {
    const value = { text: '\u0000\u2028"\\\ud800', n: [0, -1.5, 1e21], t: true, z: null }
    expect(JSON.parse(canonicalJson(value))).toEqual(value)
  })
})
