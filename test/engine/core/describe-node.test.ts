// kubectl describe node in the layout of k8s.io/kubectl v0.34 pkg/describe describeNode, and
// kubectl get node -o json agreeing with it.
import { describe, expect, it } from 'vitest'
import { cluster, docs, sh } from './helpers.ts'
import { podRequestsAndLimits } from '../../../engine/kubectl/pod-resources.ts'
import { formatQuantity } from '../../../engine/model/quantity.ts'

const pods = docs(
  `apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  nodeName: node-1
  containers:
  - name: nginx
    image: nginx:1.27
    resources: {requests: {cpu: 100m, memory: 64Mi}, limits: {cpu: 500m, memory: 128Mi}}`,
  // an init container asks for more than the container; the container's limits are its requests
  `apiVersion: v1
kind: Pod
metadata: {name: job}
spec:
  nodeName: node-1
  restartPolicy: Never
  initContainers:
  - {name: migrate, image: busybox, resources: {requests: {cpu: "1", memory: 256Mi}}}
  containers:
  - {name: work, image: busybox, resources: {limits: {cpu: 250m, memory: 100M}}}`,
  // a terminated Pod is not listed
  `apiVersion: v1
kind: Pod
metadata: {name: done}
spec:
  nodeName: node-1
  restartPolicy: Never
  containers: [{name: x, image: busybox, resources: {requests: {cpu: "2"}}}]
status: {phase: Succeeded}`,
)

describe('kubectl describe node', () => {
  it('a default node: lease, the four kubelet conditions, capacity and allocatable, system info, Pods and their totals', () => {
    const out = sh(cluster(pods), 'kubectl describe node node-1').stdout
    expect(out).toBe(
      [
        'Name:               node-1',
        'Roles:              <none>',
        'Labels:             beta.kubernetes.io/arch=amd64',
        '                    beta.kubernetes.io/os=linux',
        '                    kubernetes.io/arch=amd64',
        '                    kubernetes.io/hostname=node-1',
        '                    kubernetes.io/os=linux',
        '                    topology.kubernetes.io/zone=zone-a',
        // flanneld's own annotations (the default CNI; cluster/flannel-annotations.ts)
        'Annotations:        flannel.alpha.coreos.com/backend-data: {"VNI":1,"VtepMAC":"1a:a3:66:b0:94:e3"}',
        '                    flannel.alpha.coreos.com/backend-type: vxlan',
        '                    flannel.alpha.coreos.com/kube-subnet-manager: true',
        '                    flannel.alpha.coreos.com/public-ip: 192.168.1.11',
        // the TTL controller's and kubelet's (cluster/node-annotations.ts)
        '                    node.alpha.kubernetes.io/ttl: 0',
        '                    volumes.kubernetes.io/controller-managed-attach-detach: true',
        'CreationTimestamp:  Mon, 05 Jan 2026 12:00:00 +0000',
        'Taints:             <none>',
        'Unschedulable:      false',
        'Lease:',
        '  HolderIdentity:  node-1',
        '  AcquireTime:     <unset>',
        '  RenewTime:       Thu, 15 Jan 2026 12:00:00 +0000',
        'Conditions:',
        '  Type             Status  LastHeartbeatTime                 LastTransitionTime                Reason                       Message',
        '  ----             ------  -----------------                 ------------------                ------                       -------',
        '  MemoryPressure   False   Thu, 15 Jan 2026 12:00:00 +0000   Mon, 05 Jan 2026 12:00:00 +0000   KubeletHasSufficientMemory   kubelet has sufficient memory available',
        '  DiskPressure     False   Thu, 15 Jan 2026 12:00:00 +0000   Mon, 05 Jan 2026 12:00:00 +0000   KubeletHasNoDiskPressure     kubelet has no disk pressure',
        '  PIDPressure      False   Thu, 15 Jan 2026 12:00:00 +0000   Mon, 05 Jan 2026 12:00:00 +0000   KubeletHasSufficientPID      kubelet has sufficient PID available',
        '  Ready            True    Thu, 15 Jan 2026 12:00:00 +0000   Mon, 05 Jan 2026 12:00:00 +0000   KubeletReady                 kubelet is posting ready status',
        'Addresses:',
        '  InternalIP:  192.168.1.11',
        '  Hostname:    node-1',
        'Capacity:',
        '  cpu:                2',
        '  ephemeral-storage:  30298176Ki',
        '  hugepages-1Gi:      0',
        '  hugepages-2Mi:      0',
        '  memory:             4010148Ki',
        '  pods:               110',
        'Allocatable:',
        '  cpu:                2',
        '  ephemeral-storage:  27922798956',
        '  hugepages-1Gi:      0',
        '  hugepages-2Mi:      0',
        '  memory:             3907748Ki',
        '  pods:               110',
        'System Info:',
        '  Machine ID:                 a7f67ae4a5b04a08ba154edf8e926d01',
        '  System UUID:                1f057ffe-8344-4350-9336-a087772a7611',
        '  Boot ID:                    4ff2ee0e-1acf-4732-9874-84dff4cbd4c0',
        '  Kernel Version:             6.8.0-79-generic',
        '  OS Image:                   Ubuntu 24.04.3 LTS',
        '  Operating System:           linux',
        '  Architecture:               amd64',
        '  Container Runtime Version:  containerd://2.1.4',
        '  Kubelet Version:            v1.37.0',
        '  Kube-Proxy Version:         ', // empty since kubelet 1.33 clears it; the tabwriter still pads the cell
        'PodCIDR:                      10.244.1.0/24',
        'PodCIDRs:                     10.244.1.0/24',
        'Non-terminated Pods:          (4 in total)',
        // the empty column after Name is upstream's ("%s\t%s\t\t%s...")
        '  Namespace                   Name                     CPU Requests  CPU Limits  Memory Requests  Memory Limits  Age',
        '  ---------                   ----                     ------------  ----------  ---------------  -------------  ---',
        '  default                     job                      1 (50%)       250m (12%)  256Mi (6%)       100M (2%)      5m',
        '  default                     web                      100m (5%)     500m (25%)  64Mi (1%)        128Mi (3%)     5m',
        '  kube-flannel                kube-flannel-ds-bgn5w    100m (5%)     0 (0%)      50Mi (1%)        0 (0%)         10d',
        '  kube-system                 kube-proxy-k979g         0 (0%)        0 (0%)      0 (0%)           0 (0%)         10d',
        'Allocated resources:',
        '  (Total limits may be over 100 percent, i.e., overcommitted.)',
        '  Resource           Requests     Limits',
        '  --------           --------     ------',
        '  cpu                1200m (60%)  750m (37%)',
        '  memory             370Mi (9%)   234217728 (5%)',
        '  ephemeral-storage  0 (0%)       0 (0%)',
        '  hugepages-1Gi      0 (0%)       0 (0%)',
        '  hugepages-2Mi      0 (0%)       0 (0%)',
        // "Events:" shares the last tabwriter block with the resource table
        'Events:              <none>',
        '',
      ].join('\n'),
    )
  })

  const pasted = docs(
    `apiVersion: v1
kind: Node
metadata: {name: gpu-1, labels: {node-role.kubernetes.io/worker: ""}}
spec:
  providerID: aws:///us-east-1a/i-0abc
  taints: [{key: nvidia.com/gpu, effect: NoSchedule}, {key: dedicated, value: ml, effect: NoExecute}]
status:
  addresses: [{type: InternalIP, address: 10.0.0.5}, {type: Hostname, address: gpu-1}]
  capacity: {cpu: 4, memory: 8145320Ki, ephemeral-storage: 61255492Ki, hugepages-2Mi: 0, pods: 110, nvidia.com/gpu: 2}
  nodeInfo: {machineID: ec2a5b1e0f0c4d7e9d1c0a2b3c4d5e6f, kubeProxyVersion: v1.30.4}`,
    `apiVersion: v1
kind: Pod
metadata: {name: train}
spec:
  nodeName: gpu-1
  tolerations: [{operator: Exists}]
  containers:
  - {name: a, image: trainer, resources: {requests: {cpu: 1.5, memory: 2Gi}, limits: {nvidia.com/gpu: 1, memory: 4Gi}}}
  - {name: b, image: sidecar, resources: {requests: {cpu: 250m, ephemeral-storage: 1Gi}}}`,
  )

  it('a pasted Node: its capacity is the machine, allocatable is what kubelet leaves of it, its own fields win', () => {
    const out = sh(cluster(pasted), 'kubectl describe node gpu-1').stdout
    expect(out).toContain('Roles:              worker\n')
    expect(out).toContain(
      [
        // sorted by effect, then key
        'Taints:             dedicated=ml:NoExecute',
        '                    nvidia.com/gpu:NoSchedule',
      ].join('\n'),
    )
    expect(out).toContain(
      [
        'Capacity:',
        '  cpu:                4',
        '  ephemeral-storage:  61255492Ki',
        '  hugepages-2Mi:      0',
        '  memory:             8145320Ki',
        '  nvidia.com/gpu:     2',
        '  pods:               110',
        'Allocatable:',
        '  cpu:                4',
        '  ephemeral-storage:  56453061334', // 10% of the disk held back for nodefs.available, in bytes
        '  hugepages-2Mi:      0',
        '  memory:             8042920Ki', // 100Mi held back for memory.available
        '  nvidia.com/gpu:     2',
        '  pods:               110',
        'System Info:',
        '  Machine ID:                 ec2a5b1e0f0c4d7e9d1c0a2b3c4d5e6f',
      ].join('\n'),
    )
    expect(out).toContain('  Kube-Proxy Version:         v1.30.4\nPodCIDR:')
    expect(out).toContain('ProviderID:                   aws:///us-east-1a/i-0abc\n')
    expect(out).toMatch(/ {2}default {6,}train {4,}1750m \(43%\) {2,}0 \(0%\) {6,}2Gi \(26%\) {7,}4Gi \(52%\) {5,}5m\n/)
    expect(out).toContain(
      [
        'Allocated resources:',
        '  (Total limits may be over 100 percent, i.e., overcommitted.)',
        // the train Pod alone: kube-flannel.yml's DaemonSet tolerates NoSchedule taints only, so
        // dedicated=ml:NoExecute keeps its Pod off gpu-1 (daemon controller NodeShouldRunDaemonPod)
        '  Resource           Requests     Limits',
        '  --------           --------     ------',
        '  cpu                1750m (43%)  0 (0%)',
        '  memory             2Gi (26%)    4Gi (52%)',
        '  ephemeral-storage  1Gi (1%)     0 (0%)',
        '  hugepages-2Mi      0 (0%)       0 (0%)',
        // extended resources: totals only
        '  nvidia.com/gpu     1            1',
        'Events:              <none>',
        '',
      ].join('\n'),
    )
  })

  it('a pasted Node keeps its conditions and allocatable as written; a Ready=False node is NotReady', () => {
    const c = cluster(
      `apiVersion: v1
kind: Node
metadata: {name: sick}
status:
  addresses: [{type: InternalIP, address: 10.0.0.7}]
  capacity: {cpu: "8", memory: 32Gi}
  allocatable: {cpu: 7500m, memory: 30Gi}
  conditions:
  - {type: Ready, status: "False", reason: KubeletNotReady, message: container runtime network not ready, lastHeartbeatTime: "2026-01-15T11:58:00Z", lastTransitionTime: "2026-01-15T11:50:00Z"}`,
    )
    const out = sh(c, 'kubectl describe node sick').stdout
    expect(out).toContain(
      [
        'Conditions:',
        '  Type    Status  LastHeartbeatTime                 LastTransitionTime                Reason            Message',
        '  ----    ------  -----------------                 ------------------                ------            -------',
        '  Ready   False   Thu, 15 Jan 2026 11:58:00 +0000   Thu, 15 Jan 2026 11:50:00 +0000   KubeletNotReady   container runtime network not ready',
        'Addresses:',
      ].join('\n'),
    )
    expect(out).toContain('Allocatable:\n  cpu:     7500m\n  memory:  30Gi\nSystem Info:\n')
    expect(sh(c, 'kubectl get nodes').stdout).toMatch(/^sick {3}NotReady /m)
  })

  it('kubectl get node -o json shows the same capacity, allocatable and conditions', () => {
    for (const [c, name] of [[cluster(pods), 'node-1'], [cluster(pasted), 'gpu-1']] as const) {
      const status = JSON.parse(sh(c, `kubectl get node ${name} -o json`).stdout).status
      const described = sh(c, `kubectl describe node ${name}`).stdout
      for (const section of ['capacity', 'allocatable'] as const) {
        const title = section === 'capacity' ? 'Capacity' : 'Allocatable'
        const lines = Object.entries(status[section] as Record<string, string>).map(([k, v]) => `  ${k}:`.padEnd(22) + v)
        expect(described).toContain(`${title}:\n${lines.join('\n')}\n`)
      }
      expect(status.conditions.map((k: Record<string, string>) => [k.type, k.status, k.reason])).toEqual([
        ['MemoryPressure', 'False', 'KubeletHasSufficientMemory'],
        ['DiskPressure', 'False', 'KubeletHasNoDiskPressure'],
        ['PIDPressure', 'False', 'KubeletHasSufficientPID'],
        ['Ready', 'True', 'KubeletReady'],
      ])
      expect(status.nodeInfo).toMatchObject({ bootID: expect.stringMatching(/^[0-9a-f-]{36}$/), systemUUID: expect.stringMatching(/^[0-9a-f-]{36}$/) })
    }
  })
})

describe('PodRequestsAndLimits (kubectl resourcehelper)', () => {
  const podOf = (spec: string) => cluster(`apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  nodeName: node-1\n${spec}`).pods.find((p) => p.meta.name === 'p')!
  const show = (spec: string) => {
    const r = podRequestsAndLimits(podOf(spec))
    const text = (m: Map<string, import('../../../engine/model/quantity.ts').Quantity>) => [...m].map(([k, q]) => `${k}=${formatQuantity(q)}`).sort().join(',')
    return `requests ${text(r.requests)}; limits ${text(r.limits)}`
  }

  it('sums containers; the larger of that and the largest init container; sidecars add up; overhead adds', () => {
    expect(
      show(`  initContainers:
  - {name: i1, image: x, resources: {requests: {cpu: 300m, memory: 1Gi}}}
  - {name: i2, image: x, resources: {requests: {cpu: "2"}}}
  containers:
  - {name: a, image: x, resources: {requests: {cpu: 100m, memory: 100Mi}}}
  - {name: b, image: x, resources: {requests: {cpu: 200m, memory: 200Mi}}}`),
    ).toBe('requests cpu=2,memory=1Gi; limits ')
    // a sidecar (restartPolicy: Always) runs beside the containers and under the later init containers
    expect(
      show(`  initContainers:
  - {name: proxy, image: x, restartPolicy: Always, resources: {requests: {cpu: 100m}, limits: {cpu: 200m}}}
  - {name: init, image: x, resources: {requests: {cpu: 950m}, limits: {cpu: "1"}}}
  containers:
  - {name: a, image: x, resources: {requests: {cpu: 500m}, limits: {cpu: 500m}}}
  overhead: {cpu: 10m}`),
    ).toBe('requests cpu=1060m; limits cpu=1210m')
  })

  it('a limit without a request is the request too (SetDefaults_Pod); unparsable quantities count as absent', () => {
    // YAML numbers reach the API server as JSON numbers: 1e9 is the number 1000000000; quoted, "1e9" keeps its form
    expect(show(`  containers: [{name: a, image: x, resources: {limits: {cpu: 0.5, memory: 1e9, ephemeral-storage: "1e9"}, requests: {memory: 1.5Gi}}}]`)).toBe(
      'requests cpu=500m,ephemeral-storage=1e9,memory=1536Mi; limits cpu=500m,ephemeral-storage=1e9,memory=1G',
    )
    expect(show(`  containers: [{name: a, image: x, resources: {requests: {cpu: lots, memory: 64Mi}}}]`)).toBe('requests memory=64Mi; limits ')
  })
})
