/**
 * A trace as text: one block per hop (number, place, handler; the packet;
 * the rewritten packet when a hop rewrites it, with what changed; the rule;
 * the note), the reply, the result, the alternatives and the notes.
 */
import { hostPort, tupleText } from './context.ts'
import type { FullTrace } from './trace.ts'
import type { Hop, Tuple } from './types.ts'

/**
 * Which fields a hop rewrote.
 *
 * @example
 * rewritten(dnatHop) // ['dst', 'dport']
 */
export function rewritten(h: Hop): ('src' | 'sport' | 'dst' | 'dport')[] {
  const out: ('src' | 'sport' | 'dst' | 'dport')[] = []
  for (const k of ['src', 'sport', 'dst', 'dport'] as const) if (h.before[k] !== h.after[k]) out.push(k)
  return out
}

function changeText(h: Hop): string {
  if (h.rewriteNote) return h.rewriteNote
  const r = rewritten(h)
  const parts: string[] = []
  // Cilium's socket-LB rewrites the socket, not a packet (bpf_sock.c)
  const socket = h.handler === 'ebpf' && /(connect|sendmsg)\(\)$|socket$/.test(h.at)
  if (h.direction === 'reply') {
    if (socket) return 'the Service address, as the application sees it (getpeername)'
    if (r.includes('src') || r.includes('sport')) parts.push('source restored (reverse DNAT)')
    if (r.includes('dst') || r.includes('dport')) parts.push('destination restored (reverse SNAT)')
    return parts.join(', ')
  }
  if (r.includes('src') || r.includes('sport')) parts.push(r.includes('src') ? 'source rewritten (SNAT)' : 'source port rewritten')
  if (socket) return 'the socket\'s destination rewritten (socket-LB, before any packet exists)'
  if (r.includes('dst') || r.includes('dport')) parts.push(r.includes('dst') ? 'destination rewritten (DNAT)' : 'destination port rewritten')
  return parts.join(', ')
}

function packet(t: Tuple): string {
  return t.src === '' ? `→ ${t.dst}` : tupleText(t)
}

function block(h: Hop, n: number, width: number): string[] {
  const num = String(n).padStart(3)
  const lines = [`${num}  ${h.at.padEnd(width)}  ${h.handler}${h.illustration ? '  (illustration)' : ''}`]
  const pad = '     '
  if (h.before.src !== '' || h.before.dst !== '') lines.push(`${pad}${packet(h.before)}`)
  if (rewritten(h).length) lines.push(`   ⇒ ${packet(h.after)}   ${changeText(h)}`)
  if (h.encap) {
    const e = h.encap
    lines.push(`${pad}outer: ${tupleText(e.outer)}${e.vni !== undefined ? `  VNI ${e.vni}` : ''}  (${e.device}, +${e.overhead} bytes, Pod MTU ${e.mtu})`)
    const sizes = firstPacketSizes(h.after, e.overhead)
    if (sizes) lines.push(`${pad}sizes: ${sizes}`)
  }
  if (h.rule) lines.push(`${pad}${h.rule}`)
  lines.push(`${pad}${h.note}`)
  for (const d of h.detail ?? []) lines.push(`${pad}${d}`)
  return lines
}

/**
 * @example
 * formatTrace(tracePacket(cluster, from, to)) // 'trace pod default/a → web:80 (TCP)\n\n  1  pod default/a …'
 */
export function formatTrace(t: FullTrace): string {
  const hops = t.hops
  const width = Math.min(48, Math.max(8, ...hops.map((h) => h.at.length)))
  const out: string[] = [...(t.illustration ? [t.illustration] : []), `trace ${t.from} → ${t.to}${t.client ? ` (${t.client.proto})` : ''}`, '']
  let n = 0
  let inReply = false
  for (const h of hops) {
    if (h.direction === 'reply' && !inReply) {
      inReply = true
      out.push('', 'reply')
    }
    out.push(...block(h, ++n, width))
  }
  out.push('')
  let summary = `result: ${t.result}: ${t.reason}`
  if (t.result === 'delivered' && t.endpoint) {
    const where = t.endpoint.pod
      ? `${t.endpoint.pod} (${hostPort(t.endpoint.ip, t.endpoint.port)}${t.endpoint.node ? ` on ${t.endpoint.node}` : ''})`
      : t.endpoint.kind === 'node'
        ? `node ${t.endpoint.node} (${hostPort(t.endpoint.ip, t.endpoint.port)}${t.server ? `, ${t.server.app}` : ''})`
        : hostPort(t.endpoint.ip, t.endpoint.port)
    summary = `result: delivered to ${where}`
    if (t.seenFrom && t.client?.proto !== 'ICMP') summary += `; the server sees the client as ${hostPort(t.seenFrom.ip, t.seenFrom.port)}`
    if (t.ingress) summary += ` (through Ingress ${t.ingress.ingress ?? '?'}${t.ingress.tls ? ', TLS terminated at the controller' : ''})`
  }
  if (t.ingress && t.ingress.status !== 200) summary += `; the Ingress controller answers ${t.ingress.status}${t.ingress.location ? ` → ${t.ingress.location}` : ''}`
  out.push(summary)
  if (t.alternatives && t.alternatives.length > 1) {
    out.push('', `endpoints (the choice is a hash of the connection; --seed N picks again${t.alternatives.some((a) => a.result) ? '' : ', --all traces each'}):`)
    const w = Math.max(...t.alternatives.map((a) => a.endpoint.length))
    const wp = Math.max(...t.alternatives.map((a) => (a.pod ?? '').length))
    for (const a of t.alternatives) {
      const chance = `1/${Math.round(1 / a.probability)}`
      const rule = a.ruleProbability ? `  --probability ${a.ruleProbability}` : ''
      const res = a.result ? `  → ${a.result}${a.result !== 'delivered' && a.reason ? ` (${a.reason})` : ''}` : ''
      out.push(`  ${a.chosen ? '*' : ' '} ${a.endpoint.padEnd(w)}  ${(a.pod ?? '').padEnd(wp)}  ${(a.node ?? '').padEnd(8)}  chance ${chance}${rule}${res}`.trimEnd())
    }
  }
  if (t.notes.length) {
    out.push('', 'notes:')
    for (const note of t.notes) out.push(`  - ${note}`)
  }
  return `${out.join('\n')}\n`
}

/**
 * The sizes of a connection's first packet, inside and outside the tunnel: Linux's SYN (and
 * SYN-ACK) carries 20 bytes of TCP options (MSS, SACK permitted, timestamps, window scale), so
 * its IP packet is 20 + 40 bytes over IPv4, 40 + 40 over IPv6; the tunnel adds its overhead
 * (VXLAN and Geneve: outer IPv4, UDP, their header and the inner Ethernet header, 50 bytes;
 * IPIP: an outer IPv4 header, 20 bytes). Other protocols' first packets depend on the payload.
 */
function firstPacketSizes(inner: Tuple, overhead: number): string | undefined {
  if (inner.proto !== 'TCP') return undefined
  const ip = inner.dst.includes(':') ? 40 : 20
  const innerBytes = ip + 40
  return `the SYN is a ${innerBytes}-byte IP packet (IPv${ip === 20 ? 4 : 6} ${ip} + TCP 40 with options) inside, ${innerBytes + overhead} bytes in the outer IP packet`
}
