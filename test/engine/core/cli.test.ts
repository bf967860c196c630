import { describe, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { tmpdir } from 'node:os'

const repo = new URL('../../../', import.meta.url).pathname
const tsx = join(repo, 'node_modules/.bin/tsx')
const dir = mkdtempSync(join(tmpdir(), 'knet-cli-'))
const good = join(dir, 'good.yaml')
const bad = join(dir, 'bad.yaml')
writeFileSync(good, 'apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec: {nodeName: node-1, containers: [{name: c, image: nginx}]}\n')
writeFileSync(bad, 'apiVersion: v1\nkind: Service\nmetadata: {name: x}\nspec:\n  ports: [{port: 70000}]\n')

const knet = (args: string[], input?: string) => spawnSync(tsx, [join(repo, 'engine/cli.ts'), ...args], { encoding: 'utf8', input, cwd: repo })

describe('the knet CLI', { timeout: 60_000 }, () => {
  it('runs commands in order and exits with the last one\'s code', () => {
    const r = knet(['-f', good, 'kubectl get pods', 'nope'])
    expect(r.stdout).toBe('NAME   READY   STATUS    RESTARTS   AGE\na      1/1     Running   0          5m\n')
    expect(r.stderr).toContain('sh: nope: not found')
    expect(r.status).toBe(127)
  })

  it('prints JSON Lines with --json', () => {
    const r = knet(['-f', good, '--json', 'kubectl get pod a -o name', 'help'])
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l))
    expect(lines[0]).toEqual({ command: 'kubectl get pod a -o name', exitCode: 0, stdout: 'pod/a\n', stderr: '', data: expect.any(Object) })
    expect(lines).toHaveLength(2)
  })

  it('exits 2 with file:line:col diagnostics on bad manifests, reading stdin with -f -', () => {
    const r = knet(['-f', '-', 'kubectl get svc'], 'apiVersion: v1\nkind: Service\nmetadata: {name: x}\nspec:\n  ports: [{port: 70000}]\n')
    expect(r.status).toBe(2)
    expect(r.stderr).toContain('<stdin>:5:18: error: spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive')
    const f = knet(['-f', good, '-f', bad])
    expect(f.stderr).toContain(`${bad}:5:18: error:`)
  })

  it('refuses only the bad object, as kubectl apply -f does, and still runs every command', () => {
    const r = knet(['-f', good, '-f', bad, '--json', 'kubectl get pods -o name', 'kubectl get svc -o name'])
    expect(r.status).toBe(2)
    expect(r.stderr).toContain(`${bad}:5:18: error: spec.ports[0].port: Invalid value: 70000`)
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l))
    expect(lines.map((l) => l.stdout)).toEqual(['pod/a\n', 'service/kubernetes\n'])
  })
})
