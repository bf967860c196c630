/**
 * The Gateway topology diagram: listeners → routes (with their rules) →
 * Services → Pods, drawn from `gateway topology`'s data (topology.ts), with a
 * text alternative that says the same. A route that failed to attach is drawn
 * dashed with the reason from its status; a backendRef that does not resolve
 * is named on its rule (its requests get 500). Only the SVG writer is
 * imported, so the page can draw it without the engine.
 */
import { el, fit, STYLE, text } from '../diagram/svg.ts'
import type { GatewayTopology } from './topology.ts'

export interface GatewayDiagram {
  svg: string
  alt: string
}

/** what is not in effect (a listener not programmed, a route not attached) is drawn dashed */
const OWN_STYLE = '<style>.k-gw-off{stroke-dasharray:4 3;opacity:.8}</style>'
const COL = [20, 270, 560, 800]
const W = [220, 250, 210, 200]

/**
 * Draws the topology.
 *
 * @example
 * const { svg, alt } = gatewayDiagram(gatewayTopology(cluster))
 */
export function gatewayDiagram(t: GatewayTopology): GatewayDiagram {
  const parts: string[] = []
  const listenerAt = new Map<string, { x: number; y: number }>()
  const serviceAt = new Map<string, { x: number; y: number; h: number }>()
  let y0 = 20
  // column 0: Gateways and their listeners
  for (const g of t.gateways) {
    parts.push(text(COL[0], y0 + 12, fit(`Gateway ${g.name}`, 30), { class: 'k-h' }))
    parts.push(text(COL[0], y0 + 27, fit(`${g.address ?? 'no address'}${g.programmed ? '' : ' · not programmed'}`, 34), { class: 'k-s' }))
    y0 += 36
    for (const l of g.listeners) {
      parts.push(el('rect', { class: l.ready ? 'k-node' : 'k-node k-gw-off', x: COL[0], y: y0, width: W[0], height: 40, rx: 6 }))
      parts.push(text(COL[0] + 8, y0 + 16, fit(`${l.name}: ${l.protocol} ${l.port}`, 30), { class: 'k-t' }))
      parts.push(text(COL[0] + 8, y0 + 32, fit(`${l.hostname ?? 'any host'}${l.ready ? '' : ' · not programmed'}`, 32), { class: 'k-s' }))
      listenerAt.set(`${g.name}/${l.name}`, { x: COL[0] + W[0], y: y0 + 20 })
      y0 += 50
    }
    y0 += 10
  }
  // column 2 first (positions), then column 3: Services and their Pods
  let ys = 20
  let yp = 20
  const podAt: { y: number; service: string; ready: boolean }[] = []
  for (const s of t.services) {
    const h = 40
    const podsTop = yp
    for (const p of s.pods) {
      parts.push(el('rect', { class: p.ready ? 'k-pod' : 'k-pod k-notready', x: COL[3], y: yp, width: W[3], height: 34, rx: 5 }))
      parts.push(text(COL[3] + 8, yp + 14, fit(p.name, 27), { class: 'k-t' }))
      parts.push(text(COL[3] + 8, yp + 28, p.ip, { class: 'k-s' }))
      podAt.push({ y: yp + 17, service: s.service, ready: p.ready })
      yp += 42
    }
    const sy = Math.max(ys, s.pods.length ? Math.round((podsTop + yp - 8) / 2) - h / 2 : ys)
    parts.push(el('rect', { class: 'k-svc', x: COL[2], y: sy, width: W[2], height: h, rx: 6 }))
    parts.push(text(COL[2] + 8, sy + 16, fit(`Service ${s.service.replace(/^default\//, '')}`, 28), { class: 'k-t' }))
    parts.push(text(COL[2] + 8, sy + 32, s.pods.length ? `${s.pods.filter((p) => p.ready).length} ready endpoint(s)` : 'no endpoints', { class: 'k-s' }))
    serviceAt.set(s.service, { x: COL[2], y: sy + h / 2, h })
    for (const p of podAt.filter((x) => x.service === s.service)) {
      parts.push(el('path', { class: p.ready ? 'k-link' : 'k-link k-notready', d: `M${COL[2] + W[2]},${sy + h / 2} C${COL[3] - 20},${sy + h / 2} ${COL[2] + W[2] + 20},${p.y} ${COL[3]},${p.y}` }))
    }
    ys = sy + h + 12
    yp = Math.max(yp, ys) + 8
  }
  // column 1: routes and rules, with their edges
  let yr = 20
  for (const r of t.routes) {
    const attached = r.listeners.length > 0
    const h = 40 + r.rules.length * 16 + (attached ? 0 : 16)
    parts.push(el('rect', { class: attached ? 'k-svc' : 'k-svc k-gw-off', x: COL[1], y: yr, width: W[1], height: h, rx: 6 }))
    parts.push(text(COL[1] + 8, yr + 16, fit(`${r.kind} ${r.name.replace(/^default\//, '')}`, 34), { class: 'k-t' }))
    parts.push(text(COL[1] + 8, yr + 31, fit(r.hostnames.length ? r.hostnames.join(', ') : 'any host', 36), { class: 'k-s' }))
    for (const l of r.listeners) {
      const at = listenerAt.get(l)
      if (at) parts.push(el('path', { class: 'k-link', d: `M${at.x},${at.y} C${at.x + 25},${at.y} ${COL[1] - 25},${yr + 20} ${COL[1]},${yr + 20}` }))
    }
    r.rules.forEach((rule, i) => {
      const ry = yr + 46 + i * 16
      const bad = rule.backends.filter((b) => b.problem)
      const label = `${rule.matches.join(' | ') || 'prefix /'}${rule.backends.length === 0 ? ' → 500' : bad.length ? ` → 500 (${bad[0].problem})` : ''}`
      parts.push(text(COL[1] + 8, ry, fit(label, 36), { class: 'k-s' }))
      const total = rule.backends.reduce((a, b) => a + b.weight, 0)
      for (const b of rule.backends) {
        const at = serviceAt.get(b.service)
        if (!at || b.problem) continue
        parts.push(el('path', { class: b.weight === 0 ? 'k-link k-notready' : 'k-link', d: `M${COL[1] + W[1]},${ry - 4} C${COL[2] - 20},${ry - 4} ${COL[1] + W[1] + 20},${at.y} ${COL[2]},${at.y}` }))
        if (rule.backends.length > 1) parts.push(text(COL[1] + W[1] + 4, ry - 8, total ? `${Math.round((100 * b.weight) / total)}%` : '0%', { class: 'k-s' }))
      }
    })
    if (!attached) parts.push(text(COL[1] + 8, yr + h - 8, fit(`not attached: ${r.detached.join('; ') || 'no parent'}`, 36), { class: 'k-s' }))
    yr += h + 12
  }
  const width = COL[3] + W[3] + 20
  const height = Math.max(y0, yr, ys, yp) + 10
  const alt = altText(t)
  const svg = el(
    'svg',
    { xmlns: 'http://www.w3.org/2000/svg', viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-labelledby': 'k-gw-title k-gw-desc', class: 'knet-diagram' },
    [el('title', { id: 'k-gw-title' }, 'Gateway topology'), el('desc', { id: 'k-gw-desc' }, alt.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)), STYLE, OWN_STYLE, el('rect', { class: 'k-frame', x: 0, y: 0, width, height }), ...parts],
  )
  return { svg, alt }
}

function altText(t: GatewayTopology): string {
  const out: string[] = []
  for (const g of t.gateways) {
    out.push(`Gateway ${g.name} at ${g.address ?? 'no address'}${g.programmed ? '' : ' (not programmed)'} with listeners ${g.listeners.map((l) => `${l.name} (${l.protocol} ${l.port} ${l.hostname ?? 'any host'}, ${l.attachedRoutes} route${l.attachedRoutes === 1 ? '' : 's'})`).join(', ')}.`)
  }
  for (const r of t.routes) {
    const where = r.listeners.length ? `attached to ${r.listeners.join(', ')}` : `not attached (${r.detached.join('; ')})`
    const rules = r.rules.map((x) => `${x.matches.join(' or ') || 'any path'} to ${x.backends.length ? x.backends.map((b) => `${b.service}${b.problem ? ` (invalid: ${b.problem})` : ''}${x.backends.length > 1 ? ` weight ${b.weight}` : ''}`).join(' and ') : 'no backend (500)'}`)
    out.push(`${r.kind} ${r.name} for ${r.hostnames.length ? r.hostnames.join(', ') : 'any host'}, ${where}: ${rules.join('; ')}.`)
  }
  for (const s of t.services) out.push(`Service ${s.service} → ${s.pods.length ? s.pods.map((p) => `${p.name}${p.ready ? '' : ' (not ready)'}`).join(', ') : 'no endpoints'}.`)
  return out.join(' ')
}
