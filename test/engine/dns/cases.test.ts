/**
 * The shared DNS acceptance cases (test/fixtures/cases/dns), one describe per
 * case. A `dns` check is the name as the application types it, resolved from
 * the Pod through its image's resolver (the cases use jessie-dnsutils, glibc),
 * so search-list expansion applies; the expected answers are order-free.
 */
import { describe, expect, it } from 'vitest'
import { resolveName } from '../../../engine/dns/index.ts'
import type { DnsCheck } from './helpers.ts'
import { loadCase, pod, readCases } from './helpers.ts'

describe('dns acceptance cases', () => {
  for (const c of readCases('dns')) {
    describe(`${c.file}: ${c.name}`, () => {
      const { cluster, errors } = loadCase(c)
      // reverse-ptr's Service range is 192.168.1.0/24 (CoreDNS's reverse_test): the default
      // nodes move to another LAN instead of colliding with it
      it('loads without errors', () => {
        expect(errors).toEqual([])
      })
      c.checks.forEach((raw, i) => {
        if (!('dns' in raw)) return
        const ch = raw as DnsCheck
        it(`#${i} ${ch.dns.from}: ${ch.dns.type} ${ch.dns.name} → ${ch.expect.rcode} ${JSON.stringify(ch.expect.answers)}`, () => {
          const r = resolveName(cluster, { kind: 'pod', pod: pod(cluster, ch.dns.from) }, ch.dns.name, ch.dns.type)
          expect(r.rcode, `tried ${r.tried.join(', ')}`).toBe(ch.expect.rcode)
          expect(r.answers.map((a) => a.data).sort()).toEqual([...ch.expect.answers].sort())
        })
      })
    })
  }
})
