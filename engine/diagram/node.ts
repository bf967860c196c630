/**
 * Inside one node, as an SVG: each network namespace other than the node's
 * (the Pods' sandboxes, the ones the reader made) as a box with its
 * interfaces and routes; below, the node's own namespace with its bridges
 * (a bar each, their ports on it) and its other interfaces; a line for each
 * veth pair from the namespace's end to the node's end. A link that is down
 * or has no carrier is drawn dashed and says so in words. Every label comes
 * from the reader, so all of it is escaped.
 */
import type { NodeSnapshot, SnapshotLink, SnapshotSpace } from '../lab/snapshot.ts'
import { el, escapeXml, fit, STYLE, text } from './svg.ts'
import type { Diagram } from './topology.ts'

export interface NodeDiagramOptions {
  /** namespaces drawn at most (default 12); the rest are counted */
  maxSpaces?: number
}

const NODE_STYLE = `<style>
.k-ns{fill:var(--knet-pod,#e6f0ff);stroke:var(--knet-pod-line,#3b6fd8);stroke-width:1}
.k-ns.k-mine{fill:var(--knet-svc,#eaf7ee);stroke:var(--knet-svc-line,#2f8a4c)}
.k-bridge{fill:var(--knet-encap,#eef4ff);stroke:var(--knet-pod-line,#3b6fd8);stroke-width:1.5}
.k-port{fill:var(--knet-bg,#fff);stroke:var(--knet-line,#8a94a6);stroke-width:1}
.k-veth{stroke:var(--knet-pod-line,#3b6fd8);stroke-width:1.5;fill:none}
.k-down{stroke-dasharray:4 3;opacity:.7}
</style>`

const WIDTH = 760
const PAD = 16
const COLS = 3
const GAP = 12
const BOX_W = (WIDTH - 2 * PAD - (COLS - 1) * GAP) / COLS
const LINE = 14
// characters that fit a namespace box, in the monospace 12px (k-t) and 11px (k-s) styles and the 13px heading
const FIT_T = Math.floor((BOX_W - 16) / 7.3)
const FIT_S = Math.floor((BOX_W - 16) / 6.7)
const FIT_H = Math.floor((BOX_W - 16) / 7.6)

function state(l: SnapshotLink): string {
  return !l.up ? 'DOWN' : l.carrier ? 'up' : 'NO-CARRIER'
}

function linkLine(l: SnapshotLink): string {
  return `${l.name} ${l.addresses.filter((a) => !a.includes(':')).join(' ') || '–'} ${state(l)}`
}

function title(s: SnapshotSpace): string {
  return s.pod ? `Pod ${s.pod}` : (s.name ?? 'node')
}

/**
 * @example
 * const { svg, alt } = nodeDiagram(runCommand(cluster, 'ssh node-1 ip link', session).data.node)
 */
export function nodeDiagram(snap: NodeSnapshot, opts: NodeDiagramOptions = {}): Diagram {
  const host = snap.spaces[0]
  const others = snap.spaces.slice(1)
  const shown = others.slice(0, opts.maxSpaces ?? 12)
  const body: string[] = []
  // where each namespace's end of a veth pair is, to draw the cable to the node's end
  const ends = new Map<string, { x: number; y: number; down: boolean }>()

  // the namespaces, in rows of COLS
  let y = 44
  const rows: SnapshotSpace[][] = []
  for (let i = 0; i < shown.length; i += COLS) rows.push(shown.slice(i, i + COLS))
  for (const row of rows) {
    const heights = row.map((s) => 40 + LINE * (s.links.length + s.links.filter((l) => !l.carrier).length + Math.min(s.routes.length, 4) + (s.routes.length > 4 ? 1 : 0)) + 8)
    const h = Math.max(...heights)
    row.forEach((s, c) => {
      const x = PAD + c * (BOX_W + GAP)
      const mine = !s.pod
      body.push(el('rect', { class: `k-ns${mine ? ' k-mine' : ''}`, x, y, width: BOX_W, height: h, rx: 6 }))
      body.push(text(x + 8, y + 17, fit(title(s), FIT_H), { class: 'k-h' }))
      body.push(text(x + 8, y + 31, fit(s.pod ? `netns ${s.name}` : 'network namespace', FIT_S), { class: 'k-s' }))
      let ly = y + 31 + LINE
      for (const l of s.links) {
        // a link that does not pass packets says why on a line of its own
        body.push(text(x + 8, ly, fit(`${l.name} ${l.addresses.filter((a) => !a.includes(':')).join(' ')}${l.carrier ? ' up' : ''}`, FIT_T), { class: 'k-t' }))
        ly += LINE
        if (!l.carrier) {
          body.push(text(x + 20, ly, state(l), { class: 'k-s' }))
          ly += LINE
        }
      }
      for (const r of s.routes.slice(0, 4)) {
        body.push(text(x + 8, ly, fit(r, FIT_S), { class: 'k-s' }))
        ly += LINE
      }
      if (s.routes.length > 4) {
        body.push(text(x + 8, ly, `… ${s.routes.length - 4} more routes`, { class: 'k-s' }))
        ly += LINE
      }
      // this namespace's veths that lead to the node, spread along the box's bottom edge
      const toNode = s.links.filter((l) => l.peer?.space === 0)
      toNode.forEach((l, k) => {
        const ex = x + (BOX_W * (k + 1)) / (toNode.length + 1)
        ends.set(`${snap.spaces.indexOf(s)}/${l.name}`, { x: ex, y: y + h, down: !l.carrier })
      })
    })
    y += h + GAP
  }
  if (others.length > shown.length) {
    body.push(text(PAD, y + 10, `… and ${others.length - shown.length} more namespaces`, { class: 'k-s' }))
    y += LINE + 4
  }

  // the node's own namespace
  const nodeTop = y + 34
  const parts: string[] = []
  let ny = nodeTop + 26
  const bridges = host.links.filter((l) => l.kind === 'bridge')
  const cables: string[] = []
  const portW = 150
  const drawPort = (l: SnapshotLink, px: number, py: number) => {
    const peerSpace = l.peer ? snap.spaces[l.peer.space] : undefined
    parts.push(el('rect', { class: `k-port${l.carrier ? '' : ' k-down'}`, x: px, y: py, width: portW, height: 32, rx: 4 }))
    parts.push(text(px + 6, py + 13, fit(`${l.name} ${state(l)}`, 18), { class: 'k-t' }))
    const to = peerSpace && l.peer!.space !== 0 ? `⇄ ${peerSpace.pod ? `Pod ${peerSpace.pod}` : `${peerSpace.name}:${l.peer!.name}`}` : l.peer ? `⇄ ${l.peer.name}` : l.kind
    parts.push(text(px + 6, py + 27, fit(to, 20), { class: 'k-s' }))
    if (l.peer && l.peer.space !== 0) {
      const end = ends.get(`${l.peer.space}/${l.peer.name}`)
      if (end) cables.push(el('line', { class: `k-veth${end.down || !l.carrier ? ' k-down' : ''}`, x1: end.x, y1: end.y, x2: px + portW / 2, y2: py }))
    }
  }
  for (const b of bridges) {
    const ports = host.links.filter((l) => l.master === b.name)
    parts.push(el('rect', { class: `k-bridge${b.carrier ? '' : ' k-down'}`, x: PAD + 8, y: ny + 40, width: WIDTH - 2 * PAD - 16, height: 24, rx: 4 }))
    parts.push(text(PAD + 16, ny + 56, fit(`bridge ${linkLine(b)}  mtu ${b.mtu}`, 90), { class: 'k-t' }))
    const perRow = Math.floor((WIDTH - 2 * PAD - 16) / (portW + 8))
    ports.forEach((p, k) => drawPort(p, PAD + 12 + (k % perRow) * (portW + 8), ny + (Math.floor(k / perRow) === 0 ? 0 : 72 + 40 * (Math.floor(k / perRow) - 1))))
    const extraRows = Math.max(0, Math.ceil(ports.length / perRow) - 1)
    ny += 76 + extraRows * 40
  }
  // veths on the node that are no bridge's port
  const loose = host.links.filter((l) => l.kind === 'veth' && !l.master)
  loose.forEach((l, k) => drawPort(l, PAD + 12 + (k % 4) * (portW + 8), ny + Math.floor(k / 4) * 40))
  if (loose.length) ny += Math.ceil(loose.length / 4) * 40 + 4
  const rest = host.links.filter((l) => l.kind !== 'bridge' && l.kind !== 'veth')
  for (const l of rest) {
    parts.push(text(PAD + 12, ny + 12, fit(`${linkLine(l)}  (${l.kind})`, 100), { class: 'k-t' }))
    ny += LINE
  }
  ny += 6
  parts.push(text(PAD + 12, ny + 12, `routes${host.forwarding ? '' : ' (net.ipv4.ip_forward = 0)'}:`, { class: 'k-s' }))
  ny += LINE
  for (const r of host.routes.slice(0, 12)) {
    parts.push(text(PAD + 24, ny + 12, fit(r, 100), { class: 'k-s' }))
    ny += LINE
  }
  if (host.routes.length > 12) {
    parts.push(text(PAD + 24, ny + 12, `… ${host.routes.length - 12} more`, { class: 'k-s' }))
    ny += LINE
  }
  const nodeBottom = ny + 12
  const height = nodeBottom + PAD
  const header = `Inside ${snap.node}: ${others.length} network namespace${others.length === 1 ? '' : 's'} besides the node's own`
  const svgParts = [
    STYLE,
    NODE_STYLE,
    el('rect', { class: 'k-frame', x: 0, y: 0, width: WIDTH, height }),
    text(PAD, 26, header, { class: 'k-h' }),
    ...body,
    el('rect', { class: 'k-node', x: PAD, y: nodeTop, width: WIDTH - 2 * PAD, height: nodeBottom - nodeTop, rx: 8 }),
    text(PAD + 10, nodeTop + 18, fit(`${snap.node}: the node's own namespace`, 80), { class: 'k-h' }),
    // the cables under the node's boxes: a bridge bar in the way hides the line rather than crossing it
    ...cables,
    ...parts,
  ]
  const alt = altText(snap)
  const svg = el(
    'svg',
    { xmlns: 'http://www.w3.org/2000/svg', viewBox: `0 0 ${WIDTH} ${height}`, width: WIDTH, height, role: 'img', 'aria-labelledby': 'k-node-title k-node-desc', class: 'knet-diagram knet-node' },
    [el('title', { id: 'k-node-title' }, escapeXml(header)), el('desc', { id: 'k-node-desc' }, escapeXml(alt)), ...svgParts],
  )
  return { svg, alt }
}

function describeLink(snap: NodeSnapshot, l: SnapshotLink): string {
  let s = `${l.name} (${l.kind}, ${state(l)}`
  if (l.addresses.length) s += `, ${l.addresses.join(', ')}`
  if (l.master) s += `, port of ${l.master}`
  if (l.peer) s += `, peer ${l.peer.name}${l.peer.space === 0 ? ' on the node' : ` in ${snap.spaces[l.peer.space].name}`}`
  return `${s})`
}

function altText(snap: NodeSnapshot): string {
  const out = [`Inside ${snap.node}.`]
  for (const s of snap.spaces.slice(1)) {
    const links = s.links.filter((l) => l.kind !== 'loopback' || !l.up).map((l) => describeLink(snap, l))
    out.push(`Namespace ${s.name}${s.pod ? ` (Pod ${s.pod})` : ''}: ${links.join('; ') || 'only lo'}; routes: ${s.routes.join('; ') || 'none'}.`)
  }
  const host = snap.spaces[0]
  const links = host.links.filter((l) => l.kind !== 'loopback').map((l) => describeLink(snap, l))
  out.push(`The node's own namespace: ${links.join('; ')}; routes: ${host.routes.join('; ') || 'none'}${host.forwarding ? '' : '; IP forwarding off'}.`)
  return out.join(' ')
}
