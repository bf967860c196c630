/**
 * `gateway`: questions about Gateway API routing.
 *   gateway route HOST PATH [-H 'Name: value']… [-X METHOD] [--https] [--port N] [--gateway NS/NAME] [--requests N] [--json]
 *   gateway convert [-n NS]   the Gateway API objects for the scenario's Ingresses (convert.ts)
 * Exit codes of route: 0 a backend answers (or a redirect), 1 the Gateway
 * answers 404/500/503, 2 the question could not be asked.
 */
import type { Cluster } from '../model/types.ts'
import type { Output, Program } from '../shell/types.ts'
import { fail, ok } from '../shell/types.ts'
import { subcommandProgram } from '../shell/subcommands.ts'
import { candidateText, routeGateway, spreadCounts } from './route.ts'
import type { GatewayAnswer, GatewayRequest } from './route.ts'
import { convertProgram } from './convert.ts'
import { gatewayTopology, topologyText } from './topology.ts'
import { pickGateway } from './route.ts'

const USAGE = [
  "gateway route HOST PATH [-H 'Name: value'] [-X METHOD] [--https] [--port N] [--gateway NS/NAME] [--requests N] [--json]",
  '                                      which Gateway, listener, route, rule and backend answer the request, and why',
  'gateway topology [--gateway NS/NAME]  listeners → routes → Services → Pods (diagram="gateway" draws it)',
  'gateway convert [-n NAMESPACE]        the Gateway API objects equivalent to the scenario\'s Ingresses, and what would behave differently',
]

export const gatewayProgram: Program = subcommandProgram(
  'gateway',
  {
    places: ['workstation', 'pod', 'node'],
    summary: 'explain Gateway API routing (route), draw its topology (topology), convert Ingresses to Gateway API (convert)',
    usage: USAGE,
  },
  {
    route: (inv, args) => route(inv.cluster, args),
    topology: (inv, args) => topology(inv.cluster, args),
    convert: (inv, args) => convertProgram(inv.cluster, args),
  },
)

interface Flags {
  req: Partial<GatewayRequest> & { headers: [string, string][] }
  requests: number
  json: boolean
  rest: string[]
}

function parseFlags(args: string[]): Flags | { error: string } {
  const f: Flags = { req: { headers: [] }, requests: 1, json: false, rest: [] }
  const value = (i: number, flag: string): string | { error: string } => (i + 1 < args.length ? args[i + 1] : { error: `error: flag needs an argument: ${flag}` })
  for (let i = 0; i < args.length; i++) {
    const a = args[i]
    const eq = a.indexOf('=')
    const [name, inline] = a.startsWith('--') && eq > 0 ? [a.slice(0, eq), a.slice(eq + 1)] : [a, undefined]
    const take = (): string | { error: string } => {
      if (inline !== undefined) return inline
      const v = value(i, name)
      if (typeof v === 'string') i++
      return v
    }
    switch (name) {
      case '-H':
      case '--header': {
        const v = take()
        if (typeof v !== 'string') return v
        const c = v.indexOf(':')
        if (c <= 0) return { error: `error: a header is "Name: value" (got "${v}")` }
        f.req.headers.push([v.slice(0, c).trim(), v.slice(c + 1).trim()])
        break
      }
      case '-X':
      case '--request': {
        const v = take()
        if (typeof v !== 'string') return v
        f.req.method = v.toUpperCase()
        break
      }
      case '--port': {
        const v = take()
        if (typeof v !== 'string') return v
        const n = Number(v)
        if (!Number.isInteger(n) || n < 1 || n > 65535) return { error: `error: invalid port "${v}"` }
        f.req.port = n
        break
      }
      case '--gateway': {
        const v = take()
        if (typeof v !== 'string') return v
        f.req.gateway = v
        break
      }
      case '--requests': {
        const v = take()
        if (typeof v !== 'string') return v
        const n = Number(v)
        if (!Number.isInteger(n) || n < 1 || n > 1000) return { error: `error: --requests takes 1 to 1000 (got "${v}")` }
        f.requests = n
        break
      }
      case '--https':
        f.req.scheme = 'https'
        break
      case '--json':
        f.json = true
        break
      default:
        if (a.startsWith('-') && a.length > 1) return { error: `error: unknown flag: ${a}` }
        f.rest.push(a)
    }
  }
  return f
}

function route(cluster: Cluster, args: string[]): Output {
  const f = parseFlags(args)
  if ('error' in f) return fail(f.error, 2)
  let host: string
  let path: string
  if (f.rest.length === 1 && /^https?:\/\//i.test(f.rest[0])) {
    const m = /^(https?):\/\/([^/?#]*)(.*)$/i.exec(f.rest[0])!
    f.req.scheme = m[1].toLowerCase() as 'http' | 'https'
    const hp = /^(.*?)(?::(\d+))?$/.exec(m[2])!
    host = hp[1]
    if (hp[2] && f.req.port === undefined) f.req.port = Number(hp[2])
    path = m[3] || '/'
  } else if (f.rest.length === 2) [host, path] = f.rest
  else return fail(`usage: ${USAGE[0]}`, 2)
  const r = routeGateway(cluster, { ...f.req, host, path })
  if (!r.ok) return fail(`gateway route: ${r.error}`, 2)
  const data = answerData(r)
  const exitCode = r.status === 0 ? 2 : r.status >= 400 ? 1 : 0
  if (f.json) return { exitCode, stdout: `${JSON.stringify(data, null, 2)}\n`, stderr: '', data }
  const lines = answerLines(r)
  if (f.requests > 1 && r.backends.length) lines.push(...spread(r, f.requests))
  if (r.status === 0) return { exitCode, stdout: '', stderr: `gateway route: ${r.reason}\n`, data }
  return { exitCode, stdout: `${lines.join('\n')}\n`, stderr: '', data }
}

function topology(cluster: Cluster, args: string[]): Output {
  let name: string | undefined
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--gateway' && i + 1 < args.length) name = args[++i]
    else if (args[i].startsWith('--gateway=')) name = args[i].slice(10)
    else return fail(`usage: ${USAGE[2]}`, 2)
  }
  let only
  if (name !== undefined) {
    const g = pickGateway(cluster, name)
    if ('error' in g) return fail(`gateway topology: ${g.error}`, 2)
    only = g
  }
  const t = gatewayTopology(cluster, only)
  if (t.gateways.length === 0) return fail('gateway topology: no Gateway in the scenario is served by a modelled controller (Envoy Gateway)', 1)
  return ok(topologyText(t), t)
}

/** `{ backend: { service, port }, gateway, listener, route, rule }` or `{ status: 404 }`, like `ingress route`. */
export function answerData(r: GatewayAnswer): unknown {
  if (!r.winner) return { status: r.status }
  const out: Record<string, unknown> = {
    gateway: r.gateway.view.key,
    listener: r.listener!.view.name,
    route: `${r.winner.route.view.kind === 'GRPCRoute' ? 'grpcroute' : 'httproute'}/${r.winner.route.view.key}`,
    rule: r.winner.rule.name ?? r.winner.rule.index,
    backend: r.chosen ? { service: `${r.chosen.ref.namespace === r.winner.route.view.namespace ? '' : `${r.chosen.ref.namespace}/`}${r.chosen.ref.name}`, port: r.chosen.ref.port ?? null } : null,
  }
  if (r.status !== 200) out.status = r.status
  if (r.filters.redirect) out.redirect = r.filters.redirect.location
  return out
}

function answerLines(r: GatewayAnswer): string[] {
  const q = r.request
  const target = `${q.method} ${q.scheme}://${q.host}${(q.scheme === 'https' && q.port !== 443) || (q.scheme === 'http' && q.port !== 80) ? `:${q.port}` : ''}${q.path}${q.query ? `?${q.query}` : ''}`
  const gw = `Gateway ${r.gateway.view.key}`
  if (!r.listener) return [`${target} → 404 Not Found from ${gw}`, `  ${r.reason}`]
  const l = r.listener.view
  const where = `${gw} listener ${l.name} (${l.protocol} ${l.port}${l.hostname ? ` ${l.hostname}` : ''})`
  if (!r.winner) return [`${target} → 404 Not Found from ${where}`, `  ${r.reason}`]
  const w = r.winner
  const lines: string[] = []
  if (r.filters.redirect) lines.push(`${target} → ${r.filters.redirect.statusCode} redirect to ${r.filters.redirect.location}`)
  else if (r.chosen) {
    const b = r.chosen
    const svc = `Service ${b.ref.namespace}/${b.ref.name} port ${b.ref.port ?? '?'}`
    if (b.problem) lines.push(`${target} → 500 Internal Server Error: backendRef ${svc} is invalid (${b.problem.reason}: ${b.problem.message})`)
    else if (r.status === 503) lines.push(`${target} → 503 Service Unavailable: ${svc} has no ready endpoints`)
    else lines.push(`${target} → ${svc} → ${b.service?.endpoints.length ?? 0} endpoint${b.service?.endpoints.length === 1 ? '' : 's'}`)
  } else lines.push(`${target} → ${r.status} from Envoy`)
  lines.push(`  via ${where}, ${candidateText(w)}`)
  lines.push(`  why: ${r.reason}`)
  if (r.backends.length > 1) {
    const total = r.backends.reduce((a, b) => a + b.weight, 0)
    lines.push(`  backends: ${r.backends.map((b) => `${b.ref.name}:${b.ref.port ?? '?'} weight ${b.weight}${total ? ` (${Math.round((1000 * b.weight) / total) / 10}%)` : ''}${b.problem ? ` [${b.problem.reason}]` : ''}`).join(', ')}`)
  }
  const f = r.filters
  for (const [op, n, v] of f.requestHeaders) lines.push(`  request header ${op} ${n}${op === 'remove' ? '' : `: ${v}`}`)
  for (const [op, n, v] of f.responseHeaders) lines.push(`  response header ${op} ${n}${op === 'remove' ? '' : `: ${v}`}`)
  if (f.rewrite) lines.push(`  rewritten to ${f.rewrite.host ?? r.request.host}${f.rewrite.path ?? r.request.path} before the backend sees it`)
  for (const m of f.mirrors) lines.push(`  mirrored to ${m} (its answers are ignored)`)
  for (const n of [...f.notes, ...r.notes]) lines.push(`  note: ${n}`)
  return lines
}

function spread(r: GatewayAnswer, n: number): string[] {
  const counts = spreadCounts(r.backends.map((b) => b.weight), n)
  const none = counts.pop()!
  const parts = r.backends.map((b, i) => `${counts[i]} → ${b.ref.name}${b.problem ? ' (500)' : ''}`)
  if (none) parts.push(`${none} → 500`)
  return [`  ${n} requests: ${parts.join(', ')}`]
}
