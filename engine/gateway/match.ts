/**
 * HTTPRoute and GRPCRoute matching (apis/v1 httproute_types.go HTTPRouteMatch,
 * HTTPPathMatch, HTTPHeaderMatch, HTTPQueryParamMatch; grpcroute_types.go):
 * within one match every condition must hold (AND); a rule matches when any
 * of its matches does (OR). Path Exact compares the whole path; PathPrefix
 * matches whole '/'-separated elements (/foo matches /foo, /foo/ and /foo/bar,
 * not /foobar; a trailing slash on the prefix is ignored), the Ingress Prefix
 * rule the ingress module already implements. Header names compare without
 * case, values exactly; query parameter names and values compare exactly.
 * RegularExpression is RE2 matched against the whole value, as Envoy's
 * safe_regex does.
 */
import { matchesPath, matchLength } from '../ingress/path-match.ts'
import type { GRPCMatchView, HeaderMatchView, HTTPMatchView } from './model.ts'

export interface HttpRequestView {
  path: string
  /** query parameters in order, names as sent */
  query: [string, string][]
  method: string
  /** header names lowercased */
  headers: Map<string, string>
}

/** RE2 features JavaScript would accept differently: lookaround and backreferences are not RE2. */
const NOT_RE2 = /\(\?[=!]|\(\?<[=!]|\\[1-9]/

/**
 * A regular expression as Envoy's RE2 would compile it, anchored to the whole
 * value, or the reason it does not compile.
 *
 * @example
 * compileRE2('/v[0-9]+/.*') // RegExp /^(?:\/v[0-9]+\/.*)$/
 */
export function compileRE2(re: string): RegExp | { error: string } {
  if (NOT_RE2.test(re)) return { error: 'invalid perl operator: lookaround and backreferences are not supported by RE2' }
  // JavaScript's engine backtracks where RE2 does not: a repeated group that itself repeats or
  // alternates could take exponential time, so the simulator declines to run it
  if (re.length > 1024 || /\((?:[^()\\]|\\.)*[+*}|](?:[^()\\]|\\.)*\)\s*[+*{]/.test(re)) return { error: 'the expression is too complex for the simulator (a repeated group that repeats or alternates inside)' }
  try {
    return new RegExp(`^(?:${re})$`)
  } catch (e) {
    return { error: (e as Error).message.replace(/^Invalid regular expression: /, '') }
  }
}

function valueMatches(type: string, want: string, got: string | undefined): boolean {
  if (got === undefined) return false
  if (type === 'RegularExpression') {
    const re = compileRE2(want)
    return re instanceof RegExp && re.test(got)
  }
  return want === got
}

function headersMatch(list: HeaderMatchView[], headers: Map<string, string>): boolean {
  return list.every((h) => valueMatches(h.type, h.value, headers.get(h.name.toLowerCase())))
}

/** Does this HTTPRoute match hold for the request? */
export function httpMatchHolds(m: HTTPMatchView, r: HttpRequestView): boolean {
  const p = m.path
  if (p.type === 'Exact' && p.value !== r.path) return false
  if (p.type === 'PathPrefix' && !matchesPath('Prefix', p.value, r.path)) return false
  if (p.type === 'RegularExpression' && !valueMatches('RegularExpression', p.value, r.path)) return false
  if (m.method && m.method !== r.method) return false
  if (!headersMatch(m.headers, r.headers)) return false
  return m.queryParams.every((q) => r.query.some(([k, v]) => k === q.name && valueMatches(q.type, q.value, v)))
}

/**
 * Orders two matching HTTPRoute matches (negative when `a` wins): the
 * HTTPRouteRule.Matches precedence of the spec, with RegularExpression placed
 * between Exact and PathPrefix as Envoy Gateway sorts it
 * (internal/gatewayapi/sort.go: Exact > RegularExpression > PathPrefix, then
 * the longer path, then more header matches, then more query matches).
 */
export function compareHttpMatches(a: HTTPMatchView, b: HTTPMatchView): number {
  const rank = (t: string) => (t === 'Exact' ? 0 : t === 'RegularExpression' ? 1 : 2)
  const len = (m: HTTPMatchView) => (m.path.type === 'PathPrefix' ? matchLength('Prefix', m.path.value) : m.path.value.length)
  return (
    rank(a.path.type) - rank(b.path.type) ||
    len(b) - len(a) ||
    Number(!!b.method) - Number(!!a.method) ||
    b.headers.length - a.headers.length ||
    b.queryParams.length - a.queryParams.length
  )
}

/** Does this GRPCRoute match hold for a call of /SERVICE/METHOD? */
export function grpcMatchHolds(m: GRPCMatchView, service: string, method: string, headers: Map<string, string>): boolean {
  if (m.method) {
    const t = m.method.type
    if (m.method.service !== undefined && !valueMatches(t, m.method.service, service)) return false
    if (m.method.method !== undefined && !valueMatches(t, m.method.method, method)) return false
  }
  return headersMatch(m.headers, headers)
}
