/**
 * What the API server refuses in a container's probes (pkg/apis/core/validation/validation.go:
 * validateLivenessProbe, validateReadinessProbe, validateStartupProbe, validateProbe,
 * validateHandler and its actions), after SetDefaults_Probe (a zero threshold becomes 1, so
 * only a negative one is refused as such). Paths are relative to the container.
 */
import type { Json, JsonObject } from '../model/types.ts'
import { read } from './context.ts'

export interface ProbeProblem {
  path: (string | number)[]
  message: string
}

const PROBES: [string, 'liveness' | 'readiness' | 'startup'][] = [
  ['livenessProbe', 'liveness'],
  ['readinessProbe', 'readiness'],
  ['startupProbe', 'startup'],
]

/** ValidatePortNumOrName */
function portProblems(v: Json | undefined, portName: (name: string) => string[]): string[] {
  if (typeof v === 'number') return v >= 1 && v <= 65535 ? [] : [`Invalid value: ${v}: must be between 1 and 65535, inclusive`]
  if (typeof v === 'string') return portName(v).map((p) => `Invalid value: "${v}": ${p}`)
  return ['Required value']
}

/**
 * @example
 * probeProblems({ livenessProbe: { tcpSocket: { port: 80 }, successThreshold: 2 } }, () => [])
 * // [{ path: ['livenessProbe', 'successThreshold'], message: 'Invalid value: 2: must be 1' }]
 */
export function probeProblems(container: JsonObject, portName: (name: string) => string[], initContainer = false): ProbeProblem[] {
  const out: ProbeProblem[] = []
  for (const [field, kind] of PROBES) {
    const p = read.obj(container[field])
    if (!p) continue
    // a regular init container runs to completion: probes make no sense there (sidecars excepted)
    if (initContainer && container.restartPolicy !== 'Always') {
      out.push({ path: [field], message: 'Forbidden: may not be set for init containers without restartPolicy=Always' })
      continue
    }
    const handlers = (['exec', 'httpGet', 'tcpSocket', 'grpc'] as const).filter((h) => p[h] !== undefined && p[h] !== null)
    if (handlers.length !== 1) handlerCountProblems(field, handlers, out)
    const h = handlers[0]
    const action = read.fields(h ? p[h] : undefined)
    if (h === 'httpGet' || h === 'tcpSocket') for (const m of portProblems(action.port, portName)) out.push({ path: [field, h, 'port'], message: m })
    // the other checks of the handler, and of the numbers, only where one can fail (issue 20)
    if ((h === 'exec' && read.arr(action.command).length === 0) || h === 'grpc' || (h === 'httpGet' && action.scheme !== undefined && action.scheme !== 'HTTP' && action.scheme !== 'HTTPS')) {
      actionProblems(field, h, action, out)
    }
    if (NUMBERS.some((k) => typeof p[k] === 'number' && (p[k] as number) < 0)) negativeProblems(field, p, out)
    const success = p.successThreshold
    const grace = p.terminationGracePeriodSeconds
    if ((kind !== 'readiness' && typeof success === 'number' && success > 1) || (grace !== undefined && grace !== null)) thresholdProblems(field, kind, success, grace, out)
  }
  return out
}

const NUMBERS = ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold']

/** No handler, or more than one. */
function handlerCountProblems(field: string, handlers: string[], out: ProbeProblem[]): void {
  if (handlers.length === 0) out.push({ path: [field], message: 'Required value: must specify a handler type' })
  for (const h of handlers.slice(1)) out.push({ path: [field, h], message: 'Forbidden: may not specify more than 1 handler type' })
}

/** exec without a command, an httpGet scheme that is not HTTP(S), a grpc port out of range. */
function actionProblems(field: string, h: string, action: JsonObject, out: ProbeProblem[]): void {
  if (h === 'exec') out.push({ path: [field, 'exec', 'command'], message: 'Required value' })
  if (h === 'httpGet') out.push({ path: [field, 'httpGet', 'scheme'], message: `Unsupported value: ${JSON.stringify(action.scheme)}: supported values: "HTTP", "HTTPS"` })
  if (h === 'grpc') {
    const port = action.port
    if (typeof port !== 'number' || port < 1 || port > 65535) out.push({ path: [field, 'grpc', 'port'], message: `Invalid value: ${JSON.stringify(port ?? 0)}: must be between 1 and 65535, inclusive` })
  }
}

function negativeProblems(field: string, p: JsonObject, out: ProbeProblem[]): void {
  for (const k of NUMBERS) {
    const v = p[k]
    if (typeof v === 'number' && v < 0) out.push({ path: [field, k], message: `Invalid value: ${v}: must be greater than or equal to 0` })
  }
}

/** successThreshold above 1 outside readiness; terminationGracePeriodSeconds on readiness, or not positive. */
function thresholdProblems(field: string, kind: string, success: Json | undefined, grace: Json | undefined, out: ProbeProblem[]): void {
  if (kind !== 'readiness' && typeof success === 'number' && success > 1) out.push({ path: [field, 'successThreshold'], message: `Invalid value: ${success}: must be 1` })
  if (grace !== undefined && grace !== null) {
    if (kind === 'readiness') out.push({ path: [field, 'terminationGracePeriodSeconds'], message: `Invalid value: ${JSON.stringify(grace)}: must not be set for readinessProbes` })
    else if (typeof grace === 'number' && grace <= 0) out.push({ path: [field, 'terminationGracePeriodSeconds'], message: `Invalid value: ${grace}: must be greater than 0` })
  }
}
