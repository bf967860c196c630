/**
 * The state a trace carries along the path: the hops so far, the NAT the
 * packet went through (conntrack, for the reply), whether kube-proxy marked
 * it for masquerade, and where it came from (for the policy checks).
 */
import type { Cluster, Node, Pod } from '../model/types.ts'
import type { Alternative, Hop, HttpContext, Tuple } from './types.ts'

/** The sender of the connection. */
export type Origin = { kind: 'pod'; pod: Pod } | { kind: 'node'; node: Node; pod?: Pod } | { kind: 'external'; ip: string; label: string }

export interface NatRecord {
  node: string
  kind: 'dnat' | 'snat'
  /** the tuple before and after the rewrite (request direction) */
  before: Tuple
  after: Tuple
  /** iptables, IPVS, nftables, a cloud load balancer, portmap */
  by: string
}

export interface WalkContext {
  cluster: Cluster
  seed: number
  origin: Origin
  hops: Hop[]
  notes: string[]
  nat: NatRecord[]
  /** kube-proxy's KUBE-MARK-MASQ (or nft mark-for-masquerade) was applied */
  marked: boolean
  /** egress policy of the source Pod was already judged */
  egressJudged: boolean
  http?: HttpContext
  /** the first load-balancing decision's candidates */
  alternatives?: Alternative[]
  /** `ip:port` to pick instead of the hashed choice (for --all) */
  force?: string
  /** the choice was already forced once (only the first decision is) */
  forced?: boolean
  /** a Local-policy IPVS fallback sent external traffic to a remote Pod: its reply is lost */
  replyLost?: string
  /** nodes the packet entered, to stop loops */
  visited: number
}

/** A fresh walk. @example newContext(cluster, { kind: 'pod', pod }, 0) */
export function newContext(cluster: Cluster, origin: Origin, seed: number, http?: HttpContext, force?: string): WalkContext {
  return { cluster, seed, origin, hops: [], notes: [], nat: [], marked: false, egressJudged: false, http, force, visited: 0 }
}

/** Appends a hop (a request hop unless said otherwise). @example push(ctx, { at: 'node-1 routing', handler: 'route', before: t, after: t, note: '…' }) */
export function push(ctx: WalkContext, hop: Omit<Hop, 'direction'> & { direction?: Hop['direction'] }): Hop {
  const h: Hop = { direction: 'request', ...hop }
  ctx.hops.push(h)
  return h
}

/** `10.0.0.1:80`, `[fd00::1]:80`. @example hostPort('fd00::1', 80) // '[fd00::1]:80' */
export function hostPort(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`
}

/** A 5-tuple in one line; ICMP and IP-in-IP print without ports. @example tupleText(t) // '10.244.1.2:41532 → 10.96.0.50:80 TCP' */
export function tupleText(t: Tuple): string {
  if (t.proto === 'ICMP') return `${t.src} → ${t.dst} ICMP echo (id ${t.sport})`
  if (t.proto === 'IPIP') return `${t.src} → ${t.dst} IPIP (protocol 4)`
  return `${hostPort(t.src, t.sport)} → ${hostPort(t.dst, t.dport)} ${t.proto}`
}

/** @example podName(pod) // 'default/web-0' */
export function podName(p: Pod): string {
  return `${p.meta.namespace}/${p.meta.name}`
}
