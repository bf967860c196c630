// `kubectl logs` and `kubectl logs --previous` of a container that restarted: which attempt
// kubelet serves (pkg/kubelet/kubelet_pods.go validateContainerLogStatus) and what a crash-looping
// nginx wrote (nginxinc/docker-nginx entrypoint/docker-entrypoint.sh and
// 10-listen-on-ipv6-by-default.sh; nginx src/core/ngx_connection.c ngx_open_listening_sockets,
// src/core/ngx_log.c ngx_log_error_core).
import { describe, expect, it } from 'vitest'
import { cluster, sh } from '../core/helpers.ts'
import { shiftLogLine } from '../../../engine/text/klog.ts'

const twins = (image: string, second = image) => `apiVersion: v1
kind: Pod
metadata: {name: twins}
spec:
  containers:
  - {name: first, image: ${image}}
  - {name: second, image: ${second}}
`

describe('a container that cannot bind its port (crash loop)', () => {
  it('--previous prints the last attempt: the entrypoint, five rounds of bind errors, "still could not bind()"', () => {
    const c = cluster(twins('nginx:1.27'))
    const r = sh(c, 'kubectl logs twins -c second --previous')
    expect(r.exitCode).toBe(0)
    const lines = r.stdout.trimEnd().split('\n')
    expect(lines[0]).toBe('/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration')
    expect(lines[8]).toBe('/docker-entrypoint.sh: Configuration complete; ready for start up')
    // the last attempt started 2m30s before "now" (five restarts in five minutes: crash-loop.ts)
    expect(lines[9]).toBe('2026/01/15 11:57:30 [emerg] 1#1: bind() to 0.0.0.0:80 failed (98: Address already in use)')
    expect(lines[10]).toBe('nginx: [emerg] bind() to 0.0.0.0:80 failed (98: Address already in use)')
    expect(lines[12]).toBe('nginx: [emerg] bind() to [::]:80 failed (98: Address already in use)')
    expect(lines[13]).toBe('2026/01/15 11:57:30 [notice] 1#1: try again to bind() after 500ms')
    expect(lines.filter((l) => l.includes('[notice]'))).toHaveLength(5)
    expect(lines.filter((l) => l.startsWith('nginx: [emerg] bind()'))).toHaveLength(10)
    expect(lines.slice(-2)).toEqual(['2026/01/15 11:57:30 [emerg] 1#1: still could not bind()', 'nginx: [emerg] still could not bind()'])
  })

  it('waiting in CrashLoopBackOff, the plain log is the same attempt; --timestamps shows the 500 ms retries', () => {
    const c = cluster(twins('nginx:1.27'))
    expect(sh(c, 'kubectl logs twins -c second').stdout).toBe(sh(c, 'kubectl logs twins -c second -p').stdout)
    const ts = sh(c, 'kubectl logs twins -c second -p --timestamps').stdout.trimEnd().split('\n')
    expect(ts[0]).toBe('2026-01-15T11:57:30.003Z /docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration')
    expect(ts.at(-1)).toMatch(/^2026-01-15T11:57:32\.5\d*Z nginx: \[emerg\] still could not bind\(\)$/)
  })

  it('the container that holds the port never restarted: no previous attempt', () => {
    const c = cluster(twins('nginx:1.27'))
    expect(sh(c, 'kubectl logs twins -c first -p').stderr).toBe('Error from server (BadRequest): previous terminated container "first" in pod "twins" not found\n')
  })

  it('an image whose bind error is not confirmed (httpd) or older nginx says so, rather than inventing lines', () => {
    for (const image of ['httpd:2.4', 'nginx:1.21']) {
      const r = sh(cluster(twins(image)), 'kubectl logs twins -c second --previous')
      expect(r.exitCode).toBe(0)
      expect(r.stdout).toBe('')
      expect(r.stderr).toBe(`(knet: what container "second" (image ${image}) writes when it cannot bind port 80/TCP, which container "first" holds, is not simulated)\n`)
    }
  })
})

describe('a command of its own replaces the image\'s entrypoint', () => {
  it('command: no entrypoint lines to tell, so the log is not simulated; args: [nginx, …] keeps it', () => {
    const own = (extra: string) => `apiVersion: v1
kind: Pod
metadata: {name: twins}
spec:
  containers:
  - {name: first, image: "nginx:1.27"}
  - {name: second, image: "nginx:1.27", ${extra}}
`
    expect(sh(cluster(own('command: [nginx, -g, "daemon off;"]')), 'kubectl logs twins -c second -p').stderr).toContain('is not simulated')
    expect(sh(cluster(own('args: [nginx, -g, "daemon off;"]')), 'kubectl logs twins -c second -p').stdout).toContain('nginx: [emerg] still could not bind()')
  })
})

describe('shiftLogLine', () => {
  it('moves the time and a klog header, keeping the microseconds', () => {
    expect(shiftLogLine({ time: '2026-01-05T12:00:00.412133Z', text: 'I0105 12:00:00.412133       1 x.go:1] hi' }, 90_000_000)).toEqual({
      time: '2026-01-05T12:01:30.412133Z',
      text: 'I0105 12:01:30.412133       1 x.go:1] hi',
    })
    expect(shiftLogLine({ time: '2026-01-05T12:00:00Z', text: '.:53' }, 1_500_000)).toEqual({ time: '2026-01-05T12:00:01.500000Z', text: '.:53' })
  })
})
