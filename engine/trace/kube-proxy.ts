/**
 * kube-proxy on the node a packet enters: which chain (or virtual server, or
 * nftables map element) catches it, which endpoint the random rule (or the
 * IPVS scheduler) picks, the DNAT, and whether the packet is marked for
 * masquerade. The decisions follow pkg/proxy/iptables/proxier.go
 * syncProxyRules (the same categorisation the dataplane module renders into
 * iptables-save), pkg/proxy/nftables/proxier.go and pkg/proxy/ipvs/proxier.go;
 * the rule texts shown are read from the dataplane module's rulesets, so the
 * trace quotes exactly what `iptables-save` / `nft list table` / `ipvsadm`
 * print on that node.
 *
 * Random choices are a hash of the connection (ClientIP affinity: of the
 * client address alone), so a trace is reproducible; the chance of each
 * candidate is what the rules give it (1/n for every mode's random pick and
 * for IPVS round robin over many connections).
 */
import type { Node } from '../model/types.ts'
import type { IPFamily } from '../net/ip.ts'
import { ipFamilyOf, ipInPrefixText } from '../net/ip.ts'
import {
  categorizeEndpoints,
  topologyModeFromHints,
  endpointsFor,
  iptablesChains,
  kubeProxyTable,
  nftEndpointBase,
  nftServiceBase,
  nodePlumbing,
  nodeRuleset,
  probability,
  proxyConfig,
  saveRule,
  sepChain,
  virtualServers,
} from '../dataplane/index.ts'
import type { EndpointInfo, ProxyConfig, ServicePortInfo } from '../dataplane/index.ts'
import type { WalkContext } from './context.ts'
import { hostPort, push } from './context.ts'
import { pickIndex, tupleKey } from './choice.ts'
import { isLoopback } from './netns.ts'
import type { ServiceHit } from './service-index.ts'
import type { Alternative, Tuple } from './types.ts'

export interface ProxyOutcome {
  kind: 'dnat' | 'reject' | 'drop'
  tuple: Tuple
  endpoint?: EndpointInfo
  sp: ServicePortInfo
}

export interface Entry {
  /** nat PREROUTING (a packet arriving) or nat OUTPUT (sent by the node itself) */
  chain: 'PREROUTING' | 'OUTPUT'
  /** the source is one of the node's own addresses (fib saddr type local / addrtype --src-type LOCAL) */
  srcLocal: boolean
}

type Ruleset = ReturnType<typeof nodeRuleset>
type Rule = NonNullable<ReturnType<Ruleset['tables'][number]['chains']['get']>>['rules'][number]
type NftTable = ReturnType<typeof kubeProxyTable>

/** iptables-save's text of the first rule of `chain` that satisfies `pred`. */
function ruleIn(rs: Ruleset, table: string, chain: string, pred: (r: Rule) => boolean): string | undefined {
  const c = rs.tables.find((t) => t.name === table)?.chains.get(chain)
  const r = c?.rules.find(pred)
  return r ? saveRule(chain, r, rs.family) : undefined
}

const target = (name: string) => (r: Rule) => r.target?.name === name
const dstIs = (ip: string) => (r: Rule) => !!r.dst && !r.dst.neg && r.dst.cidr.split('/')[0] === ip
const dportIs = (port: number) => (r: Rule) => r.matches.some((m) => m.opts.some((o) => o.name === 'dport' && o.values[0] === String(port)))
const and = (...ps: ((r: Rule) => boolean)[]) => (r: Rule) => ps.every((p) => p(r))

function nftRule(t: NftTable, chain: string, pred: (r: string) => boolean = () => true): string | undefined {
  const c = t.objects.find((o) => o.kind === 'chain' && o.name === chain)
  return c && c.kind === 'chain' ? c.rules.find(pred) : undefined
}

function nftElement(t: NftTable, set: string, keyText: string): string | undefined {
  const s = t.objects.find((o) => o.kind !== 'chain' && o.name === set)
  if (!s || s.kind === 'chain') return undefined
  const e = s.elements.find((x) => x.key === keyText)
  return e ? `${e.key}${e.comment ? ` comment "${e.comment}"` : ''}${e.value ? ` : ${e.value}` : ''}` : undefined
}

/**
 * Whether kube-proxy serves NodePorts on the loopback address `ip` of `node`:
 * iptables mode only, IPv4 only, when its KUBE-SERVICES jump to
 * KUBE-NODEPORTS takes 127.0.0.0/8 (pkg/proxy/iptables/proxier.go: with
 * iptables.localhostNodePorts, the default, and nodePortAddresses covering
 * 127.0.0.1 it sets net.ipv4.conf.all.route_localnet=1 and leaves out the
 * `! -d 127.0.0.0/8` it otherwise adds). Read from the node's ruleset, so the
 * trace agrees with `iptables-save`.
 *
 * @example
 * localhostNodePorts(ctx, node, '127.0.0.1') // true with the defaults in iptables mode
 */
export function localhostNodePorts(ctx: WalkContext, node: Node, ip: string): boolean {
  if (proxyConfig(ctx.cluster).mode !== 'iptables' || ipFamilyOf(ip) !== 'IPv4') return false
  const rules = nodeRuleset(ctx.cluster, node, 'IPv4').tables.find((t) => t.name === 'nat')?.chains.get('KUBE-SERVICES')?.rules ?? []
  return rules.some((r) => r.target?.name === 'KUBE-NODEPORTS' && (!r.dst || (!r.dst.neg && ipInPrefixText(ip, r.dst.cidr))))
}

/** kube-proxy's local traffic detector (pkg/proxy/util/localdetector.go) for a source address. */
function fromPodNetwork(cfg: ProxyConfig, node: Node, src: string, family: IPFamily): boolean | undefined {
  if (cfg.detectLocalMode === 'ClusterCIDR' || cfg.detectLocalMode === 'NodeCIDR') {
    const list = cfg.detectLocalMode === 'ClusterCIDR' ? cfg.clusterCIDRs : node.podCIDRs
    const cidr = list.find((c) => ipFamilyOf(c.split('/')[0]) === family)
    return cidr ? ipInPrefixText(src, cidr) : undefined
  }
  // interface-based detection: a Pod's packet arrives on the bridge or a Pod veth
  if (cfg.detectLocalMode === 'BridgeInterface' || cfg.detectLocalMode === 'InterfaceNamePrefix') return cfg.clusterCIDRs.some((c) => ipInPrefixText(src, c))
  return undefined
}

const ipvsCache = new WeakMap<object, Map<string, ReturnType<typeof virtualServers>>>()

function ipvsFor(ctx: WalkContext, node: Node, family: IPFamily): ReturnType<typeof virtualServers> {
  let per = ipvsCache.get(ctx.cluster)
  if (!per) ipvsCache.set(ctx.cluster, (per = new Map()))
  const k = `${node.meta.name}/${family}`
  let v = per.get(k)
  if (!v) {
    const cfg = proxyConfig(ctx.cluster)
    const proxier = { cluster: ctx.cluster, node, family, cfg, nodeIP: node.internalIPs.find((ip) => ipFamilyOf(ip) === family) }
    per.set(k, (v = virtualServers(proxier, nodePlumbing(ctx.cluster, node).host.links)))
  }
  return v
}

function podOf(ctx: WalkContext, ep: EndpointInfo): string | undefined {
  const p = ctx.cluster.index.podByIP.get(ep.ip)
  return p ? `${p.meta.namespace}/${p.meta.name}` : undefined
}

/**
 * The endpoint a connection gets: the forced one (--all), else a hash of the
 * connection (of the client address with ClientIP affinity).
 */
export function choose(ctx: WalkContext, pool: EndpointInfo[], sp: ServicePortInfo, t: Tuple, affinity: boolean): number {
  if (ctx.force && !ctx.forced) {
    const i = pool.findIndex((e) => e.str === ctx.force)
    ctx.forced = true
    if (i >= 0) return i
  }
  return pickIndex(pool.length, affinity ? `affinity/${sp.nameString}/${t.src}` : `${sp.nameString}/${tupleKey(t)}`, ctx.seed)
}

export function recordAlternatives(ctx: WalkContext, pool: EndpointInfo[], chosen: number, ruleProbability: (i: number) => string | undefined): void {
  if (ctx.alternatives) return
  ctx.alternatives = pool.map((ep, i): Alternative => ({
    endpoint: ep.str,
    pod: podOf(ctx, ep),
    node: ep.nodeName,
    probability: 1 / pool.length,
    ruleProbability: ruleProbability(i),
    chosen: i === chosen,
  }))
}

export function candidatesText(ctx: WalkContext, pool: EndpointInfo[], chosen: number): string {
  return pool.map((ep, i) => `${ep.str}${podOf(ctx, ep) ? ` (${podOf(ctx, ep)})` : ''}${i === chosen ? ' ← picked' : ''}`).join(', ')
}

function dnatTuple(t: Tuple, ep: EndpointInfo): Tuple {
  return { ...t, dst: ep.ip, dport: ep.port }
}

/**
 * Runs kube-proxy's rules for a packet that hit a Service address or NodePort on `node`.
 *
 * @example
 * kubeProxy(ctx, node, tuple, serviceByDest(cluster, ip, 80, 'TCP')!, { chain: 'PREROUTING', srcLocal: false })
 */
export function kubeProxy(ctx: WalkContext, node: Node, t: Tuple, hit: ServiceHit, entry: Entry): ProxyOutcome {
  const mode = proxyConfig(ctx.cluster).mode
  if (mode === 'ipvs') return ipvsStage(ctx, node, t, hit, entry)
  return chainStage(ctx, node, t, hit, entry, mode)
}

interface Pools {
  sp: ServicePortInfo
  cluster: EndpointInfo[]
  local: EndpointInfo[]
  any: boolean
}

function pools(ctx: WalkContext, node: Node, sp: ServicePortInfo, family: IPFamily): Pools {
  const c = categorizeEndpoints(endpointsFor(ctx.cluster, family, sp), sp, node.meta.name, node.zone)
  return { sp, cluster: c.clusterEndpoints, local: c.localEndpoints, any: c.hasAnyEndpoints }
}

/** Why the pool is smaller than the Service: the EndpointSlice hints this node honours (pkg/proxy/topology.go). */
function topologyNote(ctx: WalkContext, node: Node, sp: ServicePortInfo, family: IPFamily, pool: EndpointInfo[]): string {
  const all = endpointsFor(ctx.cluster, family, sp)
  const mode = topologyModeFromHints(all, node.meta.name, node.zone)
  if (mode === '') {
    const ready = all.filter((e) => e.ready)
    // pkg/proxy/topology.go logs "Ignoring topology hints for service since no hints were provided for zone"
    if (ready.length > 0 && ready.every((e) => e.zoneHints?.length)) return ` Topology hints: none of the ${ready.length} ready endpoints is hinted for ${node.zone ? `zone ${node.zone}` : `${node.meta.name}, which has no zone label`}, so kube-proxy on ${node.meta.name} ignores the hints and uses them all.`
    return ''
  }
  const ready = all.filter((e) => e.ready).length
  const where = mode === 'PreferSameNode' ? `node ${node.meta.name}` : `zone ${node.zone}`
  return ` Topology hints: ${pool.length} of the ${ready} ready endpoints are hinted for ${where} (${mode === 'PreferSameNode' ? 'forNodes' : 'forZones'}), so kube-proxy on ${node.meta.name} programs only those.`
}

/** iptables and nftables: the same decisions, different chain names and rule texts. */
function chainStage(ctx: WalkContext, node: Node, t: Tuple, hit: ServiceHit, entry: Entry, mode: 'iptables' | 'nftables'): ProxyOutcome {
  const family = ipFamilyOf(t.dst) ?? 'IPv4'
  const cfg = proxyConfig(ctx.cluster)
  const sp = hit.sp
  const p = pools(ctx, node, sp, family)
  const rs = mode === 'iptables' ? nodeRuleset(ctx.cluster, node, family) : undefined
  const nft = mode === 'nftables' ? kubeProxyTable(ctx.cluster, node, family) : undefined
  const ipt = iptablesChains(sp)
  const base = nftServiceBase(sp)
  const names = {
    svc: mode === 'iptables' ? ipt.svc : `service-${base}`,
    svl: mode === 'iptables' ? ipt.svl : `local-${base}`,
    ext: mode === 'iptables' ? ipt.ext : `external-${base}`,
    fw: mode === 'iptables' ? ipt.fw : `firewall-${base}`,
  }
  const n = node.meta.name
  const handler = mode
  const natAt = (chain: string) => (mode === 'iptables' ? `${n} nat ${chain}` : `${n} table ${family === 'IPv4' ? 'ip' : 'ip6'} kube-proxy chain ${chain}`)
  const filterAt = (chain: string) => (mode === 'iptables' ? `${n} filter ${chain}` : natAt(chain))
  const proto = sp.proto
  const vkey = (ip: string, port: number) => `${ip} . ${proto} . ${port}`
  const srcPod = fromPodNetwork(cfg, node, t.src, family)

  const refuse = (why: string, chainIpt: string, pred: (r: Rule) => boolean, nftSet: string, nftKey: string, reject: boolean): ProxyOutcome => {
    const rule = mode === 'iptables'
      ? ruleIn(rs!, 'filter', chainIpt, pred)
      : `${nftRule(nft!, nftSet === 'no-endpoint-nodeports' ? 'nodeport-endpoints-check' : 'service-endpoints-check') ?? ''}  →  ${nftElement(nft!, nftSet, nftKey) ?? nftKey}`
    push(ctx, {
      at: mode === 'iptables' ? filterAt(chainIpt) : natAt(nftSet === 'no-endpoint-nodeports' ? 'nodeport-endpoints-check' : 'service-endpoints-check'),
      node: n,
      handler,
      rule,
      before: { ...t },
      after: { ...t },
      note: reject
        ? `${why}: kube-proxy rejects the packet (${mode === 'iptables' ? 'REJECT --reject-with icmp-port-unreachable' : 'reject'}); the client gets "Connection refused" at once`
        : `${why}: kube-proxy drops the packet (no reply), so the client waits until it times out`,
      verdict: reject ? 'reject' : 'drop',
    })
    return { kind: reject ? 'reject' : 'drop', tuple: t, sp }
  }

  // 1. how the packet is caught
  if (hit.via === 'cluster-ip') {
    if (!p.any) {
      return refuse(`${sp.nameString} has no endpoints`, 'KUBE-SERVICES', and(target('REJECT'), dstIs(sp.clusterIP), dportIs(sp.port)), 'no-endpoint-services', vkey(sp.clusterIP, sp.port), true)
    }
    if (sp.internalPolicyLocal && p.local.length === 0) {
      return refuse(`${sp.nameString} has no local endpoints (internalTrafficPolicy: Local) on ${n}`, 'KUBE-SERVICES', and(target('DROP'), dstIs(sp.clusterIP), dportIs(sp.port)), 'no-endpoint-services', vkey(sp.clusterIP, sp.port), false)
    }
    const chain = sp.internalPolicyLocal ? names.svl : names.svc
    push(ctx, {
      at: natAt(mode === 'iptables' ? 'KUBE-SERVICES' : 'services'),
      node: n,
      handler,
      rule: mode === 'iptables'
        ? ruleIn(rs!, 'nat', 'KUBE-SERVICES', and(target(chain), dstIs(sp.clusterIP)))
        : `${nftRule(nft!, 'services') ?? ''}  →  ${nftElement(nft!, 'service-ips', vkey(sp.clusterIP, sp.port)) ?? ''}`,
      before: { ...t },
      after: { ...t },
      note: `nat ${entry.chain} sends every new connection through kube-proxy's services ${mode === 'iptables' ? 'chain' : 'map'}; ${hostPort(sp.clusterIP, sp.port)}/${sp.protocol} is the ClusterIP of ${sp.nameString}`,
    })
    // masquerade for sources outside the Pod network (pkg/proxy/iptables: "! -s clusterCIDR -j KUBE-MARK-MASQ")
    if (cfg.masqueradeAll || srcPod === false) markForMasquerade(ctx, t, cfg, mode, rs, nft, n, natAt(chain), chain)
    return toEndpoint(ctx, node, t, sp, chain, sp.internalPolicyLocal ? p.local : p.cluster, mode, rs, nft, false)
  }

  // node ports, external and load-balancer IPs: a path of their own, compiled only when a packet takes it (issue 20)
  return externalStage({ ctx, node, t, hit, entry, mode, cfg, sp, p, rs, nft, names, n, handler, natAt, filterAt, proto, vkey, srcPod, refuse })
}

/** kube-proxy's KUBE-MARK-MASQ jump (nftables: mark-for-masquerade) for a ClusterIP packet from outside the Pod network, or for every one with masqueradeAll. */
function markForMasquerade(ctx: WalkContext, t: Tuple, cfg: ProxyConfig, mode: 'iptables' | 'nftables', rs: Ruleset | undefined, nft: NftTable | undefined, n: string, at: string, chain: string): void {
  ctx.marked = true
  push(ctx, {
    at,
    node: n,
    handler: mode,
    rule: mode === 'iptables' ? ruleIn(rs!, 'nat', chain, target('KUBE-MARK-MASQ')) : nftRule(nft!, chain, (r) => r.includes('mark-for-masquerade')),
    before: { ...t },
    after: { ...t },
    note: cfg.masqueradeAll ? 'masqueradeAll: every Service packet is marked for SNAT' : `the source ${t.src} is not in the Pod CIDR (${cfg.clusterCIDRs.join(', ')}), so the packet is marked (0x4000) for masquerade: the endpoint must reply through this node`,
  })
}

/** What chainStage has worked out for one packet, for the paths of traffic from outside. */
interface StageScope {
  ctx: WalkContext
  node: Node
  t: Tuple
  hit: ServiceHit
  entry: Entry
  mode: 'iptables' | 'nftables'
  cfg: ProxyConfig
  sp: ServicePortInfo
  p: Pools
  rs: Ruleset | undefined
  nft: NftTable | undefined
  names: { svc: string; svl: string; ext: string; fw: string }
  n: string
  handler: 'iptables' | 'nftables'
  natAt: (chain: string) => string
  filterAt: (chain: string) => string
  proto: string
  vkey: (ip: string, port: number) => string
  srcPod: boolean | undefined
  refuse: (why: string, chainIpt: string, pred: (r: Rule) => boolean, nftSet: string, nftKey: string, reject: boolean) => ProxyOutcome
}

/** A packet for a NodePort, an external IP or a load-balancer IP: how it is caught, then the external-traffic chain. */
function externalStage(s: StageScope): ProxyOutcome {
  const { ctx, node, t, hit, entry, mode, sp, p, rs, nft, names, n, handler, natAt, filterAt, proto, vkey, srcPod, refuse } = s
  let external = false
  if (hit.via === 'node-port') {
    external = true
    const loopback = isLoopback(t.dst)
    if (!p.any) {
      return refuse(`${sp.nameString} has no endpoints`, 'KUBE-EXTERNAL-SERVICES', and(target('REJECT'), dportIs(sp.nodePort)), 'no-endpoint-nodeports', `${proto} . ${sp.nodePort}`, true)
    }
    push(ctx, {
      at: natAt(mode === 'iptables' ? 'KUBE-SERVICES' : 'services'),
      node: n,
      handler,
      rule: mode === 'iptables'
        ? ruleIn(rs!, 'nat', 'KUBE-SERVICES', target('KUBE-NODEPORTS'))
        : `${nftRule(nft!, 'services', (r) => r.includes('service-nodeports')) ?? ''}  →  ${nftElement(nft!, 'service-nodeports', `${proto} . ${sp.nodePort}`) ?? ''}`,
      before: { ...t },
      after: { ...t },
      note: `${t.dst} is ${loopback ? 'a loopback address (addrtype LOCAL)' : `one of ${n}'s own addresses`}, so the packet reaches kube-proxy's NodePort ${mode === 'iptables' ? 'chain (last rule of KUBE-SERVICES)' : 'map'}; NodePort ${sp.nodePort}/${sp.protocol} belongs to ${sp.nameString}`,
    })
    if (mode === 'iptables') {
      push(ctx, {
        at: natAt('KUBE-NODEPORTS'),
        node: n,
        handler,
        // the localhost rule comes first; it jumps to the same chain and only counts (nfacct)
        rule: ruleIn(rs!, 'nat', 'KUBE-NODEPORTS', and(target(names.ext), dportIs(sp.nodePort), (r) => !!r.dst === loopback)),
        before: { ...t },
        after: { ...t },
        note: loopback
          ? `NodePort ${sp.nodePort} on localhost → the external-traffic chain of ${sp.nameString}. kube-proxy set net.ipv4.conf.all.route_localnet=1, so the kernel may route a 127.0.0.0/8 packet off lo once it is DNATed, and the packet is masqueraded: no endpoint could answer 127.0.0.1`
          : `NodePort ${sp.nodePort} → the external-traffic chain of ${sp.nameString}`,
      })
    }
  } else {
    // external IP or load-balancer IP
    external = true
    if (!p.any) {
      return refuse(`${sp.nameString} has no endpoints`, 'KUBE-EXTERNAL-SERVICES', and(target('REJECT'), dstIs(t.dst), dportIs(sp.port)), 'no-endpoint-services', vkey(t.dst, sp.port), true)
    }
    const fwUsed = hit.via === 'load-balancer' && sp.loadBalancerSourceRanges.length > 0
    push(ctx, {
      at: natAt(mode === 'iptables' ? 'KUBE-SERVICES' : 'services'),
      node: n,
      handler,
      rule: mode === 'iptables'
        ? ruleIn(rs!, 'nat', 'KUBE-SERVICES', and(target(fwUsed ? names.fw : names.ext), dstIs(t.dst)))
        : `${nftRule(nft!, 'services') ?? ''}  →  ${nftElement(nft!, 'service-ips', vkey(t.dst, sp.port)) ?? ''}`,
      before: { ...t },
      after: { ...t },
      note: `${t.dst} is ${hit.via === 'load-balancer' ? 'a load-balancer IP' : 'an external IP'} of ${sp.nameString}; kube-proxy handles it on the node itself`,
    })
    if (fwUsed && !sp.loadBalancerSourceRanges.some((c) => ipInPrefixText(t.src, c))) {
      push(ctx, {
        at: mode === 'iptables' ? filterAt('KUBE-PROXY-FIREWALL') : natAt(names.fw),
        node: n,
        handler,
        rule: mode === 'iptables' ? ruleIn(rs!, 'filter', 'KUBE-PROXY-FIREWALL', and(target('DROP'), dstIs(t.dst))) : nftRule(nft!, names.fw),
        before: { ...t },
        after: { ...t },
        note: `${t.src} is not in loadBalancerSourceRanges (${sp.loadBalancerSourceRanges.join(', ')}): dropped`,
        verdict: 'drop',
      })
      return { kind: 'drop', tuple: t, sp }
    }
  }

  // 2. the external-traffic chain (KUBE-EXT-… / external-…)
  if (external) {
    const extRule = (pred: (r: Rule) => boolean, nftPred: (r: string) => boolean) => (mode === 'iptables' ? ruleIn(rs!, 'nat', names.ext, pred) : nftRule(nft!, names.ext, nftPred))
    if (!sp.externalPolicyLocal) {
      ctx.marked = true
      push(ctx, {
        at: natAt(names.ext),
        node: n,
        handler,
        rule: extRule(target('KUBE-MARK-MASQ'), (r) => r === 'jump mark-for-masquerade'),
        before: { ...t },
        after: { ...t },
        note: 'externalTrafficPolicy: Cluster: any endpoint in the cluster may serve, so the packet is marked for masquerade (SNAT to this node) to bring the reply back through here; the Pod will not see the client address',
      })
      return toEndpoint(ctx, node, t, sp, names.svc, p.cluster, mode, rs, nft, true)
    }
    if (srcPod) {
      push(ctx, {
        at: natAt(names.ext),
        node: n,
        handler,
        rule: extRule(target(names.svc), (r) => r.includes('short-circuit pod traffic')),
        before: { ...t },
        after: { ...t },
        note: 'externalTrafficPolicy: Local, but the packet comes from a Pod: kube-proxy short-circuits it to the cluster-wide endpoints',
      })
      return toEndpoint(ctx, node, t, sp, names.svc, p.cluster, mode, rs, nft, true)
    }
    if (entry.srcLocal) {
      ctx.marked = true
      push(ctx, {
        at: natAt(names.ext),
        node: n,
        handler,
        rule: extRule(and(target('KUBE-MARK-MASQ')), (r) => r.includes('masquerade local traffic')),
        before: { ...t },
        after: { ...t },
        note: 'externalTrafficPolicy: Local, but the node itself sends the packet: kube-proxy masquerades it and uses the cluster-wide endpoints',
      })
      return toEndpoint(ctx, node, t, sp, names.svc, p.cluster, mode, rs, nft, true)
    }
    if (p.local.length === 0) {
      const nodePort = hit.via === 'node-port'
      return refuse(
        `externalTrafficPolicy: Local and ${n} has no ready endpoint of ${sp.nameString}`,
        'KUBE-EXTERNAL-SERVICES',
        nodePort ? and(target('DROP'), dportIs(sp.nodePort)) : and(target('DROP'), dstIs(t.dst)),
        nodePort ? 'no-endpoint-nodeports' : 'no-endpoint-services',
        nodePort ? `${proto} . ${sp.nodePort}` : vkey(t.dst, sp.port),
        false,
      )
    }
    push(ctx, {
      at: natAt(names.ext),
      node: n,
      handler,
      rule: extRule(target(names.svl), (r) => r === `goto ${names.svl}`),
      before: { ...t },
      after: { ...t },
      note: `externalTrafficPolicy: Local: only endpoints on ${n}, and no masquerade, so the Pod sees the client's own address ${t.src}`,
    })
    return toEndpoint(ctx, node, t, sp, names.svl, p.local, mode, rs, nft, true)
  }
  return { kind: 'drop', tuple: t, sp }
}

/** The policy chain (KUBE-SVC/SVL, service-/local-) picks an endpoint and the endpoint chain DNATs. */
function toEndpoint(ctx: WalkContext, node: Node, t: Tuple, sp: ServicePortInfo, chain: string, pool: EndpointInfo[], mode: 'iptables' | 'nftables', rs: Ruleset | undefined, nft: NftTable | undefined, _external: boolean): ProxyOutcome {
  const n = node.meta.name
  const family = ipFamilyOf(t.dst) ?? 'IPv4'
  const natAt = (c: string) => (mode === 'iptables' ? `${n} nat ${c}` : `${n} table ${family === 'IPv4' ? 'ip' : 'ip6'} kube-proxy chain ${c}`)
  const affinity = sp.sessionAffinityClientIP
  const i = choose(ctx, pool, sp, t, affinity)
  const ep = pool[i]
  const count = pool.length
  const ruleProb = (k: number) => (mode === 'iptables' && k < count - 1 ? probability(count - k) : undefined)
  recordAlternatives(ctx, pool, i, ruleProb)
  const sep = mode === 'iptables' ? sepChain(sp, ep) : `endpoint-${nftEndpointBase(sp, ep)}`
  let how: string
  if (mode === 'iptables') {
    how = count === 1 ? 'one endpoint: the only rule jumps unconditionally' : i < count - 1 ? `rule ${i + 1} of ${count} (-m statistic --probability ${probability(count - i)}, i.e. 1/${count - i} of what the earlier rules left) matched` : `${count === 2 ? 'the random rule did not match' : `the first ${count - 1} random rules did not match`}, so the last rule (no statistic match) takes it`
  } else how = `numgen random mod ${count} gave ${i}`
  const aff = affinity
    ? ` ClientIP affinity: ${mode === 'iptables' ? `-m recent --rcheck --seconds ${sp.stickyMaxAgeSeconds} per endpoint` : 'the affinity sets'} send ${t.src} back to the endpoint it used last (for ${sp.stickyMaxAgeSeconds} s), so every connection from this client gets the same Pod;`
    : ''
  push(ctx, {
    at: natAt(chain),
    node: n,
    handler: mode,
    rule: mode === 'iptables' ? ruleIn(rs!, 'nat', chain, target(sep)) : nftRule(nft!, chain, (r) => r.startsWith('numgen')),
    before: { ...t },
    after: { ...t },
    note: `${count === 1 ? '1 endpoint' : `${count} endpoints, each with chance 1/${count}`}: ${candidatesText(ctx, pool, i)}.${topologyNote(ctx, node, sp, family, pool)}${aff} ${how}`.replace(/\s+/g, ' ').trim(),
  })
  const after = dnatTuple(t, ep)
  const hairpin = t.src === ep.ip
  if (hairpin) ctx.marked = true
  push(ctx, {
    at: natAt(sep),
    node: n,
    handler: mode,
    rule: mode === 'iptables' ? ruleIn(rs!, 'nat', sep, target('DNAT')) : nftRule(nft!, sep, (r) => r.includes('dnat to')),
    before: { ...t },
    after,
    note: hairpin
      ? `DNAT to ${ep.str}; the client is this very endpoint (hairpin), so "${mode === 'iptables' ? `-s ${ep.ip}/32 -j KUBE-MARK-MASQ` : `ip saddr ${ep.ip} jump mark-for-masquerade`}" marks it: it will be masqueraded to the node, or the Pod would answer itself directly`
      : `DNAT: destination rewritten to ${ep.str}; conntrack remembers the translation and will rewrite the reply's source back to ${hostPort(t.dst, t.dport)}`,
  })
  ctx.nat.push({ node: n, kind: 'dnat', before: { ...t }, after: { ...after }, by: mode === 'iptables' ? `iptables ${sep}` : `nftables ${sep}` })
  return { kind: 'dnat', tuple: after, endpoint: ep, sp }
}

/** IPVS: the Service address is local (kube-ipvs0), IPVS picks a real server and rewrites the destination (masquerading forwarding). */
function ipvsStage(ctx: WalkContext, node: Node, t: Tuple, hit: ServiceHit, entry: Entry): ProxyOutcome {
  const family = ipFamilyOf(t.dst) ?? 'IPv4'
  const cfg = proxyConfig(ctx.cluster)
  const sp = hit.sp
  const n = node.meta.name
  const rs = nodeRuleset(ctx.cluster, node, family)
  const vsPort = hit.via === 'node-port' ? sp.nodePort : sp.port
  const vs = ipvsFor(ctx, node, family).find((v) => v.address === t.dst && v.port === vsPort && v.protocol === sp.protocol)
  const srcPod = fromPodNetwork(cfg, node, t.src, family)
  const p = pools(ctx, node, sp, family)
  const setName = (s: string) => (family === 'IPv6' ? s.replace('KUBE-', 'KUBE-6-').slice(0, 31) : s)
  // the masquerade decision of writeIptablesRules
  let masq = false
  let masqRule: string | undefined
  let masqWhy = ''
  if (hit.via === 'cluster-ip') {
    if (cfg.masqueradeAll || srcPod === false) {
      masq = true
      masqRule = ruleIn(rs, 'nat', 'KUBE-SERVICES', and(target('KUBE-MARK-MASQ'), (r) => r.matches.some((m) => m.opts.some((o) => o.values[0] === setName('KUBE-CLUSTER-IP')))))
      masqWhy = `the source ${t.src} is outside the Pod CIDR, so the ipset KUBE-CLUSTER-IP rule marks it for masquerade`
    }
  } else if (hit.via === 'node-port') {
    masq = !sp.externalPolicyLocal
    masqRule = ruleIn(rs, 'nat', 'KUBE-NODE-PORT', (r) => r.matches.some((m) => m.opts.some((o) => o.values[0] === setName(`KUBE-NODE-PORT-${sp.externalPolicyLocal ? 'LOCAL-' : ''}${sp.protocol}`))))
    masqWhy = masq ? 'NodePort with externalTrafficPolicy: Cluster: KUBE-NODE-PORT-TCP marks it for masquerade' : 'externalTrafficPolicy: Local: KUBE-NODE-PORT-LOCAL returns before the masquerade mark, so the client address is kept'
  } else if (hit.via === 'load-balancer') {
    masq = !sp.externalPolicyLocal
    masqRule = ruleIn(rs, 'nat', masq ? 'KUBE-LOAD-BALANCER' : 'KUBE-LOAD-BALANCER', masq ? target('KUBE-MARK-MASQ') : target('RETURN'))
    masqWhy = masq ? 'load-balancer IP with externalTrafficPolicy: Cluster: KUBE-LOAD-BALANCER marks it for masquerade' : 'externalTrafficPolicy: Local: KUBE-LOAD-BALANCER-LOCAL returns before the masquerade mark'
  } else {
    masq = !sp.externalPolicyLocal
    masqRule = ruleIn(rs, 'nat', 'KUBE-SERVICES', and(target('KUBE-MARK-MASQ'), (r) => r.matches.some((m) => m.opts.some((o) => o.values[0] === setName('KUBE-EXTERNAL-IP')))))
    masqWhy = masq ? 'external IP: KUBE-EXTERNAL-IP marks it for masquerade' : 'externalTrafficPolicy: Local keeps the client address'
  }
  if (entry.srcLocal && hit.via !== 'cluster-ip') masq = true
  push(ctx, {
    at: `${n} nat KUBE-SERVICES`,
    node: n,
    handler: 'iptables',
    rule: masqRule,
    before: { ...t },
    after: { ...t },
    note: `IPVS mode: kube-proxy's iptables rules only mark packets, by ipset; ${masqWhy || `the source ${t.src} is in the Pod CIDR, so no masquerade mark`}`,
  })
  if (masq) ctx.marked = true
  const vsText = vs ? `${sp.protocol}  ${hostPort(vs.address, vs.port)} ${vs.scheduler}${vs.persistentTimeout !== undefined ? ` persistent ${vs.persistentTimeout}` : ''}` : `${sp.protocol}  ${hostPort(t.dst, vsPort)}`
  const reals = vs?.reals ?? []
  if (!vs || reals.length === 0) {
    push(ctx, {
      at: `${n} IPVS`,
      node: n,
      handler: 'ipvs',
      rule: vsText,
      before: { ...t },
      after: { ...t },
      note: `${hit.via === 'node-port' ? `${t.dst}:${vsPort}` : t.dst} is bound to kube-ipvs0, so the packet is for this node; the virtual server has no real servers (${sp.nameString} has no endpoints): IPVS answers ICMP port unreachable, "Connection refused"`,
      verdict: 'reject',
    })
    return { kind: 'reject', tuple: t, sp }
  }
  // Local policy falls back to every endpoint when none is local (PR 97081): external clients then lose the reply
  const pool: EndpointInfo[] = reals.map((r) => {
    const info = endpointsFor(ctx.cluster, family, sp).find((e) => e.ip === r.address && e.port === r.port)
    return info ?? { ip: r.address, port: r.port, str: hostPort(r.address, r.port), ready: true, serving: true, terminating: false }
  })
  const affinity = vs.persistentTimeout !== undefined
  const i = choose(ctx, pool, sp, t, affinity)
  const ep = pool[i]
  recordAlternatives(ctx, pool, i, () => undefined)
  const fallback = hit.via !== 'cluster-ip' && sp.externalPolicyLocal && p.local.length === 0
  if (fallback && !srcPod && !entry.srcLocal && ep.nodeName !== n) {
    ctx.replyLost = `externalTrafficPolicy: Local and ${n} has no local endpoint: IPVS still forwards to ${ep.str} on ${ep.nodeName ?? 'another node'} (kube-proxy PR 97081), without SNAT, so that Pod replies straight to ${t.src} from its own address, and the client drops a reply it never asked for`
  }
  const after = dnatTuple(t, ep)
  const hairpin = t.src === ep.ip
  if (hairpin) ctx.marked = true
  const realsText = reals.map((r) => `-> ${hostPort(r.address, r.port)} Masq ${r.weight}`).join('; ')
  push(ctx, {
    at: `${n} IPVS`,
    node: n,
    handler: 'ipvs',
    rule: `${vsText}  ${realsText}`,
    before: { ...t },
    after,
    note: `${t.dst} is bound to kube-ipvs0, so the packet is local and IPVS takes it: virtual server ${hostPort(vs.address, vs.port)} (${vs.scheduler}${affinity ? `, persistent ${vs.persistentTimeout} s: one client sticks to one real server` : ''}) picks real server ${ep.str} of ${count(pool)}: ${candidatesText(ctx, pool, i)}; masquerading forwarding rewrites the destination${hairpin ? '; the client is the real server itself, so KUBE-LOOP-BACK masquerades it (hairpin)' : ''}`,
  })
  ctx.nat.push({ node: n, kind: 'dnat', before: { ...t }, after: { ...after }, by: `IPVS ${hostPort(vs.address, vs.port)}` })
  return { kind: 'dnat', tuple: after, endpoint: ep, sp }
}

function count(pool: EndpointInfo[]): string {
  return `${pool.length} (each 1/${pool.length})`
}
