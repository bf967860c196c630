import { loadScenario } from '../../../engine/index.ts'
import type { Cluster, Protocol } from '../../../engine/index.ts'
import { evaluateConnection } from '../../../engine/policy/index.ts'
import type { VerdictResult } from '../../../engine/policy/index.ts'
import { readCases as readAnyCases } from '../../fixtures/cases/cases.ts'
import type { Case as GenericCase } from '../../fixtures/cases/cases.ts'
export { loadCase } from '../../fixtures/cases/cases.ts'
export type Case = GenericCase<ReachCheck>
export const readCases = (folder: string): Case[] => readAnyCases<ReachCheck>(folder)

export interface ReachCheck {
  reach: { from: string; to?: string; toIP?: string; port: number; protocol?: Protocol }
  expect: 'allow' | 'deny'
}

export function reach(cluster: Cluster, r: ReachCheck['reach']): VerdictResult {
  const pod = (ref: string) => {
    const p = cluster.index.pod.get(ref.includes('/') ? ref : `default/${ref}`)
    if (!p) throw new Error(`no Pod ${ref} in the case`)
    return p
  }
  return evaluateConnection(cluster, {
    srcPod: pod(r.from),
    dstPod: r.to ? pod(r.to) : undefined,
    dstIP: r.toIP,
    port: r.port,
    protocol: r.protocol ?? 'TCP',
  })
}

export function scenario(cluster: Record<string, unknown> | undefined, ...docs: string[]): Cluster {
  return build(false, cluster, docs)
}

/** For scenarios that hold a policy the API server would refuse, on purpose. */
export function scenarioWithInvalidPolicies(cluster: Record<string, unknown> | undefined, ...docs: string[]): Cluster {
  return build(true, cluster, docs)
}

function build(invalidPolicies: boolean, cluster: Record<string, unknown> | undefined, docs: string[]): Cluster {
  const head = cluster ? [`apiVersion: knet/v1alpha1\nkind: Cluster\nspec: ${JSON.stringify(cluster)}`] : []
  const { cluster: c, diagnostics } = loadScenario([...head, ...docs].join('\n---\n'))
  const isPolicy = (o?: string) => !!o && /^(Baseline)?(Admin)?NetworkPolicy\//.test(o)
  const errors = diagnostics.filter((d) => d.severity === 'error' && !d.code.startsWith('policy') && !(invalidPolicies && isPolicy(d.object)))
  if (errors.length) throw new Error(`unexpected diagnostics:\n${errors.map((d) => `${d.line}:${d.column} ${d.message}`).join('\n')}`)
  return c
}

/** A running Pod manifest; `ports` as [port, protocol?, name?]. */
export function pod(ns: string, name: string, labels: Record<string, string> = {}, o: { ip?: string; ports?: [number, string?, string?][]; node?: string; hostNetwork?: boolean } = {}): string {
  const ports = (o.ports ?? []).map(([p, proto, n]) => `{containerPort: ${p}${proto ? `, protocol: ${proto}` : ''}${n ? `, name: ${n}` : ''}}`)
  return `apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: ${ns}, labels: ${JSON.stringify(labels)}}
spec:
  ${o.node ? `nodeName: ${o.node}\n  ` : ''}${o.hostNetwork ? 'hostNetwork: true\n  ' : ''}containers: [{name: c, image: registry.example/app:1, ports: [${ports.join(', ')}]}]
${o.ip ? `status: {phase: Running, podIP: ${o.ip}, podIPs: [{ip: ${o.ip}}]}` : ''}`
}

export function ns(name: string, labels: Record<string, string> = {}): string {
  return `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${name}, labels: ${JSON.stringify(labels)}}`
}

export function netpol(ns: string, name: string, spec: string): string {
  return `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: ${name}, namespace: ${ns}}\nspec:\n${spec.replace(/^/gm, '  ')}`
}

export function anp(name: string, spec: string, kind = 'AdminNetworkPolicy'): string {
  return `apiVersion: policy.networking.k8s.io/v1alpha1\nkind: ${kind}\nmetadata: {name: ${name}}\nspec:\n${spec.replace(/^/gm, '  ')}`
}

/** The verdict between two Pods given as `ns/name`, failing the test on an error. */
export function check(c: Cluster, from: string, to: string, port: number, protocol: Protocol = 'TCP') {
  const v = reach(c, { from, to, port, protocol })
  if ('error' in v) throw new Error(v.error)
  return v
}
