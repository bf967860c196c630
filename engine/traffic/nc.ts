/**
 * nc -z (port scan) through the simulated network. BusyBox nc
 * (networking/nc_bloaty.c) in busybox and Alpine images: "HOST (IP:PORT)
 * open" with -v; a refusal is only reported with -vv ("if we're scanning at
 * a 'one -v' verbosity level, don't print refusals"); timeouts always are.
 * OpenBSD netcat elsewhere: "Connection to HOST (IP) PORT port [tcp/NAME]
 * succeeded!" and "nc: connect to HOST port PORT (tcp) failed: …".
 * UDP (-u) cannot tell open from filtered: only an ICMP port unreachable
 * counts as closed, exactly as with the real tools.
 */
import type { Output, Program } from '../shell/types.ts'
import { connectionOf } from './connection-log.ts'
import { connect, flavour, gaiError, lookupFailed } from './connect.ts'

const SERVICES: Record<string, string> = { '22/tcp': 'ssh', '53/tcp': 'domain', '53/udp': 'domain', '80/tcp': 'http', '443/tcp': 'https', '3306/tcp': 'mysql', '5432/tcp': 'postgresql', '6379/tcp': 'redis', '8080/tcp': 'http-alt', '2379/tcp': 'etcd-client', '2380/tcp': 'etcd-server', '6443/tcp': 'sun-sr-https' }

export const ncProgram: Program = {
  places: ['workstation', 'pod', 'node'],
  summary: 'check whether a port is open (nc -zv HOST PORT)',
  usage: ['nc -z[v[v]] [-u] [-w SECONDS] HOST PORT'],
  run(inv) {
    const args = inv.argv.slice(1)
    let verbose = 0
    let zero = false
    let udp = false
    let wait: number | undefined
    const rest: string[] = []
    for (let i = 0; i < args.length; i++) {
      const a = args[i]
      if (a === '-w') wait = Number(args[++i])
      else if (/^-w\d+$/.test(a)) wait = Number(a.slice(2))
      else if (/^-[zvunN]+$/.test(a)) {
        for (const f of a.slice(1)) {
          if (f === 'z') zero = true
          else if (f === 'v') verbose++
          else if (f === 'u') udp = true
        }
      } else if (a.startsWith('-')) return { exitCode: 1, stdout: '', stderr: `nc: invalid option -- '${a[1]}'\n` }
      else rest.push(a)
    }
    const bb = flavour(inv.place) === 'busybox'
    if (rest.length !== 2 || !/^\d+$/.test(rest[1])) return { exitCode: 1, stdout: '', stderr: bb ? 'BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\nUsage: nc [OPTIONS] HOST PORT  - connect\n' : 'usage: nc [-46CDdFhklNnrStUuvZz] [-I length] [-i interval] [-M ttl]\n\t  [-m minttl] [-O length] [-P proxy_username] [-p source_port]\n\t  [-q seconds] [-s sourceaddr] [-T keyword] [-V rtable] [-W recvlimit]\n\t  [-w timeout] [-X proxy_protocol] [-x proxy_address[:port]]\n\t  [destination] [port]\n' }
    if (!zero) return { exitCode: 1, stdout: '', stderr: 'nc: the simulator runs nc only in scan mode: add -z (nc -zv HOST PORT)\n' }
    const [host, portText] = rest
    const port = Number(portText)
    const proto = udp ? 'UDP' : 'TCP'
    const t = connect(inv, { host, port, proto })
    // OpenBSD nc -zu (Debian's netcat-openbsd) tests a UDP port by writing "X" four times (netcat.c udptest)
    const record = connectionOf(inv.session, t)
    if (record && udp && !bb) record.udpProbes = 4
    const ip = t.address ?? host
    const svc = SERVICES[`${port}/${proto.toLowerCase()}`] ?? '*'
    let state: 'open' | 'refused' | 'timeout' | 'nxdomain'
    if (lookupFailed(t)) state = 'nxdomain'
    else if (t.result === 'delivered') state = 'open'
    else if (t.result === 'refused') state = 'refused'
    else state = udp ? 'open' : 'timeout'
    let stderr = ''
    if (bb) {
      if (state === 'nxdomain') stderr = `nc: bad address '${host}'\n`
      else if (state === 'open' && verbose) stderr = `${host} (${ip}:${port}) open\n`
      else if (state === 'refused' && verbose > 1) stderr = `nc: ${host} (${ip}:${port}): Connection refused\n`
      else if (state === 'timeout' && verbose) stderr = `nc: ${host} (${ip}:${port}): Connection timed out\n`
    } else {
      if (state === 'nxdomain') stderr = `nc: getaddrinfo for host "${host}" port ${port}: ${gaiError(inv.place, t)}\n`
      else if (state === 'open' && verbose) stderr = `Connection to ${host}${host !== ip ? ` (${ip})` : ''} ${port} port [${proto.toLowerCase()}/${svc}] succeeded!\n`
      else if (state === 'refused') stderr = `nc: connect to ${host} port ${port} (${proto.toLowerCase()}) failed: Connection refused\n`
      else if (state === 'timeout') stderr = wait !== undefined ? `nc: connect to ${host} port ${port} (${proto.toLowerCase()}) timed out: Operation now in progress\n` : `nc: connect to ${host} port ${port} (${proto.toLowerCase()}) failed: Connection timed out\n`
    }
    return { exitCode: state === 'open' ? 0 : 1, stdout: '', stderr, data: t } satisfies Output
  },
}
