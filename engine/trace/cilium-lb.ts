/**
 * Services under Cilium's kube-proxy replacement (Cilium v1.18): no kube-proxy
 * rule ever sees the packet.
 *
 * - Socket-LB (bpf/bpf_sock.c): a Pod or a process of the node (the programs
 *   are attached to the root cgroup, so the host namespace has them too)
 *   connects to a Service address; the cgroup hook cil_sock4_connect (UDP:
 *   cil_sock4_sendmsg) looks the frontend up in the internal scope and
 *   rewrites the socket's destination to a backend before any packet exists.
 *   The packet leaves already addressed to the backend, so no node DNATs it,
 *   and the reply needs no reverse NAT: the socket is connected to the
 *   backend, and getpeername()/recvmsg() hooks hand the application the
 *   Service address back. A NodePort is caught on any node address (and on
 *   127.0.0.1 from the host namespace) by the wildcard lookup of
 *   0.0.0.0:nodePort. With no backend, connect() fails at once
 *   (EHOSTUNREACH).
 * - The tc programs (bpf/bpf_host.c cil_from_netdev, nodeport_lb4 in
 *   bpf/lib/nodeport.h): a packet from outside for a NodePort, a
 *   load-balancer IP or an externalIP is translated on the node's device.
 *   With externalTrafficPolicy Cluster and a backend on another node the
 *   packet is SNATed to the node (Cilium's default bpf-lb-mode snat; DSR is
 *   not modelled) and sent there; a local backend needs no SNAT. No backend
 *   (or, with Local, none on this node): service-no-backend-response=reject
 *   (the default) answers ICMP port unreachable (tail_no_service_ipv4).
 *   loadBalancerSourceRanges are checked there too (the "check source-range"
 *   flag); a source outside them is dropped.
 * Backends are picked by a hash of the connection (ClientIP affinity: of the
 * client address), as the kube-proxy trace does; Cilium's default is a
 * random pick (bpf-lb-algorithm random), Maglev is not modelled.
 */
import type { Node } from '../model/types.ts'
import { ipFamilyOf, ipInPrefixText } from '../net/ip.ts'
import { frontendText, lookupFrontend } from '../dataplane/cilium-lb.ts'
import type { LbFrontend } from '../dataplane/cilium-lb.ts'
import type { EndpointInfo } from '../dataplane/index.ts'
import type { WalkContext } from './context.ts'
import { hostPort, push } from './context.ts'
import { candidatesText, choose, recordAlternatives } from './kube-proxy.ts'
import { masqueradePort } from './choice.ts'
import { isLoopback } from './netns.ts'
import { serviceByDest } from './service-index.ts'
import { notReadyNote } from './not-ready.ts'
import type { Tuple } from './types.ts'

export type LbResult =
  | { kind: 'translated'; tuple: Tuple; frontend: LbFrontend; endpoint: EndpointInfo }
  | { kind: 'refused' | 'dropped'; reason: string }

/** The frontend a destination addresses, or undefined (not a Service: Cilium leaves it alone). */
function frontendFor(ctx: WalkContext, node: Node, t: Tuple, nodeAddress: boolean, fromInside: boolean): LbFrontend | undefined {
  if (t.proto === 'ICMP' || t.proto === 'IPIP') return undefined
  const hit = serviceByDest(ctx.cluster, t.dst, t.dport, t.proto)
  if (hit) return lookupFrontend(ctx.cluster, node, 'service', t.dst, t.dport, t.proto, fromInside)
  if (nodeAddress) return lookupFrontend(ctx.cluster, node, 'node-port', t.dst, t.dport, t.proto, fromInside)
  return undefined
}

/** Whether `ip` is an address of some node (socket-LB serves NodePorts on any of them). */
function isNodeAddress(ctx: WalkContext, ip: string): boolean {
  return ctx.cluster.index.nodeByIP.has(ip) || ctx.cluster.nodes.some((n) => n.externalIPs.includes(ip))
}

function pick(ctx: WalkContext, f: LbFrontend, t: Tuple): { i: number; ep: EndpointInfo } {
  const i = choose(ctx, f.backends, f.sp, t, f.sp.sessionAffinityClientIP)
  recordAlternatives(ctx, f.backends, i, () => undefined)
  return { i, ep: f.backends[i] }
}

/** The external-scope entry of an externalTrafficPolicy: Local frontend: only this node's backends. */
function externalLocal(f: LbFrontend): boolean {
  return f.type !== 'ClusterIP' && f.sp.externalPolicyLocal && !f.internal
}

function poolText(ctx: WalkContext, f: LbFrontend, i: number): string {
  return `${f.backends.length === 1 ? '1 backend' : `${f.backends.length} backends, each with chance 1/${f.backends.length}`}: ${candidatesText(ctx, f.backends, i)}`
}

/**
 * Socket-LB: the connect() (TCP) or sendmsg() (UDP) of a socket in a Pod or
 * on the node. `where` names the sender for the hop ("pod default/client",
 * "node-1"). Undefined when the destination is no Service frontend.
 *
 * @example
 * socketLB(ctx, node, { src: '10.244.1.5', sport: 40000, dst: '10.96.0.10', dport: 53, proto: 'UDP' }, 'pod default/client', false)
 */
export function socketLB(ctx: WalkContext, node: Node, t: Tuple, where: string, hostNs: boolean, sourceFor?: (dst: string) => string): LbResult | undefined {
  // SCTP is not served by the socket hooks; bpf_lxc translates it per packet (ciliumTc)
  if (t.proto !== 'TCP' && t.proto !== 'UDP') return undefined
  const nodeAddress = isNodeAddress(ctx, t.dst) || (hostNs && isLoopback(t.dst) && ipFamilyOf(t.dst) === 'IPv4')
  const f = frontendFor(ctx, node, t, nodeAddress, true)
  if (!f) return undefined
  const n = node.meta.name
  const hook = t.proto === 'TCP' ? 'cil_sock4_connect (cgroup/connect4)' : 'cil_sock4_sendmsg (cgroup/sendmsg4)'
  const hookName = ipFamilyOf(t.dst) === 'IPv6' ? hook.replace('sock4', 'sock6').replace('connect4', 'connect6').replace('sendmsg4', 'sendmsg6') : hook
  const rule = `${hookName}: ${frontendText(f)} [${f.flags}]`
  if (f.backends.length === 0) {
    // endpoints that exist but are not ready are left out of the backend map, as kube-proxy leaves them out of its rules
    const unready = f.sp.internalPolicyLocal ? '' : notReadyNote(ctx.cluster, f.sp)
    push(ctx, {
      at: `${where} ${t.proto === 'TCP' ? 'connect()' : 'sendmsg()'}`,
      node: n,
      handler: 'ebpf',
      rule,
      before: { ...t },
      after: { ...t },
      note: `${hostPort(t.dst, t.dport)}/${t.proto} is a frontend of ${f.sp.nameString} in Cilium's load-balancer map, but it has no backend${f.sp.internalPolicyLocal ? ` on ${n} (internalTrafficPolicy: Local)` : unready}: Cilium's socket hook fails the ${t.proto === 'TCP' ? 'connect()' : 'send'} at once with EHOSTUNREACH ("No route to host"); no packet is sent`,
      verdict: 'refused',
    })
    return { kind: 'refused', reason: `${f.sp.nameString} has no backend${f.sp.internalPolicyLocal ? ` on ${n}` : unready}: Cilium's socket-LB fails the connect() (No route to host)` }
  }
  const { i, ep } = pick(ctx, f, t)
  // a socket bound to nothing gets its source from the route to the backend (127.0.0.1 cannot leave the node)
  const after: Tuple = { ...t, dst: ep.ip, dport: ep.port, ...(sourceFor && isLoopback(t.src) ? { src: sourceFor(ep.ip) } : {}) }
  const what = f.type === 'NodePort' ? `NodePort ${t.dport} (the wildcard frontend ${frontendText(f)}, as ${t.dst} is ${isLoopback(t.dst) ? 'loopback' : 'a node address'})` : `${f.type === 'ClusterIP' ? 'the ClusterIP' : f.type === 'LoadBalancer' ? 'the load-balancer IP' : 'the externalIP'} ${hostPort(t.dst, t.dport)}`
  push(ctx, {
    at: `${where} ${t.proto === 'TCP' ? 'connect()' : 'sendmsg()'}`,
    node: n,
    handler: 'ebpf',
    rule,
    before: { ...t },
    after,
    note: `socket-LB: ${hostNs ? `${n}'s` : 'the Pod\'s'} ${t.proto === 'TCP' ? 'connect()' : 'sendmsg()'} to ${what} of ${f.sp.nameString} runs Cilium's cgroup hook, which picks a backend (service ID ${f.id}) and rewrites the socket's destination before any packet exists. ${poolText(ctx, f, i)}.${f.sp.sessionAffinityClientIP ? ' sessionAffinity: the same client gets the same backend.' : ''} The packet leaves already addressed to ${ep.str}: no node DNATs it, and no KUBE-* rule exists to do so`,
  })
  ctx.nat.push({ node: n, kind: 'dnat', before: { ...t }, after: { ...after }, by: 'Cilium socket-LB' })
  return { kind: 'translated', tuple: after, frontend: f, endpoint: ep }
}

/**
 * The tc programs on a node: a packet from outside for a NodePort (on one of
 * the node's addresses), a load-balancer IP or an externalIP (bpf_host on
 * the device it arrives on), or an SCTP packet from a local Pod (bpf_lxc).
 * Undefined when no frontend matches.
 */
export function ciliumTc(ctx: WalkContext, node: Node, t: Tuple, nodeAddress: boolean, fromPod: boolean): LbResult | undefined {
  const f = frontendFor(ctx, node, t, nodeAddress, fromPod)
  if (!f) return undefined
  const n = node.meta.name
  const family = ipFamilyOf(t.dst) ?? 'IPv4'
  const at = fromPod ? `${n} lxc (bpf_lxc)` : `${n} eth0 tc ingress (bpf_host)`
  const prog = fromPod ? 'cil_from_container' : 'cil_from_netdev'
  const rule = `${prog}: lb${family === 'IPv4' ? 4 : 6}_lookup_service ${frontendText(f)} [${f.flags}]`
  const local = (e: EndpointInfo) => e.nodeName === n
  if (f.type === 'LoadBalancer' && f.sp.loadBalancerSourceRanges.length && !f.sp.loadBalancerSourceRanges.some((c) => ipInPrefixText(t.src, c))) {
    push(ctx, { at, node: n, handler: 'ebpf', rule, before: { ...t }, after: { ...t }, note: `${t.src} is not in loadBalancerSourceRanges (${f.sp.loadBalancerSourceRanges.join(', ')}): Cilium checks the source range (cilium_lb4_source_range) and drops the packet`, verdict: 'drop' })
    return { kind: 'dropped', reason: `${t.src} is not in the loadBalancerSourceRanges of ${f.sp.nameString}: Cilium drops it` }
  }
  if (f.backends.length === 0) {
    const why = externalLocal(f) ? `externalTrafficPolicy: Local and ${n} has no ready backend of ${f.sp.nameString}, so this node's external-scope entry is empty` : `${f.sp.nameString} has no backend${notReadyNote(ctx.cluster, f.sp)}`
    push(ctx, { at, node: n, handler: 'ebpf', rule, before: { ...t }, after: { ...t }, note: `${why}: with service-no-backend-response=reject (Cilium's default) the program answers ICMP destination unreachable (port unreachable), so the client sees "Connection refused" at once`, verdict: 'reject' })
    return { kind: 'refused', reason: `${why}: Cilium answers ICMP port unreachable` }
  }
  const { i, ep } = pick(ctx, f, t)
  const after: Tuple = { ...t, dst: ep.ip, dport: ep.port }
  const what = f.type === 'NodePort' ? `NodePort ${t.dport} on ${t.dst} (the wildcard frontend ${frontendText(f)})` : `${f.type === 'LoadBalancer' ? 'the load-balancer IP' : f.type === 'ExternalIPs' ? 'the externalIP' : 'the ClusterIP'} ${hostPort(t.dst, t.dport)}`
  push(ctx, {
    at,
    node: n,
    handler: 'ebpf',
    rule,
    before: { ...t },
    after,
    note: `${fromPod ? 'SCTP is not translated at the socket, so bpf_lxc on the Pod\'s veth' : `the eBPF program on ${n}'s device`} catches ${what} of ${f.sp.nameString} (service ID ${f.id}) and DNATs it in place: ${poolText(ctx, f, i)}${externalLocal(f) ? `; externalTrafficPolicy: Local: only backends on ${n}` : ''}. No iptables rule is involved`,
  })
  ctx.nat.push({ node: n, kind: 'dnat', before: { ...t }, after: { ...after }, by: 'Cilium eBPF load balancer' })
  if (fromPod || local(ep) || externalLocal(f)) {
    if (!fromPod) {
      ctx.notes.push(local(ep)
        ? `the backend ${ep.str} is on ${n} itself, so Cilium forwards without SNAT: the Pod sees the client's own address ${t.src}, and the reply passes ${n}'s eBPF programs, which undo the DNAT`
        : `externalTrafficPolicy: Local: no SNAT, the Pod sees the client's own address ${t.src}`)
    }
    return { kind: 'translated', tuple: after, frontend: f, endpoint: ep }
  }
  // bpf-lb-mode snat (the default): the backend is elsewhere, so the node SNATs to its own address to bring the reply back
  const nodeIP = node.internalIPs.find((ip) => ipFamilyOf(ip) === family) ?? node.internalIPs[0]
  const snat: Tuple = { ...after, src: nodeIP, sport: masqueradePort(after, nodeIP, ctx.seed) }
  push(ctx, {
    at: `${n} eth0 (bpf_host nodeport SNAT)`,
    node: n,
    handler: 'ebpf',
    rule: 'tail_nodeport_nat_egress_ipv' + (family === 'IPv4' ? 4 : 6),
    before: { ...after },
    after: snat,
    note: `externalTrafficPolicy: Cluster and the backend is on ${ep.nodeName ?? 'another node'}: Cilium (bpf-lb-mode snat, its default) rewrites the source to ${n}'s address ${nodeIP} and records it in its eBPF NAT table (cilium_snat_v${family === 'IPv4' ? 4 : 6}_external), so the reply comes back through ${n}; the Pod will not see the client address (DSR mode would keep it)`,
  })
  ctx.nat.push({ node: n, kind: 'snat', before: { ...after }, after: { ...snat }, by: 'Cilium NodePort SNAT' })
  return { kind: 'translated', tuple: snat, frontend: f, endpoint: ep }
}
