/**
 * Checks that need the whole built cluster (policies, Ingresses, lint), added
 * by the modules that own those kinds. Each returns problems on objects; the
 * build turns them into diagnostics placed in the reader's text.
 */
import type { Cluster, SourceRef } from '../model/types.ts'
import type { Diagnostic } from '../model/diagnostic.ts'

/** Where a field of an object stands in the reader's text. */
export type Locate = (ref: SourceRef, path: (string | number)[], key?: boolean) => { line: number; column: number; endLine: number; endColumn: number }

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

/** A check returns problems on objects (placed by the build) or diagnostics it placed itself. */
export type ClusterCheck = (cluster: Cluster, locate: Locate) => (ObjectProblem | Diagnostic)[]

const CHECKS: ClusterCheck[] = []

/** Called once per module at import time (engine/checks.ts imports every such module). */
export function registerCheck(check: ClusterCheck): void {
  if (!CHECKS.includes(check)) CHECKS.push(check)
}

export function clusterChecks(): readonly ClusterCheck[] {
  return CHECKS
}
