/**
 * Checks that need the whole built cluster (policies, Ingresses, lint), added
 * by the modules that own those kinds. Each returns problems on objects; the
 * build turns them into diagnostics placed in the reader's text.
 */
import type { Cluster, SourceRef } from '../model/types.ts'

export interface ObjectProblem {
  severity: 'error' | 'warning'
  code: string
  /** the object, as `kind`, `namespace`, `name` and where it was written */
  kind: string
  namespace: string
  name: string
  source?: SourceRef
  /** field path inside the object, e.g. ['spec', 'rules', 0, 'host'] */
  path: (string | number)[]
  message: string
  hint?: string
}

export type ClusterCheck = (cluster: Cluster) => ObjectProblem[]

const CHECKS: ClusterCheck[] = []

/** Called once per module at import time (see engine/checks.ts). */
export function registerCheck(check: ClusterCheck): void {
  if (!CHECKS.includes(check)) CHECKS.push(check)
}

export function clusterChecks(): readonly ClusterCheck[] {
  return CHECKS
}
