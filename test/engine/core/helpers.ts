import { loadScenario, runCommand } from '../../../engine/index.ts'
import type { Cluster, Diagnostic } from '../../../engine/index.ts'

/** Builds a cluster and fails loudly on unexpected errors, so tests read as scenarios. */
export function cluster(yaml: string, opts: { allowErrors?: boolean } = {}): Cluster {
  const { cluster, diagnostics } = loadScenario(yaml)
  const errors = diagnostics.filter((d) => d.severity === 'error')
  if (errors.length && !opts.allowErrors) throw new Error(`unexpected diagnostics:\n${errors.map((d) => `${d.line}:${d.column} ${d.message}`).join('\n')}`)
  return cluster
}

export function diagnostics(yaml: string): Diagnostic[] {
  return loadScenario(yaml).diagnostics
}

export function errors(yaml: string): Diagnostic[] {
  return diagnostics(yaml).filter((d) => d.severity === 'error')
}

export function sh(c: Cluster, line: string) {
  return runCommand(c, line)
}

export const deployment = (name: string, replicas: number, labels: Record<string, string>, port = 80, ns = 'default') => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: ${ns}}
spec:
  replicas: ${replicas}
  selector: {matchLabels: ${JSON.stringify(labels)}}
  template:
    metadata: {labels: ${JSON.stringify(labels)}}
    spec:
      containers:
      - name: app
        image: nginx:1.27
        ports: [{containerPort: ${port}, name: http}]
`

export const service = (name: string, selector: Record<string, string>, extra = '', ns = 'default') => `apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: ${ns}}
spec:
  selector: ${JSON.stringify(selector)}
  ports: [{port: 80, targetPort: http}]
${extra}`

export const docs = (...parts: string[]) => parts.join('\n---\n')
