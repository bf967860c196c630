/**
 * The dataplane acceptance cases (test/fixtures/cases/dataplane), one describe
 * per case:
 * - iptables: every expected line is in the node's iptables-save output,
 *   compared rule by rule in canonical form (see helpers.canonical);
 * - ipvs: every expected line is a line of `ipvsadm -Ln` on the node
 *   (ipvsadm pads its last column; the expected lines are right-trimmed);
 * - endpoints: the ready "IP:port" pairs of the Service's EndpointSlices.
 */
import { describe, expect, it } from 'vitest'
import { canonical, loadCase, readCases, run } from './helpers.ts'

interface IptablesCheck { iptables: { node: string }; expectContains: string[] }
interface IpvsCheck { ipvs: { node: string }; expectContains: string[] }
interface EndpointsCheck { endpoints: { service: string }; expect: string[] }

describe('dataplane acceptance cases', () => {
  for (const c of readCases()) {
    describe(`${c.file}: ${c.name}`, () => {
      const { cluster, errors } = loadCase(c)
      it('loads without errors', () => {
        expect(errors).toEqual([])
      })
      c.checks.forEach((raw, i) => {
        if ('iptables' in raw) {
          const ch = raw as unknown as IptablesCheck
          it(`#${i} iptables on ${ch.iptables.node}: ${ch.expectContains.length} rules`, () => {
            const saved = run(cluster, `ssh ${ch.iptables.node} iptables-save`).split('\n').filter((l) => l.startsWith('-A') || l.startsWith(':'))
            const have = new Set(saved.map(canonical))
            const missing = ch.expectContains.filter((l) => !have.has(canonical(l)))
            expect(missing.map(canonical)).toEqual([])
          })
        } else if ('ipvs' in raw) {
          const ch = raw as unknown as IpvsCheck
          it(`#${i} ipvsadm -Ln on ${ch.ipvs.node}`, () => {
            const lines = run(cluster, `ssh ${ch.ipvs.node} ipvsadm -Ln`).split('\n').map((l) => l.trimEnd())
            for (const want of ch.expectContains) expect(lines).toContain(want)
          })
        } else if ('endpoints' in raw) {
          const ch = raw as unknown as EndpointsCheck
          it(`#${i} ready endpoints of ${ch.endpoints.service}`, () => {
            const [ns, name] = ch.endpoints.service.split('/')
            const slices = cluster.index.slicesByService.get(`${ns}/${name}`) ?? []
            const ready = slices.flatMap((s) => s.endpoints.filter((e) => e.conditions.ready).flatMap((e) => s.ports.map((p) => `${e.addresses[0]}:${p.port}`)))
            expect(ready.sort()).toEqual([...ch.expect].sort())
          })
        } else throw new Error(`unknown check ${JSON.stringify(raw)}`)
      })
    })
  }
})
