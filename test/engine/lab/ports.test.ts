/**
 * Two containers of one Pod listening on one port: the API server accepts the
 * Pod with a warning, the second container's bind() fails and kubelet keeps
 * restarting it (CrashLoopBackOff, back-off 10 s doubling to 5 min).
 */
import { describe, expect, it } from 'vitest'
import { loadScenario, runCommand } from '../../../engine/index.ts'
import { crashLoop, goDuration } from '../../../engine/cluster/crash-loop.ts'

const pod = (containers: string) => `apiVersion: v1
kind: Pod
metadata:
  name: twins
  labels: {app: twins}
spec:
  nodeName: node-1
  containers:
${containers}
---
apiVersion: v1
kind: Service
metadata: {name: twins}
spec:
  selector: {app: twins}
  ports: [{port: 80}]
`

const NGINX_TWICE = pod(`    - {name: first, image: "nginx:1.27", ports: [{containerPort: 80}]}
    - {name: second, image: "nginx:1.27", ports: [{containerPort: 80}]}`)

describe('a port two containers want', () => {
  it('is accepted with the API server\'s warning', () => {
    const { diagnostics } = loadScenario(NGINX_TWICE)
    expect(diagnostics.map((d) => `${d.severity}: ${d.message}`)).toEqual(['warning: spec.containers[1].ports[0]: duplicate port definition with spec.containers[0].ports[0]'])
  })

  it('leaves the second container in CrashLoopBackOff, the Pod 1/2 and out of its Service', () => {
    const { cluster } = loadScenario(NGINX_TWICE)
    expect(runCommand(cluster, 'kubectl get pod twins').stdout).toBe('NAME    READY   STATUS             RESTARTS        AGE\ntwins   1/2     CrashLoopBackOff   5 (2m30s ago)   5m\n')
    const d = runCommand(cluster, 'kubectl describe pod twins').stdout
    expect(d).toContain('  second:\n')
    expect(d).toMatch(/State: +Waiting\n +Reason: +CrashLoopBackOff\n +Last State: +Terminated\n +Reason: +Error\n +Exit Code: +1\n/)
    expect(d).toMatch(/Restart Count: +5\n/)
    expect(d).toMatch(/Warning +BackOff +2m30s +kubelet +Back-off restarting failed container second in pod twins_default\(/)
    expect(d).toMatch(/ContainersReady +False/)
    // not ready: the EndpointSlice lists it as such
    expect(runCommand(cluster, 'kubectl get endpointslices -l kubernetes.io/service-name=twins -o yaml').stdout).toContain('ready: false')
    // the first container still serves on the Pod's port 80
    expect(runCommand(cluster, 'ssh node-1 curl -s http://10.244.1.2/').stdout).toContain('Welcome to nginx!')
  })

  it('is no conflict when the servers listen on different ports, whatever the declarations say', () => {
    const ok = loadScenario(pod(`    - {name: web, image: "nginx:1.27"}
    - {name: api, image: "registry.k8s.io/e2e-test-images/agnhost:2.53", args: [netexec, --http-port=8080]}`)).cluster
    expect(runCommand(ok, 'kubectl get pod twins').stdout).toContain('2/2     Running')
    // a declared port binds nothing: busybox sleeping with containerPort 80 beside nginx only warns
    const declared = loadScenario(pod(`    - {name: web, image: "nginx:1.27", ports: [{containerPort: 80}]}
    - {name: sh, image: "busybox:1.36", command: [sleep, infinity], ports: [{containerPort: 80}]}`))
    expect(declared.diagnostics.map((d) => d.severity)).toEqual(['warning'])
    expect(runCommand(declared.cluster, 'kubectl get pod twins').stdout).toContain('2/2     Running')
  })

  it('crashes undeclared too: two agnhost servers on one --http-port', () => {
    const { cluster, diagnostics } = loadScenario(pod(`    - {name: a, image: "registry.k8s.io/e2e-test-images/agnhost:2.53", args: [netexec, --http-port=8080]}
    - {name: b, image: "registry.k8s.io/e2e-test-images/agnhost:2.53", args: [netexec, --http-port=8080, --udp-port=9090]}`))
    expect(diagnostics).toEqual([])
    expect(runCommand(cluster, 'kubectl get pod twins').stdout).toContain('1/2     CrashLoopBackOff')
    expect(cluster.pods.find((p) => p.meta.name === 'twins')!.containers[1].crash).toMatchObject({ exitCode: 1, port: { protocol: 'TCP', port: 8080, heldBy: 'a' } })
    // netexec's HTTP bind error races its UDP server's goroutine (netexec.go main), so its log is not written
    expect(runCommand(cluster, 'kubectl logs twins -c b -p').stderr).toContain('writes when it cannot bind port 8080/TCP, which container "a" holds, is not simulated')
  })

  it('shows the exited attempt in crictl ps -a only', () => {
    const { cluster } = loadScenario(NGINX_TWICE)
    expect(runCommand(cluster, 'ssh node-1 crictl ps').stdout).not.toContain(' second ')
    expect(runCommand(cluster, 'ssh node-1 crictl ps -a').stdout).toMatch(/\n[0-9a-f]{13} +[0-9a-f]{13} +2 minutes ago +Exited +second +5 /)
  })
})

// the first exit is restarted at once (doBackOff: no back-off entry yet), then 10 s, 20 s, 40 s…
describe('crashLoop', () => {
  it.each([
    [5, 1, '10s'],
    [10, 2, '20s'],
    [300, 5, '2m40s'],
    [3600, 16, '5m0s'],
  ])('after %i s: %i restarts, waiting %s', (s, restarts, wait) => {
    const c = crashLoop('2026-01-15T11:00:00Z', new Date(Date.parse('2026-01-15T11:00:00Z') + s * 1000).toISOString())
    expect(c.restarts).toBe(restarts)
    expect(goDuration(c.backoff)).toBe(wait)
  })
})
