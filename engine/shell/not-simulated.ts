/**
 * Tools a real image or node ships that the simulator does not run. Typing one answers that
 * it exists there but is not simulated, and what shows the same thing here, instead of the
 * shell's "not found", which would teach that the tool is missing.
 * (netshoot's tool list: nicolaka/netshoot README and Dockerfile; nodes: Ubuntu 24.04 with
 * kubeadm's prerequisites, conntrack, socat and ethtool among them, and containerd's crictl.)
 */
import type { Place } from './types.ts'
import { imageName } from '../traffic/servers.ts'
import { placeContainer } from '../model/containers.ts'

const NETSHOOT = ['tshark', 'termshark', 'ngrep', 'iperf', 'iperf3', 'mtr', 'tcptraceroute', 'tracepath', 'nmap', 'nping', 'fping', 'socat', 'websocat', 'ethtool', 'iftop', 'iptraf-ng', 'calicoctl', 'grpcurl', 'arping', 'drill', 'strace', 'ltrace', 'fortio', 'hey', 'oha', 'ab', 'speedtest-cli', 'swaks', 'scapy', 'tc', 'openssl', 'jq', 'netstat', 'arp', 'route', 'ifconfig', 'iptables', 'ip6tables', 'iptables-save', 'nft', 'ipset', 'ipvsadm', 'birdc']
const NODE = ['socat', 'ethtool', 'ebtables', 'tc', 'tracepath', 'arping', 'crictl', 'ctr', 'journalctl', 'systemctl', 'strace', 'openssl', 'netstat', 'mtr']

/** What shows the same thing in the simulator, per tool. */
const INSTEAD: Record<string, string> = {
  tshark: 'trace SOURCE -> DEST shows every hop a packet takes',
  termshark: 'trace SOURCE -> DEST shows every hop a packet takes',
  ngrep: 'trace SOURCE -> DEST shows every hop a packet takes',
  iperf: 'the simulator has no model of bandwidth',
  iperf3: 'the simulator has no model of bandwidth',
  fortio: 'the simulator has no model of load or latency',
  hey: 'the simulator has no model of load or latency',
  oha: 'the simulator has no model of load or latency',
  ab: 'the simulator has no model of load or latency',
  'speedtest-cli': 'the simulator has no model of bandwidth',
  mtr: 'traceroute HOST, or trace SOURCE -> DEST',
  tcptraceroute: 'traceroute HOST, or trace SOURCE -> DEST',
  tracepath: 'traceroute HOST, or ping -M do -s SIZE HOST for the path MTU',
  nmap: 'nc -zv HOST PORT checks one port',
  nping: 'ping HOST, or nc -zv HOST PORT',
  fping: 'ping HOST',
  arping: 'ping HOST',
  socat: 'nc -zv HOST PORT, or curl',
  websocat: 'curl',
  grpcurl: 'curl, or trace to the port',
  ethtool: 'ip -d link show DEV',
  tc: 'ip -d link show DEV',
  calicoctl: 'kubectl get networkpolicies, and policy check SOURCE -> DEST:PORT',
  drill: 'dig NAME',
  netstat: 'ss -ltn (or ss -tn)',
  iptables: 'the node\'s rules: ssh NODE iptables-save',
  'iptables-save': 'the node\'s rules: ssh NODE iptables-save',
  nft: 'the node\'s ruleset: ssh NODE nft list ruleset',
  ipvsadm: 'the node\'s virtual servers: ssh NODE ipvsadm -Ln',
  arp: 'ip neigh is not simulated either; ip route get ADDRESS shows the next hop',
  route: 'ip route',
  ifconfig: 'ip addr',
  crictl: 'kubectl get pods -o wide and kubectl describe pod',
  ctr: 'kubectl get pods -o wide and kubectl describe pod',
  journalctl: 'kubectl describe and kubectl get events',
  systemctl: 'kubectl describe node',
}

/**
 * Everyday utilities of a userland (BusyBox's applets, or coreutils, procps, grep, sed and
 * findutils on Debian and Ubuntu). In an image with a shell, or on a node, the simulator cannot
 * tell whether a given image ships one (Debian's slim images have no ps), so it says only that
 * it does not run it, and never that it is missing.
 */
const USERLAND = ['ps', 'top', 'free', 'kill', 'pkill', 'pgrep', 'date', 'id', 'whoami', 'groups', 'grep', 'egrep', 'sed', 'awk', 'head', 'tail', 'wc', 'sort', 'uniq', 'cut', 'tr', 'sleep', 'find', 'xargs', 'df', 'du', 'mount', 'touch', 'mkdir', 'rm', 'cp', 'mv', 'ln', 'chmod', 'chown', 'tee', 'printf', 'stat', 'readlink', 'which', 'file', 'tar', 'gzip', 'vi', 'less', 'more', 'watch', 'dmesg', 'lsof']

/** The answer for an everyday utility the simulator does not run, in a place with a userland. */
export function userlandNotSimulated(name: string): { message: string } | undefined {
  return USERLAND.includes(name) ? { message: `knet: ${name} is not simulated here (the simulator runs the networking tools: ip, curl, dig, nslookup, ss, … and cat of a few files)` } : undefined
}

/** The answer for a tool this place really has but the simulator does not run, or undefined. */
export function notSimulated(place: Place, name: string): { message: string } | undefined {
  let where: string | undefined
  if (place.kind === 'pod') {
    const c = placeContainer(place.pod, place.container)
    if (c && imageName(c.image) === 'netshoot' && NETSHOOT.includes(name)) where = `the real ${name} is in this container's image (${c.image})`
  } else if (place.kind === 'node' && NODE.includes(name)) where = `the real ${name} is on ${place.node.meta.name}`
  if (!where) return undefined
  const instead = INSTEAD[name]
  return { message: `${name}: not simulated here: ${where}, but the simulator does not run it${instead ? `; instead: ${instead}` : ''}` }
}
