import type { Context } from 'hono'
import { isApiPath } from '../api-path.ts'
import type { AppEnv } from '../app.ts'

/**
 * Everything outside /api is the built guide in dist/, served by the ASSETS binding
 * (which answers unknown paths with dist/404.html). Unknown /api paths get the JSON 404.
 */
export function serveSite(c: Context<AppEnv>) {
  if (isApiPath(c.req.path)) return c.notFound()
  return c.env.ASSETS.fetch(c.req.raw)
}
