import { loadScenario } from '../../../engine/index.ts'
import type { Cluster } from '../../../engine/index.ts'
import { readCases as readAnyCases } from '../../fixtures/cases/cases.ts'
import type { Case as GenericCase } from '../../fixtures/cases/cases.ts'
export { loadCase } from '../../fixtures/cases/cases.ts'
export type Case = GenericCase<IngressCheck>
export const readCases = (folder: string): Case[] => readAnyCases<IngressCheck>(folder)

export interface IngressCheck {
  ingress: { host: string; path: string }
  expect: { service: string; port: number | string } | { status: 404 }
}

/** Builds a cluster from YAML documents and fails on loader errors, so tests read as scenarios. */
export function scenario(...docs: string[]): Cluster {
  const { cluster, diagnostics } = loadScenario(docs.join('\n---\n'))
  const errors = diagnostics.filter((d) => d.severity === 'error')
  if (errors.length) throw new Error(`unexpected diagnostics:\n${errors.map((d) => `${d.line}:${d.column} ${d.message}`).join('\n')}`)
  return cluster
}

export const ingressClass = (name: string, opts: { isDefault?: boolean; controller?: string; labels?: Record<string, string>; created?: string } = {}) => `apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: ${name}${opts.created ? `\n  creationTimestamp: "${opts.created}"` : ''}${opts.labels ? `\n  labels: ${JSON.stringify(opts.labels)}` : ''}${opts.isDefault ? '\n  annotations: {ingressclass.kubernetes.io/is-default-class: "true"}' : ''}
spec:
  controller: ${opts.controller ?? 'k8s.io/ingress-nginx'}`

/** A Service selecting app=echo on port 80 → 8080 (named http), pinned ClusterIP. */
export const service = (name: string, ip: string, opts: { ns?: string; portName?: string; port?: number } = {}) => `apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: ${opts.ns ?? 'default'}}
spec:
  clusterIP: ${ip}
  selector: {app: echo}
  ports: [{${opts.portName ? `name: ${opts.portName}, ` : ''}port: ${opts.port ?? 80}, targetPort: 8080}]`

export const echoPod = (ip = '10.244.1.11', ns = 'default', name = 'echo-0') => `apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: ${ns}, labels: {app: echo}}
spec:
  containers: [{name: echo, image: registry.k8s.io/e2e-test-images/agnhost:2.53, ports: [{containerPort: 8080}]}]
status:
  phase: Running
  podIP: ${ip}
  podIPs: [{ip: ${ip}}]
  conditions: [{type: Ready, status: "True"}]`

/** An Ingress from a compact rule list: [host, [[path, pathType, service, port?]]]. */
export function ingress(
  name: string,
  rules: [string, [string, string, string, (number | string)?][]][],
  opts: { ns?: string; className?: string; annotations?: Record<string, string>; defaultBackend?: [string, number | string]; tls?: { hosts: string[]; secretName?: string }[]; created?: string } = {},
): string {
  const port = (p: number | string | undefined) => (typeof p === 'string' ? `{name: ${p}}` : `{number: ${p ?? 80}}`)
  const lines = [
    'apiVersion: networking.k8s.io/v1',
    'kind: Ingress',
    'metadata:',
    `  name: ${name}`,
    `  namespace: ${opts.ns ?? 'default'}`,
  ]
  if (opts.created) lines.push(`  creationTimestamp: "${opts.created}"`)
  if (opts.annotations) lines.push(`  annotations: ${JSON.stringify(opts.annotations)}`)
  lines.push('spec:')
  if (opts.className !== undefined) lines.push(`  ingressClassName: ${JSON.stringify(opts.className)}`)
  if (opts.defaultBackend) lines.push(`  defaultBackend: {service: {name: ${opts.defaultBackend[0]}, port: ${port(opts.defaultBackend[1])}}}`)
  if (opts.tls) lines.push(`  tls: ${JSON.stringify(opts.tls)}`)
  if (rules.length) {
    lines.push('  rules:')
    for (const [host, paths] of rules) {
      lines.push(host ? `  - host: ${JSON.stringify(host)}` : '  - http:')
      if (host) lines.push('    http:')
      lines.push('      paths:')
      for (const [path, pathType, svc, p] of paths) {
        lines.push(`      - path: ${JSON.stringify(path)}`)
        lines.push(`        pathType: ${pathType}`)
        lines.push(`        backend: {service: {name: ${svc}, port: ${port(p)}}}`)
      }
    }
  }
  return lines.join('\n')
}
