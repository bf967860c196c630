/**
 * kubectl debug (kubectl pkg/cmd/debug/debug.go, pkg/cmd/attach/attach.go):
 *
 * - `kubectl debug [-n NS] POD -it --image=IMAGE [--target=C] [-c NAME] [-- CMD …]` adds an
 *   ephemeral container to the Pod. It shares the Pod's network namespace, so CMD runs with the
 *   Pod's addresses, routes, DNS settings and policies, but with the debug image's tools.
 *   kubectl prints "Defaulting debug container name to debugger-xxxxx." (a random
 *   five-character suffix; here derived from the Pod and image, so runs are reproducible).
 * - `kubectl debug node/NAME -it --image=IMAGE [-- CMD …]` creates a Pod
 *   node-debugger-NAME-xxxxx on the node's host network (and PID and IPC namespaces), with
 *   the node's root filesystem at /host; CMD runs with the node's network identity, and
 *   `chroot /host CMD` runs the node's own CMD.
 *
 * A short command's container usually ends before kubectl attaches, and kubectl then prints
 * its logs (handleAttachPod's fallback): the output here is that case. An interactive shell
 * (no command) is not simulated. The ephemeral container does not outlive the command line
 * here: the simulator keeps no state between commands, so `kubectl describe pod` does not list it.
 */
import type { Cluster } from '../model/types.ts'
import type { Output, Place } from '../shell/types.ts'
import { fail } from '../shell/types.ts'
import { safeRandomString } from '../cluster/hash.ts'
import { resolvePodRef } from './resolve.ts'
import { specContainerOf } from '../model/containers.ts'

type Exec = (cluster: Cluster, place: Place, argv: string[]) => Output

interface DebugFlags {
  namespace: string
  image?: string
  container?: string
  target?: string
  profile: string
  stdin: boolean
  tty: boolean
  quiet: boolean
  copyTo?: string
  names: string[]
  command: string[]
  attach?: boolean
}

const GVK: Record<string, string> = Object.fromEntries([
  ...['deploy', 'deployment', 'deployments'].map((k) => [k, 'apps/v1, Kind=Deployment']),
  ...['sts', 'statefulset', 'statefulsets'].map((k) => [k, 'apps/v1, Kind=StatefulSet']),
  ...['ds', 'daemonset', 'daemonsets'].map((k) => [k, 'apps/v1, Kind=DaemonSet']),
  ...['rs', 'replicaset', 'replicasets'].map((k) => [k, 'apps/v1, Kind=ReplicaSet']),
  ...['svc', 'service', 'services'].map((k) => [k, '/v1, Kind=Service']),
])

const PROFILES = ['legacy', 'general', 'baseline', 'restricted', 'netadmin', 'sysadmin']
// docker/distribution reference.ReferenceRegexp, reduced (kubectl run checks images with it too): [host[:port]/]path[:tag][@digest], lowercase path
export const IMAGE_REF = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9.-]*[a-zA-Z0-9])?(?::\d+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$/

function parse(args: string[]): DebugFlags | { error: string } {
  const f: DebugFlags = { namespace: 'default', profile: 'general', stdin: false, tty: false, quiet: false, names: [], command: [] }
  for (let i = 0; i < args.length; i++) {
    const a = args[i]
    if (a === '--') {
      f.command = args.slice(i + 1)
      break
    }
    const eq = a.indexOf('=')
    const long = a.startsWith('--') ? (eq > 0 ? a.slice(0, eq) : a) : ''
    const value = (): string | undefined => (a.startsWith('--') && eq > 0 ? a.slice(eq + 1) : args[++i])
    if (/^-[it]+$/.test(a)) {
      if (a.includes('i')) f.stdin = true
      if (a.includes('t')) f.tty = true
    } else if (a === '--stdin' || a === '--stdin=true') f.stdin = true
    else if (a === '--tty' || a === '--tty=true') f.tty = true
    else if (a === '-q' || a === '--quiet') f.quiet = true
    else if (a === '-n' || long === '--namespace') f.namespace = value() ?? ''
    else if (a.startsWith('-n') && !a.startsWith('--')) f.namespace = a.slice(2)
    else if (a === '-c' || long === '--container') f.container = value()
    else if (long === '--image') f.image = value()
    else if (long === '--target') f.target = value()
    else if (long === '--profile') f.profile = value() ?? ''
    else if (long === '--copy-to') f.copyTo = value()
    else if (long === '--attach') f.attach = a !== '--attach=false'
    else if (long === '--image-pull-policy' || long === '--env' || long === '--custom') value()
    else if (a === '--share-processes' || a.startsWith('--share-processes=') || a === '--same-node' || a === '--replace') continue
    else if (a.startsWith('-')) return { error: `error: unknown flag: ${a}\nSee 'kubectl debug --help' for usage.` }
    else f.names.push(a)
  }
  return f
}

/** The lines kubectl's attach prints to stderr before the session (attach.go Run). */
const ATTACH_LINES = "All commands and output from this session will be recorded in container logs, including credentials and sensitive information passed through the command prompt.\nIf you don't see a command prompt, try pressing enter.\n"

export function kubectlDebug(cluster: Cluster, args: string[], exec: Exec): Output {
  const f = parse(args)
  if ('error' in f) return fail(f.error)
  // debug.go Validate, in its order
  if (f.copyTo !== undefined) return fail('error: kubectl debug --copy-to is not simulated here (add an ephemeral container instead: kubectl debug -it POD --image=IMAGE -- COMMAND)')
  if (!f.image) return fail('error: you must specify --image when not using --copy-to.')
  if (!IMAGE_REF.test(f.image)) return fail(`error: invalid image name "${f.image}": invalid reference format`)
  if (f.names.length === 0) return fail('error: NAME or filename is required for debug')
  if (f.tty && !f.stdin) return fail('error: -i/--stdin is required for containers with -t/--tty=true')
  if (!PROFILES.includes(f.profile)) return fail(`error: unknown profile: ${f.profile}`)
  let stdout = ''
  let stderr = ''
  if (f.profile === 'legacy') stderr += '--profile=legacy is deprecated and planned to be removed in v1.39. It is recommended to specify other profile, for example "--profile=general".\n'
  if (f.names.length > 1) return fail('error: kubectl debug here takes one Pod or node at a time')
  const name = f.names[0]
  const attach = f.attach ?? f.stdin

  const nodeRef = /^(?:node|nodes|no)\/(.+)$/.exec(name)
  if (nodeRef) {
    const node = cluster.index.node.get(nodeRef[1])
    if (!node) return fail(`Error from server (NotFound): nodes "${nodeRef[1]}" not found`)
    const cn = f.container ?? 'debugger'
    const pod = `node-debugger-${node.meta.name}-${safeRandomString(`node-debugger/${node.meta.name}/${f.image}`, 5)}`
    if (!f.quiet) stdout += `Creating debugging pod ${pod} with container ${cn} on node ${node.meta.name}.\n`
    if (f.command.length === 0) return interactive(stdout, stderr, attach, f.quiet, `kubectl debug node/${node.meta.name} -it --image=${f.image} -- ip route`)
    // the debug Pod runs on the host network; `chroot /host CMD` runs the node's own CMD, and
    // a path under /host is that path on the node (its root filesystem is mounted there)
    const chroot = f.command[0] === 'chroot' && f.command[1] === '/host'
    const cmd = chroot ? f.command.slice(2) : f.command.map((a, i) => (i > 0 && (a === '/host' || a.startsWith('/host/')) ? a.slice(5) || '/' : a))
    if (cmd.length === 0) return interactive(stdout, stderr, attach, f.quiet, `kubectl debug node/${node.meta.name} -it --image=${f.image} -- chroot /host ip route`)
    return combine(stdout, stderr, exec(cluster, { kind: 'node', node }, cmd))
  }

  // debug.go Run: the builder resolves NAME as pods; any other kind is refused with its GroupVersionKind
  const slash = name.indexOf('/')
  if (slash > 0 && !['pod', 'pods', 'po'].includes(name.slice(0, slash))) {
    const gvk = GVK[name.slice(0, slash).toLowerCase()]
    if (!gvk) return fail(`error: the server doesn't have a resource type "${name.slice(0, slash)}"`)
    return fail(`error: "${gvk}" not supported by debug`)
  }
  const found = resolvePodRef(cluster, f.namespace, name)
  if ('error' in found) return fail(found.error)
  const pod = found.pod
  if (f.target !== undefined && !f.quiet) stdout += `Targeting container "${f.target}". If you don't see processes from this container it may be because the container runtime doesn't support this feature.\n`
  // validateEphemeralContainers: the target and the new name are checked against every container of the spec, init containers (sidecars) included
  if (f.target !== undefined && !specContainerOf(pod, f.target)) {
    return { exitCode: 1, stdout, stderr: `${stderr}The Pod "${pod.meta.name}" is invalid: spec.ephemeralContainers[0].targetContainerName: Not found: "${f.target}"\n` }
  }
  if (f.container !== undefined && specContainerOf(pod, f.container)) {
    return { exitCode: 1, stdout, stderr: `${stderr}The Pod "${pod.meta.name}" is invalid: spec.ephemeralContainers[0].name: Duplicate value: "${f.container}"\n` }
  }
  // computeDebugContainerName: debugger-<5 random characters>, unless -c names it
  const cn = f.container ?? `debugger-${safeRandomString(`debugger/${pod.meta.namespace}/${pod.meta.name}/${f.image}`, 5)}`
  if (f.container === undefined && !f.quiet) stdout += `Defaulting debug container name to ${cn}.\n`
  if (pod.phase !== 'Running' || pod.podIPs.length === 0) {
    return { exitCode: 1, stdout, stderr: `${stderr}error: Pod ${pod.meta.namespace}/${pod.meta.name} is ${pod.phase}: the simulator starts ephemeral containers only in running Pods (kubectl would wait for this one)\n` }
  }
  if (f.command.length === 0) return interactive(stdout, stderr, attach, f.quiet, `kubectl debug -it ${pod.meta.name} --image=${f.image} -- ip addr`)
  return combine(stdout, stderr, exec(cluster, { kind: 'pod', pod, container: cn, image: f.image, profile: f.profile }, f.command))
}

/**
 * kubectl debug exits 0 whatever the command's status: handleAttachPod (debug.go) returns nil
 * after the attach, or after the logs of a container that already ended, and the kubelet's
 * attach stream ends with Success (cri/streaming/remotecommand/attach.go ServeAttach), so no
 * "command terminated with exit code N" either (that is kubectl exec's, run.ts kubectlExec).
 */
function combine(stdout: string, stderr: string, r: Output): Output {
  return { exitCode: 0, stdout: stdout + r.stdout, stderr: stderr + r.stderr, data: r.data }
}

function interactive(stdout: string, stderr: string, attach: boolean, quiet: boolean, example: string): Output {
  const lines = attach && !quiet ? ATTACH_LINES : ''
  return { exitCode: 2, stdout, stderr: `${stderr}${lines}(an interactive shell is not simulated here: put the command after --, e.g. ${example})\n` }
}
