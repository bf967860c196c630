/**
 * kubectl events (pkg/cmd/events): oldest first by each event's time (SortableEvents, Go's
 * sort.Sort), event_printer.go's columns (OBJECT as Kind/name, LAST SEEN as `last (xN over
 * first)` for a repeated event), and its flags' errors.
 */
import { describe, expect, it } from 'vitest'
import { cluster, deployment, docs, sh } from '../core/helpers.ts'

const c = cluster(docs(
  deployment('web', 2, { app: 'web' }, 8080),
  `apiVersion: v1
kind: Pod
metadata: {name: flaky}
spec:
  containers:
  - name: c
    image: nginx:1.29
    readinessProbe: {httpGet: {path: /, port: 8081}}
`,
))

describe('kubectl events', () => {
  it('lists the namespace\'s events oldest first, in its own columns', () => {
    const lines = sh(c, 'kubectl events').stdout.trimEnd().split('\n')
    expect(lines[0]).toMatch(/^LAST SEEN +TYPE +REASON +OBJECT +MESSAGE$/)
    expect(lines.some((l) => / Deployment\/web +Scaled up replica set web-/.test(l))).toBe(true)
    expect(lines.some((l) => / Pod\/flaky +/.test(l))).toBe(true)
    // the repeated probe failure is last, with its count and the age of the first one
    expect(lines.at(-1)).toMatch(/^\d+s \(x\d+ over \dm\d*s?\) +Warning +Unhealthy +Pod\/flaky +Readiness probe failed: /)
  })
  it('--for narrows to one object; --types to a type; -A adds the namespace', () => {
    const flaky = sh(c, 'kubectl events --for pod/flaky').stdout.trimEnd().split('\n').slice(1)
    expect(flaky.length).toBeGreaterThan(2)
    expect(flaky.every((l) => l.includes(' Pod/flaky '))).toBe(true)
    const warnings = sh(c, 'kubectl events --types=Warning').stdout.trimEnd().split('\n').slice(1)
    expect(warnings.every((l) => / Warning /.test(l))).toBe(true)
    expect(sh(c, 'kubectl events -A --for deploy/web').stdout).toMatch(/^NAMESPACE +LAST SEEN +TYPE +REASON +OBJECT +MESSAGE\ndefault +/)
  })
  it('says when there is nothing, on stderr, as events.go does', () => {
    expect(sh(c, 'kubectl events -n kube-public')).toMatchObject({ exitCode: 0, stdout: '', stderr: 'No events found in kube-public namespace.\n' })
    expect(sh(c, 'kubectl events -A --for pod/nothing').stderr).toBe('No events found.\n')
  })
  it('refuses what kubectl refuses', () => {
    expect(sh(c, 'kubectl events --for flaky').stderr).toBe('error: --for must be in resource/name form\n')
    expect(sh(c, 'kubectl events --types=Error').stderr).toBe('error: valid --types are Normal or Warning\n')
    expect(sh(c, 'kubectl events --for gadget/x').stderr).toBe('error: no matches for /, Resource=gadget\n')
  })
})
