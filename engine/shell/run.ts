/**
 * The reader's terminal: parses a command line, decides where it runs
 * (workstation, `kubectl exec` into a Pod, `ssh` to a node) and runs the
 * program there. Unknown programs answer as a shell does (exit 127).
 */
import type { Cluster, Pod } from '../model/types.ts'
import { variableLookup } from './printenv.ts'
import { LIMITS } from '../load/limits.ts'
import { tokenize } from './tokenize.ts'
import type { CommandResult, Output, Place, Program } from './types.ts'
import { fail } from './types.ts'
import { noticesFirst } from './result.ts'
import { PROGRAMS } from './programs.ts'
import { setHelpTable } from './help.ts'
import { resolvePodRef } from '../kubectl/resolve.ts'
import { notSimulated, userlandNotSimulated } from './not-simulated.ts'
import { kubectlDebug } from '../kubectl/debug.ts'
import { kubectlPortForward } from '../kubectl/port-forward.ts'
import { kubectlRun } from '../kubectl/run.ts'
import { Session, setSessionRunner } from './session.ts'
import { flushLookups } from '../traffic/lookup-record.ts'
import { containerOf, defaultContainerOf, defaultedNote, specContainerOf } from '../model/containers.ts'
import { isStartFailure, missingExecutable, notFound, runScript, shellFor, shellName, shellsAt, simulatorAnswer, smallUtility } from './container-shell.ts'
import type { Via } from './container-shell.ts'

setHelpTable(PROGRAMS)
setSessionRunner(runInSession)

/**
 * Runs one command line against the cluster. Synchronous and pure. Commands of
 * one run share a Session (what `ip netns add` made is there for the next
 * command); without one, the command runs in a run of its own.
 *
 * @example
 * runCommand(cluster, 'kubectl get pods -o wide')
 * runCommand(cluster, 'kubectl exec -n prod web-0 -- nslookup db')
 * const session = new Session(cluster)
 * runCommand(cluster, 'ssh node-1 ip netns add red', session)
 */
export function runCommand(cluster: Cluster, line: string, session?: Session): CommandResult {
  const s = session ?? new Session(cluster)
  if (s.cluster !== cluster) throw new Error('runCommand: the session belongs to another cluster')
  return s.run(line)
}

function runInSession(session: Session, line: string): CommandResult {
  const command = line
  try {
    return { command, ...runLine(session, line) }
  } catch (e) {
    // A bug in the engine must not take the reader's page down with it
    return { command, exitCode: 70, stdout: '', stderr: `internal error in the simulator: ${(e as Error).message}\n` }
  }
}

function runLine(session: Session, line: string): Output {
  const cluster = session.cluster
  if (line.length > LIMITS.maxCommandLength) return fail(`sh: command line too long (${line.length} characters, limit ${LIMITS.maxCommandLength})`, 2)
  const t = tokenize(line)
  if ('error' in t) return fail(t.error, 2)
  const words = t.words
  if (words.length === 0) return { exitCode: 0, stdout: '', stderr: '' }
  const workstation: Place = { kind: 'workstation', ip: cluster.config.workstationIP }
  if (words[0] === 'kubectl' && words[1] === 'exec') return kubectlExec(session, words.slice(2))
  if (words[0] === 'kubectl' && words[1] === 'debug') return kubectlDebug(cluster, words.slice(2), (_cluster, place, argv) => exec(session, place, argv))
  if (words[0] === 'kubectl' && words[1] === 'port-forward') return kubectlPortForward(cluster, words.slice(2))
  const run = words[0] === 'kubectl' ? runVerbAt(words) : undefined
  if (run) {
    // each one-off Pod builds the scenario again: a run may do that for so many Pods in all
    const work = session.slot('kubectl-run/work', () => ({ pods: 0 }))
    work.pods += cluster.pods.length + 1
    if (work.pods > LIMITS.maxOneOffPodWork) return fail(`error: kubectl run: this run has built the cluster again for its one-off Pods as often as a run may (${LIMITS.maxOneOffPodWork} Pods in all); start another run`)
    return kubectlRun(cluster, words.slice(run.at + 1), run.namespace, oneOffRun, isCommand)
  }
  if (words[0] === 'ssh') return ssh(session, words.slice(1))
  return exec(session, workstation, words)
}

/**
 * `kubectl run`, also after kubectl's namespace flag (`kubectl -n NS run …`): where the verb is,
 * and the namespace given before it.
 */
function runVerbAt(words: string[]): { at: number; namespace?: string } | undefined {
  let namespace: string | undefined
  for (let i = 1; i < words.length; i++) {
    const w = words[i]
    if (w === 'run') return { at: i, namespace }
    if (w === '-n' || w === '--namespace') namespace = words[++i]
    else if (w.startsWith('--namespace=')) namespace = w.slice('--namespace='.length)
    else if (/^-n./.test(w)) namespace = w.slice(2)
    else return undefined
  }
  return undefined
}

/** A command of `kubectl run`: in a run of its own, on the cluster that has the new Pod. */
function oneOffRun(cluster: Cluster, place: Place, argv: string[]): { out: Output; missing?: string } {
  const out = exec(new Session(cluster), place, argv, { kind: 'exec' })
  return { out, missing: missingExecutable(out) }
}

/** Whether a container's shell would find NAME (`command -v`): a program or a shell the simulator has. */
function isCommand(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(PROGRAMS, name) || shellName(name) !== undefined
}

export function exec(session: Session, place: Place, argv: string[], via?: Via): Output {
  const name = argv[0]
  // a shell the reader named: `sh -c "…"` runs its script here, if the image has that shell
  const sh = place.kind === 'workstation' ? undefined : shellName(name)
  if (sh !== undefined) return shellCommand(session, place, argv, sh, via)
  if (place.kind !== 'workstation' && shellsAt(place).sh !== undefined) {
    const small = smallUtility(argv)
    if (small) return small
  }
  const program = Object.prototype.hasOwnProperty.call(PROGRAMS, name) ? PROGRAMS[name] : undefined
  if (!program || !program.places.includes(place.kind)) return noProgram(session, place, argv, program, via)
  const out = program.run({ cluster: session.cluster, session, place, argv, via })
  // what a DNS tool asked CoreDNS stays in the run, for conntrack, tcpdump and CoreDNS's log
  flushLookups(session)
  return out
}

/** `sh -c "…"` (or bash, ash): the script runs here, if the image has that shell. */
function shellCommand(session: Session, place: Place, argv: string[], sh: string, via?: Via): Output {
  const name = argv[0]
  const kind = shellFor(place, sh)
  if (!kind) return notFound(session, place, name, via)
  if (argv[1] !== '-c') return simulatorAnswer(fail(`${name}: an interactive shell or a script file is not simulated here: give the commands with -c, e.g. ${name} -c "curl -s web; echo done"`, 2))
  if (argv.length < 3) return fail(`${name}: -c requires an argument`, 2)
  // the words after the script set $0, $1, … (unused without expansion)
  return runScript(argv[2], argv[3] ?? name, (words) => exec(session, place, words, { kind: 'shell', arg0: argv[3] ?? name, shell: kind }), variableLookup(session.cluster, place))
}

/** A command the simulator does not have, or not here. */
function noProgram(session: Session, place: Place, argv: string[], program: Program | undefined, via?: Via): Output {
  const name = argv[0]
  // 126: found but cannot be run, as a shell says of a file it cannot execute
  // a tool this image or node really has (netshoot's iptables, though the simulator runs it on nodes only), or an everyday utility of a userland
  const missing = notSimulated(place, name) ?? (!program && (place.kind === 'node' || (place.kind === 'pod' && shellsAt(place).sh !== undefined)) ? userlandNotSimulated(name) : undefined)
  if (missing) return simulatorAnswer(fail(missing.message, 126))
  const hint =
    program && place.kind === 'workstation'
      ? `\n(${name} runs inside the cluster: try kubectl exec POD -- ${argv.join(' ')}, or ssh NODE ${argv.join(' ')})`
      : ''
  return notFound(session, place, name, via, hint)
}

/** kubectl exec [-n NS] [-i] [-t] [-c CONTAINER] POD -- COMMAND [args...] */
function kubectlExec(session: Session, args: string[]): Output {
  const cluster = session.cluster
  let namespace = 'default'
  let container: string | undefined
  let quiet = false
  let target: string | undefined
  let i = 0
  for (; i < args.length; i++) {
    const a = args[i]
    if (a === '--') break
    if (a === '-n' || a === '--namespace') namespace = args[++i] ?? ''
    else if (a.startsWith('--namespace=')) namespace = a.slice(12)
    else if (a === '-c' || a === '--container') container = args[++i]
    else if (a.startsWith('--container=')) container = a.slice(12)
    else if (a === '-q' || a === '--quiet') quiet = true
    else if (/^-[it]+$/.test(a) || a === '--stdin' || a === '--tty') continue
    else if (a.startsWith('-') || target) return execUsage(a, !!target)
    else target = a
  }
  const cmd = args.slice(i + 1)
  if (!target || i >= args.length || cmd.length === 0) return execUsage(undefined, !!target)
  const found = resolvePodRef(cluster, namespace, target)
  if ('error' in found) return fail(found.error)
  const pod: Pod = found.pod
  const reached = container ?? defaultContainerOf(pod)?.name
  const rc = reached === undefined ? undefined : containerOf(pod, reached)
  if ((container && !specContainerOf(pod, container)) || pod.phase !== 'Running' || pod.podIPs.length === 0 || (reached !== undefined && (!rc || rc.crash || rc.probes?.waiting || rc.probes?.terminated !== undefined))) {
    return execRefused(pod, container, reached)
  }
  const ran = exec(session, { kind: 'pod', pod, container }, cmd, { kind: 'exec' })
  // a remote exit status: client-go tools/remotecommand/v4.go errorDecoderV4 returns it as an
  // exec.CodeExitError "command terminated with exit code N", which kubectl's checkErr
  // (k8s.io/kubectl/pkg/cmd/util/helpers.go, case utilexec.ExitError) prints as is and exits with
  const out = ran.exitCode !== 0 && !isStartFailure(ran) ? { ...ran, stderr: `${ran.stderr}command terminated with exit code ${ran.exitCode}\n` } : ran
  // kubectl exec without -c (podcmd.go FindOrDefaultContainerByName): says which container it picked
  const note = container || quiet ? '' : defaultedNote(pod)
  return note ? noticesFirst({ ...out, stderr: note + out.stderr }) : out
}

/** kubectl exec's usage errors: an unknown flag or a second name at `a`, or no Pod or no command. */
function execUsage(a: string | undefined, hasTarget: boolean): Output {
  if (a !== undefined && a.startsWith('-')) return fail(`error: unknown shorthand flag: '${a.replace(/^-+/, '')[0]}' in ${a}\nSee 'kubectl exec --help' for usage.`)
  if (a !== undefined) return fail('error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead\nSee \'kubectl exec -h\' for help and examples')
  if (!hasTarget) return fail('error: pod, type/name or --filename must be specified')
  return fail('error: you must specify at least one command for the container')
}

/** Why kubectl exec cannot reach the container. */
function execRefused(pod: Pod, container: string | undefined, reached: string | undefined): Output {
  // the API server knows every container of the spec (pod/strategy.go streamLocation: app, init,
  // ephemeral); the kubelet execs only into a running one: an app container or a sidecar
  if (container && !specContainerOf(pod, container)) {
    return fail(`Error from server (BadRequest): container ${container} is not valid for pod ${pod.meta.name}`)
  }
  if (pod.phase !== 'Running' || pod.podIPs.length === 0) {
    if (pod.phase === 'Succeeded' || pod.phase === 'Failed') return fail(`error: cannot exec into a container in a completed pod; current phase is ${pod.phase}`)
    return fail(`error: unable to upgrade connection: container not found ("${container ?? defaultContainerOf(pod)?.name ?? ''}")`)
  }
  // kubelet execs only into a running container (kubelet.go findContainer over the running pods):
  // not a regular init container (the default-container annotation may name one), nor a container
  // between attempts (CrashLoopBackOff, or killed by its probes and waiting or stopped)
  return fail(`error: unable to upgrade connection: container not found ("${reached}")`)
}

/** ssh NODE COMMAND [args...]: the node by name or by address */
function ssh(session: Session, args: string[]): Output {
  const cluster = session.cluster
  const rest = args.filter((a, i) => !(a.startsWith('-') && i === 0))
  const host = rest[0]
  if (!host) return fail('usage: ssh NODE COMMAND', 255)
  const hostname = host.includes('@') ? host.slice(host.indexOf('@') + 1) : host
  const node = cluster.index.node.get(hostname) ?? cluster.index.nodeByIP.get(hostname)
  if (!node) return fail(`ssh: Could not resolve hostname ${hostname}: Name or service not known`, 255)
  const cmd = rest.slice(1)
  if (cmd.length === 0) return fail(`ssh: give the command to run on ${node.meta.name}, e.g. ssh ${node.meta.name} ip route (interactive sessions are not simulated)`, 255)
  return exec(session, { kind: 'node', node }, cmd)
}
