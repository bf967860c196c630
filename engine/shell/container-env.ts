/**
 * The environment kubelet and the runtime give a container: what `printenv NAME` and a shell's
 * `$NAME` read inside it.
 *
 * - containerd's CRI plugin sets HOSTNAME to the sandbox's host name first; the image's ENV
 *   comes next and the container's variables from kubelet last, each overriding the one before
 *   (containerd internal/cri/server container_create_linux.go).
 * - kubelet (pkg/kubelet/kubelet_pods.go makeEnvironmentVariables): envFrom, then env in
 *   order, each `$(VAR)` in a value expanded from the variables declared before it and the
 *   Service variables (third_party/forked/golang/expansion), then the Service variables not
 *   already declared.
 * - Service variables (getServiceEnvVarMap, pkg/kubelet/envvars FromServices): for every
 *   Service of the Pod's namespace that has a cluster IP, unless `enableServiceLinks: false`,
 *   and for `kubernetes` in `default` always — and only Services that existed when the
 *   container was created: kubelet reads them from its cache at that moment. The simulator
 *   creates a Pod's containers when the Pod is created, so a Service created later is missing.
 *
 * kubelet assembles the list from Go maps, so `env` prints it in an order that changes from
 * container to container; single variables are exact. The image's own ENV (PATH, HOME, …) is
 * not simulated: such a name is `unknown`.
 */
import type { Cluster, JsonObject, Pod, Service } from '../model/types.ts'
import { read } from '../cluster/context.ts'
import { base64DecodedLength } from '../cluster/secrets.ts'
import { adapterFor } from '../kubectl/catalog.ts'
import { resourceType } from '../kubectl/resources.ts'

export interface ContainerEnv {
  /** every variable kubelet and containerd set, by name */
  vars: Map<string, string>
  /** why a variable the container declares has no value here (a source the simulator does not reproduce), by name */
  unknown: Map<string, string>
  /** the names the container's env declares: one of them without a value is unset (an optional source that is missing) */
  declared: Set<string>
}

/** Is a name one that only kubelet's Service variables can set (so unset means unset)? */
export function isServiceLinkName(name: string): boolean {
  return /^[A-Z0-9_]+_(SERVICE_HOST|SERVICE_PORT(_[A-Z0-9_]+)?|PORT(_\d+_(TCP|UDP|SCTP)(_(PROTO|PORT|ADDR))?)?)$/.test(name)
}

export function containerEnv(c: Cluster, pod: Pod, containerName: string): ContainerEnv {
  const vars = new Map<string, string>()
  const unknown = new Map<string, string>()
  vars.set('HOSTNAME', pod.hostNetwork ? pod.nodeName : (pod.hostname ?? pod.meta.name))
  const podSpec = read.fields(pod.raw.spec)
  const spec = [...read.arr(podSpec.containers), ...read.arr(podSpec.initContainers)].map(read.fields).find((x) => x.name === containerName)
  const serviceEnv = serviceVariables(c, pod)
  const declared = new Map<string, string>()
  const source = (kind: 'ConfigMap' | 'Secret', name: string): JsonObject | undefined => {
    if (kind === 'Secret') return c.secrets.find((s) => s.meta.namespace === pod.meta.namespace && s.meta.name === name)?.raw
    const ad = adapterFor(resourceType('configmaps')!)
    const item = ad.items(c).find((x) => ad.meta(x).namespace === pod.meta.namespace && ad.meta(x).name === name)
    return item === undefined ? undefined : ad.json(item, c)
  }
  const valueOf = (kind: 'ConfigMap' | 'Secret', obj: JsonObject, key: string): string | undefined => {
    const v = read.str(read.fields(obj.data)[key])
    if (v === undefined) return undefined
    return kind === 'Secret' ? decodeBase64Text(v) : v
  }
  for (const from of read.arr(spec?.envFrom).map(read.fields)) {
    const kind = from.configMapRef !== undefined ? 'ConfigMap' : from.secretRef !== undefined ? 'Secret' : undefined
    if (!kind) continue
    const ref = read.fields(kind === 'ConfigMap' ? from.configMapRef : from.secretRef)
    const obj = source(kind, read.str(ref.name) ?? '')
    if (!obj) continue
    const prefix = read.str(from.prefix) ?? ''
    for (const key of Object.keys(read.fields(obj.data))) {
      const v = valueOf(kind, obj, key)
      if (v !== undefined) declared.set(prefix + key, v)
    }
  }
  for (const e of read.arr(spec?.env).map(read.fields)) {
    const name = read.str(e.name)
    if (!name) continue
    const from = read.obj(e.valueFrom)
    if (!from) {
      declared.set(name, expand(read.str(e.value) ?? '', (n) => declared.get(n) ?? serviceEnv.get(n)))
      continue
    }
    const field = read.str(read.fields(from.fieldRef).fieldPath)
    if (field !== undefined) {
      const v = fieldValue(c, pod, field)
      if (v === undefined) unknown.set(name, `its fieldRef ${field} is not simulated`)
      else declared.set(name, v)
      continue
    }
    const ref = read.obj(from.configMapKeyRef) ?? read.obj(from.secretKeyRef)
    if (ref) {
      const kind = from.configMapKeyRef !== undefined ? 'ConfigMap' : 'Secret'
      const obj = source(kind, read.str(ref.name) ?? '')
      const v = obj ? valueOf(kind, obj, read.str(ref.key) ?? '') : undefined
      // a missing optional source leaves the variable out; a required one would stop the container starting
      if (v !== undefined) declared.set(name, v)
      else if (ref.optional !== true) unknown.set(name, `its ${kind} key is missing, so the container would not start (CreateContainerConfigError), which the simulator does not model`)
      continue
    }
    unknown.set(name, 'its resourceFieldRef (the container\'s limits, or the node\'s allocatable) is not simulated')
  }
  for (const [k, v] of declared) vars.set(k, v)
  for (const [k, v] of serviceEnv) if (!declared.has(k) && !unknown.has(k)) vars.set(k, v)
  return { vars, unknown, declared: new Set(read.arr(spec?.env).map((e) => read.str(read.fields(e).name) ?? '')) }
}

/** FromServices: {NAME}_SERVICE_HOST, _SERVICE_PORT, one per named port, and Docker's link variables. */
function serviceVariables(c: Cluster, pod: Pod): Map<string, string> {
  const links = read.fields(pod.raw.spec).enableServiceLinks !== false
  const byName = new Map<string, Service>()
  const started = Date.parse(pod.meta.creationTimestamp)
  for (const s of c.services) {
    const ip = s.clusterIPs[0]
    if (!ip || ip === 'None' || Date.parse(s.meta.creationTimestamp) > started) continue
    if (s.meta.namespace === 'default' && s.meta.name === 'kubernetes') {
      if (!byName.has(s.meta.name)) byName.set(s.meta.name, s)
    } else if (s.meta.namespace === pod.meta.namespace && links) byName.set(s.meta.name, s)
  }
  const out = new Map<string, string>()
  for (const s of byName.values()) {
    if (s.ports.length === 0) continue
    const ip = s.clusterIPs[0]
    const prefix = s.meta.name.replaceAll('-', '_').toUpperCase()
    out.set(`${prefix}_SERVICE_HOST`, ip)
    out.set(`${prefix}_SERVICE_PORT`, String(s.ports[0].port))
    for (const p of s.ports) if (p.name) out.set(`${prefix}_SERVICE_PORT_${p.name.replaceAll('-', '_').toUpperCase()}`, String(p.port))
    s.ports.forEach((p, i) => {
      const proto = p.protocol.toLowerCase()
      const hostPort = ip.includes(':') ? `[${ip}]:${p.port}` : `${ip}:${p.port}`
      if (i === 0) out.set(`${prefix}_PORT`, `${proto}://${hostPort}`)
      const pp = `${prefix}_PORT_${p.port}_${p.protocol.toUpperCase()}`
      out.set(pp, `${proto}://${hostPort}`)
      out.set(`${pp}_PROTO`, proto)
      out.set(`${pp}_PORT`, String(p.port))
      out.set(`${pp}_ADDR`, ip)
    })
  }
  return out
}

/** expansion.Expand: `$(VAR)` from the mapping (left as written when unknown), `$$` for a `$`. */
export function expand(input: string, lookup: (name: string) => string | undefined): string {
  let out = ''
  let i = 0
  while (i < input.length) {
    const ch = input[i]
    if (ch !== '$' || i + 1 >= input.length) {
      out += ch
      i++
      continue
    }
    const next = input[i + 1]
    if (next === '$') {
      out += '$'
      i += 2
    } else if (next === '(') {
      const close = input.indexOf(')', i + 2)
      if (close < 0) {
        out += '$('
        i += 2
      } else {
        const name = input.slice(i + 2, close)
        out += lookup(name) ?? `$(${name})`
        i = close + 1
      }
    } else {
      out += `$${next}`
      i += 2
    }
  }
  return out
}

/** kubelet's podFieldSelectorRuntimeValue and the fields the API server resolves in its place. */
function fieldValue(c: Cluster, pod: Pod, path: string): string | undefined {
  const m = /^metadata\.(labels|annotations)\['(.*)'\]$/.exec(path)
  if (m) return (m[1] === 'labels' ? pod.meta.labels : pod.meta.annotations)[m[2]] ?? ''
  const node = c.index.node.get(pod.nodeName)
  const hostIPs = node ? node.internalIPs : [pod.hostIP]
  switch (path) {
    case 'metadata.name':
      return pod.meta.name
    case 'metadata.namespace':
      return pod.meta.namespace
    case 'metadata.uid':
      return pod.meta.uid
    case 'spec.nodeName':
      return pod.nodeName
    case 'spec.serviceAccountName':
      return pod.serviceAccountName
    case 'status.hostIP':
      return hostIPs[0] ?? ''
    case 'status.hostIPs':
      return hostIPs.join(',')
    case 'status.podIP':
      return pod.podIPs[0] ?? ''
    case 'status.podIPs':
      return pod.podIPs.join(',')
  }
  return undefined
}

/** A Secret's value as the process sees it: the decoded bytes, read as UTF-8 text. */
function decodeBase64Text(b64: string): string | undefined {
  if (typeof base64DecodedLength(b64) === 'string') return undefined
  const bin = atob(b64.replace(/[\r\n]/g, ''))
  return new TextDecoder().decode(Uint8Array.from(bin, (ch) => ch.charCodeAt(0)))
}
