import { describe, expect, it } from 'vitest'
import { cluster, deployment, sh } from './helpers.ts'

const c = cluster(deployment('web', 2, { app: 'web' }))

describe('the terminal', () => {
  it('answers unknown programs as a shell does', () => {
    expect(sh(c, 'foo --bar')).toEqual({ command: 'foo --bar', exitCode: 127, stdout: '', stderr: 'sh: foo: not found\n' })
  })

  it('kubectl runs only on the workstation', () => {
    const pod = c.pods.find((p) => p.meta.labels.app === 'web')!.meta.name
    // run directly, the runtime cannot find it (containerd/runc; kubectl exits 1)
    const r = sh(c, `kubectl exec ${pod} -- kubectl get pods`)
    expect(r.exitCode).toBe(1)
    expect(r.stderr).toContain('exec: "kubectl": executable file not found in $PATH: unknown')
    expect(sh(c, 'ssh node-1 kubectl get pods').exitCode).toBe(127)
  })

  it('kubectl exec finds Pods by name or workload, and says what is wrong', () => {
    expect(sh(c, 'kubectl exec nope -- hostname')).toMatchObject({ exitCode: 1, stderr: 'Error from server (NotFound): pods "nope" not found\n' })
    expect(sh(c, 'kubectl exec deploy/nope -- hostname').stderr).toBe('Error from server (NotFound): deployments.apps "nope" not found\n')
    expect(sh(c, 'kubectl exec deploy/web hostname').stderr).toMatch(/^error: exec \[POD\] \[COMMAND\] is not supported anymore/)
    expect(sh(c, 'kubectl exec deploy/web --').stderr).toBe('error: you must specify at least one command for the container\n')
  })

  it('ssh resolves nodes by name or address', () => {
    expect(sh(c, 'ssh node-9 ip route')).toMatchObject({ exitCode: 255, stderr: 'ssh: Could not resolve hostname node-9: Name or service not known\n' })
  })

  it('quotes and refuses pipes', () => {
    expect(sh(c, "kubectl get pods -l 'app in (web)'").exitCode).toBe(0)
    expect(sh(c, 'kubectl get pods | grep web')).toMatchObject({ exitCode: 2 })
    expect(sh(c, 'echo "unterminated').stderr).toBe('sh: syntax error: unterminated quoted string\n')
  })

  it('help lists every command and where it runs', () => {
    const h = sh(c, 'help')
    expect(h.exitCode).toBe(0)
    expect(h.stdout).toContain('kubectl exec [-n NS] POD -- CMD  inside a Pod')
    expect(h.stdout).toMatch(/\n {2}kubectl +talk to the simulated API server/)
    expect(sh(c, 'help kubectl').stdout).toContain('Usage:\n  kubectl get TYPE')
  })
})

describe('files across modules', () => {
  it('cat shows the CNI configuration on a node and the resolver config in a Pod', () => {
    const r = sh(c, 'ssh node-1 cat /etc/cni/net.d/10-flannel.conflist')
    expect(r.exitCode).toBe(0)
    expect(JSON.parse(r.stdout)).toMatchObject({ name: 'cbr0', plugins: [{ type: 'flannel' }, { type: 'portmap' }] })
    expect(sh(c, 'ssh node-1 cat /etc/nope')).toMatchObject({ exitCode: 1, stderr: 'knet: cat: /etc/nope is not simulated here (cat shows /etc/resolv.conf, /etc/hosts, /etc/hostname, the CNI files, /proc/sys/net and /sys/class/net)\n' })
  })
})
