/**
 * The dataplane's files, for `cat` and `ls`: the CNI configuration
 * (/etc/cni/net.d), plugin binaries (/opt/cni/bin), host-local IPAM state
 * (/var/lib/cni/networks), flannel's lease (/run/flannel/subnet.env), the
 * networking sysctls under /proc/sys/net that kube-proxy and the CNI set, and
 * each network device's attributes under /sys/class/net.
 */
import type { Cluster } from '../model/types.ts'
import type { Place } from '../shell/types.ts'
import { proxyConfig } from './kube-proxy/config.ts'
import { namespaceOf } from './place.ts'
import { sysClassNet } from './sys-class-net.ts'

/** Paths this module answers for (prefixes). */
export const DATAPLANE_PATHS = ['/etc/cni', '/opt/cni', '/var/lib/cni', '/run/flannel', '/proc/sys/net', '/sys/class/net']

/**
 * Trees of which the simulator keeps only some files: a path missing there may well exist on
 * a real machine (a sysctl nobody sets, a device attribute), so it is said to be not
 * simulated rather than absent. The CNI trees are whole: what is missing there is missing.
 */
const PARTIAL: { prefix: string; depth: number }[] = [
  { prefix: '/proc/sys/net', depth: 0 },
  // /sys/class/net/DEV/ATTR: a device that is not there is absent; an attribute not kept is not simulated
  { prefix: '/sys/class/net', depth: 1 },
]

/** The notice for a path a real machine may have, which the simulator does not keep. */
export function notSimulated(program: string, path: string): string {
  return `knet: ${program}: ${path} is not simulated here`
}

function missing(program: string, path: string, root: Tree): string {
  const p = normalize(path)
  for (const { prefix, depth } of PARTIAL) {
    if (!p.startsWith(`${prefix}/`)) continue
    const rest = p.slice(prefix.length + 1).split('/')
    // the part that must exist for the path to be one the simulator could be missing
    if (rest.length > depth && (depth === 0 || lookup(root, `${prefix}/${rest.slice(0, depth).join('/')}`) instanceof Map)) return notSimulated(program, path)
  }
  return program === 'ls' ? `ls: cannot access '${path}': No such file or directory` : `${program}: ${path}: No such file or directory`
}

function normalize(path: string): string {
  const parts: string[] = []
  for (const p of path.split('/')) {
    if (p === '' || p === '.') continue
    if (p === '..') parts.pop()
    else parts.push(p)
  }
  return `/${parts.join('/')}`
}

/**
 * @example
 * handlesPath('/etc/cni/net.d/10-flannel.conflist') // true
 * handlesPath('/etc/resolv.conf')                    // false
 */
export function handlesPath(path: string): boolean {
  const p = normalize(path)
  return DATAPLANE_PATHS.some((prefix) => p === prefix || p.startsWith(`${prefix}/`))
}

type Tree = Map<string, string | Tree>

function sysctls(cluster: Cluster, inPod: boolean): Map<string, string> {
  const cfg = proxyConfig(cluster)
  const m = new Map<string, string>()
  if (inPod) {
    m.set('/proc/sys/net/ipv4/ip_forward', '0')
    m.set('/proc/sys/net/ipv4/ip_local_port_range', '32768\t60999')
    return m
  }
  // kubeadm's preflight requires forwarding and bridge-nf-call-iptables; kube-proxy sets route_localnet
  // for localhost NodePorts (iptables mode) and the IPVS knobs in IPVS mode
  m.set('/proc/sys/net/ipv4/ip_forward', '1')
  m.set('/proc/sys/net/ipv4/ip_local_port_range', '32768\t60999')
  m.set('/proc/sys/net/bridge/bridge-nf-call-iptables', '1')
  m.set('/proc/sys/net/bridge/bridge-nf-call-ip6tables', '1')
  m.set('/proc/sys/net/ipv4/conf/all/route_localnet', !cluster.config.kubeProxyReplacement && cfg.mode === 'iptables' && cfg.localhostNodePorts && cfg.nodePortAddresses.length === 0 ? '1' : '0')
  m.set('/proc/sys/net/netfilter/nf_conntrack_max', '131072')
  m.set('/proc/sys/net/netfilter/nf_conntrack_tcp_be_liberal', '0')
  if (cfg.mode === 'ipvs') {
    m.set('/proc/sys/net/ipv4/vs/conntrack', '1')
    m.set('/proc/sys/net/ipv4/vs/conn_reuse_mode', '0')
    m.set('/proc/sys/net/ipv4/vs/expire_nodest_conn', '1')
    m.set('/proc/sys/net/ipv4/vs/expire_quiescent_template', '1')
  }
  if (cluster.config.ipFamilies.includes('IPv6')) m.set('/proc/sys/net/ipv6/conf/all/forwarding', '1')
  return m
}

/** Every file this module knows at a place, by absolute path, with its content. */
function filesAt(cluster: Cluster, place: Place): Map<string, string> {
  const out = new Map<string, string>()
  const where = namespaceOf(cluster, place)
  if ('error' in where) return out
  const inPod = !!where.pod
  for (const [k, v] of sysctls(cluster, inPod)) out.set(k, `${v}\n`)
  for (const [k, v] of sysClassNet(where.ns.links)) out.set(k, v)
  if (inPod) return out
  const files = where.plumbing.files
  for (const [name, content] of files.confDir) out.set(`/etc/cni/net.d/${name}`, content)
  for (const b of files.binaries) out.set(`/opt/cni/bin/${b}`, '')
  if (files.hostLocal) for (const [name, content] of files.hostLocal.files) out.set(`/var/lib/cni/networks/${files.hostLocal.network}/${name}`, content)
  for (const [path, content] of files.extra) out.set(path, content)
  return out
}

function tree(files: Map<string, string>): Tree {
  const root: Tree = new Map()
  for (const [path, content] of files) {
    const parts = path.split('/').filter(Boolean)
    let node = root
    parts.forEach((p, i) => {
      if (i === parts.length - 1) node.set(p, content)
      else {
        let next = node.get(p)
        if (!(next instanceof Map)) node.set(p, (next = new Map()))
        node = next
      }
    })
  }
  return root
}

function lookup(root: Tree, path: string): string | Tree | undefined {
  let node: string | Tree | undefined = root
  for (const p of normalize(path).split('/').filter(Boolean)) {
    if (!(node instanceof Map)) return undefined
    node = node.get(p)
  }
  return node
}

export type FileAnswer = { content: string } | { error: string }

/**
 * A dataplane file's content at a place, or undefined when the path is not
 * one this module owns (the caller then tries other modules).
 *
 * @example
 * dataplaneFile(cluster, { kind: 'node', node }, '/etc/cni/net.d/10-flannel.conflist')
 * // { content: '{\n  "name": "cbr0", …' }
 */
export function dataplaneFile(cluster: Cluster, place: Place, path: string): FileAnswer | undefined {
  if (!handlesPath(path)) return undefined
  const root = tree(filesAt(cluster, place))
  const hit = lookup(root, path)
  if (hit === undefined) return { error: missing('cat', path, root) }
  if (hit instanceof Map) return { error: `cat: ${path}: Is a directory` }
  return { content: hit }
}

/**
 * Directory entries as `ls` lists them (sorted bytewise, as in the C locale),
 * or a file's own name; undefined when the path is not this module's.
 *
 * @example
 * dataplaneList(cluster, { kind: 'node', node }, '/etc/cni/net.d') // { entries: [{ name: '10-flannel.conflist', … }] }
 */
export function dataplaneList(cluster: Cluster, place: Place, path: string): { entries: { name: string; dir: boolean; size: number }[]; file?: boolean } | { error: string } | undefined {
  if (!handlesPath(path)) return undefined
  const root = tree(filesAt(cluster, place))
  const hit = lookup(root, path)
  if (hit === undefined) return { error: missing('ls', path, root) }
  if (!(hit instanceof Map)) return { entries: [{ name: path, dir: false, size: hit.length }], file: true }
  const names = [...hit.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  return { entries: names.map((name) => { const v = hit.get(name)!; return { name, dir: v instanceof Map, size: v instanceof Map ? 4096 : v.length } }) }
}
