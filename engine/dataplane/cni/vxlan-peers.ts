/**
 * What a VXLAN agent writes for each peer node besides the route, with learning
 * off on its device: a permanent neighbour entry mapping the peer's tunnel
 * address (the route's gateway) to the peer device's MAC, and a forwarding
 * entry sending that MAC to the peer node's address. flanneld does it in
 * pkg/backend/vxlan/vxlan_network.go handleSubnetEvents (AddARP, then AddFDB);
 * Felix in vxlan_mgr.go (its ARP and FDB updates for each remote VTEP).
 */
import type { FdbEntry, Neighbour } from '../model.ts'

export interface VxlanPeer {
  /** the peer's tunnel address: the gateway of the route to its Pods */
  tunnelIP: string
  /** the MAC of the peer's VXLAN device */
  mac: string
  /** the peer node's address, the outer destination */
  nodeIP: string
}

export function vxlanPeerEntries(dev: string, peers: VxlanPeer[]): { neighbours: Neighbour[]; fdb: FdbEntry[] } {
  return {
    neighbours: peers.map((p) => ({ dst: p.tunnelIP, dev, lladdr: p.mac })),
    fdb: peers.map((p) => ({ mac: p.mac, dev, dst: p.nodeIP })),
  }
}
