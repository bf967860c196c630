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
import { iptablesChains, sepChain } from './chain-names.ts'
import { RuleBuilder, append, ensureChain, negOpt, opt } from './netfilter.ts'
import type { IptTable } from './netfilter.ts'

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
  const r = () => new RuleBuilder(family)
  // localhost NodePorts need route_localnet and only work for IPv4 with nodePortAddresses covering loopback
  const localhostNodePorts = cfg.localhostNodePorts && !isIPv6 && nodePortAddressesMatchAll(cfg)
  for (const c of ['KUBE-SERVICES', 'KUBE-EXTERNAL-SERVICES', 'KUBE-FORWARD', 'KUBE-NODEPORTS', 'KUBE-PROXY-FIREWALL']) ensureChain(filter, c)
  for (const c of ['KUBE-SERVICES', 'KUBE-NODEPORTS', 'KUBE-POSTROUTING', 'KUBE-MARK-MASQ']) ensureChain(nat, c)

  append(nat, 'KUBE-POSTROUTING', r().match('mark', negOpt('mark', `${mark}/${mark}`)).jump('RETURN'))
  append(nat, 'KUBE-POSTROUTING', r().jump('MARK', opt('xor-mark', mark)))
  // ipt.HasRandomFully(): true for every iptables a current node ships
  append(nat, 'KUBE-POSTROUTING', r().comment('kubernetes service traffic requiring SNAT').jump('MASQUERADE', opt('random-fully')))
  append(nat, 'KUBE-MARK-MASQ', r().jump('MARK', opt('or-mark', mark)))

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
  const withComment = (b: RuleBuilder, text: string) => (largeCluster ? b : b.comment(text))

  for (const sp of ports) {
    const chains = iptablesChains(sp)
    const { clusterEndpoints, localEndpoints, allReachable, hasAnyEndpoints: hasEndpoints } = categorizeEndpoints(endpointsFor(ctx.cluster, family, sp), sp, ctx.node.meta.name)
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

    // Capture the clusterIP.
    if (hasInternalEndpoints) {
      append(nat, 'KUBE-SERVICES', r().comment(`${sp.nameString} cluster IP`).l4(sp.proto).dst(sp.clusterIP).dport(port).jump(internalPolicyChain))
    } else {
      append(filter, 'KUBE-SERVICES', r().comment(internalFilterComment).l4(sp.proto).dst(sp.clusterIP).dport(port).jump(internalFilterTarget))
    }
    // Capture externalIPs.
    for (const ip of sp.externalIPs) {
      if (hasEndpoints) append(nat, 'KUBE-SERVICES', r().comment(`${sp.nameString} external IP`).l4(sp.proto).dst(ip).dport(port).jump(externalTrafficChain))
      if (!hasExternalEndpoints) append(filter, 'KUBE-EXTERNAL-SERVICES', r().comment(externalFilterComment).l4(sp.proto).dst(ip).dport(port).jump(externalFilterTarget))
    }
    // Capture load-balancer ingress.
    for (const ip of sp.loadBalancerVIPs) {
      if (hasEndpoints) append(nat, 'KUBE-SERVICES', r().comment(`${sp.nameString} loadbalancer IP`).l4(sp.proto).dst(ip).dport(port).jump(loadBalancerTrafficChain))
      if (usesFWChain) append(filter, 'KUBE-PROXY-FIREWALL', r().comment(`${sp.nameString} traffic not accepted by ${chains.fw}`).l4(sp.proto).dst(ip).dport(port).jump('DROP'))
    }
    if (!hasExternalEndpoints) {
      for (const ip of sp.loadBalancerVIPs) append(filter, 'KUBE-EXTERNAL-SERVICES', r().comment(externalFilterComment).l4(sp.proto).dst(ip).dport(port).jump(externalFilterTarget))
    }
    // Capture nodeports.
    if (sp.nodePort !== 0) {
      if (hasEndpoints) {
        if (localhostNodePorts) {
          append(nat, 'KUBE-NODEPORTS', r().comment(sp.nameString).l4(sp.proto).dst('127.0.0.0/8').dport(sp.nodePort).match('nfacct', opt('nfacct-name', NFACCT_LOCALHOST_NODEPORT)).jump(externalTrafficChain))
        }
        append(nat, 'KUBE-NODEPORTS', r().comment(sp.nameString).l4(sp.proto).dport(sp.nodePort).jump(externalTrafficChain))
      }
      if (!hasExternalEndpoints) {
        const b = r().comment(externalFilterComment).match('addrtype', opt('dst-type', 'LOCAL')).l4(sp.proto).dport(sp.nodePort)
        append(filter, 'KUBE-EXTERNAL-SERVICES', b.jump(externalFilterTarget))
      }
    }
    // Capture healthCheckNodePorts.
    if (sp.healthCheckNodePort !== 0) {
      append(filter, 'KUBE-NODEPORTS', r().comment(`${sp.nameString} health check node port`).l4('tcp').dport(sp.healthCheckNodePort).jump('ACCEPT'))
    }

    // Set up internal traffic handling.
    if (hasInternalEndpoints) {
      const b = r().comment(`${sp.nameString} cluster IP`).l4(sp.proto).dst(sp.clusterIP).dport(port)
      if (cfg.masqueradeAll) append(nat, internalPolicyChain, b.jump('KUBE-MARK-MASQ'))
      else if (detector.implemented) append(nat, internalPolicyChain, ifNotLocal(b, detector).jump('KUBE-MARK-MASQ'))
    }
    // Set up external traffic handling.
    if (usesExternalTrafficChain) {
      ensureChain(nat, externalTrafficChain)
      if (!sp.externalPolicyLocal) {
        append(nat, externalTrafficChain, r().comment(`masquerade traffic for ${sp.nameString} external destinations`).jump('KUBE-MARK-MASQ'))
      } else {
        if (detector.implemented) append(nat, externalTrafficChain, ifLocal(r().comment(`pod traffic for ${sp.nameString} external destinations`), detector).jump(chains.svc))
        append(nat, externalTrafficChain, r().comment(`masquerade LOCAL traffic for ${sp.nameString} external destinations`).match('addrtype', opt('src-type', 'LOCAL')).jump('KUBE-MARK-MASQ'))
        append(nat, externalTrafficChain, r().comment(`route LOCAL traffic for ${sp.nameString} external destinations`).match('addrtype', opt('src-type', 'LOCAL')).jump(chains.svc))
      }
      if (hasExternalEndpoints) append(nat, externalTrafficChain, r().jump(externalPolicyChain))
    }
    // Set up firewall chain, if needed.
    if (usesFWChain) {
      ensureChain(nat, chains.fw)
      let allowFromNode = false
      for (const cidr of sp.loadBalancerSourceRanges) {
        append(nat, chains.fw, r().comment(`${sp.nameString} loadbalancer IP`).src(cidr).jump(externalTrafficChain))
        const a = ctx.nodeIP ? parseAddr(ctx.nodeIP) : undefined
        if (a && prefixContains(parsePrefix(cidr)!, a)) allowFromNode = true
      }
      if (allowFromNode) for (const ip of sp.loadBalancerVIPs) append(nat, chains.fw, r().comment(`${sp.nameString} loadbalancer IP`).src(ip).jump(externalTrafficChain))
      append(nat, chains.fw, r().comment(`other traffic to ${sp.nameString} will be dropped by KUBE-PROXY-FIREWALL`).done())
    }
    if (usesClusterPolicyChain) {
      ensureChain(nat, chains.svc)
      writeServiceToEndpointRules(ctx, nat, sp, chains.svc, clusterEndpoints, largeCluster)
    }
    if (usesLocalPolicyChain) {
      ensureChain(nat, chains.svl)
      writeServiceToEndpointRules(ctx, nat, sp, chains.svl, localEndpoints, largeCluster)
    }
    // Generate the per-endpoint chains.
    for (const ep of allReachable) {
      const chain = sepChain(sp, ep)
      const rules = ensureChain(nat, chain).rules
      rules.push(withComment(r(), sp.nameString).src(ep.ip).jump('KUBE-MARK-MASQ'))
      const b = withComment(r(), sp.nameString)
      if (sp.sessionAffinityClientIP) b.match('recent', opt('name', chain), opt('set'))
      rules.push(b.l4(sp.proto).jump('DNAT', opt('to-destination', ep.str)))
    }
  }

  // Finally, tail-call to the nodePorts chain: this must come after all other service portal rules.
  if (nodePortAddressesMatchAll(cfg)) {
    const b = r().comment('kubernetes service nodeports; NOTE: this must be the last rule in this chain').match('addrtype', opt('dst-type', 'LOCAL'))
    if (isIPv6) b.dst('::1/128', true)
    else if (!localhostNodePorts) b.dst('127.0.0.0/8', true)
    append(nat, 'KUBE-SERVICES', b.jump('KUBE-NODEPORTS'))
  } else {
    for (const ip of nodePortIPs(ctx)) {
      append(nat, 'KUBE-SERVICES', r().comment('kubernetes service nodeports; NOTE: this must be the last rule in this chain').dst(ip).jump('KUBE-NODEPORTS'))
    }
  }

  // nf_conntrack_tcp_be_liberal is 0 by default, so INVALID packets are dropped (issue 74839)
  append(filter, 'KUBE-FORWARD', r().match('conntrack', opt('ctstate', 'INVALID')).match('nfacct', opt('nfacct-name', NFACCT_INVALID)).jump('DROP'))
  append(filter, 'KUBE-FORWARD', r().comment('kubernetes forwarding rules').match('mark', opt('mark', `${mark}/${mark}`)).jump('ACCEPT'))
  append(filter, 'KUBE-FORWARD', r().comment('kubernetes forwarding conntrack rule').match('conntrack', opt('ctstate', 'RELATED,ESTABLISHED')).jump('ACCEPT'))
}

function writeServiceToEndpointRules(ctx: ProxierContext, nat: IptTable, sp: ServicePortInfo, svcChain: string, endpoints: EndpointInfo[], largeCluster: boolean): void {
  const r = () => new RuleBuilder(ctx.family)
  if (sp.sessionAffinityClientIP) {
    for (const ep of endpoints) {
      const chain = sepChain(sp, ep)
      const b = r()
      if (!largeCluster) b.comment(`${sp.nameString} -> ${ep.str}`)
      append(nat, svcChain, b.match('recent', opt('name', chain), opt('rcheck'), opt('seconds', String(sp.stickyMaxAgeSeconds)), opt('reap')).jump(chain))
    }
  }
  const n = endpoints.length
  endpoints.forEach((ep, i) => {
    const b = r()
    if (!largeCluster) b.comment(`${sp.nameString} -> ${ep.str}`)
    if (i < n - 1) b.match('statistic', opt('mode', 'random'), opt('probability', probability(n - i)))
    append(nat, svcChain, b.jump(sepChain(sp, ep)))
  })
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

export function nodePortAddressesMatchAll(cfg: ProxyConfig): boolean {
  return cfg.nodePortAddresses.length === 0
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
