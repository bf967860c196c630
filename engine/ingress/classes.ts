/**
 * Which IngressClass each Ingress belongs to, and which controller serves a
 * class.
 *
 * An Ingress's class, in the order the API server and controllers read it:
 *  1. spec.ingressClassName;
 *  2. the deprecated kubernetes.io/ingress.class annotation (controllers
 *     compare it with their own --ingress-class value; ingress-nginx's chart
 *     sets that to its IngressClass name, so the annotation names a class);
 *  3. the default class: the DefaultIngressClass admission plugin
 *     (plugin/pkg/admission/network/defaultingressclass) writes the default
 *     IngressClass's name into spec.ingressClassName of a new Ingress that has
 *     neither 1 nor 2. The default is the IngressClass annotated
 *     ingressclass.kubernetes.io/is-default-class: "true"; with several, the
 *     newest (ties: the lowest name). Simplification: every IngressClass of
 *     the scenario exists before its Ingresses are created.
 */
import type { Cluster, GenericObject, Service } from '../model/types.ts'
import { read } from '../cluster/context.ts'
import { ANNOTATION_DEFAULT_CLASS, ingressView } from './model.ts'
import type { IngressView } from './model.ts'
import { apiValidation } from './api-validation.ts'

export const INGRESS_NGINX_CONTROLLER = 'k8s.io/ingress-nginx'

export interface EffectiveClass {
  /** undefined: the Ingress has no class at all */
  name?: string
  via: 'ingressClassName' | 'annotation' | 'default-class' | 'none'
}

interface ClassIndex {
  live: GenericObject[]
  byName: Map<string, GenericObject>
  defaultClass?: GenericObject
}

const CLASS_INDEX = new WeakMap<Cluster, ClassIndex>()

function classIndex(cluster: Cluster): ClassIndex {
  const hit = CLASS_INDEX.get(cluster)
  if (hit) return hit
  const refused = apiValidation(cluster).refused
  const live = cluster.ingressClasses.filter((c) => !refused.has(c.meta.name))
  const defaults = live.filter(isDefaultClass)
  defaults.sort((a, b) =>
    a.meta.creationTimestamp === b.meta.creationTimestamp
      ? a.meta.name < b.meta.name ? -1 : a.meta.name > b.meta.name ? 1 : 0
      : a.meta.creationTimestamp > b.meta.creationTimestamp ? -1 : 1,
  )
  const index = { live, byName: new Map(live.map((c) => [c.meta.name, c])), defaultClass: defaults[0] }
  CLASS_INDEX.set(cluster, index)
  return index
}

/** IngressClasses the API server accepted (a refused one does not exist). */
export function liveClasses(cluster: Cluster): GenericObject[] {
  return classIndex(cluster).live
}

export function isDefaultClass(c: GenericObject): boolean {
  return c.meta.annotations[ANNOTATION_DEFAULT_CLASS] === 'true'
}

/**
 * The IngressClass the admission plugin assigns: newest default, ties by lowest name.
 *
 * @example
 * defaultIngressClass(cluster)?.meta.name // 'nginx'
 */
export function defaultIngressClass(cluster: Cluster): GenericObject | undefined {
  return classIndex(cluster).defaultClass
}

export function ingressClassByName(cluster: Cluster, name: string): GenericObject | undefined {
  return classIndex(cluster).byName.get(name)
}

/**
 * The class an Ingress has once created: its own, the annotation's, or the default.
 *
 * @example
 * effectiveClass(cluster, ingressView(cluster.ingresses[0])) // { name: 'nginx', via: 'default-class' }
 */
export function effectiveClass(cluster: Cluster, v: IngressView): EffectiveClass {
  if (v.ingressClassName !== undefined) return { name: v.ingressClassName, via: 'ingressClassName' }
  if (v.annotationClass !== undefined) return { name: v.annotationClass, via: 'annotation' }
  const def = defaultIngressClass(cluster)
  if (def) return { name: def.meta.name, via: 'default-class' }
  return { via: 'none' }
}

/**
 * Does the controller of class `className` ('' = a controller started with
 * --watch-ingress-without-class) take this Ingress? A controller watches the
 * IngressClasses whose spec.controller is its own (ingress-nginx store.go: the
 * IngressClass lister keeps only those), so it takes every Ingress whose class
 * names such an IngressClass, and (GetIngressClass) the annotation by value.
 * Every class is routed with ingress-nginx's rules.
 */
export function servedBy(cluster: Cluster, v: IngressView, className: string): { served: boolean; reason: string } {
  const eff = effectiveClass(cluster, v)
  if (eff.via === 'none') {
    return className === ''
      ? { served: true, reason: 'no class; served as by a controller started with --watch-ingress-without-class' }
      : { served: false, reason: 'it has no class (no spec.ingressClassName, no kubernetes.io/ingress.class annotation, no default IngressClass)' }
  }
  const name = eff.name!
  if (eff.via === 'annotation') {
    return name === className ? { served: true, reason: `class "${name}" from the kubernetes.io/ingress.class annotation` } : { served: false, reason: `its kubernetes.io/ingress.class annotation is "${name}"` }
  }
  const own = ingressClassByName(cluster, name)
  if (!own) return { served: false, reason: `IngressClass "${name}" does not exist, so no controller takes it` }
  const how = eff.via === 'default-class' ? ' (assigned by the DefaultIngressClass admission plugin)' : ''
  if (name === className) return { served: true, reason: `class "${name}"${how}` }
  const target = ingressClassByName(cluster, className)
  const controller = read.str(own.spec.controller)
  if (target && controller && read.str(target.spec.controller) === controller) {
    return { served: true, reason: `class "${name}"${how} has the same controller (${controller}) as "${className}", so the same controller takes it` }
  }
  return { served: false, reason: `its class is "${name}"${how}` }
}

/**
 * The class `ingress route` asks about when none is given: the default
 * IngressClass, else the only IngressClass, else the one class all Ingresses
 * share ('' when none of them has a class).
 */
export function pickClass(cluster: Cluster): { name: string; source: string } | { error: string } {
  const def = defaultIngressClass(cluster)
  if (def) return { name: def.meta.name, source: 'the default IngressClass' }
  const classes = liveClasses(cluster)
  if (classes.length === 1) return { name: classes[0].meta.name, source: 'the only IngressClass' }
  const names = new Set(cluster.ingresses.map((g) => effectiveClass(cluster, ingressView(g)).name ?? ''))
  if (classes.length === 0 && names.size <= 1) {
    const only = [...names][0] ?? ''
    return { name: only, source: only ? 'the class every Ingress names' : 'no IngressClass in the scenario' }
  }
  const known = [...new Set([...classes.map((c) => c.meta.name), ...[...names].filter(Boolean)])].sort()
  return { error: `several Ingress classes (${known.join(', ')}) and no default IngressClass: choose one with --class` }
}

/** Where the class's controller runs, when the scenario has it. */
export type ControllerInfo =
  | { modelled: true; controller: string; namespace: string; service: Service; name: string }
  | { modelled: false; controller?: string; reason: string }

const SERVICE_TYPE_RANK: Record<string, number> = { LoadBalancer: 0, NodePort: 1, ClusterIP: 2, ExternalName: 3 }

/**
 * The Service in front of the class's controller: one labelled like the
 * IngressClass (the ingress-nginx chart puts app.kubernetes.io/name and
 * /instance on both), or named ingress-nginx-controller for the
 * k8s.io/ingress-nginx controller. The webhook's `-admission` Service is not it.
 *
 * @example
 * const ctl = controllerFor(cluster, 'nginx')
 * if (ctl.modelled) ctl.service // ingress-nginx/ingress-nginx-controller
 */
export function controllerFor(cluster: Cluster, className: string): ControllerInfo {
  const ic = className ? ingressClassByName(cluster, className) : undefined
  const controller = ic ? read.str(ic.spec.controller) : undefined
  const name = ic?.meta.labels['app.kubernetes.io/name']
  const instance = ic?.meta.labels['app.kubernetes.io/instance']
  const candidates = cluster.services.filter((s) => {
    if (s.system || s.meta.name.endsWith('-admission')) return false
    const l = s.meta.labels
    if (name && l['app.kubernetes.io/name'] === name && (!instance || l['app.kubernetes.io/instance'] === instance)) {
      return !l['app.kubernetes.io/component'] || l['app.kubernetes.io/component'] === 'controller'
    }
    return (controller === INGRESS_NGINX_CONTROLLER || !ic) && s.meta.name === 'ingress-nginx-controller'
  })
  candidates.sort(
    (a, b) =>
      (SERVICE_TYPE_RANK[a.type] ?? 9) - (SERVICE_TYPE_RANK[b.type] ?? 9) ||
      (a.meta.namespace < b.meta.namespace ? -1 : a.meta.namespace > b.meta.namespace ? 1 : a.meta.name < b.meta.name ? -1 : 1),
  )
  const svc = candidates[0]
  if (svc) return { modelled: true, controller: controller ?? INGRESS_NGINX_CONTROLLER, namespace: svc.meta.namespace, service: svc, name: svc.meta.name }
  return {
    modelled: false,
    controller,
    reason: `no controller Service for ${className ? `class "${className}"` : 'class-less Ingresses'} in the scenario, so the controller itself is not modelled (routing follows ingress-nginx's rules)`,
  }
}
