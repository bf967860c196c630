/**
 * Small address arithmetic the CNI modules share: the n-th address of a
 * prefix, its broadcast address, the node's LAN subnet.
 */
import { addrAt, formatAddr, parseAddr, parsePrefix, prefixSize } from '../../net/ip.ts'
import type { IPFamily } from '../../net/ip.ts'

export function nthAddress(cidr: string, n: number): string {
  return formatAddr(addrAt(parsePrefix(cidr)!, BigInt(n)))
}

export function networkAddress(cidr: string): string {
  return nthAddress(cidr, 0)
}

export function broadcastAddress(cidr: string): string {
  const p = parsePrefix(cidr)!
  return formatAddr(addrAt(p, prefixSize(p) - 1n))
}

export function prefixLength(cidr: string): number {
  return parsePrefix(cidr)!.bits
}

/** The LAN a node address sits on: a /24 (IPv4) or /64 (IPv6), as the simulated data centre wires it. */
export function lanOf(ip: string): string {
  const a = parseAddr(ip)!
  const bits = a.family === 'IPv4' ? 24 : 64
  const p = parsePrefix(`${formatAddr(a)}/${bits}`)!
  return `${formatAddr({ family: p.family, value: p.base })}/${bits}`
}

/** The LAN's router: its first address, or its last when a node holds the first. */
export function lanGateway(ip: string): string {
  const lan = lanOf(ip)
  const first = nthAddress(lan, 1)
  if (first !== ip) return first
  const p = parsePrefix(lan)!
  return formatAddr(addrAt(p, p.family === 'IPv4' ? 254n : 0xfffen))
}

export function familyOfCidr(cidr: string): IPFamily {
  return parsePrefix(cidr)!.family
}
