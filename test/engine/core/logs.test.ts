/**
 * `kubectl logs` as kubectl (k8s.io/kubectl/pkg/cmd/logs) behaves: the Pod it
 * picks, the messages it prints on stderr, its errors, --tail, -c, -l; and the
 * CoreDNS and agnhost netexec lines (coremain showVersion; agnhost netexec.go).
 */
import { describe, expect, it } from 'vitest'
import { loadScenario, runCommand } from '../../../engine/index.ts'

const base = `apiVersion: apps/v1
kind: Deployment
metadata: {name: echo}
spec:
  replicas: 2
  selector: {matchLabels: {app: echo}}
  template:
    metadata: {labels: {app: echo}}
    spec:
      containers:
        - name: netexec
          image: registry.k8s.io/e2e-test-images/agnhost:2.53
          args: [netexec, --http-port=9000]
---
apiVersion: v1
kind: Pod
metadata: {name: two, labels: {app: two}}
spec:
  initContainers: [{name: setup, image: busybox}]
  containers:
    - {name: web, image: nginx}
    - {name: side, image: registry.k8s.io/e2e-test-images/agnhost:2.53, args: [netexec, --udp-port=-1]}
---
apiVersion: v1
kind: Pod
metadata: {name: nowhere}
spec:
  nodeSelector: {disk: ssd}
  containers: [{name: app, image: registry.k8s.io/e2e-test-images/agnhost:2.53}]
`

const c = loadScenario(base).cluster
const sh = (line: string) => runCommand(c, line)

describe('kubectl logs', () => {
  it('prints agnhost netexec\'s startup lines with its ports (two spaces in the UDP line: an empty address)', () => {
    const r = sh('kubectl logs deploy/echo')
    expect(r.exitCode).toBe(0)
    const lines = r.stdout.trimEnd().split('\n')
    expect(lines).toHaveLength(2)
    expect(lines[0]).toMatch(/^I\d{4} \d\d:\d\d:\d\d\.\d{6} {7}1 log\.go:195\] Started HTTP server on port 9000$/)
    expect(lines[1]).toMatch(/ log\.go:195\] Started UDP server on port {2}8081$/)
    expect(r.stderr).toMatch(/^Found 2 pods, using pod\/echo-[a-z0-9]+-[a-z0-9]{5}\n$/)
  })

  it('svc/NAME picks one of the Pods the Service selects, and says how many there were', () => {
    const r = sh('kubectl logs svc/echo-none')
    expect(r.stderr).toBe('Error from server (NotFound): services "echo-none" not found\n')
    const c2 = loadScenario(`${base}---\napiVersion: v1\nkind: Service\nmetadata: {name: echo}\nspec: {selector: {app: echo}, ports: [{port: 80, targetPort: 9000}]}\n`).cluster
    const r2 = runCommand(c2, 'kubectl logs svc/echo')
    expect(r2.stderr).toMatch(/^Found 2 pods, using pod\/echo-/)
    expect(r2.stdout).toContain('Started HTTP server on port 9000')
  })

  it('defaults to the first container of a multi-container Pod and says so, naming init containers', () => {
    const r = sh('kubectl logs two')
    expect(r.stderr).toContain('Defaulted container "web" out of: web, side, setup (init)\n')
  })

  it('-c picks a container; an unknown one is kubectl\'s error', () => {
    const r = sh('kubectl logs two -c side')
    expect(r.stdout).toContain('Started HTTP server on port 8080')
    expect(r.stdout).not.toContain('UDP')
    const bad = sh('kubectl logs two -c nope')
    expect(bad.exitCode).toBe(1)
    expect(bad.stderr).toBe('error: container nope is not valid for pod two\n')
  })

  it('a missing Pod names the namespace', () => {
    const r = sh('kubectl logs ghost -n kube-system')
    expect(r.exitCode).toBe(1)
    expect(r.stderr).toBe('error: error from server (NotFound): pods "ghost" not found in namespace "kube-system"\n')
  })

  it('--tail keeps the last lines; -l defaults --tail to 10 per Pod', () => {
    expect(sh('kubectl logs -n kube-system ds/kube-proxy --tail=1').stdout.trimEnd().split('\n')).toHaveLength(1)
    const all = sh('kubectl logs -n kube-system -l k8s-app=kube-proxy')
    expect(all.stdout.trimEnd().split('\n')).toHaveLength(10 * c.nodes.length)
    expect(sh('kubectl logs -l app=none').stderr).toBe('No resources found in default namespace.\n')
  })

  it('prints CoreDNS\'s startup lines for kubeadm\'s Corefile and the image\'s version', () => {
    const r = sh('kubectl logs -n kube-system deploy/coredns')
    // as a kubeadm cluster's CoreDNS 1.12 prints it (the digest is that of kubeadm's Corefile, see coredns-digest.test.ts)
    expect(r.stdout).toBe(
      'maxprocs: Leaving GOMAXPROCS=2: CPU quota undefined\n.:53\n[INFO] plugin/reload: Running configuration SHA512 = 1b226df79860026c6a52e67daa10d7f0d57ec5b023288ec00c5e05f93523c894564e15b91770d3a07ae1cfbe861d15b37d4a0027e69c546ab112970993a3b03b\nCoreDNS-1.14.6\nlinux/amd64, go1.26.5, 424d125\n',
    )
  })

  it('refuses -f (no stream to follow), -p finds no previous container, and a Pending Pod has no log', () => {
    expect(sh('kubectl logs -f two').exitCode).toBe(1)
    const prev = sh('kubectl logs two -c side -p')
    expect(prev.stderr).toBe('Error from server (BadRequest): previous terminated container "side" in pod "two" not found\n')
    const pending = sh('kubectl logs nowhere')
    expect(pending.exitCode).toBe(0)
    expect(pending.stdout).toBe('')
  })

  it('says when the engine has no log for a program instead of inventing one', () => {
    const r = sh('kubectl logs two -c web')
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain('no simulated log for container "web"')
  })

  it('needs a Pod or a selector, not both', () => {
    expect(sh('kubectl logs').stderr).toContain("error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.")
    expect(sh('kubectl logs two -l app=two').stderr).toBe('error: only a selector (-l) or a POD name is allowed\n')
  })

  it('--timestamps and --prefix put the time and the container in front', () => {
    const line = sh('kubectl logs two -c side --timestamps --prefix').stdout.split('\n')[0]
    expect(line).toMatch(/^\[pod\/two\/side\] \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z I\d{4} /)
  })
})
