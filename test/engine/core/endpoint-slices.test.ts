import { describe, expect, it } from 'vitest'
import { cluster, docs, sh } from './helpers.ts'

const pod = (name: string, labels: Record<string, string>, ports: string, status = '', spec = '') => `apiVersion: v1
kind: Pod
metadata: {name: ${name}, labels: ${JSON.stringify(labels)}}
spec:
${spec}  containers:
  - name: c
    image: nginx
    ports: ${ports}
${status}`

const slicesOf = (c: ReturnType<typeof cluster>, svc: string) => c.endpointSlices.filter((s) => s.serviceName === svc)

describe('the EndpointSlice controller', () => {
  it('resolves a named targetPort per Pod and splits slices by port set', () => {
    const c = cluster(docs(
      pod('v1', { app: 'web' }, '[{containerPort: 80, name: http}]'),
      pod('v2', { app: 'web' }, '[{containerPort: 8080, name: http}]'),
      pod('other', { app: 'other' }, '[{containerPort: 9090, name: http}]'),
      'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web}\n  ports: [{port: 80, targetPort: http}]\n',
    ))
    const slices = slicesOf(c, 'web')
    expect(slices).toHaveLength(2)
    const pairs = slices.flatMap((s) => s.endpoints.map((e) => `${e.addresses[0]}:${s.ports[0].port}`)).sort()
    const ip = (n: string) => c.index.pod.get(`default/${n}`)!.podIPs[0]
    expect(pairs).toEqual([`${ip('v1')}:80`, `${ip('v2')}:8080`].sort())
  })

  it('a Pod that does not declare the named port is left out of the port, not out of the slice', () => {
    const c = cluster(docs(
      pod('a', { app: 'web' }, '[{containerPort: 80, name: http}]'),
      pod('b', { app: 'web' }, '[{containerPort: 80, name: web}]'),
      'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web}\n  ports: [{port: 80, targetPort: http}]\n',
    ))
    const b = slicesOf(c, 'web').find((s) => s.endpoints.some((e) => e.targetRef?.name === 'b'))!
    expect(b.ports).toEqual([])
  })

  it('not-ready Pods are listed with ready=false; publishNotReadyAddresses makes them ready', () => {
    const notReady = 'status: {phase: Running, conditions: [{type: Ready, status: "False"}]}\n'
    const svc = (extra: string) => `apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web}\n${extra}  ports: [{port: 80}]\n`
    const c1 = cluster(docs(pod('a', { app: 'web' }, '[{containerPort: 80}]', notReady), svc('')))
    expect(slicesOf(c1, 'web')[0].endpoints[0].conditions).toEqual({ ready: false, serving: false, terminating: false })
    // printers.go formatEndpoints: a subset with only notReadyAddresses prints an empty column
    expect(sh(c1, 'kubectl get endpoints web').stdout).toBe('NAME   ENDPOINTS   AGE\nweb                5m\n')
    const c2 = cluster(docs(pod('a', { app: 'web' }, '[{containerPort: 80}]', notReady), svc('  publishNotReadyAddresses: true\n')))
    expect(slicesOf(c2, 'web')[0].endpoints[0].conditions).toEqual({ ready: true, serving: true, terminating: false })
  })

  it('terminating Pods stay, serving but not ready', () => {
    const c = cluster(docs(
      pod('a', { app: 'web' }, '[{containerPort: 80}]').replace('metadata: {name: a,', 'metadata: {deletionTimestamp: "2026-01-15T11:59:00Z", name: a,'),
      'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web}\n  ports: [{port: 80}]\n',
    ))
    expect(slicesOf(c, 'web')[0].endpoints[0].conditions).toEqual({ ready: false, serving: true, terminating: true })
  })

  it('sets hostname only when the Pod\'s subdomain names the Service', () => {
    const c = cluster(docs(
      pod('a', { app: 'db' }, '[{containerPort: 5432}]', '', '  hostname: db-a\n  subdomain: db\n'),
      pod('b', { app: 'db' }, '[{containerPort: 5432}]', '', '  hostname: db-b\n  subdomain: other\n'),
      'apiVersion: v1\nkind: Service\nmetadata: {name: db}\nspec:\n  clusterIP: None\n  selector: {app: db}\n  ports: [{port: 5432}]\n',
    ))
    const eps = slicesOf(c, 'db')[0].endpoints
    expect(eps.find((e) => e.targetRef?.name === 'a')!.hostname).toBe('db-a')
    expect(eps.find((e) => e.targetRef?.name === 'b')!.hostname).toBeUndefined()
  })

  it('StatefulSet Pods get ordinal names, hostnames and the governing Service as subdomain', () => {
    const c = cluster(docs(
      'apiVersion: v1\nkind: Service\nmetadata: {name: mysql}\nspec:\n  clusterIP: None\n  selector: {app: mysql}\n  ports: [{port: 3306}]\n',
      'apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: mysql}\nspec:\n  serviceName: mysql\n  replicas: 2\n  selector: {matchLabels: {app: mysql}}\n  template:\n    metadata: {labels: {app: mysql}}\n    spec: {containers: [{name: mysql, image: mysql:8}]}\n',
    ))
    expect(slicesOf(c, 'mysql')[0].endpoints.map((e) => e.hostname).sort()).toEqual(['mysql-0', 'mysql-1'])
  })

  it('at most 100 endpoints per slice', () => {
    const c = cluster(docs(
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: big}\nspec:\n  replicas: 250\n  selector: {matchLabels: {app: big}}\n  template:\n    metadata: {labels: {app: big}}\n    spec: {containers: [{name: c, image: nginx}]}\n',
      'apiVersion: v1\nkind: Service\nmetadata: {name: big}\nspec:\n  selector: {app: big}\n  ports: [{port: 80}]\n',
    ))
    expect(slicesOf(c, 'big').map((s) => s.endpoints.length).sort()).toEqual([100, 100, 50])
  })

  it('selector-less Services use hand-written EndpointSlices, and legacy Endpoints are mirrored', () => {
    const c = cluster(docs(
      'apiVersion: v1\nkind: Service\nmetadata: {name: ext}\nspec:\n  ports: [{port: 5432}]\n',
      'apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: ext-1\n  labels: {kubernetes.io/service-name: ext}\naddressType: IPv4\nports: [{port: 5432}]\nendpoints: [{addresses: [192.0.2.10]}]\n',
      'apiVersion: v1\nkind: Service\nmetadata: {name: legacy}\nspec:\n  ports: [{port: 80}]\n',
      'apiVersion: v1\nkind: Endpoints\nmetadata: {name: legacy}\nsubsets: [{addresses: [{ip: 192.0.2.20}], ports: [{port: 80}]}]\n',
    ))
    expect(slicesOf(c, 'ext')[0].endpoints[0]).toMatchObject({ addresses: ['192.0.2.10'], conditions: { ready: true } })
    const mirrored = slicesOf(c, 'legacy')[0]
    expect(mirrored.managedBy).toBe('endpointslicemirroring-controller.k8s.io')
    expect(mirrored.endpoints[0].addresses).toEqual(['192.0.2.20'])
  })
})
