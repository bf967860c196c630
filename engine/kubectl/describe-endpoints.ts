/**
 * kubectl describe for EndpointSlices and legacy Endpoints, in the layout of
 * k8s.io/kubectl/pkg/describe describeEndpointSliceV1 and describeEndpoints. Neither has
 * events of its own here (the controllers record none for ordinary changes), so both end
 * in `Events: <none>`, as DescribeEvents prints an empty list.
 */
import type { Cluster } from '../model/types.ts'
import { tabwrite } from '../text/tabwriter.ts'
import { annotations, multiline } from './describe-text.ts'

export function describeEndpointSlice(c: Cluster, ns: string, name: string): string | undefined {
  const s = c.endpointSlices.find((x) => x.meta.namespace === ns && x.meta.name === name)
  if (!s) return undefined
  let w = `Name:\t${s.meta.name}\nNamespace:\t${s.meta.namespace}\n`
  w += multiline('Labels', s.meta.labels)
  w += annotations(s.meta.annotations)
  w += `AddressType:\t${s.addressType}\n`
  if (s.ports.length === 0) w += 'Ports: <unset>\n'
  else {
    w += 'Ports:\n  Name\tPort\tProtocol\n  ----\t----\t--------\n'
    for (const p of s.ports) w += `  ${p.name || '<unset>'}\t${p.port ?? '<unset>'}\t${p.protocol}\n`
  }
  if (s.endpoints.length === 0) w += 'Endpoints: <none>\n'
  else {
    w += 'Endpoints:\n'
    for (const e of s.endpoints) {
      // only Ready of the three conditions is printed
      w += `  - Addresses:\t${e.addresses.join(', ') || '<none>'}\n`
      w += `    Conditions:\n      Ready:\t${e.conditions.ready}\n`
      w += `    Hostname:\t${e.hostname ?? '<unset>'}\n`
      if (e.targetRef) w += `    TargetRef:\t${e.targetRef.kind}/${e.targetRef.name}\n`
      w += `    NodeName:\t${e.nodeName ?? '<unset>'}\n`
      w += `    Zone:\t${e.zone ?? '<unset>'}\n`
    }
  }
  w += 'Events:\t<none>\n'
  return tabwrite(w, 0, 2)
}

export function describeEndpoints(c: Cluster, ns: string, name: string): string | undefined {
  const e = c.endpoints.find((x) => x.meta.namespace === ns && x.meta.name === name)
  if (!e) return undefined
  let w = `Name:\t${e.meta.name}\nNamespace:\t${e.meta.namespace}\n`
  w += multiline('Labels', e.meta.labels)
  w += annotations(e.meta.annotations)
  w += 'Subsets:\n'
  for (const s of e.subsets) {
    w += `  Addresses:\t${s.addresses.map((a) => a.ip).join(',') || '<none>'}\n`
    w += `  NotReadyAddresses:\t${s.notReadyAddresses.map((a) => a.ip).join(',') || '<none>'}\n`
    if (s.ports.length) {
      w += '  Ports:\n    Name\tPort\tProtocol\n    ----\t----\t--------\n'
      for (const p of s.ports) w += `    ${p.name || '<unset>'}\t${p.port}\t${p.protocol}\n`
    }
    w += '\n'
  }
  w += 'Events:\t<none>\n'
  return tabwrite(w, 0, 2)
}
