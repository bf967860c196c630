/**
 * The ClusterSet diagram (`diagram="clusterset"`), from `mesh clusterset`'s data: this cluster
 * (its real ranges, Service and endpoints) beside the described peer, the ServiceExport and
 * the ServiceImport in each cluster, the two DNS names, and the two data paths (Submariner's
 * gateways and tunnel, Cilium Cluster Mesh's direct path) as chains of boxes. Everything the
 * simulator does not run is dashed and says "illustration". Only the SVG writer is imported,
 * so the page can draw it without the engine; every label is escaped by it.
 */
import { el, escapeXml, fit, STYLE, text } from '../diagram/svg.ts'
import type { ClusterSetView } from './clusterset.ts'

export interface ClusterSetDiagram {
  svg: string
  alt: string
}

export const ILLUS_STYLE = `<style>
.k-illus{fill:var(--knet-illus,#f5f0ff);stroke:var(--knet-illus-line,#6b3fb3);stroke-width:1.2;stroke-dasharray:6 4}
.k-illus-t{font:italic 11px system-ui,sans-serif;fill:var(--knet-illus-line,#6b3fb3)}
.k-arrow{stroke:var(--knet-line,#8a94a6);stroke-width:1.2;fill:none}
.k-arrow.k-dash{stroke-dasharray:5 4}
.k-tipfill{fill:var(--knet-line,#8a94a6)}
</style>`

const W = 760

function arrowRight(x1: number, x2: number, y: number, dashed = false): string {
  return el('line', { class: dashed ? 'k-arrow k-dash' : 'k-arrow', x1, y1: y, x2: x2 - 6, y2: y }) + el('path', { class: 'k-tipfill', d: `M${x2 - 7},${y - 4} L${x2 - 7},${y + 4} L${x2},${y} z` })
}

function box(x: number, y: number, w: number, h: number, cls: string, lines: [string, string][], max: number): string[] {
  const out = [el('rect', { class: cls, x, y, width: w, height: h, rx: 6 })]
  lines.forEach(([t, c], i) => out.push(text(x + 8, y + 16 + i * 15, fit(t, max), { class: c })))
  return out
}

/** One path as a chain of boxes with arrows; `tunnelAfter` marks the link drawn as the tunnel. */
function chain(y: number, label: string, steps: { t: string; s: string; illus: boolean }[], tunnelAfter?: number): string[] {
  const out = [text(16, y - 6, label, { class: 'k-h' })]
  const gap = 22
  const w = Math.floor((W - 32 - gap * (steps.length - 1)) / steps.length)
  steps.forEach((st, i) => {
    const x = 16 + i * (w + gap)
    out.push(...box(x, y, w, 40, st.illus ? 'k-illus' : 'k-pod', [[st.t, 'k-t'], [st.s, 'k-s']], Math.floor(w / 7.3)))
    if (i < steps.length - 1) out.push(arrowRight(x + w, x + w + gap, y + 20, i === tunnelAfter))
  })
  return out
}

/**
 * @example
 * const { svg, alt } = clusterSetDiagram(clusterSetView(cluster, svc, peer))
 */
export function clusterSetDiagram(v: ClusterSetView): ClusterSetDiagram {
  const parts: string[] = [STYLE, ILLUS_STYLE]
  const colW = 356
  const lx = 16
  const rx = W - 16 - colW
  const top = 44
  const ports = v.ports.map((p) => `${p.port}/${p.protocol}`).join(',')
  const importIPs = v.headless ? 'Headless' : v.clustersetIP ?? 'ClusterSetIP'
  const shown = v.endpoints.slice(0, 4)
  const boxH = 150 + shown.length * 17 + (v.endpoints.length > shown.length ? 17 : 0)
  // this cluster: real
  parts.push(el('rect', { class: 'k-node', x: lx, y: top, width: colW, height: boxH, rx: 8 }))
  parts.push(text(lx + 10, top + 18, 'this cluster (the scenario)', { class: 'k-h' }))
  parts.push(text(lx + 10, top + 34, fit(`Pods ${v.local.podCIDRs.join(', ')}`, 50), { class: 'k-s' }))
  parts.push(text(lx + 10, top + 48, fit(`Services ${v.local.serviceCIDRs.join(', ')}`, 50), { class: 'k-s' }))
  parts.push(...box(lx + 10, top + 58, colW - 20, 36, 'k-svc', [[`Service ${v.service} ${v.headless ? '(headless)' : v.clusterIPs[0] ?? ''}`, 'k-t'], [`${v.namespace} · ${ports}`, 'k-s']], 44))
  let ey = top + 112
  parts.push(text(lx + 10, ey, `${v.endpoints.length} ready endpoint${v.endpoints.length === 1 ? '' : 's'}`, { class: 'k-s' }))
  for (const e of shown) {
    ey += 17
    parts.push(text(lx + 18, ey, fit(`${e.ip}:${e.port}  ${e.pod.split('/').pop()}  ${e.node}`, 46), { class: 'k-t' }))
  }
  if (v.endpoints.length > shown.length) {
    ey += 17
    parts.push(text(lx + 18, ey, `+ ${v.endpoints.length - shown.length} more`, { class: 'k-s' }))
  }
  // the MCS objects in this cluster: illustration
  const objY = top + boxH - 30
  parts.push(...box(lx + 10, objY, 160, 22, 'k-illus', [], 0), text(lx + 18, objY + 15, fit(`ServiceExport ${v.service}`, 20), { class: 'k-t' }))
  parts.push(...box(lx + 186, objY, 160, 22, 'k-illus', [], 0), text(lx + 194, objY + 15, fit(`ServiceImport ${v.service}`, 20), { class: 'k-t' }))
  // the peer: described, not simulated
  parts.push(el('rect', { class: 'k-illus', x: rx, y: top, width: colW, height: boxH, rx: 8 }))
  parts.push(text(rx + 10, top + 18, fit(`${v.peer.name} (described, not simulated)`, 42), { class: 'k-h' }))
  parts.push(text(rx + 10, top + 34, fit(`Pods ${v.peer.podCIDRs.join(', ')}`, 50), { class: 'k-s' }))
  parts.push(text(rx + 10, top + 48, fit(`Services ${v.peer.serviceCIDRs.join(', ')}`, 50), { class: 'k-s' }))
  parts.push(...box(rx + 10, objY, colW - 20, 22, 'k-illus', [], 0), text(rx + 18, objY + 15, fit(`ServiceImport ${v.service} · ${importIPs}`, 44), { class: 'k-t' }))
  // export → imports
  parts.push(arrowRight(lx + 170, lx + 186, objY + 11, true))
  parts.push(arrowRight(lx + colW, rx + 10, objY + 11, true))
  parts.push(text(rx + 10, objY - 8, 'made by the MCS controller in both clusters', { class: 'k-illus-t' }))
  // what a Pod of the peer would use
  parts.push(text(rx + 10, top + 76, 'a Pod here would connect to', { class: 'k-s' }))
  parts.push(text(rx + 10, top + 92, fit(v.setName, 46), { class: 'k-t' }))
  parts.push(text(rx + 10, top + 108, fit(v.headless ? '→ the Pods of every exporting cluster' : `→ ${v.clustersetIP ?? 'the ClusterSetIP'}, balanced over the`, 48), { class: 'k-s' }))
  if (!v.headless) parts.push(text(rx + 10, top + 122, 'endpoints of every exporting cluster', { class: 'k-s' }))
  // DNS
  let y = top + boxH + 24
  parts.push(text(16, y, fit(`${v.setName} → ${v.headless ? 'the Pods of every exporting cluster' : v.clustersetIP ?? 'the ClusterSetIP'} (both clusters)`, 110), { class: 'k-t' }))
  y += 16
  parts.push(text(16, y, fit(`${v.localName} → ${v.headless ? 'this cluster\'s Pods' : v.clusterIPs.join(', ')} (this cluster only)`, 110), { class: 'k-t' }))
  // the two paths
  const podOverlap = v.overlaps.some((o) => o.a.includes('Pods') && o.b.includes('Pods'))
  const e = v.endpoints[0]
  const dest = e ? { t: e.pod.split('/').pop()!, s: `${e.ip}:${e.port}` } : { t: v.service, s: 'an endpoint' }
  const node = e && e.node ? { t: e.node, s: e.nodeIP } : { t: 'the endpoint', s: 'on no node' }
  y += 40
  parts.push(
    ...chain(y, `Submariner: through a gateway node in each cluster${v.overlaps.length ? ' (needs Globalnet: ranges overlap)' : ''}`, [
      { t: `a Pod in ${v.peer.name}`, s: v.peer.podCIDRs[0] ?? '', illus: true },
      { t: `${v.peer.name} gateway`, s: 'node', illus: true },
      { t: 'gateway here', s: 'gateway=true', illus: true },
      { ...node, illus: false },
      { ...dest, illus: false },
    ], 1),
  )
  // under the link from the peer's gateway to this cluster's (the second link of five boxes)
  const step = Math.floor((W - 32 - 22 * 4) / 5) + 22
  parts.push(text(16 + 2 * step - 11, y + 54, 'IPsec or WireGuard tunnel', { class: 'k-illus-t', 'text-anchor': 'middle' }))
  y += 84
  parts.push(
    ...chain(y, `Cilium Cluster Mesh: straight to the endpoint's node${podOverlap ? ' (not supported: the Pod ranges overlap)' : ''}`, [
      { t: `a Pod in ${v.peer.name}`, s: v.peer.podCIDRs[0] ?? '', illus: true },
      { t: 'its node', s: `${v.peer.name}`, illus: true },
      { ...node, illus: false },
      { ...dest, illus: false },
    ]),
  )
  y += 56
  const overlapNote = v.overlaps.length ? `ranges overlap: ${v.overlaps[0].a} and ${v.overlaps[0].b}${v.overlaps.length > 1 ? ` (+${v.overlaps.length - 1})` : ''}` : 'no ranges overlap'
  parts.push(text(16, y + 6, fit(overlapNote, 118), { class: v.overlaps.length ? 'k-h' : 'k-s' }))
  const height = y + 30
  parts.push(text(16, height - 8, 'dashed: illustration; the simulator runs one cluster and no MCS controller', { class: 'k-illus-t' }))
  const header = `ClusterSet: ${v.namespace}/${v.service} exported to ${v.peer.name}`
  const alt = altText(v)
  const svg = el(
    'svg',
    { xmlns: 'http://www.w3.org/2000/svg', viewBox: `0 0 ${W} ${height}`, width: W, height, role: 'img', 'aria-labelledby': 'k-cs-title k-cs-desc', class: 'knet-diagram knet-clusterset' },
    [
      el('title', { id: 'k-cs-title' }, escapeXml(header)),
      el('desc', { id: 'k-cs-desc' }, escapeXml(alt)),
      el('rect', { class: 'k-frame', x: 0, y: 0, width: W, height }),
      text(16, 26, fit(`${header} (illustration)`, 100), { class: 'k-h' }),
      ...parts,
    ],
  )
  return { svg, alt }
}

function altText(v: ClusterSetView): string {
  const e = v.endpoints[0]
  const s = [
    `Illustration of the Multi-Cluster Services API; the simulator runs one cluster. This cluster has Pods in ${v.local.podCIDRs.join(', ')} and Services in ${v.local.serviceCIDRs.join(', ')}; the peer ${v.peer.name}, described on the command line, has Pods in ${v.peer.podCIDRs.join(', ')} and Services in ${v.peer.serviceCIDRs.join(', ')}.`,
    `A ServiceExport for Service ${v.namespace}/${v.service}${v.headless ? ' (headless)' : ` (ClusterIP ${v.clusterIPs.join(', ')})`}, with ${v.endpoints.length} ready endpoints, makes a ServiceImport in both clusters, ${v.headless ? 'of type Headless' : `with ClusterSetIP ${v.clustersetIP ?? 'chosen by the implementation'}`}.`,
    `${v.setName} answers in both clusters; ${v.localName} stays this cluster's Service.`,
    e
      ? `Submariner path: a Pod in ${v.peer.name}, ${v.peer.name}'s gateway node, an IPsec or WireGuard tunnel, this cluster's gateway node, ${e.node}, ${e.pod} at ${e.ip}:${e.port}. Cilium Cluster Mesh path: a Pod in ${v.peer.name}, its node, directly to ${e.node} (${e.nodeIP}), ${e.ip}:${e.port}.`
      : 'The Service has no ready endpoints to reach.',
    v.overlaps.length ? `Ranges overlap: ${v.overlaps.map((o) => `${o.a} and ${o.b}`).join('; ')}.` : 'No ranges overlap.',
  ]
  return s.join(' ')
}
