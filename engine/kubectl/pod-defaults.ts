/**
 * What a Pod holds by the time anyone reads it, beyond what its author wrote:
 * the API server's defaulting (pkg/apis/core/v1/defaults.go), the Priority and
 * DefaultTolerationSeconds admission plugins, and the tolerations the
 * DaemonSet controller gives its Pods. A value the author (or a pasted dump)
 * already set is kept.
 */
import { read } from '../cluster/context.ts'
import type { Json, JsonObject } from '../model/types.ts'
import { formatQuantity, quantityOf } from '../model/quantity.ts'
import { storedResources } from './pod-resources.ts'


/** The classes every cluster has (pkg/apis/scheduling: SystemCriticalPriority = 2 * 10^9, node-critical 1000 more). */
const SYSTEM_PRIORITY_CLASSES: Record<string, number> = {
  'system-node-critical': 2000001000,
  'system-cluster-critical': 2000000000,
}

/**
 * The Priority admission plugin (plugin/pkg/admission/priority): the value of
 * spec.priorityClassName; without one, the global default class's, and 0 when
 * there is none (the simulator has no PriorityClass objects). A class it does
 * not know would have the Pod refused ("no PriorityClass with name … was
 * found"); the loader does not check, so such a Pod shows 0.
 */
export function admittedPriority(spec: JsonObject): number {
  const name = spec.priorityClassName
  return typeof name === 'string' ? (SYSTEM_PRIORITY_CLASSES[name] ?? 0) : 0
}

/** imagePullPolicy default (SetDefaults_Container): Always for :latest or untagged images, else IfNotPresent */
function pullPolicy(image: string): string {
  const tail = image.slice(image.lastIndexOf('/') + 1)
  if (image.includes('@')) return 'IfNotPresent'
  if (!tail.includes(':') || tail.endsWith(':latest')) return 'Always'
  return 'IfNotPresent'
}

/** SetDefaults_Probe and SetDefaults_HTTPGetAction; a zero counts as unset, as in Go */
function defaultProbe(p: JsonObject): JsonObject {
  const out: JsonObject = { ...p, timeoutSeconds: p.timeoutSeconds || 1, periodSeconds: p.periodSeconds || 10, successThreshold: p.successThreshold || 1, failureThreshold: p.failureThreshold || 3 }
  if (p.httpGet !== undefined) out.httpGet = { ...read.fields(p.httpGet), path: read.fields(p.httpGet).path || '/', scheme: read.fields(p.httpGet).scheme || 'HTTP' }
  // GRPCAction.Service is `+default=""`
  if (p.grpc !== undefined) out.grpc = { service: '', ...read.fields(p.grpc) }
  return out
}

/** An env var: fieldRef.apiVersion defaults to v1 (SetDefaults_ObjectFieldSelector); a divisor left out is stored as "0" */
function defaultEnvVar(e: JsonObject): JsonObject {
  // EnvVar.Value is a string with omitempty: `value: ""` is stored as no value (canal.yaml's IP)
  if (e.value === '') {
    const { value: _empty, ...rest } = e
    e = rest
  }
  const from = read.fields(e.valueFrom)
  if (from.fieldRef !== undefined) return { ...e, valueFrom: { ...from, fieldRef: { apiVersion: 'v1', ...read.fields(from.fieldRef) } } }
  if (from.resourceFieldRef !== undefined) {
    const ref = read.fields(from.resourceFieldRef)
    const q = quantityOf(ref.divisor ?? '0')
    return { ...e, valueFrom: { ...from, resourceFieldRef: { ...ref, divisor: q ? formatQuantity(q) : (ref.divisor ?? '0') } } }
  }
  return e
}

/** A container as stored: SetDefaults_Container, requests from limits, TCP ports, host ports for host-network Pods, probe defaults */
export function defaultContainer(c: JsonObject, hostNetwork: boolean): JsonObject {
  const out: JsonObject = {
    imagePullPolicy: pullPolicy(String(c.image ?? '')),
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
    ...c,
    resources: storedResources(c.resources),
  }
  if (Array.isArray(c.ports)) {
    out.ports = c.ports.map((p) => {
      const o: JsonObject = { protocol: 'TCP', ...read.fields(p) }
      // defaultHostNetworkPorts: with the node's network, every port is a host port
      if (hostNetwork && !o.hostPort && o.containerPort) o.hostPort = o.containerPort
      return o
    })
  }
  for (const k of ['livenessProbe', 'readinessProbe', 'startupProbe']) if (c[k] !== undefined && c[k] !== null) out[k] = defaultProbe(read.fields(c[k]))
  if (Array.isArray(c.env)) out.env = c.env.map((e) => defaultEnvVar(read.fields(e)))
  // VolumeMount.ReadOnly is a plain bool with omitempty (core/v1 types.go): a false one is not stored
  if (Array.isArray(c.volumeMounts)) out.volumeMounts = c.volumeMounts.map((m) => {
    const { readOnly, ...rest } = read.fields(m)
    return readOnly === false ? rest : { ...rest, ...(readOnly !== undefined ? { readOnly } : {}) }
  })
  return out
}

/** A volume as stored: no source means emptyDir; file modes 0644 (420); hostPath type ""; projected tokens last an hour */
export function defaultVolume(v: JsonObject): JsonObject {
  const out: JsonObject = { ...v }
  if (Object.keys(v).every((k) => k === 'name')) out.emptyDir = {}
  for (const k of ['secret', 'configMap', 'downwardAPI', 'projected']) if (out[k] !== undefined) out[k] = { defaultMode: 420, ...read.fields(out[k]) }
  if (out.hostPath !== undefined) out.hostPath = { type: '', ...read.fields(out.hostPath) }
  const size = quantityOf(read.fields(out.emptyDir).sizeLimit)
  if (size) out.emptyDir = { ...read.fields(out.emptyDir), sizeLimit: formatQuantity(size) }
  if (out.projected !== undefined) {
    const p = read.fields(out.projected)
    const sources = read.arr(p.sources).map((s) => {
      const token = read.fields(s).serviceAccountToken
      return token === undefined ? s : { ...read.fields(s), serviceAccountToken: { expirationSeconds: 3600, ...read.fields(token) } }
    })
    if (p.sources !== undefined) out.projected = { ...p, sources }
  }
  return out
}

const NOT_READY = 'node.kubernetes.io/not-ready'
const UNREACHABLE = 'node.kubernetes.io/unreachable'

const str = (v: Json | undefined) => (typeof v === 'string' ? v : '')

/** v1helper.AddOrUpdateTolerationInPodSpec: one with the same key, operator, value and effect is replaced, else it is appended */
function addOrUpdate(list: JsonObject[], t: JsonObject): void {
  const same = (x: JsonObject) => str(x.key) === str(t.key) && str(x.operator) === str(t.operator) && str(x.value) === str(t.value) && str(x.effect) === str(t.effect)
  const i = list.findIndex(same)
  if (i < 0) list.push(t)
  else if (list[i].tolerationSeconds !== t.tolerationSeconds) list[i] = t
}

/**
 * spec.tolerations as stored. A DaemonSet's Pods first get what its controller
 * adds (pkg/controller/daemon/util AddOrUpdateDaemonPodTolerations: not-ready
 * and unreachable NoExecute without a time limit, the node-condition
 * NoSchedule taints, and network-unavailable for host-network Pods). Then the
 * DefaultTolerationSeconds admission plugin adds not-ready and unreachable
 * NoExecute for 300s unless a toleration already covers that taint (same or
 * empty key, NoExecute or empty effect).
 */
export function admittedTolerations(spec: JsonObject, daemonSetPod: boolean): JsonObject[] {
  const list = read.arr(spec.tolerations).map((t) => ({ ...read.fields(t) }))
  if (daemonSetPod) {
    const add = (key: string, effect: string) => addOrUpdate(list, { effect, key, operator: 'Exists' })
    add(NOT_READY, 'NoExecute')
    add(UNREACHABLE, 'NoExecute')
    for (const k of ['disk-pressure', 'memory-pressure', 'pid-pressure', 'unschedulable']) add(`node.kubernetes.io/${k}`, 'NoSchedule')
    if (spec.hostNetwork === true) add('node.kubernetes.io/network-unavailable', 'NoSchedule')
  }
  const covers = (key: string) => list.some((t) => (str(t.key) === key || str(t.key) === '') && (str(t.effect) === 'NoExecute' || str(t.effect) === ''))
  const notReady = covers(NOT_READY)
  const unreachable = covers(UNREACHABLE)
  if (!notReady) list.push({ effect: 'NoExecute', key: NOT_READY, operator: 'Exists', tolerationSeconds: 300 })
  if (!unreachable) list.push({ effect: 'NoExecute', key: UNREACHABLE, operator: 'Exists', tolerationSeconds: 300 })
  return list
}
