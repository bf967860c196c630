/**
 * `kubectl describe` for the Gateway API kinds. They are CRDs, so kubectl
 * uses its GenericDescriber (k8s.io/kubectl/pkg/describe describe.go):
 * Name, Namespace, Labels, Annotations, then every other field of the object
 * by printUnstructuredContent (keys sorted, labels from smartLabelFor:
 * camelCase split into capitalised words, API/URL/UID/OSB/GUID upper-cased;
 * a list of objects printed item after item without markers), then Events.
 */
import type { Cluster, GenericObject, Json, JsonObject } from '../model/types.ts'
import { registerDescriber } from '../kubectl/describe.ts'
import { tabwrite } from '../text/tabwriter.ts'
import { gatewayAdapter } from './tables.ts'

const ACRONYMS = ['API', 'URL', 'UID', 'OSB', 'GUID']

/** github.com/fatih/camelcase Split, as smartLabelFor uses it. */
function camelSplit(s: string): string[] {
  const runs: string[] = []
  let cur = ''
  let kind = -1
  for (const ch of s) {
    const k = /[a-z]/.test(ch) ? 0 : /[A-Z]/.test(ch) ? 1 : /[0-9]/.test(ch) ? 2 : 3
    if (k === kind) cur += ch
    else {
      if (cur) runs.push(cur)
      cur = ch
      kind = k
    }
  }
  if (cur) runs.push(cur)
  // an upper-case run followed by a lower-case run gives its last letter to the lower run
  for (let i = 0; i < runs.length - 1; i++) {
    if (/^[A-Z]+$/.test(runs[i]) && /^[a-z]+$/.test(runs[i + 1])) {
      runs[i + 1] = runs[i].slice(-1) + runs[i + 1]
      runs[i] = runs[i].slice(0, -1)
    }
  }
  return runs.filter((r) => r !== '')
}

export function smartLabelFor(field: string): string {
  if ([...field].some((r) => !/\p{L}/u.test(r) && r !== '-')) return field
  return camelSplit(field)
    .filter((p) => p !== '_')
    .map((p) => (ACRONYMS.includes(p.toUpperCase()) ? p.toUpperCase() : p.charAt(0).toUpperCase() + p.slice(1)))
    .join(' ')
}

const SKIP = new Set(['.metadata.name', '.metadata.namespace', '.metadata.labels', '.metadata.annotations'])

function scalar(v: Json): string {
  if (v === null) return '<nil>'
  return typeof v === 'string' ? v : String(v)
}

function content(level: number, o: JsonObject, prefix: string): string {
  let w = ''
  const ind = '  '.repeat(level)
  for (const field of Object.keys(o).sort()) {
    const v = o[field]
    const at = `${prefix}.${field}`
    if (SKIP.has(at)) continue
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      w += `${ind}${smartLabelFor(field)}:\n${content(level + 1, v, at)}`
    } else if (Array.isArray(v)) {
      w += `${ind}${smartLabelFor(field)}:\n`
      for (const child of v) {
        if (child && typeof child === 'object' && !Array.isArray(child)) w += content(level + 1, child, at)
        else w += `${'  '.repeat(level + 1)}${scalar(child as Json)}\n`
      }
    } else w += `${ind}${smartLabelFor(field)}:\t${scalar(v as Json)}\n`
  }
  return w
}

function multiline(title: string, m: Record<string, string>): string {
  const keys = Object.keys(m).filter((k) => k !== 'kubectl.kubernetes.io/last-applied-configuration').sort()
  if (keys.length === 0) return `${title}:\t<none>\n`
  return keys.map((k, i) => `${i === 0 ? `${title}:` : ''}\t${k}${title === 'Labels' ? '=' : ': '}${m[k]}\n`).join('')
}

function describer(kind: string) {
  return (c: Cluster, ns: string, name: string): string | undefined => {
    const ad = gatewayAdapter(kind)
    const g = (ad.items(c) as GenericObject[]).find((x) => x.meta.name === name && (kind === 'GatewayClass' || x.meta.namespace === ns))
    if (!g) return undefined
    const j = ad.json(g, c)
    let w = `Name:\t${g.meta.name}\nNamespace:\t${kind === 'GatewayClass' ? '' : g.meta.namespace}\n`
    w += multiline('Labels', g.meta.labels)
    w += multiline('Annotations', g.meta.annotations)
    w += content(0, j, '')
    w += 'Events:\t<none>\n'
    return tabwrite(w, 0, 2)
  }
}

for (const kind of ['GatewayClass', 'Gateway', 'HTTPRoute', 'GRPCRoute', 'ReferenceGrant']) registerDescriber(kind, describer(kind))
