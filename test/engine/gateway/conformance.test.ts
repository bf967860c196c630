/**
 * Gateway API conformance cases, transcribed from kubernetes-sigs/gateway-api
 * v1.6.1 (commit 8bb74df00e56, conformance/tests/*.go with their manifests in
 * test/fixtures/gateway/): each request asks routeGateway and the
 * `gateway route` command, and must reach the backend the suite expects, or
 * the status code it expects.
 */
import { describe, expect, it } from 'vitest'
import { runCommand } from '../../../engine/index.ts'
import type { Cluster } from '../../../engine/index.ts'
import { load, INFRA } from './helpers.ts'
import { routeGateway, gatewayModel } from '../../../engine/gateway/index.ts'

interface Req {
  host?: string
  path: string
  method?: string
  headers?: Record<string, string>
  gateway?: string
  /** the backend Service, or a status code */
  want: string | number
}

function check(cluster: Cluster, r: Req): void {
  const headers = Object.entries(r.headers ?? {})
  const res = routeGateway(cluster, { host: r.host ?? 'example.com', path: r.path, method: r.method, headers, gateway: r.gateway ?? `${INFRA}/same-namespace` })
  if (!res.ok) throw new Error(res.error)
  const label = `${r.method ?? 'GET'} ${r.host ?? ''}${r.path} ${JSON.stringify(r.headers ?? {})}`
  if (typeof r.want === 'number') expect(res.status, `${label}: ${res.reason}`).toBe(r.want)
  else {
    expect(res.status, `${label}: ${res.reason}`).toBe(200)
    expect(res.chosen?.ref.name, `${label}: ${res.reason}`).toBe(r.want)
  }
  const h = headers.map(([k, v]) => ` -H '${k}: ${v}'`).join('')
  const cmd = runCommand(cluster, `gateway route '${r.host ?? 'example.com'}' '${r.path}'${h}${r.method ? ` -X ${r.method}` : ''} --gateway ${r.gateway ?? `${INFRA}/same-namespace`}`)
  const data = cmd.data as { backend?: { service: string }; status?: number }
  if (typeof r.want === 'number') expect(data.status).toBe(r.want)
  else expect(data.backend?.service.split('/').pop()).toBe(r.want)
}

const V1 = 'infra-backend-v1'
const V2 = 'infra-backend-v2'
const V3 = 'infra-backend-v3'

describe('HTTPRouteMatching (httproute-matching.go)', () => {
  const c = load('httproute-matching.yaml')
  const cases: Req[] = [
    { path: '/', want: V1 },
    { path: '/example', want: V1 },
    { path: '/', headers: { Version: 'one' }, want: V1 },
    { path: '/v2', want: V2 },
    { path: '/v2/example', want: V2 },
    { path: '/', headers: { Version: 'two' }, want: V2 },
    { path: '/v2/', want: V2 },
    { path: '/v2example', want: V1 },
    { path: '/foo/v2/example', want: V1 },
  ]
  for (const r of cases) it(`${r.path} ${JSON.stringify(r.headers ?? {})} → ${r.want}`, () => check(c, r))
})

describe('HTTPRoutePathMatchOrder (httproute-path-match-order.go)', () => {
  const c = load('httproute-path-match-order.yaml')
  const cases: Req[] = [
    { path: '/match/exact/one', want: V3 },
    { path: '/match/exact', want: V2 },
    { path: '/match', want: V1 },
    { path: '/match/prefix/one/any', want: V2 },
    { path: '/match/prefix/any', want: V1 },
    { path: '/match/any', want: V3 },
  ]
  for (const r of cases) it(`${r.path} → ${r.want}`, () => check(c, r))
})

describe('HTTPRouteMatchingAcrossRoutes (httproute-matching-across-routes.go)', () => {
  const c = load('httproute-matching-across-routes.yaml')
  const cases: Req[] = [
    { host: 'example.com', path: '/', want: V1 },
    { host: 'example.com', path: '/example', want: V1 },
    { host: 'example.net', path: '/example', want: V1 },
    { host: 'example.com', path: '/example', headers: { Version: 'one' }, want: V1 },
    { host: 'example.com', path: '/v2', want: V2 },
    { host: 'example.net', path: '/v2', want: V1 },
    { host: 'example.com', path: '/v2/example', want: V2 },
    { host: 'example.com', path: '/', headers: { Version: 'two' }, want: V2 },
    { host: 'example.org', path: '/', want: 404 },
  ]
  for (const r of cases) it(`${r.host}${r.path} → ${r.want}`, () => check(c, r))
})

describe('HTTPRouteMethodMatching (httproute-method-matching.go)', () => {
  const c = load('httproute-method-matching.yaml')
  const cases: Req[] = [
    { method: 'POST', path: '/', want: V1 },
    { method: 'GET', path: '/', want: V2 },
    { method: 'HEAD', path: '/', want: 404 },
    { method: 'GET', path: '/path1', want: V1 },
    { method: 'PUT', path: '/', headers: { version: 'one' }, want: V2 },
    { method: 'POST', path: '/path2', headers: { version: 'two' }, want: V3 },
    { method: 'PATCH', path: '/path3', want: V1 },
    { method: 'DELETE', path: '/path4', headers: { version: 'three' }, want: V1 },
    { method: 'PUT', path: '/', want: 404 },
    { method: 'DELETE', path: '/path4', want: 404 },
    { method: 'PATCH', path: '/path5', want: V1 },
    { method: 'PATCH', path: '/', headers: { version: 'four' }, want: V2 },
  ]
  for (const r of cases) it(`${r.method} ${r.path} ${JSON.stringify(r.headers ?? {})} → ${r.want}`, () => check(c, r))
})

describe('HTTPRouteQueryParamMatching (httproute-query-param-matching.go)', () => {
  const c = load('httproute-query-param-matching.yaml')
  const cases: Req[] = [
    { path: '/?animal=whale', want: V1 },
    { path: '/?animal=dolphin', want: V2 },
    { path: '/?animal=dolphin&color=blue', want: V3 },
    { path: '/?ANIMAL=Whale', want: V3 },
    { path: '/?animal=whale&otherparam=irrelevant', want: V1 },
    { path: '/?animal=dolphin&color=yellow', want: V2 },
    { path: '/?color=blue', want: 404 },
    { path: '/?animal=dog', want: 404 },
    { path: '/?animal=whaledolphin', want: 404 },
    { path: '/', want: 404 },
    { path: '/path1?animal=whale', want: V1 },
    { path: '/?animal=whale', headers: { version: 'one' }, want: V2 },
    { path: '/path2?animal=whale', headers: { version: 'two' }, want: V3 },
    { path: '/path3?animal=shark', want: V1 },
    { path: '/path4?animal=kraken', headers: { version: 'three' }, want: V1 },
    { path: '/?animal=shark', want: 404 },
    { path: '/path4?animal=kraken', want: 404 },
    { path: '/path5?animal=hydra', want: V1 },
    { path: '/?animal=hydra', headers: { version: 'four' }, want: V3 },
  ]
  for (const r of cases) it(`${r.path} ${JSON.stringify(r.headers ?? {})} → ${r.want}`, () => check(c, r))
})

describe('HTTPRouteHostnameIntersection (httproute-hostname-intersection.go)', () => {
  const c = load('httproute-hostname-intersection.yaml')
  const gateway = `${INFRA}/httproute-hostname-intersection`
  const cases: Req[] = [
    { host: 'very.specific.com', path: '/s1', want: V1 },
    { host: 'very.specific.com:1234', path: '/s1', want: V1 },
    { host: 'non.matching.com', path: '/s1', want: 404 },
    { host: 'foo.nonmatchingwildcard.io', path: '/s1', want: 404 },
    { host: 'foo.wildcard.io', path: '/s1', want: 404 },
    { host: 'very.specific.com', path: '/non-matching-prefix', want: 404 },
    { host: 'foo.wildcard.io', path: '/s2', want: V2 },
    { host: 'bar.wildcard.io', path: '/s2', want: V2 },
    { host: 'foo.bar.wildcard.io', path: '/s2', want: V2 },
    { host: 'non.matching.com', path: '/s2', want: 404 },
    { host: 'wildcard.io', path: '/s2', want: 404 },
    { host: 'very.specific.com', path: '/s2', want: 404 },
    { host: 'very.specific.com', path: '/s3', want: V3 },
    { host: 'non.matching.com', path: '/s3', want: 404 },
    { host: 'foo.specific.com', path: '/s3', want: 404 },
    { host: 'foo.wildcard.io', path: '/s3', want: 404 },
    { host: 'foo.anotherwildcard.io', path: '/s4', want: V1 },
    { host: 'bar.anotherwildcard.io', path: '/s4', want: V1 },
    { host: 'foo.bar.anotherwildcard.io', path: '/s4', want: V1 },
    { host: 'anotherwildcard.io', path: '/s4', want: 404 },
    { host: 'foo.wildcard.io', path: '/s4', want: 404 },
    { host: 'very.specific.com', path: '/s4', want: 404 },
    { host: 'specific.but.wrong.com', path: '/s5', want: 404 },
    { host: 'wildcard.io', path: '/s5', want: 404 },
  ]
  for (const r of cases) it(`${r.host}${r.path} → ${r.want}`, () => check(c, { ...r, gateway }))
  it('the route without intersecting hostnames is not accepted: NoMatchingListenerHostname', () => {
    const r = gatewayModel(c).routes.find((x) => x.view.name === 'no-intersecting-hosts')!
    expect(r.parents[0].conditions[0]).toMatchObject({ type: 'Accepted', status: 'False', reason: 'NoMatchingListenerHostname' })
  })
})

describe('HTTPRouteReferenceGrant and HTTPRouteInvalidCrossNamespaceBackendRef', () => {
  it('a ReferenceGrant lets the route reach web-backend in another namespace (httproute-reference-grant.go)', () => {
    const c = load('httproute-reference-grant.yaml')
    check(c, { path: '/', want: 'web-backend' })
    const r = gatewayModel(c).routes.find((x) => x.view.name === 'reference-grant')!
    expect(r.parents[0].conditions.map((x) => `${x.type}=${x.status}`)).toEqual(['Accepted=True', 'ResolvedRefs=True'])
  })
  it('without one, ResolvedRefs is False with RefNotPermitted and requests get 500 (httproute-invalid-cross-namespace-backend-ref.go)', () => {
    const c = load('httproute-invalid-cross-namespace-backend-ref.yaml')
    check(c, { path: '/', want: 500 })
    const r = gatewayModel(c).routes.find((x) => x.view.name === 'invalid-cross-namespace-backend-ref')!
    expect(r.parents[0].conditions[1]).toMatchObject({ type: 'ResolvedRefs', status: 'False', reason: 'RefNotPermitted' })
  })
  it('a route in a labelled namespace attaches to backend-namespaces (httproute-cross-namespace.go)', () => {
    const c = load('httproute-cross-namespace.yaml')
    check(c, { path: '/', want: 'web-backend', gateway: `${INFRA}/backend-namespaces` })
  })
})

describe('backend errors', () => {
  it('a backendRef to a Service that does not exist: ResolvedRefs False BackendNotFound, 500 (httproute-invalid-nonexistent-backendref.go)', () => {
    const c = load('httproute-invalid-nonexistent-backendref.yaml')
    const r = gatewayModel(c).routes[0]
    expect(r.parents[0].conditions[1]).toMatchObject({ type: 'ResolvedRefs', status: 'False', reason: 'BackendNotFound' })
    check(c, { path: '/', want: 500 })
  })
  it('a rule without backendRefs answers 500 (httproute-omitted-backendrefs.go)', () => {
    const c = load('httproute-omitted-backendrefs.yaml')
    check(c, { path: '/forward', want: V1 })
    check(c, { path: '/omitted-no-forward', want: 500 })
    check(c, { path: '/empty-no-forward', want: 500 })
  })
})

describe('HTTPRouteWeight (httproute-weight.go): 70/30/0', () => {
  it('spreads 100 requests exactly 70/30/0 and never picks the weight-0 backend', () => {
    const c = load('httproute-weight.yaml')
    const counts: Record<string, number> = {}
    for (let s = 0; s < 100; s++) {
      const r = routeGateway(c, { host: 'example.com', path: '/', gateway: `${INFRA}/same-namespace`, sequence: s })
      if (!r.ok) throw new Error(r.error)
      counts[r.chosen!.ref.name] = (counts[r.chosen!.ref.name] ?? 0) + 1
    }
    expect(counts).toEqual({ [V1]: 70, [V2]: 30 })
  })
})

describe('filters', () => {
  it('HTTPRouteRedirectPath (httproute-redirect-path.go)', () => {
    const c = load('httproute-redirect-path.yaml')
    const loc = (path: string) => {
      const r = routeGateway(c, { host: 'example.com', path, gateway: `${INFRA}/same-namespace` })
      if (!r.ok) throw new Error(r.error)
      return [r.status, r.filters.redirect?.location]
    }
    expect(loc('/original-prefix/lemon')).toEqual([302, 'http://example.com/replacement-prefix/lemon'])
    expect(loc('/full/path/original')).toEqual([302, 'http://example.com/full-path-replacement'])
    expect(loc('/path-and-host')).toEqual([302, 'http://example.org/replacement-prefix'])
    expect(loc('/path-and-status')).toEqual([301, 'http://example.com/replacement-prefix'])
    expect(loc('/full-path-and-host')).toEqual([302, 'http://example.org/replacement-full'])
    expect(loc('/full-path-and-status')).toEqual([301, 'http://example.com/replacement-full'])
  })
  it('HTTPRouteRewritePath (httproute-rewrite-path.go)', () => {
    const c = load('httproute-rewrite-path.yaml')
    const rw = (path: string) => {
      const r = routeGateway(c, { host: 'example.com', path, gateway: `${INFRA}/same-namespace` })
      if (!r.ok) throw new Error(r.error)
      expect(r.chosen?.ref.name).toBe(V1)
      return r.filters.rewrite?.path
    }
    expect(rw('/prefix/one/two')).toBe('/one/two')
    expect(rw('/strip-prefix/three')).toBe('/three')
    expect(rw('/strip-prefix')).toBe('/')
    expect(rw('/full/one/two')).toBe('/one')
    expect(rw('/full/rewrite-path-and-modify-headers/test')).toBe('/test')
    expect(rw('/prefix/rewrite-path-and-modify-headers/one')).toBe('/prefix/one')
  })
})

describe('GRPCRouteExactMethodMatching (grpcroute-exact-method-matching.go)', () => {
  const c = load('grpcroute-exact-method-matching.yaml')
  const svc = 'gateway_api_conformance.echo_basic.grpcecho.GrpcEcho'
  it('Echo → grpc-infra-backend-v1, EchoTwo → grpc-infra-backend-v2, EchoThree → no route', () => {
    const ask = (method: string) => routeGateway(c, { host: 'example.com', path: `/${svc}/${method}`, method: 'POST', gateway: `${INFRA}/same-namespace` })
    const one = ask('Echo')
    const two = ask('EchoTwo')
    const three = ask('EchoThree')
    if (!one.ok || !two.ok || !three.ok) throw new Error('not routed')
    expect(one.chosen?.ref.name).toBe('grpc-infra-backend-v1')
    expect(two.chosen?.ref.name).toBe('grpc-infra-backend-v2')
    // the suite expects gRPC Unimplemented: no route answers the call
    expect(three.winner).toBeUndefined()
    expect(three.status).toBe(404)
  })
})

describe('GatewayHTTPListenerIsolation (gateway-http-listener-isolation.go)', () => {
  // a request belongs to the listener with the most specific matching hostname only
  const cases: Req[] = [
    { host: 'bar.com', path: '/empty-hostname', want: V1 },
    { host: 'bar.com', path: '/wildcard-example-com', want: 404 },
    { host: 'bar.com', path: '/wildcard-foo-example-com', want: 404 },
    { host: 'bar.com', path: '/abc-foo-example-com', want: 404 },
    { host: 'bar.example.com', path: '/empty-hostname', want: 404 },
    { host: 'bar.example.com', path: '/wildcard-example-com', want: V1 },
    { host: 'bar.example.com', path: '/wildcard-foo-example-com', want: 404 },
    { host: 'bar.example.com', path: '/abc-foo-example-com', want: 404 },
    { host: 'bar.foo.example.com', path: '/empty-hostname', want: 404 },
    { host: 'bar.foo.example.com', path: '/wildcard-example-com', want: 404 },
    { host: 'bar.foo.example.com', path: '/wildcard-foo-example-com', want: V1 },
    { host: 'bar.foo.example.com', path: '/abc-foo-example-com', want: 404 },
    { host: 'abc.foo.example.com', path: '/empty-hostname', want: 404 },
    { host: 'abc.foo.example.com', path: '/wildcard-example-com', want: 404 },
    { host: 'abc.foo.example.com', path: '/wildcard-foo-example-com', want: 404 },
    { host: 'abc.foo.example.com', path: '/abc-foo-example-com', want: V1 },
  ]
  for (const [file, gateway] of [
    ['gateway-http-listener-isolation.yaml', `${INFRA}/http-listener-isolation`],
    ['gateway-http-listener-isolation-with-hostname-intersection.yaml', `${INFRA}/http-listener-isolation-with-hostname-intersection`],
  ]) {
    describe(file, () => {
      const c = load(file)
      for (const r of cases) it(`${r.host}${r.path} → ${r.want}`, () => check(c, { ...r, gateway }))
    })
  }
})
