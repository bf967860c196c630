// The CNI chapter's comparison table comes from engine runs, not from typing:
// cni.mdx renders <CniComparison /> (site/components/CniComparison.astro), whose
// rows site/examples/cni-comparison.ts reads from the commands' output. Here every
// row is checked against the built cluster by another route (the cluster model,
// the plumbing, the policy enforcement table), so a cell that stopped coming from
// the engine, or a parser that misread an output, fails.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadScenario } from '../../engine/index.ts'
import { nodePlumbing } from '../../engine/dataplane/index.ts'
import { enforcementFor } from '../../engine/policy/enforcement.ts'
import type { CniName } from '../../engine/index.ts'
import { COMPARISON_SCENARIO, PLUGINS, cniComparison, specFor } from '../../site/examples/cni-comparison.ts'
import { root } from './compile.ts'

describe('the CNI comparison table', () => {
  const page = readFileSync(join(root, 'content/cni.mdx'), 'utf8')

  it('is the generated component, with no hand-written comparison table beside it', () => {
    expect(page).toContain("import CniComparison from '../site/components/CniComparison.astro'")
    expect(page).toMatch(/^<CniComparison \/>$/m)
    expect(page).not.toMatch(/^\|.*Encapsulation.*\|$/im)
  })

  it('has one row per plugin setting, Weave Net marked unmaintained', () => {
    const rows = cniComparison()
    expect(rows.map((r) => r.setting)).toEqual(PLUGINS)
    expect(rows.find((r) => r.setting.cni === 'weave')?.setting.caveat).toMatch(/unmaintained/)
  })

  it.each(cniComparison().map((r) => [r.setting.label, r] as const))('%s: every cell agrees with the engine', (_label, row) => {
    const { cluster } = loadScenario(`apiVersion: knet/v1alpha1\nkind: Cluster\nspec: ${specFor(row.setting)}\n---\n${COMPARISON_SCENARIO}`)
    expect(row.podAddress).toBe(cluster.index.pod.get('default/far')!.podIPs[0])
    const node1 = cluster.index.node.get('node-1')!
    const host = nodePlumbing(cluster, node1).host
    for (const name of row.interfaces) expect(host.links.map((l) => l.name)).toContain(name)
    const client = nodePlumbing(cluster, node1).pods.get('default/client')!
    const eth0 = client.links.find((l) => l.name === 'eth0')!
    const routeMtu = client.routes.find((r) => r.mtu !== undefined)?.mtu
    expect(row.podMtu).toBe(routeMtu ?? eth0.mtu)
    expect(row.encapsulation === 'none').toBe(row.podMtu === host.links.find((l) => l.name === 'eth0')!.mtu)
    expect(row.policy).toBe(enforcementFor(row.setting.cni as CniName).networkPolicy ? 'enforced' : 'not enforced')
    // kube-proxy runs exactly when the row says it translates Services
    expect(row.services.startsWith('kube-proxy')).toBe(cluster.pods.some((p) => p.meta.namespace === 'kube-system' && p.meta.name.startsWith('kube-proxy-')))
    expect(row.services === 'Cilium eBPF (no kube-proxy)').toBe(!!cluster.config.kubeProxyReplacement)
    expect(row.commands.length).toBeGreaterThan(5)
  })
})
