/**
 * engine/dns/kubeadm-corefile.ts builds what parseCorefile reads from kubeadm's default
 * Corefile without running the parser (issue 20): the two must be the same value for every
 * domain it takes, and it must decline the domains the parser would read otherwise.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { kubeadmCorefile, parseCorefile } from '../../../engine/dns/corefile.ts'
import { kubeadmCorefileParsed } from '../../../engine/dns/kubeadm-corefile.ts'

describe('kubeadm Corefile, built directly', () => {
  it('is what the parser reads from the text, for the usual domains', () => {
    for (const d of ['cluster.local', 'example.com', 'k8s.internal', 'a', 'corp-1.example.org', 'x9', 'svc.cluster.local']) {
      expect(kubeadmCorefileParsed(d), d).toStrictEqual(parseCorefile(kubeadmCorefile(d)))
    }
  })

  it('is what the parser reads from the text, for any domain it takes', () => {
    const label = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,8}[a-z0-9])?$/)
    fc.assert(
      fc.property(fc.array(label, { minLength: 1, maxLength: 4 }), (labels) => {
        const d = labels.join('.')
        const built = kubeadmCorefileParsed(d)
        return built === undefined || JSON.stringify(built) === JSON.stringify(parseCorefile(kubeadmCorefile(d)))
      }),
      { numRuns: 300 },
    )
  })

  it('declines domains the parser reads differently (case, reverse zones, odd characters)', () => {
    for (const d of ['Cluster.Local', 'in-addr.arpa', '10.in-addr.arpa', 'ip6.arpa', 'arpa', 'a..b', 'a b', '', 'cluster.local.', '-a.b']) {
      expect(kubeadmCorefileParsed(d), d).toBeUndefined()
    }
  })
})
