/**
 * What the simulated servers answer to an HTTP request, once the trace has
 * delivered the connection: agnhost netexec's handlers (test/images/agnhost
 * /netexec/netexec.go: `/` → "NOW: <time>", /hostname, /clientip →
 * r.RemoteAddr, /echo?msg=), nginx's welcome and 404 pages, Apache httpd's
 * "It works!", kube-proxy's health check JSON
 * (pkg/proxy/healthcheck), the loopback-only healthz and /proxyMode of
 * kubelet and kube-proxy, ingress-nginx's own 308/404/502/503 pages, and the
 * non-HTTP servers (Redis and PostgreSQL close the connection, MySQL and
 * sshd greet first) the way curl experiences them.
 */
import type { Cluster, Pod } from '../model/types.ts'
import type { FullTrace } from '../trace/index.ts'
import { containerArgs, imageName, imageTag, netexecHealthz } from './servers.ts'
import { corednsBuild } from '../dns/coredns-builds.ts'
import { proxyConfig } from '../dataplane/index.ts'
import { envoyLocalReply, envoyProxiedReply } from '../gateway/replies.ts'
import { echoBasicBody } from '../gateway/echo.ts'
import { runningContainers } from '../model/containers.ts'

export interface HttpRequest {
  method: string
  path: string
  host: string
  scheme: 'http' | 'https'
}

export type HttpOutcome =
  | { kind: 'http'; status: number; reason: string; headers: [string, string][]; body: string }
  /** the server closed without answering (curl: (52) Empty reply from server) */
  | { kind: 'empty' }
  /** the server spoke first, not HTTP (curl: (1) Received HTTP/0.9 when not allowed) */
  | { kind: 'http09'; banner: string }
  /** TLS to a plain-HTTP server (curl: (35) … wrong version number) */
  | { kind: 'tls-mismatch' }

const REASONS: Record<number, string> = { 200: 'OK', 308: 'Permanent Redirect', 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 412: 'Precondition Failed', 502: 'Bad Gateway', 503: 'Service Unavailable' }

/** HTTP's IMF-fixdate for the simulation's "now". @example httpDate('2026-01-15T12:00:00Z') // 'Thu, 15 Jan 2026 12:00:00 GMT' */
export function httpDate(iso: string): string {
  const d = new Date(iso)
  const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][d.getUTCDay()]
  const mon = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getUTCMonth()]
  const p = (n: number) => String(n).padStart(2, '0')
  return `${day}, ${p(d.getUTCDate())} ${mon} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} GMT`
}

/** Go's time.Time.String() of the simulation's "now", as agnhost's root handler prints it. */
function goNow(iso: string, pod?: Pod): string {
  const d = new Date(iso)
  const p = (n: number) => String(n).padStart(2, '0')
  const started = pod ? new Date(pod.meta.creationTimestamp).getTime() : d.getTime() - 300_000
  const mono = Math.max(1, (d.getTime() - started) / 1000)
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}.000000000 +0000 UTC m=+${mono.toFixed(9)}`
}

/**
 * CoreDNS's `coredns_build_info` metric for the build the Pod runs (plugin/metrics); a
 * version the simulator has no build for shows no sample rather than invented labels.
 */
function corednsBuildInfo(pod: Pod | undefined): string {
  const k = pod?.containers.find((c) => imageName(c.image) === 'coredns')
  const b = k && corednsBuild(imageTag(k.image))
  if (!b) return ''
  return `# HELP coredns_build_info A metric with a constant '1' value labeled by version, revision, and goversion from which CoreDNS was built.\n# TYPE coredns_build_info gauge\ncoredns_build_info{goversion="${b.go}",revision="${b.commit}",version="${b.version}"} 1\n`
}

function goText(cluster: Cluster, status: number, body: string): HttpOutcome {
  return { kind: 'http', status, reason: REASONS[status] ?? '', headers: [['Date', httpDate(cluster.now)], ['Content-Length', String(utf8Length(body))], ['Content-Type', 'text/plain; charset=utf-8']], body }
}

/**
 * net/http's NotFound, as a ServeMux answers a path it has no handler for: http.Error sets
 * Content-Type and X-Content-Type-Options in the handler's headers, written first, then the
 * server's Date and Content-Length (goText's order is that of a handler that sets nothing).
 */
function goNotFound(cluster: Cluster): HttpOutcome {
  const body = '404 page not found\n'
  return { kind: 'http', status: 404, reason: 'Not Found', headers: [['Content-Type', 'text/plain; charset=utf-8'], ['X-Content-Type-Options', 'nosniff'], ['Date', httpDate(cluster.now)], ['Content-Length', String(utf8Length(body))]], body }
}

function utf8Length(s: string): number {
  let n = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c <= 0xdbff ? (i++, 4) : 3
  }
  return n
}

const NGINX_WELCOME = `<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto;
font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>

<p>For online documentation and support please refer to
<a href="http://nginx.org/">nginx.org</a>.<br/>
Commercial support is available at
<a href="http://nginx.com/">nginx.com</a>.</p>

<p><em>Thank you for using nginx.</em></p>
</body>
</html>
`

function nginxPage(status: number, reason: string, server: string): string {
  return `<html>\r\n<head><title>${status} ${reason}</title></head>\r\n<body>\r\n<center><h1>${status} ${reason}</h1></center>\r\n<hr><center>${server}</center>\r\n</body>\r\n</html>\r\n`
}

/**
 * The nginx the simulator answers as: the official image nginx:1.27, which stopped at 1.27.5
 * when 1.28 replaced the branch (April 2025); server_tokens is on by default, so the version is
 * in the Server header and the error pages. Every tag answers as this one (start-here.mdx says so):
 * another version's header and its welcome page's dates would differ.
 */
const NGINX_SERVER = 'nginx/1.27.5'

/**
 * ngx_http_header_filter_module writes Server, Date, Content-Type, Content-Length,
 * Last-Modified, Location and Connection in that order, then the other headers (ETag,
 * Accept-Ranges). `server`: ingress-nginx turns server_tokens off, so it says only "nginx".
 */
function nginx(cluster: Cluster, status: number, reason: string, body: string, o: { server?: string; lastModified?: string; location?: string; extra?: [string, string][] } = {}): HttpOutcome {
  const headers: [string, string][] = [['Server', o.server ?? NGINX_SERVER], ['Date', httpDate(cluster.now)], ['Content-Type', 'text/html'], ['Content-Length', String(utf8Length(body))]]
  if (o.lastModified) headers.push(['Last-Modified', o.lastModified])
  if (o.location) headers.push(['Location', o.location])
  headers.push(['Connection', 'keep-alive'], ...(o.extra ?? []))
  return { kind: 'http', status, reason, headers, body }
}

function hostnameOf(pod: Pod | undefined, fallback: string): string {
  if (!pod) return fallback
  return pod.hostname ?? pod.meta.name
}

function splitQuery(path: string): { path: string; query: Map<string, string> } {
  const i = path.indexOf('?')
  const query = new Map<string, string>()
  if (i < 0) return { path, query }
  for (const kv of path.slice(i + 1).split('&')) {
    const j = kv.indexOf('=')
    const k = decode(j < 0 ? kv : kv.slice(0, j))
    query.set(k, decode(j < 0 ? '' : kv.slice(j + 1)))
  }
  return { path: path.slice(0, i), query }
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '))
  } catch {
    return s
  }
}

/**
 * The answer the request gets at the end of a delivered trace.
 *
 * @example
 * respond(cluster, trace, { method: 'GET', path: '/hostname', host: 'web', scheme: 'http' })
 * // { kind: 'http', status: 200, body: 'web-5d8f7c-abcde', … }
 */
export function respond(cluster: Cluster, t: FullTrace, req: HttpRequest): HttpOutcome {
  if (t.gateway) return throughGateway(cluster, t, req, t.gateway)
  const ing = t.ingress
  if (ing && ing.modelled && ing.status !== 200) return ingressOwnAnswer(cluster, ing)
  const ep = t.endpoint
  const app = t.server?.app ?? 'generic'
  const pod = ep?.pod ? cluster.index.pod.get(ep.pod) : undefined
  const tlsAtServer = req.scheme === 'https' && !(ing && ing.tls)
  const { path, query } = splitQuery(req.path || '/')

  // servers other than plain HTTP ones, and the apps' own pages: compiled only when a run reaches them (issue 20)
  if (NOT_PLAIN_HTTP.has(app) || (tlsAtServer && app !== 'ingress-nginx')) return notPlainHttp(cluster, t, req, app, path, tlsAtServer)
  // agnhost netexec's handlers, answered by every simulated HTTP server
  if (path === '/hostname' || path === '/hostName') return goText(cluster, 200, hostnameOf(pod, ep?.node ?? ep?.ip ?? ''))
  if (path === '/clientip') return goText(cluster, 200, t.seenFrom ? (t.seenFrom.ip.includes(':') ? `[${t.seenFrom.ip}]:${t.seenFrom.port}` : `${t.seenFrom.ip}:${t.seenFrom.port}`) : '')
  if (path === '/echo') return goText(cluster, 200, query.get('msg') ?? '')

  return byApp(cluster, t, req, app, pod, ep, path, query)
}

/** Through a Gateway's Envoy: its own answers, or the backend's answer as Envoy passes it on. */
function throughGateway(cluster: Cluster, t: FullTrace, req: HttpRequest, gateway: NonNullable<FullTrace['gateway']>): HttpOutcome {
  if (gateway.status !== 200) return { kind: 'http', ...envoyLocalReply(gateway, httpDate(cluster.now)) }
  const r = respond(cluster, { ...t, gateway: undefined }, { ...req, scheme: 'http' })
  return r.kind === 'http' ? { kind: 'http', ...envoyProxiedReply(r, gateway) } : r
}

/** ingress-nginx's own answer (404 no rule, 503 no endpoints, 308 to https), without proxying. */
function ingressOwnAnswer(cluster: Cluster, ing: NonNullable<FullTrace['ingress']>): HttpOutcome {
  const reason = ing.status === 503 ? 'Service Temporarily Unavailable' : REASONS[ing.status]
  return nginx(cluster, ing.status, reason, nginxPage(ing.status, reason, 'nginx'), { server: 'nginx', location: ing.location })
}

/** The apps whose answers come before netexec's handlers: servers that are not HTTP, TLS ones, kube-proxy's and kubelet's. */
const NOT_PLAIN_HTTP = new Set(['redis', 'postgres', 'coredns', 'mysql', 'sshd', 'kubelet', 'kube-apiserver', 'etcd', 'tls-component', 'kube-proxy-health', 'kubelet-healthz', 'kube-proxy-metrics', 'flanneld-healthz'])

function notPlainHttp(cluster: Cluster, t: FullTrace, req: HttpRequest, app: string, path: string, tlsAtServer: boolean): HttpOutcome {
  // servers that are not HTTP at all
  if (app === 'redis' || app === 'postgres' || app === 'coredns') return { kind: 'empty' }
  if (app === 'mysql') return { kind: 'http09', banner: '5.5.5-11.4.4-MariaDB' }
  if (app === 'sshd') return { kind: 'http09', banner: 'SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13.5' }
  // Go servers with TLS (kubelet, the API server, etcd, controller manager, scheduler)
  if (app === 'kubelet' || app === 'kube-apiserver' || app === 'etcd' || app === 'tls-component') {
    if (req.scheme === 'http') return goText(cluster, 400, 'Client sent an HTTP request to an HTTPS server.\n')
    if (app === 'kube-apiserver') {
      const body = `{\n  "kind": "Status",\n  "apiVersion": "v1",\n  "metadata": {},\n  "status": "Failure",\n  "message": "forbidden: User \\"system:anonymous\\" cannot get path \\"${path}\\"",\n  "reason": "Forbidden",\n  "details": {},\n  "code": 403\n}`
      return { kind: 'http', status: 403, reason: 'Forbidden', headers: [['Content-Type', 'application/json'], ['Date', httpDate(cluster.now)], ['Content-Length', String(utf8Length(body))]], body }
    }
    return goText(cluster, 401, 'Unauthorized')
  }
  if (tlsAtServer && app !== 'ingress-nginx') return { kind: 'tls-mismatch' }
  if (app === 'kube-proxy-health') return kubeProxyHealth(cluster, t, path)
  if (app === 'flanneld-healthz') return flanneldHealthz(cluster, path)
  // the last two of NOT_PLAIN_HTTP
  return loopbackDaemon(cluster, app as 'kubelet-healthz' | 'kube-proxy-metrics', path)
}

/** What each app answers on paths other than netexec's. */
function byApp(cluster: Cluster, t: FullTrace, req: HttpRequest, app: string, pod: Pod | undefined, ep: FullTrace['endpoint'], path: string, query: Map<string, string>): HttpOutcome {
  switch (app) {
    case 'nginx':
      // the welcome page's file in the 1.27.5 image: mtime 0x67ff9c07, 615 bytes (ETag is mtime-size)
      if (path === '/' || path === '/index.html') return nginx(cluster, 200, 'OK', NGINX_WELCOME, { lastModified: 'Wed, 16 Apr 2025 12:01:11 GMT', extra: [['ETag', '"67ff9c07-267"'], ['Accept-Ranges', 'bytes']] })
      return nginx(cluster, 404, 'Not Found', nginxPage(404, 'Not Found', NGINX_SERVER))
    case 'httpd':
      if (path === '/' || path === '/index.html') {
        const body = '<html><body><h1>It works!</h1></body></html>\n'
        // htdocs/index.html as httpd ships it since 2007: ETag is inode-less size-mtime in hex (FileETag MTime Size)
        const file: [string, string][] = [['Last-Modified', 'Mon, 11 Jun 2007 18:53:14 GMT'], ['ETag', '"2d-432a5e4a73a80"'], ['Accept-Ranges', 'bytes']]
        return { kind: 'http', status: 200, reason: 'OK', headers: [['Date', httpDate(cluster.now)], ['Server', 'Apache/2.4.63 (Unix)'], ...file, ['Content-Length', String(body.length)], ['Content-Type', 'text/html']], body }
      } else {
        const body = `<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n<title>404 Not Found</title>\n</head><body>\n<h1>Not Found</h1>\n<p>The requested URL was not found on this server.</p>\n</body></html>\n`
        return { kind: 'http', status: 404, reason: 'Not Found', headers: [['Date', httpDate(cluster.now)], ['Server', 'Apache/2.4.63 (Unix)'], ['Content-Length', String(body.length)], ['Content-Type', 'text/html; charset=iso-8859-1']], body }
      }
    case 'serve-hostname':
      return goText(cluster, 200, hostnameOf(pod, ''))
    case 'coredns-health':
      return path === '/health' ? goText(cluster, 200, 'OK') : goNotFound(cluster)
    case 'coredns-ready':
      return path === '/ready' ? goText(cluster, 200, 'OK') : goNotFound(cluster)
    case 'coredns-metrics':
      return path === '/metrics'
        ? goText(cluster, 200, corednsBuildInfo(pod))
        : goNotFound(cluster)
    case 'echo-basic': {
      // through ingress-nginx: the forwarding headers its nginx.tmpl sets (X-Request-ID, a random id, is not modelled)
      const viaNginx: [string, string][] = t.ingress && t.http?.forwardedFor ? [['X-Real-Ip', t.http.forwardedFor], ['X-Forwarded-For', t.http.forwardedFor], ['X-Forwarded-Host', req.host], ['X-Forwarded-Port', String(t.port ?? (req.scheme === 'https' ? 443 : 80))], ['X-Forwarded-Proto', req.scheme], ['X-Forwarded-Scheme', req.scheme], ['X-Scheme', req.scheme]] : []
      const body = echoBasicBody(pod, { method: req.method, path: t.http?.path ?? req.path, host: t.http?.host ?? req.host }, [...(t.http?.headers ?? []), ...viaNginx])
      return { kind: 'http', status: 200, reason: 'OK', headers: [['Content-Type', 'application/json'], ['X-Content-Type-Options', 'nosniff'], ['Date', httpDate(cluster.now)], ['Content-Length', String(utf8Length(body))]], body }
    }
    case 'ingress-nginx':
      return nginx(cluster, 404, 'Not Found', nginxPage(404, 'Not Found', 'nginx'), { server: 'nginx' })
    case 'agnhost':
      if (path === '/healthz') return goText(cluster, pod ? netexecHealthz(containerArgs(pod, t.server?.container)) : 200, '')
      return goText(cluster, 200, `NOW: ${goNow(cluster.now, pod)}`)
    default:
      if (ep?.kind === 'external') {
        const body = `<!doctype html>\n<html>\n<head><title>${req.host}</title></head>\n<body><p>${req.host}: a host outside the cluster (simulated)</p></body>\n</html>\n`
        return { kind: 'http', status: 200, reason: 'OK', headers: [['Date', httpDate(cluster.now)], ['Content-Type', 'text/html; charset=UTF-8'], ['Content-Length', String(utf8Length(body))]], body }
      }
      return goText(cluster, 200, `NOW: ${goNow(cluster.now, pod)}`)
  }
}

/**
 * The plain-HTTP servers daemons keep on 127.0.0.1: kubelet's healthz
 * (10248, k8s.io/apiserver healthz.InstallHandler: "ok") and kube-proxy's
 * metrics server (10249, cmd/kube-proxy/app/server.go serveMetrics: /healthz,
 * and /proxyMode printing the mode). /metrics and /configz exist there too
 * but are not modelled: like unknown paths they answer 404 here.
 */
function loopbackDaemon(cluster: Cluster, app: 'kubelet-healthz' | 'kube-proxy-metrics', path: string): HttpOutcome {
  const plain = (body: string): HttpOutcome => ({ kind: 'http', status: 200, reason: 'OK', headers: [['Content-Type', 'text/plain; charset=utf-8'], ['X-Content-Type-Options', 'nosniff'], ['Date', httpDate(cluster.now)], ['Content-Length', String(utf8Length(body))]], body })
  if (path === '/healthz') return plain('ok')
  if (app === 'kube-proxy-metrics' && path === '/proxyMode') return plain(proxyConfig(cluster).mode)
  return goNotFound(cluster)
}

/**
 * flanneld's healthz server (flannel v0.28.9 main.go mustRunHealthz, on http.DefaultServeMux):
 * /healthz "flanneld is running", /readyz "flanneld is ready" once subnet.env is written (the
 * simulated agent has long finished starting), other paths net/http's NotFound (http.Error:
 * Content-Type and X-Content-Type-Options set by the handler, then Date and Content-Length).
 */
function flanneldHealthz(cluster: Cluster, path: string): HttpOutcome {
  if (path === '/healthz') return goText(cluster, 200, 'flanneld is running')
  if (path === '/readyz') return goText(cluster, 200, 'flanneld is ready')
  return goNotFound(cluster)
}

/** kube-proxy's health servers: /healthz on 10256, and each healthCheckNodePort (pkg/proxy/healthcheck). */
function kubeProxyHealth(cluster: Cluster, t: FullTrace, path: string): HttpOutcome {
  const node = t.endpoint?.node ? cluster.index.node.get(t.endpoint.node) : undefined
  const json = (status: number, body: string): HttpOutcome => ({ kind: 'http', status, reason: REASONS[status] ?? '', headers: [['Content-Type', 'application/json'], ['X-Content-Type-Options', 'nosniff'], ['Date', httpDate(cluster.now)], ['Content-Length', String(utf8Length(body))]], body })
  if (t.port === 10256) {
    if (path !== '/healthz' && path !== '/livez') return goNotFound(cluster)
    // pkg/proxy/healthcheck/proxy_health.go: fmt.Fprintf(`{"lastUpdated": %q,"currentTime": %q, "nodeEligible": %v}`) of two time.Time values
    const now = goNow(cluster.now).replace(/ m=.*$/, '')
    return json(200, `{"lastUpdated": "${now}","currentTime": "${now}", "nodeEligible": true}`)
  }
  const svc = cluster.services.find((s) => s.healthCheckNodePort === t.port)
  if (!svc || !node) return goNotFound(cluster)
  let local = 0
  for (const sl of cluster.index.slicesByService.get(`${svc.meta.namespace}/${svc.meta.name}`) ?? []) for (const e of sl.endpoints) if (e.nodeName === node.meta.name && e.conditions.ready) local++
  const out = json(local > 0 ? 200 : 503, `{\n\t"service": {\n\t\t"namespace": "${svc.meta.namespace}",\n\t\t"name": "${svc.meta.name}"\n\t},\n\t"localEndpoints": ${local},\n\t"serviceProxyHealthy": true\n}`)
  if (out.kind === 'http') out.headers.splice(2, 0, ['X-Load-Balancing-Endpoint-Weight', String(local)])
  return out
}

