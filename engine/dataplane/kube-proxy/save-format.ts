/**
 * Rules printed as `iptables-save` prints them (iptables 1.8, nf_tables
 * backend): the IP header matches first (! -s, -d, -i, -o, -p), then each
 * extension match with the options its save function emits, numbers as the
 * kernel holds them (marks in plain hex, --or-mark as --set-xmark V/V,
 * probabilities read back from the kernel's 31-bit fixed point, %.11f),
 * comments always quoted, REJECT with its default --reject-with.
 */
import type { IPFamily } from '../../net/ip.ts'
import type { IptRule, Match, Opt } from './netfilter.ts'

const CTSTATE_ORDER = ['INVALID', 'NEW', 'RELATED', 'ESTABLISHED', 'UNTRACKED', 'SNAT', 'DNAT']

/** xtables_save_string: bare when only [A-Za-z0-9_-], else double-quoted with " \\ ' escaped. */
export function quote(text: string): string {
  if (/^[A-Za-z0-9_-]+$/.test(text)) return text
  return `"${text.replace(/["\\']/g, (c) => `\\${c}`)}"`
}

function hex(value: string): string {
  const n = Number(value)
  return Number.isFinite(n) ? `0x${(n >>> 0).toString(16)}` : value
}

/** mark[/mask] as the kernel returns it */
export function markText(text: string): string {
  const [v, m] = text.split('/')
  if (m === undefined || Number(m) >>> 0 === 0xffffffff) return hex(v)
  return `${hex(v)}/${hex(m)}`
}

const probCache = new Map<string, string>()

/**
 * xt_statistic keeps lround(p * 2^31); libxt_statistic prints it back with %.11f.
 *
 * @example
 * kernelProbability('0.3333333333') // '0.33333333349'
 */
export function kernelProbability(text: string): string {
  let out = probCache.get(text)
  if (out === undefined) {
    const stored = Math.round(Number(text) * 0x80000000)
    out = (stored / 0x80000000).toFixed(11)
    probCache.set(text, out)
  }
  return out
}

function find(opts: Opt[], name: string): Opt | undefined {
  for (let i = 0; i < opts.length; i++) if (opts[i].name === name) return opts[i]
  return undefined
}

function neg(o: Opt | undefined): string {
  return o?.neg ? ' !' : ''
}

/**
 * Comment, tcp/udp/sctp and statistic matches are shared between rules (and
 * clusters) and do not depend on the family: their text is kept aside, never
 * on the match itself, where it would show in the rules' JSON (the programs'
 * `data`) depending on what ran before in the same isolate.
 */
const rendered = new WeakMap<Match, string>()
const SHARED = new Set(['comment', 'tcp', 'udp', 'sctp', 'statistic'])

function saveMatch(m: Match, family: IPFamily): string {
  let text = rendered.get(m)
  if (text !== undefined) return text
  text = renderMatch(m, family)
  if (SHARED.has(m.name)) rendered.set(m, text)
  return text
}

function renderMatch(m: Match, family: IPFamily): string {
  let s = ` -m ${m.name}`
  switch (m.name) {
    case 'comment':
      return ` -m comment --comment ${quote(m.opts[0]?.values[0] ?? '')}`
    case 'tcp':
    case 'udp':
    case 'sctp': {
      const sp = find(m.opts, 'sport')
      const dp = find(m.opts, 'dport')
      if (sp) s += `${neg(sp)} --sport ${sp.values[0]}`
      if (dp) s += `${neg(dp)} --dport ${dp.values[0]}`
      return s
    }
    case 'statistic': {
      const mode = find(m.opts, 'mode')?.values[0] ?? 'random'
      s += ` --mode ${mode}`
      const p = find(m.opts, 'probability')
      if (p) s += ` --probability ${kernelProbability(p.values[0])}`
      return s
    }
    case 'recent':
      return s + renderRecent(m, family)
    case 'addrtype': {
      const src = find(m.opts, 'src-type')
      const dst = find(m.opts, 'dst-type')
      if (src) s += `${neg(src)} --src-type ${src.values[0]}`
      if (dst) s += `${neg(dst)} --dst-type ${dst.values[0]}`
      return s
    }
    case 'mark': {
      const o = find(m.opts, 'mark')
      return `${s}${neg(o)} --mark ${markText(o?.values[0] ?? '0')}`
    }
    case 'conntrack': {
      const o = find(m.opts, 'ctstate')
      const states = (o?.values[0] ?? '').split(',')
      const ordered = CTSTATE_ORDER.filter((x) => states.includes(x))
      return `${s}${neg(o)} --ctstate ${ordered.join(',')}`
    }
    default:
      return s + renderOther(m)
  }
}

/** libxt_recent recent_save: action, --seconds, --reap, --hitcount, --rttl, --name, --mask, side (ClientIP affinity's rules). */
function renderRecent(m: Match, family: IPFamily): string {
  let s = ''
  for (const a of ['set', 'rcheck', 'update', 'remove']) if (find(m.opts, a)) s += ` --${a}`
  const secs = find(m.opts, 'seconds')
  if (secs) s += ` --seconds ${secs.values[0]}`
  if (find(m.opts, 'reap')) s += ' --reap'
  const hits = find(m.opts, 'hitcount')
  if (hits) s += ` --hitcount ${hits.values[0]}`
  if (find(m.opts, 'rttl')) s += ' --rttl'
  s += ` --name ${find(m.opts, 'name')?.values[0] ?? 'DEFAULT'}`
  s += ` --mask ${find(m.opts, 'mask')?.values[0] ?? (family === 'IPv4' ? '255.255.255.255' : 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff')}`
  s += find(m.opts, 'rdest') ? ' --rdest' : ' --rsource'
  return s
}

/** Any other match module: its options in the order given. */
function renderOther(m: Match): string {
  let s = ''
  for (const o of m.opts) s += `${neg(o)} --${o.name}${o.values.map((v) => ` ${v}`).join('')}`
  return s
}

function saveTarget(rule: IptRule, family: IPFamily): string {
  const t = rule.target
  if (!t) return ''
  if (t.goto) return ` -g ${t.name}`
  let s = ` -j ${t.name}`
  switch (t.name) {
    case 'MARK':
      return s + markTarget(t.opts)
    case 'REJECT':
      return `${s} --reject-with ${find(t.opts, 'reject-with')?.values[0] ?? (family === 'IPv4' ? 'icmp-port-unreachable' : 'icmp6-port-unreachable')}`
    default:
      return s + optsText(t.opts)
  }
}

/** MARK's options as iptables-save prints them: every form as --set-xmark value/mask. */
function markTarget(opts: Opt[]): string {
  const or = find(opts, 'or-mark')
  const xor = find(opts, 'xor-mark')
  const set = find(opts, 'set-mark')
  const xset = find(opts, 'set-xmark')
  if (or) return ` --set-xmark ${hex(or.values[0])}/${hex(or.values[0])}`
  if (xor) return ` --set-xmark ${hex(xor.values[0])}/0x0`
  if (set) return ` --set-xmark ${markText(set.values[0]).split('/')[0]}/0xffffffff`
  if (xset) return ` --set-xmark ${markText(xset.values[0])}`
  return ''
}

/** ` --name v1 v2 …` for each option, negations left to the caller */
function optsText(opts: Opt[]): string {
  let s = ''
  for (const o of opts) {
    // the usual option has one value (DNAT's --to-destination): its flag and the space after it come in one piece
    if (o.values.length === 1) s += optionFlag(o.name) + o.values[0]
    else {
      s += ' --' + o.name
      for (const v of o.values) s += ' ' + v
    }
  }
  return s
}

const optionFlags = new Map<string, string>()

/** ` --name ` (the option names are iptables' own, a handful) */
function optionFlag(name: string): string {
  let flag = optionFlags.get(name)
  if (flag === undefined) optionFlags.set(name, (flag = ` --${name} `))
  return flag
}

/**
 * One rule, after `-A CHAIN`, in iptables-save's form.
 *
 * @example
 * saveRule('KUBE-SEP-X', rule, 'IPv4')
 * // '-A KUBE-SEP-X -s 10.244.1.5/32 -m comment --comment "default/web" -j KUBE-MARK-MASQ'
 */
export function saveRule(chain: string, r: IptRule, family: IPFamily): string {
  return ruleLine('-A ' + chain, r, family)
}

/** The rule after its `-A CHAIN` (passed in, so a chain's rules can share it). */
export function ruleLine(head: string, r: IptRule, family: IPFamily): string {
  let s = head
  if (r.src) s += (r.src.neg ? ' ! -s ' : ' -s ') + r.src.cidr
  if (r.dst) s += (r.dst.neg ? ' ! -d ' : ' -d ') + r.dst.cidr
  if (r.inIface) s += (r.inIface.neg ? ' ! -i ' : ' -i ') + r.inIface.name
  if (r.outIface) s += (r.outIface.neg ? ' ! -o ' : ' -o ') + r.outIface.name
  if (r.proto) s += (r.proto.neg ? ' ! -p ' : ' -p ') + r.proto.name
  const ms = r.matches
  for (let i = 0; i < ms.length; i++) s += saveMatch(ms[i], family)
  if (!r.target) return s
  // the common targets need no options: a chain jump, ACCEPT, DROP, RETURN
  if (r.target.opts.length === 0 && r.target.name !== 'REJECT') return s + (r.target.goto ? ' -g ' : ' -j ') + r.target.name
  return s + saveTarget(r, family)
}
