/**
 * The add-ons' DaemonSets as their stock manifests define them, field for field: the Pod
 * template (what cluster/system.ts gives every node's Pod, and kubectl/derived-workloads.ts
 * shows as the DaemonSet's template), its labels, and what the DaemonSet object says beyond
 * its template (its own labels, selector and updateStrategy). The API server's defaults
 * (imagePullPolicy, terminationMessagePath, the DaemonSet controller's tolerations…) are
 * added where the objects are printed (kubectl/pod-defaults.ts), not here.
 *
 * Not here: calico.yaml's and canal.yaml's calico-kube-controllers Deployment. The simulated
 * cluster runs none (kubectl/cni-logs/calico.ts's log has the first calico-node create the
 * default tiers because no kube-controllers races it for them).
 */
import type { ClusterConfig, GenericObject, JsonObject } from '../model/types.ts'
import { makeMeta } from './meta.ts'
import { parsePrefix } from '../net/ip.ts'

export interface AddonDaemonSet {
  namespace: string
  name: string
  /** the Pod template's labels */
  labels: Record<string, string>
  /** the Pod template's spec */
  spec: JsonObject
}

/** calico.yaml's and canal.yaml's DaemonSets (projectcalico/calico v3.32.0) */
const CALICO_UPDATE: JsonObject = { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } } }

/**
 * What each DaemonSet object says beyond its template, by Kind/namespace/name: its own labels
 * where they differ from the template's (kube-flannel.yml gives the object k8s-app: flannel, not
 * its Pods), and spec fields (selector, updateStrategy) the API server keeps as written.
 */
export const ADDON_DAEMONSETS: Record<string, { labels?: Record<string, string>; spec: JsonObject }> = {
  'DaemonSet/kube-flannel/kube-flannel-ds': { labels: { tier: 'node', app: 'flannel', 'k8s-app': 'flannel' }, spec: { selector: { matchLabels: { app: 'flannel' } } } },
  'DaemonSet/kube-system/calico-node': { spec: CALICO_UPDATE },
  'DaemonSet/kube-system/canal': { spec: CALICO_UPDATE },
  'DaemonSet/kube-system/kube-proxy': { spec: { updateStrategy: { type: 'RollingUpdate' } } },
}

const fieldRef = (fieldPath: string): JsonObject => ({ valueFrom: { fieldRef: { fieldPath } } })
const configKey = (name: string, key: string): JsonObject => ({ valueFrom: { configMapKeyRef: { name, key } } })
const hostPath = (name: string, path: string, type?: string): JsonObject => ({ name, hostPath: type ? { path, type } : { path } })

export const FLANNEL_VERSION = 'v0.28.9'

/**
 * flannel v0.28.9's kube-flannel-ds (flannel-io/flannel, tag v0.28.9, Documentation/kube-flannel.yml): since
 * v0.28.6 install-cni writes the configuration with /opt/bin/install-conf (a temporary file renamed into
 * place), since v0.28.9 flanneld serves /healthz and /readyz on 8081 for the kubelet's probes.
 * The template's labels lack the object's k8s-app, and the selector asks for app only. The backend
 * (vxlan, host-gw) is the kube-flannel-cfg ConfigMap's net-conf.json: the DaemonSet is the same for both.
 */
export function flannelDaemonSet(): AddonDaemonSet {
  const image = `ghcr.io/flannel-io/flannel:${FLANNEL_VERSION}`
  return {
    namespace: 'kube-flannel',
    name: 'kube-flannel-ds',
    labels: { tier: 'node', app: 'flannel' },
    spec: {
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/os', operator: 'In', values: ['linux'] }] }],
          },
        },
      },
      hostNetwork: true,
      priorityClassName: 'system-node-critical',
      tolerations: [{ operator: 'Exists', effect: 'NoSchedule' }],
      serviceAccountName: 'flannel',
      initContainers: [
        {
          name: 'install-cni-plugin',
          image: 'ghcr.io/flannel-io/flannel-cni-plugin:v1.9.1-flannel3',
          command: ['cp'],
          args: ['-f', '/flannel', '/opt/cni/bin/flannel'],
          volumeMounts: [{ name: 'cni-plugin', mountPath: '/opt/cni/bin' }],
        },
        {
          name: 'install-cni',
          image,
          command: ['/opt/bin/install-conf'],
          args: ['/etc/kube-flannel/cni-conf.json', '/etc/cni/net.d/10-flannel.conflist'],
          volumeMounts: [
            { name: 'cni', mountPath: '/etc/cni/net.d' },
            { name: 'flannel-cfg', mountPath: '/etc/kube-flannel/' },
          ],
        },
      ],
      containers: [{
        name: 'kube-flannel',
        image,
        command: ['/opt/bin/flanneld'],
        args: ['--ip-masq', '--kube-subnet-mgr', '--healthz-port=8081'],
        ports: [{ name: 'healthz', containerPort: 8081, protocol: 'TCP' }],
        livenessProbe: { httpGet: { path: '/healthz', port: 'healthz' }, initialDelaySeconds: 10, periodSeconds: 30 },
        readinessProbe: { httpGet: { path: '/readyz', port: 'healthz' }, initialDelaySeconds: 5, periodSeconds: 10 },
        resources: { requests: { cpu: '100m', memory: '50Mi' } },
        securityContext: { privileged: false, capabilities: { add: ['NET_ADMIN', 'NET_RAW'] } },
        env: [
          { name: 'POD_NAME', ...fieldRef('metadata.name') },
          { name: 'POD_NAMESPACE', ...fieldRef('metadata.namespace') },
          { name: 'EVENT_QUEUE_DEPTH', value: '5000' },
          { name: 'CONT_WHEN_CACHE_NOT_READY', value: 'false' },
        ],
        volumeMounts: [
          { name: 'run', mountPath: '/run/flannel' },
          { name: 'flannel-cfg', mountPath: '/etc/kube-flannel/' },
          { name: 'xtables-lock', mountPath: '/run/xtables.lock' },
        ],
      }],
      volumes: [
        hostPath('run', '/run/flannel'),
        hostPath('cni-plugin', '/opt/cni/bin'),
        hostPath('cni', '/etc/cni/net.d'),
        { name: 'flannel-cfg', configMap: { name: 'kube-flannel-cfg' } },
        hostPath('xtables-lock', '/run/xtables.lock', 'FileOrCreate'),
      ],
    },
  }
}

export const CALICO_VERSION = 'v3.32.0'

/** calico.yaml and canal.yaml share these (projectcalico/calico, tag v3.32.0, manifests/). */
const ENDPOINT_OVERRIDE: JsonObject[] = [{ configMapRef: { name: 'kubernetes-services-endpoint', optional: true } }]

/**
 * The ebpf-bootstrap init container (it replaced v3.31's mount-bpffs): mounts bpffs and cgroup2
 * best effort, so it does nothing harmful in iptables mode.
 */
const ebpfBootstrap = (): JsonObject => ({
  name: 'ebpf-bootstrap',
  image: `quay.io/calico/node:${CALICO_VERSION}`,
  imagePullPolicy: 'IfNotPresent',
  command: ['calico-node', '-init', '-best-effort'],
  volumeMounts: [
    { mountPath: '/sys/fs', name: 'sys-fs', mountPropagation: 'Bidirectional' },
    { mountPath: '/var/run/calico', name: 'var-run-calico', mountPropagation: 'Bidirectional' },
    { mountPath: '/nodeproc', name: 'nodeproc', readOnly: true },
  ],
  securityContext: { privileged: true },
})

const installCni = (config: string, conf: string, canal: boolean): JsonObject => ({
  name: 'install-cni',
  image: `quay.io/calico/cni:${CALICO_VERSION}`,
  imagePullPolicy: 'IfNotPresent',
  command: ['/opt/cni/bin/install'],
  envFrom: ENDPOINT_OVERRIDE,
  env: [
    ...(canal ? [{ name: 'CALICO_CNI_SERVICE_ACCOUNT', ...fieldRef('spec.serviceAccountName') }] : []),
    { name: 'CNI_CONF_NAME', value: conf },
    { name: 'CNI_NETWORK_CONFIG', ...configKey(config, 'cni_network_config') },
    { name: 'KUBERNETES_NODE_NAME', ...fieldRef('spec.nodeName') },
    { name: 'CNI_MTU', ...configKey(config, 'veth_mtu') },
    { name: 'SLEEP', value: 'false' },
  ],
  volumeMounts: [
    { mountPath: '/host/opt/cni/bin', name: 'cni-bin-dir' },
    { mountPath: '/host/etc/cni/net.d', name: 'cni-net-dir' },
  ],
  securityContext: { privileged: true },
})

const CALICO_NODE_MOUNTS: JsonObject[] = [
  { mountPath: '/host/etc/cni/net.d', name: 'cni-net-dir', readOnly: false },
  { mountPath: '/lib/modules', name: 'lib-modules', readOnly: true },
  { mountPath: '/run/xtables.lock', name: 'xtables-lock', readOnly: false },
  { mountPath: '/var/run/calico', name: 'var-run-calico', readOnly: false },
  { mountPath: '/var/lib/calico', name: 'var-lib-calico', readOnly: false },
  { name: 'policysync', mountPath: '/var/run/nodeagent' },
  { name: 'bpffs', mountPath: '/sys/fs/bpf' },
  { name: 'cni-log-dir', mountPath: '/var/log/calico/cni', readOnly: true },
]

/** The volumes both manifests give calico-node's Pod, in their order; canal adds flannel-cfg after nodeproc. */
function calicoVolumes(canal: boolean): JsonObject[] {
  return [
    hostPath('lib-modules', '/lib/modules'),
    hostPath('var-run-calico', '/var/run/calico', 'DirectoryOrCreate'),
    hostPath('var-lib-calico', '/var/lib/calico', 'DirectoryOrCreate'),
    hostPath('xtables-lock', '/run/xtables.lock', 'FileOrCreate'),
    hostPath('sys-fs', '/sys/fs/', 'DirectoryOrCreate'),
    hostPath('bpffs', '/sys/fs/bpf', 'Directory'),
    hostPath('nodeproc', '/proc'),
    ...(canal ? [{ name: 'flannel-cfg', configMap: { name: 'canal-config' } }] : []),
    hostPath('cni-bin-dir', '/opt/cni/bin', 'DirectoryOrCreate'),
    hostPath('cni-net-dir', '/etc/cni/net.d'),
    hostPath('cni-log-dir', '/var/log/calico/cni'),
    ...(canal ? [] : [hostPath('host-local-net-dir', '/var/lib/cni/networks')]),
    { name: 'policysync', hostPath: { type: 'DirectoryOrCreate', path: '/var/run/nodeagent' } },
  ]
}

/** The head of both manifests' Pod spec. */
const calicoPodHead = (serviceAccountName: string): JsonObject => ({
  nodeSelector: { 'kubernetes.io/os': 'linux' },
  hostNetwork: true,
  tolerations: [
    { effect: 'NoSchedule', operator: 'Exists' },
    { key: 'CriticalAddonsOnly', operator: 'Exists' },
    { effect: 'NoExecute', operator: 'Exists' },
  ],
  serviceAccountName,
  securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
  terminationGracePeriodSeconds: 0,
  priorityClassName: 'system-node-critical',
})

/**
 * calico v3.32.0's calico-node (manifests/calico.yaml) for the engine's Calico modes, as
 * kubectl/cni-logs/calico.ts's log has them: `ipip` is the file as shipped (IPIP Always);
 * `bgp` the same with CALICO_IPV4POOL_IPIP "Never"; `vxlan` is manifests/calico-vxlan.yaml
 * (calico_backend "vxlan" in calico-config, no BIRD, so no -bird-live/-bird-ready in the
 * probes) with the IPv4 pool's VXLAN mode Always, which the simulated dataplane does (the
 * shipped file says CrossSubnet). The probes are exec probes: cluster/probes.ts does not run
 * them and takes them to pass, as a healthy calico-node's do.
 */
export function calicoNodeDaemonSet(mode: string): AddonDaemonSet {
  const vxlan = mode === 'vxlan'
  const image = `quay.io/calico/node:${CALICO_VERSION}`
  const bird = vxlan ? [] : ['-bird-live']
  return {
    namespace: 'kube-system',
    name: 'calico-node',
    labels: { 'k8s-app': 'calico-node' },
    spec: {
      ...calicoPodHead('calico-node'),
      initContainers: [
        {
          name: 'upgrade-ipam',
          image: `quay.io/calico/cni:${CALICO_VERSION}`,
          imagePullPolicy: 'IfNotPresent',
          command: ['/opt/cni/bin/calico-ipam', '-upgrade'],
          envFrom: ENDPOINT_OVERRIDE,
          env: [
            { name: 'KUBERNETES_NODE_NAME', ...fieldRef('spec.nodeName') },
            { name: 'CALICO_NETWORKING_BACKEND', ...configKey('calico-config', 'calico_backend') },
          ],
          volumeMounts: [
            { mountPath: '/var/lib/cni/networks', name: 'host-local-net-dir' },
            { mountPath: '/host/opt/cni/bin', name: 'cni-bin-dir' },
          ],
          securityContext: { privileged: true },
        },
        installCni('calico-config', '10-calico.conflist', false),
        ebpfBootstrap(),
      ],
      containers: [{
        name: 'calico-node',
        image,
        imagePullPolicy: 'IfNotPresent',
        envFrom: ENDPOINT_OVERRIDE,
        env: [
          { name: 'DATASTORE_TYPE', value: 'kubernetes' },
          { name: 'WAIT_FOR_DATASTORE', value: 'true' },
          { name: 'NODENAME', ...fieldRef('spec.nodeName') },
          { name: 'CALICO_NETWORKING_BACKEND', ...configKey('calico-config', 'calico_backend') },
          { name: 'CLUSTER_TYPE', value: 'k8s,bgp' },
          { name: 'IP', value: 'autodetect' },
          { name: 'CALICO_IPV4POOL_IPIP', value: mode === 'ipip' ? 'Always' : 'Never' },
          { name: 'CALICO_IPV4POOL_VXLAN', value: vxlan ? 'Always' : 'Never' },
          { name: 'CALICO_IPV6POOL_VXLAN', value: vxlan ? 'CrossSubnet' : 'Never' },
          { name: 'FELIX_IPINIPMTU', ...configKey('calico-config', 'veth_mtu') },
          { name: 'FELIX_VXLANMTU', ...configKey('calico-config', 'veth_mtu') },
          { name: 'FELIX_WIREGUARDMTU', ...configKey('calico-config', 'veth_mtu') },
          { name: 'CALICO_DISABLE_FILE_LOGGING', value: 'true' },
          { name: 'FELIX_DEFAULTENDPOINTTOHOSTACTION', value: 'ACCEPT' },
          { name: 'FELIX_IPV6SUPPORT', value: 'false' },
          { name: 'FELIX_HEALTHENABLED', value: 'true' },
        ],
        securityContext: { privileged: true },
        resources: { requests: { cpu: '250m' } },
        lifecycle: { preStop: { exec: { command: ['/bin/calico-node', '-shutdown'] } } },
        livenessProbe: {
          exec: { command: ['/bin/calico-node', '-felix-live', ...bird] },
          periodSeconds: 10,
          initialDelaySeconds: 10,
          failureThreshold: 6,
          timeoutSeconds: 10,
        },
        readinessProbe: {
          exec: { command: ['/bin/calico-node', '-felix-ready', ...(vxlan ? [] : ['-bird-ready'])] },
          periodSeconds: 10,
          timeoutSeconds: 10,
        },
        volumeMounts: CALICO_NODE_MOUNTS,
      }],
      volumes: calicoVolumes(false),
    },
  }
}

/**
 * calico v3.32.0's canal DaemonSet (manifests/canal.yaml): calico-node for policy (no BGP, the
 * Pod CIDRs from the Node objects) beside flannel v0.24.4 for the network (canal.yaml pins that
 * older flannel), both in one Pod. calico-node's readiness is Felix's health port on localhost,
 * which cluster/probes.ts cannot reach on a host-network Pod and takes to pass.
 */
export function canalDaemonSet(): AddonDaemonSet {
  return {
    namespace: 'kube-system',
    name: 'canal',
    labels: { 'k8s-app': 'canal' },
    spec: {
      ...calicoPodHead('canal'),
      initContainers: [installCni('canal-config', '10-canal.conflist', true), ebpfBootstrap()],
      containers: [
        {
          name: 'calico-node',
          image: `quay.io/calico/node:${CALICO_VERSION}`,
          imagePullPolicy: 'IfNotPresent',
          envFrom: ENDPOINT_OVERRIDE,
          env: [
            { name: 'DATASTORE_TYPE', value: 'kubernetes' },
            { name: 'USE_POD_CIDR', value: 'true' },
            { name: 'WAIT_FOR_DATASTORE', value: 'true' },
            { name: 'NODENAME', ...fieldRef('spec.nodeName') },
            { name: 'CALICO_CNI_SERVICE_ACCOUNT', ...fieldRef('spec.serviceAccountName') },
            { name: 'CALICO_NETWORKING_BACKEND', value: 'none' },
            { name: 'CLUSTER_TYPE', value: 'k8s,canal' },
            { name: 'FELIX_IPTABLESREFRESHINTERVAL', value: '60' },
            { name: 'IP', value: '' },
            { name: 'CALICO_DISABLE_FILE_LOGGING', value: 'true' },
            { name: 'FELIX_DEFAULTENDPOINTTOHOSTACTION', value: 'ACCEPT' },
            { name: 'FELIX_IPV6SUPPORT', value: 'false' },
            { name: 'FELIX_HEALTHENABLED', value: 'true' },
          ],
          securityContext: { privileged: true },
          resources: { requests: { cpu: '250m' } },
          lifecycle: { preStop: { exec: { command: ['/bin/calico-node', '-shutdown'] } } },
          livenessProbe: {
            exec: { command: ['/bin/calico-node', '-felix-live'] },
            periodSeconds: 10,
            initialDelaySeconds: 10,
            failureThreshold: 6,
            timeoutSeconds: 10,
          },
          readinessProbe: { httpGet: { path: '/readiness', port: 9099, host: 'localhost' }, periodSeconds: 10, timeoutSeconds: 10 },
          volumeMounts: CALICO_NODE_MOUNTS,
        },
        {
          name: 'kube-flannel',
          image: 'docker.io/flannel/flannel:v0.24.4',
          imagePullPolicy: 'IfNotPresent',
          command: ['/opt/bin/flanneld', '--ip-masq', '--kube-subnet-mgr'],
          securityContext: { privileged: true },
          env: [
            { name: 'POD_NAME', ...fieldRef('metadata.name') },
            { name: 'POD_NAMESPACE', ...fieldRef('metadata.namespace') },
            { name: 'FLANNELD_IFACE', ...configKey('canal-config', 'canal_iface') },
            { name: 'FLANNELD_IP_MASQ', ...configKey('canal-config', 'masquerade') },
          ],
          volumeMounts: [
            { mountPath: '/run/xtables.lock', name: 'xtables-lock', readOnly: false },
            { name: 'flannel-cfg', mountPath: '/etc/kube-flannel/' },
          ],
        },
      ],
      volumes: calicoVolumes(true),
    },
  }
}

/**
 * kubeadm's kube-proxy DaemonSet (kubernetes/kubernetes cmd/kubeadm/app/phases/addons/proxy/manifests.go
 * KubeProxyDaemonSet19): its config from the kube-proxy ConfigMap, the xtables lock shared with other
 * iptables users, the host's kernel modules; privileged, every taint tolerated (kubernetes#62390; the
 * CriticalAddonsOnly toleration went in v1.22, kubernetes#101966). updateStrategy RollingUpdate, whose
 * rollingUpdate the API server defaults (maxUnavailable 1, maxSurge 0).
 */
export function kubeProxyDaemonSet(image: string): AddonDaemonSet {
  return {
    namespace: 'kube-system',
    name: 'kube-proxy',
    labels: { 'k8s-app': 'kube-proxy' },
    spec: {
      priorityClassName: 'system-node-critical',
      containers: [{
        name: 'kube-proxy',
        image,
        imagePullPolicy: 'IfNotPresent',
        command: ['/usr/local/bin/kube-proxy', '--config=/var/lib/kube-proxy/config.conf', '--hostname-override=$(NODE_NAME)'],
        securityContext: { privileged: true },
        volumeMounts: [
          { mountPath: '/var/lib/kube-proxy', name: 'kube-proxy' },
          { mountPath: '/run/xtables.lock', name: 'xtables-lock', readOnly: false },
          { mountPath: '/lib/modules', name: 'lib-modules', readOnly: true },
        ],
        env: [{ name: 'NODE_NAME', ...fieldRef('spec.nodeName') }],
      }],
      hostNetwork: true,
      serviceAccountName: 'kube-proxy',
      volumes: [
        { name: 'kube-proxy', configMap: { name: 'kube-proxy' } },
        hostPath('xtables-lock', '/run/xtables.lock', 'FileOrCreate'),
        hostPath('lib-modules', '/lib/modules'),
      ],
      tolerations: [{ operator: 'Exists' }],
      nodeSelector: { 'kubernetes.io/os': 'linux' },
    },
  }
}

/**
 * What an add-on's finished init container wrote, for `kubectl logs -c NAME`: flannel's
 * install-cni-plugin `cp -f` prints nothing (cp is silent without -v), nor does install-cni's
 * /opt/bin/install-conf when it succeeds (flannel cmd/install_conf/main.go writes only usage and
 * errors, to stderr). Undefined for the others (calico's install, calico-ipam -upgrade,
 * calico-node -init): their logs are not simulated.
 */
const SILENT_INSTALLERS = new Set(['cp', '/opt/bin/install-conf'])

export function addonInitContainerLog(spec: JsonObject | undefined, name: string): [] | undefined {
  const list = Array.isArray(spec?.initContainers) ? spec.initContainers : []
  const c = list.find((x): x is JsonObject => typeof x === 'object' && x !== null && !Array.isArray(x) && x.name === name)
  const command = c && Array.isArray(c.command) ? c.command : []
  return command.length === 1 && typeof command[0] === 'string' && SILENT_INSTALLERS.has(command[0]) ? [] : undefined
}

/**
 * The labels the stock manifests give the add-ons' own Namespaces: kube-flannel.yml's
 * kube-flannel (its Pods need the privileged Pod Security level).
 */
export const ADDON_NAMESPACE_LABELS: Record<string, Record<string, string>> = {
  'kube-flannel': { 'k8s-app': 'flannel', 'pod-security.kubernetes.io/enforce': 'privileged' },
}

/**
 * net-conf.json with the cluster's Pod range in Network (kube-flannel.yml ships 10.244.0.0/16, the
 * range kubeadm is told with --pod-network-cidr) and the backend of cniMode. A dual-stack cluster
 * adds EnableIPv6 and IPv6Network, an IPv6-only one EnableIPv4 false, as flannel's
 * Documentation/configuration.md says. canal.yaml's has no EnableNFTables line.
 */
function netConf(config: ClusterConfig, backend: string, nftables: boolean): string {
  const v4 = config.podCIDRs.find((c) => parsePrefix(c)?.family === 'IPv4')
  const v6 = config.podCIDRs.find((c) => parsePrefix(c)?.family === 'IPv6')
  const lines = [
    ...(v4 ? [`  "Network": "${v4}",`] : ['  "EnableIPv4": false,']),
    ...(v6 ? ['  "EnableIPv6": true,', `  "IPv6Network": "${v6}",`] : []),
    ...(nftables ? ['  "EnableNFTables": false,'] : []),
    '  "Backend": {',
    `    "Type": "${backend}"`,
    '  }',
  ]
  return `{\n${lines.join('\n')}\n}\n`
}

/** calico.yaml's and canal.yaml's IPAM in cni_network_config: calico's own, or host-local on the node's range. */
export const CALICO_CNI_IPAM: Record<'calico' | 'canal', string[]> = {
  calico: ['"type": "calico-ipam"'],
  canal: ['"type": "host-local",', '"subnet": "usePodCidr"'],
}

/** kube-flannel.yml's cni-conf.json, which install-cni copies to /etc/cni/net.d/10-flannel.conflist as it is. */
export const FLANNEL_CNI_CONF = '{\n  "name": "cbr0",\n  "cniVersion": "0.3.1",\n  "plugins": [\n    {\n      "type": "flannel",\n      "delegate": {\n        "hairpinMode": true,\n        "isDefaultGateway": true\n      }\n    },\n    {\n      "type": "portmap",\n      "capabilities": {\n        "portMappings": true\n      }\n    }\n  ]\n}\n'

/** calico.yaml's and canal.yaml's cni_network_config (a `|-` block: no final newline); the installer fills the __…__ values. */
export function calicoCniTemplate(ipam: string[]): string {
  return [
    '{',
    '  "name": "k8s-pod-network",',
    '  "cniVersion": "0.3.1",',
    '  "plugins": [',
    '    {',
    '      "type": "calico",',
    '      "log_level": "info",',
    '      "log_file_path": "/var/log/calico/cni/cni.log",',
    '      "datastore_type": "kubernetes",',
    '      "nodename": "__KUBERNETES_NODE_NAME__",',
    '      "mtu": __CNI_MTU__,',
    '      "ipam": {',
    ...ipam.map((l) => `          ${l}`),
    '      },',
    '      "policy": {',
    '          "type": "k8s"',
    '      },',
    '      "kubernetes": {',
    '          "kubeconfig": "__KUBECONFIG_FILEPATH__"',
    '      }',
    '    },',
    '    {',
    '      "type": "portmap",',
    '      "snat": true,',
    '      "capabilities": {"portMappings": true}',
    '    }',
    '  ]',
    '}',
  ].join('\n')
}

/**
 * The ConfigMaps the CNI's stock manifest creates, which its DaemonSet's Pods read:
 * kube-flannel.yml's kube-flannel-cfg, calico.yaml's calico-config (calico-vxlan.yaml's
 * calico_backend "vxlan" for cniMode vxlan), canal.yaml's canal-config. One the scenario
 * brings itself stays as written (the simulator reads none of them).
 */
export function withAddonConfigMaps(config: ClusterConfig, configMaps: GenericObject[]): GenericObject[] {
  const add: [string, string, Record<string, string> | undefined, Record<string, string>][] = []
  if (config.cni === 'flannel') {
    add.push(['kube-flannel', 'kube-flannel-cfg', { tier: 'node', 'k8s-app': 'flannel', app: 'flannel' }, { 'cni-conf.json': FLANNEL_CNI_CONF, 'net-conf.json': netConf(config, config.cniMode, true) }])
  } else if (config.cni === 'calico') {
    add.push(['kube-system', 'calico-config', undefined, {
      typha_service_name: 'none',
      calico_backend: config.cniMode === 'vxlan' ? 'vxlan' : 'bird',
      veth_mtu: '0',
      cni_network_config: calicoCniTemplate(CALICO_CNI_IPAM.calico),
    }])
  } else if (config.cni === 'canal') {
    add.push(['kube-system', 'canal-config', undefined, {
      typha_service_name: 'none',
      canal_iface: '',
      masquerade: 'true',
      veth_mtu: '0',
      cni_network_config: calicoCniTemplate(CALICO_CNI_IPAM.canal),
      'net-conf.json': netConf(config, 'vxlan', false),
    }])
  }
  const out = [...configMaps]
  for (const [namespace, name, labels, data] of add) {
    if (configMaps.some((c) => c.meta.namespace === namespace && c.meta.name === name)) continue
    const raw: JsonObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace, ...(labels ? { labels } : {}) }, data }
    out.push({ apiVersion: 'v1', kind: 'ConfigMap', meta: makeMeta({ kind: 'ConfigMap', name, namespace, labels, raw, system: true }), spec: {}, status: {}, raw })
  }
  return out
}
