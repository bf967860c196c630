import type { MiddlewareHandler } from 'hono'
import { ApiError } from '../errors.ts'

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])
const MESSAGE = 'This API answers only the pages of this site.'

/**
 * Refuses requests that change something (anything but GET, HEAD and OPTIONS) when the
 * browser says they come from another site: `Sec-Fetch-Site` other than `same-origin` or
 * `none` (typed by the user), or an `Origin` other than the API's own. Requests that carry
 * neither header (curl, scripts) are not a browser acting for another site, and pass.
 * The API sends no CORS headers at all, so other sites cannot read its answers either.
 */
export function sameOrigin(): MiddlewareHandler {
  return async function sameOrigin(c, next) {
    if (SAFE_METHODS.has(c.req.method)) return next()
    const site = c.req.header('Sec-Fetch-Site')
    if (site !== undefined && site !== 'same-origin' && site !== 'none') {
      throw new ApiError(403, 'cross_site', `${MESSAGE} (The browser says this request comes from a ${site} page.)`)
    }
    const origin = c.req.header('Origin')
    if (origin !== undefined && origin !== new URL(c.req.url).origin) {
      throw new ApiError(403, 'cross_site', `${MESSAGE} (This request comes from ${origin.slice(0, 100)}.)`)
    }
    return next()
  }
}
