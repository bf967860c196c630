/**
 * The node dataplane: what the CNI plugin and kube-proxy leave on each node
 * and in each Pod, and the programs that show it as the real tools print it.
 *
 * @example
 * import { nodePlumbing, nodeRuleset, saveRuleset } from './engine/dataplane/index.ts'
 * const node = cluster.index.node.get('node-1')!
 * nodePlumbing(cluster, node).host.links     // lo, eth0, flannel.1, cni0, veth…
 * saveRuleset(nodeRuleset(cluster, node, 'IPv4'), cluster.now, 'nat') // iptables-save -t nat
 */
export { DATAPLANE_PROGRAMS, ipProgram, bridgeProgram, iptablesSaveProgram, ip6tablesSaveProgram, iptablesCmdProgram, ip6tablesCmdProgram, ipvsadmProgram, ipsetProgram, nftProgram, hostnameProgram, lsProgram } from './programs.ts'
export { dataplaneFile, dataplaneList, handlesPath, DATAPLANE_PATHS } from './files.ts'
export type { FileAnswer } from './files.ts'
export { nodePlumbing } from './cni/index.ts'
export type { NodePlumbing, CniFiles } from './cni/context.ts'
export type { Link, LinkAddress, Route, NetNS } from './model.ts'
export { namespaceOf } from './place.ts'
export { proxyConfig } from './kube-proxy/config.ts'
export type { ProxyConfig } from './kube-proxy/config.ts'
export { servicePortsFor, endpointsFor, categorizeEndpoints, topologyModeFromHints } from './kube-proxy/service-ports.ts'
export type { ServicePortInfo, EndpointInfo } from './kube-proxy/service-ports.ts'
export { portProtoHash, iptablesChains, sepChain, nftServiceBase, nftEndpointBase } from './kube-proxy/chain-names.ts'
export { nodeRuleset } from './kube-proxy/node-ruleset.ts'
export { saveRuleset, ctime } from './kube-proxy/iptables-save.ts'
export { saveRule, kernelProbability } from './kube-proxy/save-format.ts'
export { parseRule } from './kube-proxy/rule-parse.ts'
export { probability } from './kube-proxy/iptables.ts'
export { virtualServers, formatIpvsadm } from './kube-proxy/ipvs.ts'
export { kubeProxyTable, formatNftTable } from './kube-proxy/nftables.ts'
export { sha256, sha256Hex } from './sha256.ts'
export { sha1, sha1Hex } from './sha1.ts'
export { base32 } from './base32.ts'
