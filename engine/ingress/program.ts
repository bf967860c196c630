/**
 * `ingress`: questions about HTTP routing through the Ingress controller.
 *   ingress route [--class C] [--https] HOST PATH   (or URL)  which backend answers
 *   ingress servers [--class C]                     the merged server blocks
 * Exit codes of route: 0 a backend answers, 1 the controller answers 404 or
 * 503, 2 the question could not be asked.
 */
import type { Cluster } from '../model/types.ts'
import type { Output, Program } from '../shell/types.ts'
import { fail, ok } from '../shell/types.ts'
import { subcommandProgram } from '../shell/subcommands.ts'
import { routeIngress, backendLabel } from './route.ts'
import type { RouteAnswer } from './route.ts'
import { buildServers, nginxLocations, CATCH_ALL } from './servers.ts'
import { pickClass } from './classes.ts'

const USAGE = [
  'ingress route [--class CLASS] [--https] HOST PATH   which Ingress rule and backend answer http://HOST/PATH',
  'ingress route [--class CLASS] URL                   the same for http://HOST/PATH or https://HOST/PATH',
  'ingress servers [--class CLASS]                     the server blocks the controller builds from all Ingresses of the class',
]

export const ingressProgram: Program = subcommandProgram(
  'ingress',
  {
    places: ['workstation', 'pod', 'node'],
    summary: 'explain Ingress routing: which rule, path and backend answer a request',
    usage: USAGE,
  },
  {
    route: (inv, args) => route(inv.cluster, args),
    servers: (inv, args) => servers(inv.cluster, args),
  },
)

interface Flags {
  className?: string
  https: boolean
  rest: string[]
}

function parseFlags(args: string[]): Flags | { error: string } {
  const f: Flags = { https: false, rest: [] }
  for (let i = 0; i < args.length; i++) {
    const a = args[i]
    if (a === '--class') {
      if (i + 1 >= args.length) return { error: 'error: flag needs an argument: --class' }
      f.className = args[++i]
    } else if (a.startsWith('--class=')) f.className = a.slice(8)
    else if (a === '--https') f.https = true
    else if (a.startsWith('-') && a.length > 1) return { error: `error: unknown flag: ${a}` }
    else f.rest.push(a)
  }
  return f
}

function route(cluster: Cluster, args: string[]): Output {
  const f = parseFlags(args)
  if ('error' in f) return fail(f.error, 2)
  let host: string
  let path: string
  let scheme: 'http' | 'https' = f.https ? 'https' : 'http'
  if (f.rest.length === 1 && /^https?:\/\//i.test(f.rest[0])) {
    const m = /^(https?):\/\/([^/?#]*)(.*)$/i.exec(f.rest[0])!
    scheme = m[1].toLowerCase() as 'http' | 'https'
    host = m[2]
    path = m[3] || '/'
  } else if (f.rest.length === 2) {
    ;[host, path] = f.rest
  } else return fail(`usage: ${USAGE[0]}`, 2)
  const r = routeIngress(cluster, { host, path, className: f.className, scheme })
  if (!r.ok) return fail(`ingress route: ${r.error}`, 2)
  const data =
    r.status === 404
      ? { status: 404 }
      : {
          ingress: r.ingress!.key,
          rule: r.rule ?? null,
          backend: { service: r.backend!.serviceName, port: r.backend!.port },
          ...(r.status === 503 ? { status: 503 } : {}),
        }
  return { exitCode: r.status === 200 ? 0 : 1, stdout: `${routeLines(r).join('\n')}\n`, stderr: '', data }
}

function routeLines(r: RouteAnswer): string[] {
  const target = `${r.request.scheme === 'https' ? 'https://' : ''}${r.request.host}${r.request.path}`
  let first: string
  if (r.status === 404) first = `${target} → 404 Not Found from the controller's default backend (class ${r.className || '<none>'})`
  else {
    const b = r.backend!
    const via = r.rule ? `rule ${r.rule.host || '*'} ${r.rule.path || '/'} (${r.rule.pathType})` : 'its defaultBackend'
    const svc = `Service ${b.namespace}/${b.serviceName} port ${b.port}`
    const where = b.service && !b.problem ? ` → ${b.endpoints.length} endpoint${b.endpoints.length === 1 ? '' : 's'}` : ''
    first = `${target} → ${svc}${where}, Ingress ${r.ingress!.key} ${via}`
    if (r.status === 503) first += `; 503 Service Temporarily Unavailable: ${b.problem}`
  }
  const server =
    r.server.kind === 'exact'
      ? `server block ${r.server.name}`
      : r.server.kind === 'wildcard'
        ? `${r.request.host} matches ${r.server.name} (exactly one DNS label)`
        : `no server block for ${r.request.host}, so the catch-all server (rules without a host) answers`
  const second = [`${server}: ${r.reason}`, tlsText(r), ...r.notes].join('; ')
  return [first, `  ${second}`]
}

function tlsText(r: RouteAnswer): string {
  const t = r.tls
  if (!t.configured) return `no TLS section covers ${r.request.host} (HTTPS would get the controller's default certificate)`
  const redirect = t.httpRedirect ? (r.request.scheme === 'http' ? '; this plain-HTTP request first gets 308 Permanent Redirect to https' : '') : '; plain HTTP is not redirected'
  if (t.defaultCertificate) return `TLS from Ingress ${t.ingress} with the controller's default certificate (no secretName lists ${r.request.host})${redirect}`
  return `TLS terminated with Secret ${t.secretName} (Ingress ${t.ingress})${redirect}`
}

function servers(cluster: Cluster, args: string[]): Output {
  const f = parseFlags(args)
  if ('error' in f) return fail(f.error, 2)
  if (f.rest.length) return fail(`usage: ${USAGE[2]}`, 2)
  let className = f.className
  let source = '--class'
  if (className === undefined) {
    const p = pickClass(cluster)
    if ('error' in p) return fail(`ingress servers: ${p.error}`, 2)
    className = p.name
    source = p.source
  }
  const set = buildServers(cluster, className)
  const lines: string[] = [`class ${className || '<none>'} (${source}): ${set.served.length ? set.served.map((v) => v.key).join(', ') : 'no Ingresses'}`]
  const names = [...set.servers.keys()].sort((a, b) => (a === CATCH_ALL ? 1 : b === CATCH_ALL ? -1 : a < b ? -1 : 1))
  const data: unknown[] = []
  for (const n of names) {
    const s = set.servers.get(n)!
    const tls = s.tls ? (s.tls.defaultCertificate ? `TLS: default certificate (Ingress ${s.tls.ingress.key})` : `TLS: Secret ${s.tls.secretName} (Ingress ${s.tls.ingress.key})`) : n === CATCH_ALL ? 'catch-all' : 'no TLS'
    lines.push(`server ${n}  (${tls})`)
    const locs = nginxLocations(s)
    const rows = locs.map((l) => [l.modifier === '~*' ? `~* "^${l.path}"` : `${l.modifier ? `${l.modifier} ` : ''}${l.path}`, backendLabel(l.location), l.location.ingress && l.location.source !== 'controller-default' ? `${l.location.ingress.key}${l.location.source === 'path' ? ` (${l.location.writtenType ?? 'Prefix'} ${l.location.path})` : ' defaultBackend'}` : ''])
    const w0 = Math.max(...rows.map((r) => r[0].length))
    const w1 = Math.max(...rows.map((r) => r[1].length))
    for (const r of rows) lines.push(`  location ${r[0].padEnd(w0)}  → ${r[1].padEnd(w1)}  ${r[2]}`.trimEnd())
    data.push({ server: n, tls: s.tls ? { secretName: s.tls.secretName, ingress: s.tls.ingress.key } : null, locations: locs.map((l) => ({ modifier: l.modifier, path: l.path, backend: l.location.backend ? { service: l.location.backend.name, port: l.location.backend.port.number || l.location.backend.port.name } : null, ingress: l.location.ingress?.key ?? null })) })
  }
  for (const i of set.ignored) lines.push(`ignored: ${i.ingress.key}: ${i.reason}`)
  for (const c of set.conflicts) lines.push(`dropped: ${c.dropped.key} ${c.host} ${c.path} (${c.type}), already defined by ${c.kept.key}`)
  return ok(`${lines.join('\n')}\n`, { class: className, servers: data })
}
