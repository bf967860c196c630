import { Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { ApiError, errorResponse } from './errors.ts'
import { sameOrigin } from './middleware/same-origin.ts'
import { securityHeaders } from './middleware/security-headers.ts'

export type AppEnv = { Bindings: Env }

// Codes for errors Hono's own middleware throws (body limits, bad JSON...).
const CODE_BY_STATUS: Record<number, string> = {
  400: 'bad_request',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
}

/**
 * The app with what every route shares: security headers, same-origin writes, JSON
 * errors, JSON 404s. Routes are added by functions/index.ts.
 */
export function createApp() {
  const app = new Hono<AppEnv>()
  app.use(securityHeaders())
  app.use('/api/*', sameOrigin())
  app.notFound((c) =>
    errorResponse(c, 404, 'not_found', `No API route for ${c.req.method} ${c.req.path}`),
  )
  app.onError((err, c) => {
    if (err instanceof ApiError) return errorResponse(c, err.status, err.code, err.message, err.headers)
    if (err instanceof HTTPException) {
      return errorResponse(c, err.status, CODE_BY_STATUS[err.status] ?? 'error', err.message)
    }
    // The stack goes to the Worker's log, never to the client.
    console.error(err)
    return errorResponse(c, 500, 'internal', 'Something went wrong on our side.')
  })
  return app
}
