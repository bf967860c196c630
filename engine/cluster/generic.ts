import type { GenericObject } from '../model/types.ts'
import { read } from './context.ts'
import type { Loaded } from './context.ts'
import { makeMeta } from './meta.ts'

/** Objects kept close to their API form; their own modules interpret the spec. */
export function toGeneric(l: Loaded): GenericObject {
  return {
    apiVersion: l.apiVersion,
    kind: l.kind,
    meta: makeMeta({ kind: l.kind, name: l.name, namespace: l.namespace, raw: l.value }),
    spec: read.obj(l.value.spec) ?? {},
    status: read.obj(l.value.status) ?? {},
    raw: l.value,
    source: l.ref,
  }
}
