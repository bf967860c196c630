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
 * nothing either.
 */
import type { ContainerCrash, JsonObject } from '../model/types.ts'
import { imageName, imageServes } from '../traffic/servers.ts'
import { read } from './context.ts'

/** The log lines a server prints when its port is taken, as each one words it. */
function bindFailure(image: string, proto: string, port: number): string[] {
  const name = imageName(image)
  // nginx retries bind() 5 times, half a second apart, for each listen socket, then gives up
  // (ngx_open_listening_sockets); the official image listens on 0.0.0.0:80 and [::]:80
  if (name === 'nginx' || name.startsWith('nginx-') || name.endsWith('-nginx')) {
    const lines: string[] = []
    for (let i = 0; i < 5; i++) lines.push(`nginx: [emerg] bind() to 0.0.0.0:${port} failed (98: Address already in use)`, `nginx: [emerg] bind() to [::]:${port} failed (98: Address already in use)`)
    return [...lines, 'nginx: [emerg] still could not bind()']
  }
  if (name === 'httpd') return [`(98)Address already in use: AH00072: make_sock: could not bind to address [::]:${port}`, `(98)Address already in use: AH00072: make_sock: could not bind to address 0.0.0.0:${port}`, 'no listening sockets available, shutting down', 'AH00015: Unable to open logs']
  if (name === 'redis' || name === 'valkey') return [`# Warning: Could not create server TCP listening socket *:${port}: bind: Address already in use`, `# Failed listening on port ${port} (tcp), aborting.`]
  // Go servers (agnhost, coredns): net.Listen's error, then log.Fatal
  return [`listen ${proto.toLowerCase()} :${port}: bind: address already in use`]
}

/**
 * Which containers of a Pod spec cannot start because an earlier one holds their port, by
 * container index. Computed once per spec (a workload's replicas share it).
 *
 * @example
 * portConflicts([{ name: 'a', image: 'nginx' }, { name: 'b', image: 'nginx' }]) // Map { 1 => { port: { protocol: 'TCP', port: 80, heldBy: 'a' }, … } }
 */
export function portConflicts(containers: JsonObject[]): Map<number, ContainerCrash> {
  const held = new Map<string, string>()
  const out = new Map<number, ContainerCrash>()
  containers.forEach((c, i) => {
    const name = read.str(c.name) ?? ''
    const image = read.str(c.image) ?? ''
    const argv = [...read.arr(c.command), ...read.arr(c.args)].filter((a): a is string => typeof a === 'string')
    const ports = imageServes(image, argv).ports
    const taken = ports.find((p) => held.has(`${p.port}/${p.proto}`))
    if (taken) {
      out.set(i, { log: bindFailure(image, taken.proto, taken.port), exitCode: 1, port: { protocol: taken.proto, port: taken.port, heldBy: held.get(`${taken.port}/${taken.proto}`)! } })
      return
    }
    for (const p of ports) held.set(`${p.port}/${p.proto}`, name)
  })
  return out
}
