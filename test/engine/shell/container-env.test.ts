/**
 * A container's environment (kubelet makeEnvironmentVariables, envvars.FromServices, the
 * $(VAR) expansion, containerd's HOSTNAME), read with printenv and a shell's $NAME.
 */
import { describe, expect, it } from 'vitest'
import { cluster, sh } from '../core/helpers.ts'
import { expand } from '../../../engine/shell/container-env.ts'

const c = cluster(`apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg, namespace: shop}
data: {MODE: fast, LEVEL: "3"}
---
apiVersion: v1
kind: Secret
metadata: {name: creds, namespace: shop}
stringData: {password: "s3cret"}
---
apiVersion: v1
kind: Pod
metadata: {name: app, namespace: shop, labels: {tier: front}}
spec:
  containers:
  - name: app
    image: nicolaka/netshoot:v0.13
    command: [sleep, infinity]
    envFrom: [{configMapRef: {name: cfg}, prefix: CFG_}]
    env:
    - {name: DB_URL, value: "postgres://$(DB_SERVICE_HOST):$(DB_SERVICE_PORT)/app"}
    - {name: LITERAL, value: "$$(DB_SERVICE_HOST) and $(NOPE)"}
    - {name: POD_IP, valueFrom: {fieldRef: {fieldPath: status.podIP}}}
    - {name: NODE, valueFrom: {fieldRef: {fieldPath: spec.nodeName}}}
    - {name: TIER, valueFrom: {fieldRef: {fieldPath: "metadata.labels['tier']"}}}
    - {name: PASSWORD, valueFrom: {secretKeyRef: {name: creds, key: password}}}
    - {name: MODE, valueFrom: {configMapKeyRef: {name: cfg, key: MODE}}}
    - {name: MAYBE, valueFrom: {configMapKeyRef: {name: cfg, key: nope, optional: true}}}
    - {name: CPU, valueFrom: {resourceFieldRef: {resource: limits.cpu}}}
    - {name: GREETING, value: "hello   world"}
---
apiVersion: v1
kind: Pod
metadata: {name: quiet, namespace: shop}
spec:
  enableServiceLinks: false
  containers: [{name: q, image: busybox:1.36, command: [sleep, infinity]}]
---
apiVersion: v1
kind: Service
metadata: {name: db, namespace: shop}
spec:
  clusterIP: 10.96.50.5
  selector: {app: db}
  ports: [{name: pg, port: 5432}, {name: metrics-http, port: 9187}, {name: dns, port: 53, protocol: UDP}]
---
apiVersion: v1
kind: Service
metadata: {name: later, namespace: shop, creationTimestamp: "2026-01-15T11:58:00Z"}
spec:
  selector: {app: db}
  ports: [{port: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: headless, namespace: shop}
spec:
  clusterIP: None
  selector: {app: db}
  ports: [{port: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: other}
spec:
  selector: {app: db}
  ports: [{port: 80}]
`)

const env = (pod: string, names: string) => sh(c, `kubectl exec -n shop ${pod} -- printenv ${names}`)

describe("a container's environment", () => {
  it("has each Service of its namespace as kubelet names it, the link variables of every port, and the API server's", () => {
    const r = env('app', 'DB_SERVICE_HOST DB_SERVICE_PORT DB_SERVICE_PORT_PG DB_SERVICE_PORT_METRICS_HTTP DB_PORT DB_PORT_53_UDP DB_PORT_53_UDP_PROTO DB_PORT_53_UDP_PORT DB_PORT_53_UDP_ADDR KUBERNETES_SERVICE_HOST KUBERNETES_PORT_443_TCP')
    expect(r.exitCode).toBe(0)
    expect(r.stdout).toBe(['10.96.50.5', '5432', '5432', '9187', 'tcp://10.96.50.5:5432', 'udp://10.96.50.5:53', 'udp', '53', '10.96.50.5', '10.96.0.1', 'tcp://10.96.0.1:443', ''].join('\n'))
  })

  it('has no variables for a headless Service, another namespace, or a Service created after the Pod', () => {
    for (const n of ['HEADLESS_SERVICE_HOST', 'OTHER_SERVICE_HOST', 'LATER_SERVICE_HOST']) {
      const r = env('app', n)
      expect([n, r.exitCode, r.stdout]).toEqual([n, 1, ''])
    }
  })

  it('enableServiceLinks: false keeps only the kubernetes Service', () => {
    expect(env('quiet', 'KUBERNETES_SERVICE_HOST').stdout).toBe('10.96.0.1\n')
    expect(env('quiet', 'DB_SERVICE_HOST').exitCode).toBe(1)
  })

  it("resolves the container's env: $(VAR) expansion, field refs, ConfigMap and Secret keys, envFrom with a prefix", () => {
    const pod = c.pods.find((p) => p.meta.name === 'app')!
    expect(env('app', 'DB_URL LITERAL POD_IP NODE TIER PASSWORD MODE CFG_LEVEL HOSTNAME').stdout).toBe(
      ['postgres://10.96.50.5:5432/app', '$(DB_SERVICE_HOST) and $(NOPE)', pod.podIPs[0], pod.nodeName, 'front', 's3cret', 'fast', '3', 'app', ''].join('\n'),
    )
  })

  it('an optional key that is missing leaves the variable unset; a source the simulator does not reproduce is said so', () => {
    expect(env('app', 'MAYBE').exitCode).toBe(1)
    expect(env('app', 'CPU').stderr).toContain('resourceFieldRef')
    expect(env('app', 'PATH').stderr).toContain("the image's own environment (its ENV) is not simulated")
    expect(sh(c, 'kubectl exec -n shop app -- env').stderr).toContain('Go maps')
  })

  it('a shell expands $NAME: split into words unquoted, one word in double quotes, nothing in single quotes', () => {
    const r = sh(c, `kubectl exec -n shop app -- sh -c 'echo $GREETING; echo "$GREETING"; echo \\$GREETING; echo \${DB_SERVICE_PORT}x'`)
    expect(r.stdout).toBe('hello world\nhello   world\n$GREETING\n5432x\n')
    expect(sh(c, `kubectl exec -n shop app -- sh -c 'curl -s -m1 http://10.96.50.5:5432; echo status=$?'`).stdout).toContain('status=')
  })
})

describe('expand (kubelet $(VAR) references)', () => {
  const vars: Record<string, string> = { A: 'a', B: 'b' }
  const cases: [string, string][] = [
    ['$(A)', 'a'],
    ['___$(B)___', '___b___'],
    ['$(A)$(B)', 'ab'],
    ['$$(A)', '$(A)'],
    ['$(NOPE)', '$(NOPE)'],
    ['$(A', '$(A'],
    ['$A', '$A'],
    ['$$', '$'],
    ['$', '$'],
    ['$$$$(A)', '$$(A)'],
    ['$$$(A)', '$a'],
  ]
  for (const [input, want] of cases) it(`${input} → ${want}`, () => expect(expand(input, (n) => vars[n])).toBe(want))
})
