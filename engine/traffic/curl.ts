/**
 * curl (8.x): one request per URL, through the simulated network, with curl's
 * own messages and exit codes (lib/connect.c, lib/multi.c, lib/strerror.c):
 * (6) Could not resolve host, (7) Failed to connect … Couldn't connect to
 * server, (28) a timeout, (52) Empty reply from server, (35)/(60) TLS
 * problems, (22) with --fail. -v prints the connection lines curl prints.
 * Without --connect-timeout or -m, a connection that gets no answer fails
 * when the kernel gives up (about 127 s of SYN retries).
 */
import type { Invocation, Output, Program } from '../shell/types.ts'
import type { FullTrace } from '../trace/index.ts'
import { hostPort } from '../trace/context.ts'
import { connectionOf } from './connection-log.ts'
import { connect, kernelTimeoutMs, lookupFailed, refusedAfter } from './connect.ts'
import { respond } from './http.ts'
import type { HttpOutcome } from './http.ts'

const VERSION = '8.11.1'

interface CurlOptions {
  urls: string[]
  silent: boolean
  showError: boolean
  verbose: boolean
  include: boolean
  head: boolean
  insecure: boolean
  location: boolean
  output?: string
  writeOut?: string
  maxTime?: number
  connectTimeout?: number
  headers: [string, string][]
  resolve: { host: string; port?: number; ip: string }[]
  method?: string
  fail: boolean
  userAgent: string
  family?: 'IPv4' | 'IPv6'
}

const WITH_ARG = new Set(['o', 'w', 'm', 'H', 'X', 'd', 'A', 'u', 'e', 'x', 'T', 'F', 'b', 'c', 'r', 'C', 'E', 'K', 'Y', 'y', 'z', 'P', 'Q'])
const LONG_WITH_ARG = new Set(['--output', '--write-out', '--max-time', '--connect-timeout', '--header', '--resolve', '--request', '--data', '--data-raw', '--data-binary', '--user-agent', '--retry', '--retry-delay', '--retry-max-time', '--user', '--referer', '--cacert', '--cert', '--key', '--proxy', '--interface', '--local-port', '--url'])

function usageError(msg: string): Output {
  return { exitCode: 2, stdout: '', stderr: `curl: ${msg}\ncurl: try 'curl --help' or 'curl --manual' for more information\n` }
}

/** curl's options other than the plain switches: those with a value, the accepted no-ops, the unknown. */
function applyMore(o: CurlOptions, flag: string, value: string | undefined): Output | undefined {
  switch (flag) {
    case '-o': case '--output': o.output = value; break
    case '-w': case '--write-out': o.writeOut = value; break
    case '-m': case '--max-time': o.maxTime = Number(value); if (!Number.isFinite(o.maxTime)) return usageError(`option ${flag}: expected a proper numerical parameter`); break
    case '--connect-timeout': o.connectTimeout = Number(value); if (!Number.isFinite(o.connectTimeout)) return usageError(`option ${flag}: expected a proper numerical parameter`); break
    case '-H': case '--header': {
      const i = value!.indexOf(':')
      if (i > 0) o.headers.push([value!.slice(0, i).trim(), value!.slice(i + 1).trim()])
      break
    }
    case '--resolve': {
      const m = /^\+?([^:]+|\[[^\]]+\]):(\d+|\*):(.+)$/.exec(value!)
      if (!m) return usageError(`option --resolve: is badly used here`)
      o.resolve.push({ host: m[1], port: m[2] === '*' ? undefined : Number(m[2]), ip: m[3].replace(/^\[|\]$/g, '').split(',')[0] })
      break
    }
    case '-X': case '--request': o.method = value; break
    case '-d': case '--data': case '--data-raw': case '--data-binary': o.method ??= 'POST'; break
    case '-A': case '--user-agent': o.userAgent = value!; break
    case '--url': o.urls.push(value!); break
    case '-4': case '--ipv4': o.family = 'IPv4'; break
    case '-6': case '--ipv6': o.family = 'IPv6'; break
    case '--http1.1': case '--compressed': case '-N': case '--no-buffer': case '--retry': case '--retry-delay': case '--retry-max-time': case '-#': case '--progress-bar': case '--fail-with-body': case '--no-progress-meter':
      if (flag === '--fail-with-body') o.fail = true
      break
    default:
      return usageError(`option ${flag}: is unknown`)
  }
  return undefined
}

function parse(args: string[]): CurlOptions | Output {
  const o: CurlOptions = { urls: [], silent: false, showError: false, verbose: false, include: false, head: false, insecure: false, location: false, headers: [], resolve: [], fail: false, userAgent: `curl/${VERSION}` }
  const apply = (flag: string, value: string | undefined): Output | undefined => {
    switch (flag) {
      case '-s': case '--silent': o.silent = true; break
      case '-S': case '--show-error': o.showError = true; break
      case '-v': case '--verbose': o.verbose = true; break
      case '-i': case '--include': o.include = true; break
      case '-I': case '--head': o.head = true; break
      case '-k': case '--insecure': o.insecure = true; break
      case '-L': case '--location': o.location = true; break
      case '-f': case '--fail': o.fail = true; break
      // the options with a value, and the rest: compiled when a command line has one (issue 20)
      default: return applyMore(o, flag, value)
    }
    return undefined
  }
  for (let i = 0; i < args.length; i++) {
    const a = args[i]
    if (a.startsWith('--')) {
      const eq = a.indexOf('=')
      const flag = eq > 0 ? a.slice(0, eq) : a
      let value: string | undefined = eq > 0 ? a.slice(eq + 1) : undefined
      if (LONG_WITH_ARG.has(flag) && value === undefined) {
        value = args[++i]
        if (value === undefined) return usageError(`option ${flag}: requires parameter`)
      }
      const e = apply(flag, value)
      if (e) return e
    } else if (a.startsWith('-') && a.length > 1) {
      // bundled short options: -sSL, -so /dev/null, -m5
      for (let j = 1; j < a.length; j++) {
        const f = a[j]
        if (WITH_ARG.has(f)) {
          const rest = a.slice(j + 1)
          const value = rest !== '' ? rest : args[++i]
          if (value === undefined) return usageError(`option -${f}: requires parameter`)
          const e = apply(`-${f}`, value)
          if (e) return e
          break
        }
        const e = apply(`-${f}`, undefined)
        if (e) return e
      }
    } else o.urls.push(a)
  }
  return o
}

interface Url {
  scheme: 'http' | 'https'
  host: string
  port: number
  path: string
  text: string
}

function parseUrl(text: string): Url | { code: number; message: string } {
  let t = text
  const sch = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(t)
  let scheme = 'http'
  if (sch) {
    scheme = sch[1].toLowerCase()
    t = t.slice(sch[0].length)
  }
  if (scheme !== 'http' && scheme !== 'https') return { code: 1, message: `Protocol "${scheme}" not supported` }
  const m = /^(\[[^\]]*\]|[^/:?#]*)(?::(\d*))?([/?#].*)?$/.exec(t)
  if (!m || m[1] === '') return { code: 3, message: `URL rejected: ${m && m[1] === '' ? 'No host part in the URL' : 'Malformed input to a URL function'}` }
  const port = m[2] ? Number(m[2]) : scheme === 'https' ? 443 : 80
  if (port > 65535) return { code: 3, message: 'URL rejected: Port number was not a decimal number between 0 and 65535' }
  let path = m[3] ?? '/'
  if (path.startsWith('?')) path = `/${path}`
  path = path.replace(/#.*$/, '')
  return { scheme: scheme as 'http' | 'https', host: m[1].replace(/^\[|\]$/g, ''), port, path, text }
}

export const curlProgram: Program = {
  places: ['workstation', 'pod', 'node'],
  summary: 'transfer a URL (curl 8): HTTP through the simulated network, Services, NodePorts, Ingress',
  usage: [
    'curl [-sSvikLf] [-o FILE] [-w FORMAT] [-m SECONDS] [--connect-timeout SECONDS] [-H "Host: NAME"] [--resolve HOST:PORT:ADDR] URL',
    'the servers answer like Kubernetes\' agnhost netexec: /hostname (the Pod\'s name), /clientip (the address and port the server saw)',
  ],
  run(inv) {
    const p = parse(inv.argv.slice(1))
    if ('exitCode' in p) return p
    if (p.urls.length === 0) return usageError('no URL specified')
    let stdout = ''
    let stderr = ''
    let exit = 0
    const traces: FullTrace[] = []
    for (const u of p.urls) {
      const r = fetchOne(inv, p, u, 0, traces)
      stdout += r.stdout
      stderr += r.stderr
      exit = r.exitCode
    }
    return { exitCode: exit, stdout, stderr, data: traces.length === 1 ? traces[0] : traces }
  },
}

function fail(o: CurlOptions, code: number, message: string, verbose: string): Output {
  const shown = !o.silent || o.showError
  return { exitCode: code, stdout: '', stderr: `${verbose}${shown ? `curl: (${code}) ${message}\n` : ''}` }
}

function fetchOne(inv: Invocation, o: CurlOptions, text: string, depth: number, traces: FullTrace[]): Output {
  const u = parseUrl(text)
  if ('code' in u) return fail(o, u.code, u.message, '')
  const hostHeader = o.headers.find(([k]) => k.toLowerCase() === 'host')?.[1] ?? (u.port === (u.scheme === 'https' ? 443 : 80) ? u.host : `${u.host}:${u.port}`)
  const method = o.method ?? (o.head ? 'HEAD' : 'GET')
  const t = connect(inv, {
    host: u.host,
    port: u.port,
    proto: 'TCP',
    http: { scheme: u.scheme, host: hostHeader.replace(/:\d+$/, ''), path: u.path, method, headers: [['User-Agent', o.userAgent], ['Accept', '*/*'], ...o.headers.filter(([k]) => k.toLowerCase() !== 'host')], sequence: traces.length },
    resolve: o.resolve.map((r) => ({ ...r })),
    family: o.family,
  })
  traces.push(t)
  let v = ''
  const ip = t.address
  const literal = ip === u.host
  const unresolved = lookupFailed(t)
  if (o.verbose && !unresolved) v += verboseTrying(u, ip, literal)
  // no connection: a path of its own, compiled only when a run takes it (issue 20)
  if (unresolved || t.result === 'refused' || t.result === 'timeout' || t.result === 'dropped') return notConnected(o, u, t, v, ip, unresolved)
  // connected
  if (o.verbose) v += `* Connected to ${u.host} (${ip}) port ${u.port}\n`
  const res: HttpOutcome = respond(inv.cluster, t, { method, path: u.path, host: hostHeader, scheme: u.scheme })
  if (u.scheme === 'https') {
    const r = tls(inv, o, t, res, v)
    if (typeof r !== 'string') return r
    v = r
  }
  if (res.kind !== 'http') return notHttp(o, res, v, method, u, hostHeader)
  // what went over the wire, for tcpdump later in the run (plain HTTP only: over TLS a capture shows no HTTP)
  const record = connectionOf(inv.session, t)
  if (record && u.scheme === 'http') {
    const request = `${requestLines(o, method, u, hostHeader).replace(/^> /gm, '').replace(/\n/g, '\r\n')}`
    const response = statusBlock(res) + (method === 'HEAD' ? '' : res.body)
    record.exchange = { request: `${method} ${u.path} HTTP/1.1`, requestBytes: utf8Length(request), response: `HTTP/1.1 ${res.status} ${res.reason}`, responseBytes: utf8Length(response) }
  }
  if (o.verbose) v += verboseExchange(o, method, u, hostHeader, res)
  // follow redirects
  if (o.location && res.status >= 300 && res.status < 400 && depth < 5) {
    const next = follow(inv, o, u, res, v, depth, traces)
    if (next) return next
  }
  if (o.fail && res.status >= 400) {
    return fail(o, 22, `The requested URL returned error: ${res.status}`, o.verbose ? `${v}* The requested URL returned error: ${res.status}\n* closing connection #0\n` : '')
  }
  if (o.verbose) v += `* Connection #0 to host ${u.host} left intact\n`
  const body = method === 'HEAD' ? '' : res.body
  let stdout = ''
  if (o.include || o.head) stdout += statusBlock(res)
  if (o.output === undefined || o.output === '-') stdout += body
  let stderr = v
  if (o.output !== undefined && o.output !== '-' && !o.silent) stderr += progressMeter(body.length)
  if (o.writeOut) stdout += writeOut(o.writeOut, res.status, t, u, body.length)
  return { exitCode: 0, stdout, stderr }
}

/** curl -v: where the name resolved to, and the connection attempt. */
function verboseTrying(u: Url, ip: string | undefined, literal: boolean): string {
  let v = ''
  if (!literal) {
    const fam = ip?.includes(':') ? 'IPv6' : 'IPv4'
    v += `* Host ${u.host}:${u.port} was resolved.\n* IPv6: ${fam === 'IPv6' ? ip : '(none)'}\n* IPv4: ${fam === 'IPv4' ? ip : '(none)'}\n`
  }
  return v + `*   Trying ${hostPort(ip ?? u.host, u.port)}...\n`
}

/** curl -v: the request sent and the response's status line and headers. */
function verboseExchange(o: CurlOptions, method: string, u: Url, hostHeader: string, res: Extract<HttpOutcome, { kind: 'http' }>): string {
  return `* using HTTP/1.x\n${requestLines(o, method, u, hostHeader)}* Request completely sent off\n`
    + `< HTTP/1.1 ${res.status} ${res.reason}\n${res.headers.map(([k, val]) => `< ${k}: ${val}\n`).join('')}< \n`
}

/** curl -L on a redirect: the next request's output after this one's, or undefined without a Location. */
function follow(inv: Invocation, o: CurlOptions, u: Url, res: Extract<HttpOutcome, { kind: 'http' }>, v: string, depth: number, traces: FullTrace[]): Output | undefined {
  const location = res.headers.find(([k]) => k.toLowerCase() === 'location')?.[1]
  if (!location) return undefined
  const next = fetchOne(inv, o, location, depth + 1, traces)
  const head = o.include ? statusBlock(res) : ''
  return { exitCode: next.exitCode, stdout: head + next.stdout, stderr: (o.verbose ? `${v}* Ignoring the response-body\n* Connection #0 to host ${u.host} left intact\n* Issue another request to this URL: '${location}'\n` : '') + next.stderr }
}

/** curl when the name did not resolve or the connection failed (refused, timed out, dropped). */
function notConnected(o: CurlOptions, u: Url, t: FullTrace, v: string, ip: string | undefined, unresolved: boolean): Output {
  const timeoutLimit = o.connectTimeout ?? o.maxTime
  if (unresolved) {
    if (t.dns?.rcode === 'TIMEOUT' && timeoutLimit !== undefined) {
      return fail(o, 28, `Resolving timed out after ${Math.round(timeoutLimit * 1000) + 2} milliseconds`, o.verbose ? `* Resolving timed out after ${Math.round(timeoutLimit * 1000) + 2} milliseconds\n* closing connection #0\n` : '')
    }
    return fail(o, 6, `Could not resolve host: ${u.host}`, o.verbose ? `* Could not resolve host: ${u.host}\n* shutting down connection #0\n` : '')
  }
  if (t.result === 'refused') {
    const ms = refusedAfter(t)
    const msg = `Failed to connect to ${u.host} port ${u.port} after ${ms} ms: Couldn't connect to server`
    const from = t.client ? ` from ${t.client.src} port ${t.client.sport}` : ''
    return fail(o, 7, msg, o.verbose ? `${v}* connect to ${ip} port ${u.port}${from} failed: Connection refused\n* ${msg}\n* closing connection #0\n` : '')
  }
  // timed out or dropped
  if (timeoutLimit !== undefined) {
    const msg = `Connection timed out after ${Math.round(timeoutLimit * 1000) + 2} milliseconds`
    return fail(o, 28, msg, o.verbose ? `${v}* ${msg}\n* closing connection #0\n` : '')
  }
  const ms = kernelTimeoutMs(t)
  const msg = `Failed to connect to ${u.host} port ${u.port} after ${ms} ms: Couldn't connect to server`
  const from = t.client ? ` from ${t.client.src} port ${t.client.sport}` : ''
  return fail(o, 28, msg, o.verbose ? `${v}* connect to ${ip} port ${u.port}${from} failed: Connection timed out\n* ${msg}\n* closing connection #0\n` : '')
}

/** curl over https: the TLS handshake as the simulated server answers it; the failure, or the verbose text so far. */
function tls(inv: Invocation, o: CurlOptions, t: FullTrace, res: HttpOutcome, v: string): Output | string {
  if (res.kind === 'tls-mismatch') return fail(o, 35, 'OpenSSL/3.3.2: error:0A00010B:SSL routines::wrong version number', o.verbose ? `${v}* ALPN: curl offers h2,http/1.1\n* TLSv1.3 (OUT), TLS handshake, Client hello (1):\n* OpenSSL/3.3.2: error:0A00010B:SSL routines::wrong version number\n* closing connection #0\n` : '')
  // the simulator takes a certificate from the reader's own Secret to be trusted; the controller's fake one and the cluster CA's are not
  const trusted = (!!t.ingress && ingressHasSecret(inv, t)) || !!t.gateway?.tlsFromSecret
  if (!o.insecure && !trusted) {
    const details = '\nMore details here: https://curl.se/docs/sslcerts.html\n\ncurl failed to verify the legitimacy of the server and therefore could not\nestablish a secure connection to it. To learn more about this situation and\nhow to fix it, please visit the webpage mentioned above.\n'
    const out = fail(o, 60, 'SSL certificate problem: self-signed certificate', o.verbose ? `${v}* SSL certificate problem: self-signed certificate\n* closing connection #0\n` : '')
    return { ...out, stderr: out.stderr + (out.stderr.includes('curl: (60)') ? details : '') }
  }
  if (o.verbose) v += `* SSL connection using TLSv1.3 / TLS_AES_256_GCM_SHA384 / x25519 / RSASSA-PSS\n${o.insecure ? '*  SSL certificate verify result: self-signed certificate (18), continuing anyway.\n' : ''}`
  return v
}

/** A server that does not answer HTTP. */
function notHttp(o: CurlOptions, res: Exclude<HttpOutcome, { kind: 'http' }>, v: string, method: string, u: Url, hostHeader: string): Output {
  if (res.kind === 'empty') return fail(o, 52, 'Empty reply from server', o.verbose ? `${v}* using HTTP/1.x\n${requestLines(o, method, u, hostHeader)}* Request completely sent off\n* Empty reply from server\n* shutting down connection #0\n` : '')
  if (res.kind === 'http09') return fail(o, 1, 'Received HTTP/0.9 when not allowed', o.verbose ? `${v}* using HTTP/1.x\n${requestLines(o, method, u, hostHeader)}* Request completely sent off\n* Received HTTP/0.9 when not allowed\n* closing connection #0\n` : '')
  return fail(o, 52, 'Empty reply from server', '') // tls-mismatch
}

function utf8Length(s: string): number {
  return new TextEncoder().encode(s).length
}

function ingressHasSecret(inv: Invocation, t: FullTrace): boolean {
  // a TLS section with a Secret: the reader's certificate, taken to be trusted by the client
  if (!t.ingress?.ingress) return false
  const ing = inv.cluster.ingresses.find((g) => `${g.meta.namespace}/${g.meta.name}` === t.ingress!.ingress)
  const tls = ing?.spec.tls
  return Array.isArray(tls) && tls.some((x) => !!x && typeof x === 'object' && !Array.isArray(x) && typeof x.secretName === 'string' && x.secretName !== '')
}

function requestLines(o: CurlOptions, method: string, u: Url, host: string): string {
  const extra = o.headers.filter(([k]) => k.toLowerCase() !== 'host').map(([k, val]) => `> ${k}: ${val}\n`).join('')
  return `> ${method} ${u.path} HTTP/1.1\n> Host: ${host}\n> User-Agent: ${o.userAgent}\n> Accept: */*\n${extra}> \n`
}

function statusBlock(res: Extract<HttpOutcome, { kind: 'http' }>): string {
  return `HTTP/1.1 ${res.status} ${res.reason}\r\n${res.headers.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`
}

function progressMeter(bytes: number): string {
  const n = String(bytes).padStart(5)
  return `  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n                                 Dload  Upload   Total   Spent    Left  Speed\n\r  0     0    0     0    0     0      0      0 --:--:-- --:--:-- --:--:--     0\r100 ${n}  100 ${n}    0     0   ${String(bytes).padStart(4)}k      0 --:--:-- --:--:-- --:--:--  ${String(bytes).padStart(4)}k\n`
}

/** curl -w: the variables readers use most. */
function writeOut(fmt: string, status: number, t: FullTrace, u: Url, size: number): string {
  const vars: Record<string, string> = {
    http_code: String(status).padStart(3, '0'),
    response_code: String(status),
    remote_ip: t.address ?? '',
    remote_port: String(u.port),
    local_ip: t.client?.src ?? '',
    local_port: String(t.client?.sport ?? ''),
    size_download: String(size),
    url_effective: u.text,
    url: u.text,
    scheme: u.scheme.toUpperCase(),
    time_total: '0.001234',
    time_connect: '0.000512',
  }
  return fmt
    .replace(/%\{([a-z_]+)\}/g, (m, k: string) => vars[k] ?? m)
    .replace(/\\n/g, '\n')
    .replace(/\\t/g, '\t')
    .replace(/\\r/g, '\r')
}
