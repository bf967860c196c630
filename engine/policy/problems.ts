/**
 * Field problems found while reading a policy, in the words of the API
 * server's field errors (k8s.io/apimachinery/pkg/util/validation/field), and
 * the label-selector checks every policy kind shares
 * (apimachinery/pkg/apis/meta/v1/validation ValidateLabelSelector).
 */
import type { GenericObject, Json } from '../model/types.ts'
import { read } from '../cluster/context.ts'
import { fieldPath } from '../load/schema.ts'

export type Path = (string | number)[]

export interface Problem {
  object: GenericObject
  path: Path
  severity: 'error' | 'warning'
  code: string
  message: string
  hint?: string
}

export class Problems {
  readonly list: Problem[] = []
  constructor(readonly object: GenericObject) {}

  get errorCount(): number {
    return this.list.filter((p) => p.severity === 'error').length
  }

  add(severity: Problem['severity'], code: string, path: Path, message: string, hint?: string): void {
    this.list.push({ object: this.object, path, severity, code, message, hint })
  }

  /** field.Invalid */
  invalid(path: Path, value: Json | undefined, detail: string, hint?: string): void {
    this.add('error', 'invalid-value', path, `${fieldPath(path)}: Invalid value: ${goValue(value)}: ${detail}`, hint)
  }

  /** field.NotSupported */
  unsupported(path: Path, value: Json | undefined, supported: string[], hint?: string): void {
    this.add('error', 'unsupported-value', path, `${fieldPath(path)}: Unsupported value: ${goValue(value)}: supported values: ${supported.map((s) => `"${s}"`).join(', ')}`, hint)
  }

  /** field.Required */
  required(path: Path, detail: string, hint?: string): void {
    this.add('error', 'required', path, `${fieldPath(path)}: Required value${detail ? `: ${detail}` : ''}`, hint)
  }

  /** field.Forbidden */
  forbidden(path: Path, detail: string, hint?: string): void {
    this.add('error', 'forbidden', path, `${fieldPath(path)}: Forbidden: ${detail}`, hint)
  }

  warn(path: Path, message: string, code = 'warning', hint?: string): void {
    this.add('warning', code, path, message, hint)
  }
}

/** How field errors print values: strings quoted, numbers bare. */
export function goValue(v: Json | undefined): string {
  if (typeof v === 'string') return JSON.stringify(v)
  if (v === undefined || v === null) return 'null'
  if (typeof v === 'object') return Array.isArray(v) ? `[]interface {}{...}` : '"object"'
  return String(v)
}

const NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/

/** validation.IsQualifiedName, first message only */
function qualifiedNameProblem(key: string): string | undefined {
  const parts = key.split('/')
  let name = key
  if (parts.length === 2) {
    const prefix = parts[0]
    name = parts[1]
    if (prefix.length === 0) return 'prefix part must be non-empty'
    if (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix)) return "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
  } else if (parts.length > 2) {
    return "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
  }
  if (name.length === 0) return 'name part must be non-empty'
  if (name.length > 63) return 'name part must be no more than 63 characters'
  if (!NAME_PART.test(name)) return "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
  return undefined
}

function labelValueProblem(v: string): string | undefined {
  if (v.length > 63) return 'must be no more than 63 characters'
  if (!LABEL_VALUE.test(v)) return "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
  return undefined
}

const OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist']

/** unversionedvalidation.ValidateLabelSelector (matchLabels via ValidateLabels). */
export function checkLabelSelector(p: Problems, v: Json | undefined, path: Path): void {
  const o = read.obj(v)
  if (!o) return
  const ml = read.obj(o.matchLabels)
  if (ml) {
    for (const [k, val] of Object.entries(ml)) {
      const kp = qualifiedNameProblem(k)
      if (kp) p.invalid([...path, 'matchLabels'], k, kp)
      if (typeof val === 'string') {
        const vp = labelValueProblem(val)
        if (vp) p.invalid([...path, 'matchLabels'], val, vp)
      }
    }
  }
  read.arr(o.matchExpressions).forEach((e, i) => {
    const ep = [...path, 'matchExpressions', i]
    const op = read.str(read.path(e, 'operator'))
    const key = read.str(read.path(e, 'key')) ?? ''
    const values = read.arr(read.path(e, 'values'))
    if (op === 'In' || op === 'NotIn') {
      if (values.length === 0) p.required([...ep, 'values'], "must be specified when `operator` is 'In' or 'NotIn'")
    } else if (op === 'Exists' || op === 'DoesNotExist') {
      if (values.length > 0) p.forbidden([...ep, 'values'], "may not be specified when `operator` is 'Exists' or 'DoesNotExist'")
    } else {
      p.unsupported([...ep, 'operator'], op ?? '', OPERATORS)
    }
    const kp = qualifiedNameProblem(key)
    if (kp) p.invalid([...ep, 'key'], key, kp)
  })
}

/** validation.IsValidPortNum */
export function portNumProblem(n: number): string | undefined {
  return Number.isInteger(n) && n >= 1 && n <= 65535 ? undefined : 'must be between 1 and 65535, inclusive'
}

/** validation.IsValidPortName (an IANA_SVC_NAME) */
export function portNameProblem(name: string): string | undefined {
  if (name.length === 0 || name.length > 15) return 'must be no more than 15 characters'
  if (!/^[-a-z0-9]+$/.test(name)) return 'must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)'
  if (!/[a-z]/.test(name)) return 'must contain at least one letter (a-z)'
  if (name.includes('--')) return 'must not contain consecutive hyphens'
  if (name.startsWith('-') || name.endsWith('-')) return 'must not begin or end with a hyphen'
  return undefined
}
