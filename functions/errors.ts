import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'

/** The one error shape every /api route answers with. */
export type ErrorBody = { error: { code: string; message: string } }

/**
 * Throw from a route to answer `{ error: { code, message } }` with `status`.
 * `message` is shown to users, so it must never carry internals. `headers` go on the
 * answer as they are (`Retry-After` on a 429, for one).
 *
 * @example
 * throw new ApiError(429, 'rate_limited', 'Try again in 5 minutes.', { 'Retry-After': '300' })
 */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

export function errorResponse(
  c: Context,
  status: ContentfulStatusCode,
  code: string,
  message: string,
  headers: Record<string, string> = {},
) {
  const body: ErrorBody = { error: { code, message } }
  return c.json(body, status, { ...headers, 'Cache-Control': 'no-store' })
}
