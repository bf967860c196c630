/**
 * One run's mutable state. The cluster a scenario builds is immutable; what
 * the commands of one run change (a namespace the reader adds on a node with
 * `ip netns add`, a sysctl, later conntrack entries) lives in the Session of
 * that run and nowhere else, so it never leaks into another run or reader.
 *
 * A run is one request to the API, one example of the guide, one CLI
 * invocation. Modules keep their state in a slot of their own
 * (`session.slot('lab', () => …)`), created on first use; the Session bounds
 * how many commands a run may have and how many objects its slots may make.
 *
 * @example
 * const session = new Session(cluster)
 * session.run('ssh node-1 ip netns add red')
 * session.run('ssh node-1 ip netns list').stdout // 'red\n'
 */
import type { Cluster } from '../model/types.ts'
import { LIMITS } from '../load/limits.ts'
import type { CommandResult } from './result.ts'
import { groupThousands } from '../text/grouping.ts'

/** Work a module does when a run begins (e.g. a scenario's NodeScript), before its first command. */
export type SessionStart = (session: Session) => void

const STARTS: SessionStart[] = []

/** Called once per module at import time (engine/plugins.ts). */
export function registerSessionStart(start: SessionStart): void {
  if (!STARTS.includes(start)) STARTS.push(start)
}

// run.ts registers itself here, so that this module does not import the whole shell
let runner: ((session: Session, line: string) => CommandResult) | undefined
export function setSessionRunner(run: (session: Session, line: string) => CommandResult): void {
  runner = run
}

export class Session {
  readonly cluster: Cluster
  private readonly slots = new Map<string, unknown>()
  private started = false
  private commands = 0
  private objects = 0

  constructor(cluster: Cluster) {
    this.cluster = cluster
  }

  /**
   * The state one module keeps for this run, made by `init` on first use.
   *
   * @example
   * const lab = session.slot('lab', () => new Map<string, LabNode>())
   */
  slot<T>(key: string, init: () => T): T {
    if (this.slots.has(key)) return this.slots.get(key) as T
    const value = init()
    this.slots.set(key, value)
    return value
  }

  /** The state of a slot if some command made it, without making it. */
  peek<T>(key: string): T | undefined {
    return this.slots.get(key) as T | undefined
  }

  /**
   * Counts `n` objects a command is about to create in this run's state. Answers false, and
   * creates nothing, when that would pass LIMITS.maxSessionObjects: the caller then fails
   * with `sessionFullMessage()`.
   */
  reserve(n = 1): boolean {
    if (this.objects + n > LIMITS.maxSessionObjects) return false
    this.objects += n
    return true
  }

  /**
   * Runs a line on behalf of the scenario (a NodeScript), not one of the reader's: it does not
   * count among the run's commands and starts nothing.
   */
  runScenarioLine(line: string): CommandResult {
    if (!runner) throw new Error('the shell is not loaded')
    this.started = true
    return runner(this, line)
  }

  /** Runs one command line in this run (see runCommand). */
  run(line: string): CommandResult {
    if (!runner) throw new Error('the shell is not loaded')
    if (this.commands >= LIMITS.maxCommandsPerRun) {
      return { command: line, exitCode: 2, stdout: '', stderr: `sh: too many commands in one run (limit ${groupThousands(LIMITS.maxCommandsPerRun)}): this command and the rest were not run\n` }
    }
    this.commands++
    if (!this.started) {
      this.started = true
      for (const start of STARTS) start(this)
    }
    return runner(this, line)
  }
}

export function sessionFullMessage(): string {
  return `this run made ${groupThousands(LIMITS.maxSessionObjects)} objects (namespaces, links, addresses, routes), the most one run may hold in the simulator`
}
