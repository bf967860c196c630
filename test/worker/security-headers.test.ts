import { exports } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'

const get = (path: string) => exports.default.fetch(`http://knet.test${path}`)

function policy(res: Response) {
  const csp = res.headers.get('Content-Security-Policy') ?? ''
  return new Map(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter(([name]) => name)
      .map(([name, ...values]) => [name, values.join(' ')]),
  )
}

function expectCommonHeaders(res: Response) {
  expect(res.headers.get('X-Content-Type-Options')).toBe('nosniff')
  expect(res.headers.get('Referrer-Policy')).toBe('strict-origin-when-cross-origin')
  expect(policy(res).get('frame-ancestors')).toBe("'none'")
}

describe('security headers', () => {
  it('lock API answers down completely', async () => {
    for (const path of ['/api/health', '/api/nope']) {
      const res = await get(path)
      expectCommonHeaders(res)
      expect(policy(res).get('default-src')).toBe("'none'")
    }
  })

  it('cover static pages too, without allowing inline scripts', async () => {
    const res = await get('/')
    expect(res.status).toBe(200)
    expect(res.headers.get('Content-Type')).toMatch(/^text\/html/)
    expectCommonHeaders(res)
    // Scripts are left to the page's own hashed <meta> policy: the header must not loosen them.
    expect(res.headers.get('Content-Security-Policy')).not.toContain('unsafe-inline')
    expect(policy(res).has('script-src')).toBe(false)
    // The middleware copies the response: the page must come through whole.
    expect(await res.text()).toContain('<title>Fixture home</title>')
  })

  it('cover the site 404 page', async () => {
    const res = await get('/no-such-chapter/')
    expect(res.status).toBe(404)
    expect(res.headers.get('Content-Type')).toMatch(/^text\/html/)
    expectCommonHeaders(res)
    expect(await res.text()).toContain('<title>Fixture 404</title>')
  })
})
