/**
 * The node and Pod programs of the dataplane: ip, bridge, iptables-save,
 * iptables -L/-S, ipvsadm, ipset, nft, hostname, ls. Each answers from the
 * simulated node (or Pod) it runs on, in the tool's own output format, and
 * puts the structured answer in `data`.
 */
import { proxyScaleProgram } from './kube-proxy/scale.ts'
import { sysctlProgram } from './sysctl.ts'
import type { IPFamily } from '../net/ip.ts'
import type { Invocation, Output, Program } from '../shell/types.ts'
import type { NetNS } from './model.ts'
import { fail, ok } from '../shell/types.ts'
import { fnv1a32 } from '../cluster/hash.ts'
import { namespaceOf } from './place.ts'
import { runIp } from './ip-command.ts'
import { unameProgram } from './uname.ts'
import { formatBridgeLinks } from './interfaces.ts'
import { formatFdb } from './fdb.ts'
import { proxyConfig } from './kube-proxy/config.ts'
import { nodeRuleset } from './kube-proxy/node-ruleset.ts'
import { saveRuleset } from './kube-proxy/iptables-save.ts'
import { listChains } from './kube-proxy/iptables-list.ts'
import { chainOrder } from './kube-proxy/iptables-save.ts'
import { saveRule } from './kube-proxy/save-format.ts'
import { IPSETS, formatIpvsadm, ipsetEntries, ipsetName, virtualServers } from './kube-proxy/ipvs.ts'
import { proxierContext } from './kube-proxy/iptables.ts'
import { formatNftObject, formatNftTable, kubeProxyTable } from './kube-proxy/nftables.ts'
import { dataplaneList } from './files.ts'
import { ciliumFrontends, formatBpfLbList, formatServiceList } from './cilium-lb.ts'
import { ipFamilyOf } from '../net/ip.ts'
import { notFound } from '../shell/container-shell.ts'

function where(inv: Invocation) {
  return namespaceOf(inv.cluster, inv.place)
}

export const ipProgram: Program = {
  places: ['pod', 'node'],
  summary: 'show addresses, links and routes (iproute2)',
  usage: ['ip [-4|-6] [-br] [-d] addr|a [show [dev] IFACE]', 'ip link|l [show [dev] IFACE]', 'ip [-4|-6] route|r [show [dev IFACE] [proto PROTO] [metric N] [table local]]', 'ip route get ADDRESS', 'ip neigh [show] [dev IFACE] (the entries agents write)', 'ip netns (on a node)', 'ip -n NETNS addr (on a node: inside a Pod sandbox)'],
  run(inv) {
    const w = where(inv)
    if ('error' in w) return fail(w.error)
    const namespaces = w.pod ? undefined : [...w.plumbing.pods.values()]
    const out = runIp({ ns: w.ns, namespaces }, inv.argv.slice(1))
    return { ...out, data: out.exitCode === 0 ? { links: w.ns.links, routes: w.ns.routes } : undefined }
  },
}

export const bridgeProgram: Program = {
  places: ['pod', 'node'],
  summary: 'show Linux bridge ports and VXLAN forwarding entries (iproute2 bridge)',
  usage: ['bridge link [show]', 'bridge fdb [show] [dev DEV]'],
  run(inv) {
    const w = where(inv)
    if ('error' in w) return fail(w.error)
    const [obj, cmd] = inv.argv.slice(1)
    if (obj && 'fdb'.startsWith(obj)) return fdbCommand(w.ns, inv.argv.slice(2))
    if (!obj || !(('link'.startsWith(obj) && obj.length >= 1))) return fail(`Object "${obj ?? ''}" is unknown, try "bridge help".`, 255)
    if (cmd && !'show'.startsWith(cmd) && !'list'.startsWith(cmd)) return fail(`Command "${cmd}" is unknown, try "bridge link help".`, 255)
    const ports = w.ns.links.filter((l) => l.master && l.bridgePort)
    return ok(formatBridgeLinks(w.ns.links), { ports: ports.map((p) => ({ index: p.index, name: p.name, master: p.master, state: p.bridgePort!.state })) })
  },
}

function fdbCommand(ns: NetNS, args: string[]): Output {
  const show = (w: string | undefined) => w === undefined || 'show'.startsWith(w) || 'list'.startsWith(w)
  if (args[0] !== undefined && !show(args[0]) && args[0] !== 'dev') return fail(`knet: bridge fdb ${args[0]} is not simulated here; the simulator shows the table (bridge fdb show [dev DEV])`, 1)
  const rest = args[0] !== undefined && show(args[0]) ? args.slice(1) : args
  let dev: string | undefined
  for (let j = 0; j < rest.length; j++) {
    if (rest[j] === 'dev') dev = rest[++j]
    else return fail(`knet: bridge fdb show ${rest[j]} is not simulated here; the simulator filters by dev only`, 1)
  }
  const link = dev === undefined ? undefined : ns.links.find((l) => l.name === dev)
  if (dev !== undefined && !link) return fail(`Cannot find device "${dev}"`, 1)
  const { text, entries } = formatFdb(ns, dev)
  const complete = link?.kind === 'vxlan'
  return { exitCode: 0, stdout: text, stderr: complete ? '' : 'knet: only the VXLAN devices\' entries are simulated; a bridge\'s and its ports\' (their multicast addresses and the MACs they learn) are not shown\n', data: entries }
}

function rulesetFor(inv: Invocation, family: IPFamily) {
  if (inv.place.kind !== 'node') return undefined
  return nodeRuleset(inv.cluster, inv.place.node, family)
}

function saveProgram(family: IPFamily): Program {
  const name = family === 'IPv4' ? 'iptables-save' : 'ip6tables-save'
  return {
    places: ['node'],
    summary: `dump the node's ${family === 'IPv4' ? 'iptables' : 'ip6tables'} rules (kube-proxy, kubelet, CNI)`,
    usage: [`${name} [-t TABLE]`],
    run(inv) {
      let table: string | undefined
      const args = inv.argv.slice(1)
      for (let i = 0; i < args.length; i++) {
        const a = args[i]
        if (a === '-t' || a === '--table') table = args[++i]
        else if (a.startsWith('--table=')) table = a.slice(8)
        else if (a === '-c' || a === '--counters') continue
        else return fail(`${name}: unrecognized option '${a}'\nUsage: ${name} [-b] [-c] [-d] [-t table] [-V]`, 1)
      }
      const rs = rulesetFor(inv, family)!
      if (table && !['filter', 'nat', 'mangle', 'raw', 'security'].includes(table)) return fail(`${name}: Unable to initialize table '${table}'`, 1)
      // data: the rules as the kernel holds them (IP header matches, extension matches, target)
      return ok(saveRuleset(rs, inv.cluster.now, table), { family, tables: rs.tables.filter((t) => !table || t.name === table).map((t) => ({ name: t.name, chains: [...t.chains.values()] })) })
    },
  }
}

function iptablesProgram(family: IPFamily): Program {
  const name = family === 'IPv4' ? 'iptables' : 'ip6tables'
  return {
    places: ['node'],
    summary: `list the node's ${name} rules`,
    usage: [`${name} [-t TABLE] -L [CHAIN] [-n] [-v] [--line-numbers]`, `${name} [-t TABLE] -S [CHAIN]`, `${name} -V`],
    run(inv) {
      const st: IptablesArgs = { table: 'filter', o: { numeric: false, verbose: false, lineNumbers: false } }
      const { o } = st
      const args = inv.argv.slice(1)
      for (let i = 0; i < args.length; i++) {
        const a = args[i]
        if (a === '-t' || a === '--table') st.table = args[++i] ?? ''
        else if (a === '-L' || a === '--list' || a === '-S' || a === '--list-rules') {
          st.action = a === '-L' || a === '--list' ? 'L' : 'S'
          if (args[i + 1] && !args[i + 1].startsWith('-')) st.chain = args[++i]
        } else if (a === '-n' || a === '--numeric') o.numeric = true
        else if (a === '-v' || a === '--verbose') o.verbose = true
        else {
          // bundled flags, no-ops, -V and the unknown: compiled when a command line has one (issue 20)
          const r = iptablesOption(name, args, i, st)
          if (typeof r !== 'number') return r
          i = r
        }
      }
      const { table, action, chain } = st
      if (!action) return iptablesUsage(name, 'no command specified')
      const rs = rulesetFor(inv, family)!
      const t = rs.tables.find((x) => x.name === table)
      if (!t) return fail(`${name} v1.8.10 (nf_tables): table '${table}' does not exist\nPerhaps ${name} or your kernel needs to be upgraded.`, 3)
      if (action === 'S') {
        const names = chain ? [chain] : chainOrder(t)
        if (chain && !t.chains.has(chain)) return fail(`${name}: No chain/target/match by that name.`, 1)
        const lines: string[] = []
        for (const n of names) {
          const c = t.chains.get(n)!
          lines.push(c.policy ? `-P ${n} ${c.policy}` : `-N ${n}`)
        }
        for (const n of names) for (const r of t.chains.get(n)!.rules) lines.push(saveRule(n, r, family))
        return ok(`${lines.join('\n')}\n`)
      }
      const text = listChains(t, family, o, chain)
      if (text === undefined) return fail(`${name}: No chain/target/match by that name.`, 1)
      return ok(text)
    },
  }
}

interface IptablesArgs {
  table: string
  action?: 'L' | 'S'
  chain?: string
  o: { numeric: boolean; verbose: boolean; lineNumbers: boolean }
}

/** iptables' less common options at args[i]: the index of the last argument taken, or the answer to give. */
function iptablesOption(name: string, args: string[], i: number, st: IptablesArgs): number | ReturnType<typeof ok> {
  const a = args[i]
  const { o } = st
  if (a === '-x' || a === '--exact' || a === '-w' || a === '--wait') return i
  if (a === '--line-numbers') {
    o.lineNumbers = true
    return i
  }
  if (a === '-V' || a === '--version') return ok(`${name} v1.8.10 (nf_tables)\n`)
  if (/^-[nvLSx]+$/.test(a)) {
    for (const ch of a.slice(1)) {
      if (ch === 'n') o.numeric = true
      else if (ch === 'v') o.verbose = true
      else if (ch === 'L' || ch === 'S') st.action = ch
    }
    if ((a.includes('L') || a.includes('S')) && args[i + 1] && !args[i + 1].startsWith('-')) st.chain = args[++i]
    return i
  }
  return iptablesUsage(name, `unknown option "${a}"`)
}

function iptablesUsage(name: string, problem: string): ReturnType<typeof fail> {
  return fail(`${name} v1.8.10 (nf_tables): ${problem}\nTry \`${name} -h' or '${name} --help' for more information.`, 2)
}

export const iptablesSaveProgram = saveProgram('IPv4')
export const ip6tablesSaveProgram = saveProgram('IPv6')
export const iptablesCmdProgram = iptablesProgram('IPv4')
export const ip6tablesCmdProgram = iptablesProgram('IPv6')

export const ipvsadmProgram: Program = {
  places: ['node'],
  summary: "list the node's IPVS virtual servers (kube-proxy IPVS mode)",
  usage: ['ipvsadm -Ln', 'ipvsadm -L -n [-t|-u ADDRESS:PORT]'],
  run(inv) {
    if (inv.place.kind !== 'node') return fail('ipvsadm: not found')
    const args = inv.argv.slice(1)
    let list = false
    let filter: { proto: 'TCP' | 'UDP' | 'SCTP'; addr: string } | undefined
    for (let i = 0; i < args.length; i++) {
      const a = args[i]
      // -n (numeric) changes nothing here: the simulator never resolves names
      if (/^-[Ln]+$/.test(a)) {
        if (a.includes('L')) list = true
      } else if (a === '--list') list = true
      else if (a === '--numeric') continue
      else if (a === '-t' || a === '-u' || a === '--sctp-service') filter = { proto: a === '-t' ? 'TCP' : a === '-u' ? 'UDP' : 'SCTP', addr: args[++i] ?? '' }
      else return fail(`ipvsadm: invalid option -- '${a.replace(/^-+/, '')}'\nTry \`ipvsadm -h' or 'ipvsadm --help' for more information.`, 2)
    }
    if (!list) return fail('ipvsadm v1.31 2019/12/24 (compiled with popt and IPVS v1.2.1)\nUsage: ipvsadm -L|l [virtual-service] [options]\n(only listing is simulated; try ipvsadm -Ln)', 2)
    const cfg = proxyConfig(inv.cluster)
    const host = namespaceOf(inv.cluster, inv.place)
    if ('error' in host) return fail(host.error)
    let vs = cfg.mode === 'ipvs' ? inv.cluster.config.ipFamilies.flatMap((f) => virtualServers(proxierContext(inv.cluster, inv.place.kind === 'node' ? inv.place.node : host.node, f), host.ns.links)) : []
    if (filter) {
      vs = vs.filter((v) => v.protocol === filter!.proto && `${v.address.includes(':') ? `[${v.address}]` : v.address}:${v.port}` === filter!.addr)
      if (vs.length === 0) return fail('Memory allocation problem', 1)
    }
    return ok(formatIpvsadm(vs), { mode: cfg.mode, scheduler: cfg.ipvsScheduler, virtualServers: vs })
  },
}

function ipsetMemory(type: string, n: number): number {
  return type.startsWith('bitmap') ? 8264 : 456 + n * (type === 'hash:ip,port' ? 16 : 24)
}

export const ipsetProgram: Program = {
  places: ['node'],
  summary: "list the node's ipsets (kube-proxy IPVS mode)",
  usage: ['ipset list [SETNAME]', 'ipset -n list'],
  run(inv) {
    if (inv.place.kind !== 'node') return fail('ipset: not found')
    const args = inv.argv.slice(1).filter((a) => a !== '-o' && a !== 'plain')
    const namesOnly = args.includes('-n') || args.includes('-name')
    const rest = args.filter((a) => !a.startsWith('-'))
    if (rest[0] && !['list', 'save', 'l', 'ls'].includes(rest[0])) return fail(`ipset v7.19: No command specified: unknown argument ${rest[0]}\nTry \`ipset help' for more information.`, 1)
    const wanted = rest[1]
    const cfg = proxyConfig(inv.cluster)
    if (cfg.mode !== 'ipvs') return wanted ? fail(`ipset v7.19: The set with the given name does not exist`, 1) : ok('')
    const host = namespaceOf(inv.cluster, inv.place)
    if ('error' in host) return fail(host.error)
    const blocks: string[] = []
    const data: { name: string; members: string[] }[] = []
    for (const family of inv.cluster.config.ipFamilies) {
      const entries = ipsetEntries(proxierContext(inv.cluster, host.node, family), host.ns.links)
      for (const s of IPSETS) {
        const name = ipsetName(s.name, family)
        if (wanted && wanted !== name) continue
        const members = entries.get(s.name) ?? []
        data.push({ name, members })
        if (namesOnly) {
          blocks.push(name)
          continue
        }
        const header = s.type.startsWith('bitmap')
          ? 'range 0-65535 comment'
          : `family ${family === 'IPv4' ? 'inet' : 'inet6'} hashsize 1024 maxelem 65536 comment bucketsize 12 initval 0x${fnv1a32(`${host.node.meta.name}/${name}`).toString(16).padStart(8, '0')}`
        const refs = ['KUBE-EXTERNAL-IP', 'KUBE-EXTERNAL-IP-LOCAL'].includes(s.name) ? (members.length ? 2 : 0) : members.length || s.name === 'KUBE-HEALTH-CHECK-NODE-PORT' ? 1 : 0
        blocks.push([
          `Name: ${name}`,
          `Type: ${s.type}`,
          `Revision: ${s.type === 'bitmap:port' ? 3 : s.type === 'hash:ip,port,net' ? 7 : s.type === 'hash:ip,port,ip' ? 5 : 6}`,
          `Header: ${header}`,
          `Size in memory: ${ipsetMemory(s.type, members.length)}`,
          `References: ${refs}`,
          `Number of entries: ${members.length}`,
          'Members:',
          ...members,
        ].join('\n'))
      }
    }
    if (wanted && data.length === 0) return fail('ipset v7.19: The set with the given name does not exist', 1)
    return ok(namesOnly ? `${blocks.join('\n')}\n` : `${blocks.join('\n\n')}\n`, data)
  },
}

export const nftProgram: Program = {
  places: ['node'],
  summary: "list the node's nftables (kube-proxy nftables mode)",
  usage: ['nft list ruleset', 'nft list tables', 'nft list table ip kube-proxy', 'nft list chain|map|set ip kube-proxy NAME'],
  run(inv) {
    if (inv.place.kind !== 'node') return fail('nft: not found')
    const node = inv.place.node
    const args = inv.argv.slice(1).filter((a) => a !== '-a' && a !== '-n' && a !== '-s')
    const cfg = proxyConfig(inv.cluster)
    const tables = cfg.mode === 'nftables' ? inv.cluster.config.ipFamilies.map((f) => kubeProxyTable(inv.cluster, node, f)) : []
    if (args[0] !== 'list') return fail(`Error: syntax error, unexpected ${args[0] ? `'${args[0]}'` : 'end of file'}\n(only listing is simulated)`, 1)
    const what = args[1]
    if (what === 'ruleset') {
      const text = tables.map(formatNftTable).join('')
      return { exitCode: 0, stdout: text, stderr: cfg.mode === 'nftables' && !inv.cluster.config.kubeProxyReplacement ? '' : inv.cluster.config.kubeProxyReplacement ? 'knet: no kube-proxy runs here (Cilium replaces it with eBPF: cilium-dbg bpf lb list); the iptables-nft tables of kubelet and Cilium are not shown in nft syntax (use iptables-save)\n' : 'knet: kube-proxy runs in ' + cfg.mode + ' mode here; the iptables-nft tables it writes are not shown in nft syntax (use iptables-save)\n', data: tables }
    }
    if (what === 'tables') return ok(tables.map((t) => `table ${t.family} ${t.name}\n`).join(''))
    const [family, tableName, objName] = args.slice(2)
    const noSuch = (line: string, target: string) => fail(`Error: No such file or directory\n${line}\n${' '.repeat(line.indexOf(target))}${'^'.repeat(target.length)}`, 1)
    const t = tables.find((x) => x.family === family && x.name === tableName)
    if (what === 'table') {
      if (!t) return noSuch(`list table ${family ?? ''} ${tableName ?? ''}`, tableName ?? '')
      return ok(formatNftTable(t), t)
    }
    if (what === 'chain' || what === 'map' || what === 'set') {
      const line = `list ${what} ${family ?? ''} ${tableName ?? ''} ${objName ?? ''}`
      if (!t) return noSuch(line, tableName ?? '')
      const text = formatNftObject(t, what, objName ?? '')
      return text ? ok(text) : noSuch(line, objName ?? '')
    }
    return fail(`Error: syntax error, unexpected ${what ? `'${what}'` : 'end of file'}`, 1)
  },
}

export const hostnameProgram: Program = {
  places: ['pod', 'node'],
  summary: 'print the host name (-i: its addresses, -I: all addresses)',
  usage: ['hostname', 'hostname -i', 'hostname -I'],
  run(inv) {
    const w = where(inv)
    if ('error' in w) return fail(w.error)
    const flag = inv.argv[1]
    const pod = inv.place.kind === 'pod' ? inv.place.pod : undefined
    const name = pod && !pod.hostNetwork ? (pod.hostname ?? pod.meta.name) : w.node.meta.name
    if (!flag) return ok(`${name}\n`)
    if (flag === '-i' || flag === '--ip-address') {
      // the address /etc/hosts gives the host name: the Pod's IPs (kubelet writes them), or the node's
      const ips = pod && !pod.hostNetwork ? pod.podIPs : w.node.internalIPs
      return ok(`${ips.join(' ')}\n`, ips)
    }
    if (flag === '-I' || flag === '--all-ip-addresses') {
      const ips = w.ns.links.filter((l) => l.name !== 'lo').flatMap((l) => l.addresses.filter((a) => a.scope === 'global').map((a) => a.address))
      const ordered = [...ips.filter((ip) => ipFamilyOf(ip) === 'IPv4'), ...ips.filter((ip) => ipFamilyOf(ip) === 'IPv6')]
      return ok(`${ordered.map((ip) => `${ip} `).join('')}\n`, ordered)
    }
    return fail(`hostname: invalid option -- '${flag.replace(/^-+/, '')}'\nTry 'hostname --help' for more information.`, 1)
  },
}

const DATE = 'Jan  5 12:00'

export const lsProgram: Program = {
  places: ['pod', 'node'],
  summary: 'list CNI files (/etc/cni/net.d, /opt/cni/bin, /var/lib/cni/networks)',
  usage: ['ls [-l] [-a] PATH'],
  run(inv) {
    const args = inv.argv.slice(1)
    let long = false
    let all = false
    const paths: string[] = []
    for (const a of args) {
      if (/^-[1laAh]+$/.test(a)) {
        if (a.includes('l')) long = true
        if (a.includes('a')) all = true
      } else paths.push(a)
    }
    if (paths.length === 0) paths.push('/')
    const out: string[] = []
    const errs: string[] = []
    for (const p of paths) {
      const r = dataplaneList(inv.cluster, inv.place, p)
      if (!r) {
        // a path the simulator does not keep may well exist: it is not said to be missing
        errs.push(`knet: ls: ${p} is not simulated here (the simulator lists only the CNI and kernel paths: /etc/cni/net.d, /opt/cni/bin, /var/lib/cni/networks, /run/flannel, /proc/sys/net, /sys/class/net)`)
        continue
      }
      if ('error' in r) {
        errs.push(r.error)
        continue
      }
      if (paths.length > 1 && !r.file) out.push(`${p}:`)
      const entries = all ? [{ name: '.', dir: true, size: 4096 }, { name: '..', dir: true, size: 4096 }, ...r.entries] : r.entries
      if (long && p.replace(/\/+$/, '').startsWith('/opt/cni/bin')) {
        // the plugin binaries' sizes depend on the release and the build: not invented here
        errs.push(`knet: ls -l: the sizes of the CNI plugin binaries are not simulated (ls ${p} lists them)`)
        continue
      }
      if (long) {
        if (!r.file) out.push(`total ${entries.reduce((s, e) => s + Math.ceil(e.size / 4096) * 4, 0)}`)
        for (const e of entries) out.push(`${e.dir ? 'drwxr-xr-x' : '-rw-r--r--'} ${e.dir ? 2 : 1} root root ${String(e.size).padStart(8)} ${DATE} ${e.name}`)
      } else out.push(...entries.map((e) => e.name))
    }
    return { exitCode: errs.length ? 2 : 0, stdout: out.length ? `${out.join('\n')}\n` : '', stderr: errs.length ? `${errs.join('\n')}\n` : '' }
  },
}

const CILIUM_DBG_HELP = 'Run \'cilium-dbg --help\' for usage.'

/**
 * cilium-dbg, the Cilium agent's debug client: `service list` and `bpf lb
 * list` (cilium-dbg/cmd/service_list.go and bpf_lb_list.go, v1.18), on a
 * node or in the agent's Pod (kubectl -n kube-system exec ds/cilium --).
 * Only with Cilium's kube-proxy replacement; the rest of its commands are not
 * simulated.
 */
export const ciliumDbgProgram: Program = {
  places: ['node', 'pod'],
  summary: "Cilium's load-balancer tables: Services and BPF map entries (Cilium with kubeProxyReplacement)",
  usage: ['cilium-dbg service list', 'cilium-dbg bpf lb list'],
  run(inv) {
    const c = inv.cluster
    const agentPod = inv.place.kind === 'pod' && inv.place.pod.meta.labels['k8s-app'] === 'cilium' && inv.place.pod.meta.namespace === 'kube-system'
    // the binary ships in the agent's image; the simulator also puts it on the nodes Cilium runs on
    if (c.config.cni !== 'cilium' || (inv.place.kind === 'pod' && !agentPod)) return notFound(inv.session, inv.place, 'cilium-dbg', inv.via)
    const w = where(inv)
    if ('error' in w) return fail(w.error)
    const args = inv.argv.slice(1).filter((a) => a !== '-n' && a !== '--numeric')
    const cmd = args.join(' ')
    const words = cmd === 'service list' || cmd === 'service ls' ? 'service' : cmd === 'bpf lb list' || cmd === 'bpf lb ls' ? 'bpf' : undefined
    if (!words) {
      const known = ['service', 'bpf', 'status', 'endpoint', 'config', 'monitor', 'policy', 'identity', 'bpf lb']
      if (args[0] && !known.includes(args[0])) return fail(`Error: unknown command "${args[0]}" for "cilium-dbg"\n${CILIUM_DBG_HELP}`, 1)
      return fail(`knet: only 'cilium-dbg service list' and 'cilium-dbg bpf lb list' are simulated (asked: cilium-dbg ${cmd})`, 1)
    }
    if (!c.config.kubeProxyReplacement) {
      return fail("knet: Cilium's Service tables are simulated with kubeProxyReplacement: true only; this cluster runs kube-proxy beside Cilium (see iptables-save)", 1)
    }
    const data = ciliumFrontends(c, w.node)
    return ok(words === 'service' ? formatServiceList(c, w.node) : formatBpfLbList(c, w.node), data.map((f) => ({ id: f.id, address: f.address, port: f.port, protocol: f.protocol, internal: f.internal, type: f.type, flags: f.flags, backends: f.backends.map((b) => b.str) })))
  },
}

/** The programs this module adds to the shell, by name. */
export const DATAPLANE_PROGRAMS: Record<string, Program> = {
  ip: ipProgram,
  bridge: bridgeProgram,
  'iptables-save': iptablesSaveProgram,
  'ip6tables-save': ip6tablesSaveProgram,
  iptables: iptablesCmdProgram,
  ip6tables: ip6tablesCmdProgram,
  ipvsadm: ipvsadmProgram,
  ipset: ipsetProgram,
  nft: nftProgram,
  'proxy-scale': proxyScaleProgram,
  hostname: hostnameProgram,
  uname: unameProgram,
  ls: lsProgram,
  sysctl: sysctlProgram,
  'cilium-dbg': ciliumDbgProgram,
}

