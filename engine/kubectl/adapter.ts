/** How `kubectl get` and `describe` reach one resource type: its objects, its table, its API object. */
import type { Cluster, JsonObject, ObjectMeta } from '../model/types.ts'
import type { TableSpec } from './tables.ts'

export interface Adapter<X = unknown> {
  items(c: Cluster): X[]
  meta(x: X): ObjectMeta
  table: TableSpec<X>
  json(x: X, c: Cluster): JsonObject
  /** why a listing in this namespace (undefined: all of them) cannot be complete, if it cannot */
  unlisted?(namespace: string | undefined): string | undefined
}
