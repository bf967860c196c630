/**
 * Policy diagnostics as the loader reports everything else: what the API
 * server would refuse (errors: the object is then ignored, as it would not
 * exist) and what it would accept with a warning.
 *
 * Hook for the loader (engine/cluster/cluster.ts, after the cluster is built):
 *   cluster.diagnostics.push(...validatePolicies(cluster, (ref, path) => locate(ctx.maps, ref, path)))
 */
import type { Cluster, SourceRef } from '../model/types.ts'
import type { Diagnostic } from '../model/diagnostic.ts'
import { objectName } from '../cluster/context.ts'
import { fieldPath } from '../load/schema.ts'
import { policySet } from './policy-set.ts'
import type { Problem } from './problems.ts'

/** Turns a field path of an object into a text position (engine/load/parse.ts `locate` with the build's source maps). */
export type Locate = (ref: SourceRef, path: (string | number)[]) => { line: number; column: number; endLine: number; endColumn: number }

const NOWHERE = { line: 0, column: 0, endLine: 0, endColumn: 0 }

export function toDiagnostic(p: Problem, locate?: Locate): Diagnostic {
  const o = p.object
  const pos = locate && o.source && o.source.source >= 0 ? locate(o.source, p.path) : NOWHERE
  return {
    severity: p.severity,
    code: p.code,
    message: p.message,
    ...pos,
    source: o.source && o.source.source >= 0 ? o.source.source : undefined,
    object: objectName(o.kind, o.meta.namespace, o.meta.name),
    field: p.path.length ? fieldPath(p.path) : undefined,
    hint: p.severity === 'error' ? [p.hint, `the API server would refuse this ${o.kind}, so the simulator ignores it`].filter(Boolean).join('; ') : p.hint,
  }
}

/**
 * Field errors and warnings of every NetworkPolicy, ClusterNetworkPolicy, AdminNetworkPolicy and
 * BaselineAdminNetworkPolicy (ValidateNetworkPolicy; the network-policy-api CRD schemas and CEL
 * rules: v0.2.0 for v1alpha2, v0.1.8 for v1alpha1).
 *
 * @example
 * validatePolicies(cluster).filter((d) => d.severity === 'error')
 */
export function validatePolicies(cluster: Cluster, locate?: Locate): Diagnostic[] {
  return policySet(cluster).problems.map((p) => toDiagnostic(p, locate))
}
