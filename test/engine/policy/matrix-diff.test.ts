/**
 * The comparison of two matrices (engine/policy/matrix-diff.ts) and
 * `policy matrix --diff`: a scenario against itself changes nothing, and on
 * random pairs of worlds every changed Pod pair is reported on the cell that
 * holds it, with the verdicts before and after.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { loadScenario } from '../../../engine/index.ts'
import { computeMatrix, diffMatrices, diffSummary } from '../../../engine/policy/index.ts'
import { policyMatrixDiff } from '../../../engine/policy/matrix-diff-command.ts'
import { matrixDiagram } from '../../../engine/diagram/matrix.ts'
import { build, world } from './world.ts'
import { netpol, ns, pod, scenario } from './helpers.ts'

describe('diffMatrices', () => {
  it('a scenario compared with itself has no changes', () => {
    fc.assert(
      fc.property(world, (w) => {
        const m = computeMatrix(build(w), { port: 80 })
        const d = diffMatrices(m, computeMatrix(build(w), { port: 80 }))
        expect(d).toEqual({ cells: [], opened: 0, closed: 0, pairs: 0, added: [], removed: [], portChanged: [] })
      }),
      { numRuns: 40, seed: 11 },
    )
  }, 60_000)

  it('reports exactly the Pod pairs whose verdict changed, on the cells of the new matrix', () => {
    fc.assert(
      fc.property(world, world, (a, b) => {
        // same Pods, the policies of another world
        const before = build(a)
        const after = build({ ...b, pods: a.pods, deployments: a.deployments, teams: a.teams, cni: a.cni, port: a.port })
        const mb = computeMatrix(before, { port: 80 })
        const ma = computeMatrix(after, { port: 80 })
        const d = diffMatrices(mb, ma)
        const verdict = (m: typeof ma, p: string, q: string) => {
          const i = m.rows.findIndex((r) => r.pods.includes(p))
          const j = m.rows.findIndex((r) => r.pods.includes(q))
          return m.combined[i][j]
        }
        let pairs = 0
        const cells = new Set<string>()
        for (const r of ma.rows) for (const p of r.pods) for (const h of ma.rows) for (const q of h.pods) {
          if (p === q || verdict(ma, p, q) === verdict(mb, p, q)) continue
          pairs++
          cells.add(`${ma.rows.indexOf(r)},${ma.rows.indexOf(h)}`)
        }
        expect(d.pairs).toBe(pairs)
        expect(new Set(d.cells.map((c) => `${c.row},${c.col}`))).toEqual(cells)
        for (const c of d.cells) expect(c.after).toBe(ma.combined[c.row][c.col] === '.' ? 'allow' : 'deny')
        expect(d.opened + d.closed).toBe(d.cells.length)
      }),
      { numRuns: 40, seed: 12 },
    )
  }, 60_000)

  it('names Pods that came or went', () => {
    const before = scenario(undefined, ns('a'), pod('a', 'x', { app: 'x' }, { ip: '10.244.1.5' }), pod('a', 'y', {}, { ip: '10.244.1.6' }))
    const after = scenario(undefined, ns('a'), pod('a', 'x', { app: 'x' }, { ip: '10.244.1.5' }), pod('a', 'z', {}, { ip: '10.244.1.7' }))
    const d = diffMatrices(computeMatrix(before), computeMatrix(after))
    expect(d.added).toEqual(['a/z'])
    expect(d.removed).toEqual(['a/y'])
    expect(diffSummary(d)).toBe('No verdict changed. New: a/z. Gone: a/y.')
  })
})

describe('policy matrix --diff and the diagram', () => {
  const docs = [ns('shop'), pod('shop', 'web', { app: 'web' }, { ip: '10.244.1.5', ports: [[80]] }), pod('shop', 'db', { app: 'db' }, { ip: '10.244.1.6', ports: [[5432]] })]
  const open = scenario({ cni: 'calico' }, ...docs)
  const lockedText = [...docs, netpol('shop', 'db-only-web', 'podSelector: {matchLabels: {app: db}}\ningress: [{from: [{podSelector: {matchLabels: {app: nothing}}}]}]')].join('\n---\n')
  const locked = loadScenario(`apiVersion: knet/v1alpha1\nkind: Cluster\nspec: {cni: calico}\n---\n${lockedText}`).cluster

  it('lists each changed pair and counts them', () => {
    const r = policyMatrixDiff(locked, "policy matrix -n shop --diff 'before.yaml'", (f) => (f === 'before.yaml' ? open : { error: 'no such file' }))!
    expect(r.exitCode).toBe(0)
    expect(r.stdout).toContain('Compared with before.yaml: 1 pair changed: 1 now denied.\n  shop/web → shop/db: allowed → denied\n')
    // the grid marks the one changed cell
    expect(r.stdout).toContain(', * changed;')
    expect(r.stdout.match(/X\*/g)).toHaveLength(1)
    expect((r.data as { diff: { closed: number } }).diff.closed).toBe(1)
  })

  it('leaves other commands alone and reports an unreadable file', () => {
    expect(policyMatrixDiff(locked, 'policy matrix -n shop', () => open)).toBeUndefined()
    expect(policyMatrixDiff(locked, 'policy matrix --diff x.yaml', () => ({ error: 'cannot read it: ENOENT' }))).toMatchObject({ exitCode: 2, stderr: 'policy matrix: --diff x.yaml: cannot read it: ENOENT\n' })
  })

  it('marks the changed cells in the SVG and says how many', () => {
    const m = computeMatrix(locked, { namespace: 'shop' })
    const diff = diffMatrices(computeMatrix(open, { namespace: 'shop' }), m)
    const { svg, alt } = matrixDiagram(m, { diff })
    expect(svg.match(/class="k-m-changed"/g)).toHaveLength(1)
    expect(alt).toContain('Since the last run: 1 pair changed: 1 now denied.')
    expect(alt).toContain('shop/db:5432 (changed)')
    expect(matrixDiagram(m).svg).not.toContain('k-m-changed"')
  })
})

describe('the page side: diagrams and answers carry the diff and the fix', () => {
  it('runScenario marks what changed since the previous matrix and returns the new one', async () => {
    const { runScenario } = await import('../../../site/examples/run-scenario.ts')
    const head = 'apiVersion: knet/v1alpha1\nkind: Cluster\nspec: {cni: calico}\n---\n'
    const base = [ns('shop'), pod('shop', 'web', { app: 'web' }, { ip: '10.244.1.5', ports: [[80]] }), pod('shop', 'db', { app: 'db' }, { ip: '10.244.1.6', ports: [[5432]] })].join('\n---\n')
    const lock = netpol('shop', 'lock', 'podSelector: {matchLabels: {app: db}}\npolicyTypes: [Ingress]')
    const first = runScenario(head + base, ['policy matrix -n shop'], 'matrix', null)
    expect(first.diagramData).toBeDefined()
    const second = runScenario(`${head}${base}\n---\n${lock}`, ['policy matrix -n shop', 'policy check shop/web -> shop/db:5432'], 'matrix', first.diagramData)
    expect(second.diagram?.alt).toContain('Since the last run: 1 pair changed: 1 now denied.')
    expect(second.results[1].fix).toContain('kind: NetworkPolicy')
    // the build passes no previous matrix: no marks, and no data carried
    const built = runScenario(`${head}${base}\n---\n${lock}`, ['policy matrix -n shop'], 'matrix')
    expect(built.diagram?.alt).not.toContain('Since the last run')
    expect(built.diagramData).toBeUndefined()
  })
})
