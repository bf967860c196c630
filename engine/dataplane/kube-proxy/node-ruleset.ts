/**
 * Everything `iptables-save` shows on a node, built in the order the node's
 * components write it: kubelet first (KUBE-IPTABLES-HINT, KUBE-FIREWALL's
 * martian-packet rule, its canary chains), then kube-proxy (its jump rules
 * are prepended, so they end up in reverse of their list order, ahead of
 * kubelet's; then its restored chains), then the CNI agent (flannel appends
 * its FLANNEL-POSTRTG and FLANNEL-FWD jumps).
 * With Cilium's kube-proxy replacement only kubelet's chains are there.
 * Simplified: the policy chains of Calico (cali-*), Cilium (CILIUM_*),
 * Weave and Antrea, the portmap plugin's CNI-HOSTPORT-* chains and the
 * bridge plugin's per-container CNI-* masquerade chains are not shown.
 */
import type { Cluster, Node } from '../../model/types.ts'
import { ipFamilyOf } from '../../net/ip.ts'
import type { IPFamily } from '../../net/ip.ts'
import { nodePlumbing } from '../cni/index.ts'
import { proxyConfig } from './config.ts'
import { kubeFirewallRule, programIptables, proxierContext } from './iptables.ts'
import { programIpvsIptables } from './ipvs.ts'
import { RuleBuilder, append, ensureChain, newTable, opt, prepend } from './netfilter.ts'
import type { IptRule, IptTable, Ruleset } from './netfilter.ts'

const cache = new WeakMap<Cluster, Map<string, Ruleset>>()

/**
 * The node's iptables (IPv4) or ip6tables (IPv6) ruleset.
 *
 * @example
 * nodeRuleset(cluster, node, 'IPv4').tables.map((t) => t.name) // ['mangle', 'filter', 'nat']
 */
export function nodeRuleset(cluster: Cluster, node: Node, family: IPFamily): Ruleset {
  let perCluster = cache.get(cluster)
  if (!perCluster) cache.set(cluster, (perCluster = new Map()))
  const key = `${node.meta.name}/${family}`
  let rs = perCluster.get(key)
  if (!rs) perCluster.set(key, (rs = build(cluster, node, family)))
  return rs
}

function jump(family: IPFamily, target: string, comment?: string, ctstateNew = false): IptRule {
  const b = new RuleBuilder(family)
  if (ctstateNew) b.match('conntrack', opt('ctstate', 'NEW'))
  if (comment) b.comment(comment)
  return b.jump(target)
}

/** utiliptables EnsureRule(Prepend): nothing happens when an identical rule is there already. */
function ensurePrepend(t: IptTable, chain: string, rule: IptRule): void {
  const c = ensureChain(t, chain)
  const same = c.rules.some((r) => JSON.stringify(r) === JSON.stringify(rule))
  if (!same) prepend(t, chain, rule)
}

function build(cluster: Cluster, node: Node, family: IPFamily): Ruleset {
  const mangle = newTable('mangle')
  const filter = newTable('filter')
  const nat = newTable('nat')
  const cfg = proxyConfig(cluster)

  // kubelet (pkg/kubelet/kubelet_network_linux.go syncIPTablesRules)
  ensureChain(mangle, 'KUBE-IPTABLES-HINT')
  if (family === 'IPv4') {
    ensureChain(filter, 'KUBE-FIREWALL').rules.push(kubeFirewallRule())
    ensurePrepend(filter, 'OUTPUT', jump(family, 'KUBE-FIREWALL'))
    ensurePrepend(filter, 'INPUT', jump(family, 'KUBE-FIREWALL'))
  }
  for (const t of [mangle, nat, filter]) ensureChain(t, 'KUBE-KUBELET-CANARY')

  const ctx = proxierContext(cluster, node, family)
  // Cilium's kube-proxy replacement: no kube-proxy, so none of its chains; kubelet's stay (above)
  if (cluster.config.kubeProxyReplacement) {
    // nothing: Services are Cilium's eBPF programs and maps (cilium-dbg bpf lb list)
  } else if (cfg.mode === 'iptables') {
    // pkg/proxy/iptables/proxier.go iptablesJumpChains, each EnsureRule(Prepend)
    const jumps: [IptTable, string, string, string, boolean][] = [
      [filter, 'KUBE-EXTERNAL-SERVICES', 'INPUT', 'kubernetes externally-visible service portals', true],
      [filter, 'KUBE-EXTERNAL-SERVICES', 'FORWARD', 'kubernetes externally-visible service portals', true],
      [filter, 'KUBE-NODEPORTS', 'INPUT', 'kubernetes health check service ports', false],
      [filter, 'KUBE-SERVICES', 'FORWARD', 'kubernetes service portals', true],
      [filter, 'KUBE-SERVICES', 'OUTPUT', 'kubernetes service portals', true],
      [filter, 'KUBE-FORWARD', 'FORWARD', 'kubernetes forwarding rules', false],
      [filter, 'KUBE-PROXY-FIREWALL', 'INPUT', 'kubernetes load balancer firewall', true],
      [filter, 'KUBE-PROXY-FIREWALL', 'OUTPUT', 'kubernetes load balancer firewall', true],
      [filter, 'KUBE-PROXY-FIREWALL', 'FORWARD', 'kubernetes load balancer firewall', true],
      [nat, 'KUBE-SERVICES', 'OUTPUT', 'kubernetes service portals', false],
      [nat, 'KUBE-SERVICES', 'PREROUTING', 'kubernetes service portals', false],
      [nat, 'KUBE-POSTROUTING', 'POSTROUTING', 'kubernetes postrouting rules', false],
    ]
    for (const [t, dst, src, comment, ctNew] of jumps) {
      ensureChain(t, dst)
      ensurePrepend(t, src, jump(family, dst, comment, ctNew))
    }
    if (family === 'IPv4') {
      ensurePrepend(filter, 'INPUT', jump(family, 'KUBE-FIREWALL'))
      ensurePrepend(filter, 'OUTPUT', jump(family, 'KUBE-FIREWALL'))
    }
    for (const t of [mangle, nat, filter]) ensureChain(t, 'KUBE-PROXY-CANARY')
    programIptables(ctx, filter, nat)
  } else if (cfg.mode === 'ipvs') {
    // IPVS mode's chains: compiled only for a cluster in that mode (issue 20)
    ipvsJumps(cluster, node, family, ctx, mangle, filter, nat)
  }

  const cni = cluster.config.cni
  if ((cni === 'flannel' || cni === 'canal') && family === 'IPv4') flannelRules(cluster, node, filter, nat)
  return { family, tables: [mangle, filter, nat] }
}

/** IPVS mode: kube-proxy's jump chains beside its IPVS virtual servers, and the ipset-matching rules. */
function ipvsJumps(cluster: Cluster, node: Node, family: IPFamily, ctx: ReturnType<typeof proxierContext>, mangle: IptTable, filter: IptTable, nat: IptTable): void {
  // pkg/proxy/ipvs/proxier.go iptablesJumpChain
  const jumps: [IptTable, string, string, string][] = [
    [nat, 'OUTPUT', 'KUBE-SERVICES', 'kubernetes service portals'],
    [nat, 'PREROUTING', 'KUBE-SERVICES', 'kubernetes service portals'],
    [nat, 'POSTROUTING', 'KUBE-POSTROUTING', 'kubernetes postrouting rules'],
    [filter, 'FORWARD', 'KUBE-FORWARD', 'kubernetes forwarding rules'],
    [filter, 'INPUT', 'KUBE-NODE-PORT', 'kubernetes health check rules'],
    [filter, 'INPUT', 'KUBE-PROXY-FIREWALL', 'kube-proxy firewall rules'],
    [filter, 'FORWARD', 'KUBE-PROXY-FIREWALL', 'kube-proxy firewall rules'],
  ]
  for (const [t, from, to, comment] of jumps) {
    ensureChain(t, to)
    ensurePrepend(t, from, jump(family, to, comment))
  }
  for (const t of [mangle, nat, filter]) ensureChain(t, 'KUBE-PROXY-CANARY')
  programIpvsIptables(ctx, nodePlumbing(cluster, node).host.links, filter, nat)
}

/** flannel pkg/trafficmngr/iptables MasqRules and ForwardRules (flanneld runs with --ip-masq). */
function flannelRules(cluster: Cluster, node: Node, filter: IptTable, nat: IptTable): void {
  const family: IPFamily = 'IPv4'
  const podCidr = node.podCIDRs.find((c) => ipFamilyOf(c.split('/')[0]) === family)
  const clusterCidrs = cluster.config.podCIDRs.filter((c) => ipFamilyOf(c.split('/')[0]) === family)
  if (!podCidr || clusterCidrs.length === 0) return
  const r = () => new RuleBuilder(family).comment('flanneld masq')
  const mark = proxyConfig(cluster).masqueradeMark
  append(nat, 'POSTROUTING', r().jump('FLANNEL-POSTRTG'))
  append(nat, 'FLANNEL-POSTRTG', new RuleBuilder(family).match('mark', opt('mark', `${mark}/${mark}`)).comment('flanneld masq').jump('RETURN'))
  for (const c of clusterCidrs) {
    append(nat, 'FLANNEL-POSTRTG', r().src(podCidr).dst(c).jump('RETURN'))
    append(nat, 'FLANNEL-POSTRTG', r().src(c).dst(podCidr).jump('RETURN'))
  }
  for (const c of clusterCidrs) append(nat, 'FLANNEL-POSTRTG', r().src(c, true).dst(podCidr).jump('RETURN'))
  for (const c of clusterCidrs) append(nat, 'FLANNEL-POSTRTG', r().src(c).dst('224.0.0.0/4', true).jump('MASQUERADE', opt('random-fully')))
  for (const c of clusterCidrs) append(nat, 'FLANNEL-POSTRTG', r().src(c, true).dst(c).jump('MASQUERADE', opt('random-fully')))
  const f = () => new RuleBuilder(family).comment('flanneld forward')
  append(filter, 'FORWARD', f().jump('FLANNEL-FWD'))
  for (const c of clusterCidrs) {
    append(filter, 'FLANNEL-FWD', f().src(c).jump('ACCEPT'))
    append(filter, 'FLANNEL-FWD', f().dst(c).jump('ACCEPT'))
  }
}
