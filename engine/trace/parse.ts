/**
 * How readers name the two ends of a trace.
 *
 * Sources: a Pod (`web-0`, `prod/web-0`, `pod/web-0`, `deploy/web`,
 * `prod/deploy/web`), a node (`node/node-1` or `node-1`), the workstation
 * (`workstation`), or any address (a Pod's, a node's, or a client outside).
 * A bare Pod or node name is taken as that Pod or node (they are not in DNS).
 * Destinations: the same Pods and nodes, an address with a port
 * (`10.96.0.10:53`, `[fd00::1]:80`), a Service without DNS (`svc/web:80`,
 * `svc/prod/web:http`), a DNS name resolved from the source (`web`,
 * `web.prod:80`, `db.example.com`), or a URL (`http://shop.example.com/cart`).
 */
import type { Cluster, Pod } from '../model/types.ts'
import { canonicalIP, ipInPrefixText } from '../net/ip.ts'
import { resolvePodRef } from '../kubectl/resolve.ts'
import type { TraceFrom, TraceTarget } from './trace.ts'

const WORKLOAD = new Set(['pod', 'pods', 'po', 'deploy', 'deployment', 'deployments', 'sts', 'statefulset', 'statefulsets', 'ds', 'daemonset', 'daemonsets', 'rs', 'replicaset', 'replicasets'])
const NODE = new Set(['node', 'nodes', 'no'])
const SERVICE = new Set(['svc', 'service', 'services'])

/**
 * `name:port` → host and port; IPv6 needs brackets for a port.
 *
 * @example
 * splitPort('[fd00::1]:80') // { host: 'fd00::1', port: '80' }
 */
export function splitPort(text: string): { host: string; port?: string } {
  const v6 = /^\[([^\]]+)\](?::(.+))?$/.exec(text)
  if (v6) return { host: v6[1], port: v6[2] }
  if ((text.match(/:/g) ?? []).length > 1) return { host: text }
  const i = text.lastIndexOf(':')
  return i < 0 ? { host: text } : { host: text.slice(0, i), port: text.slice(i + 1) }
}

function numPort(p: string | undefined): number | undefined | { error: string } {
  if (p === undefined) return undefined
  if (!/^\d+$/.test(p) || Number(p) < 1 || Number(p) > 65535) return { error: `invalid port "${p}": give a number from 1 to 65535` }
  return Number(p)
}

function podRef(cluster: Cluster, namespace: string, text: string): { pod: Pod } | { error: string } | undefined {
  const parts = text.split('/')
  if (parts.length === 3) return resolvePodRef(cluster, parts[0], `${parts[1]}/${parts[2]}`)
  if (parts.length === 2) {
    if (WORKLOAD.has(parts[0])) return resolvePodRef(cluster, namespace, text)
    const p = cluster.index.pod.get(text)
    if (p) return { pod: p }
    if (cluster.index.namespace.has(parts[0])) return { error: `Error from server (NotFound): pods "${parts[1]}" not found in namespace "${parts[0]}"` }
    return undefined
  }
  const p = cluster.index.pod.get(`${namespace}/${text}`)
  return p ? { pod: p } : undefined
}

/**
 * @example
 * parseSource(cluster, 'default', 'deploy/frontend') // { kind: 'pod', pod }
 * parseSource(cluster, 'default', 'node-1')          // { kind: 'node', node }
 */
export function parseSource(cluster: Cluster, namespace: string, text: string): TraceFrom | { error: string } {
  if (text === 'workstation') return { kind: 'external', ip: cluster.config.workstationIP, label: 'workstation' }
  const ip = canonicalIP(text)
  if (ip) {
    const pod = cluster.index.podByIP.get(ip)
    if (pod && !pod.hostNetwork) return { kind: 'pod', pod }
    const node = cluster.index.nodeByIP.get(ip)
    if (node) return { kind: 'node', node }
    if (cluster.config.podCIDRs.some((c) => ipInPrefixText(ip, c))) return { error: `no Pod has the address ${ip}` }
    return { kind: 'external', ip, label: ip === cluster.config.workstationIP ? 'workstation' : ip }
  }
  const slash = text.indexOf('/')
  if (slash > 0 && NODE.has(text.slice(0, slash))) {
    const node = cluster.index.node.get(text.slice(slash + 1))
    return node ? { kind: 'node', node } : { error: `Error from server (NotFound): nodes "${text.slice(slash + 1)}" not found` }
  }
  const p = podRef(cluster, namespace, text)
  if (p && 'pod' in p) return { kind: 'pod', pod: p.pod }
  if (p && 'error' in p && text.includes('/')) return p
  const node = cluster.index.node.get(text)
  if (node) return { kind: 'node', node }
  return { error: p && 'error' in p ? p.error : `"${text}" is not a Pod in namespace ${namespace}, a node, an address or "workstation"` }
}

/**
 * @example
 * parseTarget(cluster, 'default', 'web:80')                   // { kind: 'name', name: 'web', port: 80 }
 * parseTarget(cluster, 'default', 'http://shop.example.com/') // { kind: 'url', … }
 */
export function parseTarget(cluster: Cluster, namespace: string, text: string): TraceTarget | { error: string } {
  const url = /^(https?):\/\/(\[[^\]]+\]|[^/:?#]+)(?::(\d+))?([^?#]*)?/i.exec(text)
  if (url) {
    const port = numPort(url[3])
    if (port && typeof port === 'object') return port
    return { kind: 'url', scheme: url[1].toLowerCase() as 'http' | 'https', host: url[2].replace(/^\[|\]$/g, ''), port, path: url[4] || '/' }
  }
  if (/^[a-z]+:\/\//i.test(text)) return { error: `unsupported URL scheme in "${text}" (http and https only)` }
  const { host, port: portText } = splitPort(text)
  const slash = host.indexOf('/')
  if (slash > 0 && SERVICE.has(host.slice(0, slash))) {
    const rest = host.slice(slash + 1)
    const [ns, name] = rest.includes('/') ? rest.split('/', 2) : [namespace, rest]
    const svc = cluster.index.service.get(`${ns}/${name}`)
    if (!svc) return { error: `Error from server (NotFound): services "${name}" not found in namespace "${ns}"` }
    const port = portText === undefined ? undefined : /^\d+$/.test(portText) ? Number(portText) : portText
    return { kind: 'service', service: svc, port }
  }
  const port = numPort(portText)
  if (port && typeof port === 'object') return port
  const ip = canonicalIP(host)
  if (ip) return { kind: 'address', ip, port }
  if (slash > 0 && NODE.has(host.slice(0, slash))) {
    const node = cluster.index.node.get(host.slice(slash + 1))
    return node ? { kind: 'address', ip: node.internalIPs[0], port } : { error: `Error from server (NotFound): nodes "${host.slice(slash + 1)}" not found` }
  }
  if (host.includes('/')) {
    const p = podRef(cluster, namespace, host)
    if (p && 'pod' in p) return { kind: 'pod', pod: p.pod, port }
    return p ?? { error: `"${host}" is not a Pod reference (ns/pod, pod/NAME, deploy/NAME)` }
  }
  // a node's or a Pod's bare name (no Service of that name): not in DNS, but readers name them so
  const node = cluster.index.node.get(host)
  if (node && !host.includes('.')) return { kind: 'address', ip: node.internalIPs[0], port }
  const bare = !host.includes('.') ? cluster.index.pod.get(`${namespace}/${host}`) : undefined
  if (bare && !cluster.index.service.has(`${namespace}/${host}`)) return { kind: 'pod', pod: bare, port }
  return { kind: 'name', name: host, port }
}
