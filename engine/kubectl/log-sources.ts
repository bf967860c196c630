/**
 * The log sources built into `kubectl logs` (logs.ts registers them).
 *
 * - kube-proxy: its startup lines for the configured mode (dataplane/kube-proxy/startup-log.ts).
 * - CoreDNS: automaxprocs' line first (GOMAXPROCS left at the node's CPUs
 *   when the container has no CPU limit, as kubeadm's has none), then what
 *   coremain prints once its servers listen: one `zone:port` line per server
 *   (dnsserver's startup listing), the reload plugin's "Running configuration
 *   SHA512 = …" when the Corefile uses `reload` (coredns-digest.ts), then
 *   `CoreDNS-<version>` and `<os>/<arch>, <go version>, <commit>`
 *   (coremain/version.go showVersion); for a Corefile CoreDNS cannot load,
 *   the error it exits with.
 * - agnhost netexec (test/images/agnhost/netexec/netexec.go): "Started HTTP
 *   server on port N" and "Started UDP server on port %s %d" with an empty
 *   address (hence two spaces), written through the standard log package,
 *   which agnhost routes into klog (the header names log.go:195, as agnhost
 *   2.53 writes it).
 */
import type { Cluster, Container, Pod } from '../model/types.ts'
import { addMicros, klogLine, processStart } from '../text/klog.ts'
import type { LogLine } from '../text/klog.ts'
import { kubeProxyStartupLog } from '../dataplane/kube-proxy/startup-log.ts'
import { corefileOf } from '../dns/view.ts'
import { parseCorefile } from '../dns/corefile.ts'
import { imageName, imageTag, podListeners } from '../traffic/servers.ts'
import { corefileDigest, corefileDirectives } from './coredns-digest.ts'
import type { LogSource } from './log-source.ts'
import { corednsQueryLog } from '../traffic/coredns-queries.ts'
import { corednsBuild } from '../dns/coredns-builds.ts'
import { CNI_LOG_SOURCES } from './cni-logs/index.ts'

/** automaxprocs' startup line: "Updating" to a CPU limit (whole CPUs, at least 1), or "Leaving" the Go default (every CPU of the node). */
function maxprocsLine(c: Cluster, p: Pod, k: Container): string {
  const raw = (p.raw as { spec?: { containers?: { name?: string; resources?: { limits?: { cpu?: unknown } } }[] } }).spec?.containers?.find((x) => x.name === k.name)
  const limit = raw?.resources?.limits?.cpu
  const cores = typeof limit === 'number' ? limit : typeof limit === 'string' ? (limit.endsWith('m') ? Number(limit.slice(0, -1)) / 1000 : Number(limit)) : NaN
  if (Number.isFinite(cores) && cores > 0) return `maxprocs: Updating GOMAXPROCS=${Math.max(1, Math.floor(cores))}: determined from CPU quota`
  const cpus = Math.max(1, Number.parseInt(c.index.node.get(p.nodeName)?.capacity.cpu ?? '1', 10) || 1)
  return `maxprocs: Leaving GOMAXPROCS=${cpus}: CPU quota undefined`
}

const kubeProxy: LogSource = {
  name: 'kube-proxy',
  matches: (_c, _p, k) => imageName(k.image) === 'kube-proxy',
  lines: (c, p) => kubeProxyStartupLog(c, p),
}

/**
 * CoreDNS's startup lines for container `k` of Pod `p`; a source that adds the
 * `log` plugin's query lines can put them after these.
 *
 * @example
 * corednsStartupLog(cluster, pod, pod.containers[0]).map((l) => l.text)[1] // '.:53'
 */
export function corednsStartupLog(c: Cluster, p: Pod, k: Container): LogLine[] {
  {
    const start = processStart(p.meta.creationTimestamp, p.meta.name)
    const out: LogLine[] = []
    const line = (offset: number, text: string) => out.push({ time: addMicros(start, offset), text })
    // go.uber.org/automaxprocs, imported by coremain since CoreDNS 1.12: GOMAXPROCS from the CPU limit, else left alone
    if (corednsBuild(imageTag(k.image))) line(120_000, maxprocsLine(c, p, k))
    const { text, missingKey } = corefileOf(c)
    const parsed = missingKey ? { servers: [], errors: ['open /etc/coredns/Corefile: no such file or directory'] } : parseCorefile(text)
    if (parsed.errors.length) {
      line(410_000, parsed.errors[0])
      return out
    }
    let t = 410_000
    for (const s of parsed.servers) for (const z of s.zones) line((t += 40), `${z.endsWith('.') ? z : `${z}.`}:${s.port}`)
    if (corefileDirectives(text)?.has('reload')) {
      const digest = corefileDigest(text)
      if (digest) line((t += 30), `[INFO] plugin/reload: Running configuration SHA512 = ${digest}`)
    }
    const version = imageTag(k.image).replace(/^v/, '')
    line((t += 60), `CoreDNS-${version}`)
    // coremain's second version line: <os>/<arch>, <go version>, <commit>
    const build = corednsBuild(version)
    if (build) line((t += 20), `linux/amd64, ${build.go}, ${build.commit}`)
    return out
  }
}

const coredns: LogSource = {
  name: 'CoreDNS',
  matches: (_c, _p, k) => imageName(k.image) === 'coredns',
  // after the startup lines, the log plugin's line for each query this Pod answered earlier in the run
  lines: (c, p, k, session) => [...corednsStartupLog(c, p, k), ...(session ? corednsQueryLog(c, p, session) : [])],
}

const agnhost: LogSource = {
  name: 'agnhost netexec',
  matches: (_c, p, k) => imageName(k.image) === 'agnhost' && podListeners(p).some((l) => l.container === k.name && l.app === 'agnhost'),
  lines(_c: Cluster, p: Pod, k: Container): LogLine[] {
    const own = podListeners(p).filter((l) => l.container === k.name && l.app === 'agnhost')
    const http = own.find((l) => l.proto === 'TCP')
    const udp = own.find((l) => l.proto === 'UDP')
    const out: LogLine[] = []
    const start = processStart(p.meta.creationTimestamp, p.meta.name)
    if (http) out.push(klogLine('I', addMicros(start, 285_112), 'log.go:195', `Started HTTP server on port ${http.port}`, [], false))
    if (udp) out.push(klogLine('I', addMicros(start, 285_319), 'log.go:195', `Started UDP server on port  ${udp.port}`, [], false))
    return out
  },
}

// the CNI agents' logs: engine/kubectl/cni-logs/
export const BUILTIN_LOG_SOURCES: LogSource[] = [kubeProxy, coredns, agnhost, ...CNI_LOG_SOURCES]
