/**
 * `mesh clusterset [-n NS] SERVICE --peer NAME --peer-pods CIDR[,CIDR] --peer-services CIDR[,CIDR]
 * [--clusterset-ip IP]`: the Multi-Cluster Services API for one of the scenario's Services,
 * with a peer cluster described by its ranges, as text; its data draws `diagram="clusterset"`.
 */
import type { Invocation, Output } from '../shell/types.ts'
import { fail, ok } from '../shell/types.ts'
import { canonicalIP, hasHostBits, parsePrefix } from '../net/ip.ts'
import { clusterSetView, type ClusterSetView } from './clusterset.ts'

export const CLUSTERSET_USAGE = [
  'mesh clusterset [-n NS] SERVICE --peer NAME --peer-pods CIDR[,CIDR] --peer-services CIDR[,CIDR] [--clusterset-ip IP]',
  '  exports SERVICE to a ClusterSet with a peer cluster described by its ranges (the simulator runs one cluster): the ServiceExport,',
  '  the ServiceImport, the clusterset.local name, and the Submariner and Cilium Cluster Mesh paths',
]

const NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/

function cidrs(flag: string, text: string): string[] | { error: string } {
  const list = text.split(',').map((s) => s.trim())
  const out: string[] = []
  for (const c of list) {
    const p = parsePrefix(c)
    if (!p) return { error: `mesh clusterset: ${flag}: "${c}" is not a CIDR (e.g. 10.245.0.0/16)` }
    if (hasHostBits(c)) return { error: `mesh clusterset: ${flag}: "${c}" has host bits set` }
    if (out.some((o) => parsePrefix(o)!.family === p.family)) return { error: `mesh clusterset: ${flag}: give at most one range per address family` }
    out.push(c)
  }
  return out
}

export function clustersetCommand(inv: Invocation, args: string[]): Output {
  let namespace = 'default'
  let peerName: string | undefined
  let pods: string[] | undefined
  let services: string[] | undefined
  let setIP: string | undefined
  const words: string[] = []
  for (let i = 0; i < args.length; i++) {
    const a = args[i]
    const eq = a.indexOf('=')
    const flag = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a
    const value = (): string | undefined => (a.startsWith('--') && eq > 0 ? a.slice(eq + 1) : args[++i])
    if (flag === '-n' || flag === '--namespace') {
      const v = value()
      if (!v) return fail('mesh clusterset: -n needs a namespace', 2)
      namespace = v
    } else if (flag === '--peer') {
      const v = value()
      if (!v || !NAME.test(v)) return fail('mesh clusterset: --peer takes the peer cluster\'s name (a DNS label, e.g. west)', 2)
      peerName = v
    } else if (flag === '--peer-pods' || flag === '--peer-services') {
      const v = value()
      if (!v) return fail(`mesh clusterset: ${flag} needs CIDR[,CIDR]`, 2)
      const r = cidrs(flag, v)
      if ('error' in r) return fail(r.error, 2)
      if (flag === '--peer-pods') pods = r
      else services = r
    } else if (flag === '--clusterset-ip') {
      const v = value()
      if (!v || !canonicalIP(v)) return fail(`mesh clusterset: --clusterset-ip takes an address${v ? `, not "${v}"` : ''}`, 2)
      setIP = v
    } else if (a.startsWith('-')) return fail(`mesh clusterset: unknown flag: ${a}\nusage: ${CLUSTERSET_USAGE[0]}`, 2)
    else words.push(a)
  }
  if (words.length !== 1 || !peerName || !pods || !services) return fail(`usage: ${CLUSTERSET_USAGE[0]}`, 2)
  const ref = words[0].replace(/^(svc|service|services)\//, '')
  if (!inv.cluster.index.namespace.has(namespace)) return fail(`Error from server (NotFound): namespaces "${namespace}" not found`)
  const svc = inv.cluster.services.find((s) => s.meta.namespace === namespace && s.meta.name === ref)
  if (!svc) return fail(`Error from server (NotFound): services "${ref}" not found`)
  if (svc.type === 'ExternalName') return fail(`mesh clusterset: ${namespace}/${ref} is an ExternalName Service; the MCS API exports Services with endpoints (ClusterSetIP or Headless)`, 1)
  const view = clusterSetView(inv.cluster, svc, { name: peerName, podCIDRs: pods, serviceCIDRs: services }, setIP)
  return ok(formatClusterSet(view), view)
}

function pad(rows: string[][]): string[] {
  const w = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)))
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(w[i]))).join('  ').trimEnd())
}

function hp(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`
}

export function formatClusterSet(v: ClusterSetView): string {
  const ports = v.ports.map((p) => `${p.port}/${p.protocol}`).join(',')
  const out = [v.illustration, '']
  out.push('clusters')
  out.push(
    ...pad([
      ['  this cluster', `Pods ${v.local.podCIDRs.join(',')}`, `Services ${v.local.serviceCIDRs.join(',')}`, `nodes ${v.local.nodes.map((n) => `${n.name} ${n.ip}`).join(', ')}`],
      [`  ${v.peer.name}`, `Pods ${v.peer.podCIDRs.join(',')}`, `Services ${v.peer.serviceCIDRs.join(',')}`, '(described on the command line, not simulated)'],
    ]),
  )
  out.push('')
  out.push(`ServiceExport ${v.namespace}/${v.service} (created in this cluster): exports Service ${v.service}${v.headless ? ' (headless)' : `, ClusterIP ${v.clusterIPs.join(',')}`}, ports ${ports}, ${v.endpoints.length} ready endpoint${v.endpoints.length === 1 ? '' : 's'}`)
  if (v.endpoints.length) out.push(...pad(v.endpoints.map((e) => [`  ${hp(e.ip, e.port)}`, e.pod, e.node, e.nodeIP])))
  const ips = v.headless ? 'none (Headless)' : v.clustersetIP ?? 'chosen by the MCS implementation'
  out.push(`ServiceImport ${v.namespace}/${v.service} (made by the MCS controller in every cluster of the set, this one and ${v.peer.name}): type ${v.headless ? 'Headless' : 'ClusterSetIP'}, ports ${ports}, ips: ${ips}`)
  out.push('')
  out.push('DNS')
  out.push(`  ${v.setName}  → ${v.headless ? 'the ready Pods of every exporting cluster' : v.clustersetIP ?? 'the ClusterSetIP'}, in both clusters`)
  out.push(`  ${v.localName}  → ${v.headless ? 'this cluster\'s Pods' : v.clusterIPs.join(', ')}, this cluster's Service only`)
  out.push('')
  const e = v.endpoints[0]
  const target = e ? `${hp(e.ip, e.port)} (${e.pod}${e.node ? ` on ${e.node}` : ''})` : `an endpoint of ${v.service}`
  const hop = e && e.node ? `${e.node} → ` : ''
  out.push(`from a Pod in ${v.peer.name} to ${target}`)
  out.push(`  Submariner           Pod → ${v.peer.name}'s gateway node → encrypted tunnel (IPsec or WireGuard) → this cluster's gateway node (labelled submariner.io/gateway=true) → ${e ? `${hop}${e.ip}` : 'the endpoint'}`)
  out.push(`  Cilium Cluster Mesh  Pod → its node → ${e && e.node ? `${e.node} (${e.nodeIP}), directly (tunnel or native routing, no gateway) → ` : 'directly (tunnel or native routing, no gateway) → '}${e ? e.ip : 'the endpoint'}`)
  out.push('', 'notes:', ...v.notes.map((n) => `  - ${n}`))
  return `${out.join('\n')}\n`
}
