/**
 * crictl (cri-tools) on a node: the container runtime's view of the Pods
 * kubelet runs there. `crictl pods` lists Pod sandboxes, one per Pod: the
 * sandbox is the pause container that holds the Pod's namespaces (its
 * network namespace is the CNI's cni-… one); `crictl ps` lists the Pod's
 * own containers, which join that sandbox. Table layout as crictl prints it
 * (cmd/crictl/sandbox.go and container.go: text/tabwriter with minwidth 20,
 * padding 3; newest first; IDs cut to 13 characters; ages by go-units
 * HumanDuration).
 */
import type { Cluster, Node, Pod } from '../model/types.ts'
import type { Output, Program } from '../shell/types.ts'
import { fail, ok } from '../shell/types.ts'
import { sandboxId } from '../dataplane/ids.ts'
import { sha256Hex } from '../dataplane/sha256.ts'
import { containerID } from '../kubectl/api-objects.ts'
import { crashLoop } from '../cluster/crash-loop.ts'

/** github.com/docker/go-units HumanDuration, as crictl's CREATED column prints it. */
export function unitsHumanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000)
  if (seconds < 1) return 'Less than a second'
  if (seconds === 1) return '1 second'
  if (seconds < 60) return `${seconds} seconds`
  const minutes = Math.floor(seconds / 60)
  if (minutes === 1) return 'About a minute'
  if (minutes < 60) return `${minutes} minutes`
  const hours = Math.floor(ms / 3_600_000 + 0.5)
  if (hours === 1) return 'About an hour'
  if (hours < 48) return `${hours} hours`
  if (hours < 24 * 7 * 2) return `${Math.floor(hours / 24)} days`
  if (hours < 24 * 30 * 2) return `${Math.floor(hours / 24 / 7)} weeks`
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24 / 30)} months`
  return `${Math.floor(ms / 3_600_000 / 24 / 365)} years`
}

/** Go text/tabwriter with crictl's settings: each cell but the last padded to max(width + 3, 20). */
function table(rows: string[][]): string {
  const widths: number[] = []
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)))
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(Math.max(widths[i] + 3, 20)))).join('')).map((l) => `${l}\n`).join('')
}

function podsOn(cluster: Cluster, node: Node): Pod[] {
  // a Pod has a sandbox once kubelet ran it: an address of its own, or the node's (hostNetwork)
  const pods = cluster.pods.filter((p) => p.nodeName === node.meta.name && (p.podIPs.length > 0 || (p.hostNetwork && p.phase === 'Running')))
  // newest first (sandboxByCreated), then by name for a stable order
  return pods.sort((a, b) => (a.meta.creationTimestamp < b.meta.creationTimestamp ? 1 : a.meta.creationTimestamp > b.meta.creationTimestamp ? -1 : a.meta.name < b.meta.name ? -1 : 1))
}

function created(cluster: Cluster, pod: Pod): string {
  return `${unitsHumanDuration(Date.parse(cluster.now) - Date.parse(pod.meta.creationTimestamp))} ago`
}

interface Filters {
  name?: string
  namespace?: string
  quiet: boolean
  noTrunc: boolean
  all: boolean
}

function parse(args: string[], cmd: string): Filters | Output {
  const f: Filters = { quiet: false, noTrunc: false, all: false }
  for (let i = 0; i < args.length; i++) {
    const a = args[i]
    if (a === '--name') f.name = args[++i]
    else if (a.startsWith('--name=')) f.name = a.slice(7)
    else if (a === '--namespace') f.namespace = args[++i]
    else if (a.startsWith('--namespace=')) f.namespace = a.slice(12)
    else if (a === '-q' || a === '--quiet') f.quiet = true
    else if (a === '--no-trunc') f.noTrunc = true
    else if (a === '-a' || a === '--all') f.all = true
    else return fail(`crictl ${cmd}: flag provided but not defined: ${a.replace(/=.*/, '')}\nIncorrect Usage. See 'crictl ${cmd} --help'.`, 1)
  }
  return f
}

/** crictl's --name and --namespace filters are regular expressions; the simulator matches them as substrings. */
function matches(filter: string | undefined, value: string): boolean {
  return filter === undefined || value.includes(filter)
}

export const crictlProgram: Program = {
  places: ['node'],
  summary: 'list the Pod sandboxes (pause containers) and containers the runtime runs on a node (crictl)',
  usage: ['crictl pods [--name NAME] [--namespace NS] [-q] [--no-trunc]', 'crictl ps [-a] [--name NAME] [--namespace NS] [-q] [--no-trunc]'],
  run(inv) {
    if (inv.place.kind !== 'node') return fail('crictl: runs on a node')
    const node = inv.place.node
    const [cmd, ...args] = inv.argv.slice(1)
    if (cmd !== 'pods' && cmd !== 'ps') return fail(cmd ? `crictl: the simulator answers crictl pods and crictl ps, not crictl ${cmd}` : 'Usage: crictl pods | crictl ps', 1)
    const f = parse(args, cmd)
    if ('exitCode' in f) return f
    const cut = (id: string) => (f.noTrunc ? id : id.slice(0, 13))
    const pods = podsOn(inv.cluster, node).filter((p) => matches(f.namespace, p.meta.namespace))
    if (cmd === 'pods') {
      const list = pods.filter((p) => matches(f.name, p.meta.name))
      if (f.quiet) return ok(list.map((p) => `${sandboxId(p)}\n`).join(''))
      const rows = [['POD ID', 'CREATED', 'STATE', 'NAME', 'NAMESPACE', 'ATTEMPT', 'RUNTIME']]
      for (const p of list) rows.push([cut(sandboxId(p)), created(inv.cluster, p), 'Ready', p.meta.name, p.meta.namespace, '0', '(default)'])
      return ok(table(rows), { sandboxes: list.map((p) => ({ id: sandboxId(p), name: p.meta.name, namespace: p.meta.namespace })) })
    }
    const rows: { at: number; row: string[]; id: string }[] = []
    for (const p of pods) {
      // init containers were created first (newest first: the app containers, then the init ones);
      // a sidecar runs on, a regular init container has exited (kubelet keeps it: crictl ps -a)
      for (const c of [...p.initContainers, ...p.containers].reverse()) {
        if (!matches(f.name, c.name)) continue
        const init = p.initContainers.includes(c)
        if (init && (p.podIPs.length === 0 || (!c.sidecar && !f.all))) continue
        if (init && !c.sidecar) {
          const id = containerID(p, c.name).slice('containerd://'.length)
          const image = sha256Hex(`image/${c.image}`)
          rows.push({ at: Date.parse(p.meta.creationTimestamp), id, row: [cut(id), f.noTrunc ? `sha256:${image}` : image.slice(0, 13), created(inv.cluster, p), 'Exited', c.name, '0', cut(sandboxId(p)), p.meta.name, p.meta.namespace] })
          continue
        }
        if (c.probes && p.podIPs.length > 0) {
          // restarted after failed probes (cluster/probes.ts): the current attempt, and the last exited one that kubelet keeps
          const pr = c.probes
          const image = sha256Hex(`image/${c.image}`)
          // the container GC keeps one dead container per container (MaxPerPodContainer)
          const last = pr.runs.length - 1
          const shown = pr.runs[last].killed !== undefined || last === 0 ? [last] : [last - 1, last]
          for (const k of shown) {
            const r = pr.runs[k]
            const exited = r.killed !== undefined
            if (exited && !f.all) continue
            const id = containerID(p, k === 0 ? c.name : `${c.name}/${k}`).slice('containerd://'.length)
            const when = `${unitsHumanDuration(Date.parse(inv.cluster.now) - r.start)} ago`
            rows.push({ at: r.start, id, row: [cut(id), f.noTrunc ? `sha256:${image}` : image.slice(0, 13), when, exited ? 'Exited' : 'Running', c.name, String(k), cut(sandboxId(p)), p.meta.name, p.meta.namespace] })
          }
          continue
        }
        // a container in CrashLoopBackOff is between attempts: its last one has exited (kubelet keeps that one)
        const loop = c.crash && p.podIPs.length > 0 ? crashLoop(p.meta.creationTimestamp, inv.cluster.now) : undefined
        if (loop && !f.all) continue
        const id = containerID(p, loop ? `${c.name}/${loop.restarts}` : c.name).slice('containerd://'.length)
        // kubelet hands the runtime the image's ID: the column shows its digest, cut
        const image = sha256Hex(`image/${c.image}`)
        const when = loop ? `${unitsHumanDuration(Date.parse(inv.cluster.now) - Date.parse(loop.lastStart))} ago` : created(inv.cluster, p)
        const at = Date.parse(loop ? loop.lastStart : p.meta.creationTimestamp)
        rows.push({ at, id, row: [cut(id), f.noTrunc ? `sha256:${image}` : image.slice(0, 13), when, loop ? 'Exited' : 'Running', c.name, String(c.restartCount + (loop?.restarts ?? 0)), cut(sandboxId(p)), p.meta.name, p.meta.namespace] })
      }
    }
    // newest first (containerByCreated); Array.prototype.sort is stable for equal times
    rows.sort((a, b) => b.at - a.at)
    if (f.quiet) return ok(rows.map((r) => `${r.id}\n`).join(''))
    return ok(table([['CONTAINER', 'IMAGE', 'CREATED', 'STATE', 'NAME', 'ATTEMPT', 'POD ID', 'POD', 'NAMESPACE'], ...rows.map((r) => r.row)]))
  },
}
