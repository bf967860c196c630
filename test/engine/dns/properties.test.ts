/**
 * Properties of cluster DNS on random clusters: every ClusterIP Service name
 * resolves to its ClusterIP from any namespace with the FQDN (and from its own
 * namespace with the bare name), PTR inverts it, a name that is no Service is
 * NXDOMAIN, the walk never sends more than search+1 queries, and answers are
 * the same every time and on every rebuild.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { loadScenario } from '../../../engine/index.ts'
import type { Cluster } from '../../../engine/index.ts'
import { resolveName } from '../../../engine/dns/index.ts'
import type { RRType } from '../../../engine/dns/index.ts'

const NAMESPACES = ['default', 'alpha', 'beta', 'gamma-1']

const arbCluster = fc
  .record({
    domain: fc.constantFrom('cluster.local', 'k8s.internal', 'corp.example'),
    services: fc.uniqueArray(
      fc.record({
        name: fc.stringMatching(/^[a-z]([a-z0-9-]{0,10}[a-z0-9])?$/),
        ns: fc.constantFrom(...NAMESPACES),
        headless: fc.boolean(),
        ports: fc.uniqueArray(fc.record({ name: fc.constantFrom('http', 'grpc', 'metrics', 'dns'), port: fc.integer({ min: 1, max: 65535 }), protocol: fc.constantFrom('TCP', 'UDP') }), { minLength: 1, maxLength: 3, selector: (p) => p.name }),
      }),
      { maxLength: 8, selector: (s) => `${s.ns}/${s.name}` },
    ),
    clients: fc.subarray(NAMESPACES, { minLength: 1 }),
    image: fc.constantFrom('debian:12', 'alpine:3.20', 'busybox:1.36'),
  })
  .map(({ domain, services, clients, image }) => {
    const docs = [`apiVersion: knet/v1alpha1\nkind: Cluster\nspec: {clusterDomain: ${domain}}`]
    for (const ns of NAMESPACES.slice(1)) docs.push(`apiVersion: v1\nkind: Namespace\nmetadata: {name: ${ns}}`)
    for (const s of services) {
      // the API server refuses two ports with the same number and protocol
      s.ports = s.ports.filter((p, i) => s.ports.findIndex((q) => q.port === p.port && q.protocol === p.protocol) === i)
      const ports = s.ports.map((p) => `{name: ${p.name}, port: ${p.port}, protocol: ${p.protocol}}`).join(', ')
      docs.push(`apiVersion: v1\nkind: Service\nmetadata: {name: ${s.name}, namespace: ${s.ns}}\nspec:\n${s.headless ? '  clusterIP: None\n' : ''}  selector: {app: ${s.name}}\n  ports: [${ports}]`)
    }
    for (const ns of clients) docs.push(`apiVersion: v1\nkind: Pod\nmetadata: {name: client, namespace: ${ns}}\nspec: {containers: [{name: c, image: "${image}"}]}`)
    return { text: docs.join('\n---\n'), domain, clients }
  })

function build(text: string): Cluster {
  const { cluster, diagnostics } = loadScenario(text)
  const errors = diagnostics.filter((d) => d.severity === 'error')
  if (errors.length) throw new Error(errors.map((d) => d.message).join('\n'))
  return cluster
}

const fromPod = (c: Cluster, ns: string, name: string, type: RRType = 'A') => resolveName(c, { kind: 'pod', pod: c.index.pod.get(`${ns}/client`)! }, name, type)

describe('cluster DNS properties', () => {
  it('every ClusterIP Service resolves to its ClusterIP from every namespace with the FQDN, and by its bare name at home', () => {
    fc.assert(
      fc.property(arbCluster, ({ text, domain, clients }) => {
        const c = build(text)
        for (const s of c.services.filter((x) => !x.headless && x.type !== 'ExternalName')) {
          const v4 = s.clusterIPs.filter((ip) => ip.includes('.'))
          for (const ns of clients) {
            const r = fromPod(c, ns, `${s.meta.name}.${s.meta.namespace}.svc.${domain}.`)
            expect(r.rcode).toBe('NOERROR')
            expect(r.answers.map((a) => a.data)).toEqual(v4)
            expect(r.answers.every((a) => a.ttl === 30)).toBe(true)
          }
          if (clients.includes(s.meta.namespace)) {
            expect(fromPod(c, s.meta.namespace, s.meta.name).answers.map((a) => a.data)).toEqual(v4)
          }
        }
      }),
      { numRuns: 25 },
    )
  })

  it('PTR of a ClusterIP is the Service FQDN, and a Service\'s named ports each answer SRV', () => {
    fc.assert(
      fc.property(arbCluster, ({ text, domain, clients }) => {
        const c = build(text)
        const ns = clients[0]
        for (const s of c.services.filter((x) => !x.headless && !x.system)) {
          const ip = s.clusterIPs[0]
          const ptr = fromPod(c, ns, `${ip.split('.').reverse().join('.')}.in-addr.arpa.`, 'PTR')
          expect(ptr.answers.map((a) => a.data)).toEqual([`${s.meta.name}.${s.meta.namespace}.svc.${domain}.`])
          for (const p of s.ports) {
            const srv = fromPod(c, ns, `_${p.name}._${p.protocol.toLowerCase()}.${s.meta.name}.${s.meta.namespace}.svc.${domain}.`, 'SRV')
            expect(srv.answers.map((a) => a.data)).toEqual([`0 100 ${p.port} ${s.meta.name}.${s.meta.namespace}.svc.${domain}.`])
          }
        }
      }),
      { numRuns: 20 },
    )
  })

  it('a name that is not a Service is NXDOMAIN, after at most search+1 queries', () => {
    fc.assert(
      fc.property(arbCluster, fc.stringMatching(/^[a-z][a-z0-9]{0,8}$/), ({ text, clients }, label) => {
        const c = build(text)
        const ns = clients[0]
        fc.pre(!c.services.some((s) => s.meta.name === label))
        fc.pre(!NAMESPACES.includes(label) && label !== 'svc' && label !== 'pod')
        const r = fromPod(c, ns, label)
        expect(r.rcode).toBe('NXDOMAIN')
        expect(r.tried.length).toBeLessThanOrEqual(4)
        expect(r.tried[0]).toBe(`${label}.${ns}.svc.${c.config.clusterDomain}.`)
      }),
      { numRuns: 25 },
    )
  })

  it('lookups are deterministic: the same answer twice, and on a rebuilt cluster', () => {
    fc.assert(
      fc.property(arbCluster, fc.constantFrom<RRType>('A', 'AAAA', 'SRV', 'TXT', 'PTR'), ({ text, clients }, type) => {
        const a = build(text)
        const b = build(text)
        const names = ['kubernetes.default', 'kube-dns.kube-system.svc', `dns-version.${a.config.clusterDomain}.`, 'nosuch', '1.0.96.10.in-addr.arpa.', ...a.services.map((s) => `${s.meta.name}.${s.meta.namespace}`)]
        for (const n of names) {
          const first = fromPod(a, clients[0], n, type)
          expect(fromPod(a, clients[0], n, type)).toEqual(first)
          expect(fromPod(b, clients[0], n, type)).toEqual(first)
        }
      }),
      { numRuns: 15 },
    )
  })
})
