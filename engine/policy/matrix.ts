/**
 * The reachability matrix: every source Pod against every destination Pod.
 *
 * Pods that no policy can tell apart are judged once: same namespace, same
 * values for every label key any selector reads, same membership in every
 * CIDR any policy names, same named ports any policy names, same port under
 * test. One representative pair per class pair is evaluated with the very
 * function `policy check` uses, so the matrix equals the pairwise checks.
 * hostNetwork Pods are judged pair by pair: whether they share a node with
 * the other end matters ("traffic to and from the node ... is always allowed").
 */
import type { Cluster, Pod, Protocol } from '../model/types.ts'
import { ipFamilyOf, parseAddr } from '../net/ip.ts'
import { inPrefix } from './match.ts'
import { bit, classVerdicts } from './class-verdicts.ts'
import type { ClassInput, ClassVerdicts } from './class-verdicts.ts'
import type { Addr, Prefix } from '../net/ip.ts'
import { policySet } from './policy-set.ts'
import type { PolicySet } from './policy-set.ts'
import type { Enforcement } from './enforcement.ts'
import { podEndpoint } from './endpoint.ts'
import type { Endpoint } from './endpoint.ts'
import { ALL_TIERS, enforcedTiers, enforcesAll, enforcesNone, evaluateSide, newMemo } from './evaluate.ts'
import type { EvalMemo } from './evaluate.ts'
import type { Reqs } from './model.ts'
import { SYSTEM_NAMESPACES } from '../cluster/system.ts'

export interface MatrixOptions {
  /** only Pods of this namespace */
  namespace?: string
  /** include kube-system and the other add-on namespaces (left out by default; `default` is always in) */
  allNamespaces?: boolean
  /** one port for every destination; default: each destination's first declared container port (80/TCP if it declares none) */
  port?: number
  protocol?: Protocol
  /** rows per Pod, per workload, or per workload once there are more than 20 Pods (auto, the default) */
  group?: 'auto' | 'pods' | 'workloads'
}

export interface MatrixRow {
  label: string
  /** `ns/name` of the Pods the row stands for */
  pods: string[]
  /** the port judged when this row is the destination, `80/TCP` */
  port: string
}

export interface Matrix {
  /** the port judged, or null when each destination uses its own declared port */
  port: number | null
  protocol: Protocol | null
  /** rows are the sources and also (in the same order) the destinations */
  rows: MatrixRow[]
  /** '.' allowed, 'X' denied, '#' a Pod and itself */
  combined: string[][]
  ingress: string[][]
  egress: string[][]
  /** what happens on this cluster's CNI, when that differs from the policy decision somewhere */
  effective?: string[][]
  grouped: boolean
  enforcement: Enforcement
  stats: { pods: number; classes: number; classPairs: number }
}

/** a pair's verdict as bits */
export const EGRESS = 1
export const INGRESS = 2
export const EFFECTIVE = 4

/** Label keys, CIDRs and port names the policies read: all that can set two Pods apart. */
function relevance(set: PolicySet): { keys: string[]; cidrs: Prefix[]; names: string[] } {
  const keys = new Set<string>()
  const cidrs: Prefix[] = []
  const names = new Set<string>()
  const addReqs = (r: Reqs | undefined) => r?.forEach((x) => keys.add(x.key))
  for (const list of set.byNamespace.values()) {
    for (const np of list) {
      addReqs(np.podSel)
      for (const r of [...np.ingress, ...np.egress]) {
        for (const p of r.peers) {
          if (p.kind === 'selector') addReqs(p.podSel)
          else cidrs.push(p.cidr, ...p.except)
        }
        for (const p of r.ports) if (p.name !== undefined) names.add(p.name)
      }
    }
  }
  for (const a of [...set.admin, ...set.baselines]) {
    addReqs(a.subject.podSel)
    for (const r of [...a.ingress, ...a.egress]) {
      for (const p of r.peers) {
        if (p.kind === 'pods') addReqs(p.podSel)
        if (p.kind === 'networks') cidrs.push(...p.cidrs)
      }
      for (const p of r.ports ?? []) if (p.kind === 'namedPort') names.add(p.name)
    }
  }
  // the same CIDR in many policies needs one bit
  const unique = new Map<string, Prefix>()
  for (const c of cidrs) unique.set(`${c.family}|${c.base}|${c.bits}`, c)
  return { keys: [...keys].sort(), cidrs: [...unique.values()], names: [...names].sort() }
}

function declaredPort(pod: Pod): { port: number; protocol: Protocol } {
  for (const c of pod.containers) if (c.ports.length) return { port: c.ports[0].containerPort, protocol: c.ports[0].protocol }
  return { port: 80, protocol: 'TCP' }
}

/**
 * The Pods a matrix shows: with an address, not completed, in the chosen namespaces.
 *
 * @example
 * matrixPods(cluster, { namespace: 'shop' }).length
 */
export function matrixPods(cluster: Cluster, opts: MatrixOptions): Pod[] {
  const system = new Set(SYSTEM_NAMESPACES.filter((n) => n !== 'default'))
  for (const ns of cluster.namespaces) if (ns.system && ns.meta.name !== 'default') system.add(ns.meta.name)
  return cluster.pods.filter(
    (p) =>
      p.podIPs.length > 0 &&
      p.phase !== 'Succeeded' &&
      p.phase !== 'Failed' &&
      (opts.namespace ? p.meta.namespace === opts.namespace : opts.allNamespaces || !system.has(p.meta.namespace)),
  )
}

/**
 * The truth table of every Pod pair.
 *
 * @example
 * const m = computeMatrix(cluster, { namespace: 'shop', port: 8080 })
 * m.combined[0][1] // '.' or 'X'
 */
export function computeMatrix(cluster: Cluster, opts: MatrixOptions = {}): Matrix {
  const set = policySet(cluster)
  const pods = matrixPods(cluster, opts)
  const portOf = (p: Pod) => (opts.port !== undefined ? { port: opts.port, protocol: opts.protocol ?? 'TCP' } : declaredPort(p))
  const judge = pairJudge(set, pods, portOf)

  // rows
  const grouped = opts.group === 'workloads' || (opts.group !== 'pods' && pods.length > 20)
  // with hostNetwork Pods in the table, sharing their node matters ("traffic to and from the node is always allowed"): group per node then
  const byNode = pods.some((p) => p.hostNetwork)
  const groups = new Map<string, { label: string; pods: Pod[] }>()
  for (const p of pods) {
    let who = grouped && p.workload && !p.hostNetwork ? `${p.meta.namespace}/${p.workload.kind.toLowerCase()}/${p.workload.name}` : `${p.meta.namespace}/${p.meta.name}`
    if (byNode && grouped && p.workload && !p.hostNetwork) who += `@${p.nodeName}`
    const key = grouped ? `${who}|${judge.classOf(p)}` : who
    const g = groups.get(key)
    if (g) g.pods.push(p)
    else groups.set(key, { label: who, pods: [p] })
  }
  const list = [...groups.values()]
  const seen = new Map<string, number>()
  for (const g of list) seen.set(g.label, (seen.get(g.label) ?? 0) + 1)
  const index = new Map<string, number>()
  const rows: MatrixRow[] = list.map((g) => {
    let label = g.label
    if ((seen.get(label) ?? 0) > 1) {
      const n = (index.get(label) ?? 0) + 1
      index.set(label, n)
      label = `${label}[${n}]`
    }
    const pp = portOf(g.pods[0])
    return { label, pods: g.pods.map((p) => `${p.meta.namespace}/${p.meta.name}`), port: `${pp.port}/${pp.protocol}` }
  })

  const combined: string[][] = []
  const ingress: string[][] = []
  const egress: string[][] = []
  const effective: string[][] = []
  let differs = false
  const cls = list.map((g) => judge.classIndex(g.pods[0]))
  for (let i = 0; i < list.length; i++) {
    const g = list[i]
    const rc: string[] = new Array(list.length)
    const ri: string[] = new Array(list.length)
    const re: string[] = new Array(list.length)
    const rf: string[] = new Array(list.length)
    for (let j = 0; j < list.length; j++) {
      const a = g.pods[0]
      let b = list[j].pods[0]
      if (i === j) {
        if (g.pods.length === 1) {
          rc[j] = ri[j] = re[j] = rf[j] = '#'
          continue
        }
        b = g.pods[1]
      }
      const ci = cls[i]
      const cj = cls[j]
      const c = ci !== undefined && cj !== undefined ? judge.cellByClass(ci, cj) : judge.cell(a, b)
      const both = (c & EGRESS) !== 0 && (c & INGRESS) !== 0
      rc[j] = both ? '.' : 'X'
      ri[j] = c & INGRESS ? '.' : 'X'
      re[j] = c & EGRESS ? '.' : 'X'
      rf[j] = c & EFFECTIVE ? '.' : 'X'
      if (((c & EFFECTIVE) !== 0) !== both) differs = true
    }
    combined.push(rc)
    ingress.push(ri)
    egress.push(re)
    effective.push(rf)
  }
  return {
    port: opts.port ?? null,
    protocol: opts.port !== undefined ? (opts.protocol ?? 'TCP') : null,
    rows,
    combined,
    ingress,
    egress,
    effective: differs ? effective : undefined,
    grouped,
    enforcement: set.enforcement,
    stats: { pods: pods.length, classes: judge.classCount(), classPairs: judge.pairsEvaluated() },
  }
}

/**
 * Judges Pod pairs through their classes (class-verdicts.ts); hostNetwork
 * Pods, and Pods whose first address is not of the cluster's first family,
 * pair by pair with evaluateSide. Exported for the property tests.
 */
export function pairJudge(set: PolicySet, pods: Pod[], portOf: (p: Pod) => { port: number; protocol: Protocol }) {
  const rel = relevance(set)
  const family = set.cluster.config.ipFamilies[0] ?? 'IPv4'
  const isDirect = (p: Pod) => p.hostNetwork || ipFamilyOf(p.podIPs[0]) !== family
  const classIds = new Map<string, number>()
  const classOfPod = new Map<Pod, number>()
  const reps: Pod[] = []
  for (const p of pods) {
    if (isDirect(p)) continue
    const key = classKey(p, rel, portOf(p))
    let id = classIds.get(key)
    if (id === undefined) {
      id = reps.length
      classIds.set(key, id)
      reps.push(p)
    }
    classOfPod.set(p, id)
  }
  const memo: EvalMemo = newMemo()
  const e = set.enforcement
  const effTiers = enforcedTiers(e)
  const partial = !enforcesAll(e) && !enforcesNone(e)
  const endpoints = new Map<string, Endpoint>()
  let all: ClassVerdicts | undefined
  let eff: ClassVerdicts | undefined
  let direct = 0

  const endpointOf = (p: Pod, fam?: 'IPv4' | 'IPv6'): Endpoint => {
    const k = `${p.meta.uid}|${fam ?? ''}`
    let ep = endpoints.get(k)
    if (!ep) {
      const r = podEndpoint(set, p, fam)
      if ('error' in r) throw new Error(r.error)
      ep = r
      endpoints.set(k, ep)
    }
    return ep
  }

  const judgeDirect = (a: Pod, b: Pod): number => {
    direct++
    const dst = endpointOf(b)
    const src = endpointOf(a, ipFamilyOf(dst.ip))
    const { port, protocol } = portOf(b)
    const eg = evaluateSide(set, 'egress', src, dst, port, protocol, ALL_TIERS, memo).allowed
    const ig = evaluateSide(set, 'ingress', src, dst, port, protocol, ALL_TIERS, memo).allowed
    let effective = eg && ig
    if (enforcesNone(e)) effective = true
    else if (partial) effective = evaluateSide(set, 'egress', src, dst, port, protocol, effTiers, memo).allowed && evaluateSide(set, 'ingress', src, dst, port, protocol, effTiers, memo).allowed
    return (eg ? EGRESS : 0) | (ig ? INGRESS : 0) | (effective ? EFFECTIVE : 0)
  }

  const verdicts = () => {
    if (!all) {
      const input: ClassInput = { reps: reps.map((p) => endpointOf(p)), ports: reps.map(portOf) }
      all = classVerdicts(set, input, ALL_TIERS)
      if (partial) eff = classVerdicts(set, input, effTiers)
    }
    return all
  }

  return {
    /** the class of a Pod judged through classes, or a class of its own (by uid) for the others */
    classOf: (p: Pod): string => (classOfPod.has(p) ? String(classOfPod.get(p)) : `direct:${p.meta.uid}`),
    classCount: () => reps.length,
    pairsEvaluated: () => reps.length * reps.length + direct,
    /** the class index of a Pod judged through classes */
    classIndex: (p: Pod): number | undefined => classOfPod.get(p),
    /** the verdict for two different Pods */
    cell(a: Pod, b: Pod): number {
      const i = classOfPod.get(a)
      const j = classOfPod.get(b)
      if (i === undefined || j === undefined) return judgeDirect(a, b)
      return this.cellByClass(i, j)
    },
    /** the verdict between two classes (two different Pods of them) */
    cellByClass(i: number, j: number): number {
      const cv = verdicts()
      const egress = bit(cv.egress, cv.words, i, j)
      const ingress = bit(cv.ingress, cv.words, j, i)
      let effective = egress && ingress
      if (enforcesNone(e)) effective = true
      else if (eff) effective = bit(eff.egress, eff.words, i, j) && bit(eff.ingress, eff.words, j, i)
      return (egress ? EGRESS : 0) | (ingress ? INGRESS : 0) | (effective ? EFFECTIVE : 0)
    },
  }
}

/** Pods outlive the matrices drawn from them: their parsed addresses are kept */
const ADDRS = new WeakMap<Pod, Addr[]>()

function podAddrs(p: Pod): Addr[] {
  let list = ADDRS.get(p)
  if (!list) {
    list = p.podIPs.map((ip) => parseAddr(ip)).filter((a): a is Addr => !!a)
    ADDRS.set(p, list)
  }
  return list
}

function classKey(p: Pod, rel: { keys: string[]; cidrs: Prefix[]; names: string[] }, port: { port: number; protocol: Protocol }): string {
  let k = `${p.meta.namespace}|${port.port}/${port.protocol}|`
  const labels = p.meta.labels
  for (const key of rel.keys) k += Object.prototype.hasOwnProperty.call(labels, key) ? `=${labels[key]}\u0001` : '\u0002'
  if (rel.cidrs.length) {
    k += '|'
    for (const a of podAddrs(p)) for (const c of rel.cidrs) k += inPrefix(c, a) ? '1' : '0'
  }
  if (rel.names.length) {
    k += '|'
    for (const name of rel.names) {
      for (const c of p.containers) for (const cp of c.ports) if (cp.name === name) k += `${name}:${cp.containerPort}/${cp.protocol},`
      for (const c of p.initContainers) for (const cp of c.ports) if (cp.name === name) k += `${name}:${cp.containerPort}/${cp.protocol},`
    }
  }
  return k
}
