/**
 * The `kube-proxy` ConfigMap kubeadm's addon phase writes in kube-system
 * (cmd/kubeadm/app/phases/addons/proxy/proxy.go createKubeProxyConfigMap, the
 * KubeProxyConfigMap19 template of manifests.go): `config.conf`, the
 * KubeProxyConfiguration kubeadm defaulted and marshalled, and `kubeconfig.conf`,
 * the in-cluster kubeconfig, both under `|-` so neither keeps a final newline;
 * label app: kube-proxy; the component-config hash annotation when kubeadm made
 * the configuration itself. Built when a command lists ConfigMaps.
 */
import type { Cluster, ClusterConfig, GenericObject, JsonObject } from '../../model/types.ts'
import { makeMeta } from '../../cluster/meta.ts'
import { ipFamilyOf } from '../../net/ip.ts'
import { sha256Hex } from '../sha256.ts'

export const KUBE_PROXY_CONFIGMAP = 'kube-proxy'

/**
 * config.conf as kubeadm v1.37 writes it. kubeadm's Default (componentconfigs/kubeproxy.go)
 * sets only bindAddress (0.0.0.0, or :: when the advertise address is IPv6), clusterCIDR (the
 * pod subnet, a dual-stack pair joined by a comma) and clientConnection.kubeconfig; nothing
 * registers kube-proxy's own defaulting in kubeadm's scheme (k8s.io/kube-proxy/config/v1alpha1
 * register.go), so every other field is Go's zero value: `""`, false, 0, `0s` for a
 * metav1.Duration, null for a pointer or nil slice. The field set is that of
 * staging/src/k8s.io/kube-proxy/config/v1alpha1/types.go at 052d2d84 (a 1.37-era copy; its
 * iptables.snatNodeInternalIP comes from the unmerged PR #138360 and is left out);
 * featureGates (an empty map) and windowsRunAsService (false) are omitempty. sigs.k8s.io/yaml
 * goes through JSON, so keys come out sorted. logging is component-base's
 * LoggingConfiguration: flushFrequency an integer of nanoseconds, options.text and
 * options.json each an infoBufferSize QuantityValue "0".
 * `mode` is what kubeadm was given: empty unless the Cluster document chose ipvs or nftables
 * (iptables, the simulator's default, is kube-proxy's default for an empty mode).
 */
export function kubeProxyConfigText(config: ClusterConfig, advertiseAddress: string): string {
  // go-yaml's emitter quotes "::" (a ':' before the end of a plain scalar is an indicator)
  const bindAddress = ipFamilyOf(advertiseAddress) === 'IPv6' ? "'::'" : '0.0.0.0'
  const mode = config.proxyMode === 'iptables' ? '""' : config.proxyMode
  return [
    'apiVersion: kubeproxy.config.k8s.io/v1alpha1',
    `bindAddress: ${bindAddress}`,
    'bindAddressHardFail: false',
    'clientConnection:',
    '  acceptContentTypes: ""',
    '  burst: 0',
    '  contentType: ""',
    '  kubeconfig: /var/lib/kube-proxy/kubeconfig.conf',
    '  qps: 0',
    `clusterCIDR: ${config.podCIDRs.join(',')}`,
    'configSyncPeriod: 0s',
    'conntrack:',
    '  maxPerCore: null',
    '  min: null',
    '  tcpBeLiberal: false',
    '  tcpCloseWaitTimeout: null',
    '  tcpEstablishedTimeout: null',
    '  udpStreamTimeout: 0s',
    '  udpTimeout: 0s',
    'detectLocal:',
    '  bridgeInterface: ""',
    '  interfaceNamePrefix: ""',
    'detectLocalMode: ""',
    'enableProfiling: false',
    'healthzBindAddress: ""',
    'hostnameOverride: ""',
    'iptables:',
    '  localhostNodePorts: null',
    '  masqueradeAll: false',
    '  masqueradeBit: null',
    '  minSyncPeriod: 0s',
    '  syncPeriod: 0s',
    'ipvs:',
    '  excludeCIDRs: null',
    '  minSyncPeriod: 0s',
    '  scheduler: ""',
    '  strictARP: false',
    '  syncPeriod: 0s',
    '  tcpFinTimeout: 0s',
    '  tcpTimeout: 0s',
    '  udpTimeout: 0s',
    'kind: KubeProxyConfiguration',
    'logging:',
    '  flushFrequency: 0',
    '  options:',
    '    json:',
    '      infoBufferSize: "0"',
    '    text:',
    '      infoBufferSize: "0"',
    '  verbosity: 0',
    'metricsBindAddress: ""',
    `mode: ${mode}`,
    'nftables:',
    '  masqueradeAll: false',
    '  masqueradeBit: null',
    '  minSyncPeriod: 0s',
    '  syncPeriod: 0s',
    'nodePortAddresses: null',
    'oomScoreAdj: null',
    'portRange: ""',
    'showHiddenMetricsForVersion: ""',
    'winkernel:',
    '  enableDSR: false',
    '  forwardHealthCheckVip: false',
    '  networkName: ""',
    '  rootHnsEndpointName: ""',
    '  sourceVip: ""',
  ].join('\n')
}

/**
 * kubeconfig.conf: the template's in-cluster kubeconfig, its server kubeadm's
 * GetControlPlaneEndpoint (no controlPlaneEndpoint set: https://ADVERTISE-ADDRESS:6443,
 * net.JoinHostPort bracketing an IPv6 address).
 */
export function kubeProxyKubeconfigText(advertiseAddress: string): string {
  const host = ipFamilyOf(advertiseAddress) === 'IPv6' ? `[${advertiseAddress}]` : advertiseAddress
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- cluster:',
    '    certificate-authority: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt',
    `    server: https://${host}:6443`,
    '  name: default',
    'contexts:',
    '- context:',
    '    cluster: default',
    '    namespace: default',
    '    user: default',
    '  name: default',
    'current-context: default',
    'users:',
    '- name: default',
    '  user:',
    '    tokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token',
  ].join('\n')
}

/**
 * componentconfigs/checksums.go ChecksumForConfigMap: SHA-256 over the data values in
 * sorted key order, then binaryData's, as "sha256:HEX".
 */
export function componentConfigHash(data: Record<string, string>): string {
  return `sha256:${sha256Hex(Object.keys(data).sort().map((k) => data[k]).join(''))}`
}

/**
 * The ConfigMap, or undefined when kubeadm made none (Cilium's kube-proxy replacement:
 * `kubeadm init --skip-phases=addon/kube-proxy`). proxy.go signs it (SignConfigMap) only when
 * the configuration is not user supplied: a Cluster document choosing ipvs or nftables stands
 * for a KubeProxyConfiguration given to kubeadm init, which configset.go FromDocumentMap marks
 * user supplied, so that ConfigMap has no hash.
 *
 * @example
 * kubeadmKubeProxyConfigMap(cluster)?.raw.data // { 'config.conf': 'apiVersion: kubeproxy…', 'kubeconfig.conf': 'apiVersion: v1…' }
 */
export function kubeadmKubeProxyConfigMap(c: Cluster): GenericObject | undefined {
  if (c.config.kubeProxyReplacement) return undefined
  const advertise = c.nodes.find((n) => n.roles.includes('control-plane'))?.internalIPs[0]
  if (!advertise) return undefined
  const data = { 'config.conf': kubeProxyConfigText(c.config, advertise), 'kubeconfig.conf': kubeProxyKubeconfigText(advertise) }
  const labels = { app: 'kube-proxy' }
  const annotations: Record<string, string> = c.config.proxyMode === 'iptables' ? { 'kubeadm.kubernetes.io/component-config.hash': componentConfigHash(data) } : {}
  const raw: JsonObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: KUBE_PROXY_CONFIGMAP, namespace: 'kube-system' }, data }
  return { apiVersion: 'v1', kind: 'ConfigMap', meta: makeMeta({ kind: 'ConfigMap', name: KUBE_PROXY_CONFIGMAP, namespace: 'kube-system', labels, annotations, raw, system: true }), spec: {}, status: {}, raw }
}
