/**
 * The `mesh` command: `mesh trace --mode sidecar|ambient [--waypoint POD] SRC -> DST` takes the
 * engine's trace (every flag of `trace` works) and redraws it as Istio would carry it. The
 * answer's data is a Trace, so `diagram="trace"` draws it, its mesh hops dashed.
 */
import { subcommandProgram } from '../shell/subcommands.ts'
import type { Invocation, Output } from '../shell/types.ts'
import { fail } from '../shell/types.ts'
import { traceProgram } from '../trace/program.ts'
import { formatTrace } from '../trace/format.ts'
import type { FullTrace } from '../trace/trace.ts'
import { resolvePodRef } from '../kubectl/resolve.ts'
import { splitPort } from '../trace/parse.ts'
import { meshTrace, type MeshMode, type MeshTraceInput } from './trace.ts'
import { clustersetCommand, CLUSTERSET_USAGE } from './clusterset-program.ts'

const TRACE_USAGE = 'mesh trace [--mode sidecar|ambient] [--waypoint [NS/]POD] [-n NS] SRC -> DST [trace flags]'

function traceCommand(inv: Invocation, args: string[]): Output {
  let mode: MeshMode = 'sidecar'
  let waypointRef: string | undefined
  const rest: string[] = []
  let namespace = 'default'
  for (let i = 0; i < args.length; i++) {
    const a = args[i]
    const value = (): string | undefined => (a.includes('=') ? a.slice(a.indexOf('=') + 1) : args[++i])
    if (a === '--mode' || a.startsWith('--mode=')) {
      const v = value()
      if (v !== 'sidecar' && v !== 'ambient') return fail(`mesh trace: --mode is sidecar or ambient${v === undefined ? '' : `, not "${v}"`}`, 2)
      mode = v
    } else if (a === '--waypoint' || a.startsWith('--waypoint=')) {
      const v = value()
      if (!v) return fail('mesh trace: --waypoint takes a Pod that stands for the waypoint proxy', 2)
      waypointRef = v
    } else {
      if ((a === '-n' || a === '--namespace') && args[i + 1] !== undefined) namespace = args[i + 1]
      else if (a.startsWith('--namespace=')) namespace = a.slice(12)
      rest.push(a)
    }
  }
  if (rest.some((a) => a === '--all')) return fail('mesh trace: --all is not supported (the mesh path is drawn for one endpoint; try --seed N for another)', 2)
  if (waypointRef !== undefined && mode !== 'ambient') return fail('mesh trace: --waypoint needs --mode ambient (sidecars do the layer-7 work themselves)', 2)
  if (rest.length === 0 || rest.every((a) => a.startsWith('-') && a !== '->')) return fail(`usage: ${TRACE_USAGE}`, 2)
  const out = traceProgram.run({ ...inv, argv: ['trace', ...rest] })
  const t = out.data as FullTrace | undefined
  if (!t) return { ...out, stderr: out.stderr.replace(/^trace: /, 'mesh trace: ').replace(/^usage: trace /, `usage: ${TRACE_USAGE.split(' SRC')[0]} `) }
  const unreached = () => fail(`mesh trace: the engine's trace does not reach a Pod (${t.result}: ${t.reason}); a mesh proxies connections between Pods, so there is nothing to redraw\n(run: trace ${rest.join(' ')})`, 1)
  // a name that does not resolve opens no connection at all
  if (!t.client) return unreached()
  const client = inv.cluster.index.podByIP.get(t.client.src)
  if (!client || client.hostNetwork) return fail(`mesh trace: the source must be a Pod (a mesh proxies Pods; ${t.from} is not one)`, 2)
  if (t.client!.proto !== 'TCP') return fail(`mesh trace: Istio redirects TCP only; this ${t.client!.proto} connection would leave ${client.meta.name} as it does without a mesh`, 2)
  const endpoint = chosenPod(inv.cluster, t)
  if (!endpoint) return unreached()
  const server = inv.cluster.index.pod.get(endpoint.pod)!
  if (server.hostNetwork) return fail(`mesh trace: ${endpoint.pod} uses the node's network (hostNetwork); Istio puts neither a sidecar nor ztunnel's redirection in such a Pod`, 1)
  // Istio proxies a Pod's call to itself too (ISTIO_OUTPUT sends the proxy's own lo traffic to ISTIO_IN_REDIRECT); not drawn here
  if (server === client) return fail(`mesh trace: the trace ends at ${endpoint.pod}, the client itself; this illustration draws a connection between two Pods (try --seed N for another endpoint)`, 1)
  let waypoint
  if (waypointRef !== undefined) {
    // [NS/]POD, or pod/NAME, deploy/NAME … in the trace's namespace
    const direct = inv.cluster.index.pod.get(waypointRef.includes('/') ? waypointRef : `${namespace}/${waypointRef}`)
    const found = direct ? { pod: direct } : resolvePodRef(inv.cluster, namespace, waypointRef)
    if ('error' in found) return fail(`mesh trace: --waypoint: ${found.error}`, 2)
    waypoint = found.pod
    if (waypoint === client || waypoint === server) return fail('mesh trace: --waypoint must be a Pod other than the client and the server', 2)
    if (waypoint.podIPs.length === 0 || waypoint.phase !== 'Running') return fail(`mesh trace: --waypoint: ${waypoint.meta.name} is not running`, 2)
  }
  const seedFlag = rest.findIndex((a) => a === '--seed' || a.startsWith('--seed='))
  const seed = seedFlag < 0 ? 0 : Number(rest[seedFlag].includes('=') ? rest[seedFlag].slice(7) : rest[seedFlag + 1])
  const m = meshTrace({ cluster: inv.cluster, trace: t, client, server, endpoint, mode, seed, ...(waypoint ? { waypoint } : {}) })
  return { exitCode: m.result === 'delivered' ? 0 : 1, stdout: formatTrace(m), stderr: '', data: m }
}

/**
 * The Pod the connection goes to: where the trace delivered it, or, when a policy dropped the
 * application's own connection, the endpoint its load balancing had chosen (or the Pod it was
 * addressed to). The mesh opens connections of its own there, which policies judge anew
 * (HBONE's port 15008, for one). Refused, timed out or unresolved: nothing to redraw.
 */
function chosenPod(cluster: Invocation['cluster'], t: FullTrace): MeshTraceInput['endpoint'] | undefined {
  if (t.result === 'delivered') return t.endpoint?.kind === 'pod' && t.endpoint.pod ? { ...t.endpoint, kind: 'pod', pod: t.endpoint.pod } : undefined
  if (t.result !== 'dropped' || !t.client) return undefined
  const chosen = t.alternatives?.find((a) => a.chosen && a.pod)
  if (chosen) {
    const { host, port } = splitPort(chosen.endpoint)
    return { kind: 'pod', ip: host, port: Number(port), pod: chosen.pod!, ...(chosen.node ? { node: chosen.node } : {}) }
  }
  const pod = cluster.index.podByIP.get(t.client.dst)
  if (!pod || pod.hostNetwork) return undefined
  return { kind: 'pod', ip: t.client.dst, port: t.client.dport, pod: `${pod.meta.namespace}/${pod.meta.name}`, node: pod.nodeName }
}

export const meshProgram = subcommandProgram(
  'mesh',
  {
    places: ['workstation', 'pod'],
    summary: 'illustrate what a service mesh (Istio) or a ClusterSet would do; the simulator runs neither',
    usage: [
      TRACE_USAGE,
      '  redraws the engine\'s trace as Istio would carry it: sidecar (Envoy in each Pod) or ambient (ztunnel on each node, HBONE on 15008)',
      '  --waypoint POD: ambient through a waypoint; the Pod stands for the waypoint proxy',
      ...CLUSTERSET_USAGE,
    ],
  },
  { trace: traceCommand, clusterset: clustersetCommand },
)
