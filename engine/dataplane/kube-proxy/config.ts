/**
 * kube-proxy's configuration on this cluster: the Cluster document's
 * proxyMode, overridden by the reader's own `kube-proxy` ConfigMap in kube-system
 * (kubeadm's layout: key config.conf holding a KubeProxyConfiguration), with kubeadm's
 * defaults otherwise (clusterCIDR = the Pod subnet, detectLocalMode
 * ClusterCIDR, masqueradeBit 14, localhostNodePorts true, nodePortAddresses
 * unset = all local addresses, "primary" in nftables mode, IPVS scheduler rr).
 */
import { parse } from 'yaml'
import type { Cluster, ProxyMode } from '../../model/types.ts'
import { parsePrefix } from '../../net/ip.ts'

export const IPVS_SCHEDULERS = ['rr', 'wrr', 'lc', 'wlc', 'lblc', 'lblcr', 'sh', 'dh', 'sed', 'nq', 'mh']

export interface ProxyConfig {
  mode: ProxyMode
  /**
   * where mode came from: the Cluster document, the ConfigMap's `mode`, or the ConfigMap leaving
   * `mode` empty (kubeadm's default), which kube-proxy on Linux takes as iptables
   */
  modeSource: 'cluster' | 'configmap' | 'default'
  ipvsScheduler: string
  /** the ConfigMap named a scheduler (kube-proxy logs "IPVS scheduler not specified" otherwise) */
  ipvsSchedulerSet: boolean
  clusterCIDRs: string[]
  detectLocalMode: 'ClusterCIDR' | 'NodeCIDR' | 'BridgeInterface' | 'InterfaceNamePrefix' | 'None'
  bridgeInterface: string
  interfaceNamePrefix: string
  masqueradeAll: boolean
  /** as kube-proxy formats it (0x00004000 for the default bit 14) */
  masqueradeMark: string
  /** the mark as a number (bit 14: 0x4000) */
  masqueradeValue: number
  localhostNodePorts: boolean
  /** [] = all local addresses; otherwise CIDRs (or "primary") */
  nodePortAddresses: string[]
  /** problems in the ConfigMap, as kube-proxy would log them */
  warnings: string[]
}

const cache = new WeakMap<Cluster, ProxyConfig>()

/**
 * @example
 * proxyConfig(cluster).mode // 'iptables', or what the kube-proxy ConfigMap's config.conf says
 */
export function proxyConfig(cluster: Cluster): ProxyConfig {
  const hit = cache.get(cluster)
  if (hit) return hit
  const cm = cluster.configMaps.find((c) => c.meta.namespace === 'kube-system' && c.meta.name === 'kube-proxy')
  const data = cm?.raw.data
  const text = data && typeof data === 'object' && !Array.isArray(data) ? data['config.conf'] : undefined
  // no kube-proxy reads the ConfigMap when Cilium replaces it
  const cfg = proxyConfigFrom(cluster, typeof text === 'string' && !cluster.config.kubeProxyReplacement ? text : undefined)
  cache.set(cluster, cfg)
  return cfg
}

/**
 * The configuration kube-proxy would run with given `text` as config.conf; without it, the
 * Cluster document's mode (the ConfigMap kubeadm writes for that mode, kubeadm-configmap.ts,
 * reads back the same: test/engine/kubectl/kubeadm-configmaps.test.ts holds them equal).
 */
export function proxyConfigFrom(cluster: Cluster, text: string | undefined): ProxyConfig {
  const cfg: ProxyConfig = {
    mode: cluster.config.proxyMode,
    modeSource: 'cluster',
    ipvsScheduler: 'rr',
    ipvsSchedulerSet: false,
    clusterCIDRs: [...cluster.config.podCIDRs],
    detectLocalMode: 'ClusterCIDR',
    bridgeInterface: '',
    interfaceNamePrefix: '',
    masqueradeAll: false,
    masqueradeMark: markFor(14),
    masqueradeValue: 2 ** 14,
    localhostNodePorts: true,
    nodePortAddresses: [],
    warnings: [],
  }
  if (text !== undefined) applyConfigText(cfg, text)
  // server_linux.go platformApplyDefaults: nftables mode defaults nodePortAddresses to "primary"
  // (NodePorts only on the node's primary IPs), the other modes to all local addresses
  if (cfg.mode === 'nftables' && cfg.nodePortAddresses.length === 0) cfg.nodePortAddresses = ['primary']
  return cfg
}

function markFor(bit: number): string {
  // kube-proxy: fmt.Sprintf("%#08x", 1<<bit); Go zero-pads the digits to the width, giving 0x00004000
  return `0x${(2 ** bit).toString(16).padStart(8, '0')}`
}

function applyConfigText(cfg: ProxyConfig, text: string): void {
  let doc: unknown
  try {
    doc = parse(text, { maxAliasCount: 10 })
  } catch (e) {
    cfg.warnings.push(`failed to decode kube-proxy ConfigMap config.conf: ${(e as Error).message}`)
    return
  }
  if (!doc || typeof doc !== 'object') return
  const o = doc as Record<string, unknown>
  const mode = o.mode
  // cmd/kube-proxy/app/server_linux.go platformApplyDefaults: an empty mode is iptables ("Using iptables proxy")
  if (mode === undefined || mode === null || mode === '') {
    cfg.mode = 'iptables'
    cfg.modeSource = 'default'
  } else if (typeof mode === 'string') {
    if (mode === 'iptables' || mode === 'ipvs' || mode === 'nftables') {
      cfg.mode = mode
      cfg.modeSource = 'configmap'
    } else cfg.warnings.push(`KubeProxyConfiguration.mode: Unsupported value: "${mode}": supported values: "iptables", "ipvs", "nftables"`)
  }
  const ipvs = o.ipvs as Record<string, unknown> | undefined
  if (ipvs && typeof ipvs.scheduler === 'string' && ipvs.scheduler !== '') {
    if (IPVS_SCHEDULERS.includes(ipvs.scheduler)) {
      cfg.ipvsScheduler = ipvs.scheduler
      cfg.ipvsSchedulerSet = true
    }
    else cfg.warnings.push(`KubeProxyConfiguration.IPVSConfiguration.Scheduler: Invalid value: "${ipvs.scheduler}": unsupported IPVS scheduler`)
  }
  if (typeof o.clusterCIDR === 'string' && o.clusterCIDR !== '') {
    const cidrs = o.clusterCIDR.split(',').map((s) => s.trim()).filter((s) => parsePrefix(s))
    if (cidrs.length) cfg.clusterCIDRs = cidrs
  }
  if (typeof o.detectLocalMode === 'string' && ['ClusterCIDR', 'NodeCIDR', 'BridgeInterface', 'InterfaceNamePrefix'].includes(o.detectLocalMode)) {
    cfg.detectLocalMode = o.detectLocalMode as ProxyConfig['detectLocalMode']
  }
  const dl = o.detectLocal as Record<string, unknown> | undefined
  if (dl && typeof dl.bridgeInterface === 'string') cfg.bridgeInterface = dl.bridgeInterface
  if (dl && typeof dl.interfaceNamePrefix === 'string') cfg.interfaceNamePrefix = dl.interfaceNamePrefix
  if (typeof o.masqueradeAll === 'boolean') cfg.masqueradeAll = o.masqueradeAll
  const ipt = o.iptables as Record<string, unknown> | undefined
  if (ipt && typeof ipt.masqueradeBit === 'number' && ipt.masqueradeBit >= 0 && ipt.masqueradeBit <= 31) {
    cfg.masqueradeMark = markFor(ipt.masqueradeBit)
    cfg.masqueradeValue = 2 ** ipt.masqueradeBit
  }
  if (ipt && typeof ipt.masqueradeAll === 'boolean') cfg.masqueradeAll = ipt.masqueradeAll
  if (ipt && typeof ipt.localhostNodePorts === 'boolean') cfg.localhostNodePorts = ipt.localhostNodePorts
  if (Array.isArray(o.nodePortAddresses)) cfg.nodePortAddresses = o.nodePortAddresses.filter((x): x is string => typeof x === 'string')
}
