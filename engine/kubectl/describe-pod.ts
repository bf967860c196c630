/**
 * kubectl describe pod, as k8s.io/kubectl v0.34 pkg/describe describePod
 * prints it, over the Pod exactly as `kubectl get pod -o yaml` shows it
 * (podJson), so the two always agree.
 */
import { read } from '../cluster/context.ts'
import type { Cluster, Json, JsonObject } from '../model/types.ts'
import { tabwrite } from '../text/tabwriter.ts'
import { age } from '../text/duration.ts'
import { formatSelector, selectorFromJson } from '../cluster/selector.ts'
import { formatQuantity, quantityOf, scaledValue } from '../model/quantity.ts'
import { podJson } from './api-objects.ts'
import { podQOSClass } from './pod-resources.ts'
import { annotations, multiline, rfc1123z } from './describe-text.ts'
import { utf8ToBytes as utf8 } from '@noble/hashes/utils.js'
import { describeEvents, eventsFor } from './events.ts'

const list = (v: Json | undefined): JsonObject[] => (Array.isArray(v) ? v.map(read.fields) : [])
const str = (v: Json | undefined): string => (v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v))
const labels = (v: Json | undefined): Record<string, string> => Object.fromEntries(Object.entries(read.fields(v)).map(([k, x]) => [k, str(x)]))
/** Go's %t of an optional *bool: nil prints as false */
const bool = (v: Json | undefined) => (v === true ? 'true' : 'false')

/** describeResources: limits then requests, resource names sorted, values as stored (Quantity.String()) */
function describeResources(r: JsonObject, indent: string): string {
  let w = ''
  for (const [title, m] of [['Limits', read.fields(r.limits)], ['Requests', read.fields(r.requests)]] as const) {
    const names = Object.keys(m).sort()
    if (names.length) w += `${indent}${title}:\n`
    for (const n of names) w += `${indent}  ${n}:\t${str(m[n])}\n`
  }
  return w
}

/** url.URL.EscapedPath: what Go leaves unescaped in a path */
const escapePath = (p: string) =>
  Array.from(utf8(p), (b) => {
    const c = String.fromCharCode(b)
    return /[A-Za-z0-9\-_.~$&+,/:;=@]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`
  }).join('')

/** DescribeProbe, over a probe with its defaults (timeout 1s, period 10s, success 1, failure 3) */
export function describeProbe(p: JsonObject): string {
  const n = (v: Json | undefined) => (typeof v === 'number' ? v : 0)
  const attrs = `delay=${n(p.initialDelaySeconds)}s timeout=${n(p.timeoutSeconds)}s period=${n(p.periodSeconds)}s #success=${n(p.successThreshold)} #failure=${n(p.failureThreshold)}`
  if (p.exec !== undefined) {
    // Go's %v of a []string
    const command = read.fields(p.exec).command
    return `exec [${read.arr(command).map(str).join(' ')}] ${attrs}`
  }
  if (p.httpGet !== undefined) {
    const h = read.fields(p.httpGet)
    const host = str(h.host)
    const port = str(h.port)
    // net.JoinHostPort brackets an IPv6 host; url.String() adds the path's leading slash after a host
    const hostPort = port ? `${host.includes(':') ? `[${host}]` : host}:${port}` : host
    const path = str(h.path)
    const slash = path && !path.startsWith('/') && hostPort ? '/' : ''
    return `http-get ${str(h.scheme).toLowerCase()}://${hostPort}${slash}${escapePath(path)} ${attrs}`
  }
  if (p.tcpSocket !== undefined) return `tcp-socket ${str(read.fields(p.tcpSocket).host)}:${str(read.fields(p.tcpSocket).port)} ${attrs}`
  if (p.grpc !== undefined) return `grpc <pod>:${str(read.fields(p.grpc).port)} ${str(read.fields(p.grpc).service)} ${attrs}`
  return `unknown ${attrs}`
}

/**
 * resourcehelper.ExtractContainerResourceValue for a resourceFieldRef: the
 * container's value over the divisor (1 when unset or zero), rounded up.
 */
function resourceFieldValue(ref: JsonObject, container: JsonObject): string {
  const m = /^(limits|requests)\.(cpu|memory|ephemeral-storage|hugepages-.+)$/.exec(str(ref.resource))
  if (!m) return ''
  const [, kind, name] = m
  // cpu counts in millicores, the rest in units
  const scale = name === 'cpu' ? -3 : 0
  const divisor = quantityOf(ref.divisor)
  const by = divisor && divisor.nanos !== 0n ? scaledValue(divisor, scale) : scale === -3 ? 1000n : 1n
  const q = quantityOf(read.fields(read.fields(container.resources)[kind])[name])
  return String(Math.ceil(Number(q ? scaledValue(q, scale) : 0n) / Number(by)))
}

/** describeContainerEnvVars (and EnvFrom): kubectl resolves only metadata.name and metadata.namespace, other fieldRefs print empty */
function describeEnv(c: JsonObject, pod: JsonObject): string {
  let w = ''
  const envFrom = list(c.envFrom)
  if (envFrom.length) {
    w += '    Environment Variables from:\n'
    for (const e of envFrom) {
      const [from, ref] = e.configMapRef !== undefined ? ['ConfigMap', read.fields(e.configMapRef)] : e.secretRef !== undefined ? ['Secret', read.fields(e.secretRef)] : ['', {} as JsonObject]
      const prefix = str(e.prefix)
      w += `      ${str(ref.name)}\t${from}${prefix ? ` with prefix '${prefix}'` : ''}\tOptional: ${bool(ref.optional)}\n`
    }
  }
  const env = list(c.env)
  w += `    Environment:${env.length ? '' : '\t<none>'}\n`
  const meta = read.fields(pod.metadata)
  for (const e of env) {
    const name = str(e.name)
    const from = read.fields(e.valueFrom)
    if (e.valueFrom === undefined || e.valueFrom === null) {
      str(e.value).split('\n').forEach((line, i) => (w += i === 0 ? `      ${name}:\t${line}\n` : `      \t${line}\n`))
    } else if (from.fieldRef !== undefined) {
      const f = read.fields(from.fieldRef)
      const path = str(f.fieldPath)
      const value = path === 'metadata.name' ? str(meta.name) : path === 'metadata.namespace' ? str(meta.namespace) : ''
      w += `      ${name}:\t${value} (${str(f.apiVersion)}:${path})\n`
    } else if (from.resourceFieldRef !== undefined) {
      const ref = read.fields(from.resourceFieldRef)
      let value = resourceFieldValue(ref, c)
      if (value === '0' && (ref.resource === 'limits.cpu' || ref.resource === 'limits.memory')) value = 'node allocatable'
      w += `      ${name}:\t${value} (${str(ref.resource)})\n`
    } else if (from.secretKeyRef !== undefined) {
      const r = read.fields(from.secretKeyRef)
      w += `      ${name}:\t<set to the key '${str(r.key)}' in secret '${str(r.name)}'>\tOptional: ${bool(r.optional)}\n`
    } else if (from.configMapKeyRef !== undefined) {
      const r = read.fields(from.configMapKeyRef)
      w += `      ${name}:\t<set to the key '${str(r.key)}' of config map '${str(r.name)}'>\tOptional: ${bool(r.optional)}\n`
    }
  }
  return w
}

/** describeContainerVolumes: mounts sorted by path, then devices (whose `<none>` follows the mounts', as upstream's does) */
function describeMounts(c: JsonObject): string {
  const mounts = list(c.volumeMounts).sort((a, b) => (str(a.mountPath) < str(b.mountPath) ? -1 : str(a.mountPath) > str(b.mountPath) ? 1 : 0))
  const none = mounts.length ? '' : '\t<none>'
  let w = `    Mounts:${none}\n`
  for (const m of mounts) {
    const flags = [m.readOnly === true ? 'ro' : 'rw', ...(str(m.subPath) ? [`path=${JSON.stringify(str(m.subPath))}`] : [])]
    w += `      ${str(m.mountPath)} from ${str(m.name)} (${flags.join(',')})\n`
  }
  const devices = list(c.volumeDevices).sort((a, b) => (str(a.devicePath) < str(b.devicePath) ? -1 : str(a.devicePath) > str(b.devicePath) ? 1 : 0))
  if (devices.length) {
    w += `    Devices:${none}\n`
    for (const d of devices) w += `      ${str(d.devicePath)} from ${str(d.name)}\n`
  }
  return w
}

/** describeStatus: a container's state, or `Waiting` when it reports none */
function describeState(title: string, s: JsonObject): string {
  if (s.running !== undefined) return `    ${title}:\tRunning\n      Started:\t${rfc1123z(str(read.fields(s.running).startedAt))}\n`
  if (s.terminated !== undefined) {
    const t = read.fields(s.terminated)
    let w = `    ${title}:\tTerminated\n`
    if (str(t.reason)) w += `      Reason:\t${str(t.reason)}\n`
    if (str(t.message)) w += `      Message:\t${str(t.message)}\n`
    w += `      Exit Code:\t${str(t.exitCode) || '0'}\n`
    if (typeof t.signal === 'number' && t.signal > 0) w += `      Signal:\t${t.signal}\n`
    return `${w}      Started:\t${rfc1123z(str(t.startedAt))}\n      Finished:\t${rfc1123z(str(t.finishedAt))}\n`
  }
  const reason = str(read.fields(s.waiting).reason)
  return `    ${title}:\tWaiting\n${reason ? `      Reason:\t${reason}\n` : ''}`
}

/** describeContainers: basic info, command, state, resources, probes, environment, mounts */
export function describeContainers(label: string, containers: JsonObject[], statuses: JsonObject[], pod: JsonObject, space = ''): string {
  let w = `${space}${label}:${containers.length ? '' : ' <none>'}\n`
  for (const c of containers) {
    const st = [...statuses].reverse().find((s) => s.name === c.name)
    // describeContainerBasicInfo: a template's container names get one more space
    w += `  ${space ? ' ' : ''}${str(c.name)}:\n`
    if (st) w += `    Container ID:\t${str(st.containerID)}\n`
    w += `    Image:\t${str(c.image)}\n`
    if (st) w += `    Image ID:\t${str(st.imageID)}\n`
    const ports = list(c.ports)
    const named = (p: JsonObject, n: Json | undefined) => `${str(n) || '0'}/${str(p.protocol)}${str(p.name) ? ` (${str(p.name)})` : ''}`
    const portText = ports.map((p) => named(p, p.containerPort)).join(', ')
    const hostText = ports.map((p) => named(p, p.hostPort)).join(', ')
    w += portText.includes(',') ? `    Ports:\t${portText}\n` : `    Port:\t${portText || '<none>'}\n`
    w += hostText.includes(',') ? `    Host Ports:\t${hostText}\n` : `    Host Port:\t${hostText || '<none>'}\n`
    const seccomp = read.fields(read.fields(c.securityContext).seccompProfile)
    if (read.fields(c.securityContext).seccompProfile !== undefined) {
      w += `    SeccompProfile:\t${str(seccomp.type)}\n`
      if (seccomp.type === 'Localhost') w += `      LocalhostProfile:\t${str(seccomp.localhostProfile)}\n`
    }
    for (const [title, lines] of [['Command', c.command], ['Args', c.args]] as const) {
      const items = Array.isArray(lines) ? lines.map(str) : []
      if (items.length) w += `    ${title}:\n${items.flatMap((x) => x.split('\n')).map((x) => `      ${x}\n`).join('')}`
    }
    if (st) {
      w += describeState('State', read.fields(st.state))
      if (read.fields(st.lastState).terminated !== undefined) w += describeState('Last State', read.fields(st.lastState))
      w += `    Ready:\t${st.ready === true ? 'True' : 'False'}\n`
      w += `    Restart Count:\t${str(st.restartCount) || '0'}\n`
    }
    w += describeResources(read.fields(c.resources), '    ')
    for (const [title, key] of [['Liveness', 'livenessProbe'], ['Readiness', 'readinessProbe'], ['Startup', 'startupProbe']] as const) {
      if (c[key] !== undefined && c[key] !== null) w += `    ${title}:\t${describeProbe(read.fields(c[key]))}\n`
    }
    w += describeEnv(c, pod)
    w += describeMounts(c)
  }
  return w
}

/**
 * describeVolumes for the common sources. Other sources (nfs, csi, iscsi, the
 * cloud disks…) print their name only: their layouts are not reproduced here.
 */
export function describeVolumes(volumes: JsonObject[], space = ''): string {
  if (!volumes.length) return `${space}Volumes:\t<none>\n`
  let w = `${space}Volumes:\n`
  for (const v of volumes) {
    w += `  ${space ? ' ' : ''}${str(v.name)}:\n`
    const line = (type: string, fields: [string, string][] = []) => `    Type:\t${type}\n${fields.map(([k, x]) => `    ${k}:\t${x}\n`).join('')}`
    if (v.hostPath !== undefined) w += line('HostPath (bare host directory volume)', [['Path', str(read.fields(v.hostPath).path)], ['HostPathType', read.fields(v.hostPath).type === undefined ? '<none>' : str(read.fields(v.hostPath).type)]])
    else if (v.emptyDir !== undefined) {
      const size = quantityOf(read.fields(v.emptyDir).sizeLimit)
      w += line("EmptyDir (a temporary directory that shares a pod's lifetime)", [['Medium', str(read.fields(v.emptyDir).medium)], ['SizeLimit', size && size.nanos > 0n ? formatQuantity(size) : '<unset>']])
    } else if (v.secret !== undefined) w += line('Secret (a volume populated by a Secret)', [['SecretName', str(read.fields(v.secret).secretName)], ['Optional', bool(read.fields(v.secret).optional)]])
    else if (v.configMap !== undefined) w += line('ConfigMap (a volume populated by a ConfigMap)', [['Name', str(read.fields(v.configMap).name)], ['Optional', bool(read.fields(v.configMap).optional)]])
    else if (v.persistentVolumeClaim !== undefined) {
      const c = read.fields(v.persistentVolumeClaim)
      w += line('PersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)', [['ClaimName', str(c.claimName)], ['ReadOnly', bool(c.readOnly)]])
    } else if (v.downwardAPI !== undefined) {
      w += '    Type:\tDownwardAPI (a volume populated by information about the pod)\n    Items:\n'
      for (const it of list(read.fields(v.downwardAPI).items)) {
        if (it.fieldRef !== undefined) w += `      ${str(read.fields(it.fieldRef).fieldPath)} -> ${str(it.path)}\n`
        if (it.resourceFieldRef !== undefined) w += `      ${str(read.fields(it.resourceFieldRef).resource)} -> ${str(it.path)}\n`
      }
    } else if (v.projected !== undefined) {
      w += line('Projected (a volume that contains injected data from multiple sources)')
      for (const s of list(read.fields(v.projected).sources)) {
        if (s.secret !== undefined) w += `    SecretName:\t${str(read.fields(s.secret).name)}\n    Optional:\t${bool(read.fields(s.secret).optional)}\n`
        else if (s.downwardAPI !== undefined) w += '    DownwardAPI:\ttrue\n'
        else if (s.configMap !== undefined) w += `    ConfigMapName:\t${str(read.fields(s.configMap).name)}\n    Optional:\t${bool(read.fields(s.configMap).optional)}\n`
        else if (s.serviceAccountToken !== undefined) w += `    TokenExpirationSeconds:\t${str(read.fields(s.serviceAccountToken).expirationSeconds)}\n`
      }
    }
  }
  return w
}

/** printTolerationsMultilineWithIndent: sorted by key; `op=Exists` alone for the toleration that matches every taint */
export function describeTolerations(tolerations: JsonObject[], space = ''): string {
  if (!tolerations.length) return `${space}Tolerations:\t<none>\n`
  const sorted = [...tolerations].sort((a, b) => (str(a.key) < str(b.key) ? -1 : str(a.key) > str(b.key) ? 1 : 0))
  return sorted
    .map((t, i) => {
      let s = str(t.key)
      if (str(t.value)) s += `=${str(t.value)}`
      if (str(t.effect)) s += `:${str(t.effect)}`
      if (t.operator === 'Exists' && !str(t.value)) s += str(t.key) || str(t.effect) ? ' op=Exists' : 'op=Exists'
      if (typeof t.tolerationSeconds === 'number') s += ` for ${t.tolerationSeconds}s`
      return `${i === 0 ? `${space}Tolerations:` : ''}\t${s}\n`
    })
    .join('')
}

/** describeTopologySpreadConstraints, sorted by topology key */
export function describeSpread(constraints: JsonObject[], space = ''): string {
  const sorted = [...constraints].sort((a, b) => (str(a.topologyKey) < str(b.topologyKey) ? -1 : str(a.topologyKey) > str(b.topologyKey) ? 1 : 0))
  return sorted
    .map((t, i) => {
      const sel = t.labelSelector !== undefined && t.labelSelector !== null ? ` for selector ${formatSelector(selectorFromJson(t.labelSelector))}` : ''
      return `${i === 0 ? `${space}Topology Spread Constraints:` : ''}\t${str(t.topologyKey)}:${str(t.whenUnsatisfiable)} when max skew ${str(t.maxSkew)} is exceeded${sel}\n`
    })
    .join('')
}

export function describePod(c: Cluster, ns: string, name: string): string | undefined {
  const p = c.index.pod.get(`${ns}/${name}`)
  if (!p) return undefined
  const pod = podJson(p, c)
  const meta = read.fields(pod.metadata)
  const spec = read.fields(pod.spec)
  const status = read.fields(pod.status)
  let w = ''
  w += `Name:\t${str(meta.name)}\n`
  w += `Namespace:\t${str(meta.namespace)}\n`
  if (typeof spec.priority === 'number') w += `Priority:\t${spec.priority}\n`
  if (str(spec.priorityClassName)) w += `Priority Class Name:\t${str(spec.priorityClassName)}\n`
  if (str(spec.runtimeClassName)) w += `Runtime Class Name:\t${str(spec.runtimeClassName)}\n`
  if (str(spec.serviceAccountName)) w += `Service Account:\t${str(spec.serviceAccountName)}\n`
  w += `Node:\t${str(spec.nodeName) ? `${str(spec.nodeName)}/${str(status.hostIP)}` : '<none>'}\n`
  if (status.startTime) w += `Start Time:\t${rfc1123z(str(status.startTime))}\n`
  w += multiline('Labels', labels(meta.labels))
  w += annotations(labels(meta.annotations))
  if (meta.deletionTimestamp && status.phase !== 'Failed' && status.phase !== 'Succeeded') {
    w += `Status:\tTerminating (lasts ${age(str(meta.deletionTimestamp), c.now)})\n`
    w += `Termination Grace Period:\t${str(meta.deletionGracePeriodSeconds)}s\n`
  } else w += `Status:\t${str(status.phase)}\n`
  if (str(status.reason)) w += `Reason:\t${str(status.reason)}\n`
  if (str(status.message)) w += `Message:\t${str(status.message)}\n`
  const seccomp = read.fields(read.fields(spec.securityContext).seccompProfile)
  if (read.fields(spec.securityContext).seccompProfile !== undefined) {
    w += `SeccompProfile:\t${str(seccomp.type)}\n`
    if (seccomp.type === 'Localhost') w += `LocalhostProfile:\t${str(seccomp.localhostProfile)}\n`
  }
  w += `IP:\t${str(status.podIP)}\n`
  const ips = list(status.podIPs)
  w += ips.length ? `IPs:\n${ips.map((ip) => `  IP:\t${str(ip.ip)}\n`).join('')}` : 'IPs:\t<none>\n'
  const controller = list(meta.ownerReferences).find((o) => o.controller === true)
  if (controller) w += `Controlled By:\t${str(controller.kind)}/${str(controller.name)}\n`
  if (str(status.nominatedNodeName)) w += `NominatedNodeName:\t${str(status.nominatedNodeName)}\n`
  if (spec.resources !== undefined && spec.resources !== null) w += `Resources:\n${describeResources(read.fields(spec.resources), '  ')}`
  const init = list(spec.initContainers)
  if (init.length) w += describeContainers('Init Containers', init, list(status.initContainerStatuses), pod)
  w += describeContainers('Containers', list(spec.containers), list(status.containerStatuses), pod)
  const conditions = list(status.conditions)
  const gates = list(spec.readinessGates)
  if (gates.length) {
    w += 'Readiness Gates:\n  Type\tStatus\n'
    for (const g of gates) w += `  ${str(g.conditionType)} \t${str(conditions.find((k) => k.type === g.conditionType)?.status) || '<none>'} \n`
  }
  if (conditions.length) {
    w += 'Conditions:\n  Type\tStatus\n'
    for (const k of conditions) w += `  ${str(k.type)} \t${str(k.status)} \n`
  }
  w += describeVolumes(list(spec.volumes))
  // qos.GetPodQOS: the class the API server recorded, else computed
  w += `QoS Class:\t${str(status.qosClass) || podQOSClass(spec)}\n`
  w += multiline('Node-Selectors', labels(spec.nodeSelector))
  w += describeTolerations(list(spec.tolerations))
  w += describeSpread(list(spec.topologySpreadConstraints))
  w += describeEvents(eventsFor(c, 'Pod', p.meta.namespace, p.meta.name), c.now)
  return tabwrite(w, 0, 2)
}
