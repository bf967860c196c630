/**
 * HTTPRoute filters (apis/v1 httproute_types.go HTTPRouteFilter): what they
 * do to one request. RequestHeaderModifier and ResponseHeaderModifier set
 * (replace), add (append) and remove headers; RequestRedirect answers
 * itself with a Location built from the request (HTTPRequestRedirectFilter:
 * without a port, the scheme's well-known port when a scheme is given, else
 * the listener's port; a well-known port is left out of the Location);
 * URLRewrite changes the Host and path before the backend sees them
 * (ReplacePrefixMatch replaces only the matched prefix); RequestMirror sends a
 * copy whose answer is ignored.
 */
import { read } from '../cluster/context.ts'
import type { Json } from '../model/types.ts'
import type { FilterView, HTTPMatchView } from './model.ts'
import type { ListenerState } from './attach.ts'

export interface FilterOutcome {
  /** header edits on the request, in order: [op, name, value] */
  requestHeaders: [string, string, string][]
  responseHeaders: [string, string, string][]
  redirect?: { statusCode: number; location: string }
  rewrite?: { host?: string; path?: string }
  mirrors: string[]
  notes: string[]
}

function headerEdits(v: Json | undefined): [string, string, string][] {
  const o = read.fields(v)
  const out: [string, string, string][] = []
  for (const h of read.arr(o.set)) out.push(['set', read.str(read.path(h, 'name')) ?? '', read.str(read.path(h, 'value')) ?? ''])
  for (const h of read.arr(o.add)) out.push(['add', read.str(read.path(h, 'name')) ?? '', read.str(read.path(h, 'value')) ?? ''])
  for (const h of read.arr(o.remove)) if (typeof h === 'string') out.push(['remove', h, ''])
  return out
}

/** ReplacePrefixMatch: the matched prefix (whole elements) replaced, the rest kept. */
export function replacePrefix(path: string, prefix: string, replacement: string): string {
  const p = prefix.replace(/\/+$/, '')
  const rest = path.slice(p.length)
  const rep = replacement.replace(/\/+$/, '')
  const out = `${rep}${rest}`
  return out === '' ? '/' : out.startsWith('/') ? out : `/${out}`
}

function modifiedPath(v: Json | undefined, path: string, match: HTTPMatchView): string | undefined {
  const o = read.obj(v)
  if (!o) return undefined
  if (o.type === 'ReplaceFullPath') return read.str(o.replaceFullPath) ?? '/'
  if (o.type === 'ReplacePrefixMatch' && match.path.type === 'PathPrefix') return replacePrefix(path, match.path.value, read.str(o.replacePrefixMatch) ?? '/')
  return undefined
}

export function applyFilters(filters: FilterView[], req: { host: string; path: string; query: string; scheme: string; port: number }, match: HTTPMatchView, listener: ListenerState, host: string): FilterOutcome {
  const out: FilterOutcome = { requestHeaders: [], responseHeaders: [], mirrors: [], notes: [] }
  for (const f of filters) {
    switch (f.type) {
      case 'RequestHeaderModifier':
        out.requestHeaders.push(...headerEdits(f.raw.requestHeaderModifier))
        break
      case 'ResponseHeaderModifier':
        out.responseHeaders.push(...headerEdits(f.raw.responseHeaderModifier))
        break
      case 'RequestRedirect': {
        const r = read.fields(f.raw.requestRedirect)
        const scheme = read.str(r.scheme)
        const toScheme = scheme ?? req.scheme
        const port = read.num(r.port) ?? (scheme ? (scheme === 'https' ? 443 : 80) : listener.view.port)
        const wellKnown = (toScheme === 'https' && port === 443) || (toScheme === 'http' && port === 80)
        const h = read.str(r.hostname) ?? host
        const path = modifiedPath(r.path, req.path, match) ?? req.path
        const location = `${toScheme}://${h}${wellKnown ? '' : `:${port}`}${path}${req.query ? `?${req.query}` : ''}`
        out.redirect = { statusCode: read.num(r.statusCode) ?? 302, location }
        break
      }
      case 'URLRewrite': {
        const r = read.fields(f.raw.urlRewrite)
        out.rewrite = { host: read.str(r.hostname), path: modifiedPath(r.path, req.path, match) }
        break
      }
      case 'RequestMirror': {
        const b = read.fields(read.path(f.raw.requestMirror, 'backendRef'))
        const pct = read.num(read.path(f.raw.requestMirror, 'percent'))
        out.mirrors.push(`${read.str(b.name) ?? ''}:${read.num(b.port) ?? ''}${pct !== undefined ? ` (${pct}% of requests)` : ''}`)
        break
      }
      case 'ExtensionRef':
        out.notes.push(`ExtensionRef filter ${read.str(read.path(f.raw.extensionRef, 'kind')) ?? ''}/${read.str(read.path(f.raw.extensionRef, 'name')) ?? ''} is implementation-specific and not simulated`)
        break
      case 'CORS':
        out.notes.push('the CORS filter only changes preflight and response headers; it is not simulated')
        break
    }
  }
  return out
}
