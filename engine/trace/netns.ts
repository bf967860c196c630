/**
 * Reading the network namespaces the CNI module builds: the route a packet
 * takes (longest prefix in the main table, after the local addresses), the
 * source address the kernel picks for it, and the host end of a Pod's veth.
 * The parsed route prefixes are cached per namespace object, because a trace
 * looks routes up many times and the namespaces never change.
 */
import type { Cluster, Pod } from '../model/types.ts'
import type { Link, NetNS, Route } from '../dataplane/index.ts'
import { nodePlumbing } from '../dataplane/index.ts'
import { parseAddr, parsePrefix, prefixContains } from '../net/ip.ts'
import type { Addr, Prefix } from '../net/ip.ts'

interface Compiled {
  /** the main table's routes with their parsed prefixes, by family: parsed on the first lookup of that family */
  routes: Partial<Record<Addr['family'], { route: Route; prefix: Prefix }[]>>
  local: Map<string, Link>
}

const compiled = new WeakMap<NetNS, Compiled>()

function compile(ns: NetNS): Compiled {
  let c = compiled.get(ns)
  if (c) return c
  const local = new Map<string, Link>()
  for (const l of ns.links) for (const a of l.addresses) if (!local.has(a.address)) local.set(a.address, l)
  c = { routes: {}, local }
  compiled.set(ns, c)
  return c
}

/**
 * One family's routes, parsed once. Every namespace has IPv6 link-local routes (fe80::/64), which
 * an IPv4 lookup never needs parsed (issue 20). A route's family is its destination's: `default`
 * says it in the route, an address with a colon is IPv6.
 */
function familyRoutes(ns: NetNS, family: Addr['family']): { route: Route; prefix: Prefix }[] {
  const c = compile(ns)
  let routes = c.routes[family]
  if (routes) return routes
  routes = []
  for (const r of ns.routes) {
    if ((r.dst === 'default' ? r.family : r.dst.includes(':') ? 'IPv6' : 'IPv4') !== family) continue
    const text = r.dst === 'default' ? (r.family === 'IPv4' ? '0.0.0.0/0' : '::/0') : r.dst.includes('/') ? r.dst : `${r.dst}/${r.family === 'IPv4' ? 32 : 128}`
    const prefix = parsePrefix(text)
    if (prefix) routes.push({ route: r, prefix })
  }
  c.routes[family] = routes
  return routes
}

/** The link holding `ip` in this namespace, if the address is local (the local table). @example localLink(host, '192.168.1.11')?.name // 'eth0' */
export function localLink(ns: NetNS, ip: string): Link | undefined {
  return compile(ns).local.get(ip)
}

/** Longest-prefix match in the main table (lowest metric on ties). @example lookupRoute(host, '10.244.2.5')?.dev // 'flannel.1' */
export function lookupRoute(ns: NetNS, ip: string): Route | undefined {
  const a: Addr | undefined = parseAddr(ip)
  if (!a) return undefined
  let best: { route: Route; prefix: Prefix } | undefined
  for (const e of familyRoutes(ns, a.family)) {
    if (e.prefix.family !== a.family || !prefixContains(e.prefix, a)) continue
    if (!best || e.prefix.bits > best.prefix.bits || (e.prefix.bits === best.prefix.bits && (e.route.metric ?? 0) < (best.route.metric ?? 0))) best = e
  }
  return best?.route
}

/** The source address the kernel picks for a route: its `src`, else the device's first global address of the family. @example sourceAddress(host, route) // '10.244.1.0' for a route on flannel.1 */
export function sourceAddress(ns: NetNS, route: Route): string | undefined {
  if (route.src) return route.src
  const dev = ns.links.find((l) => l.name === route.dev)
  return dev?.addresses.find((x) => x.family === route.family && x.scope === 'global')?.address
}

/** A route as `ip route` prints it (without iproute2's trailing space). @example routeText(r) // '10.244.2.0/24 via 10.244.2.0 dev flannel.1 onlink' */
export function routeText(r: Route): string {
  const parts: string[] = []
  if (r.type && r.type !== 'unicast') parts.push(r.type)
  parts.push(r.dst)
  if (r.via) parts.push(`via ${r.via}`)
  if (r.dev) parts.push(`dev ${r.dev}`)
  if (r.proto && r.proto !== 'boot') parts.push(`proto ${r.proto}`)
  if (r.scope && r.scope !== 'global') parts.push(`scope ${r.scope}`)
  if (r.src) parts.push(`src ${r.src}`)
  if (r.metric !== undefined) parts.push(`metric ${r.metric}`)
  if (r.onlink) parts.push('onlink')
  if (r.mtu !== undefined) parts.push(`mtu ${r.mtu}`)
  return parts.join(' ')
}

/** The Pod's own namespace (undefined for hostNetwork Pods and Pods without a sandbox). @example podNetns(cluster, pod)?.name // 'cni-…' */
export function podNetns(cluster: Cluster, pod: Pod): NetNS | undefined {
  const node = cluster.index.node.get(pod.nodeName)
  if (!node || pod.hostNetwork) return undefined
  return nodePlumbing(cluster, node).pods.get(`${pod.meta.namespace}/${pod.meta.name}`)
}

/** The host end of the Pod's veth pair (vethXXXX, caliXXXX, lxcXXXX, …). @example hostVeth(cluster, pod)?.name // 'veth3a1f09c2' */
export function hostVeth(cluster: Cluster, pod: Pod): Link | undefined {
  const node = cluster.index.node.get(pod.nodeName)
  const ns = podNetns(cluster, pod)
  if (!node || !ns?.name) return undefined
  return nodePlumbing(cluster, node).host.links.find((l) => l.kind === 'veth' && l.parent?.netns === ns.name)
}

/** The MTU a Pod's packets get: eth0's, or the default route's when it sets a smaller one (Cilium's tunnel mode). @example podMtu(cluster, pod) // 1450 on flannel VXLAN */
export function podMtu(cluster: Cluster, pod: Pod): number | undefined {
  const ns = podNetns(cluster, pod)
  const link = ns?.links.find((l) => l.name === 'eth0')?.mtu
  const route = ns?.routes.find((r) => r.dst === 'default' && r.mtu !== undefined)?.mtu
  return route !== undefined && (link === undefined || route < link) ? route : link
}

/** 127.0.0.0/8 or ::1: the kernel delivers these on lo and never routes them off the host (RFC 1122 3.2.1.3, RFC 4291 2.5.3). @example isLoopback('127.0.0.53') // true */
export function isLoopback(ip: string): boolean {
  return /^127\.\d+\.\d+\.\d+$/.test(ip) || ip === '::1'
}

/** The source address of a loopback connection: the prefsrc of the local route (`local 127.0.0.0/8 dev lo … src 127.0.0.1`), ::1 for IPv6. @example loopbackSource('127.0.0.5') // '127.0.0.1' */
export function loopbackSource(ip: string): string {
  return ip.includes(':') ? '::1' : '127.0.0.1'
}

/** The local-table route that delivers `ip` (as `ip route show table local` prints it): lo for loopback, else the link holding the address. @example localRouteText('127.0.0.5') // 'local 127.0.0.0/8 dev lo proto kernel scope host src 127.0.0.1' */
export function localRouteText(ip: string, dev = 'lo'): string {
  if (ip.includes(':')) return `local ${ip} dev ${dev} table local proto kernel metric 0 pref medium`
  if (isLoopback(ip) && ip !== '127.0.0.1') return 'local 127.0.0.0/8 dev lo proto kernel scope host src 127.0.0.1'
  return `local ${ip} dev ${dev} proto kernel scope host src ${ip}`
}
