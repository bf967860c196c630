/**
 * The ConfigMaps a kubeadm v1.37 cluster has beyond kube-root-ca.crt and the add-ons': kubeadm's
 * kube-proxy ConfigMap written out in full (cmd/kubeadm/app/phases/addons/proxy), the ones the
 * simulator lists but whose values it does not reproduce, cluster-info and the API server's
 * legacy-token tracking date.
 */
import { X509Certificate } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { cluster, deployment, docs, sh } from '../core/helpers.ts'
import { componentConfigHash } from '../../../engine/dataplane/kube-proxy/kubeadm-configmap.ts'
import { proxyConfig, proxyConfigFrom } from '../../../engine/dataplane/kube-proxy/config.ts'
import { CLUSTER_CA_PEM } from '../../../engine/cluster/cluster-ca.ts'
import type { Cluster } from '../../../engine/index.ts'

const clusterDoc = (spec: string) => `apiVersion: knet/v1alpha1\nkind: Cluster\nspec:\n${spec}`
const plain = cluster(deployment('web', 1, { app: 'web' }))
const ipvs = cluster(clusterDoc('  proxyMode: ipvs\n'))
const dual = cluster(clusterDoc('  proxyMode: nftables\n  podCIDR: 10.244.0.0/16,fd00:10:244::/56\n  serviceCIDR: 10.96.0.0/12,fd00:10:96::/112\n'))
const kubeProxyYaml = (c: Cluster) => sh(c, 'kubectl -n kube-system get configmap kube-proxy -o yaml').stdout
const kubeProxyData = (c: Cluster) => parse(kubeProxyYaml(c)).data as Record<string, string>

// the KubeProxyConfiguration kubeadm v1.37 marshals for the default cluster, field by field
const CONFIG_CONF = `apiVersion: kubeproxy.config.k8s.io/v1alpha1
bindAddress: 0.0.0.0
bindAddressHardFail: false
clientConnection:
  acceptContentTypes: ""
  burst: 0
  contentType: ""
  kubeconfig: /var/lib/kube-proxy/kubeconfig.conf
  qps: 0
clusterCIDR: 10.244.0.0/16
configSyncPeriod: 0s
conntrack:
  maxPerCore: null
  min: null
  tcpBeLiberal: false
  tcpCloseWaitTimeout: null
  tcpEstablishedTimeout: null
  udpStreamTimeout: 0s
  udpTimeout: 0s
detectLocal:
  bridgeInterface: ""
  interfaceNamePrefix: ""
detectLocalMode: ""
enableProfiling: false
healthzBindAddress: ""
hostnameOverride: ""
iptables:
  localhostNodePorts: null
  masqueradeAll: false
  masqueradeBit: null
  minSyncPeriod: 0s
  syncPeriod: 0s
ipvs:
  excludeCIDRs: null
  minSyncPeriod: 0s
  scheduler: ""
  strictARP: false
  syncPeriod: 0s
  tcpFinTimeout: 0s
  tcpTimeout: 0s
  udpTimeout: 0s
kind: KubeProxyConfiguration
logging:
  flushFrequency: 0
  options:
    json:
      infoBufferSize: "0"
    text:
      infoBufferSize: "0"
  verbosity: 0
metricsBindAddress: ""
mode: ""
nftables:
  masqueradeAll: false
  masqueradeBit: null
  minSyncPeriod: 0s
  syncPeriod: 0s
nodePortAddresses: null
oomScoreAdj: null
portRange: ""
showHiddenMetricsForVersion: ""
winkernel:
  enableDSR: false
  forwardHealthCheckVip: false
  networkName: ""
  rootHnsEndpointName: ""
  sourceVip: ""`

const KUBECONFIG_CONF = `apiVersion: v1
kind: Config
clusters:
- cluster:
    certificate-authority: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt
    server: https://192.168.1.10:6443
  name: default
contexts:
- context:
    cluster: default
    namespace: default
    user: default
  name: default
current-context: default
users:
- name: default
  user:
    tokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token`

const indent = (text: string) => text.split('\n').map((l) => `    ${l}`).join('\n')

describe('kubectl get cm lists what a kubeadm cluster has', () => {
  it('-A: every namespace, with its DATA count and the cluster\'s age', () => {
    expect(sh(plain, 'kubectl get cm -A').stdout).toBe(
      [
        'NAMESPACE         NAME                                                   DATA   AGE',
        'default           kube-root-ca.crt                                       1      10d',
        'kube-flannel      kube-flannel-cfg                                       2      10d',
        'kube-flannel      kube-root-ca.crt                                       1      10d',
        'kube-node-lease   kube-root-ca.crt                                       1      10d',
        'kube-public       cluster-info                                           1      10d',
        'kube-public       kube-root-ca.crt                                       1      10d',
        'kube-system       coredns                                                1      10d',
        'kube-system       extension-apiserver-authentication                     7      10d',
        'kube-system       kube-apiserver-legacy-service-account-token-tracking   1      10d',
        'kube-system       kube-proxy                                             2      10d',
        'kube-system       kube-root-ca.crt                                       1      10d',
        'kube-system       kubeadm-config                                         1      10d',
        'kube-system       kubelet-config                                         1      10d',
        '',
      ].join('\n'),
    )
  })
  it('-n kube-system -o name, and a jsonpath over the names', () => {
    const names = ['coredns', 'extension-apiserver-authentication', 'kube-apiserver-legacy-service-account-token-tracking', 'kube-proxy', 'kube-root-ca.crt', 'kubeadm-config', 'kubelet-config']
    expect(sh(plain, 'kubectl -n kube-system get cm -o name').stdout).toBe(names.map((n) => `configmap/${n}\n`).join(''))
    const r = sh(plain, "kubectl -n kube-system get cm -o jsonpath='{.items[*].metadata.name}'")
    expect(r.exitCode).toBe(0)
    expect(r.stdout).toBe(names.join(' '))
  })
  it('--show-labels: kube-proxy\'s app label', () => {
    expect(sh(plain, 'kubectl -n kube-system get cm kube-proxy --show-labels').stdout).toBe('NAME         DATA   AGE   LABELS\nkube-proxy   2      10d   app=kube-proxy\n')
  })
  it('no kube-proxy ConfigMap when Cilium replaces kube-proxy (kubeadm init --skip-phases=addon/kube-proxy)', () => {
    const c = cluster(clusterDoc('  cni: cilium\n  kubeProxyReplacement: true\n'))
    const r = sh(c, 'kubectl -n kube-system get cm kube-proxy')
    expect(r.exitCode).toBe(1)
    expect(r.stderr).toBe('Error from server (NotFound): configmaps "kube-proxy" not found\n')
  })
})

describe("kube-proxy's ConfigMap", () => {
  it('the default cluster: kubeadm\'s ConfigMap byte for byte, signed with the component-config hash', () => {
    const out = kubeProxyYaml(plain)
    const hash = componentConfigHash({ 'config.conf': CONFIG_CONF, 'kubeconfig.conf': KUBECONFIG_CONF })
    expect(out.replace(/^ {2}resourceVersion: "\d+"\n {2}uid: [0-9a-f-]{36}\n$/m, '  resourceVersion: RV\n  uid: UID\n')).toBe(
      `apiVersion: v1\ndata:\n  config.conf: |-\n${indent(CONFIG_CONF)}\n  kubeconfig.conf: |-\n${indent(KUBECONFIG_CONF)}\nkind: ConfigMap\nmetadata:\n  annotations:\n    kubeadm.kubernetes.io/component-config.hash: ${hash}\n  creationTimestamp: "2026-01-05T12:00:00Z"\n  labels:\n    app: kube-proxy\n  name: kube-proxy\n  namespace: kube-system\n  resourceVersion: RV\n  uid: UID\n`,
    )
  })
  it('the hash is checksums.go\'s: a real kubeadm cluster\'s ConfigMap gives back its own annotation', () => {
    // a v1.29 kubeadm cluster's ConfigMap (its logging options had no `text` yet; server https://controlplane:6443)
    const conf = CONFIG_CONF.replace('    text:\n      infoBufferSize: "0"\n', '')
    const kubeconfig = KUBECONFIG_CONF.replace('https://192.168.1.10:6443', 'https://controlplane:6443')
    expect(componentConfigHash({ 'kubeconfig.conf': kubeconfig, 'config.conf': conf })).toBe('sha256:a58bc934e3784937e225f9d601a6a87d49d87707757c3825c91340be984ace5a')
  })
  it('proxyMode: ipvs is the ConfigMap kubeadm writes when given mode: ipvs: user supplied, so unsigned', () => {
    const j = parse(kubeProxyYaml(ipvs))
    expect(j.data['config.conf']).toBe(CONFIG_CONF.replace('mode: ""', 'mode: ipvs'))
    expect(j.metadata.annotations).toBeUndefined()
    expect(j.metadata.labels).toEqual({ app: 'kube-proxy' })
  })
  it('dual stack: clusterCIDR is the pod subnet pair, as kubeadm joins it', () => {
    const conf = kubeProxyData(dual)['config.conf']
    expect(conf).toContain('\nclusterCIDR: 10.244.0.0/16,fd00:10:244::/56\n')
    expect(conf).toContain('\nmode: nftables\n')
    expect(conf).toContain('\nbindAddress: 0.0.0.0\n')
  })
  it('the reader\'s own kube-proxy ConfigMap replaces kubeadm\'s whole', () => {
    const c = cluster(`apiVersion: v1
kind: ConfigMap
metadata: {name: kube-proxy, namespace: kube-system}
data:
  config.conf: |
    apiVersion: kubeproxy.config.k8s.io/v1alpha1
    kind: KubeProxyConfiguration
    mode: nftables
`)
    const j = parse(kubeProxyYaml(c))
    expect(j.data).toEqual({ 'config.conf': 'apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: nftables\n' })
    expect(j.metadata.labels).toBeUndefined()
    expect(j.metadata.annotations).toBeUndefined()
    expect(sh(c, 'kubectl -n kube-system get cm kube-proxy').stdout).toBe('NAME         DATA   AGE\nkube-proxy   1      5m\n')
    expect(proxyConfig(c).mode).toBe('nftables')
  })
  it('kube-proxy runs with what the ConfigMap says: proxyConfig and the ConfigMap agree', () => {
    for (const c of [plain, ipvs, dual]) {
      const fromConfigMap = proxyConfigFrom(c, kubeProxyData(c)['config.conf'])
      const running = proxyConfig(c)
      // the only difference: an empty mode is kube-proxy's own default rather than the Cluster document's
      expect({ ...fromConfigMap, modeSource: running.modeSource }).toEqual(running)
      expect(fromConfigMap.modeSource).toBe(c === plain ? 'default' : 'configmap')
    }
  })
})

describe('the control plane\'s other ConfigMaps', () => {
  it('cluster-info: the cluster\'s CA and the API server, as clientcmd.Write prints a kubeconfig; no token signature left', () => {
    const j = parse(sh(plain, 'kubectl -n kube-public get cm cluster-info -o yaml').stdout)
    expect(Object.keys(j.data)).toEqual(['kubeconfig'])
    const text: string = j.data.kubeconfig
    const ca = /certificate-authority-data: (\S+)\n/.exec(text)![1]
    expect(text).toBe(`apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: ${ca}\n    server: https://192.168.1.10:6443\n  name: ""\ncontexts: null\ncurrent-context: ""\nkind: Config\npreferences: {}\nusers: null\n`)
    expect(Buffer.from(ca, 'base64').toString()).toBe(CLUSTER_CA_PEM)
    expect(new X509Certificate(Buffer.from(ca, 'base64')).subject).toBe('CN=kubernetes')
  })
  it('the legacy token tracking date: the day the API server first started', () => {
    const j = parse(sh(plain, 'kubectl -n kube-system get cm kube-apiserver-legacy-service-account-token-tracking -o yaml').stdout)
    expect(j.data).toEqual({ since: '2026-01-05' })
  })
  it('what is not simulated says so, on stderr with exit 1, whatever prints its values', () => {
    const notice = (name: string, why: string) => `error: the data of configmap kube-system/${name} is not simulated here: ${why} (kubectl get cm -n kube-system ${name} shows its keys counted under DATA)\n`
    const kubelet = notice('kubelet-config', "the KubeletConfiguration kubeadm v1.37 uploads is not reproduced: which zero-valued fields v1.37's kubelet.config.k8s.io/v1beta1 prints is not established")
    const kubeadm = notice('kubeadm-config', "kubeadm's v1.37 ClusterConfiguration (uploadconfig.go) is not reproduced: no v1.37 cluster's copy was found to confirm its API version and fields")
    const auth = notice('extension-apiserver-authentication', 'it holds the front-proxy CA (/etc/kubernetes/pki/front-proxy-ca.crt), a certificate the simulated cluster does not have')
    for (const [cmd, stderr] of [
      ['kubectl -n kube-system get cm kubelet-config -o yaml', kubelet],
      ['kubectl -n kube-system get cm kubeadm-config -o json', kubeadm],
      ["kubectl -n kube-system get cm extension-apiserver-authentication -o jsonpath='{.data.client-ca-file}'", auth],
      ['kubectl -n kube-system get cm -o yaml', auth + kubeadm + kubelet],
      ['kubectl get cm -A -o custom-columns=NAME:.metadata.name,DATA:.data', auth + kubeadm + kubelet],
    ]) {
      const r = sh(plain, cmd)
      expect({ exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr }, cmd).toEqual({ exitCode: 1, stdout: '', stderr })
    }
    // its keys and metadata are real
    expect(sh(plain, "kubectl -n kube-system get cm extension-apiserver-authentication -o jsonpath='{.metadata.name}'").stdout).toBe('extension-apiserver-authentication')
    // a list that reaches none of them prints as usual
    expect(sh(plain, 'kubectl -n kube-public get cm -o yaml').exitCode).toBe(0)
  })
})

describe('built only when a command lists ConfigMaps', () => {
  it('loading a scenario adds none of them to the cluster', () => {
    const c = cluster(docs(deployment('a', 1, { app: 'a' })))
    expect(c.configMaps.map((m) => `${m.meta.namespace}/${m.meta.name}`).sort()).toEqual(['kube-flannel/kube-flannel-cfg', 'kube-system/coredns'])
  })
})
