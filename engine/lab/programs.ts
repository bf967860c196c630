/**
 * The lab's programs: `ip` that can change a node (and says no in a Pod,
 * which lacks CAP_NET_ADMIN), `sysctl`, and `ping` from inside a namespace
 * (`ip netns exec NS ping …`) or from the node to what the reader wired.
 */
import type { Node } from '../model/types.ts'
import type { Invocation, Output, Program } from '../shell/types.ts'
import { fail, ok } from '../shell/types.ts'
import type { Session } from '../shell/session.ts'
import { bridgeProgram, ipProgram } from '../dataplane/programs.ts'
import { formatBridgeLinks } from '../dataplane/interfaces.ts'
import { dataplaneFile, notSimulated } from '../dataplane/files.ts'
import { lookupRoute } from '../dataplane/routes.ts'
import { parseAddr } from '../net/ip.ts'
import { ipChanges, nodeIp, view } from './ip.ts'
import { labFor, peekLab, spaceNamed, findLink } from './state.ts'
import type { LabNode, Space } from './state.ts'
import { sourceFor, walk } from './reach.ts'

/** `ip netns exec NS COMMAND`: the programs that run inside a namespace of the lab. */
function netnsExec(session: Session, node: Node, space: string, argv: string[]): Output {
  const [name, ...args] = argv
  if (name === 'ip') return nodeIp(session, node, space, args, netnsExec)
  if (name === 'ping') return labPing(session, node, space, args)
  if (name === 'sysctl') return sysctl(session, node, space, args)
  if (name === 'curl') return labCurl(session, node, space, args)
  return fail(`ip netns exec: ${name}: the simulator runs ip, ping, curl and sysctl inside a namespace of the by-hand lab`, 127)
}

export const labIpProgram: Program = {
  ...ipProgram,
  summary: 'show addresses, links and routes (iproute2); on a node, also change them and add network namespaces',
  usage: [
    ...ipProgram.usage,
    'ip netns add|del|list NAME, ip netns exec NAME ip|ping|curl|sysctl … (on a node)',
    'ip link add NAME type veth peer name PEER | type bridge | type dummy',
    'ip link set DEV up|down|netns NS|master BRIDGE|nomaster|mtu N|name NEW, ip link del DEV',
    'ip addr add|del ADDRESS/LEN [brd +] dev DEV, ip addr flush dev DEV',
    'ip route add|del PREFIX|default [via GATEWAY] [dev DEV] [metric N]',
  ],
  run(inv) {
    const args = inv.argv.slice(1)
    if (inv.place.kind === 'node') return nodeIp(inv.session, inv.place.node, undefined, args, netnsExec)
    // a container without CAP_NET_ADMIN may look but not touch
    if (inv.place.kind === 'pod' && !inv.place.pod.hostNetwork && ipChanges(args)) return fail('RTNETLINK answers: Operation not permitted', 2)
    return ipProgram.run(inv)
  },
}

const SYSCTL_USAGE = '\nUsage:\n sysctl [options] [variable[=value] ...]\n'

/** sysctl (procps-ng): read or, with -w, write a key; in a namespace of the lab its own ip_forward. */
function sysctl(session: Session, node: Node | undefined, space: string | undefined, args: string[], inv?: Invocation): Output {
  let write = false
  let valueOnly = false
  const keys: string[] = []
  for (const a of args) {
    if (a === '-w' || a === '--write') write = true
    else if (a === '-n' || a === '--values') valueOnly = true
    else if (a === '-q' || a === '--quiet') continue
    else if (a.startsWith('-')) return fail(`sysctl: invalid option -- '${a.replace(/^-+/, '')[0]}'${SYSCTL_USAGE}`, 255)
    else keys.push(a)
  }
  if (keys.length === 0) return fail(`sysctl: no variables specified${SYSCTL_USAGE}`, 255)
  let out = ''
  let err = ''
  let code = 0
  for (const k of keys) {
    const eq = k.indexOf('=')
    if (write && eq < 0) {
      err += `sysctl: "${k}" must be of the form name=value\n`
      code = 255
      continue
    }
    const key = (eq < 0 ? k : k.slice(0, eq)).replace(/\//g, '.')
    const value = eq < 0 ? undefined : k.slice(eq + 1).trim()
    const path = `/proc/sys/${key.replace(/\./g, '/')}`
    const forwardKey = key === 'net.ipv4.ip_forward' || key === 'net.ipv4.conf.all.forwarding'
    const inContainer = inv?.place.kind === 'pod' && !inv.place.pod.hostNetwork
    if (value !== undefined) {
      if (inContainer || !node) {
        // /proc/sys is mounted read-only in a container
        err += `sysctl: setting key "${key}": Read-only file system\n`
        code = 255
        continue
      }
      if (!forwardKey) {
        err += `sysctl: setting key "${key}": the simulator writes net.ipv4.ip_forward only\n`
        code = 255
        continue
      }
      if (value !== '0' && value !== '1') {
        err += `sysctl: setting key "${key}": Invalid argument\n`
        code = 255
        continue
      }
      const lab = labFor(session, node)
      spaceNamed(lab, space)!.forwarding = value === '1'
      out += valueOnly ? `${value}\n` : `${key} = ${value}\n`
      continue
    }
    let current: string | undefined
    const lab = node ? peekLab(session, node) : undefined
    const s = lab ? spaceNamed(lab, space) : undefined
    if (forwardKey && s && !(inv?.place.kind === 'pod')) current = s.forwarding ? '1' : '0'
    else if (forwardKey && space !== undefined && node && !lab) current = '0'
    else {
      const place = inv?.place ?? (node ? { kind: 'node' as const, node } : undefined)
      const file = place ? dataplaneFile(session.cluster, place, forwardKey ? '/proc/sys/net/ipv4/ip_forward' : path) : undefined
      current = file && 'content' in file ? file.content.trimEnd() : undefined
      // a key the simulator does not keep is said to be so (dataplane/files.ts PARTIAL)
      if (file && 'error' in file && file.error.startsWith('knet:')) {
        err += `${notSimulated('sysctl', key)}\n`
        code = 255
        continue
      }
    }
    if (current === undefined) {
      err += `sysctl: cannot stat ${path}: No such file or directory\n`
      code = 255
      continue
    }
    out += valueOnly ? `${current}\n` : `${key} = ${current}\n`
  }
  return { exitCode: code, stdout: out, stderr: err }
}

export const sysctlProgram: Program = {
  places: ['pod', 'node'],
  summary: 'read kernel settings (sysctl); on a node, sysctl -w net.ipv4.ip_forward=0|1',
  usage: ['sysctl [-n] KEY …', 'sysctl -w net.ipv4.ip_forward=1 (on a node, or in a namespace with ip netns exec)'],
  run(inv) {
    const node = inv.place.kind === 'node' ? inv.place.node : undefined
    return sysctl(inv.session, node, undefined, inv.argv.slice(1), inv)
  },
}

interface PingArgs {
  count: number
  quiet: boolean
  host?: string
  error?: Output
}

function pingArgs(args: string[]): PingArgs {
  const o: PingArgs = { count: 4, quiet: false }
  for (let i = 0; i < args.length; i++) {
    const a = args[i]
    if (a === '-c') o.count = Number(args[++i])
    else if (/^-c\d+$/.test(a)) o.count = Number(a.slice(2))
    else if (a === '-W' || a === '-w' || a === '-i' || a === '-s' || a === '-t' || a === '-I') i++
    else if (a === '-n' || a === '-4' || a === '-D' || a === '-O') continue
    else if (a === '-q') o.quiet = true
    else if (a.startsWith('-')) return { ...o, error: fail(`ping: invalid option -- '${a.replace(/^-+/, '')[0]}'`, 2) }
    else if (o.host === undefined) o.host = a
    else return { ...o, error: fail('ping: usage error: Destination address required', 2) }
  }
  if (o.host === undefined || !Number.isInteger(o.count) || o.count < 1) return { ...o, error: fail('ping: usage error: Destination address required', 2) }
  return o
}

/** `ping` in a namespace of the lab (iputils' layout). */
function labPing(session: Session, node: Node, spaceName: string | undefined, args: string[]): Output {
  const o = pingArgs(args)
  if (o.error) return o.error
  const host = o.host!
  const a = parseAddr(host)
  if (!a) return fail(`ping: ${host}: the by-hand lab pings addresses (names resolve through DNS, which a bare namespace has no route to)`, 2)
  if (a.family !== 'IPv4') return fail('ping: the by-hand lab wires IPv4 addresses (IPv6 is not simulated here)', 2)
  const lab = labFor(session, node)
  const from = spaceNamed(lab, spaceName)!
  return pingFrom(lab, from, host, o)
}

function pingFrom(lab: LabNode, from: Space, host: string, o: PingArgs): Output {
  const w = walk(lab, from, host)
  if (w.kind === 'unreachable') return fail('ping: connect: Network is unreachable', 2)
  if (w.kind === 'leaves') {
    return fail(`ping: ${host} is reached through ${w.dev}, off ${lab.node.meta.name}: the by-hand lab follows packets between the namespaces of one node only (ping from a Pod or from the node itself, without ip netns exec, for the cluster's paths)`, 2)
  }
  const src = sourceFor(from, host)
  const lines = [`PING ${host} (${host}) 56(84) bytes of data.`]
  let received = 0
  let errors = 0
  let ttl = 64
  if (w.kind === 'delivered') {
    // the reply walks back from the destination to the sender's address
    const back = src ? walk(lab, w.space, src) : undefined
    if (back && back.kind === 'delivered' && back.space === from) {
      received = o.count
      ttl = 64 - back.hops
    }
  } else if (w.kind === 'no-neighbour' || w.kind === 'net-unreachable') {
    errors = o.count
  }
  const rtts = Array.from({ length: received }, (_, i) => 0.031 + 0.009 * (w.kind === 'delivered' ? w.via.length : 0) + ((i * 37) % 11) / 1000)
  if (!o.quiet) {
    for (let i = 0; i < o.count; i++) {
      if (received) lines.push(`64 bytes from ${host}: icmp_seq=${i + 1} ttl=${ttl} time=${rtts[i].toFixed(3)} ms`)
      else if (w.kind === 'no-neighbour') lines.push(`From ${w.from} icmp_seq=${i + 1} Destination Host Unreachable`)
      else if (w.kind === 'net-unreachable') lines.push(`From ${w.from} icmp_seq=${i + 1} Destination Net Unreachable`)
    }
  }
  // no ARP answer: iputils reports after the neighbour entry fails (about 3 s), then one per second
  const time = received ? (o.count - 1) * 1000 + (o.count > 1 ? o.count : 0) : errors ? (o.count - 1) * 1000 + (o.count > 1 ? 40 : 0) : (o.count - 1) * 1000 + (o.count > 1 ? 30 : 0)
  const loss = received ? 0 : 100
  lines.push('', `--- ${host} ping statistics ---`, `${o.count} packets transmitted, ${received} received${errors ? `, +${errors} errors` : ''}, ${loss}% packet loss, time ${time}ms`)
  if (received) {
    const avg = rtts.reduce((x, y) => x + y, 0) / rtts.length
    const mdev = Math.sqrt(rtts.reduce((x, y) => x + (y - avg) ** 2, 0) / rtts.length)
    lines.push(`rtt min/avg/max/mdev = ${Math.min(...rtts).toFixed(3)}/${avg.toFixed(3)}/${Math.max(...rtts).toFixed(3)}/${mdev.toFixed(3)} ms`)
  } else if (errors && o.count > 1) lines.push(`pipe ${Math.min(o.count, 3)}`)
  return { exitCode: received ? 0 : 1, stdout: `${lines.join('\n')}\n`, stderr: '', data: { from: from.name ?? lab.node.meta.name, to: host, result: w.kind, received } }
}

/**
 * `ping` on a node: the lab answers when this run wired something on the node
 * and the destination is one of its namespaces' addresses or goes out a device
 * the reader made; the cluster's own paths go to the traffic module's ping.
 */
export function labAwarePing(inner: Program): Program {
  return {
    ...inner,
    run(inv) {
      if (inv.place.kind !== 'node') return inner.run(inv)
      const lab = peekLab(inv.session, inv.place.node)
      if (!lab) return inner.run(inv)
      const o = pingArgs(inv.argv.slice(1))
      if (o.error || !o.host || parseAddr(o.host)?.family !== 'IPv4') return inner.run(inv)
      const host = lab.spaces[0]
      const r = lookupRoute(host.ns, o.host)
      const dev = r?.dev ? findLink(host, r.dev) : undefined
      const inLab = lab.spaces.some((s) => !s.cni && s.name && s.ns.links.some((l) => l.addresses.some((x) => x.address === o.host)))
      if (!inLab && !(dev && lab.made.has(dev)) && r) return inner.run(inv)
      return pingFrom(lab, host, o.host, o)
    },
  }
}

/** `bridge link` on a node reads the lab's copy when this run changed the node. */
export const labBridgeProgram: Program = {
  ...bridgeProgram,
  run(inv) {
    if (inv.place.kind !== 'node' || !peekLab(inv.session, inv.place.node)) return bridgeProgram.run(inv)
    const out = bridgeProgram.run(inv)
    if (out.exitCode !== 0) return out
    const links = view(inv.session, inv.place.node)[0].links
    const ports = links.filter((l) => l.master && l.bridgePort)
    return ok(formatBridgeLinks(links), { ports: ports.map((p) => ({ index: p.index, name: p.name, master: p.master, state: p.bridgePort!.state })) })
  },
}

/**
 * curl (8.11) from a namespace of the lab: the connection attempt follows the
 * lab's wiring. Nothing listens in a namespace the reader made, so a
 * connection that arrives there is refused (RST); one that arrives at a Pod or
 * at the node is named, not served (the simulator's servers answer the
 * cluster's own clients).
 */
function labCurl(session: Session, node: Node, spaceName: string | undefined, args: string[]): Output {
  let url: string | undefined
  let limit: number | undefined
  for (let i = 0; i < args.length; i++) {
    const a = args[i]
    if (a === '-m' || a === '--max-time' || a === '--connect-timeout') limit = Number(args[++i])
    else if (/^-[sSfvLkI]+$/.test(a) || a === '--silent' || a === '--fail') continue
    else if (a === '-o' || a === '-w' || a === '-H') i++
    else if (a.startsWith('-')) return fail(`curl: option ${a}: is unknown\ncurl: try 'curl --help' or 'curl --manual' for more information`, 2)
    else url = a
  }
  if (!url) return fail("curl: no URL specified\ncurl: try 'curl --help' or 'curl --manual' for more information", 2)
  const m = /^(?:http:\/\/)?([^/:]+)(?::(\d+))?(\/.*)?$/.exec(url)
  if (!m) return fail(`curl: (3) URL rejected: Malformed input to a URL function`, 3)
  const host = m[1]
  const port = Number(m[2] ?? 80)
  if (parseAddr(host)?.family !== 'IPv4') return fail(`curl: (6) Could not resolve host: ${host}`, 6)
  const lab = labFor(session, node)
  const from = spaceNamed(lab, spaceName)!
  const w = walk(lab, from, host)
  const failed = (ms: number, code = 7) => fail(`curl: (${code}) Failed to connect to ${host} port ${port} after ${ms} ms: Couldn't connect to server`, code)
  if (w.kind === 'unreachable') return failed(0)
  if (w.kind === 'leaves') return fail(`curl: ${host} is reached through ${w.dev}, off ${lab.node.meta.name}: the by-hand lab follows packets between the namespaces of one node only`, 2)
  // no ARP answer: connect() fails with EHOSTUNREACH once the neighbour entry fails (3 probes, 1 s apart)
  if (w.kind === 'no-neighbour') return failed(3071)
  if (w.kind === 'net-unreachable') return failed(1)
  const src = sourceFor(from, host)
  const back = w.kind === 'delivered' && src ? walk(lab, w.space, src) : undefined
  if (w.kind === 'dropped' || !back || back.kind !== 'delivered' || back.space !== from) {
    // the SYN (or its answer) is lost: curl waits for its limit, else for the kernel's SYN retries
    if (limit !== undefined && Number.isFinite(limit)) return fail(`curl: (28) Connection timed out after ${Math.round(limit * 1000) + 2} milliseconds`, 28)
    return failed(127_003, 28)
  }
  if (!w.space.cni && w.space.name) return failed(0)
  const what = w.space.pod ? `Pod ${w.space.pod}` : lab.node.meta.name
  return fail(`curl: the connection reaches ${what} at ${host}; whether anything answers on port ${port} is simulated for the cluster's own clients only (run curl in a Pod or on the node)`, 2)
}

/** `cat /proc/sys/net/ipv4/ip_forward` on a node reads what `sysctl -w` set in this run. */
export function labAwareCat(inner: Program): Program {
  return {
    ...inner,
    run(inv) {
      const paths = inv.argv.slice(1)
      if (inv.place.kind !== 'node' || paths.length !== 1) return inner.run(inv)
      const lab = peekLab(inv.session, inv.place.node)
      const path = paths[0].replace(/\/+/g, '/')
      if (!lab || (path !== '/proc/sys/net/ipv4/ip_forward' && path !== '/proc/sys/net/ipv4/conf/all/forwarding')) return inner.run(inv)
      return ok(`${lab.spaces[0].forwarding ? 1 : 0}\n`)
    },
  }
}
