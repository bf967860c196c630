/**
 * The identity a mesh gives a workload: a SPIFFE ID naming its service account.
 * Istio's format is spiffe://<trust domain>/ns/<namespace>/sa/<service account>
 * (istio/istio pkg/spiffe/spiffe.go); the trust domain is meshConfig.trustDomain, whose
 * default is "cluster.local" whatever the cluster's DNS domain is.
 */
import type { Pod } from '../model/types.ts'

export const DEFAULT_TRUST_DOMAIN = 'cluster.local'

/**
 * @example
 * spiffeId(pod) // 'spiffe://cluster.local/ns/default/sa/default'
 */
export function spiffeId(pod: Pod, trustDomain = DEFAULT_TRUST_DOMAIN): string {
  // a Pod that names no service account runs as "default" (the API server's admission fills it)
  return `spiffe://${trustDomain}/ns/${pod.meta.namespace}/sa/${pod.serviceAccountName || 'default'}`
}
