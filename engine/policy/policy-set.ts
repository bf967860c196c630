/**
 * Every policy of a cluster, read once and kept beside the (immutable)
 * cluster: NetworkPolicies by namespace, AdminNetworkPolicies in priority
 * order, the BaselineAdminNetworkPolicy, and what they got wrong.
 */
import type { Cluster, Labels, Node } from '../model/types.ts'
import { compileNetworkPolicy } from './compile-network-policy.ts'
import { compileAdminPolicy } from './compile-admin-policy.ts'
import { compileClusterNetworkPolicy } from './compile-cluster-network-policy.ts'
import type { CompiledAdminPolicy, CompiledNetworkPolicy } from './model.ts'
import { Problems } from './problems.ts'
import type { Problem } from './problems.ts'
import { enforcementFor } from './enforcement.ts'
import type { Enforcement } from './enforcement.ts'
import { canonicalIP } from '../net/ip.ts'

export interface PolicySet {
  cluster: Cluster
  /** every NetworkPolicy in the cluster's order, invalid ones included */
  networkPolicies: CompiledNetworkPolicy[]
  /** valid NetworkPolicies by namespace */
  byNamespace: Map<string, CompiledNetworkPolicy[]>
  /** the Admin tier: valid AdminNetworkPolicies and Admin ClusterNetworkPolicies, highest precedence (lowest priority value) first */
  admin: CompiledAdminPolicy[]
  /** the Baseline tier: valid Baseline ClusterNetworkPolicies by priority, then the BaselineAdminNetworkPolicy "default" */
  baselines: CompiledAdminPolicy[]
  /** every AdminNetworkPolicy, BaselineAdminNetworkPolicy and ClusterNetworkPolicy, invalid ones included */
  allAdmin: CompiledAdminPolicy[]
  problems: Problem[]
  enforcement: Enforcement
  namespaceLabels: Map<string, Labels>
  /** every address of every node (status.addresses of type InternalIP/ExternalIP) */
  nodeByAddress: Map<string, Node>
}

const CACHE = new WeakMap<Cluster, PolicySet>()

/**
 * The cluster's policies, compiled once per cluster object.
 *
 * @example
 * policySet(cluster).byNamespace.get('prod')?.map((p) => p.name)
 */
export function policySet(cluster: Cluster): PolicySet {
  const hit = CACHE.get(cluster)
  if (hit) return hit
  const problems: Problem[] = []
  const networkPolicies = cluster.networkPolicies.map((o) => {
    const p = new Problems(o)
    const c = compileNetworkPolicy(o, p)
    problems.push(...p.list)
    return c
  })
  const byNamespace = new Map<string, CompiledNetworkPolicy[]>()
  for (const np of networkPolicies) {
    if (!np.valid) continue
    const list = byNamespace.get(np.namespace)
    if (list) list.push(np)
    else byNamespace.set(np.namespace, [np])
  }
  const allAdmin = [...cluster.adminNetworkPolicies, ...cluster.baselineAdminNetworkPolicies, ...(cluster.clusterNetworkPolicies ?? [])].map((o) => {
    const p = new Problems(o)
    const c = o.kind === 'ClusterNetworkPolicy' ? compileClusterNetworkPolicy(o, p) : compileAdminPolicy(o, p)
    problems.push(...p.list)
    return c
  })
  // Equal priorities have no defined order ("the implementation can apply any of the matching policies"): the
  // simulator breaks ties by name. A cluster running both APIs is not defined upstream either: v1alpha1 ANPs and
  // Admin CNPs share one priority order here (ANP first on a tie), and the singleton BANP comes after every Baseline CNP.
  const byPriority = (a: CompiledAdminPolicy, b: CompiledAdminPolicy) =>
    a.priority - b.priority || (a.kind === b.kind ? 0 : a.kind === 'AdminNetworkPolicy' ? -1 : 1) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
  const admin = allAdmin.filter((a) => a.tier === 'Admin' && a.valid).sort(byPriority)
  const banp = allAdmin.find((a) => a.kind === 'BaselineAdminNetworkPolicy' && a.valid)
  const baselines = [...allAdmin.filter((a) => a.kind === 'ClusterNetworkPolicy' && a.tier === 'Baseline' && a.valid).sort(byPriority), ...(banp ? [banp] : [])]
  const nodeByAddress = new Map<string, Node>()
  for (const n of cluster.nodes) {
    for (const ip of [...n.internalIPs, ...n.externalIPs, ...n.addresses.filter((a) => a.type === 'InternalIP' || a.type === 'ExternalIP').map((a) => a.address)]) {
      const c = canonicalIP(ip)
      if (c && !nodeByAddress.has(c)) nodeByAddress.set(c, n)
    }
  }
  const set: PolicySet = {
    cluster,
    networkPolicies,
    byNamespace,
    admin,
    baselines,
    allAdmin,
    problems,
    enforcement: enforcementFor(cluster.config.cni),
    namespaceLabels: new Map(cluster.namespaces.map((n) => [n.meta.name, n.meta.labels])),
    nodeByAddress,
  }
  CACHE.set(cluster, set)
  return set
}
