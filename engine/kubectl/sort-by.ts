/**
 * kubectl get --sort-by (k8s.io/kubectl/pkg/cmd/get/sorter.go): the field is a JSONPath made
 * relaxed (`.metadata.name`, `metadata.name` and `{.metadata.name}` alike), read from each object
 * as the API returns it, and compared as sorter.go's isLess does: strings that both parse as
 * quantities by value, other strings bytewise, numbers as numbers, an absent value before
 * everything. Sorting is Go's sort.Sort (go-sort.ts), which is not stable; a table is sorted
 * twice (RuntimeSorter.Sort, then the SortingPrinter), a -o list once, as get.go does.
 */
import type { Json, JsonObject } from '../model/types.ts'
import { parseQuantity } from '../model/quantity.ts'
import { executeJsonPath, parseJsonPath } from './jsonpath.ts'
import { goSort } from './go-sort.ts'

const RELAXED = /^\{\.?([^{}]+)\}$|^\.?([^{}]+)$/

/** customcolumn.go RelaxedJSONPathExpression; kubectl falls back to the text as given. */
export function relaxedSortField(field: string): string {
  const m = RELAXED.exec(field)
  return m ? `{.${m[1] ?? m[2]}}` : field
}

type Key = { found: false } | { found: true; value: Json }

function keysOf(objects: JsonObject[], field: string): Key[] | { error: string } {
  let template
  try {
    template = parseJsonPath(field)
  } catch (e) {
    return { error: `error: sorting error: ${(e as Error).message}` }
  }
  const keys: Key[] = []
  for (const o of objects) {
    const run = executeJsonPath(template, o)
    if (!run.ok) return { error: `error: ${run.error}` }
    const first = run.results[0]
    keys.push(first && first.length > 0 ? { found: true, value: first[0] } : { found: false })
  }
  return keys
}

/** isLess's error, in Go's words (%T of the decoded JSON value) */
class Unsortable extends Error {}

function goType(v: Json): string {
  return Array.isArray(v) ? '[]interface {}' : v !== null && typeof v === 'object' ? 'map[string]interface {}' : typeof v === 'boolean' ? 'bool' : typeof v === 'number' ? 'int64' : 'string'
}

/** sorter.go isLess over JSON values (reflect.Interface): nil first, then same-typed comparisons */
function isLess(a: Json, b: Json): boolean {
  if (a === null && b === null) return false
  if (a === null) return true
  if (b === null) return false
  if (typeof a === 'string' && typeof b === 'string') {
    const qa = parseQuantity(a)
    const qb = qa && parseQuantity(b)
    if (qa && qb) return qa.nanos < qb.nanos
    return a < b
  }
  if (typeof a === 'number' && typeof b === 'number') return a < b
  // a string or number against another type falls through isLess's type switch
  if (typeof a === 'string' || typeof a === 'number') throw new Unsortable('unsortable interface: interface')
  throw new Unsortable(`unsortable type: ${goType(a)}`)
}

/** TableSorter.Less / RuntimeSort.Less: a missing value sorts first, even against another missing one */
function lessByKey(keys: Key[], i: number, j: number): boolean {
  const a = keys[i]
  const b = keys[j]
  if (!a.found) return true
  if (!b.found) return false
  return isLess(a.value, b.value)
}

/**
 * The new order of `objects` (indexes into it), sorted `passes` times, or kubectl's error.
 * Nothing found anywhere is sorter.go's "couldn't find any field" error.
 */
export function sortOrder(objects: JsonObject[], sortBy: string, passes: 1 | 2): number[] | { error: string } {
  const field = relaxedSortField(sortBy)
  const keys = keysOf(objects, field)
  if (!Array.isArray(keys)) return keys
  const order = objects.map((_, i) => i)
  if (objects.length === 0) return order
  if (!keys.some((k) => k.found)) return { error: `error: couldn't find any field with path "${field}" in the list of objects` }
  try {
    for (let p = 0; p < passes; p++) {
      // the sort swaps objects and their keys together
      goSort({
        len: order.length,
        less: (i, j) => lessByKey(keys, i, j),
        swap: (i, j) => {
          ;[order[i], order[j]] = [order[j], order[i]]
          ;[keys[i], keys[j]] = [keys[j], keys[i]]
        },
      })
      // the printer's second pass sorts a table only when it has more than one row
      if (objects.length < 2) break
    }
  } catch (e) {
    // klog.Exitf's text (TableSorter.Less / RuntimeSort.Less), without klog's header line prefix
    if (e instanceof Unsortable) return { error: `Field ${field} in ${passes === 2 ? '[][][]reflect.Value' : '*unstructured.Unstructured'} is an unsortable type: interface, err: ${e.message}` }
    throw e
  }
  return order
}
