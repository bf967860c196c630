/**
 * `kubectl run NAME --image=IMAGE --rm -i[t] [--restart=Never] [flags] -- COMMAND [ARGS…]`
 * (kubectl pkg/cmd/run/run.go at v0.37.0-beta.0): the throwaway Pod that so many debugging
 * recipes start with. The Pod is built as the API server would store run.go's createPod
 * (labels run=NAME, one container named NAME, dnsPolicy ClusterFirst, the restart policy),
 * scheduled, given its address and its Service variables like any Pod of the scenario, and
 * COMMAND runs in it: its DNS settings, its node, the NetworkPolicies that select it.
 *
 * What kubectl prints, in its order: the container's output (a short command has ended by the
 * time kubectl sees the Pod, so handleAttachPod prints its logs, stdout and stderr as one
 * stream), then `pod "NAME" deleted from NS namespace` (DeleteOptions.PrintObj, deferred by
 * --rm), then, with --restart=Never and a non-zero exit, `pod NS/NAME terminated (Error)` and
 * that exit status (uexec.CodeExitError). A process the image does not have fails to start
 * (StartError, 128). With --restart=Always (the default) kubectl returns 0 whatever the
 * command did; with OnFailure a failing command is restarted until kubectl's wait times out.
 *
 * Simplified: the Pod exists for this command only (it is deleted at its end, as --rm does),
 * and what its traffic leaves in conntrack, tcpdump or CoreDNS's log is not kept for later
 * commands. The races of a real attach (a container still running when kubectl attaches, a
 * restarting one printing twice, "If you don't see a command prompt") are not reproduced.
 * Without --rm the Pod would stay, and the manifests are the cluster: that is refused.
 */
import type { Cluster, JsonObject, Json } from '../model/types.ts'
import type { Output, Place } from '../shell/types.ts'
import { fail } from '../shell/types.ts'
import { IMAGE_REF } from './debug.ts'
import { rebuildWith } from '../load/scenario-memory.ts'

/** Runs argv in a place of a cluster (a session of its own); says which executable was missing, if one was. */
export type RunIn = (cluster: Cluster, place: Place, argv: string[]) => { out: Output; missing?: string }

interface RunFlags {
  namespace?: string
  image?: string
  rm: boolean
  stdin: boolean
  tty: boolean
  attach?: boolean
  quiet: boolean
  restart: string
  command: boolean
  labels?: string
  env: string[]
  annotations: string[]
  port?: string
  expose: boolean
  privileged: boolean
  pullPolicy: string
  overrides?: string
  overrideType: string
  dryRun?: string
  args: string[]
  /** cobra's ArgsLenAtDash: how many positional arguments came before `--`, or -1 */
  atDash: number
}

type BoolFlag = 'rm' | 'stdin' | 'tty' | 'quiet' | 'command' | 'expose' | 'privileged' | 'attach'
/** kubectl run's boolean flags; --leave-stdin-open is read and has no effect on a command that ends */
const BOOL_FLAGS: Record<string, BoolFlag | undefined> = { '--rm': 'rm', '--stdin': 'stdin', '--tty': 'tty', '--quiet': 'quiet', '--command': 'command', '--expose': 'expose', '--privileged': 'privileged', '--attach': 'attach', '--leave-stdin-open': undefined }

function parse(args: string[], namespace: string | undefined): RunFlags | { error: string } {
  const f: RunFlags = { namespace, rm: false, stdin: false, tty: false, quiet: false, restart: 'Always', command: false, env: [], annotations: [], expose: false, privileged: false, pullPolicy: '', overrideType: 'merge', args: [], atDash: -1 }
  for (let i = 0; i < args.length; i++) {
    const a = args[i]
    if (a === '--') {
      f.atDash = f.args.length
      f.args.push(...args.slice(i + 1))
      break
    }
    const eq = a.indexOf('=')
    const long = a.startsWith('--') ? (eq > 0 ? a.slice(0, eq) : a) : ''
    const value = (): string | undefined => (a.startsWith('--') && eq > 0 ? a.slice(eq + 1) : args[++i])
    if (/^-[itq]+$/.test(a)) {
      // grouped short booleans, as pflag reads -it
      if (a.includes('i')) f.stdin = true
      if (a.includes('t')) f.tty = true
      if (a.includes('q')) f.quiet = true
    } else if (long in BOOL_FLAGS) {
      const v = eq > 0 ? a.slice(eq + 1) : 'true'
      if (v !== 'true' && v !== 'false') return { error: `error: invalid argument "${v}" for "${long}" flag: strconv.ParseBool: parsing "${v}": invalid syntax\nSee 'kubectl run --help' for usage.` }
      const key = BOOL_FLAGS[long]
      if (key) f[key] = v === 'true'
    } else if (a === '-n' || long === '--namespace') f.namespace = value() ?? ''
    else if (a.startsWith('-n') && !a.startsWith('--')) f.namespace = a.slice(2)
    else if (long === '--image') f.image = value()
    else if (long === '--restart') f.restart = value() ?? ''
    else if (a === '-l' || long === '--labels') f.labels = value() ?? ''
    else if (long === '--env') f.env.push(value() ?? '')
    else if (long === '--annotations') f.annotations.push(value() ?? '')
    else if (long === '--port') f.port = value()
    else if (long === '--image-pull-policy') f.pullPolicy = value() ?? ''
    else if (long === '--overrides') f.overrides = value()
    else if (long === '--override-type') f.overrideType = value() ?? ''
    else if (long === '--dry-run') f.dryRun = eq > 0 ? a.slice(eq + 1) : 'unchanged'
    else if (long === '--pod-running-timeout' || long === '--field-manager' || long === '--detach-keys') value()
    else if (a.startsWith('-') && a !== '-') return { error: `error: unknown flag: ${a}\nSee 'kubectl run --help' for usage.` }
    else f.args.push(a)
  }
  return f
}

// k8s.io/apimachinery validation.IsEnvVarName: C identifiers and more ([-._a-zA-Z][-._a-zA-Z0-9]*)
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/

/** `--labels` as run.go parseLabels reads it. */
function parseLabels(text: string): Record<string, string> | { error: string } {
  const out: Record<string, string> = {}
  for (const spec of text.split(',')) {
    const kv = spec.split('=')
    if (kv.length !== 2) return { error: `error: unexpected label spec: ${spec}` }
    if (kv[0].length === 0) return { error: 'error: unexpected empty label key' }
    out[kv[0]] = kv[1]
  }
  return out
}

/** `--annotations K=V` as cmdutil.ParsePairs reads them. */
function parsePairs(specs: string[]): Record<string, string> | { error: string } {
  const out: Record<string, string> = {}
  for (const spec of specs) {
    const eq = spec.indexOf('=')
    if (eq < 1) return { error: `error: invalid annotations: ${JSON.stringify(spec)}` }
    out[spec.slice(0, eq)] = spec.slice(eq + 1)
  }
  return out
}

/** RFC 7386 JSON merge patch, as jsonpatch.MergePatch applies --overrides. */
function mergePatch(target: Json | undefined, patch: Json): Json {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch
  const out: JsonObject = target && typeof target === 'object' && !Array.isArray(target) ? { ...(target as JsonObject) } : {}
  for (const [k, v] of Object.entries(patch as JsonObject)) {
    if (v === null) delete out[k]
    else out[k] = mergePatch(out[k], v as Json)
  }
  return out
}

/** The seconds a Pod of kubectl run has lived when its short command has run: created, scheduled, image present. */
const AGE_SECONDS = 2

/**
 * What the container runs: `command` replaces the image's entrypoint; `args` go to it. Most
 * debugging images have none (busybox, alpine, netshoot, dnsutils, nginx's entrypoint execs its
 * arguments), so the arguments are the command; curlimages/curl's entrypoint.sh puts `curl` in
 * front of arguments that start with '-' or do not name a command; agnhost's is /agnhost.
 */
function containerArgv(image: string, f: RunFlags, isCommand: (name: string) => boolean): string[] {
  const args = f.args.slice(1)
  if (f.command || args.length === 0) return args
  const repo = image.replace(/[:@].*$/, '').replace(/^(?:docker\.io\/)?(?:library\/)?/, '')
  if (repo === 'curlimages/curl' && (args[0].startsWith('-') || !isCommand(args[0]))) return ['curl', ...args]
  if (/(?:^|\/)e2e-test-images\/agnhost$/.test(repo)) return ['/agnhost', ...args]
  return args
}

/**
 * The API server's refusal as kubectl prints it (cmdutil checkErr for an Invalid StatusError:
 * one cause inline, several as MultilineError's list).
 */
function invalid(name: string, causes: string[]): string {
  if (causes.length === 0) return `error: the simulator could not create pod "${name}"`
  const prefix = `The Pod "${name}" is invalid: `
  return causes.length === 1 ? prefix + causes[0] : `${prefix}\n${causes.map((c) => `* ${c}`).join('\n')}`
}

export function kubectlRun(cluster: Cluster, args: string[], namespace: string | undefined, runIn: RunIn, isCommand: (name: string) => boolean): Output {
  const f = parse(args, namespace)
  if ('error' in f) return fail(f.error)
  // Complete, then Validate, in run.go's order
  const labels = f.labels ? parseLabels(f.labels) : undefined
  if (labels && 'error' in labels) return fail(labels.error as string)
  const env: { name: string; value: string }[] = []
  for (const e of f.env) {
    const eq = e.indexOf('=')
    if (eq < 1 || !ENV_NAME.test(e.slice(0, eq))) return fail(`error: invalid env: ${e}`)
    env.push({ name: e.slice(0, eq), value: e.slice(eq + 1) })
  }
  const annotations = parsePairs(f.annotations)
  if ('error' in annotations) return fail(annotations.error as string)
  if (!['Always', 'OnFailure', 'Never', ''].includes(f.restart)) return fail(`error: invalid restart policy: ${f.restart}, valid values are: Always, OnFailure, Never`)
  const restart = f.restart || (f.stdin ? 'OnFailure' : 'Always')
  if (!['Always', 'IfNotPresent', 'Never', ''].includes(f.pullPolicy)) return fail(`error: invalid image pull policy: ${f.pullPolicy}, valid values are: Always, IfNotPresent, Never`)
  const attach = f.attach ?? f.stdin
  if (f.args.length === 0 || f.atDash === 0) return fail('error: NAME is required for run')
  if (!f.image) return fail('error: --image is required')
  if (!IMAGE_REF.test(f.image)) return fail(`error: invalid image name "${f.image}": invalid reference format`)
  if (f.tty && !f.stdin) return fail('error: -i/--stdin is required for containers with -t/--tty=true')
  if (f.expose && !f.port) return fail('error: --port must be set when exposing a service')
  if (f.port !== undefined && !/^[+-]?\d+$/.test(f.port)) return fail('error: --port must be a number')
  if (!attach && f.rm) return fail('error: --rm should only be used for attached containers')
  if (attach && f.dryRun !== undefined && f.dryRun !== 'none') return fail("error: --dry-run=[server|client] can't be used with attached containers options (--attach, --stdin, or --tty)")
  // what the simulator does not do: leave a Pod (or a Service) behind
  if (!attach || !f.rm) return fail(`error: kubectl run without --rm is not simulated here: the Pod would stay, and the manifests you edit are the cluster (add the Pod to them, or run a one-off: kubectl run ${f.args[0]} --rm -i --restart=Never --image=${f.image} -- COMMAND)`)
  if (f.expose) return fail('error: kubectl run --expose is not simulated here: add a Service to the manifests')
  if (f.overrides !== undefined && f.overrideType !== 'merge') return fail(`error: --override-type=${f.overrideType} is not simulated here (merge is)`)

  const name = f.args[0]
  const ns = f.namespace || 'default'
  if (!cluster.index.namespace.has(ns)) return fail(`Error from server (NotFound): namespaces "${ns}" not found`)
  if (cluster.index.pod.has(`${ns}/${name}`)) return fail(`Error from server (AlreadyExists): pods "${name}" already exists`)

  // run.go createPod; the API server's own defaults are added when the scenario is built
  const container: JsonObject = { name, image: f.image }
  if (env.length) container.env = env
  if (f.stdin) container.stdin = true
  if (f.stdin) container.stdinOnce = true
  if (f.tty) container.tty = true
  if (f.pullPolicy) container.imagePullPolicy = f.pullPolicy
  if (f.privileged) container.securityContext = { privileged: true }
  if (f.args.length > 1) container[f.command ? 'command' : 'args'] = f.args.slice(1)
  if (f.port !== undefined) container.ports = [{ containerPort: Number(f.port) }]
  const created = new Date(Date.parse(cluster.now) - AGE_SECONDS * 1000).toISOString().replace('.000Z', 'Z')
  const metadata: JsonObject = { name, namespace: ns, labels: labels ?? { run: name }, creationTimestamp: created }
  if (Object.keys(annotations).length) metadata.annotations = annotations
  let pod: Json = { apiVersion: 'v1', kind: 'Pod', metadata, spec: { containers: [container], dnsPolicy: 'ClusterFirst', restartPolicy: restart } }
  if (f.overrides !== undefined) {
    let patch: Json
    try {
      patch = JSON.parse(f.overrides) as Json
    } catch {
      return fail('error: Invalid JSON Patch')
    }
    pod = mergePatch(pod, patch)
  }

  const rebuilt = rebuildWith(cluster, { name: 'kubectl run', text: `${JSON.stringify(pod)}\n` })
  if (!rebuilt) return fail('error: kubectl run needs the scenario the cluster was loaded from')
  const withPod = rebuilt.cluster
  const extra = withPod.diagnostics.filter((d) => d.severity === 'error' && d.source === rebuilt.source)
  const made = withPod.index.pod.get(`${ns}/${name}`)
  if (extra.length || !made) return fail(invalid(name, extra.map((d) => d.message)))
  // the Pods placed before it stay where they are (cluster/pods.ts places in creation order); should
  // a one-off Pod ever move one, that is refused rather than shown
  const moved = cluster.pods.find((p) => {
    const q = withPod.index.pod.get(`${p.meta.namespace}/${p.meta.name}`)
    return !q || q.nodeName !== p.nodeName || q.podIPs.join() !== p.podIPs.join()
  })
  if (moved) return fail(`error: the simulator cannot add pod "${name}" without moving pod ${moved.meta.namespace}/${moved.meta.name}, which a real scheduler would leave where it is`)
  const deleted = `pod "${name}" deleted from ${ns} namespace\n`
  const timedOut = (why: string): Output => ({ exitCode: 1, stdout: deleted, stderr: `error: timed out waiting for the condition\n(${why})\n` })
  if (made.phase !== 'Running' || (made.podIPs.length === 0 && !made.hostNetwork)) return timedOut(`the Pod stayed ${made.phase}; add it to the manifests and describe it to see why`)

  const argv = containerArgv(f.image, f, isCommand)
  if (argv.length === 0) {
    const lines = f.tty && !f.quiet ? "If you don't see a command prompt, try pressing enter.\n" : ''
    return { exitCode: 2, stdout: '', stderr: `${lines}(an interactive session is not simulated here: put the command after --, e.g. kubectl run ${name} --rm -i --restart=Never --image=${f.image} -- nslookup kubernetes.default)\n` }
  }
  const { out, missing } = runIn(withPod, { kind: 'pod', pod: made, container: name }, argv)
  if (missing !== undefined) {
    // the runtime cannot create the container's process: kubelet reports StartError, exit code 128
    if (restart !== 'Never') return timedOut(`the container cannot start: exec: "${missing}": executable file not found in $PATH`)
    return { exitCode: 128, stdout: deleted, stderr: `pod ${ns}/${name} terminated (StartError)\nfailed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: exec: "${missing}": executable file not found in $PATH: unknown\n` }
  }
  // the container's log: what it wrote, stdout and stderr in one stream
  const first = out.stderrFirst ?? 0
  const log = out.stderr.slice(0, first) + out.stdout + out.stderr.slice(first)
  const result: Output = { exitCode: 0, stdout: log + deleted, stderr: '', data: out.data }
  if (out.exitCode === 0 || restart === 'Always') return result
  if (restart === 'OnFailure') return { ...result, exitCode: 1, stderr: `error: timed out waiting for the condition\n(the container exited with ${out.exitCode} and was restarted until kubectl stopped waiting)\n` }
  return { ...result, exitCode: out.exitCode, stderr: `pod ${ns}/${name} terminated (Error)\n` }
}
