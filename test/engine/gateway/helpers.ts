/** The conformance fixtures (test/fixtures/gateway/) loaded on the suite's base. */
import { readFileSync } from 'node:fs'
import { loadScenario } from '../../../engine/index.ts'
import type { Cluster } from '../../../engine/index.ts'

const fixture = (f: string) => readFileSync(new URL(`../../fixtures/gateway/${f}`, import.meta.url), 'utf8')
export const INFRA = 'gateway-conformance-infra'

export function load(...files: string[]): Cluster {
  const { cluster } = loadScenario([fixture('base.yaml'), ...files.map(fixture)].join('\n---\n'))
  const errors = cluster.diagnostics.filter((d) => d.severity === 'error')
  if (errors.length) throw new Error(errors.map((e) => e.message).join('\n'))
  return cluster
}

