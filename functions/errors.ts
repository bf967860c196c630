import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'

/** The one error shape every /api route answers with. */
export type ErrorBody = { error: { code: string; message: string } }

/**
 * Throw from a route to answer `{ error: { code, message } }` with `status`.
 * `message` is shown to users, so it must never carry internals.
 */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
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
) {
  const body: ErrorBody = { error: { code, message } }
  return c.json(body, status, { 'Cache-Control': 'no-store' })
}
