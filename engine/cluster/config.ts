/**
 * The simulator's own `knet/v1alpha1 Cluster` document: the knobs a real
 * cluster sets with flags (kube-apiserver --service-cluster-ip-range and
 * --service-node-port-range, kube-controller-manager --cluster-cidr, kubelet
 * --cluster-domain) and the choice of CNI plugin and proxy mode.
 */
import type { IPFamily } from '../net/ip.ts'
import { addrAt, formatAddr, parsePrefix, prefixesOverlap, hasHostBits, parseAddr } from '../net/ip.ts'
import type { CniName, ClusterConfig, ProxyMode } from '../model/types.ts'
import { BuildContext, read } from './context.ts'
import type { Loaded } from './context.ts'

export const CNI_NAMES: CniName[] = ['flannel', 'calico', 'cilium', 'weave', 'canal', 'aws-vpc-cni', 'azure-cni', 'bridge', 'antrea']
export const PROXY_MODES: ProxyMode[] = ['iptables', 'ipvs', 'nftables']

/** The default CNI mode of each plugin (what its stock manifest installs). */
const CNI_MODES: Record<CniName, string[]> = {
  flannel: ['vxlan', 'host-gw'],
  calico: ['ipip', 'vxlan', 'bgp'],
  cilium: ['vxlan', 'geneve', 'native'],
  weave: ['fastdp', 'sleeve'],
  canal: ['vxlan'],
  'aws-vpc-cni': ['vpc'],
  'azure-cni': ['vnet'],
  bridge: ['host-local'],
  antrea: ['geneve', 'noEncap'],
}

/** Weave Net allocates from its own range regardless of --cluster-cidr (weave docs: IPALLOC_RANGE default). */
export const WEAVE_DEFAULT_RANGE = '10.32.0.0/12'

export const DEFAULTS = {
  podCIDR: '10.244.0.0/16',
  serviceCIDR: '10.96.0.0/12',
  clusterDomain: 'cluster.local',
  // the newest stable release confirmed upstream: CHANGELOG-1.38.md (v1.38.0-alpha.1) is "since v1.37.0"
  kubernetesVersion: 'v1.37.0',
  workstationIP: '203.0.113.7',
}

export function readClusterConfig(ctx: BuildContext): { config: ClusterConfig; doc?: Loaded } {
  const docs = ctx.objects('Cluster')
  for (const extra of docs.slice(1)) {
    ctx.error(extra, ['kind'], 'only one Cluster document is allowed in a scenario', 'duplicate')
  }
  const doc = docs[0]
  // no Cluster document (most scenarios): the defaults, which need no checks (issue 20)
  return doc ? { config: readClusterDocument(ctx, doc), doc } : { config: defaultConfig() }
}

/** The Cluster document's spec, checked field by field; what is wrong keeps its default. */
function readClusterDocument(ctx: BuildContext, doc: Loaded): ClusterConfig {
  const spec = read.obj(doc.value.spec) ?? {}

  const cniText = read.str(spec.cni) ?? 'flannel'
  let cni: CniName = 'flannel'
  if ((CNI_NAMES as string[]).includes(cniText)) cni = cniText as CniName
  else ctx.error(doc, ['spec', 'cni'], `spec.cni: Unsupported value: "${cniText}": supported values: ${CNI_NAMES.map((c) => `"${c}"`).join(', ')}`, 'unsupported-value')
  // Weaveworks shut down in February 2024; Weave Net gets no releases or security fixes since
  if (cni === 'weave') ctx.warn(doc, ['spec', 'cni'], 'Weave Net is unmaintained: its last release (2.8.1) dates from 2021, and Weaveworks, its company, closed in 2024; it is here to study existing clusters, not for new ones', 'unmaintained')

  const modeText = read.str(spec.proxyMode) ?? 'iptables'
  let proxyMode: ProxyMode = 'iptables'
  if ((PROXY_MODES as string[]).includes(modeText)) proxyMode = modeText as ProxyMode
  else ctx.error(doc, ['spec', 'proxyMode'], `spec.proxyMode: Unsupported value: "${modeText}": supported values: "iptables", "ipvs", "nftables"`, 'unsupported-value')

  // read (and checked) only when set: most scenarios leave it out (issue 20)
  const kubeProxyReplacement = spec.kubeProxyReplacement === true && readKubeProxyReplacement(ctx, doc, spec, cni)

  const cniModeText = read.str(spec.cniMode) ?? CNI_MODES[cni][0]
  let cniMode = CNI_MODES[cni][0]
  if (CNI_MODES[cni].includes(cniModeText)) cniMode = cniModeText
  else ctx.error(doc, ['spec', 'cniMode'], `spec.cniMode: Unsupported value: "${cniModeText}": ${cni} supports ${CNI_MODES[cni].map((m) => `"${m}"`).join(', ')}`, 'unsupported-value')

  const podCIDRs = readCIDRPair(ctx, doc, 'podCIDR', read.str(spec.podCIDR) ?? DEFAULTS.podCIDR)
  const serviceCIDRs = readCIDRPair(ctx, doc, 'serviceCIDR', read.str(spec.serviceCIDR) ?? DEFAULTS.serviceCIDR)

  const families: IPFamily[] = []
  const famText = read.arr(spec.ipFamilies)
  if (famText.length > 0) {
    famText.forEach((f, i) => {
      if (f === 'IPv4' || f === 'IPv6') {
        if (families.includes(f)) ctx.error(doc, ['spec', 'ipFamilies', i], `spec.ipFamilies[${i}]: Duplicate value: "${f}"`, 'duplicate')
        else families.push(f)
      } else ctx.error(doc, ['spec', 'ipFamilies', i], `spec.ipFamilies[${i}]: Unsupported value: "${String(f)}": supported values: "IPv4", "IPv6"`, 'unsupported-value')
    })
  }
  if (families.length === 0) for (const c of podCIDRs) families.push(parsePrefix(c)!.family)
  // A family needs a range in both flags (kube-apiserver refuses a dual-stack Service range without a dual-stack cluster CIDR)
  for (const fam of families) {
    for (const [field, list] of [['podCIDR', podCIDRs], ['serviceCIDR', serviceCIDRs]] as const) {
      if (!list.some((c) => parsePrefix(c)!.family === fam)) {
        ctx.error(doc, ['spec', field], `spec.${field}: Invalid value: "${list.join(',')}": ipFamilies includes ${fam} but no ${fam} range is given`, 'invalid-value', `give a pair such as ${fam === 'IPv6' ? '10.96.0.0/12,fd00:10:96::/112' : '10.96.0.0/12'}`)
      }
    }
  }
  const orderByFamilies = (list: string[]) =>
    families.map((f) => list.find((c) => parsePrefix(c)!.family === f)).filter((c): c is string => !!c)
  const pods = orderByFamilies(podCIDRs)
  // kube-apiserver allocates ClusterIPs from --service-cluster-ip-range alone, whatever the Pod
  // ranges are (pkg/registry/core/service/storage/alloc.go: one allocator per family of that
  // flag): a Service range of a family the Pods lack still serves dual-stack Services
  const svcs = [...orderByFamilies(serviceCIDRs), ...serviceCIDRs.filter((c) => !families.includes(parsePrefix(c)!.family))]

  // The three ranges must not overlap (kube-apiserver and the CNI both assume they are disjoint)
  for (const p of pods) {
    for (const s of svcs) {
      if (prefixesOverlap(parsePrefix(p)!, parsePrefix(s)!)) {
        // a warning, as kubeadm does not stop it either: both ranges are the reader's to choose
        ctx.warn(doc, ['spec', 'serviceCIDR'], `spec.serviceCIDR: "${s}" overlaps with the Pod CIDR ${p}; Service, Pod and node ranges must not overlap, or packets for one are taken for the other`, 'overlap')
      }
    }
  }

  let nodePortRange = { min: 30000, max: 32767 }
  const npr = read.str(spec.serviceNodePortRange)
  if (npr !== undefined) {
    const m = /^(\d+)-(\d+)$/.exec(npr) ?? /^(\d+)\+(\d+)$/.exec(npr)
    const min = m ? Number(m[1]) : NaN
    const max = m ? (npr.includes('+') ? Number(m[1]) + Number(m[2]) : Number(m[2])) : NaN
    if (!m || min < 1 || max > 65535 || min > max) {
      ctx.error(doc, ['spec', 'serviceNodePortRange'], `spec.serviceNodePortRange: Invalid value: "${npr}": must be a port range "min-max" within 1-65535`)
    } else nodePortRange = { min, max }
  }

  const clusterDomain = read.str(spec.clusterDomain) ?? DEFAULTS.clusterDomain
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(clusterDomain)) {
    ctx.error(doc, ['spec', 'clusterDomain'], `spec.clusterDomain: Invalid value: "${clusterDomain}": must be a DNS subdomain such as cluster.local`)
  }

  const maskV4 = read.num(spec.nodeCIDRMaskSize) ?? 24
  const maskV6 = read.num(spec.nodeCIDRMaskSizeIPv6) ?? 64
  for (const p of pods) {
    const pre = parsePrefix(p)!
    const mask = pre.family === 'IPv4' ? maskV4 : maskV6
    if (mask < pre.bits || mask > (pre.family === 'IPv4' ? 30 : 126)) {
      ctx.error(doc, ['spec', pre.family === 'IPv4' ? 'nodeCIDRMaskSize' : 'nodeCIDRMaskSizeIPv6'], `node CIDR mask size /${mask} does not fit inside the Pod CIDR ${p}`)
    }
  }

  const workstationIP = read.str(spec.workstationIP) ?? DEFAULTS.workstationIP
  if (!parseAddr(workstationIP)) ctx.error(doc, ['spec', 'workstationIP'], `spec.workstationIP: Invalid value: "${workstationIP}": must be a valid IP address`)

  return {
    cni,
    cniMode,
    // no kube-proxy with Cilium's replacement: nothing may build kube-proxy's state (kube-ipvs0, its nft table)
    proxyMode: kubeProxyReplacement ? 'iptables' : proxyMode,
    podCIDRs: pods.length ? pods : [DEFAULTS.podCIDR],
    serviceCIDRs: svcs.length ? svcs : [DEFAULTS.serviceCIDR],
    nodePortRange,
    clusterDomain,
    ipFamilies: families.length ? families : ['IPv4'],
    serviceIPFamilies: svcs.length ? svcs.map((c) => parsePrefix(c)!.family) : ['IPv4'],
    // kubeadm: the DNS Service takes the tenth address of the primary Service range (cmd/kubeadm constants.GetDNSIP)
    dnsServiceIPs: [formatAddr(addrAt(parsePrefix(svcs[0] ?? DEFAULTS.serviceCIDR)!, 10n))],
    nodeCIDRMaskSizes: { IPv4: maskV4, IPv6: maskV6 },
    kubernetesVersion: read.str(spec.kubernetesVersion) ?? DEFAULTS.kubernetesVersion,
    workstationIP: parseAddr(workstationIP) ? workstationIP : DEFAULTS.workstationIP,
    ...(kubeProxyReplacement ? { kubeProxyReplacement } : {}),
  }
}

/**
 * The cluster a scenario without a Cluster document gets: every field at its
 * default, as readClusterDocument reads an empty spec (test/engine/core/loading.test.ts
 * holds the two equal), without reading or checking anything.
 */
function defaultConfig(): ClusterConfig {
  return {
    cni: 'flannel',
    cniMode: CNI_MODES.flannel[0],
    proxyMode: 'iptables',
    podCIDRs: [DEFAULTS.podCIDR],
    serviceCIDRs: [DEFAULTS.serviceCIDR],
    nodePortRange: { min: 30000, max: 32767 },
    clusterDomain: DEFAULTS.clusterDomain,
    ipFamilies: ['IPv4'],
    serviceIPFamilies: ['IPv4'],
    // kubeadm: the DNS Service takes the tenth address of the primary Service range (cmd/kubeadm constants.GetDNSIP)
    dnsServiceIPs: [formatAddr(addrAt(parsePrefix(DEFAULTS.serviceCIDR)!, 10n))],
    nodeCIDRMaskSizes: { IPv4: 24, IPv6: 64 },
    kubernetesVersion: DEFAULTS.kubernetesVersion,
    workstationIP: DEFAULTS.workstationIP,
  }
}

/**
 * spec.kubeProxyReplacement: Cilium's Helm value of the same name. Only Cilium
 * has it; with it the cluster is built as Cilium's kube-proxy-free guide says
 * (kubeadm init --skip-phases=addon/kube-proxy), so no kube-proxy runs and
 * spec.proxyMode means nothing.
 */
function readKubeProxyReplacement(ctx: BuildContext, doc: Loaded | undefined, spec: Record<string, unknown>, cni: CniName): boolean {
  const v = spec.kubeProxyReplacement
  if (v === undefined || v === false) return false
  if (typeof v !== 'boolean') return false // the schema check has reported the type already
  if (cni !== 'cilium') {
    ctx.error(doc, ['spec', 'kubeProxyReplacement'], `spec.kubeProxyReplacement: Invalid value: true: only Cilium replaces kube-proxy here (spec.cni is "${cni}")`, 'invalid-value', 'set cni: cilium, or remove kubeProxyReplacement')
    return false
  }
  if (spec.proxyMode !== undefined) {
    ctx.warn(doc, ['spec', 'proxyMode'], 'spec.proxyMode is ignored: with kubeProxyReplacement no kube-proxy runs (kubeadm init --skip-phases=addon/kube-proxy), so there is no proxy mode', 'ignored')
  }
  // what the simulator leaves out of Cilium's load balancer (say it where the reader sees it)
  ctx.warn(doc, ['spec', 'kubeProxyReplacement'], 'kubeProxyReplacement is simplified: Cilium\'s socket-LB (ClusterIPs, and every Service address a Pod or node connects to) and its tc programs on the node\'s devices (NodePort, LoadBalancer and externalIPs from outside, with SNAT) are modelled; DSR and hybrid modes, Maglev hashing, XDP acceleration, hostPort mapping, terminating backends and Cilium\'s own iptables chains are not (backends are picked by a hash of the connection)', 'simplified')
  return true
}

/** A CIDR or a dual-stack pair, as kube-apiserver's range flags take them. */
function readCIDRPair(ctx: BuildContext, doc: Loaded | undefined, field: string, text: string): string[] {
  const parts = text.split(',').map((s) => s.trim())
  const out: string[] = []
  const fams = new Set<string>()
  for (const part of parts) {
    const p = parsePrefix(part)
    if (!p) {
      ctx.error(doc, ['spec', field], `spec.${field}: Invalid value: "${text}": must be a valid CIDR (e.g. 10.96.0.0/12) or a dual-stack pair of them`)
      continue
    }
    if (hasHostBits(part)) {
      ctx.error(doc, ['spec', field], `spec.${field}: Invalid value: "${part}": must be a network address (host bits set; did you mean ${formatAddr({ family: p.family, value: p.base })}/${p.bits}?)`)
      continue
    }
    if (fams.has(p.family)) {
      ctx.error(doc, ['spec', field], `spec.${field}: Invalid value: "${text}": a dual-stack pair must hold one IPv4 and one IPv6 range`)
      continue
    }
    if (field === 'serviceCIDR' && ((p.family === 'IPv4' && p.bits < 12) || (p.family === 'IPv6' && p.bits < 64))) {
      ctx.error(doc, ['spec', field], `spec.${field}: Invalid value: "${part}": the Service range is too large (kube-apiserver accepts at most a /12 for IPv4 and a /64 for IPv6)`)
      continue
    }
    fams.add(p.family)
    out.push(`${formatAddr({ family: p.family, value: p.base })}/${p.bits}`)
  }
  if (parts.length > 2) ctx.error(doc, ['spec', field], `spec.${field}: Invalid value: "${text}": at most two ranges (one per IP family)`)
  return out
}
