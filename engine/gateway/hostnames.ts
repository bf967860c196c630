/**
 * Hostnames as Gateway API defines them (apis/v1 shared_types.go Hostname,
 * gateway_types.go Listener.Hostname, httproute_types.go
 * HTTPRouteSpec.Hostnames). Unlike Ingress, a wildcard is a suffix match:
 * `*.example.com` matches `foo.example.com` and `foo.bar.example.com`, but
 * not `example.com`. A route attaches to a listener only when their hostnames
 * intersect, and then serves the intersection.
 */

export const isWildcard = (h: string): boolean => h.startsWith('*.')

/**
 * Does a (listener or route) hostname match the request's host?
 *
 * @example
 * hostnameMatches('*.example.com', 'a.b.example.com') // true
 * hostnameMatches('*.example.com', 'example.com') // false
 */
export function hostnameMatches(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase()
  if (!isWildcard(p)) return p === host
  return host.endsWith(p.slice(1)) && host.length > p.length - 1
}

/**
 * The hostnames a route serves through a listener: the intersection the spec
 * describes under HTTPRouteSpec.Hostnames. `undefined` when they do not
 * intersect (the route cannot attach there); `['*']` stands for "any host".
 *
 * @example
 * intersect('*.example.com', ['foo.example.com', 'foo.example.net']) // ['foo.example.com']
 * intersect('foo.example.com', ['*.example.com']) // ['foo.example.com']
 */
export function intersect(listener: string | undefined, route: string[]): string[] | undefined {
  if (!listener) return route.length ? [...route] : ['*']
  if (route.length === 0) return [listener]
  const out: string[] = []
  for (const h of route) {
    if (h === listener) out.push(h)
    else if (isWildcard(listener) && (isWildcard(h) ? h.slice(1).endsWith(listener.slice(1)) : hostnameMatches(listener, h))) out.push(h)
    else if (isWildcard(h) && (isWildcard(listener) ? listener.slice(1).endsWith(h.slice(1)) : hostnameMatches(h, listener))) out.push(listener)
  }
  return out.length ? [...new Set(out)] : undefined
}

/**
 * How specifically a hostname matches a host, for choosing among listeners
 * (the most specific wins: an exact name, then the longest wildcard, then a
 * listener without hostname) and among routes (HTTPRouteSpec.Hostnames:
 * most characters in a matching non-wildcard hostname, then in a matching
 * hostname). -1 when it does not match.
 */
export function specificity(pattern: string | undefined, host: string): { exact: number; any: number } | undefined {
  if (!pattern) return { exact: 0, any: 0 }
  if (!hostnameMatches(pattern, host)) return undefined
  return isWildcard(pattern) ? { exact: 0, any: pattern.length } : { exact: pattern.length, any: pattern.length }
}

/** Compares two specificities: negative when `a` is more specific. */
export function compareSpecificity(a: { exact: number; any: number }, b: { exact: number; any: number }): number {
  return b.exact - a.exact || b.any - a.any
}
