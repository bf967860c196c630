/**
 * Getting a query to a name server and an answer back, from where the command
 * runs. CoreDNS answers on the kube-dns ClusterIP and on its Pod IPs, from
 * Pods and nodes; the workstation reaches neither. Every other address on
 * port 53 is taken to be a recursive resolver on the outside (the node's
 * upstream, 8.8.8.8, …), except cluster-internal addresses where nothing
 * listens, which time out. A NetworkPolicy that drops a Pod's DNS traffic to
 * CoreDNS makes the query time out, as it does on a real cluster.
 * When kube-dns has no ready endpoint (or CoreDNS would refuse its Corefile
 * and crash-loop), kube-proxy rejects the packets: "connection refused".
 */
import type { Cluster } from '../model/types.ts'
import { parseAddr, prefixContains, parsePrefix } from '../net/ip.ts'
import { evaluateConnection } from '../policy/index.ts'
import type { Place } from '../shell/types.ts'
import { serveCoreDns } from './coredns.ts'
import { resolveExternal } from './external-zone.ts'
import type { DnsMessage, Question } from './message.ts'
import type { DnsView } from './view.ts'
import { dnsView } from './view.ts'

/** An answer (and whether CoreDNS or an outside resolver sent it), or why none came. */
export type Delivery = { kind: 'answer'; message: DnsMessage; via: 'coredns' | 'external' } | { kind: 'timeout' } | { kind: 'refused' }

/**
 * Sends `q` to `server` (an address) from `place`.
 *
 * @example
 * sendQuery(cluster, { kind: 'pod', pod }, '10.96.0.10', { name: 'web.default.svc.cluster.local.', type: 'A' })
 */
export function sendQuery(cluster: Cluster, place: Place, server: string, q: Question): Delivery {
  const view = dnsView(cluster)
  const reach = reachability(cluster, view, place, server)
  if (reach === 'coredns') return { kind: 'answer', message: serveCoreDns(view, q), via: 'coredns' }
  if (reach === 'external') return { kind: 'answer', message: resolveExternal(view.external, q), via: 'external' }
  return { kind: reach }
}

/** Where a DNS packet to `server` from `place` ends up. */
export function reachability(cluster: Cluster, view: DnsView, place: Place, server: string): 'coredns' | 'external' | 'timeout' | 'refused' {
  const addr = parseAddr(server)
  if (!addr) return 'timeout'
  const inside = [...cluster.config.serviceCIDRs, ...cluster.config.podCIDRs].some((c) => prefixContains(parsePrefix(c)!, addr))
  const loopback = server.startsWith('127.') || server === '::1'
  const isNode = cluster.index.nodeByIP.has(server)
  if (view.coreDnsAddresses.has(server) || (inside && isKubeDns(cluster, server))) {
    if (place.kind === 'workstation') return 'timeout'
    if (view.corefile.errors.length > 0 || view.coreDnsPods.length === 0) return isKubeDns(cluster, server) ? 'refused' : 'timeout'
    if (place.kind === 'pod' && !dnsAllowed(cluster, view, place)) return 'timeout'
    return 'coredns'
  }
  if (inside || loopback || isNode) return 'timeout'
  return 'external'
}

function isKubeDns(cluster: Cluster, ip: string): boolean {
  return cluster.index.service.get('kube-system/kube-dns')?.clusterIPs.includes(ip) ?? false
}

const allowedMemo = new WeakMap<object, boolean>()

/** Does the Pod's egress (and CoreDNS's ingress) policy let UDP 53 through to CoreDNS? Judged once per Pod. */
function dnsAllowed(cluster: Cluster, view: DnsView, place: Extract<Place, { kind: 'pod' }>): boolean {
  const target = view.coreDnsPods[0]
  if (!target || place.pod.hostNetwork) return true
  // no policy of any kind isolates anything: allowed, without compiling the policy engine (issue 20)
  if (cluster.networkPolicies.length + cluster.adminNetworkPolicies.length + cluster.baselineAdminNetworkPolicies.length + (cluster.clusterNetworkPolicies?.length ?? 0) === 0) return true
  const memo = allowedMemo.get(place.pod)
  if (memo !== undefined) return memo
  let allowed = true
  try {
    const v = evaluateConnection(cluster, { srcPod: place.pod, dstPod: target, port: 53, protocol: 'UDP' })
    allowed = 'error' in v ? true : v.effective
  } catch {
    // the policy engine cannot judge this pair: DNS is not blocked by it
    allowed = true
  }
  allowedMemo.set(place.pod, allowed)
  return allowed
}
