/**
 * kubectl describe for pods, services and nodes, in the layout of
 * k8s.io/kubectl/pkg/describe (a tabwriter with minwidth 0, padding 2; a
 * line without a tab ends an alignment block, which is why the sections of
 * `describe pod` align separately).
 */
import type { Cluster, Json, JsonObject, Node, Pod, Service } from '../model/types.ts'
import type { Output } from '../shell/types.ts'
import { fail, ok } from '../shell/types.ts'
import { tabwrite } from '../text/tabwriter.ts'
import { age as ageOf } from '../text/duration.ts'
import { formatLabels } from '../build/selector.ts'
import { resourceType } from './resources.ts'
import type { KubectlFlags } from './flags.ts'
import { nodeJson, serviceJson } from './api-objects.ts'
import { ZERO, formatQuantity, quantityOf, scaledValue } from '../model/quantity.ts'
import type { Quantity } from '../model/quantity.ts'
import { addList, podRequestsAndLimits } from './pod-resources.ts'
import type { ResourceList } from './pod-resources.ts'

type Describer = (c: Cluster, ns: string, name: string) => string | undefined

/** time.RFC1123Z, as describe prints timestamps */
function rfc1123z(iso: string): string {
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
  const p = (n: number) => String(n).padStart(2, '0')
  return `${days[d.getUTCDay()]}, ${p(d.getUTCDate())} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`
}

/** printLabelsMultiline: first on the labelled line, the rest on their own tabbed lines */
function multiline(title: string, m: Record<string, string>, indent = ''): string {
  const keys = Object.keys(m).sort()
  if (keys.length === 0) return `${indent}${title}:\t<none>\n`
  return keys.map((k, i) => `${i === 0 ? `${indent}${title}:` : ''}\t${k}=${m[k]}\n`).join('')
}

function annotations(m: Record<string, string>): string {
  const keys = Object.keys(m).filter((k) => k !== 'kubectl.kubernetes.io/last-applied-configuration').sort()
  if (keys.length === 0) return 'Annotations:\t<none>\n'
  return keys.map((k, i) => `${i === 0 ? 'Annotations:' : ''}\t${k}: ${m[k]}\n`).join('')
}

export const describePod: Describer = (c, ns, name) => {
  const p: Pod | undefined = c.index.pod.get(`${ns}/${name}`)
  if (!p) return undefined
  let w = ''
  w += `Name:\t${p.meta.name}\n`
  w += `Namespace:\t${p.meta.namespace}\n`
  w += `Priority:\t0\n`
  w += `Service Account:\t${p.serviceAccountName}\n`
  w += `Node:\t${p.nodeName ? `${p.nodeName}/${p.hostIP}` : '<none>'}\n`
  if (p.podIPs.length) w += `Start Time:\t${rfc1123z(p.meta.creationTimestamp)}\n`
  w += multiline('Labels', p.meta.labels)
  w += annotations(p.meta.annotations)
  w += `Status:\t${p.terminating ? 'Terminating' : p.phase}\n`
  w += `IP:\t${p.podIPs[0] ?? ''}\n`
  if (p.podIPs.length) {
    w += 'IPs:\n'
    for (const ip of p.podIPs) w += `  IP:\t${ip}\n`
  } else w += 'IPs:\t<none>\n'
  if (p.owner) w += `Controlled By:\t${p.owner.kind}/${p.owner.name}\n`
  w += 'Containers:\n'
  for (const ct of p.containers) {
    const running = p.podIPs.length > 0 && p.phase === 'Running'
    w += `  ${ct.name}:\n`
    if (running) w += `    Container ID:\tcontainerd://${(p.meta.uid + ct.name).replace(/[^0-9a-f]/g, '').padEnd(64, '0').slice(0, 64)}\n`
    w += `    Image:\t${ct.image}\n`
    w += `    Image ID:\t\n`
    const ports = ct.ports.map((x) => `${x.containerPort}/${x.protocol}`).join(', ')
    const hostPorts = ct.ports.map((x) => `${x.hostPort ?? 0}/${x.protocol}`).join(', ')
    w += ports.includes(',') ? `    Ports:\t${ports}\n` : `    Port:\t${ports || '<none>'}\n`
    w += hostPorts.includes(',') ? `    Host Ports:\t${hostPorts}\n` : `    Host Port:\t${hostPorts || '<none>'}\n`
    if (running) {
      w += '    State:\tRunning\n'
      w += `      Started:\t${rfc1123z(p.meta.creationTimestamp)}\n`
    } else {
      w += '    State:\tWaiting\n'
      w += `      Reason:\t${p.nodeName ? 'ContainerCreating' : 'Pending'}\n`
    }
    w += `    Ready:\t${ct.ready && running ? 'True' : 'False'}\n`
    w += `    Restart Count:\t${ct.restartCount}\n`
    w += '    Environment:\t<none>\n'
    w += '    Mounts:\t<none>\n'
  }
  w += 'Conditions:\n'
  w += '  Type\tStatus\n'
  const conds: [string, boolean][] = p.nodeName
    ? [['PodReadyToStartContainers', p.podIPs.length > 0], ['Initialized', true], ['Ready', p.ready], ['ContainersReady', p.ready], ['PodScheduled', true]]
    : [['PodScheduled', false]]
  for (const [t, s] of conds) w += `  ${t} \t${s ? 'True' : 'False'} \n`
  w += 'Volumes:\t<none>\n'
  w += 'QoS Class:\tBestEffort\n'
  w += multiline('Node-Selectors', p.nodeSelector)
  w += 'Tolerations:\tnode.kubernetes.io/not-ready:NoExecute op=Exists for 300s\n'
  w += '\tnode.kubernetes.io/unreachable:NoExecute op=Exists for 300s\n'
  if (p.pendingReason) {
    w += 'Events:\n'
    w += '  Type\tReason\tAge\tFrom\tMessage\n'
    w += '  ----\t------\t----\t----\t-------\n'
    const from = p.nodeName ? 'kubelet' : 'default-scheduler'
    const reason = p.nodeName ? 'FailedCreatePodSandBox' : 'FailedScheduling'
    w += `  Warning\t${reason}\t5m\t${from}\t${p.pendingReason}\n`
  } else w += 'Events:\t<none>\n'
  return tabwrite(w, 0, 2)
}

/** describe.go formatEndpointSlices: ready endpoints' `ip:port` for the named port, at most 3 */
function endpointsFor(c: Cluster, s: Service, portName: string | undefined): string {
  const slices = c.index.slicesByService.get(`${s.meta.namespace}/${s.meta.name}`) ?? []
  const list: string[] = []
  let count = 0
  for (const sl of slices) {
    const port = sl.ports.find((p) => p.name === (portName ?? ''))
    for (const e of sl.endpoints) {
      if (!e.conditions.ready) continue
      for (const a of e.addresses) {
        count++
        if (list.length < 3) list.push(port?.port != null ? (a.includes(':') ? `[${a}]:${port.port}` : `${a}:${port.port}`) : a)
      }
    }
  }
  if (count === 0) return '<none>'
  return count > 3 ? `${list.join(',')} + ${count - 3} more...` : list.join(',')
}

export const describeService: Describer = (c, ns, name) => {
  const s = c.index.service.get(`${ns}/${name}`)
  if (!s) return undefined
  let w = ''
  w += `Name:\t${s.meta.name}\n`
  w += `Namespace:\t${s.meta.namespace}\n`
  w += multiline('Labels', s.meta.labels)
  w += annotations(s.meta.annotations)
  // labels.FormatLabels prints <none> for a nil or empty selector
  w += `Selector:\t${formatLabels(s.selector)}\n`
  w += `Type:\t${s.type}\n`
  if (s.ipFamilyPolicy) w += `IP Family Policy:\t${s.ipFamilyPolicy}\n`
  if (s.ipFamilies.length) w += `IP Families:\t${s.ipFamilies.join(',')}\n`
  w += `IP:\t${s.clusterIPs[0] ?? ''}\n`
  if (s.clusterIPs.length) w += `IPs:\t${s.clusterIPs.join(',')}\n`
  if (s.externalIPs.length) w += `External IPs:\t${s.externalIPs.join(',')}\n`
  const spec = serviceJson(s).spec as Record<string, unknown>
  if (typeof spec.loadBalancerIP === 'string' && spec.loadBalancerIP) w += `Desired LoadBalancer IP:\t${spec.loadBalancerIP}\n`
  if (s.type === 'ExternalName') w += `External Name:\t${s.externalName}\n`
  if (s.loadBalancerIngress.length) w += `LoadBalancer Ingress:\t${s.loadBalancerIngress.map((i) => (i.ip ? `${i.ip} (VIP)` : i.hostname)).join(', ')}\n`
  for (const p of s.ports) {
    const n = p.name ?? '<unset>'
    w += `Port:\t${n}\t${p.port}/${p.protocol}\n`
    w += `TargetPort:\t${p.targetPort}/${p.protocol}\n`
    if (p.nodePort) w += `NodePort:\t${n}\t${p.nodePort}/${p.protocol}\n`
    w += `Endpoints:\t${endpointsFor(c, s, p.name)}\n`
  }
  w += `Session Affinity:\t${s.sessionAffinity}\n`
  if (s.externalTrafficPolicy) w += `External Traffic Policy:\t${s.externalTrafficPolicy}\n`
  if (s.internalTrafficPolicy) w += `Internal Traffic Policy:\t${s.internalTrafficPolicy}\n`
  if (s.healthCheckNodePort) w += `HealthCheck NodePort:\t${s.healthCheckNodePort}\n`
  if (s.loadBalancerSourceRanges.length) w += `LoadBalancer Source Ranges:\t${s.loadBalancerSourceRanges.join(',')}\n`
  w += 'Events:\t<none>\n'
  return tabwrite(w, 0, 2)
}

/** Go's zero time.Time in RFC1123Z, for a pasted condition without its timestamps */
const GO_ZERO_TIME = 'Mon, 01 Jan 0001 00:00:00 +0000'
const field = (v: Json | undefined) => (v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v))
const jsonObj = (v: Json | undefined): JsonObject => (v && typeof v === 'object' && !Array.isArray(v) ? v : {})

/**
 * int64(float64(x) / float64(of) * 100), as describeNodeResource computes a
 * percentage: truncated; Go's int64() of NaN, ±Inf or an out-of-range value is
 * the minimum int64 on amd64 (a Pod row on a node without that capacity).
 */
export function percent(x: bigint, of: bigint): string {
  const f = (Number(x) / Number(of)) * 100
  return Number.isFinite(f) && Math.abs(f) < 2 ** 63 ? String(Math.trunc(f) || 0) : '-9223372036854775808'
}

/** describe.go describeNodeResource: each Pod's requests and limits, then the node's totals */
function describeNodeResource(c: Cluster, n: Node, pods: Pod[]): string {
  const allocatable = Object.keys(n.allocatable).length ? n.allocatable : n.capacity
  const of = (resource: string, scale: 0 | -3) => scaledValue(quantityOf(allocatable[resource]) ?? ZERO, scale)
  const cell = (q: Quantity | undefined, scale: 0 | -3, total: bigint) => `${formatQuantity(q ?? ZERO)} (${percent(scaledValue(q ?? ZERO, scale), total)}%)`
  const cpu = of('cpu', -3)
  const memory = of('memory', 0)
  let w = `Non-terminated Pods:\t(${pods.length} in total)\n`
  w += '  Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n'
  w += '  ---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n'
  const requests: ResourceList = new Map()
  const limits: ResourceList = new Map()
  for (const p of pods) {
    const r = podRequestsAndLimits(p)
    addList(requests, r.requests)
    addList(limits, r.limits)
    w += `  ${p.meta.namespace}\t${p.meta.name}\t\t${cell(r.requests.get('cpu'), -3, cpu)}\t${cell(r.limits.get('cpu'), -3, cpu)}\t`
    w += `${cell(r.requests.get('memory'), 0, memory)}\t${cell(r.limits.get('memory'), 0, memory)}\t${ageOf(p.meta.creationTimestamp, c.now)}\n`
  }
  w += 'Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n'
  w += '  Resource\tRequests\tLimits\n'
  w += '  --------\t--------\t------\n'
  // cpu, memory, ephemeral-storage, the node's huge page sizes (with percentages: a zero total gives 0%), then extended resources
  const names = Object.keys(allocatable).sort()
  const hugePages = names.filter((k) => k.startsWith('hugepages-'))
  for (const k of ['cpu', 'memory', 'ephemeral-storage', ...hugePages]) {
    const scale = k === 'cpu' ? -3 : 0
    const total = of(k, scale)
    const share = (q: Quantity | undefined) => (total === 0n ? `${formatQuantity(q ?? ZERO)} (0%)` : cell(q, scale, total))
    w += `  ${k}\t${share(requests.get(k))}\t${share(limits.get(k))}\n`
  }
  for (const k of names) {
    if (['cpu', 'memory', 'ephemeral-storage', 'pods'].includes(k) || k.startsWith('hugepages-')) continue
    w += `  ${k}\t${formatQuantity(requests.get(k) ?? ZERO)}\t${formatQuantity(limits.get(k) ?? ZERO)}\n`
  }
  return w
}

/** node.Status.NodeInfo as describeNode lists it */
const SYSTEM_INFO = [
  ['Machine ID', 'machineID'],
  ['System UUID', 'systemUUID'],
  ['Boot ID', 'bootID'],
  ['Kernel Version', 'kernelVersion'],
  ['OS Image', 'osImage'],
  ['Operating System', 'operatingSystem'],
  ['Architecture', 'architecture'],
  ['Container Runtime Version', 'containerRuntimeVersion'],
  ['Kubelet Version', 'kubeletVersion'],
  ['Kube-Proxy Version', 'kubeProxyVersion'],
] as const

/** describe.go describeNode, over the Node as `kubectl get node -o yaml` shows it */
export const describeNode: Describer = (c, _ns, name) => {
  const n: Node | undefined = c.index.node.get(name)
  if (!n) return undefined
  const node = nodeJson(n, c)
  const spec = jsonObj(node.spec)
  const status = jsonObj(node.status)
  let w = ''
  w += `Name:\t${n.meta.name}\n`
  w += `Roles:\t${n.roles.length ? n.roles.join(',') : '<none>'}\n`
  w += multiline('Labels', n.meta.labels)
  w += annotations(n.meta.annotations)
  w += `CreationTimestamp:\t${rfc1123z(n.meta.creationTimestamp)}\n`
  // printNodeTaintsMultiline sorts by effect, then key
  const taints = [...n.taints].sort((a, b) => (`${a.effect},${a.key}` < `${b.effect},${b.key}` ? -1 : 1))
  w += taints.length ? taints.map((t, i) => `${i === 0 ? 'Taints:' : ''}\t${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}\n`).join('') : 'Taints:\t<none>\n'
  w += `Unschedulable:\t${n.unschedulable}\n`
  // kubelet's Lease in kube-node-lease, renewed every 10s; its lease controller sets no acquireTime
  w += 'Lease:\n'
  w += `  HolderIdentity:\t${n.meta.name}\n`
  w += '  AcquireTime:\t<unset>\n'
  w += `  RenewTime:\t${rfc1123z(c.now)}\n`
  const conditions = Array.isArray(status.conditions) ? status.conditions.map(jsonObj) : []
  if (conditions.length) {
    const time = (v: Json | undefined) => (typeof v === 'string' ? rfc1123z(v) : GO_ZERO_TIME)
    w += 'Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n'
    w += '  ----\t------\t-----------------\t------------------\t------\t-------\n'
    for (const k of conditions) {
      w += `  ${field(k.type)} \t${field(k.status)} \t${time(k.lastHeartbeatTime)} \t${time(k.lastTransitionTime)} \t${field(k.reason)} \t${field(k.message)}\n`
    }
  }
  w += 'Addresses:\n'
  for (const a of Array.isArray(status.addresses) ? status.addresses.map(jsonObj) : []) w += `  ${field(a.type)}:\t${field(a.address)}\n`
  for (const [title, list] of [['Capacity', n.capacity], ['Allocatable', n.allocatable]] as const) {
    const keys = Object.keys(list).sort()
    if (keys.length) w += `${title}:\n${keys.map((k) => `  ${k}:\t${list[k]}\n`).join('')}`
  }
  const info = jsonObj(status.nodeInfo)
  w += 'System Info:\n'
  for (const [label, key] of SYSTEM_INFO) w += `  ${label}:\t${field(info[key])}\n`
  if (n.podCIDRs.length) {
    w += `PodCIDR:\t${n.podCIDRs[0]}\n`
    w += `PodCIDRs:\t${n.podCIDRs.join(',')}\n`
  }
  if (typeof spec.providerID === 'string' && spec.providerID) w += `ProviderID:\t${spec.providerID}\n`
  const pods = c.pods.filter((p) => p.nodeName === n.meta.name && p.phase !== 'Succeeded' && p.phase !== 'Failed')
  w += describeNodeResource(c, n, pods)
  w += 'Events:\t<none>\n'
  return tabwrite(w, 0, 2)
}

const DESCRIBERS: Record<string, Describer> = { Pod: describePod, Service: describeService, Node: describeNode }

/** Other modules add describers for their kinds (e.g. NetworkPolicy). */
export function registerDescriber(kind: string, d: Describer): void {
  DESCRIBERS[kind] = d
}

export function kubectlDescribe(cluster: Cluster, f: KubectlFlags): Output {
  if (f.args.length === 0) return fail('error: You must specify the type of resource to describe. Use "kubectl api-resources" for a complete list of supported resources.')
  let [typeText, ...names] = f.args
  if (typeText.includes('/')) {
    names = [typeText.slice(typeText.indexOf('/') + 1), ...names]
    typeText = typeText.slice(0, typeText.indexOf('/'))
  }
  const rt = resourceType(typeText)
  if (!rt) return fail(`error: the server doesn't have a resource type "${typeText}"`)
  const d = DESCRIBERS[rt.kind]
  if (!d) return fail(`error: describing ${rt.resource} is not simulated yet (kubectl get ${rt.resource} -o yaml shows the object)`)
  if (names.length === 0) {
    // every object of the type in the namespace, separated by blank lines
    const list =
      rt.kind === 'Pod' ? cluster.pods.filter((p) => f.allNamespaces || p.meta.namespace === f.namespace).map((p) => [p.meta.namespace, p.meta.name])
      : rt.kind === 'Service' ? cluster.services.filter((s) => f.allNamespaces || s.meta.namespace === f.namespace).map((s) => [s.meta.namespace, s.meta.name])
      : rt.kind === 'Node' ? cluster.nodes.map((n) => ['', n.meta.name])
      : rt.kind === 'Ingress' ? cluster.ingresses.filter((g) => f.allNamespaces || g.meta.namespace === f.namespace).map((g) => [g.meta.namespace, g.meta.name])
      : rt.kind === 'IngressClass' ? cluster.ingressClasses.map((g) => ['', g.meta.name])
      : cluster.networkPolicies.filter((p) => f.allNamespaces || p.meta.namespace === f.namespace).map((p) => [p.meta.namespace, p.meta.name])
    if (list.length === 0) return { exitCode: 0, stdout: '', stderr: `No resources found in ${f.namespace} namespace.\n` }
    return ok(list.map(([ns, n]) => d(cluster, ns, n) ?? '').join('\n\n\n'))
  }
  const out: string[] = []
  const errs: string[] = []
  for (const n of names) {
    const text = d(cluster, f.namespace, n)
    if (text === undefined) errs.push(`Error from server (NotFound): ${rt.resource} "${n}" not found\n`)
    else out.push(text)
  }
  return { exitCode: errs.length ? 1 : 0, stdout: out.join('\n\n\n'), stderr: errs.join('') }
}

