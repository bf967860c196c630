/**
 * Host matching. The Ingress API: a precise host matches the HTTP Host header
 * exactly; a wildcard `*.foo.com` matches exactly one extra DNS label
 * (bar.foo.com, not baz.bar.foo.com nor foo.com). ingress-nginx renders a
 * wildcard as the server_name regex `~^(?<subdomain>[\w-]+)\.foo\.com$`
 * (template.go buildServerName), which is what is modelled here.
 */

/**
 * The Host header as nginx compares it: lowercased, port and one trailing dot
 * removed (ngx_http_validate_host).
 *
 * @example
 * normaliseHost('Foo.Example.com:8080') // 'foo.example.com'
 */
export function normaliseHost(raw: string): string {
  let h = raw.trim().toLowerCase()
  if (h.startsWith('[')) {
    const end = h.indexOf(']')
    return end > 0 ? h.slice(0, end + 1) : h
  }
  const colon = h.lastIndexOf(':')
  if (colon >= 0 && h.indexOf(':') === colon) h = h.slice(0, colon)
  if (h.endsWith('.')) h = h.slice(0, -1)
  return h
}

export function isWildcardHost(host: string): boolean {
  return host.startsWith('*.')
}

/** Does the single-label wildcard `*.suffix` match this (normalised) host? */
export function wildcardMatches(wildcard: string, host: string): boolean {
  const suffix = wildcard.slice(2).toLowerCase()
  if (!host.endsWith(`.${suffix}`)) return false
  const label = host.slice(0, host.length - suffix.length - 1)
  return /^[A-Za-z0-9_-]+$/.test(label)
}

/**
 * Precise or wildcard rule host against a request host ('' matches every host).
 *
 * @example
 * hostMatches('*.foo.com', 'bar.foo.com') // true
 * hostMatches('*.foo.com', 'baz.bar.foo.com') // false
 */
export function hostMatches(ruleHost: string, host: string): boolean {
  if (ruleHost === '') return true
  return isWildcardHost(ruleHost) ? wildcardMatches(ruleHost, host) : ruleHost.toLowerCase() === host
}
