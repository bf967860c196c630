/**
 * What runs a command inside a container: nothing (kubectl exec hands the argv straight to the
 * runtime, which execs it), or a shell the reader named (`sh -c "…"`, `bash -c "…"`). Decides
 * which shells an image has, words "not found" as each answerer does, and runs the command
 * lists a `-c` script holds (`;`, `&&`, `||`).
 */
import type { Output, Place, ShellKind, Via } from './types.ts'

export type { ShellKind, Via } from './types.ts'
import type { Session } from './session.ts'
import { fail } from './types.ts'
import { tokenize } from './tokenize.ts'
import { imageName, imageTag } from '../traffic/servers.ts'
import { placeContainer } from '../model/containers.ts'
import { sha256Hex } from '../dataplane/sha256.ts'

const SHELL_NAMES = new Set(['sh', 'bash', 'ash', 'dash'])

/** `/bin/sh` → `sh`; undefined when argv[0] does not name a shell. */
export function shellName(arg0: string): string | undefined {
  const base = arg0.slice(arg0.lastIndexOf('/') + 1)
  return SHELL_NAMES.has(base) && (arg0 === base || /^\/(usr\/)?bin\/[a-z]+$/.test(arg0)) ? base : undefined
}

/**
 * The shells a place has. Nodes run Ubuntu (dash as /bin/sh, bash). Images by what they are
 * built on: CoreDNS and pause are FROM scratch/distroless (coredns/coredns Dockerfile), any
 * `distroless` image has no shell; Alpine- and BusyBox-based images (alpine, busybox, agnhost:
 * kubernetes test/images/agnhost/BASEIMAGE alpine:3.21, curlimages/curl, prometheus on
 * quay.io/prometheus/busybox, any `-alpine` tag) have BusyBox ash as /bin/sh and no bash
 * (netshoot and ingress-nginx's controller add bash); every other image is taken as Debian-like.
 */
export function shellsAt(place: Place): { sh?: ShellKind; bash: boolean } {
  if (place.kind === 'workstation') return { sh: 'bash', bash: true }
  if (place.kind === 'node') return { sh: 'dash', bash: true }
  const image = place.image ?? placeContainer(place.pod, place.container)?.image ?? ''
  const name = imageName(image)
  const tag = imageTag(image)
  if (name === 'coredns' || name === 'pause' || /distroless/i.test(image)) return { bash: false }
  if (name === 'netshoot' || (name === 'controller' && image.includes('ingress-nginx'))) return { sh: 'ash', bash: true }
  if (['alpine', 'busybox', 'agnhost', 'curl', 'prometheus'].includes(name) || /alpine/i.test(tag)) return { sh: 'ash', bash: false }
  return { sh: 'dash', bash: true }
}

/** The shell family a shell name runs as at this place, or undefined when the image lacks it. */
export function shellFor(place: Place, name: string): ShellKind | undefined {
  const s = shellsAt(place)
  if (name === 'bash') return s.bash ? 'bash' : undefined
  if (name === 'ash') return s.sh === 'ash' ? 'ash' : undefined
  if (name === 'dash') return s.sh === 'dash' ? 'dash' : undefined
  return s.sh
}

/** Outputs that are the runtime failing to start the process, not a process's own exit. */
const startFailures = new WeakSet<Output>()

/**
 * Marks an answer that is the simulator's own (a refusal: not simulated here), not a remote
 * process's exit: kubectl exec adds no "command terminated" line to it.
 */
export function simulatorAnswer(out: Output): Output {
  startFailures.add(out)
  return out
}

/** The executable a runtime could not find in the container, for an exec that failed so (kubectl run words it as a start error). */
const missing = new WeakMap<Output, string>()
export function missingExecutable(out: Output): string | undefined {
  return missing.get(out)
}

/** Whether kubectl exec got a runtime error or the simulator's refusal rather than a remote exit status. */
export function isStartFailure(out: Output): boolean {
  return startFailures.has(out)
}

/**
 * The answer when a program is not there.
 *
 * - Run by a shell: the shell's own words, exit 127. BusyBox ash `sh: X: not found`
 *   (shell/ash.c: "%s: not found" after the arg0 prefix); dash `sh: 1: X: not found`
 *   (src/exec.c "%s: not found", error.c prefixes "arg0: line:"); bash ≥ 5.1
 *   `bash: line 1: X: command not found` (execute_cmd.c "%s: command not found").
 * - Run directly by kubectl exec in a Pod: no shell, so the runtime answers. Each layer adds its
 *   words, outermost first: kubectl's checkErr prefixes `error: ` (cmd/util/helpers.go; the
 *   stream's Status message comes back as a plain error from client-go
 *   tools/remotecommand/v4.go errorDecoderV4), the API's NewInternalError `Internal error
 *   occurred: `, the streaming server's ServeExec `error executing command in container: `
 *   (kubelet cri/streaming/remotecommand/exec.go, as containerd vendors it), containerd's
 *   streamRuntime.Exec `failed to exec in container: ` (internal/cri/server/streaming.go) and
 *   execInternal `failed to start exec "<exec id>": ` (container_execsync.go; the id is
 *   util.GenerateID, 32 random bytes in hex), the runc shim `OCI runtime exec failed: `
 *   (cmd/containerd-shim-runc-v2/process/exec.go runtimeError), runc `exec failed: unable to
 *   start container process: ` and Go's exec.LookPath error `exec: "X": executable file not
 *   found in $PATH`, then `: unknown` (errgrpc.FromGRPC appends the gRPC code's class). kubectl
 *   exits 1: the error is not a remote exit status. Seen verbatim with containerd 1.6+/runc 1.1+
 *   (nigelpoulton/TheK8sBook issue #30).
 * - Elsewhere (kubectl debug's container, ssh): the shell's words, as before.
 */
export function notFound(session: Session, place: Place, name: string, via: Via | undefined, hint = ''): Output {
  if (via?.kind === 'shell') {
    if (via.shell === 'bash') return fail(`${via.arg0}: line 1: ${name}: command not found${hint}`, 127)
    if (via.shell === 'dash') return fail(`${via.arg0}: 1: ${name}: not found${hint}`, 127)
    return fail(`${via.arg0}: ${name}: not found${hint}`, 127)
  }
  if (via?.kind === 'exec' && place.kind === 'pod') {
    const seq = session.slot('container-shell/exec-ids', () => ({ n: 0 }))
    seq.n++
    const id = sha256Hex(`exec/${place.pod.meta.uid}/${place.container ?? ''}/${seq.n}/${name}`)
    const out = fail(
      `error: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec "${id}": OCI runtime exec failed: exec failed: unable to start container process: exec: "${name}": executable file not found in $PATH: unknown`,
      1,
    )
    startFailures.add(out)
    missing.set(out, name)
    return out
  }
  return fail(`sh: ${name}: not found${hint}`, 127)
}

const LIST_HELP = 'the simulated shell runs simple commands joined by ;, && and || (no pipes, redirections, background jobs or substitutions; variables only as $NAME, ${NAME} and $?)'

/** the parameter expansions the simulated shell makes: $NAME, ${NAME}, $? (XCU 2.6.2 without its operators) */
const PARAMETER = /^\$(?:[A-Za-z_][A-Za-z0-9_]*|\{[A-Za-z_][A-Za-z0-9_]*\}|\?)/

/** What a variable holds: its value, unset (undefined), or a reason the simulator cannot say. */
export type VariableLookup = (name: string) => string | undefined | { refused: string }

/**
 * Expands the parameters of one simple command before it is split into words (XCU 2.6.2):
 * none inside single quotes; inside double quotes the value stays one word; unquoted, it is
 * split at blanks into words (field splitting with the default IFS) and kept literal otherwise.
 */
export function expandParameters(cmd: string, lookup: VariableLookup): string | { refused: string } {
  let out = ''
  let quoted = false
  let i = 0
  while (i < cmd.length) {
    const c = cmd[i]
    if (c === "'" && !quoted) {
      const end = cmd.indexOf("'", i + 1)
      const stop = end < 0 ? cmd.length : end + 1
      out += cmd.slice(i, stop)
      i = stop
      continue
    }
    if (c === '\\') {
      out += cmd.slice(i, i + 2)
      i += 2
      continue
    }
    if (c === '"') quoted = !quoted
    const m = c === '$' ? PARAMETER.exec(cmd.slice(i)) : null
    if (!m) {
      out += c
      i++
      continue
    }
    const name = m[0].replace(/^\$\{?|\}$/g, '')
    const v = lookup(name)
    if (typeof v === 'object') return v
    const value = v ?? ''
    out += quoted ? value.replace(/["\\$`]/g, '\\$&') : value.replace(/[^ \t\n]/g, (ch) => (/[A-Za-z0-9_.,:\/=+@%-]/.test(ch) ? ch : `\\${ch}`))
    i += m[0].length
  }
  return out
}

/**
 * Splits a `-c` script into its simple commands and the operators between them. Quotes are
 * kept for tokenize() to read; `;`, `&&` and `||` outside quotes separate commands.
 */
export function splitList(script: string, arg0: string): { cmds: string[]; ops: string[] } | { error: string } {
  const cmds: string[] = []
  const ops: string[] = []
  let cur = ''
  let i = 0
  while (i < script.length) {
    const c = script[i]
    if (c === "'") {
      const end = script.indexOf("'", i + 1)
      if (end < 0) return { error: `${arg0}: syntax error: unterminated quoted string` }
      cur += script.slice(i, end + 1)
      i = end + 1
      continue
    }
    if (c === '"') {
      let j = i + 1
      for (; j < script.length && script[j] !== '"'; j++) {
        if (script[j] === '\\') j++
        else if ((script[j] === '$' && !PARAMETER.test(script.slice(j))) || script[j] === '`') return { error: `${arg0} -c: '${script[j]}' is not supported here: ${LIST_HELP}` }
      }
      if (j >= script.length) return { error: `${arg0}: syntax error: unterminated quoted string` }
      cur += script.slice(i, j + 1)
      i = j + 1
      continue
    }
    if (c === '\\') {
      cur += script.slice(i, i + 2)
      i += 2
      continue
    }
    if (c === '#' && (cur === '' || /\s$/.test(cur))) {
      const nl = script.indexOf('\n', i)
      if (nl < 0) break
      i = nl
      continue
    }
    const two = script.slice(i, i + 2)
    if (c === ';' || c === '\n' || two === '&&' || two === '||') {
      const op = c === '\n' ? ';' : c === ';' ? ';' : two
      if (cur.trim() === '') {
        // an empty line is nothing; an operator after nothing is an error
        if (c === '\n') {
          i++
          continue
        }
        return { error: `${arg0}: syntax error: unexpected "${op}"` }
      }
      cmds.push(cur)
      ops.push(op)
      cur = ''
      i += op.length
      continue
    }
    if ('|&<>'.includes(c) || (c === '$' && !PARAMETER.test(script.slice(i))) || c === '`' || c === '(' || c === ')') return { error: `${arg0} -c: '${c}' is not supported here: ${LIST_HELP}` }
    cur += c
    i++
  }
  if (cur.trim() !== '') cmds.push(cur)
  else if (ops.length > 0 && ops[ops.length - 1] !== ';') return { error: `${arg0}: syntax error: end of file unexpected` }
  else if (ops.length > 0) ops.pop()
  return { cmds, ops }
}

/**
 * `SHELL -c SCRIPT [ARG0 ARGS…]`: runs the script's commands in the same place, each as the
 * shell would (POSIX XCU 2.9.3: an AND-OR list runs left to right, `&&` runs the next command
 * only after a zero status, `||` only after a non-zero one; the list's status is the last
 * command's that ran). Standard output and error are each kept in order.
 */
export function runScript(script: string, arg0: string, run: (argv: string[]) => Output, variable?: VariableLookup): Output {
  const parts = splitList(script, arg0)
  if ('error' in parts) return parts.error.includes(LIST_HELP) ? simulatorAnswer(fail(parts.error, 2)) : fail(parts.error, 2)
  let stdout = ''
  let stderr = ''
  let status = 0
  let data: unknown
  for (let k = 0; k < parts.cmds.length; k++) {
    const op = k === 0 ? ';' : parts.ops[k - 1]
    if ((op === '&&' && status !== 0) || (op === '||' && status === 0)) continue
    let text = parts.cmds[k]
    if (text.includes('$')) {
      const last = status
      const e = expandParameters(text, (name) => (name === '?' ? String(last) : variable ? variable(name) : { refused: `the variable ${name} is not simulated here` }))
      if (typeof e === 'object') return simulatorAnswer({ exitCode: 2, stdout, stderr: `${stderr}knet: ${e.refused}\n` })
      text = e
    }
    const t = tokenize(text)
    if ('error' in t) return { exitCode: 2, stdout, stderr: `${stderr}${t.error.replace(/^sh:/, `${arg0}:`)}\n` }
    if (t.words.length === 0) continue
    const w = t.words
    if (w[0] === 'exit') {
      // exit [N]: the shell stops; without N its status is the last command's (XCU exit)
      const n = w[1] === undefined ? status : /^\d+$/.test(w[1]) ? Number(w[1]) & 255 : undefined
      if (n === undefined) return { exitCode: 2, stdout, stderr: `${stderr}${arg0}: exit: Illegal number: ${w[1]}\n` }
      return { exitCode: n, stdout, stderr }
    }
    const out = builtin(w) ?? run(w)
    stdout += out.stdout
    stderr += out.stderr
    status = out.exitCode
    data = parts.cmds.length === 1 ? out.data : undefined
  }
  return { exitCode: status, stdout, stderr, data }
}

/**
 * The builtins every shell has that a script joins commands with: `true`, `false`, `:` and
 * `echo` (its words joined by spaces and a newline; -n drops the newline). Backslash escapes,
 * which dash's echo reads and bash's does not, are refused rather than guessed.
 */
function builtin(w: string[]): Output | undefined {
  if (w[0] === ':') return { exitCode: 0, stdout: '', stderr: '' }
  return smallUtility(w)
}

/**
 * `echo`, `true` and `false` as programs: every image with a shell also has them as files
 * (GNU coreutils, or BusyBox applets), so `kubectl exec POD -- echo hi` runs them; an image
 * without a shell has neither.
 */
export function smallUtility(w: string[]): Output | undefined {
  if (w[0] === 'true') return { exitCode: 0, stdout: '', stderr: '' }
  if (w[0] === 'false') return { exitCode: 1, stdout: '', stderr: '' }
  if (w[0] === 'echo') {
    const noNewline = w[1] === '-n'
    const words = w.slice(noNewline ? 2 : 1)
    if (words.some((x) => x.includes('\\'))) return simulatorAnswer(fail('echo: backslash escapes are not simulated here (shells differ on them): use printf on a real shell', 2))
    return { exitCode: 0, stdout: words.join(' ') + (noNewline ? '' : '\n'), stderr: '' }
  }
  return undefined
}
