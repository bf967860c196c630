/**
 * `kubectl get all` and the built-in types the simulator does not model.
 *
 * `all` is a discovery category (pods, replicationcontrollers, services, daemonsets,
 * deployments, replicasets, statefulsets, horizontalpodautoscalers, cronjobs, jobs); get.go
 * prints TYPE/NAME whenever MultipleTypesRequested says so, which `all` always does
 * (cli-runtime builder.go). A type a real API server serves is never reported missing.
 */
import { describe, expect, it } from 'vitest'
import { BUILTIN_UNMODELLED } from '../../../engine/load/builtin-kinds.ts'
import { RESOURCE_TYPES } from '../../../engine/kubectl/resources.ts'
import { KINDS } from '../../../engine/load/kinds.ts'
import { cluster, deployment, diagnostics, docs, service, sh } from '../core/helpers.ts'

const c = cluster(docs(deployment('web', 2, { app: 'web' }, 8080), service('web', { app: 'web' })))

describe('kubectl get all', () => {
  it('prints each simulated type of the category as its own table, in discovery order, names prefixed', () => {
    const out = sh(c, 'kubectl get all').stdout
    const tables = out.trimEnd().split('\n\n')
    expect(tables.map((t) => t.split('\n')[1].split('/')[0])).toEqual(['pod', 'service', 'deployment.apps', 'replicaset.apps'])
    expect(tables[1]).toMatch(/^NAME {17}TYPE {8}CLUSTER-IP/)
    expect(tables[1]).toContain('service/kubernetes ')
    expect(tables[1]).toContain('service/web ')
  })
  it('prefixes even when only one type has objects', () => {
    const empty = cluster(docs(service('lonely', { app: 'none' })), { allowErrors: true })
    const out = sh(empty, 'kubectl get all').stdout
    expect(out).not.toContain('\n\n')
    expect(out.split('\n').slice(1, -1).every((l) => l.startsWith('service/'))).toBe(true)
  })
  it('lists DaemonSets and the namespace column with -A', () => {
    const out = sh(c, 'kubectl get all -A').stdout
    expect(out).toMatch(/^kube-system +daemonset\.apps\/kube-proxy +4 +4 +4 +4 +4 +kubernetes\.io\/os=linux/m)
    expect(out.split('\n')[0]).toMatch(/^NAMESPACE +NAME +READY/)
  })
  it('-o name gives every object as TYPE/NAME', () => {
    const names = sh(c, 'kubectl get all -o name').stdout.trim().split('\n')
    expect(names.filter((n) => n.startsWith('pod/'))).toHaveLength(2)
    expect(names).toContain('deployment.apps/web')
    expect(names).toContain('service/kubernetes')
  })
  it('a namespace with nothing says so', () => {
    const r = sh(c, 'kubectl get all -n kube-public')
    expect(r.stdout).toBe('')
    expect(r.stderr).toBe('No resources found in kube-public namespace.\n')
  })
  it('a type named twice is listed once (SplitResourceArgument)', () => {
    expect(sh(c, 'kubectl get svc,svc').stdout).toBe(sh(c, 'kubectl get svc').stdout)
  })
})

describe('built-in kinds that are not modelled', () => {
  const job = `apiVersion: batch/v1
kind: Job
metadata: {name: migrate}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: m, image: busybox:1.37}]
`
  it('a Job is accepted with a warning on its kind, not refused as an unknown kind', () => {
    const d = diagnostics(docs(job, service('web', { app: 'web' })))
    const mine = d.filter((x) => x.line === 2)
    expect(mine).toHaveLength(1)
    expect(mine[0].severity).toBe('warning')
    expect(mine[0].message).toBe('Job (batch/v1) is a built-in kind a real cluster accepts, but the simulator does not model it: this object is ignored here; the Pods it would create do not exist')
  })
  it('a version the API server no longer serves is still kubectl\'s error', () => {
    const d = diagnostics(job.replace('batch/v1', 'batch/v1beta1'))
    expect(d[0].severity).toBe('error')
    expect(d[0].message).toBe('no matches for kind "Job" in version "batch/v1beta1"')
    expect(d[0].hint).toBe('Job is served at batch/v1')
  })
  it('a kind no API server has without its CRD is still an error', () => {
    const d = diagnostics('apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: m}\n')
    expect(d[0].severity).toBe('error')
    expect(d[0].message).toBe('no matches for kind "ServiceMonitor" in version "monitoring.coreos.com/v1"')
  })
  it('kubectl get and describe say the type is real but not simulated', () => {
    for (const line of ['kubectl get jobs', 'kubectl get cj', 'kubectl get hpa/web', 'kubectl describe pvc data', 'kubectl get pods,jobs']) {
      const r = sh(c, line)
      expect(r.exitCode, line).toBe(1)
      expect(r.stderr, line).toMatch(/^knet: \S+ is a resource type a real cluster has, but the simulator does not model \w+ objects\n$/)
    }
    expect(sh(c, 'kubectl get jobs').stderr).toContain('jobs.batch is')
    expect(sh(c, 'kubectl get pvc').stderr).toContain('persistentvolumeclaims is')
    expect(sh(c, 'kubectl get nonsense').stderr).toBe('error: the server doesn\'t have a resource type "nonsense"\n')
  })
  it('no kind is both modelled and listed as unmodelled, and no type name means two things', () => {
    const modelled = new Set(KINDS.map((k) => k.kind))
    for (const b of BUILTIN_UNMODELLED) expect(modelled.has(b.kind), b.kind).toBe(false)
    const names = new Set(RESOURCE_TYPES.flatMap((r) => r.names))
    for (const b of BUILTIN_UNMODELLED) {
      // a type kubectl lists here (the cluster's own ServiceCIDRs, IPAddresses) is found first
      if (RESOURCE_TYPES.some((r) => r.kind === b.kind)) continue
      for (const n of b.names) expect(names.has(n), n).toBe(false)
    }
  })
})
