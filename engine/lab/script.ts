/**
 * knet/v1alpha1 NodeScript: commands that run as root on one node at the start
 * of every run, before the run's own commands, as if the reader had typed
 * `ssh NODE COMMAND` for each. It is how a page grades the by-hand lab: the
 * wiring is in the scenario the reader edits, and the example's commands
 * (a ping, an `ip route`) check it. The simulator's own kind, like Cluster;
 * a real node would run the same lines from a shell script.
 *
 *   apiVersion: knet/v1alpha1
 *   kind: NodeScript
 *   metadata: {name: wiring}
 *   spec:
 *     node: node-1
 *     commands:
 *       - ip netns add red
 *
 * Each failing command becomes a warning placed on its line (a script goes on
 * after a failure, as sh does without -e); its output is not shown otherwise.
 */
import type { Cluster, GenericObject } from '../model/types.ts'
import type { Locate, ObjectProblem } from '../cluster/checks.ts'
import { LIMITS } from '../load/limits.ts'
import { Session } from '../shell/session.ts'
import '../shell/run.ts'

interface Line {
  script: GenericObject
  node: string
  index: number
  text: string
}

function lines(cluster: Cluster): Line[] {
  const out: Line[] = []
  for (const script of cluster.nodeScripts) {
    const node = typeof script.spec.node === 'string' ? script.spec.node : undefined
    if (!node || !cluster.index.node.has(node)) continue
    const commands = Array.isArray(script.spec.commands) ? script.spec.commands : []
    commands.forEach((c, index) => {
      if (typeof c === 'string' && c.trim() !== '' && c.length <= LIMITS.maxCommandLength) out.push({ script, node, index, text: c })
    })
  }
  return out.length > LIMITS.maxCommandsPerRun ? [] : out
}

function problem(script: GenericObject, severity: 'error' | 'warning', code: string, path: (string | number)[], message: string, hint?: string): ObjectProblem {
  return { severity, code, kind: 'NodeScript', namespace: '', name: script.meta.name, source: script.source, path, message, hint }
}

/** Load-time checks: the node exists, the commands are lines, and each command's failure is a warning on its line. */
export function checkNodeScripts(cluster: Cluster, _locate?: Locate): ObjectProblem[] {
  // most scenarios have none: the checks are compiled only for those that do (issue 20)
  return cluster.nodeScripts.length === 0 ? [] : checkScripts(cluster)
}

function checkScripts(cluster: Cluster): ObjectProblem[] {
  const problems: ObjectProblem[] = []
  let total = 0
  for (const script of cluster.nodeScripts) {
    const node = script.spec.node
    if (typeof node !== 'string' || node === '') problems.push(problem(script, 'error', 'required', ['spec', 'node'], 'spec.node: Required value'))
    else if (!cluster.index.node.has(node)) problems.push(problem(script, 'error', 'not-found', ['spec', 'node'], `spec.node: Not found: "${node}"`, `nodes: ${cluster.nodes.map((n) => n.meta.name).join(', ')}`))
    const commands = script.spec.commands
    if (!Array.isArray(commands) || commands.length === 0) {
      problems.push(problem(script, 'error', 'required', ['spec', 'commands'], 'spec.commands: Required value: the command lines to run on the node'))
      continue
    }
    total += commands.length
    commands.forEach((c, i) => {
      if (typeof c === 'string' && c.length > LIMITS.maxCommandLength) problems.push(problem(script, 'error', 'too-long', ['spec', 'commands', i], `spec.commands[${i}]: command line too long (${c.length} characters, limit ${LIMITS.maxCommandLength})`))
    })
  }
  if (total > LIMITS.maxCommandsPerRun) {
    problems.push(problem(cluster.nodeScripts[0], 'error', 'too-many', ['spec', 'commands'], `NodeScripts hold ${total} commands; a run may have at most ${LIMITS.maxCommandsPerRun}`))
    return problems
  }
  // a dry run, so that a mistake shows where it was written
  const session = new Session(cluster)
  for (const l of lines(cluster)) {
    const r = session.runScenarioLine(`ssh ${l.node} ${l.text}`)
    if (r.exitCode !== 0) {
      const said = (r.stderr || r.stdout).trim().split('\n')[0] ?? ''
      problems.push(problem(l.script, 'warning', 'command-failed', ['spec', 'commands', l.index], `${l.node}: ${l.text}: exit ${r.exitCode}${said ? `: ${said}` : ''}`))
    }
  }
  return problems
}

/** When a run begins: every NodeScript's commands, in document order. */
export function runNodeScripts(session: Session): void {
  for (const l of lines(session.cluster)) session.runScenarioLine(`ssh ${l.node} ${l.text}`)
}
