import { env } from 'cloudflare:workers'
import { HTTPException } from 'hono/http-exception'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createApp } from '../../functions/app.ts'
import { ApiError } from '../../functions/errors.ts'

// A throwaway app with the shared error handling and one route that throws `error`.
function appThatThrows(error: unknown) {
  const app = createApp()
  app.get('/api/boom', () => {
    throw error
  })
  return app
}

// Unexpected errors are logged for us: keep that log out of the test output, and check it.
const logged = vi.fn()
beforeEach(() => void vi.spyOn(console, 'error').mockImplementation(logged))
afterEach(() => {
  vi.restoreAllMocks()
  logged.mockReset()
})

async function boom(error: unknown) {
  const res = await appThatThrows(error).request('/api/boom', {}, env)
  return { res, body: await res.text() }
}

describe('API errors', () => {
  it('hide unexpected errors behind a JSON 500 without a stack', async () => {
    const { res, body } = await boom(new Error('secret detail at /src/engine/x.ts:12'))
    expect(res.status).toBe(500)
    expect(JSON.parse(body)).toEqual({
      error: { code: 'internal', message: 'Something went wrong on our side.' },
    })
    expect(body).not.toMatch(/secret|\.ts|at /)
    const loggedError = expect.objectContaining({ message: expect.stringMatching(/^secret/) })
    expect(logged).toHaveBeenCalledWith(loggedError)
  })

  it('pass an ApiError through with its status, code and message', async () => {
    const { res, body } = await boom(new ApiError(422, 'bad_manifest', 'Line 3: not a Pod.'))
    expect(res.status).toBe(422)
    expect(JSON.parse(body)).toEqual({
      error: { code: 'bad_manifest', message: 'Line 3: not a Pod.' },
    })
    expect(logged).not.toHaveBeenCalled()
  })

  it("turn Hono's HTTPException into the same shape", async () => {
    const { res, body } = await boom(new HTTPException(413, { message: 'Too big.' }))
    expect(res.status).toBe(413)
    expect(JSON.parse(body)).toEqual({ error: { code: 'payload_too_large', message: 'Too big.' } })
  })

  it('keep the security headers on error answers', async () => {
    const { res } = await boom(new Error('x'))
    expect(res.headers.get('X-Content-Type-Options')).toBe('nosniff')
    expect(res.headers.get('Content-Security-Policy')).toContain("frame-ancestors 'none'")
  })
})
