/**
 * kubectl exec as it really behaves: the remote exit status line, `sh -c` lists, and a program
 * the image lacks. Sources: k8s.io/kubectl pkg/cmd/util/helpers.go checkErr (utilexec.ExitError
 * printed as is, exit with its status); client-go tools/remotecommand/v4.go errorDecoderV4
 * ("command terminated with exit code %d"); containerd internal/cri/server container_execsync.go
 * and streaming.go, the runc shim's process/exec.go, runc exec.go, Go os/exec LookPath for the
 * runtime's error; BusyBox shell/ash.c, dash src/exec.c, bash execute_cmd.c for the shells'.
 */
import { describe, expect, it } from 'vitest'
import { Session, runCommand } from '../../../engine/index.ts'
import { cluster, docs, sh } from '../core/helpers.ts'

const pod = (name: string, image: string) => `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}}\nspec: {containers: [{name: c, image: "${image}"}]}\n`
const c = cluster(docs(pod('bb', 'busybox:1.36'), pod('deb', 'debian:12'), pod('shoot', 'nicolaka/netshoot:v0.13'), pod('dns', 'registry.k8s.io/coredns/coredns:v1.14.4'), pod('alp', 'nginx:1.27-alpine')))
const OCI = (name: string) =>
  new RegExp(`^error: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec "[0-9a-f]{64}": OCI runtime exec failed: exec failed: unable to start container process: exec: "${name}": executable file not found in \\$PATH: unknown\\n$`)

describe('kubectl exec: the remote exit status', () => {
  it('a command that fails: its own output, then kubectl\'s line, and kubectl exits with the status', () => {
    const r = sh(c, 'kubectl exec deb -- cat /etc/nope')
    expect(r).toMatchObject({ exitCode: 1, stdout: '', stderr: 'knet: cat: /etc/nope is not simulated here (cat shows /etc/resolv.conf, /etc/hosts, /etc/hostname, the CNI files, /proc/sys/net and /sys/class/net)\ncommand terminated with exit code 1\n' })
  })
  it('a command that succeeds adds nothing', () => {
    const r = sh(c, 'kubectl exec deb -- cat /etc/resolv.conf')
    expect(r.exitCode).toBe(0)
    expect(r.stderr).toBe('')
  })
  it('errors of kubectl itself, before anything runs, have no such line', () => {
    const r = sh(c, 'kubectl exec nope -- cat /etc/nope')
    expect(r.exitCode).toBe(1)
    expect(r.stderr).not.toContain('command terminated')
  })
  it('ssh prints no such line: an ssh client passes the status on silently', () => {
    const r = sh(c, 'ssh node-1 cat /etc/nope')
    expect(r.exitCode).toBe(1)
    expect(r.stderr).toBe('knet: cat: /etc/nope is not simulated here (cat shows /etc/resolv.conf, /etc/hosts, /etc/hostname, the CNI files, /proc/sys/net and /sys/class/net)\n')
  })
  it('the Defaulted note, the output and the status line keep their order', () => {
    const two = cluster('apiVersion: v1\nkind: Pod\nmetadata: {name: two}\nspec: {containers: [{name: a, image: "debian:12"}, {name: b, image: "debian:12"}]}\n')
    expect(sh(two, 'kubectl exec two -- cat /etc/nope').stderr).toBe('Defaulted container "a" out of: a, b\nknet: cat: /etc/nope is not simulated here (cat shows /etc/resolv.conf, /etc/hosts, /etc/hostname, the CNI files, /proc/sys/net and /sys/class/net)\ncommand terminated with exit code 1\n')
    // with output: kubectl's note was written before it, the command's own errors after (stderrFirst)
    const r = sh(two, 'kubectl exec two -- cat /etc/hostname')
    expect([r.stdout, r.stderr.slice(0, r.stderrFirst), r.stderr.slice(r.stderrFirst)]).toEqual(['two\n', 'Defaulted container "a" out of: a, b\n', ''])
    // a Pod of one container: no note, nothing first
    expect(sh(c, 'kubectl exec deb -- cat /etc/hostname').stderrFirst).toBeUndefined()
  })

  it('kubectl logs writes which Pod and which container it picked before the log', () => {
    const r = sh(c, 'kubectl logs -n kube-system deploy/coredns')
    expect(r.stdout).toContain('CoreDNS-')
    expect(r.stderr.slice(0, r.stderrFirst)).toMatch(/^Found 2 pods, using pod\/coredns-\S+\n$/)
  })
})

describe('kubectl exec: a program the image does not have', () => {
  it('run directly: the runtime answers, kubectl exits 1 and adds no status line', () => {
    const r = sh(c, 'kubectl exec deb -- tcpdump -ni eth0')
    expect(r.stderr).toMatch(OCI('tcpdump'))
    expect(r.exitCode).toBe(1)
    expect(sh(c, 'kubectl exec bb -- nope').stderr).toMatch(OCI('nope'))
    expect(sh(c, 'kubectl exec deb -- conntrack -L').stderr).toMatch(OCI('conntrack'))
  })
  it('the exec id is deterministic: the same run gives the same ids, another command another id', () => {
    const ids = (s: Session) => ['kubectl exec deb -- nope', 'kubectl exec deb -- nope'].map((l) => /"([0-9a-f]{64})"/.exec(runCommand(c, l, s).stderr)![1])
    const a = ids(new Session(c))
    expect(ids(new Session(c))).toEqual(a)
    expect(a[0]).not.toBe(a[1])
  })
  it('an image without a shell has no sh either: sh -c is the runtime\'s error too', () => {
    expect(sh(c, 'kubectl exec dns -- sh -c "cat /etc/resolv.conf"').stderr).toMatch(OCI('sh'))
    // Alpine and BusyBox images have no bash
    expect(sh(c, 'kubectl exec bb -- bash -c "echo hi"').stderr).toMatch(OCI('bash'))
    expect(sh(c, 'kubectl exec alp -- /bin/bash -c "echo hi"').stderr).toMatch(OCI('/bin/bash'))
  })
  it('echo, true and false are files in any image with a shell, and absent from one without', () => {
    expect(sh(c, 'kubectl exec deb -- echo hi there')).toMatchObject({ exitCode: 0, stdout: 'hi there\n' })
    expect(sh(c, 'kubectl exec bb -- false')).toMatchObject({ exitCode: 1, stderr: 'command terminated with exit code 1\n' })
    expect(sh(c, 'kubectl exec dns -- echo hi').stderr).toMatch(OCI('echo'))
    // exit is a shell builtin, never a file
    expect(sh(c, 'kubectl exec deb -- exit 3').stderr).toMatch(OCI('exit'))
  })
  it('ssh to a node still answers as its shell', () => {
    expect(sh(c, 'ssh node-1 nope')).toMatchObject({ exitCode: 127, stderr: 'sh: nope: not found\n' })
  })
})

describe('kubectl exec: sh -c', () => {
  it('runs the script in the same container', () => {
    expect(sh(c, 'kubectl exec deb -- sh -c "cat /etc/resolv.conf"').stdout).toBe(sh(c, 'kubectl exec deb -- cat /etc/resolv.conf').stdout)
    expect(sh(c, "kubectl exec shoot -- bash -c 'echo one two'")).toMatchObject({ exitCode: 0, stdout: 'one two\n', stderr: '' })
  })
  it('a missing program is the shell\'s "not found", exit 127, worded per shell', () => {
    // BusyBox ash (busybox, netshoot, nginx:alpine), dash (Debian's /bin/sh), bash >= 5.1
    expect(sh(c, 'kubectl exec bb -- sh -c nope')).toMatchObject({ exitCode: 127, stderr: 'sh: nope: not found\ncommand terminated with exit code 127\n' })
    expect(sh(c, 'kubectl exec alp -- /bin/sh -c nope').stderr).toBe('/bin/sh: nope: not found\ncommand terminated with exit code 127\n')
    expect(sh(c, 'kubectl exec deb -- sh -c "nope -x"').stderr).toBe('sh: 1: nope: not found\ncommand terminated with exit code 127\n')
    expect(sh(c, 'kubectl exec shoot -- bash -c nope').stderr).toBe('bash: line 1: nope: command not found\ncommand terminated with exit code 127\n')
    expect(sh(c, 'kubectl exec deb -- sh -c "tcpdump -ni eth0"').stderr).toBe('sh: 1: tcpdump: not found\ncommand terminated with exit code 127\n')
  })
  it('; runs each command; the status is the last one\'s', () => {
    expect(sh(c, 'kubectl exec deb -- sh -c "cat /etc/nope; echo after"')).toMatchObject({ exitCode: 0, stdout: 'after\n', stderr: 'knet: cat: /etc/nope is not simulated here (cat shows /etc/resolv.conf, /etc/hosts, /etc/hostname, the CNI files, /proc/sys/net and /sys/class/net)\n' })
    expect(sh(c, 'kubectl exec deb -- sh -c "echo before; cat /etc/nope"')).toMatchObject({ exitCode: 1, stdout: 'before\n' })
  })
  it('&& and || short-circuit, left to right', () => {
    expect(sh(c, 'kubectl exec deb -- sh -c "cat /etc/nope && echo no"')).toMatchObject({ exitCode: 1, stdout: '' })
    expect(sh(c, 'kubectl exec deb -- sh -c "cat /etc/nope || echo yes"')).toMatchObject({ exitCode: 0, stdout: 'yes\n' })
    expect(sh(c, 'kubectl exec deb -- sh -c "true || echo no && echo yes"')).toMatchObject({ exitCode: 0, stdout: 'yes\n' })
    expect(sh(c, 'kubectl exec deb -- sh -c "false && echo no || echo yes"')).toMatchObject({ exitCode: 0, stdout: 'yes\n' })
    expect(sh(c, 'kubectl exec deb -- sh -c "echo a; exit 3; echo b"')).toMatchObject({ exitCode: 3, stdout: 'a\n', stderr: 'command terminated with exit code 3\n' })
  })
  it('pipes, redirections and expansions are refused with what is supported, not run wrong', () => {
    for (const s of ['curl web | head', 'echo x > /tmp/f', 'sleep 1 &', 'echo $(id)', 'echo "${HOME:-x}"', 'echo `id`']) {
      const r = sh(c, `kubectl exec deb -- sh -c '${s}'`)
      expect(r.exitCode).toBe(2)
      expect(r.stderr).toMatch(/^sh -c: '.' is not supported here: the simulated shell runs simple commands joined by ;, && and \|\|/)
      expect(r.stdout).toBe('')
    }
    expect(sh(c, "kubectl exec deb -- sh -c 'echo \"a|b\" x;y'")).toMatchObject({ exitCode: 127, stdout: 'a|b x\n' })
  })
  it('parameters: $NAME expands what kubelet sets; an image variable is refused, not guessed empty', () => {
    expect(sh(c, "kubectl exec deb -- sh -c 'echo $HOSTNAME'")).toMatchObject({ exitCode: 0, stdout: 'deb\n' })
    const home = sh(c, `kubectl exec deb -- sh -c 'echo start; echo "$HOME"'`)
    expect(home).toMatchObject({ exitCode: 2, stdout: 'start\n' })
    expect(home.stderr).toContain("HOME is not a variable kubelet or the runtime sets")
  })
  it('syntax errors and an interactive shell', () => {
    expect(sh(c, 'kubectl exec deb -- sh -c "echo a &&"').exitCode).toBe(2)
    expect(sh(c, 'kubectl exec deb -- sh -c "&& echo a"').exitCode).toBe(2)
    expect(sh(c, 'kubectl exec deb -- sh -c').stderr).toBe('sh: -c requires an argument\ncommand terminated with exit code 2\n')
    const i = sh(c, 'kubectl exec -it deb -- sh')
    expect(i.exitCode).toBe(2)
    expect(i.stderr).toContain('an interactive shell or a script file is not simulated here')
  })
  it('on a node too, with dash and bash', () => {
    expect(sh(c, 'ssh node-1 sh -c "nope; echo x"')).toMatchObject({ exitCode: 0, stdout: 'x\n', stderr: 'sh: 1: nope: not found\n' })
    expect(sh(c, 'ssh node-1 bash -c nope').stderr).toBe('bash: line 1: nope: command not found\n')
  })
})

describe('kubectl debug: attaching passes no exit status on', () => {
  // k8s.io/kubectl pkg/cmd/debug/debug.go handleAttachPod returns nil after the attach (or the
  // logs of a container that already ended); the kubelet's attach stream ends in Success
  it('exits 0 with the command\'s output and no "command terminated" line', () => {
    const r = sh(c, 'kubectl debug -it deb --image=busybox:1.36 -- cat /etc/nope')
    expect(r.exitCode).toBe(0)
    expect(r.stderr).toContain('knet: cat: /etc/nope is not simulated here (cat shows /etc/resolv.conf, /etc/hosts, /etc/hostname, the CNI files, /proc/sys/net and /sys/class/net)\n')
    expect(r.stderr).not.toContain('command terminated')
    expect(sh(c, 'kubectl debug -it deb --image=busybox:1.36 -- sh -c "cat /etc/nope || echo fallback"').stdout).toContain('fallback\n')
  })
})
