/** A problem found in the reader's manifests, located in their text. */
export interface Diagnostic {
  severity: 'error' | 'warning'
  /** Stable machine code, e.g. `invalid-value`, `unknown-field`, `yaml-syntax`. */
  code: string
  /** In Kubernetes' own words where Kubernetes has them. */
  message: string
  /** 1-based line and column in the scenario text (0 when the problem has no place). */
  line: number
  column: number
  endLine: number
  endColumn: number
  /** Which source text (the CLI's -f file index, 0 for a single text). */
  source?: number
  /** The object the problem belongs to, as `Kind/namespace/name` or `Kind/name`. */
  object?: string
  /** The field path, e.g. `spec.ports[0].port`. */
  field?: string
  /** How to fix it, when that is not obvious from the message. */
  hint?: string
}
