/**
 * Which ServiceAccounts exist, as the ServiceAccount admission plugin looks
 * them up when a Pod is created (plugin/pkg/admission/serviceaccount/admission.go
 * getServiceAccount): the reader's ServiceAccount objects; `default` in every
 * namespace, which the serviceaccounts controller creates as soon as the
 * namespace exists (pkg/controller/serviceaccount/serviceaccounts_controller.go);
 * and the add-ons' own. kube-system's full list (kube-controller-manager's one
 * account per controller under --use-service-account-credentials, kubeadm's,
 * the CNI's) is not simulated, so a Pod there is never refused for its account.
 */
import type { ClusterConfig } from '../model/types.ts'

export const DEFAULT_SERVICE_ACCOUNT = 'default'

/** The namespace whose accounts the simulator does not enumerate. */
export const UNLISTED_SA_NAMESPACE = 'kube-system'

/**
 * The add-ons' ServiceAccounts outside kube-system, as their manifests create them:
 * kube-flannel.yml's `flannel` in kube-flannel. (calico.yaml and canal.yaml create theirs
 * in kube-system.)
 */
export function addonServiceAccounts(config: ClusterConfig): { namespace: string; name: string }[] {
  return config.cni === 'flannel' ? [{ namespace: 'kube-flannel', name: 'flannel' }] : []
}

/** Whether a Pod in `namespace` naming `name` passes the plugin's lookup. */
export function serviceAccountExists(config: ClusterConfig, accounts: readonly { namespace: string; name: string }[], namespace: string, name: string): boolean {
  if (name === DEFAULT_SERVICE_ACCOUNT || namespace === UNLISTED_SA_NAMESPACE) return true
  const has = (a: { namespace: string; name: string }) => a.namespace === namespace && a.name === name
  return accounts.some(has) || addonServiceAccounts(config).some(has)
}

/**
 * admission.NewForbidden over the plugin's lookup error. The name is the Pod's, or its
 * generateName while the API server has not generated one yet (a controller's Pods: mutating
 * admission runs before the registry names the object; admission/errors.go extractResourceName).
 */
export function missingServiceAccountMessage(podName: string, namespace: string, account: string): string {
  return `pods "${podName}" is forbidden: error looking up service account ${namespace}/${account}: serviceaccount "${account}" not found`
}
