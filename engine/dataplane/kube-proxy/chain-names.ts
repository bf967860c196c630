/**
 * Chain names from kube-proxy's own hashing:
 * - iptables (pkg/proxy/iptables/proxier.go portProtoHash): base32(sha256(servicePortName + protocol))[:16]
 *   after KUBE-SVC-/KUBE-SVL-/KUBE-EXT-/KUBE-FW-; KUBE-SEP- hashes the endpoint "IP:port" too.
 * - nftables (pkg/proxy/nftables/proxier.go hashAndTruncate): base32(sha256(name))[:8] + "-" + name,
 *   name = "ns/svc/proto/port" (plus "__IP/port" for endpoints, IPv6 colons turned into dots).
 */
import { base32 } from '../base32.ts'
import { sha256 } from '../sha256.ts'
import type { EndpointInfo, ServicePortInfo } from './service-ports.ts'

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

/**
 * @example
 * iptablesChains(sp).svc // 'KUBE-SVC-XPGD46QRK7WJZT7O' for ns1/svc1:p80 tcp
 */
export function iptablesChains(sp: ServicePortInfo): { svc: string; svl: string; ext: string; fw: string } {
  const h = portProtoHash(sp.nameString, sp.proto)
  return { svc: `KUBE-SVC-${h}`, svl: `KUBE-SVL-${h}`, ext: `KUBE-EXT-${h}`, fw: `KUBE-FW-${h}` }
}

/**
 * @example
 * sepChain(sp, ep) // 'KUBE-SEP-SXIVWICOYRO3J4NJ' for ns1/svc1:p80 tcp 10.180.0.1:80
 */
export function sepChain(sp: ServicePortInfo, ep: EndpointInfo): string {
  // an EndpointInfo belongs to exactly one service port, so it can carry its chain name
  let name = sepNames.get(ep)
  if (name === undefined) {
    name = `KUBE-SEP-${hash16(sp.nameString + sp.proto + ep.str)}`
    sepNames.set(ep, name)
  }
  return name
}

const sepNames = new WeakMap<EndpointInfo, string>()

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
