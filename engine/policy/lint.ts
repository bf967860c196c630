/**
 * What a reviewer would say about the policies: ones that select nothing,
 * egress isolation that cuts Pods off from cluster DNS, named ports no Pod
 * declares, ipBlocks that also cover Pod addresses, equal ANP priorities
 * over the same Pods, and policies the cluster's CNI does not enforce.
 */
import type { Cluster, GenericObject, Pod } from '../model/types.ts'
import type { Diagnostic } from '../model/diagnostic.ts'
import { formatPrefix, parseAddr, parsePrefix, prefixContains, prefixesOverlap } from '../net/ip.ts'
import { policySet } from './policy-set.ts'
import type { PolicySet } from './policy-set.ts'
import { podEndpoint } from './endpoint.ts'
import type { Endpoint } from './endpoint.ts'
import { adminPeerMatches, adminSelects, namedPortNumber, npPeerMatches, npSelects } from './match.ts'
import type { CompiledAdminPolicy, CompiledNetworkPolicy } from './model.ts'
import { evaluateServiceConnection } from './service.ts'
import { toDiagnostic } from './validate.ts'
import type { Locate } from './validate.ts'
import type { Path, Problem } from './problems.ts'
import { formatSelector, selectorFromJson } from '../cluster/selector.ts'

function finding(object: GenericObject, path: Path, code: string, message: string, hint?: string): Problem {
  return { object, path, severity: 'warning', code, message, hint }
}

function podName(p: Pod): string {
  return `${p.meta.namespace}/${p.meta.name}`
}

function some(list: string[], n = 3): string {
  return list.length <= n ? list.join(', ') : `${list.slice(0, n).join(', ')} and ${list.length - n} more`
}

/**
 * Reviewer warnings with the object and field they concern (positions when `locate` is given).
 *
 * @example
 * lintPolicies(cluster).map((d) => `${d.object} ${d.field}: ${d.message}`)
 */
export function lintPolicies(cluster: Cluster, locate?: Locate): Diagnostic[] {
  const set = policySet(cluster)
  const out: Problem[] = []
  const endpoints = new Map<Pod, Endpoint>()
  for (const p of cluster.pods) {
    const e = podEndpoint(set, p)
    if (!('error' in e)) endpoints.set(p, e)
  }
  const live = [...endpoints.values()]
  const nps = set.networkPolicies.filter((n) => n.valid)
  const admins = set.allAdmin.filter((a) => a.valid)

  // 1. policies that select no Pod
  for (const np of nps) {
    const sel = live.filter((e) => npSelects(np, e))
    if (sel.length === 0) {
      const text = formatSelector(selectorFromJson(np.object.spec.podSelector) ?? {})
      const hostOnly = cluster.pods.some((p) => p.hostNetwork && p.meta.namespace === np.namespace && selectorFromJson(np.object.spec.podSelector) !== undefined)
      out.push(finding(np.object, ['spec', 'podSelector'], 'policy-selects-nothing',
        `NetworkPolicy ${np.key} selects no Pods: podSelector ${text === '<none>' ? '{}' : text} matches no running Pod on the Pod network in namespace ${np.namespace}, so it has no effect`,
        hostOnly ? 'hostNetwork Pods are never selected by NetworkPolicy' : `compare with kubectl get pods -n ${np.namespace} --show-labels`))
    }
  }
  for (const a of admins) {
    if (!live.some((e) => adminSelects(a, e))) out.push(finding(a.object, ['spec', 'subject'], 'policy-selects-nothing', `${a.kind} ${a.name} selects no Pods: its subject matches no running Pod on the Pod network, so it has no effect`, 'host-networked Pods are never subjects'))
  }

  // 2. egress isolation that blocks DNS
  lintDNS(cluster, set, live, out)

  // 3. named ports no selected Pod declares
  for (const np of nps) {
    const selected = live.filter((e) => npSelects(np, e))
    if (selected.length === 0) continue
    for (const dir of ['ingress', 'egress'] as const) {
      ;(dir === 'ingress' ? np.ingress : np.egress).forEach((r) => {
        r.ports.forEach((port, j) => {
          if (port.name === undefined) return
          // ingress: the policy's own Pods; egress: the Pods the rule sends to
          const targets = dir === 'ingress' ? selected : live.filter((e) => e.kind === 'pod' && (r.peers.length === 0 || r.peers.some((x) => npPeerMatches(np, x, e))))
          if (targets.length === 0) return
          if (!targets.some((e) => namedPortNumber(e.pod, port.name!, port.protocol) !== undefined)) {
            out.push(finding(np.object, ['spec', dir, r.index, 'ports', j, 'port'], 'named-port-undeclared',
              `named port "${port.name}" (${port.protocol}) is declared by none of the ${dir === 'ingress' ? 'Pods this policy selects' : 'Pods this rule sends to'} (${some(targets.map((e) => e.name))}), so the rule matches no traffic`,
              'name the port in the Pods\' containers[].ports (name and protocol must match), or use the port number'))
          }
        })
      })
    }
  }
  for (const a of admins) {
    const subjects = live.filter((e) => adminSelects(a, e))
    if (subjects.length === 0) continue
    for (const dir of ['ingress', 'egress'] as const) {
      for (const r of dir === 'ingress' ? a.ingress : a.egress) {
        r.ports?.forEach((port, j) => {
          if (port.kind !== 'namedPort') return
          const targets = dir === 'ingress' ? subjects : live.filter((e) => e.kind === 'pod' && r.peers.some((x) => adminPeerMatches(set, x, e, false)))
          if (targets.length === 0) return
          const declares = targets.some((e) => namedPortNumber(e.pod, port.name, 'TCP') !== undefined || namedPortNumber(e.pod, port.name, 'UDP') !== undefined || namedPortNumber(e.pod, port.name, 'SCTP') !== undefined)
          const at = a.kind === 'ClusterNetworkPolicy' ? ['spec', dir, r.index, 'protocols', j, 'destinationNamedPort'] : ['spec', dir, r.index, 'ports', j, 'namedPort']
          if (!declares) out.push(finding(a.object, at, 'named-port-undeclared', `named port "${port.name}" is declared by none of the Pods it applies to (${some(targets.map((e) => e.name))}), so the rule matches no traffic`))
        })
      }
    }
  }

  // 4. ipBlocks that cover Pod addresses
  const podCIDRs = cluster.config.podCIDRs.map((c) => parsePrefix(c)).filter((x) => !!x)
  for (const np of nps) {
    for (const dir of ['ingress', 'egress'] as const) {
      for (const r of dir === 'ingress' ? np.ingress : np.egress) {
        for (const peer of r.peers) {
          if (peer.kind !== 'ipBlock') continue
          const hit = live.filter((e) => e.kind === 'pod' && e.pod!.podIPs.some((ip) => { const a = parseAddr(ip)!; return prefixContains(peer.cidr, a) && !peer.except.some((x) => prefixContains(x, a)) }))
          // examples from the policy's own namespace first
          hit.sort((a, b) => Number(a.pod!.meta.namespace !== np.namespace) - Number(b.pod!.meta.namespace !== np.namespace))
          const overlap = podCIDRs.filter((pc) => prefixesOverlap(pc, peer.cidr) && !peer.except.some((x) => x.bits <= pc.bits && prefixesOverlap(x, pc)))
          if (hit.length === 0 && overlap.length === 0) continue
          const field = dir === 'ingress' ? 'from' : 'to'
          const what = peer.cidr.bits === 0 ? `ipBlock ${peer.cidrText} matches every address, Pod addresses included` : `ipBlock ${peer.cidrText} also matches Pod addresses`
          const ex = hit.length ? ` (e.g. ${some(hit.map((e) => `${e.name} ${e.ip}`), 2)})` : ` (the Pod network ${overlap.map(formatPrefix).join(', ')})`
          out.push(finding(np.object, ['spec', dir, r.index, field, peer.index, 'ipBlock', 'cidr'], 'ipblock-covers-pods',
            `${what}${ex}: Pod IPs change whenever Pods are recreated, and the docs say ipBlock is meant for addresses outside the cluster`,
            `select Pods with podSelector/namespaceSelector; to mean "outside the cluster" add the Pod network (${cluster.config.podCIDRs.join(', ')}) to except`))
        }
      }
    }
  }

  // 5. equal priorities in one tier over the same Pods: the order is undefined
  const byPriority = new Map<string, CompiledAdminPolicy[]>()
  for (const a of [...set.admin, ...set.baselines.filter((b) => b.kind === 'ClusterNetworkPolicy')]) {
    const k = `${a.tier}|${a.priority}`
    byPriority.set(k, [...(byPriority.get(k) ?? []), a])
  }
  for (const [key, list] of byPriority) {
    const prio = key.slice(key.indexOf('|') + 1)
    for (let i = 1; i < list.length; i++) {
      for (let j = 0; j < i; j++) {
        const both = live.filter((e) => adminSelects(list[i], e) && adminSelects(list[j], e))
        if (both.length) {
          out.push(finding(list[i].object, ['spec', 'priority'], 'anp-priority-tie',
            `${list[i].kind} ${list[i].name} has the same priority (${prio}) as ${list[j].name}${list[i].kind === 'ClusterNetworkPolicy' ? ` in the ${list[i].tier} tier` : ''} and both select ${some(both.map((e) => e.name), 2)}: which one applies first is up to the implementation (the simulator takes ${list[j].name} first)`,
            `give every ${list[i].kind === 'ClusterNetworkPolicy' ? 'ClusterNetworkPolicy of a tier' : 'AdminNetworkPolicy'} a distinct priority`))
          break
        }
      }
    }
  }

  // 6. policies the CNI ignores
  const e = set.enforcement
  if (!e.networkPolicy) for (const np of nps) out.push(finding(np.object, ['metadata', 'name'], 'policy-not-enforced', `NetworkPolicy ${np.key} has no effect on this cluster: ${e.note}`, 'set spec.cni in the Cluster document (calico, cilium, antrea, …) to a plugin that enforces NetworkPolicy'))
  if (!e.clusterNetworkPolicy) for (const a of admins.filter((x) => x.kind === 'ClusterNetworkPolicy')) out.push(finding(a.object, ['metadata', 'name'], 'policy-not-enforced', `ClusterNetworkPolicy ${a.name} has no effect on this cluster: ${e.note}`, 'Calico (v3.32+) and Antrea (v2.7+) implement ClusterNetworkPolicy'))
  if (!e.adminNetworkPolicy) for (const a of admins.filter((x) => x.kind !== 'ClusterNetworkPolicy')) out.push(finding(a.object, ['metadata', 'name'], 'policy-not-enforced', `${a.kind} ${a.name} has no effect on this cluster: ${e.note}`, 'Calico (v3.29+) and Antrea (v1.13+) implement AdminNetworkPolicy'))

  return out.map((p) => toDiagnostic(p, locate))
}

/** Pods isolated for egress that can no longer reach kube-dns on 53/UDP or 53/TCP. */
function lintDNS(cluster: Cluster, set: PolicySet, live: Endpoint[], out: Problem[]): void {
  const dns = cluster.index.service.get('kube-system/kube-dns')
  if (!dns) return
  // blame: the policy (or ANP rule) that isolates/denies → affected Pods and the protocols they lose
  const blame = new Map<string, { object: GenericObject; path: Path; pods: string[]; protos: Set<string> }>()
  for (const e of live) {
    if (e.kind !== 'pod') continue
    const pod = e.pod!
    const usesClusterDNS = pod.dnsPolicy === 'ClusterFirst' || pod.dnsPolicy === 'ClusterFirstWithHostNet' || (pod.dnsPolicy === 'None' && (pod.dnsConfig?.nameservers ?? []).some((n) => cluster.config.dnsServiceIPs.includes(n)))
    if (!usesClusterDNS) continue
    const egressNPs = (set.byNamespace.get(pod.meta.namespace) ?? []).some((np) => np.policyTypes.includes('Egress') && npSelects(np, e))
    const admin = [...set.admin, ...set.baselines].some((a) => a.egress.length > 0 && adminSelects(a, e))
    if (!egressNPs && !admin) continue
    for (const protocol of ['UDP', 'TCP'] as const) {
      const r = evaluateServiceConnection(cluster, { srcPod: pod, service: dns, port: 53, protocol })
      if ('error' in r) return
      const denied = r.find((x) => !x.verdict.egress.allowed)
      if (!denied) continue
      const s = denied.verdict.egress
      let object: GenericObject
      let path: Path
      let key: string
      if (s.decidedBy === 'NetworkPolicy') {
        const np = (set.byNamespace.get(pod.meta.namespace) ?? []).find((x) => x.key === s.policies[0]) as CompiledNetworkPolicy
        object = np.object
        path = np.object.spec.egress !== undefined ? ['spec', 'egress'] : ['spec', 'policyTypes']
        key = np.key
      } else {
        const last = s.chain[s.chain.length - 1]
        const kind = last.tier === 'ANP' ? 'AdminNetworkPolicy' : last.tier === 'BANP' ? 'BaselineAdminNetworkPolicy' : 'ClusterNetworkPolicy'
        const a = set.allAdmin.find((x) => x.name === last.policies?.[0] && x.kind === kind)
        if (!a) continue
        object = a.object
        const idx = a.egress.findIndex((x) => (x.name || `egress[${x.index}]`) === last.rule)
        path = idx >= 0 ? ['spec', 'egress', idx] : ['spec', 'egress']
        key = `${a.kind}/${a.name}`
      }
      const b = blame.get(key) ?? { object, path, pods: [], protos: new Set<string>() }
      if (!b.pods.includes(podName(pod))) b.pods.push(podName(pod))
      b.protos.add(`53/${protocol}`)
      blame.set(key, b)
    }
  }
  for (const b of blame.values()) {
    const lost = [...b.protos].sort().reverse().join(' and ')
    const isNP = b.object.kind === 'NetworkPolicy'
    out.push(finding(b.object, b.path, 'egress-blocks-dns',
      `${isNP ? 'egress isolation by this policy' : 'this rule'} blocks DNS: ${some(b.pods)} cannot reach kube-dns (kube-system/kube-dns) on ${lost}, so every name lookup fails`,
      isNP ? 'allow it: egress: [{to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}, podSelector: {matchLabels: {k8s-app: kube-dns}}}], ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]}]' : `put an ${b.object.kind === 'ClusterNetworkPolicy' ? 'Accept' : 'Allow'} (or Pass) rule for kube-dns on port 53 before it`))
  }
}

/**
 * `line:col: severity: object field: message`, the hint on the next line (no position when the diagnostic has none).
 *
 * @example
 * lintPolicies(cluster).map(formatPolicyDiagnostic).join('\n')
 */
export function formatPolicyDiagnostic(d: Diagnostic): string {
  const where = d.line > 0 ? `${d.line}:${d.column}: ` : ''
  const field = d.field && !d.message.startsWith(d.field) ? ` ${d.field}` : ''
  return `${where}${d.severity}: ${d.object}${field}: ${d.message}${d.hint ? `\n  hint: ${d.hint}` : ''}`
}
