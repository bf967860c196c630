/**
 * The tier evaluation of evaluate.ts, done for whole rows at once: for every
 * subject class, one bit per peer class, so a rule's peer match is computed
 * once per class instead of once per pair. Only for Pods on the Pod network
 * (no exemption can apply between two of them); the property tests hold this
 * equal to evaluateSide pair by pair.
 */
import type { Pod, Protocol } from '../model/types.ts'
import type { PolicySet } from './policy-set.ts'
import type { Endpoint } from './endpoint.ts'
import type { Tiers } from './evaluate.ts'
import { inTiers } from './evaluate.ts'
import type { AdminRule, CompiledAdminPolicy, CompiledNetworkPolicy, NpRule } from './model.ts'
import { admits } from './model.ts'
import { adminPeerMatches, adminPortMatches, adminSelects, npRulePeerMatches, npRulePortMatches, npSelects } from './match.ts'

export interface ClassInput {
  /** one Pod-network endpoint per class, in class order */
  reps: Endpoint[]
  /** the port judged when the class is the destination */
  ports: { port: number; protocol: Protocol }[]
}

/** Bit rows: row i, bit j = the verdict with class i as subject and class j as peer. */
export interface ClassVerdicts {
  words: number
  /** subject = source, peer = destination */
  egress: Uint32Array
  /** subject = destination, peer = source */
  ingress: Uint32Array
}

export function bit(rows: Uint32Array, words: number, i: number, j: number): boolean {
  return (rows[i * words + (j >>> 5)] & (1 << (j & 31))) !== 0
}

export function classVerdicts(set: PolicySet, input: ClassInput, tiers: Tiers): ClassVerdicts {
  const n = input.reps.length
  const W = (n + 31) >>> 5
  const reps = input.reps
  const pod = (i: number): Pod => reps[i].pod!
  const full = new Uint32Array(W)
  for (let j = 0; j < n; j++) full[j >>> 5] |= 1 << (j & 31)

  // peer bits per rule (the peer side does not depend on the port)
  const npPeerBits = new Map<NpRule, Uint32Array>()
  const adminPeerBits = new Map<AdminRule, Uint32Array>()
  const npPeers = (np: CompiledNetworkPolicy, r: NpRule) => {
    let b = npPeerBits.get(r)
    if (!b) {
      b = new Uint32Array(W)
      for (let j = 0; j < n; j++) if (npRulePeerMatches(np, r, reps[j])) b[j >>> 5] |= 1 << (j & 31)
      npPeerBits.set(r, b)
    }
    return b
  }
  const adminPeers = (r: AdminRule) => {
    let b = adminPeerBits.get(r)
    if (!b) {
      b = new Uint32Array(W)
      for (let j = 0; j < n; j++) if (r.peers.some((p) => adminPeerMatches(set, p, reps[j], !admits(r.action)))) b[j >>> 5] |= 1 << (j & 31)
      adminPeerBits.set(r, b)
    }
    return b
  }
  // egress: the port is the peer's (destination) port, so port bits go per peer class
  const npEgressBits = new Map<NpRule, Uint32Array>()
  const adminEgressBits = new Map<AdminRule, Uint32Array>()
  const npEgress = (np: CompiledNetworkPolicy, r: NpRule) => {
    let b = npEgressBits.get(r)
    if (!b) {
      const peers = npPeers(np, r)
      b = new Uint32Array(W)
      for (let j = 0; j < n; j++) {
        if ((peers[j >>> 5] & (1 << (j & 31))) === 0) continue
        const pp = input.ports[j]
        if (npRulePortMatches(r, pp.port, pp.protocol, pod(j))) b[j >>> 5] |= 1 << (j & 31)
      }
      npEgressBits.set(r, b)
    }
    return b
  }
  const adminEgress = (r: AdminRule) => {
    let b = adminEgressBits.get(r)
    if (!b) {
      const peers = adminPeers(r)
      b = new Uint32Array(W)
      for (let j = 0; j < n; j++) {
        if ((peers[j >>> 5] & (1 << (j & 31))) === 0) continue
        const pp = input.ports[j]
        if (adminPortMatches(r.ports, pp.port, pp.protocol, pod(j))) b[j >>> 5] |= 1 << (j & 31)
      }
      adminEgressBits.set(r, b)
    }
    return b
  }

  const egress = new Uint32Array(n * W)
  const ingress = new Uint32Array(n * W)
  const undecided = new Uint32Array(W)
  const toNext = new Uint32Array(W)
  const allowed = new Uint32Array(W)
  const m = new Uint32Array(W)

  for (let i = 0; i < n; i++) {
    const subject = reps[i]
    const admins: CompiledAdminPolicy[] = set.admin.filter((a) => inTiers(tiers, a) && adminSelects(a, subject))
    const nps = tiers.networkPolicy ? (set.byNamespace.get(subject.pod!.meta.namespace) ?? []).filter((np) => npSelects(np, subject)) : []
    const baselines: CompiledAdminPolicy[] = set.baselines.filter((b) => inTiers(tiers, b) && adminSelects(b, subject))
    const own = input.ports[i]
    for (const dir of ['egress', 'ingress'] as const) {
      undecided.set(full)
      toNext.fill(0)
      allowed.fill(0)
      const ruleBits = (r: AdminRule): Uint32Array | undefined => {
        if (dir === 'egress') return adminEgress(r)
        return adminPortMatches(r.ports, own.port, own.protocol, pod(i)) ? adminPeers(r) : undefined
      }
      // ANP: first matching rule decides; Pass hands the peer to the next tier
      for (const a of admins) {
        for (const r of dir === 'ingress' ? a.ingress : a.egress) {
          const b = ruleBits(r)
          if (!b) continue
          for (let w = 0; w < W; w++) {
            const hit = b[w] & undecided[w]
            if (admits(r.action)) allowed[w] |= hit
            else if (r.action === 'Pass') toNext[w] |= hit
            undecided[w] &= ~hit
          }
        }
      }
      for (let w = 0; w < W; w++) undecided[w] |= toNext[w]
      // NetworkPolicy: isolation decides everything that reaches it
      const type = dir === 'ingress' ? 'Ingress' : 'Egress'
      const selecting = nps.filter((np) => np.policyTypes.includes(type))
      if (selecting.length) {
        m.fill(0)
        for (const np of selecting) {
          for (const r of dir === 'ingress' ? np.ingress : np.egress) {
            if (dir === 'egress') {
              const b = npEgress(np, r)
              for (let w = 0; w < W; w++) m[w] |= b[w]
            } else if (npRulePortMatches(r, own.port, own.protocol, pod(i))) {
              const b = npPeers(np, r)
              for (let w = 0; w < W; w++) m[w] |= b[w]
            }
          }
        }
        for (let w = 0; w < W; w++) {
          allowed[w] |= m[w] & undecided[w]
          undecided[w] = 0
        }
      }
      // the Baseline tier (Pass there goes on to the default allow), then the default allow
      for (const bp of baselines) {
        for (const r of dir === 'ingress' ? bp.ingress : bp.egress) {
          const b = ruleBits(r)
          if (!b) continue
          for (let w = 0; w < W; w++) {
            const hit = b[w] & undecided[w]
            if (admits(r.action) || r.action === 'Pass') allowed[w] |= hit
            undecided[w] &= ~hit
          }
        }
      }
      const out = dir === 'egress' ? egress : ingress
      for (let w = 0; w < W; w++) out[i * W + w] = allowed[w] | undecided[w]
    }
  }
  return { words: W, egress, ingress }
}
