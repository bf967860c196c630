/**
 * Pod generations (KEP-5067; PodObservedGenerationTracking GA in 1.35): the API server sets
 * metadata.generation 1 on create; kubelet reports the generation it saw in
 * status.observedGeneration and on the conditions it writes (pkg/kubelet/status/generate.go
 * via podutil.CalculatePodConditionObservedGeneration); the scheduler stamps PodScheduled
 * when it cannot place the Pod (kubernetes#130649). The SchedulingGated condition the API
 * server writes at creation (strategy.go applySchedulingGatedCondition) carries none.
 */
import { describe, expect, it } from 'vitest'
import { cluster, docs, sh } from '../core/helpers.ts'

const c = cluster(docs(
  'apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec: {containers: [{name: c, image: nginx:1.29}]}\n',
  'apiVersion: v1\nkind: Pod\nmetadata: {name: gated}\nspec: {schedulingGates: [{name: example.com/wait}], containers: [{name: c, image: nginx:1.29}]}\n',
  'apiVersion: v1\nkind: Pod\nmetadata: {name: nowhere}\nspec: {nodeSelector: {disk: ssd}, containers: [{name: c, image: nginx:1.29}]}\n',
), { allowErrors: true })
const json = (name: string) => JSON.parse(sh(c, `kubectl get pod ${name} -o json`).stdout)

describe('Pod generation and observedGeneration', () => {
  it('a running Pod: generation 1, observed by kubelet in its status and on every condition', () => {
    const p = json('web')
    expect(p.metadata.generation).toBe(1)
    expect(p.status.observedGeneration).toBe(1)
    expect(p.status.conditions.map((x: { type: string; observedGeneration?: number }) => [x.type, x.observedGeneration])).toEqual([
      ['PodReadyToStartContainers', 1], ['Initialized', 1], ['Ready', 1], ['ContainersReady', 1], ['PodScheduled', 1],
    ])
  })
  it('yaml lists them where kubectl\'s sorted keys put them', () => {
    const y = sh(c, 'kubectl get pod web -o yaml').stdout
    expect(y).toMatch(/^metadata:\n {2}creationTimestamp: "[^"]+"\n {2}generation: 1\n {2}name: web\n/m)
    expect(y).toMatch(/ {4}lastTransitionTime: "[^"]+"\n {4}observedGeneration: 1\n {4}status: "True"\n {4}type: Ready\n/)
    expect(y).toMatch(/\n {2}hostIPs:\n {2}- ip: \S+\n {2}observedGeneration: 1\n {2}phase: Running\n/)
  })
  it('a Pod no node fits: the scheduler stamps PodScheduled; no kubelet has reported', () => {
    const p = json('nowhere')
    expect(p.metadata.generation).toBe(1)
    expect(p.status.observedGeneration).toBeUndefined()
    expect(p.status.conditions).toHaveLength(1)
    expect(p.status.conditions[0]).toMatchObject({ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', observedGeneration: 1 })
  })
  it('a gated Pod: the API server\'s SchedulingGated condition has no observedGeneration', () => {
    const p = json('gated')
    expect(p.status.observedGeneration).toBeUndefined()
    expect(p.status.conditions[0].reason).toBe('SchedulingGated')
    expect('observedGeneration' in p.status.conditions[0]).toBe(false)
  })
})
