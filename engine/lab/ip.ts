/**
 * `ip` on a node, with the commands that change it: netns add|del|list|exec,
 * link add (veth, bridge, dummy) | del | set, addr add|del|flush, route
 * add|del. Reading commands go to the dataplane's `ip` (dataplane/ip-command.ts)
 * over the lab's copy of the node when this run changed it, so they print in
 * the same formats.
 *
 * Errors and exit codes as iproute2 6.x gives them: ip.c's do_cmd negates the
 * command's return, so "Cannot find device" (return -1) exits 1, a refused
 * netlink request ("RTNETLINK answers: …" or the kernel's extack "Error: …",
 * return -2) exits 2, and invarg()'s "Error: argument … is wrong" exits 255.
 */
import type { Node } from '../model/types.ts'
import type { Output } from '../shell/types.ts'
import { fail, ok } from '../shell/types.ts'
import type { Session } from '../shell/session.ts'
import { runIp } from '../dataplane/ip-command.ts'
import { nodePlumbing } from '../dataplane/cni/index.ts'
import type { Link, NetNS, Route } from '../dataplane/model.ts'
import { parseAddr, parsePrefix, hasHostBits, formatPrefix, prefixContains } from '../net/ip.ts'
import type { LabNode, Space } from './state.ts'
import { findLink, labFor, linkDown, linkUp, newMac, newSpace, networkOf, peekLab, prefixRoute, refresh, reserve, spaceNamed, spaceOf, touchNeighbours } from './state.ts'
import { nodeSnapshot } from './snapshot.ts'

/** What `ip netns exec NS …` hands back to the lab's programs. */
export type NetnsExec = (session: Session, node: Node, space: string, argv: string[]) => Output

function matches(word: string | undefined, full: string, min = 1): boolean {
  return word !== undefined && word.length >= min && full.startsWith(word)
}

const CHANGES = ['add', 'del', 'delete', 'set', 'change', 'replace', 'flush', 'append']

function isChange(object: string, cmd: string | undefined): boolean {
  if (cmd === undefined) return false
  if (matches(object, 'netns', 3)) return ['add', 'delete', 'del', 'exec'].includes(cmd)
  return CHANGES.includes(cmd)
}

/** Whether `ip ARGS` (options, object, command) would change something: what a Pod without NET_ADMIN may not do. */
export function ipChanges(args: string[]): boolean {
  let i = 0
  while (i < args.length && args[i].startsWith('-')) i += args[i] === '-n' || args[i] === '-netns' || args[i] === '--netns' ? 2 : 1
  const object = args[i]
  if (!object) return false
  if (!['address', 'link', 'route', 'netns'].some((o) => matches(object, o, o === 'netns' ? 3 : 1))) return false
  return isChange(object, args[i + 1])
}

const ifnameOk = (n: string) => n.length > 0 && n.length < 16 && !/[/\s]/.test(n)
const invalidName = (n: string) => fail(`Error: argument "${n}" is wrong: "name" not a valid ifname`, 255)
const nodev = (n: string) => fail(`Cannot find device "${n}"`, 1)
const rtnl = (what: string) => fail(`RTNETLINK answers: ${what}`, 2)
const extack = (what: string) => fail(`Error: ${what}`, 2)

/**
 * `ip ARGS` run on `node`, in the namespace `inSpace` (undefined: the node's own).
 *
 * @example
 * nodeIp(session, node, undefined, ['netns', 'add', 'red'], exec) // { exitCode: 0, … }
 */
export function nodeIp(session: Session, node: Node, inSpace: string | undefined, args: string[], exec: NetnsExec): Output {
  const out = ipOnNode(session, node, inSpace, args, exec)
  // the node's namespaces after the command, for the node diagram (engine/diagram/node.ts)
  const data = out.data && typeof out.data === 'object' ? (out.data as Record<string, unknown>) : {}
  return { ...out, data: { ...data, node: nodeSnapshot(session, node) } }
}

function ipOnNode(session: Session, node: Node, inSpace: string | undefined, args: string[], exec: NetnsExec): Output {
  const opts: string[] = []
  let space = inSpace
  let i = 0
  for (; i < args.length && args[i].startsWith('-'); i++) {
    const a = args[i]
    if (a === '-n' || a === '-netns' || a === '--netns') {
      const name = args[++i]
      if (!name || !view(session, node).some((s) => s.name === name)) return fail(`Cannot open network namespace "${name ?? ''}": No such file or directory`, 255)
      space = name
    } else opts.push(a)
  }
  const object = args[i]
  const cmd = args[i + 1]
  const rest = args.slice(i + 2)
  if (object && matches(object, 'netns', 3)) return netns(session, node, space, cmd, rest, exec)
  if (!object || !isChange(object, cmd)) {
    const spaces = view(session, node)
    const ns = spaces.find((s) => s.name === space)!
    const out = runIp({ ns, namespaces: spaces.filter((s) => s.name) }, [...opts, ...args.slice(i)])
    return { ...out, data: out.exitCode === 0 ? { links: ns.links, routes: ns.routes } : undefined }
  }
  const lab = labFor(session, node)
  const here = spaceNamed(lab, space)!
  let out: Output
  if (matches(object, 'link')) out = link(session, lab, here, cmd!, rest)
  else if (matches(object, 'address')) out = addr(session, lab, here, cmd!, rest)
  else out = route(session, lab, here, cmd!, rest)
  refresh(lab)
  return out
}

/** The namespaces of a node as this run sees them: the lab's copy, or the CNI's plumbing untouched. */
export function view(session: Session, node: Node): NetNS[] {
  const lab = peekLab(session, node)
  if (lab) return lab.spaces.map((s) => s.ns)
  const p = nodePlumbing(session.cluster, node)
  return [p.host, ...p.pods.values()]
}

function netns(session: Session, node: Node, space: string | undefined, cmd: string | undefined, rest: string[], exec: NetnsExec): Output {
  if (cmd === undefined || matches(cmd, 'list') || matches(cmd, 'show')) {
    const lab = peekLab(session, node)
    if (!lab) {
      const spaces = view(session, node)
      return runIp({ ns: spaces[0], namespaces: spaces.slice(1) }, ['netns'])
    }
    // /var/run/netns lists newest first; `(id: N)` only for namespaces the node's own has an id for
    const lines = lab.spaces.filter((s) => s.name).map((s) => (s.nsid === undefined ? s.name! : `${s.name} (id: ${s.nsid})`))
    return ok(lines.length ? `${lines.reverse().join('\n')}\n` : '')
  }
  const name = rest[0]
  if (cmd === 'add') {
    if (!name) return fail('No netns name specified', 1)
    if (name === '.' || name === '..' || name.includes('/')) return fail(`Invalid netns name "${name}"`, 1)
    const lab = labFor(session, node)
    if (spaceNamed(lab, name)) return fail(`Cannot create namespace file "/var/run/netns/${name}": File exists`, 1)
    const full = reserve(session, 2)
    if (full) return fail(full, 1)
    newSpace(lab, name)
    return ok('')
  }
  if (cmd === 'delete' || cmd === 'del') {
    if (!name) return fail('No netns name specified', 1)
    const lab = labFor(session, node)
    const s = spaceNamed(lab, name)
    if (!s) return fail(`Cannot remove namespace file "/var/run/netns/${name}": No such file or directory`, 1)
    // its veths go with it, and their peers too; other devices would go back to the node (none here)
    for (const l of [...s.ns.links]) if (l.kind === 'veth') deleteLink(lab, s, l)
    lab.spaces.splice(lab.spaces.indexOf(s), 1)
    refresh(lab)
    return ok('')
  }
  if (cmd === 'exec' || cmd === 'e') {
    if (!name) return fail('No netns name specified', 1)
    if (!view(session, node).some((s) => s.name === name)) return fail(`Cannot open network namespace "${name}": No such file or directory`, 1)
    if (rest.length < 2) return fail('No command specified', 1)
    return exec(session, node, name, rest.slice(1))
  }
  return fail(`Command "${cmd}" is unknown, try "ip netns help".`, 1)
}

// ---------------------------------------------------------------- ip link

function link(session: Session, lab: LabNode, here: Space, cmd: string, args: string[]): Output {
  if (cmd === 'add') return linkAdd(session, lab, here, args)
  if (matches(cmd, 'delete', 3)) {
    const name = args[0] === 'dev' ? args[1] : args[0]
    if (!name) return fail('Not enough information: "dev" argument is required.', 255)
    const l = findLink(here, name)
    if (!l) return nodev(name)
    if (l.kind === 'loopback' || l.kind === 'device') return rtnl('Operation not supported')
    deleteLink(lab, here, l)
    return ok('')
  }
  if (matches(cmd, 'set') || matches(cmd, 'change')) return linkSet(session, lab, here, args)
  return fail(`Command "${cmd}" is unknown, try "ip link help".`, 255)
}

function linkAdd(session: Session, lab: LabNode, here: Space, args: string[]): Output {
  let name: string | undefined
  let type: string | undefined
  let peer: string | undefined
  let peerNs: string | undefined
  let mtu: number | undefined
  for (let j = 0; j < args.length; j++) {
    const a = args[j]
    // the options of a kind the lab does not make are not read: the kind is refused below
    if (type !== undefined && type !== 'veth' && type !== 'bridge' && type !== 'dummy') break
    if (type === 'veth' && a === 'peer') {
      if (args[j + 1] === 'name') j++
      peer = args[++j]
      if (peer === undefined) return fail('Not enough information: "name" argument is required.', 255)
      if (args[j + 1] === 'netns') {
        j++
        peerNs = args[++j]
      }
    } else if (a === 'type') type = args[++j]
    else if (a === 'name' || a === 'dev') name = args[++j]
    else if (a === 'link' && type === undefined) j++
    else if (a === 'mtu') {
      const v = Number(args[++j])
      if (!Number.isInteger(v) || v < 0) return fail(`Error: argument "${args[j] ?? ''}" is wrong: Invalid "mtu" value`, 255)
      mtu = v
    } else if (type !== undefined) return fail(`Error: either "dev" is duplicate, or "${a}" is a garbage.`, 255)
    else if (name === undefined) name = a
    else return fail(`Error: either "dev" is duplicate, or "${a}" is a garbage.`, 255)
  }
  if (!name) return fail('Not enough information: "dev" argument is required.', 255)
  if (!ifnameOk(name)) return invalidName(name)
  if (!type) return fail('Not enough information: "type" argument is required', 255)
  if (type !== 'veth' && type !== 'bridge' && type !== 'dummy') return fail(`ip: link type "${type}" is not simulated in the by-hand lab, which makes veth, bridge and dummy devices`, 2)
  if (findLink(here, name)) return rtnl('File exists')
  if (mtu !== undefined && (mtu < 68 || mtu > 65535)) return extack(mtu < 68 ? 'mtu less than device minimum.' : 'mtu greater than device maximum.')
  if (type !== 'veth') {
    const full = reserve(session)
    if (full) return fail(full, 2)
    const l = makeLink(lab, here, name, type === 'bridge' ? 'bridge' : 'dummy', mtu ?? 1500)
    here.ns.links.push(l)
    return ok('')
  }
  // without a name the kernel picks the first free vethN for the peer
  if (peer === undefined) for (let n = 0; peer === undefined; n++) if (!findLink(here, `veth${n}`) && `veth${n}` !== name) peer = `veth${n}`
  if (!ifnameOk(peer)) return invalidName(peer)
  const there = peerNs === undefined ? here : spaceNamed(lab, peerNs)
  if (!there) return fail(`Error: argument "${peerNs}" is wrong: Invalid "netns" value`, 255)
  if (findLink(there, peer) || (there === here && peer === name)) return rtnl('File exists')
  const full = reserve(session, 2)
  if (full) return fail(full, 2)
  // veth_newlink registers the peer first: it gets the lower ifindex
  const p = makeLink(lab, there, peer, 'veth', mtu ?? 1500)
  there.ns.links.push(p)
  const l = makeLink(lab, here, name, 'veth', mtu ?? 1500)
  here.ns.links.push(l)
  lab.peer.set(l, p)
  lab.peer.set(p, l)
  return ok('')
}

function makeLink(lab: LabNode, space: Space, name: string, kind: 'veth' | 'bridge' | 'dummy', mtu: number): Link {
  const l: Link = {
    index: space.nextIndex++,
    name,
    kind,
    mtu,
    mac: newMac(lab, name),
    flags: [],
    state: 'DOWN',
    qdisc: 'noop',
    qlen: kind === 'dummy' ? 0 : 1000,
    linkType: 'ether',
    addresses: [],
  }
  lab.admin.set(l, false)
  lab.made.add(l)
  lab.touched.add(l)
  return l
}

function deleteLink(lab: LabNode, space: Space, l: Link): void {
  const drop = (s: Space, x: Link) => {
    touchNeighbours(lab, x)
    s.ns.links = s.ns.links.filter((y) => y !== x)
    s.ns.routes = s.ns.routes.filter((r) => r.dev !== x.name)
    // a bridge's ports are released
    if (x.kind === 'bridge') for (const port of s.ns.links) if (port.master === x.name) releasePort(lab, port)
    lab.admin.delete(x)
  }
  const p = lab.peer.get(l)
  drop(space, l)
  if (p) {
    drop(spaceOf(lab, p), p)
    lab.peer.delete(p)
    lab.peer.delete(l)
  }
}

function releasePort(lab: LabNode, port: Link): void {
  port.master = undefined
  port.bridgePort = undefined
  lab.touched.add(port)
}

function linkSet(session: Session, lab: LabNode, here: Space, args: string[]): Output {
  let j = 0
  if (args[0] === 'dev') j = 1
  const name = args[j]
  if (name === undefined) return fail('Not enough information: "dev" argument is required.', 255)
  const l = findLink(here, name)
  if (!l) return nodev(name)
  const words = args.slice(j + 1)
  // iproute2 sends one request: check it all first, then apply
  type Step = () => Output | undefined
  const steps: Step[] = []
  for (let k = 0; k < words.length; k++) {
    const w = words[k]
    if (w === 'up') steps.push(() => (linkUp(lab, spaceOf(lab, l), l), undefined))
    else if (w === 'down') steps.push(() => (linkDown(lab, spaceOf(lab, l), l), undefined))
    else if (w === 'netns') {
      const target = words[++k]
      const to = target === undefined ? undefined : spaceNamed(lab, target)
      if (!to) return fail(`Error: argument "${target ?? ''}" is wrong: Invalid "netns" value`, 255)
      steps.push(() => moveLink(lab, here, l, to))
    } else if (w === 'master') {
      const b = words[++k]
      const br = b === undefined ? undefined : findLink(here, b)
      if (!br) return fail(`Error: argument "${b ?? ''}" is wrong: Device does not exist`, 255)
      steps.push(() => enslave(lab, here, l, br))
    } else if (w === 'nomaster') steps.push(() => (l.master ? (touchNeighbours(lab, l), releasePort(lab, l)) : undefined, undefined))
    else if (w === 'mtu') {
      const v = Number(words[++k])
      if (words[k] === undefined || !/^\d+$/.test(words[k]) || !Number.isSafeInteger(v)) return fail(`Error: argument "${words[k] ?? ''}" is wrong: Invalid "mtu" value`, 255)
      steps.push(() => setMtu(lab, l, v))
    } else if (w === 'name') {
      const n = words[++k]
      if (n === undefined || !ifnameOk(n)) return invalidName(n ?? '')
      steps.push(() => rename(lab, here, l, n))
    } else return fail(`Error: either "dev" is duplicate, or "${w}" is a garbage.`, 255)
  }
  for (const s of steps) {
    const err = s()
    if (err) return err
  }
  return ok('')
}

function setMtu(lab: LabNode, l: Link, v: number): Output | undefined {
  const max = l.kind === 'loopback' || l.kind === 'veth' || l.kind === 'bridge' || l.kind === 'dummy' ? 65535 : 9194
  if (v < 68) return extack('mtu less than device minimum.')
  if (v > max) return extack('mtu greater than device maximum.')
  l.mtu = v
  lab.touched.add(l)
  return undefined
}

function rename(lab: LabNode, here: Space, l: Link, n: string): Output | undefined {
  if (n === l.name) return undefined
  if (findLink(here, n)) return rtnl('File exists')
  // dev_change_name refuses a running device
  if (lab.admin.get(l)) return rtnl('Device or resource busy')
  for (const r of here.ns.routes) if (r.dev === l.name) r.dev = n
  for (const x of here.ns.links) if (x.master === l.name) x.master = n
  l.name = n
  lab.touched.add(l)
  touchNeighbours(lab, l)
  return undefined
}

function enslave(lab: LabNode, here: Space, l: Link, br: Link): Output | undefined {
  if (br.kind !== 'bridge') return rtnl('Operation not supported')
  // br_add_if: no loops, no loopback, no bridge inside a bridge
  if (l === br) return extack('Can not enslave a bridge to itself.')
  if (l.kind === 'loopback') return extack('Can not enslave loopback to a bridge')
  if (l.kind === 'bridge') return extack('Can not enslave a bridge to a bridge')
  if (l.master === br.name) return undefined
  l.master = br.name
  lab.touched.add(l)
  lab.touched.add(br)
  // a bridge without an MTU of its own follows its smallest port (br_mtu_auto_adjust)
  const ports = here.ns.links.filter((x) => x.master === br.name)
  if (lab.made.has(br)) br.mtu = Math.min(...ports.map((x) => x.mtu))
  return undefined
}

function moveLink(lab: LabNode, from: Space, l: Link, to: Space): Output | undefined {
  if (from === to) return undefined
  // NETIF_F_NETNS_LOCAL: lo and bridges stay in their namespace
  if (l.kind === 'loopback' || l.kind === 'bridge') return rtnl('Invalid argument')
  if (findLink(to, l.name)) return rtnl('File exists')
  linkDown(lab, from, l)
  if (l.master) releasePort(lab, l)
  from.ns.links = from.ns.links.filter((x) => x !== l)
  from.ns.routes = from.ns.routes.filter((r) => r.dev !== l.name)
  // it leaves its addresses behind; it keeps its ifindex when that number is free over there
  l.addresses = []
  if (to.ns.links.some((x) => x.index === l.index)) l.index = to.nextIndex++
  else to.nextIndex = Math.max(to.nextIndex, l.index + 1)
  to.ns.links.push(l)
  to.ns.links.sort((a, b) => a.index - b.index)
  lab.touched.add(l)
  touchNeighbours(lab, l)
  return undefined
}

// ---------------------------------------------------------------- ip addr

function addr(session: Session, lab: LabNode, here: Space, cmd: string, args: string[]): Output {
  let dev: string | undefined
  let local: string | undefined
  let brd = false
  for (let j = 0; j < args.length; j++) {
    const a = args[j]
    if (a === 'dev') dev = args[++j]
    else if (a === 'brd' || a === 'broadcast') {
      if (args[++j] === '+') brd = true
    } else if (a === 'local') local = args[++j]
    else if (a === 'scope' || a === 'label' || a === 'metric') j++
    else if (local === undefined && !matches(cmd, 'flush')) local = a
    else if (dev === undefined && matches(cmd, 'flush')) dev = a
    else return fail(`Error: either "local" is duplicate, or "${a}" is a garbage.`, 255)
  }
  if (matches(cmd, 'flush')) {
    if (!dev) return fail('Flush requires arguments.', 1)
    const l = findLink(here, dev)
    if (!l) return nodev(dev)
    l.addresses = l.addresses.filter((a) => a.family === 'IPv6' && a.scope === 'link')
    here.ns.routes = here.ns.routes.filter((r) => !(r.dev === dev && r.proto === 'kernel' && r.family === 'IPv4'))
    return ok('')
  }
  if (local === undefined) return fail(`Not enough information: "local" argument is required.`, 255)
  if (!dev) return fail('Not enough information: "dev" argument is required.', 255)
  const slash = local.indexOf('/')
  const ipText = slash < 0 ? local : local.slice(0, slash)
  const a = parseAddr(ipText)
  const bits = slash < 0 ? (a?.family === 'IPv6' ? 128 : 32) : Number(local.slice(slash + 1))
  if (!a || (slash >= 0 && !/^\d{1,3}$/.test(local.slice(slash + 1))) || bits > (a.family === 'IPv4' ? 32 : 128)) return fail(`Error: any valid prefix is expected rather than "${local}".`, 1)
  if (a.family !== 'IPv4') return fail('ip: the by-hand lab wires IPv4 addresses (IPv6 ones are not simulated here)', 2)
  const l = findLink(here, dev)
  if (!l) return nodev(dev)
  const same = l.addresses.find((x) => x.address === ipText && x.prefixLength === bits)
  if (cmd === 'add' || matches(cmd, 'replace') || matches(cmd, 'change')) {
    if (same) return cmd === 'add' ? rtnl('File exists') : ok('')
    const full = reserve(session, 2)
    if (full) return fail(full, 2)
    const address = { family: 'IPv4' as const, address: ipText, prefixLength: bits, scope: ipText.startsWith('127.') ? ('host' as const) : ('global' as const), broadcast: brd && bits < 31 ? broadcastOf(ipText, bits) : undefined }
    // a second address in a subnet the device already has is secondary: no route of its own
    const secondary = l.addresses.some((x) => x.family === 'IPv4' && x.prefixLength === bits && networkOf(x) === networkOf(address))
    if (secondary) (address as { flags?: string[] }).flags = ['secondary']
    // IPv4 addresses are listed in the order they were added, after the others of the device
    l.addresses.splice(l.addresses.filter((x) => x.family === 'IPv4').length, 0, address)
    const r = prefixRoute(l, address)
    if (r && !secondary && lab.admin.get(l) && !here.ns.routes.some((x) => x.dst === r.dst && x.dev === r.dev && x.proto === 'kernel')) here.ns.routes.push(r)
    lab.touched.add(l)
    return ok('')
  }
  if (matches(cmd, 'delete', 3)) {
    if (!same) return rtnl('Cannot assign requested address')
    l.addresses = l.addresses.filter((x) => x !== same)
    const net = networkOf(same)
    if (!l.addresses.some((x) => x.family === 'IPv4' && networkOf(x) === net)) here.ns.routes = here.ns.routes.filter((r) => !(r.dev === l.name && r.proto === 'kernel' && r.dst === net))
    // routes whose gateway was reached through that subnet go too (fib_sync_down_addr)
    here.ns.routes = here.ns.routes.filter((r) => !(r.dev === l.name && r.src === ipText))
    return ok('')
  }
  return fail(`Command "${cmd}" is unknown, try "ip address help".`, 255)
}

function broadcastOf(ip: string, bits: number): string {
  const p = parsePrefix(`${ip}/${bits}`)!
  const size = 1n << BigInt(32 - bits)
  const v = p.base + size - 1n
  return [24n, 16n, 8n, 0n].map((s) => String((v >> s) & 255n)).join('.')
}

// ---------------------------------------------------------------- ip route

function route(session: Session, lab: LabNode, here: Space, cmd: string, args: string[]): Output {
  let dst: string | undefined
  let via: string | undefined
  let dev: string | undefined
  let metric: number | undefined
  let src: string | undefined
  let onlink = false
  for (let j = 0; j < args.length; j++) {
    const a = args[j]
    if (a === 'via') via = args[++j]
    else if (a === 'dev' || a === 'oif') dev = args[++j]
    else if (a === 'metric' || a === 'priority' || a === 'preference') {
      const v = Number(args[++j])
      if (!/^\d+$/.test(args[j] ?? '')) return fail(`Error: argument "${args[j] ?? ''}" is wrong: "metric" value is invalid`, 255)
      metric = v
    } else if (a === 'src') src = args[++j]
    else if (a === 'onlink') onlink = true
    else if (a === 'proto' || a === 'scope' || a === 'table') j++
    else if (a === 'to') dst = args[++j]
    else if (dst === undefined) dst = a
    else return fail(`Error: either "to" is duplicate, or "${a}" is a garbage.`, 255)
  }
  if (dst === undefined) return fail(matches(cmd, 'delete', 3) ? 'RTNETLINK answers: No such process' : 'Command line is not complete. Try "ip route help".', matches(cmd, 'delete', 3) ? 2 : 255)
  let key: string
  if (dst === 'default' || dst === '0/0' || dst === '0.0.0.0/0') key = 'default'
  else {
    const text = dst.includes('/') ? dst : `${dst}/32`
    const p = parsePrefix(text)
    if (!p || p.family !== 'IPv4') return fail(`Error: ${p ? 'inet' : 'any valid'} prefix is expected rather than "${dst}".`, 1)
    if (hasHostBits(text)) return extack('Invalid prefix for given prefix length.')
    key = p.bits === 32 ? text.slice(0, text.indexOf('/')) : formatPrefix(p)
  }
  if (via !== undefined && parseAddr(via)?.family !== 'IPv4') return fail(`Error: inet address is expected rather than "${via}".`, 1)
  if (dev !== undefined && !findLink(here, dev)) return nodev(dev)
  if (matches(cmd, 'delete', 3)) {
    const r = here.ns.routes.find((x) => x.family === 'IPv4' && x.dst === key && (via === undefined || x.via === via) && (dev === undefined || x.dev === dev) && (metric === undefined || (x.metric ?? 0) === metric))
    if (!r) return rtnl('No such process')
    here.ns.routes = here.ns.routes.filter((x) => x !== r)
    return ok('')
  }
  if (cmd !== 'add' && !matches(cmd, 'replace') && !matches(cmd, 'append')) return fail(`Command "${cmd}" is unknown, try "ip route help".`, 255)
  let outDev = dev
  if (via !== undefined) {
    // fib_check_nh_v4_gw: the gateway must be on a connected (scope link) route, or onlink on an up device
    if (here.ns.links.some((l) => l.addresses.some((a) => a.address === via))) return extack('Nexthop has invalid gateway.')
    if (onlink) {
      if (!dev) return rtnl('No such device')
      if (!lab.admin.get(findLink(here, dev)!)) return extack('Nexthop device is not up.')
    } else {
      const gw = parseAddr(via)!
      const connected = here.ns.routes.filter((r) => r.family === 'IPv4' && !r.via && r.dst !== 'default' && (dev === undefined || r.dev === dev) && prefixContains(parsePrefix(r.dst.includes('/') ? r.dst : `${r.dst}/32`)!, gw))
      const best = connected.sort((x, y) => prefixBits(y) - prefixBits(x))[0]
      if (!best) return extack('Nexthop has invalid gateway.')
      outDev = best.dev
    }
  } else if (dev === undefined) return rtnl('No such device')
  else if (!lab.admin.get(findLink(here, dev)!)) return extack('Nexthop device is not up.')
  const r: Route = { family: 'IPv4', dst: key, via, dev: outDev, metric, src, onlink: onlink || undefined, scope: via ? undefined : 'link' }
  const clash = here.ns.routes.find((x) => x.family === 'IPv4' && x.dst === key && (x.metric ?? 0) === (metric ?? 0))
  if (clash && !matches(cmd, 'append')) {
    if (cmd === 'add') return rtnl('File exists')
    here.ns.routes = here.ns.routes.filter((x) => x !== clash)
  }
  const full = reserve(session)
  if (full) return fail(full, 2)
  here.ns.routes.push(r)
  return ok('')
}

function prefixBits(r: Route): number {
  return r.dst.includes('/') ? Number(r.dst.slice(r.dst.indexOf('/') + 1)) : 32
}
