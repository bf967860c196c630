/**
 * kubectl describe for pods, services and nodes, in the layout of
 * k8s.io/kubectl/pkg/describe (a tabwriter with minwidth 0, padding 2; a
 * line without a tab ends an alignment block, which is why the sections of
 * `describe pod` align separately).
 */
import type { Cluster, Json, JsonObject, Node, ObjectMeta, Pod, Service } from '../model/types.ts'
import type { Output } from '../shell/types.ts'
import { fail, ok } from '../shell/types.ts'
import { tabwrite } from '../text/tabwriter.ts'
import { age as ageOf } from '../text/duration.ts'
import { formatLabels, matchesRequirements, parseSelectorText } from '../cluster/selector.ts'
import type { Requirement } from '../cluster/selector.ts'
import { adapterFor } from './catalog.ts'
import { resourceType, unknownTypeMessage } from './resources.ts'
import type { KubectlFlags } from './flags.ts'
import { nodeJson, serviceJson } from './api-objects.ts'
import { ZERO, formatQuantity, quantityOf, scaledValue } from '../model/quantity.ts'
import type { Quantity } from '../model/quantity.ts'
import { addList, podRequestsAndLimits } from './pod-resources.ts'
import { annotations, multiline, rfc1123z } from './describe-text.ts'
import { describePod } from './describe-pod.ts'
import { WORKLOAD_DESCRIBERS } from './describe-workloads.ts'
import { describeEndpointSlice, describeEndpoints } from './describe-endpoints.ts'
import { NotSimulated, describeConfigMap } from './describe-configmap.ts'
import { kubeProxyNodeEvents } from '../dataplane/kube-proxy/startup-log.ts'
import type { ResourceList } from './pod-resources.ts'
import { describeServiceAccount } from './service-accounts.ts'
import { describeNamespace } from './describe-namespace.ts'
import { describeIPAddress, describeServiceCIDR } from './describe-service-cidrs.ts'
import { describeSecret } from './describe-secret.ts'
import { ENDPOINTS_DEPRECATED } from './api-warnings.ts'
import { noticesFirst } from '../shell/result.ts'

type Describer = (c: Cluster, ns: string, name: string) => string | undefined

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
  if (s.loadBalancerIngress.length) w += `LoadBalancer Ingress:\t${s.loadBalancerIngress.map((i) => (i.ip ? `${i.ip} (${i.ipMode ?? 'VIP'})` : i.hostname)).join(', ')}\n`
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
  if (s.trafficDistribution) w += `Traffic Distribution:\t${s.trafficDistribution}\n`
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
  const events = kubeProxyNodeEvents(c, n.meta.name)
  if (events.length) {
    w += 'Events:\n  Type\tReason\tAge\tFrom\tMessage\n  ----\t------\t----\t----\t-------\n'
    for (const e of events) w += `  ${e.type}\t${e.reason}\t${ageOf(e.time, c.now)}\t${e.from}\t${e.message}\n`
  } else w += 'Events:\t<none>\n'
  return tabwrite(w, 0, 2)
}

const DESCRIBERS: Record<string, Describer> = { Pod: describePod, Service: describeService, Node: describeNode, EndpointSlice: describeEndpointSlice, Endpoints: describeEndpoints, ConfigMap: describeConfigMap, ServiceAccount: describeServiceAccount, Namespace: describeNamespace, ServiceCIDR: describeServiceCIDR, IPAddress: describeIPAddress, Secret: describeSecret, ...WORKLOAD_DESCRIBERS }

/** Other modules add describers for their kinds (e.g. NetworkPolicy). */
export function registerDescriber(kind: string, d: Describer): void {
  DESCRIBERS[kind] = d
}

/**
 * kubectl describe TYPE [NAME...] | TYPE/NAME... [-l SELECTOR] [-n NS | -A], as
 * pkg/cmd/describe Run: objects in the API's list order (namespace, then name),
 * joined by "\n\n"; a single `TYPE NAME` that is not found describes every
 * object whose name starts with NAME (DescribeMatchingResources).
 */
export function kubectlDescribe(cluster: Cluster, f: KubectlFlags): Output {
  let out: Output
  try {
    out = describeRun(cluster, f)
  } catch (e) {
    // a describer that may not print what it would have to guess (describe-configmap.ts)
    if (e instanceof NotSimulated) return fail(e.message.replace(/\n$/, ''))
    throw e
  }
  // asking for v1 Endpoints brings the API server's warning, printed once and first (api-warnings.ts)
  const types = f.args.length ? (f.args[0].includes('/') ? f.args.map((a) => a.split('/')[0]) : f.args[0].split(',')) : []
  if (!types.some((t) => resourceType(t)?.kind === 'Endpoints')) return out
  return noticesFirst({ ...out, stderr: ENDPOINTS_DEPRECATED + out.stderr.replaceAll(ENDPOINTS_DEPRECATED, '') })
}

function describeRun(cluster: Cluster, f: KubectlFlags): Output {
  if (f.args.length === 0) return fail('error: You must specify the type of resource to describe. Use "kubectl api-resources" for a complete list of supported resources.')
  // TYPE,TYPE…: each type in turn, as one list of objects (cli-runtime's builder)
  if (f.args[0].includes(',') && !f.args[0].includes('/')) {
    const outs = f.args[0].split(',').filter((t) => t !== '').map((t) => kubectlDescribe(cluster, { ...f, args: [t, ...f.args.slice(1)] }))
    const found = outs.filter((o) => o.stdout !== '')
    if (found.length === 0) return outs.find((o) => o.exitCode !== 0) ?? outs[0] ?? fail('error: You must specify the type of resource to describe.')
    return {
      exitCode: outs.some((o) => o.exitCode !== 0) ? 1 : 0,
      stdout: found.map((o) => o.stdout.replace(/\n+$/, '\n')).join('\n\n'),
      stderr: outs.filter((o) => o.exitCode !== 0).map((o) => o.stderr).join(''),
    }
  }
  // cli-runtime's builder: TYPE/NAME arguments each name their own type, and cannot be mixed with bare names
  if (f.args.length > 1 && f.args[0].includes('/')) {
    if (!f.args.every((a) => a.includes('/'))) return fail('error: arguments in resource/name form must have a single resource and name')
    const outs = f.args.map((a) => kubectlDescribe(cluster, { ...f, args: [a] }))
    return {
      exitCode: outs.some((o) => o.exitCode !== 0) ? 1 : 0,
      stdout: outs.map((o) => o.stdout).filter((x) => x !== '').join('\n\n'),
      stderr: outs.map((o) => o.stderr).join(''),
    }
  }
  if (f.args.length > 1 && f.args.slice(1).some((a) => a.includes('/'))) {
    return fail("error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'")
  }
  let [typeText, ...names] = f.args
  if (typeText.includes('/')) {
    names = [typeText.slice(typeText.indexOf('/') + 1), ...names]
    typeText = typeText.slice(0, typeText.indexOf('/'))
  }
  const rt = resourceType(typeText)
  if (!rt) return fail(unknownTypeMessage(typeText))
  const d = DESCRIBERS[rt.kind]
  if (!d) return fail(`error: describing ${rt.resource} is not simulated yet (kubectl get ${rt.resource} -o yaml shows the object)`)
  // cli-runtime's builder refuses these combinations
  if (names.length && f.selector !== undefined) return fail('error: name cannot be provided when a selector is specified')
  if (names.length && f.allNamespaces && rt.namespaced) return fail('error: a resource cannot be retrieved by name across all namespaces')
  let reqs: Requirement[] = []
  if (f.selector !== undefined) {
    const r = parseSelectorText(f.selector)
    if (typeof r === 'string') return fail(`error: ${r}`)
    reqs = r
  }
  const ad = adapterFor(rt)
  const unlisted = ad.unlisted?.(f.allNamespaces && rt.namespaced ? undefined : f.namespace)
  if (unlisted) return fail(unlisted)
  const inScope = (all: boolean) =>
    ad.items(cluster)
      .map((x) => ad.meta(x))
      .filter((m) => !rt.namespaced || all || m.namespace === f.namespace)
      .sort((x, y) => (x.namespace < y.namespace ? -1 : x.namespace > y.namespace ? 1 : x.name < y.name ? -1 : x.name > y.name ? 1 : 0))
  const describeAll = (metas: ObjectMeta[]) => metas.map((m) => d(cluster, rt.namespaced ? m.namespace : '', m.name) ?? '')
  if (names.length === 0) {
    const metas = inScope(f.allNamespaces).filter((m) => matchesRequirements(reqs, m.labels))
    if (metas.length === 0) return { exitCode: 0, stdout: '', stderr: f.allNamespaces ? 'No resources found\n' : `No resources found in ${f.namespace} namespace.\n` }
    return ok(describeAll(metas).join('\n\n'))
  }
  const group = rt.prefix.includes('.') ? `.${rt.prefix.split('.').slice(1).join('.')}` : ''
  const notFound = (n: string) => `Error from server (NotFound): ${rt.resource}${group} "${n}" not found\n`
  const ns = rt.namespaced ? f.namespace : ''
  const texts = names.map((n) => d(cluster, ns, n))
  if (names.length === 1 && !f.args[0].includes('/') && texts[0] === undefined) {
    const matching = inScope(false).filter((m) => m.name.startsWith(names[0]))
    if (matching.length === 0) return { exitCode: 1, stdout: '', stderr: notFound(names[0]) }
    return ok(describeAll(matching).map((s) => `${s}\n`).join(''))
  }
  const errs = names.filter((_, i) => texts[i] === undefined).map(notFound)
  return { exitCode: errs.length ? 1 : 0, stdout: texts.filter((t) => t !== undefined).join('\n\n'), stderr: errs.join('') }
}
