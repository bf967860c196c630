/**
 * What calico-node writes on its Node in Kubernetes-datastore mode (Calico v3.32.0,
 * libcalico-go/lib/backend/k8s/resources/node.go mergeCalicoNodeIntoK8sNode): its BGP address
 * as autodetected with IP=autodetect (first-found: eth0 with its prefix), the tunnel address the
 * allocator gave it (the same one `ip addr` shows on tunl0 or vxlan.calico) with, for VXLAN,
 * the tunnel's MAC, and the host interfaces startup found (node/pkg/lifecycle/startup
 * configureIPsAndSubnets: IPv4 only, the default exclusions leave eth0) as JSON. Canal runs
 * calico-node with CALICO_NETWORKING_BACKEND=none, which writes none of these.
 */
import type { ClusterConfig, Node } from '../model/types.ts'
import { ipFamilyOf, parsePrefix } from '../net/ip.ts'
import { randomMac } from '../dataplane/ids.ts'
import { networkAddress } from '../dataplane/cni/addressing.ts'

export function addCalicoAnnotations(config: ClusterConfig, nodes: Node[]): void {
  if (config.cni !== 'calico') return
  const mode = config.cniMode || 'ipip'
  for (const n of nodes) {
    const a = n.meta.annotations
    if (Object.keys(a).some((k) => k.startsWith('projectcalico.org/'))) continue
    const v4 = n.internalIPs.filter((ip) => ipFamilyOf(ip) === 'IPv4')
    if (v4.length === 0) continue
    // the node's NIC carries its addresses as /24s (dataplane/cni/common.ts nodeNic)
    a['projectcalico.org/IPv4Address'] = `${v4[0]}/24`
    const block = n.podCIDRs.find((c) => parsePrefix(c)?.family === 'IPv4')
    if (block && mode === 'ipip') a['projectcalico.org/IPv4IPIPTunnelAddr'] = networkAddress(block)
    if (block && mode === 'vxlan') {
      a['projectcalico.org/IPv4VXLANTunnelAddr'] = networkAddress(block)
      a['projectcalico.org/VXLANTunnelMACAddr'] = randomMac(`${n.meta.name}/vxlan.calico`)
    }
    a['projectcalico.org/Interfaces'] = JSON.stringify([{ name: 'eth0', addresses: v4 }])
  }
}
