/**
 * ping: ICMP echo through the simulated network. BusyBox ping in busybox
 * and Alpine images, iputils ping elsewhere, each with its own layout.
 * What answers: Pods and nodes (the kernel answers echo itself), hosts the
 * scenario declares outside. What does not: a ClusterIP in iptables mode
 * (kube-proxy only translates the Service's TCP/UDP/SCTP ports, and no host
 * owns the address); in IPVS mode the ClusterIP is bound to kube-ipvs0 on
 * every node, so the node answers; nftables mode rejects it (port
 * unreachable). Without -c the simulator sends 4 packets, as if the reader
 * had pressed Ctrl-C. Replies are shown by address (as ping -n does).
 */
import type { Output, Program } from '../shell/types.ts'
import { connect, flavour, gaiError, lookupFailed, rttMs } from './connect.ts'
import { replyTtl } from './routers.ts'

export const pingProgram: Program = {
  places: ['workstation', 'pod', 'node'],
  summary: 'send ICMP echo requests (ping): Pods and nodes answer, ClusterIPs only in IPVS mode',
  usage: ['ping [-c COUNT] [-W SECONDS] [-w DEADLINE] [-n] [-q] HOST   (without -c: 4 packets)'],
  run(inv) {
    const args = inv.argv.slice(1)
    let count = 4
    let quiet = false
    const hosts: string[] = []
    for (let i = 0; i < args.length; i++) {
      const a = args[i]
      if (a === '-c') count = Number(args[++i])
      else if (/^-c\d+$/.test(a)) count = Number(a.slice(2))
      else if (a === '-W' || a === '-w' || a === '-i' || a === '-s' || a === '-t' || a === '-I') i++
      else if (a === '-n' || a === '-4' || a === '-6' || a === '-D' || a === '-O') continue
      else if (a === '-q') quiet = true
      else if (a.startsWith('-')) return { exitCode: 2, stdout: '', stderr: `ping: invalid option -- '${a.replace(/^-+/, '')[0]}'\n` }
      else hosts.push(a)
    }
    const bb = flavour(inv.place) === 'busybox'
    if (hosts.length !== 1 || !Number.isInteger(count) || count < 1) {
      return bb
        ? { exitCode: 1, stdout: '', stderr: 'BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\nUsage: ping [OPTIONS] HOST\n' }
        : { exitCode: 2, stdout: '', stderr: 'ping: usage error: Destination address required\n' }
    }
    const host = hosts[0]
    const t = connect(inv, { host, port: 0, proto: 'ICMP' })
    if (lookupFailed(t)) return bb ? { exitCode: 1, stdout: '', stderr: `ping: bad address '${host}'\n`, data: t } : { exitCode: 2, stdout: '', stderr: `ping: ${host}: ${gaiError(inv.place, t)}\n`, data: t }
    const ip = t.address ?? host
    const canon = t.dns && t.dns.question ? t.dns.question.name.replace(/\.$/, '') : host
    const ok = t.result === 'delivered'
    const ttl = replyTtl(inv.cluster, t)
    const rtts = Array.from({ length: count }, (_, i) => rttMs(t, i))
    const lines: string[] = []
    if (bb) {
      lines.push(`PING ${host} (${ip}): 56 data bytes`)
      if (ok && !quiet) rtts.forEach((r, i) => lines.push(`64 bytes from ${ip}: seq=${i} ttl=${ttl} time=${r.toFixed(3)} ms`))
      lines.push('', `--- ${host} ping statistics ---`, `${count} packets transmitted, ${ok ? count : 0} packets received, ${ok ? 0 : 100}% packet loss`)
      if (ok) lines.push(`round-trip min/avg/max = ${Math.min(...rtts).toFixed(3)}/${avg(rtts).toFixed(3)}/${Math.max(...rtts).toFixed(3)} ms`)
    } else {
      lines.push(`PING ${t.dns ? canon : ip} (${ip}) 56(84) bytes of data.`)
      const rejecter = t.hops.find((h) => h.verdict === 'reject')
      if (ok && !quiet) rtts.forEach((r, i) => lines.push(`64 bytes from ${ip}: icmp_seq=${i + 1} ttl=${ttl} time=${r < 1 ? r.toFixed(3) : r.toFixed(2)} ms`))
      if (t.result === 'refused' && rejecter && !quiet) for (let i = 0; i < count; i++) lines.push(`From ${gatewayOf(t) ?? ip} icmp_seq=${i + 1} Destination Port Unreachable`)
      const time = (count - 1) * 1000 + 3 + (count > 1 ? count * 11 : 0)
      const errors = t.result === 'refused' ? `, +${count} errors` : ''
      lines.push('', `--- ${t.dns ? canon : ip} ping statistics ---`, `${count} packets transmitted, ${ok ? count : 0} received${errors}, ${ok ? 0 : 100}% packet loss, time ${time}ms`)
      if (ok) lines.push(`rtt min/avg/max/mdev = ${Math.min(...rtts).toFixed(3)}/${avg(rtts).toFixed(3)}/${Math.max(...rtts).toFixed(3)}/${mdev(rtts).toFixed(3)} ms`)
    }
    return { exitCode: ok ? 0 : 1, stdout: `${lines.join('\n')}\n`, stderr: '', data: t } satisfies Output
  },
}

/** The node address that sends the ICMP error back to a Pod (its gateway). */
function gatewayOf(t: import('../trace/index.ts').FullTrace): string | undefined {
  const route = t.hops.find((h) => h.handler === 'route' && h.at.startsWith('pod ') && h.rule?.includes(' via '))
  return route?.rule ? /via (\S+)/.exec(route.rule)?.[1] : undefined
}

function avg(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length
}

function mdev(xs: number[]): number {
  const m = avg(xs)
  return Math.sqrt(avg(xs.map((x) => (x - m) ** 2)))
}
