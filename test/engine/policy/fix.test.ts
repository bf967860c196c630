/**
 * The smallest fix (engine/policy/fix.ts). Property: on random clusters with
 * random policies of every kind (on calico, which enforces them all), for a
 * denied Pod pair the proposed objects, appended to the scenario, load
 * without errors, turn exactly that check to allowed, and change no other
 * pair of the matrix to allowed, except pairs of Pods that no policy can set
 * apart from the two ends: the same namespace and labels (replicas), or, for
 * host-network Pods, the same node address. Then the cases where no policy change helps.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { loadScenario } from '../../../engine/index.ts'
import type { Cluster, Pod } from '../../../engine/index.ts'
import { computeMatrix, evaluateConnection, policySet } from '../../../engine/policy/index.ts'
import { proposeFix } from '../../../engine/policy/fix.ts'
import { isBookkeepingLabel } from '../../../engine/policy/explain.ts'
import { runCommand } from '../../../engine/index.ts'
import { scenarioText, world } from './world.ts'
import { anp, ns, netpol, pod, scenario } from './helpers.ts'

/** what a policy can see of a Pod: its namespace and labels, or only its node's address when it uses the host network */
const looks = (p: Pod) =>
  p.hostNetwork ? `host ${p.nodeName}` : `${p.meta.namespace}|${Object.keys(p.meta.labels).filter((k) => !isBookkeepingLabel(k)).sort().map((k) => `${k}=${p.meta.labels[k]}`).join(',')}`

/** the scenario with the fix appended; the fix's own objects must be valid (the world may hold invalid policies on purpose) */
function load(text: string, names: string[]): Cluster {
  const { cluster, diagnostics } = loadScenario(text)
  const errors = diagnostics.filter((d) => d.severity === 'error' && names.some((n) => d.object?.endsWith(`/${n}`)))
  if (errors.length) throw new Error(errors.map((d) => `${d.object} ${d.message}`).join('\n'))
  return cluster
}

describe('the proposed fix', () => {
  it('allows exactly the denied pair (and its look-alikes) and nothing else', () => {
    let fixed = 0
    fc.assert(
      fc.property(world, fc.nat(), (w0, pick) => {
        const w = { ...w0, cni: 'calico' as const }
        const text = scenarioText(w)
        const before = loadScenario(text).cluster
        const [port, protocol] = w.port ?? [80, 'TCP' as const]
        const m0 = computeMatrix(before, { group: 'pods', allNamespaces: true, port, protocol })
        const denied: [number, number][] = []
        m0.combined.forEach((row, i) => row.forEach((c, j) => c === 'X' && denied.push([i, j])))
        if (denied.length === 0) return
        const [i, j] = denied[pick % denied.length]
        const src = before.index.pod.get(m0.rows[i].pods[0])!
        const dst = before.index.pod.get(m0.rows[j].pods[0])!
        const v = evaluateConnection(before, { srcPod: src, dstPod: dst, port, protocol })
        if ('error' in v) throw new Error(v.error)
        expect(v.allowed).toBe(false)
        const fix = proposeFix(policySet(before), v)
        if (!fix.possible) {
          expect(fix.notes.length).toBeGreaterThan(0)
          return
        }
        fixed++
        const after = load(`${text}\n${fix.yaml}`, fix.changes.map((c) => c.name))
        const v2 = evaluateConnection(after, { srcPod: after.index.pod.get(m0.rows[i].pods[0])!, dstPod: after.index.pod.get(m0.rows[j].pods[0])!, port, protocol })
        if ('error' in v2) throw new Error(v2.error)
        expect(v2.allowed, `${v2.explanation}\n${fix.yaml}`).toBe(true)
        const m1 = computeMatrix(after, { group: 'pods', allNamespaces: true, port, protocol })
        expect(m1.rows.map((r) => r.label)).toEqual(m0.rows.map((r) => r.label))
        m1.combined.forEach((row, a) =>
          row.forEach((c, b) => {
            if (c !== '.' || m0.combined[a][b] !== 'X') return
            const pa = after.index.pod.get(m1.rows[a].pods[0])!
            const pb = after.index.pod.get(m1.rows[b].pods[0])!
            expect(`${looks(pa)} → ${looks(pb)}`, `opened ${m1.rows[a].label} → ${m1.rows[b].label}\n${fix.yaml}`).toBe(`${looks(src)} → ${looks(dst)}`)
          }),
        )
      }),
      { numRuns: 120, seed: 20261207 },
    )
    // the property must have met real fixes, not only worlds without a denied pair
    expect(fixed).toBeGreaterThan(20)
  }, 120_000)
})

describe('when no policy change helps', () => {
  const docs = [ns('shop'), ns('ops'), pod('shop', 'web', { app: 'web' }, { ip: '10.244.1.5', ports: [[8080]] }), pod('ops', 'tool', { app: 'tool' }, { ip: '10.244.1.6' })]
  const deny = anp('deny', 'priority: 0\nsubject: {namespaces: {matchLabels: {kubernetes.io/metadata.name: shop}}}\ningress: [{action: Deny, from: [{namespaces: {}}]}]')

  it('on a plugin that enforces nothing, it says the connection already goes through', () => {
    const c = scenario({ cni: 'flannel' }, ...docs, deny)
    const r = runCommand(c, 'policy check ops/tool -> shop/web:8080 --json')
    const out = runCommand(c, 'policy check ops/tool -> shop/web:8080')
    expect(out.exitCode).toBe(1)
    expect(out.stdout).toContain('No policy change to propose: no policy change is needed on this cluster: flannel')
    expect(r.exitCode).toBe(2)
  })

  it('an Admin-tier Deny cannot be fixed by the owner of a namespace, and one at priority 0 not even by a new policy', () => {
    const c = scenario({ cni: 'calico' }, ...docs, deny)
    const mine = runCommand(c, 'policy check ops/tool -> shop/web:8080 --namespaced')
    expect(mine.stdout).toContain('No policy change to propose: AdminNetworkPolicy deny (rule ingress[0]) denies shop/web\'s ingress in the Admin tier, before any NetworkPolicy is read: no NetworkPolicy can allow it')
    const admin = runCommand(c, 'policy check ops/tool -> shop/web:8080')
    expect(admin.stdout).toContain('has priority 0, so no other Admin-tier policy can come before it')
    expect((admin.data as { fix: { possible: boolean } }).fix.possible).toBe(false)
  })

  it('a NetworkPolicy denial gets one NetworkPolicy, returned as data.fix', () => {
    const c = scenario({ cni: 'calico' }, ...docs, netpol('shop', 'lock', 'podSelector: {}\npolicyTypes: [Ingress]'))
    const r = runCommand(c, 'policy check ops/tool -> shop/web:8080')
    expect(r.exitCode).toBe(1)
    const fix = (r.data as { fix: { possible: boolean; changes: { kind: string; namespace: string }[]; yaml: string } }).fix
    expect(fix.changes).toMatchObject([{ kind: 'NetworkPolicy', namespace: 'shop' }])
    expect(r.stdout).toContain(fix.yaml)
    expect(fix.yaml).toContain('kubernetes.io/metadata.name: ops')
  })
})

describe('names', () => {
  it('a fix never reuses the name of an object already there', () => {
    const docs = [ns('shop'), pod('shop', 'web', { app: 'web' }, { ip: '10.244.1.5', ports: [[8080]] }), pod('shop', 'cli', { app: 'cli' }, { ip: '10.244.1.6' })]
    const wrong = netpol('shop', 'allow-cli-to-web-8080-tcp', 'podSelector: {matchLabels: {app: web}}\ningress: [{ports: [{port: 9999}]}]')
    const r = runCommand(scenario({ cni: 'calico' }, ...docs, wrong), 'policy check shop/cli -> shop/web:8080')
    expect((r.data as { fix: { changes: { name: string }[] } }).fix.changes.map((c) => c.name)).toEqual(['allow-cli-to-web-8080-tcp-2'])
  })

  it('both sides denied in one namespace: two NetworkPolicies with different names', () => {
    const docs = [ns('shop'), pod('shop', 'web', { app: 'web' }, { ip: '10.244.1.5', ports: [[8080]] }), pod('shop', 'cli', { app: 'cli' }, { ip: '10.244.1.6' })]
    const c = scenario({ cni: 'calico' }, ...docs, netpol('shop', 'lock', 'podSelector: {}\npolicyTypes: [Ingress, Egress]'))
    const r = runCommand(c, 'policy check shop/cli -> shop/web:8080')
    const fix = (r.data as { fix: { changes: { name: string; direction: string }[]; yaml: string } }).fix
    expect(fix.changes.map((x) => [x.direction, x.name])).toEqual([['egress', 'allow-cli-to-web-8080-tcp-egress'], ['ingress', 'allow-cli-to-web-8080-tcp-ingress']])
    const { cluster } = loadScenario(`apiVersion: knet/v1alpha1\nkind: Cluster\nspec: {cni: calico}\n---\n${[...docs, netpol('shop', 'lock', 'podSelector: {}\npolicyTypes: [Ingress, Egress]')].join('\n---\n')}\n${fix.yaml}`)
    expect(runCommand(cluster, 'policy check shop/cli -> shop/web:8080').exitCode).toBe(0)
  })
})
