/**
 * A packet trace as an SVG: the hops from top to bottom, each with where it
 * happens, what handles it and the packet it sees; a hop that rewrites the
 * packet shows the new 5-tuple with the rewritten fields highlighted, an
 * encapsulating hop its outer header, and the hop that ended the trace is
 * marked. The reply follows below a rule. Every label comes from the
 * reader's scenario, so all of it is escaped; colours are CSS variables.
 */
import type { Hop, Trace, Tuple } from '../trace/types.ts'
import { el, escapeXml, fit, STYLE, text } from './svg.ts'
import type { Diagram } from './topology.ts'

export interface TraceDiagramOptions {
  /** draw the reply hops too (default true) */
  reply?: boolean
  /** at most this many hops are drawn (default 60) */
  maxHops?: number
}

const TRACE_STYLE = `<style>
.k-hop{fill:var(--knet-node,#f3f5f9);stroke:var(--knet-line,#8a94a6);stroke-width:1}
.k-hop.k-nat{fill:var(--knet-nat,#fff6e5);stroke:var(--knet-nat-line,#b26a00)}
.k-hop.k-end{stroke:var(--knet-drop,#b3261e);stroke-width:2}
.k-hop.k-tunnel{fill:var(--knet-encap,#eef4ff);stroke:var(--knet-pod-line,#3b6fd8)}
.k-rw{fill:var(--knet-rewrite,#b3261e);font-weight:700}
.k-arrow{stroke:var(--knet-line,#8a94a6);stroke-width:1.2;fill:none}
.k-tipfill{fill:var(--knet-line,#8a94a6)}
.k-sep{stroke:var(--knet-line,#8a94a6);stroke-dasharray:5 4}
.k-hop.k-illus{fill:var(--knet-illus,#f5f0ff);stroke:var(--knet-illus-line,#6b3fb3);stroke-width:1.2;stroke-dasharray:6 4}
.k-illus-t{font:italic 11px system-ui,sans-serif;fill:var(--knet-illus-line,#6b3fb3)}
</style>`

type Field = 'src' | 'sport' | 'dst' | 'dport'

function changed(h: Hop): Set<Field> {
  const s = new Set<Field>()
  for (const k of ['src', 'sport', 'dst', 'dport'] as const) if (h.before[k] !== h.after[k]) s.add(k)
  return s
}

function host(ip: string): string {
  return ip.includes(':') ? `[${ip}]` : ip
}

/** The tuple as tspans, rewritten fields highlighted. */
function tupleSpans(t: Tuple, marks: Set<Field>): string {
  const span = (s: string, on: boolean) => (on ? el('tspan', { class: 'k-rw' }, escapeXml(s)) : escapeXml(s))
  if (t.src === '' && t.sport === 0) return escapeXml(`→ ${t.dst}`)
  if (t.proto === 'ICMP' || t.proto === 'IPIP') return `${span(t.src, marks.has('src'))}${escapeXml(' → ')}${span(t.dst, marks.has('dst'))}${escapeXml(` ${t.proto}`)}`
  return [
    span(host(t.src), marks.has('src')),
    escapeXml(':'),
    span(String(t.sport), marks.has('sport')),
    escapeXml(' → '),
    span(host(t.dst), marks.has('dst')),
    escapeXml(':'),
    span(String(t.dport), marks.has('dport')),
    escapeXml(` ${t.proto}`),
  ].join('')
}

function tupleText(t: Tuple): string {
  if (t.src === '' && t.sport === 0) return `→ ${t.dst}`
  if (t.proto === 'ICMP' || t.proto === 'IPIP') return `${t.src} → ${t.dst} ${t.proto}`
  return `${host(t.src)}:${t.sport} → ${host(t.dst)}:${t.dport} ${t.proto}`
}

function rowHeight(h: Hop): number {
  return 44 + (changed(h).size ? 16 : 0) + (h.encap ? 16 : 0)
}

/**
 * @example
 * const { svg, alt } = traceDiagram(tracePacket(cluster, from, to))
 */
export function traceDiagram(t: Trace, opts: TraceDiagramOptions = {}): Diagram {
  const all = opts.reply === false ? t.hops.filter((h) => h.direction === 'request') : t.hops
  const hops = all.slice(0, opts.maxHops ?? 60)
  const width = 760
  const boxX = 44
  const boxW = width - boxX - 16
  const gap = 14
  const parts: string[] = [STYLE, TRACE_STYLE]
  // a trace that shows what a mesh would do says so under the title (`mesh trace`)
  let y = t.illustration ? 62 : 44
  const header = `${t.from} → ${t.to}: ${t.result}`
  const endIndex = hops.findIndex((h) => !!h.verdict)
  let replyStarted = false
  const body: string[] = []
  hops.forEach((h, i) => {
    if (h.direction === 'reply' && !replyStarted) {
      replyStarted = true
      body.push(el('line', { class: 'k-sep', x1: 16, y1: y - gap / 2 + 2, x2: width - 16, y2: y - gap / 2 + 2 }))
      body.push(text(width - 16, y + 4, 'reply', { class: 'k-s', 'text-anchor': 'end' }))
      y += 14
    }
    const hgt = rowHeight(h)
    const marks = changed(h)
    const cls = ['k-hop', marks.size ? 'k-nat' : '', h.encap ? 'k-tunnel' : '', h.illustration ? 'k-illus' : '', i === endIndex ? 'k-end' : ''].filter(Boolean).join(' ')
    // data-hop: the hop's number in the trace's text, for stepping through it on the page
    body.push(el('rect', { class: cls, x: boxX, y, width: boxW, height: hgt, rx: 6, 'data-hop': i + 1 }))
    body.push(text(22, y + 18, String(i + 1), { class: 'k-h', 'text-anchor': 'middle' }))
    body.push(text(boxX + 10, y + 17, fit(h.at, 70), { class: 'k-h' }))
    body.push(text(boxX + boxW - 10, y + 17, h.handler, { class: 'k-s', 'text-anchor': 'end' }))
    if (h.illustration) body.push(text(boxX + boxW - 10, y + 32, 'illustration', { class: 'k-illus-t', 'text-anchor': 'end' }))
    let ly = y + 34
    body.push(el('text', { x: boxX + 10, y: ly, class: 'k-t' }, tupleSpans(h.before, new Set())))
    if (marks.size) {
      ly += 16
      body.push(el('text', { x: boxX + 10, y: ly, class: 'k-t' }, `${escapeXml('⇒ ')}${tupleSpans(h.after, marks)}`))
    }
    if (h.encap) {
      ly += 16
      const e = h.encap
      body.push(text(boxX + 10, ly, fit(`outer ${tupleText(e.outer)}${e.vni !== undefined ? ` VNI ${e.vni}` : ''} · ${e.device} · MTU ${e.mtu}`, 96), { class: 'k-s' }))
    }
    if (i < hops.length - 1 && !(hops[i + 1].direction === 'reply' && h.direction === 'request')) {
      // the head is a path of its own: a marker would need url(#…), which pages refuse in a diagram
      const ax = boxX + 24
      const tip = y + hgt + gap - 1
      body.push(el('line', { class: 'k-arrow', x1: ax, y1: y + hgt, x2: ax, y2: tip - 5 }))
      body.push(el('path', { class: 'k-tipfill', d: `M${ax - 4},${tip - 6} L${ax + 4},${tip - 6} L${ax},${tip} z` }))
    }
    y += hgt + gap
  })
  const height = y + 20
  body.push(text(16, height - 10, fit(`result: ${t.result}${t.reason ? ` — ${t.reason}` : ''}`, 118), { class: 'k-s' }))
  parts.push(el('rect', { class: 'k-frame', x: 0, y: 0, width, height }))
  parts.push(text(16, 26, fit(header, 100), { class: 'k-h' }))
  if (t.illustration) parts.push(text(16, 44, 'illustration: the simulator does not run a mesh; dashed hops show what it would do, from its documented behaviour', { class: 'k-illus-t' }))
  parts.push(...body)
  const alt = altText(t, hops)
  const svg = el(
    'svg',
    { xmlns: 'http://www.w3.org/2000/svg', viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-labelledby': 'k-trace-title k-trace-desc', class: 'knet-diagram knet-trace' },
    [el('title', { id: 'k-trace-title' }, escapeXml(`Packet trace: ${header}`)), el('desc', { id: 'k-trace-desc' }, escapeXml(alt)), ...parts],
  )
  return { svg, alt }
}

function altText(t: Trace, hops: Hop[]): string {
  const lines = [`${t.illustration ? `${t.illustration[0].toUpperCase()}${t.illustration.slice(1)}. ` : ''}Packet trace from ${t.from} to ${t.to}, ${hops.length} hops, result ${t.result}.`]
  hops.forEach((h, i) => {
    const marks = changed(h)
    let s = `${i + 1}. ${h.direction === 'reply' ? 'Reply at ' : ''}${h.illustration ? '(illustration) ' : ''}${h.at} (${h.handler}): ${tupleText(h.before)}`
    if (marks.size) {
      const what = [...marks].map((f) => (f === 'src' || f === 'sport' ? 'source' : 'destination'))
      s += `, ${[...new Set(what)].join(' and ')} rewritten to ${tupleText(h.after)}`
    }
    if (h.encap) s += `, encapsulated in ${tupleText(h.encap.outer)}${h.encap.vni !== undefined ? ` VNI ${h.encap.vni}` : ''}`
    if (h.verdict) s += `, ${h.verdict}`
    lines.push(`${s}.`)
  })
  if (t.reason) lines.push(`Result: ${t.result}, ${t.reason}.`)
  return lines.join(' ')
}
