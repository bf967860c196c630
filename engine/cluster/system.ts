/**
 * What every cluster has before the reader applies anything, as kubeadm
 * sets it up: the `kubernetes` Service (first address of the Service range,
 * port 443 → the API server's 6443), CoreDNS (Deployment `coredns` with two
 * replicas behind the `kube-dns` Service at the tenth address), kube-proxy
 * and the CNI agent as host-network DaemonSets, and the control-plane's
 * static Pods on the control-plane node.
 */
import { addrAt, formatAddr, parsePrefix } from '../net/ip.ts'
import type { ClusterConfig, JsonObject, Node } from '../model/types.ts'
import type { Loaded } from './context.ts'
import { readPodSpec } from './pod-spec.ts'
import type { PodSpecInfo } from './pod-spec.ts'
import type { PodDraft } from './pod-draft.ts'
import { BuildContext } from './context.ts'
import { safeEncodeString, safeRandomString, deterministicUID } from './hash.ts'
import { canonicalJsonHash } from './canonical-json.ts'
import { DEFAULT_COREDNS_IMAGE } from '../dns/coredns-builds.ts'

/**
 * kubeadm v1.37's etcd image tag (constants.DefaultEtcdVersion): 3.7.0-rc.0 in
 * v1.37.0-alpha.1, the etcd client at v3.7.0 when v1.37.0 shipped, and 3.7.1
 * only after it (CHANGELOG-1.38: "Updated the default etcd version to 3.7.1").
 */
const KUBEADM_ETCD_TAG = '3.7.0-0'

export const SYSTEM_NAMESPACES = ['default', 'kube-node-lease', 'kube-public', 'kube-system']

/**
 * What an add-on's workload object says beyond the Pod template it shares with its Pods:
 * kubeadm's CoreDNS Deployment asks for `maxUnavailable: 1` (manifests.go CoreDNSDeployment;
 * the API server defaults maxSurge to 25%).
 */
export const ADDON_WORKLOAD_SPEC: Record<string, JsonObject> = {
  'Deployment/kube-system/coredns': { strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } } },
}

const TOLERATE_ALL = [{ operator: 'Exists' }]
const CONTROL_PLANE_TOLERATIONS: JsonObject[] = [
  { key: 'CriticalAddonsOnly', operator: 'Exists' },
  { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' },
]

/**
 * The CNI agent each plugin's stock manifest runs: [namespace, DaemonSet, label, image, resources].
 * Resources as those manifests request them (kube-flannel.yml: 100m/50Mi; calico.yaml's calico-node
 * and canal: 250m; aws-vpc-cni's aws-node: 25m); the others set none by default.
 */
// calico/canal v3.32: the first Calico with ClusterNetworkPolicy (policy.networking.k8s.io/v1alpha2; network-policy-api PR #376)
const CNI_AGENTS: Partial<Record<ClusterConfig['cni'], [string, string, Record<string, string>, string, JsonObject?]>> = {
  flannel: ['kube-flannel', 'kube-flannel-ds', { app: 'flannel', 'k8s-app': 'flannel' }, 'ghcr.io/flannel-io/flannel:v0.28.9', { requests: { cpu: '100m', memory: '50Mi' } }],
  calico: ['kube-system', 'calico-node', { 'k8s-app': 'calico-node' }, 'docker.io/calico/node:v3.32.0', { requests: { cpu: '250m' } }],
  canal: ['kube-system', 'canal', { 'k8s-app': 'canal' }, 'docker.io/calico/node:v3.32.0', { requests: { cpu: '250m' } }],
  cilium: ['kube-system', 'cilium', { 'k8s-app': 'cilium' }, 'quay.io/cilium/cilium:v1.18.2'],
  weave: ['kube-system', 'weave-net', { name: 'weave-net' }, 'ghcr.io/weaveworks/launcher/weave-kube:2.8.1'],
  'aws-vpc-cni': ['kube-system', 'aws-node', { 'k8s-app': 'aws-node' }, '602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon-k8s-cni:v1.20.2', { requests: { cpu: '25m' } }],
  'azure-cni': ['kube-system', 'azure-cns', { 'k8s-app': 'azure-cns' }, 'mcr.microsoft.com/containernetworking/azure-cns:v1.6.30'],
  antrea: ['kube-system', 'antrea-agent', { app: 'antrea', component: 'antrea-agent' }, 'antrea/antrea-agent-ubuntu:v2.4.0'],
}

export function systemNamespaces(config: ClusterConfig): string[] {
  const agent = CNI_AGENTS[config.cni]
  return [...new Set([...SYSTEM_NAMESPACES, ...(agent ? [agent[0]] : [])])].sort()
}

export function systemServices(config: ClusterConfig): Loaded[] {
  // Both stay single-stack in the primary family even on dual-stack clusters: the API
  // server creates `kubernetes` that way, and kubeadm's kube-dns manifest does not ask for more.
  const first = formatAddr(addrAt(parsePrefix(config.serviceCIDRs[0])!, 1n))
  const svc = (namespace: string, name: string, labels: Record<string, string>, spec: JsonObject, annotations?: Record<string, string>): Loaded => ({
    kind: 'Service',
    apiVersion: 'v1',
    name,
    namespace,
    value: { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace, labels, ...(annotations ? { annotations } : {}) }, spec },
    ref: { source: -1, doc: -1, path: [] },
  })
  return [
    svc('default', 'kubernetes', { component: 'apiserver', provider: 'kubernetes' }, {
      clusterIP: first,
      clusterIPs: [first],
      ipFamilyPolicy: 'SingleStack',
      ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }],
    }),
    svc('kube-system', 'kube-dns', { 'k8s-app': 'kube-dns', 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS' }, {
      clusterIP: config.dnsServiceIPs[0],
      clusterIPs: [config.dnsServiceIPs[0]],
      ipFamilyPolicy: 'SingleStack',
      selector: { 'k8s-app': 'kube-dns' },
      ports: [
        { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
        { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
        { name: 'metrics', port: 9153, protocol: 'TCP', targetPort: 9153 },
      ],
    }, { 'prometheus.io/port': '9153', 'prometheus.io/scrape': 'true' }),
  ]
}

function draft(ctx: BuildContext, o: {
  namespace: string
  name: string
  labels: Record<string, string>
  spec: JsonObject
  owner?: PodDraft['owner']
  workload?: PodDraft['workload']
  daemonNode?: string
  generateName?: string
  /** the spec as read for a sibling Pod of the same template (replicas share it, as workloads.ts's do) */
  read?: PodSpecInfo
}): PodDraft {
  const loaded: Loaded = { kind: 'Pod', apiVersion: 'v1', name: o.name, namespace: o.namespace, value: { spec: o.spec }, ref: { source: -1, doc: -1, path: [] } }
  return {
    namespace: o.namespace,
    name: o.name,
    labels: o.labels,
    annotations: {},
    spec: o.read ?? readPodSpec(ctx, loaded, ['spec'], o.spec),
    specJson: o.spec,
    owner: o.owner,
    workload: o.workload,
    daemonNode: o.daemonNode,
    system: true,
    generateName: o.generateName,
  }
}

export function systemPods(ctx: BuildContext, config: ClusterConfig, nodes: Node[]): PodDraft[] {
  const out: PodDraft[] = []
  const cp = nodes.filter((n) => n.roles.includes('control-plane'))
  for (const n of cp) {
    const host = n.meta.name
    // kubeadm's static Pod manifests (cmd/kubeadm/app/phases/controlplane, etcd/local.go): their CPU (and etcd's memory) requests
    const statics: [string, string, string, number, JsonObject][] = [
      ['etcd', `registry.k8s.io/etcd:${KUBEADM_ETCD_TAG}`, 'etcd', 2379, { requests: { cpu: '100m', memory: '100Mi' } }],
      ['kube-apiserver', `registry.k8s.io/kube-apiserver:${config.kubernetesVersion}`, 'kube-apiserver', 6443, { requests: { cpu: '250m' } }],
      ['kube-controller-manager', `registry.k8s.io/kube-controller-manager:${config.kubernetesVersion}`, 'kube-controller-manager', 10257, { requests: { cpu: '200m' } }],
      ['kube-scheduler', `registry.k8s.io/kube-scheduler:${config.kubernetesVersion}`, 'kube-scheduler', 10259, { requests: { cpu: '100m' } }],
    ]
    for (const [component, image, name, port, resources] of statics) {
      out.push(draft(ctx, {
        namespace: 'kube-system',
        name: `${name}-${host}`,
        labels: { component, tier: 'control-plane' },
        // kubelet gives every static Pod one toleration: all NoExecute taints (pkg/kubelet/config/common.go applyDefaults)
        spec: { nodeName: host, hostNetwork: true, priorityClassName: 'system-node-critical', tolerations: [{ effect: 'NoExecute', operator: 'Exists' }], containers: [{ name: component, image, ports: [{ containerPort: port, hostPort: port, protocol: 'TCP' }], resources }] },
        owner: { apiVersion: 'v1', kind: 'Node', name: host, uid: n.meta.uid },
      }))
    }
  }
  // CoreDNS: Deployment coredns → ReplicaSet coredns-<hash>. The template is kubeadm's, field for field
  // (cmd/kubeadm/app/phases/addons/dns/manifests.go CoreDNSDeployment; named probe ports since v1.34,
  // kubernetes#131587). Its Pods are created at `kubeadm init`, when the control plane is the only node,
  // so the scheduler binds both there (the preferred anti-affinity cannot spread them): their nodeName.
  const corednsSpec: JsonObject = {
    priorityClassName: 'system-cluster-critical',
    serviceAccountName: 'coredns',
    affinity: {
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [{
          weight: 100,
          podAffinityTerm: { labelSelector: { matchExpressions: [{ key: 'k8s-app', operator: 'In', values: ['kube-dns'] }] }, topologyKey: 'kubernetes.io/hostname' },
        }],
      },
    },
    tolerations: CONTROL_PLANE_TOLERATIONS,
    nodeSelector: { 'kubernetes.io/os': 'linux' },
    containers: [{
      name: 'coredns',
      image: DEFAULT_COREDNS_IMAGE,
      imagePullPolicy: 'IfNotPresent',
      resources: { limits: { memory: '170Mi' }, requests: { cpu: '100m', memory: '70Mi' } },
      args: ['-conf', '/etc/coredns/Corefile'],
      volumeMounts: [{ name: 'config-volume', mountPath: '/etc/coredns', readOnly: true }],
      ports: [
        { containerPort: 53, name: 'dns', protocol: 'UDP' },
        { containerPort: 53, name: 'dns-tcp', protocol: 'TCP' },
        { containerPort: 9153, name: 'metrics', protocol: 'TCP' },
        { containerPort: 8080, name: 'liveness-probe', protocol: 'TCP' },
        { containerPort: 8181, name: 'readiness-probe', protocol: 'TCP' },
      ],
      // the health plugin's :8080/health and the ready plugin's :8181/ready
      livenessProbe: { httpGet: { path: '/health', port: 'liveness-probe', scheme: 'HTTP' }, initialDelaySeconds: 60, timeoutSeconds: 5, successThreshold: 1, failureThreshold: 5 },
      readinessProbe: { httpGet: { path: '/ready', port: 'readiness-probe', scheme: 'HTTP' } },
      securityContext: { allowPrivilegeEscalation: false, capabilities: { add: ['NET_BIND_SERVICE'], drop: ['ALL'] }, readOnlyRootFilesystem: true },
    }],
    dnsPolicy: 'Default',
    volumes: [{ name: 'config-volume', configMap: { name: 'coredns', items: [{ key: 'Corefile', path: 'Corefile' }] } }],
  }
  const hash = safeEncodeString(String(canonicalJsonHash(corednsSpec)))
  const rs = `coredns-${hash}`
  // A Deployment kube-system/coredns among the reader's manifests stands for kubeadm's (as after
  // `kubectl -n kube-system edit deploy coredns` or `scale --replicas=0`): its own Pods replace these two.
  const userCoreDns = ctx.objects('Deployment').some((d) => d.namespace === 'kube-system' && d.name === 'coredns')
  let corednsRead: PodSpecInfo | undefined
  for (let i = 0; i < (userCoreDns ? 0 : 2); i++) {
    const d = draft(ctx, {
      namespace: 'kube-system',
      name: `${rs}-${safeRandomString(`${rs}/${i}`, 5)}`,
      generateName: `${rs}-`,
      labels: { 'k8s-app': 'kube-dns', 'pod-template-hash': hash },
      spec: cp.length ? { ...corednsSpec, nodeName: cp[0].meta.name } : corednsSpec,
      owner: { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs, uid: deterministicUID(`ReplicaSet/kube-system/${rs}`) },
      workload: { kind: 'Deployment', name: 'coredns' },
      read: corednsRead,
    })
    corednsRead = d.spec
    out.push(d)
  }
  const daemon = (namespace: string, name: string, labels: Record<string, string>, image: string, resources?: JsonObject, pod: JsonObject = {}, container: JsonObject = {}) => {
    // one template, read once: every node's Pod shares it (issue 20: less work on the first run)
    const spec: JsonObject = { hostNetwork: true, priorityClassName: 'system-node-critical', tolerations: TOLERATE_ALL, ...pod, containers: [{ name: name.replace(/-ds$/, ''), image, ...container, ...(resources ? { resources } : {}) }] }
    let read: PodSpecInfo | undefined
    for (const n of nodes) {
      const d = draft(ctx, {
        namespace,
        name: `${name}-${safeRandomString(`${name}/${n.meta.name}`, 5)}`,
        generateName: `${name}-`,
        labels: { ...labels, 'controller-revision-hash': safeRandomString(name, 10), 'pod-template-generation': '1' },
        spec,
        owner: { apiVersion: 'apps/v1', kind: 'DaemonSet', name, uid: deterministicUID(`DaemonSet/${namespace}/${name}`) },
        workload: { kind: 'DaemonSet', name },
        daemonNode: n.meta.name,
        read,
      })
      read = d.spec
      out.push(d)
    }
  }
  // kubeadm's kube-proxy DaemonSet (cmd/kubeadm/app/phases/addons/proxy/manifests.go): its config from the
  // kube-proxy ConfigMap, the xtables lock shared with other iptables users, the host's kernel modules.
  // None with Cilium's kube-proxy replacement: its guide has kubeadm init skip the phase addon/kube-proxy
  // (docs.cilium.io network/kubernetes/kubeproxy-free)
  if (!config.kubeProxyReplacement) daemon('kube-system', 'kube-proxy', { 'k8s-app': 'kube-proxy' }, `registry.k8s.io/kube-proxy:${config.kubernetesVersion}`, undefined, {
    serviceAccountName: 'kube-proxy',
    nodeSelector: { 'kubernetes.io/os': 'linux' },
    volumes: [
      { name: 'kube-proxy', configMap: { name: 'kube-proxy' } },
      { name: 'xtables-lock', hostPath: { path: '/run/xtables.lock', type: 'FileOrCreate' } },
      { name: 'lib-modules', hostPath: { path: '/lib/modules' } },
    ],
  }, {
    command: ['/usr/local/bin/kube-proxy', '--config=/var/lib/kube-proxy/config.conf', '--hostname-override=$(NODE_NAME)'],
    env: [{ name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }],
    securityContext: { privileged: true },
    volumeMounts: [
      { mountPath: '/var/lib/kube-proxy', name: 'kube-proxy' },
      { mountPath: '/run/xtables.lock', name: 'xtables-lock', readOnly: false },
      { mountPath: '/lib/modules', name: 'lib-modules', readOnly: true },
    ],
  })
  const agent = CNI_AGENTS[config.cni]
  if (agent) daemon(agent[0], agent[1], agent[2], agent[3], agent[4])
  return out
}
