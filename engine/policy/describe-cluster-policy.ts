/**
 * `kubectl describe` for the network-policy-api CRDs (ClusterNetworkPolicy,
 * AdminNetworkPolicy, BaselineAdminNetworkPolicy). kubectl has no typed
 * describer for them, so it uses k8s.io/kubectl pkg/describe genericDescriber:
 * Name, Namespace, Labels, Annotations, then the whole object through
 * printUnstructuredContent (keys sorted, smartLabelFor names, two spaces per
 * level), which is why the `API Version:` line tells v1alpha1 from v1alpha2.
 */
import type { Cluster, Json, JsonObject } from '../model/types.ts'
import { genericJson } from '../kubectl/api-objects.ts'
import { tabwrite } from '../text/tabwriter.ts'

type Kind = 'ClusterNetworkPolicy' | 'AdminNetworkPolicy' | 'BaselineAdminNetworkPolicy'

const ACRONYMS = new Set(['API', 'URL', 'UID', 'OSB', 'GUID'])

/** smartLabelFor: `apiVersion` → `API Version`; a key with anything but letters and '-' stays as it is */
function smartLabel(field: string): string {
  if (/[^\p{L}-]/u.test(field)) return field
  // github.com/fatih/camelcase Split: a new word at each lower→upper change
  const parts = field.match(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+|-+/g) ?? [field]
  return parts.map((p) => (ACRONYMS.has(p.toUpperCase()) ? p.toUpperCase() : p.charAt(0).toUpperCase() + p.slice(1).toLowerCase())).join(' ')
}

function scalar(v: Json): string {
  return v === null ? '<nil>' : String(v)
}

function content(o: JsonObject, level: number, prefix: string, skip: Set<string>): string {
  const pad = '  '.repeat(level)
  let w = ''
  for (const key of Object.keys(o).sort()) {
    const v = o[key]
    const path = `${prefix}.${key}`
    if (skip.has(path)) continue
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      w += `${pad}${smartLabel(key)}:\n${content(v, level + 1, path, skip)}`
    } else if (Array.isArray(v)) {
      w += `${pad}${smartLabel(key)}:\n`
      for (const item of v) {
        if (item !== null && typeof item === 'object' && !Array.isArray(item)) w += content(item, level + 1, path, skip)
        else w += `${pad}  ${Array.isArray(item) ? `[${item.map((x) => scalar(x as Json)).join(' ')}]` : scalar(item)}\n`
      }
    } else w += `${pad}${smartLabel(key)}:\t${scalar(v)}\n`
  }
  return w
}

function multiline(title: string, m: Record<string, string>): string {
  const keys = Object.keys(m).sort()
  if (keys.length === 0) return `${title}:\t<none>\n`
  return keys.map((k, i) => `${i === 0 ? `${title}:` : ''}\t${k}${title === 'Annotations' ? ': ' : '='}${m[k]}\n`).join('')
}

/**
 * @example
 * describeClusterPolicy('ClusterNetworkPolicy')(cluster, '', 'egress-tcp')
 */
export function describeClusterPolicy(kind: Kind) {
  return (c: Cluster, _ns: string, name: string): string | undefined => {
    const list = kind === 'ClusterNetworkPolicy' ? c.clusterNetworkPolicies : kind === 'AdminNetworkPolicy' ? c.adminNetworkPolicies : c.baselineAdminNetworkPolicies
    const g = list.find((o) => o.meta.name === name)
    if (!g) return undefined
    const json = genericJson(g)
    let w = `Name:\t${g.meta.name}\nNamespace:\t\n`
    w += multiline('Labels', g.meta.labels)
    w += multiline('Annotations', Object.fromEntries(Object.entries(g.meta.annotations).filter(([k]) => k !== 'kubectl.kubernetes.io/last-applied-configuration')))
    w += content(json, 0, '', new Set(['.metadata.managedFields', '.metadata.name', '.metadata.namespace', '.metadata.labels', '.metadata.annotations']))
    w += 'Events:\t<none>\n'
    return tabwrite(w, 0, 2)
  }
}
