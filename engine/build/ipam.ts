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

export class PodIPAM {
  private readonly used = new Set<string>()
  private readonly cursor = new Map<string, bigint>()
  private readonly prefixes = new Map<string, Prefix>()
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
    const ips: string[] = []
    for (const family of this.config.ipFamilies) {
      const ip = this.next(node, family)
      if (!ip) return { error: `failed to allocate for range 0: no IP addresses available in range set: ${this.rangeText(node, family)}` }
      ips.push(ip)
    }
    return { ips }
  }

  private rangeText(node: Node, family: IPFamily): string {
    return node.podCIDRs.find((c) => parsePrefix(c)?.family === family) ?? '(none)'
  }

  private next(node: Node, family: IPFamily): string | undefined {
    const cni = this.config.cni
    if (cni === 'aws-vpc-cni' || cni === 'azure-cni') return this.nextFromSubnet(node, family)
    const first = this.nodeRange(node, family)
    if (!first) return undefined
    const extra = this.extraBlocks.get(`${node.meta.name}/${family}`)
    const ranges: Prefix[] = extra ? [first, ...extra] : [first]
    for (const r of ranges) {
      const ip = this.nextInRange(node, r)
      if (ip) return ip
    }
    if (cni === 'calico' && family === 'IPv4') {
      const block = this.claimBlock(node, family)
      if (block) return this.nextInRange(node, block)
    }
    return undefined
  }

  private nodeRange(node: Node, family: IPFamily): Prefix | undefined {
    const key = `${node.meta.name}/${family}`
    let p = this.prefixes.get(key)
    if (!p) {
      const cidr = node.podCIDRs.find((c) => parsePrefix(c)?.family === family)
      if (!cidr) return undefined
      p = parsePrefix(cidr)!
      this.prefixes.set(key, p)
    }
    return p
  }

  private nextInRange(node: Node, r: Prefix): string | undefined {
    const size = prefixSize(r)
    const calico = this.config.cni === 'calico' && r.family === 'IPv4'
    // host-local: .0 is the network, .1 the gateway, the last v4 address is broadcast
    const first = calico ? (this.config.cniMode === 'bgp' ? 0n : 1n) : 2n
    const last = calico ? size - 1n : r.family === 'IPv4' ? size - 2n : size - 1n
    const key = `${node.meta.name}/${r.base}/${r.bits}`
    let i = this.cursor.get(key) ?? first
    // the cursor only moves forward, as host-local's last_reserved_ip does
    for (; i <= last; i++) {
      const ip = formatAddr(addrAt(r, i))
      if (!this.used.has(ip)) {
        this.used.add(ip)
        this.cursor.set(key, i + 1n)
        return ip
      }
      if (i - first > 70000n) break
    }
    this.cursor.set(key, last + 1n)
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
    let i = this.cursor.get(key) ?? 4n
    for (; i < size - 1n; i++) {
      const ip = formatAddr(addrAt(r, i))
      if (!this.used.has(ip) && prefixContains(r, parseAddr(ip)!)) {
        this.used.add(ip)
        this.cursor.set(key, i + 1n)
        return ip
      }
    }
    return undefined
  }
}
