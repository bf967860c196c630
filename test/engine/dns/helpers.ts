import { loadScenario, runCommand } from '../../../engine/index.ts'
import type { Cluster, Pod } from '../../../engine/index.ts'
import type { RRType } from '../../../engine/dns/index.ts'
import { readCases as readAnyCases } from '../../fixtures/cases/cases.ts'
import type { Case as GenericCase } from '../../fixtures/cases/cases.ts'
export { loadCase } from '../../fixtures/cases/cases.ts'
export type Case = GenericCase<DnsCheck>
export const readCases = (folder: string): Case[] => readAnyCases<DnsCheck>(folder)

export interface DnsCheck {
  dns: { from: string; name: string; type: RRType }
  expect: { rcode: string; answers: string[] }
}

/** A cluster from YAML documents; fails on error diagnostics so tests read as scenarios. */
export function scenario(...docs: string[]): Cluster {
  const { cluster, diagnostics } = loadScenario(docs.join('\n---\n'))
  const errors = diagnostics.filter((d) => d.severity === 'error')
  if (errors.length) throw new Error(`unexpected diagnostics:\n${errors.map((d) => `${d.line}:${d.column} ${d.message}`).join('\n')}`)
  return cluster
}

export function pod(cluster: Cluster, ref: string): Pod {
  const p = cluster.index.pod.get(ref.includes('/') ? ref : `default/${ref}`)
  if (!p) throw new Error(`no Pod ${ref}`)
  return p
}

export function sh(cluster: Cluster, line: string) {
  return runCommand(cluster, line)
}

export const clientPod = (name = 'client', ns = 'default', image = 'registry.k8s.io/e2e-test-images/jessie-dnsutils:1.3', extra = '') => `apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: ${ns}}
spec:
${extra}  containers:
  - name: c
    image: ${image}
    command: [sleep, infinity]`

export const namespace = (name: string) => `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${name}}`

export const clusterDoc = (spec: Record<string, unknown>) => `apiVersion: knet/v1alpha1\nkind: Cluster\nspec: ${JSON.stringify(spec)}`
