/**
 * Ingress (networking.k8s.io/v1): path and host matching as the API defines
 * them, class selection, and the merge of all Ingresses of a class into
 * server blocks the way ingress-nginx does it.
 *
 * @example
 * import { routeIngress, validateIngresses } from './engine/ingress/index.ts'
 * const r = routeIngress(cluster, { host: 'foo.bar.com', path: '/foo' })
 * if (r.ok) console.log(r.status, r.ingress?.key, r.backend?.serviceName)
 * const problems = validateIngresses(cluster) // errors in the API server's words, and warnings
 */
import './describe.ts'

export { routeIngress } from './route.ts'
export type { RouteRequest, RouteResult, RouteAnswer, RouteTLS, RouteCandidate } from './route.ts'
export { validateIngresses } from './validate.ts'
export { ingressProgram } from './program.ts'
export { describeIngress, describeIngressClass } from './describe.ts'
export { buildServers, selectServer, nginxLocations } from './servers.ts'
export type { Server, ServerSet, Location, Conflict } from './servers.ts'
export { matchesPath, matchLength, compareMatches, normaliseRequestPath } from './path-match.ts'
export type { MatchType } from './path-match.ts'
export { hostMatches, normaliseHost } from './host-match.ts'
export { effectiveClass, defaultIngressClass, controllerFor } from './classes.ts'
export type { ControllerInfo, EffectiveClass } from './classes.ts'
export type { ResolvedBackend, UpstreamEndpoint } from './backend.ts'
export { ingressStatus } from './status.ts'
export type { LoadBalancerIngress } from './status.ts'
export { ingressView } from './model.ts'
export type { IngressView } from './model.ts'
