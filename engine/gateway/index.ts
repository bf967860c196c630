/**
 * Gateway API (gateway.networking.k8s.io, standard channel of
 * kubernetes-sigs/gateway-api v1.6.1): API validation in the CRDs' words,
 * the status a conformant controller writes, route attachment and hostname
 * intersection, the spec's matching precedence, filters and weights, and the
 * data plane of one implementation, Envoy Gateway.
 *
 * @example
 * import { routeGateway, validateGateways } from './engine/gateway/index.ts'
 * const r = routeGateway(cluster, { host: 'example.com', path: '/v2' })
 * if (r.ok && r.chosen) console.log(r.status, r.winner?.route.view.key, r.chosen.ref.name)
 */
import './describe.ts'

export { GATEWAY_KINDS, GATEWAY_GROUP } from './kinds.ts'
export { routeGateway, pickGateway, weightedPick, spreadCounts } from './route.ts'
export type { GatewayRequest, GatewayResult, GatewayAnswer, Candidate, WeightedBackend } from './route.ts'
export { gatewayModel, ENVOY_GATEWAY_CONTROLLER, ENVOY_GATEWAY_NAMESPACE } from './attach.ts'
export type { GatewayModel, GatewayState, ListenerState, RouteState, ParentState, Condition } from './attach.ts'
export { validateGateways } from './validate.ts'
export { gatewayProgram, answerData } from './program.ts'
export { hostnameMatches, intersect } from './hostnames.ts'
export { compileRE2 } from './match.ts'
export { gatewayAdapter } from './tables.ts'
export { gatewayTopology, topologyText } from './topology.ts'
export type { GatewayTopology } from './topology.ts'
export { gatewayDiagram } from './diagram.ts'
export { convertIngresses } from './convert.ts'
