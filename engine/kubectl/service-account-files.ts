/**
 * The token volume's files, for `cat` in a container that mounts it
 * (service-account-admission.ts): kubelet's projected volume writes `namespace`
 * from the downward API (the bare value, no newline), `ca.crt` from the
 * kube-root-ca.crt ConfigMap (the cluster's CA, cluster/cluster-ca.ts), and
 * `token`, a JWT kubelet requests through the TokenRequest API, which the
 * simulator does not issue.
 */
import type { Cluster } from '../model/types.ts'
import type { Place } from '../shell/types.ts'
import { read } from '../cluster/context.ts'
import { CLUSTER_CA_PEM } from '../cluster/cluster-ca.ts'
import { podJson } from './api-objects.ts'
import { TOKEN_MOUNT_PATH } from './service-account-admission.ts'

export function serviceAccountFile(cluster: Cluster, place: Place, path: string): { content: string } | { error: string } | undefined {
  if (place.kind !== 'pod' || !path.startsWith(`${TOKEN_MOUNT_PATH}/`)) return undefined
  const spec = read.fields(podJson(place.pod, cluster).spec)
  const containers = read.arr(spec.containers).map(read.fields)
  const container = containers.find((c) => c.name === place.container) ?? containers[0]
  const mount = read.arr(container?.volumeMounts).map(read.fields).find((m) => m.mountPath === TOKEN_MOUNT_PATH)
  const volume = read.arr(spec.volumes).map(read.fields).find((v) => v.name === mount?.name)
  // only the plugin's volume is known file by file
  if (!mount || !String(volume?.name ?? '').startsWith('kube-api-access-')) return undefined
  const file = path.slice(TOKEN_MOUNT_PATH.length + 1)
  if (file === 'namespace') return { content: place.pod.meta.namespace }
  if (file === 'ca.crt') return { content: CLUSTER_CA_PEM }
  if (file === 'token') return { error: `cat: ${path}: the simulator issues no ServiceAccount tokens (kubelet would have written a JWT from the TokenRequest API here)` }
  return { error: `cat: ${path}: No such file or directory` }
}
