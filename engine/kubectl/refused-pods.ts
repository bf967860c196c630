/**
 * A workload whose Pod template names a ServiceAccount that does not exist: the
 * ServiceAccount admission plugin refuses each Pod its controller tries to create
 * (cluster/workloads.ts makes none), and the controller records a FailedCreate
 * Warning for each try:
 * - ReplicaSet, DaemonSet: RealPodControl.createPods (pkg/controller/controller_utils.go),
 *   "Error creating: ERR", the Pod named by its generateName `NAME-`;
 * - StatefulSet: recordPodEvent (stateful_pod_control.go), "create Pod P in StatefulSet S
 *   failed error: ERR", for its first ordinal (runForAll: in order under OrderedReady, a
 *   slowStartBatch under Parallel).
 * Each sync stops at the first refusal (slowStartBatch begins with one Pod), and the failed
 * sync requeues the object through workqueue.DefaultControllerRateLimiter: after 5ms, then
 * twice as long each time. The tries up to "now" are modelled from that back-off alone; the
 * extra sync that the controller's own status update triggers (the ReplicaFailure
 * condition) is not, so a real cluster may count one or two more.
 */
import { read } from '../cluster/context.ts'
import { serviceAccountExists, missingServiceAccountMessage } from '../cluster/service-accounts.ts'
import type { Cluster, GenericObject } from '../model/types.ts'
import { tolerates } from '../cluster/pod-spec.ts'
import type { Toleration } from '../cluster/pod-spec.ts'
import { matchesRequiredNodeAffinity } from '../cluster/scheduler.ts'

/** The account a workload's template names, when it does not exist. */
export function missingTemplateAccount(c: Cluster, g: GenericObject): string | undefined {
  const spec = read.fields(read.path(g.raw, 'spec', 'template', 'spec'))
  const account = read.str(spec.serviceAccountName) ?? read.str(spec.serviceAccount)
  if (!account) return undefined
  const accounts = c.serviceAccounts.map((a) => ({ namespace: a.meta.namespace, name: a.meta.name }))
  return serviceAccountExists(c.config, accounts, g.meta.namespace, account) ? undefined : account
}

/** The controller's message for one sync's refused creation (see above). */
export function failedCreateMessage(g: GenericObject, account: string): string {
  const ns = g.meta.namespace
  const name = g.meta.name
  if (g.kind === 'StatefulSet') {
    const pod = `${name}-${read.num(read.path(g.raw, 'spec', 'ordinals', 'start')) ?? 0}`
    return `create Pod ${pod} in StatefulSet ${name} failed error: ${missingServiceAccountMessage(pod, ns, account)}`
  }
  return `Error creating: ${missingServiceAccountMessage(`${name}-`, ns, account)}`
}

/** The instants of the controller's tries, from its first at `from` up to `now` (ms): 5ms·(2^k − 1) after it. */
export function retryTimes(from: number, now: number): number[] {
  const out: number[] = []
  for (let k = 0; ; k++) {
    const at = from + 5 * (2 ** k - 1)
    if (at > now) return out
    out.push(at)
  }
}

/**
 * The nodes a refused DaemonSet should run on, which its status counts as desired whether or not
 * a Pod got created (daemon_controller.go nodeShouldRunDaemonPod): those whose NoSchedule and
 * NoExecute taints the template tolerates and whose labels its node selector and required node
 * affinity accept, as the scheduler's static filters judge a DaemonSet Pod (cluster/scheduler.ts).
 */
export function daemonNodes(c: Cluster, g: GenericObject): number {
  const spec = read.fields(read.path(g.raw, 'spec', 'template', 'spec'))
  const tolerations: Toleration[] = read.arr(spec.tolerations).map((t) => ({
    key: read.str(read.path(t, 'key')),
    operator: read.str(read.path(t, 'operator')) === 'Exists' ? 'Exists' : 'Equal',
    value: read.str(read.path(t, 'value')),
    effect: read.str(read.path(t, 'effect')),
  }))
  const selector = read.labels(spec.nodeSelector)
  return c.nodes.filter(
    (n) =>
      n.taints.every((t) => (t.effect !== 'NoSchedule' && t.effect !== 'NoExecute') || tolerates(tolerations, t)) &&
      Object.entries(selector).every(([k, v]) => n.meta.labels[k] === v) &&
      matchesRequiredNodeAffinity(spec, n),
  ).length
}
