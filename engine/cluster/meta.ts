/**
 * ObjectMeta as the API server fills it. Time is simulated: the cluster came
 * up at CLUSTER_CREATED, the reader's objects were applied at APPLIED, and the
 * terminal's "now" is NOW, so `kubectl get` ages read 10d and 5m everywhere.
 */
import type { JsonObject, ObjectMeta } from '../model/types.ts'
import { read } from './context.ts'
import { deterministicUID, uidHash } from './hash.ts'

export const CLUSTER_CREATED = '2026-01-05T12:00:00Z'
export const APPLIED = '2026-01-15T11:55:00Z'
export const NOW = '2026-01-15T12:00:00Z'

const NO_METADATA: JsonObject = Object.freeze({}) as JsonObject

export function makeMeta(o: {
  kind: string
  name: string
  namespace: string
  labels?: Record<string, string>
  annotations?: Record<string, string>
  raw?: JsonObject
  /** part of the cluster before the reader's objects */
  system?: boolean
  generateName?: string
  ownerReferences?: ObjectMeta['ownerReferences']
}): ObjectMeta {
  const m = read.obj(o.raw?.metadata) ?? NO_METADATA
  const uid = read.str(m.uid) ?? deterministicUID(`${o.kind}/${o.namespace}/${o.name}`)
  const created = read.str(m.creationTimestamp) ?? (o.system ? CLUSTER_CREATED : APPLIED)
  const rawOwners = read.arr(m.ownerReferences)
  const owners = rawOwners.length
    ? rawOwners.map((r) => ({
        apiVersion: read.str(read.path(r, 'apiVersion')) ?? '',
        kind: read.str(read.path(r, 'kind')) ?? '',
        name: read.str(read.path(r, 'name')) ?? '',
        uid: read.str(read.path(r, 'uid')) ?? '',
        controller: read.bool(read.path(r, 'controller')),
        blockOwnerDeletion: read.bool(read.path(r, 'blockOwnerDeletion')),
      }))
    : o.ownerReferences
  return {
    name: o.name,
    namespace: o.namespace,
    uid,
    labels: o.labels ?? read.labels(m.labels),
    annotations: o.annotations ?? read.labels(m.annotations),
    creationTimestamp: created,
    resourceVersion: read.str(m.resourceVersion) ?? String(1000 + (uidHash(uid) % 900000)),
    generateName: read.str(m.generateName) ?? o.generateName,
    ownerReferences: owners,
  }
}
