/**
 * `kubectl` on the reader's workstation: get, describe, and the exec that the
 * shell handles before it gets here. Other verbs answer as kubectl would if
 * they were unknown, with a pointer to what is simulated.
 */
import type { Invocation, Output, Program } from '../shell/types.ts'
import { fail, ok } from '../shell/types.ts'
import { parseKubectlFlags } from './flags.ts'
import type { KubectlFlags } from './flags.ts'
import { kubectlGet } from './get.ts'
import { kubectlDescribe } from './describe.ts'
import { kubectlLogs } from './logs.ts'
import { verbNotSimulated } from './not-simulated.ts'
import { kubectlRollout } from './rollout-status.ts'
import { kubectlWait } from './wait.ts'
import { kubectlEvents } from './events-command.ts'
import { kubectlClusterInfo, kubectlTop } from './cluster-info.ts'

const SIMULATED = ['get', 'describe', 'events', 'exec', 'logs', 'debug', 'run --rm', 'port-forward', 'rollout status', 'wait', 'cluster-info', 'top', 'version']

export const kubectlProgram: Program = {
  places: ['workstation'],
  summary: 'talk to the simulated API server: get, describe, events, exec, logs, debug, port-forward, rollout status, wait',
  usage: [
    'kubectl get TYPE[,TYPE…] [NAME…] [-n NS | -A] [-l SELECTOR] [-o wide|yaml|json|name] [--show-labels] [-L KEY,…] [--no-headers]',
    "  -o jsonpath='{.items[*].metadata.name}'   (fields, [*], [n], [?(@.x==\"y\")], range … end, {\"\\n\"}, ..)",
    '  -o custom-columns=NAME:.metadata.name,IP:.status.podIP',
    'kubectl describe pod|service|node|networkpolicy NAME [-n NS]',
    'kubectl describe deployment|replicaset|statefulset|daemonset NAME [-n NS]',
    'kubectl rollout status deployment|statefulset|daemonset/NAME [-n NS] [--watch=false] [--timeout=DURATION]',
    'kubectl wait --for=condition=NAME[=VALUE] TYPE/NAME… | TYPE (-l SELECTOR | --all) [-n NS] [--timeout=DURATION]   (the cluster does not change while it waits)',
    'kubectl events [-n NS | -A] [--for TYPE/NAME] [--types Normal,Warning] [--no-headers]   (oldest first)',
    'kubectl exec [-n NS] POD -- COMMAND [ARGS…]',
    'kubectl logs (POD | TYPE/NAME | -l SELECTOR) [-n NS] [-c CONTAINER | --all-containers] [--tail N] [--timestamps] [--prefix]',
    'kubectl debug [-n NS] POD -it --image=IMAGE [--target=CONTAINER] -- COMMAND [ARGS…]   (an ephemeral container in the Pod\'s network namespace)',
    'kubectl debug node/NAME -it --image=IMAGE -- COMMAND [ARGS…]   (a Pod on the node\'s host network, the node\'s files at /host)',
    "kubectl run NAME --rm -i [--restart=Never] --image=IMAGE [-n NS] [-l K=V,…] [--env K=V] [--overrides='{…}'] -- COMMAND [ARGS…]   (a Pod for this command only)",
    'kubectl port-forward [-n NS] POD|svc/NAME|deploy/NAME [LOCAL:]REMOTE…   (prints the forwards; nothing keeps running between commands)',
  ],
  run(inv) {
    // logs has flags of its own (-c, --tail, …): it parses the whole line itself
    if (logsVerb(inv.argv.slice(1))) return kubectlLogs(inv.cluster, inv.argv.slice(1), inv.session)
    // a real verb that is not simulated is answered before its flags are read
    const verb = inv.argv[1]
    if (verb === 'rollout') return kubectlRollout(inv.cluster, inv.argv.slice(1))
    if (verb === 'wait') return kubectlWait(inv.cluster, inv.argv.slice(1))
    if (verb === 'events') return kubectlEvents(inv.cluster, inv.argv.slice(2))
    if (verb === 'cluster-info') return kubectlClusterInfo(inv.cluster, inv.argv.slice(2))
    if (verb === 'top') return kubectlTop(inv.argv.slice(2))
    const missing = verb && !SIMULATED.includes(verb) ? verbNotSimulated(verb, SIMULATED) : undefined
    if (missing) return fail(missing)
    const f = parseKubectlFlags(inv.argv.slice(1))
    if ('error' in f) return fail(f.error)
    return f.verb === 'get' ? kubectlGet(inv.cluster, f) : otherVerb(inv, f)
  },
}

/** kubectl's verbs other than get (and those answered before the flags are read). */
function otherVerb(inv: Invocation, f: KubectlFlags): Output {
  // --sort-by is get's own flag
  if (f.sortBy !== undefined) return fail(`error: unknown flag: --sort-by\nSee 'kubectl ${f.verb ? `${f.verb} --help` : '--help'}' for usage.`)
  switch (f.verb) {
    case 'describe':
      return kubectlDescribe(inv.cluster, f)
    case 'version':
      return ok(`Client Version: ${inv.cluster.config.kubernetesVersion}\nKustomize Version: v5.7.1\nServer Version: ${inv.cluster.config.kubernetesVersion}\n`)
    case '':
      return ok('kubectl controls the Kubernetes cluster manager.\n\nSimulated here: ' + SIMULATED.join(', ') + '\n')
    default:
      return fail(`error: unknown command "${f.verb}" for "kubectl"\n(simulated verbs: ${SIMULATED.join(', ')})`)
  }
}

/** The verb is the first argument that is neither a flag nor the value of -n/-l/-o/-c/--tail. */
function logsVerb(argv: string[]): boolean {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (['-n', '--namespace', '-l', '--selector', '-o', '--output', '-c', '--container', '--tail'].includes(a)) i++
    else if (!a.startsWith('-')) return a === 'logs'
  }
  return false
}
