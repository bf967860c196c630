/**
 * IP addresses and CIDR prefixes for both families, held as bigint so that
 * IPv4 and IPv6 share one code path. Text forms follow Go's net/netip
 * (RFC 5952 for IPv6), which is what Kubernetes prints.
 */

export type IPFamily = 'IPv4' | 'IPv6'

export interface Addr {
  family: IPFamily
  value: bigint
}

export interface Prefix {
  family: IPFamily
  /** network address (host bits zero) */
  base: bigint
  bits: number
}

const V4_BITS = 32
const V6_BITS = 128

export function familyBits(family: IPFamily): number {
  return family === 'IPv4' ? V4_BITS : V6_BITS
}

export function parseAddr(text: string): Addr | undefined {
  if (typeof text !== 'string' || text.length > 64) return undefined
  if (text.includes(':')) {
    const v = parseV6(text)
    return v === undefined ? undefined : { family: 'IPv6', value: v }
  }
  const v = parseV4(text)
  return v === undefined ? undefined : { family: 'IPv4', value: v }
}

function parseV4(text: string): bigint | undefined {
  const v = v4Value(text)
  return v < 0 ? undefined : BigInt(v)
}

/**
 * True for the text of an IPv4 address as Go's netip prints it (four decimal octets, no
 * leading zeros): the common case, checked without a bigint.
 */
export function isDottedQuad(text: string): boolean {
  return v4Value(text) >= 0
}

/** The 32-bit value of a dotted quad, or -1. */
function v4Value(text: string): number {
  // four dot-separated decimal octets, scanned by hand (no split, no regex): parsing an address
  // is on every first run's path (issue 20)
  let v = 0
  let parts = 0
  let i = 0
  const n = text.length
  while (parts < 4) {
    const start = i
    let octet = 0
    while (i < n) {
      const c = text.charCodeAt(i)
      if (c < 48 || c > 57) break
      octet = octet * 10 + (c - 48)
      i++
    }
    const digits = i - start
    // Go's netip rejects leading zeros ("010"), as Kubernetes validation does since 1.24
    if (digits === 0 || digits > 3 || (digits > 1 && text.charCodeAt(start) === 48) || octet > 255) return -1
    v = v * 256 + octet
    parts++
    if (parts < 4) {
      if (text.charCodeAt(i) !== 46) return -1
      i++
    }
  }
  return i === n ? v : -1
}

function parseV6(text: string): bigint | undefined {
  let head = text
  let tailV4: bigint | undefined
  const lastColon = text.lastIndexOf(':')
  if (text.slice(lastColon + 1).includes('.')) {
    tailV4 = parseV4(text.slice(lastColon + 1))
    if (tailV4 === undefined) return undefined
    head = text.slice(0, lastColon + 1) + '0:0'
  }
  const dbl = head.split('::')
  if (dbl.length > 2) return undefined
  const left = dbl[0] === '' ? [] : dbl[0].split(':')
  const right = dbl.length === 2 ? (dbl[1] === '' ? [] : dbl[1].split(':')) : []
  const groups = left.length + right.length
  if (dbl.length === 1 && groups !== 8) return undefined
  if (dbl.length === 2 && groups > 7) return undefined
  const all = [...left, ...Array(8 - groups).fill('0'), ...right]
  let v = 0n
  for (const g of all) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined
    v = (v << 16n) | BigInt(parseInt(g, 16))
  }
  if (tailV4 !== undefined) v = (v & ~0xffffffffn) | tailV4
  return v
}

export function formatAddr(a: Addr): string {
  return a.family === 'IPv4' ? formatV4(a.value) : formatV6(a.value)
}

function formatV4(v: bigint): string {
  const n = Number(v)
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`
}

function formatV6(v: bigint): string {
  const groups: number[] = []
  for (let i = 7; i >= 0; i--) groups.push(Number((v >> BigInt(i * 16)) & 0xffffn))
  // RFC 5952: compress the longest run (first on ties) of two or more zero groups
  let bestStart = -1
  let bestLen = 0
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++
      continue
    }
    let j = i
    while (j < 8 && groups[j] === 0) j++
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i
      bestLen = j - i
    }
    i = j
  }
  const hex = groups.map((g) => g.toString(16))
  if (bestStart < 0) return hex.join(':')
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`
}

/** Canonical text of an address given as text, or undefined when it is not an IP. */
export function canonicalIP(text: string): string | undefined {
  const a = parseAddr(text)
  return a && formatAddr(a)
}

export function ipFamilyOf(text: string): IPFamily | undefined {
  return parseAddr(text)?.family
}

/** The family of an address the engine already validated: a colon means IPv6. */
export function familyOfValid(ip: string): IPFamily {
  return ip.includes(':') ? 'IPv6' : 'IPv4'
}

export function parsePrefix(text: string): Prefix | undefined {
  if (typeof text !== 'string') return undefined
  const slash = text.indexOf('/')
  if (slash < 0) return undefined
  const a = parseAddr(text.slice(0, slash))
  const bitsText = text.slice(slash + 1)
  if (!a || !/^(0|[1-9][0-9]{0,2})$/.test(bitsText)) return undefined
  const bits = Number(bitsText)
  if (bits > familyBits(a.family)) return undefined
  return { family: a.family, base: a.value & prefixMask(a.family, bits), bits }
}

/** True when the text's address part has host bits set (Kubernetes rejects such CIDRs in most fields). */
export function hasHostBits(text: string): boolean {
  const p = parsePrefix(text)
  const a = parseAddr(text.slice(0, text.indexOf('/')))
  return !!p && !!a && p.base !== a.value
}

function prefixMask(family: IPFamily, bits: number): bigint {
  const total = familyBits(family)
  const all = (1n << BigInt(total)) - 1n
  return bits === 0 ? 0n : (all >> BigInt(total - bits)) << BigInt(total - bits)
}

export function formatPrefix(p: Prefix): string {
  return `${formatAddr({ family: p.family, value: p.base })}/${p.bits}`
}

export function prefixSize(p: Prefix): bigint {
  return 1n << BigInt(familyBits(p.family) - p.bits)
}

export function prefixContains(p: Prefix, a: Addr): boolean {
  return p.family === a.family && (a.value & prefixMask(p.family, p.bits)) === p.base
}

export function prefixesOverlap(a: Prefix, b: Prefix): boolean {
  if (a.family !== b.family) return false
  const bits = Math.min(a.bits, b.bits)
  const m = prefixMask(a.family, bits)
  return (a.base & m) === (b.base & m)
}

/** The address at offset n inside the prefix. */
export function addrAt(p: Prefix, n: bigint): Addr {
  return { family: p.family, value: p.base + n }
}

/** The i-th subnet of the given length inside p (as the node IPAM controller cuts a cluster CIDR). */
export function subnetAt(p: Prefix, bits: number, i: bigint): Prefix | undefined {
  if (bits < p.bits || bits > familyBits(p.family)) return undefined
  const count = 1n << BigInt(bits - p.bits)
  if (i < 0n || i >= count) return undefined
  return { family: p.family, base: p.base + (i << BigInt(familyBits(p.family) - bits)), bits }
}

export function ipInPrefixText(ip: string, cidr: string): boolean {
  const a = parseAddr(ip)
  const p = parsePrefix(cidr)
  return !!a && !!p && prefixContains(p, a)
}

/** Orders addresses numerically within a family, IPv4 first (as kubectl and CoreDNS list them). */
export function compareIP(a: string, b: string): number {
  const x = parseAddr(a)
  const y = parseAddr(b)
  if (!x || !y) return a < b ? -1 : a > b ? 1 : 0
  if (x.family !== y.family) return x.family === 'IPv4' ? -1 : 1
  return x.value < y.value ? -1 : x.value > y.value ? 1 : 0
}
