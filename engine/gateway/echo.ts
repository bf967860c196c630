/**
 * The echo server of the gateway-api conformance suite
 * (kubernetes-sigs/gateway-api conformance/echo-basic/echo-basic.go, v1.6.1):
 * on every path but /health and /status/ it answers 200 with the request it
 * received as indented JSON (json.MarshalIndent with a one-space indent):
 * path (the request URI), host, method, proto, headers (Go's canonical
 * names, sorted, each a list), httpPort (HTTP_PORT, default 3000), and
 * namespace, ingress, service and pod from its environment (NAMESPACE,
 * INGRESS_NAME, SERVICE_NAME, POD_NAME; the suite's manifests fill NAMESPACE
 * and POD_NAME from the downward API). The headers are those the simulator
 * models: the client's, and X-Forwarded-For, X-Forwarded-Proto and
 * X-Envoy-External-Address when Envoy proxied the request, after the
 * route's RequestHeaderModifier.
 */
import type { Pod } from '../model/types.ts'
import { read } from '../cluster/context.ts'

/** net/textproto CanonicalMIMEHeaderKey. @example canonicalHeader('x-forwarded-for') // 'X-Forwarded-For' */
export function canonicalHeader(name: string): string {
  if (!/^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/.test(name)) return name
  return name
    .split('-')
    .map((p) => (p ? p.charAt(0).toUpperCase() + p.slice(1).toLowerCase() : p))
    .join('-')
}

function envValue(pod: Pod | undefined, name: string): string {
  if (!pod) return ''
  for (const c of read.arr(read.path(pod.raw, 'spec', 'containers'))) {
    for (const e of read.arr(read.path(c, 'env'))) {
      if (read.str(read.path(e, 'name')) !== name) continue
      const v = read.str(read.path(e, 'value'))
      if (v !== undefined) return v
      const field = read.str(read.path(e, 'valueFrom', 'fieldRef', 'fieldPath'))
      if (field === 'metadata.namespace') return pod.meta.namespace
      if (field === 'metadata.name') return pod.meta.name
      return ''
    }
  }
  return ''
}

/** The JSON body echo-basic answers with. */
export function echoBasicBody(pod: Pod | undefined, req: { method: string; path: string; host: string }, headers: [string, string][]): string {
  const map: Record<string, string[]> = {}
  for (const [k, v] of headers) {
    const key = canonicalHeader(k)
    if (key === 'Host') continue
    ;(map[key] ??= []).push(v)
  }
  const sorted: Record<string, string[]> = {}
  for (const k of Object.keys(map).sort()) sorted[k] = map[k]
  const body = {
    path: req.path,
    host: req.host,
    method: req.method,
    proto: 'HTTP/1.1',
    headers: sorted,
    httpPort: envValue(pod, 'HTTP_PORT') || '3000',
    namespace: envValue(pod, 'NAMESPACE'),
    ingress: envValue(pod, 'INGRESS_NAME'),
    service: envValue(pod, 'SERVICE_NAME'),
    pod: envValue(pod, 'POD_NAME'),
  }
  // Go's encoder escapes <, > and & in strings
  return JSON.stringify(body, null, 1).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026')
}

/** Header edits of a RequestHeaderModifier applied to a header list (names compare without case). */
export function editHeaders(list: [string, string][], edits: [string, string, string][]): [string, string][] {
  let out = [...list]
  for (const [op, name, value] of edits) {
    const lower = name.toLowerCase()
    if (op === 'remove') out = out.filter(([k]) => k.toLowerCase() !== lower)
    else if (op === 'set') {
      const i = out.findIndex(([k]) => k.toLowerCase() === lower)
      out = out.filter(([k], j) => k.toLowerCase() !== lower || j === i)
      if (i >= 0) out[out.findIndex(([k]) => k.toLowerCase() === lower)] = [name, value]
      else out.push([name, value])
    } else out.push([name, value])
  }
  return out
}
