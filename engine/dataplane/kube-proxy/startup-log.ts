/**
 * What kube-proxy writes to stderr when it starts (`kubectl logs -n
 * kube-system kube-proxy-…`), for the mode and configuration this cluster
 * gives it, at the default verbosity kubeadm's DaemonSet runs it with (no -v):
 *
 * - cmd/kube-proxy/app/server_linux.go platformApplyDefaults: "Using iptables
 *   proxy" when the config leaves `mode` empty (kubeadm's default config; the
 *   engine takes a Cluster document's iptables mode, which is the default, as
 *   that empty mode);
 * - cmd/kube-proxy/app/server.go newProxyServer: the node informer's cache
 *   sync, "Successfully retrieved NodeIPs", the nodePortAddresses warning
 *   (logged as an error) when it is unset and the mode is not nftables (whose
 *   default is `primary`), "kube-proxy running in dual-stack mode" (the Linux
 *   proxiers can always do both families: platformCheckSupported);
 * - cmd/kube-proxy/app/sysctls.go (conntrack.go before 1.36): nf_conntrack_max =
 *   max(conntrack.maxPerCore 32768 × CPUs, conntrack.min 131072);
 * - server_linux.go createProxier: "Using <mode> Proxier", and for ipvs the
 *   deprecation message logged as an error (KEP-5495, kubernetes/kubernetes
 *   #134539, from v1.35) that also goes to the Node as a Warning event
 *   (reason IPVSDeprecation);
 * - pkg/proxy/iptables/proxier.go NewProxier: route_localnet for localhost
 *   NodePorts (IPv4 only, when nodePortAddresses takes in 127.0.0.1);
 *   pkg/proxy/ipvs/proxier.go: the default scheduler, and ipset.go the two
 *   IPv6 set names that exceed ipset's 31 characters;
 * - server.go Run: "Version info", "Golang settings", then the informers of
 *   pkg/proxy/config/config.go and client-go's shared_informer.go.
 *
 * File:line as kube-proxy v1.36.1 prints them, except the iptables-only lines
 * (server_linux.go:53, :136 and proxier.go:242), whose numbers are v1.35.0's.
 * The sync lines ("Syncing nftables rules", "Reloading service … data",
 * "SyncProxyRules complete") are logged at -v=2 and so are not shown.
 */
import type { Cluster, Pod } from '../../model/types.ts'
import { parsePrefix, prefixContains, parseAddr } from '../../net/ip.ts'
import { addMicros, klogLine, processStart } from '../../text/klog.ts'
import type { KV, LogLine, Severity } from '../../text/klog.ts'
import { proxyConfig } from './config.ts'
import type { ProxyConfig } from './config.ts'

/** server_linux.go createProxier (v1.35+): the message, logged with logger.Error and sent as a Node event. */
export const IPVS_DEPRECATION = "The ipvs proxier is now deprecated and may be removed in a future release. Please use 'nftables' instead."

/** v1.35 is the first release that logs IPVS_DEPRECATION (KEP-5495). */
export function warnsIpvsDeprecation(kubernetesVersion: string): boolean {
  const m = /^v?(\d+)\.(\d+)/.exec(kubernetesVersion)
  if (!m) return true
  const major = Number(m[1])
  const minor = Number(m[2])
  return major > 1 || (major === 1 && minor >= 35)
}

/** iptables NewProxier: nodePortAddresses.ContainsIPv4Loopback(): unset (all addresses) or a CIDR that holds 127.0.0.1. */
function nodePortsOnLoopback(cfg: ProxyConfig): boolean {
  if (cfg.nodePortAddresses.length === 0) return true
  const lo = parseAddr('127.0.0.1')!
  return cfg.nodePortAddresses.some((c) => {
    const p = parsePrefix(c)
    return p !== undefined && p.family === 'IPv4' && prefixContains(p, lo)
  })
}

/** cmd/kube-proxy/app/conntrack.go getConntrackMax with the defaults (maxPerCore 32768, min 131072). */
function conntrackMax(cpus: number): number {
  return Math.max(32768 * cpus, 131072)
}

/**
 * The startup lines of the kube-proxy Pod `pod`, timed from its start.
 *
 * @example
 * kubeProxyStartupLog(cluster, pod).some((l) => l.text.endsWith('"Using nftables Proxier"')) // in nftables mode
 */
export function kubeProxyStartupLog(cluster: Cluster, pod: Pod): LogLine[] {
  const cfg = proxyConfig(cluster)
  const node = cluster.index.node.get(pod.nodeName)
  const nodeIPs = node?.internalIPs ?? [pod.hostIP]
  const primary = parseAddr(nodeIPs[0] ?? '')?.family ?? cluster.config.ipFamilies[0]
  const cpus = Math.max(1, Number.parseInt(node?.capacity.cpu ?? '2', 10) || 2)
  const lines: LogLine[] = []
  const start = processStart(pod.meta.creationTimestamp, pod.meta.name)
  // The offsets (µs after the container started) follow a real v1.36 start: informers
  // wait about 100 ms for the API server, the proxier setup takes tens of milliseconds.
  let t = 300_000
  const at = (step: number) => (t += step)
  const log = (sev: Severity, step: number, where: string, msg: string, kvs: KV[] = [], structured = true) =>
    lines.push(klogLine(sev, addMicros(start, at(step)), where, msg, kvs, structured))

  if (cfg.mode === 'iptables' && cfg.modeSource !== 'configmap') log('I', 0, 'server_linux.go:53', 'Using iptables proxy')
  log('I', 67_000, 'shared_informer.go:402', 'Waiting for caches to sync')
  log('I', 101_000, 'shared_informer.go:409', 'Caches are synced')
  log('I', 600, 'server.go:228', 'Successfully retrieved NodeIPs', [['NodeIPs', nodeIPs]])
  log('I', 2_600, 'sysctls.go:147', 'Setting nf_conntrack_max', [['nfConntrackMax', conntrackMax(cpus)]])
  if (cfg.nodePortAddresses.length === 0 && cfg.mode !== 'nftables') {
    log('E', 500, 'server.go:265', 'Kube-proxy configuration may be incomplete or incorrect', [
      ['err', 'nodePortAddresses is unset; NodePort connections will be accepted on all local IPs. Consider using `--nodeport-addresses primary`'],
    ])
  }
  log('I', 44_000, 'server.go:274', 'kube-proxy running in dual-stack mode', [['primary ipFamily', primary]])
  if (cfg.mode === 'iptables') {
    log('I', 30, 'server_linux.go:136', 'Using iptables Proxier')
    if (cfg.localhostNodePorts && nodePortsOnLoopback(cfg)) {
      log('I', 3_500, 'proxier.go:242', 'Setting route_localnet=1 to allow node-ports on localhost; to change this either disable iptables.localhostNodePorts (--iptables-localhost-nodeports) or set nodePortAddresses (--nodeport-addresses) to filter loopback addresses', [['ipFamily', 'IPv4']])
    }
  } else if (cfg.mode === 'ipvs') {
    log('I', 44_000, 'server_linux.go:194', 'Using ipvs Proxier')
    if (warnsIpvsDeprecation(cluster.config.kubernetesVersion)) log('E', 56, 'server_linux.go:196', IPVS_DEPRECATION)
    if (!cfg.ipvsSchedulerSet) {
      log('I', 590, 'proxier.go:351', 'IPVS scheduler not specified, use rr by default', [['ipFamily', 'IPv4']])
      log('I', 210, 'proxier.go:351', 'IPVS scheduler not specified, use rr by default', [['ipFamily', 'IPv6']])
    }
    // ipset allows 31 characters; the IPv6 proxier's "KUBE-6-" names of these two sets are longer
    log('I', 20, 'ipset.go:117', 'Ipset name truncated', [['ipSetName', 'KUBE-6-LOAD-BALANCER-SOURCE-CIDR'], ['truncatedName', 'KUBE-6-LOAD-BALANCER-SOURCE-CID']])
    log('I', 40, 'ipset.go:117', 'Ipset name truncated', [['ipSetName', 'KUBE-6-NODE-PORT-LOCAL-SCTP-HASH'], ['truncatedName', 'KUBE-6-NODE-PORT-LOCAL-SCTP-HAS']])
  } else {
    log('I', 40, 'server_linux.go:254', 'Using nftables Proxier')
  }
  log('I', 43_000, 'server.go:539', 'Version info', [['version', cluster.config.kubernetesVersion]])
  log('I', 30, 'server.go:541', 'Golang settings', [['GOGC', ''], ['GOMAXPROCS', ''], ['GOTRACEBACK', '']])
  for (const [where, what] of [['config.go:200', 'service'], ['config.go:106', 'endpoint slice'], ['config.go:403', 'serviceCIDR'], ['config.go:309', 'node']] as const) {
    log('I', 1_800, where, `Starting ${what} config controller`)
    log('I', 20, 'shared_informer.go:381', 'Waiting for caches to sync', [['controller', `${what} config`]])
  }
  log('I', 10, 'shared_informer.go:388', 'Caches are synced', [['controller', 'node config']])
  for (const what of ['serviceCIDR', 'endpoint slice', 'service']) log('I', what === 'serviceCIDR' ? 101_000 : 20, 'shared_informer.go:388', 'Caches are synced', [['controller', `${what} config`]])
  return lines
}

/** kube-apiserver --event-ttl: Events are deleted an hour after their last update. */
const EVENT_TTL_MS = 60 * 60 * 1000

/**
 * The Events kube-proxy leaves on its Node that `kubectl describe node` still
 * shows: in IPVS mode (v1.35+), Warning IPVSDeprecation, sent through the
 * events.k8s.io recorder "kube-proxy" (reporting instance
 * "kube-proxy-<hostname>", and a host-network Pod's hostname is the node's).
 * Like every Event it is gone an hour after kube-proxy started, after which
 * only the log keeps the warning.
 */
export function kubeProxyNodeEvents(cluster: Cluster, nodeName: string): { type: string; reason: string; time: string; from: string; message: string }[] {
  if (proxyConfig(cluster).mode !== 'ipvs' || !warnsIpvsDeprecation(cluster.config.kubernetesVersion)) return []
  const pod = cluster.pods.find((p) => p.nodeName === nodeName && p.workload?.kind === 'DaemonSet' && p.workload.name === 'kube-proxy')
  if (!pod || Date.parse(cluster.now) - Date.parse(pod.meta.creationTimestamp) >= EVENT_TTL_MS) return []
  return [{ type: 'Warning', reason: 'IPVSDeprecation', time: pod.meta.creationTimestamp, from: `kube-proxy, kube-proxy-${nodeName}`, message: IPVS_DEPRECATION }]
}
