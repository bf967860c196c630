/**
 * kubectl get --field-selector: the fields the API server lets each
 * resource be selected by (every type: metadata.name and metadata.namespace;
 * Pods: spec.nodeName, status.phase, status.podIP… as in
 * pkg/registry/core/pod/strategy.go PodToSelectableFields; Events: see
 * events.ts). Terms are KEY=VALUE, KEY==VALUE or KEY!=VALUE, joined by commas (AND).
 */
import type { Pod } from '../model/types.ts'
import type { ResourceType } from './resources.ts'
import { eventFieldFilter } from './events.ts'
import type { ClusterEvent } from './events.ts'

const POD_FIELDS: Record<string, (p: Pod) => string> = {
  'spec.nodeName': (p) => p.nodeName,
  'spec.restartPolicy': (p) => p.restartPolicy,
  'spec.serviceAccountName': (p) => p.serviceAccountName,
  'spec.hostNetwork': (p) => String(p.hostNetwork),
  'status.phase': (p) => p.phase,
  'status.podIP': (p) => p.podIPs[0] ?? '',
}

export function fieldFilter(rt: ResourceType, selector: string): { test(x: unknown): boolean } | { error: string } {
  if (rt.kind === 'Event') {
    const f = eventFieldFilter(selector)
    if ('error' in f) return f
    return { test: (x) => f(x as ClusterEvent) }
  }
  const terms: { get: (x: unknown) => string; value: string; neg: boolean }[] = []
  for (const part of selector.split(',')) {
    if (part.trim() === '') continue
    const m = /^([^=!]+)(==|=|!=)(.*)$/.exec(part.trim())
    if (!m) return { error: `error: invalid selector: '${selector}'; can't understand '${part}'` }
    const key = m[1].trim()
    let get: ((x: unknown) => string) | undefined
    if (key === 'metadata.name') get = (x) => (x as { meta: { name: string } }).meta.name
    else if (key === 'metadata.namespace') get = (x) => (x as { meta: { namespace: string } }).meta.namespace
    else if (rt.kind === 'Pod' && POD_FIELDS[key]) get = (x) => POD_FIELDS[key](x as Pod)
    if (!get) {
      const gv = rt.prefix.includes('.') ? rt.prefix.split('.').slice(1).join('.') + '/v1' : '/v1'
      return { error: `Error from server (BadRequest): Unable to find "${gv}, Resource=${rt.resource}" that match label selector "", field selector "${selector}": field label not supported: ${key}` }
    }
    terms.push({ get, value: m[3].trim(), neg: m[2] === '!=' })
  }
  return { test: (x) => terms.every((t) => (t.get(x) === t.value) !== t.neg) }
}
