/**
 * The log sources built into `kubectl logs` (logs.ts registers them).
 *
 * - kube-proxy: its startup lines for the configured mode (dataplane/kube-proxy/startup-log.ts).
 * - CoreDNS: what coremain prints once its servers listen: one `zone:port`
 *   line per server (dnsserver's startup listing), `CoreDNS-<version>` and
 *   `<os>/<arch>, <go version>, <commit>` (coremain/version.go showVersion);
 *   for a Corefile CoreDNS cannot load, the error it exits with. The reload
 *   plugin's "[INFO] plugin/reload: Running configuration SHA512 = …" line is
 *   left out: its digest is of caddyfile's JSON rendering of the parsed
 *   Corefile, which the engine does not reproduce.
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
import type { LogSource } from './logs.ts'

/** coremain's second version line per release (from the release binaries' startup output). */
const COREDNS_BUILDS: Record<string, string> = {
  '1.12.1': 'linux/amd64, go1.24.1, 707c7c1',
}

const kubeProxy: LogSource = {
  name: 'kube-proxy',
  matches: (_c, _p, k) => imageName(k.image) === 'kube-proxy',
  lines: (c, p) => kubeProxyStartupLog(c, p),
}

const coredns: LogSource = {
  name: 'CoreDNS',
  matches: (_c, _p, k) => imageName(k.image) === 'coredns',
  lines(c: Cluster, p: Pod, k: Container): LogLine[] {
    const start = processStart(p.meta.creationTimestamp, p.meta.name)
    const out: LogLine[] = []
    const line = (offset: number, text: string) => out.push({ time: addMicros(start, offset), text })
    const { text, missingKey } = corefileOf(c)
    const parsed = missingKey ? { servers: [], errors: ['open /etc/coredns/Corefile: no such file or directory'] } : parseCorefile(text)
    if (parsed.errors.length) {
      line(410_000, parsed.errors[0])
      return out
    }
    let t = 410_000
    for (const s of parsed.servers) for (const z of s.zones) line((t += 40), `${z.endsWith('.') ? z : `${z}.`}:${s.port}`)
    const version = imageTag(k.image).replace(/^v/, '')
    line((t += 60), `CoreDNS-${version}`)
    const build = COREDNS_BUILDS[version]
    if (build) line((t += 20), build)
    return out
  },
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

export const BUILTIN_LOG_SOURCES: LogSource[] = [kubeProxy, coredns, agnhost]
