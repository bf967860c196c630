/**
 * kube-proxy's iptables proxier (pkg/proxy/iptables/proxier.go,
 * syncProxyRules and writeServiceToEndpointRules) for one node and family:
 * the rules it restores into the filter and nat tables, in the order it
 * writes them. Service ports are visited in sorted order (kube-proxy walks a
 * Go map; iptables keeps each chain's rules in the order written).
 */
import type { Cluster, Node } from '../../model/types.ts'
import type { IPFamily } from '../../net/ip.ts'
import { ipFamilyOf, parsePrefix, prefixContains, parseAddr } from '../../net/ip.ts'
import { proxyConfig } from './config.ts'
import type { ProxyConfig } from './config.ts'
import { localDetector } from './local-detect.ts'
import type { LocalDetector } from './local-detect.ts'
import { categorizeEndpoints, endpointsFor, externallyAccessible, servicePortsFor, usesClusterEndpoints, usesLocalEndpoints } from './service-ports.ts'
import type { EndpointInfo, ServicePortInfo } from './service-ports.ts'
import { iptablesChains } from './chain-names.ts'
import { RuleBuilder, append, appendAll, ensureChain, negOpt, opt } from './netfilter.ts'
import type { IptRule, IptTable, Match } from './netfilter.ts'

/** largeClusterEndpointsThreshold: above this many endpoints kube-proxy drops per-endpoint comments */
export const LARGE_CLUSTER_ENDPOINTS = 1000

/** metrics.IPTablesCTStateInvalidDroppedNFAcctCounter / LocalhostNodePortAcceptedNFAcctCounter */
const NFACCT_INVALID = 'ct_state_invalid_dropped_pkts'
const NFACCT_LOCALHOST_NODEPORT = 'localhost_nps_accepted_pkts'

const probabilities: string[] = []

/**
 * computeProbability: 1/n with ten decimals, cached per n as kube-proxy does.
 *
 * @example
 * probability(3) // '0.3333333333'
 */
export function probability(n: number): string {
  let p = probabilities[n]
  if (p === undefined) probabilities[n] = p = (1 / n).toFixed(10)
  return p
}

const statistics: Match[] = []

/**
 * `-m statistic --mode random --probability 1/n`, one match object per n
 * shared by every rule that needs it (rules never change once built).
 */
function statisticMatch(n: number): Match {
  let m = statistics[n]
  if (m === undefined) statistics[n] = m = { name: 'statistic', opts: [opt('mode', 'random'), opt('probability', probability(n))] }
  return m
}

export interface ProxierContext {
  cluster: Cluster
  node: Node
  family: IPFamily
  cfg: ProxyConfig
  nodeIP?: string
}

export function proxierContext(cluster: Cluster, node: Node, family: IPFamily): ProxierContext {
  return { cluster, node, family, cfg: proxyConfig(cluster), nodeIP: node.internalIPs.find((ip) => ipFamilyOf(ip) === family) }
}

/**
 * Writes kube-proxy's chains and rules into the filter and nat tables.
 *
 * @example
 * const filter = newTable('filter'), nat = newTable('nat')
 * programIptables(proxierContext(cluster, node, 'IPv4'), filter, nat)
 */
export function programIptables(ctx: ProxierContext, filter: IptTable, nat: IptTable): void {
  const { cfg, family } = ctx
  const isIPv6 = family === 'IPv6'
  const mark = cfg.masqueradeMark
  const detector = localDetector(cfg, ctx.node, family)
  // localhost NodePorts need route_localnet and only work for IPv4 with nodePortAddresses covering loopback
  const localhostNodePorts = cfg.localhostNodePorts && !isIPv6 && nodePortAddressesMatchAll(cfg)
  for (const c of ['KUBE-SERVICES', 'KUBE-EXTERNAL-SERVICES', 'KUBE-FORWARD', 'KUBE-NODEPORTS', 'KUBE-PROXY-FIREWALL']) ensureChain(filter, c)
  for (const c of ['KUBE-SERVICES', 'KUBE-NODEPORTS', 'KUBE-POSTROUTING', 'KUBE-MARK-MASQ']) ensureChain(nat, c)

  append(nat, 'KUBE-POSTROUTING', r(family).match('mark', negOpt('mark', `${mark}/${mark}`)).jump('RETURN'))
  append(nat, 'KUBE-POSTROUTING', r(family).jump('MARK', opt('xor-mark', mark)))
  // ipt.HasRandomFully(): true for every iptables a current node ships
  append(nat, 'KUBE-POSTROUTING', r(family).comment('kubernetes service traffic requiring SNAT').jump('MASQUERADE', opt('random-fully')))
  append(nat, 'KUBE-MARK-MASQ', r(family).jump('MARK', opt('or-mark', mark)))

  if (localhostNodePorts) {
    // kubelet writes the same rule; kube-proxy keeps its own copy (issue 90259)
    const fw = ensureChain(filter, 'KUBE-FIREWALL')
    fw.rules.length = 0
    fw.rules.push(kubeFirewallRule())
  }

  const ports = servicePortsFor(ctx.cluster, family)
  let total = 0
  for (const sp of ports) total += endpointsFor(ctx.cluster, family, sp).length
  const largeCluster = total > LARGE_CLUSTER_ENDPOINTS

  const sync: Sync = { ctx, filter, nat, detector, localhostNodePorts, largeCluster }
  for (const sp of ports) writeServicePort(sync, sp)

  // Finally, tail-call to the nodePorts chain: this must come after all other service portal rules.
  if (nodePortAddressesMatchAll(cfg)) {
    const b = r(family).comment('kubernetes service nodeports; NOTE: this must be the last rule in this chain').match('addrtype', opt('dst-type', 'LOCAL'))
    if (isIPv6) b.dst('::1/128', true)
    else if (!localhostNodePorts) b.dst('127.0.0.0/8', true)
    append(nat, 'KUBE-SERVICES', b.jump('KUBE-NODEPORTS'))
  } else {
    for (const ip of nodePortIPs(ctx)) {
      append(nat, 'KUBE-SERVICES', r(family).comment('kubernetes service nodeports; NOTE: this must be the last rule in this chain').dst(ip).jump('KUBE-NODEPORTS'))
    }
  }

  // nf_conntrack_tcp_be_liberal is 0 by default, so INVALID packets are dropped (issue 74839)
  append(filter, 'KUBE-FORWARD', r(family).match('conntrack', opt('ctstate', 'INVALID')).match('nfacct', opt('nfacct-name', NFACCT_INVALID)).jump('DROP'))
  append(filter, 'KUBE-FORWARD', r(family).comment('kubernetes forwarding rules').match('mark', opt('mark', `${mark}/${mark}`)).jump('ACCEPT'))
  append(filter, 'KUBE-FORWARD', r(family).comment('kubernetes forwarding conntrack rule').match('conntrack', opt('ctstate', 'RELATED,ESTABLISHED')).jump('ACCEPT'))
}

/** What the rules of every service port depend on, worked out once per sync. */
interface Sync {
  ctx: ProxierContext
  filter: IptTable
  nat: IptTable
  detector: LocalDetector
  localhostNodePorts: boolean
  largeCluster: boolean
}

/** syncProxyRules' loop body: the rules and chains of one service port. */
function writeServicePort(sync: Sync, sp: ServicePortInfo): void {
  const { ctx, filter, nat, detector, largeCluster } = sync
  const { cfg, family } = ctx

  const chains = iptablesChains(sp)
  const { clusterEndpoints, localEndpoints, allReachable, hasAnyEndpoints: hasEndpoints } = categorizeEndpoints(endpointsFor(ctx.cluster, family, sp), sp, ctx.node.meta.name, ctx.node.zone)
  const usesClusterPolicyChain = clusterEndpoints.length > 0 && usesClusterEndpoints(sp)
  const usesLocalPolicyChain = localEndpoints.length > 0 && usesLocalEndpoints(sp)
  let internalPolicyChain = chains.svc
  let hasInternalEndpoints = hasEndpoints
  if (sp.internalPolicyLocal) {
    internalPolicyChain = chains.svl
    if (localEndpoints.length === 0) hasInternalEndpoints = false
  }
  let externalPolicyChain = chains.svc
  let hasExternalEndpoints = hasEndpoints
  if (sp.externalPolicyLocal) {
    externalPolicyChain = chains.svl
    if (localEndpoints.length === 0) hasExternalEndpoints = false
  }
  const externalTrafficChain = chains.ext
  const usesExternalTrafficChain = hasEndpoints && externallyAccessible(sp)
  const usesFWChain = hasEndpoints && sp.loadBalancerVIPs.length > 0 && sp.loadBalancerSourceRanges.length > 0
  const loadBalancerTrafficChain = usesFWChain ? chains.fw : externalTrafficChain

  let internalFilterTarget = ''
  let internalFilterComment = ''
  let externalFilterTarget = ''
  let externalFilterComment = ''
  if (!hasEndpoints) {
    internalFilterTarget = externalFilterTarget = 'REJECT'
    internalFilterComment = externalFilterComment = `${sp.nameString} has no endpoints`
  } else {
    if (!hasInternalEndpoints) {
      internalFilterTarget = 'DROP'
      internalFilterComment = `${sp.nameString} has no local endpoints`
    }
    if (!hasExternalEndpoints) {
      externalFilterTarget = 'DROP'
      externalFilterComment = `${sp.nameString} has no local endpoints`
    }
  }
  const port = sp.port
  // written by both the KUBE-SERVICES rule and the policy chain's masquerade rule
  const clusterIPComment = `${sp.nameString} cluster IP`

  // Capture the clusterIP.
  if (hasInternalEndpoints) {
    append(nat, 'KUBE-SERVICES', r(family).comment(clusterIPComment).l4(sp.proto).dst(sp.clusterIP).dport(port).jump(internalPolicyChain))
  } else {
    append(filter, 'KUBE-SERVICES', r(family).comment(internalFilterComment).l4(sp.proto).dst(sp.clusterIP).dport(port).jump(internalFilterTarget))
  }
  // externalIPs, load-balancer ingress, node ports, health-check node ports: compiled only for the Services that have them (issue 20)
  const outside: Outside = { sync, sp, chains, hasEndpoints, hasExternalEndpoints, externalPolicyChain, externalTrafficChain, usesExternalTrafficChain, usesFWChain, loadBalancerTrafficChain, externalFilterTarget, externalFilterComment }
  if (sp.externalIPs.length > 0 || sp.loadBalancerVIPs.length > 0 || sp.nodePort !== 0 || sp.healthCheckNodePort !== 0) captureOutside(outside)

  // Set up internal traffic handling.
  if (hasInternalEndpoints) {
    const b = r(family).comment(clusterIPComment).l4(sp.proto).dst(sp.clusterIP).dport(port)
    if (cfg.masqueradeAll) append(nat, internalPolicyChain, b.jump('KUBE-MARK-MASQ'))
    else if (detector.implemented) append(nat, internalPolicyChain, ifNotLocal(b, detector).jump('KUBE-MARK-MASQ'))
  }
  if (usesExternalTrafficChain || usesFWChain) externalChains(outside)
  if (usesClusterPolicyChain) {
    writeServiceToEndpointRules(ctx, ensureChain(nat, chains.svc).rules, sp, chains.sep, clusterEndpoints, largeCluster)
  }
  if (usesLocalPolicyChain) {
    writeServiceToEndpointRules(ctx, ensureChain(nat, chains.svl).rules, sp, chains.sep, localEndpoints, largeCluster)
  }
  // Generate the per-endpoint chains.
  writeEndpointChains(ctx, nat, sp, chains.sep, allReachable, largeCluster)
}

/** What writeServicePort has decided about one Service port, for the traffic that comes from outside the cluster. */
interface Outside {
  sync: Sync
  sp: ServicePortInfo
  chains: ReturnType<typeof iptablesChains>
  hasEndpoints: boolean
  hasExternalEndpoints: boolean
  externalPolicyChain: string
  externalTrafficChain: string
  usesExternalTrafficChain: boolean
  usesFWChain: boolean
  loadBalancerTrafficChain: string
  externalFilterTarget: string
  externalFilterComment: string
}

/** proxier.go: the KUBE-SERVICES, KUBE-EXTERNAL-SERVICES and KUBE-NODEPORTS rules of externalIPs, load-balancer IPs and node ports. */
function captureOutside(o: Outside): void {
  const { sync, sp, chains, hasEndpoints, hasExternalEndpoints, externalTrafficChain, usesFWChain, loadBalancerTrafficChain, externalFilterTarget, externalFilterComment } = o
  const { ctx, filter, nat, localhostNodePorts } = sync
  const { family } = ctx
  const port = sp.port
  // Capture externalIPs.
  for (const ip of sp.externalIPs) {
    if (hasEndpoints) append(nat, 'KUBE-SERVICES', r(family).comment(`${sp.nameString} external IP`).l4(sp.proto).dst(ip).dport(port).jump(externalTrafficChain))
    if (!hasExternalEndpoints) append(filter, 'KUBE-EXTERNAL-SERVICES', r(family).comment(externalFilterComment).l4(sp.proto).dst(ip).dport(port).jump(externalFilterTarget))
  }
  // Capture load-balancer ingress.
  for (const ip of sp.loadBalancerVIPs) {
    if (hasEndpoints) append(nat, 'KUBE-SERVICES', r(family).comment(`${sp.nameString} loadbalancer IP`).l4(sp.proto).dst(ip).dport(port).jump(loadBalancerTrafficChain))
    if (usesFWChain) append(filter, 'KUBE-PROXY-FIREWALL', r(family).comment(`${sp.nameString} traffic not accepted by ${chains.fw}`).l4(sp.proto).dst(ip).dport(port).jump('DROP'))
  }
  if (!hasExternalEndpoints) {
    for (const ip of sp.loadBalancerVIPs) append(filter, 'KUBE-EXTERNAL-SERVICES', r(family).comment(externalFilterComment).l4(sp.proto).dst(ip).dport(port).jump(externalFilterTarget))
  }
  // Capture nodeports.
  if (sp.nodePort !== 0) {
    if (hasEndpoints) {
      if (localhostNodePorts) {
        append(nat, 'KUBE-NODEPORTS', r(family).comment(sp.nameString).l4(sp.proto).dst('127.0.0.0/8').dport(sp.nodePort).match('nfacct', opt('nfacct-name', NFACCT_LOCALHOST_NODEPORT)).jump(externalTrafficChain))
      }
      append(nat, 'KUBE-NODEPORTS', r(family).comment(sp.nameString).l4(sp.proto).dport(sp.nodePort).jump(externalTrafficChain))
    }
    if (!hasExternalEndpoints) {
      const b = r(family).comment(externalFilterComment).match('addrtype', opt('dst-type', 'LOCAL')).l4(sp.proto).dport(sp.nodePort)
      append(filter, 'KUBE-EXTERNAL-SERVICES', b.jump(externalFilterTarget))
    }
  }
  // Capture healthCheckNodePorts.
  if (sp.healthCheckNodePort !== 0) {
    append(filter, 'KUBE-NODEPORTS', r(family).comment(`${sp.nameString} health check node port`).l4('tcp').dport(sp.healthCheckNodePort).jump('ACCEPT'))
  }
}

/** proxier.go: the external-traffic chain (KUBE-EXT-) and the load-balancer firewall chain (KUBE-FW-). */
function externalChains(o: Outside): void {
  const { sync, sp, chains, hasExternalEndpoints, externalPolicyChain, externalTrafficChain, usesExternalTrafficChain, usesFWChain } = o
  const { ctx, nat, detector } = sync
  const { family } = ctx
  // Set up external traffic handling.
  if (usesExternalTrafficChain) {
    ensureChain(nat, externalTrafficChain)
    if (!sp.externalPolicyLocal) {
      append(nat, externalTrafficChain, r(family).comment(`masquerade traffic for ${sp.nameString} external destinations`).jump('KUBE-MARK-MASQ'))
    } else {
      if (detector.implemented) append(nat, externalTrafficChain, ifLocal(r(family).comment(`pod traffic for ${sp.nameString} external destinations`), detector).jump(chains.svc))
      append(nat, externalTrafficChain, r(family).comment(`masquerade LOCAL traffic for ${sp.nameString} external destinations`).match('addrtype', opt('src-type', 'LOCAL')).jump('KUBE-MARK-MASQ'))
      append(nat, externalTrafficChain, r(family).comment(`route LOCAL traffic for ${sp.nameString} external destinations`).match('addrtype', opt('src-type', 'LOCAL')).jump(chains.svc))
    }
    if (hasExternalEndpoints) append(nat, externalTrafficChain, r(family).jump(externalPolicyChain))
  }
  // Set up firewall chain, if needed.
  if (usesFWChain) {
    ensureChain(nat, chains.fw)
    let allowFromNode = false
    for (const cidr of sp.loadBalancerSourceRanges) {
      append(nat, chains.fw, r(family).comment(`${sp.nameString} loadbalancer IP`).src(cidr).jump(externalTrafficChain))
      const a = ctx.nodeIP ? parseAddr(ctx.nodeIP) : undefined
      if (a && prefixContains(parsePrefix(cidr)!, a)) allowFromNode = true
    }
    if (allowFromNode) for (const ip of sp.loadBalancerVIPs) append(nat, chains.fw, r(family).comment(`${sp.nameString} loadbalancer IP`).src(ip).jump(externalTrafficChain))
    append(nat, chains.fw, r(family).comment(`other traffic to ${sp.nameString} will be dropped by KUBE-PROXY-FIREWALL`).done())
  }
}

/** proxier.go, per endpoint: its KUBE-SEP- chain marks traffic that loops back to the originator for SNAT, then DNATs to the endpoint. */
function writeEndpointChains(ctx: ProxierContext, nat: IptTable, sp: ServicePortInfo, sepChain: (ep: EndpointInfo) => string, endpoints: EndpointInfo[], largeCluster: boolean): void {
  const { family } = ctx
  for (const ep of endpoints) {
    const chain = sepChain(ep)
    const masq = withComment(r(family), sp.nameString, largeCluster).src(ep.ip).jump('KUBE-MARK-MASQ')
    const b = withComment(r(family), sp.nameString, largeCluster)
    if (sp.sessionAffinityClientIP) b.match('recent', opt('name', chain), opt('set'))
    appendAll(nat, chain, masq, b.l4(sp.proto).jump('DNAT', opt('to-destination', ep.str)))
  }
}

/** Appends to the service port's KUBE-SVC- or KUBE-SVL- chain (given as its rule list) the jumps to its endpoints' chains. */
function writeServiceToEndpointRules(ctx: ProxierContext, svcRules: IptRule[], sp: ServicePortInfo, sepChain: (ep: EndpointInfo) => string, endpoints: EndpointInfo[], largeCluster: boolean): void {
  const { family } = ctx
  if (sp.sessionAffinityClientIP) {
    for (const ep of endpoints) {
      const chain = sepChain(ep)
      const b = r(family)
      if (!largeCluster) b.comment(`${sp.nameString} -> ${ep.str}`)
      svcRules.push(b.match('recent', opt('name', chain), opt('rcheck'), opt('seconds', String(sp.stickyMaxAgeSeconds)), opt('reap')).jump(chain))
    }
  }
  const n = endpoints.length
  endpoints.forEach((ep, i) => {
    const b = r(family)
    if (!largeCluster) b.comment(`${sp.nameString} -> ${ep.str}`)
    if (i < n - 1) b.sharedMatch(statisticMatch(n - i))
    svcRules.push(b.jump(sepChain(ep)))
  })
}

/** A rule to build, in the words of kube-proxy's argument lists (a module function: a closure per service port costs more, thousands of times). */
function r(family: IPFamily): RuleBuilder {
  return new RuleBuilder(family)
}

/** kube-proxy leaves the per-endpoint comments out of a large cluster's rules */
function withComment(b: RuleBuilder, text: string, largeCluster: boolean): RuleBuilder {
  return largeCluster ? b : b.comment(text)
}

function ifNotLocal(b: RuleBuilder, d: LocalDetector): RuleBuilder {
  return d.kind === 'src' ? b.src(d.value, true) : b.inIface(d.value, true)
}

function ifLocal(b: RuleBuilder, d: LocalDetector): RuleBuilder {
  return d.kind === 'src' ? b.src(d.value) : b.inIface(d.value)
}

/** The rule kubelet (and kube-proxy with localhost NodePorts) keeps in KUBE-FIREWALL. */
export function kubeFirewallRule() {
  return new RuleBuilder('IPv4')
    .comment('block incoming localnet connections')
    .dst('127.0.0.0/8')
    .src('127.0.0.0/8', true)
    .match('conntrack', negOpt('ctstate', 'RELATED,ESTABLISHED,DNAT'))
    .jump('DROP')
}

/** pkg/proxy/util/nodeport_addresses.go: unset, or a zero CIDR (0.0.0.0/0, ::/0) among them, matches every local address. */
export function nodePortAddressesMatchAll(cfg: ProxyConfig): boolean {
  return cfg.nodePortAddresses.length === 0 || cfg.nodePortAddresses.some((c) => /^(0\.0\.0\.0|::)\/0$/.test(c.trim()))
}

/** --nodeport-addresses: "primary" means the node's own IPs; otherwise the node addresses inside the CIDRs. */
export function nodePortIPs(ctx: ProxierContext): string[] {
  const ips = ctx.node.internalIPs.filter((ip) => ipFamilyOf(ip) === ctx.family)
  if (ctx.cfg.nodePortAddresses.includes('primary')) return ips
  return ips.filter((ip) => ctx.cfg.nodePortAddresses.some((c) => {
    const p = parsePrefix(c)
    const a = parseAddr(ip)
    return !!p && !!a && prefixContains(p, a)
  }))
}
