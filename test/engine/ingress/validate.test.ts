/**
 * validateIngresses: the API server's own messages for what it refuses
 * (pkg/apis/networking/validation), each from a valid Ingress plus one tweak,
 * and the warnings for what it accepts but does not work as meant.
 */
import { describe, expect, it } from 'vitest'
import { loadScenario } from '../../../engine/index.ts'
import type { Cluster } from '../../../engine/index.ts'
import { routeIngress, validateIngresses } from '../../../engine/ingress/index.ts'
import { registerCheck } from '../../../engine/cluster/checks.ts'
import { echoPod, ingress, ingressClass, scenario, service } from './helpers.ts'

type Obj = Record<string, unknown>

/** A valid Ingress; `tweak` edits a copy. Written as JSON, which is YAML. */
function makeValidIngress(tweak: (i: { metadata: Obj; spec: Obj & { rules: Obj[] } }) => void = () => {}): string {
  const i = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'web', namespace: 'default' } as Obj,
    spec: {
      ingressClassName: 'nginx',
      rules: [{ host: 'shop.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }],
    } as Obj & { rules: Obj[] },
  }
  tweak(i)
  return JSON.stringify(i)
}

const path0 = (i: { spec: { rules: Obj[] } }) => ((i.spec.rules[0].http as Obj).paths as Obj[])[0]

function problems(...docs: string[]) {
  const { cluster } = loadScenario([ingressClass('nginx'), service('web', '10.96.0.50', { portName: 'http' }), echoPod(), ...docs].join('\n---\n'))
  return { cluster, all: validateIngresses(cluster) }
}

function errorsOf(doc: string) {
  return problems(doc).all.filter((p) => p.severity === 'error')
}

const P = ['spec', 'rules', 0, 'http', 'paths', 0]
const SUBDOMAIN =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"

describe('the API server refuses', () => {
  it('accepts the valid Ingress', () => {
    expect(errorsOf(makeValidIngress())).toEqual([])
  })

  it('a path without pathType', () => {
    expect(errorsOf(makeValidIngress((i) => delete path0(i).pathType))).toMatchObject([
      { code: 'required', kind: 'Ingress', name: 'web', path: [...P, 'pathType'], message: 'spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified' },
    ])
  })

  it('an unknown pathType', () => {
    expect(errorsOf(makeValidIngress((i) => (path0(i).pathType = 'Regex')))).toMatchObject([
      { code: 'unsupported-value', path: [...P, 'pathType'], message: 'spec.rules[0].http.paths[0].pathType: Unsupported value: "Regex": supported values: "Exact", "ImplementationSpecific", "Prefix"' },
    ])
  })

  it('a relative path (Exact, Prefix and ImplementationSpecific alike)', () => {
    for (const pathType of ['Exact', 'Prefix', 'ImplementationSpecific']) {
      expect(errorsOf(makeValidIngress((i) => Object.assign(path0(i), { path: 'foo', pathType })))).toMatchObject([
        { path: [...P, 'path'], message: 'spec.rules[0].http.paths[0].path: Invalid value: "foo": must be an absolute path' },
      ])
    }
  })

  it('an empty path only for ImplementationSpecific', () => {
    expect(errorsOf(makeValidIngress((i) => Object.assign(path0(i), { path: '', pathType: 'ImplementationSpecific' })))).toEqual([])
    expect(errorsOf(makeValidIngress((i) => Object.assign(path0(i), { path: '', pathType: 'Exact' }))).map((p) => p.message)).toEqual([
      'spec.rules[0].http.paths[0].path: Invalid value: "": must be an absolute path',
    ])
  })

  it.each([
    ['/foo//bar', "must not contain '//'"],
    ['/foo/./bar', "must not contain '/./'"],
    ['/foo/../bar', "must not contain '/../'"],
    ['/foo%2fbar', "must not contain '%2f'"],
    ['/foo%2Fbar', "must not contain '%2F'"],
    ['/foo/..', "cannot end with '/..'"],
    ['/foo/.', "cannot end with '/.'"],
  ])('the Exact/Prefix path %s: %s', (value, detail) => {
    const msgs = errorsOf(makeValidIngress((i) => (path0(i).path = value))).map((p) => p.message)
    expect(msgs).toContain(`spec.rules[0].http.paths[0].path: Invalid value: "${value}": ${detail}`)
    // ImplementationSpecific paths are the controller's business
    expect(errorsOf(makeValidIngress((i) => Object.assign(path0(i), { path: value, pathType: 'ImplementationSpecific' })))).toEqual([])
  })

  it('a backend with both a port name and a port number, or neither', () => {
    expect(errorsOf(makeValidIngress((i) => (path0(i).backend = { service: { name: 'web', port: { number: 80, name: 'http' } } }))).map((p) => p.message)).toEqual([
      'spec.rules[0].http.paths[0].backend: Invalid value: "": cannot set both port name & port number',
    ])
    expect(errorsOf(makeValidIngress((i) => (path0(i).backend = { service: { name: 'web', port: {} } })))).toMatchObject([
      { code: 'required', path: [...P, 'backend'], message: 'spec.rules[0].http.paths[0].backend: Required value: port name or number is required' },
    ])
  })

  it('a backend without a Service name, or with one that is not a DNS-1123 label (KEP-5311, GA in 1.37: a name may start with a digit)', () => {
    expect(errorsOf(makeValidIngress((i) => (path0(i).backend = { service: { port: { number: 80 } } }))).map((p) => p.message)).toEqual([
      'spec.rules[0].http.paths[0].backend.service.name: Required value',
    ])
    expect(errorsOf(makeValidIngress((i) => (path0(i).backend = { service: { name: '1web', port: { number: 80 } } }))).map((p) => p.message)).toEqual([])
    expect(errorsOf(makeValidIngress((i) => (path0(i).backend = { service: { name: 'web-', port: { number: 80 } } }))).map((p) => p.message)).toEqual([
      "spec.rules[0].http.paths[0].backend.service.name: Invalid value: \"web-\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
    ])
  })

  it('a port number out of range and a port name that is not an IANA service name', () => {
    expect(errorsOf(makeValidIngress((i) => (path0(i).backend = { service: { name: 'web', port: { number: 70000 } } }))).map((p) => p.message)).toEqual([
      'spec.rules[0].http.paths[0].backend.service.port.number: Invalid value: 70000: must be between 1 and 65535, inclusive',
    ])
    expect(errorsOf(makeValidIngress((i) => (path0(i).backend = { service: { name: 'web', port: { name: 'HTTP' } } }))).map((p) => p.message)).toEqual([
      'spec.rules[0].http.paths[0].backend.service.port.name: Invalid value: "HTTP": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
      'spec.rules[0].http.paths[0].backend.service.port.name: Invalid value: "HTTP": must contain at least one letter (a-z)',
    ])
  })

  it('a backend with neither a Service nor a resource, or with both', () => {
    expect(errorsOf(makeValidIngress((i) => (path0(i).backend = {}))).map((p) => p.message)).toEqual(['spec.rules[0].http.paths[0].backend: Invalid value: "": resource or service backend is required'])
    expect(errorsOf(makeValidIngress((i) => (path0(i).backend = { service: { name: 'web', port: { number: 80 } }, resource: { kind: 'Bucket', name: 'b' } }))).map((p) => p.message)).toEqual([
      'spec.rules[0].http.paths[0].backend: Invalid value: "": cannot set both resource and service backends',
    ])
  })

  it('an Ingress without rules and without a defaultBackend', () => {
    expect(errorsOf(makeValidIngress((i) => delete (i.spec as Obj).rules))).toMatchObject([
      { path: ['spec'], message: 'spec: Invalid value: []networking.IngressRule(nil): either `defaultBackend` or `rules` must be specified' },
    ])
    expect(errorsOf(makeValidIngress((i) => (i.spec.rules = []))).map((p) => p.message)).toEqual([
      'spec: Invalid value: []networking.IngressRule{}: either `defaultBackend` or `rules` must be specified',
    ])
  })

  it('an http rule without paths', () => {
    expect(errorsOf(makeValidIngress((i) => (i.spec.rules[0].http = {}))).map((p) => p.message)).toEqual(['spec.rules[0].http.paths: Required value'])
  })

  it('a rule host that is not a DNS-1123 subdomain', () => {
    expect(errorsOf(makeValidIngress((i) => (i.spec.rules[0].host = 'Shop.example.com'))).map((p) => p.message)).toEqual([`spec.rules[0].host: Invalid value: "Shop.example.com": ${SUBDOMAIN}`])
  })

  it('a rule host that is an IP address', () => {
    expect(errorsOf(makeValidIngress((i) => (i.spec.rules[0].host = '203.0.113.10')))).toMatchObject([
      { path: ['spec', 'rules', 0, 'host'], message: 'spec.rules[0].host: Invalid value: "203.0.113.10": must be a DNS name, not an IP address' },
    ])
  })

  it.each(['*', '*.foo.*.com', 'f*.foo.com', '*foo.com'])('a wildcard host other than a leading "*." label: %s', (host) => {
    expect(errorsOf(makeValidIngress((i) => (i.spec.rules[0].host = host))).map((p) => p.message)).toEqual([
      `spec.rules[0].host: Invalid value: "${host}": a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    ])
  })

  it('TLS hosts and secret names that are not DNS subdomains', () => {
    const msgs = errorsOf(makeValidIngress((i) => ((i.spec as Obj).tls = [{ hosts: ['shop.example.com', 'Bad_Host'], secretName: 'My_Secret' }]))).map((p) => p.message)
    expect(msgs).toEqual([`spec.tls[0].hosts[1]: Invalid value: "Bad_Host": ${SUBDOMAIN}`, `spec.tls[0].secretName: Invalid value: "My_Secret": ${SUBDOMAIN}`])
  })

  it('an ingressClassName that is not a DNS subdomain', () => {
    expect(errorsOf(makeValidIngress((i) => ((i.spec as Obj).ingressClassName = 'Nginx'))).map((p) => p.message)).toEqual([`spec.ingressClassName: Invalid value: "Nginx": ${SUBDOMAIN}`])
  })

  it('the legacy annotation disagreeing with ingressClassName', () => {
    expect(errorsOf(makeValidIngress((i) => (i.metadata.annotations = { 'kubernetes.io/ingress.class': 'traefik' })))).toMatchObject([
      {
        path: ['metadata', 'annotations', 'kubernetes.io/ingress.class'],
        message: 'annotations.kubernetes.io/ingress.class: Invalid value: "traefik": must match `ingressClassName` when both are specified',
      },
    ])
  })

  it('an IngressClass without a domain-prefixed controller', () => {
    const { all } = problems('apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata: {name: broken}\nspec: {controller: nginx}')
    expect(all.filter((p) => p.severity === 'error')).toMatchObject([
      { kind: 'IngressClass', name: 'broken', path: ['spec', 'controller'], message: 'spec.controller: Invalid value: "nginx": must be a domain-prefixed path (such as "acme.io/foo")' },
    ])
  })

  it('a refused Ingress does not route: it does not exist', () => {
    const { cluster } = problems(makeValidIngress((i) => (path0(i).path = '/a//b')))
    const r = routeIngress(cluster, { host: 'shop.example.com', path: '/', className: 'nginx' })
    if (!r.ok) throw new Error(r.error)
    expect(r.status).toBe(404)
    expect(r.ignored).toEqual([{ ingress: 'default/web', reason: expect.stringContaining('the API server refuses it') }])
  })
})

function warnings(c: Cluster) {
  return validateIngresses(c).filter((p) => p.severity === 'warning')
}

describe('warnings', () => {
  const base = [ingressClass('nginx', { isDefault: true }), service('web', '10.96.0.50', { portName: 'http' }), echoPod()]

  it('none for an Ingress whose backends resolve', () => {
    expect(warnings(scenario(...base, ingress('shop', [['shop.example.com', [['/', 'Prefix', 'web', 80]]]])))).toEqual([])
  })

  it('a backend Service that does not exist', () => {
    expect(warnings(scenario(...base, ingress('shop', [['shop.example.com', [['/', 'Prefix', 'nope', 80]]]])))).toMatchObject([
      { code: 'ingress-backend-not-found', path: [...P, 'backend', 'service', 'name'], message: 'Service "nope" not found in namespace "default"', hint: expect.stringContaining('503') },
    ])
  })

  it('a port number or name the Service does not have', () => {
    const w = warnings(scenario(...base, ingress('shop', [['shop.example.com', [['/a', 'Prefix', 'web', 8080], ['/b', 'Prefix', 'web', 'grpc']]]])))
    expect(w).toMatchObject([
      { code: 'ingress-backend-port', path: [...P, 'backend', 'service', 'port', 'number'], message: 'Service "web" has no port 8080 (its ports: http 80/TCP)' },
      { code: 'ingress-backend-port', path: ['spec', 'rules', 0, 'http', 'paths', 1, 'backend', 'service', 'port', 'name'], message: 'Service "web" has no port named "grpc" (its ports: http 80/TCP)' },
    ])
  })

  it('a class no controller takes, a class-less Ingress, and the deprecated annotation', () => {
    const c = scenario(ingressClass('nginx'), service('web', '10.96.0.50'), ingress('a', [['a.example.com', [['/', 'Prefix', 'web']]]], { className: 'traefik' }), ingress('b', [['b.example.com', [['/', 'Prefix', 'web']]]]), ingress('c', [['c.example.com', [['/', 'Prefix', 'web']]]], { annotations: { 'kubernetes.io/ingress.class': 'nginx' } }))
    expect(warnings(c).map((w) => [w.name, w.code, w.path.join('.')])).toEqual([
      ['a', 'ingress-class-not-found', 'spec.ingressClassName'],
      ['b', 'ingress-no-class', 'spec'],
      ['c', 'ingress-class-annotation', 'metadata.annotations.kubernetes.io/ingress.class'],
    ])
  })

  it('several default IngressClasses: the newest is used', () => {
    const c = scenario(ingressClass('old', { isDefault: true, created: '2026-01-01T00:00:00Z' }), ingressClass('new', { isDefault: true, created: '2026-01-02T00:00:00Z' }))
    expect(warnings(c).map((w) => w.message)).toEqual([
      '2 IngressClasses are marked as default; new Ingresses without a class get the newest, "new"',
      '2 IngressClasses are marked as default; new Ingresses without a class get the newest, "new"',
    ])
  })

  it('the same host and path in two Ingresses of a class', () => {
    const c = scenario(...base, ingress('first', [['shop.example.com', [['/api', 'Prefix', 'web']]]], { created: '2026-01-10T00:00:00Z' }), ingress('second', [['shop.example.com', [['/api', 'ImplementationSpecific', 'web']]]], { created: '2026-01-11T00:00:00Z' }))
    expect(warnings(c)).toMatchObject([{ name: 'second', code: 'ingress-path-conflict', path: [...P, 'path'], message: 'host "shop.example.com" and path "/api" is already defined in ingress default/first' }])
  })

  it('Prefix /a and /a/ for one host, which nginx would get as one location twice', () => {
    const c = scenario(...base, ingress('shop', [['shop.example.com', [['/a', 'Prefix', 'web'], ['/a/', 'Prefix', 'web']]]]))
    expect(warnings(c)).toMatchObject([{ code: 'ingress-nginx-duplicate-location', path: ['spec', 'rules', 0, 'http', 'paths', 1, 'path'] }])
  })

  it('TLS hosts without a rule, and rule hosts outside a TLS section', () => {
    const c = scenario(...base, ingress('shop', [['shop.example.com', [['/', 'Prefix', 'web']]]], { tls: [{ hosts: ['www.example.com'], secretName: 'www-tls' }] }))
    expect(warnings(c).map((w) => [w.code, w.path.join('.')])).toEqual([
      ['ingress-tls-host', 'spec.rules.0.host'],
      ['ingress-tls-host', 'spec.tls.0.hosts.0'],
    ])
  })

  it("paths ingress-nginx's strict path validation refuses for Exact and Prefix", () => {
    const c = scenario(...base, ingress('shop', [['shop.example.com', [['/api/(.*)', 'Prefix', 'web'], ['/v1/(.*)', 'ImplementationSpecific', 'web']]]]))
    expect(warnings(c)).toMatchObject([{ code: 'ingress-nginx-path', message: "ingress-nginx's admission webhook refuses this path: path /api/(.*) cannot be used with pathType Prefix" }])
  })
})

describe("diagnostics in the reader's text", () => {
  it('places every problem at its field once the check is registered with the build', () => {
    registerCheck(validateIngresses)
    const text = [
      ingressClass('nginx', { isDefault: true }),
      service('web', '10.96.0.50'),
      `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: refused}
spec:
  rules:
  - host: shop.example.com
    http:
      paths:
      - path: /api
        backend: {service: {name: web, port: {number: 80}}}`,
      `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: accepted}
spec:
  rules:
  - host: shop.example.com
    http:
      paths:
      - path: /web
        pathType: Prefix
        backend:
          service:
            name: nope
            port: {number: 80}`,
    ].join('\n---\n')
    const { diagnostics } = loadScenario(text)
    const at = (s: string) => {
      const lines = text.split('\n')
      const i = lines.findIndex((l) => l.includes(s))
      return { line: i + 1, column: lines[i].indexOf(s) + 1 }
    }
    // the same check may also be registered by engine/checks.ts: compare each problem once
    const seen = new Set<string>()
    const unique = diagnostics.filter((d) => d.object?.startsWith('Ingress/') && !seen.has(`${d.code} ${d.object} ${d.field}`) && seen.add(`${d.code} ${d.object} ${d.field}`))
    expect(unique).toMatchObject([
      { severity: 'error', code: 'required', object: 'Ingress/default/refused', field: 'spec.rules[0].http.paths[0].pathType', line: at('path: /api').line },
      { severity: 'warning', code: 'ingress-backend-not-found', object: 'Ingress/default/accepted', field: 'spec.rules[0].http.paths[0].backend.service.name', ...at('nope') },
    ])
  })
})

describe('warnings across classes of one controller', () => {
  it('are reported once, though both classes merge the same Ingresses', () => {
    const c = scenario(
      ingressClass('nginx', { isDefault: true }),
      ingressClass('nginx-extra'),
      service('web', '10.96.0.50'),
      ingress('first', [['shop.example.com', [['/api', 'Prefix', 'web']]]], { className: 'nginx', created: '2026-01-10T00:00:00Z' }),
      ingress('second', [['shop.example.com', [['/api', 'Prefix', 'web']]]], { className: 'nginx-extra', created: '2026-01-11T00:00:00Z' }),
    )
    expect(warnings(c).map((w) => `${w.name} ${w.code}`)).toEqual(['second ingress-path-conflict'])
  })
})
