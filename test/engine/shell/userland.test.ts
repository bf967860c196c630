/**
 * Commands the simulator does not run are never said to be missing from an image that may
 * have them: an everyday utility in an image with a userland (or on a node) is "not simulated";
 * a tool netshoot ships (iptables among them) says it is in the image; only an image without a
 * shell (distroless, CoreDNS) gets the runtime's "executable file not found". `ls` of a path
 * the simulator does not keep, and the sizes of the CNI binaries, are not invented either.
 */
import { describe, expect, it } from 'vitest'
import { cluster, docs, sh } from '../core/helpers.ts'

const pod = (name: string, image: string) => `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}}\nspec: {nodeName: node-1, containers: [{name: c, image: "${image}"}]}\n`
const c = cluster(docs(pod('shoot', 'nicolaka/netshoot:v0.13'), pod('deb', 'debian:12'), pod('dns', 'registry.k8s.io/coredns/coredns:v1.14.6')))

describe('commands the simulator does not run', () => {
  it('an everyday utility is not simulated, in an image with a shell and on a node', () => {
    for (const line of ['kubectl exec deb -- ps', 'kubectl exec shoot -- free', 'ssh node-1 ps aux']) {
      const r = sh(c, line)
      expect(r.exitCode, line).toBe(126)
      expect(r.stderr, line).toMatch(/^knet: (ps|free) is not simulated here \(/)
    }
  })
  it('netshoot\'s iptables is in its image, and the node\'s rules are the place to look', () => {
    expect(sh(c, 'kubectl exec shoot -- iptables -L').stderr).toBe("iptables: not simulated here: the real iptables is in this container's image (nicolaka/netshoot:v0.13), but the simulator does not run it; instead: the node's rules: ssh NODE iptables-save\n")
  })
  it('an image without a shell gets the runtime\'s answer, and so does a tool the image lacks', () => {
    expect(sh(c, 'kubectl exec dns -- ps').stderr).toMatch(/exec: "ps": executable file not found in \$PATH: unknown\n$/)
    expect(sh(c, 'kubectl exec deb -- iptables -L').stderr).toMatch(/exec: "iptables": executable file not found in \$PATH: unknown\n$/)
  })
})

describe('ls', () => {
  it('a path the simulator does not keep is not simulated, not missing', () => {
    expect(sh(c, 'ssh node-1 ls /home').stderr).toMatch(/^knet: ls: \/home is not simulated here \(/)
  })
  it('does not invent the sizes of the plugin binaries', () => {
    expect(sh(c, 'ssh node-1 ls /opt/cni/bin').stdout).toContain('bridge\n')
    expect(sh(c, 'ssh node-1 ls -l /opt/cni/bin')).toMatchObject({ exitCode: 2, stdout: '', stderr: 'knet: ls -l: the sizes of the CNI plugin binaries are not simulated (ls /opt/cni/bin lists them)\n' })
  })
})
