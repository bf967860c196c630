/**
 * What Envoy answers itself, and what it changes in a proxied answer. Envoy's
 * HTTP/1.1 headers are lower-case; its local replies carry date, server and
 * content-length: 404 when no route matches, the direct 500 Envoy Gateway
 * configures for a rule whose backends are invalid, 503 "no healthy
 * upstream" for a cluster without ready endpoints, and a redirect with a
 * location header. On a proxied answer Envoy overwrites the server header
 * with "envoy" (HttpConnectionManager server_header_transformation
 * OVERWRITE, its default) and applies the route's ResponseHeaderModifier.
 * Envoy's HTTP/1 codec writes every header name in lower case (no
 * header_key_format is configured), so the backend's names arrive lowered.
 */
import type { GatewayLeg } from './trace-leg.ts'

export interface Reply {
  status: number
  reason: string
  headers: [string, string][]
  body: string
}

const REASONS: Record<number, string> = { 301: 'Moved Permanently', 302: 'Found', 303: 'See Other', 307: 'Temporary Redirect', 308: 'Permanent Redirect', 404: 'Not Found', 500: 'Internal Server Error', 503: 'Service Unavailable' }

/** Envoy's own answer for a leg that did not proxy. */
export function envoyLocalReply(leg: GatewayLeg, date: string): Reply {
  const status = leg.status
  const body = status === 503 ? 'no healthy upstream' : ''
  const headers: [string, string][] = []
  if (leg.location) headers.push(['location', leg.location])
  if (body) headers.push(['content-length', String(body.length)], ['content-type', 'text/plain'])
  else headers.push(['content-length', '0'])
  headers.push(['date', date], ['server', 'envoy'])
  const out = withModifiers({ status, reason: REASONS[status] ?? '', headers, body }, leg)
  return { ...out, headers: out.headers.map(([k, v]) => [k.toLowerCase(), v]) }
}

/** A backend's answer as it leaves Envoy. */
export function envoyProxiedReply(r: Reply, leg: GatewayLeg): Reply {
  const headers: [string, string][] = r.headers.filter(([k]) => k.toLowerCase() !== 'server').map(([k, v]) => [k.toLowerCase(), v])
  headers.push(['server', 'envoy'])
  const out = withModifiers({ ...r, headers }, leg)
  return { ...out, headers: out.headers.map(([k, v]) => [k.toLowerCase(), v]) }
}

function withModifiers(r: Reply, leg: GatewayLeg): Reply {
  let headers = [...r.headers]
  for (const [op, name, value] of leg.responseHeaders) {
    const lower = name.toLowerCase()
    if (op === 'remove') headers = headers.filter(([k]) => k.toLowerCase() !== lower)
    else if (op === 'set') headers = [...headers.filter(([k]) => k.toLowerCase() !== lower), [name, value]]
    else headers.push([name, value])
  }
  return { ...r, headers }
}
