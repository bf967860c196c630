import type { Context, MiddlewareHandler } from 'hono'
import type { AppEnv } from '../app.ts'
import { ApiError } from '../errors.ts'
import { hex, sha256 } from '../shared/digest.ts'

export interface RateLimitOptions {
  /** requests a client may make per window */
  limit: number
  windowSeconds: number
  /** keeps the counts of different routes apart */
  scope: string
  /** what the client was doing, for the message: "stored 20 scenarios" */
  describe: (limit: number) => string
}

// One row per client. A window starts with the client's first request and lasts
// `windowSeconds`; a request after that starts the next one. SQLite evaluates every SET
// expression on the old row, so both CASEs see the same window_start.
const COUNT = `
INSERT INTO write_limits (client, window_start, count) VALUES (?1, ?2, 1)
ON CONFLICT (client) DO UPDATE SET
  count = CASE WHEN window_start <= ?2 - ?3 THEN 1 ELSE count + 1 END,
  window_start = CASE WHEN window_start <= ?2 - ?3 THEN ?2 ELSE window_start END
RETURNING count, window_start`
const FORGET_ENDED = 'DELETE FROM write_limits WHERE window_start <= ?1'

/**
 * Counts requests per client in D1 and answers 429 with `Retry-After` past the limit.
 * The client is its CF-Connecting-IP (a whole /64 for IPv6, which one host can rotate
 * through), kept only as a hash. D1 rather than memory: Workers run in many isolates at
 * once, and D1 is the one place all of them see.
 *
 * @example
 * app.post('/scenarios', rateLimit({ limit: 20, windowSeconds: 600, scope: 'store', describe }), store)
 */
export function rateLimit({ limit, windowSeconds, scope, describe }: RateLimitOptions): MiddlewareHandler<AppEnv> {
  return async function rateLimit(c, next) {
    const client = `${scope}:${await clientKey(c.req.header('CF-Connecting-IP'))}`
    const now = Math.floor(Date.now() / 1000)
    const row = await c.env.DB.prepare(COUNT)
      .bind(client, now, windowSeconds)
      .first<{ count: number; window_start: number }>()
    if (!row) throw new Error('write_limits: the upsert returned no row')
    if (row.count === 1) inBackground(c, c.env.DB.prepare(FORGET_ENDED).bind(now - windowSeconds).run())
    if (row.count > limit) {
      const retryAfter = Math.max(1, row.window_start + windowSeconds - now)
      throw new ApiError(
        429,
        'rate_limited',
        `You have ${describe(limit)} in ${duration(windowSeconds)}, the most this site takes ` +
          `from one address. Try again in ${duration(retryAfter)}.`,
        { 'Retry-After': String(retryAfter) },
      )
    }
    await next()
  }
}

/** A hash of the client's address, IPv6 cut to its /64; one shared key when there is none. */
async function clientKey(ip: string | undefined): Promise<string> {
  if (!ip) return 'unknown'
  const prefix = ip.includes(':') ? ipv6Prefix(ip) : ip
  return hex(await sha256(`knet-client:${prefix}`)).slice(0, 32)
}

function ipv6Prefix(ip: string): string {
  const [head = '', tail] = ip.toLowerCase().split('::')
  const groups = head ? head.split(':') : []
  if (tail !== undefined) {
    const rest = tail ? tail.split(':') : []
    groups.push(...Array(Math.max(0, 8 - groups.length - rest.length)).fill('0'), ...rest)
  }
  return groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')
}

function duration(seconds: number): string {
  if (seconds < 90) return `${seconds} second${seconds === 1 ? '' : 's'}`
  const minutes = Math.ceil(seconds / 60)
  return `${minutes} minutes`
}

function inBackground(c: Context<AppEnv>, work: Promise<unknown>) {
  const logged = work.catch((e) => console.error(e))
  try {
    c.executionCtx.waitUntil(logged)
  } catch {
    // No execution context (app.request in tests): the promise simply runs on.
  }
}
