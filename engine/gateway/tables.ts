/**
 * `kubectl get` for the Gateway API kinds: the additionalPrinterColumns of
 * their CRDs (v1.6.1), which the API server's table convertor prints with
 * the names uppercased, a missing value as <none>, a list as JSON, and a
 * date as an age. GatewayClass's DESCRIPTION has priority 1 (-o wide only).
 * -o yaml/json show status as the controller sets it (status.ts).
 */
import type { Cluster, GenericObject } from '../model/types.ts'
import type { Adapter } from '../kubectl/adapter.ts'
import type { TableSpec } from '../kubectl/tables.ts'
import { genericJson } from '../kubectl/api-objects.ts'
import { age } from '../text/duration.ts'
import { read } from '../cluster/context.ts'
import { classStatus, gatewayStatus, routeStatus, statusCondition } from './status.ts'
import { storedJson } from './defaults.ts'
import { apiValidation, objectKey } from './api-validation.ts'

const NONE = '<none>'

const gatewayClassTable: TableSpec<GenericObject> = {
  headers: ['NAME', 'CONTROLLER', 'ACCEPTED', 'AGE'],
  wideHeaders: ['DESCRIPTION'],
  row: (g, c) => [g.meta.name, read.str(g.spec.controllerName) ?? NONE, statusCondition(classStatus(c, g), 'Accepted') ?? NONE, age(g.meta.creationTimestamp, c.now)],
  wide: (g) => [read.str(g.spec.description) ?? NONE],
}

const gatewayTable: TableSpec<GenericObject> = {
  headers: ['NAME', 'CLASS', 'ADDRESS', 'PROGRAMMED', 'AGE'],
  wideHeaders: [],
  row: (g, c) => {
    const st = gatewayStatus(c, g)
    const addrs = read.arr(st.addresses).map((a) => read.str(read.path(a, 'value')) ?? '')
    return [g.meta.name, read.str(g.spec.gatewayClassName) ?? NONE, addrs.length ? addrs.join(',') : NONE, statusCondition(st, 'Programmed') ?? NONE, age(g.meta.creationTimestamp, c.now)]
  },
  wide: () => [],
}

const routeTable: TableSpec<GenericObject> = {
  headers: ['NAME', 'HOSTNAMES', 'AGE'],
  wideHeaders: [],
  row: (g, c) => {
    const h = read.arr(g.spec.hostnames)
    return [g.meta.name, h.length ? JSON.stringify(h) : NONE, age(g.meta.creationTimestamp, c.now)]
  },
  wide: () => [],
}

const referenceGrantTable: TableSpec<GenericObject> = {
  headers: ['NAME', 'AGE'],
  wideHeaders: [],
  row: (g, c) => [g.meta.name, age(g.meta.creationTimestamp, c.now)],
  wide: () => [],
}

function withStatus(g: GenericObject, c: Cluster) {
  const j = storedJson(g, genericJson(g))
  switch (g.kind) {
    case 'GatewayClass':
      return { ...j, status: classStatus(c, g) }
    case 'Gateway':
      return { ...j, status: gatewayStatus(c, g) }
    case 'HTTPRoute':
    case 'GRPCRoute':
      return { ...j, status: routeStatus(c, g) }
    default:
      return j
  }
}

const pick: Record<string, (c: Cluster) => GenericObject[]> = {
  GatewayClass: (c) => c.gatewayClasses,
  Gateway: (c) => c.gateways,
  HTTPRoute: (c) => c.httpRoutes,
  GRPCRoute: (c) => c.grpcRoutes,
  ReferenceGrant: (c) => c.referenceGrants,
}

const TABLES: Record<string, TableSpec<GenericObject>> = {
  GatewayClass: gatewayClassTable,
  Gateway: gatewayTable,
  HTTPRoute: routeTable,
  GRPCRoute: routeTable,
  ReferenceGrant: referenceGrantTable,
}

/** The catalog entry of one Gateway API kind. */
export function gatewayAdapter(kind: string): Adapter {
  return {
    // an object the API server refused was never stored
    items: (c) => pick[kind](c).filter((g) => !apiValidation(c).refused.has(objectKey(g))),
    meta: (x) => (x as GenericObject).meta,
    table: TABLES[kind] as TableSpec<unknown>,
    json: (x, c) => withStatus(x as GenericObject, c),
  }
}
