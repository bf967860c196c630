/**
 * kubectl describe namespace (describe.go NamespaceDescriber, describeNamespace): name, labels,
 * annotations, phase, then the namespace's ResourceQuotas and LimitRanges, which a cluster
 * without any prints as "No resource quota." and "No LimitRange resource.". The simulator
 * does not model quotas or limit ranges (it accepts and ignores them), so a scenario that
 * has one is refused rather than described without it.
 */
import type { Cluster, JsonObject } from '../model/types.ts'
import { read } from '../cluster/context.ts'
import { tabwrite } from '../text/tabwriter.ts'
import { annotations, multiline } from './describe-text.ts'
import { namespaceJson } from './api-objects.ts'
import { NotSimulated } from './describe-configmap.ts'

export function describeNamespace(c: Cluster, _ns: string, name: string): string | undefined {
  const ns = c.index.namespace.get(name)
  if (!ns) return undefined
  // the loader's warning is the record of an ignored object (load/objects.ts)
  const ignored = c.diagnostics.find((d) => d.code === 'not-simulated' && /^(ResourceQuota|LimitRange)\//.test(d.object ?? ''))
  if (ignored) throw new NotSimulated(`error: describing namespaces is not simulated when the scenario has a ResourceQuota or LimitRange (${ignored.object} is ignored here, so its section would be missing)`)
  const o: JsonObject = namespaceJson(ns)
  const meta = read.fields(o.metadata)
  let w = `Name:\t${name}\n`
  w += multiline('Labels', read.fields(meta.labels) as Record<string, string>)
  w += annotations(read.fields(meta.annotations) as Record<string, string>)
  w += `Status:\t${String(read.fields(o.status).phase)}\n`
  w += '\nNo resource quota.\n'
  w += '\nNo LimitRange resource.\n'
  return tabwrite(w, 0, 2)
}
