/**
 * Policies after reading: selectors as requirement lists, CIDRs parsed, ports
 * normalised, defaults applied. Evaluation only ever looks at these.
 */
import type { GenericObject, Protocol } from '../model/types.ts'
import type { Requirement } from '../cluster/selector.ts'
import type { Prefix } from '../net/ip.ts'

/** A label selector; `undefined` where the API has a nil selector (matches nothing / field absent). */
export type Reqs = Requirement[]

/** networking.k8s.io/v1 NetworkPolicyPeer */
export type NpPeer =
  | { kind: 'selector'; index: number; podSel?: Reqs; nsSel?: Reqs }
  | { kind: 'ipBlock'; index: number; cidr: Prefix; except: Prefix[]; cidrText: string; exceptText: string[] }

/** networking.k8s.io/v1 NetworkPolicyPort, protocol defaulted to TCP */
export interface NpPort {
  protocol: Protocol
  /** absent: every port of the protocol */
  port?: number
  endPort?: number
  /** a named port, resolved against the destination Pod's container ports */
  name?: string
}

export interface NpRule {
  index: number
  /** [] = every port */
  ports: NpPort[]
  /** [] = every peer */
  peers: NpPeer[]
}

export interface CompiledNetworkPolicy {
  kind: 'NetworkPolicy'
  object: GenericObject
  namespace: string
  name: string
  /** `ns/name` */
  key: string
  podSel: Reqs
  /** spec.policyTypes after defaulting (SetDefaults_NetworkPolicy) */
  policyTypes: ('Ingress' | 'Egress')[]
  ingress: NpRule[]
  egress: NpRule[]
  /** false when the API server would reject the object: it is then ignored */
  valid: boolean
}

/** v1alpha1 ANP/BANP say Allow; v1alpha2 ClusterNetworkPolicy says Accept for the same decision */
export type AdminAction = 'Allow' | 'Accept' | 'Deny' | 'Pass'

/** Allow (v1alpha1) and Accept (v1alpha2) both admit the connection and end evaluation. */
export function admits(a: AdminAction): boolean {
  return a === 'Allow' || a === 'Accept'
}

/** The two cluster-wide tiers around NetworkPolicy (v1alpha2 Tier; v1alpha1 ANP is Admin, BANP is Baseline). */
export type AdminTier = 'Admin' | 'Baseline'

/** policy.networking.k8s.io v1alpha1 and v1alpha2 peers (ingress: namespaces, pods; egress adds nodes, networks, domainNames) */
export type AdminPeer =
  | { kind: 'namespaces'; nsSel: Reqs }
  | { kind: 'pods'; nsSel: Reqs; podSel: Reqs }
  | { kind: 'nodes'; nodeSel: Reqs }
  | { kind: 'networks'; cidrs: Prefix[]; texts: string[] }
  | { kind: 'domainNames'; names: string[] }
  /** a peer with no (or several) fields: the API says fail closed */
  | { kind: 'invalid' }

export type AdminPort =
  | { kind: 'portNumber'; protocol: Protocol; port: number }
  | { kind: 'namedPort'; name: string }
  | { kind: 'portRange'; protocol: Protocol; start: number; end: number }

export interface AdminRule {
  index: number
  name?: string
  action: AdminAction
  peers: AdminPeer[]
  /** undefined: the rule does not filter by port */
  ports?: AdminPort[]
}

export interface CompiledAdminPolicy {
  kind: 'AdminNetworkPolicy' | 'BaselineAdminNetworkPolicy' | 'ClusterNetworkPolicy'
  /** Admin: before NetworkPolicy; Baseline: after it */
  tier: AdminTier
  object: GenericObject
  name: string
  /** ANP and CNP spec.priority; the BANP sorts after every Baseline-tier CNP */
  priority: number
  subject: { nsSel: Reqs; podSel: Reqs }
  ingress: AdminRule[]
  egress: AdminRule[]
  valid: boolean
}
