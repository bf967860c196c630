/**
 * /etc/resolv.conf everywhere a command can run.
 *
 * - In a Pod: what kubelet builds (pkg/kubelet/network/dns/dns.go GetPodDNS)
 *   and the runtime writes (containerd: search, nameserver, options lines).
 *   ClusterFirst → the cluster DNS Service (kubelet --cluster-dns, kubeadm
 *   sets the first kube-dns ClusterIP), search `<ns>.svc.<zone> svc.<zone>
 *   <zone>` followed by the node's own search domains, `options ndots:5`.
 *   ClusterFirst on a hostNetwork Pod falls back to Default; Default copies
 *   the node's file (kubelet --resolv-conf); None starts empty. dnsConfig is
 *   appended (duplicates dropped, options merged by name), then trimmed to
 *   kubelet's limits (3 nameservers, 32 search domains, 2048 characters).
 * - On a node: modelled plainly as the LAN's resolver, the first address of
 *   the node's /24 (/64 for IPv6), with no search domains (real nodes often
 *   run systemd-resolved at 127.0.0.53; kubeadm then points kubelet at
 *   /run/systemd/resolve/resolv.conf, which holds that upstream).
 * - On the workstation: the same rule from its own address; it is outside the
 *   cluster, so cluster names fail there.
 */
import type { Cluster, Node, Pod } from '../model/types.ts'
import { addrAt, formatAddr, parseAddr, parsePrefix } from '../net/ip.ts'
import type { Place } from '../shell/types.ts'

export interface ResolvConf {
  nameservers: string[]
  search: string[]
  /** option words as written: "ndots:5", "edns0" */
  options: string[]
}

/** validation.MaxDNSNameservers, MaxDNSSearchPathsExpanded, MaxDNSSearchListCharsExpanded (ExpandedDNSConfig is GA) */
const MAX_NAMESERVERS = 3
const MAX_SEARCH_PATHS = 32
const MAX_SEARCH_CHARS = 2048

/** The resolver a host on `ip` uses: the first address of its /24 (IPv4) or /64 (IPv6). */
export function lanResolver(ip: string): string {
  const a = parseAddr(ip)
  if (!a) return '192.168.1.1'
  const p = parsePrefix(`${formatAddr(a)}/${a.family === 'IPv4' ? 24 : 64}`)!
  return formatAddr(addrAt(p, 1n))
}

/**
 * A node's /etc/resolv.conf: its LAN resolver, no search domains.
 *
 * @example
 * nodeResolvConf(node) // { nameservers: ['192.168.1.1'], search: [], options: [] }
 */
export function nodeResolvConf(node: Node): ResolvConf {
  return { nameservers: [lanResolver(node.internalIPs[0] ?? '')], search: [], options: [] }
}

/**
 * The reader's workstation: a resolver outside the cluster.
 *
 * @example
 * workstationResolvConf(cluster).nameservers // ['203.0.113.1']
 */
export function workstationResolvConf(cluster: Cluster): ResolvConf {
  return { nameservers: [lanResolver(cluster.config.workstationIP)], search: [], options: [] }
}

/**
 * kubelet's getPodDNSType: which base a Pod's resolv.conf starts from.
 *
 * @example
 * effectiveDnsPolicy(hostNetworkPodWithClusterFirst) // 'host'
 */
export function effectiveDnsPolicy(pod: Pod): 'cluster' | 'host' | 'none' {
  switch (pod.dnsPolicy) {
    case 'None':
      return 'none'
    case 'ClusterFirstWithHostNet':
      return 'cluster'
    case 'ClusterFirst':
      return pod.hostNetwork ? 'host' : 'cluster'
    default:
      return 'host'
  }
}

/**
 * The resolv.conf kubelet gives `pod`.
 *
 * @example
 * podResolvConf(cluster, pod).search // ['default.svc.cluster.local', 'svc.cluster.local', 'cluster.local']
 */
export function podResolvConf(cluster: Cluster, pod: Pod): ResolvConf {
  const node = cluster.index.node.get(pod.nodeName)
  const host: ResolvConf = node ? nodeResolvConf(node) : { nameservers: [lanResolver(pod.hostIP)], search: [], options: [] }
  let conf: ResolvConf
  switch (effectiveDnsPolicy(pod)) {
    case 'none':
      conf = { nameservers: [], search: [], options: [] }
      break
    case 'cluster': {
      const zone = cluster.config.clusterDomain
      conf = {
        nameservers: cluster.config.dnsServiceIPs.slice(0, 1),
        search: omitDuplicates([`${pod.meta.namespace}.svc.${zone}`, `svc.${zone}`, zone, ...host.search]),
        options: ['ndots:5'],
      }
      break
    }
    default:
      conf = { nameservers: [...host.nameservers], search: [...host.search], options: [...host.options] }
  }
  const dc = pod.dnsConfig
  if (dc) {
    conf.nameservers = omitDuplicates([...conf.nameservers, ...(dc.nameservers ?? [])])
    conf.search = omitDuplicates([...conf.search, ...(dc.searches ?? [])])
    conf.options = mergeOptions(conf.options, dc.options ?? [])
  }
  conf.nameservers = conf.nameservers.slice(0, MAX_NAMESERVERS)
  conf.search = fitSearch(conf.search)
  return conf
}

function omitDuplicates(list: string[]): string[] {
  return [...new Set(list)]
}

/**
 * kubelet's mergeDNSOptions: dnsConfig options override same-named ones.
 * kubelet rebuilds the list from a Go map (random order); the simulator keeps
 * first-seen order so the file is stable.
 */
function mergeOptions(existing: string[], extra: { name: string; value?: string }[]): string[] {
  const map = new Map<string, string>()
  for (const op of existing) {
    const i = op.indexOf(':')
    if (i >= 0) map.set(op.slice(0, i), op.slice(i + 1))
    else map.set(op, '')
  }
  for (const op of extra) map.set(op.name, op.value ?? '')
  return [...map].map(([k, v]) => (v !== '' ? `${k}:${v}` : k))
}

/** kubelet's formDNSSearchFitsLimits */
function fitSearch(search: string[]): string[] {
  let s = search.slice(0, MAX_SEARCH_PATHS).filter((d) => d.length <= 253)
  let len = s.join(' ').length
  while (s.length && len > MAX_SEARCH_CHARS) {
    s = s.slice(0, -1)
    len = s.join(' ').length
  }
  return s
}

/**
 * The resolv.conf of wherever a command runs.
 *
 * @example
 * resolvConfFor(cluster, { kind: 'node', node }).nameservers // ['192.168.1.1']
 */
export function resolvConfFor(cluster: Cluster, place: Place): ResolvConf {
  if (place.kind === 'pod') return podResolvConf(cluster, place.pod)
  if (place.kind === 'node') return nodeResolvConf(place.node)
  return workstationResolvConf(cluster)
}

/**
 * The file as containerd writes it (search, nameserver, options), or as the node/workstation holds it.
 *
 * @example
 * formatResolvConf({ nameservers: ['10.96.0.10'], search: ['default.svc.cluster.local'], options: ['ndots:5'] })
 * // 'search default.svc.cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n'
 */
export function formatResolvConf(conf: ResolvConf): string {
  let out = ''
  if (conf.search.length) out += `search ${conf.search.join(' ')}\n`
  for (const ns of conf.nameservers) out += `nameserver ${ns}\n`
  if (conf.options.length) out += `options ${conf.options.join(' ')}\n`
  return out
}

/** The `ndots` a resolver reads from the file (default 1; glibc and musl cap it at 15). */
export function ndotsOf(conf: ResolvConf): number {
  let n = 1
  for (const o of conf.options) {
    const m = /^ndots:(\d+)$/.exec(o)
    if (m) n = Math.min(15, Number(m[1]))
  }
  return n
}

export function hasOption(conf: ResolvConf, name: string): boolean {
  return conf.options.includes(name)
}
