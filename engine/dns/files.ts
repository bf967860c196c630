/**
 * The name-resolution files a reader can `cat`: /etc/resolv.conf (see
 * resolv-conf.ts), /etc/hosts and /etc/hostname. In a Pod, kubelet manages
 * /etc/hosts (pkg/kubelet/kubelet_pods.go managedHostsFileContent): the
 * loopback boilerplate, one line per Pod IP with the Pod's hostname (and its
 * FQDN when it has a subdomain), then the entries of spec.hostAliases;
 * a hostNetwork Pod gets the node's file under a different header.
 * `cat` itself is a small program with a table of files other modules can
 * add to (registerFile).
 */
import type { Cluster, Pod } from '../model/types.ts'
import type { Invocation, Output, Place, Program } from '../shell/types.ts'
import { read } from '../cluster/context.ts'
import { formatResolvConf, resolvConfFor } from './resolv-conf.ts'

/** Contents of a file at a place, or undefined when it does not exist there. */
export type FileSource = (cluster: Cluster, place: Place) => string | undefined

const FILES = new Map<string, FileSource>()

/** A whole tree of files owned by another module: an answer, or undefined when the path is not its. */
export type FileResolver = (cluster: Cluster, place: Place, path: string) => { content: string } | { error: string } | undefined

const RESOLVERS: FileResolver[] = []

/** Lets another module answer `cat` for the paths it owns (e.g. /etc/cni, /var/lib/cni). */
export function registerFileResolver(resolver: FileResolver): void {
  if (!RESOLVERS.includes(resolver)) RESOLVERS.push(resolver)
}

/**
 * Makes `cat PATH` show a simulated file.
 *
 * @example
 * registerFile('/proc/sys/net/ipv4/ip_forward', (c, place) => (place.kind === 'node' ? '1\n' : undefined))
 */
export function registerFile(path: string, source: FileSource): void {
  FILES.set(path, source)
}

function podHostname(pod: Pod): string {
  // kubelet: spec.hostname, else the Pod name cut to 63 characters
  return pod.hostname ?? pod.meta.name.slice(0, 63).replace(/[-.]+$/, '')
}

function nodeHosts(name: string, ip: string): string {
  return `127.0.0.1\tlocalhost\n127.0.1.1\t${name}\n${ip}\t${name}\n\n# The following lines are desirable for IPv6 capable hosts\n::1     ip6-localhost ip6-loopback\nfe00::0 ip6-localnet\nff00::0 ip6-mcastprefix\nff02::1 ip6-allnodes\nff02::2 ip6-allrouters\n`
}

function podHosts(cluster: Cluster, pod: Pod): string {
  if (pod.hostNetwork) {
    const node = cluster.index.node.get(pod.nodeName)
    return `# Kubernetes-managed hosts file (host network).\n${nodeHosts(pod.nodeName, node?.internalIPs[0] ?? pod.hostIP)}`
  }
  let out = '# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n'
  const host = podHostname(pod)
  for (const ip of pod.podIPs) {
    out += pod.subdomain ? `${ip}\t${host}.${pod.subdomain}.${pod.meta.namespace}.svc.${cluster.config.clusterDomain}\t${host}\n` : `${ip}\t${host}\n`
  }
  const aliases = read.arr(read.path(pod.raw, 'spec', 'hostAliases'))
  if (aliases.length) {
    out += '\n# Entries added by HostAliases.\n'
    for (const a of aliases) {
      const ip = read.str(read.path(a, 'ip'))
      const names = read.arr(read.path(a, 'hostnames')).filter((h): h is string => typeof h === 'string')
      if (ip) out += `${ip}\t${names.join('\t')}\n`
    }
  }
  return out
}

registerFile('/etc/resolv.conf', (cluster, place) => formatResolvConf(resolvConfFor(cluster, place)))
registerFile('/etc/hosts', (cluster, place) => {
  if (place.kind === 'pod') return podHosts(cluster, place.pod)
  if (place.kind === 'node') return nodeHosts(place.node.meta.name, place.node.internalIPs[0] ?? '')
  return '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n'
})
registerFile('/etc/hostname', (cluster, place) => {
  if (place.kind === 'pod') {
    const p = place.pod
    if (p.hostNetwork) return `${p.nodeName}\n`
    const h = podHostname(p)
    return p.setHostnameAsFQDN && p.subdomain ? `${h}.${p.subdomain}.${p.meta.namespace}.svc.${cluster.config.clusterDomain}\n` : `${h}\n`
  }
  if (place.kind === 'node') return `${place.node.meta.name}\n`
  return 'workstation\n'
})

/** The text of /etc/hosts at `place`, as `cat /etc/hosts` prints it. */
export function hostsFileText(cluster: Cluster, place: Place): string {
  return FILES.get('/etc/hosts')?.(cluster, place) ?? ''
}

/**
 * The addresses /etc/hosts at `place` gives `name`, in file order (the very
 * file `cat /etc/hosts` prints). glibc (nsswitch.conf `hosts: files dns`)
 * and musl read it before asking DNS, so a name found here is never sent to
 * a nameserver; names compare case-insensitively, as nss_files does.
 *
 * @example
 * hostsFileLookup(cluster, { kind: 'pod', pod }, 'localhost') // ['127.0.0.1', '::1']
 */
export function hostsFileLookup(cluster: Cluster, place: Place, name: string): string[] {
  const text = hostsFileText(cluster, place)
  const want = name.toLowerCase()
  const out: string[] = []
  for (const line of text.split('\n')) {
    const [ip, ...names] = line.replace(/#.*/, '').trim().split(/\s+/)
    if (ip && names.some((n) => n.toLowerCase() === want) && !out.includes(ip)) out.push(ip)
  }
  return out
}

/**
 * `cat FILE...` for the simulated files.
 *
 * @example
 * runCommand(cluster, 'kubectl exec web-0 -- cat /etc/resolv.conf')
 */
export const catProgram: Program = {
  places: ['pod', 'node', 'workstation'],
  summary: 'print a file (/etc/resolv.conf, /etc/hosts, /etc/hostname, …)',
  usage: ['cat FILE...'],
  run(inv: Invocation): Output {
    const paths = inv.argv.slice(1).filter((a) => a !== '--')
    if (paths.length === 0) return { exitCode: 0, stdout: '', stderr: '' }
    let stdout = ''
    let stderr = ''
    for (const p of paths) {
      if (p.startsWith('-') && p !== '-') continue
      const path = p.replace(/\/+/g, '/')
      const source = FILES.get(path)
      const text = source?.(inv.cluster, inv.place)
      if (text !== undefined) {
        stdout += text
        continue
      }
      const answer = RESOLVERS.map((r) => r(inv.cluster, inv.place, path)).find((a) => a !== undefined)
      if (answer && 'content' in answer) stdout += answer.content
      else if (answer) stderr += `${answer.error}\n`
      // the simulator keeps few of a machine's files: one it does not keep may well exist
      else stderr += `knet: cat: ${p} is not simulated here (cat shows /etc/resolv.conf, /etc/hosts, /etc/hostname, the CNI files, /proc/sys/net and /sys/class/net)\n`
    }
    return { exitCode: stderr ? 1 : 0, stdout, stderr }
  },
}
