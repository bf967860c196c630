/**
 * Reads a networking.k8s.io/v1 NetworkPolicy: defaults as the API server
 * applies them (pkg/apis/networking/v1/defaults.go: protocol TCP,
 * policyTypes Ingress plus Egress when spec.egress has rules) and checks as
 * ValidateNetworkPolicySpec does (pkg/apis/networking/validation).
 */
import type { GenericObject, Json, Protocol } from '../model/types.ts'
import { read } from '../cluster/context.ts'
import { requirementsOf, selectorFromJson } from '../cluster/selector.ts'
import { formatPrefix, hasHostBits, parseAddr, parsePrefix, prefixesOverlap } from '../net/ip.ts'
import { fieldPath } from '../load/schema.ts'
import type { Prefix } from '../net/ip.ts'
import type { CompiledNetworkPolicy, NpPeer, NpPort, NpRule, Reqs } from './model.ts'
import { checkLabelSelector, portNameProblem, portNumProblem, Problems } from './problems.ts'
import type { Path } from './problems.ts'

const PROTOCOLS: Protocol[] = ['TCP', 'UDP', 'SCTP']

/** A selector as requirements; undefined for a nil selector. */
export function reqsOf(v: Json | undefined): Reqs | undefined {
  const sel = selectorFromJson(v)
  return sel ? requirementsOf(sel) : undefined
}

export function compileNetworkPolicy(obj: GenericObject, problems: Problems): CompiledNetworkPolicy {
  const spec = obj.spec
  const base: Path = ['spec']
  checkLabelSelector(problems, spec.podSelector, [...base, 'podSelector'])
  // podSelector is a required struct: absent or null reads as {} and selects every Pod of the namespace
  const podSel = reqsOf(spec.podSelector) ?? []

  const ingress = read.arr(spec.ingress).map((r, i) => compileRule(problems, r, i, 'ingress'))
  const egress = read.arr(spec.egress).map((r, i) => compileRule(problems, r, i, 'egress'))

  const typesRaw = read.arr(spec.policyTypes)
  const policyTypes: ('Ingress' | 'Egress')[] = []
  if (typesRaw.length > 2) {
    problems.invalid([...base, 'policyTypes'], typesRaw as Json, 'may not specify more than two policyTypes')
  } else {
    typesRaw.forEach((t, i) => {
      if (t === 'Ingress' || t === 'Egress') {
        if (!policyTypes.includes(t)) policyTypes.push(t)
      } else problems.unsupported([...base, 'policyTypes', i], t, ['Ingress', 'Egress'])
    })
  }
  if (typesRaw.length === 0) {
    // SetDefaults_NetworkPolicy: Ingress always, Egress when spec.egress has at least one rule
    policyTypes.push('Ingress')
    if (egress.length > 0) policyTypes.push('Egress')
  }

  return {
    kind: 'NetworkPolicy',
    object: obj,
    namespace: obj.meta.namespace,
    name: obj.meta.name,
    key: `${obj.meta.namespace}/${obj.meta.name}`,
    podSel,
    policyTypes,
    ingress,
    egress,
    valid: problems.errorCount === 0,
  }
}

function compileRule(p: Problems, raw: Json, index: number, dir: 'ingress' | 'egress'): NpRule {
  const rp: Path = ['spec', dir, index]
  const peerField = dir === 'ingress' ? 'from' : 'to'
  const ports: NpPort[] = []
  read.arr(read.path(raw, 'ports')).forEach((port, i) => {
    const c = compilePort(p, port, [...rp, 'ports', i])
    if (c) ports.push(c)
  })
  const peers: NpPeer[] = []
  read.arr(read.path(raw, peerField)).forEach((peer, i) => {
    const c = compilePeer(p, peer, i, [...rp, peerField, i])
    if (c) peers.push(c)
  })
  return { index, ports, peers }
}

function compilePort(p: Problems, raw: Json, path: Path): NpPort | undefined {
  const protoRaw = read.path(raw, 'protocol')
  let protocol: Protocol = 'TCP'
  if (protoRaw !== undefined && protoRaw !== null) {
    if ((PROTOCOLS as Json[]).includes(protoRaw)) protocol = protoRaw as Protocol
    else p.unsupported([...path, 'protocol'], protoRaw, PROTOCOLS, 'protocols are upper case: TCP, UDP or SCTP')
  }
  const port = read.path(raw, 'port')
  const endPort = read.num(read.path(raw, 'endPort'))
  const out: NpPort = { protocol }
  if (typeof port === 'number') {
    const bad = portNumProblem(port)
    if (bad) p.invalid([...path, 'port'], port, bad)
    out.port = port
    if (endPort !== undefined) {
      if (endPort < port) p.invalid([...path, 'endPort'], endPort, 'must be greater than or equal to `port`')
      const badEnd = portNumProblem(endPort)
      if (badEnd) p.invalid([...path, 'endPort'], endPort, badEnd)
      out.endPort = endPort
    }
  } else if (typeof port === 'string') {
    if (endPort !== undefined) p.invalid([...path, 'endPort'], endPort, 'may not be specified when `port` is non-numeric')
    const bad = portNameProblem(port)
    if (bad) p.invalid([...path, 'port'], port, bad, /^\d+$/.test(port) ? `write the number without quotes: port: ${port}` : undefined)
    out.name = port
  } else if (endPort !== undefined) {
    p.invalid([...path, 'endPort'], endPort, 'may not be specified when `port` is not specified')
  }
  return out
}

function compilePeer(p: Problems, raw: Json, index: number, path: Path): NpPeer | undefined {
  const o = read.obj(raw) ?? {}
  const podSelRaw = read.obj(o.podSelector)
  const nsSelRaw = read.obj(o.namespaceSelector)
  const ipb = read.obj(o.ipBlock)
  let count = 0
  if (podSelRaw) {
    count++
    checkLabelSelector(p, podSelRaw, [...path, 'podSelector'])
  }
  if (nsSelRaw) {
    count++
    checkLabelSelector(p, nsSelRaw, [...path, 'namespaceSelector'])
  }
  let block: NpPeer | undefined
  if (ipb) {
    count++
    block = compileIPBlock(p, ipb, index, [...path, 'ipBlock'])
  }
  if (count === 0) {
    p.required(path, 'must specify a peer', 'give podSelector, namespaceSelector (or both), or ipBlock')
    return undefined
  }
  if (count > 1 && ipb) {
    p.forbidden(path, 'may not specify both ipBlock and another peer', 'put the ipBlock in its own list item (a separate peer)')
    return undefined
  }
  if (block) return block
  return { kind: 'selector', index, podSel: podSelRaw ? reqsOf(podSelRaw) : undefined, nsSel: nsSelRaw ? reqsOf(nsSelRaw) : undefined }
}

/** ValidateIPBlock: a CIDR (non-canonical forms are accepted with a warning) and excepts strictly inside it. */
function compileIPBlock(p: Problems, ipb: Record<string, Json>, index: number, path: Path): NpPeer | undefined {
  const cidrText = read.str(ipb.cidr) ?? ''
  if (cidrText === '') {
    p.required([...path, 'cidr'], '')
    return undefined
  }
  const cidr = parseCIDRLegacy(p, cidrText, [...path, 'cidr'])
  if (!cidr) return undefined
  const except: Prefix[] = []
  const exceptText: string[] = []
  read.arr(ipb.except).forEach((e, i) => {
    const text = typeof e === 'string' ? e : ''
    const ep = [...path, 'except', i]
    const ex = parseCIDRLegacy(p, text, ep)
    if (!ex) return
    const inside = ex.bits > cidr.bits && prefixesOverlap(ex, cidr)
    if (!inside) p.invalid(ep, text, 'must be a strict subset of `cidr`')
    except.push(ex)
    exceptText.push(text)
  })
  return { kind: 'ipBlock', index, cidr, except, cidrText, exceptText }
}

/** IsValidCIDRForLegacyField plus GetWarningsForCIDR (host bits are masked off, with a warning). */
export function parseCIDRLegacy(p: Problems, text: string, path: Path): Prefix | undefined {
  const pre = parsePrefix(text)
  if (!pre) {
    p.invalid(path, text, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)')
    return undefined
  }
  if (hasHostBits(text)) {
    const addr = parseAddr(text.slice(0, text.indexOf('/')))!
    const single = `${text.slice(0, text.indexOf('/'))}/${addr.family === 'IPv4' ? 32 : 128}`
    p.warn(path, `${fieldPath(path)}: CIDR value "${text}" is ambiguous in this context (should be "${formatPrefix(pre)}" or "${single}"?)`, 'ambiguous-cidr', `the simulator, like the network plugins, uses ${formatPrefix(pre)}`)
  }
  return pre
}
