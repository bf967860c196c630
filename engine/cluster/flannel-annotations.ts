/**
 * The annotations flanneld writes on its own Node when it takes its lease
 * (kube-flannel.yml's `--kube-subnet-mgr`; flannel v0.28.9
 * pkg/subnet/kube/kube.go AcquireLease, names from annotations.go with the
 * default prefix flannel.alpha.coreos.com; neither changed since v0.27.4):
 * - backend-data: the lease's BackendData as JSON, `{"VNI":1,"VtepMAC":"…"}`
 *   for VXLAN (the MAC of the node's flannel.1, vxlan.go newSubnetAttrs), and
 *   `null` for host-gw, which has none (a nil json.RawMessage marshals so);
 * - backend-type, kube-subnet-manager "true", public-ip (the node's address).
 * flanneld reads its peers' leases back from these (kube.go nodeToLease), and
 * logs them (engine/kubectl/cni-logs/flannel.ts). IPv4-only clusters: with
 * IPv6 flanneld also writes backend-v6-data and public-ipv6, not modelled
 * here. A Node manifest that already carries flannel's annotations (a pasted
 * dump) keeps its own.
 */
import type { ClusterConfig, Node } from '../model/types.ts'
import { ipFamilyOf, parsePrefix } from '../net/ip.ts'
import { randomMac } from '../dataplane/ids.ts'

const PREFIX = 'flannel.alpha.coreos.com/'

export function addFlannelAnnotations(config: ClusterConfig, nodes: Node[]): void {
  if (config.cni !== 'flannel' || !config.podCIDRs.every((p) => parsePrefix(p)?.family === 'IPv4')) return
  const hostGw = config.cniMode === 'host-gw'
  for (const n of nodes) {
    if (Object.keys(n.meta.annotations).some((k) => k.startsWith(PREFIX))) continue
    const ip = n.internalIPs.find((a) => ipFamilyOf(a) === 'IPv4')
    // without a Pod range flanneld takes no lease ("node … pod cidr not assigned")
    if (!ip || !n.podCIDRs.some((c) => parsePrefix(c)?.family === 'IPv4')) continue
    // the same MAC the node's flannel.1 has (dataplane/cni/flannel.ts flannelVxlanDevice)
    n.meta.annotations[`${PREFIX}backend-data`] = hostGw ? 'null' : `{"VNI":1,"VtepMAC":"${randomMac(`${n.meta.name}/flannel.1`)}"}`
    n.meta.annotations[`${PREFIX}backend-type`] = hostGw ? 'host-gw' : 'vxlan'
    n.meta.annotations[`${PREFIX}kube-subnet-manager`] = 'true'
    n.meta.annotations[`${PREFIX}public-ip`] = ip
  }
}
