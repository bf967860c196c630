/**
 * kubectl describe for pods, services and nodes, in the layout of
 * k8s.io/kubectl/pkg/describe (a tabwriter with minwidth 0, padding 2; a
 * line without a tab ends an alignment block, which is why the sections of
 * `describe pod` align separately).
 */
import type { Cluster, Node, Pod, Service } from '../model/types.ts'
import type { Output } from '../shell/types.ts'
import { fail, ok } from '../shell/types.ts'
import { tabwrite } from '../text/tabwriter.ts'
import { age as ageOf } from '../text/duration.ts'
import { formatLabels } from '../build/selector.ts'
import { resourceType } from './resources.ts'
import type { KubectlFlags } from './flags.ts'
import { serviceJson } from './api-objects.ts'

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

export const describeNode: Describer = (c, _ns, name) => {
  const n: Node | undefined = c.index.node.get(name)
  if (!n) return undefined
  let w = ''
  w += `Name:\t${n.meta.name}\n`
  w += `Roles:\t${n.roles.length ? n.roles.join(',') : '<none>'}\n`
  w += multiline('Labels', n.meta.labels)
  w += annotations(n.meta.annotations)
  w += `CreationTimestamp:\t${rfc1123z(n.meta.creationTimestamp)}\n`
  w += n.taints.length ? n.taints.map((t, i) => `${i === 0 ? 'Taints:' : ''}\t${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}\n`).join('') : 'Taints:\t<none>\n'
  w += `Unschedulable:\t${n.unschedulable}\n`
  w += 'Conditions:\n'
  w += '  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n'
  w += '  ----\t------\t-----------------\t------------------\t------\t-------\n'
  const t = rfc1123z(n.meta.creationTimestamp)
  w += `  Ready \t${n.ready ? 'True' : 'False'} \t${t} \t${t} \tKubeletReady \tkubelet is posting ready status\n`
  w += 'Addresses:\n'
  for (const a of n.addresses) w += `  ${a.type}:\t${a.address}\n`
  w += 'System Info:\n'
  const info = n.nodeInfo
  w += `  Kernel Version:\t${info.kernelVersion ?? ''}\n`
  w += `  OS Image:\t${info.osImage ?? ''}\n`
  w += `  Operating System:\t${info.operatingSystem ?? 'linux'}\n`
  w += `  Architecture:\t${info.architecture ?? 'amd64'}\n`
  w += `  Container Runtime Version:\t${info.containerRuntimeVersion ?? ''}\n`
  w += `  Kubelet Version:\t${info.kubeletVersion ?? ''}\n`
  if (n.podCIDRs.length) {
    w += `PodCIDR:\t${n.podCIDRs[0]}\n`
    w += `PodCIDRs:\t${n.podCIDRs.join(',')}\n`
  }
  const pods = c.pods.filter((p) => p.nodeName === n.meta.name && p.phase !== 'Succeeded' && p.phase !== 'Failed')
  w += `Non-terminated Pods:\t(${pods.length} in total)\n`
  w += '  Namespace\tName\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n'
  w += '  ---------\t----\t------------\t----------\t---------------\t-------------\t---\n'
  for (const p of pods) w += `  ${p.meta.namespace}\t${p.meta.name}\t0 (0%)\t0 (0%)\t0 (0%)\t0 (0%)\t${ageOf(p.meta.creationTimestamp, c.now)}\n`
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

