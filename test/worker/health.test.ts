import { exports } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { ENGINE_VERSION } from '../../engine/version.ts'

const get = (path: string) => exports.default.fetch(`http://knet.test${path}`)

describe('GET /api/health', () => {
  it('answers ok with the engine version', async () => {
    const res = await get('/api/health')
    expect(res.status).toBe(200)
    expect(res.headers.get('Content-Type')).toMatch(/^application\/json/)
    expect(await res.json()).toEqual({ ok: true, engineVersion: ENGINE_VERSION })
  })

  it('is never cached', async () => {
    const res = await get('/api/health')
    expect(res.headers.get('Cache-Control')).toBe('no-store')
  })
})

describe('unknown API paths', () => {
  it.each(['/api/nope', '/api', '/api/health/extra'])('%s answers a JSON 404', async (path) => {
    const res = await get(path)
    expect(res.status).toBe(404)
    expect(res.headers.get('Content-Type')).toMatch(/^application\/json/)
    expect(await res.json()).toEqual({
      error: { code: 'not_found', message: `No API route for GET ${path}` },
    })
  })

  it('does not fall through to the site for other methods', async () => {
    const res = await exports.default.fetch('http://knet.test/api/health', { method: 'DELETE' })
    expect(res.status).toBe(404)
    expect(await res.json()).toMatchObject({ error: { code: 'not_found' } })
  })
})
