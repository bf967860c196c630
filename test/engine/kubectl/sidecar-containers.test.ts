// Sidecars (init containers with restartPolicy Always, KEP-753) are containers of the running Pod:
// kubectl finds them by name (kubectl/pkg/cmd/util/podcmd/podcmd.go FindContainerByName), the kubelet
// execs into them and streams their logs, their image decides the tools a command finds, and they
// start before the app containers (kuberuntime_manager.go SyncPod). Named ports: a Service's
// targetPort and the simulator's NetworkPolicy look at sidecars too (pkg/api/v1/pod/util.go
// FindPort); kubectl port-forward does not (kubectl/pkg/util/service_port.go
// lookupContainerPortNumberByName reads spec.containers only).
import { describe, expect, it } from 'vitest'
import { cluster, sh } from '../core/helpers.ts'
import { namedPortNumber } from '../../../engine/policy/match.ts'
import { containerOf, defaultedNote, runningContainers } from '../../../engine/model/containers.ts'

const web = (annotations = '{}', app = 'image: busybox:1.36\n    command: [sleep, infinity]') => `apiVersion: v1
kind: Pod
metadata: {name: web, labels: {app: web}, annotations: ${annotations}}
spec:
  initContainers:
  - name: setup
    image: busybox:1.36
    command: [sh, -c, "true"]
    ports: [{name: old, containerPort: 7000}]
  - name: echo
    image: registry.k8s.io/e2e-test-images/agnhost:2.53
    restartPolicy: Always
    args: [netexec, --http-port=8080, --udp-port=-1]
    ports: [{name: side, containerPort: 8080}]
  - name: tools
    image: nicolaka/netshoot:v0.13
    restartPolicy: Always
    command: [sleep, infinity]
  containers:
  - name: app
    ${app}
`

describe('kubectl exec and logs reach a sidecar', () => {
  it('exec -c SIDECAR runs in the sidecar, with its image\'s tools (netshoot has tcpdump, busybox has not)', () => {
    const c = cluster(web())
    const inTools = sh(c, 'kubectl exec web -c tools -- tcpdump -ni eth0 -c 1')
    expect(inTools.exitCode).toBe(0)
    expect(inTools.stderr).toContain('listening on eth0')
    expect(sh(c, 'kubectl exec web -c app -- tcpdump -ni eth0 -c 1').exitCode).not.toBe(0)
    // musl (busybox) vs glibc (netshoot's nslookup is BIND's): the sidecar's image decides
    expect(sh(c, 'kubectl exec web -c tools -- nslookup kubernetes').stdout).toContain('Address:\t10.96.0.10#53')
  })

  it('a finished init container is in the spec but not running; a name in neither is invalid', () => {
    const c = cluster(web())
    expect(sh(c, 'kubectl exec web -c setup -- ls').stderr).toBe('error: unable to upgrade connection: container not found ("setup")\n')
    expect(sh(c, 'kubectl exec web -c nope -- ls').stderr).toBe('Error from server (BadRequest): container nope is not valid for pod web\n')
  })

  it('logs -c SIDECAR streams the sidecar\'s program (agnhost netexec)', () => {
    const r = sh(cluster(web()), 'kubectl logs web -c echo')
    expect(r.stderr).toBe('')
    expect(r.stdout).toMatch(/log\.go:195\] Started HTTP server on port 8080\n$/)
  })

  it('without -c: the first app container, and kubectl says so, listing init containers as "(init)"', () => {
    const c = cluster(web())
    const note = 'Defaulted container "app" out of: app, setup (init), echo (init), tools (init)\n'
    expect(sh(c, 'kubectl logs web').stderr.startsWith(note)).toBe(true)
    expect(sh(c, 'kubectl exec web -- hostname').stderr).toBe(note)
    expect(sh(c, 'kubectl exec web -q -- hostname').stderr).toBe('')
  })

  it('the default-container annotation may name a sidecar (FindContainerByName looks at init containers too), and then kubectl says nothing', () => {
    const c = cluster(web('{kubectl.kubernetes.io/default-container: tools}'))
    const pod = c.index.pod.get('default/web')!
    expect(defaultedNote(pod)).toBe('')
    const r = sh(c, 'kubectl exec web -- tcpdump -ni eth0 -c 1')
    expect([r.exitCode, r.stderr.includes('listening on eth0')]).toEqual([0, true])
  })
})

describe('kubectl exec reaches running containers only (kubelet.go findContainer)', () => {
  it('not a container between crash-loop attempts, nor a regular init container the annotation names', () => {
    const twins = `apiVersion: v1
kind: Pod
metadata: {name: twins}
spec:
  containers:
  - {name: first, image: nginx:1.27}
  - {name: second, image: nginx:1.27}
`
    const c = cluster(twins)
    expect(sh(c, 'kubectl exec twins -c second -- ls').stderr).toBe('error: unable to upgrade connection: container not found ("second")\n')
    expect(sh(c, 'kubectl exec twins -c first -- cat /etc/hostname').stdout).toBe('twins\n')
    const d = cluster(web('{kubectl.kubernetes.io/default-container: setup}'))
    expect(sh(d, 'kubectl exec web -- ls').stderr).toBe('error: unable to upgrade connection: container not found ("setup")\n')
  })
})

describe('kubectl debug (validation.go validateEphemeralContainers: init containers count)', () => {
  it('--target may name a sidecar, and -c may not reuse a sidecar\'s name', () => {
    const c = cluster(web())
    const t = sh(c, 'kubectl debug -it web --image=nicolaka/netshoot --target=tools -- ip -br addr')
    expect(t.exitCode).toBe(0)
    expect(t.stdout).toContain('Targeting container "tools".')
    expect(sh(c, 'kubectl debug -it web --image=busybox -c echo -- true').stderr).toBe('The Pod "web" is invalid: spec.ephemeralContainers[0].name: Duplicate value: "echo"\n')
  })
})

describe('a sidecar\'s own securityContext decides its capabilities', () => {
  it('NET_ADMIN added to the sidecar lets its conntrack read the table; the app container has no such capability', () => {
    const c = cluster(`apiVersion: v1
kind: Pod
metadata: {name: capy}
spec:
  initContainers:
  - name: tools
    image: nicolaka/netshoot:v0.13
    restartPolicy: Always
    command: [sleep, infinity]
    securityContext: {capabilities: {add: [NET_ADMIN]}}
  containers:
  - name: app
    image: nicolaka/netshoot:v0.13
    command: [sleep, infinity]
`)
    expect(sh(c, 'kubectl exec capy -c tools -- conntrack -L').exitCode).toBe(0)
    expect(sh(c, 'kubectl exec capy -c app -- conntrack -L').stderr).toContain('you must be root or get CAP_NET_ADMIN')
  })
})

describe('a probe answered by a sidecar\'s server', () => {
  it('reads the sidecar\'s own args: netexec without UDP answers /healthz with 412 (netexec.go healthzHandler)', () => {
    const c = cluster(web('{}', 'image: busybox:1.36\n    command: [sleep, infinity]\n    readinessProbe: {httpGet: {path: /healthz, port: 8080}}'))
    expect(sh(c, 'kubectl get events --field-selector involvedObject.name=web').stdout).toContain('Readiness probe failed: HTTP probe failed with statuscode: 412')
  })
})

describe('crictl on the node (engine/lab/crictl.ts)', () => {
  it('ps lists the running sidecars; ps -a adds the init container that exited', () => {
    const c = cluster(web().replace('spec:\n', 'spec:\n  nodeName: node-1\n'))
    const ps = sh(c, 'ssh node-1 crictl ps').stdout
    expect(ps).toMatch(/ Running +echo +0 /)
    expect(ps).toMatch(/ Running +tools +0 /)
    expect(ps).not.toContain(' setup ')
    expect(sh(c, 'ssh node-1 crictl ps -a').stdout).toMatch(/ Exited +setup +0 /)
  })
})

describe('a sidecar\'s ports', () => {
  it('the sidecar starts first, so an app container on its port crash-loops', () => {
    const c = cluster(web('{}', 'image: registry.k8s.io/e2e-test-images/agnhost:2.53\n    args: [netexec, --http-port=8080, --udp-port=-1]'))
    expect(sh(c, 'kubectl get pod web').stdout).toContain('CrashLoopBackOff')
    expect(c.index.pod.get('default/web')!.containers[0].crash?.port).toEqual({ protocol: 'TCP', port: 8080, heldBy: 'echo' })
  })

  it('named ports: sidecars count, exited init containers do not; port-forward reads app containers only', () => {
    const c = cluster(web())
    const pod = c.index.pod.get('default/web')!
    expect(runningContainers(pod).map((x) => x.name)).toEqual(['app', 'echo', 'tools'])
    expect(containerOf(pod, 'setup')).toBeUndefined()
    expect(namedPortNumber(pod, 'side', 'TCP')).toBe(8080)
    expect(namedPortNumber(pod, 'old', 'TCP')).toBeUndefined()
    expect(sh(c, 'kubectl port-forward pod/web 9000:side').stderr).toBe("error: Pod 'web' does not have a named port 'side'\n")
    expect(sh(c, 'kubectl port-forward pod/web 9000:8080').exitCode).toBe(0)
  })
})
