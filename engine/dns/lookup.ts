/**
 * An application's name lookup from a place in the cluster, as data: what a
 * program linked against the image's C library gets back, which names its
 * resolver tried, and the records of the answer that decided it.
 */
import type { Cluster } from '../model/types.ts'
import type { Place } from '../shell/types.ts'
import type { Rcode, RRType } from './message.ts'
import { resolvConfFor } from './resolv-conf.ts'
import type { Libc, StubResult } from './stub-resolver.ts'
import { libcLookup, libcOf } from './stub-resolver.ts'
import { sendQuery } from './transport.ts'

export interface DnsAnswer {
  name: string
  type: RRType
  ttl: number
  data: string
}

/** The `data` of DNS commands and of `dns:` checks. */
export interface DnsLookupData {
  /** the rcode of the reply the result rests on; TIMEOUT when no server answered */
  rcode: Rcode | 'TIMEOUT'
  question: { name: string; type: RRType }
  answers: DnsAnswer[]
  /** every name sent, in order */
  tried: string[]
  /** the server that answered (or the last one tried) */
  server?: string
  /** which resolver algorithm ran */
  resolver: string
  /** why no answer came: "connection timed out", "connection refused" */
  error?: string
}

/**
 * Turns a stub resolver's walk into the data shape.
 *
 * @example
 * lookupData(glibcSearch(conf, send, 'web', 'A'), 'glibc', { name: 'web', type: 'A' }).tried
 */
export function lookupData(r: StubResult, resolver: string, asked: { name: string; type: RRType }): DnsLookupData {
  const tried = r.attempts.map((a) => a.name)
  const final = r.final
  if (!final || final.delivery.kind !== 'answer') {
    return {
      rcode: 'TIMEOUT',
      question: { name: final?.name ?? asked.name, type: asked.type },
      answers: [],
      tried,
      server: final?.server,
      resolver,
      error: final?.delivery.kind === 'refused' ? 'connection refused' : 'connection timed out; no servers could be reached',
    }
  }
  const m = final.delivery.message
  return {
    rcode: m.rcode,
    question: { name: final.name, type: final.type },
    answers: m.answer.map((a) => ({ name: a.name, type: a.type, ttl: a.ttl, data: a.data })),
    tried,
    server: final.server,
    resolver,
  }
}

/**
 * Resolves `name` as a program in `place` would: through the libc of the Pod's
 * image (glibc or musl), with the place's resolv.conf.
 *
 * @example
 * resolveName(cluster, { kind: 'pod', pod }, 'web', 'A')
 * // { rcode: 'NOERROR', question: { name: 'web.default.svc.cluster.local.', type: 'A' }, answers: [...], tried: [...] }
 */
export function resolveName(cluster: Cluster, place: Place, name: string, type: RRType, libc?: Libc): DnsLookupData {
  const conf = resolvConfFor(cluster, place)
  const lib = libc ?? (place.kind === 'pod' ? libcOf(place.image ?? place.pod.containers.find((c) => c.name === place.container)?.image ?? place.pod.containers[0]?.image ?? '') : 'glibc')
  const r = libcLookup(lib, conf, (server, n, t) => sendQuery(cluster, place, server, { name: n, type: t }), name, type)
  return lookupData(r, lib, { name, type })
}
