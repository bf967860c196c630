/**
 * crictl on a node: one sandbox (pause container) per Pod, the Pod's containers
 * beside it, in crictl's table layout (text/tabwriter minwidth 20, padding 3).
 */
import { describe, expect, it } from 'vitest'
import { loadScenario, runCommand } from '../../../engine/index.ts'
import { unitsHumanDuration } from '../../../engine/lab/crictl.ts'

const { cluster } = loadScenario(
  'apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  nodeName: node-1\n  containers:\n    - {name: nginx, image: "nginx:1.27"}\n    - {name: sidecar, image: "busybox:1.36", command: [sleep, infinity]}\n',
)

describe('crictl', () => {
  it('lists one sandbox per Pod on the node, hostNetwork ones included, newest first', () => {
    const r = runCommand(cluster, 'ssh node-1 crictl pods')
    const lines = r.stdout.split('\n')
    expect(lines[0]).toBe('POD ID              CREATED             STATE               NAME                    NAMESPACE           ATTEMPT             RUNTIME')
    expect(lines[1]).toMatch(/^[0-9a-f]{13}       5 minutes ago       Ready               web                     default             0                   \(default\)$/)
    expect(r.stdout).toContain(' kube-proxy-')
    expect(runCommand(cluster, 'ssh node-2 crictl pods').stdout).not.toContain(' web ')
  })

  it('lists the containers with their sandbox, and the sandbox ID matches crictl pods', () => {
    const pods = runCommand(cluster, 'ssh node-1 crictl pods --name web -q').stdout.trim()
    expect(pods).toMatch(/^[0-9a-f]{64}$/)
    const ps = runCommand(cluster, 'ssh node-1 crictl ps --namespace default').stdout.split('\n')
    expect(ps[0]).toBe('CONTAINER           IMAGE               CREATED             STATE               NAME                ATTEMPT             POD ID              POD                 NAMESPACE')
    const rows = ps.slice(1).filter(Boolean)
    expect(rows.map((l) => l.split(/\s{2,}/)[4])).toEqual(['sidecar', 'nginx'])
    for (const row of rows) expect(row).toContain(`${pods.slice(0, 13)}       web`)
    // two containers, two IDs
    expect(new Set(rows.map((l) => l.slice(0, 13))).size).toBe(2)
  })

  it('answers unknown subcommands and flags clearly', () => {
    expect(runCommand(cluster, 'ssh node-1 crictl pods --bogus')).toMatchObject({ exitCode: 1, stderr: "crictl pods: flag provided but not defined: --bogus\nIncorrect Usage. See 'crictl pods --help'.\n" })
    expect(runCommand(cluster, 'crictl pods').exitCode).toBe(127)
  })

  it.each([
    [500, 'Less than a second'],
    [1000, '1 second'],
    [59_000, '59 seconds'],
    [90_000, 'About a minute'],
    [300_000, '5 minutes'],
    [3_600_000, 'About an hour'],
    [10 * 86_400_000, '10 days'],
    [20 * 86_400_000, '2 weeks'],
  ])('CREATED %i ms reads %s', (ms, text) => {
    expect(unitsHumanDuration(ms)).toBe(text)
  })
})
