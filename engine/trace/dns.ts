/**
 * The name lookup at the start of a trace, as the sender's resolver does it:
 * /etc/hosts first (one hop, no query), else the DNS module's resolveName
 * (the image's C library, the place's resolv.conf, CoreDNS or the upstream
 * resolver), shown as two hops: the query leaving the client and the answer
 * (or its absence).
 */
import type { Place } from '../shell/types.ts'
import { hostsFileLookup, resolveName, resolvConfFor } from '../dns/index.ts'
import type { DnsLookupData } from '../dns/index.ts'
import type { WalkContext } from './context.ts'
import { push } from './context.ts'
import { ephemeralPort } from './choice.ts'
import type { Tuple } from './types.ts'

export interface Resolved {
  ip?: string
  /** the DNS exchange; absent when /etc/hosts answered */
  data?: DnsLookupData
  failure?: 'nxdomain' | 'timeout'
}

/**
 * Resolves `name` from `place`, appending the resolver and server hops.
 *
 * @example
 * resolveHops(ctx, { kind: 'pod', pod }, 'web', '10.244.1.2', 'A').ip // '10.96.0.50'
 */
export function resolveHops(ctx: WalkContext, place: Place, who: string, name: string, srcIP: string, type: 'A' | 'AAAA'): Resolved {
  // NSS "hosts: files dns" (glibc; musl likewise): /etc/hosts answers first, and kubelet's Pod file maps localhost
  // (pkg/kubelet/kubelet_pods.go managedHostsFileContent); curl >= 7.78 answers localhost itself (lib/hostip.c get_localhost)
  const fromFile = hostsFileLookup(ctx.cluster, place, name)
  if (fromFile.length) {
    const ip = fromFile.find((a) => a.includes(':') === (type === 'AAAA')) ?? fromFile[0]
    const t: Tuple = { src: '', sport: 0, dst: ip, dport: 0, proto: 'UDP' }
    const local = name.toLowerCase() === 'localhost'
    push(ctx, {
      at: who,
      handler: 'resolver',
      before: t,
      after: { ...t },
      note: `/etc/hosts has ${name} → ${fromFile.join(', ')}: the C library reads it before DNS (nsswitch.conf "hosts: files dns"; musl does the same), so no query is sent${local && place.kind === 'pod' ? '. kubelet writes "127.0.0.1 localhost" and "::1 localhost" into every Pod\'s /etc/hosts (managedHostsFileContent)' : ''}${local ? '; curl (7.78 and later) does not even ask: it answers localhost with the loopback addresses itself' : ''}`,
    })
    return { ip }
  }
  const data = resolveName(ctx.cluster, place, name, type)
  const conf = resolvConfFor(ctx.cluster, place)
  const server = data.server ?? conf.nameservers[0] ?? '127.0.0.1'
  const q: Tuple = { src: srcIP, sport: ephemeralPort(srcIP, server, 53, 'UDP', ctx.seed + 1), dst: server, dport: 53, proto: 'UDP' }
  const walk = data.tried.length > 1 ? `; tried ${data.tried.join(', ')}` : ''
  const ndots = conf.options.find((o) => o.startsWith('ndots:'))
  push(ctx, {
    at: who,
    handler: 'resolver',
    before: q,
    after: q,
    note: `${data.resolver} resolver asks ${server} for ${name} (${type})${conf.search.length ? ` with search list ${conf.search.join(' ')}${ndots ? ` and ${ndots}` : ''}` : ''}${walk}`,
  })
  const coredns = ctx.cluster.config.dnsServiceIPs.includes(server) || ctx.cluster.index.pod.has(server)
  const answers = data.answers.map((a) => `${a.name} ${a.type} ${a.data}`).join(', ')
  const reply: Tuple = { src: q.dst, sport: 53, dst: q.src, dport: q.sport, proto: 'UDP' }
  if (data.rcode === 'TIMEOUT') {
    push(ctx, { at: `DNS ${server}`, handler: coredns ? 'coredns' : 'upstream-dns', before: q, after: q, note: `no answer: ${data.error ?? 'timed out'}${coredns ? ' (CoreDNS is unreachable from here: a policy dropping DNS, or a workstation outside the cluster)' : ''}`, verdict: 'timeout' })
    return { data, failure: 'timeout' }
  }
  const ip = [...data.answers].reverse().find((a) => a.type === type)?.data
  if (!ip) {
    push(ctx, {
      at: coredns ? `CoreDNS via ${server}` : `DNS ${server}`,
      handler: coredns ? 'coredns' : 'upstream-dns',
      before: reply,
      after: reply,
      note: `${data.rcode}${answers ? ` (${answers}, no ${type} record)` : ''} for ${data.question.name}: the name does not resolve${data.rcode === 'NXDOMAIN' && coredns ? ' in the cluster or upstream' : ''}`,
      verdict: 'nxdomain',
    })
    return { data, failure: 'nxdomain' }
  }
  const cname = data.answers.find((a) => a.type === 'CNAME')
  const zone = `.svc.${ctx.cluster.config.clusterDomain}.`
  const alias = cname?.name.endsWith(zone) ? ctx.cluster.index.service.get(cname.name.slice(0, -zone.length).split('.').reverse().join('/')) : undefined
  push(ctx, {
    at: coredns ? `CoreDNS via ${server}` : `DNS ${server}`,
    handler: coredns ? 'coredns' : 'upstream-dns',
    before: reply,
    after: reply,
    note: `${answers}${alias?.type === 'ExternalName' ? `: Service ${alias.meta.namespace}/${alias.meta.name} is an ExternalName, a DNS alias for ${alias.externalName}; CoreDNS answers with the CNAME (and the upstream resolver's addresses), and ${ctx.cluster.config.kubeProxyReplacement ? 'Cilium\'s load balancer has no frontend' : 'kube-proxy has no rule'} for it: the connection goes straight to ${ip}` : cname ? `: ${cname.name} is an alias (CNAME)` : ''}${coredns ? (ctx.cluster.config.kubeProxyReplacement ? ' (the query itself went to a CoreDNS Pod through Cilium\'s socket-LB, like any Service connection)' : ' (the query itself went through kube-proxy to a CoreDNS Pod, like any Service connection)') : ''}`,
  })
  return { ip, data }
}
