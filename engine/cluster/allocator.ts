/**
 * Deterministic stand-ins for kube-apiserver's random allocators
 * (pkg/registry/core/service/ipallocator and portallocator). Both split their
 * range into a static band, kept for addresses the user picks, and a dynamic
 * band used first for automatic allocation (KEP-3070, KEP-3668). Instead of a
 * random pick the engine hashes the object's name into the dynamic band and
 * probes forward, so editing or adding one Service never moves another.
 */
import { addrAt, formatAddr, parseAddr, parsePrefix, prefixContains, prefixSize } from '../net/ip.ts'
import type { Prefix } from '../net/ip.ts'
import { hash64 } from './hash.ts'

/** ipallocator calculateRangeOffset: min(max(16, size/16), 256) */
function ipRangeOffset(size: bigint): bigint {
  if (size < 16n) return 0n
  const o = size / 16n
  return o < 16n ? 16n : o > 256n ? 256n : o
}

export class IPRangeAllocator {
  readonly prefix: Prefix
  private readonly used = new Set<string>()
  private readonly base: bigint
  private readonly max: bigint
  private readonly offset: bigint

  constructor(readonly cidr: string) {
    this.prefix = parsePrefix(cidr)!
    const size = prefixSize(this.prefix)
    // the network address is never handed out; for IPv4 neither is broadcast
    this.base = 1n
    this.max = this.prefix.family === 'IPv4' ? size - 2n : size - 1n
    this.offset = ipRangeOffset(size)
    if (this.offset >= this.max) this.offset = 0n
  }

  contains(ip: string): boolean {
    const a = parseAddr(ip)
    if (!a || !prefixContains(this.prefix, a)) return false
    const i = a.value - this.prefix.base
    return i >= this.base && i < this.base + this.max
  }

  isUsed(ip: string): boolean {
    return this.used.has(ip)
  }

  /** Takes a given address: undefined on success, else the allocator's complaint. */
  take(ip: string): string | undefined {
    if (!this.contains(ip)) return `the provided IP (${ip}) is not in the valid range. The range of valid IPs is ${this.cidr}`
    if (this.used.has(ip)) return 'provided IP is already allocated'
    this.used.add(ip)
    return undefined
  }

  /** The address for `seed`, from the dynamic band first. */
  allocate(seed: string): string | undefined {
    const dyn = this.max - this.offset
    if (dyn <= 0n) return undefined
    const start = hash64(seed) % dyn
    const tries = this.max < 70000n ? this.max : 70000n
    for (let t = 0n; t < tries; t++) {
      // dynamic band [offset, max), then the static band [0, offset)
      const i = t < dyn ? this.offset + ((start + t) % dyn) : t - dyn
      const ip = formatAddr(addrAt(this.prefix, this.base + i))
      if (!this.used.has(ip)) {
        this.used.add(ip)
        return ip
      }
    }
    return undefined
  }
}

/**
 * portallocator calculateRangeOffset (KEP-3668): a static band of min(max(16, size/32), 128)
 * ports at the bottom of the range, none when the range has 16 ports or fewer; the default
 * 30000-32767 keeps 30000-30085 for ports users pick.
 */
export class PortRangeAllocator {
  private readonly used = new Set<number>()
  private readonly offset: number

  /** the first port of the dynamic band, which automatic allocation uses first */
  get dynamicStart(): number {
    return this.min + this.offset
  }

  constructor(
    readonly min: number,
    readonly max: number,
  ) {
    const size = max - min + 1
    this.offset = size <= 16 ? 0 : Math.min(Math.max(16, Math.floor(size / 32)), 128)
  }

  take(port: number): string | undefined {
    if (port < this.min || port > this.max) {
      return `provided port is not in the valid range. The range of valid ports is ${this.min}-${this.max}`
    }
    if (this.used.has(port)) return 'provided port is already allocated'
    this.used.add(port)
    return undefined
  }

  allocate(seed: string): number | undefined {
    const size = this.max - this.min + 1
    const dyn = size - this.offset
    const start = Number(hash64(seed) % BigInt(Math.max(dyn, 1)))
    for (let t = 0; t < size; t++) {
      const i = t < dyn ? this.offset + ((start + t) % dyn) : t - dyn
      const port = this.min + i
      if (!this.used.has(port)) {
        this.used.add(port)
        return port
      }
    }
    return undefined
  }
}
