/**
 * traceroute: UDP probes to ports 33434 and up with growing TTLs. Each
 * forwarding node answers the expired probe with ICMP time exceeded from
 * its address toward the sender, and the destination answers port
 * unreachable. kube-proxy never translates the probe ports, so a traceroute
 * to a ClusterIP shows the first node and then stars: the address exists in
 * no routing table. An overlay hop counts as one: the tunnel hides the
 * underlay. Addresses are printed without reverse lookups.
 */
import type { Program } from '../shell/types.ts'
import { connect, flavour, gaiError, lookupFailed } from './connect.ts'
import { hashOf } from '../trace/choice.ts'
import { routersOf } from './routers.ts'

export const tracerouteProgram: Program = {
  places: ['workstation', 'pod', 'node'],
  summary: 'show the routers on the way to a host (traceroute)',
  usage: ['traceroute [-n] [-m MAX_TTL] [-q NQUERIES] HOST'],
  run(inv) {
    const args = inv.argv.slice(1)
    let max = 30
    let queries = 3
    const hosts: string[] = []
    for (let i = 0; i < args.length; i++) {
      const a = args[i]
      if (a === '-m') max = Number(args[++i])
      else if (a === '-q') queries = Number(args[++i])
      else if (a === '-n' || a === '-I' || a === '-U' || a === '-4') continue
      else if (a.startsWith('-')) return { exitCode: 2, stdout: '', stderr: `Bad option \`${a}' (argc 1)\n` }
      else hosts.push(a)
    }
    const bb = flavour(inv.place) === 'busybox'
    if (hosts.length !== 1 || !(max >= 1 && max <= 255) || !(queries >= 1 && queries <= 10)) return { exitCode: 2, stdout: '', stderr: 'Usage: traceroute [-n] [-m max_ttl] [-q nqueries] host\n' }
    const host = hosts[0]
    const t = connect(inv, { host, port: 33434, proto: 'UDP', record: false })
    if (lookupFailed(t)) return { exitCode: bb ? 1 : 2, stdout: '', stderr: bb ? `traceroute: bad address '${host}'\n` : `${host}: ${gaiError(inv.place, t)}\nCannot handle "host" cmdline arg \`${host}' on position 1 (argc 1)\n`, data: t }
    const ip = t.address ?? host
    const lines = [`traceroute to ${host} (${ip}), ${max} hops max, ${bb ? 46 : 60} byte packets`]
    const routers = routersOf(inv.cluster, t)
    // the destination answers (port unreachable) when the probe reached something with that address
    const answered = t.result === 'delivered' || (t.result === 'refused' && !t.hops.some((h) => h.verdict === 'reject' && h.handler !== 'socket'))
    const hops = routers.map((r) => r.address)
    if (answered && hops[hops.length - 1] !== ip) hops.push(ip)
    // each hop further adds a little: microseconds inside a node, a fraction of a millisecond per network crossing
    const times = (n: number) => Array.from({ length: queries }, (_, q) => `${(0.04 + 0.18 * (n - 1) + (hashOf('tr', host, n, q) % 100) / 1000).toFixed(3)} ms`).join('  ')
    for (let n = 1; n <= max; n++) {
      const h = hops[n - 1]
      const num = String(n).padStart(2)
      if (h) lines.push(`${num}  ${h} (${h})  ${times(n)}`)
      else if (answered) break
      else lines.push(`${num}  ${Array.from({ length: queries }, () => '*').join(' ')}`)
    }
    return { exitCode: 0, stdout: `${lines.join('\n')}\n`, stderr: '', data: t }
  },
}
