/**
 * `kubectl describe networkpolicy`, in the layout of k8s.io/kubectl
 * pkg/describe describeNetworkPolicy: a tabwriter (minwidth 0, padding 2)
 * over PrefixWriter levels of two spaces, rules separated by `----------`.
 */
import type { Cluster, Json } from '../model/types.ts'
import { read } from '../cluster/context.ts'
import { formatSelector, selectorFromJson } from '../cluster/selector.ts'
import { tabwrite } from '../text/tabwriter.ts'
import { policySet } from './policy-set.ts'

/** metav1.Time printed with %s: Go's time.Time.String(), in UTC (the simulated workstation's zone) */
function goTime(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(\.\d+)?Z$/.exec(iso)
  return m ? `${m[1]} ${m[2]}${m[3] ? m[3].replace(/0+$/, '') : ''} +0000 UTC` : iso
}

function multiline(title: string, m: Record<string, string>, skip: string[] = []): string {
  const keys = Object.keys(m).filter((k) => !skip.includes(k)).sort()
  if (keys.length === 0) return `${title}:\t<none>\n`
  return keys.map((k, i) => `${i === 0 ? `${title}:` : ''}\t${k}${title === 'Annotations' ? ': ' : '='}${m[k]}\n`).join('')
}

/** %s of a *intstr.IntOrString: the number, the name, or <nil> */
function portOf(v: Json | undefined): string {
  if (v === undefined || v === null) return '<nil>'
  return String(v)
}

function rules(list: Json[], dir: 'ingress' | 'egress'): string {
  const indent = '    '
  const peerField = dir === 'ingress' ? 'from' : 'to'
  const Peer = dir === 'ingress' ? 'From' : 'To'
  if (list.length === 0) return `${indent}<none> (Selected pods are isolated for ${dir} connectivity)\n`
  let w = ''
  list.forEach((r, i) => {
    const ports = read.arr(read.path(r, 'ports'))
    if (ports.length === 0) w += `${indent}To Port: <any> (traffic allowed to all ports)\n`
    for (const p of ports) {
      const proto = read.str(read.path(p, 'protocol')) ?? 'TCP'
      const end = read.num(read.path(p, 'endPort'))
      w += end === undefined ? `${indent}To Port: ${portOf(read.path(p, 'port'))}/${proto}\n` : `${indent}To Port Range: ${portOf(read.path(p, 'port'))}-${end}/${proto}\n`
    }
    const peers = read.arr(read.path(r, peerField))
    if (peers.length === 0) w += `${indent}${Peer}: <any> (traffic not restricted by ${dir === 'ingress' ? 'source' : 'destination'})\n`
    for (const peer of peers) {
      w += `${indent}${Peer}:\n`
      const pod = read.obj(read.path(peer, 'podSelector'))
      const ns = read.obj(read.path(peer, 'namespaceSelector'))
      const ipb = read.obj(read.path(peer, 'ipBlock'))
      if (pod && ns) {
        w += `  ${indent}NamespaceSelector: ${formatSelector(selectorFromJson(ns))}\n`
        w += `  ${indent}PodSelector: ${formatSelector(selectorFromJson(pod))}\n`
      } else if (pod) w += `  ${indent}PodSelector: ${formatSelector(selectorFromJson(pod))}\n`
      else if (ns) w += `  ${indent}NamespaceSelector: ${formatSelector(selectorFromJson(ns))}\n`
      else if (ipb) {
        w += `  ${indent}IPBlock:\n`
        w += `    ${indent}CIDR: ${read.str(ipb.cidr) ?? ''}\n`
        w += `    ${indent}Except: ${read.arr(ipb.except).map(String).join(', ')}\n`
      }
    }
    if (i !== list.length - 1) w += `${indent}----------\n`
  })
  return w
}

/**
 * @example
 * describeNetworkPolicy(cluster, 'default', 'web-deny-all')
 */
export function describeNetworkPolicy(c: Cluster, ns: string, name: string): string | undefined {
  const compiled = policySet(c).networkPolicies.find((p) => p.namespace === ns && p.name === name)
  if (!compiled) return undefined
  const o = compiled.object
  const spec = o.spec
  let w = ''
  w += `Name:\t${o.meta.name}\n`
  w += `Namespace:\t${o.meta.namespace}\n`
  w += `Created on:\t${goTime(o.meta.creationTimestamp)}\n`
  w += multiline('Labels', o.meta.labels)
  w += multiline('Annotations', o.meta.annotations, ['kubectl.kubernetes.io/last-applied-configuration'])
  w += 'Spec:\n'
  const sel = selectorFromJson(spec.podSelector) ?? {}
  const empty = Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0
  w += `  PodSelector:     ${empty ? '<none> (Allowing the specific traffic to all pods in this namespace)' : formatSelector(sel)}\n`
  // the stored object carries the defaulted policyTypes
  const types = compiled.policyTypes
  w += types.includes('Ingress') ? `  Allowing ingress traffic:\n${rules(read.arr(spec.ingress), 'ingress')}` : '  Not affecting ingress traffic\n'
  w += types.includes('Egress') ? `  Allowing egress traffic:\n${rules(read.arr(spec.egress), 'egress')}` : '  Not affecting egress traffic\n'
  w += `  Policy Types: ${types.length ? types.join(', ') : '<none>'}\n`
  return tabwrite(w, 0, 2)
}
