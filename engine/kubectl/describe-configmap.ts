/**
 * kubectl describe configmap (describe.go ConfigMapDescriber): the names, then each data key
 * in sorted order with its value between `----` and a blank line, then BinaryData with sizes,
 * then the events. A ConfigMap whose values the simulator does not reproduce is refused, as
 * -o yaml refuses it (unsimulated-data.ts).
 */
import type { Cluster, JsonObject } from '../model/types.ts'
import { read } from '../cluster/context.ts'
import { tabwrite } from '../text/tabwriter.ts'
import { annotations, multiline } from './describe-text.ts'
import { adapterFor } from './catalog.ts'
import { resourceType } from './resources.ts'
import { refuseUnsimulated } from './unsimulated-data.ts'

/** The describer; a refusal (not simulated) comes back as `{ error }`. */
export function describeConfigMap(c: Cluster, ns: string, name: string): string | undefined {
  const ad = adapterFor(resourceType('configmaps')!)
  const item = ad.items(c).find((x) => ad.meta(x).namespace === ns && ad.meta(x).name === name)
  if (!item) return undefined
  const cm: JsonObject = ad.json(item, c)
  const meta = read.fields(cm.metadata)
  const data = read.fields(cm.data)
  const binary = read.fields(cm.binaryData)
  let w = `Name:\t${name}\nNamespace:\t${ns}\n`
  w += multiline('Labels', read.fields(meta.labels) as Record<string, string>)
  w += annotations(read.fields(meta.annotations) as Record<string, string>)
  w += '\nData\n====\n'
  for (const k of Object.keys(data).sort()) w += `${k}:\n----\n${String(data[k])}\n\n`
  w += '\nBinaryData\n====\n'
  // base64 in the API; describe prints the decoded length
  for (const k of Object.keys(binary).sort()) w += `${k}: ${Math.floor((String(binary[k]).replace(/=+$/, '').length * 3) / 4)} bytes\n`
  w += '\nEvents:\t<none>\n'
  const refused = refuseUnsimulated(w, [cm])
  if (refused) throw new NotSimulated(refused.stderr)
  return tabwrite(w, 0, 2)
}

/** A describer's refusal, carried to kubectlDescribe */
export class NotSimulated extends Error {}
