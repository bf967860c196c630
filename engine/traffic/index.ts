/**
 * Network tools inside Pods, on nodes and on the workstation — curl, wget,
 * ping, nc -z and traceroute — and the simulated servers that answer them
 * (agnhost netexec's /hostname and /clientip, nginx, httpd, the non-HTTP
 * servers), all running over the packet trace (engine/trace).
 *
 * @example
 * runCommand(cluster, 'kubectl exec client -- curl -s web/hostname') // stdout: 'web-6bc869c565-8crnt'
 * runCommand(cluster, 'curl -s http://192.168.1.12:30080/clientip') // the address the Pod saw
 */
import type { Program } from '../shell/types.ts'
import { curlProgram } from './curl.ts'
import { wgetProgram } from './wget.ts'
import { pingProgram } from './ping.ts'
import { ncProgram } from './nc.ts'
import { tracerouteProgram } from './traceroute.ts'
import { ssProgram } from './ss.ts'
import { traceProgram } from '../trace/index.ts'
import { conntrackProgram } from './conntrack.ts'
import { tcpdumpProgram } from './tcpdump.ts'

export { curlProgram, wgetProgram, pingProgram, ncProgram, tracerouteProgram }
export { connect, flavour, traceFrom } from './connect.ts'
export type { ConnectRequest } from './connect.ts'
export { podListeners, podListener, nodeListener, defaultPodPort, imageName } from './servers.ts'
export type { Listener, App } from './servers.ts'
export { respond, httpDate } from './http.ts'
export type { HttpOutcome, HttpRequest } from './http.ts'
export { routersOf, replyTtl } from './routers.ts'

/** The traffic programs and `trace`, keyed by name, for the shell's program table. */
export const TRAFFIC_PROGRAMS: Record<string, Program> = {
  ss: ssProgram,
  trace: traceProgram,
  curl: curlProgram,
  wget: wgetProgram,
  ping: pingProgram,
  nc: ncProgram,
  traceroute: tracerouteProgram,
  conntrack: conntrackProgram,
  tcpdump: tcpdumpProgram,
}
