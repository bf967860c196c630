/**
 * Two containers of one Pod share one network namespace, so one table of
 * ports. kubelet starts a Pod's containers one after the other, in the order
 * of spec.containers (kuberuntime_manager.go SyncPod); when a container's
 * server tries to bind a port an earlier container already holds, bind()
 * fails with EADDRINUSE, the process exits, and kubelet restarts it with a
 * growing back-off: the container sits in CrashLoopBackOff.
 *
 * The ports a container binds are those its image serves by itself
 * (traffic/servers.ts imageServes: nginx on 80, agnhost netexec on
 * --http-port, …). A declared containerPort is informational: it binds
 * nothing, and an image the simulator does not know is assumed to bind
 * nothing either. What a failing attempt writes: kubectl/crash-log.ts.
 */
import type { ContainerCrash, JsonObject } from '../model/types.ts'
import { imageServes } from '../traffic/servers.ts'
import { read } from './context.ts'

/**
 * Which containers of a Pod spec cannot start because an earlier one holds their port, by
 * container index. Computed once per spec (a workload's replicas share it).
 *
 * @example
 * portConflicts([{ name: 'a', image: 'nginx' }, { name: 'b', image: 'nginx' }]) // Map { 1 => { port: { protocol: 'TCP', port: 80, heldBy: 'a' }, … } }
 */
export function portConflicts(containers: JsonObject[]): Map<number, ContainerCrash> {
  const out = new Map<number, ContainerCrash>()
  // one container has no earlier one to hold its ports: most Pods (issue 20: no image lookup for them)
  if (containers.length < 2) return out
  const held = new Map<string, string>()
  containers.forEach((c, i) => {
    const name = read.str(c.name) ?? ''
    const image = read.str(c.image) ?? ''
    const argv = [...read.arr(c.command), ...read.arr(c.args)].filter((a): a is string => typeof a === 'string')
    const ports = imageServes(image, argv).ports
    const taken = ports.find((p) => held.has(`${p.port}/${p.proto}`))
    if (taken) {
      out.set(i, { exitCode: 1, port: { protocol: taken.proto, port: taken.port, heldBy: held.get(`${taken.port}/${taken.proto}`)! } })
      return
    }
    for (const p of ports) held.set(`${p.port}/${p.proto}`, name)
  })
  return out
}
