import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { ENGINE_VERSION } from '../../engine/index.ts'
import { API_LIMITS } from '../../functions/limits.ts'
import { storedForm } from '../../functions/scenario-store.ts'
import { GUIDE_COMMANDS, GUIDE_SCENARIO, INVALID_SCENARIO, tinyScenario } from './fixtures/scenarios.ts'
import { errorOf, fetchWorker, freshIp, post } from './helpers.ts'

interface Stored {
  id: string
  url: string
  engineVersion: string
  answersHash: string
}

const store = (body: unknown, init?: Parameters<typeof post>[2]) => post('/api/scenarios', body, init)

/** Every character class that a careless store would change on the way. */
const AWKWARD = [
  '# crlf, tabs, trailing spaces, emoji, combining marks, separators and a NUL\r\n',
  'apiVersion: v1\r\n',
  'kind: ConfigMap\t \r\n',
  'metadata: {name: "caf\u0065\u0301-\u{1F680}"}   \n',
  'data: {a: "\u2028\u2029\u0000 <script>alert(1)</script>"}\n\n\n',
].join('')

describe('POST /api/scenarios', () => {
  it('stores a scenario under a content-derived id (201)', async () => {
    const content = { scenario: tinyScenario('store'), commands: ['kubectl get pods'], page: '/pods/', example: 'one-pod' }
    const res = await store(content)
    expect(res.status).toBe(201)
    const stored = (await res.json()) as Stored
    expect(stored.id).toMatch(/^[0-9A-Za-z]{12}$/)
    expect(stored).toEqual({
      id: (await storedForm(content)).id,
      url: `/s/${stored.id}`,
      engineVersion: ENGINE_VERSION,
      answersHash: expect.stringMatching(/^[0-9a-f]{64}$/),
    })
    expect(res.headers.get('Location')).toBe(`/api/scenarios/${stored.id}`)
  })

  it('gives ids that never change: same content, same id, for good', async () => {
    // Pinned: every shared link depends on this derivation staying the same.
    const content = { scenario: 'kind: Pod\n', commands: ['kubectl get pods'] }
    expect((await storedForm(content)).id).toBe('ar98P5jLrpct')
    const first = (await (await store(content)).json()) as Stored
    const res = await store(`{"commands": ["kubectl get pods"], "scenario": "kind: Pod\\n"}`)
    expect(res.status).toBe(200)
    expect(((await res.json()) as Stored).id).toBe(first.id)
  })

  it('gives different content a different id', async () => {
    const base = { scenario: 'kind: Pod\n', commands: ['kubectl get pods'] }
    const ids = new Set<string>()
    for (const content of [
      base,
      { ...base, scenario: 'kind: Pod\r\n' },
      { ...base, commands: ['kubectl get pods', ''] },
      { ...base, page: '/pods/' },
      { ...base, example: 'x' },
    ]) {
      ids.add((await storedForm(content)).id)
    }
    expect(ids.size).toBe(5)
  })

  it('stores what the engine answers today: the hash POST /api/run gives', async () => {
    const content = { scenario: GUIDE_SCENARIO, commands: GUIDE_COMMANDS }
    const stored = (await (await store(content)).json()) as Stored
    const ran = (await (await post('/api/run', content)).json()) as { answersHash: string }
    expect(stored.answersHash).toBe(ran.answersHash)
  })

  it('stores invalid manifests too: a link can ask for help with them', async () => {
    const res = await store({ scenario: INVALID_SCENARIO, commands: [] })
    expect(res.status).toBe(201)
  })

  it('never overwrites: storing again leaves the row as it was', async () => {
    const content = { scenario: tinyScenario('twice'), commands: [] }
    const { id } = (await (await store(content)).json()) as Stored
    const row = await env.DB.prepare('SELECT * FROM scenarios WHERE id = ?').bind(id).first()
    expect((await store(content)).status).toBe(200)
    expect(await env.DB.prepare('SELECT * FROM scenarios WHERE id = ?').bind(id).first()).toEqual(row)
  })

  it('refuses (409) rather than overwrite a row whose body differs under the same id', async () => {
    const content = { scenario: tinyScenario('clash'), commands: [] }
    const { id } = await storedForm(content)
    const other = { id, body: '{"commands":[],"scenario":"something else"}', engine_version: '0.0.1', answers_hash: null, created_at: 'then' }
    await env.DB.prepare('INSERT INTO scenarios (id, body, engine_version, answers_hash, created_at) VALUES (?, ?, ?, ?, ?)')
      .bind(other.id, other.body, other.engine_version, other.answers_hash, other.created_at)
      .run()
    const errors: unknown[] = []
    const original = console.error
    console.error = (...args: unknown[]) => void errors.push(args)
    try {
      const res = await store(content)
      expect(res.status).toBe(409)
      expect(await errorOf(res)).toEqual({
        code: 'id_conflict',
        message: 'This scenario could not be stored: change anything in it and try again.',
      })
    } finally {
      console.error = original
    }
    expect(errors).toHaveLength(1)
    expect(await env.DB.prepare('SELECT * FROM scenarios WHERE id = ?').bind(id).first()).toEqual(other)
  })

  it('refuses malformed requests with 400', async () => {
    for (const [body, message] of [
      ['{"scenario": ', /not valid JSON/],
      [{ commands: [] }, /`scenario` is missing/],
      [{ scenario: 'x', commands: [1] }, /`commands\[0\]` must be a string, not a number/],
      [{ scenario: 'x', commands: [], diagram: 'topology' }, /Unknown field `diagram`/],
      [{ scenario: 'x', commands: [], example: '<b>' }, /`example` must be a name/],
    ] as const) {
      const res = await store(body)
      expect(res.status).toBe(400)
      expect((await errorOf(res)).message).toMatch(message)
    }
  })

  it('refuses a body over the limit with 413', async () => {
    const res = await store({ scenario: 'x'.repeat(API_LIMITS.maxBodyBytes), commands: [] })
    expect(res.status).toBe(413)
    expect((await errorOf(res)).code).toBe('payload_too_large')
  })

  it('does not store what it cannot run (422)', async () => {
    const scenario = GUIDE_SCENARIO.replace('replicas: 3', `replicas: ${API_LIMITS.maxPods}`)
    const res = await store({ scenario, commands: [] })
    expect(res.status).toBe(422)
    const { id } = await storedForm({ scenario, commands: [] })
    expect(await env.DB.prepare('SELECT id FROM scenarios WHERE id = ?').bind(id).first()).toBeNull()
  })

  it('refuses cross-site writes (403)', async () => {
    const res = await store({ scenario: 'x', commands: [] }, { headers: { 'Sec-Fetch-Site': 'cross-site' } })
    expect(res.status).toBe(403)
    expect((await errorOf(res)).code).toBe('cross_site')
  })
})

describe('POST /api/scenarios write limit', () => {
  const content = { scenario: tinyScenario('limit'), commands: [] }

  it(`answers 429 with Retry-After after ${API_LIMITS.writesPerWindow} writes from one address`, async () => {
    const ip = freshIp()
    for (let i = 0; i < API_LIMITS.writesPerWindow; i++) {
      expect((await store(content, { ip })).status).toBeLessThan(300)
    }
    const res = await store(content, { ip })
    expect(res.status).toBe(429)
    const retryAfter = Number(res.headers.get('Retry-After'))
    expect(retryAfter).toBeGreaterThan(0)
    expect(retryAfter).toBeLessThanOrEqual(API_LIMITS.writeWindowSeconds)
    expect(await errorOf(res)).toEqual({
      code: 'rate_limited',
      message: expect.stringMatching(
        /^You have stored 20 scenarios in 10 minutes, the most this site takes from one address\. Try again in \d+ minutes\.$/,
      ),
    })
    // Another address is not held back; reading is never limited.
    expect((await store(content, { ip: freshIp() })).status).toBe(200)
    const { id } = await storedForm(content)
    expect((await fetchWorker(`/api/scenarios/${id}`, { headers: { 'CF-Connecting-IP': ip } })).status).toBe(200)
  })

  it('counts an IPv6 /64 as one client', async () => {
    const prefix = freshIp().replace(/::1$/, '')
    for (let i = 0; i < API_LIMITS.writesPerWindow; i++) {
      expect((await store(content, { ip: `${prefix}:0:0:0:${i.toString(16)}` })).status).toBeLessThan(300)
    }
    expect((await store(content, { ip: `${prefix}::ffff` })).status).toBe(429)
  })

  it('keeps only a hash of the address', async () => {
    const ip = '192.0.2.77'
    await store(content, { ip })
    const rows = await env.DB.prepare('SELECT client FROM write_limits').all<{ client: string }>()
    const clients = rows.results.map((r) => r.client)
    expect(clients.some((client) => /^store:[0-9a-f]{32}$/.test(client))).toBe(true)
    expect(clients.filter((client) => client.includes(ip))).toEqual([])
  })
})

describe('GET /api/scenarios/:id', () => {
  it('reads a stored scenario back byte for byte', async () => {
    const content = { scenario: AWKWARD, commands: ['kubectl get cm -o yaml', ' spaced\targs '], page: '/dns/', example: 'awkward.1' }
    const { id } = (await (await store(content)).json()) as Stored
    const res = await fetchWorker(`/api/scenarios/${id}`)
    expect(res.status).toBe(200)
    expect(res.headers.get('Content-Type')).toMatch(/^application\/json/)
    expect(res.headers.get('Cache-Control')).toBe('public, max-age=3600')
    const read = (await res.json()) as typeof content & Stored & { createdAt: string }
    expect(read.scenario).toBe(AWKWARD)
    expect(read).toEqual({
      id,
      url: `/s/${id}`,
      ...content,
      engineVersion: ENGINE_VERSION,
      answersHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    })
  })

  it('answers an unknown id with a JSON 404', async () => {
    const res = await fetchWorker('/api/scenarios/AAAAAAAAAAAA')
    expect(res.status).toBe(404)
    expect(await errorOf(res)).toEqual({ code: 'not_found', message: 'No scenario is stored under the id AAAAAAAAAAAA.' })
  })

  it.each(['short', 'AAAAAAAAAAAAA', 'AAAAAA-AAAAA', '%3Cscript%3E'])('answers a malformed id (%s) with a JSON 404', async (id) => {
    const res = await fetchWorker(`/api/scenarios/${id}`)
    expect(res.status).toBe(404)
    expect(await errorOf(res)).toEqual({
      code: 'not_found',
      message: 'There is no such scenario: scenario ids are 12 letters and digits.',
    })
    expect(res.headers.get('X-Content-Type-Options')).toBe('nosniff')
  })
})
