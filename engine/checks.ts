/**
 * Imports every module that registers cluster-wide checks, so that loading a
 * scenario reports them whichever entry point was used.
 */
import { registerCheck } from './build/checks.ts'
import { lintPolicies, validatePolicies } from './policy/index.ts'
import { validateIngresses } from './ingress/index.ts'

// NetworkPolicy / AdminNetworkPolicy validation (errors) and a reviewer's warnings
registerCheck((cluster, locate) => [...validatePolicies(cluster, locate), ...lintPolicies(cluster, locate)])

// Ingress validation in the API server's words, and ingress-nginx's warnings
registerCheck(validateIngresses)
