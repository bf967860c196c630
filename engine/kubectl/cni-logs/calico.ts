/**
 * calico-node's log (quay.io/calico/node:v3.32.0, as calico.yaml v3.32.0 pulls it, projectcalico/calico at
 * tag v3.32.0, commit eb1cf57823a1dd8d25c48b82fd023ea9e3e17996), as the
 * manifests of that release run it: calico.yaml for `cniMode: ipip` (its
 * default, CALICO_IPV4POOL_IPIP=Always), the same with
 * CALICO_IPV4POOL_IPIP=Never for `bgp`, calico-vxlan.yaml (calico_backend
 * "vxlan") for `vxlan` with the pool's VXLAN mode Always, which is what the
 * simulated dataplane does (the shipped file says CrossSubnet), and canal.yaml
 * (CALICO_NETWORKING_BACKEND=none, USE_POD_CIDR=true) for canal's agent. All
 * set CALICO_DISABLE_FILE_LOGGING=true, so rc.local deletes every service's
 * log/ directory: no svlogd or tee runs, and each runit service writes
 * straight to runsvdir's output, the container's.
 *
 * The container's command is start_runit (node/filesystem/sbin/start_runit):
 * `env > /etc/envvars`, then /etc/rc.local, then `exec runsvdir -P
 * /etc/service/enabled`. Lines of the Go programs use logutils.Formatter
 * (libcalico-go/lib/logutils/logutils.go Format): `YYYY-MM-DD hh:mm:ss.mmm
 * [LEVEL][PID] component/file.go LINE: message`, the time cut (not rounded)
 * to milliseconds, then the fields sorted by key, strings Go-quoted. In order:
 *
 * 1. `calico-node -startup` (component "startup"; node/cmd/calico-node/main.go):
 *    startup.go:553 early log level (CALICO_STARTUP_LOGLEVEL unset: info);
 *    utils.go:125/137 the node name from NODENAME (node/pkg/lifecycle/utils);
 *    startup.go:111 version; startup.go:558/581/121 the datastore check
 *    (WAIT_FOR_DATASTORE=true); ipam.go:2561/2617 (libcalico-go/lib/ipam) no
 *    block affinities to upgrade on a new cluster; unless the backend is none:
 *    startup.go:610 "Initialize BGP data" (the Node has no BGP spec before its
 *    first start), autodetection_methods.go:103 first-found (IP=autodetect,
 *    no IP_AUTODETECTION_METHOD) with eth0's address and prefix, the first
 *    interface off DEFAULT_INTERFACES_TO_EXCLUDE, startup.go:727 the changed
 *    IPv4, startup.go:879 no AS number; startup.go:942/946 the pool CIDRs
 *    read from kubeadm's kubeadm-config ConfigMap (podSubnet; CALICO_IPV4POOL_CIDR
 *    is commented out in the manifests and calico-node may get configmaps);
 *    on the node that gets there first only, the default pool:
 *    startup.go:853 twice (evaluateENVBool's defaulted NAT outgoing and BGP
 *    export), startup.go:1125/1135 ensure and created (IPIP and VXLAN modes
 *    as above); then startup.go:847 FELIX_IPV6SUPPORT false (ipv6Supported,
 *    asked because no IPv6 pool exists); on the first node again, client.go:479
 *    (libcalico-go/lib/clientv3) "Tier … is now available." for default,
 *    kube-admin and kube-baseline (EnsureInitialized's ensureTierExists; the
 *    simulated cluster runs no calico-kube-controllers to race for them);
 *    startup.go:241 the node name.
 *    "First" is the calico-node whose container starts first on the
 *    simulated clock (klog.ts processStart), ties by Pod name.
 * 2. `calico-node -allocate-tunnel-addrs -allocate-tunnel-addrs-run-once`
 *    (component "tunnel-ip-allocator"): loadFelixEnvConfig's
 *    config_params.go:660 "Merging in config from environment variable: map[…]"
 *    (fmt prints a map sorted by key) with the manifest's FELIX_* variables
 *    (veth_mtu "0" for the three MTUs), then resolve()'s
 *    config_params.go:797/833 "Parsing value" and "Parsed value" for each,
 *    printed here by parameter name: resolve ranges over a Go map, so real
 *    runs print them in a random order, of which name order is one;
 *    then, when a pool has IPIP (ipipTunnelAddress) or VXLAN
 *    (vxlanTunnelAddress) on, allocateip.go:315 and 395 (a new node has no
 *    tunnel address: assign, after releasing any under its handle),
 *    allocateip.go:518 and 409 with the address Calico's IPAM gave the tunnel
 *    (the node's first block's first address, as engine/cluster/ipam.ts and
 *    dataplane/cni/calico.ts have it). Canal's USE_POD_CIDR returns before
 *    (allocateip.go run: K8sUsePodCIDR).
 * 3. rc.local's echoes: for vxlan "CALICO_NETWORKING_BACKEND is vxlan - no need
 *    to run a BGP daemon", for none "… is none - no BGP daemon running", then
 *    "Calico node started successfully".
 * 4. runsvdir's services (rc.local enables node-services and felix, and for
 *    bird: bird, bird6 and confd), started together, their lines interleaved
 *    by time:
 *    runsvdir.c sleeps one second before its first scan when the directory's
 *    mtime is the current second, as it is when rc.local copied the services
 *    in a few milliseconds before (unless a new second began in between): the
 *    services start about a second after rc.local's last line.
 *    - bird and bird6 (`bird -R -s … -d -c …`, node/filesystem/etc/service/
 *      available/bird/run and bird6/run; BIRD v0.3.3-211-g9111ec3c per
 *      metadata.mk, read at projectcalico/bird v0.3.3-208-g1e2ff99d, three
 *      commits older): confd has not written their
 *      configuration yet, so each dies at once with sysdep/unix/main.c
 *      read_config's "Unable to open configuration file …: No such file or
 *      directory"; with -d, log.c default_log_list sends everything to stderr
 *      with the "bird: " prefix and no time. runsv starts a service that ran
 *      under a second again one second after it exits (runit 2.1.2 runsv.c
 *      sleep(1)), and by then confd has
 *      written the files (we assume every peer's startup set its address
 *      before confd's first render, so no reconfiguration follows). BIRD then
 *      logs, with confd's DebugMode "{ states }" (bgp_processor.go
 *      populateNodeConfig, BGPConfiguration log level unset) on device, direct
 *      and the bgp_template (kernel and static get no debug: silent):
 *      nest/proto.c proto_init "Initializing" in configuration order (device1,
 *      direct1, then one `Mesh_<peer IP with _>` per peer sorted by name,
 *      bgp_processor.go processMeshPeers), the device protocol started first,
 *      then the others ("Starting", "Connected to table master" and
 *      "State changed to feed" for device and direct, "State changed to start"
 *      for BGP), main.c "Graceful restart started" (-R) and "Started"; the
 *      feeds end: "State changed to up". Each BGP session comes up when the
 *      peer with the higher address (the mesh is one-way: the lower side is
 *      `passive on`) connects after the template's `connect delay time 2`
 *      (bgp_start_timer: 1.5 s plus up to 0.5 s at random; fixed here from the
 *      pair's addresses); a connection refused because the other BIRD is not
 *      up yet sends it back to wait another delay (bgp_sock_err, bgp_decision,
 *      bgp_active), all silent without `debug { events }`. iBGP is multihop
 *      by default, so a peer on another subnet establishes too: the lines are
 *      the same. Both
 *      sides are still recovering (their capability has the restart bit), so
 *      bgp.c bgp_conn_enter_established drops its graceful-restart lock
 *      without a wait: "Connected to table master", "State changed to feed",
 *      "State changed to up"; when the last lock goes, "Graceful restart done".
 *      bird6 has no IPv6 address, so no BGP: its restart recovery has no lock
 *      and ends before "Started".
 *    - confd (`calico-node -confd`): config.go:81 (no /etc/confd/confd.toml),
 *      run.go:18.
 *    - felix (`calico-node -felix` with /etc/calico/felix.cfg; its run script
 *      exports FELIX_FELIXHOSTNAME=$NODENAME, FELIX_DATASTORETYPE and six empty
 *      FELIX_ETCD* from the unset ETCD_* variables): felix/daemon/daemon.go:153
 *      the KUBERNETES_SERVICE_* variables kubelet gives every container (the
 *      `kubernetes` Service's address, 443), daemon.go:158 and 184, then
 *      config_params.go:660 the environment's map, :669 one "Ignoring empty
 *      configuration parameter" per empty FELIX_ETCD* (fields name, and
 *      source, a fmt.Stringer printed bare), resolve()'s :797/:833 per
 *      parameter; :660 felix.cfg's map (MetadataAddr, LogFilePath,
 *      LogSeverityFile, LogSeveritySys = None), and resolve() again from
 *      scratch: the environment's parameters, then the file's with :814
 *      "Value set to 'none', replacing with zero-value: \"\"." (order within
 *      each source: by name, one of the orders Go's map iteration gives);
 *      libcalico-go/lib/health/health.go:376 (FELIX_HEALTHENABLED, port 9099),
 *      config_params.go:942 and :978 (DatastoreConfig: no pool read yet, so no
 *      encapsulation), daemon.go:216 and 223.
 *    - node-services: nodeservices.go:52/57/62/68/75, the goroutines' start
 *      lines in the order the errgroup starts them (monitor-addresses not for
 *      backend none; CALICO_MANAGE_CNI unset, so the CNI monitor runs).
 *
 * PIDs (the [PID] of each line): the container's PID namespace hands out ids
 * in order: 1 start_runit, 2 env, 3 the shell running rc.local (it has no
 * #!), 4 calico-node -startup; every Go program's runtime threads take ids
 * from the same counter: we give each 8 (sysmon, the Ps' threads, threads
 * parked in syscalls; the real count varies from start to start, so do the
 * PIDs); then 13 the `$(cat …/nodename)` subshell, 14 the tunnel allocator
 * (+8), mkdir, one cp per enabled service, five rm -rf (file logging off),
 * start_runit's own `$(cat …)` and `$(which runsvdir)`; runsvdir replaces
 * start_runit as PID 1, starts one runsv per service directory in the order
 * readdir gives (the filesystem's; we take name order), and each runsv its
 * ./run (bird, bird6, confd, felix, node-services), which execs the program
 * under the same id. Liveness and readiness probes (exec calico-node) are left
 * out of the count. The numbers are plausible, not meaningful.
 *
 * Times: from the Pod's simulated start (klog.ts processStart), each
 * program's lines a few milliseconds apart as the API round trips take them.
 *
 * Left out, because their text, count or order depends on what the simulator
 * does not model: Felix's "Felix starting up" (it carries the build date),
 * its "Found felix environment variable" lines (they come in the order the
 * shell exports the variables), and everything after its datastore client
 * (the datastore config holds the cluster's random ClusterGUID, the
 * dataplane's "Received *proto.… update" lines print protobuf text, whose
 * spacing protobuf-go varies per binary, and the rest follows timers and
 * goroutines); the tunnel allocator's "Found felix environment variable"
 * lines (the shell's export order again) and the IPAM
 * library's block-claiming lines between allocateip.go:395 and :518 (one of
 * them prints the time the search took); confd's lines after run.go:18 (its
 * syncer's readiness and its templates are rendered by concurrent
 * goroutines: their order and the "Check failed, but file does not yet exist"
 * lines depend on which finishes first); node-services' services after their
 * start lines (they wait for Felix's and BIRD's readiness and poll); dual-stack
 * clusters (IP6 and an IPv6 pool change the startup and BIRD lines).
 */
import type { Cluster, Container, Node, Pod } from '../../model/types.ts'
import { addMicros, goQuote, processStart } from '../../text/klog.ts'
import type { LogLine } from '../../text/klog.ts'
import { nodePlumbing } from '../../dataplane/index.ts'
import { NIC } from '../../dataplane/cni/common.ts'
import { networkAddress } from '../../dataplane/cni/addressing.ts'
import { ipFamilyOf, parsePrefix } from '../../net/ip.ts'
import type { LogSource } from '../log-source.ts'

const IMAGE = /(^|\/)calico\/node:v3\.32\.0$/
const VERSION = 'v3.32.0'
/** Go runtime threads each Go program is given in the PID count (see the header). */
const GO_THREADS = 8

type Backend = 'bird' | 'vxlan' | 'none'
type Level = 'INFO'

interface Setup {
  backend: Backend
  ipipMode: 'Always' | 'Never'
  vxlanMode: 'Always' | 'Never'
  /** the FELIX_* variables of the manifest, as felix's LoadConfigFromEnvironment keys them */
  felixEnv: [key: string, param: string, value: string, parsed: string][]
  /** the tunnel address type allocateip.go works on, if any */
  tunnel?: 'ipipTunnelAddress' | 'vxlanTunnelAddress'
}

/** The calico-node setup the cluster's CNI and mode stand for (see the header). */
function setupOf(c: Cluster): Setup {
  if (c.config.cni === 'canal') {
    return {
      backend: 'none',
      ipipMode: 'Never',
      vxlanMode: 'Never',
      // canal.yaml: FELIX_IPTABLESREFRESHINTERVAL "60" (a seconds param: Go prints the Duration as 1m0s)
      felixEnv: [
        ['defaultendpointtohostaction', 'DefaultEndpointToHostAction', 'ACCEPT', 'ACCEPT'],
        ['healthenabled', 'HealthEnabled', 'true', 'true'],
        ['iptablesrefreshinterval', 'IptablesRefreshInterval', '60', '1m0s'],
        ['ipv6support', 'Ipv6Support', 'false', 'false'],
      ],
    }
  }
  const mode = c.config.cniMode
  const mtus: Setup['felixEnv'] = [
    ['defaultendpointtohostaction', 'DefaultEndpointToHostAction', 'ACCEPT', 'ACCEPT'],
    ['healthenabled', 'HealthEnabled', 'true', 'true'],
    ['ipinipmtu', 'IpInIpMtu', '0', '0'],
    ['ipv6support', 'Ipv6Support', 'false', 'false'],
    ['vxlanmtu', 'VXLANMTU', '0', '0'],
    ['wireguardmtu', 'WireguardMTU', '0', '0'],
  ]
  if (mode === 'vxlan') return { backend: 'vxlan', ipipMode: 'Never', vxlanMode: 'Always', felixEnv: mtus, tunnel: 'vxlanTunnelAddress' }
  if (mode === 'bgp') return { backend: 'bird', ipipMode: 'Never', vxlanMode: 'Never', felixEnv: mtus }
  return { backend: 'bird', ipipMode: 'Always', vxlanMode: 'Never', felixEnv: mtus, tunnel: 'ipipTunnelAddress' }
}

const v4 = (list: readonly string[]) => list.find((x) => ipFamilyOf(x.split('/')[0]) === 'IPv4')
const ipv4Only = (c: Cluster) => c.config.podCIDRs.every((p) => parsePrefix(p)?.family === 'IPv4')

/** logutils.Formatter's time: RFC 3339 cut to milliseconds, a space for the T. */
function calicoTime(iso: string): string {
  const m = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)\.(\d{3})/.exec(iso)
  return m ? `${m[1]} ${m[2]}.${m[3]}` : '0001-01-01 00:00:00.000'
}

/** a field's value: a string (Go-quoted), an int (%#v: bare), or a fmt.Stringer's text (bare) */
type Fields = [key: string, value: string | number | { stringer: string }][]

const fieldText = (v: Fields[number][1]) => (typeof v === 'string' ? goQuote(v) : typeof v === 'number' ? String(v) : v.stringer)

/** One logrus line through logutils.Formatter (appendKVsAndNewLine: fields sorted by key). */
function calicoLine(iso: string, level: Level, pid: number, component: string, where: string, msg: string, fields: Fields = []): LogLine {
  const kv = [...fields].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([k, v]) => ` ${k}=${fieldText(v)}`).join('')
  return { time: iso, text: `${calicoTime(iso)} [${level}][${pid}] ${component}/${where}: ${msg}${kv}` }
}

/** The calico agent Pod on `node`, if the cluster runs one there. */
function agentOn(c: Cluster, node: string): Pod | undefined {
  return c.pods.find((p) => p.nodeName === node && p.meta.namespace === 'kube-system' && p.containers.some((k) => IMAGE.test(k.image.replace(/@.*$/, ''))))
}

/** The micro-second offsets (from the container's start) of the milestones every node's log shares. */
interface Timeline {
  /** the Pod's creation time, whole seconds */
  base: string
  /** the container's start, in microseconds after base (klog.ts processStart's fraction of a second) */
  start: number
  /** runsvdir starting the services */
  runsvdir: number
  /** BIRD's second start, with its configuration */
  birdUp: number
}

function agentPods(c: Cluster): Pod[] {
  return c.nodes.map((n) => agentOn(c, n.meta.name)).filter((p): p is Pod => p !== undefined)
}

/** The agent that reaches configureIPPools first: the earliest start on the simulated clock, ties by name. */
function firstAgent(c: Cluster): Pod | undefined {
  let best: Pod | undefined
  let bestAt = ''
  for (const p of agentPods(c)) {
    const at = processStart(p.meta.creationTimestamp, p.meta.name)
    if (!best || at < bestAt || (at === bestAt && p.meta.name < best.meta.name)) {
      best = p
      bestAt = at
    }
  }
  return best
}

/** FNV-1a of a text, for the fixed stand-ins of BIRD's random connect delay. */
function fnv(text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h
}

/** Microseconds between two RFC 3339 times with microseconds. */
function microsBetween(a: string, b: string): number {
  const us = (t: string) => {
    const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?Z$/.exec(t)
    return m ? Date.parse(`${m[1]}Z`) * 1000 + Number((m[2] ?? '').padEnd(6, '0').slice(0, 6)) : 0
  }
  return us(b) - us(a)
}

// Offsets in microseconds from the container's start: startup runs first (a few API round trips),
// the allocator after it; the first node also creates the default pool and the tiers.
const STARTUP_AT = 24_913
const STARTUP_LEN_FIRST = 131_240
const STARTUP_LEN = 88_507
const ALLOCATOR_GAP = 6_118
const ALLOCATOR_LEN = 41_380
/** rc.local's last `cp -a` into /etc/service/enabled, after the allocator */
const LAST_COPY = 2_300
/** start_runit's exec of runsvdir, after the allocator */
const RUNSVDIR_EXEC = 9_702
/** a service that ran less than a second is started again one second after it exits (runsv.c: sleep(1)) */
const BIRD_RESTART = 1_003_410

function timelineOf(p: Pod, first: boolean): Timeline {
  const base = p.meta.creationTimestamp
  // addMicros reads its base to the millisecond: keep the base whole and carry the start's microseconds here
  const start = microsBetween(base, processStart(base, p.meta.name))
  const allocatorEnd = STARTUP_AT + (first ? STARTUP_LEN_FIRST : STARTUP_LEN) + ALLOCATOR_GAP + ALLOCATOR_LEN
  // runsvdir.c: on its first scan, when the directory's mtime is the current second, it sleeps a
  // second first (rc.local's cp changed it a few milliseconds before, unless a second began since)
  const second = (at: number) => Math.floor((Date.parse(base) * 1000 + start + at) / 1_000_000)
  const exec = allocatorEnd + RUNSVDIR_EXEC
  const runsvdir = exec + (second(allocatorEnd + LAST_COPY) === second(exec) ? 1_000_000 : 0) + 412
  return { base, start, runsvdir, birdUp: runsvdir + BIRD_RESTART }
}

/** The PIDs of the programs that print them (see the header's count). */
function pidsOf(setup: Setup): { startup: number; allocator: number; confd: number; felix: number; nodeServices: number } {
  const startup = 4
  const allocator = startup + GO_THREADS + 1 + 1
  let next = allocator + GO_THREADS + 1
  const services = ['node-services', 'felix', ...(setup.backend === 'bird' ? ['bird', 'bird6', 'confd'] : [])]
  next += 1 + services.length // mkdir, one cp each
  next += 5 // rm -rf of the five log/ directories
  next += 2 // start_runit's $(cat /var/lib/calico/nodename) and $(/usr/bin/which runsvdir)
  const order = [...services].sort()
  next += order.length // one runsv each
  const pidOf = (s: string) => next + order.indexOf(s)
  return { startup, allocator, confd: pidOf('confd'), felix: pidOf('felix'), nodeServices: pidOf('node-services') }
}

export function calicoLog(c: Cluster, p: Pod): LogLine[] {
  const node = c.index.node.get(p.nodeName)
  const nodeIP = node && v4(node.internalIPs)
  const pool = v4(c.config.podCIDRs)
  if (!node || !nodeIP || !pool) return []
  const setup = setupOf(c)
  const first = firstAgent(c) === p
  const t = timelineOf(p, first)
  const pids = pidsOf(setup)
  const timed: { at: number; seq: number; line: LogLine }[] = []
  let seq = 0
  const put = (at: number, line: LogLine) => timed.push({ at, seq: seq++, line })
  const go = (at: number, level: Level, pid: number, component: string, where: string, msg: string, fields: Fields = []) =>
    put(at, calicoLine(addMicros(t.base, t.start + at), level, pid, component, where, msg, fields))
  const plain = (at: number, text: string) => put(at, { time: addMicros(t.base, t.start + at), text })

  // 1. calico-node -startup
  const name = node.meta.name
  const su = (at: number, where: string, msg: string, fields: Fields = []) => go(STARTUP_AT + at, 'INFO', pids.startup, 'startup', where, msg, fields)
  su(0, 'startup.go 553', 'Early log level set to info')
  su(71, 'utils.go 125', `Using NODENAME environment for node name ${name}`)
  su(112, 'utils.go 137', `Determined node name: ${name}`)
  su(365, 'startup.go 111', `Starting node ${name} with version ${VERSION}`)
  su(2_702, 'startup.go 558', 'Checking datastore connection')
  su(16_148, 'startup.go 581', 'Datastore connection verified')
  su(16_207, 'startup.go 121', 'Datastore is ready')
  su(16_338, 'ipam.go 2561', 'Upgrading any IPAM affinities from older versions....', [['node', name]])
  su(24_716, 'ipam.go 2617', 'No affinities needed to be upgraded.')
  let at = 37_024
  if (setup.backend !== 'none') {
    const eth0 = nodePlumbing(c, node).host.links.find((l) => l.name === NIC)?.addresses.find((a) => a.family === 'IPv4')
    const cidr = eth0 ? `${eth0.address}/${eth0.prefixLength}` : `${nodeIP}/32`
    su(at, 'startup.go 610', 'Initialize BGP data')
    su(at + 893, 'autodetection_methods.go 103', `Using autodetected IPv4 address on interface ${NIC}: ${cidr}`)
    su(at + 951, 'startup.go 727', 'Node IPv4 changed, will check for conflicts')
    su(at + 6_402, 'startup.go 879', 'No AS number configured on node resource, using global value')
    at += 17_930
  }
  const v6 = c.config.podCIDRs.find((x) => parsePrefix(x)?.family === 'IPv6') ?? ''
  su(at, 'startup.go 942', `found v4=${pool} in the kubeadm config map`)
  su(at + 46, 'startup.go 946', `found v6=${v6} in the kubeadm config map`)
  at += 4_210
  if (first) {
    su(at, 'startup.go 853', 'CALICO_IPV4POOL_NAT_OUTGOING is true (defaulted) through environment variable')
    su(at + 31, 'startup.go 853', 'CALICO_IPV4POOL_DISABLE_BGP_EXPORT is false (defaulted) through environment variable')
    su(at + 77, 'startup.go 1125', `Ensure default IPv4 pool is created. IPIP mode: ${setup.ipipMode}, VXLAN mode: ${setup.vxlanMode}, DisableBGPExport: false`)
    su(at + 12_480, 'startup.go 1135', `Created default IPv4 pool (${pool}) with NAT outgoing true. IPIP mode: ${setup.ipipMode}, VXLAN mode: ${setup.vxlanMode}, DisableBGPExport: false`)
    at += 12_560
  }
  su(at, 'startup.go 847', 'FELIX_IPV6SUPPORT is false through environment variable')
  if (first) {
    su(at + 14_210, 'client.go 479', 'Tier default is now available.')
    su(at + 25_630, 'client.go 479', 'Tier kube-admin is now available.')
    su(at + 37_020, 'client.go 479', 'Tier kube-baseline is now available.')
  }
  const startupEnd = STARTUP_AT + (first ? STARTUP_LEN_FIRST : STARTUP_LEN)
  go(startupEnd, 'INFO', pids.startup, 'startup', 'startup.go 241', `Using node name: ${name}`)

  // 2. calico-node -allocate-tunnel-addrs -allocate-tunnel-addrs-run-once
  const a0 = startupEnd + ALLOCATOR_GAP
  const ta = (off: number, where: string, msg: string, fields: Fields = []) => go(a0 + off, 'INFO', pids.allocator, 'tunnel-ip-allocator', where, msg, fields)
  const env = [...setup.felixEnv].sort((x, y) => (x[0] < y[0] ? -1 : 1))
  ta(0, 'config_params.go 660', `Merging in config from environment variable: map[${env.map(([k, , v]) => `${k}:${v}`).join(' ')}]`)
  let off = 96
  for (const [, param, raw, parsed] of [...setup.felixEnv].sort((x, y) => (x[1] < y[1] ? -1 : 1))) {
    ta(off, 'config_params.go 797', `Parsing value for ${param}: ${raw} (from environment variable)`)
    ta(off + 9, 'config_params.go 833', `Parsed value for ${param}: ${parsed} (from environment variable)`)
    off += 23
  }
  const block = v4(node.podCIDRs)
  if (setup.tunnel && block) {
    const type: Fields[number] = ['type', setup.tunnel]
    const ip = networkAddress(block)
    ta(6_871, 'allocateip.go 315', 'Assign a new tunnel address', [type])
    ta(6_902, 'allocateip.go 395', 'Release any old tunnel addresses', [['IP', ''], type])
    ta(ALLOCATOR_LEN - 214, 'allocateip.go 518', 'Assigned tunnel address to node', [['IP', ip], type])
    ta(ALLOCATOR_LEN - 160, 'allocateip.go 409', 'Assign new tunnel address', [['IP', ip], type])
  }

  // 3. rc.local's echoes (plain lines: the shell's, no formatter)
  const r0 = a0 + ALLOCATOR_LEN + 2_511
  if (setup.backend === 'vxlan') plain(r0, 'CALICO_NETWORKING_BACKEND is vxlan - no need to run a BGP daemon')
  if (setup.backend === 'none') plain(r0, 'CALICO_NETWORKING_BACKEND is none - no BGP daemon running')
  plain(r0 + 5_914, 'Calico node started successfully')

  // 4. the runit services
  const s0 = t.runsvdir
  if (setup.backend === 'bird') {
    plain(s0 + 2_870, 'bird: Unable to open configuration file /etc/calico/confd/config/bird.cfg: No such file or directory')
    plain(s0 + 3_115, 'bird: Unable to open configuration file /etc/calico/confd/config/bird6.cfg: No such file or directory')
    go(s0 + 17_406, 'INFO', pids.confd, 'confd', 'config.go 81', 'Skipping confd config file.')
    go(s0 + 17_592, 'INFO', pids.confd, 'confd', 'run.go 18', 'Starting calico-confd')
  }
  felixLines(c, name, setup, (o, where, msg, fields) => go(s0 + o, 'INFO', pids.felix, 'felix', where, msg, fields))
  const ns = (o: number, where: string, msg: string) => go(s0 + o, 'INFO', pids.nodeServices, 'node-services', where, msg)
  ns(19_250, 'nodeservices.go 52', 'Starting complete-startup service')
  ns(19_262, 'nodeservices.go 57', 'Starting tunnel IP allocator service')
  ns(19_270, 'nodeservices.go 62', 'Starting node status reporter service')
  if (setup.backend !== 'none') ns(19_281, 'nodeservices.go 68', 'Starting monitor-addresses service')
  ns(19_289, 'nodeservices.go 75', 'Starting CNI token monitor service')
  if (setup.backend === 'bird') birdLines(c, node, nodeIP, t, plain)

  timed.sort((x, y) => x.at - y.at || x.seq - y.seq)
  return timed.map((x) => x.line)
}

/**
 * Felix's first lines, up to its datastore client (see the header): the variables its run
 * script exports (FELIX_FELIXHOSTNAME, FELIX_DATASTORETYPE and six empty FELIX_ETCD*) and the
 * manifest's, then felix.cfg's four "None" settings, each merge resolved from scratch.
 */
function felixLines(c: Cluster, node: string, setup: Setup, line: (at: number, where: string, msg: string, fields?: Fields) => void): void {
  // kubelet gives every container the kubernetes Service's address (pkg/kubelet/kubelet_pods.go getServiceEnvVarMap)
  const service = c.services.find((x) => x.meta.namespace === 'default' && x.meta.name === 'kubernetes')
  const host = service?.clusterIPs[0] ?? ''
  const etcd = ['etcdaddr', 'etcdcafile', 'etcdcertfile', 'etcdendpoints', 'etcdkeyfile', 'etcdscheme']
  const env: Setup['felixEnv'] = [
    ...setup.felixEnv,
    ['datastoretype', 'DatastoreType', 'kubernetes', 'kubernetes'],
    ['felixhostname', 'FelixHostname', node, node],
  ]
  const file: [string, string][] = [['LogFilePath', 'None'], ['LogSeverityFile', 'None'], ['LogSeveritySys', 'None'], ['MetadataAddr', 'None']]
  const byKey = [...env.map(([k, , v]) => [k, v] as const), ...etcd.map((k) => [k, ''] as const)].sort((a, b) => (a[0] < b[0] ? -1 : 1))
  const byParam = [...env].sort((a, b) => (a[1] < b[1] ? -1 : 1))
  let o = 15_842
  const next = (where: string, msg: string, fields?: Fields, gap = 11) => line((o += gap), where, msg, fields)
  next('daemon.go 153', 'Kubernetes server override env vars.', [['KUBERNETES_SERVICE_HOST', host], ['KUBERNETES_SERVICE_PORT', '443']], 0)
  next('daemon.go 158', 'Loading configuration...')
  next('daemon.go 184', 'Loading config file: /etc/calico/felix.cfg', undefined, 64)
  next('config_params.go 660', `Merging in config from environment variable: map[${byKey.map(([k, v]) => `${k}:${v}`).join(' ')}]`, undefined, 112)
  // the Source is a fmt.Stringer: printed bare
  for (const k of etcd) next('config_params.go 669', "Ignoring empty configuration parameter. Use value 'none' if your intention is to explicitly disable the default value.", [['name', k], ['source', { stringer: 'environment variable' }]], 9)
  const envParsing = () => {
    for (const [, param, raw, parsed] of byParam) {
      next('config_params.go 797', `Parsing value for ${param}: ${raw} (from environment variable)`, undefined, 13)
      next('config_params.go 833', `Parsed value for ${param}: ${parsed} (from environment variable)`, undefined, 5)
    }
  }
  envParsing()
  next('config_params.go 660', `Merging in config from config file: map[${file.map(([k, v]) => `${k}:${v}`).join(' ')}]`, undefined, 40)
  envParsing()
  for (const [param, raw] of file) {
    next('config_params.go 797', `Parsing value for ${param}: ${raw} (from config file)`, undefined, 13)
    next('config_params.go 814', 'Value set to \'none\', replacing with zero-value: "".', undefined, 4)
    next('config_params.go 833', `Parsed value for ${param}:  (from config file)`, undefined, 4)
  }
  next('health.go 376', 'Health enabled.  Starting server.', [['host', 'localhost'], ['port', 9099]], 52)
  next('config_params.go 942', 'Overriding DatastoreType from felix config to kubernetes', undefined, 140)
  next('config_params.go 978', 'Encap disabled, disabling node poll (if KDD is in use).', undefined, 21)
  next('daemon.go 216', 'Connecting to datastore', [['datastore', 'kubernetes']], 9)
  next('daemon.go 223', 'Created datastore client', undefined, 2_318)
}

/** BIRD's and BIRD6's second start and the mesh sessions (see the header). */
function birdLines(c: Cluster, node: Node, nodeIP: string, t: Timeline, plain: (at: number, text: string) => void): void {
  const first = firstAgent(c)
  const peers: { name: string; ip: string; up: number }[] = []
  for (const peer of c.nodes) {
    if (peer === node) continue
    const ip = v4(peer.internalIPs)
    const pod = agentOn(c, peer.meta.name)
    if (!ip || !pod || ip === nodeIP) continue
    // the active side (the higher address) connects after its connect delay (1.5 s + up to 0.5 s);
    // refused while the passive side's BIRD is not up yet, it waits a new delay (bgp_decision → bgp_active)
    const theirs = timelineOf(pod, pod === first)
    const theirUp = microsBetween(t.base, theirs.base) + theirs.start - t.start + theirs.birdUp
    const [lo, hi] = nodeIP < ip ? [nodeIP, ip] : [ip, nodeIP]
    const [activeUp, passiveUp] = hi === nodeIP ? [t.birdUp, theirUp] : [theirUp, t.birdUp]
    let attempt = activeUp
    for (let k = 0; k === 0 || attempt < passiveUp; k++) attempt += 1_500_000 + (fnv(`${lo}-${hi}/${k}`) % 500_000)
    const up = attempt + 1_204
    peers.push({ name: `Mesh_${ip.replaceAll('.', '_')}`, ip, up })
  }
  peers.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))

  const start = (at: number, withPeers: boolean) => {
    const protos = ['device1', 'direct1', ...(withPeers ? peers.map((p) => p.name) : [])]
    let o = at
    const say = (text: string) => plain((o += 19), `bird: ${text}`)
    for (const name of protos) say(`${name}: Initializing`)
    // proto.c protos_commit: the device protocol first, then the others in order
    say('device1: Starting')
    say('device1: Connected to table master')
    say('device1: State changed to feed')
    say('direct1: Starting')
    say('direct1: Connected to table master')
    say('direct1: State changed to feed')
    if (withPeers) for (const p of peers) {
      say(`${p.name}: Starting`)
      say(`${p.name}: State changed to start`)
    }
    say('Graceful restart started')
    // no BGP session holds the recovery: graceful_restart_init ends it at once
    if (!withPeers || peers.length === 0) say('Graceful restart done')
    say('Started')
    say('device1: State changed to up')
    say('direct1: State changed to up')
  }
  start(t.birdUp, true)
  start(t.birdUp + 1_806, false)

  const sessions = [...peers].sort((a, b) => a.up - b.up || (a.name < b.name ? -1 : 1))
  sessions.forEach((p, i) => {
    plain(p.up, `bird: ${p.name}: Connected to table master`)
    plain(p.up + 41, `bird: ${p.name}: State changed to feed`)
    plain(p.up + 302, `bird: ${p.name}: State changed to up`)
    if (i === sessions.length - 1) plain(p.up + 388, 'bird: Graceful restart done')
  })
}

export const calicoLogSource: LogSource = {
  name: 'calico-node',
  matches: (c, p, k: Container) => (c.config.cni === 'calico' || c.config.cni === 'canal') && p.meta.namespace === 'kube-system' && IMAGE.test(k.image.replace(/@.*$/, '')) && ipv4Only(c),
  lines: (c, p) => calicoLog(c, p),
}
