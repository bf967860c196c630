/**
 * The status objects a controller writes, as JSON (for -o yaml and describe):
 * GatewayClass and Gateway conditions, listener status (supportedKinds,
 * attachedRoutes, conditions), the Gateway's addresses, and each route's
 * status.parents with controllerName. An object no modelled controller owns
 * keeps what the CRD defaults its status to (Accepted/Programmed Unknown,
 * reason Pending, "Waiting for controller"); routes get no parents then.
 * Times are the object's creation time; observedGeneration is 1 (the
 * scenario creates every object once).
 */
import type { Cluster, GenericObject, JsonObject } from '../model/types.ts'
import { read } from '../cluster/context.ts'
import { gatewayModel, ENVOY_GATEWAY_CONTROLLER } from './attach.ts'
import type { Condition } from './attach.ts'
import { GATEWAY_GROUP } from './kinds.ts'

const EPOCH = '1970-01-01T00:00:00Z'

function conditionsJson(list: Condition[], at: string, defaulted: boolean): JsonObject[] {
  return list.map((c) => ({ lastTransitionTime: defaulted ? EPOCH : at, message: c.message, ...(defaulted ? {} : { observedGeneration: 1 }), reason: c.reason, status: c.status, type: c.type }))
}

/** The status of one condition type, e.g. 'True' (undefined when absent). */
export function statusCondition(status: JsonObject, type: string): string | undefined {
  const c = read.arr(status.conditions).find((x) => read.path(x, 'type') === type)
  return read.str(read.path(c, 'status'))
}

export function classStatus(c: Cluster, g: GenericObject): JsonObject {
  const st = gatewayModel(c).classes.find((x) => x.view.object === g)
  if (!st) return { conditions: conditionsJson([{ type: 'Accepted', status: 'Unknown', reason: 'Pending', message: 'Waiting for controller' }], EPOCH, true) }
  return { conditions: conditionsJson(st.conditions, g.meta.creationTimestamp, !st.controlled) }
}

export function gatewayStatus(c: Cluster, g: GenericObject): JsonObject {
  const st = gatewayModel(c).gateways.find((x) => x.view.object === g)
  const pending: Condition[] = [
    { type: 'Accepted', status: 'Unknown', reason: 'Pending', message: 'Waiting for controller' },
    { type: 'Programmed', status: 'Unknown', reason: 'Pending', message: 'Waiting for controller' },
  ]
  if (!st || !st.controlled) return { conditions: conditionsJson(pending, EPOCH, true) }
  const at = g.meta.creationTimestamp
  return {
    ...(st.addresses.length ? { addresses: st.addresses.map((a) => ({ type: a.type, value: a.value })) } : {}),
    conditions: conditionsJson(st.conditions, at, false),
    listeners: st.listeners.map((l) => ({
      attachedRoutes: l.attachedRoutes,
      conditions: conditionsJson(l.conditions, at, false),
      name: l.view.name,
      supportedKinds: l.supportedKinds.map((k) => ({ group: k.group, kind: k.kind })),
    })),
  }
}

export function routeStatus(c: Cluster, g: GenericObject): JsonObject {
  const st = gatewayModel(c).routes.find((x) => x.view.object === g)
  if (!st || st.parents.length === 0) return { parents: [] }
  return {
    parents: st.parents.map((p) => ({
      conditions: conditionsJson(p.conditions, g.meta.creationTimestamp, false),
      controllerName: ENVOY_GATEWAY_CONTROLLER,
      parentRef: {
        group: GATEWAY_GROUP,
        kind: 'Gateway',
        name: p.ref.name,
        ...(p.ref.namespace !== g.meta.namespace || read.str(read.path(read.arr(g.spec.parentRefs)[p.ref.index], 'namespace')) !== undefined ? { namespace: p.ref.namespace } : {}),
        ...(p.ref.sectionName !== undefined ? { sectionName: p.ref.sectionName } : {}),
        ...(p.ref.port !== undefined ? { port: p.ref.port } : {}),
      },
    })),
  }
}
