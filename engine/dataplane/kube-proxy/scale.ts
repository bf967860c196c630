/**
 * `proxy-scale`: the simulator's own measuring tool (like `trace` and
 * `policy`, not a Linux command). It builds the default cluster once per mode
 * and size, with N ClusterIP Services (one TCP port each, all selecting the
 * same two agnhost Pods), and counts what kube-proxy programs on one node, from
 * the same rulesets `iptables-save`, `nft list table` and `ipvsadm` print:
 *
 * - RULES: iptables mode and IPVS mode: every rule in iptables-save on the
 *   node (all tables; kubelet's and flannel's few included); nftables mode:
 *   every rule in the kube-proxy table;
 * - DISPATCH: the rules a new connection's first packet is matched against in
 *   the chain that picks the Service: KUBE-SERVICES in the nat table
 *   (iptables, IPVS) or the `services` chain (nftables); iptables tests them in
 *   order, the others do one set or map lookup;
 * - ELEMENTS: entries of the nftables sets and maps, or of the IPVS ipsets;
 * - VIRTUAL SERVERS: IPVS virtual servers (ipvsadm -Ln).
 */
import type { Cluster } from '../../model/types.ts'
import type { Program } from '../../shell/types.ts'
import { fail, ok } from '../../shell/types.ts'
import { table } from '../../text/tabwriter.ts'
// The loader's parts, not scenario.ts: that module imports the shell's programs, this one among them.
import { parseSources } from '../../load/parse.ts'
import { buildCluster } from '../../cluster/cluster.ts'
import { nodePlumbing } from '../cni/index.ts'
import { nodeRuleset } from './node-ruleset.ts'
import { kubeProxyTable } from './nftables.ts'
import { ipsetEntries, virtualServers } from './ipvs.ts'
import { proxierContext } from './iptables.ts'
import type { ProxyMode } from '../../model/types.ts'

export interface ScaleRow {
  services: number
  mode: ProxyMode
  rules: number
  dispatch: number
  elements: number
  virtualServers: number
}

const MODES: ProxyMode[] = ['nftables', 'iptables', 'ipvs']
/** Keeps a run inside the engine's limits and a reader's patience (10,000 Services is the engine's cap). */
const MAX_SERVICES = 1000

const MEASURED = new Map<string, ScaleRow>()

function scenario(mode: ProxyMode, services: number, endpoints: number): string {
  const docs = [
    `apiVersion: knet/v1alpha1\nkind: Cluster\nspec: {proxyMode: ${mode}}`,
    `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app}\nspec:\n  replicas: ${endpoints}\n  selector: {matchLabels: {app: app}}\n  template:\n    metadata: {labels: {app: app}}\n    spec: {containers: [{name: app, image: registry.k8s.io/e2e-test-images/agnhost:2.53, args: [netexec], ports: [{containerPort: 8080}]}]}`,
  ]
  const width = String(services).length
  for (let i = 1; i <= services; i++) {
    docs.push(`apiVersion: v1\nkind: Service\nmetadata: {name: svc-${String(i).padStart(width, '0')}}\nspec: {selector: {app: app}, ports: [{port: 80, targetPort: 8080}]}`)
  }
  return docs.join('\n---\n')
}

function measure(c: Cluster, mode: ProxyMode, services: number): ScaleRow {
  const node = c.index.node.get('node-1') ?? c.nodes[0]
  const row: ScaleRow = { services, mode, rules: 0, dispatch: 0, elements: 0, virtualServers: 0 }
  if (mode === 'nftables') {
    const t = kubeProxyTable(c, node, 'IPv4')
    for (const o of t.objects) {
      if (o.kind === 'chain') {
        row.rules += o.rules.length
        if (o.name === 'services') row.dispatch = o.rules.length
      } else row.elements += o.elements.length
    }
    return row
  }
  const rs = nodeRuleset(c, node, 'IPv4')
  for (const t of rs.tables) for (const ch of t.chains.values()) row.rules += ch.rules.length
  row.dispatch = rs.tables.find((t) => t.name === 'nat')?.chains.get('KUBE-SERVICES')?.rules.length ?? 0
  if (mode === 'ipvs') {
    const ctx = proxierContext(c, node, 'IPv4')
    const links = nodePlumbing(c, node).host.links
    row.virtualServers = virtualServers(ctx, links).length
    for (const entries of ipsetEntries(ctx, links).values()) row.elements += entries.length
  }
  return row
}

/**
 * The rows of `proxy-scale` for the given sizes.
 *
 * @example
 * proxyScale([10, 100], 2).find((r) => r.mode === 'iptables' && r.services === 100)!.dispatch // grows with the Services
 */
export function proxyScale(sizes: number[], endpoints: number, modes: ProxyMode[] = MODES): ScaleRow[] {
  const rows: ScaleRow[] = []
  for (const n of sizes) {
    for (const mode of modes) {
      // The answer depends only on these three numbers: building 1,000 Services takes a
      // tenth of a second, so a Worker isolate or a reader's tab keeps the rows it measured.
      const key = `${mode}/${n}/${endpoints}`
      const hit = MEASURED.get(key)
      if (hit) {
        rows.push({ ...hit })
        continue
      }
      const cluster = buildCluster(parseSources([{ name: 'proxy-scale.yaml', text: scenario(mode, n, endpoints) }]))
      const row = measure(cluster, mode, n)
      if (MEASURED.size >= 64) MEASURED.clear()
      MEASURED.set(key, row)
      rows.push({ ...row })
    }
  }
  return rows
}

const USAGE = 'usage: proxy-scale [--services N[,N…]] [--endpoints N] [--mode nftables|iptables|ipvs]'

export const proxyScaleProgram: Program = {
  places: ['workstation'],
  summary: 'measure what kube-proxy programs on a node as Services grow, per mode (the simulator\'s own tool)',
  usage: ['proxy-scale [--services 10,100,1000] [--endpoints 2] [--mode nftables|iptables|ipvs]'],
  run(inv) {
    let sizes = [10, 100, 1000]
    let endpoints = 2
    let modes = MODES
    const args = inv.argv.slice(1)
    for (let i = 0; i < args.length; i++) {
      const a = args[i]
      const eq = a.indexOf('=')
      const name = eq > 0 ? a.slice(0, eq) : a
      const value = () => (eq > 0 ? a.slice(eq + 1) : args[++i])
      if (name === '--services') {
        const v = value() ?? ''
        const list = v.split(',').map((s) => s.trim())
        if (!list.every((s) => /^\d+$/.test(s)) || list.length > 4) return fail(`proxy-scale: --services takes up to 4 counts separated by commas (got "${v}")\n${USAGE}`, 2)
        sizes = list.map(Number)
        if (sizes.some((n) => n < 1 || n > MAX_SERVICES)) return fail(`proxy-scale: each count must be between 1 and ${MAX_SERVICES}\n${USAGE}`, 2)
      } else if (name === '--endpoints') {
        const v = value() ?? ''
        if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 10) return fail(`proxy-scale: --endpoints takes a number from 1 to 10 (got "${v}")\n${USAGE}`, 2)
        endpoints = Number(v)
      } else if (name === '--mode') {
        const v = value() ?? ''
        if (!(MODES as string[]).includes(v)) return fail(`proxy-scale: unknown mode "${v}" (nftables, iptables or ipvs)\n${USAGE}`, 2)
        modes = [v as ProxyMode]
      } else return fail(`proxy-scale: unknown option "${a}"\n${USAGE}`, 2)
    }
    const rows = proxyScale(sizes, endpoints, modes)
    const head = `node-1 of the default cluster; N ClusterIP Services with one TCP port and ${endpoints} endpoint${endpoints === 1 ? '' : 's'} each,\nplus the cluster's own kubernetes and kube-dns Services\n\n`
    const body = table([
      ['SERVICES', 'MODE', 'RULES', 'DISPATCH', 'ELEMENTS', 'VIRTUAL SERVERS'],
      ...rows.map((r) => [String(r.services), r.mode, String(r.rules), String(r.dispatch), String(r.elements), r.mode === 'ipvs' ? String(r.virtualServers) : '-']),
    ])
    return ok(head + body, rows)
  },
}
