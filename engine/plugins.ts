/**
 * Where modules that extend each other are joined: cluster-wide checks run at
 * load, files one module shows through another's `cat`. Imported by
 * scenario.ts, so every entry point gets them.
 */
import { registerCheck } from './cluster/checks.ts'
import { lintPolicies, validatePolicies } from './policy/index.ts'
import { validateIngresses } from './ingress/index.ts'
import { validateGateways } from './gateway/index.ts'
import { registerFile, registerFileResolver } from './dns/index.ts'
import { nodeOsRelease } from './cluster/os-release.ts'
import { dataplaneFile } from './dataplane/index.ts'
import { registerSessionStart } from './shell/session.ts'
import { checkNodeScripts, runNodeScripts } from './lab/script.ts'
import { serviceAccountFile } from './kubectl/service-account-files.ts'

// NetworkPolicy / AdminNetworkPolicy validation (errors) and a reviewer's warnings
registerCheck((cluster, locate) => {
  if (cluster.networkPolicies.length + cluster.adminNetworkPolicies.length + cluster.baselineAdminNetworkPolicies.length + cluster.clusterNetworkPolicies.length === 0) return []
  return [...validatePolicies(cluster, locate), ...lintPolicies(cluster, locate)]
})

// Ingress validation in the API server's words, and ingress-nginx's warnings
registerCheck((cluster) => (cluster.ingresses.length + cluster.ingressClasses.length === 0 ? [] : validateIngresses(cluster)))

// Gateway API validation in the CRDs' words, and the controller's status as warnings
registerCheck((cluster) => (cluster.gatewayClasses.length + cluster.gateways.length + cluster.httpRoutes.length + cluster.grpcRoutes.length + cluster.referenceGrants.length === 0 ? [] : validateGateways(cluster)))

// CNI configuration, host-local IPAM state, flannel's subnet.env and /proc/sys/net through `cat`
registerFileResolver(dataplaneFile)
// the ServiceAccount token volume's namespace and ca.crt, in containers that mount it
registerFileResolver(serviceAccountFile)
// the node's operating system, as `cat /etc/os-release` on it shows
registerFile('/etc/os-release', nodeOsRelease)

// NodeScripts (the by-hand lab): checked at load, run when each run begins
registerCheck((cluster) => checkNodeScripts(cluster))
registerSessionStart(runNodeScripts)
