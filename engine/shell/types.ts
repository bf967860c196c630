import type { Cluster, Node, Pod } from '../model/types.ts'
import type { Session } from './session.ts'

import type { Output } from './result.ts'

export type { CommandResult, Output } from './result.ts'

/** Where a command runs: the reader's workstation (outside the cluster), inside a Pod, or on a node. */
export type Place =
  | { kind: 'workstation'; ip: string }
  /** image: an ephemeral container's (kubectl debug), whose tools run in the Pod's namespaces; profile: its --profile */
  | { kind: 'pod'; pod: Pod; container?: string; image?: string; profile?: string }
  | { kind: 'node'; node: Node }

/** The shell families whose words differ: BusyBox ash, dash (Debian's /bin/sh), GNU bash. */
export type ShellKind = 'ash' | 'dash' | 'bash'

/**
 * How a program was started: `exec` straight from kubectl exec (no shell: the runtime execs
 * argv[0]), or by a shell running a `-c` script (its name as argv[0] called it, and its family).
 */
export type Via = { kind: 'exec' } | { kind: 'shell'; arg0: string; shell: ShellKind }

export interface Invocation {
  cluster: Cluster
  /** the run this command belongs to: its per-run state (session.ts) */
  session: Session
  place: Place
  /** argv[0] is the program name */
  argv: string[]
  /** what started it: kubectl exec directly, or a shell's -c script (container-shell.ts) */
  via?: Via
}


/** A program the simulated shell can run. */
export interface Program {
  /** where it exists: kubectl only on the workstation, ip only in Pods and on nodes, … */
  places: Place['kind'][]
  /** one line for `help` */
  summary: string
  /** usage lines for `help NAME` */
  usage: string[]
  run(inv: Invocation): Output
}

export function ok(stdout: string, data?: unknown): Output {
  return { exitCode: 0, stdout, stderr: '', data }
}

export function fail(stderr: string, exitCode = 1, stdout = ''): Output {
  return { exitCode, stdout, stderr: stderr.endsWith('\n') || stderr === '' ? stderr : `${stderr}\n` }
}
