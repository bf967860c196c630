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
import { connectionOf } from './connection-log.ts'
import { dontFragment } from '../dataplane/mtu.ts'

/**
 * The short options each ping takes (getopt strings): iputils ping.c ("aABbc:CdDe:fF:hHi:I:l:Lm:M:nN:Op:qQ:rRs:S:t:T:UvVw:W:"
 * with -4/-6), BusyBox networking/ping.c ("qvAc:+s:t:+w:+W:+I:np:i:46"; it has no -M: it cannot set
 * the don't-fragment bit).
 */
const IPUTILS_OPTIONS = { withArg: 'ceFiIlmMNpQsStTwW', flags: 'aABbCdDfhHLnOqrRUvV46' }
const BUSYBOX_OPTIONS = { withArg: 'cstwWIpi', flags: 'qvAn46' }
const BUSYBOX_USAGE = 'BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\nUsage: ping [OPTIONS] HOST\n'

/** an option the real ping has and the simulation does not model */
function notSimulated(ch: string): Output {
  return { exitCode: 2, stdout: '', stderr: `knet: ping -${ch} is a real option, but it is not simulated here (the simulated ping knows -c -s -M -q -n -4 -6, and takes -W -w -i -t -I)\n` }
}

export const pingProgram: Program = {
  places: ['workstation', 'pod', 'node'],
  summary: 'send ICMP echo requests (ping): Pods and nodes answer, ClusterIPs only in IPVS mode',
  usage: ['ping [-c COUNT] [-s SIZE] [-M do|want|dont] [-W SECONDS] [-w DEADLINE] [-n] [-q] HOST   (without -c: 4 packets)'],
  run(inv) {
    const args = inv.argv.slice(1)
    let count = 4
    let quiet = false
    // -s: ICMP payload bytes (default 56); -M do: set DF and never fragment locally (IP_PMTUDISC_DO)
    let size = 56
    let pmtudisc = 'want'
    const hosts: string[] = []
    const bb = flavour(inv.place) === 'busybox'
    const opts = bb ? BUSYBOX_OPTIONS : IPUTILS_OPTIONS
    for (let i = 0; i < args.length; i++) {
      const a = args[i]
      if (!a.startsWith('-') || a === '-') {
        hosts.push(a)
        continue
      }
      // getopt: flags may be grouped (-qn), an option's argument attached (-W1) or next (-W 1)
      for (let k = 1; k < a.length; k++) {
        const ch = a[k]
        if (opts.withArg.includes(ch)) {
          const v = k + 1 < a.length ? a.slice(k + 1) : args[++i]
          if (v === undefined) return bb ? { exitCode: 1, stdout: '', stderr: `ping: option requires an argument -- '${ch}'\n${BUSYBOX_USAGE}` } : { exitCode: 2, stdout: '', stderr: `ping: option requires an argument -- '${ch}'\n` }
          if (ch === 'c') count = Number(v)
          else if (ch === 's') {
            if (!/^\d+$/.test(v)) return { exitCode: 2, stdout: '', stderr: `ping: invalid argument: '${v}'\n` }
            size = Number(v)
            // iputils: 65535 minus the IPv4 and ICMP headers
            if (size > 65507) return { exitCode: 2, stdout: '', stderr: `ping: packet size ${size} is too large. Maximum is 65507\n` }
          } else if (ch === 'M') {
            if (v !== 'do' && v !== 'want' && v !== 'dont' && v !== 'probe') return { exitCode: 2, stdout: '', stderr: `ping: invalid -M argument: ${v}\n` }
            pmtudisc = v
          } else if (!'WwitI'.includes(ch)) return notSimulated(ch)
          break
        }
        if (ch === 'q') quiet = true
        else if ('n46'.includes(ch)) continue
        else if (opts.flags.includes(ch)) return notSimulated(ch)
        else return bb ? { exitCode: 1, stdout: '', stderr: `ping: invalid option -- '${ch}'\n${BUSYBOX_USAGE}` } : { exitCode: 2, stdout: '', stderr: `ping: invalid option -- '${ch}'\n` }
      }
    }
    if (hosts.length !== 1 || !Number.isInteger(count) || count < 1) {
      return bb
        ? { exitCode: 1, stdout: '', stderr: BUSYBOX_USAGE }
        : { exitCode: 2, stdout: '', stderr: 'ping: usage error: Destination address required\n' }
    }
    const host = hosts[0]
    const t = connect(inv, { host, port: 0, proto: 'ICMP' })
    const record = connectionOf(inv.session, t)
    if (record) record.echo = { count, size }
    if (lookupFailed(t)) return bb ? { exitCode: 1, stdout: '', stderr: `ping: bad address '${host}'\n`, data: t } : { exitCode: 2, stdout: '', stderr: `ping: ${host}: ${gaiError(inv.place, t)}\n`, data: t }
    const ip = t.address ?? host
    const canon = t.dns && t.dns.question ? t.dns.question.name.replace(/\.$/, '') : host
    // -M do: the packet (payload + 8 bytes ICMP + 20 bytes IPv4 header) must fit the path unfragmented
    const df = pmtudisc === 'do' || pmtudisc === 'probe' ? dontFragment(inv.cluster, inv.place, ip, size + 28) : undefined
    if (df && df.kind !== 'fits' && !bb) return tooBig(t.dns ? canon : ip, ip, size, count, df)
    const ok = t.result === 'delivered'
    const ttl = replyTtl(inv.cluster, t)
    const rtts = Array.from({ length: count }, (_, i) => rttMs(t, i))
    const lines: string[] = []
    if (bb) {
      lines.push(`PING ${host} (${ip}): ${size} data bytes`)
      if (ok && !quiet) rtts.forEach((r, i) => lines.push(`${size + 8} bytes from ${ip}: seq=${i} ttl=${ttl} time=${r.toFixed(3)} ms`))
      lines.push('', `--- ${host} ping statistics ---`, `${count} packets transmitted, ${ok ? count : 0} packets received, ${ok ? 0 : 100}% packet loss`)
      if (ok) lines.push(`round-trip min/avg/max = ${Math.min(...rtts).toFixed(3)}/${avg(rtts).toFixed(3)}/${Math.max(...rtts).toFixed(3)} ms`)
    } else {
      lines.push(`PING ${t.dns ? canon : ip} (${ip}) ${size}(${size + 28}) bytes of data.`)
      const rejecter = t.hops.find((h) => h.verdict === 'reject')
      if (ok && !quiet) rtts.forEach((r, i) => lines.push(`${size + 8} bytes from ${ip}: icmp_seq=${i + 1} ttl=${ttl} time=${r < 1 ? r.toFixed(3) : r.toFixed(2)} ms`))
      if (t.result === 'refused' && rejecter && !quiet) for (let i = 0; i < count; i++) lines.push(`From ${gatewayOf(t) ?? ip} icmp_seq=${i + 1} Destination Port Unreachable`)
      const time = (count - 1) * 1000 + 3 + (count > 1 ? count * 11 : 0)
      const errors = t.result === 'refused' ? `, +${count} errors` : ''
      lines.push('', `--- ${t.dns ? canon : ip} ping statistics ---`, `${count} packets transmitted, ${ok ? count : 0} received${errors}, ${ok ? 0 : 100}% packet loss, time ${time}ms`)
      if (ok) lines.push(`rtt min/avg/max/mdev = ${Math.min(...rtts).toFixed(3)}/${avg(rtts).toFixed(3)}/${Math.max(...rtts).toFixed(3)}/${mdev(rtts).toFixed(3)} ms`)
    }
    return { exitCode: ok ? 0 : 1, stdout: `${lines.join('\n')}\n`, stderr: '', data: t } satisfies Output
  },
}

/**
 * iputils ping when DF is set and the packet is larger than the path: each
 * local EMSGSIZE is "ping: local error: message too long, mtu=N" on stderr
 * (receive_error_msg); an ICMP "fragmentation needed" from a router is
 * printed as "From ADDR icmp_seq=N Frag needed and DF set (mtu = M)", after
 * which the kernel knows the smaller path MTU and the next packets fail locally.
 */
function tooBig(shown: string, ip: string, size: number, count: number, df: Exclude<ReturnType<typeof dontFragment>, { kind: 'fits' }>): Output {
  const lines = [`PING ${shown} (${ip}) ${size}(${size + 28}) bytes of data.`]
  let stderr = ''
  for (let i = 0; i < count; i++) {
    if (df.kind === 'frag-needed' && i === 0) lines.push(`From ${df.from} icmp_seq=1 Frag needed and DF set (mtu = ${df.mtu})`)
    else stderr += `ping: local error: message too long, mtu=${df.mtu}\n`
  }
  const time = (count - 1) * 1000 + 3 + (count > 1 ? count * 11 : 0)
  lines.push('', `--- ${shown} ping statistics ---`, `${count} packets transmitted, 0 received, +${count} errors, 100% packet loss, time ${time}ms`)
  return { exitCode: 1, stdout: `${lines.join('\n')}\n`, stderr }
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
