/**
 * The node set and each node's Pod range. Node manifests (or the Cluster
 * document's `nodes`) define the nodes; only when neither is given does the
 * default kubeadm-style cluster appear: a tainted control-plane node and three
 * workers, node-1..3 at 192.168.1.11-13 (or on another private /24 when the
 * reader's Pod or Service range covers that one), one per zone.
 */
import { addrAt, formatAddr, formatPrefix, parseAddr, parsePrefix, prefixContains, subnetAt, prefixesOverlap, canonicalIP } from '../net/ip.ts'
import type { Prefix } from '../net/ip.ts'
import type { ClusterConfig, Json, Node, NodeAddress } from '../model/types.ts'
import { LIMITS } from '../load/limits.ts'
import { BuildContext, read } from './context.ts'
import type { Loaded } from './context.ts'
import { WEAVE_DEFAULT_RANGE } from './config.ts'
import { makeMeta } from './meta.ts'
import { deterministicUID } from './hash.ts'
import { MAX_PODS_PER_NODE } from './scheduler.ts'
import { formatQuantity, newQuantity, parseQuantity, quantityOf, scaledValue, subQuantity } from '../model/quantity.ts'
import type { Quantity } from '../model/quantity.ts'

export const CONTROL_PLANE_TAINT = 'node-role.kubernetes.io/control-plane'
/** calico's IPAM block size (IPAMConfig blockSize default) */
export const CALICO_BLOCK_BITS = 26

/**
 * The machine of every node whose manifest gives no status.capacity: a VM with
 * 2 CPUs, 4 GiB of RAM (the kernel keeps some: MemTotal is a little less) and
 * a 30 GiB root disk, as cAdvisor reports it (memory and disk in whole Ki), no
 * huge pages, and kubelet's --max-pods.
 */
const DEFAULT_CAPACITY: Readonly<Record<string, string>> = Object.freeze({
  cpu: '2',
  'ephemeral-storage': '30298176Ki',
  'hugepages-1Gi': '0',
  'hugepages-2Mi': '0',
  memory: '4010148Ki',
  pods: String(MAX_PODS_PER_NODE),
})

const MEMORY_AVAILABLE = parseQuantity('100Mi')!
/** nodefs.available's 10% as kubelet holds it: a float32 (eviction.parsePercentage) */
const NODEFS_AVAILABLE = Math.fround(0.1)

/**
 * Node Allocatable as kubelet computes it with kubeadm's settings: capacity
 * minus the default hard eviction thresholds (memory.available<100Mi,
 * nodefs.available<10%) and no kube- or system-reserved
 * (pkg/kubelet/cm GetNodeAllocatableReservation, hardEvictionReservation,
 * eviction/api GetThresholdQuantity), huge pages taken out of memory, nothing
 * below zero (pkg/kubelet/nodestatus MachineInfo).
 */
function kubeletAllocatable(capacity: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, Quantity | string> = {}
  for (const [k, text] of Object.entries(capacity)) {
    const q = parseQuantity(text)
    if (!q) out[k] = text
    else if (k === 'memory') out[k] = subQuantity(q, MEMORY_AVAILABLE)
    else if (k === 'ephemeral-storage') out[k] = subQuantity(q, newQuantity(BigInt(Math.trunc(Number(scaledValue(q, 0)) * NODEFS_AVAILABLE)), 'BinarySI'))
    else out[k] = q
  }
  for (const [k, text] of Object.entries(capacity)) {
    const pages = k.startsWith('hugepages-') ? parseQuantity(text) : undefined
    if (pages && typeof out.memory === 'object') out.memory = subQuantity(out.memory, pages)
  }
  return Object.fromEntries(
    Object.entries(out).map(([k, q]) => [k, typeof q === 'string' ? q : formatQuantity(q.nanos < 0n ? { nanos: 0n, format: q.format } : q)]),
  )
}

const DEFAULT_ALLOCATABLE = Object.freeze(kubeletAllocatable(DEFAULT_CAPACITY))

/** A Node manifest's status.capacity or status.allocatable, as the API server prints it back (canonical quantities). */
function resourceList(v: Json | undefined): Record<string, string> | undefined {
  const o = read.obj(v)
  if (!o || Object.keys(o).length === 0) return undefined
  const out: Record<string, string> = {}
  for (const [k, x] of Object.entries(o)) {
    const q = quantityOf(x)
    out[k] = q ? formatQuantity(q) : String(x)
  }
  return out
}

/**
 * The LANs the simulator may put its own nodes on, in order of preference: the textbook
 * 192.168.1.0/24, then kind's Docker network, then two more private ranges. The first one
 * that no Pod or Service range of the reader's overlaps wins, so that e.g. Calico's quick
 * start (podCIDR 192.168.0.0/16) moves the nodes instead of colliding with them.
 */
const NODE_NETWORKS = ['192.168.1.0/24', '172.18.0.0/24', '10.10.0.0/24', '100.64.1.0/24']

/** The /24 of the simulator's own node addresses (`.10` for the control plane, `.11`… for workers). */
export function defaultNodeNetwork(config: Pick<ClusterConfig, 'podCIDRs' | 'serviceCIDRs'>): Prefix {
  const taken = [...config.podCIDRs, ...config.serviceCIDRs].map((c) => parsePrefix(c)).filter((p): p is Prefix => !!p)
  const free = NODE_NETWORKS.map((n) => parsePrefix(n)!).find((n) => !taken.some((t) => prefixesOverlap(t, n)))
  return free ?? parsePrefix(NODE_NETWORKS[0])!
}

/** The default cluster's zones (`topology.kubernetes.io/zone`), so topology-aware routing has something to work with. */
const DEFAULT_ZONES = ['zone-a', 'zone-b', 'zone-c']

interface NodeDraft {
  name: string
  ips: string[]
  labels: Record<string, string>
  roles: string[]
  podCIDRs: string[]
  controlPlane: boolean
  loaded?: Loaded
  path: (string | number)[]
  raw?: Node['raw']
}

function defaultAddress(ctx: BuildContext, d: NodeDraft, ip: string): void {
  d.ips.push(ip)
  ctx.warn(d.loaded, d.path.length ? d.path : ['status'], `node ${d.name} has no InternalIP; the simulator gives it ${ip}`, 'defaulted')
}

/** A node address inside the Pod or Service range. */
function addressInRange(ctx: BuildContext, config: ClusterConfig, clusterDoc: Loaded | undefined, d: NodeDraft, ip: string, range: string): void {
  // the default nodes are written nowhere: blame the range that swallowed them
  const field = config.podCIDRs.includes(range) ? 'podCIDR' : 'serviceCIDR'
  const [obj, path] = d.loaded ? [d.loaded, d.path.length ? [...d.path, 'ip'] : ['status', 'addresses']] : [clusterDoc, ['spec', field]]
  ctx.warn(obj, path, `node ${d.name}'s address ${ip} lies inside ${range}; node, Pod and Service ranges must not overlap, or packets for one are taken for the other`, 'overlap')
}

export function buildNodes(ctx: BuildContext, config: ClusterConfig, clusterDoc: Loaded | undefined): Node[] {
  const drafts: NodeDraft[] = []
  const lan = defaultNodeNetwork(config)
  const lanHost = (n: number) => formatAddr(addrAt(lan, BigInt(n)))
  const manifests = ctx.objects('Node')
  const docNodes = read.arr(read.path(clusterDoc?.value, 'spec', 'nodes'))
  if (manifests.length > 0 && docNodes.length > 0) {
    ctx.warn(clusterDoc, ['spec', 'nodes'], 'both Node manifests and Cluster spec.nodes are given: the Node manifests define the node set and spec.nodes is ignored')
  }
  // the reader's own node set, from Node manifests or the Cluster document: read only when given (issue 20)
  if (manifests.length > 0) nodesFromManifests(ctx, manifests, drafts)
  else if (docNodes.length > 0) nodesFromClusterDoc(ctx, clusterDoc, docNodes, drafts)
  else {
    // kubeadm labels its control-plane nodes so cloud load balancers leave them out
    const zone = (i: number) => ({ 'topology.kubernetes.io/zone': DEFAULT_ZONES[i % DEFAULT_ZONES.length] })
    drafts.push({ name: 'control-plane', ips: [lanHost(10)], labels: { [CONTROL_PLANE_TAINT]: '', 'node.kubernetes.io/exclude-from-external-load-balancers': '', ...zone(0) }, roles: ['control-plane'], podCIDRs: [], controlPlane: true, path: [] })
    for (let i = 1; i <= 3; i++) drafts.push({ name: `node-${i}`, ips: [lanHost(10 + i)], labels: zone(i - 1), roles: [], podCIDRs: [], controlPlane: false, path: [] })
  }

  if (drafts.length > LIMITS.maxNodes) {
    ctx.error(manifests[LIMITS.maxNodes] ?? clusterDoc, [], `too many nodes: ${drafts.length} (limit ${LIMITS.maxNodes})`, 'too-large')
    drafts.length = LIMITS.maxNodes
  }

  // Duplicate names and addresses, and nodes without an address of their own
  const seenNames = new Map<string, NodeDraft>()
  const seenIPs = new Map<string, string>()
  drafts.forEach((d, i) => {
    if (seenNames.has(d.name)) ctx.error(d.loaded, [...d.path, ...(d.path.length ? ['name'] : ['metadata', 'name'])], `nodes "${d.name}" already exists`, 'duplicate')
    seenNames.set(d.name, d)
    // The engine needs an address to route to; give the next one of the textbook network and say so
    if (d.ips.length === 0) defaultAddress(ctx, d, lanHost(11 + i))
    for (const ip of d.ips) {
      const other = seenIPs.get(ip)
      if (other) ctx.error(d.loaded, d.path.length ? [...d.path, 'ip'] : ['status', 'addresses'], `node ${d.name} has the address ${ip} of node ${other}`, 'duplicate')
      seenIPs.set(ip, d.name)
      for (const range of [...config.podCIDRs, ...config.serviceCIDRs]) {
        const a = parseAddr(ip)!
        if (prefixContains(parsePrefix(range)!, a)) addressInRange(ctx, config, clusterDoc, d, ip, range)
      }
    }
  })

  allocatePodCIDRs(ctx, config, drafts)

  return drafts.map((d) => {
    const labels: Record<string, string> = {
      'beta.kubernetes.io/arch': 'amd64',
      'beta.kubernetes.io/os': 'linux',
      'kubernetes.io/arch': 'amd64',
      'kubernetes.io/hostname': d.name,
      'kubernetes.io/os': 'linux',
      ...d.labels,
    }
    if (d.controlPlane) labels[CONTROL_PLANE_TAINT] = ''
    const addresses: NodeAddress[] = [
      ...d.ips.map((address) => ({ type: 'InternalIP' as const, address })),
      { type: 'Hostname', address: d.name },
    ]
    const rawTaints = read.arr(read.path(d.raw, 'spec', 'taints'))
    const taints = d.raw
      ? rawTaints.map((t) => ({ key: read.str(read.path(t, 'key')) ?? '', value: read.str(read.path(t, 'value')), effect: read.str(read.path(t, 'effect')) ?? 'NoSchedule' }))
      : d.controlPlane
        ? [{ key: CONTROL_PLANE_TAINT, effect: 'NoSchedule' }]
        : []
    const info = read.obj(read.path(d.raw, 'status', 'nodeInfo'))
    const nodeInfo: Record<string, string> = {
      architecture: 'amd64',
      // /etc/machine-id, the DMI product UUID and the kernel's boot_id, stable per node name
      bootID: deterministicUID(`boot-id/${d.name}`),
      containerRuntimeVersion: 'containerd://2.1.4',
      kernelVersion: '6.8.0-79-generic',
      // deprecated: kubelet clears it since 1.33 (DisableNodeKubeProxyVersion on by default)
      kubeProxyVersion: '',
      kubeletVersion: config.kubernetesVersion,
      machineID: deterministicUID(`machine-id/${d.name}`).replaceAll('-', ''),
      operatingSystem: 'linux',
      osImage: 'Ubuntu 24.04.3 LTS',
      systemUUID: deterministicUID(`system-uuid/${d.name}`),
    }
    if (info) for (const [k, v] of Object.entries(info)) if (typeof v === 'string') nodeInfo[k] = v
    const capacity = resourceList(read.path(d.raw, 'status', 'capacity'))
    const allocatable = resourceList(read.path(d.raw, 'status', 'allocatable')) ?? (capacity ? kubeletAllocatable(capacity) : DEFAULT_ALLOCATABLE)
    const readyCondition = read.arr(read.path(d.raw, 'status', 'conditions')).find((c) => read.str(read.path(c, 'type')) === 'Ready')
    return {
      meta: makeMeta({ kind: 'Node', name: d.name, namespace: '', labels, raw: d.raw, system: !d.raw }),
      internalIPs: d.ips,
      externalIPs: [],
      addresses,
      podCIDRs: d.podCIDRs,
      roles: d.roles,
      ready: readyCondition ? read.str(read.path(readyCondition, 'status')) === 'True' : true,
      unschedulable: read.bool(read.path(d.raw, 'spec', 'unschedulable')) ?? false,
      taints,
      nodeInfo,
      capacity: capacity ?? DEFAULT_CAPACITY,
      allocatable,
      zone: labels['topology.kubernetes.io/zone'],
      raw: d.raw,
      source: d.loaded?.ref,
    }
  })
}

/** Node manifests (a pasted `kubectl get nodes -o yaml`): names, InternalIPs, labels, roles and Pod CIDRs as written. */
function nodesFromManifests(ctx: BuildContext, manifests: Loaded[], drafts: NodeDraft[]): void {
  for (const m of manifests) {
    const addrs = read.arr(read.path(m.value, 'status', 'addresses'))
    const ips: string[] = []
    addrs.forEach((a, i) => {
      const t = read.str(read.path(a, 'type'))
      const ip = read.str(read.path(a, 'address'))
      if (t === 'InternalIP' && ip) {
        const c = canonicalIP(ip)
        if (!c) ctx.error(m, ['status', 'addresses', i, 'address'], `status.addresses[${i}].address: Invalid value: "${ip}": must be a valid IP address`)
        else ips.push(c)
      }
    })
    const labels = read.labels(read.path(m.value, 'metadata', 'labels'))
    const roles = Object.keys(labels).filter((l) => l.startsWith('node-role.kubernetes.io/')).map((l) => l.slice('node-role.kubernetes.io/'.length)).sort()
    const podCIDRs = read.arr(read.path(m.value, 'spec', 'podCIDRs')).filter((x): x is string => typeof x === 'string')
    const single = read.str(read.path(m.value, 'spec', 'podCIDR'))
    drafts.push({
      name: m.name,
      ips,
      labels,
      roles,
      podCIDRs: podCIDRs.length ? podCIDRs : single ? [single] : [],
      controlPlane: roles.includes('control-plane'),
      loaded: m,
      path: [],
      raw: m.value,
    })
  }
}

/** The Cluster document's spec.nodes. */
function nodesFromClusterDoc(ctx: BuildContext, clusterDoc: Loaded | undefined, docNodes: Json[], drafts: NodeDraft[]): void {
  docNodes.forEach((n, i) => {
    const name = read.str(read.path(n, 'name')) ?? `node-${i + 1}`
    const ipList = [read.str(read.path(n, 'ip')), ...read.arr(read.path(n, 'ips')).map((x) => read.str(x))].filter((x): x is string => !!x)
    const ips: string[] = []
    for (const ip of ipList) {
      const c = canonicalIP(ip)
      if (!c) ctx.error(clusterDoc, ['spec', 'nodes', i, 'ip'], `spec.nodes[${i}].ip: Invalid value: "${ip}": must be a valid IP address`)
      else ips.push(c)
    }
    const labels = read.labels(read.path(n, 'labels'))
    const zone = read.str(read.path(n, 'zone'))
    if (zone) labels['topology.kubernetes.io/zone'] = zone
    const roles = read.arr(read.path(n, 'roles')).filter((r): r is string => typeof r === 'string')
    for (const r of roles) labels[`node-role.kubernetes.io/${r}`] = ''
    const pc = read.str(read.path(n, 'podCIDR'))
    drafts.push({ name, ips, labels, roles: roles.sort(), podCIDRs: pc ? pc.split(',') : [], controlPlane: roles.includes('control-plane'), path: ['spec', 'nodes', i], loaded: clusterDoc })
  })
}

/**
 * Per-node Pod ranges as each IPAM hands them out:
 * - kube-controller-manager's node IPAM (flannel, canal, bridge, cilium's
 *   kubernetes mode, antrea): /24 (and /64) per node in registration order;
 *   the control-plane registers first, so on the default cluster it holds
 *   10.244.0.0/24 and node-1 gets 10.244.1.0/24.
 * - calico: /26 blocks claimed from its IP pool (the node's spec.podCIDR is not used).
 * - weave: its own 10.32.0.0/12 split evenly among peers.
 * - aws-vpc-cni / azure-cni: no Pod range; Pods take addresses of the node's subnet.
 */
function allocatePodCIDRs(ctx: BuildContext, config: ClusterConfig, drafts: NodeDraft[]): void {
  const cni = config.cni
  if (cni === 'aws-vpc-cni' || cni === 'azure-cni') {
    for (const d of drafts) d.podCIDRs = []
    return
  }
  const taken: Prefix[] = []
  for (const d of drafts) {
    const valid: string[] = []
    d.podCIDRs.forEach((c, i) => {
      const p = parsePrefix(c)
      if (!p) ctx.error(d.loaded, d.path.length ? [...d.path, 'podCIDR'] : ['spec', 'podCIDRs', i], `spec.podCIDRs[${i}]: Invalid value: "${c}": must be a valid CIDR`)
      else valid.push(formatPrefix(p))
    })
    d.podCIDRs = valid
    for (const c of valid) taken.push(parsePrefix(c)!)
  }
  if (cni === 'weave') {
    const range = parsePrefix(WEAVE_DEFAULT_RANGE)!
    let bits = range.bits
    while (1 << (bits - range.bits) < drafts.length) bits++
    drafts.forEach((d, i) => {
      if (d.podCIDRs.length === 0) d.podCIDRs = [formatPrefix(subnetAt(range, bits, BigInt(i))!)]
    })
    return
  }
  for (const cidr of config.podCIDRs) {
    const pool = parsePrefix(cidr)!
    const bits = cni === 'calico' && pool.family === 'IPv4' ? CALICO_BLOCK_BITS : config.nodeCIDRMaskSizes[pool.family]
    let next = 0n
    // Registration order: control-plane nodes first, as kubeadm brings them up before workers join
    const order = [...drafts.filter((d) => d.controlPlane), ...drafts.filter((d) => !d.controlPlane)]
    for (const d of order) {
      if (d.podCIDRs.some((c) => parsePrefix(c)!.family === pool.family)) continue
      let sub = subnetAt(pool, bits, next)
      while (sub && taken.some((t) => prefixesOverlap(t, sub!))) sub = subnetAt(pool, bits, ++next)
      if (!sub) {
        ctx.error(d.loaded, d.path, `node ${d.name}: no Pod range left in ${cidr} for a /${bits} per node (the cluster CIDR is exhausted)`, 'exhausted')
        continue
      }
      d.podCIDRs.push(formatPrefix(sub))
      taken.push(sub)
      next++
    }
  }
}
