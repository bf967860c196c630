import { describe, expect, it } from 'vitest'
import { fetchWorker } from './helpers.ts'

describe('GET /s/:id', () => {
  it('redirects a well-formed id to the playground (302)', async () => {
    const res = await fetchWorker('/s/Ab3dEf6hIj9L', { redirect: 'manual' })
    expect(res.status).toBe(302)
    expect(res.headers.get('Location')).toBe('/play/#s=Ab3dEf6hIj9L')
    expect(res.headers.get('X-Content-Type-Options')).toBe('nosniff')
    expect(res.headers.get('Content-Security-Policy')).toContain("frame-ancestors 'none'")
  })

  it.each(['short', 'Ab3dEf6hIj9L0', 'Ab3dEf6hIj9_', '%3Cscript%3E'])('answers a malformed id (%s) with the 404 page', async (id) => {
    const res = await fetchWorker(`/s/${id}`, { redirect: 'manual' })
    expect(res.status).toBe(404)
    expect(res.headers.get('Content-Type')).toMatch(/^text\/html/)
    expect(res.headers.get('Location')).toBeNull()
    expect(await res.text()).toContain('<title>Fixture 404</title>')
  })
})
