/**
 * kube-proxy's local traffic detector (pkg/proxy/util/localdetector.go):
 * which packets come from Pods on this node or cluster. The default,
 * --detect-local-mode=ClusterCIDR, matches the cluster's Pod range by source
 * address; with no range configured the detector is a no-op and the
 * masquerade rules that need it are left out.
 */
import type { Node } from '../../model/types.ts'
import { parsePrefix } from '../../net/ip.ts'
import type { IPFamily } from '../../net/ip.ts'
import type { ProxyConfig } from './config.ts'

export interface LocalDetector {
  implemented: boolean
  /** iptables: ['-s', cidr] style parts as (kind, value) */
  kind: 'src' | 'iface'
  value: string
  /** nftables expression for "is local" / "is not local" */
  nftLocal: string
  nftNotLocal: string
}

export function localDetector(cfg: ProxyConfig, node: Node, family: IPFamily): LocalDetector {
  const ipX = family === 'IPv4' ? 'ip' : 'ip6'
  const none: LocalDetector = { implemented: false, kind: 'src', value: '', nftLocal: '', nftNotLocal: '' }
  if (cfg.detectLocalMode !== 'ClusterCIDR' && cfg.detectLocalMode !== 'NodeCIDR') return byInterface(cfg, none)
  const list = cfg.detectLocalMode === 'ClusterCIDR' ? cfg.clusterCIDRs : node.podCIDRs
  const cidr = list.find((c) => parsePrefix(c)?.family === family)
  if (!cidr) return none
  return { implemented: true, kind: 'src', value: cidr, nftLocal: `${ipX} saddr ${cidr}`, nftNotLocal: `${ipX} saddr != ${cidr}` }
}

/** --detect-local-mode BridgeInterface or InterfaceNamePrefix: the Pod traffic's incoming interface. */
function byInterface(cfg: ProxyConfig, none: LocalDetector): LocalDetector {
  switch (cfg.detectLocalMode) {
    case 'BridgeInterface':
      if (!cfg.bridgeInterface) return none
      return { implemented: true, kind: 'iface', value: cfg.bridgeInterface, nftLocal: `iifname "${cfg.bridgeInterface}"`, nftNotLocal: `iifname != "${cfg.bridgeInterface}"` }
    case 'InterfaceNamePrefix':
      if (!cfg.interfaceNamePrefix) return none
      return { implemented: true, kind: 'iface', value: `${cfg.interfaceNamePrefix}+`, nftLocal: `iifname "${cfg.interfaceNamePrefix}*"`, nftNotLocal: `iifname != "${cfg.interfaceNamePrefix}*"` }
    default:
      return none
  }
}
