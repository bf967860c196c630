/**
 * `kubectl events` (k8s.io/kubectl/pkg/cmd/events): the namespace's events oldest first, sorted
 * by each event's time with Go's sort.Sort (not stable: events.go SortableEvents), in the
 * command's own printer (event_printer.go): LAST SEEN as `last (xN over first)` for a repeated
 * event, the OBJECT as Kind/name. Flags: -n, -A, --for TYPE/NAME, --types, --no-headers.
 */
import type { Cluster } from '../model/types.ts'
import type { Output } from '../shell/types.ts'
import { fail, ok } from '../shell/types.ts'
import { table } from '../text/tabwriter.ts'
import { humanDuration } from '../text/duration.ts'
import { clusterEvents } from './events.ts'
import type { ClusterEvent } from './events.ts'
import { resourceType } from './resources.ts'
import { goSort } from './go-sort.ts'

interface EventsFlags {
  namespace: string
  all: boolean
  forObject?: string
  types: string[]
  noHeaders: boolean
}

function parse(argv: string[]): EventsFlags | { error: string } {
  const f: EventsFlags = { namespace: 'default', all: false, types: [], noHeaders: false }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const eq = a.indexOf('=')
    const value = (): string | undefined => (a.startsWith('--') && eq > 0 ? a.slice(eq + 1) : !a.startsWith('--') && a.length > 2 ? a.slice(2).replace(/^=/, '') : argv[++i])
    if (a === '-n' || a.startsWith('--namespace') || (a.startsWith('-n') && !a.startsWith('--'))) {
      const v = value()
      if (v === undefined) return { error: `error: flag needs an argument: ${a.startsWith('--') ? '--namespace' : "'n' in -n"}` }
      f.namespace = v
    } else if (a === '-A' || a === '--all-namespaces' || a === '--all-namespaces=true') f.all = true
    else if (a === '--for' || a.startsWith('--for=')) {
      const v = value()
      if (v === undefined) return { error: 'error: flag needs an argument: --for' }
      f.forObject = v
    } else if (a === '--types' || a.startsWith('--types=')) {
      const v = value()
      if (v === undefined) return { error: 'error: flag needs an argument: --types' }
      f.types.push(...v.split(','))
    } else if (a === '--no-headers' || a === '--no-headers=true') f.noHeaders = true
    else if (a === '-w' || a.startsWith('--watch') || a === '-o' || a.startsWith('--output') || (a.startsWith('-o') && !a.startsWith('--'))) {
      return { error: `error: flag ${a.replace(/=.*$/, '')} is a real kubectl flag, but it is not simulated here` }
    } else return { error: `error: unknown flag: ${a}\nSee 'kubectl events --help' for usage.` }
  }
  return f
}

export function kubectlEvents(cluster: Cluster, argv: string[]): Output {
  const f = parse(argv)
  if ('error' in f) return fail(f.error)
  // events.go Validate, then ToOptions' --for (decodeResourceTypeName)
  for (const t of f.types) if (t.toLowerCase() !== 'normal' && t.toLowerCase() !== 'warning') return fail('error: valid --types are Normal or Warning')
  let involved: { kind: string; apiVersion: string; name: string } | undefined
  if (f.forObject !== undefined) {
    const parts = f.forObject.split('/')
    if (parts.length === 1) return fail('error: --for must be in resource/name form')
    if (parts.length !== 2) return fail('error: arguments in resource/name form may not have more than one slash')
    const rt = resourceType(parts[0])
    if (!rt) return fail(`error: no matches for /, Resource=${parts[0].toLowerCase()}`)
    involved = { kind: rt.kind, apiVersion: API_VERSIONS[rt.kind] ?? 'v1', name: parts[1] }
  }
  const now = Date.parse(cluster.now)
  const events = clusterEvents(cluster).filter((e) =>
    (f.all || e.meta.namespace === f.namespace) &&
    (!involved || (e.involved.kind === involved.kind && e.involved.apiVersion === involved.apiVersion && e.involved.name === involved.name)) &&
    (f.types.length === 0 || f.types.some((t) => t.toLowerCase() === e.type.toLowerCase())))
  if (events.length === 0) return { exitCode: 0, stdout: '', stderr: f.all ? 'No events found.\n' : `No events found in ${f.namespace} namespace.\n` }
  const list = [...events]
  goSort({ len: list.length, less: (i, j) => eventTime(list[i]) < eventTime(list[j]), swap: (i, j) => ([list[i], list[j]] = [list[j], list[i]]) })
  const rows = list.map((e) => [...(f.all ? [e.meta.namespace] : []), interval(e, now), e.type, e.reason, `${e.involved.kind}/${e.involved.name}`, e.message.trim()])
  const header = [...(f.all ? ['NAMESPACE'] : []), 'LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE']
  return ok(table(f.noHeaders ? rows : [header, ...rows]))
}

/** The group/version events name their objects by (involvedObject.apiVersion) */
const API_VERSIONS: Record<string, string> = { Deployment: 'apps/v1', ReplicaSet: 'apps/v1', StatefulSet: 'apps/v1', DaemonSet: 'apps/v1', EndpointSlice: 'discovery.k8s.io/v1', Ingress: 'networking.k8s.io/v1', NetworkPolicy: 'networking.k8s.io/v1' }

/** events.go eventTime: lastTimestamp for a core event, eventTime for one from events.k8s.io */
function eventTime(e: ClusterEvent): number {
  return e.eventTime ? e.first : e.last
}

/** event_printer.go getInterval */
function interval(e: ClusterEvent, now: number): string {
  const first = humanDuration(now - e.first)
  return !e.eventTime && e.count > 1 ? `${humanDuration(now - e.last)} (x${e.count} over ${first})` : first
}
