/**
 * Services as the API server stores them after validation, defaulting and
 * allocation (pkg/apis/core/validation ValidateService, pkg/registry/core/
 * service/storage): ClusterIPs per IP family policy, NodePorts for NodePort
 * and LoadBalancer Services, LoadBalancer addresses from the cloud (here:
 * 198.51.100.0/24, a documentation range, unless status pins them).
 */
import { canonicalIP, ipFamilyOf, parsePrefix } from '../net/ip.ts'
import type { IPFamily } from '../net/ip.ts'
import type { ClusterConfig, Json, JsonObject, Protocol, Service, ServicePort, ServiceType } from '../model/types.ts'
import { nameProblems } from '../load/names.ts'
import { BuildContext, read } from './context.ts'
import type { Loaded } from './context.ts'
import { IPRangeAllocator, PortRangeAllocator } from './allocator.ts'
import { makeMeta } from './meta.ts'
import { portNameProblems } from './pod-spec.ts'

const TYPES: ServiceType[] = ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName']
const PROTOCOLS: Protocol[] = ['TCP', 'UDP', 'SCTP']
/** where simulated cloud load balancers get their addresses (RFC 5737 TEST-NET-2) */
export const LOAD_BALANCER_RANGE = '198.51.100.0/24'

export interface ServiceAllocators {
  ip: Map<IPFamily, IPRangeAllocator>
  nodePort: PortRangeAllocator
  lb: IPRangeAllocator
}

export function newAllocators(config: ClusterConfig): ServiceAllocators {
  return {
    ip: new Map(config.serviceCIDRs.map((c) => [parsePrefix(c)!.family, new IPRangeAllocator(c)])),
    nodePort: new PortRangeAllocator(config.nodePortRange.min, config.nodePortRange.max),
    lb: new IPRangeAllocator(LOAD_BALANCER_RANGE),
  }
}

interface Draft {
  loaded?: Loaded
  service: Service
  wantedIPs: string[]
  wantedNodePorts: (number | undefined)[]
  wantedHealthCheck?: number
}

/**
 * Builds Services in two passes so that every address a manifest pins is
 * taken before any is allocated (as on an API server that already holds them).
 */
export function buildServices(ctx: BuildContext, config: ClusterConfig, alloc: ServiceAllocators, system: Loaded[]): Service[] {
  const drafts: Draft[] = []
  // a Service the reader wrote replaces the cluster's own of that name (a pasted dump holds them)
  const user = new Set(ctx.objects('Service').map((s) => `${s.namespace}/${s.name}`))
  for (const s of [...system.filter((x) => !user.has(`${x.namespace}/${x.name}`)), ...ctx.objects('Service')]) {
    const d = readService(ctx, config, s, system.includes(s))
    if (d) drafts.push(d)
  }
  // Pass 1: pinned ClusterIPs and NodePorts (issue 20: compiled only when a manifest pins one)
  for (const d of drafts) {
    if (d.wantedIPs.length || d.wantedHealthCheck !== undefined || d.service.loadBalancerIngress.length || d.wantedNodePorts.some((np) => np !== undefined)) {
      takePinned(ctx, config, alloc, d)
    }
  }
  // Pass 2: allocate the rest
  for (const d of drafts) {
    const svc = d.service
    const key = `${svc.meta.namespace}/${svc.meta.name}`
    if (!svc.headless && svc.type !== 'ExternalName') {
      for (const fam of svc.ipFamilies) {
        if (svc.clusterIPs.some((ip) => ipFamilyOf(ip) === fam)) continue
        const ip = alloc.ip.get(fam)?.allocate(key)
        if (!ip) ctx.error(d.loaded, ['spec', 'clusterIP'], `spec.clusterIPs: Internal error: failed to allocate a serviceIP: range is full`, 'exhausted')
        else svc.clusterIPs.push(ip)
      }
      // primary family first
      if (svc.clusterIPs.length > 1) svc.clusterIPs.sort((a, b) => svc.ipFamilies.indexOf(ipFamilyOf(a)!) - svc.ipFamilies.indexOf(ipFamilyOf(b)!))
    }
    if (svc.type === 'NodePort' || svc.type === 'LoadBalancer') allocateExternal(ctx, alloc, d, key)
  }
  return drafts.map((d) => d.service)
}

function readService(ctx: BuildContext, config: ClusterConfig, s: Loaded, system: boolean): Draft | undefined {
  const spec = read.obj(s.value.spec) ?? {}
  let ok = true
  const err = (path: (string | number)[], msg: string, code = 'invalid-value') => {
    ok = false
    ctx.error(s, path, msg, code)
  }
  const typeText = read.str(spec.type) ?? 'ClusterIP'
  if (!(TYPES as string[]).includes(typeText)) err(['spec', 'type'], `spec.type: Unsupported value: "${typeText}": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"`, 'unsupported-value')
  const type = ((TYPES as string[]).includes(typeText) ? typeText : 'ClusterIP') as ServiceType

  const clusterIPText = read.str(spec.clusterIP)
  const clusterIPsText = read.arr(spec.clusterIPs).filter((x): x is string => typeof x === 'string')
  if (clusterIPText && clusterIPsText.length && clusterIPsText[0] !== clusterIPText) {
    err(['spec', 'clusterIPs'], `spec.clusterIPs[0]: Invalid value: "${clusterIPsText[0]}": must match \`clusterIP\` when both are specified`)
  }
  const ipsWanted = clusterIPsText.length ? clusterIPsText : clusterIPText ? [clusterIPText] : []
  const headless = ipsWanted[0] === 'None'
  if (headless && (type === 'NodePort' || type === 'LoadBalancer')) {
    err(['spec', 'clusterIP'], `spec.clusterIPs[0]: Invalid value: "None": may not be set to 'None' for ${type} services`)
  }
  const wantedIPs = !headless && type !== 'ExternalName' && ipsWanted.length ? pinnedClusterIPs(ipsWanted, clusterIPsText.length > 0, err) : []

  // IP families (pkg/registry/core/service/storage tryDefaultValidateServiceClusterIPFields)
  const policyText = read.str(spec.ipFamilyPolicy)
  const famsWanted = read.arr(spec.ipFamilies).filter((x): x is IPFamily => x === 'IPv4' || x === 'IPv6')
  if (policyText !== undefined || spec.ipFamilies !== undefined) checkFamilies(config, spec, policyText, err)
  let ipFamilies: IPFamily[] = []
  const pinnedFams = wantedIPs.map((ip) => ipFamilyOf(ip)!)
  if (type !== 'ExternalName') {
    const primary = famsWanted[0] ?? pinnedFams[0] ?? config.serviceIPFamilies[0]
    ipFamilies = [primary]
    const dual = policyText === 'RequireDualStack' || policyText === 'PreferDualStack' || wantedIPs.length > 1 || famsWanted.length > 1
    if (dual && config.serviceIPFamilies.length > 1) {
      const second = famsWanted[1] ?? pinnedFams[1] ?? config.serviceIPFamilies.find((f) => f !== primary)
      if (second && second !== primary) ipFamilies.push(second)
    }
  }
  const ipFamilyPolicy = type === 'ExternalName' ? undefined : ((policyText as Service['ipFamilyPolicy']) ?? 'SingleStack')

  // Ports
  const rawPorts = read.arr(spec.ports)
  if (rawPorts.length === 0 && type !== 'ExternalName' && !headless) err(['spec', 'ports'], 'spec.ports: Required value')
  const names = new Set<string>()
  const portProto = new Set<string>()
  const wantedNodePorts: (number | undefined)[] = []
  const ports: ServicePort[] = rawPorts.map((p, i) => {
    const at = ['spec', 'ports', i]
    const name = read.str(read.path(p, 'name'))
    if (rawPorts.length > 1 && !name) err([...at, 'name'], `spec.ports[${i}].name: Required value`, 'required')
    if (name) {
      for (const prob of nameProblems(name, 'dns1123-label')) err([...at, 'name'], `spec.ports[${i}].name: Invalid value: "${name}": ${prob}`)
      if (names.has(name)) err([...at, 'name'], `spec.ports[${i}].name: Duplicate value: "${name}"`, 'duplicate')
      names.add(name)
    }
    const port = read.num(read.path(p, 'port'))
    if (port === undefined) err([...at, 'port'], `spec.ports[${i}].port: Required value`, 'required')
    else if (port < 1 || port > 65535) err([...at, 'port'], `spec.ports[${i}].port: Invalid value: ${port}: must be between 1 and 65535, inclusive`)
    const protoText = read.str(read.path(p, 'protocol')) ?? 'TCP'
    if (!(PROTOCOLS as string[]).includes(protoText)) err([...at, 'protocol'], `spec.ports[${i}].protocol: Unsupported value: "${protoText}": supported values: "SCTP", "TCP", "UDP"`, 'unsupported-value')
    const protocol = ((PROTOCOLS as string[]).includes(protoText) ? protoText : 'TCP') as Protocol
    const pp = `${port}/${protocol}`
    if (portProto.has(pp)) err(at, `spec.ports[${i}]: Duplicate value: "${pp}"`, 'duplicate')
    portProto.add(pp)
    const tpRaw = read.path(p, 'targetPort')
    let targetPort: number | string = port ?? 0
    if (typeof tpRaw === 'number') {
      if (tpRaw < 1 || tpRaw > 65535) err([...at, 'targetPort'], `spec.ports[${i}].targetPort: Invalid value: ${tpRaw}: must be between 1 and 65535, inclusive`)
      targetPort = tpRaw
    } else if (typeof tpRaw === 'string') {
      // a string that is a number is still a name to the API (intstr), which then fails IANA_SVC_NAME
      for (const prob of portNameProblems(tpRaw)) err([...at, 'targetPort'], `spec.ports[${i}].targetPort: Invalid value: "${tpRaw}": ${prob}`)
      targetPort = tpRaw
    }
    const np = read.num(read.path(p, 'nodePort'))
    if (np !== undefined && np !== 0) {
      if (type === 'ClusterIP' || type === 'ExternalName') {
        err([...at, 'nodePort'], `spec.ports[${i}].nodePort: Forbidden: may not be used when \`type\` is '${type}'`, 'forbidden')
        wantedNodePorts.push(undefined)
      } else wantedNodePorts.push(np)
    } else wantedNodePorts.push(undefined)
    return { name: name || undefined, protocol, port: port ?? 0, targetPort, appProtocol: read.str(read.path(p, 'appProtocol')) }
  })

  // ExternalName
  const externalName = read.str(spec.externalName)
  if (type === 'ExternalName') checkExternalName(externalName, err)

  const etpText = read.str(spec.externalTrafficPolicy)
  const itpText = read.str(spec.internalTrafficPolicy)
  const saText = read.str(spec.sessionAffinity) ?? 'None'
  const timeout = read.num(read.path(spec, 'sessionAffinityConfig', 'clientIP', 'timeoutSeconds'))
  const tdText = read.str(spec.trafficDistribution)
  // the optional policy fields, checked when one is set (issue 20: most Services set none)
  if (etpText !== undefined || itpText !== undefined || saText !== 'None' || timeout !== undefined) {
    checkPolicyFields(spec, type, { etpText, itpText, saText, timeout, tdText }, err)
  }

  const externalIPs: string[] = []
  read.arr(spec.externalIPs).forEach((ip, i) => {
    const c = typeof ip === 'string' ? canonicalIP(ip) : undefined
    if (!c) err(['spec', 'externalIPs', i], `spec.externalIPs[${i}]: Invalid value: "${String(ip)}": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)`)
    else externalIPs.push(c)
  })
  // ipMode (GA in 1.32, KEP-1860): Proxy means the load balancer delivers to the nodes with its
  // own address as the source, so kube-proxy must not capture the VIP locally
  const rawIngress = read.arr(read.path(s.value, 'status', 'loadBalancer', 'ingress'))
  const lbIngress = rawIngress.length ? statusIngress(rawIngress, err) : []
  if (spec.loadBalancerClass !== undefined || tdText !== undefined) checkClassAndDistribution(spec, type, tdText, err)
  const selectorObj = read.obj(spec.selector)
  const selector = selectorObj && Object.keys(selectorObj).length > 0 ? read.labels(selectorObj) : undefined
  if (!ok) return undefined

  // The API server's warnings for a Service, which kubectl apply prints (pkg/api/service/warnings.go)
  const annotations = read.obj(read.path(s.value, 'metadata', 'annotations'))
  if ((annotations && 'service.kubernetes.io/topology-aware-hints' in annotations) || externalIPs.length > 0 || tdText === 'PreferClose') {
    serviceWarnings(ctx, s, annotations ?? {}, externalIPs.length > 0 && !headless && type !== 'ExternalName', tdText)
  }

  const externallyReachable = type === 'NodePort' || type === 'LoadBalancer'
  const hc = read.num(spec.healthCheckNodePort)
  const service: Service = {
    meta: makeMeta({ kind: 'Service', name: s.name, namespace: s.namespace, raw: s.value, system }),
    type,
    clusterIPs: headless ? ['None'] : [],
    headless,
    ipFamilies,
    ipFamilyPolicy,
    selector,
    ports,
    externalName: type === 'ExternalName' ? externalName : undefined,
    externalIPs,
    loadBalancerIngress: type === 'LoadBalancer' ? lbIngress : [],
    loadBalancerSourceRanges: read.arr(spec.loadBalancerSourceRanges).filter((x): x is string => typeof x === 'string'),
    // defaulted by the API server for externally reachable Services only
    externalTrafficPolicy: externallyReachable || externalIPs.length ? ((etpText as 'Cluster' | 'Local') ?? 'Cluster') : undefined,
    internalTrafficPolicy: type === 'ExternalName' ? undefined : ((itpText as 'Cluster' | 'Local') ?? 'Cluster'),
    sessionAffinity: saText as 'None' | 'ClientIP',
    sessionAffinityTimeoutSeconds: saText === 'ClientIP' ? (timeout ?? 10800) : undefined,
    trafficDistribution: tdText as Service['trafficDistribution'],
    publishNotReadyAddresses: read.bool(spec.publishNotReadyAddresses) ?? false,
    system,
    raw: s.value,
    source: system ? undefined : s.ref,
  }
  return { loaded: system ? undefined : s, service, wantedIPs, wantedNodePorts, wantedHealthCheck: hc && hc > 0 ? hc : undefined }
}

/** What a manifest pins (ClusterIPs, NodePorts, the health-check port, load-balancer addresses), taken before anything is allocated. */
function takePinned(ctx: BuildContext, config: ClusterConfig, alloc: ServiceAllocators, d: Draft): void {
  const svc = d.service
  d.wantedIPs.forEach((ip, i) => {
    const fam = ipFamilyOf(ip)!
    const a = alloc.ip.get(fam)
    const why = a ? a.take(ip) : `the provided IP (${ip}) is not in the valid range. The range of valid IPs is ${config.serviceCIDRs.join(',')}`
    if (why) ctx.error(d.loaded, ['spec', d.wantedIPs.length > 1 ? 'clusterIPs' : 'clusterIP'], `spec.clusterIPs[${i}]: Invalid value: "${ip}": failed to allocate IP ${ip}: ${why}`, why.includes('already') ? 'duplicate' : 'invalid-value')
    else svc.clusterIPs.push(ip)
  })
  d.wantedNodePorts.forEach((np, i) => {
    if (np === undefined) return
    const why = alloc.nodePort.take(np)
    if (why) {
      ctx.error(d.loaded, ['spec', 'ports', i, 'nodePort'], `spec.ports[${i}].nodePort: Invalid value: ${np}: ${why}`, why.includes('already') ? 'duplicate' : 'invalid-value')
    } else svc.ports[i].nodePort = np
  })
  if (d.wantedHealthCheck !== undefined) {
    const why = alloc.nodePort.take(d.wantedHealthCheck)
    if (why) ctx.error(d.loaded, ['spec', 'healthCheckNodePort'], `spec.healthCheckNodePort: Invalid value: ${d.wantedHealthCheck}: ${why}`)
    else svc.healthCheckNodePort = d.wantedHealthCheck
  }
  for (const ing of svc.loadBalancerIngress) if (ing.ip && alloc.lb.contains(ing.ip)) alloc.lb.take(ing.ip)
}

/** A NodePort or LoadBalancer Service's NodePorts, health-check port and load-balancer address. */
function allocateExternal(ctx: BuildContext, alloc: ServiceAllocators, d: Draft, key: string): void {
  const svc = d.service
  if (svc.type === 'NodePort' || (svc.type === 'LoadBalancer' && read.bool(read.path(d.loaded?.value, 'spec', 'allocateLoadBalancerNodePorts')) !== false)) {
    svc.ports.forEach((p, i) => {
      if (p.nodePort) return
      const np = alloc.nodePort.allocate(`${key}/${p.name ?? ''}/${p.port}/${p.protocol}`)
      if (np === undefined) ctx.error(d.loaded, ['spec', 'ports', i, 'nodePort'], `spec.ports[${i}].nodePort: Internal error: failed to allocate a nodePort: range is full`, 'exhausted')
      else p.nodePort = np
    })
  }
  // pkg/registry/core/service: a health-check NodePort for LoadBalancer + externalTrafficPolicy Local
  if (svc.type === 'LoadBalancer' && svc.externalTrafficPolicy === 'Local' && !svc.healthCheckNodePort) {
    svc.healthCheckNodePort = alloc.nodePort.allocate(`${key}/health`)
  }
  // the cloud's own service controller leaves a Service with a loadBalancerClass to that
  // class's controller (KEP-1959); the simulated cluster runs none, so the Service stays pending
  const lbClass = read.str(read.path(d.loaded?.value, 'spec', 'loadBalancerClass'))
  if (svc.type === 'LoadBalancer' && svc.loadBalancerIngress.length === 0 && lbClass !== undefined) {
    ctx.warn(d.loaded, ['spec', 'loadBalancerClass'], `spec.loadBalancerClass "${lbClass}": the simulated cloud's controller only serves Services without a class, and no controller of this class runs here, so the Service keeps EXTERNAL-IP <pending> (write status.loadBalancer.ingress to give it an address)`, 'not-simulated')
  } else if (svc.type === 'LoadBalancer' && svc.loadBalancerIngress.length === 0) {
    const wanted = read.str(read.path(d.loaded?.value, 'spec', 'loadBalancerIP'))
    const ip = wanted && !alloc.lb.isUsed(wanted) && alloc.lb.take(wanted) === undefined ? wanted : wanted ?? alloc.lb.allocate(key)
    if (ip) svc.loadBalancerIngress.push({ ip, ipMode: 'VIP' })
  }
}

type Err = (path: (string | number)[], msg: string, code?: string) => void

/** The ClusterIPs a manifest pins, canonical; each one that is no address is an error. */
function pinnedClusterIPs(ipsWanted: string[], plural: boolean, err: Err): string[] {
  const wantedIPs: string[] = []
  ipsWanted.forEach((ip, i) => {
    if (ip === '') return
    const c = canonicalIP(ip)
    if (!c) err(['spec', plural ? 'clusterIPs' : 'clusterIP', ...(plural ? [i] : [])], `spec.clusterIPs[${i}]: Invalid value: "${ip}": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)`)
    else wantedIPs.push(c)
  })
  return wantedIPs
}

/** spec.ipFamilyPolicy and spec.ipFamilies against what the cluster serves. */
function checkFamilies(config: ClusterConfig, spec: JsonObject, policyText: string | undefined, err: Err): void {
  const policies = ['SingleStack', 'PreferDualStack', 'RequireDualStack']
  if (policyText && !policies.includes(policyText)) err(['spec', 'ipFamilyPolicy'], `spec.ipFamilyPolicy: Unsupported value: "${policyText}": supported values: "PreferDualStack", "RequireDualStack", "SingleStack"`, 'unsupported-value')
  read.arr(spec.ipFamilies).forEach((f, i) => {
    if (f !== 'IPv4' && f !== 'IPv6') err(['spec', 'ipFamilies', i], `spec.ipFamilies[${i}]: Unsupported value: "${String(f)}": supported values: "IPv4", "IPv6"`, 'unsupported-value')
    else if (!config.serviceIPFamilies.includes(f)) err(['spec', 'ipFamilies', i], `spec.ipFamilies[${i}]: Invalid value: "${f}": not configured on this cluster`)
  })
  if (policyText === 'RequireDualStack' && config.serviceIPFamilies.length < 2) {
    err(['spec', 'ipFamilyPolicy'], `spec.ipFamilyPolicy: Invalid value: "RequireDualStack": this cluster is not configured for dual-stack services`)
  }
}

/** An ExternalName Service's spec.externalName: required, a DNS subdomain (a trailing dot allowed). */
function checkExternalName(externalName: string | undefined, err: Err): void {
  if (!externalName) err(['spec', 'externalName'], 'spec.externalName: Required value', 'required')
  else {
    const n = externalName.endsWith('.') ? externalName.slice(0, -1) : externalName
    for (const prob of nameProblems(n, 'dns1123-subdomain')) err(['spec', 'externalName'], `spec.externalName: Invalid value: "${externalName}": ${prob}`)
  }
}

/** The traffic policies, session affinity, loadBalancerClass and trafficDistribution, when set. */
function checkPolicyFields(spec: JsonObject, type: ServiceType, f: { etpText?: string; itpText?: string; saText: string; timeout?: number; tdText?: string }, err: Err): void {
  const { etpText, itpText, saText, timeout, tdText } = f
  if (etpText !== undefined) {
    if (etpText !== 'Cluster' && etpText !== 'Local') err(['spec', 'externalTrafficPolicy'], `spec.externalTrafficPolicy: Unsupported value: "${etpText}": supported values: "Cluster", "Local"`, 'unsupported-value')
    else if (type !== 'NodePort' && type !== 'LoadBalancer' && read.arr(spec.externalIPs).length === 0) {
      err(['spec', 'externalTrafficPolicy'], `spec.externalTrafficPolicy: Invalid value: "${etpText}": may only be set for externally-accessible services`)
    }
  }
  if (itpText !== undefined && itpText !== 'Cluster' && itpText !== 'Local') err(['spec', 'internalTrafficPolicy'], `spec.internalTrafficPolicy: Unsupported value: "${itpText}": supported values: "Cluster", "Local"`, 'unsupported-value')
  if (saText !== 'None' && saText !== 'ClientIP') err(['spec', 'sessionAffinity'], `spec.sessionAffinity: Unsupported value: "${saText}": supported values: "ClientIP", "None"`, 'unsupported-value')
  if (timeout !== undefined && (timeout < 1 || timeout > 86400)) {
    err(['spec', 'sessionAffinityConfig', 'clientIP', 'timeoutSeconds'], `spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: ${timeout}: must be greater than 0 and less than 86400`)
  }
}

/**
 * status.loadBalancer.ingress as written. ipMode (GA in 1.32, KEP-1860): Proxy means the load
 * balancer delivers to the nodes with its own address as the source, so kube-proxy must not
 * capture the VIP locally.
 */
function statusIngress(raw: Json[], err: Err): Service['loadBalancerIngress'] {
  return raw.map((x, i) => {
    const ip = read.str(read.path(x, 'ip'))
    const modeText = read.str(read.path(x, 'ipMode'))
    if (modeText !== undefined && modeText !== 'VIP' && modeText !== 'Proxy') err(['status', 'loadBalancer', 'ingress', i, 'ipMode'], `status.loadBalancer.ingress[${i}].ipMode: Unsupported value: "${modeText}": supported values: "Proxy", "VIP"`, 'unsupported-value')
    if (modeText !== undefined && !ip) err(['status', 'loadBalancer', 'ingress', i, 'ipMode'], `status.loadBalancer.ingress[${i}].ipMode: Forbidden: may not be specified when \`ip\` is not`, 'forbidden')
    return { ip, hostname: read.str(read.path(x, 'hostname')), ...(ip ? { ipMode: (modeText === 'Proxy' ? 'Proxy' : 'VIP') as 'VIP' | 'Proxy' } : {}) }
  })
}

function checkClassAndDistribution(spec: JsonObject, type: ServiceType, tdText: string | undefined, err: Err): void {
  // pkg/apis/core/validation ValidateService: loadBalancerClass only on type LoadBalancer
  const lbClassText = read.str(spec.loadBalancerClass)
  if (lbClassText !== undefined && type !== 'LoadBalancer') err(['spec', 'loadBalancerClass'], `spec.loadBalancerClass: Forbidden: may only be used when \`type\` is 'LoadBalancer'`, 'forbidden')
  // ServiceTrafficDistribution values (core/v1 types.go); PreferSameNode GA in 1.35
  const TRAFFIC_DISTRIBUTIONS = ['PreferClose', 'PreferSameNode', 'PreferSameZone']
  if (tdText !== undefined && !TRAFFIC_DISTRIBUTIONS.includes(tdText)) {
    err(['spec', 'trafficDistribution'], `spec.trafficDistribution: Unsupported value: "${tdText}": supported values: "PreferClose", "PreferSameNode", "PreferSameZone"`, 'unsupported-value')
  }
}

/** The API server's warnings for a Service, which kubectl apply prints (pkg/api/service/warnings.go). */
function serviceWarnings(ctx: BuildContext, s: Loaded, annotations: JsonObject, externalIPs: boolean, tdText: string | undefined): void {
  const warn = (path: (string | number)[], msg: string) => ctx.warn(s, path, `Warning: ${msg}`, 'api-warning')
  if ('service.kubernetes.io/topology-aware-hints' in annotations) {
    warn(['metadata', 'annotations', 'service.kubernetes.io/topology-aware-hints'], 'annotation service.kubernetes.io/topology-aware-hints is deprecated, please use service.kubernetes.io/topology-mode instead')
  }
  if (externalIPs) warn(['spec', 'externalIPs'], 'spec.externalIPs is deprecated and may no longer be implemented in some clusters')
  if (tdText === 'PreferClose') warn(['spec', 'trafficDistribution'], 'spec.trafficDistribution: "PreferClose" is deprecated; use "PreferSameZone"')
}
