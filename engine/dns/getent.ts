/**
 * `getent hosts KEY…` as glibc's getent prints it (nss/getent.c hosts_keys and print_hosts):
 * an address is looked up with gethostbyaddr, a name with gethostbyname2 for IPv6 first and,
 * when that finds nothing, for IPv4, each through nsswitch's `hosts: files dns`. One line per
 * address: the address left-aligned in 15 columns, the canonical name, then the aliases. A key
 * that is not found makes the exit status 2 and prints nothing. It shows what an application
 * linked against glibc gets for a name, search list and all, which dig and nslookup do not.
 *
 * Where: nodes and Debian/Ubuntu-based images (libc-bin is Essential there). BusyBox images have
 * no getent; Alpine's (musl-utils) is a different program, not simulated; `getent ahosts`
 * (getaddrinfo, with RFC 3484 sorting) and the other databases are not simulated.
 */
import type { Cluster } from '../model/types.ts'
import type { Invocation, Output, Place, Program } from '../shell/types.ts'
import { fail } from '../shell/types.ts'
import { notFound, shellsAt, simulatorAnswer } from '../shell/container-shell.ts'
import { placeContainer } from '../model/containers.ts'
import { imageName } from '../traffic/servers.ts'
import { canonicalIP, ipFamilyOf } from '../net/ip.ts'
import { hostsFileText } from './files.ts'
import { resolvConfFor } from './resolv-conf.ts'
import type { ResolvConf } from './resolv-conf.ts'
import { glibcSearch, libcOf, query } from './stub-resolver.ts'
import { reverseName } from './names.ts'
import { withQueryRecord } from './query-record.ts'
import type { Send } from './query-record.ts'
import type { RRType } from './message.ts'

interface HostEnt {
  name: string
  aliases: string[]
  addresses: string[]
}

/** Which getent the place has: glibc's, another one the simulator does not run, or none. */
function getentAt(place: Place): 'glibc' | 'other' | 'none' {
  if (place.kind === 'node') return 'glibc'
  if (place.kind !== 'pod') return 'none'
  const sh = shellsAt(place).sh
  if (sh === 'dash') return 'glibc'
  if (sh === undefined) return 'none'
  const image = place.image ?? placeContainer(place.pod, place.container)?.image ?? ''
  // BusyBox has no getent applet; Alpine's musl-utils ships its own
  return imageName(image) === 'busybox' ? 'none' : libcOf(image) === 'musl' ? 'other' : 'other'
}

export const getentProgram: Program = {
  places: ['pod', 'node'],
  summary: "look a name up as an application's C library does (glibc getent hosts)",
  usage: ['getent hosts NAME|ADDRESS...'],
  run(inv: Invocation): Output {
    const where = getentAt(inv.place)
    if (where === 'none') return notFound(inv.session, inv.place, 'getent', inv.via)
    if (where === 'other') return simulatorAnswer(fail("knet: this image's getent (Alpine's musl-utils, or unknown) is not simulated here; glibc's is, on nodes and in Debian- and Ubuntu-based images", 126))
    const [db, ...keys] = inv.argv.slice(1)
    if (db === undefined) return fail("getent: wrong number of arguments\nTry `getent --help' or `getent --usage' for more information.", 1)
    if (db !== 'hosts') {
      const known = ['ahosts', 'ahostsv4', 'ahostsv6', 'aliases', 'ethers', 'group', 'gshadow', 'initgroups', 'netgroup', 'networks', 'passwd', 'protocols', 'rpc', 'services', 'shadow'].includes(db)
      return known ? simulatorAnswer(fail(`knet: getent ${db} is not simulated here (getent hosts is)`, 126)) : fail(`Unknown database: ${db}\nTry \`getent --help' or \`getent --usage' for more information.`, 1)
    }
    if (keys.length === 0) return simulatorAnswer(fail('knet: getent hosts without a key (every entry of the hosts database) is not simulated here; cat /etc/hosts shows the file', 126))
    const conf = resolvConfFor(inv.cluster, inv.place)
    // glibc sends no OPT record unless `options edns0` (RESOLV_EDNS_BUFFER_SIZE 1200)
    const edns = conf.options.includes('edns0') ? { bufsize: 1200, do: false } : undefined
    return withQueryRecord(inv, { rd: true, edns }, (send) => {
      let stdout = ''
      let exitCode = 0
      for (const key of keys) {
        const host = lookup(inv.cluster, inv.place, conf, send, key)
        if (!host) exitCode = 2
        // print_hosts: "%-15s %s" and each alias after a space
        else for (const a of host.addresses) stdout += `${a.padEnd(15)} ${host.name}${host.aliases.map((x) => ` ${x}`).join('')}\n`
      }
      return { exitCode, stdout, stderr: '' }
    })
  },
}

function lookup(cluster: Cluster, place: Place, conf: ResolvConf, send: Send, key: string): HostEnt | undefined {
  // hosts_keys: an IPv6 literal (it has a colon), an IPv4 one (inet_pton: four decimal parts), else a name
  if (key.includes(':')) {
    const ip = canonicalIP(key)
    return ip && ipFamilyOf(ip) === 'IPv6' ? byAddress(cluster, place, conf, send, ip) : undefined
  }
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(key)) {
    const ip = canonicalIP(key)
    return ip ? byAddress(cluster, place, conf, send, ip) : undefined
  }
  return byName(cluster, place, conf, send, key, 'AAAA') ?? byName(cluster, place, conf, send, key, 'A')
}

/** /etc/hosts as nss_files reads it: address, canonical name, aliases, comments dropped */
function hostsEntries(cluster: Cluster, place: Place): { address: string; names: string[] }[] {
  const out: { address: string; names: string[] }[] = []
  for (const line of hostsFileText(cluster, place).split('\n')) {
    const [address, ...names] = line.replace(/#.*/, '').trim().split(/\s+/)
    const ip = address ? canonicalIP(address) : undefined
    if (ip && names.length) out.push({ address: ip, names })
  }
  return out
}

/**
 * gethostbyname2 through `files` (Debian's host.conf says `multi on`: every matching line's
 * address, the first line's names) then `dns` (res_search for the type; getanswer_r follows the
 * CNAMEs, each owner becoming an alias, the last the canonical name).
 */
function byName(cluster: Cluster, place: Place, conf: ResolvConf, send: Send, name: string, type: 'A' | 'AAAA'): HostEnt | undefined {
  const family = type === 'A' ? 'IPv4' : 'IPv6'
  const want = name.toLowerCase()
  const lines = hostsEntries(cluster, place).filter((e) => ipFamilyOf(e.address) === family && e.names.some((n) => n.toLowerCase() === want))
  if (lines.length) return { name: lines[0].names[0], aliases: lines[0].names.slice(1), addresses: lines.map((l) => l.address) }
  const r = glibcSearch(conf, send, name, type)
  if (r.status !== 'answer' || !r.final || r.final.delivery.kind !== 'answer') return undefined
  let current = r.final.name.replace(/\.$/, '')
  const aliases: string[] = []
  const addresses: string[] = []
  for (const rr of r.final.delivery.message.answer) {
    if (rr.name.replace(/\.$/, '').toLowerCase() !== current.toLowerCase()) continue
    if (rr.type === 'CNAME') {
      aliases.push(current)
      current = rr.data.replace(/\.$/, '')
    } else if (rr.type === type) addresses.push(canonicalIP(rr.data) ?? rr.data)
  }
  return addresses.length ? { name: current, aliases, addresses } : undefined
}

/** gethostbyaddr: /etc/hosts, then a PTR query for the reverse name as is (res_query, no search). */
function byAddress(cluster: Cluster, place: Place, conf: ResolvConf, send: Send, ip: string): HostEnt | undefined {
  const line = hostsEntries(cluster, place).find((e) => e.address === ip)
  if (line) return { name: line.names[0], aliases: line.names.slice(1), addresses: [ip] }
  const rev = reverseName(ip)
  if (!rev) return undefined
  const a = query(conf, send, rev, 'PTR' as RRType)
  if (a.delivery.kind !== 'answer' || a.delivery.message.rcode !== 'NOERROR') return undefined
  const ptr = a.delivery.message.answer.find((rr) => rr.type === 'PTR')
  return ptr ? { name: ptr.data.replace(/\.$/, ''), aliases: [], addresses: [ip] } : undefined
}
