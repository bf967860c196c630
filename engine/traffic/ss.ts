/**
 * ss (iproute2): the sockets of a node or of a Pod's network namespace, from
 * what the engine knows runs there.
 *
 * On a node (kubeadm's layout): kube-apiserver on *:6443; etcd on
 * 127.0.0.1:2379 and NODE:2379 (client), NODE:2380 (peer) and
 * 127.0.0.1:2381 (metrics, --listen-metrics-urls); kube-controller-manager
 * 127.0.0.1:10257 and kube-scheduler 127.0.0.1:10259 (--bind-address=127.0.0.1);
 * kubelet *:10250 and 127.0.0.1:10248 (healthz); kube-proxy *:10256 (healthz)
 * and 127.0.0.1:10249 (metrics), plus one HTTP server per Service
 * healthCheckNodePort. kube-proxy holds no socket for NodePorts: the "port
 * opener" was removed in Kubernetes 1.24 (kubernetes/kubernetes#108496);
 * NodePorts live in the packet filter only. containerd's CRI streaming server
 * listens on 127.0.0.1 and a random port (stream_server_port "0");
 * systemd-resolved on 127.0.0.53%lo:53 and 127.0.0.54:53; sshd on 22. The
 * CNI adds its own: the kernel's VXLAN socket (UDP 8472 for flannel and
 * Cilium, 4789 for Calico VXLAN, Geneve 6081), which no process owns; BIRD's
 * BGP port 179 and Felix's health port 127.0.0.1:9099 (Calico); flanneld's
 * healthz/readyz server on *:8081 (kube-flannel.yml v0.28.9's --healthz-port);
 * cilium-agent's 127.0.0.1:9879 (health API) and 127.0.0.1:9890 (gops), as
 * Cilium's firewall-requirements table lists them.
 * In a Pod: the ports its containers listen on (engine/traffic/servers.ts);
 * `-p` names the process only for the container the command runs in (each
 * container has its own PID namespace).
 * Established sockets (`ss -tn`): BIRD's BGP sessions (Calico), the long-lived API server connections of
 * the node agents and CoreDNS, and their other ends on the control plane.
 *
 * Layout (misc/ss.c): columns Netid (when more than one socket table is
 * shown), State (when more than one state is), Recv-Q and Send-Q (printed
 * "%-6d"), "Local Address:" right-aligned then its Port, the same for the
 * peer, then Process (` users:(("NAME",pid=N,fd=N))`). Without a terminal
 * (kubectl exec, ssh NODE CMD) ss renders compactly: each column as wide as
 * its widest cell, one space between columns, no padding after the last.
 * Process IDs and file descriptors are drawn from the node and process
 * names, as a real node's would differ from boot to boot.
 */
import type { Cluster, Node, Pod } from '../model/types.ts'
import type { Output, Program } from '../shell/types.ts'
import { podListeners } from './servers.ts'
import type { Listener } from './servers.ts'
import { hashOf, EPHEMERAL_MIN, EPHEMERAL_MAX } from '../trace/choice.ts'
import { ipFamilyOf } from '../net/ip.ts'
import { containerOf, defaultContainerOf } from '../model/containers.ts'

type State = 'LISTEN' | 'UNCONN' | 'ESTAB'

export interface Socket {
  proto: 'tcp' | 'udp'
  state: State
  /** as ss prints it: 127.0.0.1, *, [::], 127.0.0.53%lo, [fd00::1] */
  local: string
  lport: number
  peer: string
  pport: number
  recvQ: number
  sendQ: number
  users?: { name: string; pid: number; fd: number }[]
}

/** Go's net.Listen and most daemons: the kernel's somaxconn (4096 since Linux 5.4) as the backlog */
const SOMAXCONN = 4096

function pidOf(node: string, process: string): number {
  return 400 + (hashOf('pid', node, process) % 9000)
}

function fdOf(node: string, process: string, i: number): number {
  return 3 + (hashOf('fd', node, process) % 12) + i
}

function ephemeral(...parts: (string | number)[]): number {
  return EPHEMERAL_MIN + (hashOf('ss', ...parts) % (EPHEMERAL_MAX - EPHEMERAL_MIN + 1))
}

function bracket(ip: string): string {
  return ipFamilyOf(ip) === 'IPv6' ? `[${ip}]` : ip
}

function controlPlane(cluster: Cluster): Node | undefined {
  return cluster.nodes.find((n) => n.roles.includes('control-plane'))
}

/** Does kube-proxy run? (Cilium with kube-proxy replacement runs none.) */
function kubeProxyRuns(cluster: Cluster): boolean {
  return !cluster.config.kubeProxyReplacement
}

/** The sockets of a node's own network namespace. */
export function nodeSockets(cluster: Cluster, node: Node): Socket[] {
  const name = node.meta.name
  const ip = node.internalIPs[0]
  const out: Socket[] = []
  const counters = new Map<string, number>()
  const add = (proto: Socket['proto'], local: string, lport: number, process: string | undefined, backlog = SOMAXCONN) => {
    const i = counters.get(process ?? '') ?? 0
    counters.set(process ?? '', i + 1)
    out.push({
      proto,
      state: proto === 'tcp' ? 'LISTEN' : 'UNCONN',
      local,
      lport,
      peer: local === '*' || local.startsWith('[') ? (local === '*' ? '*' : '[::]') : '0.0.0.0',
      pport: 0,
      recvQ: 0,
      sendQ: proto === 'tcp' ? backlog : 0,
      users: process ? [{ name: process, pid: pidOf(name, process), fd: fdOf(name, process, i) }] : undefined,
    })
  }
  const cp = node.roles.includes('control-plane')
  add('tcp', '0.0.0.0', 22, 'sshd', 128)
  add('tcp', '[::]', 22, 'sshd', 128)
  add('tcp', '127.0.0.53%lo', 53, 'systemd-resolve')
  add('tcp', '127.0.0.54', 53, 'systemd-resolve')
  add('udp', '127.0.0.53%lo', 53, 'systemd-resolve')
  add('udp', '127.0.0.54', 53, 'systemd-resolve')
  add('tcp', '127.0.0.1', ephemeral(name, 'containerd-stream'), 'containerd')
  add('tcp', '*', 10250, 'kubelet')
  add('tcp', '127.0.0.1', 10248, 'kubelet')
  if (kubeProxyRuns(cluster)) {
    add('tcp', '*', 10256, 'kube-proxy')
    add('tcp', '127.0.0.1', 10249, 'kube-proxy')
    for (const svc of cluster.services) if (svc.healthCheckNodePort) add('tcp', '*', svc.healthCheckNodePort, 'kube-proxy')
  }
  if (cp) {
    add('tcp', '*', 6443, 'kube-apiserver')
    add('tcp', '127.0.0.1', 2379, 'etcd')
    add('tcp', ip, 2379, 'etcd')
    add('tcp', ip, 2380, 'etcd')
    add('tcp', '127.0.0.1', 2381, 'etcd')
    add('tcp', '127.0.0.1', 10257, 'kube-controller')
    add('tcp', '127.0.0.1', 10259, 'kube-scheduler')
  }
  const { cni, cniMode } = cluster.config
  if ((cni === 'flannel' && cniMode === 'vxlan') || cni === 'canal' || (cni === 'cilium' && cniMode === 'vxlan')) add('udp', '0.0.0.0', 8472, undefined)
  if (cni === 'calico' && cniMode === 'vxlan') add('udp', '0.0.0.0', 4789, undefined)
  if ((cni === 'cilium' && cniMode === 'geneve') || (cni === 'antrea' && cniMode === 'geneve')) add('udp', '0.0.0.0', 6081, undefined)
  // flanneld's healthz server (/healthz, /readyz): kube-flannel.yml v0.28.9 passes --healthz-port=8081 and
  // leaves --healthz-ip at 0.0.0.0, which Go's net.Listen opens as a dual-stack wildcard socket (ss: *)
  if (cni === 'flannel') add('tcp', '*', 8081, 'flanneld')
  if (cni === 'calico' || cni === 'canal') add('tcp', '127.0.0.1', 9099, 'calico-node')
  if (cni === 'calico' && cniMode !== 'vxlan') add('tcp', '0.0.0.0', 179, 'bird', 8)
  if (cni === 'cilium') {
    add('tcp', '127.0.0.1', 9879, 'cilium-agent')
    add('tcp', '127.0.0.1', 9890, 'cilium-agent')
  }
  // the reader's hostNetwork Pods listen in the node's namespace (the cluster's own, above, are its daemons)
  for (const pod of cluster.pods) {
    if (!pod.hostNetwork || pod.nodeName !== name || pod.phase !== 'Running') continue
    if (cluster.index.namespace.get(pod.meta.namespace)?.system) continue
    for (const l of podListeners(pod)) add(l.proto === 'UDP' ? 'udp' : 'tcp', '*', l.port, processOf(pod, l))
  }
  out.push(...established(cluster, node))
  return out
}

/** The process name ss reads from /proc/PID/stat (comm: at most 15 characters). */
function processOf(pod: Pod, l: Listener): string {
  const c = l.container === undefined ? undefined : containerOf(pod, l.container)
  const app = l.app
  const name =
    app === 'nginx' || app === 'ingress-nginx' ? 'nginx'
      : app === 'httpd' ? 'httpd'
        : app === 'agnhost' || app === 'serve-hostname' ? 'agnhost'
          : app === 'redis' ? 'redis-server'
            : app === 'postgres' ? 'postgres'
              : app === 'mysql' ? 'mysqld'
                : app.startsWith('coredns') ? 'coredns'
                  : (c?.name ?? 'app')
  return name.slice(0, 15)
}

/** The sockets of a Pod's own network namespace, as seen from `container`. */
export function podSockets(cluster: Cluster, pod: Pod, container?: string): Socket[] {
  const inside = container ?? defaultContainerOf(pod)?.name
  const out: Socket[] = []
  const fds = new Map<string, number>()
  for (const l of podListeners(pod)) {
    const proto = l.proto === 'UDP' ? 'udp' : 'tcp'
    const process = processOf(pod, l)
    const visible = l.container === inside
    const bind = (local: string, peer: string) => {
      const n = fds.get(process) ?? 0
      fds.set(process, n + 1)
      // nginx opens its logs first: its listeners start at fd 6; Go servers at 3
      const fd = (process === 'nginx' ? 6 : 3) + n
      out.push({ proto, state: proto === 'tcp' ? 'LISTEN' : 'UNCONN', local, lport: l.port, peer, pport: 0, recvQ: 0, sendQ: proto === 'tcp' ? (process === 'nginx' ? 511 : SOMAXCONN) : 0, users: visible ? [{ name: process, pid: 1, fd }] : undefined })
    }
    if (process === 'nginx') {
      // nginx's image listens on 0.0.0.0:80, and on [::]:80 too (docker-entrypoint.d/10-listen-on-ipv6-by-default.sh)
      bind('0.0.0.0', '0.0.0.0')
      bind('[::]', '[::]')
    } else bind('*', '*')
  }
  out.push(...established(cluster, undefined, pod, inside))
  return out
}

/**
 * Long-lived connections to the API server: kubelet, kube-proxy, the
 * controller manager and scheduler (through the kubeconfig's server,
 * CONTROL:6443), the CNI agents and CoreDNS (through the kubernetes Service,
 * 10.96.0.1:443), and the API server's connection to etcd.
 */
function established(cluster: Cluster, node?: Node, pod?: Pod, inside?: string): Socket[] {
  const cp = controlPlane(cluster)
  if (!cp) return []
  const api = cp.internalIPs[0]
  const kubeSvc = cluster.services.find((s) => s.meta.namespace === 'default' && s.meta.name === 'kubernetes')?.clusterIPs[0]
  const out: Socket[] = []
  let apiFd = 20
  const conn = (from: string, fromNode: string, process: string | undefined, to: string, tport: number) => {
    out.push({ proto: 'tcp', state: 'ESTAB', local: bracket(from), lport: ephemeral(fromNode, process ?? '', to), peer: bracket(to), pport: tport, recvQ: 0, sendQ: 0, users: process ? [{ name: process, pid: pidOf(fromNode, process), fd: fdOf(fromNode, process, 7) }] : undefined })
  }
  if (pod) {
    const isCoreDNS = pod.meta.namespace === 'kube-system' && pod.meta.labels['k8s-app'] === 'kube-dns'
    if (isCoreDNS && kubeSvc && pod.podIPs[0]) {
      const c = pod.containers[0]?.name
      conn(pod.podIPs[0], pod.meta.name, c === inside ? 'coredns' : undefined, kubeSvc, 443)
      out[out.length - 1].users = c === inside ? [{ name: 'coredns', pid: 1, fd: 9 }] : undefined
    }
    return out
  }
  if (!node) return out
  const ip = node.internalIPs[0]
  const agents = ['kubelet', ...(kubeProxyRuns(cluster) ? ['kube-proxy'] : [])]
  for (const a of agents) conn(ip, node.meta.name, a, api, 6443)
  const cniAgent = cniAgentName(cluster)
  if (cniAgent && kubeSvc) conn(ip, node.meta.name, cniAgent, kubeSvc, 443)
  bgpSessions(cluster, node, out)
  if (node === cp) {
    conn(ip, node.meta.name, 'kube-controller', api, 6443)
    conn(ip, node.meta.name, 'kube-scheduler', api, 6443)
    conn('127.0.0.1', node.meta.name, 'kube-apiserver', '127.0.0.1', 2379)
    // the other ends, on the API server and etcd
    const apiserver = (from: string, fromNode: string, process: string, sport: number) => {
      out.push({ proto: 'tcp', state: 'ESTAB', local: bracket(api), lport: 6443, peer: bracket(from), pport: ephemeral(fromNode, process, sport === 443 ? kubeSvc ?? '' : api), recvQ: 0, sendQ: 0, users: [{ name: 'kube-apiserver', pid: pidOf(cp.meta.name, 'kube-apiserver'), fd: fdOf(cp.meta.name, 'kube-apiserver', apiFd++) }] })
    }
    for (const n of cluster.nodes) {
      for (const a of agents) apiserver(n.internalIPs[0], n.meta.name, a, 6443)
      if (cniAgent && kubeSvc) apiserver(n.internalIPs[0], n.meta.name, cniAgent, 443)
    }
    apiserver(ip, node.meta.name, 'kube-controller', 6443)
    apiserver(ip, node.meta.name, 'kube-scheduler', 6443)
    for (const p of cluster.pods) {
      if (p.meta.namespace === 'kube-system' && p.meta.labels['k8s-app'] === 'kube-dns' && p.podIPs[0] && kubeSvc) {
        // a Pod's connection keeps its address unless the CNI masquerades it (none here does for Pod-to-node traffic)
        out.push({ proto: 'tcp', state: 'ESTAB', local: bracket(api), lport: 6443, peer: bracket(p.podIPs[0]), pport: ephemeral(p.meta.name, 'coredns', kubeSvc), recvQ: 0, sendQ: 0, users: [{ name: 'kube-apiserver', pid: pidOf(cp.meta.name, 'kube-apiserver'), fd: fdOf(cp.meta.name, 'kube-apiserver', apiFd++) }] })
      }
    }
    out.push({ proto: 'tcp', state: 'ESTAB', local: '127.0.0.1', lport: 2379, peer: '127.0.0.1', pport: ephemeral(node.meta.name, 'kube-apiserver', '127.0.0.1'), recvQ: 0, sendQ: 0, users: [{ name: 'etcd', pid: pidOf(node.meta.name, 'etcd'), fd: fdOf(node.meta.name, 'etcd', 9) }] })
  }
  return out
}

/**
 * Calico's BGP mesh (bird or ipip mode): BIRD holds one TCP session to every other node on port
 * 179. confd's node-to-node template makes the mesh one-way: of two nodes, the one whose address
 * sorts higher as text connects, the other is `passive on` (calico confd bgp_processor.go), so a
 * node's side is the listening port for some peers and an ephemeral one for the others. The
 * sessions come up across a router too (iBGP is multihop). IPv6 (BIRD6) sessions are not shown.
 */
function bgpSessions(cluster: Cluster, node: Node, out: Socket[]): void {
  if (cluster.config.cni !== 'calico' || cluster.config.cniMode === 'vxlan') return
  const ip = node.internalIPs.find((a) => !a.includes(':'))
  if (!ip) return
  let fd = 11
  for (const peer of cluster.nodes) {
    const pip = peer.internalIPs.find((a) => !a.includes(':'))
    if (peer === node || !pip) continue
    const bird = [{ name: 'bird', pid: pidOf(node.meta.name, 'bird'), fd: fd++ }]
    // the higher address dials: from its side the peer's port is 179, from the other's its own
    if (ip > pip) out.push({ proto: 'tcp', state: 'ESTAB', local: ip, lport: ephemeral(node.meta.name, 'bird', pip), peer: pip, pport: 179, recvQ: 0, sendQ: 0, users: bird })
    else out.push({ proto: 'tcp', state: 'ESTAB', local: ip, lport: 179, peer: pip, pport: ephemeral(peer.meta.name, 'bird', ip), recvQ: 0, sendQ: 0, users: bird })
  }
}

function cniAgentName(cluster: Cluster): string | undefined {
  switch (cluster.config.cni) {
    case 'flannel':
      return 'flanneld'
    case 'calico':
    case 'canal':
      return 'calico-node'
    case 'cilium':
      return 'cilium-agent'
    case 'antrea':
      return 'antrea-agent'
    case 'weave':
      return 'weaver'
    case 'aws-vpc-cni':
      return 'aws-k8s-agent'
    default:
      return undefined
  }
}

interface Options {
  tcp: boolean
  udp: boolean
  listening: boolean
  all: boolean
  processes: boolean
  header: boolean
  family?: 'IPv4' | 'IPv6'
  port?: { dir: 'sport' | 'dport'; port: number }
}

/** iproute2 misc/ss.c getopt_long's short options */
const SS_OPTIONS = 'dhalBetuwxnro460spTbEfmMiADFvVzZNKHQSO'
const SS_KNOWS = '\n(the simulated ss knows -t -u -l -a -n -p -H -4 -6 and the filter sport|dport = :PORT)'

function parse(args: string[]): Options | { error: string } {
  const o: Options = { tcp: false, udp: false, listening: false, all: false, processes: false, header: true }
  const rest: string[] = []
  for (const a of args) {
    if (a === '--tcp') o.tcp = true
    else if (a === '--udp') o.udp = true
    else if (a === '--listening') o.listening = true
    else if (a === '--all') o.all = true
    else if (a === '--processes') o.processes = true
    else if (a === '--numeric') continue
    else if (a === '--no-header') o.header = false
    else if (/^-[a-zA-Z0-9]+$/.test(a)) {
      for (const ch of a.slice(1)) {
        if (ch === 't') o.tcp = true
        else if (ch === 'u') o.udp = true
        else if (ch === 'l') o.listening = true
        else if (ch === 'a') o.all = true
        else if (ch === 'p') o.processes = true
        else if (ch === 'n' || ch === 'r') continue
        else if (ch === 'H') o.header = false
        else if (ch === '4') o.family = 'IPv4'
        else if (ch === '6') o.family = 'IPv6'
        // ss.c's getopt string: an option ss has is said to be not simulated, not invalid
        else if (SS_OPTIONS.includes(ch)) return { error: `knet: ss -${ch} is a real option, but it is not simulated here${SS_KNOWS}` }
        else return { error: `ss: invalid option -- '${ch}'${SS_KNOWS}` }
      }
    } else rest.push(a)
  }
  if (rest.length) {
    const m = /^\(?\s*(sport|dport)\s*(?:=|==|eq)?\s*:(\d+)\s*\)?$/.exec(rest.join(' '))
    if (!m) return { error: `ss: the filter "${rest.join(' ')}" is not simulated here (only sport = :PORT and dport = :PORT are)` }
    o.port = { dir: m[1] as 'sport' | 'dport', port: Number(m[2]) }
  }
  if (!o.tcp && !o.udp) {
    // without -t or -u ss lists every socket table (unix, netlink, …); the simulator knows TCP and UDP
    o.tcp = true
    o.udp = true
  }
  return o
}

/** Renders like ss without a terminal: each column as wide as its widest cell (misc/ss.c render_calc_width, compact). */
export function formatSockets(sockets: Socket[], o: Pick<Options, 'tcp' | 'udp' | 'listening' | 'all' | 'processes' | 'header'>): string {
  const showNetid = o.tcp && o.udp
  // -l asks for LISTEN and UNCONN, -a for all, the default for the connected states: always more than one, so State shows
  const showState = true
  type Align = 'L' | 'R'
  const cols: { header: string; align: Align; ldelim: string; on: boolean }[] = [
    { header: 'Netid', align: 'L', ldelim: '', on: showNetid },
    { header: 'State', align: 'L', ldelim: ' ', on: showState },
    { header: 'Recv-Q', align: 'L', ldelim: ' ', on: true },
    { header: 'Send-Q', align: 'L', ldelim: ' ', on: true },
    { header: 'Local Address:', align: 'R', ldelim: ' ', on: true },
    { header: 'Port', align: 'L', ldelim: '', on: true },
    { header: 'Peer Address:', align: 'R', ldelim: ' ', on: true },
    { header: 'Port', align: 'L', ldelim: '', on: true },
    { header: 'Process', align: 'L', ldelim: '', on: o.processes },
  ]
  const rows: string[][] = []
  if (o.header) rows.push(cols.map((c) => c.header))
  for (const s of sockets) {
    rows.push([
      s.proto,
      s.state,
      String(s.recvQ).padEnd(6),
      String(s.sendQ).padEnd(6),
      `${s.local}:`,
      s.lport === 0 ? '*' : String(s.lport),
      `${s.peer}:`,
      s.pport === 0 ? '*' : String(s.pport),
      s.users ? ` users:(${s.users.map((u) => `("${u.name}",pid=${u.pid},fd=${u.fd})`).join(',')})` : '',
    ])
  }
  const visible = cols.map((c, i) => (c.on ? i : -1)).filter((i) => i >= 0)
  const max = cols.map((_, i) => Math.max(0, ...rows.map((r) => r[i].length)))
  let first = true
  const width = cols.map((c, i) => {
    if (!c.on) return 0
    const w = !first && max[i] ? max[i] + c.ldelim.length : max[i]
    if (w) first = false
    return w
  })
  const last = visible[visible.length - 1]
  const lines = rows.map((r) => {
    let line = ''
    let started = false
    for (const i of visible) {
      const c = cols[i]
      let printed = 0
      if (started) {
        line += c.ldelim
        printed = c.ldelim.length
      }
      started = true
      if (c.align === 'R') {
        const pad = width[i] - r[i].length - printed
        if (pad > 0) line += ' '.repeat(pad)
        line += r[i]
      } else {
        line += r[i]
        printed += r[i].length
        if (i !== last && width[i] - printed > 0) line += ' '.repeat(width[i] - printed)
      }
    }
    return line
  })
  return lines.map((l) => `${l}\n`).join('')
}

export const ssProgram: Program = {
  places: ['pod', 'node'],
  summary: 'list sockets (iproute2 ss): ss -ltnp, ss -lunp, ss -tn',
  usage: ['ss [-t] [-u] [-l|-a] [-n] [-p] [-H] [-4|-6] [sport = :PORT | dport = :PORT]'],
  run(inv): Output {
    const o = parse(inv.argv.slice(1))
    if ('error' in o) return { exitCode: 255, stdout: '', stderr: `${o.error}\n` }
    const place = inv.place
    let socks: Socket[]
    if (place.kind === 'node') socks = nodeSockets(inv.cluster, place.node)
    else if (place.kind === 'pod') {
      const node = inv.cluster.index.node.get(place.pod.nodeName)
      socks = place.pod.hostNetwork && node ? nodeSockets(inv.cluster, node) : podSockets(inv.cluster, place.pod, place.container)
    } else return { exitCode: 127, stdout: '', stderr: 'sh: ss: not found\n' }
    socks = socks.filter((s) => {
      if (s.proto === 'tcp' && !o.tcp) return false
      if (s.proto === 'udp' && !o.udp) return false
      if (o.listening && !o.all && s.state === 'ESTAB') return false
      if (!o.listening && !o.all && s.state !== 'ESTAB') return false
      if (o.family) {
        const v6 = s.local.startsWith('[') || s.local === '*'
        if (o.family === 'IPv4' ? v6 : !v6) return false
      }
      if (o.port && (o.port.dir === 'sport' ? s.lport : s.pport) !== o.port.port) return false
      return true
    })
    // ss lists UDP before TCP (udp_show, then tcp_show), each in the kernel's hash order; the simulator sorts by address and port
    const order = (s: Socket) => `${s.proto === 'udp' ? 0 : 1}/${s.state === 'ESTAB' ? 1 : 0}`
    socks = [...socks].sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : a.lport - b.lport || (a.local < b.local ? -1 : a.local > b.local ? 1 : 0) || a.pport - b.pport))
    return { exitCode: 0, stdout: formatSockets(socks, o), stderr: '' }
  },
}
