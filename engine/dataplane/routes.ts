/**
 * Routes as the kernel keeps and iproute2 prints them: the IPv4 FIB trie dumps
 * prefixes in address order (longer prefix first for the same address), IPv6
 * likewise with `metric N pref medium`; `ip route get` is a longest-prefix
 * match with the local table consulted first.
 */
import { compareIP, ipFamilyOf, parseAddr, parsePrefix, prefixContains } from '../net/ip.ts'
import type { IPFamily } from '../net/ip.ts'
import type { NetNS, Route } from './model.ts'

function dstPrefix(r: Route): { addr: string; bits: number } {
  if (r.dst === 'default') return { addr: r.family === 'IPv4' ? '0.0.0.0' : '::', bits: 0 }
  const slash = r.dst.indexOf('/')
  if (slash < 0) return { addr: r.dst, bits: r.family === 'IPv4' ? 32 : 128 }
  return { addr: r.dst.slice(0, slash), bits: Number(r.dst.slice(slash + 1)) }
}

/** Kernel dump order: family, then address, then longer prefixes first, then metric. */
export function routeOrder(routes: Route[]): Route[] {
  return [...routes].sort((a, b) => {
    if (a.family !== b.family) return a.family === 'IPv4' ? -1 : 1
    const x = dstPrefix(a)
    const y = dstPrefix(b)
    // IPv6 puts the default route last in practice (the kernel lists it after the connected routes)
    if (a.family === 'IPv6' && (x.bits === 0) !== (y.bits === 0)) return x.bits === 0 ? 1 : -1
    return compareIP(x.addr, y.addr) || y.bits - x.bits || (a.metric ?? 0) - (b.metric ?? 0)
  })
}

/**
 * One route as `ip route` prints it; iproute2 ends every attribute with a space, except an IPv6
 * route's closing `pref medium`.
 *
 * @example
 * formatRoute({ family: 'IPv4', dst: '10.244.2.0/24', via: '10.244.2.0', dev: 'flannel.1', onlink: true })
 * // '10.244.2.0/24 via 10.244.2.0 dev flannel.1 onlink '
 */
export function formatRoute(r: Route): string {
  let s = ''
  if (r.type && r.type !== 'unicast') s += `${r.type} `
  s += `${r.dst} `
  if (r.via) s += `via ${r.via} `
  if (r.dev) s += `dev ${r.dev} `
  if (r.proto && r.proto !== 'boot') s += `proto ${r.proto} `
  if (r.scope && r.scope !== 'global') s += `scope ${r.scope} `
  if (r.src) s += `src ${r.src} `
  if (r.metric !== undefined) s += `metric ${r.metric} `
  if (r.onlink) s += 'onlink '
  if (r.linkdown) s += 'linkdown '
  // RTA_METRICS (mtu) before RTA_PREF, and "pref %s" is the one attribute printed without a
  // trailing space (iproute2 ip/iproute.c print_route: print_rta_metrics, then print_rt_pref)
  if (r.mtu !== undefined) s += `mtu ${r.mtu} `
  if (r.family === 'IPv6' && r.type !== 'blackhole') s += 'pref medium'
  return s
}

export function routesOf(ns: NetNS, family: IPFamily): Route[] {
  return ns.routes.filter((r) => r.family === family)
}

/** Longest-prefix match in the main table (lowest metric on ties). */
export function lookupRoute(ns: NetNS, ip: string): Route | undefined {
  const a = parseAddr(ip)
  if (!a) return undefined
  let best: Route | undefined
  let bestBits = -1
  for (const r of ns.routes) {
    if (r.family !== a.family) continue
    const { addr, bits } = dstPrefix(r)
    const p = parsePrefix(`${addr}/${bits}`)
    if (!p || !prefixContains(p, a)) continue
    if (bits > bestBits || (bits === bestBits && (r.metric ?? 0) < (best?.metric ?? 0))) {
      best = r
      bestBits = bits
    }
  }
  return best
}

/**
 * `ip route get ADDR`: the local table first (an address of this namespace is
 * delivered on lo), then the main table.
 */
export function routeGet(ns: NetNS, ip: string): { ok: true; text: string } | { ok: false; error: string } {
  const family = ipFamilyOf(ip)
  if (!family) return { ok: false, error: `Error: any valid prefix is expected rather than "${ip}".` }
  const local = ns.links.find((l) => l.addresses.some((x) => x.address === ip))
  if (local || (family === 'IPv4' && ip.startsWith('127.')) || ip === '::1') {
    // an address of the namespace is its own source; the rest of 127.0.0.0/8 takes the route's
    // preferred source (`local 127.0.0.0/8 dev lo proto kernel scope host src 127.0.0.1`)
    const src = local ? ip : '127.0.0.1'
    return family === 'IPv4'
      ? { ok: true, text: `local ${ip} dev lo src ${src} uid 0 \n    cache <local> \n` }
      : { ok: true, text: `local ${ip} dev lo table local proto kernel src ${ip} metric 0 pref medium\n` }
  }
  const r = lookupRoute(ns, ip)
  if (!r) return { ok: false, error: 'RTNETLINK answers: Network is unreachable' }
  if (r.type === 'blackhole') return { ok: false, error: 'RTNETLINK answers: Invalid argument' }
  const src = r.src ?? ns.links.find((l) => l.name === r.dev)?.addresses.find((x) => x.family === family && x.scope === 'global')?.address
  let s = `${ip} `
  if (r.via) s += `via ${r.via} `
  s += `dev ${r.dev} `
  if (src) s += `src ${src} `
  s += 'uid 0 \n    cache '
  if (r.mtu !== undefined) s += `mtu ${r.mtu} `
  return { ok: true, text: `${s}\n` }
}

/**
 * Whether the kernel accepts `r` in a namespace whose connected routes are
 * `routes`. An IPv4 route with a gateway and no `onlink` flag needs the
 * gateway on a connected subnet of the route's device: the kernel looks the
 * gateway up restricted to that device and to routes of scope link or
 * narrower (net/ipv4/fib_semantics.c fib_check_nh_v4_gw: flowi4_scope =
 * RT_SCOPE_LINK, flowi4_oif = the device), so a gateway reachable only
 * through the default route is refused: RTM_NEWROUTE fails with ENETUNREACH
 * ("network is unreachable"; iproute2 with extack prints
 * "Error: Nexthop has invalid gateway."). IPv6 gateways (fib6_nh_init) are
 * not checked here: no CNI module writes an IPv6 route via a node address.
 *
 * @example
 * gatewayOnLink([{ family: 'IPv4', dst: '10.0.1.0/24', dev: 'eth0', proto: 'kernel', scope: 'link' }],
 *   { family: 'IPv4', dst: '10.244.2.0/24', via: '10.0.2.11', dev: 'eth0' }) // false
 */
export function gatewayOnLink(routes: Route[], r: Route): boolean {
  if (r.family !== 'IPv4' || !r.via || r.onlink || (r.type && r.type !== 'unicast')) return true
  const gw = parseAddr(r.via)
  if (!gw) return false
  return routes.some((c) => {
    if (c.family !== 'IPv4' || c.via || c.scope !== 'link' || (r.dev && c.dev !== r.dev) || (c.type && c.type !== 'unicast')) return false
    const { addr, bits } = dstPrefix(c)
    const p = parsePrefix(`${addr}/${bits}`)
    return !!p && prefixContains(p, gw)
  })
}

/**
 * Splits the routes an agent asks for into those the kernel installs and
 * those it refuses (gatewayOnLink); connected routes come first in a real
 * namespace, so every route is judged against the whole connected set.
 */
export function installRoutes(routes: Route[]): { installed: Route[]; refused: Route[] } {
  const installed: Route[] = []
  const refused: Route[] = []
  for (const r of routes) (gatewayOnLink(routes, r) ? installed : refused).push(r)
  return { installed, refused }
}
