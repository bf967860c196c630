/**
 * The cluster topology as an SVG: nodes with their addresses and Pod ranges,
 * the Pods on each (name and IP), the node network, and Services below with a
 * line to each endpoint (dashed when not ready). Drawn from the scenario
 * itself, so it redraws when the reader edits a manifest.
 */
import type { Cluster, Pod, Service } from '../model/types.ts'
import { el, fit, STYLE, text } from './svg.ts'

export interface Diagram {
  svg: string
  /** a text alternative that says what the picture says */
  alt: string
}

export interface TopologyOptions {
  /** only these namespaces (default: every namespace that is not the cluster's own) */
  namespaces?: string[]
  /** include kube-system and other add-on Pods */
  system?: boolean
  /** at most this many Pods drawn per node */
  maxPodsPerNode?: number
  /** at most this many Services drawn */
  maxServices?: number
}

const SYSTEM_NS = new Set(['kube-system', 'kube-flannel', 'kube-public', 'kube-node-lease', 'calico-system', 'tigera-operator'])

/** What joins the Pods of a node to the network, as each plugin names it. */
function nodeNetworkLabel(c: Cluster): string {
  switch (c.config.cni) {
    case 'flannel':
      return c.config.cniMode === 'host-gw' ? 'cni0 bridge · host-gw routes' : 'cni0 bridge · flannel.1 VXLAN'
    case 'canal':
      return 'cali* routes · flannel.1 VXLAN'
    case 'calico':
      return c.config.cniMode === 'bgp' ? 'cali* routes · BGP' : c.config.cniMode === 'vxlan' ? 'cali* routes · vxlan.calico' : 'cali* routes · tunl0 IPIP'
    case 'cilium':
      return c.config.cniMode === 'native' ? 'cilium_host · native routing' : `cilium_host · cilium_${c.config.cniMode}`
    case 'weave':
      return 'weave bridge · mesh'
    case 'aws-vpc-cni':
      return 'VPC ENI · no overlay'
    case 'azure-cni':
      return 'VNet · no overlay'
    case 'antrea':
      return 'antrea-gw0 · Geneve'
    default:
      return 'cni0 bridge'
  }
}

export function topologyDiagram(c: Cluster, opts: TopologyOptions = {}): Diagram {
  const maxPods = opts.maxPodsPerNode ?? 8
  const nsOk = (ns: string) => (opts.namespaces ? opts.namespaces.includes(ns) : opts.system || !SYSTEM_NS.has(ns))
  const pods = c.pods.filter((p) => nsOk(p.meta.namespace) && p.nodeName)
  const allServices = c.services.filter((s) => nsOk(s.meta.namespace) && !(s.system && !opts.system))
  // a picture of hundreds of Services helps nobody: draw the first ones, say how many more
  const maxServices = opts.maxServices ?? 24
  const services = allServices.slice(0, maxServices)
  // control-plane nodes without the reader's Pods are left out to save room
  const nodes = c.nodes.filter((n) => !n.roles.includes('control-plane') || pods.some((p) => p.nodeName === n.meta.name))

  const colW = 230
  const gap = 20
  const podH = 34
  const headH = 62
  const width = Math.max(1, nodes.length) * (colW + gap) + gap
  const podsOn = new Map(nodes.map((n) => [n.meta.name, pods.filter((p) => p.nodeName === n.meta.name)]))
  const tallest = Math.max(1, ...[...podsOn.values()].map((l) => Math.min(l.length, maxPods) + (l.length > maxPods ? 1 : 0)))
  const nodeH = headH + tallest * (podH + 6) + 10
  const netY = 30 + nodeH + 24
  const svcTop = netY + 44
  const svcW = 210
  const perRow = Math.max(1, Math.floor((width - gap) / (svcW + gap)))
  const svcRows = Math.ceil(services.length / perRow)
  const height = svcTop + svcRows * 70 + (services.length ? 10 : 0) + 14

  const parts: string[] = [STYLE, el('rect', { class: 'k-frame', x: 0, y: 0, width, height })]
  const podPos = new Map<Pod, { x: number; y: number }>()
  nodes.forEach((n, i) => {
    const x = gap + i * (colW + gap)
    const y = 20
    parts.push(el('rect', { class: 'k-node', x, y, width: colW, height: nodeH, rx: 8 }))
    parts.push(text(x + 10, y + 18, fit(n.meta.name, 28), { class: 'k-h' }))
    parts.push(text(x + 10, y + 34, `${n.internalIPs.join(', ')}`, { class: 'k-s' }))
    parts.push(text(x + 10, y + 48, n.podCIDRs.length ? `Pods: ${n.podCIDRs.join(', ')}` : 'Pods: node subnet', { class: 'k-s' }))
    const list = podsOn.get(n.meta.name) ?? []
    list.slice(0, maxPods).forEach((p, j) => {
      const py = y + headH + j * (podH + 6)
      podPos.set(p, { x: x + colW / 2, y: py + podH })
      parts.push(el('rect', { class: p.ready ? 'k-pod' : 'k-pod k-notready', x: x + 10, y: py, width: colW - 20, height: podH, rx: 5 }))
      parts.push(text(x + 18, py + 14, fit(p.meta.namespace === 'default' ? p.meta.name : `${p.meta.namespace}/${p.meta.name}`, 27), { class: 'k-t' }))
      parts.push(text(x + 18, py + 28, p.hostNetwork ? `${p.podIPs[0] ?? ''} (host network)` : p.podIPs.join(', ') || 'no IP', { class: 'k-s' }))
    })
    if (list.length > maxPods) parts.push(text(x + 18, y + headH + maxPods * (podH + 6) + 14, `+ ${list.length - maxPods} more Pods`, { class: 'k-s' }))
    parts.push(el('line', { class: 'k-net', x1: x + colW / 2, y1: y + nodeH, x2: x + colW / 2, y2: netY }))
  })
  parts.push(el('line', { class: 'k-net', x1: gap, y1: netY, x2: width - gap, y2: netY }))
  parts.push(text(width - gap, netY + 16, `${c.config.cni}: ${nodeNetworkLabel(c)}`, { class: 'k-s', 'text-anchor': 'end' }))

  // Links run in the free room only, so that no line crosses a box it does not join (issue 19;
  // test/engine/diagram/topology-geometry.test.ts): up from the Service (a Service of a lower
  // row first steps aside into the gap between Service columns), along the band between the
  // nodes and the node network, up the gap to the right of the Pod's node, and into the Pod's
  // right side. Each link has its own lane in the gaps, a few pixels from the others.
  const nodeBottom = 20 + nodeH
  let lane = 0
  services.forEach((s, i) => {
    const x = gap + (i % perRow) * (svcW + gap)
    const row = Math.floor(i / perRow)
    const y = svcTop + row * 70
    parts.push(el('rect', { class: 'k-svc', x, y, width: svcW, height: 50, rx: 6 }))
    parts.push(text(x + 10, y + 18, fit(`${s.meta.namespace === 'default' ? '' : `${s.meta.namespace}/`}${s.meta.name} (${s.type}${s.headless ? ', headless' : ''})`, 28), { class: 'k-t' }))
    parts.push(text(x + 10, y + 36, fit(serviceAddress(s), 30), { class: 'k-s' }))
    for (const { pod, ready } of endpointPods(c, s)) {
      const at = podPos.get(pod)
      if (!at) continue
      const k = lane++
      const dx = ((k % 5) - 2) * 3
      const sx = x + svcW / 2 + dx * 2
      const bandY = nodeBottom + 8 + (k % 6) * 4
      const channelX = at.x + colW / 2 + gap / 2 + dx
      const podY = at.y - podH / 2 + ((k % 3) - 1) * 4
      const points: [number, number][] = [[sx, y]]
      if (row > 0) {
        const asideY = y - 10 + ((k % 3) - 1) * 2
        const asideX = x - gap / 2 + dx
        points.push([sx, asideY], [asideX, asideY], [asideX, bandY])
      } else {
        points.push([sx, bandY])
      }
      points.push([channelX, bandY], [channelX, podY], [at.x + colW / 2 - 10, podY])
      parts.push(el('path', { class: ready ? 'k-link' : 'k-link k-notready', d: polyline(points) }))
    }
  })

  if (allServices.length > services.length) {
    parts.push(text(gap, height - 4, `+ ${allServices.length - services.length} more Services`, { class: 'k-s' }))
  }
  const alt = altText(c, nodes.map((n) => n.meta.name), podsOn, services) + (allServices.length > services.length ? ` And ${allServices.length - services.length} more Services.` : '')
  const svg = el(
    'svg',
    { xmlns: 'http://www.w3.org/2000/svg', viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-labelledby': 'k-title k-desc', class: 'knet-diagram' },
    [el('title', { id: 'k-title' }, 'Cluster topology'), el('desc', { id: 'k-desc' }, escape(alt)), ...parts],
  )
  return { svg, alt }
}

/** An SVG path through the points, its corners rounded a little. */
function polyline(points: [number, number][]): string {
  const r = 4
  let d = `M${points[0][0]},${points[0][1]}`
  for (let i = 1; i < points.length; i++) {
    const [x, y] = points[i]
    const next = points[i + 1]
    if (!next) {
      d += ` L${x},${y}`
      break
    }
    const [px, py] = points[i - 1]
    const inLen = Math.hypot(x - px, y - py)
    const outLen = Math.hypot(next[0] - x, next[1] - y)
    const k = Math.min(r, inLen / 2, outLen / 2)
    if (k < 0.5) {
      d += ` L${x},${y}`
      continue
    }
    const ax = x - ((x - px) / inLen) * k
    const ay = y - ((y - py) / inLen) * k
    const bx = x + ((next[0] - x) / outLen) * k
    const by = y + ((next[1] - y) / outLen) * k
    d += ` L${round(ax)},${round(ay)} Q${x},${y} ${round(bx)},${round(by)}`
  }
  return d
}

function round(n: number): number {
  return Math.round(n * 10) / 10
}

function escape(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!)
}

function serviceAddress(s: Service): string {
  if (s.type === 'ExternalName') return `CNAME ${s.externalName ?? ''}`
  // kubectl's PORT(S) convention: port[:nodePort]/protocol
  const ports = s.ports.map((p) => (p.nodePort ? `${p.port}:${p.nodePort}/${p.protocol}` : `${p.port}/${p.protocol}`)).join(',')
  const ip = s.headless ? 'None' : (s.clusterIPs[0] ?? '')
  const lb = s.loadBalancerIngress.map((i) => i.ip ?? i.hostname).filter(Boolean)
  return [ip, ports, ...(lb.length ? [`LB ${lb.join(',')}`] : [])].filter(Boolean).join(' ')
}

function endpointPods(c: Cluster, s: Service): { pod: Pod; ready: boolean }[] {
  const out: { pod: Pod; ready: boolean }[] = []
  const seen = new Set<Pod>()
  for (const sl of c.index.slicesByService.get(`${s.meta.namespace}/${s.meta.name}`) ?? []) {
    for (const e of sl.endpoints) {
      const pod = e.targetRef ? c.index.pod.get(`${e.targetRef.namespace}/${e.targetRef.name}`) : c.index.podByIP.get(e.addresses[0])
      if (pod && !seen.has(pod)) {
        seen.add(pod)
        out.push({ pod, ready: e.conditions.ready })
      }
    }
  }
  return out
}

function altText(c: Cluster, nodes: string[], podsOn: Map<string, Pod[]>, services: Service[]): string {
  const lines = [`${nodes.length} node(s) on ${c.config.cni} (${nodeNetworkLabel(c)}).`]
  for (const n of nodes) {
    const list = podsOn.get(n) ?? []
    lines.push(`${n}: ${list.length ? list.map((p) => `${p.meta.name} ${p.podIPs[0] ?? 'no IP'}${p.ready ? '' : ' not ready'}`).join(', ') : 'no Pods'}.`)
  }
  for (const s of services) {
    const eps = endpointPods(c, s).map((e) => `${e.pod.meta.name}${e.ready ? '' : ' (not ready)'}`)
    lines.push(`Service ${s.meta.name} (${s.type}) ${serviceAddress(s)} → ${eps.length ? eps.join(', ') : 'no endpoints'}.`)
  }
  return lines.join(' ')
}
