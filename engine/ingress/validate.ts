/**
 * Every problem of the scenario's Ingresses and IngressClasses, as problems on
 * objects with a field path (the build places them in the reader's text):
 * errors are what the API server refuses (api-validation.ts; such an Ingress
 * does not exist for routing), warnings are what works differently than the
 * reader probably meant.
 */
import type { Cluster, Service } from '../model/types.ts'
import type { ObjectProblem } from '../cluster/checks.ts'
import { ingressView, ANNOTATION_INGRESS_CLASS, ANNOTATION_DEFAULT_CLASS } from './model.ts'
import type { BackendRef, IngressView } from './model.ts'
import { apiValidation } from './api-validation.ts'
import type { Path } from './api-validation.ts'
import { defaultIngressClass, effectiveClass, ingressClassByName, isDefaultClass, liveClasses, INGRESS_NGINX_CONTROLLER } from './classes.ts'
import { read } from '../cluster/context.ts'
import { buildServers } from './servers.ts'
import { findServicePort } from './backend.ts'

/** ingress-nginx inspector/rules.go validPathType (strict-validate-path-type, on by default) */
const NGINX_STRICT_PATH = /^\/[A-Za-z0-9._\-/]*$/

function warn(v: IngressView, path: Path, code: string, message: string, hint?: string): ObjectProblem {
  const o = v.object
  return { severity: 'warning', code, kind: 'Ingress', namespace: o.meta.namespace, name: o.meta.name, source: o.source, path, message, hint }
}

function backendWarnings(cluster: Cluster, v: IngressView, b: BackendRef | undefined, at: Path, nginx: boolean, out: ObjectProblem[]): void {
  if (!b) return
  if (!b.service) {
    if (b.resource && nginx) {
      out.push(warn(v, [...at, 'resource'], 'ingress-resource-backend', 'ingress-nginx routes only Service backends: requests for this backend get its default backend (404)'))
    }
    return
  }
  const s = b.service
  const svc: Service | undefined = cluster.index.service.get(`${v.namespace}/${s.name}`)
  if (!svc) {
    out.push(warn(v, [...at, 'service', 'name'], 'ingress-backend-not-found', `Service "${s.name}" not found in namespace "${v.namespace}"`, 'requests routed here get 503 Service Temporarily Unavailable from the controller'))
    return
  }
  if (svc.type === 'ExternalName') return
  if (findServicePort(svc, s)) return
  const have = svc.ports.map((p) => (p.name ? `${p.name} ${p.port}/${p.protocol}` : `${p.port}/${p.protocol}`)).join(', ') || 'none'
  if (s.port.number) {
    out.push(warn(v, [...at, 'service', 'port', 'number'], 'ingress-backend-port', `Service "${s.name}" has no port ${s.port.number} (its ports: ${have})`, 'the number is the Service port (spec.ports[].port), not the targetPort; requests routed here get 503'))
  } else if (s.port.name) {
    out.push(warn(v, [...at, 'service', 'port', 'name'], 'ingress-backend-port', `Service "${s.name}" has no port named "${s.port.name}" (its ports: ${have})`, 'the name is a Service port name (spec.ports[].name); requests routed here get 503'))
  }
}

function ingressWarnings(cluster: Cluster, v: IngressView): ObjectProblem[] {
  const out: ObjectProblem[] = []
  const eff = effectiveClass(cluster, v)
  const ic = eff.name ? ingressClassByName(cluster, eff.name) : undefined
  const nginx = read.str(ic?.spec.controller) === INGRESS_NGINX_CONTROLLER
  if (eff.via === 'ingressClassName' && !ic) {
    out.push(warn(v, ['spec', 'ingressClassName'], 'ingress-class-not-found', `IngressClass "${eff.name}" not found: no controller serves this Ingress`, 'create the IngressClass or name one that exists (kubectl get ingressclass)'))
  }
  if (eff.via === 'annotation') {
    out.push(warn(v, ['metadata', 'annotations', ANNOTATION_INGRESS_CLASS], 'ingress-class-annotation', `the ${ANNOTATION_INGRESS_CLASS} annotation is deprecated: spec.ingressClassName replaces it`))
  }
  if (eff.via === 'none') {
    out.push(warn(v, ['spec'], 'ingress-no-class', 'this Ingress has no class and there is no default IngressClass: controllers such as ingress-nginx ignore it unless started with --watch-ingress-without-class', `set spec.ingressClassName, or annotate an IngressClass with ${ANNOTATION_DEFAULT_CLASS}: "true"`))
  }
  backendWarnings(cluster, v, v.defaultBackend, ['spec', 'defaultBackend'], nginx, out)
  const tlsHosts = v.tls.flatMap((t) => t.hosts)
  for (const r of v.rules) {
    for (const p of r.paths ?? []) {
      const at: Path = ['spec', 'rules', r.index, 'http', 'paths', p.index]
      backendWarnings(cluster, v, p.backend, [...at, 'backend'], nginx, out)
      if (nginx && p.path !== '' && p.pathType !== 'ImplementationSpecific' && !NGINX_STRICT_PATH.test(p.path)) {
        out.push(warn(v, [...at, 'path'], 'ingress-nginx-path', `ingress-nginx's admission webhook refuses this path: path ${p.path} cannot be used with pathType ${p.pathType}`, 'strict-validate-path-type (on by default) allows only letters, digits, "/", "_", "-" and "." in Exact and Prefix paths; use ImplementationSpecific for regular expressions'))
      }
    }
    if (v.tls.length && r.host && !tlsHosts.some((h) => h.toLowerCase() === r.host.toLowerCase())) {
      out.push(warn(v, ['spec', 'rules', r.index, 'host'], 'ingress-tls-host', `host ${r.host} is not in spec.tls[].hosts: HTTPS for it gets the controller's default (self-signed) certificate`))
    }
  }
  v.tls.forEach((t) => {
    t.hosts.forEach((h, hi) => {
      if (!v.rules.some((r) => r.host !== '' && r.host.toLowerCase() === h.toLowerCase())) {
        out.push(warn(v, ['spec', 'tls', t.index, 'hosts', hi], 'ingress-tls-host', `TLS host ${h} has no rule with that host: TLS needs the rule's host to match explicitly`))
      }
    })
  })
  return out
}

/**
 * All Ingress and IngressClass problems of the cluster, each with its object
 * and field path. Errors are the API server's field errors (the simulator
 * ignores those objects, as they would not exist); warnings flag backends
 * that do not resolve, classes no controller takes, TLS hosts without rules,
 * and paths that ingress-nginx merges away.
 *
 * @example
 * for (const p of validateIngresses(cluster)) console.log(p.severity, `${p.kind}/${p.name}`, p.path.join('.'), p.message)
 */
export function validateIngresses(cluster: Cluster): ObjectProblem[] {
  const api = apiValidation(cluster)
  const out: ObjectProblem[] = [...api.problems]
  const views = cluster.ingresses.map(ingressView).filter((v) => !api.refused.has(v.key))
  for (const v of views) out.push(...ingressWarnings(cluster, v))

  const defaults = liveClasses(cluster).filter(isDefaultClass)
  if (defaults.length > 1) {
    const chosen = defaultIngressClass(cluster)!
    for (const d of defaults) {
      out.push({
        severity: 'warning',
        code: 'ingress-class-several-defaults',
        kind: 'IngressClass',
        namespace: '',
        name: d.meta.name,
        source: d.source,
        path: ['metadata', 'annotations', ANNOTATION_DEFAULT_CLASS],
        message: `${defaults.length} IngressClasses are marked as default; new Ingresses without a class get the newest, "${chosen.meta.name}"`,
        hint: 'mark only one IngressClass as default',
      })
    }
  }

  // classes with one controller merge into the same server blocks: report each problem once
  const reported = new Set<string>()
  const once = (p: ObjectProblem) => {
    const key = `${p.code} ${p.namespace}/${p.name} ${p.path.join('.')}`
    if (!reported.has(key)) {
      reported.add(key)
      out.push(p)
    }
  }
  const classNames = new Set(views.map((v) => effectiveClass(cluster, v).name ?? ''))
  for (const name of [...classNames].sort()) {
    const set = buildServers(cluster, name)
    for (const d of set.duplicates) {
      const l = d.second
      if (!l.ingress || !l.rule) continue
      const other = d.first.ingress && d.first.ingress !== l.ingress ? ` (Ingress ${d.first.ingress.key})` : ''
      once(
        warn(
          l.ingress,
          ['spec', 'rules', l.rule.index, 'http', 'paths', l.rule.pathIndex, 'path'],
          'ingress-nginx-duplicate-location',
          `ingress-nginx writes this Prefix path and ${d.first.path}${other} as the same location ${d.location} for host ${d.host}, and nginx refuses duplicate locations`,
          'keep one of the two paths: for Prefix, /foo and /foo/ mean the same thing',
        ),
      )
    }
    for (const c of set.conflicts) {
      once(
        warn(
          c.dropped,
          ['spec', 'rules', c.ruleIndex, 'http', 'paths', c.pathIndex, 'path'],
          'ingress-path-conflict',
          `host "${c.host}" and path "${c.path}" is already defined in ingress ${c.kept.key}`,
          `ingress-nginx's admission webhook refuses this Ingress; without the webhook the controller keeps the location of ${c.kept.key} (older, or equal timestamps in descending name order)`,
        ),
      )
    }
  }
  return out
}
