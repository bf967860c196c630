/**
 * The shapes of a packet trace: the 5-tuple a hop sees before and after it
 * handles the packet, the hop itself, and the whole trace with its result.
 * `data` of the `trace` command is a Trace, so these names are a contract
 * with the site and the tests.
 */
import type { DnsLookupData } from '../dns/index.ts'

export type L4 = 'TCP' | 'UDP' | 'SCTP' | 'ICMP' | 'IPIP'

/**
 * A packet's 5-tuple. ICMP echo carries its identifier as sport and 0 as
 * dport; an IP-in-IP outer header (protocol 4) has no ports (both 0).
 */
export interface Tuple {
  src: string
  sport: number
  dst: string
  dport: number
  proto: L4
}

/** What handles the packet at a hop. */
export type Handler =
  | 'socket'
  | 'resolver'
  | 'coredns'
  | 'upstream-dns'
  | 'route'
  | 'loopback'
  | 'veth'
  | 'bridge'
  | 'ebpf'
  | 'ovs'
  | 'iptables'
  | 'ipvs'
  | 'nftables'
  | 'conntrack'
  | 'portmap'
  | 'vxlan'
  | 'ipip'
  | 'geneve'
  | 'weave'
  | 'underlay'
  | 'network'
  | 'cloud-lb'
  | 'ingress-controller'
  | 'gateway-proxy'
  | 'networkpolicy'
  | 'server'
  | 'kernel'
  /** a mesh's proxies, drawn by `mesh trace` as an illustration (engine/mesh) */
  | 'envoy'
  | 'ztunnel'
  | 'waypoint'

/** The outer header of an encapsulated packet. */
export interface Encap {
  /** the tunnel device: flannel.1, vxlan.calico, tunl0, cilium_vxlan, … */
  device: string
  kind: 'vxlan' | 'ipip' | 'geneve' | 'sleeve'
  outer: Tuple
  /** VXLAN/Geneve network identifier */
  vni?: number
  /** the tunnel's UDP port (8472, 4789, 6081, 6783) */
  port?: number
  /** the Pod interface MTU that leaves room for the outer headers */
  mtu: number
  /** bytes of outer headers: 50 for VXLAN/Geneve over IPv4, 20 for IPIP */
  overhead: number
}

export interface Hop {
  /** where it happens: `pod default/web-0 eth0`, `node-1 nat PREROUTING`, `node-1 flannel.1` */
  at: string
  /** the node the hop runs on, when it runs on one */
  node?: string
  handler: Handler
  /** the chain, table entry or route that decided, as the tool prints it */
  rule?: string
  before: Tuple
  after: Tuple
  /** one line: what happened and why */
  note: string
  /** more lines under the note (a resolver's query list, CoreDNS's log lines), printed as they are */
  detail?: string[]
  encap?: Encap
  /** request (client → server) or reply; replies come last */
  direction: 'request' | 'reply'
  /** set on the hop that ended the trace early */
  verdict?: 'drop' | 'reject' | 'refused' | 'timeout' | 'nxdomain'
  /** what a mesh would do here, which the simulator does not run (`mesh trace`): drawn dashed */
  illustration?: boolean
  /** how the hop changed the packet when it is not NAT (a proxy's own new connection), for the text */
  rewriteNote?: string
}

export type TraceResult = 'delivered' | 'refused' | 'dropped' | 'timeout' | 'nxdomain'

/** Who receives the packet at the end. */
export interface TraceEndpoint {
  kind: 'pod' | 'node' | 'external'
  ip: string
  port: number
  /** `ns/name` of the Pod */
  pod?: string
  node?: string
}

/** One candidate the load balancing could have picked. */
export interface Alternative {
  /** `ip:port` */
  endpoint: string
  pod?: string
  node?: string
  /** chance of this candidate for this connection (1/n, or 1 with an affinity entry) */
  probability: number
  /** the per-rule probability kube-proxy wrote (iptables), e.g. "0.3333333333" */
  ruleProbability?: string
  chosen: boolean
  /** what the connection would end as, had this candidate been picked (--all) */
  result?: TraceResult
  reason?: string
}

export interface Trace {
  /** how the reader named the two ends */
  from: string
  to: string
  hops: Hop[]
  result: TraceResult
  /** one sentence: why the trace ended as it did */
  reason: string
  endpoint?: TraceEndpoint
  /** the client address and port as the server sees them (after any SNAT) */
  seenFrom?: { ip: string; port: number }
  /** the tuple the client opened */
  client?: Tuple
  /** the candidates of the load-balancing decision, when there was one */
  alternatives?: Alternative[]
  dns?: DnsLookupData
  /** the HTTP request the trace carried to the final server (after an Ingress controller, the proxied one) */
  http?: HttpContext
  notes: string[]
  /** set when the trace shows what a mesh would do (`mesh trace`): says so, for the text and the diagram */
  illustration?: string
}

/** What an HTTP client sends: used by Ingress routing and the simulated servers. */
export interface HttpContext {
  scheme: 'http' | 'https'
  /** the Host header */
  host: string
  path: string
  /** set when an Ingress controller proxied the request: the original client */
  forwardedFor?: string
  /** the Ingress controller terminated TLS */
  tlsTerminated?: boolean
  /** the method and extra headers, for Gateway API route matching (curl -X, -H) */
  method?: string
  headers?: [string, string][]
  /** the request's number within one client run (curl URL URL …): weighted backends pick per request */
  sequence?: number
}
