/**
 * Where a packet goes between the namespaces of one node, as the kernel
 * would send it: a route lookup in the sender's namespace (no route: the
 * sender's connect() fails with ENETUNREACH), then ARP for the next hop on
 * the out device's layer-2 segment (the device, its veth peer, the bridge
 * that peer is a port of and that bridge's other ports; every link on the way
 * up with carrier), then in the namespace that owns the next hop either local
 * delivery or forwarding, which needs net.ipv4.ip_forward=1 there (a host
 * that does not forward drops the packet without an ICMP error: ip_error()).
 * No ARP answer gives the sender "Destination Host Unreachable"; a reply
 * needs the same walk back from the destination to the source address.
 */
import type { Link } from '../dataplane/model.ts'
import { lookupRoute } from '../dataplane/routes.ts'
import type { LabNode, Space } from './state.ts'
import { carrier, findLink, spaceOf } from './state.ts'

export type Walk =
  /** arrived in `space`, which owns the address; `hops` namespaces forwarded it */
  | { kind: 'delivered'; space: Space; hops: number; via: Link[] }
  /** no route in the sender's namespace */
  | { kind: 'unreachable' }
  /** no ARP answer for the next hop: `from` is the address that reports it (the sender's own, or a router's) */
  | { kind: 'no-neighbour'; from: string }
  /** a router had no route: it answers Destination Net Unreachable */
  | { kind: 'net-unreachable'; from: string }
  /** dropped without a word (a router that does not forward, lo down, a loop) */
  | { kind: 'dropped'; why: string }
  /** the packet leaves the node through a device the lab does not follow (eth0, an overlay) */
  | { kind: 'leaves'; dev: string }

const OFF_NODE = new Set(['device', 'vxlan', 'ipip', 'geneve', 'openvswitch'])

/** The source address the kernel picks for `dst` from `space` (the route's src, else the out device's first global IPv4). */
export function sourceFor(space: Space, dst: string): string | undefined {
  const own = space.ns.links.find((l) => l.addresses.some((a) => a.address === dst))
  if (own) return dst
  const r = lookupRoute(space.ns, dst)
  if (!r) return undefined
  if (r.src) return r.src
  const dev = r.dev ? findLink(space, r.dev) : undefined
  const onDev = dev?.addresses.find((a) => a.family === 'IPv4' && a.scope === 'global')
  if (onDev) return onDev.address
  return space.ns.links.flatMap((l) => l.addresses).find((a) => a.family === 'IPv4' && a.scope === 'global')?.address
}

function owns(space: Space, ip: string): boolean {
  return space.ns.links.some((l) => l.addresses.some((a) => a.address === ip))
}

/**
 * The layer-2 neighbours reachable from `out`: every link that shares its
 * segment and can answer ARP (not a bridge port: a port hands frames to its
 * bridge), with its namespace.
 */
export function segment(lab: LabNode, out: Link): Link[] {
  const seen = new Set<Link>()
  const answer: Link[] = []
  const visit = (l: Link) => {
    if (seen.has(l) || !carrier(lab, l)) return
    seen.add(l)
    if (l !== out && !l.master) answer.push(l)
    const space = spaceOf(lab, l)
    const p = lab.peer.get(l)
    if (p) visit(p)
    if (l.master) {
      const b = findLink(space, l.master)
      if (b) visit(b)
    }
    if (l.kind === 'bridge') for (const port of space.ns.links) if (port.master === l.name) visit(port)
  }
  visit(out)
  return answer
}

/**
 * Follows a packet for `dst` from `from`.
 *
 * @example
 * walk(lab, red, '10.0.0.3') // { kind: 'delivered', space: blue, hops: 0, via: [...] }
 */
export function walk(lab: LabNode, from: Space, dst: string): Walk {
  let space = from
  let hops = 0
  const via: Link[] = []
  for (let step = 0; step < 16; step++) {
    if (owns(space, dst)) {
      if (step === 0) {
        // to an address of its own namespace: through lo, which must be up
        const lo = space.ns.links.find((l) => l.kind === 'loopback')
        return lo && carrier(lab, lo) ? { kind: 'delivered', space, hops, via } : { kind: 'dropped', why: 'lo is down' }
      }
      return { kind: 'delivered', space, hops, via }
    }
    if (step > 0 && !space.forwarding) return { kind: 'dropped', why: `${space.name ?? 'the node'} does not forward (net.ipv4.ip_forward = 0)` }
    const r = lookupRoute(space.ns, dst)
    if (!r || r.type === 'blackhole') {
      if (step === 0) return { kind: 'unreachable' }
      return { kind: 'net-unreachable', from: sourceFor(space, '0.0.0.0') ?? dst }
    }
    const out = r.dev ? findLink(space, r.dev) : undefined
    if (!out) return { kind: 'unreachable' }
    if (OFF_NODE.has(out.kind)) return { kind: 'leaves', dev: out.name }
    const next = r.via ?? dst
    const reporter = sourceFor(space, dst) ?? dst
    if (!carrier(lab, out)) return { kind: 'no-neighbour', from: reporter }
    const answerer = segment(lab, out).find((l) => owns(spaceOf(lab, l), next))
    if (!answerer) return { kind: 'no-neighbour', from: reporter }
    via.push(out, answerer)
    const nextSpace = spaceOf(lab, answerer)
    if (step > 0) hops++
    space = nextSpace
  }
  return { kind: 'dropped', why: 'a routing loop' }
}
