/**
 * wget as BusyBox (1.36) has it, in every image: the simulator prints
 * BusyBox's messages (networking/wget.c) — "Connecting to HOST (IP:PORT)",
 * "bad address", "can't connect to remote host (IP): Connection refused",
 * "download timed out" (-T), "server returned error: HTTP/1.1 404 Not Found".
 * Simplification: Debian images would have GNU wget, whose wording differs.
 */
import type { Output, Program } from '../shell/types.ts'
import { hostPort } from '../trace/context.ts'
import { connectionOf } from './connection-log.ts'
import { connect, lookupFailed } from './connect.ts'
import { respond } from './http.ts'

function usage(): Output {
  return { exitCode: 1, stdout: '', stderr: 'BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\nUsage: wget [-cqS] [--spider] [-O FILE] [-o LOGFILE] [--header STR]\n\t[--post-data STR | --post-file FILE] [-Y on/off]\n\t[-P DIR] [-U AGENT] [-T SEC] URL...\n' }
}

export const wgetProgram: Program = {
  places: ['workstation', 'pod', 'node'],
  summary: 'retrieve a URL (BusyBox wget): wget -qO- http://web/hostname',
  usage: ['wget [-q] [-S] [--spider] [-O FILE|-] [-T SECONDS] [--header "Host: NAME"] URL'],
  run(inv) {
    const args = inv.argv.slice(1)
    let quiet = false
    let output: string | undefined
    let timeout: number | undefined
    let spider = false
    let serverResponse = false
    let hostHeader: string | undefined
    const urls: string[] = []
    for (let i = 0; i < args.length; i++) {
      const a = args[i]
      if (a === '--spider') spider = true
      else if (a === '-q' || a === '--quiet') quiet = true
      else if (a === '-S' || a === '--server-response') serverResponse = true
      else if (a === '--header') {
        const h = args[++i] ?? ''
        if (/^host:/i.test(h)) hostHeader = h.slice(5).trim()
      } else if (a.startsWith('--header=')) {
        const h = a.slice(9)
        if (/^host:/i.test(h)) hostHeader = h.slice(5).trim()
      } else if (a === '-O') output = args[++i]
      else if (a === '-T') timeout = Number(args[++i])
      else if (/^-[qSO]+/.test(a) && !a.startsWith('--')) {
        // bundles such as -qO- or -qO /tmp/x
        for (let j = 1; j < a.length; j++) {
          const f = a[j]
          if (f === 'q') quiet = true
          else if (f === 'S') serverResponse = true
          else if (f === 'O') {
            output = a.slice(j + 1) || args[++i]
            break
          } else return usage()
        }
      } else if (a.startsWith('-T')) timeout = Number(a.slice(2))
      else if (a.startsWith('-')) return usage()
      else urls.push(a)
    }
    if (urls.length === 0) return usage()
    const m = /^(?:(https?):\/\/)?(\[[^\]]+\]|[^/:?#]+)(?::(\d+))?(.*)$/i.exec(urls[0])
    if (!m) return { exitCode: 1, stdout: '', stderr: `wget: bad address '${urls[0]}'\n` }
    const scheme = (m[1] ?? 'http').toLowerCase() as 'http' | 'https'
    const host = m[2].replace(/^\[|\]$/g, '')
    const port = m[3] ? Number(m[3]) : scheme === 'https' ? 443 : 80
    const path = m[4] && m[4].startsWith('/') ? m[4] : `/${m[4] ?? ''}`
    const hostWithPort = m[3] ? `${m[2]}:${m[3]}` : m[2]
    const t = connect(inv, { host, port, proto: 'TCP', http: { scheme, host: hostHeader ?? host, path } })
    let err = ''
    if (lookupFailed(t)) return { exitCode: 1, stdout: '', stderr: `wget: bad address '${hostWithPort}'\n`, data: t }
    if (!quiet) err += `Connecting to ${hostWithPort} (${hostPort(t.address ?? host, port)})\n`
    if (t.result === 'refused') return { exitCode: 1, stdout: '', stderr: `${err}wget: can't connect to remote host (${t.address ?? host}): Connection refused\n`, data: t }
    if (t.result !== 'delivered') {
      return { exitCode: 1, stdout: '', stderr: `${err}${timeout !== undefined ? 'wget: download timed out' : `wget: can't connect to remote host (${t.address ?? host}): Connection timed out`}\n`, data: t }
    }
    const res = respond(inv.cluster, t, { method: spider ? 'HEAD' : 'GET', path, host: hostHeader ?? host, scheme })
    // what went over the wire, for tcpdump later in the run: BusyBox's request (networking/wget.c: GET, Host,
    // User-Agent: Wget, Connection: close, so the server closes first)
    const record = connectionOf(inv.session, t)
    if (record && scheme === 'http' && res.kind === 'http') {
      const request = `GET ${path} HTTP/1.1\r\nHost: ${hostHeader ?? hostWithPort}\r\nUser-Agent: Wget\r\nConnection: close\r\n\r\n`
      const response = `HTTP/1.1 ${res.status} ${res.reason}\r\n${res.headers.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n${spider ? '' : res.body}`
      const bytes = (x: string) => new TextEncoder().encode(x).length
      record.exchange = { request: `GET ${path} HTTP/1.1`, requestBytes: bytes(request), response: `HTTP/1.1 ${res.status} ${res.reason}`, responseBytes: bytes(response), serverCloses: true }
    }
    if (res.kind !== 'http') return { exitCode: 1, stdout: '', stderr: `${err}wget: ${res.kind === 'tls-mismatch' ? 'error getting response: Connection reset by peer' : 'error getting response'}\n`, data: t }
    if (serverResponse) err += `  HTTP/1.1 ${res.status} ${res.reason}\n${res.headers.map(([k, v]) => `  ${k}: ${v}\n`).join('')}`
    if (res.status >= 400) return { exitCode: 1, stdout: '', stderr: `${err}wget: server returned error: HTTP/1.1 ${res.status} ${res.reason}\n`, data: t }
    if (spider) return { exitCode: 0, stdout: '', stderr: `${err}${quiet ? '' : 'remote file exists\n'}`, data: t }
    const file = output ?? (path.replace(/\?.*$/, '').split('/').pop() || 'index.html')
    const size = res.body.length
    const bar = (name: string) => `${name.padEnd(20).slice(0, 20)} 100% |********************************| ${String(size).padStart(5)}  0:00:00 ETA\n`
    if (file === '-') {
      if (!quiet) err += 'writing to stdout\n'
      return { exitCode: 0, stdout: res.body, stderr: quiet ? err : `${err}${bar('-')}written to stdout\n`, data: t }
    }
    if (!quiet) err += `saving to '${file}'\n${bar(file)}'${file}' saved\n`
    return { exitCode: 0, stdout: '', stderr: err, data: t }
  },
}
