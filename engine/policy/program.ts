/**
 * `policy`: the reader's questions about policies, answered from the
 * simulated cluster.
 *   policy check SRC -> DST:PORT[/PROTO]   one connection, explained
 *   policy matrix [-n NS | -A] [--port P[/PROTO]]   every Pod pair
 *   policy lint                            what a reviewer would point out
 * Exit codes of check: 0 allowed, 1 denied, 2 the question could not be asked.
 */
import type { Cluster, Protocol } from '../model/types.ts'
import type { Output, Program } from '../shell/types.ts'
import { fail, ok } from '../shell/types.ts'
import { subcommandProgram } from '../shell/subcommands.ts'
import { parseTarget, splitPort } from './target.ts'
import type { Target } from './target.ts'
import { evaluateConnection } from './verdict.ts'
import type { ConnectionQuery, Verdict } from './verdict.ts'
import { evaluateServiceConnection } from './service.ts'
import { namedPortNumber } from './match.ts'
import { computeMatrix } from './matrix.ts'
import type { Matrix, MatrixOptions } from './matrix.ts'
import { boxTable } from './table.ts'
import { lintPolicies, formatPolicyDiagnostic } from './lint.ts'
import { validatePolicies } from './validate.ts'
import { policySet } from './policy-set.ts'
import { proposeFix } from './fix.ts'
import type { Fix } from './fix.ts'
import { enforcesNone } from './evaluate.ts'

const PROTOCOLS = ['TCP', 'UDP', 'SCTP']

export const policyProgram: Program = subcommandProgram(
  'policy',
  {
    places: ['workstation'],
    summary: 'explain NetworkPolicy and ClusterNetworkPolicy verdicts: check, matrix, lint',
    usage: [
      'policy check SRC -> DST:PORT[/PROTO] [-n NS] [--namespaced]   SRC/DST: [NS/]POD, [NS/]deploy|sts|ds/NAME, [NS/]svc/NAME (DST: per endpoint), node/NAME, or an IP; a denied single connection comes with the smallest fix (--namespaced: NetworkPolicies only)',
      'policy matrix [-n NS | -A] [--port PORT[/PROTO]] [--pods | --workloads] [--split] [--diff OTHER.yaml (command line only: what changed since OTHER)]',
      'policy lint',
    ],
  },
  {
    check: (inv, args) => check(inv.cluster, args),
    matrix: (inv, args) => matrix(inv.cluster, args),
    lint: (inv, args) => lint(inv.cluster, args),
  },
)

function takeNamespace(args: string[]): { ns: string; given: boolean; rest: string[]; all: boolean } | { error: string } {
  let ns = 'default'
  let given = false
  let all = false
  const rest: string[] = []
  for (let i = 0; i < args.length; i++) {
    const a = args[i]
    if (a === '-n' || a === '--namespace') {
      if (i + 1 >= args.length) return { error: `error: flag needs an argument: ${a}` }
      ns = args[++i]
      given = true
    } else if (a.startsWith('--namespace=')) {
      ns = a.slice(12)
      given = true
    } else if (a.startsWith('-n') && a.length > 2 && !a.startsWith('--')) {
      ns = a.slice(2)
      given = true
    } else if (a === '-A' || a === '--all-namespaces') all = true
    else rest.push(a)
  }
  return { ns, given, rest, all }
}

interface Pair {
  src: string
  dst: string
  endpoint?: string
  verdict: Verdict
}

function check(cluster: Cluster, args: string[]): Output {
  const f = takeNamespace(args)
  if ('error' in f) return fail(f.error, 2)
  // --namespaced: the reader owns only NetworkPolicies, so the fix may not touch cluster-wide policies
  const namespaced = f.rest.includes('--namespaced')
  f.rest = f.rest.filter((a) => a !== '--namespaced')
  const unknown = f.rest.find((a) => a.startsWith('-') && a !== '->')
  if (unknown) return fail(`policy check: unknown flag ${unknown}`, 2)
  const words = f.rest.join(' ').split(/\s*(?:->|→)\s*|\s+/).filter(Boolean)
  if (words.length !== 2) return fail('usage: policy check SRC -> DST:PORT[/PROTO]   e.g. policy check deploy/frontend -> svc/backend:8080', 2)
  const dstSpec = splitPort(words[1])
  if ('error' in dstSpec) return fail(dstSpec.error, 2)
  const protocol = (dstSpec.protocol ?? 'TCP') as Protocol
  if (!PROTOCOLS.includes(protocol)) return fail(`unsupported protocol "${dstSpec.protocol}": use TCP, UDP or SCTP`, 2)
  const src = parseTarget(cluster, words[0], f.ns)
  if ('error' in src) return fail(src.error, 2)
  const dst = parseTarget(cluster, dstSpec.target, f.ns)
  if ('error' in dst) return fail(dst.error, 2)
  const portText = dstSpec.port
  const portNum = /^\d+$/.test(portText) ? Number(portText) : undefined
  if (portNum !== undefined && (portNum < 1 || portNum > 65535)) return fail(`port ${portText} is out of range (1-65535)`, 2)

  const sources = sourceQueries(cluster, src)
  if ('error' in sources) return fail(sources.error, 2)
  const pairs: Pair[] = []
  for (const s of sources) {
    if (dst.kind === 'service') {
      const r = evaluateServiceConnection(cluster, { ...s.q, service: dst.service, port: portNum ?? portText, protocol: dstSpec.protocol ? protocol : undefined })
      if ('error' in r) return fail(r.error, 2)
      for (const e of r) pairs.push({ src: s.label, dst: e.verdict.dst.name, endpoint: e.endpoint, verdict: e.verdict })
      continue
    }
    const dsts = dst.kind === 'pods' ? dst.pods.map((p) => ({ label: `${p.meta.namespace}/${p.meta.name}`, q: { dstPod: p } as Partial<ConnectionQuery> })) : dst.kind === 'node' ? [{ label: dst.label, q: { dstIP: dst.node.internalIPs[0] } }] : [{ label: dst.ip, q: { dstIP: dst.ip } }]
    for (const d of dsts) {
      let port = portNum
      if (port === undefined) {
        port = d.q.dstPod ? namedPortNumber(d.q.dstPod, portText, protocol) : undefined
        if (port === undefined) return fail(`${d.label} declares no ${protocol} port named "${portText}"`, 2)
      }
      const v = evaluateConnection(cluster, { ...s.q, ...d.q, port, protocol })
      if ('error' in v) return fail(v.error, 2)
      pairs.push({ src: s.label, dst: d.label, verdict: v })
    }
  }
  return report(cluster, src, dst, pairs, portText, protocol, namespaced)
}

function sourceQueries(cluster: Cluster, t: Target): { label: string; q: Pick<ConnectionQuery, 'srcPod' | 'srcIP'> }[] | { error: string } {
  switch (t.kind) {
    case 'pods':
      return t.pods.map((p) => ({ label: `${p.meta.namespace}/${p.meta.name}`, q: { srcPod: p } }))
    case 'node':
      return [{ label: t.label, q: { srcIP: t.node.internalIPs[0] } }]
    case 'ip':
      return [{ label: t.ip, q: { srcIP: t.ip } }]
    case 'service': {
      // a Service as the source stands for the Pods behind it
      const sel = t.service.selector
      const pods = sel ? cluster.pods.filter((p) => p.meta.namespace === t.service.meta.namespace && Object.entries(sel).every(([k, v]) => p.meta.labels[k] === v) && p.podIPs.length > 0) : []
      if (pods.length === 0) return { error: `Service ${t.service.meta.namespace}/${t.service.meta.name} selects no running Pods to send from` }
      return pods.map((p) => ({ label: `${p.meta.namespace}/${p.meta.name}`, q: { srcPod: p } }))
    }
  }
}

function report(cluster: Cluster, src: Target, dst: Target, pairs: Pair[], portText: string, protocol: Protocol, namespaced: boolean): Output {
  const allAllowed = pairs.every((p) => p.verdict.allowed)
  if (pairs.length === 1) {
    const v = pairs[0].verdict
    const lines = [v.explanation, `  egress  ${v.chain[0].slice('egress '.length)}`, `  ingress ${v.chain[1].slice('ingress '.length)}`]
    if (v.allowed) return { exitCode: 0, stdout: lines.join('\n') + '\n', stderr: '', data: v }
    const fix = proposeFix(policySet(cluster), v, { namespaced })
    const text = lines.join('\n') + '\n' + fixText(v, fix)
    return { exitCode: 1, stdout: text, stderr: '', data: { ...v, fix } }
  }
  const allowedCount = pairs.filter((p) => p.verdict.allowed).length
  // a Service port named or numbered without /PROTO takes the protocol of the port it matched
  const shownProtocol = pairs[0]?.verdict.protocol ?? protocol
  const head = `${src.label} → ${dst.label}:${portText}/${shownProtocol}: ${allAllowed ? 'allowed' : allowedCount === 0 ? 'denied' : 'partly allowed'} (${allowedCount} of ${pairs.length} connections${dst.kind === 'service' ? ', one per source Pod and endpoint' : ''})`
  const lines = [head]
  const shown = pairs.slice(0, 50)
  for (const p of shown) lines.push(`  ${p.src} → ${p.dst}${p.endpoint ? ` (${p.endpoint})` : ''}: ${p.verdict.allowed ? 'allowed' : 'denied'}`)
  if (pairs.length > shown.length) lines.push(`  … and ${pairs.length - shown.length} more (see data.pairs)`)
  const first = pairs.find((p) => !p.verdict.allowed) ?? pairs[0]
  const v = first.verdict
  lines.push(`${first.src} → ${first.dst}: ${v.explanation}`, `  egress  ${v.chain[0].slice('egress '.length)}`, `  ingress ${v.chain[1].slice('ingress '.length)}`)
  const other = pairs.find((p) => p.verdict.allowed !== v.allowed)
  if (other) lines.push(`${other.src} → ${other.dst}: ${other.verdict.explanation}`)
  const data = {
    allowed: allAllowed,
    enforced: first.verdict.enforced,
    effective: pairs.every((p) => p.verdict.effective),
    egress: first.verdict.egress,
    ingress: first.verdict.ingress,
    chain: first.verdict.chain,
    explanation: first.verdict.explanation,
    pairs: pairs.map((p) => ({ endpoint: p.endpoint, ...p.verdict })),
  }
  return { exitCode: allAllowed ? 0 : 1, stdout: lines.join('\n') + '\n', stderr: '', data }
}

/** The fix under a denied check: what to add and why, the YAML, or why no policy change helps. */
function fixText(v: Verdict, fix: Fix): string {
  if (!fix.possible) return `No policy change to propose: ${fix.notes.join('; ')}.\n`
  const n = fix.changes.length
  let out = `Smallest fix: add ${n === 1 ? 'this object' : `these ${n} objects`} to the scenario. ${n === 1 ? 'It allows' : 'Together they allow'} ${v.src.name} → ${v.dst.name} on ${v.port}/${v.protocol} and ${n === 1 ? 'opens' : 'open'} no other pair (but for look-alikes no policy can tell apart: replicas with the same labels, host-network Pods of the same node):\n`
  for (const c of fix.changes) out += `  ${c.direction}: ${c.why}.\n`
  for (const note of fix.notes) out += `  Note: ${note}.\n`
  return out + fix.yaml
}

function matrix(cluster: Cluster, args: string[]): Output {
  const f = takeNamespace(args)
  if ('error' in f) return fail(f.error, 2)
  const opts: MatrixOptions = { allNamespaces: f.all }
  if (f.given) opts.namespace = f.ns
  let split = false
  for (let i = 0; i < f.rest.length; i++) {
    const a = f.rest[i]
    if (a === '--port' || a.startsWith('--port=')) {
      const v = a === '--port' ? f.rest[++i] : a.slice(7)
      const m = v ? /^(\d+)(?:\/(tcp|udp|sctp))?$/i.exec(v) : null
      if (!m || Number(m[1]) < 1 || Number(m[1]) > 65535) return fail(`policy matrix: --port wants PORT[/PROTO], e.g. --port 8080 or --port 53/UDP`, 2)
      opts.port = Number(m[1])
      opts.protocol = (m[2]?.toUpperCase() ?? 'TCP') as Protocol
    } else if (a === '--pods') opts.group = 'pods'
    else if (a === '--workloads') opts.group = 'workloads'
    else if (a === '--split') split = true
    else if (a === '--diff' || a.startsWith('--diff=')) return fail("policy matrix --diff reads a second scenario file, which only the command line has (knet -f NEW.yaml 'policy matrix --diff OLD.yaml'); here, edit the example and run it again: its matrix diagram marks every pair that changed", 2)
    else return fail(`policy matrix: unknown argument ${a}`, 2)
  }
  if (opts.namespace && !cluster.index.namespace.has(opts.namespace)) return fail(`Error from server (NotFound): namespaces "${opts.namespace}" not found`, 2)
  const m = computeMatrix(cluster, opts)
  if (m.rows.length === 0) return ok(`No running Pods${opts.namespace ? ` in namespace ${opts.namespace}` : ''}.\n`, m)
  return ok(matrixText(cluster, m, split), m)
}

/**
 * The matrix as `policy matrix` prints it; `changed` (cells `i,j` of the
 * combined grid) adds a `*` to those cells and says so (policy matrix --diff).
 */
export function matrixText(cluster: Cluster, m: Matrix, split: boolean, changed?: Set<string>): string {
  const header = ['', ...m.rows.map((r) => (m.port === null ? `${r.label}:${r.port.endsWith('/TCP') ? r.port.slice(0, -4) : r.port}` : r.label))]
  const table = (cells: string[][], mark = false) => boxTable(header, m.rows.map((r, i) => [r.label, ...cells[i].map((c, j) => (mark && changed?.has(`${i},${j}`) ? `${c}*` : c))]))
  const on = m.port === null ? "each destination's first declared port (shown after its name)" : `port ${m.port}, protocol ${m.protocol}`
  let out = `Policy verdicts on ${on}: . allowed, X denied, # the Pod itself${changed ? ', * changed' : ''}; rows are sources, columns destinations.\n`
  if (m.grouped) out += `Rows stand for workloads (Pods the policies cannot tell apart${m.rows.some((r) => r.label.includes('@')) ? ', split by node because hostNetwork Pods are in the table' : ''}); data.rows lists their Pods.\n`
  out += split ? `Ingress:\n${table(m.ingress)}\nEgress:\n${table(m.egress)}\nCombined:\n${table(m.combined, true)}` : table(m.combined, true)
  const set = policySet(cluster)
  const hasPolicies = set.byNamespace.size > 0 || set.admin.length > 0 || set.baselines.length > 0
  const e = m.enforcement
  if (!hasPolicies) out += 'No policies apply: every connection is allowed.\n'
  else if (enforcesNone(e)) out += `Note: ${e.note}, so on this cluster every connection goes through.\n`
  else if (m.effective) out += `Note: ${e.note}. What happens on this cluster:\n${table(m.effective)}`
  return out
}

function lint(cluster: Cluster, args: string[]): Output {
  if (args.length) return fail(`policy lint takes no arguments (got ${args.join(' ')})`, 2)
  const diags = [...validatePolicies(cluster, cluster.locate), ...lintPolicies(cluster, cluster.locate)]
  if (diags.length === 0) return ok('No problems found in the policies.\n', { diagnostics: [] })
  const errors = diags.filter((d) => d.severity === 'error').length
  const text = diags.map(formatPolicyDiagnostic).join('\n') + `\n${errors} error(s), ${diags.length - errors} warning(s)\n`
  return { exitCode: errors ? 1 : 0, stdout: text, stderr: '', data: { diagnostics: diags } }
}
