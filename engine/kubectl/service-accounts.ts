/**
 * ServiceAccounts as `kubectl get sa` lists them: the `default` account the
 * serviceaccounts controller creates in every namespace as the namespace
 * appears, the add-ons' (kube-flannel.yml's `flannel`, labelled
 * k8s-app: flannel), and the reader's, which replace a generated one of the
 * same name. kube-system's are not enumerated (cluster/service-accounts.ts):
 * listing there says so rather than print part of the list. Built when a
 * command lists them, never while the scenario loads.
 */
import type { Cluster, GenericObject, JsonObject } from '../model/types.ts'
import { makeMeta } from '../cluster/meta.ts'
import { read } from '../cluster/context.ts'
import { age } from '../text/duration.ts'
import { tabwrite } from '../text/tabwriter.ts'
import { addonServiceAccounts, DEFAULT_SERVICE_ACCOUNT, UNLISTED_SA_NAMESPACE } from '../cluster/service-accounts.ts'
import type { TableSpec } from './tables.ts'
import { annotations, multiline } from './describe-text.ts'

const cache = new WeakMap<Cluster, GenericObject[]>()

const ADDON_LABELS: Record<string, Record<string, string>> = { 'kube-flannel/flannel': { 'k8s-app': 'flannel' } }

/** Every listed ServiceAccount (kube-system's left out), in no particular order. */
export function serviceAccounts(c: Cluster): GenericObject[] {
  let list = cache.get(c)
  if (list) return list
  const made: GenericObject[] = []
  const add = (namespace: string, name: string, created: string, system: boolean) => {
    const labels = ADDON_LABELS[`${namespace}/${name}`] ?? {}
    const raw: JsonObject = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace, creationTimestamp: created } }
    made.push({ apiVersion: 'v1', kind: 'ServiceAccount', meta: makeMeta({ kind: 'ServiceAccount', name, namespace, labels, raw, system }), spec: {}, status: {}, raw })
  }
  for (const ns of c.namespaces) add(ns.meta.name, DEFAULT_SERVICE_ACCOUNT, ns.meta.creationTimestamp, ns.system)
  for (const a of addonServiceAccounts(c.config)) {
    const ns = c.index.namespace.get(a.namespace)
    if (ns) add(a.namespace, a.name, ns.meta.creationTimestamp, true)
  }
  const mine = new Set(c.serviceAccounts.map((a) => `${a.meta.namespace}/${a.meta.name}`))
  list = [...made.filter((a) => !mine.has(`${a.meta.namespace}/${a.meta.name}`)), ...c.serviceAccounts].filter((a) => a.meta.namespace !== UNLISTED_SA_NAMESPACE)
  cache.set(c, list)
  return list
}

/**
 * The error for a listing that would reach kube-system (`-n kube-system`, or `-A`): its accounts
 * (kube-controller-manager's per-controller ones, kubeadm's coredns and kube-proxy, the CNI's)
 * are not simulated, and a partial list would mislead.
 */
export function unlistedServiceAccounts(namespace: string | undefined): string | undefined {
  if (namespace !== undefined && namespace !== UNLISTED_SA_NAMESPACE) return undefined
  return `error: the ServiceAccounts of namespace ${UNLISTED_SA_NAMESPACE} are not simulated here: kube-controller-manager creates one for each of its controllers there, and that list is not reproduced (every other namespace's are: kubectl get sa -n NAMESPACE)`
}

/** printers.go printServiceAccount: the number of secrets it references (none are made for it since v1.24) */
export const serviceAccountTable: TableSpec<GenericObject> = {
  headers: ['NAME', 'SECRETS', 'AGE'],
  wideHeaders: [],
  row: (g, c) => [g.meta.name, String(read.arr(g.raw.secrets).length), age(g.meta.creationTimestamp, c.now)],
  wide: () => [],
}

/**
 * describe.go describeServiceAccount: its pull secrets, mountable secrets and token Secrets
 * (headers sorted; a referenced Secret that does not exist is marked "(not found)"), then events.
 */
export function describeServiceAccount(c: Cluster, ns: string, name: string): string | undefined {
  const a = serviceAccounts(c).find((x) => x.meta.namespace === ns && x.meta.name === name)
  if (!a) return undefined
  const exists = new Set(c.secrets.filter((s) => s.meta.namespace === ns).map((s) => s.meta.name))
  const names = (v: unknown) => read.arr(v as never).map((s) => read.str(read.fields(s).name) ?? '')
  // tokens: legacy token Secrets annotated with this account's name and uid (none are made since v1.24)
  const tokens = c.secrets
    .filter((s) => s.meta.namespace === ns && s.raw.type === 'kubernetes.io/service-account-token' && s.meta.annotations['kubernetes.io/service-account.name'] === name && s.meta.annotations['kubernetes.io/service-account.uid'] === a.meta.uid)
    .map((s) => s.meta.name)
  let w = `Name:\t${name}\nNamespace:\t${ns}\n`
  w += multiline('Labels', a.meta.labels)
  w += annotations(a.meta.annotations)
  const blocks: [string, string[]][] = [
    ['Image pull secrets:', names(a.raw.imagePullSecrets)],
    ['Mountable secrets: ', names(a.raw.secrets)],
    ['Tokens:            ', tokens],
  ]
  for (const [header, list] of blocks) {
    if (list.length === 0) w += `${header}\t<none>\n`
    list.forEach((n, i) => (w += `${i === 0 ? header : '                   '}\t${n}${exists.has(n) ? '' : ' (not found)'}\n`))
  }
  w += 'Events:\t<none>\n'
  return tabwrite(w, 0, 2)
}
