/**
 * The add-ons' DaemonSets as `kubectl get ds -o json` prints them, against the stock manifests
 * of the versions the engine names: flannel v0.28.9 (Documentation/kube-flannel.yml), calico
 * v3.32.0 (manifests/calico.yaml, calico-vxlan.yaml, canal.yaml) and kubeadm's kube-proxy
 * (cmd/kubeadm/app/phases/addons/proxy/manifests.go).
 */
import { describe, expect, it } from 'vitest'
import { loadScenario, runCommand } from '../../../engine/index.ts'
import type { Cluster } from '../../../engine/index.ts'

type J = Record<string, any>

function cluster(spec: string): { cluster: Cluster; warnings: string[] } {
  const { cluster, diagnostics } = loadScenario(`apiVersion: knet/v1alpha1\nkind: Cluster\nspec:\n${spec}`)
  const errors = diagnostics.filter((d) => d.severity === 'error')
  if (errors.length) throw new Error(errors.map((d) => d.message).join('\n'))
  return { cluster, warnings: diagnostics.filter((d) => d.severity === 'warning').map((d) => d.message) }
}

function ds(c: Cluster, namespace: string, name: string): J {
  const r = runCommand(c, `kubectl get ds -n ${namespace} ${name} -o json`)
  expect(r.exitCode).toBe(0)
  return JSON.parse(r.stdout)
}

const names = (list: J[] | undefined) => (list ?? []).map((x) => x.name)
const container = (d: J, name: string): J => d.spec.template.spec.containers.find((c: J) => c.name === name)
const env = (c: J) => Object.fromEntries((c.env as J[]).map((e) => [e.name, e.value ?? e.valueFrom]))

describe('flannel v0.28.9: kube-flannel.yml', () => {
  const { cluster: c, warnings } = cluster('  cni: flannel\n')
  const d = ds(c, 'kube-flannel', 'kube-flannel-ds')
  const spec = d.spec.template.spec

  it('labels the object tier/app/k8s-app, the template tier/app, and selects on app alone', () => {
    expect(d.metadata.labels).toEqual({ tier: 'node', app: 'flannel', 'k8s-app': 'flannel' })
    expect(d.spec.template.metadata.labels).toEqual({ tier: 'node', app: 'flannel' })
    expect(d.spec.selector).toEqual({ matchLabels: { app: 'flannel' } })
  })

  it('runs on the node network under the flannel account, tolerating NoSchedule taints, on Linux nodes', () => {
    expect(spec.hostNetwork).toBe(true)
    expect(spec.priorityClassName).toBe('system-node-critical')
    expect(spec.serviceAccountName).toBe('flannel')
    expect(spec.tolerations).toEqual([{ operator: 'Exists', effect: 'NoSchedule' }])
    expect(spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
      { matchExpressions: [{ key: 'kubernetes.io/os', operator: 'In', values: ['linux'] }] },
    ])
  })

  it('copies the CNI plugin and its config in two init containers', () => {
    expect(spec.initContainers.map((x: J) => [x.name, x.image, [...x.command, ...x.args].join(' ')])).toEqual([
      ['install-cni-plugin', 'ghcr.io/flannel-io/flannel-cni-plugin:v1.9.1-flannel3', 'cp -f /flannel /opt/cni/bin/flannel'],
      ['install-cni', 'ghcr.io/flannel-io/flannel:v0.28.9', '/opt/bin/install-conf /etc/kube-flannel/cni-conf.json /etc/cni/net.d/10-flannel.conflist'],
    ])
  })

  it('runs flanneld --ip-masq --kube-subnet-mgr with NET_ADMIN and NET_RAW, unprivileged, probed on its health port', () => {
    const k = container(d, 'kube-flannel')
    expect(k.image).toBe('ghcr.io/flannel-io/flannel:v0.28.9')
    expect(k.command).toEqual(['/opt/bin/flanneld'])
    expect(k.args).toEqual(['--ip-masq', '--kube-subnet-mgr', '--healthz-port=8081'])
    // a host-network Pod's hostPort defaults to its containerPort (SetDefaults_PodSpec), in the template too
    expect(k.ports).toEqual([{ name: 'healthz', containerPort: 8081, hostPort: 8081, protocol: 'TCP' }])
    expect(k.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'healthz', scheme: 'HTTP' })
    expect(k.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'healthz', scheme: 'HTTP' })
    expect(k.securityContext).toEqual({ privileged: false, capabilities: { add: ['NET_ADMIN', 'NET_RAW'] } })
    expect(k.resources).toEqual({ requests: { cpu: '100m', memory: '50Mi' } })
    expect(Object.keys(env(k))).toEqual(['POD_NAME', 'POD_NAMESPACE', 'EVENT_QUEUE_DEPTH', 'CONT_WHEN_CACHE_NOT_READY'])
    expect(names(k.volumeMounts)).toEqual(['run', 'flannel-cfg', 'xtables-lock'])
    expect(names(spec.volumes)).toEqual(['run', 'cni-plugin', 'cni', 'flannel-cfg', 'xtables-lock'])
  })

  it('kubectl logs picks kube-flannel and names the init containers; theirs are empty (cp and install-conf print nothing)', () => {
    const r = runCommand(c, 'kubectl logs -n kube-flannel ds/kube-flannel-ds --tail=1')
    expect(r.stderr).toContain('Defaulted container "kube-flannel" out of: kube-flannel, install-cni-plugin (init), install-cni (init)\n')
    expect(r.stdout).toMatch(/^I\d{4} /)
    const init = runCommand(c, 'kubectl logs -n kube-flannel ds/kube-flannel-ds -c install-cni')
    expect(init.exitCode).toBe(0)
    expect(init.stdout).toBe('')
  })

  it("each Pod is pinned to its node: the DaemonSet controller replaces the template's required node affinity", () => {
    const pod = c.pods.find((p) => p.meta.namespace === 'kube-flannel' && p.nodeName === 'node-2')!
    const json = JSON.parse(runCommand(c, `kubectl get pod -n kube-flannel ${pod.meta.name} -o json`).stdout)
    expect(json.spec.affinity).toEqual({
      nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node-2'] }] }] } },
    })
    // the template keeps the manifest's
    expect(spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].key).toBe('kubernetes.io/os')
  })

  it('shows the init containers completed in describe, and says nothing about the add-ons in warnings', () => {
    const pod = c.pods.find((p) => p.meta.namespace === 'kube-flannel')!
    const out = runCommand(c, `kubectl describe pod -n kube-flannel ${pod.meta.name}`).stdout
    expect(out).toMatch(/Init Containers:\n {2}install-cni-plugin:\n/)
    expect(out).toMatch(/install-cni:\n[\s\S]*?State: +Terminated\n +Reason: +Completed\n/)
    expect(out).toMatch(/Service Account: +flannel\n/)
    expect(warnings).toEqual([])
  })
})

describe('a node whose NoExecute taint kube-flannel.yml does not tolerate', () => {
  const loaded = loadScenario(
    'apiVersion: v1\nkind: Node\nmetadata: {name: gpu-1}\nspec:\n  taints: [{key: dedicated, value: ml, effect: NoExecute}]\nstatus:\n  addresses: [{type: InternalIP, address: 10.0.0.5}]\n',
  )
  const c = loaded.cluster

  it('is warned about at the taint: the real node would stay NotReady without its CNI agent', () => {
    const w = loaded.diagnostics.filter((d) => d.code === 'addon-not-scheduled')
    expect(w.map((d) => [d.severity, d.line, d.message])).toEqual([[
      'warning',
      5,
      'DaemonSet kube-flannel/kube-flannel-ds makes no Pod for node gpu-1: the node had untolerated taint {dedicated: ml}; a real node without its flannel agent stays NotReady (container runtime network not ready: cni plugin not initialized) and its Pods wait in ContainerCreating, which the simulator does not model: it networks them anyway',
    ]])
  })

  it('gets no flannel Pod, and the DaemonSet is still listed, desiring none', () => {
    expect(c.pods.filter((p) => p.meta.namespace === 'kube-flannel')).toEqual([])
    const out = runCommand(c, 'kubectl get ds -n kube-flannel').stdout
    expect(out).toMatch(/^kube-flannel-ds +0 +0 +0 +0 +0 +<none> +10d$/m)
    expect(runCommand(c, 'kubectl get ds -n kube-system kube-proxy').stdout).toMatch(/^kube-proxy +1 +1 +1 /m)
  })
})

describe("the manifests' other objects the Pods read", () => {
  it('flannel: Namespace kube-flannel runs privileged Pods; kube-flannel-cfg has the Pod range and the backend', () => {
    const { cluster: c } = cluster('  cni: flannel\n  cniMode: host-gw\n')
    expect(runCommand(c, 'kubectl get ns kube-flannel --show-labels').stdout).toContain('k8s-app=flannel,kubernetes.io/metadata.name=kube-flannel,pod-security.kubernetes.io/enforce=privileged')
    const cm = JSON.parse(runCommand(c, 'kubectl get cm -n kube-flannel kube-flannel-cfg -o json').stdout)
    expect(JSON.parse(cm.data['net-conf.json'])).toEqual({ Network: '10.244.0.0/16', EnableNFTables: false, Backend: { Type: 'host-gw' } })
    expect(JSON.parse(cm.data['cni-conf.json']).plugins.map((p: J) => p.type)).toEqual(['flannel', 'portmap'])
  })

  it('calico: calico-config names the backend (vxlan for calico-vxlan.yaml) and the CNI template', () => {
    const data = (mode: string) => JSON.parse(runCommand(cluster(`  cni: calico\n  cniMode: ${mode}\n`).cluster, 'kubectl get cm -n kube-system calico-config -o json').stdout).data
    expect(data('ipip').calico_backend).toBe('bird')
    expect(data('vxlan').calico_backend).toBe('vxlan')
    expect(data('ipip').veth_mtu).toBe('0')
    expect(data('ipip').cni_network_config).toContain('"mtu": __CNI_MTU__,')
  })
})

describe('calico v3.32.0: calico.yaml', () => {
  const { cluster: c, warnings } = cluster('  cni: calico\n')
  const d = ds(c, 'kube-system', 'calico-node')
  const spec = d.spec.template.spec
  const node = container(d, 'calico-node')

  it('rolls out one node at a time, tolerates every taint of its list, under its own account', () => {
    expect(d.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } })
    expect(spec.serviceAccountName).toBe('calico-node')
    expect(spec.terminationGracePeriodSeconds).toBe(0)
    expect(spec.securityContext).toEqual({ seccompProfile: { type: 'RuntimeDefault' } })
    expect(spec.tolerations).toEqual([
      { effect: 'NoSchedule', operator: 'Exists' },
      { key: 'CriticalAddonsOnly', operator: 'Exists' },
      { effect: 'NoExecute', operator: 'Exists' },
    ])
  })

  it('has the three init containers of v3.32 (ebpf-bootstrap, not mount-bpffs)', () => {
    expect(spec.initContainers.map((x: J) => [x.name, x.image, x.command.join(' ')])).toEqual([
      ['upgrade-ipam', 'quay.io/calico/cni:v3.32.0', '/opt/cni/bin/calico-ipam -upgrade'],
      ['install-cni', 'quay.io/calico/cni:v3.32.0', '/opt/cni/bin/install'],
      ['ebpf-bootstrap', 'quay.io/calico/node:v3.32.0', 'calico-node -init -best-effort'],
    ])
  })

  it('sets the manifest environment, IPIP Always by default', () => {
    expect(node.image).toBe('quay.io/calico/node:v3.32.0')
    const e = env(node)
    expect(Object.keys(e)).toEqual([
      'DATASTORE_TYPE', 'WAIT_FOR_DATASTORE', 'NODENAME', 'CALICO_NETWORKING_BACKEND', 'CLUSTER_TYPE', 'IP',
      'CALICO_IPV4POOL_IPIP', 'CALICO_IPV4POOL_VXLAN', 'CALICO_IPV6POOL_VXLAN', 'FELIX_IPINIPMTU', 'FELIX_VXLANMTU',
      'FELIX_WIREGUARDMTU', 'CALICO_DISABLE_FILE_LOGGING', 'FELIX_DEFAULTENDPOINTTOHOSTACTION', 'FELIX_IPV6SUPPORT', 'FELIX_HEALTHENABLED',
    ])
    expect(e.CALICO_IPV4POOL_IPIP).toBe('Always')
    expect(e.CALICO_IPV4POOL_VXLAN).toBe('Never')
    expect(e.CLUSTER_TYPE).toBe('k8s,bgp')
    expect(e.CALICO_NETWORKING_BACKEND).toEqual({ configMapKeyRef: { name: 'calico-config', key: 'calico_backend' } })
    expect(node.securityContext).toEqual({ privileged: true })
  })

  it('probes with /bin/calico-node exec commands, and stays Ready without a warning', () => {
    expect(node.livenessProbe.exec.command).toEqual(['/bin/calico-node', '-felix-live', '-bird-live'])
    expect(node.readinessProbe.exec.command).toEqual(['/bin/calico-node', '-felix-ready', '-bird-ready'])
    expect(d.status.numberReady).toBe(4)
    expect(warnings).toEqual([])
  })

  it('mounts and declares the manifest volumes; a false readOnly is not stored', () => {
    expect(names(node.volumeMounts)).toEqual(['cni-net-dir', 'lib-modules', 'xtables-lock', 'var-run-calico', 'var-lib-calico', 'policysync', 'bpffs', 'cni-log-dir'])
    expect(node.volumeMounts[0]).toEqual({ mountPath: '/host/etc/cni/net.d', name: 'cni-net-dir' })
    expect(names(spec.volumes)).toEqual([
      'lib-modules', 'var-run-calico', 'var-lib-calico', 'xtables-lock', 'sys-fs', 'bpffs', 'nodeproc',
      'cni-bin-dir', 'cni-net-dir', 'cni-log-dir', 'host-local-net-dir', 'policysync',
    ])
  })

  it('kubectl logs defaults to calico-node; an init container is not calico-node', () => {
    const r = runCommand(c, 'kubectl logs -n kube-system ds/calico-node --tail=1')
    expect(r.stderr).toContain('Defaulted container "calico-node" out of: calico-node, upgrade-ipam (init), install-cni (init), ebpf-bootstrap (init)\n')
    const init = runCommand(c, 'kubectl logs -n kube-system ds/calico-node -c ebpf-bootstrap')
    expect(init.stdout).toBe('')
    expect(init.stderr).toContain('no simulated log for container "ebpf-bootstrap"')
  })

  it('for cniMode vxlan is calico-vxlan.yaml with the pool in VXLAN Always and no BIRD checks', () => {
    const v = ds(cluster('  cni: calico\n  cniMode: vxlan\n').cluster, 'kube-system', 'calico-node')
    const n = container(v, 'calico-node')
    expect(env(n).CALICO_IPV4POOL_IPIP).toBe('Never')
    expect(env(n).CALICO_IPV4POOL_VXLAN).toBe('Always')
    expect(n.livenessProbe.exec.command).toEqual(['/bin/calico-node', '-felix-live'])
    expect(n.readinessProbe.exec.command).toEqual(['/bin/calico-node', '-felix-ready'])
  })

  it('for cniMode bgp has no IPIP', () => {
    const b = ds(cluster('  cni: calico\n  cniMode: bgp\n').cluster, 'kube-system', 'calico-node')
    expect(env(container(b, 'calico-node')).CALICO_IPV4POOL_IPIP).toBe('Never')
  })
})

describe('canal (calico v3.32.0 canal.yaml)', () => {
  const { cluster: c, warnings } = cluster('  cni: canal\n')
  const d = ds(c, 'kube-system', 'canal')
  const spec = d.spec.template.spec

  it('runs calico-node for policy beside flannel v0.24.4 in one Pod: READY 2/2', () => {
    expect(names(spec.containers)).toEqual(['calico-node', 'kube-flannel'])
    expect(container(d, 'kube-flannel').image).toBe('docker.io/flannel/flannel:v0.24.4')
    expect(container(d, 'kube-flannel').command).toEqual(['/opt/bin/flanneld', '--ip-masq', '--kube-subnet-mgr'])
    expect(names(spec.initContainers)).toEqual(['install-cni', 'ebpf-bootstrap'])
    expect(spec.serviceAccountName).toBe('canal')
    const pods = runCommand(c, 'kubectl get pods -n kube-system -l k8s-app=canal').stdout
    expect(pods.trimEnd().split('\n').slice(1).every((l) => / 2\/2 +Running /.test(l))).toBe(true)
    expect(warnings).toEqual([])
  })

  it('sets canal.yaml environment: no BGP, the Pod CIDR from the Node, an empty IP not stored', () => {
    const e = env(container(d, 'calico-node'))
    expect(e.CALICO_NETWORKING_BACKEND).toBe('none')
    expect(e.CLUSTER_TYPE).toBe('k8s,canal')
    expect(e.USE_POD_CIDR).toBe('true')
    expect('IP' in e).toBe(true)
    expect(container(d, 'calico-node').env.find((x: J) => x.name === 'IP')).toEqual({ name: 'IP' })
    expect(container(d, 'calico-node').readinessProbe.httpGet).toEqual({ path: '/readiness', port: 9099, host: 'localhost', scheme: 'HTTP' })
    expect(names(spec.volumes)).toContain('flannel-cfg')
  })
})

describe("kubeadm's kube-proxy (proxy/manifests.go)", () => {
  const { cluster: c } = cluster('  cni: flannel\n')
  const d = ds(c, 'kube-system', 'kube-proxy')
  const spec = d.spec.template.spec
  const k = container(d, 'kube-proxy')

  it('is privileged, tolerates everything, reads its config from the ConfigMap', () => {
    expect(k.command).toEqual(['/usr/local/bin/kube-proxy', '--config=/var/lib/kube-proxy/config.conf', '--hostname-override=$(NODE_NAME)'])
    expect(Object.keys(env(k))).toEqual(['NODE_NAME'])
    expect(k.securityContext).toEqual({ privileged: true })
    expect(spec.tolerations).toEqual([{ operator: 'Exists' }])
    expect(spec.serviceAccountName).toBe('kube-proxy')
    expect(spec.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux' })
    expect(names(spec.volumes)).toEqual(['kube-proxy', 'xtables-lock', 'lib-modules'])
    expect(names(k.volumeMounts)).toEqual(['kube-proxy', 'xtables-lock', 'lib-modules'])
    expect(d.spec.updateStrategy.type).toBe('RollingUpdate')
  })
})
