/**
 * CoreDNS's configuration: the Corefile kept in the `coredns` ConfigMap in
 * kube-system. kubeadm writes the default (cmd/kubeadm/app/phases/addons/dns/
 * manifests.go, CoreDNSConfigMap); a scenario may replace it. The simulator
 * reads the plugins that decide answers: kubernetes (zones, pods, ttl,
 * fallthrough, namespaces, endpoint_pod_names, ignore empty_service), hosts,
 * forward and cache, and the rules of `log`, whose lines coredns-log.ts
 * writes. Plugins that only observe or operate (errors, health, ready,
 * prometheus, loop, reload, loadbalance, …) are accepted and have no effect
 * here; loadbalance's shuffling is left out so answers are stable.
 */
import { canonicalIP } from '../net/ip.ts'
import { canonicalName, isReverse, matchZone } from './names.ts'

/**
 * kubeadm's Corefile, byte for byte as kubeadm renders it (unchanged from v1.34 to v1.37) for `domain`
 * (the `disable success|denial` block arrived with kubernetes/kubernetes#128359).
 *
 * @example
 * kubeadmCorefile('cluster.local').includes('pods insecure') // true
 */
export function kubeadmCorefile(domain: string): string {
  return `.:53 {
    errors
    health {
       lameduck 5s
    }
    ready
    kubernetes ${domain} in-addr.arpa ip6.arpa {
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }
    prometheus :9153
    forward . /etc/resolv.conf {
       max_concurrent 1000
    }
    cache 30 {
       disable success ${domain}
       disable denial ${domain}
    }
    loop
    reload
    loadbalance
}
`
}

export type PodsMode = 'disabled' | 'insecure' | 'verified'

export interface KubernetesPlugin {
  /** absolute, lower-case; the first non-reverse one is the primary zone (PTR targets use it) */
  zones: string[]
  primaryZone: string
  pods: PodsMode
  ttl: number
  /** zones whose name errors go to the next plugin; ['.'] = all */
  fallthrough: string[]
  /** `namespaces`: only these are exposed (empty = all) */
  namespaces: string[]
  endpointPodNames: boolean
  ignoreEmptyService: boolean
}

export interface HostsPlugin {
  zones: string[]
  /** name (canonical) → addresses, in file order */
  names: Map<string, string[]>
  /** wildcard owner names (`*.example.com.`, CoreDNS ≥ 1.14.5: plugin/hosts/wildcard.go) → addresses; no PTR */
  wild: Map<string, string[]>
  /** address → names, for PTR */
  addrs: Map<string, string[]>
  ttl: number
  fallthrough: string[]
  noReverse: boolean
}

export interface ForwardPlugin {
  from: string
  to: string[]
}

export interface CachePlugin {
  zones: string[]
  successTTL: number
  denialTTL: number
  disableSuccess: string[]
  disableDenial: string[]
}

/** One rule of the `log` plugin (plugin/log/setup.go logParse). */
export interface LogRule {
  /** the names it logs: this zone and below (absolute, lower-case) */
  scope: string
  /** the line's format, {common} and {combined} already expanded */
  format: string
  /** response classes it logs: all, success, denial, error */
  classes: string[]
}

export interface ServerBlock {
  zones: string[]
  port: number
  /** the log plugin's rules, in Corefile order (the first whose scope matches a name decides) */
  log?: LogRule[]
  kubernetes?: KubernetesPlugin
  hosts?: HostsPlugin
  forward?: ForwardPlugin
  cache?: CachePlugin
  /** directives read but without effect on answers */
  ignored: string[]
  /** what would change answers in a real CoreDNS and is not modelled (load/unmodelled.ts warns), with its Corefile line */
  unmodelled: { what: string; line: number }[]
}

export interface CorefileResult {
  servers: ServerBlock[]
  /** problems that make CoreDNS refuse to start (plugin/… setup errors); with any, DNS does not answer */
  errors: string[]
}

interface Directive {
  name: string
  args: string[]
  block: Directive[]
  line: number
}

/** Every plugin CoreDNS v1.14.6 compiles in (unchanged since v1.14.4) (plugin.cfg; 1.13–1.14 added proxyproto, quic, grpc_server, https, https3 and nomad); anything else is "Unknown directive". */
const KNOWN_PLUGINS = new Set(
  'root metadata geoip cancel tls proxyproto quic grpc_server https https3 timeouts multisocket reload nsid bufsize bind debug trace ready health pprof prometheus errors log dnstap local dns64 any chaos loadbalance tsig cache rewrite acl header dnssec autopath minimal template transfer hosts route53 azure clouddns k8s_external kubernetes file auto secondary etcd loop forward grpc erratic whoami on sign view nomad'.split(' '),
)

/**
 * Plugins that write or change answers (each one's README), which the simulator does not run; the
 * others it accepts only observe or operate the server (errors, health, prometheus, reload, …).
 * loadbalance only shuffles records, and is left out so that answers are stable.
 */
const ANSWERING_PLUGINS = new Set('rewrite template autopath k8s_external file auto secondary etcd route53 azure clouddns minimal dns64 acl any header chaos whoami local view dnssec sign grpc erratic'.split(' '))

const DEFAULT_K8S_TTL = 5 // plugin/kubernetes defaultTTL
const CACHE_DEFAULT_SUCCESS = 3600 // plugin/cache: maxTTL
const CACHE_DEFAULT_DENIAL = 1800 // plugin/cache: maxNTTL

/**
 * Parses a Corefile the way CoreDNS's setup functions do, keeping what decides
 * answers. Never throws: problems come back in `errors`.
 *
 * @example
 * const { servers, errors } = parseCorefile(kubeadmCorefile('cluster.local'))
 * servers[0].kubernetes?.pods // 'insecure'
 */
export function parseCorefile(text: string): CorefileResult {
  const errors: string[] = []
  const tokens = tokenize(text, errors)
  const servers: ServerBlock[] = []
  let i = 0
  while (i < tokens.length) {
    const keys: string[] = []
    while (i < tokens.length && tokens[i].text === '\n') i++
    if (i >= tokens.length) break
    while (i < tokens.length && tokens[i].text !== '{') {
      if (tokens[i].text !== '\n') keys.push(...tokens[i].text.split(',').filter(Boolean))
      i++
    }
    if (i >= tokens.length) {
      errors.push(`Corefile - Error during parsing: Expected '{' after the server block keys ${keys.join(' ')}`)
      break
    }
    i++ // '{'
    const { directives, next } = parseBlock(tokens, i, errors)
    i = next
    const block = interpretServer(keys, directives, errors)
    if (block) servers.push(block)
  }
  if (servers.length === 0 && errors.length === 0) errors.push('Corefile: no server blocks')
  // Two blocks serving the same zone and port cannot both bind (dnsserver: "cannot serve ... - it is already defined")
  const seen = new Set<string>()
  for (const s of servers) {
    for (const z of s.zones) {
      const key = `${z}:${s.port}`
      if (seen.has(key)) errors.push(`cannot serve dns://${z}:${s.port} - it is already defined`)
      seen.add(key)
    }
  }
  return { servers, errors }
}

interface Token {
  text: string
  line: number
}

function tokenize(text: string, errors: string[]): Token[] {
  const out: Token[] = []
  const lines = text.split(/\r?\n/)
  lines.forEach((raw, idx) => {
    let cur = ''
    let quoted = false
    const push = () => {
      if (cur !== '') out.push({ text: cur, line: idx + 1 })
      cur = ''
    }
    for (let k = 0; k < raw.length; k++) {
      const ch = raw[k]
      if (quoted) {
        if (ch === '"') quoted = false
        else cur += ch
        continue
      }
      if (ch === '"') {
        quoted = true
        continue
      }
      if (ch === '#') break
      if (ch === ' ' || ch === '\t') push()
      else if ((ch === '{' || ch === '}') && cur === '' && (k + 1 === raw.length || /\s/.test(raw[k + 1]))) {
        out.push({ text: ch, line: idx + 1 })
      } else cur += ch
    }
    if (quoted) errors.push(`Corefile:${idx + 1} - Error during parsing: unterminated quote`)
    push()
    // A newline ends a directive: mark it with an empty token
    out.push({ text: '\n', line: idx + 1 })
  })
  // newline markers matter inside blocks only; drop the ones around server keys later
  return out.filter((t, k) => !(t.text === '\n' && (k === 0 || out[k - 1].text === '\n')))
}

function parseBlock(tokens: Token[], start: number, errors: string[]): { directives: Directive[]; next: number } {
  const directives: Directive[] = []
  let i = start
  let cur: Directive | undefined
  while (i < tokens.length) {
    const t = tokens[i]
    if (t.text === '}') {
      return { directives, next: i + 1 }
    }
    if (t.text === '\n') {
      cur = undefined
      i++
      continue
    }
    if (t.text === '{') {
      if (!cur) {
        errors.push(`Corefile:${t.line} - Error during parsing: Unexpected '{'`)
        i++
        continue
      }
      const sub = parseBlock(tokens, i + 1, errors)
      cur.block = sub.directives
      cur = undefined
      i = sub.next
      continue
    }
    if (!cur) {
      cur = { name: t.text, args: [], block: [], line: t.line }
      directives.push(cur)
    } else cur.args.push(t.text)
    i++
  }
  errors.push(`Corefile - Error during parsing: Unexpected EOF (a block is not closed with '}')`)
  return { directives, next: i }
}

/** A server block key: [scheme://]zone[:port] (dnsserver/address.go normalizeZone). */
function readKey(key: string): { zone: string; port: number } | undefined {
  let k = key
  const scheme = /^([a-z0-9+.-]+):\/\//.exec(k)
  if (scheme) {
    if (scheme[1] !== 'dns') return undefined
    k = k.slice(scheme[0].length)
  }
  let port = 53
  const colon = k.lastIndexOf(':')
  if (colon >= 0) {
    const p = Number(k.slice(colon + 1))
    if (!Number.isInteger(p) || p < 1 || p > 65535) return undefined
    port = p
    k = k.slice(0, colon)
  }
  if (k === '') k = '.'
  return { zone: canonicalName(k), port }
}

function interpretServer(keys: string[], directives: Directive[], errors: string[]): ServerBlock | undefined {
  const zones: string[] = []
  let port = 53
  for (const key of keys) {
    const k = readKey(key)
    if (!k) {
      errors.push(`Corefile: invalid server block key "${key}"`)
      return undefined
    }
    zones.push(k.zone)
    port = k.port
  }
  const block: ServerBlock = { zones, port, ignored: [], unmodelled: [] }
  const once = new Set<string>()
  for (const d of directives) {
    if (!KNOWN_PLUGINS.has(d.name)) {
      errors.push(`Corefile:${d.line} - Error during parsing: Unknown directive '${d.name}'`)
      continue
    }
    if (['kubernetes', 'forward', 'cache', 'hosts'].includes(d.name)) {
      if (once.has(d.name)) {
        errors.push(`plugin/${d.name}: this plugin can only be used once per Server Block`)
        continue
      }
      once.add(d.name)
    }
    if (d.name === 'kubernetes') block.kubernetes = readKubernetes(d, zones, errors, block.unmodelled)
    else if (d.name === 'forward') {
      block.forward = readForward(d, errors)
      // `except` keeps names from being forwarded (plugin/forward setup.go); the other options tune upstreams
      for (const o of d.block) if (o.name === 'except') block.unmodelled.push({ what: 'forward option except', line: o.line })
    }
    else if (d.name === 'cache') block.cache = readCache(d, zones, errors)
    else if (d.name === 'hosts') block.hosts = readHosts(d, zones, errors)
    else if (d.name === 'log') block.log = [...(block.log ?? []), ...readLog(d, errors)]
    else {
      block.ignored.push(d.name)
      if (ANSWERING_PLUGINS.has(d.name)) block.unmodelled.push({ what: `plugin ${d.name}`, line: d.line })
    }
  }
  return block
}

/** Plugin zones come from the arguments, else from the server block keys (plugin.OriginsFromArgsOrServerBlock). */
function origins(args: string[], blockZones: string[]): string[] {
  return (args.length ? args : blockZones).map(canonicalName)
}

function readKubernetes(d: Directive, blockZones: string[], errors: string[], unmodelled: ServerBlock['unmodelled']): KubernetesPlugin | undefined {
  const zones = origins(d.args, blockZones)
  const primaryZone = zones.find((z) => !isReverse(z) && z !== 'in-addr.arpa.' && z !== 'ip6.arpa.')
  if (!primaryZone) {
    errors.push('plugin/kubernetes: non-reverse zone name must be used')
    return undefined
  }
  const k: KubernetesPlugin = { zones, primaryZone, pods: 'disabled', ttl: DEFAULT_K8S_TTL, fallthrough: [], namespaces: [], endpointPodNames: false, ignoreEmptyService: false }
  for (const o of d.block) {
    const where = `plugin/kubernetes: Corefile:${o.line}`
    switch (o.name) {
      case 'pods':
        if (o.args.length === 1 && ['disabled', 'insecure', 'verified'].includes(o.args[0])) k.pods = o.args[0] as PodsMode
        else if (o.args.length === 1) errors.push(`plugin/kubernetes: wrong value for pods: ${o.args[0]},  must be one of: disabled, verified, insecure`)
        else errors.push(`${where} - Error during parsing: Wrong argument count or unexpected line ending after 'pods'`)
        break
      case 'ttl': {
        const t = Number(o.args[0])
        if (o.args.length === 0 || !/^-?\d+$/.test(o.args[0])) errors.push(`${where} - Error during parsing: Wrong argument count or unexpected line ending after 'ttl'`)
        else if (t < 0 || t > 3600) errors.push(`${where} - Error during parsing: ttl must be in range [0, 3600]: ${t}`)
        else k.ttl = t
        break
      }
      case 'fallthrough':
        k.fallthrough = o.args.length ? o.args.map(canonicalName) : ['.']
        break
      case 'namespaces':
        if (o.args.length === 0) errors.push(`${where} - Error during parsing: Wrong argument count or unexpected line ending after 'namespaces'`)
        else k.namespaces = o.args
        break
      case 'endpoint_pod_names':
        k.endpointPodNames = true
        break
      case 'ignore':
        if (o.args[0] === 'empty_service') k.ignoreEmptyService = true
        else errors.push(`plugin/kubernetes: unable to parse ignore value: '${o.args[0] ?? ''}'`)
        break
      case 'labels':
      case 'namespace_labels':
      case 'noendpoints':
      case 'multicluster':
        // they change which records exist (plugin/kubernetes README); the simulated plugin serves them all
        unmodelled.push({ what: `kubernetes option ${o.name}`, line: o.line })
        break
      case 'endpoint':
      case 'tls':
      case 'kubeconfig':
      case 'startup_timeout':
      case 'apiserver_qps':
      case 'apiserver_burst':
      case 'apiserver_max_inflight':
        // connection and filtering knobs the simulated API does not need
        break
      default:
        errors.push(`${where} - Error during parsing: unknown property '${o.name}'`)
    }
  }
  return k
}

/** plugin/log CommonLogFormat (plugin/log/log.go), which is also DefaultLogFormat. */
export const COMMON_LOG_FORMAT = '{remote}:{port} - {>id} "{type} {class} {name} {proto} {size} {>do} {>bufsize}" {rcode} {>rflags} {rsize} {duration}'
/** plugin/log CombinedLogFormat */
export const COMBINED_LOG_FORMAT = `${COMMON_LOG_FORMAT} "{>opcode}"`

/**
 * plugin/log/setup.go logParse: `log`, `log NAMES...`, `log NAMES... FORMAT`
 * (the last argument is a format when it holds a "{"), and an optional
 * block with `class success|denial|error|all...`.
 */
function readLog(d: Directive, errors: string[]): LogRule[] {
  let args = d.args
  let format = COMMON_LOG_FORMAT
  if (args.length > 1 && args[args.length - 1].includes('{')) {
    format = args[args.length - 1].replaceAll('{common}', COMMON_LOG_FORMAT).replaceAll('{combined}', COMBINED_LOG_FORMAT)
    args = args.slice(0, -1)
  }
  const scopes = args.length ? args.map(canonicalName) : ['.']
  const classes: string[] = []
  for (const o of d.block) {
    if (o.name !== 'class') {
      errors.push(`plugin/log: Corefile:${o.line} - Error during parsing: unknown property '${o.name}'`)
      continue
    }
    if (o.args.length === 0) errors.push(`plugin/log: Corefile:${o.line} - Error during parsing: Wrong argument count or unexpected line ending after 'class'`)
    for (const c of o.args) {
      if (!['all', 'success', 'denial', 'error'].includes(c)) errors.push(`plugin/log: invalid Class: ${c}`)
      else if (!classes.includes(c)) classes.push(c)
    }
  }
  return scopes.map((scope) => ({ scope, format, classes: classes.length ? classes : ['all'] }))
}

function readForward(d: Directive, errors: string[]): ForwardPlugin | undefined {
  if (d.args.length < 2) {
    errors.push(`plugin/forward: Corefile:${d.line} - Error during parsing: Wrong argument count or unexpected line ending after '${d.args[0] ?? 'forward'}'`)
    return undefined
  }
  return { from: canonicalName(d.args[0]), to: d.args.slice(1) }
}

function readCache(d: Directive, blockZones: string[], errors: string[]): CachePlugin {
  let args = d.args
  const c: CachePlugin = { zones: [], successTTL: CACHE_DEFAULT_SUCCESS, denialTTL: CACHE_DEFAULT_DENIAL, disableSuccess: [], disableDenial: [] }
  if (args.length && /^-?\d+$/.test(args[0])) {
    const ttl = Number(args[0])
    if (ttl <= 0) errors.push(`plugin/cache: cache TTL can not be zero or negative: ${ttl}`)
    else {
      c.successTTL = ttl
      c.denialTTL = ttl
    }
    args = args.slice(1)
  }
  c.zones = origins(args, blockZones)
  for (const o of d.block) {
    if ((o.name === 'success' || o.name === 'denial') && o.args[1] !== undefined) {
      const ttl = Number(o.args[1])
      if (Number.isInteger(ttl) && ttl > 0) {
        if (o.name === 'success') c.successTTL = ttl
        else c.denialTTL = ttl
      }
    } else if (o.name === 'disable') {
      const zones = (o.args.length > 1 ? o.args.slice(1) : c.zones).map(canonicalName)
      if (o.args[0] === 'success') c.disableSuccess.push(...zones)
      else if (o.args[0] === 'denial') c.disableDenial.push(...zones)
      else errors.push(`plugin/cache: cache type for disable must be "success" or "denial"`)
    }
  }
  return c
}

function readHosts(d: Directive, blockZones: string[], errors: string[]): HostsPlugin {
  // `hosts [FILE [ZONES...]]`: files are not modelled (the default /etc/hosts of the CoreDNS image is empty of names)
  const zoneArgs = d.args.slice(1)
  const h: HostsPlugin = { zones: origins(zoneArgs, blockZones), names: new Map(), wild: new Map(), addrs: new Map(), ttl: 3600, fallthrough: [], noReverse: false }
  for (const o of d.block) {
    if (o.name === 'fallthrough') h.fallthrough = o.args.length ? o.args.map(canonicalName) : ['.']
    else if (o.name === 'ttl') {
      const t = Number(o.args[0])
      if (!Number.isInteger(t) || t <= 0 || t > 65535) errors.push('plugin/hosts: ttl provided is invalid')
      else h.ttl = t
    } else if (o.name === 'no_reverse') h.noReverse = true
    else if (o.name === 'reload') continue
    else {
      const ip = canonicalIP(o.name)
      if (!ip) continue // the hosts file format skips lines it cannot read
      for (const n of o.args) {
        const key = canonicalName(n)
        // hostsfile.go parse: a name outside the plugin's zones is skipped; a wildcard owner
        // (`*.` first) goes to its own table and gets no PTR record
        if (!matchZone(key, h.zones)) continue
        if (key.startsWith('*.')) {
          h.wild.set(key, [...(h.wild.get(key) ?? []), ip])
          continue
        }
        h.names.set(key, [...(h.names.get(key) ?? []), ip])
        h.addrs.set(ip, [...(h.addrs.get(ip) ?? []), key])
      }
    }
  }
  return h
}
