/**
 * calico-node v3.32.0's log, line by line against projectcalico/calico at
 * v3.32.0 (node/filesystem/etc/rc.local and sbin/start_runit,
 * node/pkg/lifecycle/startup/startup.go, node/pkg/lifecycle/utils/utils.go,
 * autodetection_methods.go, libcalico-go/lib/ipam/ipam.go and
 * clientv3/client.go, node/pkg/allocateip/allocateip.go,
 * felix/config/config_params.go, confd/pkg/config/config.go and run/run.go,
 * node/pkg/nodeservices/nodeservices.go, confd's bgp_processor.go mesh names)
 * and projectcalico/bird (sysdep/unix/main.c and log.c, nest/proto.c,
 * proto/bgp/bgp.c).
 */
import { describe, expect, it } from 'vitest'
import { loadScenario, runCommand } from '../../../engine/index.ts'
import type { Cluster } from '../../../engine/index.ts'

function cluster(spec: string): Cluster {
  const { cluster, diagnostics } = loadScenario(`apiVersion: knet/v1alpha1\nkind: Cluster\nspec:\n${spec}`)
  const errors = diagnostics.filter((d) => d.severity === 'error')
  if (errors.length) throw new Error(errors.map((d) => d.message).join('\n'))
  return cluster
}

const agentOf = (c: Cluster, node: string) => c.pods.find((p) => p.meta.namespace === 'kube-system' && p.nodeName === node && /^(calico-node|canal)-/.test(p.meta.name))!

/** The log of the calico-node Pod on `node`. */
function calicoLog(c: Cluster, node: string, extra = ''): string[] {
  const r = runCommand(c, `kubectl logs -n kube-system ${agentOf(c, node).meta.name}${extra}`)
  expect(r.exitCode).toBe(0)
  return r.stdout.trimEnd().split('\n')
}

/** logutils.Formatter's layout: time to the millisecond, [LEVEL][PID], component/file.go LINE: message */
const LOGRUS = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} \[(INFO|WARNING|ERROR)\]\[\d+\] [a-z-]+\/[a-z_]+\.go \d+: /
/** the line without its time: `[INFO][4] startup/startup.go 553: …` */
const body = (l: string) => l.replace(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} /, '')
const logrus = (lines: string[]) => lines.filter((l) => LOGRUS.test(l))
const bird = (lines: string[]) => lines.filter((l) => l.startsWith('bird: '))

describe('calico-node (calico.yaml v3.32.0, IPIP), on a worker', () => {
  const c = cluster('  cni: calico\n')
  const lines = calicoLog(c, 'node-1')

  it('writes only logrus lines in calico\'s layout, BIRD\'s "bird: " lines and rc.local\'s echo', () => {
    for (const l of lines) expect(LOGRUS.test(l) || l.startsWith('bird: ') || l === 'Calico node started successfully').toBe(true)
  })

  it('startup names the node, finds eth0\'s address and the pool in kubeadm\'s ConfigMap', () => {
    const startup = logrus(lines).filter((l) => l.includes('] startup/')).map(body)
    expect(startup.slice(0, 4)).toEqual([
      '[INFO][4] startup/startup.go 553: Early log level set to info',
      '[INFO][4] startup/utils.go 125: Using NODENAME environment for node name node-1',
      '[INFO][4] startup/utils.go 137: Determined node name: node-1',
      '[INFO][4] startup/startup.go 111: Starting node node-1 with version v3.32.0',
    ])
    expect(startup).toContain('[INFO][4] startup/ipam.go 2561: Upgrading any IPAM affinities from older versions.... node="node-1"')
    expect(startup).toContain('[INFO][4] startup/autodetection_methods.go 103: Using autodetected IPv4 address on interface eth0: 192.168.1.11/24')
    expect(startup).toContain('[INFO][4] startup/startup.go 942: found v4=10.244.0.0/16 in the kubeadm config map')
    expect(startup).toContain('[INFO][4] startup/startup.go 946: found v6= in the kubeadm config map')
    expect(startup).toContain('[INFO][4] startup/startup.go 847: FELIX_IPV6SUPPORT is false through environment variable')
    expect(startup[startup.length - 1]).toBe('[INFO][4] startup/startup.go 241: Using node name: node-1')
  })

  it('the tunnel allocator gives tunl0 the address `ip addr` shows on the node', () => {
    const tunl0 = runCommand(c, 'ssh node-1 ip -4 addr show tunl0').stdout.match(/inet (\S+)\/32/)![1]
    expect(logrus(lines).filter((l) => l.includes('allocateip.go')).map(body)).toEqual([
      '[INFO][14] tunnel-ip-allocator/allocateip.go 315: Assign a new tunnel address type="ipipTunnelAddress"',
      '[INFO][14] tunnel-ip-allocator/allocateip.go 395: Release any old tunnel addresses IP="" type="ipipTunnelAddress"',
      `[INFO][14] tunnel-ip-allocator/allocateip.go 518: Assigned tunnel address to node IP="${tunl0}" type="ipipTunnelAddress"`,
      `[INFO][14] tunnel-ip-allocator/allocateip.go 409: Assign new tunnel address IP="${tunl0}" type="ipipTunnelAddress"`,
    ])
    expect(lines.map(body)).toContain('[INFO][14] tunnel-ip-allocator/config_params.go 660: Merging in config from environment variable: map[defaultendpointtohostaction:ACCEPT healthenabled:true ipinipmtu:0 ipv6support:false vxlanmtu:0 wireguardmtu:0]')
  })

  it('BIRD and BIRD6 fail once before confd writes their files, then start', () => {
    const b = bird(lines)
    expect(b.slice(0, 2)).toEqual([
      'bird: Unable to open configuration file /etc/calico/confd/config/bird.cfg: No such file or directory',
      'bird: Unable to open configuration file /etc/calico/confd/config/bird6.cfg: No such file or directory',
    ])
    expect(b.filter((l) => l === 'bird: Started')).toHaveLength(2)
    expect(lines.indexOf('Calico node started successfully')).toBeLessThan(lines.indexOf(b[0]))
  })

  it('one Mesh_<ip> protocol per peer node, sorted by name, each session reaching up, then graceful restart done', () => {
    const b = bird(lines)
    const peers = ['Mesh_192_168_1_10', 'Mesh_192_168_1_12', 'Mesh_192_168_1_13']
    expect(b.filter((l) => l.endsWith(': Initializing') && l.includes('Mesh_'))).toEqual(peers.map((p) => `bird: ${p}: Initializing`))
    for (const p of peers) {
      const mine = b.filter((l) => l.startsWith(`bird: ${p}: `)).map((l) => l.slice(`bird: ${p}: `.length))
      expect(mine).toEqual(['Initializing', 'Starting', 'State changed to start', 'Connected to table master', 'State changed to feed', 'State changed to up'])
    }
    expect(b.some((l) => l.includes('Mesh_192_168_1_11'))).toBe(false)
    expect(b[b.length - 1]).toBe('bird: Graceful restart done')
  })

  it('confd and node-services start with runsvdir, under their own PIDs', () => {
    expect(lines.map(body)).toContain('[INFO][43] confd/run.go 18: Starting calico-confd')
    expect(lines.map(body).filter((l) => l.includes('node-services/'))).toEqual([
      '[INFO][45] node-services/nodeservices.go 52: Starting complete-startup service',
      '[INFO][45] node-services/nodeservices.go 57: Starting tunnel IP allocator service',
      '[INFO][45] node-services/nodeservices.go 62: Starting node status reporter service',
      '[INFO][45] node-services/nodeservices.go 68: Starting monitor-addresses service',
      '[INFO][45] node-services/nodeservices.go 75: Starting CNI token monitor service',
    ])
  })

  it('Felix loads its environment, then felix.cfg\'s four None settings, and connects to the datastore', () => {
    const felix = lines.map(body).filter((l) => l.includes('] felix/'))
    expect(felix[0]).toBe('[INFO][44] felix/daemon.go 153: Kubernetes server override env vars. KUBERNETES_SERVICE_HOST="10.96.0.1" KUBERNETES_SERVICE_PORT="443"')
    expect(felix).toContain('[INFO][44] felix/config_params.go 660: Merging in config from environment variable: map[datastoretype:kubernetes defaultendpointtohostaction:ACCEPT etcdaddr: etcdcafile: etcdcertfile: etcdendpoints: etcdkeyfile: etcdscheme: felixhostname:node-1 healthenabled:true ipinipmtu:0 ipv6support:false vxlanmtu:0 wireguardmtu:0]')
    expect(felix.filter((l) => l.includes('Ignoring empty configuration parameter'))).toHaveLength(6)
    expect(felix).toContain(`[INFO][44] felix/config_params.go 669: Ignoring empty configuration parameter. Use value 'none' if your intention is to explicitly disable the default value. name="etcdaddr" source=environment variable`)
    // resolve() starts over on each merge: the environment's 8 parameters twice, the file's 4 once
    expect(felix.filter((l) => l.includes('(from environment variable)') && l.includes('Parsed value'))).toHaveLength(16)
    expect(felix.filter((l) => l.includes(`Value set to 'none', replacing with zero-value: "".`))).toHaveLength(4)
    expect(felix).toContain('[INFO][44] felix/config_params.go 833: Parsed value for LogFilePath:  (from config file)')
    expect(felix).toContain('[INFO][44] felix/health.go 376: Health enabled.  Starting server. host="localhost" port=9099')
    expect(felix.slice(-2)).toEqual(['[INFO][44] felix/daemon.go 216: Connecting to datastore datastore="kubernetes"', '[INFO][44] felix/daemon.go 223: Created datastore client'])
  })

  it('times grow monotonically, and logrus\'s millisecond time is the line\'s time cut, not rounded', () => {
    const r = runCommand(c, `kubectl logs -n kube-system ${agentOf(c, 'node-1').meta.name} --timestamps`)
    const rows = r.stdout.trimEnd().split('\n')
    // kubectl prints RFC 3339 with the fraction's trailing zeros trimmed: compare as microseconds
    const micros = (t: string) => {
      const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?Z$/.exec(t)!
      return Date.parse(`${m[1]}Z`) * 1000 + Number((m[2] ?? '').padEnd(6, '0'))
    }
    const times = rows.map((l) => micros(l.split(' ')[0]))
    expect([...times].sort((a, b) => a - b)).toEqual(times)
    for (const row of rows) {
      const [time, ...rest] = row.split(' ')
      const text = rest.join(' ')
      if (!LOGRUS.test(text)) continue
      const whole = `${time.slice(0, 10)} ${time.slice(11, 19)}.${(time.slice(20, -1) || '0').padEnd(3, '0').slice(0, 3)}`
      expect(text.slice(0, 23)).toBe(whole)
    }
  })

  it('runsvdir waits a second before its first scan (rc.local changed the directory this second), so BIRD fails a second after rc.local ends', () => {
    const rows = runCommand(c, `kubectl logs -n kube-system ${agentOf(c, 'node-1').meta.name} --timestamps`).stdout.trimEnd().split('\n')
    const at = (text: string) => Date.parse(rows.find((r) => r.endsWith(text))!.split(' ')[0])
    const gap = at('bird: Unable to open configuration file /etc/calico/confd/config/bird.cfg: No such file or directory') - at(' Calico node started successfully')
    expect(gap).toBeGreaterThanOrEqual(1000)
    expect(gap).toBeLessThan(1100)
  })

  it('is the same on every run, and --tail keeps the last lines', () => {
    expect(calicoLog(cluster('  cni: calico\n'), 'node-1')).toEqual(lines)
    expect(calicoLog(c, 'node-1', ' --tail 3')).toEqual(lines.slice(-3))
  })
})

describe('the pool and the tiers: written by the calico-node that starts first', () => {
  const c = cluster('  cni: calico\n')
  const logs = c.nodes.map((n) => calicoLog(c, n.meta.name).map(body))
  const created = logs.filter((l) => l.some((x) => x.includes('Created default IPv4 pool')))

  it('exactly one node creates the pool (IPIP Always, as calico.yaml asks) and the three tiers', () => {
    expect(created).toHaveLength(1)
    expect(created[0]).toContain('[INFO][4] startup/startup.go 1135: Created default IPv4 pool (10.244.0.0/16) with NAT outgoing true. IPIP mode: Always, VXLAN mode: Never, DisableBGPExport: false')
    expect(created[0].filter((l) => l.includes('client.go 479'))).toEqual([
      '[INFO][4] startup/client.go 479: Tier default is now available.',
      '[INFO][4] startup/client.go 479: Tier kube-admin is now available.',
      '[INFO][4] startup/client.go 479: Tier kube-baseline is now available.',
    ])
    for (const l of logs.filter((x) => x !== created[0])) expect(l.some((x) => x.includes('IP pool') || x.includes('Tier '))).toBe(false)
  })

  it('and it is the one whose first line is the earliest', () => {
    const firstTimes = c.nodes.map((n) => calicoLog(c, n.meta.name)[0].slice(0, 23))
    const creator = logs.indexOf(created[0])
    expect(firstTimes.every((t) => t >= firstTimes[creator])).toBe(true)
  })
})

describe('the BGP mesh follows the nodes', () => {
  it('two nodes: one peer; a single node: no peer, and graceful restart ends before "Started"', () => {
    const two = cluster('  cni: calico\n  nodes:\n  - {name: a, ip: 10.0.0.10, roles: [control-plane]}\n  - {name: b, ip: 10.0.0.9}\n')
    expect(bird(calicoLog(two, 'a')).filter((l) => l.includes('Initializing'))).toEqual(['bird: device1: Initializing', 'bird: direct1: Initializing', 'bird: Mesh_10_0_0_9: Initializing', 'bird: device1: Initializing', 'bird: direct1: Initializing'])
    const one = cluster('  cni: calico\n  nodes:\n  - {name: solo, ip: 10.0.0.10, roles: [control-plane]}\n')
    const b = bird(calicoLog(one, 'solo'))
    expect(b.some((l) => l.includes('Mesh_'))).toBe(false)
    expect(b.indexOf('bird: Graceful restart done')).toBeLessThan(b.indexOf('bird: Started'))
  })

  it('peer names sort as text (confd sorts the peers by name): 10.0.0.10 before 10.0.0.9', () => {
    const c = cluster('  cni: calico\n  nodes:\n  - {name: a, ip: 10.0.0.5, roles: [control-plane]}\n  - {name: b, ip: 10.0.0.9}\n  - {name: c, ip: 10.0.0.10}\n')
    expect(bird(calicoLog(c, 'a')).filter((l) => l.includes('Mesh_') && l.endsWith('Initializing'))).toEqual(['bird: Mesh_10_0_0_10: Initializing', 'bird: Mesh_10_0_0_9: Initializing'])
  })

  it('a session comes up at the same moment in both nodes\' logs', () => {
    const c = cluster('  cni: calico\n')
    const at = (node: string, peer: string) => {
      const rows = runCommand(c, `kubectl logs -n kube-system ${agentOf(c, node).meta.name} --timestamps`).stdout.split('\n')
      return rows.find((r) => r.endsWith(`bird: Mesh_${peer.replaceAll('.', '_')}: State changed to up`))!.split(' ')[0]
    }
    expect(at('node-1', '192.168.1.12')).toBe(at('node-2', '192.168.1.11'))
  })

  it('across subnets (bgp mode, nodes on two LANs) the sessions still establish: BGP is TCP, routed', () => {
    const c = cluster('  cni: calico\n  cniMode: bgp\n  nodes:\n  - {name: cp, ip: 10.0.1.10, roles: [control-plane]}\n  - {name: w1, ip: 10.0.1.11}\n  - {name: w2, ip: 10.0.2.11}\n')
    const b = bird(calicoLog(c, 'w1'))
    expect(b).toContain('bird: Mesh_10_0_2_11: State changed to up')
    expect(b).toContain('bird: Mesh_10_0_1_10: State changed to up')
    // no IPIP or VXLAN in bgp mode: no tunnel address to allocate
    expect(calicoLog(c, 'w1').some((l) => l.includes('allocateip.go'))).toBe(false)
  })
})

describe('vxlan (calico-vxlan.yaml: calico_backend "vxlan")', () => {
  const c = cluster('  cni: calico\n  cniMode: vxlan\n')
  const lines = calicoLog(c, 'node-2')

  it('no BIRD and no confd; rc.local says why; the VXLAN tunnel address is vxlan.calico\'s', () => {
    expect(bird(lines)).toEqual([])
    expect(lines.some((l) => l.includes('confd/'))).toBe(false)
    expect(lines).toContain('CALICO_NETWORKING_BACKEND is vxlan - no need to run a BGP daemon')
    const addr = runCommand(c, 'ssh node-2 ip -4 addr show vxlan.calico').stdout.match(/inet (\S+)\/32/)![1]
    expect(lines.map(body)).toContain(`[INFO][14] tunnel-ip-allocator/allocateip.go 409: Assign new tunnel address IP="${addr}" type="vxlanTunnelAddress"`)
    // two services fewer under runsvdir: node-services' PID moves down
    expect(lines.map(body)).toContain('[INFO][36] node-services/nodeservices.go 52: Starting complete-startup service')
  })
})

describe('canal (canal.yaml\'s calico-node: CALICO_NETWORKING_BACKEND=none, USE_POD_CIDR)', () => {
  const c = cluster('  cni: canal\n')
  const lines = calicoLog(c, 'node-1')

  it('no address autodetection, no tunnel address, no BGP; policy-only', () => {
    expect(lines.some((l) => l.includes('autodetect'))).toBe(false)
    expect(lines.some((l) => l.includes('allocateip.go'))).toBe(false)
    expect(bird(lines)).toEqual([])
    expect(lines).toContain('CALICO_NETWORKING_BACKEND is none - no BGP daemon running')
    expect(lines.some((l) => l.includes('monitor-addresses'))).toBe(false)
    expect(lines.map(body)).toContain('[INFO][14] tunnel-ip-allocator/config_params.go 833: Parsed value for IptablesRefreshInterval: 1m0s (from environment variable)')
  })

  it('kubectl logs -c on canal.yaml\'s calico-node container and by label', () => {
    const pod = agentOf(c, 'node-1').meta.name
    expect(runCommand(c, `kubectl logs -n kube-system ${pod} -c calico-node`).stdout.trimEnd().split('\n')).toEqual(lines)
    expect(runCommand(c, 'kubectl logs -n kube-system -l k8s-app=canal --tail 1').stdout.trimEnd().split('\n')).toHaveLength(4)
  })
})

describe('what gets no calico lines', () => {
  it('a dual-stack calico cluster: the note says the log is not simulated', () => {
    const c = cluster('  cni: calico\n  podCIDR: 10.244.0.0/16,fd00:10:244::/56\n  serviceCIDR: 10.96.0.0/12,fd00:10:96::/112\n')
    const r = runCommand(c, 'kubectl logs -n kube-system ds/calico-node')
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain('no simulated log for container "calico-node"')
  })

  it('a flannel cluster\'s log is flannel\'s, with no calico line', () => {
    const c = cluster('  cni: flannel\n')
    const r = runCommand(c, 'kubectl logs -n kube-flannel ds/kube-flannel-ds')
    expect(r.stdout).toContain('main.go:229] CLI flags config')
    expect(r.stdout).not.toMatch(/\[INFO\]\[\d+\]|bird: /)
  })
})
