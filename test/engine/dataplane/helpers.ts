/**
 * Shared helpers for the dataplane tests: loading acceptance cases (the
 * `cluster:` block becomes a knet/v1alpha1 Cluster document in front of the
 * manifests), running commands, and comparing iptables rules canonically.
 */
import { readFileSync, readdirSync } from 'node:fs'
import { parse } from 'yaml'
import { loadScenario, runCommand } from '../../../engine/index.ts'
import type { Cluster } from '../../../engine/index.ts'
import { parseRule, saveRule } from '../../../engine/dataplane/index.ts'

export interface Case {
  file: string
  name: string
  source: string
  cluster?: Record<string, unknown>
  manifests: string
  checks: Record<string, unknown>[]
}

const dir = new URL('../../fixtures/cases/dataplane/', import.meta.url)

export function readCases(): Case[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((file) => ({ file, ...(parse(readFileSync(new URL(file, dir), 'utf8')) as Omit<Case, 'file'>) }))
}

export function scenarioText(c: Pick<Case, 'cluster' | 'manifests'>): string {
  return `apiVersion: knet/v1alpha1\nkind: Cluster\nspec: ${JSON.stringify(c.cluster ?? {})}\n---\n${c.manifests}`
}

export function loadCase(c: Pick<Case, 'cluster' | 'manifests'>): { cluster: Cluster; errors: string[] } {
  const { cluster, diagnostics } = loadScenario(scenarioText(c))
  return { cluster, errors: diagnostics.filter((d) => d.severity === 'error').map((d) => d.message) }
}

/** Builds a cluster and fails on errors, so tests read as scenarios. */
export function build(yaml: string): Cluster {
  const { cluster, diagnostics } = loadScenario(yaml)
  const errors = diagnostics.filter((d) => d.severity === 'error')
  if (errors.length) throw new Error(`unexpected diagnostics:\n${errors.map((d) => d.message).join('\n')}`)
  return cluster
}

export function run(cluster: Cluster, line: string): string {
  const r = runCommand(cluster, line)
  if (r.exitCode !== 0) throw new Error(`${line} exited ${r.exitCode}: ${r.stderr}`)
  return r.stdout
}

/**
 * Differences between kube-proxy's unit-test environment and a real node,
 * each with its reason. The upstream expectations are written for a fake
 * iptables whose HasRandomFully() is false; every iptables a current node
 * ships supports --random-fully, so kube-proxy adds it to the MASQUERADE rule.
 */
const TEST_ENVIRONMENT_DIFFERENCES: { pattern: RegExp; reason: string }[] = [
  { pattern: / --random-fully\b/g, reason: 'fake iptables in proxier_test.go reports HasRandomFully() == false' },
]

/**
 * One rule in canonical form: parsed as the kernel holds it and printed as
 * iptables-save prints it, so kube-proxy's iptables-restore input and a
 * node's iptables-save output compare equal when they are the same rule.
 * Chain lines (":CHAIN - [0:0]") are kept as they are.
 *
 * @example
 * canonical('-A KUBE-SEP-X -m comment --comment ns1/svc1:p80 -s 10.180.0.1 -j KUBE-MARK-MASQ')
 * // '-A KUBE-SEP-X -s 10.180.0.1/32 -m comment --comment "ns1/svc1:p80" -j KUBE-MARK-MASQ'
 */
export function canonical(line: string): string {
  if (line.startsWith(':')) return line
  const { chain, rule } = parseRule(line)
  let text = saveRule(chain, rule, line.includes(':') && /\[[0-9a-f:]+\]/.test(line) ? 'IPv6' : 'IPv4')
  for (const d of TEST_ENVIRONMENT_DIFFERENCES) text = text.replace(d.pattern, '')
  return text
}
