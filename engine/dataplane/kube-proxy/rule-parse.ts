/**
 * Reads one rule line, in either iptables-restore's input form (what
 * kube-proxy writes and its tests expect) or iptables-save's output form,
 * into the kernel's view of it, so that the two can be compared rule by rule.
 */
import { canonicalIP, parsePrefix, formatPrefix } from '../../net/ip.ts'
import type { IptRule, Match, Opt } from './netfilter.ts'

export function tokenize(line: string): string[] {
  const out: string[] = []
  let i = 0
  while (i < line.length) {
    while (line[i] === ' ' || line[i] === '\t') i++
    if (i >= line.length) break
    let tok = ''
    if (line[i] === '"') {
      i++
      while (i < line.length && line[i] !== '"') {
        if (line[i] === '\\' && i + 1 < line.length) i++
        tok += line[i++]
      }
      i++
    } else {
      while (i < line.length && line[i] !== ' ' && line[i] !== '\t') tok += line[i++]
    }
    out.push(tok)
  }
  return out
}

function cidr(text: string): string {
  if (text.includes('/')) {
    const p = parsePrefix(text)
    return p ? formatPrefix(p) : text
  }
  const ip = canonicalIP(text)
  return ip ? `${ip}/${ip.includes(':') ? 128 : 32}` : text
}

/**
 * @example
 * parseRule('-A KUBE-SERVICES -m comment --comment "x" -m tcp -p tcp -d 10.0.0.1 --dport 80 -j KUBE-SVC-A')
 * // { chain: 'KUBE-SERVICES', rule: { dst: {cidr: '10.0.0.1/32'}, proto: 'tcp', matches: [comment, tcp], target } }
 */
export function parseRule(line: string): { chain: string; rule: IptRule } {
  const t = tokenize(line)
  let chain = ''
  const rule: IptRule = { matches: [] }
  let current: { opts: Opt[] } | undefined
  let negate = false
  for (let i = 0; i < t.length; i++) {
    const tok = t[i]
    if (tok === '!') {
      negate = true
      continue
    }
    const take = () => t[++i]
    switch (tok) {
      case '-A':
      case '--append':
        chain = take()
        break
      case '-s':
      case '--source':
        rule.src = { neg: negate, cidr: cidr(take()) }
        break
      case '-d':
      case '--destination':
        rule.dst = { neg: negate, cidr: cidr(take()) }
        break
      case '-i':
        rule.inIface = { neg: negate, name: take() }
        break
      case '-o':
        rule.outIface = { neg: negate, name: take() }
        break
      case '-p':
      case '--protocol':
        rule.proto = { neg: negate, name: take() }
        break
      case '-m':
      case '--match': {
        const m: Match = { name: take(), opts: [] }
        rule.matches.push(m)
        current = m
        break
      }
      case '-j':
      case '--jump':
      case '-g':
      case '--goto':
        rule.target = { name: take(), opts: [], goto: tok === '-g' || tok === '--goto' }
        current = rule.target
        break
      default:
        if (tok.startsWith('--')) {
          const name = tok.slice(2)
          const values: string[] = []
          while (i + 1 < t.length && !t[i + 1].startsWith('-') && t[i + 1] !== '!') values.push(t[++i])
          if (!current && (name === 'dport' || name === 'sport') && rule.proto) {
            // an implicit -m tcp/udp/sctp loaded by -p
            const m: Match = { name: rule.proto.name, opts: [] }
            rule.matches.push(m)
            current = m
          }
          current?.opts.push({ neg: negate || undefined, name, values })
        }
    }
    negate = false
  }
  if (!rule.target) delete rule.target
  return { chain, rule }
}
