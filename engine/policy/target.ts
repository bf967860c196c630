/**
 * What the reader types for the ends of `policy check`: `pod`, `ns/pod`, a
 * workload (`deploy/web`, `ns/sts/db`), a Service (`svc/web` or a bare name
 * that is no Pod), a node (`node/worker-1`) or an address.
 */
import type { Cluster, Node, Pod, Service } from '../model/types.ts'
import { canonicalIP } from '../net/ip.ts'

export type Target =
  | { kind: 'pods'; label: string; pods: Pod[] }
  | { kind: 'service'; label: string; service: Service }
  | { kind: 'node'; label: string; node: Node }
  | { kind: 'ip'; label: string; ip: string }

const TYPES: Record<string, string> = {
  po: 'Pod', pod: 'Pod', pods: 'Pod',
  deploy: 'Deployment', deployment: 'Deployment', deployments: 'Deployment',
  sts: 'StatefulSet', statefulset: 'StatefulSet', statefulsets: 'StatefulSet',
  ds: 'DaemonSet', daemonset: 'DaemonSet', daemonsets: 'DaemonSet',
  rs: 'ReplicaSet', replicaset: 'ReplicaSet', replicasets: 'ReplicaSet',
  svc: 'Service', service: 'Service', services: 'Service',
  no: 'Node', node: 'Node', nodes: 'Node',
}

/**
 * @example
 * parseTarget(cluster, 'deploy/backend', 'shop') // { kind: 'pods', pods: [...] }
 */
export function parseTarget(cluster: Cluster, text: string, namespace: string): Target | { error: string } {
  const ip = canonicalIP(text)
  if (ip) {
    const svc = cluster.index.serviceByClusterIP.get(ip)
    if (svc) return { kind: 'service', label: `svc/${svc.meta.name} (${ip})`, service: svc }
    return { kind: 'ip', label: ip, ip }
  }
  const parts = text.split('/')
  if (parts.some((p) => p === '') || parts.length > 3) return { error: `cannot read "${text}": use [NAMESPACE/]POD, [NAMESPACE/]TYPE/NAME (deploy, sts, ds, svc, node) or an IP address` }
  if (parts.length === 3) return typed(cluster, parts[0], parts[1], parts[2], text)
  if (parts.length === 2) {
    const [a, b] = parts
    // `deploy/web` is a type unless a namespace of that name holds a Pod of that name
    if (TYPES[a.toLowerCase()] && !cluster.index.pod.has(`${a}/${b}`)) return typed(cluster, namespace, a, b, text)
    return named(cluster, a, b)
  }
  return named(cluster, namespace, parts[0])
}

function named(cluster: Cluster, ns: string, name: string): Target | { error: string } {
  const pod = cluster.index.pod.get(`${ns}/${name}`)
  if (pod) return { kind: 'pods', label: `${ns}/${name}`, pods: [pod] }
  const svc = cluster.index.service.get(`${ns}/${name}`)
  if (svc) return { kind: 'service', label: `${ns}/svc/${name}`, service: svc }
  for (const kind of ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet']) {
    const pods = workloadPods(cluster, ns, kind, name)
    if (pods.length) return { kind: 'pods', label: `${ns}/${kind.toLowerCase()}/${name}`, pods }
  }
  if (!cluster.index.namespace.has(ns)) return { error: `Error from server (NotFound): namespaces "${ns}" not found` }
  return { error: `Error from server (NotFound): pods "${name}" not found in namespace ${ns} (nor a Service or workload of that name)` }
}

function typed(cluster: Cluster, ns: string, type: string, name: string, text: string): Target | { error: string } {
  const kind = TYPES[type.toLowerCase()]
  if (!kind) return { error: `error: the server doesn't have a resource type "${type}" (in "${text}")` }
  if (kind === 'Node') {
    const node = cluster.index.node.get(name)
    return node ? { kind: 'node', label: `node/${name}`, node } : { error: `Error from server (NotFound): nodes "${name}" not found` }
  }
  if (kind === 'Pod') {
    const pod = cluster.index.pod.get(`${ns}/${name}`)
    return pod ? { kind: 'pods', label: `${ns}/${name}`, pods: [pod] } : { error: `Error from server (NotFound): pods "${name}" not found in namespace ${ns}` }
  }
  if (kind === 'Service') {
    const svc = cluster.index.service.get(`${ns}/${name}`)
    return svc ? { kind: 'service', label: `${ns}/svc/${name}`, service: svc } : { error: `Error from server (NotFound): services "${name}" not found in namespace ${ns}` }
  }
  const pods = workloadPods(cluster, ns, kind, name)
  const exists = cluster.workloads.some((w) => w.kind === kind && w.meta.namespace === ns && w.meta.name === name)
  if (pods.length === 0) return { error: exists ? `error: no pods found for ${type}/${name} in namespace ${ns}` : `Error from server (NotFound): ${kind.toLowerCase()}s.apps "${name}" not found in namespace ${ns}` }
  return { kind: 'pods', label: `${ns}/${kind.toLowerCase()}/${name}`, pods }
}

export function workloadPods(cluster: Cluster, ns: string, kind: string, name: string): Pod[] {
  return cluster.pods.filter(
    (p) => p.meta.namespace === ns && ((p.workload?.kind === kind && p.workload.name === name) || (p.owner?.kind === kind && p.owner.name === name)),
  )
}

/** `DST:PORT[/PROTO]`, with `[v6]:PORT` for IPv6 addresses. */
export function splitPort(text: string): { target: string; port: string; protocol?: string } | { error: string } {
  let target: string
  let rest: string
  if (text.startsWith('[')) {
    const end = text.indexOf(']')
    if (end < 0 || text[end + 1] !== ':') return { error: `cannot read "${text}": write an IPv6 destination as [ADDRESS]:PORT` }
    target = text.slice(1, end)
    rest = text.slice(end + 2)
  } else {
    const colon = text.lastIndexOf(':')
    if (colon < 0) return { error: `"${text}" has no port: write DST:PORT, e.g. ${text}:80 or ${text}:53/UDP` }
    target = text.slice(0, colon)
    rest = text.slice(colon + 1)
    if (target.includes(':')) return { error: `cannot read "${text}": write an IPv6 destination as [ADDRESS]:PORT` }
  }
  const slash = rest.indexOf('/')
  const port = slash < 0 ? rest : rest.slice(0, slash)
  const protocol = slash < 0 ? undefined : rest.slice(slash + 1).toUpperCase()
  if (!port) return { error: `"${text}" has no port: write DST:PORT` }
  return { target, port, protocol }
}
