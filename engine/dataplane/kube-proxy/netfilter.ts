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
  /** the match as iptables-save prints it, kept once rendered (matches are shared and never change) */
  saved?: string
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
  if (!c) t.chains.set(name, (c = { name, rules: [] }))
  return c
}

/** iptables -A */
export function append(t: IptTable, chain: string, rule: IptRule): void {
  ensureChain(t, chain).rules.push(rule)
}

/** iptables -I (EnsureRule Prepend) */
export function prepend(t: IptTable, chain: string, rule: IptRule): void {
  ensureChain(t, chain).rules.unshift(rule)
}

const commentMatches = new Map<string, Match>()

/**
 * A small builder that reads like the argument lists kube-proxy writes,
 * e.g. r().comment('ns1/svc1:p80 cluster IP').l4('tcp').dst('172.30.0.41').dport(80).jump('KUBE-SVC-…').
 */
const l4Matches = new Map<string, Match>()
const protos = new Map<string, { neg: boolean; name: string }>()

/** `-m tcp [--dport N]`, shared between rules (they never change once built). */
function sharedL4(proto: string, port: number | undefined): Match {
  const key = `${proto}/${port ?? ''}`
  let m = l4Matches.get(key)
  if (!m) {
    m = { name: proto, opts: port === undefined ? [] : [{ name: 'dport', values: [String(port)] }], saved: undefined }
    if (l4Matches.size > 100_000) l4Matches.clear()
    l4Matches.set(key, m)
  }
  return m
}

export class RuleBuilder {
  readonly rule: IptRule = { matches: [] }
  private l4Index = -1

  constructor(private readonly family: IPFamily) {}

  comment(text: string): this {
    // rules are never changed once built, so one comment match can serve every rule with that text
    let m = commentMatches.get(text)
    if (!m) {
      m = { name: 'comment', opts: [{ name: 'comment', values: [text] }], saved: undefined }
      if (commentMatches.size > 100_000) commentMatches.clear()
      commentMatches.set(text, m)
    }
    this.rule.matches.push(m)
    return this
  }

  /** `-m tcp -p tcp` */
  l4(proto: string): this {
    this.l4Index = this.rule.matches.length
    this.rule.matches.push(sharedL4(proto, undefined))
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
    this.rule.matches.push({ name, opts })
    return this
  }

  jump(target: string, ...opts: Opt[]): IptRule {
    this.rule.target = { name: target, opts }
    return this.rule
  }

  goto(target: string): IptRule {
    this.rule.target = { name: target, opts: [], goto: true }
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
