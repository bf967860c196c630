/**
 * kube-proxy's IPVS proxier (pkg/proxy/ipvs/proxier.go syncProxyRules,
 * syncEndpoint, writeIptablesRules): one virtual server per ClusterIP,
 * external IP and load-balancer IP, and one per local node address for each
 * NodePort; real servers are the Cluster (or, for Local policy, the local)
 * endpoints with weight 1, forwarding Masq (kube-proxy leaves the flag at 0).
 * ClientIP affinity turns into `persistent <timeout>`. The ipsets and the
 * few iptables rules IPVS mode still needs (SNAT, NodePort masquerade,
 * load-balancer source ranges) come with it.
 */
import { compareIP, parseAddr } from '../../net/ip.ts'
import type { IPFamily } from '../../net/ip.ts'
import type { Link } from '../model.ts'
import { categorizeEndpoints, endpointsFor, servicePortsFor } from './service-ports.ts'
import type { ProxierContext } from './iptables.ts'
import { localDetector } from './local-detect.ts'
import { RuleBuilder, append, ensureChain, negOpt, opt } from './netfilter.ts'
import type { IptTable } from './netfilter.ts'

export interface RealServer {
  address: string
  port: number
  weight: number
}

export interface VirtualServer {
  protocol: 'TCP' | 'UDP' | 'SCTP'
  address: string
  port: number
  scheduler: string
  persistentTimeout?: number
  reals: RealServer[]
}

/** The node's local addresses a NodePort listens on: all but loopback and kube-ipvs0's (realIPGetter.NodeIPs). */
export function nodePortAddresses(links: Link[], family: IPFamily): string[] {
  const out: string[] = []
  for (const l of links) {
    if (l.name === 'kube-ipvs0' || l.name === 'lo') continue
    for (const a of l.addresses) {
      if (a.family !== family) continue
      if (family === 'IPv6' && a.scope === 'link') continue
      if (!out.includes(a.address)) out.push(a.address)
    }
  }
  return out
}

/**
 * The virtual servers kube-proxy programs on a node, in ipvsadm's listing
 * order (protocol number, then address, then port).
 *
 * @example
 * formatIpvsadm(virtualServers(proxierContext(cluster, node, 'IPv4'), nodePlumbing(cluster, node).host.links))
 */
export function virtualServers(ctx: ProxierContext, hostLinks: Link[]): VirtualServer[] {
  const { cluster, family, cfg } = ctx
  const out: VirtualServer[] = []
  const nodeIPs = nodePortAddresses(hostLinks, family)
  for (const sp of servicePortsFor(cluster, family)) {
    const eps = endpointsFor(cluster, family, sp)
    const { clusterEndpoints, localEndpoints } = categorizeEndpoints(eps, sp, ctx.node.meta.name, ctx.node.zone)
    const reals = (onlyLocal: boolean) => {
      // pkg/proxy/ipvs syncEndpoint: Local policy falls back to the cluster endpoints when none is local (PR 97081)
      const chosen = onlyLocal && localEndpoints.length > 0 ? localEndpoints : clusterEndpoints
      return [...new Set(chosen.map((e) => e.str))].sort().map((s) => {
        const e = chosen.find((x) => x.str === s)!
        return { address: e.ip, port: e.port, weight: 1 }
      })
    }
    const vs = (address: string, port: number, onlyLocal: boolean): VirtualServer => ({
      protocol: sp.protocol,
      address,
      port,
      scheduler: cfg.ipvsScheduler,
      persistentTimeout: sp.sessionAffinityClientIP ? sp.stickyMaxAgeSeconds : undefined,
      reals: reals(onlyLocal),
    })
    out.push(vs(sp.clusterIP, sp.port, sp.internalPolicyLocal))
    for (const ip of sp.externalIPs) out.push(vs(ip, sp.port, sp.externalPolicyLocal))
    for (const ip of sp.loadBalancerVIPs) out.push(vs(ip, sp.port, sp.externalPolicyLocal))
    if (sp.nodePort) for (const ip of nodeIPs) out.push(vs(ip, sp.nodePort, sp.externalPolicyLocal))
  }
  const protoNum = { TCP: 6, UDP: 17, SCTP: 132 }
  // ipvsadm sorts services (ipvs_cmp_services) and destinations (ipvs_cmp_dests)
  out.sort((a, b) => protoNum[a.protocol] - protoNum[b.protocol] || compareIP(a.address, b.address) || a.port - b.port)
  for (const v of out) v.reals.sort((a, b) => compareIP(a.address, b.address) || a.port - b.port)
  // the same address:port can come from two Services only by misconfiguration; keep the first
  return out.filter((v, i) => i === 0 || !(v.protocol === out[i - 1].protocol && v.address === out[i - 1].address && v.port === out[i - 1].port))
}

function hostPort(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`
}

/**
 * `ipvsadm -Ln` (ipvsadm.c print_service_entry: "%s  %s %s" and "  -> %-28s %-7s %-6d %-10u %-10u").
 *
 * @example
 * formatIpvsadm([{ protocol: 'TCP', address: '10.96.0.1', port: 443, scheduler: 'rr', reals: [...] }])
 */
export function formatIpvsadm(list: VirtualServer[]): string {
  let s = 'IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n'
  for (const v of list) {
    s += `${v.protocol}  ${hostPort(v.address, v.port)} ${v.scheduler}`
    if (v.persistentTimeout !== undefined) s += ` persistent ${v.persistentTimeout}`
    s += '\n'
    for (const r of v.reals) s += `  -> ${hostPort(r.address, r.port).padEnd(28)} ${'Masq'.padEnd(7)} ${String(r.weight).padEnd(6)} ${'0'.padEnd(10)} ${'0'.padEnd(10)}\n`
  }
  return s
}

// ipset names and comments (pkg/proxy/ipvs/ipset.go)
export const IPSETS: { name: string; type: string; comment: string }[] = [
  { name: 'KUBE-LOOP-BACK', type: 'hash:ip,port,ip', comment: 'Kubernetes endpoints dst ip:port, source ip for solving hairpin purpose' },
  { name: 'KUBE-CLUSTER-IP', type: 'hash:ip,port', comment: 'Kubernetes service cluster ip + port for masquerade purpose' },
  { name: 'KUBE-EXTERNAL-IP', type: 'hash:ip,port', comment: 'Kubernetes service external ip + port for masquerade and filter purpose' },
  { name: 'KUBE-EXTERNAL-IP-LOCAL', type: 'hash:ip,port', comment: 'Kubernetes service external ip + port with externalTrafficPolicy=local' },
  { name: 'KUBE-LOAD-BALANCER', type: 'hash:ip,port', comment: 'Kubernetes service lb portal' },
  { name: 'KUBE-LOAD-BALANCER-FW', type: 'hash:ip,port', comment: 'Kubernetes service load balancer ip + port for load balancer with sourceRange' },
  { name: 'KUBE-LOAD-BALANCER-LOCAL', type: 'hash:ip,port', comment: 'Kubernetes service load balancer ip + port with externalTrafficPolicy=local' },
  { name: 'KUBE-LOAD-BALANCER-SOURCE-IP', type: 'hash:ip,port,ip', comment: 'Kubernetes service load balancer ip + port + source IP for packet filter purpose' },
  { name: 'KUBE-LOAD-BALANCER-SOURCE-CIDR', type: 'hash:ip,port,net', comment: 'Kubernetes service load balancer ip + port + source cidr for packet filter purpose' },
  { name: 'KUBE-NODE-PORT-TCP', type: 'bitmap:port', comment: 'Kubernetes nodeport TCP port for masquerade purpose' },
  { name: 'KUBE-NODE-PORT-LOCAL-TCP', type: 'bitmap:port', comment: 'Kubernetes nodeport TCP port with externalTrafficPolicy=local' },
  { name: 'KUBE-NODE-PORT-UDP', type: 'bitmap:port', comment: 'Kubernetes nodeport UDP port for masquerade purpose' },
  { name: 'KUBE-NODE-PORT-LOCAL-UDP', type: 'bitmap:port', comment: 'Kubernetes nodeport UDP port with externalTrafficPolicy=local' },
  { name: 'KUBE-NODE-PORT-SCTP-HASH', type: 'hash:ip,port', comment: "Kubernetes nodeport SCTP port for masquerade purpose with type 'hash ip:port'" },
  { name: 'KUBE-NODE-PORT-LOCAL-SCTP-HASH', type: 'hash:ip,port', comment: "Kubernetes nodeport SCTP port with externalTrafficPolicy=local with type 'hash ip:port'" },
  { name: 'KUBE-HEALTH-CHECK-NODE-PORT', type: 'bitmap:port', comment: 'Kubernetes health check node port' },
]

/** In dual-stack the IPv6 sets are named KUBE-6-… (ipset names are at most 31 characters). */
export function ipsetName(name: string, family: IPFamily): string {
  return family === 'IPv6' ? name.replace('KUBE-', 'KUBE-6-').slice(0, 31) : name
}

/** Entries of each set, as ipset prints members ("10.96.0.1,tcp:443"). */
export function ipsetEntries(ctx: ProxierContext, hostLinks: Link[]): Map<string, string[]> {
  const sets = new Map<string, Set<string>>(IPSETS.map((s) => [s.name, new Set()]))
  const add = (set: string, entry: string) => sets.get(set)!.add(entry)
  const nodeIPs = nodePortAddresses(hostLinks, ctx.family)
  for (const sp of servicePortsFor(ctx.cluster, ctx.family)) {
    const ipPort = (ip: string, port: number) => `${ip},${sp.proto}:${port}`
    for (const ep of endpointsFor(ctx.cluster, ctx.family, sp)) {
      if (ep.nodeName === ctx.node.meta.name) add('KUBE-LOOP-BACK', `${ep.ip},${sp.proto}:${ep.port},${ep.ip}`)
    }
    add('KUBE-CLUSTER-IP', ipPort(sp.clusterIP, sp.port))
    for (const ip of sp.externalIPs) add(sp.externalPolicyLocal ? 'KUBE-EXTERNAL-IP-LOCAL' : 'KUBE-EXTERNAL-IP', ipPort(ip, sp.port))
    for (const ip of sp.loadBalancerVIPs) {
      add('KUBE-LOAD-BALANCER', ipPort(ip, sp.port))
      if (sp.externalPolicyLocal) add('KUBE-LOAD-BALANCER-LOCAL', ipPort(ip, sp.port))
      if (sp.loadBalancerSourceRanges.length) {
        add('KUBE-LOAD-BALANCER-FW', ipPort(ip, sp.port))
        for (const src of sp.loadBalancerSourceRanges) add('KUBE-LOAD-BALANCER-SOURCE-CIDR', `${ipPort(ip, sp.port)},${src}`)
        if (ctx.nodeIP && sp.loadBalancerSourceRanges.some((c) => inCidr(ctx.nodeIP!, c))) add('KUBE-LOAD-BALANCER-SOURCE-IP', `${ipPort(ip, sp.port)},${ip}`)
      }
    }
    if (sp.nodePort) {
      if (sp.protocol === 'SCTP') {
        for (const ip of nodeIPs) {
          add('KUBE-NODE-PORT-SCTP-HASH', ipPort(ip, sp.nodePort))
          if (sp.externalPolicyLocal) add('KUBE-NODE-PORT-LOCAL-SCTP-HASH', ipPort(ip, sp.nodePort))
        }
      } else {
        add(`KUBE-NODE-PORT-${sp.protocol}`, String(sp.nodePort))
        if (sp.externalPolicyLocal) add(`KUBE-NODE-PORT-LOCAL-${sp.protocol}`, String(sp.nodePort))
      }
    }
    if (sp.healthCheckNodePort) add('KUBE-HEALTH-CHECK-NODE-PORT', String(sp.healthCheckNodePort))
  }
  return new Map([...sets].map(([k, v]) => [k, [...v].sort()]))
}

function inCidr(ip: string, cidr: string): boolean {
  const a = parseAddr(ip)
  const [base, bits] = cidr.split('/')
  const b = parseAddr(base)
  if (!a || !b || a.family !== b.family) return false
  const total = a.family === 'IPv4' ? 32 : 128
  const shift = BigInt(total - Number(bits))
  return a.value >> shift === b.value >> shift
}

/** The iptables rules kube-proxy still writes in IPVS mode (writeIptablesRules). */
export function programIpvsIptables(ctx: ProxierContext, hostLinks: Link[], filter: IptTable, nat: IptTable): void {
  const { cfg, family } = ctx
  const mark = cfg.masqueradeMark
  const r = () => new RuleBuilder(family)
  const sets = ipsetEntries(ctx, hostLinks)
  const name = (n: string) => ipsetName(n, family)
  const comment = (n: string) => IPSETS.find((s) => s.name === n)!.comment
  const nonEmpty = (n: string) => (sets.get(n)?.length ?? 0) > 0
  for (const c of ['KUBE-SERVICES', 'KUBE-POSTROUTING', 'KUBE-NODE-PORT', 'KUBE-LOAD-BALANCER', 'KUBE-MARK-MASQ']) ensureChain(nat, c)
  for (const c of ['KUBE-FORWARD', 'KUBE-NODE-PORT', 'KUBE-PROXY-FIREWALL', 'KUBE-SOURCE-RANGES-FIREWALL']) ensureChain(filter, c)
  const withSet: [string, 'nat' | 'filter', string, string, string, string][] = [
    ['KUBE-LOOP-BACK', 'nat', 'KUBE-POSTROUTING', 'MASQUERADE', 'dst,dst,src', ''],
    ['KUBE-LOAD-BALANCER', 'nat', 'KUBE-SERVICES', 'KUBE-LOAD-BALANCER', 'dst,dst', ''],
    ['KUBE-LOAD-BALANCER-LOCAL', 'nat', 'KUBE-LOAD-BALANCER', 'RETURN', 'dst,dst', ''],
    ['KUBE-NODE-PORT-LOCAL-TCP', 'nat', 'KUBE-NODE-PORT', 'RETURN', 'dst', 'tcp'],
    ['KUBE-NODE-PORT-TCP', 'nat', 'KUBE-NODE-PORT', 'KUBE-MARK-MASQ', 'dst', 'tcp'],
    ['KUBE-NODE-PORT-LOCAL-UDP', 'nat', 'KUBE-NODE-PORT', 'RETURN', 'dst', 'udp'],
    ['KUBE-NODE-PORT-UDP', 'nat', 'KUBE-NODE-PORT', 'KUBE-MARK-MASQ', 'dst', 'udp'],
    ['KUBE-NODE-PORT-LOCAL-SCTP-HASH', 'nat', 'KUBE-NODE-PORT', 'RETURN', 'dst,dst', 'sctp'],
    ['KUBE-NODE-PORT-SCTP-HASH', 'nat', 'KUBE-NODE-PORT', 'KUBE-MARK-MASQ', 'dst,dst', 'sctp'],
    ['KUBE-LOAD-BALANCER-FW', 'filter', 'KUBE-PROXY-FIREWALL', 'KUBE-SOURCE-RANGES-FIREWALL', 'dst,dst', ''],
    ['KUBE-LOAD-BALANCER-SOURCE-CIDR', 'filter', 'KUBE-SOURCE-RANGES-FIREWALL', 'RETURN', 'dst,dst,src', ''],
    ['KUBE-LOAD-BALANCER-SOURCE-IP', 'filter', 'KUBE-SOURCE-RANGES-FIREWALL', 'RETURN', 'dst,dst,src', ''],
  ]
  for (const [set, table, from, to, matchType, proto] of withSet) {
    if (!nonEmpty(set)) continue
    const b = r()
    if (proto) b.proto(proto)
    b.comment(comment(set)).match('set', opt('match-set', name(set), matchType))
    append(table === 'nat' ? nat : filter, from, b.jump(to))
  }
  if (nonEmpty('KUBE-CLUSTER-IP')) {
    const b = r().comment(comment('KUBE-CLUSTER-IP'))
    const detector = localDetector(cfg, ctx.node, family)
    if (cfg.masqueradeAll) append(nat, 'KUBE-SERVICES', b.match('set', opt('match-set', name('KUBE-CLUSTER-IP'), 'dst,dst')).jump('KUBE-MARK-MASQ'))
    else if (detector.implemented) {
      b.match('set', opt('match-set', name('KUBE-CLUSTER-IP'), 'dst,dst'))
      if (detector.kind === 'src') b.src(detector.value, true)
      else b.inIface(detector.value, true)
      append(nat, 'KUBE-SERVICES', b.jump('KUBE-MARK-MASQ'))
    } else append(nat, 'KUBE-SERVICES', b.match('set', opt('match-set', name('KUBE-CLUSTER-IP'), 'src,dst')).jump('KUBE-MARK-MASQ'))
  }
  const externalIPRules = (set: string) => {
    const base = () => r().comment(comment(set)).match('set', opt('match-set', name(set), 'dst,dst'))
    append(nat, 'KUBE-SERVICES', base().match('physdev', negOpt('physdev-is-in')).match('addrtype', negOpt('src-type', 'LOCAL')).jump('ACCEPT'))
    append(nat, 'KUBE-SERVICES', base().match('addrtype', opt('dst-type', 'LOCAL')).jump('ACCEPT'))
  }
  if (nonEmpty('KUBE-EXTERNAL-IP')) {
    append(nat, 'KUBE-SERVICES', r().comment(comment('KUBE-EXTERNAL-IP')).match('set', opt('match-set', name('KUBE-EXTERNAL-IP'), 'dst,dst')).jump('KUBE-MARK-MASQ'))
    externalIPRules('KUBE-EXTERNAL-IP')
  }
  if (nonEmpty('KUBE-EXTERNAL-IP-LOCAL')) externalIPRules('KUBE-EXTERNAL-IP-LOCAL')
  append(nat, 'KUBE-SERVICES', r().match('addrtype', opt('dst-type', 'LOCAL')).jump('KUBE-NODE-PORT'))
  append(nat, 'KUBE-LOAD-BALANCER', r().jump('KUBE-MARK-MASQ'))
  append(filter, 'KUBE-SOURCE-RANGES-FIREWALL', r().jump('DROP'))
  for (const set of ['KUBE-CLUSTER-IP', 'KUBE-LOAD-BALANCER']) {
    if (nonEmpty(set)) append(nat, 'KUBE-SERVICES', r().match('set', opt('match-set', name(set), 'dst,dst')).jump('ACCEPT'))
  }
  append(filter, 'KUBE-FORWARD', r().comment('kubernetes forwarding rules').match('mark', opt('mark', `${mark}/${mark}`)).jump('ACCEPT'))
  append(filter, 'KUBE-FORWARD', r().comment('kubernetes forwarding conntrack rule').match('conntrack', opt('ctstate', 'RELATED,ESTABLISHED')).jump('ACCEPT'))
  append(filter, 'KUBE-NODE-PORT', r().comment(comment('KUBE-HEALTH-CHECK-NODE-PORT')).match('set', opt('match-set', name('KUBE-HEALTH-CHECK-NODE-PORT'), 'dst')).jump('ACCEPT'))
  append(nat, 'KUBE-POSTROUTING', r().match('mark', negOpt('mark', `${mark}/${mark}`)).jump('RETURN'))
  append(nat, 'KUBE-POSTROUTING', r().jump('MARK', opt('xor-mark', mark)))
  append(nat, 'KUBE-POSTROUTING', r().comment('kubernetes service traffic requiring SNAT').jump('MASQUERADE', opt('random-fully')))
  append(nat, 'KUBE-MARK-MASQ', r().jump('MARK', opt('or-mark', mark)))
}
