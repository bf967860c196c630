/**
 * The data plane Envoy Gateway creates for each Gateway of its class
 * (internal/infrastructure/kubernetes/proxy): in envoy-gateway-system, a
 * Deployment of Envoy (one replica by default) and a LoadBalancer Service
 * with externalTrafficPolicy Local (the EnvoyProxy defaults), both named
 * `envoy-<namespace>-<name>-<first 8 hex of sha256("<namespace>/<name>")>`
 * (utils.GetHashedName, 48 characters before the hash), labelled with the
 * Gateway that owns them. A listener port below 1024 is served by Envoy on
 * port + 10000, since the proxy runs unprivileged. The Gateway's address is
 * the address the cloud load balancer gives that Service. They are added
 * before the build, so they get addresses, endpoints and kube-proxy rules
 * like any other object.
 */
import type { BuildContext, Loaded } from '../cluster/context.ts'
import { read } from '../cluster/context.ts'
import type { JsonObject } from '../model/types.ts'
import { ENVOY_GATEWAY_CONTROLLER, ENVOY_GATEWAY_NAMESPACE } from './attach.ts'
import { sha256Hex } from './sha256.ts'
import { gatewayRefused } from './api-validation.ts'
import { toGeneric } from '../cluster/generic.ts'

/** Envoy Gateway v1.9's default proxy image (api/v1alpha1 shared_types.go DefaultEnvoyProxyImage). */
const ENVOY_IMAGE = 'docker.io/envoyproxy/envoy:distroless-v1.39.1'

/** `envoy-ns-name-hash`, as Envoy Gateway names a Gateway's proxy objects. */
export function proxyName(namespace: string, name: string): string {
  const nsName = `${namespace}/${name}`
  let base = nsName.replace(/\//g, '-')
  if (base.length > 48) base = base.slice(0, 48).replace(/-+$/, '')
  return `envoy-${base}-${sha256Hex(nsName).slice(0, 8)}`
}

/** Envoy's container port for a listener port (privileged ports move up by 10000). */
export function containerPort(port: number): number {
  return port < 1024 ? port + 10000 : port
}

/** The proxy objects take the Gateway's place in creation order (the controller makes them when the Gateway appears). */
const loaded = (kind: string, apiVersion: string, name: string, namespace: string, value: JsonObject, after?: Loaded): Loaded => ({ kind, apiVersion, name, namespace, value, ref: after ? { ...after.ref, path: [] } : { source: -1, doc: -1, path: [] } })

/** Adds the proxies of the scenario's Envoy Gateway Gateways to the objects the build reads. */
export function addGatewayDataPlane(ctx: BuildContext): void {
  // most scenarios have no Gateway: the rest is compiled only for those that do (issue 20)
  if (ctx.objects('Gateway').length > 0) addProxies(ctx)
}

function addProxies(ctx: BuildContext): void {
  const classes = new Set(ctx.objects('GatewayClass').filter((c) => read.str(read.path(c.value, 'spec', 'controllerName')) === ENVOY_GATEWAY_CONTROLLER).map((c) => c.name))
  // a Gateway the API server refuses never reaches the controller
  const gateways = ctx.objects('Gateway').filter((g) => classes.has(read.str(read.path(g.value, 'spec', 'gatewayClassName')) ?? '') && !gatewayRefused(toGeneric(g)))
  const out: Loaded[] = []
  for (const g of gateways) {
    const listeners = read.arr(read.path(g.value, 'spec', 'listeners'))
    const ports = new Map<number, string>()
    for (const l of listeners) {
      const port = read.num(read.path(l, 'port'))
      const proto = read.str(read.path(l, 'protocol')) ?? ''
      if (port === undefined || !Number.isInteger(port) || port < 1 || port > 65535 || ports.has(port)) continue
      ports.set(port, proto === 'UDP' ? 'UDP' : 'TCP')
    }
    if (ports.size === 0) continue
    const name = proxyName(g.namespace, g.name)
    const labels = {
      'app.kubernetes.io/component': 'proxy',
      'app.kubernetes.io/managed-by': 'envoy-gateway',
      'app.kubernetes.io/name': 'envoy',
      'gateway.envoyproxy.io/owning-gateway-name': g.name,
      'gateway.envoyproxy.io/owning-gateway-namespace': g.namespace,
    }
    const sorted = [...ports].sort((a, b) => a[0] - b[0])
    out.push(
      loaded('Deployment', 'apps/v1', name, ENVOY_GATEWAY_NAMESPACE, {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name, namespace: ENVOY_GATEWAY_NAMESPACE, labels },
        spec: {
          replicas: 1,
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: {
              containers: [{ name: 'envoy', image: ENVOY_IMAGE, ports: sorted.map(([p, proto]) => ({ containerPort: containerPort(p), protocol: proto })) }],
            },
          },
        },
      }, g),
      loaded('Service', 'v1', name, ENVOY_GATEWAY_NAMESPACE, {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name, namespace: ENVOY_GATEWAY_NAMESPACE, labels },
        spec: {
          type: 'LoadBalancer',
          externalTrafficPolicy: 'Local',
          selector: labels,
          ports: sorted.map(([p, proto]) => ({ name: `${proto.toLowerCase()}-${p}`, protocol: proto, port: p, targetPort: containerPort(p) })),
        },
      }, g),
    )
  }
  if (out.length === 0) return
  if (!ctx.objects('Namespace').some((n) => n.name === ENVOY_GATEWAY_NAMESPACE)) {
    ctx.byKind.set('Namespace', [...ctx.objects('Namespace'), loaded('Namespace', 'v1', ENVOY_GATEWAY_NAMESPACE, '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ENVOY_GATEWAY_NAMESPACE } })])
  }
  for (const l of out) ctx.byKind.set(l.kind, [...ctx.objects(l.kind), l])
}
