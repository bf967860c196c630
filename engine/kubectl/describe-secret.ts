/**
 * kubectl describe secret (describe.go describeSecret): names, the type, then each data key
 * in sorted order with its size in bytes, never the value. A service-account token Secret
 * prints its token; the token controller's signed JWT is not simulated, so that one is refused.
 */
import type { Cluster } from '../model/types.ts'
import { read } from '../cluster/context.ts'
import { base64DecodedLength } from '../cluster/secrets.ts'
import { tabwrite } from '../text/tabwriter.ts'
import { annotations, multiline } from './describe-text.ts'
import { NotSimulated } from './describe-configmap.ts'

export function describeSecret(c: Cluster, ns: string, name: string): string | undefined {
  const s = c.secrets.find((x) => x.meta.namespace === ns && x.meta.name === name)
  if (!s) return undefined
  const type = read.str(s.raw.type) ?? 'Opaque'
  if (type === 'kubernetes.io/service-account-token') {
    throw new NotSimulated(`error: describing a ${type} Secret is not simulated: describe prints its token, which the token controller signs`)
  }
  let w = `Name:\t${name}\nNamespace:\t${ns}\n`
  w += multiline('Labels', s.meta.labels)
  w += annotations(s.meta.annotations)
  w += `\nType:\t${type}\n`
  w += '\nData\n====\n'
  const data = read.fields(s.raw.data)
  for (const k of Object.keys(data).sort()) w += `${k}:\t${base64DecodedLength(String(data[k]))} bytes\n`
  return tabwrite(w, 0, 2)
}
