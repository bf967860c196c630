/**
 * A small shop to trace through: three agnhost Pods behind Services of
 * every kind, pinned to node-1..3 so that "same node" and "across nodes"
 * are known in advance; clients on node-1 (busybox) and node-2 (Debian);
 * an nginx Pod; and knobs for the CNI, the proxy mode and extra manifests.
 */
import { loadScenario, runCommand } from '../../../engine/index.ts'
import type { Cluster } from '../../../engine/index.ts'
import { tracePacket } from '../../../engine/trace/index.ts'
import type { FullTrace, TraceFrom, TraceOptions, TraceTarget, Hop } from '../../../engine/trace/index.ts'

export const pod = (name: string, node: string, labels: Record<string, string>, image: string, extra = '', ns = 'prod') => `apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: ${ns}, labels: ${JSON.stringify(labels)}}
spec:
  nodeName: ${node}
  containers:
  - name: c
    image: ${image}
${extra}`

const agnhost = `    args: [netexec, --http-port=8080]
    ports: [{name: http, containerPort: 8080}]`

export function shop(opts: { cluster?: string; extra?: string[]; webs?: number } = {}): string {
  const webs = opts.webs ?? 3
  const docs = [
    `apiVersion: knet/v1alpha1\nkind: Cluster\nspec: ${opts.cluster ?? '{}'}`,
    'apiVersion: v1\nkind: Namespace\nmetadata: {name: prod, labels: {env: prod}}',
    ...Array.from({ length: webs }, (_, i) => pod(`web-${i + 1}`, `node-${i + 1}`, { app: 'web' }, 'registry.k8s.io/e2e-test-images/agnhost:2.53', agnhost)),
    pod('client', 'node-1', { role: 'client' }, 'busybox:1.36'),
    pod('tools', 'node-2', { role: 'frontend' }, 'debian:12'),
    pod('nginx', 'node-2', { app: 'nginx' }, 'nginx:1.27.5'),
    'apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: prod}\nspec:\n  selector: {app: web}\n  ports: [{name: http, port: 80, targetPort: http}]',
    'apiVersion: v1\nkind: Service\nmetadata: {name: web-np, namespace: prod}\nspec:\n  type: NodePort\n  selector: {app: web}\n  ports: [{port: 80, targetPort: 8080, nodePort: 30080}]',
    'apiVersion: v1\nkind: Service\nmetadata: {name: web-local, namespace: prod}\nspec:\n  type: NodePort\n  externalTrafficPolicy: Local\n  selector: {app: web}\n  ports: [{port: 80, targetPort: 8080, nodePort: 30081}]',
    'apiVersion: v1\nkind: Service\nmetadata: {name: empty, namespace: prod}\nspec:\n  selector: {app: nothing}\n  ports: [{port: 80}]',
    'apiVersion: v1\nkind: Service\nmetadata: {name: sticky, namespace: prod}\nspec:\n  selector: {app: web}\n  sessionAffinity: ClientIP\n  ports: [{port: 80, targetPort: 8080}]',
    ...(opts.extra ?? []),
  ]
  return docs.join('\n---\n')
}

export function build(text: string): Cluster {
  const { cluster, diagnostics } = loadScenario(text)
  const errors = diagnostics.filter((d) => d.severity === 'error')
  if (errors.length) throw new Error(`unexpected diagnostics:\n${errors.map((d) => d.message).join('\n')}`)
  return cluster
}

export function P(c: Cluster, name: string, ns = 'prod') {
  const p = c.index.pod.get(`${ns}/${name}`)
  if (!p) throw new Error(`no pod ${ns}/${name}`)
  return p
}

export function fromPod(c: Cluster, name: string, ns = 'prod'): TraceFrom {
  return { kind: 'pod', pod: P(c, name, ns) }
}

export function trace(c: Cluster, from: TraceFrom, to: TraceTarget, opts: TraceOptions = {}): FullTrace {
  return tracePacket(c, from, to, opts)
}

export function sh(c: Cluster, line: string) {
  return runCommand(c, line)
}

export const request = (t: FullTrace): Hop[] => t.hops.filter((h) => h.direction === 'request')
export const reply = (t: FullTrace): Hop[] => t.hops.filter((h) => h.direction === 'reply')
export const handlers = (t: FullTrace): string[] => request(t).map((h) => h.handler)
export const rewrites = (t: FullTrace): Hop[] => request(t).filter((h) => h.before.src !== h.after.src || h.before.dst !== h.after.dst || h.before.sport !== h.after.sport || h.before.dport !== h.after.dport)

/** The seed for which the first load-balancing choice lands on `endpoint` (ip:port). */
export function seedFor(c: Cluster, from: TraceFrom, to: TraceTarget, endpoint: string): number {
  for (let seed = 0; seed < 200; seed++) {
    const t = tracePacket(c, from, to, { seed })
    if (t.alternatives?.find((a) => a.chosen)?.endpoint === endpoint) return seed
  }
  throw new Error(`no seed picks ${endpoint}`)
}
