/**
 * Chain names from kube-proxy's own hashing:
 * - iptables (pkg/proxy/iptables/proxier.go portProtoHash): base32(sha256(servicePortName + protocol))[:16]
 *   after KUBE-SVC-/KUBE-SVL-/KUBE-EXT-/KUBE-FW-; KUBE-SEP- hashes the endpoint "IP:port" too.
 * - nftables (pkg/proxy/nftables/proxier.go hashAndTruncate): base32(sha256(name))[:8] + "-" + name,
 *   name = "ns/svc/proto/port" (plus "__IP/port" for endpoints, IPv6 colons turned into dots).
 */
import { sha256 } from '../sha256.ts'
import type { EndpointInfo, ServicePortInfo } from './service-ports.ts'

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'

/**
 * RFC 4648 base32 with padding, as Go's base32.StdEncoding.EncodeToString: 5 bits a
 * character, most significant first, the last group zero-filled, '=' up to a multiple of 8.
 * By hand (issue 20): @scure/base cost the Worker's bundle and a fresh isolate's start more
 * than these lines. @example base32(utf8ToBytes('foobar')) // 'MZXW6YTBOI======'
 */
export function base32(bytes: Uint8Array): string {
  let out = ''
  let bits = 0
  let value = 0
  for (let i = 0; i < bytes.length; i++) {
    value = ((value << 8) | bytes[i]) & 0xfff
    bits += 8
    while (bits >= 5) {
      bits -= 5
      out += BASE32_ALPHABET[(value >>> bits) & 31]
    }
  }
  if (bits > 0) out += BASE32_ALPHABET[(value << (5 - bits)) & 31]
  while (out.length % 8 !== 0) out += '='
  return out
}

const memo = new Map<string, string>()

function hash16(input: string): string {
  let h = memo.get(input)
  if (h === undefined) {
    h = base32(sha256(input)).slice(0, 16)
    if (memo.size > 200_000) memo.clear()
    memo.set(input, h)
  }
  return h
}

/**
 * @example
 * portProtoHash('ns1/svc1:p80', 'tcp') // 'XPGD46QRK7WJZT7O'
 */
export function portProtoHash(servicePortName: string, protocol: string): string {
  return hash16(servicePortName + protocol)
}

export interface ServiceChains {
  svc: string
  svl: string
  ext: string
  fw: string
  /** the KUBE-SEP- chain of one of the port's endpoints */
  sep(ep: EndpointInfo): string
}

/**
 * prefix + hash as one flat string: a name joined with + is a pair of pieces
 * (the hash itself a slice of a longer string), which every reader of the
 * name (iptables-save prints each one several times) has to follow.
 */
function flat(prefix: string, hash: string): string {
  return [prefix, hash].join('')
}

// The names themselves are memoized along with their hashes: the same strings then serve every
// cluster, and a string used as a Map key again (a table's chains) keeps its hash.
const serviceChains = new Map<string, ServiceChains>()
let memoized = 0

/**
 * @example
 * iptablesChains(sp).svc // 'KUBE-SVC-XPGD46QRK7WJZT7O' for ns1/svc1:p80 tcp
 * iptablesChains(sp).sep(ep) // 'KUBE-SEP-SXIVWICOYRO3J4NJ' for 10.180.0.1:80
 */
export function iptablesChains(sp: ServicePortInfo): ServiceChains {
  const input = sp.nameString + sp.proto
  let names = serviceChains.get(input)
  if (!names) {
    if (memoized > 200_000) {
      serviceChains.clear()
      memoized = 0
    }
    names = portChains(input)
    serviceChains.set(input, names)
    memoized++
  }
  return names
}

/** One service port's chain names; `input` is servicePortName + protocol. */
function portChains(input: string): ServiceChains {
  const h = base32(sha256(input)).slice(0, 16)
  // endpoint "IP:port" → its chain; the port's part of the hash input is put together once
  const seps = new Map<string, string>()
  const sep = (ep: EndpointInfo) => {
    let name = seps.get(ep.str)
    if (name === undefined) {
      name = flat('KUBE-SEP-', base32(sha256(input + ep.str)).slice(0, 16))
      seps.set(ep.str, name)
      memoized++
    }
    return name
  }
  // frozen: every caller gets the same object
  return Object.freeze({ svc: flat('KUBE-SVC-', h), svl: flat('KUBE-SVL-', h), ext: flat('KUBE-EXT-', h), fw: flat('KUBE-FW-', h), sep })
}

/**
 * @example
 * sepChain(sp, ep) // 'KUBE-SEP-SXIVWICOYRO3J4NJ' for ns1/svc1:p80 tcp 10.180.0.1:80
 */
export function sepChain(sp: ServicePortInfo, ep: EndpointInfo): string {
  return iptablesChains(sp).sep(ep)
}

/** nftables: chains may be 256 characters; the base is cut to 240 with "..." (never in practice). */
function hashAndTruncate(name: string): string {
  const full = `${base32(sha256(name)).slice(0, 8)}-${name}`
  return full.length > 240 ? `${full.slice(0, 237)}...` : full
}

/**
 * @example
 * nftServiceBase(sp) // 'ULMVA6XW-ns1/svc1/tcp/p80'
 */
export function nftServiceBase(sp: ServicePortInfo): string {
  return hashAndTruncate(`${sp.namespace}/${sp.name}/${sp.proto}/${sp.portName}`)
}

/**
 * @example
 * nftEndpointBase(sp, ep) // '5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80'
 */
export function nftEndpointBase(sp: ServicePortInfo, ep: EndpointInfo): string {
  const ip = ep.ip.includes(':') ? ep.ip.replaceAll(':', '.') : ep.ip
  return hashAndTruncate(`${sp.namespace}/${sp.name}/${sp.proto}/${sp.portName}__${ip}/${ep.port}`)
}
