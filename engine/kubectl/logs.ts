/**
 * `kubectl logs`: what a container wrote to stdout and stderr, as kubectl
 * (k8s.io/kubectl/pkg/cmd/logs/logs.go) fetches and prints it.
 *
 * The lines come from a registry of log sources, one per program the engine
 * knows the output of (registerLogSource): kube-proxy, CoreDNS and agnhost
 * netexec are built in, and the CNI agents of cni-logs/. A container no source claims prints nothing, with a
 * note on stderr saying so, rather than invented lines.
 *
 * kubectl's rules kept here:
 * - POD, pod/NAME, or TYPE/NAME of a workload (the first Pod kubectl picks,
 *   "Found N pods, using pod/NAME" on stderr when there are several);
 * - -l SELECTOR: every matching Pod in turn, --tail defaulting to 10 then
 *   (-1, everything, without a selector); "No resources found in NS namespace.";
 * - a Pod with several containers and no -c: kubectl ≥ 1.26 picks the
 *   kubectl.kubernetes.io/default-container annotation or the first container
 *   and says so ("Defaulted container … out of: …"); --all-containers prints each;
 * - -c NAME that the Pod lacks: "container NAME is not valid for pod POD";
 * - a Pod not yet running: the API server's "is waiting to start" (BadRequest);
 *   a Pod not yet scheduled has no node to ask, and the answer is empty;
 * - --timestamps (RFC 3339 with nanoseconds, trailing zeros trimmed), --prefix
 *   ([pod/NAME/CONTAINER]), -p/--previous (a container that never restarted has no earlier
 *   attempt: BadRequest; a restarted one's earlier attempt is replayed: the bind errors of a
 *   crash loop, crash-log.ts, or the startup lines of a run a liveness probe killed, at that
 *   run's start on the simulated clock, cluster/probes.ts).
 * -f/--follow is refused: the simulated logs never grow, so there is no stream to follow.
 */
import type { Cluster, Container, ContainerProbes, Pod } from '../model/types.ts'
import type { Output } from '../shell/types.ts'
import type { Session } from '../shell/session.ts'
import { fail } from '../shell/types.ts'
import { noticesFirst } from '../shell/result.ts'
import { matchesRequirements, parseSelectorText } from '../cluster/selector.ts'
import type { LogLine } from '../text/klog.ts'
import { shiftLogLine } from '../text/klog.ts'
import { crashLoop } from '../cluster/crash-loop.ts'
import { lastState } from '../cluster/probes.ts'
import { crashAttemptLog } from './crash-log.ts'
import { defaultContainerOf, defaultedNote, specContainerOf } from '../model/containers.ts'
import { resolvePodRef } from './resolve.ts'
import { addonInitContainerLog } from '../cluster/addon-manifests.ts'
import { read } from '../cluster/context.ts'
import { BUILTIN_LOG_SOURCES } from './log-sources.ts'

import type { LogSource } from './log-source.ts'

export type { LogSource } from './log-source.ts'

const SOURCES: LogSource[] = [...BUILTIN_LOG_SOURCES]

/**
 * Adds a log source; later sources are asked first, so a module can refine a built-in one.
 *
 * @example
 * registerLogSource({ name: 'nginx', matches: (_c, _p, k) => k.image.startsWith('nginx'), lines: () => [] })
 */
export function registerLogSource(source: LogSource): void {
  SOURCES.unshift(source)
}

/** The lines of one container, or undefined when no source knows its program. */
export function containerLog(cluster: Cluster, pod: Pod, container: Container, session?: Session): LogLine[] | undefined {
  const src = SOURCES.find((s) => s.matches(cluster, pod, container))
  return src?.lines(cluster, pod, container, session)
}

interface LogsFlags {
  namespace: string
  selector?: string
  container?: string
  tail?: number
  timestamps: boolean
  prefix: boolean
  previous: boolean
  allContainers: boolean
  args: string[]
}

const USAGE = "error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command\nSee 'kubectl logs -h' for help and examples"

const VALUE_FLAGS: Record<string, keyof LogsFlags> = {
  '-n': 'namespace',
  '--namespace': 'namespace',
  '-l': 'selector',
  '--selector': 'selector',
  '-c': 'container',
  '--container': 'container',
  '--tail': 'tail',
}

function parseLogsFlags(argv: string[]): LogsFlags | { error: string } {
  const f: LogsFlags = { namespace: 'default', timestamps: false, prefix: false, previous: false, allContainers: false, args: [] }
  let verbSeen = false
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (!a.startsWith('-') || a === '-') {
      if (!verbSeen && a === 'logs') verbSeen = true
      else f.args.push(a)
      continue
    }
    const eq = a.indexOf('=')
    const name = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a.startsWith('--') ? a : a.slice(0, 2)
    const bool = (flag: string): boolean | { error: string } => {
      if (eq < 0) return true
      const v = a.slice(eq + 1)
      if (v === 'true') return true
      if (v === 'false') return false
      return { error: `error: invalid argument "${v}" for "${flag}" flag: strconv.ParseBool: parsing "${v}": invalid syntax` }
    }
    const key = VALUE_FLAGS[name]
    if (key) {
      let v: string | undefined
      if (a.startsWith('--') && eq > 0) v = a.slice(eq + 1)
      else if (!a.startsWith('--') && a.length > 2) v = a.slice(2).replace(/^=/, '')
      else v = argv[++i]
      if (v === undefined) return { error: `error: flag needs an argument: ${a.startsWith('--') ? a : `'${a[1]}' in ${a}`}` }
      if (key === 'tail') {
        if (!/^-?\d+$/.test(v)) return { error: `error: invalid argument "${v}" for "--tail" flag: strconv.ParseInt: parsing "${v}": invalid syntax` }
        f.tail = Number(v)
      } else (f as unknown as Record<string, string>)[key] = v
      continue
    }
    const boolFlags: Record<string, 'timestamps' | 'prefix' | 'previous' | 'allContainers'> = {
      '--timestamps': 'timestamps',
      '--prefix': 'prefix',
      '-p': 'previous',
      '--previous': 'previous',
      '--all-containers': 'allContainers',
    }
    const bk = boolFlags[name]
    if (bk && (name.startsWith('--') || a.length === 2)) {
      const v = bool(name)
      if (typeof v !== 'boolean') return v
      f[bk] = v
      continue
    }
    if (name === '-f' || name === '--follow') {
      return { error: 'error: -f/--follow is not simulated here: the simulated logs do not grow, so there is no stream to follow (run the command without -f)' }
    }
    if (['--since', '--since-time', '--limit-bytes', '--max-log-requests', '--pod-running-timeout', '--ignore-errors', '--insecure-skip-tls-verify-backend', '-A', '--all-namespaces', '--all-pods'].includes(name)) {
      return { error: `error: ${name} is not simulated here` }
    }
    return { error: `error: unknown flag: ${a}\nSee 'kubectl logs --help' for usage.` }
  }
  return f
}

/** RFC 3339 with nanoseconds as Go's RFC3339Nano prints it: trailing zeros of the fraction dropped. */
function rfc3339Nano(time: string): string {
  const m = /^(.*T\d\d:\d\d:\d\d)\.(\d+)Z$/.exec(time)
  if (!m) return time
  const frac = m[2].padEnd(9, '0').replace(/0+$/, '')
  return frac ? `${m[1]}.${frac}Z` : `${m[1]}Z`
}

/** kubectl.kubernetes.io/default-container, else the first container (podcmd.FindOrDefaultContainerByName; model/containers.ts). */
function defaultContainer(pod: Pod): { container: Container; note?: string } | undefined {
  const container = defaultContainerOf(pod)
  if (!container) return undefined
  const note = defaultedNote(pod)
  return note ? { container, note } : { container }
}

interface Chunk {
  stdout: string
  stderr: string
  error?: string
}

/** The run of a probe-restarted container as its log shows it: the first run's startup lines moved to its start, cut where it was killed. */
function runLines(pod: Pod, p: ContainerProbes, k: number, lines: LogLine[]): LogLine[] {
  const t = (l: LogLine) => Date.parse(l.time)
  const firstEnd = p.runs[0].killed ?? Infinity
  const run = p.runs[k]
  // a killed run's log ends where the stop signal ended the process (the simulated programs print nothing on SIGTERM)
  const end = run.killed ?? Infinity
  // run 0 started with the Pod (its startedAt is the creation time, api-objects.ts); later runs at their own start
  const delta = k === 0 ? 0 : run.start - Date.parse(pod.meta.creationTimestamp)
  const startup = lines.filter((l) => t(l) < firstEnd).map((l) => shiftLogLine(l, delta * 1000))
  // lines written later in the run (CoreDNS's query log: at the times of the queries)
  const later = k === 0 ? [] : lines.filter((l) => t(l) >= firstEnd && t(l) >= run.start)
  return [...startup, ...later].filter((l) => t(l) < end)
}

type Attempt = { lines: LogLine[] } | { note: string } | { error: string } | { skip: true }

/**
 * The attempt of container `c` whose log kubelet serves (pkg/kubelet/kubelet_pods.go
 * validateContainerLogStatus): --previous, the one lastState.terminated names (none: "previous
 * terminated container … not found"); otherwise the running one, or the one that ended last
 * when the container waits to be restarted (CrashLoopBackOff) or stays terminated.
 */
function attempt(cluster: Cluster, pod: Pod, c: Container, previous: boolean, session?: Session): Attempt {
  const notFound = { error: `Error from server (BadRequest): previous terminated container "${c.name}" in pod "${pod.meta.name}" not found` }
  if (c.crash && pod.podIPs.length > 0) {
    // crash-looping (cluster/port-conflicts.ts): waiting in back-off, so both ask for the last attempt
    const loop = crashLoop(pod.meta.creationTimestamp, cluster.now)
    const lines = crashAttemptLog(pod, c, loop.lastStart)
    if (lines) return { lines }
    return { note: `(knet: what container "${c.name}" (image ${c.image}) writes when it cannot bind port ${c.crash.port.port}/${c.crash.port.protocol}, which container "${c.crash.port.heldBy}" holds, is not simulated)\n` }
  }
  const p = c.probes
  const k = !p ? 0 : previous ? lastState(p)?.index : p.runs.length - 1
  if (previous && (!p || k === undefined)) return notFound
  // pkg/registry/core/pod/rest/log.go LogLocation: an unscheduled Pod has no kubelet to ask (empty answer);
  // a scheduled one whose containers have not started yet answers BadRequest
  if (!pod.nodeName) return { skip: true }
  if (pod.phase === 'Pending') return { error: `Error from server (BadRequest): container "${c.name}" in pod "${pod.meta.name}" is waiting to start: ContainerCreating` }
  // an add-on's finished init container ran a copy or an installer, not the agent its image also holds
  const addonInit = !pod.source && !c.sidecar && pod.initContainers.includes(c)
  const lines = addonInit ? addonInitContainerLog(read.obj(pod.raw.spec), c.name) : containerLog(cluster, pod, c, session)
  if (!lines) return { note: `(knet: no simulated log for container "${c.name}" (image ${c.image}); the engine writes the logs of kube-proxy, CoreDNS, agnhost netexec, nginx failing to bind its port, flannel v0.28.9 and calico-node v3.32.0 (calico, canal) on IPv4)\n` }
  return { lines: p && k !== undefined ? runLines(pod, p, k, lines) : lines }
}

function podLogs(cluster: Cluster, pod: Pod, f: LogsFlags, tail: number, session?: Session): Chunk {
  let stderr = ''
  let containers: Container[]
  if (f.allContainers) containers = [...pod.initContainers, ...pod.containers]
  else if (f.container !== undefined) {
    // any container of the spec: a sidecar's log streams like an app container's, a finished init container's stays readable
    const c = specContainerOf(pod, f.container)
    if (!c) return { stdout: '', stderr: '', error: `error: container ${f.container} is not valid for pod ${pod.meta.name}` }
    containers = [c]
  } else {
    const d = defaultContainer(pod)
    if (!d) return { stdout: '', stderr: '', error: `error: pod ${pod.meta.name} has no containers` }
    if (d.note) stderr += d.note
    containers = [d.container]
  }
  let stdout = ''
  for (const c of containers) {
    const a = attempt(cluster, pod, c, f.previous, session)
    if ('error' in a) return { stdout, stderr, error: a.error }
    if ('note' in a) {
      stderr += a.note
      continue
    }
    if ('skip' in a) continue
    const lines = a.lines
    const shown = tail >= 0 ? lines.slice(Math.max(0, lines.length - tail)) : lines
    for (const l of shown) {
      const pre = f.prefix ? `[pod/${pod.meta.name}/${c.name}] ` : ''
      const ts = f.timestamps ? `${rfc3339Nano(l.time)} ` : ''
      stdout += `${pre}${ts}${l.text}\n`
    }
  }
  return { stdout, stderr }
}

/**
 * Runs `kubectl logs …` (argv without the leading "kubectl").
 *
 * @example
 * kubectlLogs(cluster, ['logs', '-n', 'kube-system', 'ds/kube-proxy', '--tail=1']).stdout
 */
export function kubectlLogs(cluster: Cluster, argv: string[], session?: Session): Output {
  const f = parseLogsFlags(argv)
  if ('error' in f) return fail(f.error)
  if (f.selector !== undefined) {
    if (f.args.length > 0) return fail('error: only a selector (-l) or a POD name is allowed')
    const reqs = parseSelectorText(f.selector)
    if (typeof reqs === 'string') return fail(`error: ${reqs}`)
    const pods = cluster.pods.filter((p) => p.meta.namespace === f.namespace && matchesRequirements(reqs, p.meta.labels))
    if (pods.length === 0) return { exitCode: 0, stdout: '', stderr: `No resources found in ${f.namespace} namespace.\n` }
    let stdout = ''
    let stderr = ''
    for (const p of pods) {
      const r = podLogs(cluster, p, f, f.tail ?? 10, session)
      stdout += r.stdout
      stderr += r.stderr
      if (r.error) return { exitCode: 1, stdout, stderr: `${stderr}${r.error}\n` }
    }
    return { exitCode: 0, stdout, stderr }
  }
  if (f.args.length === 0) return fail(USAGE)
  if (f.args.length > 2) return fail(USAGE)
  if (f.args.length === 2) {
    if (f.container !== undefined) return fail("error: only one of -c or an inline [CONTAINER] arg is allowed")
    f.container = f.args[1]
  }
  const ref = f.args[0]
  const slash = ref.indexOf('/')
  let pod: Pod
  let stderr = ''
  if (slash < 0 || ['pod', 'pods', 'po'].includes(ref.slice(0, slash))) {
    const name = slash < 0 ? ref : ref.slice(slash + 1)
    const p = cluster.index.pod.get(`${f.namespace}/${name}`)
    if (!p) return fail(`error: error from server (NotFound): pods "${name}" not found in namespace "${f.namespace}"`)
    pod = p
  } else {
    const r = resolvePodRef(cluster, f.namespace, ref)
    if ('error' in r) return fail(r.error)
    pod = r.pod
    const type = ref.slice(0, slash)
    const name = ref.slice(slash + 1)
    let count: number
    if (['svc', 'service', 'services'].includes(type)) {
      const sel = cluster.index.service.get(`${f.namespace}/${name}`)?.selector ?? {}
      count = cluster.pods.filter((p) => p.meta.namespace === f.namespace && Object.entries(sel).every(([k, v]) => p.meta.labels[k] === v)).length
    } else {
      const kind = pod.workload?.name === name ? pod.workload.kind : pod.owner?.kind
      count = cluster.pods.filter(
        (p) => p.meta.namespace === f.namespace && ((p.workload?.kind === kind && p.workload?.name === name) || (p.owner?.kind === kind && p.owner?.name === name)),
      ).length
    }
    // polymorphichelpers logsForObject: "Found %v pods, using pod/%s" when the workload has several
    if (count > 1) stderr += `Found ${count} pods, using pod/${pod.meta.name}\n`
  }
  const r = podLogs(cluster, pod, f, f.tail ?? -1, session)
  stderr += r.stderr
  // kubectl writes its notices (which Pod, which container) before it streams the log
  if (r.error) return noticesFirst({ exitCode: 1, stdout: r.stdout, stderr: `${stderr}${r.error}\n` })
  return noticesFirst({ exitCode: 0, stdout: r.stdout, stderr })
}
