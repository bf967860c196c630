/**
 * What the ServiceAccount admission plugin adds to a Pod when it is created
 * (plugin/pkg/admission/serviceaccount/admission.go, Admit and
 * mountServiceAccountToken; BoundServiceAccountTokenVolume has been GA and
 * locked on since v1.22):
 * - a projected volume `kube-api-access-XXXXX` (TokenVolumeSource: a bound
 *   token that kubelet refreshes, the cluster CA from the kube-root-ca.crt
 *   ConfigMap, the namespace from the downward API), appended to the volumes;
 * - a read-only mount of it at /var/run/secrets/kubernetes.io/serviceaccount,
 *   appended to every init container (sidecars included) and then every
 *   container, except one that already mounts something at that path;
 * - the account's imagePullSecrets when the Pod names none.
 * Nothing is mounted when the Pod's automountServiceAccountToken, or else its
 * account's, is false. Mirror Pods (a static Pod's, owned by its Node) are
 * left as kubelet wrote them. Applied when a command reads the Pod, never
 * while the scenario loads.
 */
import { read } from '../cluster/context.ts'
import { safeRandomString } from '../cluster/hash.ts'
import type { Cluster, JsonObject, Pod } from '../model/types.ts'

const VOLUME_PREFIX = 'kube-api-access-'
export const TOKEN_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount'
/** serviceaccount.WarnOnlyBoundTokenExpirationSeconds: one hour and 7 seconds, the 7 marking tokens kubelet made */
const TOKEN_EXPIRATION_SECONDS = 3607

/**
 * The volume's name: names.SimpleNameGenerator (5 characters of rand.String's alphabet) in the
 * API server; here drawn from the Pod's own identity, so that no other object's edit changes it.
 */
export function tokenVolumeName(pod: Pod): string {
  return `${VOLUME_PREFIX}${safeRandomString(`${VOLUME_PREFIX}${pod.meta.namespace}/${pod.meta.name}`, 5)}`
}

/** TokenVolumeSource, with the defaultMode it sets explicitly (kubernetes#104464) */
function tokenVolume(name: string): JsonObject {
  return {
    name,
    projected: {
      defaultMode: 420,
      sources: [
        { serviceAccountToken: { expirationSeconds: TOKEN_EXPIRATION_SECONDS, path: 'token' } },
        { configMap: { items: [{ key: 'ca.crt', path: 'ca.crt' }], name: 'kube-root-ca.crt' } },
        { downwardAPI: { items: [{ fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' }, path: 'namespace' }] } },
      ],
    },
  }
}

/** The Pod's account as stored: the reader's object, or undefined for one the controllers made (no fields set). */
function accountOf(cluster: Cluster, namespace: string, name: string): JsonObject | undefined {
  return cluster.serviceAccounts.find((a) => a.meta.namespace === namespace && a.meta.name === name)?.raw
}

/** shouldAutomount: the Pod's preference wins, then the account's, else true */
function shouldAutomount(spec: JsonObject, account: JsonObject | undefined): boolean {
  if (typeof spec.automountServiceAccountToken === 'boolean') return spec.automountServiceAccountToken
  if (typeof account?.automountServiceAccountToken === 'boolean') return account.automountServiceAccountToken
  return true
}

/** Admits a Pod's stored spec (already defaulted, containers copied): adds the token volume, mounts and pull secrets. */
export function admitServiceAccount(pod: Pod, spec: JsonObject, cluster: Cluster): void {
  if (pod.owner?.kind === 'Node' || !pod.serviceAccountName) return
  const account = accountOf(cluster, pod.meta.namespace, pod.serviceAccountName)
  if (shouldAutomount(spec, account)) mountToken(pod, spec)
  const pull = read.arr(account?.imagePullSecrets)
  if (read.arr(spec.imagePullSecrets).length === 0 && pull.length) spec.imagePullSecrets = pull.map((s) => ({ name: read.str(read.fields(s).name) ?? '' }))
}

function mountToken(pod: Pod, spec: JsonObject): void {
  const volumes = read.arr(spec.volumes).map(read.fields)
  // a volume already named kube-api-access-* (a Pod pasted from a cluster) is the token volume
  const existing = volumes.find((v) => String(v.name ?? '').startsWith(VOLUME_PREFIX))
  const name = existing ? String(existing.name) : tokenVolumeName(pod)
  let needed = false
  for (const key of ['initContainers', 'containers']) {
    if (!Array.isArray(spec[key])) continue
    spec[key] = spec[key].map((c) => {
      const container = read.fields(c)
      const mounts = read.arr(container.volumeMounts)
      if (mounts.some((m) => read.fields(m).mountPath === TOKEN_MOUNT_PATH)) return container
      needed = true
      return { ...container, volumeMounts: [...mounts, { mountPath: TOKEN_MOUNT_PATH, name, readOnly: true }] }
    })
  }
  if (!existing && needed) spec.volumes = [...volumes, tokenVolume(name)]
}
