/**
 * The rest of the Gateway API model: API validation in the CRDs' words, the
 * status reasons conformant implementations set, kubectl's columns and
 * describe layout, the Envoy data plane in curl and trace, gateway convert,
 * the topology and its diagram, and bad input that must not crash or hang.
 */
import { describe, expect, it } from 'vitest'
import { loadScenario, runCommand } from '../../../engine/index.ts'
import type { Cluster } from '../../../engine/index.ts'
import { gatewayModel, routeGateway, gatewayTopology, gatewayDiagram, validateGateways, weightedPick, spreadCounts, intersect, hostnameMatches } from '../../../engine/gateway/index.ts'
import { proxyName } from '../../../engine/gateway/dataplane.ts'
import { sha256Hex } from '../../../engine/gateway/sha256.ts'
import { smartLabelFor } from '../../../engine/gateway/describe.ts'
import { nameFromHost } from '../../../engine/gateway/convert.ts'
import { load } from './helpers.ts'

const CLASS = `apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: eg}
spec: {controllerName: gateway.envoyproxy.io/gatewayclass-controller}`

const GATEWAY = `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: web}
spec:
  gatewayClassName: eg
  listeners:
    - {name: http, protocol: HTTP, port: 80}`

const APP = `apiVersion: apps/v1
kind: Deployment
metadata: {name: store}
spec:
  replicas: 2
  selector: {matchLabels: {app: store}}
  template:
    metadata: {labels: {app: store}}
    spec:
      containers: [{name: echo, image: gcr.io/k8s-staging-gateway-api/echo-basic:v20240412-v1.0.0-394-g40c666fd, ports: [{containerPort: 3000}]}]
---
apiVersion: v1
kind: Service
metadata: {name: store}
spec:
  selector: {app: store}
  ports: [{port: 80, targetPort: 3000}]`

function cluster(...docs: string[]): Cluster {
  return loadScenario([CLASS, GATEWAY, APP, ...docs].join('\n---\n')).cluster
}

const route = (spec: string, name = 'store', ns = 'default') => `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: ${name}, namespace: ${ns}}
spec:
${spec}`

const errors = (c: Cluster) => c.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message)

describe('API validation (the CRDs of v1.6.1)', () => {
  it('refuses a path that does not start with "/", in the CEL rule\'s words', () => {
    const c = cluster(route(`  parentRefs: [{name: web}]\n  rules: [{matches: [{path: {type: PathPrefix, value: api}}], backendRefs: [{name: store, port: 80}]}]`))
    expect(errors(c)).toEqual([`spec.rules[0].matches[0].path: Invalid value: "object": value must be an absolute path and start with '/' when type one of ['Exact', 'PathPrefix']`])
    expect(runCommand(c, 'kubectl get httproute').stdout).not.toContain('store')
  })
  it('refuses a weight out of range, an unknown filter type and a backendRef without port', () => {
    const c = cluster(route(`  parentRefs: [{name: web}]\n  rules:\n    - filters: [{type: Rewrite}]\n      backendRefs: [{name: store, port: 80, weight: 1000001}, {name: store}]`))
    expect(errors(c)).toEqual([
      'spec.rules[0].filters[0].type: Unsupported value: "Rewrite": supported values: "RequestHeaderModifier", "ResponseHeaderModifier", "RequestMirror", "RequestRedirect", "URLRewrite", "ExtensionRef", "CORS"',
      'spec.rules[0].backendRefs[0].weight: Invalid value: 1000001: spec.rules[0].backendRefs[0].weight in body should be less than or equal to 1000000',
      'spec.rules[0].backendRefs[1]: Invalid value: "object": Must have port for Service reference',
    ])
  })
  it('refuses a redirect together with backendRefs, and two parentRefs to one Gateway without sectionName', () => {
    const c = cluster(route(`  parentRefs: [{name: web}, {name: web}]\n  rules: [{filters: [{type: RequestRedirect, requestRedirect: {scheme: https}}], backendRefs: [{name: store, port: 80}]}]`))
    expect(errors(c)).toContain('spec.rules[0]: Invalid value: "object": RequestRedirect filter must not be used together with backendRefs')
    expect(errors(c)).toContain('spec.parentRefs: Invalid value: "array": sectionName must be unique when parentRefs includes 2 or more references to the same parent')
  })
  it('refuses listeners with the same name, and tls on an HTTP listener', () => {
    const c = loadScenario([CLASS, `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: bad}
spec:
  gatewayClassName: eg
  listeners:
    - {name: a, protocol: HTTP, port: 80, tls: {certificateRefs: [{name: x}]}}
    - {name: a, protocol: HTTP, port: 8080}`].join('\n---\n')).cluster
    expect(errors(c)).toEqual([
      `spec.listeners: Invalid value: "array": tls must not be specified for protocols ['HTTP', 'TCP', 'UDP']`,
      'spec.listeners: Invalid value: "array": Listener name must be unique within the Gateway',
    ])
  })
  it('reports an unknown field the way strict decoding does', () => {
    const c = cluster(route(`  parentRefs: [{name: web}]\n  rules: [{backendRef: [{name: store, port: 80}]}]`))
    expect(errors(c).join('\n')).toContain('unknown field "spec.rules[0].backendRef"')
  })
  it('accepts any regex string but the controller refuses one RE2 cannot compile: Accepted False, UnsupportedValue', () => {
    const c = cluster(route(`  parentRefs: [{name: web}]\n  rules: [{matches: [{path: {type: RegularExpression, value: "/(?=x)"}}], backendRefs: [{name: store, port: 80}]}]`))
    expect(errors(c)).toEqual([])
    const r = gatewayModel(c).routes[0]
    expect(r.parents[0].conditions[0]).toMatchObject({ type: 'Accepted', status: 'False', reason: 'UnsupportedValue' })
    expect(validateGateways(c).some((p) => p.code === 'gateway-regex' && p.path.join('.') === 'spec.rules.0.matches.0.path.value')).toBe(true)
  })
})

describe('status as Envoy Gateway sets it', () => {
  it('a class of another controller keeps the CRD default: Accepted Unknown, Pending', () => {
    const c = loadScenario(`apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: other}
spec: {controllerName: example.com/other}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: g}
spec: {gatewayClassName: other, listeners: [{name: http, protocol: HTTP, port: 80}]}`).cluster
    expect(runCommand(c, 'kubectl get gatewayclass,gateway').stdout).toBe(
      [
        'NAME                                           CONTROLLER          ACCEPTED   AGE',
        'gatewayclass.gateway.networking.k8s.io/other   example.com/other   Unknown    5m',
        '',
        'NAME                                  CLASS   ADDRESS   PROGRAMMED   AGE',
        'gateway.gateway.networking.k8s.io/g   other   <none>    Unknown      5m',
        '',
      ].join('\n'),
    )
  })
  it('a programmed Gateway has the address of its Envoy Service', () => {
    const c = cluster()
    const svc = c.services.find((s) => s.meta.namespace === 'envoy-gateway-system')!
    expect(svc.meta.name).toBe(proxyName('default', 'web'))
    expect(svc.type).toBe('LoadBalancer')
    expect(svc.externalTrafficPolicy).toBe('Local')
    expect(svc.ports.map((p) => [p.port, p.targetPort])).toEqual([[80, 10080]])
    const out = runCommand(c, 'kubectl get gateway web').stdout
    expect(out).toContain(svc.loadBalancerIngress[0].ip!)
    expect(out).toContain('True')
  })
  it('names the proxy as Envoy Gateway does: envoy-<ns>-<name>-<sha256[:8]>', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
    expect(proxyName('default', 'eg')).toBe('envoy-default-eg-e41e7b31')
  })
  it('NoMatchingParent when the sectionName names no listener (httproute-invalid-parentref-not-matching-section-name)', () => {
    const c = load('httproute-invalid-parentref-not-matching-section-name.yaml')
    const r = gatewayModel(c).routes[0]
    expect(r.parents[0].conditions[0]).toMatchObject({ type: 'Accepted', status: 'False', reason: 'NoMatchingParent' })
  })
  it('NotAllowedByListeners for a route from a namespace the listener does not allow', () => {
    const c = cluster('apiVersion: v1\nkind: Namespace\nmetadata: {name: team}', route(`  parentRefs: [{name: web, namespace: default}]\n  rules: [{backendRefs: [{name: store, port: 80, namespace: default}]}]`, 'r', 'team'))
    const r = gatewayModel(c).routes[0]
    expect(r.parents[0].conditions.map((x) => `${x.type}/${x.status}/${x.reason}`)).toEqual(['Accepted/False/NotAllowedByListeners', 'ResolvedRefs/False/RefNotPermitted'])
    expect(routeGateway(c, { host: 'x', path: '/' })).toMatchObject({ status: 404 })
  })
  it('a listener certificate: missing Secret is InvalidCertificateRef, another namespace without a grant is RefNotPermitted', () => {
    const gw = (ref: string) => `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: tls}
spec:
  gatewayClassName: eg
  listeners:
    - {name: https, protocol: HTTPS, port: 443, tls: {certificateRefs: [${ref}]}}`
    const missing = cluster(gw('{name: nope}'))
    const l1 = gatewayModel(missing).gateways.find((g) => g.view.name === 'tls')!.listeners[0]
    expect(l1.conditions.find((x) => x.type === 'ResolvedRefs')).toMatchObject({ status: 'False', reason: 'InvalidCertificateRef' })
    expect(l1.ready).toBe(false)
    const other = cluster('apiVersion: v1\nkind: Namespace\nmetadata: {name: certs}', 'apiVersion: v1\nkind: Secret\nmetadata: {name: c, namespace: certs}\ntype: kubernetes.io/tls\ndata: {tls.crt: eA==, tls.key: eA==}', gw('{name: c, namespace: certs}'))
    const l2 = gatewayModel(other).gateways.find((g) => g.view.name === 'tls')!.listeners[0]
    expect(l2.conditions.find((x) => x.type === 'ResolvedRefs')).toMatchObject({ status: 'False', reason: 'RefNotPermitted' })
  })
})

describe('kubectl', () => {
  it('get gatewayclass -o wide adds the DESCRIPTION column (priority 1 in the CRD)', () => {
    expect(runCommand(cluster(), 'kubectl get gatewayclass -o wide').stdout).toBe('NAME   CONTROLLER                                      ACCEPTED   AGE   DESCRIPTION\neg     gateway.envoyproxy.io/gatewayclass-controller   True       5m    <none>\n')
  })
  it('get httproute prints the hostnames as JSON, as the CRD column does', () => {
    const c = cluster(route(`  parentRefs: [{name: web}]\n  hostnames: [a.example.com, b.example.com]\n  rules: [{backendRefs: [{name: store, port: 80}]}]`))
    expect(runCommand(c, 'kubectl get httproutes').stdout).toBe('NAME    HOSTNAMES                           AGE\nstore   ["a.example.com","b.example.com"]   5m\n')
  })
  it('describe uses the generic describer layout, with the CRD defaults the API server stored', () => {
    const c = cluster(route(`  parentRefs: [{name: web}]\n  rules: [{backendRefs: [{name: store, port: 80}]}]`))
    const out = runCommand(c, 'kubectl describe httproute store').stdout
    expect(out).toMatch(/^Name:         store\nNamespace:    default\nLabels:       <none>\nAnnotations:  <none>\nAPI Version:  gateway.networking.k8s.io\/v1\nKind:         HTTPRoute\n/)
    expect(out).toContain('  Parent Refs:\n    Group:  gateway.networking.k8s.io\n    Kind:   Gateway\n    Name:   web\n')
    expect(out).toContain('      Weight:  1\n')
    expect(out).toContain('Controller Name:')
    expect(out.endsWith('Events:       <none>\n')).toBe(true)
  })
  it('smartLabelFor splits camelCase as kubectl does', () => {
    expect(smartLabelFor('apiVersion')).toBe('API Version')
    expect(smartLabelFor('gatewayClassName')).toBe('Gateway Class Name')
    expect(smartLabelFor('uid')).toBe('UID')
    expect(smartLabelFor('kubernetes.io/x')).toBe('kubernetes.io/x')
  })
})

describe('the data plane: curl and trace through Envoy', () => {
  const c = cluster(route(`  parentRefs: [{name: web}]
  hostnames: [store.example.com]
  rules:
    - matches: [{path: {type: PathPrefix, value: /shop}}]
      filters:
        - {type: URLRewrite, urlRewrite: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /}}}
        - {type: RequestHeaderModifier, requestHeaderModifier: {add: [{name: X-Team, value: blue}]}}
      backendRefs: [{name: store, port: 80}]
    - matches: [{path: {type: Exact, value: /gone}}]
      filters: [{type: RequestRedirect, requestRedirect: {hostname: new.example.com, statusCode: 308}}]
    - matches: [{path: {type: Exact, value: /missing}}]
      backendRefs: [{name: nothing, port: 80}]`))
  const ip = c.services.find((s) => s.meta.namespace === 'envoy-gateway-system')!.loadBalancerIngress[0].ip!
  it('the backend sees the rewritten path, the added header and the client address', () => {
    const out = runCommand(c, `curl -s -H 'Host: store.example.com' http://${ip}/shop/cart`).stdout
    const body = JSON.parse(out) as { path: string; headers: Record<string, string[]> }
    expect(body.path).toBe('/cart')
    expect(body.headers['X-Team']).toEqual(['blue'])
    expect(body.headers['X-Forwarded-For']).toEqual(['203.0.113.7'])
  })
  it('Envoy answers a redirect itself, keeping the port out of the Location for the well-known one', () => {
    const out = runCommand(c, `curl -si -H 'Host: store.example.com' http://${ip}/gone`).stdout
    expect(out).toMatch(/^HTTP\/1.1 308 Permanent Redirect\r\nlocation: http:\/\/new.example.com\/gone\r\n/)
  })
  it('no route: 404; an invalid backend: 500; both from Envoy with server: envoy', () => {
    expect(runCommand(c, `curl -si -H 'Host: other.example.com' http://${ip}/`).stdout).toContain('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n')
    const five = runCommand(c, `curl -si -H 'Host: store.example.com' http://${ip}/missing`).stdout
    expect(five).toContain('HTTP/1.1 500 Internal Server Error')
    expect(five).toContain('server: envoy')
  })
  it('trace shows the Envoy hop and Envoy\'s own connection to an endpoint', () => {
    const t = runCommand(c, 'trace workstation -> http://store.example.com/shop')
    expect(t.stdout).toContain('gateway-proxy')
    expect(t.stdout).toContain('Envoy (Gateway default/web), listener http (HTTP 80)')
    expect(t.stdout).toContain('is not in DNS')
    expect(t.stdout).toContain('not to the ClusterIP')
  })
  it('a Pod reaches the Gateway too, through kube-proxy\'s rules for the load balancer address', () => {
    const withClient = cluster(
      'apiVersion: v1\nkind: Pod\nmetadata: {name: client}\nspec: {containers: [{name: c, image: nicolaka/netshoot, command: [sleep, infinity]}]}',
      route(`  parentRefs: [{name: web}]\n  hostnames: [store.example.com]\n  rules: [{backendRefs: [{name: store, port: 80}]}]`),
    )
    const client = withClient.pods.find((p) => p.meta.name === 'client')!
    const body = JSON.parse(runCommand(withClient, `kubectl exec client -- curl -s -H 'Host: store.example.com' http://${ip}/`).stdout) as { headers: Record<string, string[]>; pod: string }
    expect(body.headers['X-Forwarded-For']).toEqual([client.podIPs[0]])
  })
  it('is deterministic', () => {
    const a = runCommand(c, `curl -s -H 'Host: store.example.com' http://${ip}/shop`).stdout
    const b = runCommand(cluster(route(`  parentRefs: [{name: web}]\n  hostnames: [store.example.com]\n  rules: [{matches: [{path: {type: PathPrefix, value: /shop}}], filters: [{type: URLRewrite, urlRewrite: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /}}}, {type: RequestHeaderModifier, requestHeaderModifier: {add: [{name: X-Team, value: blue}]}}], backendRefs: [{name: store, port: 80}]}]`)), `curl -s -H 'Host: store.example.com' http://${ip}/shop`).stdout
    expect(a).toBe(b)
  })
})

describe('weights', () => {
  it('spreadCounts follows the weights for any number of requests, weightedPick over the total', () => {
    expect(spreadCounts([90, 10], 20)).toEqual([18, 2, 0])
    expect(spreadCounts([1, 1, 0], 5)).toEqual([3, 2, 0, 0])
    expect(spreadCounts([0, 0], 3)).toEqual([0, 0, 3])
    expect(weightedPick([0, 0], 5)).toBe(-1)
    expect(weightedPick([3, 1], 3)).toBe(1)
  })
  it('the largest weights the API allows do not make the simulator slow', () => {
    const big = Array.from({ length: 16 }, () => 1000000)
    const t0 = Date.now()
    for (let i = 0; i < 100; i++) weightedPick(big, i * 7919)
    expect(spreadCounts(big, 1000).slice(0, 16).reduce((a, b) => a + b, 0)).toBe(1000)
    expect(Date.now() - t0).toBeLessThan(2000)
  })
})

describe('host names', () => {
  it('a wildcard is a suffix match of one or more labels', () => {
    expect(hostnameMatches('*.example.com', 'a.b.example.com')).toBe(true)
    expect(hostnameMatches('*.example.com', 'example.com')).toBe(false)
  })
  it('intersection of listener and route host names', () => {
    expect(intersect('*.example.com', ['foo.example.com', 'foo.example.net'])).toEqual(['foo.example.com'])
    expect(intersect('foo.example.com', ['*.example.com'])).toEqual(['foo.example.com'])
    expect(intersect('*.example.com', ['*.a.example.com'])).toEqual(['*.a.example.com'])
    expect(intersect('*.a.example.com', ['*.example.com'])).toEqual(['*.a.example.com'])
    expect(intersect(undefined, [])).toEqual(['*'])
    expect(intersect('a.com', ['b.com'])).toBeUndefined()
  })
})

describe('gateway convert', () => {
  it('names things as ingress2gateway does', () => {
    expect(nameFromHost('foo.bar.com')).toBe('foo-bar-com')
    expect(nameFromHost('*.bar.com')).toBe('bar-com')
    expect(nameFromHost('')).toBe('all-hosts')
  })
  it('converts an Ingress into a Gateway and an HTTPRoute that route the same', () => {
    const c = cluster(`apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: nginx}
spec: {controller: k8s.io/ingress-nginx}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: shop, annotations: {nginx.ingress.kubernetes.io/rewrite-target: /$2}}
spec:
  ingressClassName: nginx
  rules:
    - host: store.example.com
      http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: store, port: {number: 80}}}}]}`)
    const out = runCommand(c, 'gateway convert')
    expect(out.exitCode).toBe(0)
    expect(out.stdout).toContain('name: shop-store-example-com')
    expect(out.stdout).toContain('name: store-example-com-http')
    expect(out.stdout).toContain('rewrite-target "/$2" is not converted')
    const converted = out.stdout.replace(/^#.*\n/gm, '').replace(/gatewayClassName: nginx/, 'gatewayClassName: eg')
    const run = loadScenario([CLASS, APP, converted].join('\n---\n')).cluster
    expect(errors(run)).toEqual([])
    const r = routeGateway(run, { host: 'store.example.com', path: '/x', gateway: 'default/nginx' })
    expect(r.ok && r.chosen?.ref.name).toBe('store')
  })
  it('says so when there is nothing to convert', () => {
    expect(runCommand(cluster(), 'gateway convert')).toMatchObject({ exitCode: 1 })
  })
})

describe('topology and diagram', () => {
  it('draws listeners, routes, Services and Pods, escaping what the reader wrote', () => {
    const c = cluster(route(`  parentRefs: [{name: web}]\n  hostnames: [store.example.com]\n  rules: [{matches: [{headers: [{name: x, value: "<b>&"}]}], backendRefs: [{name: store, port: 80}]}]`))
    const t = gatewayTopology(c)
    expect(t.routes[0].listeners).toEqual(['default/web/http'])
    expect(t.services[0].pods).toHaveLength(2)
    const d = gatewayDiagram(t)
    expect(d.svg).toContain('&lt;b&gt;&amp;')
    expect(d.svg).not.toContain('<b>&')
    expect(d.alt).toContain('HTTPRoute default/store for store.example.com, attached to default/web/http')
    expect(runCommand(c, 'gateway topology').stdout).toContain('listener http: HTTP 80 *, 1 route')
  })
})

describe('gateway route: questions it cannot answer', () => {
  it('exits 2 with a usage error or an unknown Gateway, never throws', () => {
    const c = cluster()
    expect(runCommand(c, 'gateway route').exitCode).toBe(2)
    expect(runCommand(c, 'gateway route a / --gateway nope').stderr).toContain('Gateway nope not found')
    expect(runCommand(c, 'gateway route a / --requests 0').exitCode).toBe(2)
    expect(runCommand(c, 'gateway route a / -H nocolon').exitCode).toBe(2)
    expect(runCommand(c, "gateway route a '/../..'").exitCode).toBe(2)
    expect(runCommand(loadScenario('').cluster, 'gateway route a /').stderr).toContain('the scenario has no Gateway')
  })
})

describe('gateway convert, then run the result (the page appends data.apply and runs again)', () => {
  it('the objects it offers, with a GatewayClass for the class the scenario lacks, route the same request', async () => {
    const { loadScenario, runCommand } = await import('../../../engine/index.ts')
    const scenario = [
      'apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata: {name: nginx}\nspec: {controller: k8s.io/ingress-nginx}\n',
      'apiVersion: v1\nkind: Pod\nmetadata: {name: web, labels: {app: web}}\nspec: {containers: [{name: c, image: nginx, ports: [{containerPort: 80}]}]}\n',
      'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {selector: {app: web}, ports: [{port: 80}]}\n',
      'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: shop}\nspec:\n  ingressClassName: nginx\n  rules:\n  - host: shop.example.com\n    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}\n',
    ].join('---\n')
    const before = loadScenario(scenario).cluster
    const converted = runCommand(before, 'gateway convert')
    const apply = (converted.data as { apply: { yaml: string; label: string } }).apply
    expect(apply.label).toBe('Add these Gateway API objects and run again')
    expect(apply.yaml).toContain('kind: GatewayClass\nmetadata:\n  name: nginx\nspec:\n  controllerName: gateway.envoyproxy.io/gatewayclass-controller')
    const after = loadScenario(scenario + apply.yaml)
    expect(after.diagnostics.filter((d) => d.severity === 'error')).toEqual([])
    const routed = runCommand(after.cluster, 'gateway route shop.example.com / --json')
    expect((routed.data as { backend?: { service: string } }).backend?.service).toBe('web')
  })
})
