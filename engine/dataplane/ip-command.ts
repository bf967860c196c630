/**
 * The `ip` program (iproute2) over one network namespace: addr, link,
 * route (show / get), netns list, with -4/-6, -d, -br and the object and
 * command abbreviations iproute2 accepts (`ip a`, `ip r`, `ip l sh dev eth0`).
 */
import type { Output } from '../shell/types.ts'
import { fail, ok } from '../shell/types.ts'
import type { NetNS } from './model.ts'
import { formatAddrs, formatBrief, formatLinks, formatOneline } from './interfaces.ts'
import { formatRoute, routeGet } from './routes.ts'
import { compareIP } from '../net/ip.ts'

function matches(word: string, full: string, min = 1): boolean {
  return word.length >= min && full.startsWith(word)
}

export interface IpContext {
  ns: NetNS
  /** named namespaces on a node, for `ip netns` and `ip -n NAME` */
  namespaces?: NetNS[]
}

/**
 * Runs `ip ARGS` against a namespace.
 *
 * @example
 * runIp({ ns }, ['-4', 'route']) // { exitCode: 0, stdout: 'default via 10.244.1.1 dev eth0 \n…' }
 */
export function runIp(ctx: IpContext, args: string[]): Output {
  let family: 'IPv4' | 'IPv6' | undefined
  let details = false
  let brief = false
  let oneline = false
  let ns = ctx.ns
  let i = 0
  for (; i < args.length && args[i].startsWith('-'); i++) {
    const a = args[i]
    if (a === '-4') family = 'IPv4'
    else if (a === '-6') family = 'IPv6'
    else if (a === '-d' || a === '-details' || a === '--details') details = true
    else if (a === '-br' || a === '-brief' || a === '--brief') brief = true
    else if (a === '-o' || a === '-oneline' || a === '--oneline') oneline = true
    else if (a === '-c' || a === '-color' || a === '--color' || a.startsWith('-color=') || a.startsWith('--color=')) continue
    else if (a === '-n' || a === '-netns' || a === '--netns') {
      const name = args[++i]
      const target = ctx.namespaces?.find((n) => n.name === name)
      if (!target) return fail(`Cannot open network namespace "${name ?? ''}": No such file or directory`, 255)
      ns = target
    } else if (a === '-V' || a === '-Version') return ok('ip utility, iproute2-6.8.0, libbpf 1.3.0\n')
    else if (realIpOption(a)) return fail(`knet: ip ${a} (${realIpOption(a)}) is a real option, but it is not simulated here (simulated: -4 -6 -d -br -o -n -c -V)`, 255)
    else return fail(`Option "${a}" is unknown, try "ip -help".`, 255)
  }
  const object = args[i]
  const rest = args.slice(i + 1)
  if (!object) return fail('Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }\nwhere  OBJECT := { address | link | neighbor | netns | route | rule | ... }\n       OPTIONS := { -4 | -6 | -d[etails] | -br[ief] | -o[neline] | -n[etns] name }', 255)
  if (matches(object, 'address')) return addrOrLink(ns, 'addr', rest, family, details, brief, oneline)
  if (matches(object, 'link')) return addrOrLink(ns, 'link', rest, family, details, brief, oneline)
  if (matches(object, 'route')) return route(ns, rest, family)
  if (matches(object, 'neighbor') || matches(object, 'neighbour')) return neigh(ns, rest, family)
  if (matches(object, 'netns', 3)) return netns(ctx, rest)
  return fail(`Object "${object}" is unknown, try "ip help".`, 255)
}

function isShow(word: string | undefined): boolean {
  return word === undefined || matches(word, 'show') || matches(word, 'list') || word === 'lst'
}

function addrOrLink(ns: NetNS, what: 'addr' | 'link', args: string[], family: 'IPv4' | 'IPv6' | undefined, details: boolean, brief: boolean, oneline = false): Output {
  if (!isShow(args[0])) return fail(`Command "${args[0]}" is unknown, try "ip ${what === 'addr' ? 'address' : 'link'} help".`, 255)
  const rest = args.slice(args.length && isShow(args[0]) ? 1 : 0)
  let dev: string | undefined
  let type: string | undefined
  let master: string | undefined
  for (let j = 0; j < rest.length; j++) {
    if (rest[j] === 'dev') dev = rest[++j]
    else if (rest[j] === 'type') type = rest[++j] ?? ''
    else if (rest[j] === 'master') master = rest[++j] ?? ''
    else if (rest[j] === 'up') continue
    else if (!dev) dev = rest[j]
  }
  let links = ns.links
  // `type KIND` and `master BRIDGE` filter the listing (iproute2 ipaddress.c); an unknown master is an error
  if (type !== undefined) links = links.filter((l) => l.kind === type)
  if (master !== undefined) {
    if (!ns.links.some((l) => l.name === master)) return fail(`Device "${master}" does not exist.`, 1)
    links = links.filter((l) => l.master === master)
  }
  if (dev) {
    links = links.filter((l) => l.name === dev)
    if (links.length === 0) return fail(`Device "${dev}" does not exist.`, 1)
  }
  if (brief) return ok(formatBrief(links, what, { family }))
  if (oneline) return ok(formatOneline(links, what, { family, details }))
  if (what === 'link') return ok(formatLinks(links, { details }))
  return ok(formatAddrs(links, { family, details }))
}

function route(ns: NetNS, args: string[], family: 'IPv4' | 'IPv6' | undefined): Output {
  const cmd = args[0]
  if (cmd && matches(cmd, 'get')) {
    const target = args.slice(1).filter((a) => a !== 'to')[0]
    if (!target) return fail('Command line is not complete. Try "ip route help".', 255)
    const r = routeGet(ns, target)
    return r.ok ? ok(r.text) : fail(r.error, 2)
  }
  if (!isShow(cmd)) return fail(`Command "${cmd}" is unknown, try "ip route help".`, 255)
  const rest = args.slice(cmd ? 1 : 0)
  let dev: string | undefined
  let table = 'main'
  let proto: number | undefined
  let metric: number | undefined
  for (let j = 0; j < rest.length; j++) {
    if (rest[j] === 'dev') dev = rest[++j]
    else if (rest[j] === 'table') table = rest[++j] ?? 'main'
    // `proto P` and `metric N` select routes (iproute2 ip/iproute.c iproute_list_flush_or_save, filter_nlmsg)
    else if (matches(rest[j], 'protocol')) {
      const a = rest[++j]
      if (a === undefined) return fail('Command line is not complete. Try option "help"', 255)
      const n = rtProtocol(a)
      if (n === undefined && a !== 'all') return fail(`Error: argument "${a}" is wrong: invalid "protocol"\n\n`, 255)
      proto = n
    } else if (matches(rest[j], 'metric') || matches(rest[j], 'priority') || rest[j] === 'preference') {
      const a = rest[++j]
      if (a === undefined) return fail('Command line is not complete. Try option "help"', 255)
      const n = u32(a)
      if (n === undefined) return fail(`Error: argument "${a}" is wrong: "metric" value is invalid\n\n`, 255)
      metric = n
    }
  }
  if (table !== 'main' && table !== 'local' && table !== 'all') return fail('Error: argument "' + table + '" is wrong: table id value is invalid', 255)
  if (dev && !ns.links.some((l) => l.name === dev)) return fail(`Cannot find device "${dev}"`, 1)
  // iproute2 ip/iproute.c: a listing filtered by a table is IPv4 unless -6 says otherwise; `table
  // all` (filter.tb 0) dumps both families, each table in the kernel's order (main 254, then local
  // 255), and print_route names the table of every route outside main ("table local" after dev)
  const families: ('IPv4' | 'IPv6')[] = family ? [family] : table === 'all' ? ['IPv4', 'IPv6'] : ['IPv4']
  let text = ''
  for (const fam of families) {
    if (table !== 'local') text += mainTable(ns, fam, dev, proto, metric)
    if (table !== 'main') text += localTable(ns, fam, dev, proto, metric, table === 'all')
  }
  return ok(text)
}

/** The main table's routes of one family, a selector's field left out of each line (print_route's filter masks). */
function mainTable(ns: NetNS, fam: 'IPv4' | 'IPv6', dev: string | undefined, proto: number | undefined, metric: number | undefined): string {
  const routes = (fam === 'IPv6' ? withLinkLocalRoutes(ns) : ns.routes).filter((r) => r.family === fam && (!dev || r.dev === dev)
    && (proto === undefined || rtProtocol(r.proto ?? 'boot') === proto)
    && (metric === undefined || (r.metric ?? 0) === metric))
  const text = routes.map((r) => formatRoute({
    ...r,
    dev: dev ? undefined : r.dev,
    proto: proto !== undefined ? undefined : r.proto,
    metric: metric !== undefined ? undefined : r.metric,
  })).join('\n')
  return text ? `${text}\n` : ''
}

/**
 * The main table's IPv6 routes with the kernel's fe80::/64 prefix route for every device that has
 * a link-local address (addrconf_add_linklocal → addrconf_prefix_route, metric 256): eth0, cni0,
 * flannel.1 and every veth alike, in the order the devices came up (fib6 keeps routes of one
 * prefix and metric in insertion order). They stand where the first one stood, else before
 * the default routes.
 */
function withLinkLocalRoutes(ns: NetNS): NetNS['routes'] {
  const isLL = (r: NetNS['routes'][number]) => r.family === 'IPv6' && r.dst === 'fe80::/64' && r.proto === 'kernel'
  const stored = ns.routes.filter(isLL)
  const derived = ns.links
    .filter((l) => l.kind !== 'loopback' && l.addresses.some((a) => a.family === 'IPv6' && a.scope === 'link' && a.address.toLowerCase().startsWith('fe80:')))
    .map((l) => stored.find((r) => r.dev === l.name) ?? { family: 'IPv6' as const, dst: 'fe80::/64', dev: l.name, proto: 'kernel', metric: 256 })
  const rest = ns.routes.filter((r) => !isLL(r))
  const first = ns.routes.findIndex(isLL)
  const at = first >= 0 ? ns.routes.slice(0, first).filter((r) => !isLL(r)).length : rest.findIndex((r) => r.family === 'IPv6' && r.dst === 'default')
  const i = at >= 0 ? at : rest.length
  return [...rest.slice(0, i), ...derived, ...rest.slice(i)]
}

/** Route protocol numbers by name (iproute2 etc/iproute2/rt_protos); a number is taken as it is. */
const RT_PROTOS: Record<string, number> = {
  unspec: 0, redirect: 1, kernel: 2, boot: 3, static: 4, gated: 8, ra: 9, mrt: 10, zebra: 11, bird: 12, dnrouted: 13,
  xorp: 14, ntk: 15, dhcp: 16, keepalived: 18, babel: 42, ovn: 84, openr: 99, bgp: 186, isis: 187, ospf: 188, rip: 189, eigrp: 192,
}

function rtProtocol(a: string): number | undefined {
  if (Object.hasOwn(RT_PROTOS, a)) return RT_PROTOS[a]
  const n = u32(a)
  return n !== undefined && n <= 255 ? n : undefined
}

/** strtoul with base 0, as iproute2's get_u32 reads it: decimal, 0x hex or 0 octal, at most 2^32 - 1. */
function u32(a: string): number | undefined {
  const n = /^0x[0-9a-f]+$/i.test(a) ? parseInt(a.slice(2), 16) : /^0[0-7]*$/.test(a) ? parseInt(a, 8) : /^[1-9]\d*$/.test(a) ? Number(a) : NaN
  return Number.isFinite(n) && n <= 0xffffffff ? n : undefined
}

/**
 * The local table: one `local` route per address, broadcast routes for IPv4 subnets, in trie
 * order. Every local-table route is proto kernel (IPv6: at metric 0); a selector drops its field
 * from the lines, as in the main table, and `named` (an unfiltered listing) adds "table local".
 */
function localTable(ns: NetNS, family: 'IPv4' | 'IPv6', dev: string | undefined, proto: number | undefined, metric: number | undefined, named: boolean): string {
  if (proto !== undefined && proto !== RT_PROTOS.kernel) return ''
  const entries: { key: string; type: string; dst: string; dev: string; tail: string }[] = []
  for (const l of ns.links) {
    if (dev && l.name !== dev) continue
    for (const a of l.addresses) {
      if (a.family !== family) continue
      if (family === 'IPv4') {
        // IPv4 local routes carry no metric (RTA_PRIORITY 0 is not printed)
        if (metric !== undefined && metric !== 0) continue
        const host = `scope host src ${a.address} `
        if (a.address === '127.0.0.1') {
          entries.push(
            { key: '127.0.0.0', type: 'local', dst: '127.0.0.0/8', dev: l.name, tail: host },
            { key: '127.0.0.1', type: 'local', dst: '127.0.0.1', dev: l.name, tail: host },
            { key: '127.255.255.255', type: 'broadcast', dst: '127.255.255.255', dev: l.name, tail: 'scope link src 127.0.0.1 ' },
          )
          continue
        }
        entries.push({ key: a.address, type: 'local', dst: a.address, dev: l.name, tail: host })
        if (a.broadcast && a.broadcast !== a.address) entries.push({ key: a.broadcast, type: 'broadcast', dst: a.broadcast, dev: l.name, tail: `scope link src ${a.address} ` })
      } else {
        if (metric !== undefined && metric !== 0) continue
        entries.push({ key: a.address, type: 'local', dst: a.address, dev: l.name, tail: `${metric === undefined ? 'metric 0 ' : ''}pref medium` })
      }
    }
    // every IPv6 device but lo gets the multicast route ff00::/8 in the local table (addrconf_add_mroute,
    // metric IP6_RT_PRIO_ADDRCONF 256), after the local routes in trie order, in the order the devices came up
    if (family === 'IPv6' && l.kind !== 'loopback' && (metric === undefined || metric === 256) && l.addresses.some((a) => a.family === 'IPv6')) {
      entries.push({ key: 'ff00::', type: 'multicast', dst: 'ff00::/8', dev: l.name, tail: `${metric === undefined ? 'metric 256 ' : ''}pref medium` })
    }
  }
  entries.sort((x, y) => compareIP(x.key, y.key))
  const line = (e: (typeof entries)[number]) =>
    `${e.type} ${e.dst} ${dev ? '' : `dev ${e.dev} `}${named ? 'table local ' : ''}${proto === undefined ? 'proto kernel ' : ''}${e.tail}`
  return entries.length ? `${entries.map(line).join('\n')}\n` : ''
}

/**
 * `ip neigh [show] [dev DEV]`: the permanent entries an agent wrote (flanneld's and Felix's on
 * their VXLAN devices), in iproute2's layout (ip/ipneigh.c print_neigh: "dev" only without a
 * device filter, the state word followed by a space). The entries the kernel learns from
 * traffic (REACHABLE, STALE…) depend on what the node talked to and when: not simulated, and
 * said so when a listing could hold them.
 */
function neigh(ns: NetNS, args: string[], family: 'IPv4' | 'IPv6' | undefined): Output {
  if (args[0] !== undefined && !isShow(args[0])) return fail(`knet: ip neigh ${args[0]} is not simulated here; the simulator shows the table (ip neigh show [dev DEV])`, 1)
  const rest = args.slice(args.length && isShow(args[0]) ? 1 : 0)
  let dev: string | undefined
  for (let j = 0; j < rest.length; j++) {
    if (rest[j] === 'dev') dev = rest[++j]
    else return fail(`knet: ip neigh show ${rest[j]} is not simulated here; the simulator filters by dev only`, 1)
  }
  if (dev !== undefined && !ns.links.some((l) => l.name === dev)) return fail(`Cannot find device "${dev}"`, 1)
  // a device's entries go with it (the lab can delete a device)
  const entries = (ns.neighbours ?? []).filter((n) => (!dev || n.dev === dev) && ns.links.some((l) => l.name === n.dev) && (!family || family === (n.dst.includes(':') ? 'IPv6' : 'IPv4')))
  const text = entries.map((n) => `${n.dst} ${dev ? '' : `dev ${n.dev} `}lladdr ${n.lladdr} PERMANENT \n`).join('')
  // a VXLAN device with learning off holds only what its agent wrote (and Cilium's none: it tunnels in BPF)
  const agentOnly = dev !== undefined && ns.links.find((l) => l.name === dev)?.kind === 'vxlan'
  return { exitCode: 0, stdout: text, stderr: agentOnly ? '' : 'knet: the entries the kernel learns from traffic (ARP and neighbour discovery: REACHABLE, STALE…) are not simulated; only the permanent ones an agent writes (on its VXLAN device) are shown\n', data: entries }
}

function netns(ctx: IpContext, args: string[]): Output {
  if (args[0] && !isShow(args[0])) return fail(`Command "${args[0]}" is unknown, try "ip netns help".`, 1)
  const names = (ctx.namespaces ?? []).map((n, i) => `${n.name} (id: ${i})`)
  // the kernel lists the most recently created namespace first
  return ok(names.length ? `${names.reverse().join('\n')}\n` : '')
}

/**
 * ip.c's other global options, matched as it matches them (a prefix of the name, `--x` as
 * `-x`, in ip.c's order): the one an argument names, or undefined for one ip does not have.
 */
function realIpOption(arg: string): string | undefined {
  const opt = arg.startsWith('--') ? arg.slice(1) : arg
  if (['-0', '-M', '-B', '-echo'].includes(opt)) return opt
  const names = ['-loops', '-family', '-human', '-human-readable', '-iec', '-stats', '-statistics', '-resolve', '-timestamp', '-tshort', '-force', '-batch', '-json', '-pretty', '-rcvbuf', '-help', '-Numeric', '-all']
  return opt.length > 1 ? names.find((n) => n.startsWith(opt)) : undefined
}
