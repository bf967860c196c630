/**
 * An iptables ruleset as the kernel holds it: tables of chains, each chain an
 * ordered list of rules. A rule keeps the IP header matches apart from the
 * extension matches, because that is how the kernel stores it and how
 * iptables-save and `iptables -L` print it, whatever order the writer used.
 */
import type { IPFamily } from '../../net/ip.ts'

export interface Opt {
  neg?: boolean
  name: string
  values: string[]
}

export interface Match {
  name: string
  opts: Opt[]
}

export interface IptRule {
  src?: { neg: boolean; cidr: string }
  dst?: { neg: boolean; cidr: string }
  inIface?: { neg: boolean; name: string }
  outIface?: { neg: boolean; name: string }
  proto?: { neg: boolean; name: string }
  matches: Match[]
  target?: { name: string; opts: Opt[]; goto?: boolean }
}

export interface IptChain {
  name: string
  /** builtin chains have a policy */
  policy?: 'ACCEPT' | 'DROP'
  rules: IptRule[]
}

export interface IptTable {
  name: 'raw' | 'mangle' | 'filter' | 'nat'
  chains: Map<string, IptChain>
}

export interface Ruleset {
  family: IPFamily
  tables: IptTable[]
}

const BUILTINS: Record<IptTable['name'], string[]> = {
  raw: ['PREROUTING', 'OUTPUT'],
  mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
}

export function newTable(name: IptTable['name']): IptTable {
  const chains = new Map<string, IptChain>()
  for (const c of BUILTINS[name]) chains.set(c, { name: c, policy: 'ACCEPT', rules: [] })
  return { name, chains }
}

export function isBuiltin(table: IptTable['name'], chain: string): boolean {
  return BUILTINS[table].includes(chain)
}

export function ensureChain(t: IptTable, name: string): IptChain {
  let c = t.chains.get(name)
  // policy: undefined (left out of JSON) gives user chains the builtin chains' object shape
  if (!c) t.chains.set(name, (c = { name, policy: undefined, rules: [] }))
  return c
}

/** iptables -A */
export function append(t: IptTable, chain: string, rule: IptRule): void {
  ensureChain(t, chain).rules.push(rule)
}

/** iptables -A of several rules; a chain made here gets them as its list, no longer than needed (pushes would reserve room for 17) */
export function appendAll(t: IptTable, chain: string, ...rules: IptRule[]): void {
  const c = t.chains.get(chain)
  if (c) c.rules.push(...rules)
  else t.chains.set(chain, { name: chain, policy: undefined, rules })
}

/** iptables -I (EnsureRule Prepend) */
export function prepend(t: IptTable, chain: string, rule: IptRule): void {
  ensureChain(t, chain).rules.unshift(rule)
}

const commentMatches = new Map<string, Match>()
/** proto → dport (-1 for none) → its `-m tcp [--dport N]`: bounded by the three protocols and 65535 ports */
const l4Matches = new Map<string, Map<number, Match>>()
const protos = new Map<string, { neg: boolean; name: string }>()

/** `-m tcp [--dport N]`, shared between rules (they never change once built). */
function sharedL4(proto: string, port: number | undefined): Match {
  let byPort = l4Matches.get(proto)
  if (!byPort) l4Matches.set(proto, (byPort = new Map()))
  let m = byPort.get(port ?? -1)
  if (!m) {
    m = { name: proto, opts: port === undefined ? [] : [{ name: 'dport', values: [String(port)] }] }
    byPort.set(port ?? -1, m)
  }
  return m
}

/**
 * The empty list every rule without matches, and every target without
 * options, shares (thousands of them in a large cluster). Frozen: lists are
 * never changed once a rule is built, and a change would fail loudly.
 */
const NONE = Object.freeze([]) as never[]

/**
 * A rule with all its fields in place, unused ones undefined (JSON leaves them
 * out): every rule then has one object shape, which keeps the code that reads
 * tens of thousands of them (iptables-save) fast.
 */
function emptyRule(): IptRule {
  return { src: undefined, dst: undefined, inIface: undefined, outIface: undefined, proto: undefined, matches: NONE, target: undefined }
}

/**
 * A small builder that reads like the argument lists kube-proxy writes,
 * e.g. r().comment('ns1/svc1:p80 cluster IP').l4('tcp').dst('172.30.0.41').dport(80).jump('KUBE-SVC-…').
 */
export class RuleBuilder {
  readonly rule: IptRule = emptyRule()
  private l4Index = -1

  constructor(private readonly family: IPFamily) {}

  /** Adds a match, keeping the list exactly as long as it needs to be (a push would reserve room for 17). */
  private add(m: Match): this {
    const ms = this.rule.matches
    this.rule.matches = ms.length === 0 ? [m] : [...ms, m]
    return this
  }

  comment(text: string): this {
    // rules are never changed once built, so one comment match can serve every rule with that text
    let m = commentMatches.get(text)
    if (!m) {
      m = { name: 'comment', opts: [{ name: 'comment', values: [text] }] }
      if (commentMatches.size > 100_000) commentMatches.clear()
      commentMatches.set(text, m)
    }
    return this.add(m)
  }

  /** `-m tcp -p tcp` */
  l4(proto: string): this {
    this.l4Index = this.rule.matches.length
    this.add(sharedL4(proto, undefined))
    return this.proto(proto)
  }

  /** `-p tcp` alone */
  proto(proto: string): this {
    let p = protos.get(proto)
    if (!p) protos.set(proto, (p = { neg: false, name: proto }))
    this.rule.proto = p
    return this
  }

  dport(port: number): this {
    if (this.l4Index >= 0) this.rule.matches[this.l4Index] = sharedL4(this.rule.matches[this.l4Index].name, port)
    return this
  }

  src(cidr: string, neg = false): this {
    this.rule.src = { neg, cidr: hostPrefix(cidr, this.family) }
    return this
  }

  dst(cidr: string, neg = false): this {
    this.rule.dst = { neg, cidr: hostPrefix(cidr, this.family) }
    return this
  }

  inIface(name: string, neg = false): this {
    this.rule.inIface = { neg, name }
    return this
  }

  match(name: string, ...opts: Opt[]): this {
    return this.add({ name, opts })
  }

  /** a match object the caller shares between rules (it must never change) */
  sharedMatch(m: Match): this {
    return this.add(m)
  }

  jump(target: string, ...opts: Opt[]): IptRule {
    this.rule.target = { name: target, opts: opts.length === 0 ? NONE : opts, goto: undefined }
    return this.rule
  }

  goto(target: string): IptRule {
    this.rule.target = { name: target, opts: NONE, goto: true }
    return this.rule
  }

  /** a rule without a target (it only counts) */
  done(): IptRule {
    return this.rule
  }
}

export function opt(name: string, ...values: string[]): Opt {
  return { name, values }
}

export function negOpt(name: string, ...values: string[]): Opt {
  return { neg: true, name, values }
}

/** The kernel stores an address with its mask: a bare address is a /32 (/128). */
export function hostPrefix(text: string, family: IPFamily): string {
  return text.includes('/') ? text : `${text}/${family === 'IPv4' ? 32 : 128}`
}
