/**
 * NetworkPolicy, ClusterNetworkPolicy (v1alpha2), AdminNetworkPolicy and BaselineAdminNetworkPolicy (v1alpha1): verdicts
 * with the chain of decisions, explanations, reachability matrices, API
 * validation and reviewer lint, `kubectl describe networkpolicy`, and the
 * `policy` command.
 *
 * @example
 * import { evaluateConnection } from './engine/policy/index.ts'
 * const v = evaluateConnection(cluster, { srcPod, dstPod, port: 5432 })
 * if (!('error' in v)) console.log(v.allowed, v.enforced, v.explanation)
 */
import { registerDescriber } from '../kubectl/describe.ts'
import { describeNetworkPolicy } from './describe.ts'
import { describeClusterPolicy } from './describe-cluster-policy.ts'

registerDescriber('NetworkPolicy', describeNetworkPolicy)
for (const kind of ['ClusterNetworkPolicy', 'AdminNetworkPolicy', 'BaselineAdminNetworkPolicy'] as const) registerDescriber(kind, describeClusterPolicy(kind))

export { evaluateConnection, judge, resolveEnds } from './verdict.ts'
export type { Verdict, VerdictResult, ConnectionQuery, EndpointInfo } from './verdict.ts'
export { evaluateServiceConnection } from './service.ts'
export type { ServiceQuery, EndpointVerdict } from './service.ts'
export type { SideVerdict, ChainStep, Direction, Tiers } from './evaluate.ts'
export { enforcementFor } from './enforcement.ts'
export type { Enforcement } from './enforcement.ts'
export { computeMatrix, matrixPods } from './matrix.ts'
export type { Matrix, MatrixOptions, MatrixRow } from './matrix.ts'
export { diffMatrices, diffSummary } from './matrix-diff.ts'
export type { MatrixDiff, MatrixCellChange } from './matrix-diff.ts'
export { validatePolicies } from './validate.ts'
export type { Locate } from './validate.ts'
export { lintPolicies, formatPolicyDiagnostic } from './lint.ts'
export { describeNetworkPolicy } from './describe.ts'
export { policyProgram } from './program.ts'
export { policySet } from './policy-set.ts'
export { proposeFix } from './fix.ts'
export type { Fix, FixChange, FixOptions } from './fix.ts'
