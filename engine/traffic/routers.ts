/**
 * The routers a traced packet passes: every node that forwards it (each
 * decrements the TTL) and the LAN gateway on the way out. A router answers
 * an expired probe (traceroute) with ICMP time exceeded from the address it
 * uses toward the sender: its source address for the route back (cni0's
 * 10.244.1.1 on a flannel node, flannel.1's 10.244.2.0 on the far node, the
 * node's own address on routed plugins).
 */
import type { Cluster } from '../model/types.ts'
import { nodePlumbing } from '../dataplane/index.ts'
import { localLink, lookupRoute, sourceAddress } from '../trace/netns.ts'
import type { FullTrace } from '../trace/index.ts'

export interface Router {
  address: string
  node?: string
}

/**
 * @example
 * routersOf(cluster, trace) // [{ address: '10.244.1.1', node: 'node-1' }, { address: '10.244.2.0', node: 'node-2' }]
 */
export function routersOf(cluster: Cluster, t: FullTrace): Router[] {
  const out: Router[] = []
  const client = t.client?.src
  for (const h of t.hops) {
    if (h.direction !== 'request') break
    if ((h.handler === 'route' || h.handler === 'ebpf' || h.handler === 'ovs') && h.at.endsWith(' routing') && h.node) {
      const node = cluster.index.node.get(h.node)
      if (!node) continue
      const host = nodePlumbing(cluster, node).host
      // the sender's own node does not count: it originates the packet, it does not forward it
      if (client && localLink(host, client)) continue
      const r = client ? lookupRoute(host, client) : undefined
      const address = (r && sourceAddress(host, r)) || node.internalIPs[0]
      if (out[out.length - 1]?.node !== h.node) out.push({ address, node: h.node })
    } else if (h.handler === 'network' && h.at.startsWith('network beyond ')) {
      const gw = /gateway (\S+)/.exec(h.note)?.[1]
      if (gw) out.push({ address: gw })
    }
  }
  return out
}

/** The TTL a reply arrives with: 64, less one per router on the way back (the path is symmetric). @example replyTtl(cluster, podToPodAcrossNodes) // 62 */
export function replyTtl(cluster: Cluster, t: FullTrace): number {
  const outside = t.hops.some((h) => h.handler === 'network' && h.direction === 'request' && !h.at.startsWith('network beyond'))
  return 64 - routersOf(cluster, t).length - (outside ? 1 : 0)
}
