/**
 * Packet traces: a connection from a Pod, a node or a client outside the
 * cluster to a Pod, an address, a Service, a name or a URL, hop by hop —
 * the resolver and CoreDNS, the veth and the bridge, kube-proxy's iptables
 * chains (or IPVS virtual servers, or nftables maps) with the real chain
 * names and probabilities, the routing tables, the overlay with its outer
 * header, the cloud load balancer, the Ingress controller and the policy
 * checks — with the 5-tuple before and after every hop, and the reply with
 * conntrack undoing each NAT where it was done.
 *
 * @example
 * import { tracePacket, formatTrace } from './engine/trace/index.ts'
 * const t = tracePacket(cluster, { kind: 'pod', pod }, { kind: 'name', name: 'web', port: 80 })
 * t.result    // 'delivered'
 * t.endpoint  // { kind: 'pod', ip: '10.244.2.3', port: 8080, pod: 'default/web-…', node: 'node-2' }
 * t.seenFrom  // { ip: '10.244.1.2', port: 41532 }
 * formatTrace(t)
 */
export { tracePacket } from './trace.ts'
export type { TraceFrom, TraceTarget, TraceOptions, FullTrace, IngressLeg } from './trace.ts'
export type { Trace, Hop, Tuple, Encap, Handler, L4, TraceResult, TraceEndpoint, Alternative, HttpContext } from './types.ts'
export { formatTrace, rewritten } from './format.ts'
export { parseSource, parseTarget, splitPort } from './parse.ts'
export { traceProgram } from './program.ts'
export { ephemeralPort, pickIndex, EPHEMERAL_MIN, EPHEMERAL_MAX } from './choice.ts'
