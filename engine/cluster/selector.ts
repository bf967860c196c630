/**
 * Label selectors: the metav1.LabelSelector form (matchLabels +
 * matchExpressions) and kubectl's `-l` text form, both evaluated as
 * k8s.io/apimachinery/pkg/labels does.
 */
import type { LabelSelector, Labels } from '../model/types.ts'
import { read } from './context.ts'
import type { Json } from '../model/types.ts'

export interface Requirement {
  key: string
  op: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Equals' | 'NotEquals'
  values: string[]
}

/** A nil selector matches nothing; an empty one matches everything (metav1.LabelSelectorAsSelector). */
export function selectorFromJson(v: Json | undefined): LabelSelector | undefined {
  const o = read.obj(v)
  if (!o) return undefined
  const sel: LabelSelector = {}
  const ml = read.obj(o.matchLabels)
  if (ml) sel.matchLabels = read.labels(ml)
  const me = read.arr(o.matchExpressions)
  if (me.length) {
    sel.matchExpressions = me.map((e) => ({
      key: read.str(read.path(e, 'key')) ?? '',
      operator: (read.str(read.path(e, 'operator')) ?? 'In') as 'In',
      values: read.arr(read.path(e, 'values')).filter((x): x is string => typeof x === 'string'),
    }))
  }
  return sel
}

export function requirementsOf(sel: LabelSelector): Requirement[] {
  const reqs: Requirement[] = []
  for (const [key, value] of Object.entries(sel.matchLabels ?? {})) reqs.push({ key, op: 'Equals', values: [value] })
  for (const e of sel.matchExpressions ?? []) reqs.push({ key: e.key, op: e.operator, values: e.values ?? [] })
  return reqs
}

export function matchesRequirements(reqs: Requirement[], labels: Labels): boolean {
  for (const r of reqs) {
    const has = Object.prototype.hasOwnProperty.call(labels, r.key)
    const v = labels[r.key]
    switch (r.op) {
      case 'Equals':
        if (!has || v !== r.values[0]) return false
        break
      case 'In':
        if (!has || !r.values.includes(v)) return false
        break
      case 'NotEquals':
      case 'NotIn':
        if (has && r.values.includes(v)) return false
        break
      case 'Exists':
        if (!has) return false
        break
      case 'DoesNotExist':
        if (has) return false
        break
    }
  }
  return true
}

export function matchesSelector(sel: LabelSelector | undefined, labels: Labels): boolean {
  if (!sel) return false
  return matchesRequirements(requirementsOf(sel), labels)
}

/** Service-style selector: a plain map, every pair must match; an empty map selects nothing here (kubectl shows <none>). */
export function matchesMap(selector: Labels, labels: Labels): boolean {
  let any = false
  // for-in rather than Object.entries: this runs once per Service and candidate Pod
  for (const k in selector) {
    any = true
    if (labels[k] !== selector[k]) return false
  }
  return any
}

/** labels.FormatLabels / metav1.FormatLabelSelector output: `a=b,c=d` sorted, or `<none>`. */
export function formatLabels(labels: Labels | undefined): string {
  const keys = Object.keys(labels ?? {}).sort()
  if (keys.length === 0) return '<none>'
  return keys.map((k) => `${k}=${labels![k]}`).join(',')
}

export function formatSelector(sel: LabelSelector | undefined): string {
  if (!sel) return '<none>'
  const parts: string[] = []
  for (const r of requirementsOf(sel).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))) {
    switch (r.op) {
      case 'Equals':
        parts.push(`${r.key}=${r.values[0]}`)
        break
      case 'NotEquals':
        parts.push(`${r.key}!=${r.values[0]}`)
        break
      case 'In':
        parts.push(`${r.key} in (${[...r.values].sort().join(',')})`)
        break
      case 'NotIn':
        parts.push(`${r.key} notin (${[...r.values].sort().join(',')})`)
        break
      case 'Exists':
        parts.push(r.key)
        break
      case 'DoesNotExist':
        parts.push(`!${r.key}`)
        break
    }
  }
  return parts.length ? parts.join(',') : '<none>'
}

/**
 * Parses kubectl's `-l` syntax (labels.Parse): `a=b`, `a==b`, `a!=b`,
 * `a in (x,y)`, `a notin (x)`, `a`, `!a`, joined by commas.
 */
/** [A-Za-z0-9_.\-/]: what a label key or value may hold, tested without a regex (issue 20: none to compile on a first run) */
function identChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 46 || c === 45 || c === 47
}

/** `key in (a, b)` or `key notin (a)` from s[i]: the requirement and the index after it, or the parse error. */
function setRequirement(s: string, i0: number, key: string): { req: Requirement; i: number } | string {
  let i = i0
  const ws = () => {
    while (i < s.length && s[i] === ' ') i++
  }
  const op = s.startsWith('in', i) ? 'In' : 'NotIn'
  i += op === 'In' ? 2 : 5
  ws()
  if (s[i] !== '(') return `unable to parse requirement: found '${s[i] ?? ''}', expected: '('`
  i++
  const values: string[] = []
  for (;;) {
    ws()
    const start = i
    while (i < s.length && identChar(s.charCodeAt(i))) i++
    values.push(s.slice(start, i))
    ws()
    if (s[i] === ',') {
      i++
      continue
    }
    if (s[i] === ')') {
      i++
      break
    }
    return `unable to parse requirement: found '${s[i] ?? ''}', expected: ',', ')'`
  }
  return { req: { key, op, values }, i }
}

export function parseSelectorText(text: string): Requirement[] | string {
  const reqs: Requirement[] = []
  let i = 0
  const s = text.trim()
  if (s === '') return reqs
  const ws = () => {
    while (i < s.length && s[i] === ' ') i++
  }
  const ident = () => {
    const start = i
    while (i < s.length && identChar(s.charCodeAt(i))) i++
    return s.slice(start, i)
  }
  while (i < s.length) {
    ws()
    let neg = false
    if (s[i] === '!') {
      neg = true
      i++
      ws()
    }
    const key = ident()
    if (!key) return `unable to parse requirement: found '${s[i] ?? ''}', expected: identifier`
    ws()
    if (neg) {
      reqs.push({ key, op: 'DoesNotExist', values: [] })
    } else if (s.startsWith('!=', i)) {
      i += 2
      ws()
      reqs.push({ key, op: 'NotEquals', values: [ident()] })
    } else if (s.startsWith('==', i) || s[i] === '=') {
      i += s.startsWith('==', i) ? 2 : 1
      ws()
      reqs.push({ key, op: 'Equals', values: [ident()] })
    } else if (s.startsWith('in', i) || s.startsWith('notin', i)) {
      // set-based: compiled only for a selector that has one (issue 20)
      const set = setRequirement(s, i, key)
      if (typeof set === 'string') return set
      reqs.push(set.req)
      i = set.i
    } else {
      reqs.push({ key, op: 'Exists', values: [] })
    }
    ws()
    if (i < s.length) {
      if (s[i] !== ',') return `unable to parse requirement: found '${s[i]}', expected: ','`
      i++
    }
  }
  return reqs
}
