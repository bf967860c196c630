/**
 * Five Gateway API kinds of the standard channel (TLSRoute, TCPRoute,
 * UDPRoute, ListenerSet and BackendTLSPolicy are standard too, and not served), as the CRDs of
 * kubernetes-sigs/gateway-api v1.6.1 (commit 8bb74df00e56) serve them:
 * config/crd/standard/gateway.networking.k8s.io_*.yaml. The structural schema
 * here reports unknown fields and wrong types as the API server's strict
 * decoding does; the values (enums, patterns, CEL rules) are checked by
 * api-validation.ts with the CRDs' own messages.
 */
import { any, arr, int32, obj, str, strMap } from '../load/schema.ts'
import type { Schema } from '../load/schema.ts'
import type { KindInfo } from '../load/kind-info.ts'

export const GATEWAY_GROUP = 'gateway.networking.k8s.io'

const labelSelector = obj('LabelSelector', {
  matchLabels: strMap,
  matchExpressions: arr(obj('LabelSelectorRequirement', { key: str, operator: str, values: arr(str) })),
})

const parentRef = obj('ParentReference', { group: str, kind: str, namespace: str, name: str, sectionName: str, port: int32 })
const header = obj('HTTPHeader', { name: str, value: str })
const headerModifier = obj('HTTPHeaderFilter', { set: arr(header), add: arr(header), remove: arr(str) })
const backendObjectRef = { group: str, kind: str, name: str, namespace: str, port: int32 }
const fraction = obj('Fraction', { numerator: int32, denominator: int32 })
const pathModifier = obj('HTTPPathModifier', { type: str, replaceFullPath: str, replacePrefixMatch: str })

function filter(go: string): Schema {
  return obj(go, {
    type: str,
    requestHeaderModifier: headerModifier,
    responseHeaderModifier: headerModifier,
    requestMirror: obj('HTTPRequestMirrorFilter', { backendRef: obj('BackendObjectReference', backendObjectRef), percent: int32, fraction }),
    requestRedirect: obj('HTTPRequestRedirectFilter', { scheme: str, hostname: str, path: pathModifier, port: int32, statusCode: int32 }),
    urlRewrite: obj('HTTPURLRewriteFilter', { hostname: str, path: pathModifier }),
    cors: any,
    extensionRef: obj('LocalObjectReference', { group: str, kind: str, name: str }),
  })
}

const httpFilter = filter('HTTPRouteFilter')
const grpcFilter = filter('GRPCRouteFilter')

const httpMatch = obj('HTTPRouteMatch', {
  path: obj('HTTPPathMatch', { type: str, value: str }),
  headers: arr(obj('HTTPHeaderMatch', { type: str, name: str, value: str })),
  queryParams: arr(obj('HTTPQueryParamMatch', { type: str, name: str, value: str })),
  method: str,
})

const grpcMatch = obj('GRPCRouteMatch', {
  method: obj('GRPCMethodMatch', { type: str, service: str, method: str }),
  headers: arr(obj('GRPCHeaderMatch', { type: str, name: str, value: str })),
})

const routeStatus = any

const httpRouteSpec = obj('HTTPRouteSpec', {
  parentRefs: arr(parentRef),
  hostnames: arr(str),
  rules: arr(
    obj('HTTPRouteRule', {
      name: str,
      matches: arr(httpMatch),
      filters: arr(httpFilter),
      backendRefs: arr(obj('HTTPBackendRef', { ...backendObjectRef, weight: int32, filters: arr(httpFilter) })),
      timeouts: obj('HTTPRouteTimeouts', { request: str, backendRequest: str }),
      retry: any,
      sessionPersistence: any,
    }),
  ),
})

const grpcRouteSpec = obj('GRPCRouteSpec', {
  parentRefs: arr(parentRef),
  hostnames: arr(str),
  rules: arr(
    obj('GRPCRouteRule', {
      name: str,
      matches: arr(grpcMatch),
      filters: arr(grpcFilter),
      backendRefs: arr(obj('GRPCBackendRef', { ...backendObjectRef, weight: int32, filters: arr(grpcFilter) })),
      sessionPersistence: any,
    }),
  ),
})

const gatewaySpec = obj('GatewaySpec', {
  gatewayClassName: str,
  listeners: arr(
    obj('Listener', {
      name: str,
      hostname: str,
      port: int32,
      protocol: str,
      tls: obj('ListenerTLSConfig', {
        mode: str,
        certificateRefs: arr(obj('SecretObjectReference', { group: str, kind: str, name: str, namespace: str })),
        options: strMap,
        frontendValidation: any,
      }),
      allowedRoutes: obj('AllowedRoutes', {
        namespaces: obj('RouteNamespaces', { from: str, selector: labelSelector }),
        kinds: arr(obj('RouteGroupKind', { group: str, kind: str })),
      }),
    }),
  ),
  addresses: arr(obj('GatewaySpecAddress', { type: str, value: str })),
  infrastructure: obj('GatewayInfrastructure', { labels: strMap, annotations: strMap, parametersRef: any }),
  allowedListeners: any,
  tls: any,
})

const K = (kind: string, apiVersions: string[], namespaced: boolean, resource: string, fields: Record<string, Schema>): KindInfo => ({ kind, apiVersions, namespaced, resource, fields })
const v = (...versions: string[]) => versions.map((x) => `${GATEWAY_GROUP}/${x}`)

/** The five standard-channel kinds the engine reads, at the versions the v1.6.1 CRDs serve. */
export const GATEWAY_KINDS: KindInfo[] = [
  K('GatewayClass', v('v1', 'v1beta1'), false, 'gatewayclasses', {
    spec: obj('GatewayClassSpec', { controllerName: str, parametersRef: any, description: str }),
    status: any,
  }),
  K('Gateway', v('v1', 'v1beta1'), true, 'gateways', { spec: gatewaySpec, status: any }),
  K('HTTPRoute', v('v1', 'v1beta1'), true, 'httproutes', { spec: httpRouteSpec, status: routeStatus }),
  K('GRPCRoute', v('v1'), true, 'grpcroutes', { spec: grpcRouteSpec, status: routeStatus }),
  K('ReferenceGrant', v('v1', 'v1beta1'), true, 'referencegrants', {
    spec: obj('ReferenceGrantSpec', {
      from: arr(obj('ReferenceGrantFrom', { group: str, kind: str, namespace: str })),
      to: arr(obj('ReferenceGrantTo', { group: str, kind: str, name: str })),
    }),
  }),
]
