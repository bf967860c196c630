/**
 * kubectl describe for the ClusterIP allocator's objects (describe.go ServiceCIDRDescriber
 * describeServiceCIDRV1, IPAddressDescriber describeIPAddressV1): a ServiceCIDR's CIDRs and
 * conditions, an IPAddress's parent reference; both end with their events, and the
 * allocator records none in a healthy cluster.
 */
import type { Cluster, JsonObject } from '../model/types.ts'
import { read } from '../cluster/context.ts'
import { tabwrite } from '../text/tabwriter.ts'
import { annotations, multiline, rfc1123z } from './describe-text.ts'
import { ipAddressJson, ipAddresses, serviceCIDRJson, serviceCIDRs } from './service-cidrs.ts'

function head(o: JsonObject): string {
  const meta = read.fields(o.metadata)
  return `Name:\t${String(meta.name)}\n` + multiline('Labels', read.fields(meta.labels) as Record<string, string>) + annotations(read.fields(meta.annotations) as Record<string, string>)
}

export function describeServiceCIDR(c: Cluster, _ns: string, name: string): string | undefined {
  const found = serviceCIDRs(c).find((s) => s.meta.name === name)
  if (!found) return undefined
  const o = serviceCIDRJson(found)
  let w = head(o)
  w += `CIDRs:\t${read.arr(read.fields(o.spec).cidrs).join(', ')}\n`
  const conditions = read.arr(read.fields(o.status).conditions).map((x) => read.fields(x))
  if (conditions.length) {
    w += 'Status:\nConditions:\n'
    w += '  Type\tStatus\tLastTransitionTime\tReason\tMessage\n'
    w += '  ----\t------\t------------------\t------\t-------\n'
    for (const k of conditions) w += `  ${String(k.type)}\t${String(k.status)}\t${rfc1123z(String(k.lastTransitionTime))}\t${String(k.reason)}\t${String(k.message)}\n`
  }
  w += 'Events:\t<none>\n'
  return tabwrite(w, 0, 2)
}

export function describeIPAddress(c: Cluster, _ns: string, name: string): string | undefined {
  const found = ipAddresses(c).find((s) => s.meta.name === name)
  if (!found) return undefined
  const o = ipAddressJson(found)
  let w = head(o)
  const ref = read.obj(read.fields(o.spec).parentRef)
  if (ref) {
    w += 'Parent Reference:\n'
    w += `  Group:\t${String(ref.group)}\n  Resource:\t${String(ref.resource)}\n  Namespace:\t${String(ref.namespace)}\n  Name:\t${String(ref.name)}\n`
  }
  w += 'Events:\t<none>\n'
  return tabwrite(w, 0, 2)
}
