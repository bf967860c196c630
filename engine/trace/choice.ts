/**
 * The random parts of a connection, made deterministic: the client's
 * ephemeral port, the endpoint kube-proxy's random rule lands on, the port a
 * fully random masquerade picks, the node a cloud load balancer sends to.
 * Each is a hash of what identifies the connection (and the reader's
 * --seed), so the same command always gives the same answer and different
 * clients spread over the endpoints as the real rules would.
 */
import { fnv1a32 } from '../cluster/hash.ts'
import type { Tuple } from './types.ts'

/** Linux net.ipv4.ip_local_port_range default: 32768-60999. */
export const EPHEMERAL_MIN = 32768
export const EPHEMERAL_MAX = 60999

function mix(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b)
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35)
  return (x ^ (x >>> 16)) >>> 0
}

/** A well-mixed 32-bit hash of the parts. @example hashOf('sport', 0, '10.244.1.2') // 0 … 2^32-1 */
export function hashOf(...parts: (string | number)[]): number {
  return mix(fnv1a32(parts.join('|')))
}

/**
 * The source port the kernel gives a connecting socket.
 *
 * @example
 * ephemeralPort('10.244.1.2', '10.96.0.50', 80, 'TCP', 0) // 32768 … 60999
 */
export function ephemeralPort(src: string, dst: string, dport: number, proto: string, seed: number): number {
  return EPHEMERAL_MIN + (hashOf('sport', seed, src, dst, dport, proto) % (EPHEMERAL_MAX - EPHEMERAL_MIN + 1))
}

/**
 * Which of n candidates a random rule picks for this connection.
 *
 * @example
 * pickIndex(3, 'default/web:http/TCP/10.244.1.2:41532>10.96.0.50:80', 0) // 0, 1 or 2, always the same
 */
export function pickIndex(n: number, key: string, seed: number): number {
  if (n <= 1) return 0
  return hashOf('pick', seed, key) % n
}

/** The key of a connection for random choices (the 5-tuple). @example tupleKey(t) // 'TCP/10.244.1.2:41532>10.96.0.50:80' */
export function tupleKey(t: Tuple): string {
  return `${t.proto}/${t.src}:${t.sport}>${t.dst}:${t.dport}`
}

/**
 * The port MASQUERADE --random-fully picks: the kernel keeps the port in the
 * class of the original (ports ≥ 1024 stay in 1024-65535) and randomises it.
 *
 * @example
 * masqueradePort(t, '10.244.2.0', 0) // 1024 … 65535
 */
export function masqueradePort(t: Tuple, snatTo: string, seed: number): number {
  if (t.proto === 'ICMP') return t.sport
  if (t.sport < 1024) return 1 + (hashOf('masq', seed, tupleKey(t), snatTo) % 1023)
  return 1024 + (hashOf('masq', seed, tupleKey(t), snatTo) % (65535 - 1024 + 1))
}
