/**
 * kubectl get -o custom-columns=HEADER:PATH,… (kubectl/pkg/cmd/get/customcolumn.go):
 * each PATH is a relaxed JSONPath (`metadata.name`, `.metadata.name`,
 * `{metadata.name}` or `{.metadata.name}`), evaluated per object with missing
 * keys allowed; several values join with commas, none prints `<none>`, and a
 * value prints as Go's fmt.Sprint does (a map as `map[k:v]`).
 */
import type { Json, JsonObject } from '../model/types.ts'
import { table } from '../text/tabwriter.ts'
import { executeJsonPath, goPlain, JsonPathError, parseJsonPath } from './jsonpath.ts'

export interface Column { header: string; fieldSpec: string }

const RELAXED = /^\{\.?([^{}]+)\}$|^\.?([^{}]+)$/

/** customcolumn.go RelaxedJSONPathExpression. */
export function relaxedJsonPath(expr: string): { ok: true; path: string } | { ok: false; error: string } {
  if (expr === '') return { ok: true, path: expr }
  const m = RELAXED.exec(expr)
  if (!m) return { ok: false, error: "unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'" }
  return { ok: true, path: `{.${m[1] || m[2]}}` }
}

/** customcolumn.go NewCustomColumnsPrinterFromSpec. */
export function parseCustomColumns(spec: string): { ok: true; columns: Column[] } | { ok: false; error: string } {
  if (spec === '') return { ok: false, error: 'custom-columns format specified but no custom columns given' }
  const columns: Column[] = []
  for (const part of spec.split(',')) {
    const colon = part.indexOf(':')
    if (colon < 0) return { ok: false, error: `unexpected custom-columns spec: ${part}, expected <header>:<json-path-expr>` }
    const r = relaxedJsonPath(part.slice(colon + 1))
    if (!r.ok) return r
    columns.push({ header: part.slice(0, colon), fieldSpec: r.path })
  }
  return { ok: true, columns }
}

/**
 * CustomColumnsPrinter.PrintObj over the items kubectl get found: the header
 * (unless --no-headers), then a row per object. An error (a column that does
 * not parse, an index out of range) stops the printing; the lines written
 * before it still come out, as the tabwriter is flushed on return.
 */
export function printCustomColumns(columns: Column[], items: JsonObject[], noHeaders: boolean): { text: string; error?: string } {
  const rows: string[][] = []
  if (!noHeaders) rows.push(columns.map((c) => c.header))
  const flush = () => (rows.length ? table(rows) : '')
  const parsed = []
  for (const c of columns) {
    try {
      parsed.push(parseJsonPath(c.fieldSpec))
    } catch (e) {
      if (e instanceof JsonPathError) return { text: flush(), error: e.message }
      throw e
    }
  }
  for (const item of items) {
    const cells: string[] = []
    for (const t of parsed) {
      const r = executeJsonPath(t, item as Json)
      if (!r.ok) return { text: flush(), error: r.error }
      const values = r.results.flat()
      cells.push(r.results.length === 0 || r.results[0].length === 0 ? ['<none>', ...values.map(goPlain)].join(',') : values.map(goPlain).join(','))
    }
    rows.push(cells)
  }
  return { text: flush() }
}
