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
  // kubeadm-config: uploadconfig.go marshals a DeepCopy of the ClusterConfiguration, component
  // configs cleared, in the version MarshalKubeadmConfigObject is given. Real v1beta4 copies
  // from v1.31 to v1.34 clusters agree on its shape (apiServer/controllerManager/dns/proxy/
  // scheduler as {}, caCertificateValidityPeriod 87600h0m0s, certificateValidityPeriod
  // 8760h0m0s, encryptionAlgorithm RSA-2048, etcd.local.dataDir, networking's three fields, no
  // labels or annotations), but none from v1.37 was found, and v1.36 removed v1beta3 and added a
  // placeholder kubeadm.k8s.io/v1 (kubernetes#136016): which version v1.37.0 stores, and whether
  // v1beta4 gained fields since v1.34, is not established, so its value stays refused.
  out.push(configMap('kube-system', 'kubeadm-config', unsimulatedData('kube-system', 'kubeadm-config', ['ClusterConfiguration'],
    "kubeadm's v1.37 ClusterConfiguration (uploadconfig.go) is not reproduced: no v1.37 cluster's copy was found to confirm its API version and fields")))
  // kubelet-config: phases/kubelet/config.go CreateConfigMap marshals the cluster-wide
  // KubeletConfiguration (componentconfigs/kubelet.go Default: clusterDNS, clusterDomain,
  // staticPodPath, authentication, authorization, healthz, rotateCertificates, cgroupDriver
  // systemd; containerRuntimeEndpoint stays "", NodeLocalCRISocket puts the socket in each
  // node's instance-config.yaml only) and signs it with the component-config hash. Two facts
  // are known and one is not. Known: v1.37.0's init still leaks the init host's
  // resolvConf (/run/systemd/resolve/resolv.conf on Ubuntu, where systemd-resolved runs) into
  // it, because kubelet-start's Mutate (kubelet_unix.go) changes the shared object before the
  // upload (kubeadm#3327; fixed by kubernetes#141337, backported for v1.37.1, kubernetes#141627).
  // Not known: the zero-valued fields v1.37's kubelet.config.k8s.io/v1beta1 prints. A
  // 1.37-era types.go (001332b0) has draManagerReconcilePeriod, a metav1.Duration that would
  // print as 0s, from kubernetes#136946, which no changelog up to v1.37.0-alpha.1 lists; so the
  // bytes, and the hash over them, are not established and the value stays refused.
  out.push(configMap('kube-system', 'kubelet-config', unsimulatedData('kube-system', 'kubelet-config', ['kubelet'],
    "the KubeletConfiguration kubeadm v1.37 uploads is not reproduced: which zero-valued fields v1.37's kubelet.config.k8s.io/v1beta1 prints is not established")))
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
