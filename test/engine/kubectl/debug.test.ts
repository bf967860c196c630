/**
 * kubectl debug and kubectl port-forward: the lines kubectl prints (pkg/cmd/debug/debug.go,
 * pkg/cmd/attach/attach.go, pkg/cmd/portforward/portforward.go, client-go tools/portforward),
 * and where the commands run: an ephemeral container shares its Pod's network namespace and
 * brings its image's tools; a node debugging Pod has the node's network.
 */
import { describe, expect, it } from 'vitest'
import { cluster, docs, service, sh } from '../core/helpers.ts'

const c = cluster(docs(
  `apiVersion: v1
kind: Pod
metadata: {name: app, labels: {app: web}}
spec:
  containers: [{name: server, image: registry.k8s.io/e2e-test-images/agnhost:2.53, args: [netexec, --http-port=8080], ports: [{containerPort: 8080, name: http}]}]
`,
  service('web', { app: 'web' }),
  `apiVersion: v1
kind: Pod
metadata: {name: stuck}
spec:
  nodeSelector: {disk: none}
  containers: [{name: c, image: nginx:1.27}]
`,
))
const appIP = () => sh(c, 'kubectl get pod app -o jsonpath={.status.podIP}').stdout

describe('kubectl debug POD', () => {
  it('names the ephemeral container, then runs the command in the Pod\'s network namespace', () => {
    const r = sh(c, 'kubectl debug -it app --image=nicolaka/netshoot -- ip -br addr show eth0')
    expect(r.exitCode).toBe(0)
    expect(r.stdout).toMatch(/^Defaulting debug container name to debugger-[bcdfghjklmnpqrstvwxz2456789]{5}\.\n/)
    expect(r.stdout).toContain(`${appIP()}/24`)
  })
  it('the same name on every run (reproducible), another for another image', () => {
    const first = (img: string) => sh(c, `kubectl debug -it app --image=${img} -- hostname`).stdout.split('\n')[0]
    expect(first('nicolaka/netshoot')).toBe(first('nicolaka/netshoot'))
    expect(first('nicolaka/netshoot')).not.toBe(first('busybox:1.36'))
  })
  it('the debug image\'s tools: BusyBox nslookup from busybox, bind9\'s from netshoot', () => {
    expect(sh(c, 'kubectl debug -it app --image=busybox:1.36 -- nslookup web').stdout).toContain('Address: 10.')
    expect(sh(c, 'kubectl debug -it app --image=busybox:1.36 -- nslookup web').stdout).toMatch(/Address:\t10\.96\.0\.10:53/)
    expect(sh(c, 'kubectl debug -it app --image=nicolaka/netshoot -- nslookup web').stdout).toMatch(/Address:\t10\.96\.0\.10#53/)
  })
  it('-c names the container; --target prints kubectl\'s note and must name a container', () => {
    expect(sh(c, 'kubectl debug -it app --image=nicolaka/netshoot -c tools -- hostname').stdout).toBe('app\n')
    const t = sh(c, 'kubectl debug -it app --image=nicolaka/netshoot --target=server -- hostname')
    expect(t.stdout.startsWith('Targeting container "server". If you don\'t see processes from this container it may be because the container runtime doesn\'t support this feature.\nDefaulting debug container name to debugger-')).toBe(true)
    expect(sh(c, 'kubectl debug -it app --image=nicolaka/netshoot --target=nope -- hostname')).toMatchObject({ exitCode: 1, stderr: 'The Pod "app" is invalid: spec.ephemeralContainers[0].targetContainerName: Not found: "nope"\n' })
  })
  it('kubectl\'s validation messages', () => {
    expect(sh(c, 'kubectl debug -it app -- ip a').stderr).toBe('error: you must specify --image when not using --copy-to.\n')
    expect(sh(c, 'kubectl debug -t app --image=busybox -- ip a').stderr).toBe('error: -i/--stdin is required for containers with -t/--tty=true\n')
    expect(sh(c, 'kubectl debug -it --image=busybox').stderr).toBe('error: NAME or filename is required for debug\n')
    expect(sh(c, 'kubectl debug -it app --image=Bad:Image -- ip a').stderr).toBe('error: invalid image name "Bad:Image": invalid reference format\n')
    expect(sh(c, 'kubectl debug -it nope --image=busybox -- ip a').stderr).toBe('Error from server (NotFound): pods "nope" not found\n')
    expect(sh(c, 'kubectl debug -it svc/web --image=busybox -- ip a').stderr).toBe('error: "/v1, Kind=Service" not supported by debug\n')
  })
  it('an interactive shell is not simulated: the attach lines, then a pointer', () => {
    const r = sh(c, 'kubectl debug -it app --image=nicolaka/netshoot')
    expect(r.exitCode).toBe(2)
    expect(r.stderr).toContain("If you don't see a command prompt, try pressing enter.\n")
    expect(r.stderr).toContain('interactive shell is not simulated')
  })
  it('a Pod that is not running', () => {
    expect(sh(c, 'kubectl debug -it stuck --image=busybox -- ip a').exitCode).toBe(1)
  })
})

describe('kubectl debug node/NAME', () => {
  it('creates a debugging Pod on the node and runs with the node\'s network', () => {
    const r = sh(c, 'kubectl debug node/node-1 -it --image=nicolaka/netshoot -- ip route')
    expect(r.stdout).toMatch(/^Creating debugging pod node-debugger-node-1-[a-z0-9]{5} with container debugger on node node-1\.\n/)
    expect(r.stdout).toContain('dev cni0 proto kernel scope link src 10.244.1.1')
    expect(r.stdout).toBe(r.stdout.split('\n')[0] + '\n' + sh(c, 'ssh node-1 ip route').stdout)
  })
  it('chroot /host runs the node\'s own command', () => {
    expect(sh(c, 'kubectl debug node/node-2 -it --image=busybox -- chroot /host iptables -t nat -S KUBE-SERVICES').stdout).toContain('-A KUBE-SERVICES')
  })
  it('the node\'s files are at /host', () => {
    expect(sh(c, 'kubectl debug node/node-1 -it --image=nicolaka/netshoot -- cat /host/etc/resolv.conf').stdout).toContain(sh(c, 'ssh node-1 cat /etc/resolv.conf').stdout)
  })
  it('an unknown node', () => {
    expect(sh(c, 'kubectl debug node/node-9 -it --image=busybox -- ip a').stderr).toBe('Error from server (NotFound): nodes "node-9" not found\n')
  })
})

describe('kubectl port-forward', () => {
  it('a Pod: one line per address', () => {
    expect(sh(c, 'kubectl port-forward app 8080')).toMatchObject({ exitCode: 0, stdout: 'Forwarding from 127.0.0.1:8080 -> 8080\nForwarding from [::1]:8080 -> 8080\n' })
  })
  it('a Service port becomes the container port its targetPort names', () => {
    expect(sh(c, 'kubectl port-forward svc/web 9000:80').stdout).toBe('Forwarding from 127.0.0.1:9000 -> 8080\nForwarding from [::1]:9000 -> 8080\n')
    expect(sh(c, 'kubectl port-forward svc/web 9000:81').stderr).toBe('error: Service web does not have a service port 81\n')
  })
  it('a named container port, a chosen local port, --address', () => {
    expect(sh(c, 'kubectl port-forward pod/app :http').stdout).toMatch(/^Forwarding from 127\.0\.0\.1:(\d+) -> 8080\nForwarding from \[::1\]:\1 -> 8080\n$/)
    expect(sh(c, 'kubectl port-forward app 8080:nope').stderr).toBe("error: Pod 'app' does not have a named port 'nope'\n")
    expect(sh(c, 'kubectl port-forward --address 0.0.0.0 app 8080').stdout).toBe('Forwarding from 0.0.0.0:8080 -> 8080\n')
  })
  it('errors: no ports, a Pod that is not running', () => {
    expect(sh(c, 'kubectl port-forward app').stderr).toBe("error: TYPE/NAME and list of ports are required for port-forward\nSee 'kubectl port-forward -h' for help and examples\n")
    expect(sh(c, 'kubectl port-forward stuck 80').stderr).toBe('error: unable to forward port because pod is not running. Current status=Pending\n')
  })
  it('nothing keeps running between commands: curl to the local port afterwards is refused', () => {
    expect(sh(c, 'curl -sS http://localhost:8080/').exitCode).toBe(7)
  })
})
