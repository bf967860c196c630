/**
 * Property: on random clusters and policies (NetworkPolicy, AdminNetworkPolicy,
 * BaselineAdminNetworkPolicy, ClusterNetworkPolicy of both tiers, any CNI), every cell of the matrix equals the
 * pairwise `policy check` verdict, per direction and on the wire. The matrix
 * groups Pods into classes and evaluates rows of bits, so this holds the
 * grouping and the fast path to the reference evaluation.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { computeMatrix, evaluateConnection } from '../../../engine/policy/index.ts'
import { build, declared, world } from './world.ts'

describe('the matrix equals pairwise policy check', () => {
  it('for every Pod pair, direction and enforcement', () => {
    fc.assert(
      fc.property(world, (w) => {
        const cluster = build(w)
        const m = computeMatrix(cluster, { group: 'pods', allNamespaces: true, ...(w.port ? { port: w.port[0], protocol: w.port[1] } : {}) })
        const pods = m.rows.map((r) => cluster.index.pod.get(r.pods[0])!)
        for (let i = 0; i < pods.length; i++) {
          for (let j = 0; j < pods.length; j++) {
            if (i === j) {
              expect(m.combined[i][j]).toBe('#')
              continue
            }
            const [port, protocol] = w.port ?? declared(pods[j])
            const v = evaluateConnection(cluster, { srcPod: pods[i], dstPod: pods[j], port, protocol })
            if ('error' in v) throw new Error(v.error)
            const where = `${m.rows[i].label} → ${m.rows[j].label}:${port}/${protocol}`
            expect(m.combined[i][j], where).toBe(v.allowed ? '.' : 'X')
            expect(m.egress[i][j], where).toBe(v.egress.allowed ? '.' : 'X')
            expect(m.ingress[i][j], where).toBe(v.ingress.allowed ? '.' : 'X')
            expect((m.effective ?? m.combined)[i][j], where).toBe(v.effective ? '.' : 'X')
          }
        }
      }),
      { numRuns: 60, seed: 20260115 },
    )
  }, 60_000)

  it('a grouped row stands for every Pod in it', () => {
    fc.assert(
      fc.property(world, (w) => {
        const cluster = build(w)
        const m = computeMatrix(cluster, { group: 'workloads', port: 80 })
        m.rows.forEach((r, i) =>
          m.rows.forEach((h, j) => {
            for (const a of r.pods) {
              for (const b of h.pods) {
                if (a === b) continue
                const v = evaluateConnection(cluster, { srcPod: cluster.index.pod.get(a)!, dstPod: cluster.index.pod.get(b)!, port: 80 })
                if ('error' in v) throw new Error(v.error)
                expect(m.combined[i][j], `${a} → ${b}`).toBe(v.allowed ? '.' : 'X')
              }
            }
          }),
        )
      }),
      { numRuns: 40, seed: 7 },
    )
  }, 60_000)
})
