/**
 * `kubectl run NAME --rm -i --image=IMAGE -- COMMAND`: a one-off Pod, scheduled and addressed
 * like any Pod of the scenario, that runs COMMAND and is deleted (kubectl pkg/cmd/run/run.go).
 */
import { readFileSync, readdirSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { loadScenario, runCommand } from '../../../engine/index.ts'
import { cluster, deployment, sh } from '../core/helpers.ts'

const web = `${deployment('web', 2, { app: 'web' }, 80)}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80}]
`

describe('kubectl run --rm', () => {
  const c = cluster(web)

  it('runs the command in a new Pod and prints the deletion, as kubectl does after the logs', () => {
    const r = sh(c, 'kubectl run tmp --rm -i --restart=Never --image=nicolaka/netshoot:v0.13 -- nslookup web')
    expect(r.exitCode).toBe(0)
    expect(r.stdout).toMatch(/^Server:\t\t10\.96\.0\.10\n/)
    expect(r.stdout).toContain('Name:\tweb.default.svc.cluster.local\n')
    expect(r.stdout.endsWith('pod "tmp" deleted from default namespace\n')).toBe(true)
    expect(r.stderr).toBe('')
  })

  it('gives the Pod its own address, its name as HOSTNAME and the run=NAME label', () => {
    const r = sh(c, 'kubectl run probe --rm -i --restart=Never --image=busybox:1.36 -- sh -c "printenv HOSTNAME; printenv WEB_SERVICE_HOST"')
    const svc = sh(c, 'kubectl get svc web -o jsonpath={.spec.clusterIP}').stdout
    expect(r.stdout).toBe(`probe\n${svc}\npod "probe" deleted from default namespace\n`)
  })

  it('leaves the cluster as it was: the Pod is gone for the next command', () => {
    sh(c, 'kubectl run gone --rm -i --restart=Never --image=busybox:1.36 -- true')
    expect(sh(c, 'kubectl get pod gone').stderr).toBe('Error from server (NotFound): pods "gone" not found\n')
  })

  it('returns the exit status with --restart=Never, 0 with the default Always', () => {
    const never = sh(c, 'kubectl run t --rm -i --restart=Never --image=busybox:1.36 -- wget -qO- -T 1 http://nope')
    expect(never.exitCode).toBe(1)
    expect(never.stdout).toBe("wget: bad address 'nope'\npod \"t\" deleted from default namespace\n")
    expect(never.stderr).toBe('pod default/t terminated (Error)\n')
    const always = sh(c, 'kubectl run t --rm -i --image=busybox:1.36 -- wget -qO- -T 1 http://nope')
    expect(always.exitCode).toBe(0)
    expect(always.stderr).toBe('')
  })

  it('reports a missing executable as the runtime does, a StartError with exit code 128', () => {
    const r = sh(c, 'kubectl run t --rm -i --restart=Never --image=busybox:1.36 -- frobnicate web')
    expect(r.exitCode).toBe(128)
    expect(r.stdout).toBe('pod "t" deleted from default namespace\n')
    expect(r.stderr).toContain('pod default/t terminated (StartError)\nfailed to create containerd task: ')
    expect(r.stderr).toContain('exec: "frobnicate": executable file not found in $PATH: unknown\n')
  })

  it('passes arguments to curlimages/curl\'s entrypoint, which puts curl in front of options', () => {
    const r = sh(c, 'kubectl run c --rm -i --restart=Never --image=curlimages/curl:8.11.1 -- -s -o /dev/null -w %{http_code} http://web')
    expect(r.stdout).toBe('200pod "c" deleted from default namespace\n')
  })

  it('takes the namespace before or after the verb', () => {
    const before = sh(c, 'kubectl -n kube-system run t --rm -i --restart=Never --image=busybox:1.36 -- true')
    const after = sh(c, 'kubectl run t --rm -i --restart=Never --image=busybox:1.36 --namespace=kube-system -- true')
    expect(before.stdout).toBe('pod "t" deleted from kube-system namespace\n')
    expect(after.stdout).toBe(before.stdout)
    expect(sh(c, 'kubectl run t -n nope --rm -i --image=busybox -- true').stderr).toBe('Error from server (NotFound): namespaces "nope" not found\n')
  })

  it('answers kubectl\'s own errors, in run.go\'s order', () => {
    const err = (line: string) => sh(c, line).stderr
    expect(err('kubectl run --image=busybox --rm -i')).toBe('error: NAME is required for run\n')
    expect(err('kubectl run t --rm -i')).toBe('error: --image is required\n')
    expect(err('kubectl run t --image=Busybox --rm -i -- true')).toBe('error: invalid image name "Busybox": invalid reference format\n')
    expect(err('kubectl run t --image=busybox -t --rm -- true')).toBe('error: -i/--stdin is required for containers with -t/--tty=true\n')
    expect(err('kubectl run t --image=busybox --rm -- true')).toBe('error: --rm should only be used for attached containers\n')
    expect(err('kubectl run t --image=busybox --restart=Sometimes --rm -i -- true')).toBe('error: invalid restart policy: Sometimes, valid values are: Always, OnFailure, Never\n')
    expect(err('kubectl run t --image=busybox -l app --rm -i -- true')).toBe('error: unexpected label spec: app\n')
    expect(err('kubectl run t --image=busybox --env=1A=b --rm -i -- true')).toBe('error: invalid env: 1A=b\n')
    expect(err('kubectl run web-0 --image=busybox --rm -i --frobnicate -- true')).toBe("error: unknown flag: --frobnicate\nSee 'kubectl run --help' for usage.\n")
    expect(err("kubectl run t --image=busybox --rm -i --overrides='{nope' -- true")).toBe('error: Invalid JSON Patch\n')
  })

  it('answers the API server\'s refusals: a name in use, an invalid name', () => {
    const pod = sh(c, 'kubectl get pods -o name').stdout.split('\n')[0].replace('pod/', '')
    expect(sh(c, `kubectl run ${pod} --rm -i --image=busybox -- true`).stderr).toBe(`Error from server (AlreadyExists): pods "${pod}" already exists\n`)
    expect(sh(c, 'kubectl run a.b --rm -i --restart=Never --image=busybox -- true').stderr).toMatch(/^The Pod "a\.b" is invalid: spec\.containers\[0\]\.name: Invalid value: "a\.b": a lowercase RFC 1123 label must/)
  })

  it('refuses what would leave a Pod behind, and an interactive session', () => {
    expect(sh(c, 'kubectl run t --image=busybox').stderr).toMatch(/^error: kubectl run without --rm is not simulated here/)
    expect(sh(c, 'kubectl run t -i --image=busybox -- true').stderr).toMatch(/^error: kubectl run without --rm is not simulated here/)
    const shell = sh(c, 'kubectl run t --rm -it --image=busybox')
    expect(shell.exitCode).toBe(2)
    expect(shell.stderr).toContain('(an interactive session is not simulated here: put the command after --')
  })

  it('applies --overrides as a JSON merge patch (RFC 7386), e.g. the host network', () => {
    const node = sh(c, 'kubectl get nodes -o name').stdout.split('\n')[0].replace('node/', '')
    const ip = sh(c, `kubectl get node ${node} -o jsonpath={.status.addresses[0].address}`).stdout
    const r = sh(c, `kubectl run h --rm -i --restart=Never --image=busybox:1.36 --overrides='{"spec":{"hostNetwork":true,"nodeName":"${node}"}}' -- ip -4 -br addr show eth0`)
    expect(r.stdout).toContain(`${ip}/`)
  })
})

describe('kubectl run --rm and NetworkPolicy', () => {
  it('is selected by the policies of its namespace, like any Pod', () => {
    const c = cluster(`apiVersion: knet/v1alpha1
kind: Cluster
spec: {cni: calico}
---
${web}---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-from-frontend}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress: [{from: [{podSelector: {matchLabels: {role: frontend}}}]}]
`)
    const denied = sh(c, 'kubectl run t --rm -i --restart=Never --image=nicolaka/netshoot:v0.13 -- curl -sS --max-time 1 http://web')
    expect(denied.exitCode).toBe(28)
    expect(denied.stdout).toMatch(/^curl: \(28\) /)
    const allowed = sh(c, 'kubectl run t --rm -i --restart=Never -l role=frontend --image=nicolaka/netshoot:v0.13 -- curl -sS --max-time 1 -o /dev/null -w %{http_code} http://web')
    expect(allowed.exitCode).toBe(0)
    expect(allowed.stdout.startsWith('200pod "t" deleted')).toBe(true)
  })
})

describe('kubectl run --rm in every chapter\'s scenario', () => {
  const dir = new URL('../../../content/scenarios/', import.meta.url)
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
    it(`${file}: the one-off Pod moves no other Pod, and the cluster is unchanged after it`, () => {
      const { cluster: c } = loadScenario(readFileSync(new URL(file, dir), 'utf8'))
      const before = runCommand(c, 'kubectl get pods -A -o wide').stdout
      const r = runCommand(c, 'kubectl run oneoff --rm -i --restart=Never --image=busybox:1.36 -- true')
      expect(r.stderr).toBe('')
      expect(r.stdout).toBe('pod "oneoff" deleted from default namespace\n')
      expect(runCommand(c, 'kubectl get pods -A -o wide').stdout).toBe(before)
    })
  }
})
