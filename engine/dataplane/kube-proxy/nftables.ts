/**
 * kube-proxy's nftables proxier (pkg/proxy/nftables/proxier.go setupNFTables
 * and syncProxyRules) for one node and family, and `nft list table` output of
 * the result as current nft (1.1) prints it (src/rule.c table_print): the
 * table's sets and maps first, then its chains, each in the order they were
 * created; base chains with symbolic priorities within 10 of a standard one
 * the hook allows (prio2str: dstnat on prerouting and output, srcnat on input
 * and postrouting); rules re-rendered by nft ("mark set mark or 0x4000" comes
 * back as "meta mark set meta mark | 0x00004000"), plain sets' elements two
 * to a line, map elements one to a line.
 */
import type { Cluster, Node } from '../../model/types.ts'
import type { IPFamily } from '../../net/ip.ts'
import { compareIP, parsePrefix } from '../../net/ip.ts'
import { proxyConfig } from './config.ts'
import { localDetector } from './local-detect.ts'
import { categorizeEndpoints, endpointsFor, externallyAccessible, servicePortsFor, usesClusterEndpoints, usesLocalEndpoints } from './service-ports.ts'
import { nftEndpointBase, nftServiceBase } from './chain-names.ts'
import { nodePortAddressesMatchAll, nodePortIPs, proxierContext } from './iptables.ts'

export interface NftChain {
  kind: 'chain'
  name: string
  base?: { type: 'filter' | 'nat'; hook: string; priority: string }
  comment?: string
  rules: string[]
}

export interface NftElement {
  key: string
  value?: string
  comment?: string
}

export interface NftSet {
  kind: 'set' | 'map'
  name: string
  type: string
  flags?: string[]
  timeout?: number
  comment?: string
  elements: NftElement[]
}

export interface NftTable {
  family: 'ip' | 'ip6'
  name: string
  comment?: string
  objects: (NftChain | NftSet)[]
}

/** nft's standard priorities (src/rule.c std_prios), in the order prio2str tries them. */
const STD_PRIOS: [number, string][] = [[-300, 'raw'], [-150, 'mangle'], [-100, 'dstnat'], [0, 'filter'], [50, 'security'], [100, 'srcnat']]

/** std_prio_family_hook_compat for the ip and ip6 families (nftables 1.0.9 and later allow dstnat on output, srcnat on input). */
function priorityFitsHook(name: string, hook: string): boolean {
  if (name === 'dstnat') return hook === 'prerouting' || hook === 'output'
  if (name === 'srcnat') return hook === 'input' || hook === 'postrouting'
  return true
}

/**
 * prio2str: the first standard priority within 10 of the value names it ("dstnat - 10"),
 * unless the hook does not allow that name; then the number.
 */
function priorityText(hook: string, value: number): string {
  for (const [std, name] of STD_PRIOS) {
    const offset = value - std
    if (Math.abs(offset) > 10) continue
    if (!priorityFitsHook(name, hook)) break
    return offset === 0 ? name : offset > 0 ? `${name} + ${offset}` : `${name} - ${-offset}`
  }
  return String(value)
}

const BASE_CHAINS: [string, 'filter' | 'nat', string, number][] = [
  ['filter-prerouting', 'filter', 'prerouting', -110],
  ['filter-input', 'filter', 'input', -110],
  ['filter-forward', 'filter', 'forward', -110],
  ['filter-output', 'filter', 'output', -110],
  ['filter-output-post-dnat', 'filter', 'output', -90],
  ['nat-prerouting', 'nat', 'prerouting', -100],
  ['nat-output', 'nat', 'output', -100],
  ['nat-postrouting', 'nat', 'postrouting', 100],
]

const JUMP_CHAINS: [string, string, string][] = [
  ['nodeport-endpoints-check', 'filter-input', 'ct state new'],
  ['service-endpoints-check', 'filter-input', 'ct state new'],
  ['service-endpoints-check', 'filter-forward', 'ct state new'],
  ['service-endpoints-check', 'filter-output', 'ct state new'],
  ['firewall-check', 'filter-prerouting', 'ct state new'],
  ['firewall-check', 'filter-output', 'ct state new'],
  ['services', 'nat-output', ''],
  ['services', 'nat-prerouting', ''],
  ['masquerading', 'nat-postrouting', ''],
  ['cluster-ips-check', 'filter-forward', 'ct state new'],
  ['cluster-ips-check', 'filter-output-post-dnat', 'ct state new'],
]

function hex32(n: number): string {
  return `0x${(n >>> 0).toString(16).padStart(8, '0')}`
}

const cache = new WeakMap<Cluster, Map<string, NftTable>>()

/**
 * The `kube-proxy` table kube-proxy keeps on a node, for one family.
 *
 * @example
 * formatNftTable(kubeProxyTable(cluster, node, 'IPv4'))
 */
export function kubeProxyTable(cluster: Cluster, node: Node, family: IPFamily): NftTable {
  let perCluster = cache.get(cluster)
  if (!perCluster) cache.set(cluster, (perCluster = new Map()))
  const key = `${node.meta.name}/${family}`
  let t = perCluster.get(key)
  if (!t) perCluster.set(key, (t = build(cluster, node, family)))
  return t
}

function build(cluster: Cluster, node: Node, family: IPFamily): NftTable {
  const ctx = proxierContext(cluster, node, family)
  const cfg = proxyConfig(cluster)
  const ipX = family === 'IPv4' ? 'ip' : 'ip6'
  const addrType = family === 'IPv4' ? 'ipv4_addr' : 'ipv6_addr'
  const noLocalhost = family === 'IPv4' ? 'ip daddr != 127.0.0.0/8' : 'ip6 daddr != ::1'
  const mark = hex32(cfg.masqueradeValue)
  const objects: (NftChain | NftSet)[] = []
  const chains = new Map<string, NftChain>()
  const sets = new Map<string, NftSet>()
  const chain = (name: string): NftChain => {
    let c = chains.get(name)
    if (!c) {
      c = { kind: 'chain', name, rules: [] }
      chains.set(name, c)
      objects.push(c)
    }
    return c
  }
  const set = (kind: 'set' | 'map', name: string, type: string, comment?: string, extra: Partial<NftSet> = {}): NftSet => {
    const s: NftSet = { kind, name, type, comment, elements: [], ...extra }
    sets.set(name, s)
    objects.push(s)
    return s
  }
  for (const [name, type, hook, prio] of BASE_CHAINS) chain(name).base = { type, hook, priority: priorityText(hook, prio) }
  for (const [dst, src, extra] of JUMP_CHAINS) {
    chain(dst)
    chain(src).rules.push(`${extra ? `${extra} ` : ''}jump ${dst}`)
  }
  for (const c of ['services', 'cluster-ips-check', 'masquerading', 'mark-for-masquerade']) chain(c)
  chain('mark-for-masquerade').rules.push(`meta mark set meta mark | ${mark}`)
  chain('masquerading').rules.push(`meta mark & ${mark} == 0x00000000 return`, `meta mark set meta mark ^ ${mark}`, 'masquerade fully-random')
  const clusterIPs = set('set', 'cluster-ips', addrType, 'Active ClusterIPs')
  chain('cluster-ips-check').rules.push(`${ipX} daddr @cluster-ips reject comment "Reject traffic to invalid ports of ClusterIPs"`)
  const serviceCIDRs = cluster.config.serviceCIDRs.filter((c) => parsePrefix(c)?.family === family)
  // kube-proxy learns the ranges from the ServiceCIDR objects (the default one mirrors --service-cluster-ip-range)
  if (serviceCIDRs.length) chain('cluster-ips-check').rules.push(`${ipX} daddr ${serviceCIDRs.length === 1 ? serviceCIDRs[0] : `{ ${serviceCIDRs.join(', ')} }`} drop comment "Drop traffic to unallocated ClusterIPs"`)
  const matchAll = nodePortAddressesMatchAll(cfg)
  if (!matchAll) {
    const s = set('set', 'nodeport-ips', addrType, 'IPs that accept NodePort traffic')
    for (const ip of nodePortIPs(ctx)) s.elements.push({ key: ip })
  }
  const noEndpointServices = set('map', 'no-endpoint-services', `${addrType} . inet_proto . inet_service : verdict`, 'vmap to drop or reject packets to services with no endpoints')
  const noEndpointNodePorts = set('map', 'no-endpoint-nodeports', 'inet_proto . inet_service : verdict', 'vmap to drop or reject packets to service nodeports with no endpoints')
  const reject = chain('reject-chain')
  reject.comment = 'helper for @no-endpoint-services / @no-endpoint-nodeports'
  reject.rules.push('reject')
  chain('service-endpoints-check').rules.push(`${ipX} daddr . meta l4proto . th dport vmap @no-endpoint-services`)
  chain('nodeport-endpoints-check').rules.push(matchAll ? `${noLocalhost} meta l4proto . th dport vmap @no-endpoint-nodeports` : `${ipX} daddr @nodeport-ips meta l4proto . th dport vmap @no-endpoint-nodeports`)
  const firewallIPs = set('map', 'firewall-ips', `${addrType} . inet_proto . inet_service : verdict`, 'destinations that are subject to LoadBalancerSourceRanges')
  chain('firewall-check').rules.push(`${ipX} daddr . meta l4proto . th dport vmap @firewall-ips`)
  const serviceIPs = set('map', 'service-ips', `${addrType} . inet_proto . inet_service : verdict`, 'ClusterIP, ExternalIP and LoadBalancer IP traffic')
  const serviceNodePorts = set('map', 'service-nodeports', 'inet_proto . inet_service : verdict', 'NodePort traffic')
  chain('services').rules.push(`${ipX} daddr . meta l4proto . th dport vmap @service-ips`)
  chain('services').rules.push(matchAll ? `fib daddr type local ${noLocalhost} meta l4proto . th dport vmap @service-nodeports` : `${ipX} daddr @nodeport-ips meta l4proto . th dport vmap @service-nodeports`)

  const detector = localDetector(cfg, node, family)
  for (const sp of servicePortsFor(cluster, family)) {
    const base = nftServiceBase(sp)
    const clusterPolicyChain = `service-${base}`
    const localPolicyChain = `local-${base}`
    const externalTrafficChain = `external-${base}`
    const fwChain = `firewall-${base}`
    const { clusterEndpoints, localEndpoints, allReachable, hasAnyEndpoints: hasEndpoints } = categorizeEndpoints(endpointsFor(cluster, family, sp), sp, node.meta.name, node.zone)
    const epChain = (ep: (typeof allReachable)[number]) => `endpoint-${nftEndpointBase(sp, ep)}`
    const affinitySet = (ep: (typeof allReachable)[number]) => `affinity-${nftEndpointBase(sp, ep)}`
    for (const ep of allReachable) chain(epChain(ep))
    const usesClusterPolicyChain = clusterEndpoints.length > 0 && usesClusterEndpoints(sp)
    if (usesClusterPolicyChain) chain(clusterPolicyChain)
    const usesLocalPolicyChain = localEndpoints.length > 0 && usesLocalEndpoints(sp)
    if (usesLocalPolicyChain) chain(localPolicyChain)
    let internalTrafficChain = clusterPolicyChain
    let hasInternalEndpoints = hasEndpoints
    if (sp.internalPolicyLocal) {
      internalTrafficChain = localPolicyChain
      if (localEndpoints.length === 0) hasInternalEndpoints = false
    }
    let externalPolicyChain = clusterPolicyChain
    let hasExternalEndpoints = hasEndpoints
    if (sp.externalPolicyLocal) {
      externalPolicyChain = localPolicyChain
      if (localEndpoints.length === 0) hasExternalEndpoints = false
    }
    const usesExternalTrafficChain = hasEndpoints && externallyAccessible(sp)
    if (usesExternalTrafficChain) chain(externalTrafficChain)
    let internalVerdict = ''
    let externalVerdict = ''
    if (!hasEndpoints) internalVerdict = externalVerdict = 'goto reject-chain'
    else {
      if (!hasInternalEndpoints) internalVerdict = 'drop'
      if (!hasExternalEndpoints) externalVerdict = 'drop'
    }
    const k = (ip: string, port: number) => `${ip} . ${sp.proto} . ${port}`
    clusterIPs.elements.push({ key: sp.clusterIP })
    if (hasInternalEndpoints) serviceIPs.elements.push({ key: k(sp.clusterIP, sp.port), value: `goto ${internalTrafficChain}` })
    else noEndpointServices.elements.push({ key: k(sp.clusterIP, sp.port), value: internalVerdict, comment: sp.nameString })
    for (const ip of sp.externalIPs) {
      if (hasEndpoints) serviceIPs.elements.push({ key: k(ip, sp.port), value: `goto ${externalTrafficChain}` })
      if (!hasExternalEndpoints) noEndpointServices.elements.push({ key: k(ip, sp.port), value: externalVerdict, comment: sp.nameString })
    }
    const usesFWChain = sp.loadBalancerVIPs.length > 0 && sp.loadBalancerSourceRanges.length > 0
    if (usesFWChain) chain(fwChain)
    for (const ip of sp.loadBalancerVIPs) {
      if (hasEndpoints) serviceIPs.elements.push({ key: k(ip, sp.port), value: `goto ${externalTrafficChain}` })
      if (usesFWChain) firewallIPs.elements.push({ key: k(ip, sp.port), value: `goto ${fwChain}` })
    }
    if (!hasExternalEndpoints) for (const ip of sp.loadBalancerVIPs) noEndpointServices.elements.push({ key: k(ip, sp.port), value: externalVerdict, comment: sp.nameString })
    if (sp.nodePort) {
      if (hasEndpoints) serviceNodePorts.elements.push({ key: `${sp.proto} . ${sp.nodePort}`, value: `goto ${externalTrafficChain}` })
      if (!hasExternalEndpoints) noEndpointNodePorts.elements.push({ key: `${sp.proto} . ${sp.nodePort}`, value: externalVerdict, comment: sp.nameString })
    }
    if (hasInternalEndpoints) {
      const head = `${ipX} daddr ${sp.clusterIP} ${sp.proto} dport ${sp.port}`
      if (cfg.masqueradeAll) chain(internalTrafficChain).rules.push(`${head} jump mark-for-masquerade`)
      else if (detector.implemented) chain(internalTrafficChain).rules.push(`${head} ${detector.nftNotLocal} jump mark-for-masquerade`)
    }
    if (usesExternalTrafficChain) {
      const ext = chain(externalTrafficChain)
      if (!sp.externalPolicyLocal) ext.rules.push('jump mark-for-masquerade')
      else {
        if (detector.implemented) ext.rules.push(`${detector.nftLocal} goto ${clusterPolicyChain} comment "short-circuit pod traffic"`)
        ext.rules.push('fib saddr type local jump mark-for-masquerade comment "masquerade local traffic"')
        ext.rules.push(`fib saddr type local goto ${clusterPolicyChain} comment "short-circuit local traffic"`)
      }
      if (hasExternalEndpoints) ext.rules.push(`goto ${externalPolicyChain}`)
    }
    if (usesFWChain) {
      const sources = [...sp.loadBalancerSourceRanges]
      if (ctx.nodeIP && sp.loadBalancerSourceRanges.some((c) => inCidr(ctx.nodeIP!, c))) sources.push(...sp.loadBalancerVIPs)
      chain(fwChain).rules.push(`${ipX} saddr != ${sources.length === 1 ? sources[0] : `{ ${sources.join(', ')} }`} drop`)
    }
    if (sp.sessionAffinityClientIP) {
      for (const ep of allReachable) set('set', affinitySet(ep), addrType, undefined, { flags: ['dynamic', 'timeout'], timeout: sp.stickyMaxAgeSeconds })
    }
    const writeServiceToEndpointRules = (svcChain: string, eps: typeof allReachable) => {
      const c = chain(svcChain)
      if (sp.sessionAffinityClientIP) for (const ep of eps) c.rules.push(`${ipX} saddr @${affinitySet(ep)} goto ${epChain(ep)}`)
      c.rules.push(`numgen random mod ${eps.length} vmap { ${eps.map((ep, i) => `${i} : goto ${epChain(ep)}`).join(', ')} }`)
    }
    if (usesClusterPolicyChain) writeServiceToEndpointRules(clusterPolicyChain, clusterEndpoints)
    if (usesLocalPolicyChain) writeServiceToEndpointRules(localPolicyChain, localEndpoints)
    for (const ep of allReachable) {
      const c = chain(epChain(ep))
      c.rules.push(`${ipX} saddr ${ep.ip} jump mark-for-masquerade`)
      if (sp.sessionAffinityClientIP) c.rules.push(`update @${affinitySet(ep)} { ${ipX} saddr }`)
      c.rules.push(`meta l4proto ${sp.proto} dnat to ${ep.str}`)
    }
  }
  // the kernel keeps one entry per ClusterIP in the plain set
  const seen = new Set<string>()
  clusterIPs.elements = clusterIPs.elements.filter((e) => (seen.has(e.key) ? false : (seen.add(e.key), true)))
  return { family: family === 'IPv4' ? 'ip' : 'ip6', name: 'kube-proxy', comment: 'rules for kube-proxy', objects }
}

function inCidr(ip: string, cidr: string): boolean {
  const p = parsePrefix(cidr)
  const [base] = cidr.split('/')
  if (!p) return false
  return parsePrefix(`${ip}/${p.bits}`)?.base === parsePrefix(`${base}/${p.bits}`)?.base
}

/** nft's time format: 3h, 1h30m, 10s */
export function nftDuration(seconds: number): string {
  const parts: string[] = []
  let s = seconds
  for (const [unit, size] of [['d', 86400], ['h', 3600], ['m', 60]] as const) {
    if (s >= size) {
      parts.push(`${Math.floor(s / size)}${unit}`)
      s %= size
    }
  }
  if (s > 0 || parts.length === 0) parts.push(`${s}s`)
  return parts.join('')
}

function formatSet(s: NftSet): string {
  const lines = [`\t${s.kind} ${s.name} {`, `\t\ttype ${s.type}`]
  if (s.flags?.length) lines.push(`\t\tflags ${s.flags.join(',')}`)
  if (s.timeout !== undefined) lines.push(`\t\ttimeout ${nftDuration(s.timeout)}`)
  if (s.comment) lines.push(`\t\tcomment "${s.comment}"`)
  if (s.elements.length) {
    const els = s.kind === 'set' && !s.type.includes(' . ') ? [...s.elements].sort((a, b) => compareIP(a.key, b.key)) : s.elements
    const text = els.map((e) => `${e.key}${e.comment ? ` comment "${e.comment}"` : ''}${e.value ? ` : ${e.value}` : ''}`)
    // calculate_delim: addresses two to a line, concatenations and map elements one to a line
    const perLine = s.kind === 'set' && !s.type.includes(' . ') ? 2 : 1
    let body = ''
    text.forEach((t, i) => {
      body += t
      if (i < text.length - 1) body += (i + 1) % perLine === 0 ? ',\n\t\t\t     ' : ', '
    })
    lines.push(`\t\telements = { ${body} }`)
  }
  lines.push('\t}')
  return lines.join('\n')
}

function formatChain(c: NftChain): string {
  const lines = [`\tchain ${c.name} {`]
  if (c.comment) lines.push(`\t\tcomment "${c.comment}"`)
  if (c.base) lines.push(`\t\ttype ${c.base.type} hook ${c.base.hook} priority ${c.base.priority}; policy accept;`)
  for (const r of c.rules) lines.push(`\t\t${r}`)
  lines.push('\t}')
  return lines.join('\n')
}

/**
 * `nft list table FAMILY NAME`
 *
 * @example
 * formatNftTable(kubeProxyTable(cluster, node, 'IPv4')) // 'table ip kube-proxy {\n\tcomment "rules for kube-proxy"\n…'
 */
export function formatNftTable(t: NftTable): string {
  // table_print: sets and maps, then chains; a blank line between objects, none after the comment
  const parts = [...t.objects.filter((o) => o.kind !== 'chain').map((o) => formatSet(o as NftSet)), ...t.objects.filter((o) => o.kind === 'chain').map((o) => formatChain(o as NftChain))]
  const head = t.comment ? `table ${t.family} ${t.name} {\n\tcomment "${t.comment}"\n` : `table ${t.family} ${t.name} {\n`
  return `${head}${parts.join('\n\n')}\n}\n`
}

/** `nft list chain|set|map FAMILY TABLE NAME` */
export function formatNftObject(t: NftTable, kind: 'chain' | 'set' | 'map', name: string): string | undefined {
  const o = t.objects.find((x) => x.name === name && (kind === 'chain' ? x.kind === 'chain' : x.kind === kind))
  if (!o) return undefined
  return `table ${t.family} ${t.name} {\n${o.kind === 'chain' ? formatChain(o) : formatSet(o)}\n}\n`
}
