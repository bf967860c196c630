/**
 * Events: what the scheduler and the kubelets record about the Pods the
 * engine placed, derived from the built cluster (no wall clock: every time
 * is an offset from the object's creationTimestamp, ages from cluster.now).
 *
 * - default-scheduler: `Scheduled` "Successfully assigned NS/NAME to NODE"
 *   (pkg/scheduler/schedule_one.go), or `FailedScheduling` with the
 *   scheduler's reason. It writes events.k8s.io/v1 Events: eventTime is set,
 *   firstTimestamp/lastTimestamp are not, the source is empty.
 * - kubelet: `Created` "Created container: NAME" and `Started` "Started
 *   container NAME" (pkg/kubelet/kuberuntime/kuberuntime_container.go), or,
 *   when the CNI ADD fails, `FailedCreatePodSandBox` "Failed to create pod
 *   sandbox: ERR" (kuberuntime_manager.go) on every retry. The pod worker
 *   retries a failed sync after its backoff (10 s, jittered up to 50 %,
 *   pkg/kubelet/pod_workers.go): the simulator retries every 12 s. Each
 *   retry makes a new sandbox, so the messages differ; client-go's
 *   EventAggregator (tools/record/events_cache.go) keeps the first 9
 *   distinct messages of one source/object/type/reason as events of their
 *   own and folds the rest into one event, "(combined from similar events):
 *   LATEST", whose count grows. The spam filter lets 25 events through at
 *   once per source and object, then one per 5 minutes; it runs after the
 *   logger has counted (EventCorrelate), so an update that gets through
 *   carries every occurrence so far.
 * - kubelet's probes (cluster/probes.ts): Warning `Unhealthy` "<Type> probe
 *   failed: …" for every failed run, Normal `Killing` "Container C failed
 *   liveness probe, will be restarted", `Created`/`Started` again for each
 *   restart, Warning `BackOff` while a restart is held back.
 * - The API server forgets an event an hour after its last update
 *   (kube-apiserver --event-ttl, default 1h): the cluster's own Pods, 10 days
 *   old, have none left.
 * Image pulls are not simulated, so there are no Pulling/Pulled events.
 */
import type { Cluster, JsonObject, Pod } from '../model/types.ts'
import { read } from '../cluster/context.ts'
import { deterministicUID } from '../cluster/hash.ts'
import { sha256Hex } from '../dataplane/sha256.ts'
import { crashLoop } from '../cluster/crash-loop.ts'
import { humanDuration } from '../text/duration.ts'
import type { ClusterEvent } from './event-types.ts'
import { workloadEvents } from './workload-events.ts'

export type { ClusterEvent }

const EVENT_TTL_MS = 60 * 60 * 1000
const SANDBOX_RETRY_MS = 12_000
const AGGREGATE_MAX_DISTINCT = 10
const SPAM_BURST = 25
const SPAM_REFILL_MS = 5 * 60 * 1000

const cache = new WeakMap<Cluster, ClusterEvent[]>()

/** Every event the API server still holds, sorted by namespace and name (etcd's order). */
export function clusterEvents(cluster: Cluster): ClusterEvent[] {
  const hit = cache.get(cluster)
  if (hit) return hit
  const now = Date.parse(cluster.now)
  const out: ClusterEvent[] = []
  for (const pod of cluster.pods) out.push(...podEvents(pod, now))
  out.push(...workloadEvents(cluster))
  const kept = out.filter((e) => now - e.last < EVENT_TTL_MS && e.first <= now)
  kept.sort((a, b) => cmp(a.meta.namespace, b.meta.namespace) || cmp(a.meta.name, b.meta.name))
  cache.set(cluster, kept)
  return kept
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** The events of one object, as `kubectl describe` lists them (oldest first). */
export function eventsFor(cluster: Cluster, kind: string, namespace: string, name: string): ClusterEvent[] {
  return clusterEvents(cluster)
    .filter((e) => e.involved.kind === kind && e.involved.namespace === namespace && e.involved.name === name)
    .sort((a, b) => a.last - b.last || cmp(a.meta.name, b.meta.name))
}

interface Draft {
  at: number
  /** the recorder's clock for the event's name, in ms past `at` (names must differ) */
  nameOffsetMs: number
  type: ClusterEvent['type']
  reason: string
  message: string
  component: string
  fieldPath?: string
  /** occurrences this draft stands for (folded probe failures) */
  count?: number
}

/** name offsets of the kubelet's probe-related events, so that two made at one instant differ */
const PROBE_OFFSET: Record<string, number> = { Readiness: 0, Liveness: 1, Startup: 2, Killing: 3, BackOff: 4, Created: 5, Started: 6 }

function podEvents(pod: Pod, now: number): ClusterEvent[] {
  const created = Date.parse(pod.meta.creationTimestamp)
  if (Number.isNaN(created)) return []
  const ns = pod.meta.namespace
  const name = pod.meta.name
  const pinned = read.str(read.path(pod.raw, 'spec', 'nodeName')) !== undefined
  const events: ClusterEvent[] = []
  const scheduler = (type: ClusterEvent['type'], reason: string, message: string) => {
    events.push(makeEvent(pod, { at: created, nameOffsetMs: 0, type, reason, message, component: '' }, 1, created, true))
  }
  if (pod.nodeName && !pinned) scheduler('Normal', 'Scheduled', `Successfully assigned ${ns}/${name} to ${pod.nodeName}`)
  else if (!pod.nodeName && pod.pendingReason) scheduler('Warning', 'FailedScheduling', pod.pendingReason)
  if (!pod.nodeName) return events

  const kubelet: Draft[] = []
  // (a Pod its probes ended, restartPolicy Never or OnFailure, ran until then)
  if (pod.podIPs.length > 0 && (pod.phase === 'Running' || pod.containers.some((c) => c.probes?.terminated !== undefined))) {
    pod.containers.forEach((c, i) => {
      const fieldPath = `spec.containers{${c.name}}`
      kubelet.push({ at: created + 1000, nameOffsetMs: 100 + 20 * i, type: 'Normal', reason: 'Created', message: `Created container: ${c.name}`, component: 'kubelet', fieldPath })
      kubelet.push({ at: created + 1000, nameOffsetMs: 110 + 20 * i, type: 'Normal', reason: 'Started', message: `Started container ${c.name}`, component: 'kubelet', fieldPath })
    })
    // kubelet's BackOff warning for a container it holds back after a crash (the simulator keeps the latest one)
    pod.containers.forEach((c, i) => {
      if (!c.crash) return
      const at = Date.parse(crashLoop(pod.meta.creationTimestamp, new Date(now).toISOString()).lastStart)
      kubelet.push({ at, nameOffsetMs: 200 + 20 * i, type: 'Warning', reason: 'BackOff', message: `Back-off restarting failed container ${c.name} in pod ${name}_${ns}(${pod.meta.uid})`, component: 'kubelet', fieldPath: `spec.containers{${c.name}}` })
    })
    // what the probes made kubelet say, and its restarts of the containers they failed (cluster/probes.ts)
    pod.containers.forEach((c, i) => {
      for (const e of c.probes?.events ?? []) {
        const offset = PROBE_OFFSET[e.reason === 'Unhealthy' ? e.message.slice(0, e.message.indexOf(' ')) : e.reason] ?? 7
        kubelet.push({ at: e.at, nameOffsetMs: 300 + 20 * i + offset, type: e.type, reason: e.reason, message: e.message, component: 'kubelet', fieldPath: `spec.containers{${c.name}}`, count: e.count })
      }
    })
    kubelet.sort((a, b) => a.at - b.at)
  } else if (pod.podIPs.length === 0 && pod.pendingReason && !pod.hostNetwork) {
    for (let k = 0, at = created + 1000; at <= now; k++, at += SANDBOX_RETRY_MS) {
      const sandbox = sha256Hex(`sandbox/${pod.meta.uid}/${k}`)
      kubelet.push({
        at,
        nameOffsetMs: 0,
        type: 'Warning',
        reason: 'FailedCreatePodSandBox',
        message: `Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "${sandbox}": ${pod.pendingReason}`,
        component: 'kubelet',
      })
    }
  }
  events.push(...record(pod, kubelet))
  return events
}

/** client-go's EventSourceObjectSpamFilter: a token bucket per source and object (getSpamKey). */
function spamFilter(): (at: number) => boolean {
  let tokens = SPAM_BURST
  let refilled: number | undefined
  return (at) => {
    refilled ??= at
    const gained = Math.floor((at - refilled) / SPAM_REFILL_MS)
    if (gained > 0) {
      tokens = Math.min(SPAM_BURST, tokens + gained)
      refilled += gained * SPAM_REFILL_MS
    }
    if (tokens === 0) return false
    tokens--
    return true
  }
}

/**
 * EventCorrelator.EventCorrelate: the EventAggregator (distinct messages stand alone up to 9,
 * the rest fold into one event), then the EventLogger (the same event again bumps its count),
 * then the spam filter. The logger counts an occurrence the filter then drops, so the next
 * update that gets through carries every occurrence so far; what the API server holds is the
 * last update that got through.
 */
function record(pod: Pod, drafts: Draft[]): ClusterEvent[] {
  const out: ClusterEvent[] = []
  interface Logged {
    /** the logger's copy */
    event: ClusterEvent
    /** the API server's copy, once one update got through */
    stored?: ClusterEvent
  }
  const byKey = new Map<string, { distinct: Set<string>; combined?: Logged; same: Map<string, Logged> }>()
  const allow = spamFilter()
  for (const d of drafts) {
    // the aggregator's key leaves the fieldPath out (EventAggregatorByReasonFunc); the logger's keeps it (getEventKey)
    const key = `${d.component}/${d.type}/${d.reason}`
    const logKey = `${d.fieldPath ?? ''}\n${d.message}`
    let g = byKey.get(key)
    if (!g) byKey.set(key, (g = { distinct: new Set(), same: new Map() }))
    const n = d.count ?? 1
    let logged = g.same.get(logKey)
    if (logged) {
      logged.event.count += n
      logged.event.last = d.at
    } else {
      g.distinct.add(d.message)
      if (g.distinct.size < AGGREGATE_MAX_DISTINCT) {
        logged = { event: makeEvent(pod, d, n, d.at, false) }
        g.same.set(logKey, logged)
      } else {
        const message = `(combined from similar events): ${d.message}`
        if (g.combined) {
          g.combined.event.count += n
          g.combined.event.last = d.at
          g.combined.event.message = message
        } else g.combined = { event: makeEvent(pod, { ...d, message }, n, d.at, false) }
        logged = g.combined
      }
    }
    if (!allow(d.at)) continue
    if (logged.stored) Object.assign(logged.stored, { count: logged.event.count, last: logged.event.last, message: logged.event.message })
    else out.push((logged.stored = { ...logged.event }))
  }
  return out
}

function makeEvent(pod: Pod, d: Draft, count: number, first: number, eventTime: boolean): ClusterEvent {
  // record.makeEvent / events.makeEvent: NAME.%x of the recorder's clock in nanoseconds
  const nanos = (BigInt(d.at) + BigInt(d.nameOffsetMs)) * 1_000_000n
  const name = `${pod.meta.name}.${nanos.toString(16)}`
  const created = new Date(first).toISOString().replace(/\.\d{3}Z$/, 'Z')
  return {
    meta: {
      name,
      namespace: pod.meta.namespace,
      uid: deterministicUID(`Event/${pod.meta.namespace}/${name}`),
      labels: {},
      annotations: {},
      creationTimestamp: created,
      resourceVersion: String(1000 + (Number(nanos / 1_000_000_000n) % 100000)),
    },
    involved: { apiVersion: 'v1', kind: 'Pod', namespace: pod.meta.namespace, name: pod.meta.name, uid: pod.meta.uid, fieldPath: d.fieldPath },
    type: d.type,
    reason: d.reason,
    message: d.message,
    component: d.component,
    host: d.component === 'kubelet' ? pod.nodeName : undefined,
    reportingController: d.component || 'default-scheduler',
    reportingInstance: d.component === 'kubelet' ? pod.nodeName : 'default-scheduler-control-plane',
    first,
    last: first,
    count,
    eventTime,
    action: eventTime ? (d.reason === 'Scheduled' ? 'Binding' : 'Scheduling') : undefined,
  }
}

function since(ms: number, now: string): string {
  return humanDuration(Date.parse(now) - ms)
}

/** printers.go printEvent: LAST SEEN, TYPE, REASON, OBJECT, MESSAGE (wide: SUBOBJECT, SOURCE, FIRST SEEN, COUNT, NAME too). */
export const eventTable = {
  headers: ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'],
  wideHeaders: ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'SUBOBJECT', 'SOURCE', 'MESSAGE', 'FIRST SEEN', 'COUNT', 'NAME'],
  row(e: ClusterEvent, c: Cluster): string[] {
    return [since(e.last, c.now), e.type, e.reason, `${e.involved.kind.toLowerCase()}/${e.involved.name}`, e.message.trim()]
  },
  wideRow(e: ClusterEvent, c: Cluster): string[] {
    const source = e.component ? (e.host ? `${e.component}, ${e.host}` : e.component) : e.reportingController
    return [since(e.last, c.now), e.type, e.reason, `${e.involved.kind.toLowerCase()}/${e.involved.name}`, e.involved.fieldPath ?? '', source, e.message.trim(), since(e.first, c.now), String(e.count), e.meta.name]
  },
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/** The core/v1 Event as `kubectl get events -o yaml` shows it. */
export function eventJson(e: ClusterEvent): JsonObject {
  const involved: JsonObject = { apiVersion: e.involved.apiVersion, kind: e.involved.kind, name: e.involved.name, namespace: e.involved.namespace, uid: e.involved.uid }
  if (e.involved.fieldPath) involved.fieldPath = e.involved.fieldPath
  const o: JsonObject = {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { creationTimestamp: e.meta.creationTimestamp, name: e.meta.name, namespace: e.meta.namespace, resourceVersion: e.meta.resourceVersion, uid: e.meta.uid },
    involvedObject: involved,
    reason: e.reason,
    message: e.message,
    source: e.component ? (e.host ? { component: e.component, host: e.host } : { component: e.component }) : {},
    firstTimestamp: e.eventTime ? null : iso(e.first),
    lastTimestamp: e.eventTime ? null : iso(e.last),
    count: e.eventTime ? null : e.count,
    type: e.type,
    eventTime: e.eventTime ? new Date(e.first).toISOString().replace(/Z$/, '000Z') : null,
    reportingComponent: e.reportingController,
    reportingInstance: e.reportingInstance,
  }
  if (e.action) o.action = e.action
  if (o.count === null) delete o.count
  return o
}

/** describe.go DescribeEvents: the Events section of `kubectl describe`. */
export function describeEvents(events: ClusterEvent[], now: string): string {
  if (events.length === 0) return 'Events:\t<none>\n'
  let w = 'Events:\n  Type\tReason\tAge\tFrom\tMessage\n  ----\t------\t----\t----\t-------\n'
  for (const e of events) {
    const first = since(e.first, now)
    const interval = e.count > 1 ? `${since(e.last, now)} (x${e.count} over ${first})` : first
    w += `  ${e.type}\t${e.reason}\t${interval}\t${e.component || e.reportingController}\t${e.message.trim()}\n`
  }
  return w
}

/**
 * --field-selector for events: the fields the API server's event field set
 * offers (pkg/registry/core/event/strategy.go ToSelectableFields), with =, ==
 * and !=, comma-separated (AND).
 */
const EVENT_FIELDS: Record<string, (e: ClusterEvent) => string> = {
  'metadata.name': (e) => e.meta.name,
  'metadata.namespace': (e) => e.meta.namespace,
  'involvedObject.kind': (e) => e.involved.kind,
  'involvedObject.namespace': (e) => e.involved.namespace,
  'involvedObject.name': (e) => e.involved.name,
  'involvedObject.uid': (e) => e.involved.uid,
  'involvedObject.apiVersion': (e) => e.involved.apiVersion,
  'involvedObject.resourceVersion': () => '',
  'involvedObject.fieldPath': (e) => e.involved.fieldPath ?? '',
  reason: (e) => e.reason,
  reportingComponent: (e) => e.reportingController,
  source: (e) => e.component,
  type: (e) => e.type,
}

export function eventFieldFilter(selector: string): ((e: ClusterEvent) => boolean) | { error: string } {
  const terms: { key: string; value: string; neg: boolean }[] = []
  for (const part of selector.split(',')) {
    if (part.trim() === '') continue
    const m = /^([^=!]+)(==|=|!=)(.*)$/.exec(part.trim())
    if (!m) return { error: `error: invalid selector: '${selector}'; can't understand '${part}'` }
    const key = m[1].trim()
    if (!EVENT_FIELDS[key]) return { error: `Error from server (BadRequest): Unable to find "/v1, Resource=events" that match label selector "", field selector "${selector}": field label not supported: ${key}` }
    terms.push({ key, value: m[3].trim(), neg: m[2] === '!=' })
  }
  return (e) => terms.every((t) => (EVENT_FIELDS[t.key](e) === t.value) !== t.neg)
}
