import { describe, expect, it } from 'vitest'
import { cluster, docs, sh } from './helpers.ts'
import { tabwrite } from '../../../engine/text/tabwriter.ts'
import { humanDuration } from '../../../engine/text/duration.ts'
import { toYamlText } from '../../../engine/kubectl/output-formats.ts'

const scenario = docs(
  `apiVersion: v1
kind: Pod
metadata: {name: frontend, labels: {app: frontend, tier: web}}
spec:
  nodeName: node-1
  containers: [{name: web, image: nginx:1.27, ports: [{containerPort: 80, name: http}]}]`,
  `apiVersion: v1
kind: Pod
metadata: {name: backend, labels: {app: backend}}
spec:
  nodeName: node-2
  containers: [{name: api, image: ghcr.io/example/api:2.1, ports: [{containerPort: 8080, name: http}]}]`,
  `apiVersion: v1
kind: Service
metadata: {name: backend}
spec:
  clusterIP: 10.96.45.12
  selector: {app: backend}
  ports: [{name: http, port: 80, targetPort: http}]`,
  `apiVersion: v1
kind: Service
metadata: {name: frontend}
spec:
  type: NodePort
  clusterIP: 10.96.7.7
  selector: {app: frontend}
  ports: [{port: 80, targetPort: 80, nodePort: 30080}]`,
  `apiVersion: v1
kind: Service
metadata: {name: db}
spec:
  type: ExternalName
  externalName: db.example.com`,
)
const c = cluster(scenario)

describe('kubectl get: kubectl\'s own column layout', () => {
  it('pods -o wide', () => {
    expect(sh(c, 'kubectl get pods -o wide').stdout).toBe(
      [
        'NAME       READY   STATUS    RESTARTS   AGE   IP           NODE     NOMINATED NODE   READINESS GATES',
        'backend    1/1     Running   0          5m    10.244.2.2   node-2   <none>           <none>',
        'frontend   1/1     Running   0          5m    10.244.1.2   node-1   <none>           <none>',
        '',
      ].join('\n'),
    )
  })

  it('services, with NodePort and ExternalName columns', () => {
    expect(sh(c, 'kubectl get svc -o wide').stdout).toBe(
      [
        'NAME         TYPE           CLUSTER-IP    EXTERNAL-IP      PORT(S)        AGE   SELECTOR',
        'backend      ClusterIP      10.96.45.12   <none>           80/TCP         5m    app=backend',
        'db           ExternalName   <none>        db.example.com   <none>         5m    <none>',
        'frontend     NodePort       10.96.7.7     <none>           80:30080/TCP   5m    app=frontend',
        'kubernetes   ClusterIP      10.96.0.1     <none>           443/TCP        10d   <none>',
        '',
      ].join('\n'),
    )
  })

  it('endpoints and endpointslices', () => {
    const ep = sh(c, 'kubectl get endpoints backend')
    expect(ep.stdout).toBe('NAME      ENDPOINTS         AGE\nbackend   10.244.2.2:8080   5m\n')
    expect(ep.stderr).toBe('Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice\n')
    const slices = sh(c, 'kubectl get endpointslices -l kubernetes.io/service-name=backend').stdout.split('\n')
    expect(slices[0]).toBe('NAME            ADDRESSTYPE   PORTS   ENDPOINTS    AGE')
    expect(slices[1]).toMatch(/^backend-[a-z0-9]{5}   IPv4          8080    10\.244\.2\.2   5m$/)
  })

  it('-A adds NAMESPACE, --show-labels adds LABELS, -l filters', () => {
    const out = sh(c, 'kubectl get pods -A -l tier=web --show-labels').stdout
    expect(out).toBe('NAMESPACE   NAME       READY   STATUS    RESTARTS   AGE   LABELS\ndefault     frontend   1/1     Running   0          5m    app=frontend,tier=web\n')
  })

  it('several types at once are prefixed and separated', () => {
    const out = sh(c, 'kubectl get pods,svc backend').stdout
    expect(out).toBe(
      'NAME          READY   STATUS    RESTARTS   AGE\npod/backend   1/1     Running   0          5m\n\nNAME              TYPE        CLUSTER-IP    EXTERNAL-IP   PORT(S)   AGE\nservice/backend   ClusterIP   10.96.45.12   <none>        80/TCP    5m\n',
    )
  })

  it('-o json prints the API object with computed status, four-space indented, keys sorted', () => {
    const r = sh(c, 'kubectl get pod backend -o json')
    const o = JSON.parse(r.stdout)
    expect(o.status).toMatchObject({ phase: 'Running', podIP: '10.244.2.2', hostIP: '192.168.1.12', podIPs: [{ ip: '10.244.2.2' }] })
    expect(o.spec.containers[0]).toMatchObject({ imagePullPolicy: 'IfNotPresent', ports: [{ containerPort: 8080, name: 'http', protocol: 'TCP' }] })
    expect(r.stdout.startsWith('{\n    "apiVersion": "v1",\n    "kind": "Pod",\n')).toBe(true)
    const list = JSON.parse(sh(c, 'kubectl get svc -o json').stdout)
    expect(list).toMatchObject({ apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' } })
    expect(list.items.map((s: { metadata: { name: string } }) => s.metadata.name)).toEqual(['backend', 'db', 'frontend', 'kubernetes'])
  })

  it('-o yaml quotes what YAML 1.1 would misread, as kubectl does', () => {
    const y = sh(c, 'kubectl get svc frontend -o yaml').stdout
    expect(y).toContain('  creationTimestamp: "2026-01-15T11:55:00Z"\n')
    expect(y).toContain('  ports:\n  - nodePort: 30080\n    port: 80\n    protocol: TCP\n    targetPort: 80\n')
    expect(y).toContain('status:\n  loadBalancer: {}\n')
  })

  it('-o yaml picks go-yaml v2\'s string styles: double quotes for what would be misread, single quotes for what plain cannot hold', () => {
    const p = cluster(
      docs(`apiVersion: v1
kind: Pod
metadata:
  name: styled
  annotations: {colon: "a: b", star: "*x", apostrophe: "it's", "yes": "yes", port: "8080", empty: "", tail: "x:"}
spec:
  nodeSelector: {nope: "true"}
  containers: [{name: c, image: nginx}]`),
    )
    const y = toYamlText(JSON.parse(sh(p, 'kubectl get pod styled -o json').stdout))
    expect(sh(p, 'kubectl get pod styled -o yaml').stdout).toBe(y)
    for (const line of [
      "    apostrophe: it's",
      "    colon: 'a: b'",
      '    empty: ""',
      '    port: "8080"',
      "    star: '*x'",
      "    tail: 'x:'",
      '    "yes": "yes"',
      '    nope: "true"',
      // the scheduler's message holds ": " and apostrophes: single-quoted, each ' doubled
      "    message: '0/4 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 3 node(s) didn''t match Pod''s node affinity/selector.'",
    ])
      expect(y.split('\n')).toContain(line)
  })

  it('-o name', () => {
    expect(sh(c, 'kubectl get svc -o name').stdout).toBe('service/backend\nservice/db\nservice/frontend\nservice/kubernetes\n')
  })

  it('errors as kubectl words them', () => {
    expect(sh(c, 'kubectl get pod nope')).toMatchObject({ exitCode: 1, stderr: 'Error from server (NotFound): pods "nope" not found\n' })
    expect(sh(c, 'kubectl get widgets')).toMatchObject({ exitCode: 1, stderr: 'error: the server doesn\'t have a resource type "widgets"\n' })
    expect(sh(c, 'kubectl get pods -n empty')).toMatchObject({ exitCode: 0, stdout: '', stderr: 'No resources found in empty namespace.\n' })
    expect(sh(c, 'kubectl get pods -l "app in (x"').exitCode).toBe(1)
  })
})

describe('kubectl describe', () => {
  it('service, aligned as kubectl aligns it', () => {
    expect(sh(c, 'kubectl describe svc backend').stdout).toBe(
      [
        'Name:                     backend',
        'Namespace:                default',
        'Labels:                   <none>',
        'Annotations:              <none>',
        'Selector:                 app=backend',
        'Type:                     ClusterIP',
        'IP Family Policy:         SingleStack',
        'IP Families:              IPv4',
        'IP:                       10.96.45.12',
        'IPs:                      10.96.45.12',
        'Port:                     http  80/TCP',
        'TargetPort:               http/TCP',
        'Endpoints:                10.244.2.2:8080',
        'Session Affinity:         None',
        'Internal Traffic Policy:  Cluster',
        'Events:                   <none>',
        '',
      ].join('\n'),
    )
  })

  it('pod: sections align separately, as a tabwriter block ends at a line without a tab', () => {
    const out = sh(c, 'kubectl describe pod frontend').stdout
    expect(out).toContain('Node:             node-1/192.168.1.11\n')
    // a bare Pod has no "Controlled By:" line to widen the IPs block
    expect(out).toContain('IPs:\n  IP:  10.244.1.2\nContainers:\n')
    // kubectl 1.34 names each port (describeContainerPorts)
    expect(out).toContain('    Port:           80/TCP (http)\n    Host Port:      0/TCP (http)\n')
    // the Volumes block (the ServiceAccount plugin's token volume) aligns with what follows it
    expect(out).toMatch(/ {2}PodScheduled {16}True \nVolumes:\n {2}kube-api-access-\w{5}:\n {4}Type: {20}Projected/)
    expect(out).toContain('    DownwardAPI:             true\nQoS Class:                   BestEffort\n')
  })

  it('node lists its Pod CIDR and Pods', () => {
    const out = sh(c, 'kubectl describe node node-2').stdout
    expect(out).toContain('PodCIDR:                      10.244.2.0/24\n')
    expect(out).toMatch(/ {2}default {6,}backend {4,}0 \(0%\)/)
  })
})

describe('text/tabwriter and HumanDuration, as Go has them', () => {
  it('pads every cell but the last of a line; a line without a tab ends the block', () => {
    expect(tabwrite('a\tbb\tc\nccc\td\te\nno tab\nx\ty\n', 0, 2)).toBe('a    bb  c\nccc  d   e\nno tab\nx  y\n')
  })
  it('ages', () => {
    expect([59, 119, 120, 300, 601, 10799, 3 * 3600 + 60, 47 * 3600, 49 * 3600, 10 * 86400, 800 * 86400].map((s) => humanDuration(s * 1000))).toEqual(
      ['59s', '119s', '2m', '5m', '10m', '179m', '3h1m', '47h', '2d1h', '10d', '2y70d'],
    )
  })
})

describe('ServiceCIDR and IPAddress objects (networking.k8s.io/v1)', () => {
  it('one ServiceCIDR for the range, one IPAddress per allocated ClusterIP, naming its Service', () => {
    expect(sh(c, 'kubectl get servicecidrs').stdout).toBe('NAME         CIDRS          AGE\nkubernetes   10.96.0.0/12   10d\n')
    expect(sh(c, 'kubectl get ipaddresses').stdout).toBe(
      'NAME          PARENTREF\n10.96.0.1     services/default/kubernetes\n10.96.0.10    services/kube-system/kube-dns\n10.96.45.12   services/default/backend\n10.96.7.7     services/default/frontend\n',
    )
    const o = JSON.parse(sh(c, 'kubectl get ipaddress 10.96.45.12 -o json').stdout)
    expect(o.spec.parentRef).toEqual({ group: '', namespace: 'default', name: 'backend', resource: 'services' })
  })
})
