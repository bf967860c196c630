/**
 * The API server's field errors for one object, in its words
 * (k8s.io/apimachinery/pkg/util/validation/field: Error.Error()), collected as
 * the placed problems the loader reports. Kind-specific checks (Ingress, the
 * Gateway API CRDs) extend it with their own message shapes.
 */
import type { GenericObject, Json } from '../model/types.ts'
import type { ObjectProblem } from './checks.ts'
import { fieldPath } from '../load/schema.ts'

export type Path = (string | number)[]

/** field.Error.Error(): strings quoted (%q), numbers bare, anything else as Go's %#v would show it. */
export function goValue(v: Json | undefined | { go: string }): string {
  if (v && typeof v === 'object' && 'go' in v && typeof v.go === 'string') return v.go
  if (typeof v === 'string') return JSON.stringify(v)
  if (typeof v === 'number' || typeof v === 'boolean') return String(v)
  return 'null'
}

export class FieldErrors {
  readonly out: ObjectProblem[] = []
  constructor(private readonly o: GenericObject) {}
  /** `locate` places the problem on another field than the one the message names */
  push(path: Path, message: string, code: string, locate: Path = path): void {
    this.out.push({ severity: 'error', code, kind: this.o.kind, namespace: this.o.meta.namespace, name: this.o.meta.name, source: this.o.source, path: locate, message })
  }
  /** field.Invalid; `shown` replaces the path printed in the message */
  invalid(path: Path, value: Json | undefined | { go: string }, detail: string, locate?: Path, shown?: string): void {
    this.push(path, `${shown ?? fieldPath(path)}: Invalid value: ${goValue(value)}: ${detail}`, 'invalid-value', locate)
  }
  /** field.Required */
  required(path: Path, detail = ''): void {
    this.push(path, `${fieldPath(path)}: Required value${detail ? `: ${detail}` : ''}`, 'required')
  }
  /** field.NotSupported */
  unsupported(path: Path, value: string, supported: string[]): void {
    this.push(path, `${fieldPath(path)}: Unsupported value: ${JSON.stringify(value)}: supported values: ${supported.map((s) => `"${s}"`).join(', ')}`, 'unsupported-value')
  }
  /** field.TooLong */
  tooLong(path: Path, max: number): void {
    this.push(path, `${fieldPath(path)}: Too long: may not be more than ${max} bytes`, 'too-long')
  }
  /** field.Forbidden */
  forbidden(path: Path, detail: string): void {
    this.push(path, `${fieldPath(path)}: Forbidden: ${detail}`, 'forbidden')
  }
}
