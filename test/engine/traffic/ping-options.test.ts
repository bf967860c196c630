/**
 * ping reads its options as getopt does: grouped flags, attached or separate arguments, and
 * each ping's own option set (iputils ping.c, BusyBox networking/ping.c): an option the real
 * ping has is said to be not simulated, one it lacks is invalid.
 */
import { describe, expect, it } from 'vitest'
import { cluster, sh } from '../core/helpers.ts'

const c = cluster(`apiVersion: v1
kind: Pod
metadata: {name: tools}
spec:
  containers: [{name: t, image: nicolaka/netshoot:v0.13, command: [sleep, infinity]}]
---
apiVersion: v1
kind: Pod
metadata: {name: bb}
spec:
  containers: [{name: b, image: busybox:1.36, command: [sleep, infinity]}]
`)

const ip = (name: string) => c.pods.find((p) => p.meta.name === name)!.podIPs[0]

describe('ping options', () => {
  it('takes an attached argument (-W1, -c2) as a separate one', () => {
    const a = sh(c, `kubectl exec tools -- ping -c2 -W1 ${ip('bb')}`)
    const b = sh(c, `kubectl exec tools -- ping -c 2 -W 1 ${ip('bb')}`)
    expect(a.exitCode).toBe(0)
    expect(a.stdout).toBe(b.stdout)
    expect(a.stdout).toContain('2 packets transmitted, 2 received')
  })

  it('takes grouped flags with the last one taking the argument (-qc1)', () => {
    const r = sh(c, `kubectl exec tools -- ping -qnc1 ${ip('bb')}`)
    expect(r.exitCode).toBe(0)
    expect(r.stdout).not.toContain('icmp_seq')
    expect(r.stdout).toContain('1 packets transmitted, 1 received')
  })

  it('BusyBox ping takes -W too, and has no -M', () => {
    expect(sh(c, `kubectl exec bb -- ping -c1 -W2 ${ip('tools')}`).exitCode).toBe(0)
    const m = sh(c, `kubectl exec bb -- ping -M do ${ip('tools')}`)
    expect(m.stderr).toMatch(/^ping: invalid option -- 'M'\nBusyBox v1\.36\.1/)
  })

  it('a real option the simulator does not model is said so; an unknown one is invalid', () => {
    expect(sh(c, `kubectl exec tools -- ping -f ${ip('bb')}`).stderr).toContain('ping -f is a real option, but it is not simulated here')
    expect(sh(c, `kubectl exec tools -- ping -Z ${ip('bb')}`).stderr).toMatch(/^ping: invalid option -- 'Z'\n/)
    expect(sh(c, 'kubectl exec tools -- ping -c').stderr).toContain("ping: option requires an argument -- 'c'")
  })
})
