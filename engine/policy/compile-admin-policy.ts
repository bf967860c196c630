/**
 * Reads AdminNetworkPolicy and BaselineAdminNetworkPolicy
 * (policy.networking.k8s.io/v1alpha1 as released in kubernetes-sigs/network-policy-api
 * v0.1.8, apis/v1alpha1/*_types.go) and checks them as its CRD does: field
 * types and unknown fields, enums, bounds, "exactly one field" unions
 * (MinProperties/MaxProperties 1) and the CEL rules.
 *
 * Simplification: the experimental channel of the CRDs is assumed installed,
 * so `nodes`, `namedPort` and `domainNames` are accepted (the standard channel
 * would prune them).
 */
import type { GenericObject, Json, Protocol } from '../model/types.ts'
import { read } from '../cluster/context.ts'
import { arr, checkSchema, fieldPath, int32, obj, str, strMap } from '../load/schema.ts'
import type { Schema } from '../load/schema.ts'
import type { Prefix } from '../net/ip.ts'
import { parsePrefix } from '../net/ip.ts'
import type { AdminAction, AdminPeer, AdminPort, AdminRule, CompiledAdminPolicy, Reqs } from './model.ts'
import { reqsOf } from './compile-network-policy.ts'
import { checkLabelSelector, Problems } from './problems.ts'
import type { Path } from './problems.ts'

const selector = obj('LabelSelector', {
  matchLabels: strMap,
  matchExpressions: arr(obj('LabelSelectorRequirement', { key: str, operator: str, values: arr(str) })),
})
const namespacedPod = obj('NamespacedPod', { namespaceSelector: selector, podSelector: selector })
const port = obj('AdminNetworkPolicyPort', {
  portNumber: obj('Port', { protocol: str, port: int32 }),
  namedPort: str,
  portRange: obj('PortRange', { protocol: str, start: int32, end: int32 }),
})
const subject = obj('AdminNetworkPolicySubject', { namespaces: selector, pods: namespacedPod })
const ingressPeer = obj('AdminNetworkPolicyIngressPeer', { namespaces: selector, pods: namespacedPod })
const egressPeerANP = obj('AdminNetworkPolicyEgressPeer', { namespaces: selector, pods: namespacedPod, nodes: selector, networks: arr(str), domainNames: arr(str) })
const egressPeerBANP = obj('BaselineAdminNetworkPolicyEgressPeer', { namespaces: selector, pods: namespacedPod, nodes: selector, networks: arr(str) })
const rule = (go: string, peerField: string, peer: Schema) => obj(go, { name: str, action: str, [peerField]: arr(peer), ports: arr(port) })

const ANP_SPEC = obj('AdminNetworkPolicySpec', {
  priority: int32,
  subject,
  ingress: arr(rule('AdminNetworkPolicyIngressRule', 'from', ingressPeer)),
  egress: arr(rule('AdminNetworkPolicyEgressRule', 'to', egressPeerANP)),
})
const BANP_SPEC = obj('BaselineAdminNetworkPolicySpec', {
  subject,
  ingress: arr(rule('BaselineAdminNetworkPolicyIngressRule', 'from', ingressPeer)),
  egress: arr(rule('BaselineAdminNetworkPolicyEgressRule', 'to', egressPeerBANP)),
})

/** CRD pattern of DomainName */
const DOMAIN_NAME = /^(\*\.)?([a-zA-z0-9]([-a-zA-Z0-9_]*[a-zA-Z0-9])?\.)+[a-zA-z0-9]([-a-zA-Z0-9_]*[a-zA-Z0-9])?\.?$/

export function compileAdminPolicy(o: GenericObject, problems: Problems): CompiledAdminPolicy {
  const baseline = o.kind === 'BaselineAdminNetworkPolicy'
  const spec = o.spec
  for (const sp of checkSchema(spec as Json, baseline ? BANP_SPEC : ANP_SPEC, ['spec'], `v1alpha1.${o.kind}`)) {
    problems.add('error', sp.code, sp.path, sp.message, sp.hint)
  }
  if (baseline && o.meta.name !== 'default') {
    problems.add('error', 'invalid-value', ['metadata', 'name'], 'Invalid value: "object": Only one baseline admin network policy with metadata.name="default" can be created in the cluster', 'name the BaselineAdminNetworkPolicy "default" (it is a singleton)')
  }
  let priority = Number.POSITIVE_INFINITY
  if (!baseline) {
    const pr = spec.priority
    if (pr === undefined || pr === null) problems.required(['spec', 'priority'], '', 'priority is 0 (first) to 1000 (last)')
    else if (typeof pr === 'number') {
      if (pr < 0) problems.invalid(['spec', 'priority'], pr, 'spec.priority in body should be greater than or equal to 0')
      else if (pr > 1000) problems.invalid(['spec', 'priority'], pr, 'spec.priority in body should be less than or equal to 1000')
      priority = pr
    }
  }
  const subj = compileSubject(problems, spec.subject)
  const ingress = rules(problems, spec.ingress, 'ingress', baseline)
  const egress = rules(problems, spec.egress, 'egress', baseline)
  return {
    kind: baseline ? 'BaselineAdminNetworkPolicy' : 'AdminNetworkPolicy',
    tier: baseline ? 'Baseline' : 'Admin',
    object: o,
    name: o.meta.name,
    priority,
    subject: subj,
    ingress,
    egress,
    valid: problems.errorCount === 0,
  }
}

/** MinProperties=1/MaxProperties=1 unions */
export function oneOf(p: Problems, v: Record<string, Json>, path: Path, fields: string[]): string | undefined {
  const set = fields.filter((f) => v[f] !== undefined && v[f] !== null)
  if (set.length === 0) {
    p.invalid(path, 0, `${fieldPath(path)} in body should have at least 1 properties`, `set exactly one of: ${fields.join(', ')}`)
    return undefined
  }
  if (set.length > 1) {
    p.invalid(path, set.length, `${fieldPath(path)} in body should have at most 1 properties`, `set exactly one of: ${fields.join(', ')} (found ${set.join(', ')}); to AND a namespace and a pod selector use pods: {namespaceSelector, podSelector}`)
    return undefined
  }
  return set[0]
}

export function compileSubject(p: Problems, raw: Json | undefined, namespaceSelectorOptional = false): { nsSel: Reqs; podSel: Reqs } {
  const path: Path = ['spec', 'subject']
  const o = read.obj(raw)
  // an unusable subject selects nothing (the API server would refuse the object anyway)
  const nothing = { nsSel: [{ key: '', op: 'In' as const, values: [] }], podSel: [] }
  if (!o) {
    p.required(path, '', 'subject: {namespaces: {...}} or subject: {pods: {namespaceSelector: {...}, podSelector: {...}}}')
    return nothing
  }
  const which = oneOf(p, o, path, ['namespaces', 'pods'])
  if (which === 'namespaces') {
    checkLabelSelector(p, o.namespaces, [...path, 'namespaces'])
    return { nsSel: reqsOf(o.namespaces) ?? [], podSel: [] }
  }
  if (which === 'pods') return namespacedPod2(p, o.pods, [...path, 'pods'], namespaceSelectorOptional) ?? nothing
  return nothing
}

/** NamespacedPod: v1alpha1 requires both selectors; v1alpha2 makes namespaceSelector optional (absent = every Namespace) */
export function namespacedPod2(p: Problems, raw: Json | undefined, path: Path, namespaceSelectorOptional = false): { nsSel: Reqs; podSel: Reqs } | undefined {
  const o = read.obj(raw) ?? {}
  let ok = true
  for (const f of ['namespaceSelector', 'podSelector']) {
    if (f === 'namespaceSelector' && namespaceSelectorOptional && (o[f] === undefined || o[f] === null)) continue
    if (!read.obj(o[f])) {
      p.required([...path, f], '', `${f}: {} selects every ${f === 'podSelector' ? 'Pod' : 'Namespace'}`)
      ok = false
    } else checkLabelSelector(p, o[f], [...path, f])
  }
  if (!ok) return undefined
  return { nsSel: reqsOf(o.namespaceSelector) ?? [], podSel: reqsOf(o.podSelector) ?? [] }
}

function rules(p: Problems, raw: Json | undefined, dir: 'ingress' | 'egress', baseline: boolean): AdminRule[] {
  const list = read.arr(raw)
  if (list.length > 100) p.add('error', 'too-many', ['spec', dir], `spec.${dir}: Too many: ${list.length}: must have at most 100 items`)
  return list.map((r, i) => compileRule(p, read.obj(r) ?? {}, ['spec', dir, i], i, dir, baseline))
}

function compileRule(p: Problems, r: Record<string, Json>, path: Path, index: number, dir: 'ingress' | 'egress', baseline: boolean): AdminRule {
  const name = read.str(r.name)
  if (name !== undefined && name.length > 100) p.add('error', 'too-long', [...path, 'name'], `${fieldPath([...path, 'name'])}: Too long: may not be more than 100 bytes`)
  const actions: AdminAction[] = baseline ? ['Allow', 'Deny'] : ['Allow', 'Deny', 'Pass']
  let action: AdminAction = 'Deny'
  if (r.action === undefined || r.action === null) p.required([...path, 'action'], '', `action is one of ${actions.join(', ')}`)
  else if ((actions as Json[]).includes(r.action)) action = r.action as AdminAction
  else p.unsupported([...path, 'action'], r.action, actions, r.action === 'Pass' ? 'BaselineAdminNetworkPolicy has no Pass: it is the last tier' : undefined)

  const peerField = dir === 'ingress' ? 'from' : 'to'
  const rawPeers = read.arr(r[peerField])
  if (r[peerField] === undefined || r[peerField] === null) p.required([...path, peerField], '', `${peerField} needs at least one peer`)
  else if (rawPeers.length === 0) p.invalid([...path, peerField], 0, `${fieldPath([...path, peerField])} in body should have at least 1 items`)
  else if (rawPeers.length > 100) p.add('error', 'too-many', [...path, peerField], `${fieldPath([...path, peerField])}: Too many: ${rawPeers.length}: must have at most 100 items`)
  const fields = dir === 'ingress' ? ['namespaces', 'pods'] : baseline ? ['namespaces', 'pods', 'nodes', 'networks'] : ['namespaces', 'pods', 'nodes', 'networks', 'domainNames']
  const peers = rawPeers.map((x, i) => compilePeer(p, read.obj(x) ?? {}, [...path, peerField, i], fields, action))

  let ports: AdminPort[] | undefined
  if (r.ports !== undefined && r.ports !== null) {
    const list = read.arr(r.ports)
    if (list.length === 0) p.invalid([...path, 'ports'], 0, `${fieldPath([...path, 'ports'])} in body should have at least 1 items`, 'leave ports out to match every port')
    ports = list.map((x, i) => compilePort(p, read.obj(x) ?? {}, [...path, 'ports', i])).filter((x): x is AdminPort => !!x)
  }
  // CEL on the egress rule: named ports exist only on Pods
  if (dir === 'egress' && ports?.some((x) => x.kind === 'namedPort') && peers.some((x) => x.kind === 'nodes' || x.kind === 'networks' || x.kind === 'domainNames')) {
    p.invalid(path, 'object', baseline ? 'networks/nodes peer cannot be set with namedPorts since there are no namedPorts for networks/nodes' : 'networks/nodes/domainNames peer cannot be set with namedPorts since there are no namedPorts for networks/nodes/domainNames')
  }
  return { index, name, action, peers, ports }
}

export function compilePeer(p: Problems, o: Record<string, Json>, path: Path, fields: string[], action: AdminAction, v1alpha2 = false): AdminPeer {
  const which = oneOf(p, o, path, fields)
  switch (which) {
    case 'namespaces':
      checkLabelSelector(p, o.namespaces, [...path, 'namespaces'])
      return { kind: 'namespaces', nsSel: reqsOf(o.namespaces) ?? [] }
    case 'pods': {
      const np = namespacedPod2(p, o.pods, [...path, 'pods'], v1alpha2)
      return np ? { kind: 'pods', ...np } : { kind: 'invalid' }
    }
    case 'nodes':
      checkLabelSelector(p, o.nodes, [...path, 'nodes'])
      return { kind: 'nodes', nodeSel: reqsOf(o.nodes) ?? [] }
    case 'networks': {
      const list = read.arr(o.networks)
      if (list.length === 0) p.invalid([...path, 'networks'], 0, `${fieldPath([...path, 'networks'])} in body should have at least 1 items`)
      if (list.length > 25) p.add('error', 'too-many', [...path, 'networks'], `${fieldPath([...path, 'networks'])}: Too many: ${list.length}: must have at most 25 items`)
      const cidrs: Prefix[] = []
      const texts: string[] = []
      list.forEach((c, i) => {
        const text = typeof c === 'string' ? c : ''
        const pre = text.length <= 43 ? parsePrefix(text) : undefined
        if (!pre) p.invalid([...path, 'networks', i], 'string', 'Invalid CIDR format provided', 'a CIDR such as 10.0.0.0/8 or fd00::/8')
        else {
          cidrs.push(pre)
          texts.push(text)
        }
      })
      return { kind: 'networks', cidrs, texts }
    }
    case 'domainNames': {
      const names = read.arr(o.domainNames).filter((x): x is string => typeof x === 'string')
      names.forEach((n, i) => {
        if (!DOMAIN_NAME.test(n)) p.invalid([...path, 'domainNames', i], n, `${fieldPath([...path, 'domainNames', i])} in body should match '${DOMAIN_NAME.source}'`)
      })
      const accept = v1alpha2 ? 'Accept' : 'Allow'
      if (action !== accept) p.warn([...path, 'domainNames'], `${fieldPath([...path, 'domainNames'])}: domainNames is only supported for ${accept} rules; implementations ignore it in ${action} rules`, 'unsupported-peer')
      return { kind: 'domainNames', names }
    }
    default:
      return { kind: 'invalid' }
  }
}

function compilePort(p: Problems, o: Record<string, Json>, path: Path): AdminPort | undefined {
  const which = oneOf(p, o, path, ['portNumber', 'namedPort', 'portRange'])
  if (which === 'namedPort') {
    const name = read.str(o.namedPort) ?? ''
    return { kind: 'namedPort', name }
  }
  if (which === 'portNumber') {
    const n = read.obj(o.portNumber) ?? {}
    const protocol = protocolOf(p, n.protocol, [...path, 'portNumber', 'protocol'])
    const port = read.num(n.port)
    if (port === undefined) {
      p.required([...path, 'portNumber', 'port'], '')
      return undefined
    }
    bound(p, port, [...path, 'portNumber', 'port'])
    return { kind: 'portNumber', protocol, port }
  }
  if (which === 'portRange') {
    const r = read.obj(o.portRange) ?? {}
    const protocol = protocolOf(p, r.protocol, [...path, 'portRange', 'protocol'])
    const start = read.num(r.start)
    const end = read.num(r.end)
    if (start === undefined) p.required([...path, 'portRange', 'start'], '')
    if (end === undefined) p.required([...path, 'portRange', 'end'], '')
    if (start === undefined || end === undefined) return undefined
    bound(p, start, [...path, 'portRange', 'start'])
    bound(p, end, [...path, 'portRange', 'end'])
    if (start >= end) p.warn([...path, 'portRange'], `${fieldPath([...path, 'portRange'])}: start (${start}) must be less than end (${end})`, 'invalid-range', start === end ? 'for a single port use portNumber' : 'swap start and end')
    return { kind: 'portRange', protocol, start, end }
  }
  return undefined
}

export function bound(p: Problems, n: number, path: Path): void {
  if (n < 1) p.invalid(path, n, `${fieldPath(path)} in body should be greater than or equal to 1`)
  else if (n > 65535) p.invalid(path, n, `${fieldPath(path)} in body should be less than or equal to 65535`)
}

/** the CRD defaults protocol to TCP; v1.Protocol admits TCP, UDP and SCTP */
export function protocolOf(p: Problems, v: Json | undefined, path: Path): Protocol {
  if (v === undefined || v === null) return 'TCP'
  if (v === 'TCP' || v === 'UDP' || v === 'SCTP') return v
  p.unsupported(path, v, ['TCP', 'UDP', 'SCTP'])
  return 'TCP'
}
