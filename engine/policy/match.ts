/**
 * The matching primitives: which Pods a policy selects, which peers a rule
 * admits, which ports it opens. Semantics from the NetworkPolicy API
 * reference (networking.k8s.io/v1 types.go) and network-policy-api v0.1.8
 * (v1alpha1) and v0.2.0 (v1alpha2 ClusterNetworkPolicy: the same peers and ports).
 */
import type { Labels, Pod, Protocol } from '../model/types.ts'
import { matchesRequirements } from '../cluster/selector.ts'
import { runningContainers } from '../model/containers.ts'
import type { Addr, Prefix } from '../net/ip.ts'
import type { AdminPeer, AdminPort, CompiledAdminPolicy, CompiledNetworkPolicy, NpPeer, NpPort, NpRule, Reqs } from './model.ts'
import type { Endpoint } from './endpoint.ts'
import type { PolicySet } from './policy-set.ts'

const MASKS = new WeakMap<Prefix, bigint>()

/** prefixContains with the mask computed once per prefix (the matrix asks millions of times) */
export function inPrefix(p: Prefix, a: Addr): boolean {
  if (p.family !== a.family) return false
  let m = MASKS.get(p)
  if (m === undefined) {
    const total = p.family === 'IPv4' ? 32 : 128
    m = p.bits === 0 ? 0n : (((1n << BigInt(total)) - 1n) >> BigInt(total - p.bits)) << BigInt(total - p.bits)
    MASKS.set(p, m)
  }
  return (a.value & m) === p.base
}

export function matches(reqs: Reqs, labels: Labels): boolean {
  return reqs.length === 0 || matchesRequirements(reqs, labels)
}

/** spec.podSelector, within the policy's namespace; hostNetwork Pods are never selected (docs: the most common implementation) */
export function npSelects(np: CompiledNetworkPolicy, e: Endpoint): boolean {
  return e.kind === 'pod' && e.pod!.meta.namespace === np.namespace && matches(np.podSel, e.pod!.meta.labels)
}

/**
 * NetworkPolicyPeer: podSelector alone means Pods of the policy's namespace;
 * namespaceSelector alone means every Pod of the selected namespaces; both
 * together mean both must hold (one peer = AND). ipBlock matches the address,
 * Pod addresses included (as the upstream e2e ipBlock tests expect).
 */
export function npPeerMatches(np: CompiledNetworkPolicy, peer: NpPeer, e: Endpoint): boolean {
  if (peer.kind === 'ipBlock') {
    return inPrefix(peer.cidr, e.addr) && !peer.except.some((x) => inPrefix(x, e.addr))
  }
  if (e.kind !== 'pod') return false
  const pod = e.pod!
  if (peer.nsSel) {
    if (!matches(peer.nsSel, e.nsLabels ?? {})) return false
  } else if (pod.meta.namespace !== np.namespace) return false
  return peer.podSel ? matches(peer.podSel, pod.meta.labels) : true
}

/**
 * A named port resolves against the destination Pod's container ports, name and protocol both
 * matching: the app containers, then the sidecars, as a Service's targetPort does
 * (pkg/api/v1/pod/util.go FindPort). A regular init container has exited and serves nothing.
 * (Implementations differ on sidecars: kube-network-policies' PodInfo, pkg/api/helper.go
 * NewPodInfo, lists spec.containers only.)
 */
export function namedPortNumber(pod: Pod | undefined, name: string, protocol: Protocol): number | undefined {
  if (!pod) return undefined
  for (const c of runningContainers(pod)) for (const p of c.ports) if (p.name === name && p.protocol === protocol) return p.containerPort
  return undefined
}

/** NetworkPolicyPort: protocol must match; no port = every port; endPort makes a range. */
export function npPortMatches(p: NpPort, port: number, protocol: Protocol, dstPod: Pod | undefined): boolean {
  if (p.protocol !== protocol) return false
  if (p.name !== undefined) return namedPortNumber(dstPod, p.name, protocol) === port
  if (p.port === undefined) return true
  if (p.endPort !== undefined) return port >= p.port && port <= p.endPort
  return port === p.port
}

export function npRulePeerMatches(np: CompiledNetworkPolicy, rule: NpRule, e: Endpoint): boolean {
  return rule.peers.length === 0 || rule.peers.some((x) => npPeerMatches(np, x, e))
}

export function npRulePortMatches(rule: NpRule, port: number, protocol: Protocol, dstPod: Pod | undefined): boolean {
  return rule.ports.length === 0 || rule.ports.some((x) => npPortMatches(x, port, protocol, dstPod))
}

/** ANP/BANP subject: Pods on the Pod network only ("host-networked pods are not included in subject selection") */
export function adminSelects(a: CompiledAdminPolicy, e: Endpoint): boolean {
  return e.kind === 'pod' && matches(a.subject.nsSel, e.nsLabels ?? {}) && matches(a.subject.podSel, e.pod!.meta.labels)
}

export function adminPeerMatches(set: PolicySet, peer: AdminPeer, e: Endpoint, fail: boolean): boolean {
  switch (peer.kind) {
    case 'namespaces':
      return e.kind === 'pod' && matches(peer.nsSel, e.nsLabels ?? {})
    case 'pods':
      return e.kind === 'pod' && matches(peer.nsSel, e.nsLabels ?? {}) && matches(peer.podSel, e.pod!.meta.labels)
    case 'nodes':
      // "selects the nodeIPs ... present in the node.Status.Addresses field"
      return e.kind === 'host' && !!e.node && matches(peer.nodeSel, e.node.meta.labels)
    case 'networks':
      // "cluster-internal traffic will be checked against the rule as well"
      return peer.cidrs.some((c) => inPrefix(c, e.addr))
    case 'domainNames':
      return e.kind === 'external' && domainMatches(set, peer.names, e.ip)
    case 'invalid':
      // v1alpha1: a peer with no field fails closed: Allow matches nothing, Deny/Pass match everything
      return fail
  }
}

/** Names of the scenario's external hosts that resolve to the address (the DNS module fills cluster.externalHosts). */
function domainMatches(set: PolicySet, patterns: string[], ip: string): boolean {
  for (const h of set.cluster.externalHosts) {
    const spec = h.spec as Record<string, unknown>
    const name = String(spec.name ?? h.meta.name).replace(/\.$/, '').toLowerCase()
    const addrs = Array.isArray(spec.addresses) ? spec.addresses : []
    if (!addrs.includes(ip)) continue
    for (const pat of patterns) {
      const p = pat.replace(/\.$/, '').toLowerCase()
      // '*' matches one or more whole labels, only as a prefix
      if (p.startsWith('*.') ? name.endsWith(p.slice(1)) && name.length > p.length - 1 : name === p) return true
    }
  }
  return false
}

export function adminPortMatches(ports: AdminPort[] | undefined, port: number, protocol: Protocol, dstPod: Pod | undefined): boolean {
  if (!ports) return true
  return ports.some((p) => {
    switch (p.kind) {
      case 'portNumber':
        return p.protocol === protocol && p.port === port
      case 'portRange':
        return p.protocol === protocol && port >= p.start && port <= p.end
      case 'namedPort':
        return namedPortNumber(dstPod, p.name, protocol) === port
    }
  })
}
