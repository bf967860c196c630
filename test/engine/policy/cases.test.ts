/**
 * The shared acceptance cases (test/fixtures/cases/netpol and anp), one
 * describe per case. A `reach` check gives the policy verdict (the cases'
 * README: "reach ... pod-to-pod, policy verdict"), so it is compared with
 * `allowed`; the cases leave `cluster.cni` at the default (flannel), on which
 * the same verdicts are stored but not enforced, and that is checked too.
 */
import { describe, expect, it } from 'vitest'
import { enforcementFor } from '../../../engine/policy/index.ts'
import type { CniName } from '../../../engine/index.ts'
import { loadCase, reach, readCases } from './helpers.ts'
import type { ReachCheck } from './helpers.ts'

/** Checks this suite does not run, with the reason (none today: every case here is a reach case). */
const SKIP: Record<string, string> = {}

for (const folder of ['netpol', 'anp']) {
  describe(folder, () => {
    for (const c of readCases(folder)) {
      describe(`${c.file}: ${c.name}`, () => {
        const { cluster, errors } = loadCase(c)
        it('loads without errors', () => {
          expect(errors).toEqual([])
        })
        const cni = ((c.cluster?.cni as string | undefined) ?? 'flannel') as CniName
        c.checks.forEach((raw, i) => {
          if (!('reach' in raw)) return
          const ch = raw as ReachCheck
          const r = ch.reach
          const title = `#${i} ${r.from} → ${r.to ?? r.toIP}:${r.port}/${r.protocol ?? 'TCP'} is ${ch.expect}ed`
          const skip = SKIP[`${c.file}#${i}`]
          ;(skip ? it.skip : it)(title, () => {
            const v = reach(cluster, r)
            if ('error' in v) throw new Error(v.error)
            expect(v.allowed, v.explanation).toBe(ch.expect === 'allow')
            expect(v.enforced).toBe(enforcementFor(cni).networkPolicy)
            // the policy decision only reaches the wire where the CNI applies it
            if (!enforcementFor(cni).networkPolicy && !enforcementFor(cni).adminNetworkPolicy) expect(v.effective).toBe(true)
          })
        })
      })
    }
  })
}
