/** The answer of a policy check: what the policies decide, and what the cluster's plugin makes of it. */
import type { Protocol } from '../model/types.ts'
import type { Endpoint } from './endpoint.ts'
import type { Enforcement } from './enforcement.ts'
import type { SideVerdict } from './evaluate.ts'

export interface EndpointInfo {
  kind: Endpoint['kind']
  name: string
  ip: string
  namespace?: string
  pod?: string
  node?: string
}

export interface Verdict {
  /** what the policies decide (every tier applied) */
  allowed: boolean
  /** whether the cluster's CNI enforces NetworkPolicy at all */
  enforced: boolean
  /** what actually happens on this cluster's CNI (tiers it does not implement are skipped) */
  effective: boolean
  enforcement: Enforcement
  src: EndpointInfo
  dst: EndpointInfo
  port: number
  protocol: Protocol
  egress: SideVerdict
  ingress: SideVerdict
  /** `egress x/a: [NetworkPolicy] Not isolated`, `ingress y/b: [ANP] Pass (…) → [NetworkPolicy] Allowed (…)` */
  chain: string[]
  /** one or two sentences: why */
  explanation: string
  loopback: boolean
}

export type VerdictResult = Verdict | { error: string }
