/**
 * routeIngress and the `ingress` command beyond the acceptance cases: class
 * selection, TLS, the controller, backends that do not resolve, regex mode,
 * request normalisation, and the command's text, data and exit codes.
 */
import { describe, expect, it } from 'vitest'
import { runCommand } from '../../../engine/index.ts'
import type { Cluster } from '../../../engine/index.ts'
import { routeIngress } from '../../../engine/ingress/index.ts'
import type { RouteAnswer, RouteRequest } from '../../../engine/ingress/index.ts'
import { echoPod, ingress, ingressClass, scenario, service } from './helpers.ts'

function route(c: Cluster, req: RouteRequest): RouteAnswer {
  const r = routeIngress(c, req)
  if (!r.ok) throw new Error(r.error)
  return r
}

const backendOf = (r: RouteAnswer) => (r.status === 404 ? 404 : `${r.backend?.serviceName}:${r.backend?.port}`)

const svcs = [service('web', '10.96.0.11'), service('api', '10.96.0.12'), service('other', '10.96.0.13'), echoPod()]

describe('IngressClass selection', () => {
  it('the default IngressClass is given to class-less Ingresses, not to ones with the annotation', () => {
    const c = scenario(
      ingressClass('nginx', { isDefault: true }),
      ingressClass('traefik', { controller: 'traefik.io/ingress-controller' }),
      ...svcs,
      ingress('plain', [['a.example.com', [['/', 'Prefix', 'web']]]]),
      ingress('legacy', [['b.example.com', [['/', 'Prefix', 'api']]]], { annotations: { 'kubernetes.io/ingress.class': 'traefik' } }),
    )
    const a = route(c, { host: 'a.example.com', path: '/' })
    expect([a.className, a.classSource, backendOf(a)]).toEqual(['nginx', 'the default IngressClass', 'web:80'])
    expect(backendOf(route(c, { host: 'b.example.com', path: '/' }))).toBe(404)
    expect(backendOf(route(c, { host: 'b.example.com', path: '/', className: 'traefik' }))).toBe('api:80')
    expect(backendOf(route(c, { host: 'a.example.com', path: '/', className: 'traefik' }))).toBe(404)
  })

  it('with several default IngressClasses the newest is assigned (DefaultIngressClass admission)', () => {
    const c = scenario(
      ingressClass('old', { isDefault: true, created: '2026-01-01T00:00:00Z', controller: 'example.com/old-controller' }),
      ingressClass('new', { isDefault: true, created: '2026-01-02T00:00:00Z' }),
      ...svcs,
      ingress('plain', [['a.example.com', [['/', 'Prefix', 'web']]]]),
    )
    const r = route(c, { host: 'a.example.com', path: '/' })
    expect([r.className, backendOf(r)]).toEqual(['new', 'web:80'])
    expect(backendOf(route(c, { host: 'a.example.com', path: '/', className: 'old' }))).toBe(404)
  })

  it('one controller takes every IngressClass with its spec.controller, and merges them', () => {
    const c = scenario(
      ingressClass('nginx', { isDefault: true }),
      ingressClass('nginx-extra'),
      ingressClass('other', { controller: 'example.com/other' }),
      ...svcs,
      ingress('a', [['shop.example.com', [['/a', 'Prefix', 'web']]]], { className: 'nginx' }),
      ingress('b', [['shop.example.com', [['/b', 'Prefix', 'api']]]], { className: 'nginx-extra' }),
      ingress('c', [['shop.example.com', [['/c', 'Prefix', 'other']]]], { className: 'other' }),
    )
    expect(backendOf(route(c, { host: 'shop.example.com', path: '/b' }))).toBe('api:80')
    expect(backendOf(route(c, { host: 'shop.example.com', path: '/c' }))).toBe(404)
    expect(backendOf(route(c, { host: 'shop.example.com', path: '/a', className: 'nginx-extra' }))).toBe('web:80')
    expect(backendOf(route(c, { host: 'shop.example.com', path: '/c', className: 'other' }))).toBe('other:80')
  })

  it('an Ingress naming an IngressClass that does not exist is served by no one', () => {
    const c = scenario(ingressClass('nginx'), ...svcs, ingress('lost', [['a.example.com', [['/', 'Prefix', 'web']]]], { className: 'nginx-internal' }))
    const r = route(c, { host: 'a.example.com', path: '/x' })
    expect(r.status).toBe(404)
    expect(r.notes.join('\n')).toContain('Ingress default/lost has a matching rule but does not count')
    expect(backendOf(route(c, { host: 'a.example.com', path: '/x', className: 'nginx-internal' }))).toBe(404)
  })

  it('without any IngressClass, class-less Ingresses are routed as by a controller that watches them', () => {
    const c = scenario(...svcs, ingress('plain', [['a.example.com', [['/', 'Prefix', 'web']]]]))
    const r = route(c, { host: 'a.example.com', path: '/' })
    expect([r.className, r.classSource, backendOf(r)]).toEqual(['', 'no IngressClass in the scenario', 'web:80'])
  })

  it('two IngressClasses and no default: the question needs --class', () => {
    const c = scenario(ingressClass('a'), ingressClass('b'), ...svcs, ingress('x', [['a.example.com', [['/', 'Prefix', 'web']]]], { className: 'b' }))
    expect(routeIngress(c, { host: 'a.example.com', path: '/' })).toEqual({ ok: false, error: 'several Ingress classes (a, b) and no default IngressClass: choose one with --class' })
    const cmd = runCommand(c, 'ingress route a.example.com /')
    expect([cmd.exitCode, cmd.stderr]).toEqual([2, 'ingress route: several Ingress classes (a, b) and no default IngressClass: choose one with --class\n'])
    expect(runCommand(c, 'ingress route --class b a.example.com /').data).toMatchObject({ backend: { service: 'web', port: 80 } })
  })
})

describe('TLS', () => {
  const base = [ingressClass('nginx', { isDefault: true }), ...svcs]

  it('the Secret of the tls entry listing the host; plain HTTP is redirected with 308', () => {
    const c = scenario(...base, ingress('shop', [['shop.example.com', [['/', 'Prefix', 'web']]]], { tls: [{ hosts: ['shop.example.com'], secretName: 'shop-tls' }] }))
    expect(route(c, { host: 'shop.example.com', path: '/' }).tls).toEqual({ configured: true, secretName: 'shop-tls', ingress: 'default/shop', defaultCertificate: false, httpRedirect: true })
    const cmd = runCommand(c, 'ingress route http://shop.example.com/')
    expect(cmd.stdout).toContain('TLS terminated with Secret shop-tls (Ingress default/shop); this plain-HTTP request first gets 308 Permanent Redirect to https')
  })

  it('a host missing from the TLS section gets the default certificate; ssl-redirect "false" keeps plain HTTP', () => {
    const c = scenario(
      ...base,
      ingress('shop', [['shop.example.com', [['/', 'Prefix', 'web']]], ['www.example.com', [['/', 'Prefix', 'web']]]], {
        tls: [{ hosts: ['shop.example.com'], secretName: 'shop-tls' }],
        annotations: { 'nginx.ingress.kubernetes.io/ssl-redirect': 'false' },
      }),
    )
    expect(route(c, { host: 'www.example.com', path: '/' }).tls).toEqual({ configured: true, ingress: 'default/shop', defaultCertificate: true, httpRedirect: false })
  })

  it('the first Ingress (oldest) with a TLS section for the host decides; host-less rules never get TLS', () => {
    const c = scenario(
      ...base,
      ingress('a', [['shop.example.com', [['/a', 'Prefix', 'api']]]], { tls: [{ hosts: ['shop.example.com'], secretName: 'a-tls' }], created: '2026-01-10T00:00:00Z' }),
      ingress('b', [['shop.example.com', [['/b', 'Prefix', 'web']]], ['', [['/', 'Prefix', 'other']]]], { tls: [{ hosts: ['shop.example.com'], secretName: 'b-tls' }], created: '2026-01-11T00:00:00Z' }),
    )
    expect(route(c, { host: 'shop.example.com', path: '/b' }).tls.secretName).toBe('a-tls')
    expect(route(c, { host: 'elsewhere.example', path: '/' }).tls).toMatchObject({ configured: false, httpRedirect: false })
  })
})

describe('the controller', () => {
  const controller = [
    'apiVersion: v1\nkind: Namespace\nmetadata: {name: ingress-nginx}',
    `apiVersion: v1
kind: Service
metadata: {name: ingress-nginx-controller-admission, namespace: ingress-nginx, labels: {app.kubernetes.io/name: ingress-nginx, app.kubernetes.io/instance: ingress-nginx, app.kubernetes.io/component: controller}}
spec: {selector: {app.kubernetes.io/name: ingress-nginx}, ports: [{name: https-webhook, port: 443}]}`,
    `apiVersion: v1
kind: Service
metadata: {name: ingress-nginx-controller, namespace: ingress-nginx, labels: {app.kubernetes.io/name: ingress-nginx, app.kubernetes.io/instance: ingress-nginx, app.kubernetes.io/component: controller}}
spec:
  type: LoadBalancer
  selector: {app.kubernetes.io/name: ingress-nginx}
  ports: [{name: http, port: 80}, {name: https, port: 443}]
status: {loadBalancer: {ingress: [{ip: 203.0.113.7}]}}`,
  ]

  it('is the Service labelled like the IngressClass, not the admission webhook', () => {
    const c = scenario(ingressClass('nginx', { isDefault: true, labels: { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/instance': 'ingress-nginx' } }), ...controller, ...svcs, ingress('shop', [['shop.example.com', [['/', 'Prefix', 'web']]]]))
    const r = route(c, { host: 'shop.example.com', path: '/' })
    expect(r.controller).toMatchObject({ modelled: true, namespace: 'ingress-nginx', name: 'ingress-nginx-controller', controller: 'k8s.io/ingress-nginx' })
    // --publish-service: the controller Service's address becomes the Ingress's
    expect(runCommand(c, 'kubectl describe ingress shop').stdout).toContain('Address:          203.0.113.7\n')
  })

  it('is said to be not modelled when the scenario has no controller Service', () => {
    const c = scenario(ingressClass('nginx', { isDefault: true }), ...svcs, ingress('shop', [['shop.example.com', [['/', 'Prefix', 'web']]]]))
    expect(route(c, { host: 'shop.example.com', path: '/' }).controller).toEqual({
      modelled: false,
      controller: 'k8s.io/ingress-nginx',
      reason: 'no controller Service for class "nginx" in the scenario, so the controller itself is not modelled (routing follows ingress-nginx\'s rules)',
    })
  })
})

describe('backends', () => {
  const base = [ingressClass('nginx', { isDefault: true })]

  it('resolves the Service, its port and the ready endpoints the controller proxies to', () => {
    const c = scenario(...base, service('web', '10.96.0.11', { portName: 'http' }), echoPod(), ingress('shop', [['', [['/', 'Prefix', 'web', 'http']]]]))
    const r = route(c, { host: 'x', path: '/' })
    expect(r.backend).toMatchObject({ serviceName: 'web', port: 'http', servicePort: { name: 'http', port: 80, targetPort: 8080 }, upstream: 'endpoints', endpoints: [{ ip: '10.244.1.11', port: 8080, pod: 'default/echo-0' }] })
    expect(r.backend?.service?.clusterIPs).toEqual(['10.96.0.11'])
  })

  it('503 when the Service is missing or lacks the port', () => {
    const c = scenario(...base, service('web', '10.96.0.11'), echoPod(), ingress('shop', [['', [['/missing', 'Prefix', 'nope'], ['/port', 'Prefix', 'web', 8080]]]]))
    const missing = route(c, { host: 'x', path: '/missing' })
    expect([missing.status, missing.backend?.problem]).toEqual([503, 'Service "nope" not found in namespace "default"'])
    const port = route(c, { host: 'x', path: '/port' })
    expect([port.status, port.backend?.problem]).toEqual([503, 'Service "web" has no port 8080 (its ports: 80/TCP)'])
    const cmd = runCommand(c, 'ingress route x /missing')
    expect(cmd.exitCode).toBe(1)
    expect(cmd.data).toEqual({ ingress: 'default/shop', rule: { host: '', path: '/missing', pathType: 'Prefix' }, backend: { service: 'nope', port: 80 }, status: 503 })
  })

  it('503 for a Service without ready endpoints', () => {
    const c = scenario(...base, 'apiVersion: v1\nkind: Service\nmetadata: {name: idle}\nspec: {clusterIP: 10.96.0.20, selector: {app: nothing}, ports: [{port: 80}]}', ingress('shop', [['', [['/', 'Prefix', 'idle']]]]))
    expect(route(c, { host: 'x', path: '/' })).toMatchObject({ status: 503, backend: { problem: 'Service "idle" has no ready endpoints for port 80' } })
  })

  it('service-upstream sends to the ClusterIP instead of the endpoints', () => {
    const c = scenario(...base, service('web', '10.96.0.11'), echoPod(), ingress('shop', [['', [['/', 'Prefix', 'web']]]], { annotations: { 'nginx.ingress.kubernetes.io/service-upstream': 'true' } }))
    expect(route(c, { host: 'x', path: '/' }).backend).toMatchObject({ upstream: 'cluster-ip', endpoints: [{ ip: '10.96.0.11', port: 80 }] })
  })

  it("a defaultBackend answers with rule null in the command's data", () => {
    const c = scenario(...base, service('web', '10.96.0.11'), echoPod(), 'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: only}\nspec: {defaultBackend: {service: {name: web, port: {number: 80}}}}')
    expect(runCommand(c, 'ingress route anything.example /x').data).toEqual({ ingress: 'default/only', rule: null, backend: { service: 'web', port: 80 } })
  })
})

describe('regex mode (use-regex or rewrite-target on any Ingress of the host)', () => {
  it('matches every path of the host as a case-insensitive regex, longest location first', () => {
    const c = scenario(
      ingressClass('nginx', { isDefault: true }),
      ...svcs,
      ingress('plain', [['shop.example.com', [['/api', 'Prefix', 'api']]]]),
      ingress('rewrite', [['shop.example.com', [['/v1/(.*)', 'ImplementationSpecific', 'web']]]], { annotations: { 'nginx.ingress.kubernetes.io/use-regex': 'true' } }),
    )
    expect(backendOf(route(c, { host: 'shop.example.com', path: '/V1/users' }))).toBe('web:80')
    // the non-regex /api is now `~* "^/api"` too: a string prefix, case-insensitive
    expect(backendOf(route(c, { host: 'shop.example.com', path: '/apix' }))).toBe('api:80')
    expect(backendOf(route(c, { host: 'shop.example.com', path: '/API' }))).toBe('api:80')
    expect(backendOf(route(c, { host: 'shop.example.com', path: '/other' }))).toBe(404)
    // another host is not affected
    const c2 = scenario(ingressClass('nginx', { isDefault: true }), ...svcs, ingress('plain', [['a.example.com', [['/api', 'Prefix', 'api']]]]), ingress('rw', [['b.example.com', [['/x', 'Prefix', 'web']]]], { annotations: { 'nginx.ingress.kubernetes.io/rewrite-target': '/' } }))
    expect(backendOf(route(c2, { host: 'a.example.com', path: '/apix' }))).toBe(404)
  })

  it('refuses patterns with nested quantifiers instead of evaluating them', () => {
    const c = scenario(ingressClass('nginx', { isDefault: true }), ...svcs, ingress('evil', [['shop.example.com', [['/(a+)+$', 'ImplementationSpecific', 'web']]]], { annotations: { 'nginx.ingress.kubernetes.io/use-regex': 'true' } }))
    const r = route(c, { host: 'shop.example.com', path: `/${'a'.repeat(40)}!` })
    expect(r.status).toBe(404)
    expect(r.notes).toContain('location "/(a+)+$" is not a regular expression the simulator evaluates; it is skipped')
  })
})

describe('the request', () => {
  const c = scenario(ingressClass('nginx', { isDefault: true }), ...svcs, ingress('shop', [['shop.example.com', [['/a/b', 'Exact', 'api'], ['/', 'Prefix', 'web']]]]))

  it('Host header case, port and trailing dot do not matter; the query string is not part of the path', () => {
    expect(backendOf(route(c, { host: 'SHOP.Example.com:8443', path: '/a/b?x=1' }))).toBe('api:80')
    expect(backendOf(route(c, { host: 'shop.example.com.', path: '/a//b' }))).toBe('api:80')
    expect(backendOf(route(c, { host: 'shop.example.com', path: '/a/./c/../b' }))).toBe('api:80')
  })

  it('the command takes HOST PATH or a URL and reports usage errors with exit 2', () => {
    expect(runCommand(c, 'ingress route https://shop.example.com/a/b').data).toMatchObject({ backend: { service: 'api' } })
    expect(runCommand(c, 'ingress route shop.example.com').exitCode).toBe(2)
    expect(runCommand(c, 'ingress route --bogus shop.example.com /').stderr).toBe('error: unknown flag: --bogus\n')
    expect(runCommand(c, 'ingress route shop.example.com a/b').stderr).toBe('ingress route: the path must start with "/" (got "a/b")\n')
    expect(runCommand(c, 'ingress frobnicate').exitCode).toBe(2)
  })

  it('prints two lines: what answers, and why', () => {
    const out = runCommand(c, 'ingress route shop.example.com /a/b').stdout
    expect(out).toBe(
      'shop.example.com/a/b → Service default/api port 80 → 1 endpoint, Ingress default/shop rule shop.example.com /a/b (Exact)\n' +
        "  server block shop.example.com: longest matching path: /a/b (Exact) is longer than / (Prefix); no TLS section covers shop.example.com (HTTPS would get the controller's default certificate)\n",
    )
    const miss = runCommand(c, 'ingress route elsewhere.example /a/b')
    expect(miss.stdout).toBe(
      "elsewhere.example/a/b → 404 Not Found from the controller's default backend (class nginx)\n" +
        "  no server block for elsewhere.example, so the catch-all server (rules without a host) answers: no rule path matches, so the root location falls to the default backend; no TLS section covers elsewhere.example (HTTPS would get the controller's default certificate)\n",
    )
    expect(miss.exitCode).toBe(1)
  })

  it('ingress servers prints the merged server blocks as nginx gets them', () => {
    expect(runCommand(c, 'ingress servers').stdout).toBe(
      [
        'class nginx (the default IngressClass): default/shop',
        'server shop.example.com  (no TLS)',
        '  location = /a/b  → api:80  default/shop (Exact /a/b)',
        '  location /       → web:80  default/shop (Prefix /)',
        'server _  (catch-all)',
        "  location /  → the controller's default backend (404)",
        '',
      ].join('\n'),
    )
  })
})
