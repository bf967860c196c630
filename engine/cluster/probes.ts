/**
 * kubelet's probes (readinessProbe, livenessProbe, startupProbe), replayed on
 * the simulated clock from each container's start to the cluster's "now".
 *
 * What one probe answers (pkg/kubelet/prober/prober.go runProbe, over
 * pkg/probe/{http,tcp,grpc}): the engine knows which ports a Pod listens on
 * and what its HTTP servers answer (traffic/servers.ts, traffic/http.ts), and
 * a probe's answer never changes over time, so each probe is judged once:
 *
 * - httpGet: nothing on the port → `Get "URL": dial tcp IP:PORT: connect:
 *   connection refused` (the Go client's error, pkg/probe/http/http.go
 *   returns err.Error() as the output); a status outside 200..399 → `HTTP
 *   probe failed with statuscode: N`; HTTPS to a plain-HTTP server → Go's
 *   `http: server gave HTTP response to HTTPS client`.
 * - tcpSocket: `dial tcp IP:PORT: connect: connection refused`
 *   (pkg/probe/tcp/tcp.go).
 * - grpc: nobody listening → `timeout: failed to connect service "IP:PORT"
 *   within 1s: context deadline exceeded` (pkg/probe/grpc/grpc.go dials with
 *   WithBlock until the probe's timeout). A server that listens is assumed to
 *   serve grpc.health.v1 (warned: not simulated).
 * - exec: not simulated; the command is taken to exit 0 (warned, except for the add-ons' own
 *   Pods, such as calico-node's `/bin/calico-node -felix-live`, which pass as in a healthy cluster).
 * - A port given by name resolves against the probe's own container's ports
 *   (pkg/probe/util.go ResolveContainerPort); a name no port has falls back
 *   to strconv.Atoi and fails: the probe *errors* ("Readiness probe errored
 *   and resulted in unknown state: strconv.Atoi: parsing "x": invalid
 *   syntax"), and the worker throws the result away (worker.go doProbe), so a
 *   readiness probe stays at its initial failure and a liveness probe never
 *   kills.
 *
 * When probes run (pkg/kubelet/prober/worker.go): every periodSeconds from
 * the container's start, skipping ticks before initialDelaySeconds, and,
 * until the startup probe has passed, every probe but the startup one. A
 * result counts once it repeats failureThreshold (or successThreshold) times
 * in a row. Readiness starts as failure, liveness as success. Every failed
 * run records a Warning `Unhealthy` event "<Type> probe failed: OUTPUT"
 * (prober.go), threshold or not. The simulator ticks at start + k·period,
 * k ≥ 1 (kubelet's first tick finds the container not yet running; its
 * random start-up jitter is left out), so the replay is deterministic.
 *
 * A liveness (or startup) failure kills the container: Normal `Killing`
 * "Container C failed liveness probe, will be restarted"
 * (kuberuntime_manager.go computePodActions, kuberuntime_container.go
 * killContainer). The simulator takes the process to exit at once on the
 * stop signal, 0 for servers that shut down gracefully (nginx, httpd, Redis,
 * PostgreSQL, MySQL) and 143 (128 + SIGTERM) for the rest. kubelet restarts
 * it with its back-off, 10 s doubling to 5 minutes (backOffRestart below;
 * pkg/kubelet/kubelet.go backOffPeriod, MaxContainerBackOff), and emits
 * Warning `BackOff` "Back-off restarting failed container C in pod
 * P_NS(UID)" on each sync it holds the container back (the simulator resyncs
 * every 10 s). With restartPolicy Never (or OnFailure after exit 0) it stays
 * down, the Killing message loses ", will be restarted", and once every
 * container is down the Pod is Failed (or Succeeded).
 *
 * Not replayed: a sidecar's probes, a terminating Pod's probes, and
 * exec probes (warned); probes of a port an image the engine does not know
 * might listen on, or of a hostNetwork Pod's port, are counted as passing
 * (warned).
 *
 * A Pod whose manifest pastes its status (conditions or containerStatuses)
 * keeps what the status says: no probe is replayed for it.
 */
import type { Container, ContainerProbes, Json, JsonObject, Pod, ProbeEvent } from '../model/types.ts'
import { read } from './context.ts'
import type { BuildContext, Loaded } from './context.ts'
import { podListener, imageServes, netexecHealthz } from '../traffic/servers.ts'
import type { App } from '../traffic/servers.ts'
import { goDuration } from './crash-loop.ts'
import { fieldPath } from '../load/schema.ts'

export type ProbeType = 'Readiness' | 'Liveness' | 'Startup'

const FIELD: Record<ProbeType, string> = { Readiness: 'readinessProbe', Liveness: 'livenessProbe', Startup: 'startupProbe' }
const TYPES: ProbeType[] = ['Startup', 'Liveness', 'Readiness']

/** A probe with the API server's defaults (SetDefaults_Probe: a zero counts as unset). */
export interface ProbeSpec {
  type: ProbeType
  raw: JsonObject
  initialDelay: number
  period: number
  timeout: number
  success: number
  failure: number
}

/** What one run of a probe answers. `assumed`: the simulator cannot tell, and counts it a success (with a warning). */
export type Verdict = { result: 'success' } | { result: 'failure'; output: string } | { result: 'error'; message: string } | { result: 'assumed'; why: string; field: string }

const BASE_BACKOFF = 10
const MAX_BACKOFF = 300
/** kubelet's pod worker resyncs a Pod held back by a back-off about every 10 s */
const SYNC_MS = 10_000
/** probe failures older than this are folded into one counted event (the API server keeps events an hour) */
const DETAIL_MS = 2 * 60 * 60 * 1000
/** a container's runs replayed at most (the back-off reaches 5 minutes: 10 days need ~2900) */
const MAX_RUNS = 5000

function num(v: Json | undefined, dflt: number): number {
  return typeof v === 'number' && v > 0 ? Math.floor(v) : dflt
}

export function probeSpec(type: ProbeType, container: JsonObject): ProbeSpec | undefined {
  const raw = read.obj(container[FIELD[type]])
  if (!raw) return undefined
  return {
    type,
    raw,
    initialDelay: typeof raw.initialDelaySeconds === 'number' && raw.initialDelaySeconds > 0 ? raw.initialDelaySeconds : 0,
    period: num(raw.periodSeconds, 10),
    timeout: num(raw.timeoutSeconds, 1),
    success: num(raw.successThreshold, 1),
    failure: num(raw.failureThreshold, 3),
  }
}

/** pkg/probe/util.go ResolveContainerPort: a number, a port name of the probe's container, or a number in a string. */
export function resolvePort(v: Json | undefined, container: JsonObject): { port: number } | { error: string } {
  let port: number
  if (typeof v === 'number') port = v
  else if (typeof v === 'string') {
    const named = read.arr(container.ports).map(read.fields).find((p) => p.name === v)
    if (named && typeof named.containerPort === 'number') port = named.containerPort
    else if (/^[+-]?\d+$/.test(v)) port = Number(v)
    else return { error: `strconv.Atoi: parsing ${JSON.stringify(v)}: invalid syntax` }
  } else return { error: `invalid port number: -1` }
  if (port > 0 && port < 65536) return { port }
  return { error: `invalid port number: ${port}` }
}

/** net.JoinHostPort */
function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`
}

/** Apps whose listening ports the engine knows in full: a port none of them listens on is refused. */
const KNOWN_APPS = new Set<App>(['nginx', 'httpd', 'agnhost', 'serve-hostname', 'redis', 'postgres', 'mysql', 'coredns', 'echo-basic'])
/** Apps that serve plain HTTP only: an HTTPS probe gets an HTTP answer to its TLS hello. */
const PLAIN_HTTP = new Set<App>(['nginx', 'httpd', 'agnhost', 'serve-hostname', 'echo-basic', 'coredns-health', 'coredns-ready', 'coredns-metrics'])
/** Apps that shut down with exit code 0 on their stop signal. */
const GRACEFUL = new Set<App>(['nginx', 'httpd', 'redis', 'postgres', 'mysql'])

function containerArgv(c: JsonObject): string[] {
  return [...read.arr(c.command), ...read.arr(c.args)].filter((x): x is string => typeof x === 'string')
}

/**
 * The status an HTTP GET of `path` gets from `app`, as traffic/http.ts answers
 * curl (except for its netexec paths on other servers); 'eof' for servers that
 * close without answering, undefined when the engine cannot tell.
 */
export function probeHttpStatus(app: App, path: string, argv: string[] = [], timeout = 1): number | 'eof' | 'timeout' | undefined {
  const p = path.replace(/\?.*$/, '') || '/'
  switch (app) {
    case 'redis':
    case 'postgres':
      return 'eof'
    case 'coredns':
      // DNS over TCP reads "GE" as a length prefix and waits for 18,245 bytes, until its 2 s read timeout
      return timeout < 2 ? 'timeout' : 'eof'
    case 'mysql':
    case 'sshd':
    case 'ingress-nginx':
    case 'kubelet':
    case 'kube-apiserver':
    case 'etcd':
    case 'tls-component':
    case 'kube-proxy-health':
    case 'kubelet-healthz':
    case 'kube-proxy-metrics':
      return undefined
    default:
  }
  // (traffic/http.ts lets every simulated server answer netexec's /hostname, /clientip and /echo,
  // so that readers can watch load balancing with any image; a probe gets the real server's answer)
  switch (app) {
    case 'nginx':
    case 'httpd':
      return p === '/' || p === '/index.html' ? 200 : 404
    case 'coredns-health':
      return p === '/health' ? 200 : 404
    case 'coredns-ready':
      return p === '/ready' ? 200 : 404
    case 'coredns-metrics':
      return p === '/metrics' ? 200 : 404
    case 'agnhost':
      // netexec's "/" handler takes every path it has no handler for; /exit and /shutdown end the process
      if (p === '/exit' || p === '/shutdown' || p === '/redirect') return undefined
      if (p === '/healthz') return netexecHealthz(argv)
      return 200
    default:
      // serve-hostname, echo-basic and unknown images answer every path (traffic/http.ts)
      return 200
  }
}

/**
 * One run of a probe's handler against the Pod (kubelet probes the Pod's IP).
 *
 * @example
 * judge(pod, container, spec) // { result: 'failure', output: 'HTTP probe failed with statuscode: 404' }
 */
export function judge(pod: Pod, container: JsonObject, spec: ProbeSpec): Verdict {
  const p = spec.raw
  const ip = pod.podIPs[0] ?? ''
  const images = read.arr((read.obj(pod.raw.spec) ?? {}).containers).map((c) => ({ image: String(read.fields(c).image ?? ''), app: imageServes(String(read.fields(c).image ?? ''), containerArgv(read.fields(c))).app }))
  // a port nobody listens on is refused only when the engine knows every process of the Pod
  const unknown = images.find((x) => !KNOWN_APPS.has(x.app))
  const refused = (port: number, what: string): Verdict | undefined => {
    if (podListener(pod, 'TCP', port)) return undefined
    if (pod.hostNetwork) return { result: 'assumed', why: `what listens on port ${port} of the node (the Pod uses the host's network) is not simulated`, field: '' }
    if (unknown) return { result: 'assumed', why: `the simulator does not know image ${JSON.stringify(unknown.image)}, so it cannot tell whether port ${port} answers (it knows only the ports a Pod declares)`, field: '' }
    return { result: 'failure', output: what }
  }
  if (p.httpGet !== undefined) {
    const h = read.fields(p.httpGet)
    const r = resolvePort(h.port, container)
    if ('error' in r) return { result: 'error', message: r.error }
    const host = read.str(h.host)
    if (host && host !== ip) return otherHost(host)
    const scheme = (read.str(h.scheme) ?? 'HTTP').toLowerCase()
    const path = read.str(h.path) || '/'
    const hp = hostPort(ip, r.port)
    const url = `${scheme}://${hp}${path.startsWith('/') ? '' : '/'}${path}`
    const no = refused(r.port, `Get ${JSON.stringify(url)}: dial tcp ${hp}: connect: connection refused`)
    if (no) return no
    const l = podListener(pod, 'TCP', r.port)
    if (!l) return { result: 'success' }
    if (scheme === 'https') return httpsProbe(l.app, r.port, url)
    // the listener may be a sidecar's (an init container with restartPolicy Always)
    const podSpec = read.obj(pod.raw.spec) ?? {}
    const owner = [...read.arr(podSpec.containers), ...read.arr(podSpec.initContainers)].map(read.fields).find((c) => c.name === l.container)
    const status = probeHttpStatus(l.app, path, owner ? containerArgv(owner) : [], spec.timeout)
    // 200..399 pass (a redirect to another host passes with a warning; the simulated servers do not redirect)
    if (typeof status === 'number' && status >= 200 && status < 400) return { result: 'success' }
    return httpProbeFailure(status, l.app, path, url)
  }
  // tcpSocket, grpc, exec: compiled only for Pods that use them (issue 20; kubeadm's CoreDNS probes are httpGet)
  return otherHandler(p, container, spec, ip, refused)
}

function otherHost(host: string): Verdict {
  return { result: 'assumed', why: `a probe of another host (${host}) is not simulated`, field: 'httpGet.host' }
}

/** An https probe of a listener: a plain-HTTP server fails the TLS handshake. */
function httpsProbe(app: App, port: number, url: string): Verdict {
  if (!PLAIN_HTTP.has(app)) return { result: 'assumed', why: `whether port ${port} speaks TLS is not simulated`, field: 'httpGet.scheme' }
  return { result: 'failure', output: `Get ${JSON.stringify(url)}: http: server gave HTTP response to HTTPS client` }
}

/** An http probe that did not get a 2xx or 3xx: unknown path, EOF, the client's timeout, or the status. */
function httpProbeFailure(status: ReturnType<typeof probeHttpStatus>, app: string, path: string, url: string): Verdict {
  if (status === undefined) return { result: 'assumed', why: `what ${app} answers to GET ${path} is not simulated`, field: 'httpGet.path' }
  if (status === 'eof') return { result: 'failure', output: `Get ${JSON.stringify(url)}: EOF` }
  // net/http's client timeout (the probe's timeoutSeconds)
  if (status === 'timeout') return { result: 'failure', output: `Get ${JSON.stringify(url)}: context deadline exceeded (Client.Timeout exceeded while awaiting headers)` }
  return { result: 'failure', output: `HTTP probe failed with statuscode: ${status}` }
}

/** A probe's tcpSocket, grpc or exec handler (or none). */
function otherHandler(p: ProbeSpec['raw'], container: JsonObject, spec: ProbeSpec, ip: string, refused: (port: number, what: string) => Verdict | undefined): Verdict {
  if (p.tcpSocket !== undefined) {
    const t = read.fields(p.tcpSocket)
    const r = resolvePort(t.port, container)
    if ('error' in r) return { result: 'error', message: r.error }
    const host = read.str(t.host)
    if (host && host !== ip) return { result: 'assumed', why: `a probe of another host (${host}) is not simulated`, field: 'tcpSocket.host' }
    return refused(r.port, `dial tcp ${hostPort(ip, r.port)}: connect: connection refused`) ?? { result: 'success' }
  }
  if (p.grpc !== undefined) {
    const port = read.num(read.path(p.grpc, 'port')) ?? 0
    const hp = hostPort(ip, port)
    const no = refused(port, `timeout: failed to connect service ${JSON.stringify(hp)} within ${goDuration(spec.timeout)}: context deadline exceeded`)
    if (no) return no
    return { result: 'assumed', why: `whether the server on port ${port} implements the gRPC health service (grpc.health.v1.Health) is not simulated`, field: 'grpc' }
  }
  if (p.exec !== undefined) {
    const cmd = read.arr(read.path(p.exec, 'command')).map(String).join(' ')
    return { result: 'assumed', why: `exec probes are not simulated: the simulator takes \`${cmd}\` to exit 0`, field: 'exec' }
  }
  return { result: 'assumed', why: 'a probe with no handler is not simulated', field: '' }
}

interface Judged {
  spec: ProbeSpec
  verdict: Verdict
}

/** The times (ms) a probe runs in [from, to): start + k·period, k ≥ 1, once initialDelaySeconds have passed. */
function ticks(start: number, spec: ProbeSpec, from: number, to: number): { first: number; step: number; count: (until: number) => number } {
  const step = spec.period * 1000
  const firstK = Math.max(1, Math.ceil(spec.initialDelay / spec.period))
  let first = start + firstK * step
  if (first < from) first += Math.ceil((from - first) / step) * step
  // how many ticks fall in [first, until) (until capped at `to`)
  const count = (until: number) => (Math.min(until, to) <= first ? 0 : Math.ceil((Math.min(until, to) - first) / step))
  return { first, step, count }
}

/** Failure events of one probe between two times: the recent ones one by one, older ones folded into the first. */
function failureEvents(out: ProbeEvent[], start: number, j: Judged, from: number, to: number, now: number): void {
  const v = j.verdict
  if (v.result !== 'failure' && v.result !== 'error') return
  const message = v.result === 'failure' ? `${j.spec.type} probe failed: ${v.output}` : `${j.spec.type} probe errored and resulted in unknown state: ${v.message}`
  const t = ticks(start, j.spec, from, to)
  const n = t.count(to)
  if (n === 0) return
  const detailFrom = now - DETAIL_MS
  let k = 0
  if (t.first < detailFrom) {
    const old = Math.min(n, Math.ceil((detailFrom - t.first) / t.step))
    // one event, first seen at the first of them, counted `old` times
    out.push({ at: t.first, type: 'Warning', reason: 'Unhealthy', message, count: old })
    k = old
  }
  for (; k < n; k++) out.push({ at: t.first + k * t.step, type: 'Warning', reason: 'Unhealthy', message })
}

/**
 * When kubelet starts a container again after killing it (kuberuntime_manager.go doBackOff over
 * client-go's flowcontrol.Backoff, 10 s doubling to 5 minutes, kubelet.go): the start is held
 * back while the newest exited run of the container finished less than the current back-off
 * ago, and each start that goes ahead past an exited run doubles the back-off (Next). The kill
 * and the start come in one sync, when the newest exited run is still the previous one, so the
 * first restarts of a container that runs longer than the back-off come at once. An entry
 * untouched for twice the maximum starts over (hasExpired).
 */
function backOffRestart(): { restart(killed: number, previousExit: number | undefined): { restartAt: number; backoff: number } } {
  let backoff: number | undefined
  let updated = 0
  const next = (at: number, eventTime: number) => {
    backoff = backoff === undefined || eventTime - updated > 2 * MAX_BACKOFF * 1000 ? BASE_BACKOFF : Math.min(backoff * 2, MAX_BACKOFF)
    updated = at
  }
  return {
    restart(killed, previousExit) {
      // no exited run yet: nothing to back off from
      if (previousExit === undefined) return { restartAt: killed, backoff: 0 }
      const expired = backoff !== undefined && previousExit - updated > 2 * MAX_BACKOFF * 1000
      if (backoff === undefined || expired || killed - previousExit >= backoff * 1000) {
        next(killed, previousExit)
        return { restartAt: killed, backoff: 0 }
      }
      // held back: from now on the newest exited run is the one just killed
      const wait = backoff
      const restartAt = killed + wait * 1000
      next(restartAt, killed)
      return { restartAt, backoff: wait }
    },
  }
}

/**
 * Replays one container's probes from `start` to `now`.
 *
 * @example
 * replay('web', judged, Date.parse('2026-01-15T11:55:01Z'), Date.parse('2026-01-15T12:00:00Z'), 'agnhost', 'web-0_default(uid)')
 */
export function replay(name: string, probes: Partial<Record<ProbeType, Judged>>, start: number, now: number, app: App, podRef: string, restartPolicy = 'Always'): ContainerProbes & { ready: boolean } {
  const exitCode = GRACEFUL.has(app) ? 0 : 143
  // the Pod's restartPolicy: Never never restarts, OnFailure only after a non-zero exit
  const restarts = restartPolicy === 'Never' ? false : restartPolicy === 'OnFailure' ? exitCode !== 0 : true
  let terminated: number | undefined
  const runs: ContainerProbes['runs'] = []
  const events: ProbeEvent[] = []
  const fails = (j: Judged | undefined) => j?.verdict.result === 'failure'
  const errs = (j: Judged | undefined) => j?.verdict.result === 'error'
  let t = start
  let started = false
  let ready = false
  let waiting: ContainerProbes['waiting']
  let readyChanged: number | undefined
  // the restart back-off, made at the first kill (most containers are never killed)
  let back: ReturnType<typeof backOffRestart> | undefined
  for (let n = 0; n < MAX_RUNS; n++) {
    const run: ContainerProbes['runs'][0] = { start: t }
    runs.push(run)
    if (n > 0) {
      events.push({ at: t, type: 'Normal', reason: 'Created', message: `Created container: ${name}` })
      events.push({ at: t, type: 'Normal', reason: 'Started', message: `Started container ${name}` })
    }
    // startup: the other probes wait for it; failureThreshold failures in a row kill the container
    let startedAt = t
    let killAt = Infinity
    let killedBy: ProbeType | undefined
    const su = probes.Startup
    if (su) {
      const k = ticks(t, su.spec, t, Infinity)
      if (fails(su)) {
        killAt = k.first + (su.spec.failure - 1) * k.step
        killedBy = 'Startup'
        startedAt = Infinity
      } else if (errs(su)) startedAt = Infinity
      else startedAt = k.first
      if (fails(su) || errs(su)) failureEvents(events, t, su, t, Math.min(now, killAt) + 1, now)
    }
    // liveness, from the first tick after the start
    const lv = probes.Liveness
    if (lv && startedAt !== Infinity && fails(lv)) {
      const k = ticks(t, lv.spec, startedAt, Infinity)
      const at = k.first + (lv.spec.failure - 1) * k.step
      if (at < killAt) {
        killAt = at
        killedBy = 'Liveness'
      }
    }
    const end = Math.min(now + 1, killAt + 1)
    if (lv && startedAt !== Infinity && (fails(lv) || errs(lv))) failureEvents(events, t, lv, startedAt, end, now)
    const rd = probes.Readiness
    if (rd && startedAt !== Infinity && (fails(rd) || errs(rd))) failureEvents(events, t, rd, startedAt, end, now)
    // when this run turns ready: once started without a readiness probe, else at its successThreshold-th pass
    let readyFrom = Infinity
    if (startedAt !== Infinity) {
      if (!rd) readyFrom = startedAt
      else if (rd.verdict.result === 'success' || rd.verdict.result === 'assumed') {
        const k = ticks(t, rd.spec, startedAt, Infinity)
        readyFrom = k.first + (rd.spec.success - 1) * k.step
      }
    }
    if (killAt > now) {
      // still running now
      started = startedAt <= now
      ready = readyFrom <= now
      if (ready) readyChanged = readyFrom
      break
    }
    // ready until the kill: not ready since then
    if (readyFrom <= killAt) readyChanged = killAt
    run.killed = killAt
    events.push({ at: killAt, type: 'Normal', reason: 'Killing', message: `Container ${name} failed ${killedBy === 'Startup' ? 'startup' : 'liveness'} probe${restarts ? ', will be restarted' : ''}` })
    if (!restarts) {
      terminated = killAt
      started = false
      ready = false
      break
    }
    // kubelet kills and starts again in one sync; doBackOff holds the start back while the
    // previous run's exit is more recent than the back-off (see backOffRestart)
    const { restartAt, backoff } = (back ??= backOffRestart()).restart(killAt, n > 0 ? runs[n - 1].killed! : undefined)
    // the sync that kills it already finds the container in back-off, then every resync
    for (let s = killAt + 1000; s < restartAt && s <= now; s += SYNC_MS) {
      events.push({ at: s, type: 'Warning', reason: 'BackOff', message: `Back-off restarting failed container ${name} in pod ${podRef}` })
    }
    if (restartAt > now) {
      waiting = { backoff, restartAt }
      started = false
      ready = false
      break
    }
    t = restartAt
    // a history longer than the replay's bound (weeks of restarts): the container is taken to be between two attempts
    if (n === MAX_RUNS - 1) waiting = { backoff: MAX_BACKOFF, restartAt: now + 1000 }
  }
  events.sort((a, b) => a.at - b.at)
  return {
    runs,
    started,
    waiting,
    terminated,
    exitCode,
    exitReason: exitCode === 0 ? 'Completed' : 'Error',
    events,
    ready,
    readyChanged,
  }
}

/** The object and the path of a Pod's spec that its diagnostics point at. */
function whereIs(ctx: BuildContext, pod: Pod): { obj?: Loaded; base: (string | number)[] } {
  if (!pod.source) return { base: ['spec'] }
  for (const list of ctx.byKind.values()) {
    const obj = list.find((o) => o.ref === pod.source)
    if (obj) return { obj, base: obj.kind === 'Pod' ? ['spec'] : ['spec', 'template', 'spec'] }
  }
  return { base: ['spec'] }
}

/** Whether a PodSpec's containers have probes, once per spec (the replicas of a template share theirs). */
const probed = new WeakMap<JsonObject, boolean>()
function hasProbes(spec: JsonObject): boolean {
  let v = probed.get(spec)
  if (v === undefined) {
    v = [...read.arr(spec.containers), ...read.arr(spec.initContainers)].some((c) => {
      const o = read.obj(c)
      return !!o && (o.readinessProbe !== undefined || o.livenessProbe !== undefined || o.startupProbe !== undefined)
    })
    probed.set(spec, v)
  }
  return v
}

/**
 * Runs the probes of every running Pod up to `now`, in place: the probed
 * containers get their `probes` record and readiness, the Pod its `ready`.
 * Pods without probes are left exactly as they are.
 */
export function applyProbes(ctx: BuildContext, pods: Pod[], now: string): void {
  const nowMs = Date.parse(now)
  const warned = new Set<string>()
  for (const pod of pods) {
    if (pod.phase !== 'Running' || pod.podIPs.length === 0 || pod.terminating) continue
    const specJson = read.obj(pod.raw.spec)
    if (!specJson || !hasProbes(specJson)) continue
    const rawContainers = read.arr(specJson.containers).map(read.fields)
    const status = read.obj(pod.raw.status)
    // a pasted status is what kubelet decided: it wins over the replay
    if (status && (status.conditions !== undefined || status.containerStatuses !== undefined)) continue
    const created = Date.parse(pod.meta.creationTimestamp)
    if (Number.isNaN(created)) continue
    const podRef = `${pod.meta.name}_${pod.meta.namespace}(${pod.meta.uid})`
    let where: ReturnType<typeof whereIs> | undefined
    // said once per object (the replicas of a template share it)
    const say = (severity: 'warning' | 'error', code: string, at: (string | number)[], text: string) => {
      // the add-ons' own probes (calico-node's exec probes, cluster/addon-manifests.ts) are no reader's
      // manifest: they pass, as in a healthy cluster, without a note about a file the reader never wrote
      if (!pod.source) return
      where ??= whereIs(ctx, pod)
      const path = [...where.base, ...at]
      const key = `${where.obj?.ref.source}/${where.obj?.ref.doc}/${path.join('.')}`
      if (warned.has(key)) return
      warned.add(key)
      ctx.report(severity, code, where.obj ? { kind: where.obj.kind, namespace: where.obj.namespace, name: where.obj.name, ref: where.obj.ref } : undefined, path, `${fieldPath(path)}: ${text}`)
    }
    read.arr(specJson.initContainers).forEach((c, i) => {
      for (const type of TYPES) {
        if (read.obj(read.fields(c)[FIELD[type]])) say('warning', 'not-simulated', ['initContainers', i, FIELD[type]], "not simulated: the simulator runs the probes of a Pod's containers, not those of its sidecars (init containers with restartPolicy Always); it counts the sidecar as started and ready")
      }
    })
    const containers: Container[] = pod.containers.map((c, i) => {
      const raw = rawContainers.find((x) => x.name === c.name)
      if (!raw || c.crash) return c
      const judged: Partial<Record<ProbeType, Judged>> = {}
      for (const type of TYPES) {
        const spec = probeSpec(type, raw)
        if (!spec) continue
        const verdict = judge(pod, raw, spec)
        judged[type] = { spec, verdict }
        const at = (field: string) => ['containers', i, FIELD[type], ...(field ? field.split('.') : [])]
        if (verdict.result === 'assumed') say('warning', 'not-simulated', at(verdict.field), `${verdict.why}; the simulator counts the probe as passing`)
        if (spec.raw.terminationGracePeriodSeconds !== undefined && spec.raw.terminationGracePeriodSeconds !== null) {
          // on a readiness probe the API server refuses it (cluster/probe-validation.ts)
          if (type !== 'Readiness') say('warning', 'not-simulated', at('terminationGracePeriodSeconds'), 'not simulated: the simulator takes a container kubelet kills to stop at once, so no grace period runs out')
        }
      }
      if (!judged.Startup && !judged.Liveness && !judged.Readiness) return c
      const app = imageServes(c.image, containerArgv(raw)).app
      // containers start a second after their Pod is created (kubectl/events.ts Started)
      const r = replay(c.name, judged, created + 1000, nowMs, app, podRef, pod.restartPolicy)
      const { ready, ...probes } = r
      return { ...c, ready: c.ready && ready, restartCount: c.restartCount + (probes.runs.length - 1), probes }
    })
    pod.containers = containers
    pod.ready = pod.ready && containers.every((c) => c.ready)
    // every container killed for good (restartPolicy Never or OnFailure): the Pod is over (kubelet_pods.go getPhase)
    if (containers.every((c) => c.probes?.terminated !== undefined)) pod.phase = containers.some((c) => c.probes!.exitCode !== 0) ? 'Failed' : 'Succeeded'
  }
}

/** ISO time of a replay time, as the API prints it. */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/**
 * The run containerStatuses[].lastState.terminated reports: the last one killed, or, when
 * the current run is over for good (`terminated`, which its state reports), the one before.
 */
export function lastState(p: ContainerProbes): { index: number; start: number; killed: number } | undefined {
  if (p.terminated === undefined) return lastKilled(p)
  const i = p.runs.length - 2
  return i >= 0 ? { index: i, start: p.runs[i].start, killed: p.runs[i].killed! } : undefined
}

/** The last run kubelet killed, if any. */
export function lastKilled(p: ContainerProbes): { index: number; start: number; killed: number } | undefined {
  for (let i = p.runs.length - 1; i >= 0; i--) {
    const r = p.runs[i]
    if (r.killed !== undefined) return { index: i, start: r.start, killed: r.killed }
  }
  return undefined
}
