/**
 * kubectl rollout status (TYPE NAME | TYPE/NAME) [-n NS] [--watch=false] [--timeout=DURATION]:
 * the status viewers of kubectl pkg/polymorphichelpers/rollout_status.go, over the status
 * workload-status.ts computes. Real kubectl watches until the rollout is done; the simulated
 * cluster does not change while it watches, so an unfinished rollout prints its line once and
 * stops: with --timeout as kubectl does when the time runs out, without it with a note.
 * Other rollout subcommands change the cluster and are not simulated.
 */
import type { Cluster, Json, JsonObject } from '../model/types.ts'
import type { Output } from '../shell/types.ts'
import { fail } from '../shell/types.ts'
import { read } from '../cluster/context.ts'
import { resourceType } from './resources.ts'
import { allWorkloads } from './derived-workloads.ts'
import { workloadJson } from './workload-objects.ts'

const n = (v: Json | undefined) => (typeof v === 'number' ? v : 0)

/** a viewer's answer: the line it prints, whether the rollout is done, or its error */
type Verdict = { line: string; done: boolean } | { error: string }

function deploymentVerdict(name: string, o: JsonObject): Verdict {
  const spec = read.fields(o.spec)
  const st = read.fields(o.status)
  const progressing = read.arr(st.conditions).map(read.fields).find((k) => k.type === 'Progressing')
  if (progressing?.reason === 'ProgressDeadlineExceeded') return { error: `deployment "${name}" exceeded its progress deadline` }
  const replicas = n(spec.replicas)
  if (n(st.updatedReplicas) < replicas) return { line: `Waiting for deployment "${name}" rollout to finish: ${n(st.updatedReplicas)} out of ${replicas} new replicas have been updated...`, done: false }
  if (n(st.replicas) > n(st.updatedReplicas)) return { line: `Waiting for deployment "${name}" rollout to finish: ${n(st.replicas) - n(st.updatedReplicas)} old replicas are pending termination...`, done: false }
  if (n(st.availableReplicas) < n(st.updatedReplicas)) return { line: `Waiting for deployment "${name}" rollout to finish: ${n(st.availableReplicas)} of ${n(st.updatedReplicas)} updated replicas are available...`, done: false }
  return { line: `deployment "${name}" successfully rolled out`, done: true }
}

function daemonSetVerdict(name: string, o: JsonObject): Verdict {
  const st = read.fields(o.status)
  if (read.fields(read.fields(o.spec).updateStrategy).type !== 'RollingUpdate') return { error: 'rollout status is only available for RollingUpdate strategy type' }
  const desired = n(st.desiredNumberScheduled)
  if (n(st.updatedNumberScheduled) < desired) return { line: `Waiting for daemon set "${name}" rollout to finish: ${n(st.updatedNumberScheduled)} out of ${desired} new pods have been updated...`, done: false }
  if (n(st.numberAvailable) < desired) return { line: `Waiting for daemon set "${name}" rollout to finish: ${n(st.numberAvailable)} of ${desired} updated pods are available...`, done: false }
  return { line: `daemon set "${name}" successfully rolled out`, done: true }
}

function statefulSetVerdict(o: JsonObject): Verdict {
  const spec = read.fields(o.spec)
  const st = read.fields(o.status)
  const strategy = read.fields(spec.updateStrategy)
  if (strategy.type !== 'RollingUpdate') return { error: 'rollout status is only available for RollingUpdate strategy type' }
  const replicas = n(spec.replicas)
  if (n(st.readyReplicas) < replicas) return { line: `Waiting for ${replicas - n(st.readyReplicas)} pods to be ready...`, done: false }
  const ru = read.obj(strategy.rollingUpdate)
  if (ru) {
    // the API server always fills partition in (0), so a default StatefulSet reports a "partitioned" roll out
    if (typeof ru.partition === 'number' && n(st.updatedReplicas) < replicas - ru.partition) {
      return { line: `Waiting for partitioned roll out to finish: ${n(st.updatedReplicas)} out of ${replicas - ru.partition} new pods have been updated...`, done: false }
    }
    return { line: `partitioned roll out complete: ${n(st.updatedReplicas)} new pods have been updated...`, done: true }
  }
  if (st.updateRevision !== st.currentRevision) return { line: `waiting for statefulset rolling update to complete ${n(st.updatedReplicas)} pods at revision ${String(st.updateRevision)}...`, done: false }
  return { line: `statefulset rolling update complete ${n(st.currentReplicas)} pods at revision ${String(st.currentRevision)}...`, done: true }
}

export function kubectlRollout(c: Cluster, argv: string[]): Output {
  // argv: rollout SUBCOMMAND ...
  const sub = argv.find((a, i) => i > 0 && !a.startsWith('-'))
  if (sub !== 'status') return fail('error: kubectl rollout ' + (sub ?? '') + ' is not simulated here: the manifests you edit are the cluster, so change them and run again (simulated: rollout status)')
  let namespace = 'default'
  let watch = true
  let timeout: string | undefined
  const args: string[] = []
  const rest = argv.slice(argv.indexOf('status') + 1)
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]
    const value = () => (a.includes('=') ? a.slice(a.indexOf('=') + 1) : rest[++i])
    if (a === '-n' || a === '--namespace' || a.startsWith('--namespace=')) namespace = value() ?? ''
    else if (/^-n.+/.test(a)) namespace = a.slice(2)
    else if (a === '-w' || a === '--watch' || a.startsWith('--watch=') || a.startsWith('-w=')) watch = !a.includes('=') || !/^(false|0|f|F|FALSE|False)$/.test(value() ?? '')
    else if (a === '--timeout' || a.startsWith('--timeout=')) timeout = value()
    else if (a === '--revision' || a.startsWith('--revision=')) {
      if (value() !== '0') return fail('error: kubectl rollout status --revision is not simulated here (every workload is at revision 1)')
    } else if (a.startsWith('-')) return fail(`error: unknown flag: ${a.replace(/=.*$/, '')}`)
    else args.push(a)
  }
  if (!namespace) return fail('error: flag needs an argument: --namespace')
  let [typeText, name] = args
  if (typeText?.includes('/')) [typeText, name] = [typeText.slice(0, typeText.indexOf('/')), typeText.slice(typeText.indexOf('/') + 1)]
  if (!typeText || !name) return fail('error: required resource not specified')
  const rt = resourceType(typeText)
  if (!rt) return fail(`error: the server doesn't have a resource type "${typeText}"`)
  if (!['Deployment', 'DaemonSet', 'StatefulSet'].includes(rt.kind)) return fail(`error: no status viewer has been implemented for ${rt.kind}`)
  const g = allWorkloads(c).find((w) => w.kind === rt.kind && w.meta.namespace === namespace && w.meta.name === name)
  if (!g) return fail(`Error from server (NotFound): ${rt.resource}.apps "${name}" not found`)
  const o = workloadJson(g, c)
  const v = rt.kind === 'Deployment' ? deploymentVerdict(name, o) : rt.kind === 'DaemonSet' ? daemonSetVerdict(name, o) : statefulSetVerdict(o)
  if ('error' in v) return fail(`error: ${v.error}`)
  const stdout = `${v.line}\n`
  if (v.done || !watch) return { exitCode: 0, stdout, stderr: '' }
  if (timeout !== undefined) return { exitCode: 1, stdout, stderr: 'error: timed out waiting for the condition\n' }
  return { exitCode: 1, stdout, stderr: '(the simulated cluster does not change while kubectl watches: real kubectl would keep waiting here; --watch=false prints the status once, --timeout=DURATION gives up)\n' }
}
