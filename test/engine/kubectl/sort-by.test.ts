/**
 * kubectl get --sort-by: Go's sort.Sort reproduced swap for swap (go-sort.ts; equal keys keep
 * the order Go's unstable pdqsort leaves them in, checked against vectors produced by Go itself),
 * and sorter.go's comparisons, relaxed paths and errors.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { goSort } from '../../../engine/kubectl/go-sort.ts'
import { relaxedSortField } from '../../../engine/kubectl/sort-by.ts'
import vectors from '../../fixtures/go-sort/vectors.json' with { type: 'json' }
import { cluster, deployment, docs, service, sh } from '../core/helpers.ts'

function order(keys: number[]): number[] {
  const k = [...keys]
  const idx = k.map((_, i) => i)
  goSort({ len: k.length, less: (i, j) => k[i] < k[j], swap: (i, j) => { [k[i], k[j]] = [k[j], k[i]]; [idx[i], idx[j]] = [idx[j], idx[i]] } })
  return idx
}

describe('Go\'s sort.Sort', () => {
  it('leaves equal keys in the order Go does', () => {
    expect(vectors.vectors.length).toBeGreaterThan(30)
    for (const v of vectors.vectors) expect(order(v.keys)).toEqual(v.order)
  })
  it('sorts, and permutes without losing anything, whatever the input', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 300 }), (keys) => {
      const idx = order(keys)
      expect([...idx].sort((a, b) => a - b)).toEqual(keys.map((_, i) => i))
      for (let i = 1; i < idx.length; i++) expect(keys[idx[i - 1]] <= keys[idx[i]]).toBe(true)
    }))
  })
})

describe('kubectl get --sort-by', () => {
  const c = cluster(docs(deployment('web', 3, { app: 'web' }, 8080), service('web', { app: 'web' }), 'apiVersion: v1\nkind: Pod\nmetadata: {name: a-client}\nspec: {nodeName: node-3, containers: [{name: c, image: nginx:1.29}]}\n'))
  const names = (line: string) => sh(c, line).stdout.trim().split('\n').slice(1).map((l) => l.split(/\s+/)[0])
  it('accepts the relaxed forms of the path', () => {
    expect(['.spec.nodeName', 'spec.nodeName', '{.spec.nodeName}', '{spec.nodeName}'].map(relaxedSortField)).toEqual(Array(4).fill('{.spec.nodeName}'))
    expect(names('kubectl get pods --sort-by=spec.nodeName')).toEqual(names('kubectl get pods --sort-by={.spec.nodeName}'))
  })
  it('orders rows by the field, strings bytewise', () => {
    const rows = sh(c, 'kubectl get pods -o wide --sort-by=.status.podIP').stdout.trim().split('\n').slice(1)
    const ips = rows.map((r) => r.split(/\s+/)[5])
    expect(ips).toEqual([...ips].sort())
  })
  it('compares strings that are quantities by value (sorter.go isLess)', () => {
    // bytewise "2" sorts before "500m"; as quantities 500m (half a CPU) is the smaller
    const q = cluster(docs(
      'apiVersion: v1\nkind: Pod\nmetadata: {name: big}\nspec: {containers: [{name: c, image: nginx:1.29, resources: {requests: {cpu: "2"}}}]}\n',
      'apiVersion: v1\nkind: Pod\nmetadata: {name: small}\nspec: {containers: [{name: c, image: nginx:1.29, resources: {requests: {cpu: 500m}}}]}\n',
    ))
    expect(sh(q, 'kubectl get pods --sort-by=.spec.containers[0].resources.requests.cpu -o name').stdout).toBe('pod/small\npod/big\n')
  })
  it('a field no object has is kubectl\'s error; so is a field only one type of a list has', () => {
    expect(sh(c, 'kubectl get pods --sort-by=.nope')).toMatchObject({ exitCode: 1, stdout: '', stderr: 'error: couldn\'t find any field with path "{.nope}" in the list of objects\n' })
    expect(sh(c, 'kubectl get pods,svc --sort-by=.spec.nodeName').stderr).toBe('error: couldn\'t find any field with path "{.spec.nodeName}" in the list of objects\n')
  })
  it('-o name and -o yaml sort the whole list once', () => {
    expect(sh(c, 'kubectl get pods --sort-by=.metadata.name -o name').stdout.split('\n')[0]).toBe('pod/a-client')
    const yaml = sh(c, 'kubectl get pods --sort-by=.spec.nodeName -o yaml').stdout
    const nodes = [...yaml.matchAll(/^ {4}nodeName: (\S+)$/gm)].map((m) => m[1])
    expect(nodes).toEqual([...nodes].sort())
  })
  it('is get\'s flag only', () => {
    expect(sh(c, 'kubectl describe pods --sort-by=.metadata.name')).toMatchObject({ exitCode: 1, stderr: 'error: unknown flag: --sort-by\nSee \'kubectl describe --help\' for usage.\n' })
  })
})
