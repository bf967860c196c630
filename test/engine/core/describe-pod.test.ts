// kubectl describe pod in the layout of k8s.io/kubectl v0.34 pkg/describe describePod, and
// kubectl get pod -o yaml|json agreeing with it: priority from the Priority admission plugin,
// status.qosClass (pkg/apis/core/helper/qos), requests defaulted from limits (SetDefaults_Pod),
// tolerations from DefaultTolerationSeconds and the DaemonSet controller.
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { cluster, docs, sh } from './helpers.ts'
import type { Cluster, Pod } from '../../../engine/index.ts'

const pods = docs(
  `apiVersion: v1
kind: Pod
metadata: {name: guaranteed, labels: {app: g}}
spec:
  nodeName: node-1
  containers:
  - name: app
    image: nginx:1.27
    command: [sh, -c, "echo one\\necho two"]
    args: [--verbose]
    # limits only: the API server copies them into requests; 0.5 is stored as 500m
    resources: {limits: {cpu: 0.5, memory: 128Mi}}
    ports: [{containerPort: 80, name: http}]
    livenessProbe: {httpGet: {path: /, port: http}}
    readinessProbe: {tcpSocket: {port: 80}, initialDelaySeconds: 5, periodSeconds: 3}
    startupProbe: {exec: {command: [cat, /tmp/ready]}}
    env:
    - {name: GREETING, value: hello}
    - {name: POD_NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
    - {name: POD_IP, valueFrom: {fieldRef: {fieldPath: status.podIP}}}
    - {name: CPU_LIMIT, valueFrom: {resourceFieldRef: {resource: limits.cpu, divisor: 1m}}}
    - {name: PASSWORD, valueFrom: {secretKeyRef: {name: db, key: password}}}
    volumeMounts:
    - {name: scratch, mountPath: /tmp}
    - {name: config, mountPath: /etc/app, readOnly: true}
  volumes:
  - {name: config, configMap: {name: app-config}}
  - {name: scratch, emptyDir: {}}`,
  `apiVersion: v1
kind: Pod
metadata: {name: besteffort}
spec:
  nodeName: node-2
  containers: [{name: app, image: busybox}]`,
  `apiVersion: v1
kind: Pod
metadata: {name: burstable}
spec:
  nodeName: node-2
  initContainers: [{name: setup, image: busybox, resources: {requests: {memory: 10Mi}}}]
  containers: [{name: app, image: busybox}]
  # tolerates every NoExecute taint: DefaultTolerationSeconds adds nothing
  tolerations: [{operator: Exists, effect: NoExecute}]`,
  `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      hostNetwork: true
      # replaced by the controller's own not-ready toleration, which has no time limit
      tolerations: [{key: node.kubernetes.io/not-ready, operator: Exists, effect: NoExecute, tolerationSeconds: 60}]
      containers: [{name: agent, image: busybox, ports: [{containerPort: 9100}]}]`,
  `apiVersion: v1
kind: Pod
metadata: {name: unscheduled}
spec:
  nodeSelector: {disk: ssd}
  containers: [{name: app, image: busybox}]`,
)
const c = cluster(pods)

const podJson = (cl: Cluster, p: Pod) => JSON.parse(sh(cl, `kubectl get pod ${p.meta.name} -n ${p.meta.namespace} -o json`).stdout)
const find = (cl: Cluster, f: (p: Pod) => boolean) => {
  const p = cl.pods.find(f)
  if (!p) throw new Error('no such Pod')
  return p
}

describe('kubectl describe pod: the cluster add-ons', () => {
  it('CoreDNS: system-cluster-critical, Burstable, its args and resources, its tolerations plus the 300s defaults', () => {
    const p = find(c, (x) => x.meta.labels['k8s-app'] === 'kube-dns')
    const rs = p.owner!.name
    const vol = podJson(c, p).spec.volumes.at(-1).name
    const out = sh(c, `kubectl describe pod -n kube-system ${p.meta.name}`).stdout
    expect(out).toBe(
      [
        `Name:                 ${p.meta.name}`,
        'Namespace:            kube-system',
        'Priority:             2000000000',
        'Priority Class Name:  system-cluster-critical',
        'Service Account:      coredns',
        'Node:                 control-plane/192.168.1.10',
        // the add-ons came up with the cluster, ten days before "now"
        'Start Time:           Mon, 05 Jan 2026 12:00:00 +0000',
        'Labels:               k8s-app=kube-dns',
        `                      pod-template-hash=${p.meta.labels['pod-template-hash']}`,
        'Annotations:          <none>',
        'Status:               Running',
        `IP:                   ${p.podIPs[0]}`,
        'IPs:',
        `  IP:           ${p.podIPs[0]}`,
        `Controlled By:  ReplicaSet/${rs}`,
        'Containers:',
        '  coredns:',
        `    Container ID:  ${podJson(c, p).status.containerStatuses[0].containerID}`,
        '    Image:         registry.k8s.io/coredns/coredns:v1.14.6',
        '    Image ID:      ',
        // kubectl 1.34 names each port
        '    Ports:         53/UDP (dns), 53/TCP (dns-tcp), 9153/TCP (metrics), 8080/TCP (liveness-probe), 8181/TCP (readiness-probe)',
        '    Host Ports:    0/UDP (dns), 0/TCP (dns-tcp), 0/TCP (metrics), 0/TCP (liveness-probe), 0/TCP (readiness-probe)',
        '    Args:',
        '      -conf',
        '      /etc/coredns/Corefile',
        '    State:          Running',
        '      Started:      Mon, 05 Jan 2026 12:00:00 +0000',
        '    Ready:          True',
        '    Restart Count:  0',
        '    Limits:',
        '      memory:  170Mi',
        '    Requests:',
        '      cpu:        100m',
        '      memory:     70Mi',
        // kubeadm's probes (named ports since v1.34, kubernetes#131587): the health plugin on :8080, the ready
        // plugin on :8181, printed by port name as kubectl's describe does (timeouts and thresholds defaulted)
        '    Liveness:     http-get http://:liveness-probe/health delay=60s timeout=5s period=10s #success=1 #failure=5',
        '    Readiness:    http-get http://:readiness-probe/ready delay=0s timeout=1s period=10s #success=1 #failure=3',
        '    Environment:  <none>',
        '    Mounts:',
        '      /etc/coredns from config-volume (ro)',
        // the ServiceAccount admission plugin's token volume, in every container
        `      /var/run/secrets/kubernetes.io/serviceaccount from ${vol} (ro)`,
        'Conditions:',
        '  Type                        Status',
        '  PodReadyToStartContainers   True ',
        '  Initialized                 True ',
        '  Ready                       True ',
        '  ContainersReady             True ',
        '  PodScheduled                True ',
        'Volumes:',
        '  config-volume:',
        '    Type:      ConfigMap (a volume populated by a ConfigMap)',
        '    Name:      coredns',
        '    Optional:  false',
        `  ${vol}:`,
        '    Type:                    Projected (a volume that contains injected data from multiple sources)',
        '    TokenExpirationSeconds:  3607',
        '    ConfigMapName:           kube-root-ca.crt',
        '    Optional:                false',
        '    DownwardAPI:             true',
        'QoS Class:                   Burstable',
        'Node-Selectors:              kubernetes.io/os=linux',
        'Tolerations:                 CriticalAddonsOnly op=Exists',
        '                             node-role.kubernetes.io/control-plane:NoSchedule',
        '                             node.kubernetes.io/not-ready:NoExecute op=Exists for 300s',
        '                             node.kubernetes.io/unreachable:NoExecute op=Exists for 300s',
        'Events:                      <none>',
        '',
      ].join('\n'),
    )
  })

  it('kube-proxy: system-node-critical, BestEffort, the match-all toleration plus what the DaemonSet controller adds', () => {
    const p = find(c, (x) => x.meta.labels['k8s-app'] === 'kube-proxy')
    const out = sh(c, `kubectl describe pod -n kube-system ${p.meta.name}`).stdout
    expect(out).toContain('Priority:             2000001000\nPriority Class Name:  system-node-critical\n')
    expect(out).toContain('Controlled By:  DaemonSet/kube-proxy\n')
    expect(out).toContain(
      [
        // kube-proxy's Pods get the token volume too: host network does not exempt a Pod from the plugin
        '    DownwardAPI:             true',
        'QoS Class:                   BestEffort',
        'Node-Selectors:              kubernetes.io/os=linux',
        'Tolerations:                 op=Exists',
        '                             node.kubernetes.io/disk-pressure:NoSchedule op=Exists',
        '                             node.kubernetes.io/memory-pressure:NoSchedule op=Exists',
        '                             node.kubernetes.io/network-unavailable:NoSchedule op=Exists',
        '                             node.kubernetes.io/not-ready:NoExecute op=Exists',
        '                             node.kubernetes.io/pid-pressure:NoSchedule op=Exists',
        '                             node.kubernetes.io/unreachable:NoExecute op=Exists',
        '                             node.kubernetes.io/unschedulable:NoSchedule op=Exists',
        '',
      ].join('\n'),
    )
  })

  it('-o yaml: priority, qosClass and tolerations in the order admission left them', () => {
    const dns = find(c, (x) => x.meta.labels['k8s-app'] === 'kube-dns')
    const y = parse(sh(c, `kubectl get pod -n kube-system ${dns.meta.name} -o yaml`).stdout)
    expect(y.spec.priority).toBe(2000000000)
    expect(y.spec.priorityClassName).toBe('system-cluster-critical')
    expect(y.status.qosClass).toBe('Burstable')
    expect(y.spec.containers[0].resources).toEqual({ limits: { memory: '170Mi' }, requests: { cpu: '100m', memory: '70Mi' } })
    expect(y.spec.tolerations).toEqual([
      { key: 'CriticalAddonsOnly', operator: 'Exists' },
      { effect: 'NoSchedule', key: 'node-role.kubernetes.io/control-plane' },
      { effect: 'NoExecute', key: 'node.kubernetes.io/not-ready', operator: 'Exists', tolerationSeconds: 300 },
      { effect: 'NoExecute', key: 'node.kubernetes.io/unreachable', operator: 'Exists', tolerationSeconds: 300 },
    ])
    const proxy = find(c, (x) => x.meta.labels['k8s-app'] === 'kube-proxy')
    const k = podJson(c, proxy)
    expect(k.spec.priority).toBe(2000001000)
    expect(k.status.qosClass).toBe('BestEffort')
    expect(k.spec.tolerations.map((t: { key?: string; effect?: string }) => `${t.key ?? ''}:${t.effect ?? ''}`)).toEqual([
      ':',
      'node.kubernetes.io/not-ready:NoExecute',
      'node.kubernetes.io/unreachable:NoExecute',
      'node.kubernetes.io/disk-pressure:NoSchedule',
      'node.kubernetes.io/memory-pressure:NoSchedule',
      'node.kubernetes.io/pid-pressure:NoSchedule',
      'node.kubernetes.io/unschedulable:NoSchedule',
      'node.kubernetes.io/network-unavailable:NoSchedule',
    ])
    // a static Pod: system-node-critical; kubelet's toleration of every NoExecute taint covers the 300s defaults
    const etcd = podJson(c, find(c, (x) => x.meta.name === 'etcd-control-plane'))
    expect([etcd.spec.priority, etcd.status.qosClass, etcd.spec.tolerations]).toEqual([2000001000, 'Burstable', [{ effect: 'NoExecute', operator: 'Exists' }]])
  })
})

describe('kubectl describe pod: the reader\'s Pods', () => {
  it('Guaranteed: command, args, limits copied to requests, probes with their defaults, environment, mounts, volumes', () => {
    const out = sh(c, 'kubectl describe pod guaranteed').stdout
    const vol = podJson(c, find(c, (x) => x.meta.name === 'guaranteed')).spec.volumes.at(-1).name
    expect(out).toContain(
      [
        '    Port:          80/TCP (http)',
        '    Host Port:     0/TCP (http)',
        '    Command:',
        '      sh',
        '      -c',
        '      echo one',
        '      echo two',
        '    Args:',
        '      --verbose',
        '    State:          Running',
      ].join('\n'),
    )
    expect(out).toContain(
      [
        '    Limits:',
        '      cpu:     500m',
        '      memory:  128Mi',
        '    Requests:',
        '      cpu:      500m',
        '      memory:   128Mi',
        '    Liveness:   http-get http://:http/ delay=0s timeout=1s period=10s #success=1 #failure=3',
        '    Readiness:  tcp-socket :80 delay=5s timeout=1s period=3s #success=1 #failure=3',
        '    Startup:    exec [cat /tmp/ready] delay=0s timeout=1s period=10s #success=1 #failure=3',
        '    Environment:',
        '      GREETING:   hello',
        // kubectl resolves only metadata.name and metadata.namespace itself
        '      POD_NAME:   guaranteed (v1:metadata.name)',
        '      POD_IP:      (v1:status.podIP)',
        '      CPU_LIMIT:  500 (limits.cpu)',
        "      PASSWORD:   <set to the key 'password' in secret 'db'>  Optional: false",
        '    Mounts:',
        '      /etc/app from config (ro)',
        '      /tmp from scratch (rw)',
        `      /var/run/secrets/kubernetes.io/serviceaccount from ${vol} (ro)`,
        'Conditions:',
      ].join('\n'),
    )
    expect(out).toContain(
      [
        'Volumes:',
        '  config:',
        '    Type:      ConfigMap (a volume populated by a ConfigMap)',
        '    Name:      app-config',
        '    Optional:  false',
        '  scratch:',
        "    Type:       EmptyDir (a temporary directory that shares a pod's lifetime)",
        '    Medium:     ',
        '    SizeLimit:  <unset>',
        `  ${vol}:`,
        '    Type:                    Projected (a volume that contains injected data from multiple sources)',
        '    TokenExpirationSeconds:  3607',
        '    ConfigMapName:           kube-root-ca.crt',
        '    Optional:                false',
        '    DownwardAPI:             true',
        'QoS Class:                   Guaranteed',
        'Node-Selectors:              <none>',
        'Tolerations:                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s',
        '                             node.kubernetes.io/unreachable:NoExecute op=Exists for 300s',
        // the kubelet's events (engine/kubectl/events.ts); the Pod names its node, so the scheduler made none
        'Events:',
        '  Type    Reason   Age    From     Message',
        '  ----    ------   ----   ----     -------',
        '  Normal  Created  4m59s  kubelet  Created container: app',
        '  Normal  Started  4m59s  kubelet  Started container app',
        '',
      ].join('\n'),
    )
    expect(out).toContain('Priority:         0\nService Account:  default\n')
    expect(out).not.toContain('Priority Class Name')
  })

  it('Guaranteed -o yaml: requests equal to limits, canonical quantities, defaulted probes and volumes', () => {
    const y = parse(sh(c, 'kubectl get pod guaranteed -o yaml').stdout)
    const ct = y.spec.containers[0]
    expect(ct.resources).toEqual({ limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '500m', memory: '128Mi' } })
    expect(ct.livenessProbe).toEqual({ failureThreshold: 3, httpGet: { path: '/', port: 'http', scheme: 'HTTP' }, periodSeconds: 10, successThreshold: 1, timeoutSeconds: 1 })
    expect(ct.env[1].valueFrom.fieldRef).toEqual({ apiVersion: 'v1', fieldPath: 'metadata.name' })
    // the plugin's token volume comes last (mountServiceAccountToken appends it)
    expect(y.spec.volumes.slice(0, 2)).toEqual([{ configMap: { defaultMode: 420, name: 'app-config' }, name: 'config' }, { emptyDir: {}, name: 'scratch' }])
    expect(y.spec.volumes[2].name).toMatch(/^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/)
    expect([y.spec.priority, y.status.qosClass]).toEqual([0, 'Guaranteed'])
  })

  it('BestEffort: no resources, the two 300s tolerations', () => {
    const out = sh(c, 'kubectl describe pod besteffort').stdout
    expect(out).toContain('    Restart Count:  0\n    Environment:    <none>\n')
    expect(out).toContain('QoS Class:                   BestEffort\n')
    const j = JSON.parse(sh(c, 'kubectl get pod besteffort -o json').stdout)
    expect(j.spec.containers[0].resources).toEqual({})
    expect(j.status.qosClass).toBe('BestEffort')
    expect(j.spec.tolerations).toEqual([
      { effect: 'NoExecute', key: 'node.kubernetes.io/not-ready', operator: 'Exists', tolerationSeconds: 300 },
      { effect: 'NoExecute', key: 'node.kubernetes.io/unreachable', operator: 'Exists', tolerationSeconds: 300 },
    ])
  })

  it('Burstable from an init container\'s request; a completed init container; a toleration of every NoExecute taint', () => {
    const out = sh(c, 'kubectl describe pod burstable').stdout
    expect(out).toMatch(/Init Containers:\n {2}setup:\n/)
    expect(out).toContain('    State:          Terminated\n      Reason:       Completed\n      Exit Code:    0\n')
    expect(out).toContain('    Requests:\n      memory:     10Mi\n')
    expect(out).toContain('QoS Class:                   Burstable\n')
    expect(out).toContain('Tolerations:                 :NoExecute op=Exists\n')
  })

  it('a DaemonSet on the host network: host ports, network-unavailable, and its not-ready toleration replaced', () => {
    const p = find(c, (x) => x.owner?.kind === 'DaemonSet' && x.owner.name === 'agent')
    const out = sh(c, `kubectl describe pod ${p.meta.name}`).stdout
    expect(out).toContain('    Port:           9100/TCP\n    Host Port:      9100/TCP\n')
    expect(out).toContain('node.kubernetes.io/network-unavailable:NoSchedule op=Exists\n')
    expect(out).toContain('node.kubernetes.io/not-ready:NoExecute op=Exists\n')
    expect(out).not.toContain('for 60s')
    expect(podJson(c, p).spec.tolerations[0]).toEqual({ effect: 'NoExecute', key: 'node.kubernetes.io/not-ready', operator: 'Exists' })
  })

  it('an unscheduled Pod reports no container status, hence no state lines', () => {
    const out = sh(c, 'kubectl describe pod unscheduled').stdout
    expect(out).toContain('Node:             <none>\nLabels:')
    expect(out).toContain('  app:\n    Image:        busybox\n    Port:         <none>\n    Host Port:    <none>\n    Environment:  <none>\n')
    expect(out).not.toContain('Start Time')
  })

  it('a Pod on a node without a sandbox: its containers wait in ContainerCreating', () => {
    const small = cluster(
      docs(
        'apiVersion: knet/v1alpha1\nkind: Cluster\nspec: {nodeCIDRMaskSize: 30}',
        ...['a', 'b'].map((n) => `apiVersion: v1\nkind: Pod\nmetadata: {name: ${n}}\nspec: {nodeName: node-1, containers: [{name: app, image: busybox}]}`),
      ),
    )
    const out = sh(small, 'kubectl describe pod b').stdout
    expect(out).toContain('Start Time:')
    expect(out).toContain('    Container ID:   \n    Image:          busybox\n    Image ID:       \n')
    expect(out).toContain('    State:          Waiting\n      Reason:       ContainerCreating\n    Ready:          False\n')
    const j = JSON.parse(sh(small, 'kubectl get pod b -o json').stdout)
    expect(j.status.conditions.find((k: { type: string }) => k.type === 'Ready')).toMatchObject({ status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [app]' })
  })

  it('kubectl get pods: ContainerCreating without a sandbox, Init:0/N when init containers wait first (printPod)', () => {
    const small = cluster(
      docs(
        'apiVersion: knet/v1alpha1\nkind: Cluster\nspec: {nodeCIDRMaskSize: 30}',
        ...['a', 'b'].map((n) => `apiVersion: v1\nkind: Pod\nmetadata: {name: ${n}}\nspec: {nodeName: node-1, containers: [{name: app, image: busybox}]}`),
        'apiVersion: v1\nkind: Pod\nmetadata: {name: withinit}\nspec: {nodeName: node-1, initContainers: [{name: one, image: busybox}, {name: two, image: busybox}], containers: [{name: app, image: busybox}]}',
      ),
    )
    const rows = sh(small, 'kubectl get pods').stdout.split('\n')
    expect(rows.find((r) => r.startsWith('b '))).toMatch(/^b +0\/1 +ContainerCreating +0 /)
    expect(rows.find((r) => r.startsWith('withinit '))).toMatch(/^withinit +0\/1 +Init:0\/2 +0 /)
  })
})

describe('kubectl describe: which objects', () => {
  it('-l picks by label; objects are separated by two blank lines', () => {
    const out = sh(c, 'kubectl describe pod -n kube-system -l k8s-app=kube-dns').stdout
    expect(out.match(/^Name: /gm)).toHaveLength(2)
    expect(out).toContain('Events:                      <none>\n\n\nName:')
    expect(sh(c, 'kubectl describe pods -l app=nothing')).toMatchObject({ exitCode: 0, stdout: '', stderr: 'No resources found in default namespace.\n' })
    expect(sh(c, 'kubectl describe pod guaranteed -l app=g')).toMatchObject({ exitCode: 1, stderr: 'error: name cannot be provided when a selector is specified\n' })
  })

  it('a name not found describes every object whose name starts with it', () => {
    const out = sh(c, 'kubectl describe pod -n kube-system coredns').stdout
    expect(out.match(/^Name: /gm)).toHaveLength(2)
    expect(sh(c, 'kubectl describe pod/coredns -n kube-system')).toMatchObject({ exitCode: 1, stderr: 'Error from server (NotFound): pods "coredns" not found\n' })
    expect(sh(c, 'kubectl describe pod nope')).toMatchObject({ exitCode: 1, stderr: 'Error from server (NotFound): pods "nope" not found\n' })
  })
})
