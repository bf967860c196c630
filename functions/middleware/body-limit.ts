import type { MiddlewareHandler } from 'hono'
import { bodyLimit as honoBodyLimit } from 'hono/body-limit'
import { ApiError } from '../errors.ts'

export interface BodyLimitOptions {
  /** bytes a request body may have */
  maxBytes: number
}

/**
 * Refuses request bodies over `maxBytes` with a 413 that names the size and the limit.
 * Hono's bodyLimit does the counting: it trusts Content-Length when there is one and
 * otherwise stops reading the stream as soon as it passes the limit.
 */
export function bodyLimit({ maxBytes }: BodyLimitOptions): MiddlewareHandler {
  const limit = honoBodyLimit({
    maxSize: maxBytes,
    onError: (c) => {
      const length = Number(c.req.header('Content-Length'))
      const message =
        Number.isFinite(length) && length > maxBytes
          ? `The request body is ${kilobytes(length)}; the limit is ${kilobytes(maxBytes)}.`
          : `The request body is larger than the limit of ${kilobytes(maxBytes)}.`
      throw new ApiError(413, 'payload_too_large', message)
    },
  })
  return async function bodyLimit(c, next) {
    return limit(c, next)
  }
}

/** 307200 → "300 KB", 262145 → "256.1 KB": rounded up, so a body over the limit never reads as equal to it. */
function kilobytes(bytes: number): string {
  return `${Math.ceil(bytes / 102.4) / 10} KB`
}
