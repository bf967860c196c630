/**
 * Path and host matching: the rules of the Ingress API, their edges, and
 * fast-check properties over whole Ingresses routed end to end.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { loadScenario, runCommand } from '../../../engine/index.ts'
import { compareMatches, hostMatches, matchesPath, matchLength, normaliseHost, normaliseRequestPath, routeIngress, validateIngresses } from '../../../engine/ingress/index.ts'
import type { MatchType } from '../../../engine/ingress/index.ts'
import { ingress, ingressClass, scenario } from './helpers.ts'

describe('Prefix matching is element-wise', () => {
  it.each([
    ['/foo', '/foo', true],
    ['/foo', '/foo/', true],
    ['/foo', '/foo/bar', true],
    ['/foo', '/foobar', false],
    ['/foo/bar', '/foo/bar/baz', true],
    ['/foo/bar', '/foo/barbaz', false],
    ['/foo/', '/foo', true],
    ['/aaa/bb', '/aaa/bbb', false],
    ['/', '/anything/at/all', true],
    ['/foo', '/FOO', false],
  ])('Prefix %s vs %s → %s', (path, req, want) => {
    expect(matchesPath('Prefix', path, req)).toBe(want)
  })
})

describe('Exact matching is character for character', () => {
  it.each([
    ['/foo', '/foo', true],
    ['/foo', '/foo/', false],
    ['/foo/', '/foo', false],
    ['/foo', '/FOO', false],
  ])('Exact %s vs %s → %s', (path, req, want) => {
    expect(matchesPath('Exact', path, req)).toBe(want)
  })
})

describe('ranking', () => {
  it('a longer path wins, and Exact beats Prefix at equal length', () => {
    expect(compareMatches({ type: 'Prefix', path: '/aaa/bbb' }, { type: 'Prefix', path: '/aaa' })).toBeLessThan(0)
    expect(compareMatches({ type: 'Exact', path: '/foo' }, { type: 'Prefix', path: '/foo' })).toBeLessThan(0)
    expect(compareMatches({ type: 'Prefix', path: '/foo' }, { type: 'Exact', path: '/foo' })).toBeGreaterThan(0)
  })
  it('a Prefix path ranks without its trailing slash', () => {
    expect(matchLength('Prefix', '/foo/')).toBe(matchLength('Prefix', '/foo'))
    expect(matchLength('Prefix', '/')).toBe(1)
    expect(matchLength('Exact', '/foo/')).toBe(5)
  })
})

describe('the request path nginx matches', () => {
  it.each([
    ['/foo?x=1', '/foo'],
    ['/foo#frag', '/foo'],
    ['', '/'],
    ['//foo///bar', '/foo/bar'],
    ['/foo/./bar', '/foo/bar'],
    ['/foo/../bar', '/bar'],
    ['/foo/bar/..', '/foo/'],
    ['/foo%2Fbar', '/foo/bar'],
    ['/caf%C3%A9', '/café'],
    ['/bad%zz', '/bad%zz'],
  ])('%s → %s', (raw, want) => {
    expect(normaliseRequestPath(raw)).toEqual({ path: want })
  })
  it('refuses a path above the root and a relative path', () => {
    expect(normaliseRequestPath('/../etc')).toEqual({ error: expect.stringContaining('400 Bad Request') })
    expect(normaliseRequestPath('foo')).toEqual({ error: expect.stringContaining('must start with "/"') })
  })
  it('normalising twice changes nothing', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'b', '.', '..', '', '%2F', 'c%20d'), { maxLength: 8 }), (segs) => {
        const once = normaliseRequestPath(`/${segs.join('/')}`)
        if ('error' in once) return true
        expect(normaliseRequestPath(once.path)).toEqual(once)
        return true
      }),
    )
  })
})

describe('hosts', () => {
  it.each([
    ['*.foo.com', 'bar.foo.com', true],
    ['*.foo.com', 'baz.bar.foo.com', false],
    ['*.foo.com', 'foo.com', false],
    ['foo.bar.com', 'foo.bar.com', true],
    ['foo.bar.com', 'bar.com', false],
    ['', 'anything.example', true],
  ])('rule host %s vs Host %s → %s', (rule, host, want) => {
    expect(hostMatches(rule, host)).toBe(want)
  })
  it('compares the Host header as nginx does: lowercase, without port or trailing dot', () => {
    expect(normaliseHost('Foo.Bar.COM:8080')).toBe('foo.bar.com')
    expect(normaliseHost('foo.bar.com.')).toBe('foo.bar.com')
    expect(normaliseHost('[2001:db8::1]:443')).toBe('[2001:db8::1]')
  })
  it('a wildcard matches exactly one extra label, whatever the labels', () => {
    const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?$/)
    fc.assert(
      fc.property(fc.array(label, { minLength: 1, maxLength: 3 }), fc.array(label, { maxLength: 3 }), (suffix, extra) => {
        const host = [...extra, ...suffix].join('.')
        expect(hostMatches(`*.${suffix.join('.')}`, host)).toBe(extra.length === 1)
      }),
    )
  })
})

/** Paths from a tiny alphabet, so that generated paths and requests often share elements. */
const segment = fc.constantFrom('a', 'b', 'ab', 'aa')
const pathArb = fc.tuple(fc.array(segment, { minLength: 0, maxLength: 3 }), fc.boolean()).map(([segs, slash]) => (segs.length ? `/${segs.join('/')}${slash ? '/' : ''}` : '/'))
const typeArb = fc.constantFrom('Exact', 'Prefix', 'ImplementationSpecific')
const pathsArb = fc.uniqueArray(fc.tuple(pathArb, typeArb), {
  minLength: 1,
  maxLength: 6,
  // ingress-nginx reads ImplementationSpecific as Prefix, and writes Prefix /a and /a/ both as
  // `location /a/`, which nginx refuses as a duplicate: keep one entry per effective location
  selector: ([p, t]) => (t === 'Exact' ? `= ${p}` : `prefix ${p.replace(/\/+$/, '')}/`),
})
const requestArb = fc.tuple(fc.array(segment, { minLength: 0, maxLength: 4 }), fc.boolean()).map(([segs, slash]) => `/${segs.join('/')}${slash && segs.length ? '/' : ''}`)

describe('properties of the chosen path (whole Ingresses, routed end to end)', () => {
  it('the chosen path always matches the request, and no matching path is longer', () => {
    fc.assert(
      fc.property(pathsArb, requestArb, fc.boolean(), (paths, request, withHost) => {
        const host = withHost ? 'shop.example.com' : ''
        const cluster = scenario(
          ingressClass('nginx', { isDefault: true }),
          ingress('gen', [[host, paths.map(([p, t], i) => [p, t, `svc-${i}`] as [string, string, string])]]),
        )
        const r = routeIngress(cluster, { host: 'shop.example.com', path: request })
        if (!r.ok) throw new Error(r.error)
        const eff = (t: string): MatchType => (t === 'Exact' ? 'Exact' : 'Prefix')
        const matching = paths.filter(([p, t]) => matchesPath(eff(t), p, request))
        if (r.location.source !== 'path') {
          // nothing matched: the root location answered with the default backend
          expect(matching).toEqual([])
          expect(r.status).toBe(404)
          return
        }
        expect(matchesPath(r.location.type, r.location.path, request)).toBe(true)
        const won = matchLength(r.location.type, r.location.path)
        for (const [p, t] of matching) {
          expect(matchLength(eff(t), p)).toBeLessThanOrEqual(won)
          // at equal length an Exact path is never passed over for a Prefix one
          if (matchLength(eff(t), p) === won && eff(t) === 'Exact') expect(r.location.type).toBe('Exact')
        }
      }),
      { numRuns: 150 },
    )
  })

  it('listing the paths in another order never changes the answer', () => {
    fc.assert(
      fc.property(pathsArb, requestArb, (paths, request) => {
        const route = (list: typeof paths) => {
          const c = scenario(ingressClass('nginx', { isDefault: true }), ingress('gen', [['', list.map(([p, t]) => [p, t, `svc-${p.replace(/\W/g, 'x')}-${t[0].toLowerCase()}`] as [string, string, string])]]))
          const r = routeIngress(c, { host: 'any.example', path: request })
          if (!r.ok) throw new Error(r.error)
          return r.backend?.serviceName ?? '404'
        }
        expect(route([...paths].reverse())).toBe(route(paths))
      }),
      { numRuns: 60 },
    )
  })
})

describe('robustness', () => {
  it('any JSON in an Ingress or IngressClass spec: validation, routing and describe never throw', () => {
    const json = fc.jsonValue({ maxDepth: 4 })
    const pathish = fc.record({ path: fc.oneof(fc.string(), json), pathType: fc.oneof(fc.constantFrom('Exact', 'Prefix', 'ImplementationSpecific'), json), backend: fc.oneof(json, fc.record({ service: fc.record({ name: fc.oneof(fc.constant('web'), json), port: fc.oneof(json, fc.record({ number: fc.oneof(fc.integer(), json), name: fc.oneof(fc.string(), json) })) }) })) })
    const spec = fc.record(
      {
        ingressClassName: fc.oneof(fc.constant('nginx'), json),
        defaultBackend: json,
        tls: fc.oneof(json, fc.array(fc.record({ hosts: fc.oneof(fc.array(fc.string()), json), secretName: fc.oneof(fc.string(), json) }))),
        rules: fc.oneof(json, fc.array(fc.record({ host: fc.oneof(fc.constantFrom('a.example.com', '*.example.com', ''), fc.string(), json), http: fc.oneof(json, fc.record({ paths: fc.oneof(json, fc.array(pathish, { maxLength: 4 })) })) }), { maxLength: 3 })),
      },
      { requiredKeys: [] },
    )
    fc.assert(
      fc.property(spec, json, fc.string(), fc.string(), (s, classSpec, host, path) => {
        const { cluster } = loadScenario(
          [
            JSON.stringify({ apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: 'nginx', annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } }, spec: classSpec }),
            JSON.stringify({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'fuzz' }, spec: s }),
          ].join('\n---\n'),
        )
        validateIngresses(cluster)
        routeIngress(cluster, { host: host || 'x', path: `/${path}` })
        runCommand(cluster, 'kubectl describe ingress fuzz')
        runCommand(cluster, 'ingress servers')
      }),
      { numRuns: 150 },
    )
  })
})
