/**
 * The ConfigMaps kubeadm and the control plane write, as a kubeadm v1.37 cluster ten days
 * old has them. kube-system: kubeadm's kube-proxy (dataplane/kube-proxy/kubeadm-configmap.ts),
 * kubeadm-config and kubelet-config (uploadconfig and kubelet phases), kube-apiserver's
 * extension-apiserver-authentication (clusterauthenticationtrust controller) and
 * kube-apiserver-legacy-service-account-token-tracking (legacytokentracking controller);
 * kube-public: cluster-info (kubeadm's bootstraptoken/clusterinfo phase). All are as old as
 * the cluster. One the reader wrote in the same place replaces kubeadm's whole, as
 * `kubectl apply` would. Built when a command lists ConfigMaps, never while the scenario loads.
 */
import type { Cluster, GenericObject, JsonObject } from '../model/types.ts'
import { CLUSTER_CREATED, makeMeta } from '../cluster/meta.ts'
import { CLUSTER_CA_PEM } from '../cluster/cluster-ca.ts'
import { ipFamilyOf } from '../net/ip.ts'
import { kubeadmKubeProxyConfigMap } from '../dataplane/kube-proxy/kubeadm-configmap.ts'
import { unsimulatedData } from './unsimulated-data.ts'

const configMap = (namespace: string, name: string, data: Record<string, string>): GenericObject => {
  const raw: JsonObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data }
  return { apiVersion: 'v1', kind: 'ConfigMap', meta: makeMeta({ kind: 'ConfigMap', name, namespace, labels: {}, annotations: {}, raw, system: true }), spec: {}, status: {}, raw }
}

/**
 * cluster-info's kubeconfig: clusterinfo.go copies admin.conf's cluster (the CA as
 * certificate-authority-data, the server https://ADVERTISE-ADDRESS:6443) into a Config whose
 * one cluster is named "" and writes it with clientcmd.Write: the v1 Config through JSON, keys
 * sorted, nil slices as null, preferences an empty object (clientcmd/api/v1/types.go). The
 * bootstrap token's jws-kubeconfig-<id> key is gone: the token lived 24h (kubeadm's default
 * TTL), the tokencleaner deleted its Secret, and the bootstrapsigner then drops signatures
 * of tokens that no longer exist.
 */
export function clusterInfoKubeconfig(advertiseAddress: string): string {
  const host = ipFamilyOf(advertiseAddress) === 'IPv6' ? `[${advertiseAddress}]` : advertiseAddress
  return [
    'apiVersion: v1',
    'clusters:',
    '- cluster:',
    `    certificate-authority-data: ${btoa(CLUSTER_CA_PEM)}`,
    `    server: https://${host}:6443`,
    '  name: ""',
    'contexts: null',
    'current-context: ""',
    'kind: Config',
    'preferences: {}',
    'users: null',
    '',
  ].join('\n')
}

function made(c: Cluster): GenericObject[] {
  const out: GenericObject[] = []
  const kubeProxy = kubeadmKubeProxyConfigMap(c)
  if (kubeProxy) out.push(kubeProxy)
  const advertise = c.nodes.find((n) => n.roles.includes('control-plane'))?.internalIPs[0]
  if (advertise) out.push(configMap('kube-public', 'cluster-info', { kubeconfig: clusterInfoKubeconfig(advertise) }))
  // legacytokentracking/controller.go: `since`, the day the first API server started, "2006-01-02"
  out.push(configMap('kube-system', 'kube-apiserver-legacy-service-account-token-tracking', { since: CLUSTER_CREATED.slice(0, 10) }))
  out.push(configMap('kube-system', 'kubeadm-config', unsimulatedData('kube-system', 'kubeadm-config', ['ClusterConfiguration'],
    "kubeadm's v1.37 ClusterConfiguration (uploadconfig.go) is not reproduced")))
  out.push(configMap('kube-system', 'kubelet-config', unsimulatedData('kube-system', 'kubelet-config', ['kubelet'],
    "the KubeletConfiguration kubeadm v1.37 uploads is not reproduced (part of it, resolvConf, depends on the host kubeadm ran on)")))
  // cluster_authentication_trust_controller.go getConfigMapDataFor: client-ca-file, then, with a
  // front-proxy CA, the username, group and extra-prefix headers, the CA and the allowed names:
  // kubeadm's kube-apiserver flags set the request-header CA and headers (controlplane/manifests.go);
  // since RemoteRequestHeaderUID went beta (1.33, kubernetes#130560) getConfigMapDataFor writes
  // requestheader-uid-headers too whenever there is a request-header CA, flag set or not: seven keys
  out.push(configMap('kube-system', 'extension-apiserver-authentication', unsimulatedData('kube-system', 'extension-apiserver-authentication',
    ['client-ca-file', 'requestheader-allowed-names', 'requestheader-client-ca-file', 'requestheader-extra-headers-prefix', 'requestheader-group-headers', 'requestheader-uid-headers', 'requestheader-username-headers'],
    'it holds the front-proxy CA (/etc/kubernetes/pki/front-proxy-ca.crt), a certificate the simulated cluster does not have')))
  return out
}

/** kubeadm's and the control plane's ConfigMaps that the reader did not replace, in no particular order. */
export function controlPlaneConfigMaps(c: Cluster): GenericObject[] {
  const mine = new Set(c.configMaps.map((m) => `${m.meta.namespace}/${m.meta.name}`))
  return made(c).filter((m) => !mine.has(`${m.meta.namespace}/${m.meta.name}`))
}
