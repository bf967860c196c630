/**
 * The packet's walk through the simulated cluster: out of the sender (a
 * Pod's namespace, a node's own stack, or a client outside), through the
 * node it enters (kube-proxy, the CNI's portmap, the policy checks, the
 * routing table), across nodes (overlay or routed), and into the receiver,
 * where something listens on the port or does not. Each step appends hops to
 * the context; the walk returns how it ended.
 *
 * Netfilter order on a node, as Linux runs it: nat PREROUTING (kube-proxy's
 * DNAT) → routing decision → filter FORWARD/INPUT (policy, kube-proxy's
 * REJECT/DROP rules) → nat POSTROUTING (masquerade). Locally generated
 * packets take nat OUTPUT instead of PREROUTING.
 */
import type { Node, Pod } from '../model/types.ts'
import type { Route, ServicePortInfo } from '../dataplane/index.ts'
import { nodePlumbing, nodeRuleset, proxyConfig, kubeProxyTable, saveRule } from '../dataplane/index.ts'
import { ipFamilyOf, ipInPrefixText } from '../net/ip.ts'
import type { IPFamily } from '../net/ip.ts'
import type { WalkContext } from './context.ts'
import { hostPort, podName, push } from './context.ts'
import { kubeProxy, localhostNodePorts } from './kube-proxy.ts'
import { nodePortAddressesMatchAll, nodePortIPs, proxierContext } from '../dataplane/kube-proxy/iptables.ts'
import { ciliumTc, socketLB } from './cilium-lb.ts'
import type { Entry } from './kube-proxy.ts'
import { hostPortOwner, isServiceIP, proxyModeLoadBalancer, serviceByDest, serviceByHealthCheckPort, serviceByNodePort } from './service-index.ts'
import { hostVeth, isLoopback, localLink, localRouteText, lookupRoute, podMtu, podNetns, routeText, sourceAddress } from './netns.ts'
import { crossNodes, overlayOf } from './transport.ts'
import { policyCheck } from './policy.ts'
import { hashOf, masqueradePort } from './choice.ts'
import { nodeListener, podListener } from '../traffic/servers.ts'
import type { Listener } from '../traffic/servers.ts'
import type { TraceEndpoint, TraceResult, Tuple } from './types.ts'
import { notReadyNote } from './not-ready.ts'

export interface WalkEnd {
  result: TraceResult
  reason: string
  /** the packet as the receiver got it (delivered) or as it was when it died */
  tuple: Tuple
  endpoint?: TraceEndpoint
  listener?: Listener
  /** the Pod that received it */
  pod?: Pod
  node?: Node
}

const MAX_NODES = 6

function nodeOf(ctx: WalkContext, pod: Pod): Node | undefined {
  return ctx.cluster.index.node.get(pod.nodeName)
}

function primaryIP(node: Node, family: string): string {
  return node.internalIPs.find((ip) => ipFamilyOf(ip) === family) ?? node.internalIPs[0] ?? ''
}

function dead(ctx: WalkContext, result: TraceResult, reason: string, t: Tuple): WalkEnd {
  return { result, reason, tuple: t }
}

/** kube-proxy's nftables cluster-ips-check chain rejects what matches no Service port of a ClusterIP. */
function clusterIPsCheckReject(ctx: WalkContext, node: Node, family: Parameters<typeof kubeProxyTable>[2], t: Tuple, note: string): void {
  const chain = kubeProxyTable(ctx.cluster, node, family).objects.find((o) => o.kind === 'chain' && o.name === 'cluster-ips-check')
  push(ctx, {
    at: `${node.meta.name} table ip kube-proxy chain cluster-ips-check`,
    node: node.meta.name,
    handler: 'nftables',
    rule: ruleOr(chain, 'reject'),
    before: { ...t },
    after: { ...t },
    note,
    verdict: 'reject',
  })
}

function inPodNetwork(ctx: WalkContext, ip: string): boolean {
  return ctx.cluster.config.podCIDRs.some((c) => ipInPrefixText(ip, c))
}

function inServiceRange(ctx: WalkContext, ip: string): boolean {
  return ctx.cluster.config.serviceCIDRs.some((c) => ipInPrefixText(ip, c))
}

/** A Pod with its own network namespace (not hostNetwork) that owns this address. */
function podAt(ctx: WalkContext, ip: string): Pod | undefined {
  const p = ctx.cluster.index.podByIP.get(ip)
  return p && !p.hostNetwork ? p : undefined
}

// ---------------------------------------------------------------- senders

/**
 * A Pod sends: its own routing table, then the veth pair into its node.
 *
 * @example
 * fromPod(ctx, pod, { src: pod.podIPs[0], sport: 41234, dst: '10.96.0.50', dport: 80, proto: 'TCP' })
 */
export function fromPod(ctx: WalkContext, pod: Pod, t0: Tuple): WalkEnd {
  let t = t0
  const node = nodeOf(ctx, pod)
  const ns = podNetns(ctx.cluster, pod)
  if (!node || !ns) return dead(ctx, 'dropped', `${podName(pod)} has no network namespace (is it running?)`, t)
  // Cilium's kube-proxy replacement: the socket hook translates a Service address before any packet exists
  if (ctx.cluster.config.kubeProxyReplacement) {
    const lb = socketLB(ctx, node, t, `pod ${podName(pod)}`, false)
    if (lb && lb.kind !== 'translated') return dead(ctx, lb.kind, lb.reason, t)
    if (lb) t = lb.tuple
  }
  if (pod.podIPs.includes(t.dst) || isLoopback(t.dst)) return podLoopback(ctx, node, pod, t)
  const route = lookupRoute(ns, t.dst)
  if (!route) return podUnreachable(ctx, node, pod, t)
  const veth = hostVeth(ctx.cluster, pod)
  push(ctx, {
    at: `pod ${podName(pod)} eth0`,
    node: node.meta.name,
    handler: 'route',
    rule: routeText(route),
    before: { ...t },
    after: { ...t },
    note: route.via
      ? `the Pod's routing table sends it to the gateway ${route.via} on eth0 (MTU ${route.mtu ?? ns.links.find((l) => l.name === 'eth0')?.mtu ?? 1500})`
      : `${t.dst} is on the Pod's own subnet: sent straight on eth0 (an ARP for ${t.dst})`,
  })
  push(ctx, {
    at: `${node.meta.name} ${veth?.name ?? 'veth'}`,
    node: node.meta.name,
    handler: 'veth',
    before: { ...t },
    after: { ...t },
    note: `the veth pair carries it from the Pod's network namespace into ${node.meta.name}'s, where it arrives on ${veth?.name ?? 'the host end'}${veth?.master ? ` (a port of the ${veth.master} bridge)` : ''}`,
  })
  const switched = !route.via && !!veth?.master
  return atNode(ctx, node, t, { chain: 'PREROUTING', srcLocal: false }, switched ? veth!.master : undefined)
}

/** A Pod's packet to its own address or to loopback: it never leaves the Pod's network namespace. */
function podLoopback(ctx: WalkContext, node: Node, pod: Pod, t: Tuple): WalkEnd {
  // the local table sends it over lo; a Pod's containers share one network namespace (and one lo). NetworkPolicy
  // cannot block it ("Pods cannot currently block localhost access", kubernetes.io network-policies, What you can't do)
  push(ctx, {
    at: `pod ${podName(pod)} lo`,
    node: node.meta.name,
    handler: 'loopback',
    rule: localRouteText(t.dst, isLoopback(t.dst) ? 'lo' : 'eth0'),
    before: { ...t },
    after: { ...t },
    note: `${t.dst} is ${isLoopback(t.dst) ? 'a loopback address' : 'the Pod\'s own address'}: the packet loops back inside ${podName(pod)}'s network namespace, which all its containers share. It never reaches the veth or the node, so no kube-proxy rule, CNI route or NetworkPolicy sees it (policies cannot block a Pod's own loopback traffic)`,
  })
  return deliverToPod(ctx, node, pod, t, true)
}

function podUnreachable(ctx: WalkContext, node: Node, pod: Pod, t: Tuple): WalkEnd {
  push(ctx, { at: `pod ${podName(pod)} eth0`, node: node.meta.name, handler: 'route', before: { ...t }, after: { ...t }, note: 'no route in the Pod: "Network is unreachable"', verdict: 'drop' })
  return dead(ctx, 'dropped', 'the Pod has no route to this address (Network is unreachable)', t)
}

/** The node's routing decision for t, as one hop (no route: no rule to show). */
function routingHop(ctx: WalkContext, node: Node, route: Route | undefined, t: Tuple, note: string, verdict?: 'drop' | 'timeout'): void {
  push(ctx, { at: `${node.meta.name} routing`, node: node.meta.name, handler: 'route', ...(route ? { rule: routeText(route) } : {}), before: { ...t }, after: { ...t }, note, ...(verdict ? { verdict } : {}) })
}

/** The node itself (or a hostNetwork Pod) sends: nat OUTPUT, then routing. */
export function fromNode(ctx: WalkContext, node: Node, t0: Tuple): WalkEnd {
  let t = t0
  // Cilium's socket-LB runs in the host namespace too (its programs sit on the root cgroup)
  if (ctx.cluster.config.kubeProxyReplacement) {
    const who = ctx.origin.kind === 'node' && ctx.origin.pod ? `pod ${podName(ctx.origin.pod)} (host network)` : node.meta.name
    // the kernel picks the source for the route to the backend, not for 127.0.0.1
    const host = nodePlumbing(ctx.cluster, node).host
    const sourceFor = (dst: string) => {
      const r = lookupRoute(host, dst)
      return (r && sourceAddress(host, r)) || primaryIP(node, ipFamilyOf(dst) ?? 'IPv4')
    }
    const lb = socketLB(ctx, node, t, who, true, sourceFor)
    if (lb && lb.kind !== 'translated') return dead(ctx, lb.kind, lb.reason, t)
    if (lb) t = lb.tuple
  }
  if (isLoopback(t.dst) && !caughtOnLoopback(ctx, node, t)) {
    noLocalhostNodePort(ctx, node, t)
    return deliverToNode(ctx, node, t, 'lo')
  }
  return atNode(ctx, node, t, { chain: 'OUTPUT', srcLocal: true })
}

/** Whether a NAT rule takes a loopback connection off the node: a localhost NodePort, or a hostPort (portmap DNATs every local address, IPv4 loopback included). */
function caughtOnLoopback(ctx: WalkContext, node: Node, t: Tuple): boolean {
  if (t.proto !== 'TCP' && t.proto !== 'UDP' && t.proto !== 'SCTP') return false
  if (localhostNodePorts(ctx, node, t.dst) && serviceByNodePort(ctx.cluster, 'IPv4', t.dport, t.proto)) return true
  return !t.dst.includes(':') && !!hostPortOwner(ctx.cluster, node, t.proto, t.dport)
}

/**
 * A NodePort asked for on loopback that kube-proxy does not serve there: say
 * why. nftables: its services chain skips `ip daddr 127.0.0.0/8` (KEP-3866;
 * nothing like route_localnet exists for it, KEP-6032). IPVS: no virtual
 * server on loopback addresses (kubernetes PR 101023, "localhost:nodeport has
 * never worked for proxy-mode=ipvs"). iptables: IPv4 only, and only with
 * localhostNodePorts and nodePortAddresses covering 127.0.0.1.
 */
function noLocalhostNodePort(ctx: WalkContext, node: Node, t: Tuple): void {
  if (ctx.cluster.config.kubeProxyReplacement) return
  const sp = t.proto === 'ICMP' ? undefined : serviceByNodePort(ctx.cluster, ipFamilyOf(t.dst) ?? 'IPv4', t.dport, t.proto)
  if (!sp) return
  const mode = proxyConfig(ctx.cluster).mode
  const family = ipFamilyOf(t.dst) ?? 'IPv4'
  const nft = mode === 'nftables' ? kubeProxyTable(ctx.cluster, node, family).objects.find((o) => o.kind === 'chain' && o.name === 'services') : undefined
  const why = {
    nftables: 'kube-proxy\'s nftables mode does not serve NodePorts on loopback addresses (its services chain skips them)',
    ipvs: 'kube-proxy\'s IPVS mode creates no virtual server on loopback addresses (localhost NodePorts never worked with IPVS)',
    iptables: family === 'IPv6' ? 'kube-proxy serves localhost NodePorts for IPv4 only (its KUBE-SERVICES jump excludes ::1)' : 'localhost NodePorts are off (iptables.localhostNodePorts: false, or nodePortAddresses without 127.0.0.1)',
  }[mode]
  const n = node.meta.name
  push(ctx, {
    at: mode === 'nftables' ? `${n} table ${family === 'IPv4' ? 'ip' : 'ip6'} kube-proxy chain services` : mode === 'ipvs' ? `${n} IPVS` : `${n} nat OUTPUT`,
    node: n,
    handler: mode,
    rule: ruleOr(nft, 'service-nodeports'),
    before: { ...t },
    after: { ...t },
    note: `${t.dport} is the NodePort of ${sp.nameString}, but ${why}, so the packet stays addressed to ${t.dst}`,
  })
}

/**
 * Does kube-proxy take NodePort traffic addressed to the node's local address `ip`? With
 * nodePortAddresses set (nftables mode's default is "primary"), iptables and nftables match only
 * those addresses (KUBE-SERVICES' `-d IP` jump, nftables' @nodeport-ips); otherwise every one.
 */
function acceptsNodePorts(ctx: WalkContext, node: Node, ip: string): boolean {
  const cfg = proxyConfig(ctx.cluster)
  if (cfg.mode === 'ipvs' || nodePortAddressesMatchAll(cfg)) return true
  return nodePortIPs(proxierContext(ctx.cluster, node, ipFamilyOf(ip) ?? 'IPv4')).includes(ip)
}

/** A client outside the cluster: it reaches node addresses, load-balancer IPs and external IPs, never Pod or ClusterIP addresses. */
export function fromOutside(ctx: WalkContext, t: Tuple): WalkEnd {
  const c = ctx.cluster
  if (isLoopback(t.dst)) {
    const who = ctx.origin.kind === 'external' ? ctx.origin.label : 'the client'
    push(ctx, { at: `${who} lo`, handler: 'loopback', rule: localRouteText(t.dst), before: { ...t }, after: { ...t }, note: `${t.dst} is ${who}'s own loopback: the packet never leaves that machine, and nothing the simulator models runs there` })
    return receive(ctx, { kind: 'external', ip: t.dst, port: t.dport }, t, undefined, who)
  }
  const node = c.index.nodeByIP.get(t.dst) ?? c.nodes.find((n) => n.externalIPs.includes(t.dst))
  if (node) {
    push(ctx, { at: `network → ${node.meta.name} eth0`, handler: 'network', before: { ...t }, after: { ...t }, note: `${t.dst} is ${node.meta.name}'s address: the network delivers the packet to its eth0` })
    return atNode(ctx, node, t, { chain: 'PREROUTING', srcLocal: false })
  }
  const lb = t.proto === 'ICMP' ? undefined : serviceByDest(c, t.dst, t.dport, t.proto)
  if (lb?.via === 'load-balancer') return cloudLoadBalancer(ctx, t, lb.sp)
  // ipMode Proxy: kube-proxy left the address alone, so even a Pod's packet goes out to the load balancer
  const proxied = t.proto === 'ICMP' ? undefined : proxyModeLoadBalancer(c, t.dst, t.dport, t.proto)
  if (proxied) return cloudLoadBalancer(ctx, t, proxied)
  if (isServiceIP(c, t.dst) && c.services.some((s) => s.loadBalancerIngress.some((i) => i.ip === t.dst))) {
    push(ctx, { at: `load balancer ${t.dst}`, handler: 'cloud-lb', before: { ...t }, after: { ...t }, note: t.proto === 'ICMP' ? 'cloud load balancers forward only the ports of their listeners; ICMP echo gets no answer' : `the load balancer has no listener on port ${t.dport}`, verdict: 'timeout' })
    return dead(ctx, 'timeout', `nothing listens on ${t.dst} port ${t.dport} of the load balancer`, t)
  }
  if (lb?.via === 'external-ip') {
    // the network must route a Service's externalIP to some node (the cluster admin's job)
    const pool = c.nodes.filter((n) => n.ready && !n.roles.includes('control-plane'))
    const to = pool[0] ?? c.nodes[0]
    push(ctx, { at: `network → ${to.meta.name} eth0`, handler: 'network', before: { ...t }, after: { ...t }, note: `${t.dst} is an externalIP of ${lb.sp.nameString}; Kubernetes does not announce it: the simulator assumes the network routes it to ${to.meta.name}` })
    return atNode(ctx, to, t, { chain: 'PREROUTING', srcLocal: false })
  }
  if (inPodNetwork(ctx, t.dst) || inServiceRange(ctx, t.dst) || c.index.podByIP.has(t.dst)) {
    push(ctx, {
      at: `network (outside the cluster)`,
      handler: 'network',
      before: { ...t },
      after: { ...t },
      note: `${t.dst} is ${inServiceRange(ctx, t.dst) ? 'a ClusterIP' : 'a Pod address'}: it exists only inside the cluster, and no router outside knows a way to it; the packet is lost and the client times out`,
      verdict: 'timeout',
    })
    return dead(ctx, 'timeout', `${t.dst} is not reachable from outside the cluster (${inServiceRange(ctx, t.dst) ? 'ClusterIPs' : 'Pod IPs'} are internal): use a NodePort, a LoadBalancer or an Ingress`, t)
  }
  return outside(ctx, t)
}

// ---------------------------------------------------------------- a node

/**
 * A packet on `node`: kube-proxy (and the portmap plugin), the egress policy
 * of a Pod sender, the routing decision, and on from there.
 */
export function atNode(ctx: WalkContext, node: Node, t0: Tuple, entry: Entry, bridge?: string): WalkEnd {
  if (++ctx.visited > MAX_NODES) return dead(ctx, 'dropped', 'routing loop (the packet kept moving between nodes)', t0)
  const c = ctx.cluster
  const host = nodePlumbing(c, node).host
  let t = t0
  const l4 = t.proto === 'TCP' || t.proto === 'UDP' || t.proto === 'SCTP'
  // kube-proxy catches Service addresses and, for the node's own addresses, NodePorts
  let hit = l4 ? serviceByDest(c, t.dst, t.dport, t.proto) : undefined
  const loop = isLoopback(t.dst)
  const local = loop ? undefined : localLink(host, t.dst)
  const family = ipFamilyOf(t.dst) ?? 'IPv4'
  if (!hit && l4 && (local || loop)) hit = nodePortHit(ctx, node, t, local, loop, family)
  if (hit && c.config.kubeProxyReplacement) {
    const out = ciliumHit(ctx, node, t, hit, entry)
    if (out && 'result' in out) return out
    if (out) {
      t = out
      bridge = undefined
    }
  } else if (hit) {
    const out = kubeProxy(ctx, node, t, hit, entry)
    if (out.kind === 'reject') return dead(ctx, 'refused', `${out.sp.nameString} has no endpoints to take the connection${notReadyNote(c, out.sp)}: kube-proxy rejects it`, t)
    if (out.kind === 'drop') return dead(ctx, 'dropped', ctx.hops[ctx.hops.length - 1]?.note ?? 'dropped by kube-proxy', t)
    t = out.tuple
    bridge = undefined
  } else if ((l4 && (loop || local)) || isServiceIP(c, t.dst)) {
    // no Service port or NodePort: what a Service address, or a hostPort, does then (issue 20: compiled only then)
    const out = noServiceHit(ctx, node, t, entry, l4, loop, local, family)
    if (out && 'result' in out) return out
    if (out) {
      t = out
      bridge = undefined
    }
  }

  // egress policy of a Pod sender, judged on its node after DNAT
  if (ctx.origin.kind === 'pod' && !ctx.egressJudged && node.meta.name === ctx.origin.pod.nodeName) {
    ctx.egressJudged = true
    const dst = podAt(ctx, t.dst)
    if (!policyCheck(ctx, 'egress', node, { pod: ctx.origin.pod }, dst ? { pod: dst } : { ip: t.dst }, t)) {
      return dead(ctx, 'dropped', `the egress policy of ${podName(ctx.origin.pod)} drops the packet`, t)
    }
  }

  // routing decision
  if (isLoopback(t.dst)) return deliverToNode(ctx, node, t, 'lo')
  const localNow = localLink(host, t.dst)
  if (localNow) return deliverToNode(ctx, node, t, localNow.name)
  const dstPod = podAt(ctx, t.dst)
  let route = lookupRoute(host, t.dst)
  if (!route || route.type === 'blackhole') {
    const r = noUsableRoute(ctx, node, t, route, dstPod)
    if ('result' in r) return r
    route = r
  }
  if (dstPod && dstPod.nodeName === node.meta.name) return toLocalPod(ctx, node, dstPod, t, route, bridge)
  if (dstPod) {
    const peer = nodeOf(ctx, dstPod)
    if (!peer) return dead(ctx, 'dropped', `${podName(dstPod)} is not on a node`, t)
    const ov = overlayOf(ctx, t)
    // IPv4 only: the CNI modules draw no IPv6 peer routes, so an IPv6 Pod packet meets the node's default route
    const peerIP = primaryIP(peer, family)
    if (family === 'IPv4' && !ov && !bridge && route.via && route.via !== peerIP && !networkRoutesPodRanges(c.config.cni)) {
      return toLanGateway(ctx, node, peer, dstPod, t, route)
    }
    if (bridge) {
      // one L2 segment over every node (Weave): the bridge hands the frame to the overlay, no routing
      push(ctx, { at: `${node.meta.name} ${bridge}`, node: node.meta.name, handler: 'bridge', before: { ...t }, after: { ...t }, note: `${t.dst} is ${podName(dstPod)} on ${peer.meta.name}, in the same L2 segment: the ${bridge} bridge passes the frame to ${ov ? ov.device : 'the overlay'}` })
    } else {
      const how = ov ? `the route sends it into the ${ov.device} tunnel` : route.dev === 'eth0' || !route.dev ? `routed to ${route.via ?? peer.meta.name} over the node network` : `sent on ${route.dev}`
      routingHop(ctx, node, route, t, `${t.dst} is ${podName(dstPod)} on ${peer.meta.name}: ${how}`)
    }
    t = postrouting(ctx, node, t, route, false)
    const mtu = ctx.origin.kind === 'pod' && !ctx.origin.pod.hostNetwork ? podMtu(c, ctx.origin.pod) : undefined
    crossNodes(ctx, node, peer, t, mtu)
    return atNode(ctx, peer, t, { chain: 'PREROUTING', srcLocal: false })
  }
  return offPodNetwork(ctx, node, t, route, family)
}

/**
 * A NodePort on one of the node's own addresses: kube-proxy takes it when its
 * nodePortAddresses cover the address. A loopback destination reaches this
 * only when localhost NodePorts are on (fromNode).
 */
function nodePortHit(ctx: WalkContext, node: Node, t: Tuple, local: ReturnType<typeof localLink>, loop: boolean, family: IPFamily): ReturnType<typeof serviceByDest> {
  if ((local && local.name !== 'kube-ipvs0' && acceptsNodePorts(ctx, node, t.dst)) || (loop && localhostNodePorts(ctx, node, t.dst))) {
    const sp = serviceByNodePort(ctx.cluster, family, t.dport, t.proto)
    if (sp) return { sp, via: 'node-port' }
  }
  return undefined
}

/** Cilium's eBPF on the node's device (or bpf_lxc for a Pod's SCTP): no kube-proxy runs. The new tuple, the end, or nothing done. */
function ciliumHit(ctx: WalkContext, node: Node, t: Tuple, hit: NonNullable<ReturnType<typeof serviceByDest>>, entry: Entry): Tuple | WalkEnd | undefined {
  const fromLocalPod = ctx.origin.kind === 'pod' && ctx.origin.pod.nodeName === node.meta.name && ctx.origin.pod.podIPs.includes(t.src)
  const out = ciliumTc(ctx, node, t, hit.via === 'node-port', fromLocalPod || entry.srcLocal)
  if (out && out.kind !== 'translated') return dead(ctx, out.kind, out.reason, t)
  return out ? out.tuple : undefined
}

/**
 * No Service port or NodePort matched: a Service address keeps its
 * destination (or nftables' cluster-ips-check rejects it), and a hostPort on
 * the node's own address goes through the portmap plugin's DNAT. The new
 * tuple, the end, or nothing done.
 */
function noServiceHit(ctx: WalkContext, node: Node, t: Tuple, entry: Entry, l4: boolean, loop: boolean, local: ReturnType<typeof localLink>, family: IPFamily): Tuple | WalkEnd | undefined {
  const c = ctx.cluster
  const mode = proxyConfig(c).mode
  if (c.config.kubeProxyReplacement && isServiceIP(c, t.dst) && !local) {
    push(ctx, {
      at: `${node.meta.name} ${entry.chain === 'OUTPUT' ? 'socket' : 'eBPF'}`,
      node: node.meta.name,
      handler: 'ebpf',
      before: { ...t },
      after: { ...t },
      note: l4
        ? `Cilium's load balancer has no frontend ${hostPort(t.dst, t.dport)}/${t.proto}: it only holds the Service's own ports, so the packet keeps its Service address and is routed like any other`
        : `Cilium's load balancer translates TCP, UDP and SCTP ports only: an ICMP echo to the Service address ${t.dst} is not translated, and no host owns that address`,
    })
  } else if (l4 && isServiceIP(c, t.dst)) {
    // a Service address, but no Service port matches
    if (mode === 'nftables' && c.index.serviceByClusterIP.has(t.dst)) {
      clusterIPsCheckReject(ctx, node, family, t, `${t.dst} is a ClusterIP, but no Service port ${t.dport}/${t.proto} exists on it: kube-proxy's nftables rules reject it ("Reject traffic to invalid ports of ClusterIPs")`)
      return dead(ctx, 'refused', `no Service port ${t.dport}/${t.proto} on ClusterIP ${t.dst}`, t)
    }
    if (mode === 'iptables' || mode === 'nftables') {
      push(ctx, {
        at: `${node.meta.name} nat ${entry.chain}`,
        node: node.meta.name,
        handler: mode,
        before: { ...t },
        after: { ...t },
        note: `no kube-proxy rule matches ${hostPort(t.dst, t.dport)}/${t.proto}: kube-proxy only programs the Service's own ports, so the packet keeps its ClusterIP destination and is routed like any other`,
      })
    }
  } else if (!l4 && isServiceIP(c, t.dst) && local?.name !== 'kube-ipvs0') {
    if (mode === 'nftables' && c.index.serviceByClusterIP.has(t.dst)) {
      clusterIPsCheckReject(ctx, node, family, t, `${t.dst} is a ClusterIP; ICMP matches no Service port, so kube-proxy's cluster-ips-check rejects it: an ICMP "port unreachable" comes back`)
      return dead(ctx, 'refused', `kube-proxy (nftables) rejects ICMP to the ClusterIP ${t.dst}`, t)
    }
    push(ctx, {
      at: `${node.meta.name} nat ${entry.chain}`,
      node: node.meta.name,
      handler: mode === 'nftables' ? 'nftables' : 'iptables',
      before: { ...t },
      after: { ...t },
      note: `kube-proxy writes rules for TCP, UDP and SCTP ports only: an ICMP echo to the Service address ${t.dst} is not translated, and no host owns that address`,
    })
  } else if (l4 && (loop || (local && local.name !== 'kube-ipvs0'))) {
    // the portmap plugin's hostPort DNAT (CNI-HOSTPORT-DNAT)
    const hp = hostPortOwner(c, node, t.proto, t.dport)
    if (hp) {
      const after = { ...t, dst: hp.pod.podIPs.find((ip) => ipFamilyOf(ip) === family) ?? hp.pod.podIPs[0], dport: hp.containerPort }
      push(ctx, {
        at: `${node.meta.name} nat CNI-HOSTPORT-DNAT`,
        node: node.meta.name,
        handler: 'portmap',
        before: { ...t },
        after,
        note: `hostPort ${t.dport}: the CNI portmap plugin DNATs to ${podName(hp.pod)} (${hostPort(after.dst, after.dport)})`,
      })
      ctx.nat.push({ node: node.meta.name, kind: 'dnat', before: { ...t }, after: { ...after }, by: 'portmap CNI-HOSTPORT-DNAT' })
      return after
    }
  }
  return undefined
}

/**
 * No route, or a blackhole route: the packet dies there. A Pod on another node
 * that the modelled table has no route to (it draws IPv4 peer routes only) gets
 * the CNI's own route, assumed. The route to go on with, or the end.
 */
function noUsableRoute(ctx: WalkContext, node: Node, t: Tuple, route: Route | undefined, dstPod: Pod | undefined): Route | WalkEnd {
  if (!route && dstPod && dstPod.nodeName !== node.meta.name) {
    // the dataplane model lists no route for this family (it draws IPv4 peer routes only): assume the CNI's own
    ctx.notes.push(`${node.meta.name}'s modelled routing table has no route to ${t.dst}; the trace assumes the CNI routes it to ${dstPod.nodeName} as it does IPv4`)
    return { family: ipFamilyOf(t.dst) ?? 'IPv6', dst: t.dst, dev: 'eth0' }
  }
  if (!route) {
    routingHop(ctx, node, undefined, t, 'no route: "Network is unreachable"', 'drop')
    return dead(ctx, 'dropped', `${node.meta.name} has no route to ${t.dst}`, t)
  }
  routingHop(ctx, node, route, t, `a blackhole route: ${t.dst} is in ${node.meta.name}'s own address block but no Pod has it`, 'drop')
  return dead(ctx, 'timeout', `no Pod has the address ${t.dst}`, t)
}

/** A destination that is no Pod: another node's address, an unused Pod address, or out through the default route. */
function offPodNetwork(ctx: WalkContext, node: Node, t0: Tuple, route: Route, family: IPFamily): WalkEnd {
  const c = ctx.cluster
  let t = t0
  const peerNode = c.index.nodeByIP.get(t.dst)
  if (peerNode) {
    routingHop(ctx, node, route, t, `${t.dst} is ${peerNode.meta.name}'s address, on the node network`)
    t = postrouting(ctx, node, t, route, true)
    push(ctx, { at: `network ${primaryIP(node, family)} → ${t.dst}`, handler: 'underlay', before: { ...t }, after: { ...t }, note: `the LAN carries it to ${peerNode.meta.name}` })
    return atNode(ctx, peerNode, t, { chain: 'PREROUTING', srcLocal: false })
  }
  if (inPodNetwork(ctx, t.dst)) {
    routingHop(ctx, node, route, t, `${t.dst} is in the Pod network but no Pod has it: nobody answers the ARP and the packet is lost`, 'timeout')
    return dead(ctx, 'timeout', `no Pod has the address ${t.dst}`, t)
  }
  // out of the cluster through the default route
  routingHop(ctx, node, route, t, inServiceRange(ctx, t.dst) ? `nothing on ${node.meta.name} claims ${t.dst}, so it follows the default route out of the node, where no host owns a ClusterIP` : `${t.dst} is outside the cluster: out through the default route`)
  t = postrouting(ctx, node, t, route, true)
  if (inServiceRange(ctx, t.dst)) {
    push(ctx, { at: `network beyond ${node.meta.name}`, handler: 'network', before: { ...t }, after: { ...t }, note: 'the LAN has no host with this address: the packet is lost and the client times out', verdict: 'timeout' })
    return dead(ctx, 'timeout', `no rule translates ${hostPort(t.dst, t.dport)}${t.proto === 'ICMP' ? ' for ICMP' : ''} and nothing owns a ClusterIP`, t)
  }
  push(ctx, { at: `network beyond ${node.meta.name}`, handler: 'network', before: { ...t }, after: { ...t }, note: `the LAN gateway ${route.via ?? ''} forwards it to the outside world`.replace('  ', ' ') })
  // ipMode Proxy: kube-proxy left the load balancer's address alone, so the packet really goes to it
  const proxied = t.proto === 'ICMP' ? undefined : proxyModeLoadBalancer(c, t.dst, t.dport, t.proto)
  if (proxied) return cloudLoadBalancer(ctx, t, proxied)
  return outside(ctx, t)
}

function ruleOr(o: { kind: string; rules?: string[] } | undefined, needle: string): string | undefined {
  return o && 'rules' in o ? o.rules?.find((r) => r.includes(needle)) : undefined
}

/**
 * nat POSTROUTING: kube-proxy's masquerade of marked packets, else the CNI's
 * masquerade of Pod traffic leaving the Pod network.
 */
function postrouting(ctx: WalkContext, node: Node, t: Tuple, route: Route | undefined, leavingPodNetwork: boolean): Tuple {
  const c = ctx.cluster
  const host = nodePlumbing(c, node).host
  const family = ipFamilyOf(t.dst) ?? 'IPv4'
  const addr = (route && sourceAddress(host, route)) || primaryIP(node, family)
  // kube-proxy's masquerade mark: the Service paths that set it take this (issue 20: compiled only then)
  if (ctx.marked) return kubeProxyMasquerade(ctx, node, t, route, addr, family)
  const cni = c.config.cni
  // the bridge plugin's ipMasq rule masquerades everything not for the node's own Pod subnet, other nodes' Pods included
  const bridgeMasq = cni === 'bridge' && inPodNetwork(ctx, t.src) && !node.podCIDRs.some((p) => ipInPrefixText(t.dst, p)) && !t.dst.startsWith('224.')
  if ((!leavingPodNetwork && !bridgeMasq) || !inPodNetwork(ctx, t.src) || t.proto === 'IPIP') return t
  const toNode = !!c.index.nodeByIP.get(t.dst)
  // the VPC CNIs only SNAT traffic that leaves the VPC (nodes are inside it)
  if ((cni === 'aws-vpc-cni' || cni === 'azure-cni') && toNode) return t
  return cniMasquerade(ctx, node, t, family, bridgeMasq, leavingPodNetwork)
}

/** nat KUBE-POSTROUTING: MASQUERADE of a packet kube-proxy marked, to the address it leaves by. */
function kubeProxyMasquerade(ctx: WalkContext, node: Node, t: Tuple, route: Route | undefined, addr: string, family: IPFamily): Tuple {
  const c = ctx.cluster
  const mode = proxyConfig(c).mode
  ctx.marked = false
  const after = { ...t, src: addr, sport: masqueradePort(t, addr, ctx.seed) }
  const rule = mode === 'nftables'
    ? kubeProxyTable(c, node, family).objects.find((o) => o.kind === 'chain' && o.name === 'masquerading')
    : undefined
  push(ctx, {
    at: mode === 'nftables' ? `${node.meta.name} table ip kube-proxy chain masquerading` : `${node.meta.name} nat KUBE-POSTROUTING`,
    node: node.meta.name,
    handler: mode === 'nftables' ? 'nftables' : 'iptables',
    rule: mode === 'nftables' ? (rule && rule.kind === 'chain' ? rule.rules.find((r) => r.startsWith('masquerade')) : undefined) : iptRule(ctx, node, 'KUBE-POSTROUTING', 'MASQUERADE', mode === 'ipvs' && t.src === t.dst ? 'set' : 'mark'),
    before: { ...t },
    after,
    note: `the packet carries kube-proxy's masquerade mark: MASQUERADE rewrites the source to ${addr}${route?.dev ? ` (the address of ${route.dev}, where it leaves)` : ''} with a random port; conntrack will undo it on the reply`,
  })
  ctx.nat.push({ node: node.meta.name, kind: 'snat', before: { ...t }, after: { ...after }, by: 'MASQUERADE (kube-proxy)' })
  return after
}

/** The CNI's masquerade of a packet leaving the Pod network (or the bridge plugin's ipMasq). */
function cniMasquerade(ctx: WalkContext, node: Node, t: Tuple, family: IPFamily, bridgeMasq: boolean, leavingPodNetwork: boolean): Tuple {
  const c = ctx.cluster
  const cni = c.config.cni
  const nodeAddr = primaryIP(node, family)
  const after = { ...t, src: nodeAddr, sport: masqueradePort(t, nodeAddr, ctx.seed) }
  const who: Record<string, string> = {
    flannel: 'flanneld\'s FLANNEL-POSTRTG (--ip-masq)',
    canal: 'flanneld\'s FLANNEL-POSTRTG (--ip-masq)',
    calico: 'Calico\'s IP pool natOutgoing (cali-nat-outgoing)',
    cilium: 'Cilium\'s masquerading (enable-ipv4-masquerade)',
    weave: 'Weave\'s WEAVE chain',
    antrea: 'Antrea\'s ANTREA-POSTROUTING masquerade',
    bridge: 'the bridge plugin\'s ipMasq rule',
    'aws-vpc-cni': 'the VPC CNI\'s AWS-SNAT-CHAIN (traffic leaving the VPC)',
    'azure-cni': 'Azure CNI\'s outbound SNAT',
  }
  push(ctx, {
    at: `${node.meta.name} nat POSTROUTING`,
    node: node.meta.name,
    handler: 'iptables',
    rule: cni === 'flannel' || cni === 'canal' ? iptRule(ctx, node, 'FLANNEL-POSTRTG', 'MASQUERADE') : undefined,
    before: { ...t },
    after,
    note: bridgeMasq && !leavingPodNetwork
      ? `${t.dst} is outside ${node.meta.name}'s own Pod subnet, so the bridge plugin's ipMasq rule masquerades it to ${nodeAddr}: the other Pod will see the node, not this Pod`
      : `the packet leaves the Pod network, so ${who[cni] ?? 'the CNI'} masquerades it to the node address ${nodeAddr}: the outside world never sees Pod IPs`,
  })
  ctx.nat.push({ node: node.meta.name, kind: 'snat', before: { ...t }, after: { ...after }, by: `MASQUERADE (${cni})` })
  return after
}

/**
 * The node's iptables-save line for the `-j TARGET` rule of a nat chain that
 * applies: in FLANNEL-POSTRTG the Pod-source one; in KUBE-POSTROUTING the
 * mark-based one, or IPVS's KUBE-LOOP-BACK ipset rule for hairpin traffic.
 */
function iptRule(ctx: WalkContext, node: Node, chain: string, targetName: string, kind?: 'set' | 'mark'): string | undefined {
  if (proxyConfig(ctx.cluster).mode === 'nftables' && chain.startsWith('KUBE-')) return undefined
  const rs = nodeRuleset(ctx.cluster, node, 'IPv4')
  const nat = rs.tables.find((x) => x.name === 'nat')
  const r = nat?.chains.get(chain)?.rules.find((x) => {
    if (x.target?.name !== targetName) return false
    if (chain === 'FLANNEL-POSTRTG') return !!x.src && !x.src.neg
    if (kind) return x.matches.some((m) => m.name === 'set') === (kind === 'set')
    return true
  })
  return r ? saveRule(chain, r, rs.family) : undefined
}

/**
 * Only the AWS and Azure fabrics, and the plain bridge plugin's setups (where
 * cloud or static routes are the admin's job), carry Pod ranges in the
 * network itself; every other CNI routes Pod traffic between nodes itself.
 */
function networkRoutesPodRanges(cni: string): boolean {
  return cni === 'aws-vpc-cni' || cni === 'azure-cni' || cni === 'bridge'
}

/**
 * A Pod packet for another node that the node's table sends to the LAN
 * gateway instead of to that node: the CNI's direct route is missing (the
 * kernel refused a gateway off the node's subnet, or the agent never added
 * it) or points at the gateway (BIRD's recursive next hop). The gateway has no
 * route for Pod ranges. The simulator's choice: it drops the packet silently,
 * as a cloud VPC router does with an address no route table holds (a router
 * could instead answer ICMP "net unreachable"; the simulated one does not),
 * so the client times out.
 */
function toLanGateway(ctx: WalkContext, node: Node, peer: Node, dstPod: Pod, t0: Tuple, route: Route): WalkEnd {
  const range = peer.podCIDRs.find((p) => ipInPrefixText(t0.dst, p)) ?? 'its Pod range'
  const peerIP = primaryIP(peer, ipFamilyOf(t0.dst) ?? 'IPv4')
  const refused = nodePlumbing(ctx.cluster, node).refusedRoutes.find((r) => r.via === peerIP)
  const off = `${peerIP} is not on ${node.meta.name}'s subnet`
  // who left the route out: the kernel (flannel's route add fails), or the agent itself
  const missing: Record<string, string> = {
    // pkg/datapath/linux/node.go createDirectRouteSpec: "route to destination … contains gateway …, must be directly reachable"
    cilium: `cilium-agent installs a direct route only to a node it reaches without a gateway, and ${off}`,
    // pkg/agent/route/route_linux.go AddRoutes: NoEncap to another subnet "is handled by host default route"
    antrea: `${off}, and in noEncap mode antrea-agent leaves such peers to the node network`,
  }
  const why = route.dst === 'default'
    ? `${node.meta.name} has no route for ${range} (${refused && !missing[ctx.cluster.config.cni] ? `the kernel refused ${refused.dst} via ${peerIP}: ${off}, so it cannot be a next hop` : missing[ctx.cluster.config.cni] ?? off}), so the default route sends it to the LAN gateway ${route.via}`
    : `the route for it goes via ${route.via}, the LAN gateway, not via ${peer.meta.name}: ${off}, so BIRD resolved the next hop through the default route`
  routingHop(ctx, node, route, t0, `${t0.dst} is ${podName(dstPod)} on ${peer.meta.name}, but ${why}`)
  const t = postrouting(ctx, node, t0, route, false)
  push(ctx, {
    at: `LAN gateway ${route.via}`,
    handler: 'network',
    before: { ...t },
    after: { ...t },
    note: `the gateway routes node subnets, not Pod ranges: it has no route for ${range} and drops the packet without an answer, so the client times out (routed CNI modes need the nodes on one layer-2 subnet; an overlay crosses routers)`,
    verdict: 'timeout',
  })
  return dead(ctx, 'timeout', `${node.meta.name} sends ${t.dst} to the LAN gateway ${route.via}, which has no route for the Pod range ${range}`, t)
}

// ---------------------------------------------------------------- receivers

/** The node forwards to a Pod it hosts: bridge or routed veth, masquerade, ingress policy, the Pod's socket. */
function toLocalPod(ctx: WalkContext, node: Node, pod: Pod, t0: Tuple, route: Route, bridge?: string): WalkEnd {
  let t = t0
  const veth = hostVeth(ctx.cluster, pod)
  if (bridge && veth?.master === bridge) {
    push(ctx, {
      at: `${node.meta.name} ${bridge}`,
      node: node.meta.name,
      handler: 'bridge',
      before: { ...t },
      after: { ...t },
      note: `both Pods hang off the ${bridge} bridge: it switches the frame to ${veth.name} by MAC address (no routing, TTL unchanged); with br_netfilter the frame still passes the node's iptables`,
    })
  } else {
    push(ctx, {
      at: `${node.meta.name} routing`,
      node: node.meta.name,
      handler: ctx.cluster.config.cni === 'cilium' ? 'ebpf' : ctx.cluster.config.cni === 'antrea' ? 'ovs' : 'route',
      rule: routeText(route),
      before: { ...t },
      after: { ...t },
      note: `${t.dst} is ${podName(pod)} on this node: ${route.dev === veth?.name ? `a host route points straight at its veth ${veth?.name}` : `out on ${route.dev}${veth ? ` to its veth ${veth.name}` : ''}`}${ctx.origin.kind === 'pod' && ctx.origin.pod === pod && veth?.master ? `, the very port the packet came in on: ${veth.master} sends it back only because the port is in hairpin mode (the bridge plugin's hairpinMode: true)` : ''}`,
    })
    t = postrouting(ctx, node, t, route, false)
  }
  return deliverToPod(ctx, node, pod, t, false)
}

/** Ingress policy, the veth into the Pod, and whether anything listens. */
function deliverToPod(ctx: WalkContext, node: Node, pod: Pod, t: Tuple, loopback: boolean): WalkEnd {
  if (!loopback) {
    const src = policySource(ctx, t)
    if (!policyCheck(ctx, 'ingress', node, src, { pod }, t)) return dead(ctx, 'dropped', `the ingress policy of ${podName(pod)} drops the packet`, t)
    push(ctx, {
      at: `pod ${podName(pod)} eth0`,
      node: node.meta.name,
      handler: 'veth',
      before: { ...t },
      after: { ...t },
      note: `through the veth pair into ${podName(pod)}'s network namespace`,
    })
  }
  return receive(ctx, { kind: 'pod', ip: t.dst, port: t.dport, pod: podName(pod), node: node.meta.name }, t, t.proto === 'ICMP' ? undefined : podListener(pod, t.proto, t.dport), `pod ${podName(pod)}`, node, pod)
}

/** Who the ingress policy sees as the sender. */
function policySource(ctx: WalkContext, t: Tuple): { pod?: Pod; ip?: string } {
  const snat = [...ctx.nat].reverse().find((r) => r.kind === 'snat')
  if (snat && snat.after.src === t.src) {
    const n = ctx.cluster.index.node.get(snat.node)
    return { ip: n?.internalIPs[0] ?? t.src }
  }
  if (ctx.origin.kind === 'pod' && ctx.origin.pod.podIPs.includes(t.src)) return { pod: ctx.origin.pod }
  const p = ctx.cluster.index.podByIP.get(t.src)
  if (p) return { pod: p }
  return { ip: t.src }
}

/** A packet for one of the node's own addresses: its daemons, hostNetwork Pods, kube-proxy's health checks. */
function deliverToNode(ctx: WalkContext, node: Node, t: Tuple, dev: string): WalkEnd {
  const c = ctx.cluster
  const ep: TraceEndpoint = { kind: 'node', ip: t.dst, port: t.dport, node: node.meta.name }
  const loop = isLoopback(t.dst)
  push(ctx, {
    at: `${node.meta.name} ${dev}`,
    node: node.meta.name,
    handler: loop ? 'loopback' : 'kernel',
    rule: loop ? localRouteText(t.dst) : undefined,
    before: { ...t },
    after: { ...t },
    note: dev === 'kube-ipvs0'
      ? `${t.dst} is bound to kube-ipvs0 (IPVS mode puts every Service address there), so the node itself takes the packet${t.proto === 'ICMP' ? ' and answers the echo' : ''}`
      : loop
        ? `${t.dst} is loopback: the packet goes over lo to ${node.meta.name}'s own sockets and never leaves the node (INPUT)`
        : `${t.dst} is ${node.meta.name}'s own address (on ${dev}): local delivery (INPUT)`,
  })
  if (t.proto === 'ICMP') return receive(ctx, ep, t, undefined, node.meta.name, node)
  const family = ipFamilyOf(t.dst) ?? 'IPv4'
  if (t.proto === 'TCP' && dev !== 'kube-ipvs0') {
    const hc = serviceByHealthCheckPort(c, family, t.dport)
    if (hc.length) return receive(ctx, ep, t, { proto: 'TCP', port: t.dport, app: 'kube-proxy-health', declared: false }, `${node.meta.name} kube-proxy health check`, node)
  }
  const l = dev === 'kube-ipvs0' ? undefined : nodeListener(c, node, t.proto, t.dport, t.dst)
  if (l?.pod) return receive(ctx, { ...ep, pod: podName(l.pod) }, t, l.listener, `pod ${podName(l.pod)} (host network)`, node, l.pod)
  return receive(ctx, ep, t, l?.listener, node.meta.name, node)
}

/** The world outside: names the scenario declares (spec.externalHosts) answer on 80 and 443 and to ping; DNS resolvers on 53. */
function outside(ctx: WalkContext, t: Tuple): WalkEnd {
  const known = ctx.cluster.externalHosts.find((h) => Array.isArray(h.spec.addresses) && h.spec.addresses.includes(t.dst))
  const ep: TraceEndpoint = { kind: 'external', ip: t.dst, port: t.dport }
  if (t.dport === 53 && t.proto !== 'ICMP') return receive(ctx, ep, t, { proto: t.proto as 'UDP', port: 53, app: 'generic', declared: false }, `resolver ${t.dst}`)
  if (known && (t.proto === 'ICMP' || (t.proto === 'TCP' && (t.dport === 80 || t.dport === 443)))) {
    return receive(ctx, ep, t, t.proto === 'ICMP' ? undefined : { proto: 'TCP', port: t.dport, app: 'generic', declared: false }, `${String(known.spec.name)} (${t.dst})`)
  }
  push(ctx, {
    at: `outside ${t.dst}`,
    handler: 'network',
    before: { ...t },
    after: { ...t },
    note: known ? `${String(known.spec.name)} is simulated with web ports 80 and 443 only` : `${t.dst} is outside the cluster and not declared in the Cluster document's spec.externalHosts: the simulator assumes nothing answers there`,
    verdict: 'timeout',
  })
  return dead(ctx, 'timeout', `nothing answers at ${hostPort(t.dst, t.dport)} outside the cluster`, t)
}

/** The receiving socket: a listener takes the connection, else the kernel refuses it (TCP RST, ICMP port unreachable). */
function receive(ctx: WalkContext, ep: TraceEndpoint, t: Tuple, l: Listener | undefined, who: string, node?: Node, pod?: Pod): WalkEnd {
  if (t.proto === 'ICMP' || !l) return noListener(ctx, ep, t, who, node, pod)
  push(ctx, {
    at: who,
    node: node?.meta.name,
    handler: 'server',
    before: { ...t },
    after: { ...t },
    note: ep.kind === 'external'
      ? `the host outside the cluster accepts on port ${t.dport}/${t.proto}; it sees the client as ${hostPort(t.src, t.sport)}`
      : `${l.app === 'generic' ? 'the server' : l.app}${l.container ? ` (container ${l.container})` : ''} accepts on port ${t.dport}/${t.proto}${l.declared || ep.kind === 'node' ? '' : ' (the image\'s usual port, not declared in the spec)'}; it sees the client as ${hostPort(t.src, t.sport)}`,
  })
  return { result: 'delivered', reason: `delivered to ${who}`, tuple: t, endpoint: ep, listener: l, pod, node }
}

/** An ICMP echo (the kernel answers it), or a port nobody listens on (the kernel refuses it). */
function noListener(ctx: WalkContext, ep: TraceEndpoint, t: Tuple, who: string, node?: Node, pod?: Pod): WalkEnd {
  if (t.proto === 'ICMP') {
    push(ctx, { at: who, node: node?.meta.name, handler: 'kernel', before: { ...t }, after: { ...t }, note: 'the kernel answers the ICMP echo request itself' })
    return { result: 'delivered', reason: `${who} answers the echo`, tuple: t, endpoint: ep, pod, node }
  }
  push(ctx, {
    at: who,
    node: node?.meta.name,
    handler: 'socket',
    before: { ...t },
    after: { ...t },
    note: `nothing listens on ${t.dport}/${t.proto} there: the kernel answers ${t.proto === 'TCP' ? 'with a TCP RST' : 'ICMP port unreachable'}, "Connection refused"`,
    verdict: 'refused',
  })
  return { result: 'refused', reason: `nothing listens on port ${t.dport}/${t.proto} at ${who}`, tuple: t, endpoint: ep, pod, node }
}

// ---------------------------------------------------------------- cloud load balancer

/**
 * A cloud load balancer in front of a LoadBalancer Service: it sends each
 * connection to a healthy node, to the Service's NodePort (or, without
 * NodePorts, to the node with the load-balancer IP as destination, which
 * kube-proxy catches). With externalTrafficPolicy: Cluster every node passes
 * kube-proxy's health check; with Local only nodes with a ready endpoint pass
 * the healthCheckNodePort check. Nodes labelled
 * node.kubernetes.io/exclude-from-external-load-balancers (kubeadm labels the
 * control plane so) are not in the pool.
 */
function cloudLoadBalancer(ctx: WalkContext, t: Tuple, sp: ServicePortInfo): WalkEnd {
  const c = ctx.cluster
  const pool = c.nodes.filter((n) => n.ready && !('node.kubernetes.io/exclude-from-external-load-balancers' in n.meta.labels) && !n.roles.includes('control-plane'))
  const withEndpoint = (n: Node) => c.index.slicesByService.get(`${sp.namespace}/${sp.name}`)?.some((s) => s.endpoints.some((e) => e.nodeName === n.meta.name && e.conditions.ready)) ?? false
  let healthy = sp.externalPolicyLocal ? pool.filter(withEndpoint) : pool
  let failOpen = false
  if (healthy.length === 0) {
    healthy = pool.length ? pool : c.nodes
    failOpen = true
  }
  const node = healthy[hashOf('lb', ctx.seed, t.src, t.sport, t.dst, t.dport) % healthy.length]
  const family = ipFamilyOf(t.dst) ?? 'IPv4'
  const nodeIP = primaryIP(node, family)
  const after: Tuple = sp.nodePort ? { ...t, dst: nodeIP, dport: sp.nodePort } : { ...t }
  const check = sp.externalPolicyLocal
    ? `externalTrafficPolicy: Local: the load balancer probes healthCheckNodePort ${sp.healthCheckNodePort} (/healthz), which only nodes with a ready endpoint pass (${pool.filter(withEndpoint).map((n) => n.meta.name).join(', ') || 'none'})`
    : 'externalTrafficPolicy: Cluster: every node passes the health check and may forward to any endpoint'
  push(ctx, {
    at: `load balancer ${t.dst}`,
    handler: 'cloud-lb',
    before: { ...t },
    after,
    note: `${check}${failOpen ? '; no node is healthy, so the load balancer fails open and uses them all' : ''}. It picks ${node.meta.name} of ${healthy.map((n) => n.meta.name).join(', ')} and ${sp.nodePort ? `sends to its NodePort ${hostPort(nodeIP, sp.nodePort)}, keeping the client address` : 'passes the packet through unchanged (no NodePort: kube-proxy catches the load-balancer IP on the node)'}`,
  })
  if (sp.nodePort) ctx.nat.push({ node: `load balancer ${t.dst}`, kind: 'dnat', before: { ...t }, after: { ...after }, by: 'cloud load balancer' })
  push(ctx, { at: `network → ${node.meta.name} eth0`, handler: 'network', before: { ...after }, after: { ...after }, note: `to ${node.meta.name}` })
  return atNode(ctx, node, after, { chain: 'PREROUTING', srcLocal: false })
}

