/**
 * Whether the cluster's network plugin enforces the policies at all. The API
 * server stores NetworkPolicy and (with the CRDs installed) AdminNetworkPolicy
 * objects whatever the plugin; only the plugin turns them into packet filters.
 * Defaults are those of each plugin's stock install, as its docs state them.
 */
import type { CniName } from '../model/types.ts'

export interface Enforcement {
  cni: CniName
  /** networking.k8s.io/v1 NetworkPolicy is turned into filters */
  networkPolicy: boolean
  /** policy.networking.k8s.io/v1alpha1 AdminNetworkPolicy and BaselineAdminNetworkPolicy are */
  adminNetworkPolicy: boolean
  /** policy.networking.k8s.io/v1alpha2 ClusterNetworkPolicy (both tiers) is */
  clusterNetworkPolicy: boolean
  /** one sentence for the reader, naming the source of the default */
  note: string
}

const TABLE: Record<CniName, Omit<Enforcement, 'cni'>> = {
  // flannel's README: "Flannel is focused on networking. For network policy, other projects such as Calico can be used."
  flannel: { networkPolicy: false, adminNetworkPolicy: false, clusterNetworkPolicy: false, note: 'flannel only connects Pods; it does not implement NetworkPolicy (pair it with Calico, as canal does)' },
  // the reference bridge + host-local plugins program no filters at all
  bridge: { networkPolicy: false, adminNetworkPolicy: false, clusterNetworkPolicy: false, note: 'the plain bridge plugin programs no filters, so policies are stored but never applied' },
  // Calico enforces NetworkPolicy; AdminNetworkPolicy since v3.29, BaselineAdminNetworkPolicy since v3.30, and
  // ClusterNetworkPolicy since v3.32 (network-policy-api PR #376; the simulated calico-node is v3.32)
  calico: { networkPolicy: true, adminNetworkPolicy: true, clusterNetworkPolicy: true, note: 'Calico enforces NetworkPolicy, ClusterNetworkPolicy, AdminNetworkPolicy and BaselineAdminNetworkPolicy' },
  // canal = flannel for the network + Calico's Felix for policy
  canal: { networkPolicy: true, adminNetworkPolicy: true, clusterNetworkPolicy: true, note: "canal enforces policies with Calico's Felix (flannel carries the traffic)" },
  // Cilium implements NetworkPolicy (and its own CRDs) but not the network-policy-api AdminNetworkPolicy
  cilium: { networkPolicy: true, adminNetworkPolicy: false, clusterNetworkPolicy: false, note: 'Cilium enforces NetworkPolicy but does not implement AdminNetworkPolicy, BaselineAdminNetworkPolicy or ClusterNetworkPolicy (it has its own CiliumClusterwideNetworkPolicy)' },
  // weave-npc enforces NetworkPolicy; Weave Net predates (and never implemented) AdminNetworkPolicy
  weave: { networkPolicy: true, adminNetworkPolicy: false, clusterNetworkPolicy: false, note: 'Weave Net (weave-npc) enforces NetworkPolicy but not ClusterNetworkPolicy or AdminNetworkPolicy' },
  // Antrea: NetworkPolicy, AdminNetworkPolicy/BaselineAdminNetworkPolicy since v1.13, ClusterNetworkPolicy only
  // since v2.7 (antrea-io/antrea PR #8044); the simulated antrea-agent is v2.4
  antrea: { networkPolicy: true, adminNetworkPolicy: true, clusterNetworkPolicy: false, note: 'Antrea v2.4 enforces NetworkPolicy, AdminNetworkPolicy and BaselineAdminNetworkPolicy; ClusterNetworkPolicy needs Antrea v2.7 or later' },
  // amazon-vpc-cni-k8s network-policy FAQ: "network policies are not enabled by default" (enableNetworkPolicy=false)
  'aws-vpc-cni': { networkPolicy: false, adminNetworkPolicy: false, clusterNetworkPolicy: false, note: 'the Amazon VPC CNI enforces NetworkPolicy only when its network policy agent is enabled (enableNetworkPolicy: "true"), which is off by default' },
  // AKS: --network-policy defaults to none; Azure NPM, Calico or Cilium must be chosen to enforce
  'azure-cni': { networkPolicy: false, adminNetworkPolicy: false, clusterNetworkPolicy: false, note: 'Azure CNI enforces NetworkPolicy only with a policy engine (--network-policy azure, calico or cilium); the default is none' },
}

/**
 * What the cluster's CNI does with policies.
 *
 * @example
 * enforcementFor('flannel').networkPolicy // false
 */
export function enforcementFor(cni: CniName): Enforcement {
  return { cni, ...(TABLE[cni] ?? TABLE.flannel) }
}
