// kubelet's probes replayed on the simulated clock (engine/cluster/probes.ts): what each handler
// answers (pkg/kubelet/prober/prober.go over pkg/probe/http/http.go, pkg/probe/tcp/tcp.go,
// pkg/probe/grpc/grpc.go), named ports (pkg/probe/util.go ResolveContainerPort), when probes run
// and what their results do (pkg/kubelet/prober/worker.go), restarts and their back-off
// (kuberuntime_manager.go computePodActions/doBackOff), the EndpointSlice conditions
// (pkg/controller/endpointslice), and the events with client-go's correlator
// (tools/record/events_cache.go: aggregate, count, then the spam filter).
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { cluster, diagnostics, docs, sh } from './helpers.ts'

/** A Pod of agnhost netexec (HTTP 8080, UDP 8081) or nginx (80) with the given container fields. */
const pod = (name: string, fields: string, image: 'agnhost' | 'nginx' = 'agnhost', labels = '{app: web}') => `apiVersion: v1
kind: Pod
metadata: {name: ${name}, labels: ${labels}}
spec:
  containers:
  - name: app
${
  image === 'agnhost'
    ? `    image: registry.k8s.io/e2e-test-images/agnhost:2.53
    args: [netexec, --http-port=8080]
    ports: [{name: http, containerPort: 8080}]`
    : `    image: nginx:1.27
    ports: [{name: web, containerPort: 80}]`
}
${fields
  .split('\n')
  .map((l) => `    ${l}`)
  .join('\n')}`

const web = `apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]`

const readiness = (probe: string) => `readinessProbe: ${probe}`

function events(c: ReturnType<typeof cluster>, name: string): string {
  return sh(c, `kubectl get events --field-selector involvedObject.name=${name}`).stdout
}

describe('what one probe answers (prober.go runProbe)', () => {
  it('httpGet on a port nobody listens on: the Go client\'s dial error, and the container is not ready', () => {
    const c = cluster(docs(web, pod('a', readiness('{httpGet: {path: /healthz, port: 8081}}'))))
    expect(sh(c, 'kubectl get pods a').stdout).toMatch(/a\s+0\/1\s+Running\s+0\s+5m/)
    expect(events(c, 'a')).toContain('Warning   Unhealthy   pod/a    Readiness probe failed: Get "http://10.244.1.2:8081/healthz": dial tcp 10.244.1.2:8081: connect: connection refused')
  })

  it('httpGet answered with 404 (nginx has no /healthz): "HTTP probe failed with statuscode: 404"', () => {
    const c = cluster(pod('n', readiness('{httpGet: {path: /healthz, port: 80}}'), 'nginx'))
    expect(events(c, 'n')).toContain('Readiness probe failed: HTTP probe failed with statuscode: 404')
    expect(c.index.pod.get('default/n')!.ready).toBe(false)
  })

  it('agnhost netexec answers every path with 200 (its "/" handler catches them all), so a wrong path still passes there', () => {
    const c = cluster(pod('a', readiness('{httpGet: {path: /readyz, port: http}}')))
    expect(c.index.pod.get('default/a')!.ready).toBe(true)
    expect(events(c, 'a')).not.toContain('Unhealthy')
  })

  it('HTTPS to a plain HTTP server: Go\'s "server gave HTTP response to HTTPS client"', () => {
    const c = cluster(pod('a', readiness('{httpGet: {path: /, port: 8080, scheme: HTTPS}}')))
    expect(events(c, 'a')).toContain('Readiness probe failed: Get "https://10.244.1.2:8080/": http: server gave HTTP response to HTTPS client')
  })

  it('tcpSocket: "dial tcp IP:PORT: connect: connection refused" (tcp.go returns err.Error()); a TCP probe of agnhost\'s UDP port fails', () => {
    const c = cluster(pod('a', readiness('{tcpSocket: {port: 8081}}')))
    expect(events(c, 'a')).toContain('Readiness probe failed: dial tcp 10.244.1.2:8081: connect: connection refused')
    const ok = cluster(pod('b', readiness('{tcpSocket: {port: 8080}}')))
    expect(ok.index.pod.get('default/b')!.ready).toBe(true)
  })

  it('grpc with nobody listening: the blocking dial times out (grpc.go)', () => {
    const c = cluster(pod('a', readiness('{grpc: {port: 9090}, timeoutSeconds: 2}')))
    expect(events(c, 'a')).toContain('Readiness probe failed: timeout: failed to connect service "10.244.1.2:9090" within 2s: context deadline exceeded')
  })

  it('an image the engine does not know: a port it does not declare is not judged (and not refused)', () => {
    const y = pod('a', '').replace(/    image: registry[^\n]*\n    args: \[netexec, --http-port=8080\]/, '    image: example.com/shop/api:1.4') + 'readinessProbe: {httpGet: {path: /ready, port: 9000}}'
    const c = cluster(y)
    expect(c.index.pod.get('default/a')!.ready).toBe(true)
    expect(diagnostics(y).map((d) => d.message)).toContain('spec.containers[0].readinessProbe: the simulator does not know image "example.com/shop/api:1.4", so it cannot tell whether port 9000 answers (it knows only the ports a Pod declares); the simulator counts the probe as passing')
  })

  it('grpc to a listening server and exec are not judged: they pass, with a warning at load', () => {
    const y = pod('a', 'readinessProbe: {exec: {command: [cat, /tmp/ready]}}\nlivenessProbe: {grpc: {port: 8080}}')
    const c = cluster(y)
    expect(c.index.pod.get('default/a')!.ready).toBe(true)
    const warned = diagnostics(y).filter((d) => d.code === 'not-simulated').map((d) => d.message)
    expect(warned).toEqual([
      'spec.containers[0].readinessProbe.exec: exec probes are not simulated: the simulator takes `cat /tmp/ready` to exit 0; the simulator counts the probe as passing',
      'spec.containers[0].livenessProbe.grpc: whether the server on port 8080 implements the gRPC health service (grpc.health.v1.Health) is not simulated; the simulator counts the probe as passing',
    ])
  })

  it('a Deployment\'s replicas share one warning', () => {
    const y = `apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  replicas: 3
  selector: {matchLabels: {app: d}}
  template:
    metadata: {labels: {app: d}}
    spec:
      containers:
      - name: app
        image: nginx:1.27
        livenessProbe: {exec: {command: [true]}}`
    expect(diagnostics(y).filter((d) => d.code === 'not-simulated')).toHaveLength(1)
    expect(diagnostics(y)[0].field).toBe('spec.template.spec.containers[0].livenessProbe.exec')
  })
})

describe('named ports (pkg/probe/util.go ResolveContainerPort)', () => {
  it('a port name resolves against the probe\'s own container', () => {
    const c = cluster(pod('a', readiness('{httpGet: {path: /, port: http}}')))
    expect(c.index.pod.get('default/a')!.ready).toBe(true)
  })

  it('an unknown name falls back to strconv.Atoi, and the probe errors: readiness stays at its initial failure', () => {
    const c = cluster(pod('a', readiness('{httpGet: {path: /, port: metrics}}')))
    expect(c.index.pod.get('default/a')!.ready).toBe(false)
    expect(events(c, 'a')).toContain('Readiness probe errored and resulted in unknown state: strconv.Atoi: parsing "metrics": invalid syntax')
  })

  it('an erroring liveness probe never kills (worker.go throws the result away)', () => {
    const c = cluster(pod('a', 'livenessProbe: {tcpSocket: {port: metrics}}'))
    const p = c.index.pod.get('default/a')!
    expect([p.ready, p.containers[0].restartCount]).toEqual([true, 0])
  })
})

describe('consequences of a failing readiness probe', () => {
  const c = cluster(docs(web, pod('a', readiness('{httpGet: {path: /healthz, port: 8081}}')), pod('b', '', 'agnhost'), pod('client', '', 'nginx', '{app: client}')))

  it('the EndpointSlice keeps the Pod with ready and serving false, not terminating', () => {
    const slice = parse(sh(c, 'kubectl get endpointslices -l kubernetes.io/service-name=web -o yaml').stdout).items[0]
    const a = slice.endpoints.find((e: { targetRef: { name: string } }) => e.targetRef.name === 'a')
    expect(a.conditions).toEqual({ ready: false, serving: false, terminating: false })
  })

  it('the Ready condition is False with ContainersNotReady', () => {
    const st = parse(sh(c, 'kubectl get pod a -o yaml').stdout).status
    expect(st.conditions.find((x: { type: string }) => x.type === 'Ready')).toMatchObject({ status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [app]' })
    expect(st.containerStatuses[0]).toMatchObject({ ready: false, started: true, restartCount: 0, state: { running: {} } })
  })

  it('kube-proxy leaves it out: describe svc lists only b, the KUBE-SVC chain has one endpoint', () => {
    expect(sh(c, 'kubectl describe svc web').stdout).toMatch(/Endpoints:\s+10\.244\.2\.2:8080\n/)
    const rules = sh(c, 'ssh node-1 iptables -t nat -S').stdout
    expect(rules).toContain('10.244.2.2:8080')
    expect(rules).not.toContain('10.244.1.2:8080')
  })

  it('with no ready Pod at all, the trace says which endpoints are not ready', () => {
    const only = cluster(docs(web, pod('a', readiness('{httpGet: {path: /healthz, port: 8081}}')), pod('client', '', 'nginx', '{app: client}')))
    expect(sh(only, 'trace client -> web:80').stdout).toContain('result: refused: default/web has no endpoints to take the connection (its endpoint a is not ready; `kubectl describe pod` says why)')
  })

  it('publishNotReadyAddresses counts it ready anyway', () => {
    const pub = cluster(docs(web.replace('selector:', 'publishNotReadyAddresses: true\n  selector:'), pod('a', readiness('{httpGet: {path: /healthz, port: 8081}}'))))
    expect(pub.endpointSlices.find((s) => s.serviceName === 'web')!.endpoints[0].conditions.ready).toBe(true)
  })

  it('initialDelaySeconds not yet over: not ready, and no probe has run (no event)', () => {
    const d = cluster(pod('a', readiness('{httpGet: {path: /, port: 8080}, initialDelaySeconds: 600}')))
    expect(d.index.pod.get('default/a')!.ready).toBe(false)
    expect(events(d, 'a')).not.toContain('Unhealthy')
  })

  it('a pasted status wins over the replay', () => {
    const y = pod('a', readiness('{httpGet: {path: /healthz, port: 8081}}')) + '\nstatus:\n  phase: Running\n  conditions: [{type: Ready, status: "True"}]'
    expect(cluster(y).index.pod.get('default/a')!.ready).toBe(true)
  })
})

describe('events: one Unhealthy event per failed run, counted, then spam-filtered (events_cache.go)', () => {
  it('10 s period over 5 minutes: 23 failures get through after Created and Started (burst 25), the rest wait for a token', () => {
    const c = cluster(pod('a', readiness('{httpGet: {path: /healthz, port: 8081}}')))
    const d = sh(c, 'kubectl describe pod a').stdout
    expect(d).toContain('Warning  Unhealthy  69s (x23 over 4m49s)  kubelet            Readiness probe failed: Get "http://10.244.1.2:8081/healthz"')
    const e = parse(sh(c, 'kubectl get events --field-selector reason=Unhealthy -o yaml').stdout).items[0]
    expect(e).toMatchObject({ count: 23, type: 'Warning', reason: 'Unhealthy', source: { component: 'kubelet', host: 'node-1' }, involvedObject: { fieldPath: 'spec.containers{app}' } })
    expect([e.firstTimestamp, e.lastTimestamp]).toEqual(['2026-01-15T11:55:11Z', '2026-01-15T11:58:51Z'])
  })

  it('an older Pod: the count keeps growing behind the filter, each update that gets through carries it', () => {
    const y = pod('a', readiness('{tcpSocket: {port: 8081}}')).replace('metadata: {name: a,', 'metadata: {creationTimestamp: "2026-01-15T11:00:00Z", name: a,')
    const e = parse(sh(cluster(y), 'kubectl get events --field-selector reason=Unhealthy -o yaml').stdout).items[0]
    // now is 5 minutes after the newest timestamp; the probe failed every 10 s for an hour and 5 minutes
    expect(e.count).toBeGreaterThan(300)
    expect(e.firstTimestamp).toBe('2026-01-15T11:00:11Z')
  })
})

describe('a failing liveness probe restarts the container (computePodActions, doBackOff)', () => {
  const c = cluster(pod('n', 'livenessProbe: {httpGet: {path: /healthz, port: 80}}', 'nginx'))

  it('killed after 3 failures 10 s apart; runs of 30 s outlast the back-off (10, 20 s) for three restarts, then it holds: 5 restarts and a back-off of 80 s by 5 minutes', () => {
    expect(sh(c, 'kubectl get pods n').stdout).toMatch(/n\s+0\/1\s+CrashLoopBackOff\s+5 \(79s ago\)\s+5m/)
    const st = parse(sh(c, 'kubectl get pod n -o yaml').stdout).status.containerStatuses[0]
    expect(st.restartCount).toBe(5)
    expect(st.state.waiting.reason).toBe('CrashLoopBackOff')
    expect(st.state.waiting.message).toMatch(/^back-off 1m20s restarting failed container=app pod=n_default\(/)
    // nginx stops gracefully on its stop signal
    expect(st.lastState.terminated).toMatchObject({ exitCode: 0, reason: 'Completed', startedAt: '2026-01-15T11:58:11Z', finishedAt: '2026-01-15T11:58:41Z' })
  })

  it('Killing names the probe; Created and Started count the restarts', () => {
    const d = sh(c, 'kubectl describe pod n').stdout
    // 25 events get through at once (Created, Started, 3 Unhealthy, Killing, …), then one per 5 minutes:
    // the Started of the fifth run, the fifth kill and the BackOff after it are counted but not written
    expect(d).toContain('Normal   Started    3m29s (x4 over 4m59s)   kubelet            Started container app')
    expect(d).toContain('Normal   Created    2m59s (x5 over 4m59s)   kubelet            Created container: app')
    expect(d).toContain('Warning  Unhealthy  2m59s (x12 over 4m49s)  kubelet            Liveness probe failed: HTTP probe failed with statuscode: 404')
    expect(d).toContain('Normal   Killing    2m59s (x4 over 4m29s)   kubelet            Container app failed liveness probe, will be restarted')
    expect(d).not.toContain('Warning  BackOff')
  })

  it('a process with no SIGTERM handler exits 143 (Error)', () => {
    const a = cluster(pod('a', 'livenessProbe: {tcpSocket: {port: 9999}}'))
    const st = parse(sh(a, 'kubectl get pod a -o yaml').stdout).status.containerStatuses[0]
    expect(st.lastState.terminated).toMatchObject({ exitCode: 143, reason: 'Error' })
  })

  it('running between restarts: Running, ready when it has no readiness probe', () => {
    // period 60 s: the first run is killed at 3 minutes and restarted at once
    const r = cluster(pod('a', 'livenessProbe: {tcpSocket: {port: 9999}, periodSeconds: 60}'))
    expect(sh(r, 'kubectl get pods a').stdout).toMatch(/a\s+1\/1\s+Running\s+1 \(119s ago\)\s+5m/)
  })
})

describe('the back-off (doBackOff over flowcontrol.Backoff)', () => {
  it('a container killed every 3 minutes outlasts every back-off: each restart comes at once', () => {
    const c = cluster(pod('a', 'livenessProbe: {tcpSocket: {port: 9999}, periodSeconds: 30, failureThreshold: 2}'))
    // runs of 60 s: killed at 61 s, 121 s, 181 s, 241 s, each restarted at once
    const st = parse(sh(c, 'kubectl get pod a -o yaml').stdout).status.containerStatuses[0]
    expect([st.restartCount, Object.keys(st.state)[0]]).toEqual([4, 'running'])
  })
  it('short runs: held back once the back-off outgrows the run; the BackOff events say so', () => {
    const c = cluster(pod('a', 'livenessProbe: {tcpSocket: {port: 9999}, periodSeconds: 1, failureThreshold: 1}'))
    const st = parse(sh(c, 'kubectl get pod a -o yaml').stdout).status.containerStatuses[0]
    expect(st.state.waiting.reason).toBe('CrashLoopBackOff')
    expect(events(c, 'a')).toContain('BackOff')
  })
})

describe('the startup probe gates the others (worker.go)', () => {
  it('while it has not passed, readiness does not run and the container is not started', () => {
    const c = cluster(pod('a', 'startupProbe: {tcpSocket: {port: 9999}, failureThreshold: 60}\nreadinessProbe: {tcpSocket: {port: 8081}}'))
    expect(events(c, 'a')).toContain('Startup probe failed: dial tcp 10.244.1.2:9999: connect: connection refused')
    expect(events(c, 'a')).not.toContain('Readiness probe')
    const st = parse(sh(c, 'kubectl get pod a -o yaml').stdout).status.containerStatuses[0]
    expect([st.started, st.ready]).toEqual([false, false])
  })

  it('failing failureThreshold times kills the container', () => {
    const c = cluster(pod('a', 'startupProbe: {tcpSocket: {port: 9999}}'))
    expect(events(c, 'a')).toContain('Container app failed startup probe, will be restarted')
  })

  it('once passed, readiness runs', () => {
    const c = cluster(pod('a', 'startupProbe: {tcpSocket: {port: 8080}}\nreadinessProbe: {tcpSocket: {port: 8081}}'))
    expect(events(c, 'a')).toContain('Readiness probe failed')
  })
})

describe('validation and warnings of probe fields', () => {
  it('terminationGracePeriodSeconds: refused on a readiness probe, not simulated on the others', () => {
    const ds = diagnostics(pod('a', 'readinessProbe: {tcpSocket: {port: 8080}, terminationGracePeriodSeconds: 5}\nlivenessProbe: {tcpSocket: {port: 8080}, terminationGracePeriodSeconds: 5}'))
    expect(ds.map((d) => `${d.severity}: ${d.message}`)).toEqual(
      expect.arrayContaining([
        'error: spec.containers[0].readinessProbe.terminationGracePeriodSeconds: Invalid value: 5: must not be set for readinessProbes',
        'warning: spec.containers[0].livenessProbe.terminationGracePeriodSeconds: not simulated: the simulator takes a container kubelet kills to stop at once, so no grace period runs out',
      ]),
    )
  })
})

describe('a Pod without probes is left as it was', () => {
  it('no probe record, ready, and the same events as before', () => {
    const c = cluster(pod('a', ''))
    const p = c.index.pod.get('default/a')!
    expect([p.ready, p.containers[0].probes, p.containers[0].restartCount]).toEqual([true, undefined, 0])
    expect(events(c, 'a').trim().split('\n')).toHaveLength(4)
  })
})

describe('what the API server refuses in a probe (validation.go validateProbe, validateHandler)', () => {
  const refused = (fields: string) => diagnostics(pod('a', fields)).filter((d) => d.severity === 'error').map((d) => d.message)
  it('one handler, no more, no less', () => {
    expect(refused('readinessProbe: {periodSeconds: 5}')).toEqual(['spec.containers[0].readinessProbe: Required value: must specify a handler type'])
    expect(refused('readinessProbe: {httpGet: {port: 8080}, tcpSocket: {port: 8080}}')).toEqual(['spec.containers[0].readinessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type'])
  })
  it('liveness and startup probes need successThreshold 1', () => {
    expect(refused('livenessProbe: {tcpSocket: {port: 8080}, successThreshold: 2}')).toEqual(['spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1'])
    expect(refused('readinessProbe: {tcpSocket: {port: 8080}, successThreshold: 2}')).toEqual([])
  })
  it('ports and numbers', () => {
    expect(refused('readinessProbe: {tcpSocket: {port: 70000}, periodSeconds: -1}')).toEqual([
      'spec.containers[0].readinessProbe.tcpSocket.port: Invalid value: 70000: must be between 1 and 65535, inclusive',
      'spec.containers[0].readinessProbe.periodSeconds: Invalid value: -1: must be greater than or equal to 0',
    ])
    expect(refused('readinessProbe: {httpGet: {port: Web_Port}}')[0]).toBe('spec.containers[0].readinessProbe.httpGet.port: Invalid value: "Web_Port": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)')
  })
  it('no probes on a regular init container', () => {
    const y = pod('a', '').replace('  containers:', '  initContainers:\n  - name: init\n    image: busybox\n    readinessProbe: {tcpSocket: {port: 1}}\n  containers:')
    expect(diagnostics(y).filter((d) => d.severity === 'error').map((d) => d.message)).toEqual(['spec.initContainers[0].readinessProbe: Forbidden: may not be set for init containers without restartPolicy=Always'])
  })
})

describe('crictl on the node sees the attempts', () => {
  it('the running attempt, and with -a the last one kubelet killed', () => {
    const c = cluster(pod('a', 'livenessProbe: {tcpSocket: {port: 9999}, periodSeconds: 60}'))
    const all = sh(c, 'ssh node-1 crictl ps -a').stdout
    expect(all).toMatch(/Running +app +1 /)
    expect(all).toMatch(/Exited +app +0 /)
    expect(sh(c, 'ssh node-1 crictl ps').stdout).not.toMatch(/Exited/)
  })
})

describe('a StatefulSet waits for each Pod to be ready (stateful_set_control.go, OrderedReady)', () => {
  const sts = (policy: string) => `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  replicas: 3${policy}
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers:
      - name: app
        image: registry.k8s.io/e2e-test-images/agnhost:2.53
        args: [netexec]
        readinessProbe: {tcpSocket: {port: 5432}}`
  it('db-0 never ready: db-1 and db-2 are not made, and READY says 0/3', () => {
    const c = cluster(sts(''))
    expect(c.pods.filter((p) => p.meta.name.startsWith('db-')).map((p) => p.meta.name)).toEqual(['db-0'])
    expect(sh(c, 'kubectl get sts db').stdout).toMatch(/db\s+0\/3\s+5m/)
  })
  it('Parallel makes them all', () => {
    const c = cluster(sts('\n  podManagementPolicy: Parallel'))
    expect(c.pods.filter((p) => p.meta.name.startsWith('db-')).map((p) => p.meta.name)).toEqual(['db-0', 'db-1', 'db-2'])
  })
})

describe('sidecars', () => {
  it('a sidecar\'s probes are accepted and said not to be simulated', () => {
    const y = pod('a', '').replace('  containers:', '  initContainers:\n  - name: proxy\n    image: envoyproxy/envoy:v1.33.0\n    restartPolicy: Always\n    readinessProbe: {tcpSocket: {port: 15021}}\n  containers:')
    const ds = diagnostics(y)
    expect(ds.filter((d) => d.severity === 'error')).toEqual([])
    expect(ds.map((d) => d.message)).toContain("spec.initContainers[0].readinessProbe: not simulated: the simulator runs the probes of a Pod's containers, not those of its sidecars (init containers with restartPolicy Always); it counts the sidecar as started and ready")
  })
})

describe('the Ready condition moves with the probes', () => {
  it('ready from the first passing probe, 10 s after the start', () => {
    const c = cluster(pod('a', readiness('{tcpSocket: {port: 8080}}')))
    const ready = parse(sh(c, 'kubectl get pod a -o yaml').stdout).status.conditions.find((x: { type: string }) => x.type === 'Ready')
    expect(ready).toMatchObject({ status: 'True', lastTransitionTime: '2026-01-15T11:55:11Z' })
  })
  it('not ready since the last kill', () => {
    const c = cluster(pod('n', 'livenessProbe: {httpGet: {path: /healthz, port: 80}}', 'nginx'))
    const ready = parse(sh(c, 'kubectl get pod n -o yaml').stdout).status.conditions.find((x: { type: string }) => x.type === 'Ready')
    expect(ready).toMatchObject({ status: 'False', lastTransitionTime: '2026-01-15T11:58:41Z' })
  })
})

describe('agnhost netexec /healthz (netexec.go healthzHandler)', () => {
  it('412 without a UDP or SCTP server, for the probe and for curl alike', () => {
    const y = docs(pod('a', readiness('{httpGet: {path: /healthz, port: 8080}}')).replace('--http-port=8080]', '--http-port=8080, --udp-port=-1]'), pod('client', '', 'nginx', '{app: client}'))
    const c = cluster(y)
    expect(events(c, 'a')).toContain('Readiness probe failed: HTTP probe failed with statuscode: 412')
    expect(sh(c, 'kubectl exec client -- curl -si http://10.244.1.2:8080/healthz').stdout).toContain('HTTP/1.1 412 Precondition Failed')
  })
})

describe('kubectl logs of a restarted container', () => {
  it('--previous shows the killed run\'s startup lines at that run\'s start (kubelet_pods.go validateContainerLogStatus)', () => {
    const c = cluster(pod('a', 'livenessProbe: {tcpSocket: {port: 9999}}'))
    const prev = sh(c, 'kubectl logs a --previous --timestamps')
    expect(prev.exitCode).toBe(0)
    expect(prev.stderr).toBe('')
    // the last run started 11:58:11 and was killed 11:58:41 (lastState.terminated); agnhost prints nothing on SIGTERM
    expect(prev.stdout).toBe(
      '2026-01-15T11:58:11.287112Z I0115 11:58:11.287112       1 log.go:195] Started HTTP server on port 8080\n' +
        '2026-01-15T11:58:11.287319Z I0115 11:58:11.287319       1 log.go:195] Started UDP server on port  8081\n',
    )
    // waiting in back-off, the container's log is that same last run
    expect(sh(c, 'kubectl logs a --timestamps').stdout).toBe(prev.stdout)
  })
})

describe('a probe gets the real server\'s answer', () => {
  it('nginx has no /hostname: 404, though curl gets netexec\'s answer there in the simulator', () => {
    const c = cluster(pod('n', readiness('{httpGet: {path: /hostname, port: 80}}'), 'nginx'))
    expect(events(c, 'n')).toContain('HTTP probe failed with statuscode: 404')
  })
})

describe('restartPolicy Never and OnFailure (computePodActions restarts only what the policy allows)', () => {
  it('Never: killed once, not restarted; the Pod Failed, STATUS Error, Ready PodCompleted', () => {
    const y = pod('a', 'livenessProbe: {tcpSocket: {port: 9999}}').replace('spec:\n  containers:', 'spec:\n  restartPolicy: Never\n  containers:')
    const c = cluster(y)
    expect(sh(c, 'kubectl get pods a').stdout).toMatch(/a\s+0\/1\s+Error\s+0\s+5m/)
    const st = parse(sh(c, 'kubectl get pod a -o yaml').stdout).status
    expect(st.phase).toBe('Failed')
    expect(st.containerStatuses[0].state.terminated).toMatchObject({ exitCode: 143, reason: 'Error', finishedAt: '2026-01-15T11:55:31Z' })
    expect(st.conditions.find((x: { type: string }) => x.type === 'Ready')).toMatchObject({ status: 'False', reason: 'PodCompleted' })
    expect(events(c, 'a')).toMatch(/Container app failed liveness probe\n/)
  })
  it('OnFailure: nginx exits 0 on its stop signal, so it is not restarted: Completed, Succeeded', () => {
    const y = pod('n', 'livenessProbe: {tcpSocket: {port: 9999}}', 'nginx').replace('spec:\n  containers:', 'spec:\n  restartPolicy: OnFailure\n  containers:')
    const c = cluster(y)
    expect(sh(c, 'kubectl get pods n').stdout).toMatch(/n\s+0\/1\s+Completed\s+0\s+5m/)
    expect(c.index.pod.get('default/n')!.phase).toBe('Succeeded')
  })
})
