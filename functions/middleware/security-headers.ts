import type { MiddlewareHandler } from 'hono'
import { isApiPath } from '../api-path.ts'

// API answers load nothing and are never framed.
const API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

// Pages get their script and style hashes from the <meta> policy Astro writes into each one
// (astro.config.mjs). Browsers enforce both policies, so this header adds only what a <meta>
// cannot hold and leaves scripts and styles to the page's own policy.
const SITE_POLICY = "frame-ancestors 'none'; object-src 'none'; base-uri 'self'"

/** Sets the security headers on every response: API answers and static assets alike. */
export function securityHeaders(): MiddlewareHandler {
  return async function securityHeaders(c, next) {
    await next()
    // Responses from the ASSETS binding have immutable headers, so copy before setting.
    const res = new Response(c.res.body, c.res)
    res.headers.set('Content-Security-Policy', isApiPath(c.req.path) ? API_POLICY : SITE_POLICY)
    res.headers.set('X-Content-Type-Options', 'nosniff')
    res.headers.set('Referrer-Policy', 'strict-origin-when-cross-origin')
    c.res = undefined
    c.res = res
  }
}
