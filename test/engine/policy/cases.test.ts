/**
 * The shared acceptance cases (test/fixtures/cases/netpol, anp and cnp), one
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

for (const folder of ['netpol', 'anp', 'cnp']) {
  describe(folder, () => {
    for (const c of readCases(folder)) {
      describe(`${c.file}: ${c.name}`, () => {
        const { cluster, errors } = loadCase(c)
        it('loads without errors', () => {
          expect(errors).toEqual([])
        })
        const cni = ((c.cluster?.cni as string | undefined) ?? 'flannel') as CniName
        c.checks.forEach((raw, i) => {
          // every check in these folders is a reach check; anything else would fail here rather than pass unseen
          if (!('reach' in raw)) throw new Error(`${c.file} check #${i}: only reach checks are expected in ${folder}/`)
          const ch = raw as ReachCheck
          const r = ch.reach
          const title = `#${i} ${r.from} → ${r.to ?? r.toIP}:${r.port}/${r.protocol ?? 'TCP'} is ${ch.expect}ed`
          it(title, () => {
            const v = reach(cluster, r)
            if ('error' in v) throw new Error(v.error)
            expect(v.allowed, v.explanation).toBe(ch.expect === 'allow')
            expect(v.enforced).toBe(enforcementFor(cni).networkPolicy)
            // the policy decision only reaches the wire where the CNI applies it
            if (!enforcementFor(cni).networkPolicy && !enforcementFor(cni).adminNetworkPolicy && !enforcementFor(cni).clusterNetworkPolicy) expect(v.effective).toBe(true)
          })
        })
        it('on calico (which enforces every tier) each verdict is what happens on the wire', () => {
          const { cluster: enforced } = loadCase({ ...c, cluster: { ...c.cluster, cni: 'calico' } })
          const wrong = (c.checks as ReachCheck[]).filter((ch) => {
            const v = reach(enforced, ch.reach)
            return 'error' in v || v.effective !== (ch.expect === 'allow')
          })
          expect(wrong).toEqual([])
        })
      })
    }
  })
}
