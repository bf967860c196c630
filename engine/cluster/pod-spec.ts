/**
 * Reads and validates a PodSpec (of a Pod or of a workload's template) once,
 * with the messages of pkg/apis/core/validation. Field paths are relative to
 * where the spec sits (`spec` or `spec.template.spec`).
 */
import type { Container, ContainerPort, DNSPolicy, JsonObject, PodDNSConfig, Protocol } from '../model/types.ts'
import { BuildContext, read } from './context.ts'
import type { Loaded } from './context.ts'
import { fieldPath } from '../load/schema.ts'
import { nameProblems } from '../load/names.ts'
import { portConflicts } from './port-conflicts.ts'
import { probeProblems } from './probe-validation.ts'

export interface Toleration {
  key?: string
  operator: 'Equal' | 'Exists'
  value?: string
  effect?: string
}

export interface PodSpecInfo {
  containers: Container[]
  initContainers: Container[]
  hostNetwork: boolean
  nodeName?: string
  nodeSelector: Record<string, string>
  tolerations: Toleration[]
  hostname?: string
  subdomain?: string
  setHostnameAsFQDN: boolean
  dnsPolicy: DNSPolicy
  dnsConfig?: PodDNSConfig
  restartPolicy: string
  serviceAccountName: string
  /** spec.schedulingGates[].name: while any is left the scheduler skips the Pod (KEP-3521) */
  schedulingGates: string[]
  /** spec.schedulerName (default-scheduler): only the scheduler of that name binds the Pod */
  schedulerName: string
  /** spec.readinessGates[].conditionType: each must be a True condition for the Pod to be Ready (KEP-580) */
  readinessGates: string[]
  valid: boolean
}

const PROTOCOLS: Protocol[] = ['TCP', 'UDP', 'SCTP']
const DNS_POLICIES: DNSPolicy[] = ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None']

/** IANA_SVC_NAME (validation.IsValidPortName): what a named port may be called. */
export function portNameProblems(name: string): string[] {
  const out: string[] = []
  if (name.length > 15) out.push('must be no more than 15 characters')
  if (!/^[-a-z0-9]+$/.test(name)) out.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)')
  if (!/[a-z]/.test(name)) out.push('must contain at least one letter (a-z)')
  if (name.includes('--')) out.push('must not contain consecutive hyphens')
  if (name.startsWith('-') || name.endsWith('-')) out.push('must not begin or end with a hyphen')
  return out
}

export function readPodSpec(ctx: BuildContext, obj: Loaded, base: (string | number)[], spec: JsonObject | undefined): PodSpecInfo {
  let valid = true
  const err = (path: (string | number)[], msg: string) => {
    valid = false
    ctx.error(obj, [...base, ...path], `${fieldPath([...base, ...path])}: ${msg}`)
  }
  const s = spec ?? {}
  const rawContainers = read.arr(s.containers)
  if (rawContainers.length === 0) err(['containers'], 'Required value')
  const portOwners = new Map<string, { field: string; hostIP: string; hostPort: number }[]>()
  const portNames = new Set<string>()
  const containerNames = new Set<string>()
  const readContainers = (field: 'containers' | 'initContainers'): Container[] =>
    read.arr(s[field]).map((c, ci) => {
      const name = read.str(read.path(c, 'name')) ?? ''
      const image = read.str(read.path(c, 'image')) ?? ''
      if (!name) err([field, ci, 'name'], 'Required value')
      else {
        for (const p of nameProblems(name, 'dns1123-label')) err([field, ci, 'name'], `Invalid value: "${name}": ${p}`)
        if (containerNames.has(name)) err([field, ci, 'name'], `Duplicate value: "${name}"`)
        containerNames.add(name)
      }
      if (!image) err([field, ci, 'image'], 'Required value')
      const ports: ContainerPort[] = read.arr(read.path(c, 'ports')).map((p, pi) => {
        const at = [field, ci, 'ports', pi]
        const containerPort = read.num(read.path(p, 'containerPort')) ?? 0
        if (read.path(p, 'containerPort') === undefined) err([...at, 'containerPort'], 'Required value')
        else if (containerPort < 1 || containerPort > 65535) err([...at, 'containerPort'], `Invalid value: ${containerPort}: must be between 1 and 65535, inclusive`)
        const protoText = read.str(read.path(p, 'protocol')) ?? 'TCP'
        if (!(PROTOCOLS as string[]).includes(protoText)) err([...at, 'protocol'], `Unsupported value: "${protoText}": supported values: "SCTP", "TCP", "UDP"`)
        const protocol = ((PROTOCOLS as string[]).includes(protoText) ? protoText : 'TCP') as Protocol
        const portName = read.str(read.path(p, 'name'))
        if (portName !== undefined) {
          for (const prob of portNameProblems(portName)) err([...at, 'name'], `Invalid value: "${portName}": ${prob}`)
          if (portNames.has(portName)) err([...at, 'name'], `Duplicate value: "${portName}"`)
          portNames.add(portName)
        }
        const hostPort = read.num(read.path(p, 'hostPort'))
        if (hostPort !== undefined && (hostPort < 0 || hostPort > 65535)) err([...at, 'hostPort'], `Invalid value: ${hostPort}: must be between 1 and 65535, inclusive`)
        // The API server accepts the same port in two containers, with a warning
        // (pkg/api/pod/warnings.go); what happens at run time is cluster/port-conflicts.ts's
        const key = `${containerPort}/${protocol}`
        const hostIP = read.str(read.path(p, 'hostIP')) ?? ''
        if (field === 'containers' && containerPort > 0) {
          const here = fieldPath([...base, ...at])
          const owners = portOwners.get(key)
          if (owners) portOverlaps(ctx, obj, [...base, ...at], here, owners, hostIP, hostPort)
          portOwners.set(key, [...(owners ?? []), { field: here, hostIP, hostPort: hostPort ?? 0 }])
        }
        return { name: portName, containerPort, protocol, hostPort: hostPort || undefined, hostIP: read.str(read.path(p, 'hostIP')) }
      })
      // the probes' fields (cluster/probe-validation.ts); what they do is cluster/probes.ts's
      for (const pr of probeProblems(read.fields(c), portNameProblems, field === 'initContainers')) err([field, ci, ...pr.path], pr.message)
      // a sidecar (KEP-753, GA in 1.33): an init container with restartPolicy Always keeps running beside the app
      const sidecar = field === 'initContainers' && read.str(read.path(c, 'restartPolicy')) === 'Always'
      return sidecar ? { name, image, ports, ready: true, restartCount: 0, sidecar } : { name, image, ports, ready: true, restartCount: 0 }
    })
  const containers = readContainers('containers')
  const initContainers = readContainers('initContainers')
  // a container whose port an earlier one holds exits at once, over and over; the sidecars start
  // first (kuberuntime_manager.go SyncPod: init containers, a sidecar kept running, before the app
  // containers), so an app container cannot take a sidecar's port (a sidecar's own crash is not simulated)
  const sidecarsRaw = read.arr(s.initContainers).map((c) => read.fields(c)).filter((c) => read.str(read.path(c, 'restartPolicy')) === 'Always')
  for (const [i, crash] of portConflicts([...sidecarsRaw, ...rawContainers.map((c) => read.fields(c))])) if (i >= sidecarsRaw.length && containers[i - sidecarsRaw.length]) containers[i - sidecarsRaw.length].crash = crash

  const hostNetwork = read.bool(s.hostNetwork) ?? false
  const dnsText = read.str(s.dnsPolicy) ?? 'ClusterFirst'
  let dnsPolicy: DNSPolicy = 'ClusterFirst'
  if ((DNS_POLICIES as string[]).includes(dnsText)) dnsPolicy = dnsText as DNSPolicy
  else err(['dnsPolicy'], `Unsupported value: "${dnsText}": supported values: "ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"`)
  const dnsRaw = read.obj(s.dnsConfig)
  // dnsConfig, hostname and subdomain: read and checked when set (issue 20: most Pods set none)
  const dnsConfig = dnsRaw || dnsPolicy === 'None' ? readDnsConfig(dnsRaw, dnsPolicy, err) : undefined
  const hostname = read.str(s.hostname)
  const subdomain = read.str(s.subdomain)
  if (hostname || subdomain) checkHostnames(hostname, subdomain, err)

  // what the scheduler does not honour (preferred affinity, Pod (anti-)affinity, spread) is warned by load/unmodelled.ts
  const tolerations: Toleration[] = read.arr(s.tolerations).map((t) => ({
    key: read.str(read.path(t, 'key')),
    operator: read.str(read.path(t, 'operator')) === 'Exists' ? 'Exists' : 'Equal',
    value: read.str(read.path(t, 'value')),
    effect: read.str(read.path(t, 'effect')),
  }))

  const schedulingGates = read.arr(s.schedulingGates).map((g) => read.str(read.path(g, 'name')) ?? '')
  const nodeName = read.str(s.nodeName)
  // ValidatePodCreate (pkg/apis/core/validation/validation.go): a Pod cannot be bound while gates
  // remain. A template is not checked there: its controller's Pod creations are refused instead.
  if (base.length === 1 && nodeName && schedulingGates.length > 0) err(['nodeName'], 'Forbidden: cannot be set until all schedulingGates have been cleared')
  const readinessGates = read.arr(s.readinessGates).map((g) => read.str(read.path(g, 'conditionType')) ?? '')

  return {
    containers,
    initContainers,
    hostNetwork,
    nodeName,
    nodeSelector: read.labels(s.nodeSelector),
    tolerations,
    hostname,
    subdomain,
    setHostnameAsFQDN: read.bool(s.setHostnameAsFQDN) ?? false,
    dnsPolicy,
    dnsConfig,
    restartPolicy: read.str(s.restartPolicy) ?? 'Always',
    serviceAccountName: read.str(s.serviceAccountName) ?? read.str(s.serviceAccount) ?? 'default',
    schedulingGates,
    schedulerName: read.str(s.schedulerName) || 'default-scheduler',
    readinessGates,
    valid,
  }
}

type SpecErr = (path: (string | number)[], msg: string) => void

/** The API server's warnings for a port another container of the Pod declares too. */
function portOverlaps(ctx: BuildContext, obj: Loaded, path: (string | number)[], here: string, owners: { field: string; hostIP: string; hostPort: number }[], hostIP: string, hostPort: number | undefined): void {
  for (const other of owners) {
    if (other.hostIP === hostIP && other.hostPort === (hostPort ?? 0)) ctx.warn(obj, path, `${here}: duplicate port definition with ${other.field}`, 'duplicate-port')
    else if (!hostPort || !other.hostPort) ctx.warn(obj, path, `${here}: overlapping port definition with ${other.field}`, 'duplicate-port')
  }
}

/** spec.dnsConfig, and what validateDNSPolicy / validatePodDNSConfig refuse of it. */
function readDnsConfig(dnsRaw: JsonObject | undefined, dnsPolicy: DNSPolicy, err: SpecErr): PodDNSConfig | undefined {
  const dnsConfig: PodDNSConfig | undefined = dnsRaw
    ? {
        nameservers: read.arr(dnsRaw.nameservers).filter((x): x is string => typeof x === 'string'),
        searches: read.arr(dnsRaw.searches).filter((x): x is string => typeof x === 'string'),
        options: read.arr(dnsRaw.options).map((o) => ({ name: read.str(read.path(o, 'name')) ?? '', value: read.str(read.path(o, 'value')) })),
      }
    : undefined
  // validateDNSPolicy / validatePodDNSConfig
  if (dnsPolicy === 'None' && !dnsConfig) err(['dnsConfig'], 'Required value: must provide `dnsConfig` when `dnsPolicy` is None')
  if (dnsPolicy === 'None' && dnsConfig && (dnsConfig.nameservers?.length ?? 0) === 0) {
    err(['dnsConfig', 'nameservers'], 'Required value: must provide at least one DNS nameserver when `dnsPolicy` is None')
  }
  if ((dnsConfig?.nameservers?.length ?? 0) > 3) err(['dnsConfig', 'nameservers'], `Invalid value: "${dnsConfig!.nameservers!.join(',')}": must not have more than 3 nameservers`)
  if ((dnsConfig?.searches?.length ?? 0) > 32) err(['dnsConfig', 'searches'], 'Invalid value: must not have more than 32 search paths')
  return dnsConfig
}

function checkHostnames(hostname: string | undefined, subdomain: string | undefined, err: SpecErr): void {
  if (hostname) for (const p of nameProblems(hostname, 'dns1123-label')) err(['hostname'], `Invalid value: "${hostname}": ${p}`)
  if (subdomain) for (const p of nameProblems(subdomain, 'dns1123-label')) err(['subdomain'], `Invalid value: "${subdomain}": ${p}`)
}

/** v1helper.TolerationsTolerateTaint */
export function tolerates(tolerations: Toleration[], taint: { key: string; value?: string; effect: string }): boolean {
  return tolerations.some((t) => {
    if (t.effect && t.effect !== taint.effect) return false
    if (t.operator === 'Exists') return !t.key || t.key === taint.key
    return t.key === taint.key && (t.value ?? '') === (taint.value ?? '')
  })
}
