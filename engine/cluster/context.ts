/**
 * What every build step shares: the raw objects grouped by kind, and one way
 * to report a problem at a field of an object in the reader's text.
 */
import type { Diagnostic } from '../model/diagnostic.ts'
import type { Json, JsonObject, SourceRef } from '../model/types.ts'
import { locate } from '../load/parse.ts'
import type { SourceMap } from '../load/parse.ts'
import { fieldPath } from '../load/schema.ts'

export interface Loaded {
  kind: string
  apiVersion: string
  name: string
  namespace: string
  value: JsonObject
  ref: SourceRef
}

export class BuildContext {
  readonly diagnostics: Diagnostic[] = []
  readonly byKind = new Map<string, Loaded[]>()

  constructor(readonly maps: SourceMap[]) {}

  objects(kind: string): Loaded[] {
    return this.byKind.get(kind) ?? []
  }

  report(
    severity: Diagnostic['severity'],
    code: string,
    obj: { kind: string; name: string; namespace: string; ref?: SourceRef } | undefined,
    path: (string | number)[],
    message: string,
    opts: { key?: boolean; hint?: string } = {},
  ): void {
    const pos = obj?.ref
      ? locate(this.maps, obj.ref, path, opts.key)
      : { line: 0, column: 0, endLine: 0, endColumn: 0 }
    this.diagnostics.push({
      severity,
      code,
      message,
      ...pos,
      source: obj?.ref?.source,
      object: obj ? objectName(obj.kind, obj.namespace, obj.name) : undefined,
      field: path.length ? fieldPath(path) : undefined,
      hint: opts.hint,
    })
  }

  error(obj: Loaded | undefined, path: (string | number)[], message: string, code = 'invalid-value', hint?: string): void {
    this.report('error', code, obj, path, message, { hint })
  }

  warn(obj: Loaded | undefined, path: (string | number)[], message: string, code = 'warning', hint?: string): void {
    this.report('warning', code, obj, path, message, { hint })
  }
}

export function objectName(kind: string, namespace: string, name: string): string {
  return namespace ? `${kind}/${namespace}/${name}` : `${kind}/${name}`
}

/** Typed reads of raw JSON that tolerate whatever the reader wrote (schema errors are reported elsewhere). */
export const read = {
  obj(v: Json | undefined): JsonObject | undefined {
    return v && typeof v === 'object' && !Array.isArray(v) ? v : undefined
  },
  /** the object, or a new empty one to read (or fill) instead */
  fields(v: Json | undefined): JsonObject {
    return read.obj(v) ?? {}
  },
  arr(v: Json | undefined): Json[] {
    return Array.isArray(v) ? v : []
  },
  str(v: Json | undefined): string | undefined {
    return typeof v === 'string' ? v : undefined
  },
  num(v: Json | undefined): number | undefined {
    return typeof v === 'number' && Number.isFinite(v) ? v : undefined
  },
  bool(v: Json | undefined): boolean | undefined {
    return typeof v === 'boolean' ? v : undefined
  },
  labels(v: Json | undefined): Record<string, string> {
    const o = read.obj(v)
    const out: Record<string, string> = {}
    if (!o) return out
    for (const [k, x] of Object.entries(o)) if (typeof x === 'string') out[k] = x
    return out
  },
  path(root: Json | undefined, ...keys: (string | number)[]): Json | undefined {
    let cur: Json | undefined = root
    for (const k of keys) {
      if (cur === null || cur === undefined || typeof cur !== 'object') return undefined
      cur = (cur as Record<string | number, Json>)[k]
    }
    return cur
  },
}
