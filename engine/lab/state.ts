/**
 * The by-hand lab's state: a copy of one node's network namespaces (its own,
 * the Pods' `cni-…` ones, and those the reader adds with `ip netns add`) that
 * the commands of one run change. It lives in the run's Session (slot
 * 'lab'), made from the CNI's plumbing on the first command that changes
 * something on that node; until then every command reads the plumbing as is.
 *
 * The kernel behaviour encoded here, from net/core/dev.c, net/ipv4/fib_frontend.c
 * and drivers/net/veth.c: a veth has carrier only while its peer is up; a
 * bridge has carrier while one of its ports does; an address's prefix route
 * exists only while its device is up (fib_add_ifaddr) and a device going down
 * or changing namespace loses every route through it (fib_disable_ip); a
 * device moved to another namespace goes down and loses its addresses but
 * keeps its ifindex when that index is free there (dev_change_net_namespace).
 */
import type { Node } from '../model/types.ts'
import type { Session } from '../shell/session.ts'
import { sessionFullMessage } from '../shell/session.ts'
import type { Link, LinkAddress, NetNS, Route } from '../dataplane/model.ts'
import { nodePlumbing } from '../dataplane/cni/index.ts'
import { linkLocalFromMac, randomMac } from '../dataplane/ids.ts'
import { routeOrder } from '../dataplane/routes.ts'
import { formatPrefix, parsePrefix } from '../net/ip.ts'

export interface Space {
  /** `ip netns` name; undefined for the node's own namespace */
  name?: string
  ns: NetNS
  /** net.ipv4.ip_forward in this namespace */
  forwarding: boolean
  /** the namespace's next ifindex (the kernel counts per namespace) */
  nextIndex: number
  /** the id the node's namespace gives this one (`ip netns list` prints `(id: N)`), once a link joins them */
  nsid?: number
  /** ids this namespace gives others, by name ('' = the node's own), in the order it met them */
  ids: Map<string, number>
  /** a Pod sandbox's namespace (made by the CNI plugin, not by the reader) */
  cni: boolean
  /** for a Pod sandbox's namespace: the Pod, as namespace/name */
  pod?: string
}

export interface LabNode {
  node: Node
  /** the node's own namespace first, then the others in creation order */
  spaces: Space[]
  /** veth peers, both ways */
  peer: Map<Link, Link>
  /** administrative state (IFF_UP) of every link */
  admin: Map<Link, boolean>
  /** links whose flags the lab computes (made or changed here); the CNI's others print as built */
  touched: Set<Link>
  /** links made by the reader in this run */
  made: Set<Link>
  /** how many links were ever made here, for distinct MAC addresses */
  serial: number
}

type Labs = Map<string, LabNode>

export function labs(session: Session): Labs {
  return session.slot<Labs>('lab', () => new Map())
}

/** The lab of a node if a command of this run changed it. */
export function peekLab(session: Session, node: Node): LabNode | undefined {
  return session.peek<Labs>('lab')?.get(node.meta.name)
}

/** The lab of a node, made from its CNI plumbing on first use. */
export function labFor(session: Session, node: Node): LabNode {
  const all = labs(session)
  let lab = all.get(node.meta.name)
  if (!lab) {
    lab = fromPlumbing(session, node)
    all.set(node.meta.name, lab)
  }
  return lab
}

/** The lab of a node to read: this run's if a command changed the node, else a copy of the plumbing that is not kept. */
export function labToRead(session: Session, node: Node): LabNode {
  return peekLab(session, node) ?? fromPlumbing(session, node)
}

function cloneLink(l: Link): Link {
  return {
    ...l,
    flags: [...l.flags],
    addresses: l.addresses.map((a) => ({ ...a, flags: a.flags ? [...a.flags] : undefined })),
    parent: l.parent ? { ...l.parent } : undefined,
    altnames: l.altnames ? [...l.altnames] : undefined,
    bridgePort: l.bridgePort ? { ...l.bridgePort } : undefined,
  }
}

function cloneNs(ns: NetNS): NetNS {
  return {
    name: ns.name,
    links: ns.links.map(cloneLink),
    routes: ns.routes.map((r) => ({ ...r })),
    // the agents' neighbour and FDB entries stay as they were (the lab does not edit them)
    ...(ns.neighbours ? { neighbours: ns.neighbours.map((n) => ({ ...n })) } : {}),
    ...(ns.fdb ? { fdb: ns.fdb.map((f) => ({ ...f })) } : {}),
  }
}

function fromPlumbing(session: Session, node: Node): LabNode {
  const plumbing = nodePlumbing(session.cluster, node)
  const host: Space = { ns: cloneNs(plumbing.host), forwarding: true, nextIndex: 0, ids: new Map(), cni: false }
  const spaces: Space[] = [host]
  let id = 0
  for (const [pod, p] of plumbing.pods) {
    // the CNI's namespaces: ip_forward as the rest of the simulator reads it in a Pod (0, dataplane/files.ts)
    spaces.push({ name: p.name, ns: cloneNs(p), forwarding: false, nextIndex: 0, nsid: id++, ids: new Map([['', 0]]), cni: true, pod })
  }
  const lab: LabNode = { node, spaces, peer: new Map(), admin: new Map(), touched: new Set(), made: new Set(), serial: 0 }
  for (const s of spaces) {
    s.nextIndex = Math.max(0, ...s.ns.links.map((l) => l.index)) + 1
    for (const l of s.ns.links) lab.admin.set(l, l.flags.includes('UP'))
  }
  // the CNI's veth pairs: the node side names the Pod's namespace, the Pod side its ifindex
  for (const l of host.ns.links) {
    if (l.kind !== 'veth' || !l.parent?.netns) continue
    const other = spaces.find((s) => s.name === l.parent!.netns)
    const p = other?.ns.links.find((x) => x.index === l.parent!.index)
    if (p) {
      lab.peer.set(l, p)
      lab.peer.set(p, l)
    }
  }
  return lab
}

export function spaceOf(lab: LabNode, link: Link): Space {
  return lab.spaces.find((s) => s.ns.links.includes(link))!
}

export function spaceNamed(lab: LabNode, name: string | undefined): Space | undefined {
  return lab.spaces.find((s) => s.name === name)
}

export function findLink(space: Space, name: string): Link | undefined {
  return space.ns.links.find((l) => l.name === name)
}

/** Counts objects against the run's bound; the error message when the run is full. */
export function reserve(session: Session, n = 1): string | undefined {
  return session.reserve(n) ? undefined : `Error: ${sessionFullMessage()}.`
}

/** A new link's MAC: random in the kernel (eth_random_addr), derived here from the node and a counter. */
export function newMac(lab: LabNode, name: string): string {
  lab.serial++
  return randomMac(`lab/${lab.node.meta.name}/${name}/${lab.serial}`)
}

export function newSpace(lab: LabNode, name: string): Space {
  const lo: Link = {
    index: 1,
    name: 'lo',
    kind: 'loopback',
    mtu: 65536,
    mac: '00:00:00:00:00:00',
    flags: ['LOOPBACK'],
    state: 'DOWN',
    qdisc: 'noop',
    qlen: 1000,
    linkType: 'loopback',
    addresses: [],
  }
  // net.ipv4 settings of a new namespace start from the node's own (devinet_init_net copies init_net's)
  const space: Space = { name, ns: { name, links: [lo], routes: [] }, forwarding: lab.spaces[0].forwarding, nextIndex: 2, ids: new Map(), cni: false }
  lab.admin.set(lo, false)
  lab.touched.add(lo)
  lab.spaces.push(space)
  return space
}

/** The id `from` gives `to`, allocated the first time a link joins them (peernet2id_alloc). */
export function netnsId(lab: LabNode, from: Space, to: Space): number {
  const key = to.name ?? ''
  if (!from.name) {
    // the node's own namespace: ids shared with `ip netns list`
    if (to.nsid === undefined) to.nsid = Math.max(-1, ...lab.spaces.map((s) => s.nsid ?? -1)) + 1
    return to.nsid
  }
  let id = from.ids.get(key)
  if (id === undefined) {
    id = from.ids.size
    from.ids.set(key, id)
  }
  return id
}

/** Whether a link passes packets: up, and with carrier. */
export function carrier(lab: LabNode, l: Link): boolean {
  if (!lab.admin.get(l)) return false
  if (!lab.touched.has(l)) return l.flags.includes('LOWER_UP') || l.kind === 'loopback'
  if (l.kind === 'loopback' || l.kind === 'dummy') return true
  if (l.kind === 'veth') {
    const p = lab.peer.get(l)
    return !!p && !!lab.admin.get(p)
  }
  if (l.kind === 'bridge') {
    const space = spaceOf(lab, l)
    return space.ns.links.some((x) => x.master === l.name && x !== l && carrier(lab, x))
  }
  return l.flags.includes('LOWER_UP')
}

/** Recomputes flags, operstate, bridge port states, link names (@peer) and `linkdown` of what the lab touched. */
export function refresh(lab: LabNode): void {
  for (const space of lab.spaces) {
    for (const l of space.ns.links) {
      if (!lab.touched.has(l)) continue
      const up = !!lab.admin.get(l)
      const c = carrier(lab, l)
      if (up && l.qdisc === 'noop') l.qdisc = l.kind === 'dummy' ? 'noqueue' : 'noqueue'
      if (l.kind === 'loopback') {
        l.flags = up ? ['LOOPBACK', 'UP', 'LOWER_UP'] : ['LOOPBACK']
        l.state = up ? 'UNKNOWN' : 'DOWN'
        continue
      }
      const base = l.kind === 'dummy' ? ['BROADCAST', 'NOARP'] : ['BROADCAST', 'MULTICAST']
      const flags = up && !c ? ['NO-CARRIER', ...base, 'UP'] : up ? [...base, 'UP', 'LOWER_UP'] : base
      const p = lab.peer.get(l)
      const peerSpace = p ? spaceOf(lab, p) : undefined
      // iproute2 prints M-DOWN when the peer it can name (same namespace) is down
      if (p && peerSpace === space && !lab.admin.get(p)) flags.push('M-DOWN')
      l.flags = flags
      l.state = l.kind === 'dummy' ? (up ? 'UNKNOWN' : 'DOWN') : up ? (c ? 'UP' : l.kind === 'veth' ? 'LOWERLAYERDOWN' : 'DOWN') : 'DOWN'
      if (p && peerSpace) {
        if (peerSpace !== space) {
          netnsId(lab, space, peerSpace)
          netnsId(lab, peerSpace, space)
        }
        l.parent = peerSpace === space ? { index: p.index, name: p.name } : peerSpace.name ? { index: p.index, netns: peerSpace.name } : { index: p.index, netnsid: netnsId(lab, space, peerSpace) }
      }
      if (l.master) l.bridgePort = { priority: 32, cost: 2, state: c ? 'forwarding' : 'disabled' }
      else l.bridgePort = undefined
    }
    // a bridge without a MAC of its own takes the lowest of its ports' (br_stp_recalculate_bridge_id)
    for (const b of space.ns.links) {
      if (b.kind !== 'bridge' || !lab.made.has(b)) continue
      const ports = space.ns.links.filter((x) => x.master === b.name).map((x) => x.mac).sort()
      if (ports.length) b.mac = ports[0]
    }
    for (const r of space.ns.routes) {
      const dev = r.dev ? findLink(space, r.dev) : undefined
      if (!dev || !lab.touched.has(dev)) continue
      const down = !!lab.admin.get(dev) && !carrier(lab, dev)
      if (down) r.linkdown = true
      else delete r.linkdown
    }
    linkLocals(lab, space)
    space.ns.routes = routeOrder(space.ns.routes)
  }
}

/** IPv6 gives a link its fe80:: address once it is up with carrier (addrconf_notify). */
function linkLocals(lab: LabNode, space: Space): void {
  for (const l of space.ns.links) {
    if (!lab.made.has(l) || l.kind === 'loopback') continue
    const has = l.addresses.some((a) => a.family === 'IPv6' && a.scope === 'link')
    if (has || !carrier(lab, l) || l.master) continue
    l.addresses.push({ family: 'IPv6', address: linkLocalFromMac(l.mac), prefixLength: 64, scope: 'link' })
    if (!space.ns.routes.some((r) => r.family === 'IPv6' && r.dst === 'fe80::/64' && r.dev === l.name)) {
      space.ns.routes.push({ family: 'IPv6', dst: 'fe80::/64', dev: l.name, proto: 'kernel', metric: 256 })
    }
  }
}

/** The network part of an address, as a prefix text: 10.0.0.7/24 → 10.0.0.0/24. */
export function networkOf(a: LinkAddress): string {
  return formatPrefix(parsePrefix(`${a.address}/${a.prefixLength}`)!)
}

/** The kernel's prefix route for an address of an up device (fib_add_ifaddr). */
export function prefixRoute(l: Link, a: LinkAddress): Route | undefined {
  // lo's prefix route is a `local` one in the local table, not in main (fib_add_ifaddr: RTN_LOCAL for IFF_LOOPBACK)
  if (a.family !== 'IPv4' || a.prefixLength === 32 || l.kind === 'loopback') return undefined
  return { family: 'IPv4', dst: networkOf(a), dev: l.name, proto: 'kernel', scope: 'link', src: a.address }
}

/** A device came up: lo gets its addresses back, each address its prefix route. */
export function linkUp(lab: LabNode, space: Space, l: Link): void {
  lab.admin.set(l, true)
  lab.touched.add(l)
  if (l.kind === 'loopback' && l.addresses.length === 0) {
    l.addresses.push({ family: 'IPv4', address: '127.0.0.1', prefixLength: 8, scope: 'host' }, { family: 'IPv6', address: '::1', prefixLength: 128, scope: 'host', flags: ['noprefixroute'] })
  }
  for (const a of l.addresses) {
    const r = prefixRoute(l, a)
    if (r && !space.ns.routes.some((x) => x.dst === r.dst && x.dev === r.dev && x.proto === 'kernel')) space.ns.routes.push(r)
  }
  touchNeighbours(lab, l)
}

/** A device went down: every route through it goes (fib_disable_ip), and so does its IPv6 link-local address. */
export function linkDown(lab: LabNode, space: Space, l: Link): void {
  lab.admin.set(l, false)
  lab.touched.add(l)
  space.ns.routes = space.ns.routes.filter((r) => r.dev !== l.name)
  l.addresses = l.addresses.filter((a) => !(a.family === 'IPv6' && a.scope === 'link'))
  touchNeighbours(lab, l)
}

/** A link's peer and bridge see its carrier change: their flags are the lab's to compute from now on. */
export function touchNeighbours(lab: LabNode, l: Link): void {
  const p = lab.peer.get(l)
  if (p) {
    lab.touched.add(p)
    if (p.master) {
      const b = findLink(spaceOf(lab, p), p.master)
      if (b) lab.touched.add(b)
    }
  }
  if (l.master) {
    const b = findLink(spaceOf(lab, l), l.master)
    if (b) lab.touched.add(b)
  }
}
