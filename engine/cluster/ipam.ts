/**
 * Pod addresses as the CNI's IPAM hands them out. host-local (flannel,
 * canal, bridge, cilium, antrea, weave here) keeps the gateway (.1, on cni0)
 * and gives the next free address in order; calico gives ordinals of its
 * /26 block (ordinal 0 goes to the tunnel device in IPIP/VXLAN mode) and
 * claims another block when one fills; aws-vpc-cni and azure-cni give
 * secondary addresses of the node's own subnet.
 */
import { addrAt, formatAddr, parseAddr, parsePrefix, prefixSize, prefixContains, subnetAt, formatPrefix, prefixesOverlap } from '../net/ip.ts'
import type { IPFamily, Prefix } from '../net/ip.ts'
import type { ClusterConfig, Node } from '../model/types.ts'
import { CALICO_BLOCK_BITS } from './nodes.ts'

/** host-local's position in one range: the next ordinal to try, and the bounds it may hand out. */
interface RangeCursor {
  range: Prefix
  first: bigint
  last: bigint
  next: bigint
  /** the range's base as a number for IPv4 (formatting without BigInt), -1 for IPv6 */
  v4Base: number
  /** the first three octets of the last address formatted ("10.244.1."), reused while they stay the same */
  v4Prefix: string
  v4PrefixOf: number
}

/** Dotted quad of an IPv4 address in the cursor's range, formatting the /24 part once per /24. */
function formatV4(c: RangeCursor, n: number): string {
  const high = n >>> 8
  if (high !== c.v4PrefixOf) {
    c.v4Prefix = `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${high & 255}.`
    c.v4PrefixOf = high
  }
  return c.v4Prefix + (n & 255)
}

export class PodIPAM {
  private readonly used = new Set<string>()
  /** aws-vpc-cni / azure-cni: the next ordinal to try in each node subnet */
  private readonly subnetCursor = new Map<string, bigint>()
  private readonly cursors = new Map<string, RangeCursor>()
  /** per node and family: its Pod range's cursor, or null when it has no range of that family */
  private readonly nodeRanges = new Map<Node, Partial<Record<IPFamily, RangeCursor | null>>>()
  /** calico: blocks claimed by each node, beyond its first */
  private readonly extraBlocks = new Map<string, Prefix[]>()

  constructor(
    private readonly config: ClusterConfig,
    private readonly nodes: Node[],
  ) {
    for (const n of nodes) for (const ip of n.internalIPs) this.used.add(ip)
  }

  reserve(ip: string): boolean {
    if (this.used.has(ip)) return false
    this.used.add(ip)
    return true
  }

  isUsed(ip: string): boolean {
    return this.used.has(ip)
  }

  /** One address per cluster IP family, or a reason when the node's range is full. */
  allocate(node: Node): { ips: string[] } | { error: string } {
    const [first, second] = this.config.ipFamilies
    const a = this.next(node, first)
    if (!a) return this.exhausted(node, first)
    if (!second) return { ips: [a] } // a literal of exactly one: every Pod keeps it (a push onto [] would reserve room for 17)
    const b = this.next(node, second)
    if (!b) return this.exhausted(node, second)
    return { ips: [a, b] }
  }

  private exhausted(node: Node, family: IPFamily): { error: string } {
    return { error: `failed to allocate for range 0: no IP addresses available in range set: ${this.rangeText(node, family)}` }
  }

  /**
   * host-local's RangeSet.String(): "start-end" per range. With only a subnet
   * configured, RangeStart is the subnet's first address after the network
   * (.1, the gateway, which the iterator skips) and RangeEnd the last address
   * before the IPv4 broadcast (containernetworking/plugins
   * plugins/ipam/host-local/backend/allocator/range.go Canonicalize, lastIP).
   */
  private rangeText(node: Node, family: IPFamily): string {
    const cidr = node.podCIDRs.find((c) => parsePrefix(c)?.family === family)
    const p = cidr ? parsePrefix(cidr) : undefined
    if (!p) return '(none)'
    const size = prefixSize(p)
    return `${formatAddr(addrAt(p, 1n))}-${formatAddr(addrAt(p, family === 'IPv4' ? size - 2n : size - 1n))}`
  }

  private next(node: Node, family: IPFamily): string | undefined {
    const cni = this.config.cni
    if (cni === 'aws-vpc-cni' || cni === 'azure-cni') return this.nextFromSubnet(node, family)
    const first = this.nodeRange(node, family)
    if (!first) return undefined
    let ip = this.nextInRange(first)
    if (ip) return ip
    const extra = this.extraBlocks.get(`${node.meta.name}/${family}`)
    for (const r of extra ?? []) {
      ip = this.nextInRange(this.rangeCursor(node, r))
      if (ip) return ip
    }
    if (cni === 'calico' && family === 'IPv4') {
      const block = this.claimBlock(node, family)
      if (block) return this.nextInRange(this.rangeCursor(node, block))
    }
    return undefined
  }

  /** The cursor over the node's own Pod range of a family (one lookup per Pod: this is the hot path). */
  private nodeRange(node: Node, family: IPFamily): RangeCursor | undefined {
    const byFamily = this.nodeRanges.get(node)
    const known = byFamily?.[family]
    if (known !== undefined) return known ?? undefined
    const cidr = node.podCIDRs.find((c) => parsePrefix(c)?.family === family)
    const cursor = cidr ? this.rangeCursor(node, parsePrefix(cidr)!) : null
    this.nodeRanges.set(node, { ...byFamily, [family]: cursor })
    return cursor ?? undefined
  }

  private rangeCursor(node: Node, r: Prefix): RangeCursor {
    const key = `${node.meta.name}/${r.base}/${r.bits}`
    let c = this.cursors.get(key)
    if (!c) {
      const size = prefixSize(r)
      const calico = this.config.cni === 'calico' && r.family === 'IPv4'
      // host-local: .0 is the network, .1 the gateway, the last v4 address is broadcast
      const first = calico ? (this.config.cniMode === 'bgp' ? 0n : 1n) : 2n
      const last = calico ? size - 1n : r.family === 'IPv4' ? size - 2n : size - 1n
      c = { range: r, first, last, next: first, v4Base: r.family === 'IPv4' ? Number(r.base) : -1, v4Prefix: '', v4PrefixOf: -1 }
      this.cursors.set(key, c)
    }
    return c
  }

  private nextInRange(c: RangeCursor): string | undefined {
    // the cursor only moves forward, as host-local's last_reserved_ip does
    if (c.v4Base >= 0) {
      // IPv4 in plain numbers: no BigInt per candidate address
      const first = Number(c.first)
      const last = Number(c.last)
      for (let i = Number(c.next); i <= last; i++) {
        const ip = formatV4(c, c.v4Base + i)
        if (!this.used.has(ip)) {
          this.used.add(ip)
          c.next = BigInt(i + 1)
          return ip
        }
        if (i - first > 70000) break
      }
    } else {
      for (let i = c.next; i <= c.last; i++) {
        const ip = formatAddr(addrAt(c.range, i))
        if (!this.used.has(ip)) {
          this.used.add(ip)
          c.next = i + 1n
          return ip
        }
        if (i - c.first > 70000n) break
      }
    }
    c.next = c.last + 1n
    return undefined
  }

  private claimBlock(node: Node, family: IPFamily): Prefix | undefined {
    const pool = parsePrefix(this.config.podCIDRs.find((c) => parsePrefix(c)?.family === family) ?? '')
    if (!pool) return undefined
    const claimed = this.nodes.flatMap((n) => [
      ...n.podCIDRs.map((c) => parsePrefix(c)!),
      ...(this.extraBlocks.get(`${n.meta.name}/${family}`) ?? []),
    ])
    for (let i = 0n; ; i++) {
      const b = subnetAt(pool, CALICO_BLOCK_BITS, i)
      if (!b) return undefined
      if (claimed.some((c) => prefixesOverlap(c, b))) continue
      const key = `${node.meta.name}/${family}`
      this.extraBlocks.set(key, [...(this.extraBlocks.get(key) ?? []), b])
      return b
    }
  }

  /** Extra blocks a calico node claimed after its first one filled up. */
  blocksOf(node: Node): string[] {
    return this.config.ipFamilies.flatMap((f) => (this.extraBlocks.get(`${node.meta.name}/${f}`) ?? []).map(formatPrefix))
  }

  private nextFromSubnet(node: Node, family: IPFamily): string | undefined {
    const nodeIP = node.internalIPs.find((ip) => parseAddr(ip)?.family === family)
    if (!nodeIP) return undefined
    // The node's subnet: a /24 (IPv4) or /64 (IPv6) around its primary address.
    const bits = family === 'IPv4' ? 24 : 64
    const subnet = parsePrefix(`${formatAddr({ family, value: parseAddr(nodeIP)!.value })}/${bits}`)!
    // AWS reserves the first four addresses and the last of a subnet
    const r: Prefix = subnet
    const key = `subnet/${formatPrefix(r)}`
    const size = prefixSize(r)
    let i = this.subnetCursor.get(key) ?? 4n
    for (; i < size - 1n; i++) {
      const ip = formatAddr(addrAt(r, i))
      if (!this.used.has(ip) && prefixContains(r, parseAddr(ip)!)) {
        this.used.add(ip)
        this.subnetCursor.set(key, i + 1n)
        return ip
      }
    }
    return undefined
  }
}
