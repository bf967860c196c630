/**
 * DNS names as the resolvers and CoreDNS handle them: absolute names end with
 * a dot, comparison ignores ASCII case (RFC 4343), and reverse names are the
 * in-addr.arpa / ip6.arpa forms of RFC 1035 3.5 and RFC 3596 2.5.
 */
import { formatAddr, parseAddr } from '../net/ip.ts'

/** `name` with exactly one trailing dot (miekg/dns Fqdn). */
export function fqdn(name: string): string {
  return name.endsWith('.') ? name : `${name}.`
}

/** Lower-cased absolute form, the key every lookup uses. */
export function canonicalName(name: string): string {
  return fqdn(name).toLowerCase()
}

/** Labels of a name, without the root: "a.b." → ["a", "b"]. */
export function labels(name: string): string[] {
  const n = name.endsWith('.') ? name.slice(0, -1) : name
  return n === '' ? [] : n.split('.')
}

/** Is `name` equal to `zone` or below it (both absolute)? */
export function isSubdomain(name: string, zone: string): boolean {
  const n = canonicalName(name)
  const z = canonicalName(zone)
  return z === '.' || n === z || n.endsWith(`.${z}`)
}

/** The longest zone of `zones` that holds `name` (plugin.Zones.Matches), or undefined. */
export function matchZone(name: string, zones: readonly string[]): string | undefined {
  let best: string | undefined
  for (const z of zones) {
    if (isSubdomain(name, z) && (best === undefined || canonicalName(z).length > canonicalName(best).length)) best = z
  }
  return best
}

/** `name` without `zone` and without the dot between them (dnsutil.TrimZone); '' at the apex. */
export function trimZone(name: string, zone: string): string {
  const n = canonicalName(name)
  const z = canonicalName(zone)
  if (n === z) return ''
  if (z === '.') return n.slice(0, -1)
  return n.slice(0, n.length - z.length - 1)
}

/** Dots in the name as typed: what ndots is compared with (a trailing dot counts, as in glibc). */
export function countDots(name: string): number {
  let n = 0
  for (const ch of name) if (ch === '.') n++
  return n
}

/** The PTR name of an address, lower-case nibbles for IPv6 (RFC 3596 2.5). */
export function reverseName(ip: string): string | undefined {
  const a = parseAddr(ip)
  if (!a) return undefined
  if (a.family === 'IPv4') return `${ip.split('.').reverse().join('.')}.in-addr.arpa.`
  const hex = a.value.toString(16).padStart(32, '0')
  return `${hex.split('').reverse().join('.')}.ip6.arpa.`
}

/**
 * The address a reverse name stands for, or '' when the name is not a full
 * reverse name (dnsutil.ExtractAddressFromReverse).
 */
export function addressFromReverse(name: string): string {
  const n = canonicalName(name)
  if (n.endsWith('.in-addr.arpa.')) {
    const parts = n.slice(0, -'.in-addr.arpa.'.length).split('.').reverse()
    const text = parts.join('.')
    // Go's net.ParseIP: four decimal octets, no leading zeros
    if (parts.length !== 4 || !parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255)) return ''
    return text
  }
  if (n.endsWith('.ip6.arpa.')) {
    const nibbles = n.slice(0, -'.ip6.arpa.'.length).split('.').reverse()
    if (nibbles.length !== 32 || !nibbles.every((x) => /^[0-9a-f]$/.test(x))) return ''
    const groups: string[] = []
    for (let i = 0; i < 32; i += 4) groups.push(nibbles.slice(i, i + 4).join(''))
    const a = parseAddr(groups.join(':'))
    return a ? formatAddr(a) : ''
  }
  return ''
}

/** Is the name under in-addr.arpa. or ip6.arpa. (dnsutil.IsReverse)? */
export function isReverse(name: string): boolean {
  const n = canonicalName(name)
  return n.endsWith('.in-addr.arpa.') || n.endsWith('.ip6.arpa.')
}

/**
 * The endpoint label CoreDNS derives from an address when the endpoint has no
 * hostname: dots or colons become dashes, and since CoreDNS 1.12.3 an IPv6
 * label that would end in a dash (an address ending in `::`) gets a `0`, as a
 * DNS label cannot end with `-` (plugin/kubernetes/kubernetes.go
 * endpointHostname, coredns#7431; kubeadm v1.37 installs v1.14.6).
 *
 * @example
 * dashedIP('fd00:10:244:1::') // 'fd00-10-244-1--0'
 */
export function dashedIP(ip: string): string {
  if (ip.includes('.')) return ip.replaceAll('.', '-')
  if (ip.includes(':')) {
    const label = ip.replaceAll(':', '-')
    return label.endsWith('-') ? `${label}0` : label
  }
  return ''
}

/** Is `name` syntactically a DNS name a resolver would send (labels 1-63, total ≤ 253)? */
export function isValidQueryName(name: string): boolean {
  const n = name.endsWith('.') ? name.slice(0, -1) : name
  if (n.length === 0) return name === '.'
  if (n.length > 253) return false
  return n.split('.').every((l) => l.length > 0 && l.length <= 63)
}
