/**
 * Cilium's load balancer with kube-proxy replacement (Cilium v1.18): the
 * frontends the agent writes into its BPF maps (cilium_lb4_services_v2,
 * cilium_lb4_backends_v3) for every Service port, and the two views
 * `cilium-dbg` prints of them.
 *
 * What a Service port becomes (pkg/loadbalancer: one frontend per address
 * and type, ServiceFlags for lb4_service.flags):
 * - its ClusterIP, type ClusterIP, not routable from outside the cluster;
 * - a NodePort as the surrogate 0.0.0.0:<nodePort> (the datapath looks it up
 *   for any of the node's own addresses), not routable either;
 * - each load-balancer ingress IP (type LoadBalancer) and each externalIP
 *   (type ExternalIPs) at the Service port, routable.
 * A frontend whose external and internal traffic policies differ (one Local,
 * one Cluster; never for ClusterIP) has two scopes: the external-scope entry
 * serves traffic from outside the node, a second entry with scope internal
 * ("/i") serves the node's own Pods. A Local scope keeps only the backends
 * on this node.
 *
 * Deterministic where Cilium is not: service (= reverse-NAT) IDs and backend
 * IDs are handed out in the order of the Service ports (namespace/name,
 * port, protocol, as servicePortsFor sorts them) and, within one, ClusterIP,
 * NodePort, externalIPs, load-balancer IPs; a real agent numbers them in the
 * order the objects reached it. Backends are the ready endpoints (terminating
 * ones are left out).
 */
import type { Cluster, Node, Protocol } from '../model/types.ts'
import type { IPFamily } from '../net/ip.ts'
import { tabwrite } from '../text/tabwriter.ts'
import { endpointsFor, servicePortsFor } from './kube-proxy/service-ports.ts'
import type { EndpointInfo, ServicePortInfo } from './kube-proxy/service-ports.ts'

export type LbType = 'ClusterIP' | 'NodePort' | 'ExternalIPs' | 'LoadBalancer'

export interface LbFrontend {
  /** the service ID, also its reverse-NAT index */
  id: number
  family: IPFamily
  /** 0.0.0.0 or :: for a NodePort */
  address: string
  port: number
  protocol: Protocol
  /** scope internal ("/i"): the entry for the node's own Pods of a two-scope frontend */
  internal: boolean
  type: LbType
  /** lb4_service.flags as ServiceFlags.String() words them */
  flags: string
  sp: ServicePortInfo
  /** the backends this node's entry holds (slots 1…n), in endpoint order */
  backends: EndpointInfo[]
}

const cache = new WeakMap<Cluster, Map<string, LbFrontend[]>>()

/** "10.244.1.5:8080/TCP": how Cilium names a backend (L3n4Addr.String) */
export function backendKey(ep: EndpointInfo, protocol: Protocol): string {
  return `${ep.str}/${protocol}`
}

/**
 * The frontends Cilium programs on `node`.
 *
 * @example
 * ciliumFrontends(cluster, node).map((f) => frontendText(f)) // ['10.96.0.1:443/TCP', '10.96.0.10:53/UDP', …]
 */
export function ciliumFrontends(cluster: Cluster, node: Node): LbFrontend[] {
  let per = cache.get(cluster)
  if (!per) cache.set(cluster, (per = new Map()))
  let list = per.get(node.meta.name)
  if (!list) per.set(node.meta.name, (list = build(cluster, node)))
  return list
}

function build(cluster: Cluster, node: Node): LbFrontend[] {
  const out: LbFrontend[] = []
  let id = 0
  const onNode = (e: EndpointInfo) => e.nodeName === node.meta.name
  for (const family of cluster.config.serviceIPFamilies) {
    for (const sp of servicePortsFor(cluster, family)) {
      const all = endpointsFor(cluster, family, sp).filter((e) => e.ready)
      const local = all.filter(onNode)
      const add = (type: LbType, address: string, port: number) => {
        const extLocal = type !== 'ClusterIP' && sp.externalPolicyLocal
        const intLocal = sp.internalPolicyLocal
        // NewSvcFlag: two scopes when the policies differ, for every type but ClusterIP
        const twoScopes = type !== 'ClusterIP' && extLocal !== intLocal
        // a ClusterIP and the NodePort surrogate are not routable from outside the cluster
        const routable = type === 'LoadBalancer' || type === 'ExternalIPs'
        const flags = [
          type,
          ...(extLocal ? ['Local'] : []),
          ...(intLocal ? ['InternalLocal'] : []),
          ...(twoScopes ? ['two-scopes'] : []),
          ...(sp.sessionAffinityClientIP ? ['sessionAffinity'] : []),
          ...(routable ? [] : ['non-routable']),
          ...(type === 'LoadBalancer' && sp.loadBalancerSourceRanges.length ? ['check source-range'] : []),
        ].join(', ')
        const external = type === 'ClusterIP' ? (intLocal ? local : all) : extLocal ? local : all
        out.push({ id: ++id, family, address, port, protocol: sp.protocol, internal: false, type, flags, sp, backends: external })
        if (twoScopes) out.push({ id: ++id, family, address, port, protocol: sp.protocol, internal: true, type, flags, sp, backends: intLocal ? local : all })
      }
      add('ClusterIP', sp.clusterIP, sp.port)
      if (sp.nodePort) add('NodePort', family === 'IPv4' ? '0.0.0.0' : '::', sp.nodePort)
      for (const ip of sp.externalIPs) add('ExternalIPs', ip, sp.port)
      for (const ip of sp.loadBalancerVIPs) add('LoadBalancer', ip, sp.port)
    }
  }
  return out
}

/** L3n4Addr.StringWithProtocol: "10.96.0.10:53/UDP", "[fd00::10]:53/UDP", "…/i" for scope internal */
export function frontendText(f: LbFrontend): string {
  const host = f.family === 'IPv6' ? `[${f.address}]` : f.address
  return `${host}:${f.port}/${f.protocol}${f.internal ? '/i' : ''}`
}

/**
 * The frontend that serves a packet: by address (the surrogate for a
 * NodePort on one of the node's addresses), port and protocol, in the scope
 * of where the packet comes from.
 */
export function lookupFrontend(cluster: Cluster, node: Node, type: 'service' | 'node-port', address: string, port: number, protocol: string, fromInside: boolean): LbFrontend | undefined {
  const list = ciliumFrontends(cluster, node).filter((f) =>
    f.port === port && f.protocol === protocol && (type === 'node-port' ? f.type === 'NodePort' && (f.family === 'IPv6') === address.includes(':') : f.type !== 'NodePort' && f.address === address),
  )
  // Cilium's lookup: the internal-scope entry first for traffic from the node's Pods, if there is one
  return (fromInside ? list.find((f) => f.internal) : undefined) ?? list.find((f) => !f.internal)
}

/**
 * `cilium-dbg service list`, after cilium-dbg/cmd/service_list.go (v1.18):
 * a tabwriter (minwidth 5, padding 3), columns Frontend, Service Type and
 * Backend, every line tab-terminated; one line per backend ("N => addr
 * (state)"), rows sorted by the frontend's text.
 */
export function formatServiceList(cluster: Cluster, node: Node): string {
  const rows = ciliumFrontends(cluster, node).map((f) => ({ id: frontendText(f), type: f.type, backends: f.backends.map((b, i) => `${i + 1} => ${backendKey(b, f.protocol)} (active)`) }))
  rows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  const lines = ['Frontend\tService Type\tBackend\t']
  for (const r of rows) {
    if (r.backends.length === 0) {
      lines.push(`${r.id}\t${r.type}\t\t`)
      continue
    }
    lines.push(`${r.id}\t${r.type}\t${r.backends[0]}\t`)
    for (const b of r.backends.slice(1)) lines.push(`\t\t${b}\t`)
  }
  return tabwrite(`${lines.join('\n')}\n`, 5, 3)
}

/**
 * `cilium-dbg bpf lb list`, after cilium-dbg/cmd/bpf_lb_list.go (v1.18,
 * dumpSVC and TablePrinter): one line per map entry of
 * cilium_lb{4,6}_services_v2, keyed "addr:port/PROTO[/i] (slot)"; slot 0
 * holds the service itself ("0.0.0.0:0 (revnat) (0) [flags] "), slots 1…n
 * its backends ("addr:port/PROTO (revnat) (slot)"). The real command walks
 * a Go map, so its line order changes from run to run; here the lines are
 * in frontend order (the frontend's address:port/protocol text, as
 * `service list` sorts it) and then by slot.
 */
export function formatBpfLbList(cluster: Cluster, node: Node): string {
  const entries: { key: string; slot: number; line: string }[] = []
  for (const f of ciliumFrontends(cluster, node)) {
    const key = frontendText(f)
    // Service4Key.String: the address, port, protocol, "/i", then " (slot)"
    entries.push({ key, slot: 0, line: `${key} (0)\t${f.family === 'IPv6' ? '[::]' : '0.0.0.0'}:0 (${f.id}) (0) [${f.flags}] \t` })
    f.backends.forEach((b, i) => entries.push({ key, slot: i + 1, line: `${key} (${i + 1})\t${backendKey(b, f.protocol)} (${f.id}) (${i + 1})\t` }))
  }
  entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.slot - b.slot))
  return tabwrite(`SERVICE ADDRESS\tBACKEND ADDRESS (REVNAT_ID) (SLOT)\t\n${entries.map((e) => e.line).join('\n')}\n`, 5, 3)
}
