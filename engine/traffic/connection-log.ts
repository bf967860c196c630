/**
 * The connections the traffic tools (curl, wget, nc, ping) made in this run,
 * in order: what `conntrack -L` and `tcpdump` on a node or in a Pod show
 * later in the same run, and nothing across runs (the log lives in the
 * run's Session, engine/shell/session.ts).
 *
 * Bounded: the log keeps the last MAX_CONNECTIONS connections of the run; an
 * older one drops out, as an entry leaves a conntrack table when it expires.
 *
 * @example
 * connectionsOf(session).map((c) => c.tool) // ['curl', 'ping']
 */
import type { Invocation, Place } from '../shell/types.ts'
import { imageName } from './servers.ts'
import type { Session } from '../shell/session.ts'
import type { FullTrace } from '../trace/index.ts'
import { placeContainer } from '../model/containers.ts'

/** The most connections one run remembers. */
export const MAX_CONNECTIONS = 64

/** One connection a tool made, with what the tool knows about its bytes. */
export interface Connection {
  /** the tool that opened it: curl, wget, nc, ping */
  tool: string
  /** its number in the run (0 for the first), also after older ones dropped out */
  seq: number
  trace: FullTrace
  /** the first line and size of the request and the response, when the tool sent one (HTTP) */
  exchange?: { request: string; requestBytes: number; response?: string; responseBytes?: number; serverCloses?: boolean }
  /** one-byte UDP datagrams a UDP port test sent (OpenBSD nc -zu), never answered */
  udpProbes?: number
  /** the ICMP echo requests ping sent (-c) and their payload size (-s) */
  echo?: { count: number; size: number }
}

interface Log {
  next: number
  items: Connection[]
}

const SLOT = 'traffic.connections'

function logOf(session: Session): Log {
  return session.slot<Log>(SLOT, () => ({ next: 0, items: [] }))
}

/** Remembers a connection a tool just made; answers it so the tool can add what it sent. */
export function recordConnection(inv: Pick<Invocation, 'session' | 'argv'>, trace: FullTrace): Connection {
  const log = logOf(inv.session)
  const c: Connection = { tool: inv.argv[0] ?? '', seq: log.next++, trace }
  log.items.push(c)
  if (log.items.length > MAX_CONNECTIONS) log.items.shift()
  return c
}

/** The connections made so far in this run, oldest first. */
export function connectionsOf(session: Session): readonly Connection[] {
  return session.peek<Log>(SLOT)?.items ?? []
}

/** The record of a trace made in this run, to add what the tool sent over it. */
export function connectionOf(session: Session, trace: FullTrace): Connection | undefined {
  return session.peek<Log>(SLOT)?.items.find((c) => c.trace === trace)
}

/**
 * Seconds since a connection was made, as the simulator models the run's clock: each
 * connection one second after the one before, the last one second before now.
 */
export function secondsAgo(session: Session, c: Connection): number {
  return (session.peek<Log>(SLOT)?.next ?? c.seq + 1) - c.seq
}

/** The container (or kubectl debug's ephemeral one) is nicolaka/netshoot, which ships conntrack and tcpdump. */
export function hasNetshoot(place: Extract<Place, { kind: 'pod' }>): boolean {
  const c = placeContainer(place.pod, place.container)
  return imageName(place.image ?? c?.image ?? '') === 'netshoot'
}

/**
 * Whether the container holds a capability: an ephemeral container by its kubectl debug profile
 * (k8s.io/kubectl/pkg/cmd/debug/profiles.go: netadmin adds NET_ADMIN and NET_RAW, sysadmin is
 * privileged, restricted drops ALL), any other by its securityContext (privileged, capabilities
 * add and drop) over the runtime's defaults (containerd's include NET_RAW, not NET_ADMIN).
 */
export function hasCapability(place: Extract<Place, { kind: 'pod' }>, cap: 'NET_ADMIN' | 'NET_RAW'): boolean {
  const byDefault = cap === 'NET_RAW'
  if (place.profile !== undefined) {
    if (place.profile === 'netadmin' || place.profile === 'sysadmin') return true
    if (place.profile === 'restricted') return false
    return byDefault
  }
  type Sc = { privileged?: boolean; runAsUser?: unknown; capabilities?: { add?: unknown[]; drop?: unknown[] } }
  const spec = (place.pod.raw as { spec?: { securityContext?: { runAsUser?: unknown }; containers?: { name?: string; securityContext?: Sc }[]; initContainers?: { name?: string; securityContext?: Sc }[] } } | undefined)?.spec
  // the container the command runs in: an app container or a sidecar (model/containers.ts)
  const name = placeContainer(place.pod, place.container)?.name
  const c = [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])].find((x) => x.name === name)
  const sc = c?.securityContext
  if (sc?.privileged === true) return true
  // a process that does not run as root starts with no effective capabilities, whatever the container is granted
  const user = sc?.runAsUser ?? spec?.securityContext?.runAsUser
  if (typeof user === 'number' && user !== 0) return false
  const names = (xs: unknown[] | undefined) => (xs ?? []).map((x) => String(x).toUpperCase().replace(/^CAP_/, ''))
  if (names(sc?.capabilities?.add).some((x) => x === cap || x === 'ALL')) return true
  if (names(sc?.capabilities?.drop).some((x) => x === cap || x === 'ALL')) return false
  return byDefault
}
