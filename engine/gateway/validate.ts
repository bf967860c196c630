/**
 * Every problem of the scenario's Gateway API objects, placed on their
 * fields: errors are what the API server refuses (api-validation.ts); warnings
 * are what the controller reports in status and a reader should see at once:
 * a route no listener takes, a reference that does not resolve, a regular
 * expression RE2 would not compile, a class no modelled controller serves.
 */
import type { Cluster } from '../model/types.ts'
import type { ObjectProblem } from '../cluster/checks.ts'
import { apiValidation } from './api-validation.ts'
import { gatewayModel } from './attach.ts'
import { compileRE2 } from './match.ts'
import type { RouteView } from './model.ts'

function warn(kind: string, o: { meta: { namespace: string; name: string } ; source?: ObjectProblem['source'] }, path: ObjectProblem['path'], code: string, message: string, hint?: string): ObjectProblem {
  return { severity: 'warning', code, kind, namespace: o.meta.namespace, name: o.meta.name, source: o.source, path, message, hint }
}

function regexWarnings(v: RouteView, out: ObjectProblem[]): void {
  const o = v.object
  const check = (re: string, path: ObjectProblem['path']) => {
    const c = compileRE2(re)
    if (!(c instanceof RegExp)) out.push(warn(v.kind, o, path, 'gateway-regex', `regex ${JSON.stringify(re)} is invalid: ${c.error}`, 'the API server accepts any string here; Envoy Gateway rejects the route in its status (Accepted False, UnsupportedValue)'))
  }
  for (const r of v.httpRules) {
    for (const m of r.matches) {
      const at = ['spec', 'rules', r.index, 'matches', m.index]
      if (m.path.type === 'RegularExpression') check(m.path.value, [...at, 'path', 'value'])
      m.headers.forEach((h, i) => h.type === 'RegularExpression' && check(h.value, [...at, 'headers', i, 'value']))
      m.queryParams.forEach((h, i) => h.type === 'RegularExpression' && check(h.value, [...at, 'queryParams', i, 'value']))
    }
  }
}

/**
 * API errors and controller warnings for every Gateway API object.
 *
 * @example
 * validateGateways(cluster).filter((p) => p.severity === 'error') // the API server's refusals
 */
export function validateGateways(cluster: Cluster): ObjectProblem[] {
  const out: ObjectProblem[] = [...apiValidation(cluster).problems]
  const m = gatewayModel(cluster)
  for (const c of m.classes) {
    if (!c.controlled) out.push(warn('GatewayClass', c.view.object, ['spec', 'controllerName'], 'gateway-controller', `no controller in the scenario serves controllerName "${c.view.controllerName}": its Gateways stay Pending`, 'the simulator models Envoy Gateway: controllerName gateway.envoyproxy.io/gatewayclass-controller'))
  }
  for (const g of m.gateways) {
    if (!g.cls) out.push(warn('Gateway', g.view.object, ['spec', 'gatewayClassName'], 'gateway-class-not-found', `GatewayClass "${g.view.className}" not found: no controller takes this Gateway`))
    if (g.controlled && g.view.addresses.length) out.push(warn('Gateway', g.view.object, ['spec', 'addresses'], 'gateway-addresses', 'spec.addresses is not simulated: the Gateway gets the address the load balancer gives its Envoy Service'))
    for (const l of g.listeners) {
      for (const c of l.conditions) {
        if ((c.type === 'Programmed' || c.type === 'Accepted' || c.type === 'ResolvedRefs') && c.status === 'False' && c.reason !== 'Invalid') out.push(warn('Gateway', g.view.object, ['spec', 'listeners', l.view.index], 'gateway-listener', `listener ${l.view.name}: ${c.type} False (${c.reason}): ${c.message}`))
        if (c.type === 'Conflicted' && c.status === 'True') out.push(warn('Gateway', g.view.object, ['spec', 'listeners', l.view.index], 'gateway-listener', `listener ${l.view.name}: Conflicted (${c.reason}): ${c.message}`))
      }
    }
  }
  for (const r of m.routes) {
    regexWarnings(r.view, out)
    for (const p of r.parents) {
      for (const c of p.conditions) {
        if (c.status !== 'False') continue
        const path = c.type === 'Accepted' ? ['spec', 'parentRefs', p.ref.index] : ['spec']
        out.push(warn(r.view.kind, r.view.object, path, 'gateway-route-status', `parent Gateway ${p.gateway.view.key}: ${c.type} False (${c.reason}): ${c.message}`))
      }
    }
    for (const [k, prob] of r.backendProblems) {
      const [ri, bi] = k.split('/').map(Number)
      out.push(warn(r.view.kind, r.view.object, ['spec', 'rules', ri, 'backendRefs', bi], 'gateway-backend', `${prob.reason}: ${prob.message}`, 'requests this backendRef would get are answered 500'))
    }
  }
  return out
}
