/**
 * A node's network namespaces as plain data: what the `ip` program on a node
 * puts in its answer's `data.node`, and what the node diagram
 * (engine/diagram/node.ts) draws. Plain JSON, so that it crosses the API.
 */
import type { Cluster, Node } from '../model/types.ts'
import type { Session } from '../shell/session.ts'
import { formatRoute } from '../dataplane/routes.ts'
import type { LabNode } from './state.ts'
import { carrier, labToRead, peekLab, spaceOf } from './state.ts'

export interface SnapshotLink {
  index: number
  name: string
  kind: string
  /** administratively up */
  up: boolean
  /** up with carrier: passes packets */
  carrier: boolean
  mtu: number
  master?: string
  /** IPv4 addresses, and IPv6 ones that are not link-local, as ADDRESS/LEN */
  addresses: string[]
  /** the veth peer: which namespace (index into spaces) and its name there */
  peer?: { space: number; name: string }
}

export interface SnapshotSpace {
  /** `ip netns` name; null for the node's own namespace */
  name: string | null
  /** namespace/name of the Pod whose sandbox this is */
  pod?: string
  links: SnapshotLink[]
  /** the IPv4 main table, as `ip route` prints it */
  routes: string[]
  forwarding: boolean
}

export interface NodeSnapshot {
  kind: 'node-network'
  node: string
  /** the node's own namespace first */
  spaces: SnapshotSpace[]
}

export function snapshotOf(lab: LabNode): NodeSnapshot {
  const spaces: SnapshotSpace[] = lab.spaces.map((s) => ({
    name: s.name ?? null,
    ...(s.pod ? { pod: s.pod } : {}),
    forwarding: s.forwarding,
    routes: s.ns.routes.filter((r) => r.family === 'IPv4').map((r) => formatRoute(r).trimEnd()),
    links: s.ns.links.map((l) => {
      const p = lab.peer.get(l)
      const link: SnapshotLink = {
        index: l.index,
        name: l.name,
        kind: l.kind,
        up: !!lab.admin.get(l),
        carrier: carrier(lab, l),
        mtu: l.mtu,
        addresses: l.addresses.filter((a) => a.scope !== 'link' && a.scope !== 'host').map((a) => `${a.address}/${a.prefixLength}`),
      }
      if (l.master) link.master = l.master
      if (p) link.peer = { space: lab.spaces.indexOf(spaceOf(lab, p)), name: p.name }
      return link
    }),
  }))
  return { kind: 'node-network', node: lab.node.meta.name, spaces }
}

// a node no command of the run changed looks as its CNI plumbing does: one snapshot per cluster and node
const untouched = new WeakMap<Cluster, Map<string, NodeSnapshot>>()

/** The snapshot of a node as this run sees it (shared when the run changed nothing there: do not modify). */
export function nodeSnapshot(session: Session, node: Node): NodeSnapshot {
  const lab = peekLab(session, node)
  if (lab) return snapshotOf(lab)
  let perCluster = untouched.get(session.cluster)
  if (!perCluster) untouched.set(session.cluster, (perCluster = new Map()))
  let snap = perCluster.get(node.meta.name)
  if (!snap) perCluster.set(node.meta.name, (snap = snapshotOf(labToRead(session, node))))
  return snap
}
