/**
 * Path matching as the Ingress API defines it (networking.k8s.io/v1
 * HTTPIngressPath; kubernetes/website concepts/services-networking/ingress.md
 * "Path types" and "Multiple matches"):
 *   Exact   the URL path, case-sensitive, character for character;
 *   Prefix  element-wise on '/'-separated elements, so /foo matches /foo,
 *           /foo/ and /foo/bar but not /foobar; a trailing slash on either
 *           side adds an empty element and is ignored.
 * Among matches the longest path wins, and Exact beats Prefix at equal length.
 */

export type MatchType = 'Exact' | 'Prefix'

/** The non-empty '/'-separated elements of a path. */
export function elements(path: string): string[] {
  return path.split('/').filter((e) => e !== '')
}

/**
 * Does a path of this type match the (normalised) request path?
 *
 * @example
 * matchesPath('Prefix', '/foo', '/foo/bar') // true
 * matchesPath('Prefix', '/foo', '/foobar') // false
 */
export function matchesPath(type: MatchType, path: string, request: string): boolean {
  if (type === 'Exact') return path === request
  const want = elements(path)
  const got = elements(request)
  if (want.length > got.length) return false
  for (let i = 0; i < want.length; i++) if (want[i] !== got[i]) return false
  return true
}

/**
 * How long a match is, for "longest matching path": the path's length, a
 * Prefix path's trailing slashes not counted ("/foo/" ranks with "/foo"; "/"
 * counts 1, like Exact "/").
 *
 * @example
 * matchLength('Prefix', '/foo/') // 4, as for '/foo'
 */
export function matchLength(type: MatchType, path: string): number {
  if (type === 'Exact') return path.length
  const trimmed = path.replace(/\/+$/, '')
  return Math.max(1, trimmed.length)
}

/**
 * Orders two matching paths: negative when `a` wins. Longest first, then
 * Exact before Prefix; callers break the remaining ties (e.g. by merge order).
 *
 * @example
 * compareMatches({ type: 'Exact', path: '/foo' }, { type: 'Prefix', path: '/foo' }) // < 0: Exact wins
 */
export function compareMatches(a: { type: MatchType; path: string }, b: { type: MatchType; path: string }): number {
  const la = matchLength(a.type, a.path)
  const lb = matchLength(b.type, b.path)
  if (la !== lb) return lb - la
  if (a.type !== b.type) return a.type === 'Exact' ? -1 : 1
  return 0
}

/**
 * The path nginx matches locations against ($uri, ngx_http_parse_complex_uri):
 * query and fragment dropped, %XX decoded, runs of '/' merged
 * (merge_slashes on), '.' and '..' segments resolved. A '..' that climbs above
 * '/' is a 400 Bad Request in nginx.
 *
 * @example
 * normaliseRequestPath('/a//b/./c?x=1') // { path: '/a/b/c' }
 */
export function normaliseRequestPath(raw: string): { path: string } | { error: string } {
  let p = raw
  const cut = p.search(/[?#]/)
  if (cut >= 0) p = p.slice(0, cut)
  if (p === '') p = '/'
  if (!p.startsWith('/')) return { error: `the path must start with "/" (got "${raw}")` }
  p = percentDecode(p)
  const out: string[] = []
  const segs = p.split('/')
  for (let i = 1; i < segs.length; i++) {
    const s = segs[i]
    const last = i === segs.length - 1
    if (s === '' && !last) continue
    if (s === '.') {
      if (last) out.push('')
      continue
    }
    if (s === '..') {
      if (out.length === 0 || (out.length === 1 && out[0] === '')) return { error: '400 Bad Request: the path climbs above "/"' }
      out.pop()
      if (last) out.push('')
      continue
    }
    out.push(s)
  }
  // collapse a trailing empty element left after a pop into a single trailing slash
  const joined = '/' + out.join('/')
  return { path: joined.replace(/\/{2,}/g, '/') }
}

/** %XX sequences decoded as UTF-8 where they form valid text; anything else stays as written. */
function percentDecode(p: string): string {
  return p.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run)
    } catch {
      return run
    }
  })
}
