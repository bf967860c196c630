/**
 * `trace SRC -> DST`: follow a packet hop by hop. Exit code 0 when the
 * packet is delivered to something that accepts it, 1 when it is refused,
 * dropped, times out or the name does not resolve, 2 for a usage error.
 * Inside a Pod or on a node, `trace DST` starts from there.
 */
import type { Output, Place, Program } from '../shell/types.ts'
import { fail } from '../shell/types.ts'
import { parseSource, parseTarget } from './parse.ts'
import { tracePacket } from './trace.ts'
import type { TraceFrom, TraceOptions } from './trace.ts'
import { formatTrace } from './format.ts'
import type { L4 } from './types.ts'

const USAGE = [
  'trace [-n NS] SRC -> DST [--port N] [-p tcp|udp|icmp] [--seed N] [--all] [--sport N] [--resolve HOST:PORT:ADDR]',
  '  SRC: [ns/]pod, deploy/NAME, node/NAME or NAME, workstation, or an address (a client outside the cluster)',
  '  DST: [ns/]pod[:port], IP:PORT, a name resolved from SRC (web, web.prod:80, db.example.com), svc/NAME[:port] (no DNS), or a URL (http://host/path)',
  '  --all traces every endpoint the load balancing could pick; --seed N makes another (deterministic) choice',
]

export const traceProgram: Program = {
  places: ['workstation', 'pod', 'node'],
  summary: 'follow a packet from a source to a destination, hop by hop (DNS, kube-proxy, routing, overlay, policy)',
  usage: USAGE,
  run(inv) {
    return runTrace(inv.cluster, inv.place, inv.argv.slice(1))
  },
}

function fromPlace(place: Place): TraceFrom | undefined {
  if (place.kind === 'pod') return { kind: 'pod', pod: place.pod }
  if (place.kind === 'node') return { kind: 'node', node: place.node }
  return undefined
}

function runTrace(cluster: Parameters<typeof tracePacket>[0], place: Place, args: string[]): Output {
  let namespace = 'default'
  const opts: TraceOptions = { lenientIngressHosts: true }
  let port: number | undefined
  const words: string[] = []
  for (let i = 0; i < args.length; i++) {
    const a = args[i]
    const value = (flag: string): string | { error: string } => {
      if (a.includes('=')) return a.slice(a.indexOf('=') + 1)
      const v = args[++i]
      return v === undefined ? { error: `error: flag needs an argument: ${flag}` } : v
    }
    if (a === '-h' || a === '--help' || a === 'help') return { exitCode: 0, stdout: `Usage:\n${USAGE.map((u) => `  ${u}`).join('\n')}\n`, stderr: '' }
    if (a === '-n' || a === '--namespace' || a.startsWith('--namespace=')) {
      const v = value('-n')
      if (typeof v !== 'string') return fail(v.error, 2)
      namespace = v
    } else if (a === '--seed' || a.startsWith('--seed=')) {
      const v = value('--seed')
      if (typeof v !== 'string' || !/^\d+$/.test(v)) return fail('error: --seed takes a whole number', 2)
      opts.seed = Number(v)
    } else if (a === '--sport' || a.startsWith('--sport=')) {
      const v = value('--sport')
      if (typeof v !== 'string' || !/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 65535) return fail('error: --sport takes a port number', 2)
      opts.sport = Number(v)
    } else if (a === '--port' || a.startsWith('--port=')) {
      const v = value('--port')
      if (typeof v !== 'string' || !/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 65535) return fail('error: --port takes a port number', 2)
      port = Number(v)
    } else if (a === '-p' || a === '--protocol' || a.startsWith('--protocol=')) {
      const v = value('-p')
      const p = typeof v === 'string' ? v.toUpperCase() : ''
      if (!['TCP', 'UDP', 'SCTP', 'ICMP'].includes(p)) return fail('error: --protocol is one of tcp, udp, sctp, icmp', 2)
      opts.proto = p as L4
    } else if (a === '--all') opts.all = true
    else if (a === '--resolve' || a.startsWith('--resolve=')) {
      const v = value('--resolve')
      const m = typeof v === 'string' ? /^([^:]+):(\d+|\*):(.+)$/.exec(v) : null
      if (!m) return fail('error: --resolve takes HOST:PORT:ADDRESS', 2)
      ;(opts.resolve ??= []).push({ host: m[1], port: m[2] === '*' ? undefined : Number(m[2]), ip: m[3].replace(/^\[|\]$/g, '') })
    } else if (a.startsWith('-') && a !== '->' && a.length > 1) return fail(`error: unknown flag: ${a}\n${USAGE[0]}`, 2)
    else words.push(a)
  }
  // SRC -> DST, SRC → DST, SRC DST, SRC->DST
  const joined = words.join(' ').replace(/\s*(->|→)\s*/g, ' -> ')
  const parts = joined.split(' -> ').map((s) => s.trim()).filter(Boolean)
  let srcText: string | undefined
  let dstText: string | undefined
  if (parts.length === 2) [srcText, dstText] = parts
  else if (parts.length === 1) {
    const ws = parts[0].split(/\s+/)
    if (ws.length === 2) [srcText, dstText] = ws
    else if (ws.length === 1 && place.kind !== 'workstation') dstText = ws[0]
  }
  if (!dstText) return fail(`usage: ${USAGE[0]}`, 2)
  let from: TraceFrom | undefined
  if (srcText !== undefined) {
    const f = parseSource(cluster, namespace, srcText)
    if ('error' in f) return fail(`trace: ${f.error}`, 2)
    from = f
  } else from = fromPlace(place)
  if (!from) return fail(`usage: ${USAGE[0]}`, 2)
  const to = parseTarget(cluster, namespace, dstText)
  if ('error' in to) return fail(`trace: ${to.error}`, 2)
  if (port !== undefined && to.kind !== 'url') (to as { port?: number | string }).port = port
  opts.fromText = srcText ?? undefined
  opts.toText = dstText
  const t = tracePacket(cluster, from, to, opts)
  return { exitCode: t.result === 'delivered' ? 0 : 1, stdout: formatTrace(t), stderr: '', data: t }
}
