/**
 * An application's name lookup from a place in the cluster, as data: what a
 * program linked against the image's C library gets back, which names its
 * resolver tried, and the records of the answer that decided it.
 */
import type { Cluster } from '../model/types.ts'
import type { Place } from '../shell/types.ts'
import type { Rcode, RRType } from './message.ts'
import { resolvConfFor } from './resolv-conf.ts'
import type { AddressLookup, Family, Libc, StubResult } from './stub-resolver.ts'
import { addressLookup, libcLookup, libcOf } from './stub-resolver.ts'
import type { ResolvConf } from './resolv-conf.ts'
import { sendQuery } from './transport.ts'
import { placeContainer } from '../model/containers.ts'

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
  /** every query of an address lookup (A and AAAA per name), in the order sent, with the reply's rcode */
  queries?: { name: string; type: RRType; rcode: Rcode | 'TIMEOUT'; answers: number }[]
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
  const lib = libc ?? (place.kind === 'pod' ? libcOf(place.image ?? placeContainer(place.pod, place.container)?.image ?? '') : 'glibc')
  const r = libcLookup(lib, conf, (server, n, t) => sendQuery(cluster, place, server, { name: n, type: t }), name, type)
  return lookupData(r, lib, { name, type })
}

/** The C library of the program that runs at `place`: the container's image decides in a Pod; nodes and the workstation are glibc. */
export function libcAt(place: Place): Libc {
  if (place.kind !== 'pod') return 'glibc'
  const c = placeContainer(place.pod, place.container)
  return libcOf(c?.image ?? '')
}

/**
 * getaddrinfo as a program at `place` calls it (AF_UNSPEC by default: A and
 * AAAA for every name of the search walk), through its image's C library.
 * `data` is the usual lookup shape (tried = each name once; queries = every
 * query with its rcode); `lookup` keeps the walk itself.
 *
 * @example
 * resolveAddresses(cluster, { kind: 'pod', pod }, 'web').data.queries?.length // 2: A and AAAA of web.default.svc.cluster.local.
 */
export function resolveAddresses(cluster: Cluster, place: Place, name: string, family: Family = 'unspec', libc?: Libc): { data: DnsLookupData; lookup: AddressLookup; conf: ResolvConf; libc: Libc } {
  const conf = resolvConfFor(cluster, place)
  const lib = libc ?? libcAt(place)
  const lookup = addressLookup(lib, conf, (server, n, t) => sendQuery(cluster, place, server, { name: n, type: t }), name, family)
  const queries = lookup.steps.flatMap((s) =>
    s.queries.map((q) => ({ name: q.name, type: q.type, rcode: q.delivery.kind === 'answer' ? q.delivery.message.rcode : ('TIMEOUT' as const), answers: q.delivery.kind === 'answer' ? q.delivery.message.answer.length : 0 })),
  )
  const tried = lookup.steps.map((s) => s.name)
  const final = lookup.final
  const first = family === 'inet6' ? 'AAAA' : 'A'
  const answered = final?.queries.filter((q) => q.delivery.kind === 'answer') ?? []
  if (!final || answered.length === 0) {
    const last = final?.queries[final.queries.length - 1]
    return {
      data: {
        rcode: 'TIMEOUT',
        question: { name: final?.name ?? name, type: first },
        answers: [],
        tried,
        server: last?.server,
        resolver: lib,
        error: last?.delivery.kind === 'refused' ? 'connection refused' : 'connection timed out; no servers could be reached',
        queries,
      },
      lookup,
      conf,
      libc: lib,
    }
  }
  // the rcode reported: an answer is NOERROR; otherwise the reply the C library read its error from
  const decisive = final.status === 'nxdomain' ? answered.find((q) => q.delivery.kind === 'answer' && q.delivery.message.rcode === 'NXDOMAIN') : final.status === 'servfail' ? answered.find((q) => q.delivery.kind === 'answer' && q.delivery.message.rcode === 'SERVFAIL') : answered[0]
  const m = (decisive ?? answered[0]).delivery
  const rcode = final.status === 'answer' ? 'NOERROR' : m.kind === 'answer' ? m.message.rcode : 'SERVFAIL'
  return {
    data: {
      rcode,
      question: { name: final.name, type: first },
      // the records of both replies, each once (an alias's CNAME comes back in the A and the AAAA reply)
      answers: uniqueRecords(answered.flatMap((q) => (q.delivery.kind === 'answer' ? q.delivery.message.answer.map((a) => ({ name: a.name, type: a.type, ttl: a.ttl, data: a.data })) : []))),
      tried,
      server: answered[0].server,
      resolver: lib,
      queries,
    },
    lookup,
    conf,
    libc: lib,
  }
}

function uniqueRecords(rs: DnsAnswer[]): DnsAnswer[] {
  const seen = new Set<string>()
  return rs.filter((r) => {
    const k = `${r.name.toLowerCase()} ${r.type} ${r.data}`
    if (seen.has(k)) return false
    seen.add(k)
    return true
  })
}
