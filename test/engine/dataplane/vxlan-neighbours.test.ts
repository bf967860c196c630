/**
 * The neighbour and forwarding entries a VXLAN agent writes for each peer, learning being off
 * on its device: flanneld (vxlan_network.go handleSubnetEvents: AddARP, AddFDB), Felix on
 * vxlan.calico, canal's flanneld. `ip neigh` (ip/ipneigh.c print_neigh) and `bridge fdb`
 * (bridge/fdb.c print_fdb) print them; the FDB in the kernel's dump order (eth_hash buckets).
 */
import { describe, expect, it } from 'vitest'
import { Session, loadScenario, runCommand } from '../../../engine/index.ts'
import { ethHash } from '../../../engine/dataplane/fdb.ts'

const cluster = (spec: string) => loadScenario(`apiVersion: knet/v1alpha1\nkind: Cluster\nspec: ${spec}\n`).cluster

function peersOf(c: ReturnType<typeof cluster>, node: string, dev: string) {
  return c.nodes.filter((n) => n.meta.name !== node).map((n) => ({
    tunnelIP: n.podCIDRs[0].split('/')[0],
    mac: / link\/ether (\S+) /.exec(runCommand(c, `ssh ${n.meta.name} ip link show ${dev}`).stdout)![1],
    nodeIP: n.internalIPs[0],
  }))
}

describe('flannel VXLAN: one neighbour and one FDB entry per peer', () => {
  const c = cluster('{}')
  const peers = peersOf(c, 'node-1', 'flannel.1')

  it('ip neigh show dev flannel.1: each peer\'s flannel.1 address (the route\'s gateway) → its flannel.1 MAC, PERMANENT', () => {
    const out = runCommand(c, 'ssh node-1 ip neigh show dev flannel.1')
    expect(out.stderr).toBe('')
    expect(out.stdout.split('\n').filter(Boolean).sort()).toEqual(peers.map((p) => `${p.tunnelIP} lladdr ${p.mac} PERMANENT `).sort())
    // the gateways of flanneld's routes are exactly those addresses
    const gateways = [...runCommand(c, 'ssh node-1 ip route').stdout.matchAll(/ via (\S+) dev flannel\.1 onlink/g)].map((m) => m[1])
    expect(gateways.sort()).toEqual(peers.map((p) => p.tunnelIP).sort())
    // the MAC each peer announces in its backend-data annotation
    for (const n of c.nodes.filter((x) => x.meta.name !== 'node-1')) {
      const mac = JSON.parse(n.meta.annotations['flannel.alpha.coreos.com/backend-data']).VtepMAC
      expect(out.stdout).toContain(`lladdr ${mac} PERMANENT`)
    }
  })

  it('bridge fdb show dev flannel.1: each peer MAC behind its node address, self permanent, in eth_hash bucket order', () => {
    const lines = runCommand(c, 'ssh node-1 bridge fdb show dev flannel.1').stdout.split('\n').filter(Boolean)
    expect(lines.slice().sort()).toEqual(peers.map((p) => `${p.mac} dst ${p.nodeIP} self permanent`).sort())
    const buckets = lines.map((l) => ethHash(l.split(' ')[0]))
    expect(buckets).toEqual(buckets.slice().sort((a, b) => a - b))
    expect(buckets.every((b) => Number.isInteger(b) && b >= 0 && b < 256)).toBe(true)
  })

  it('without a device filter the device is named on each line, and the unsimulated entries are said to be missing', () => {
    const n = runCommand(c, 'ssh node-1 ip neigh')
    expect(n.stdout).toMatch(/^10\.244\.\d+\.0 dev flannel\.1 lladdr \S+ PERMANENT $/m)
    expect(n.stderr).toContain('not simulated')
    const f = runCommand(c, 'ssh node-1 bridge fdb show')
    expect(f.stdout).toMatch(/^\S+ dev flannel\.1 dst 192\.168\.1\.\d+ self permanent$/m)
    expect(f.stderr).toContain('not shown')
  })

  it('the by-hand lab keeps them, and deleting the device takes them with it', () => {
    const s = new Session(c)
    runCommand(c, 'ssh node-1 ip link add d0 type dummy', s)
    expect(runCommand(c, 'ssh node-1 ip neigh show dev flannel.1', s).stdout.split('\n').filter(Boolean)).toHaveLength(peers.length)
    runCommand(c, 'ssh node-1 ip link del flannel.1', s)
    expect(runCommand(c, 'ssh node-1 ip neigh', s).stdout).toBe('')
    expect(runCommand(c, 'ssh node-1 bridge fdb show', s).stdout).toBe('')
  })

  it('host-gw has no VXLAN device and writes no entries', () => {
    const h = cluster('{cniMode: host-gw}')
    expect(runCommand(h, 'ssh node-1 ip neigh').stdout).toBe('')
    expect(runCommand(h, 'ssh node-1 ip neigh show dev flannel.1').stderr).toBe('Cannot find device "flannel.1"\n')
  })
})

describe('Calico VXLAN and canal', () => {
  it('Felix writes vxlan.calico\'s entries: peer tunnel address → peer VTEP MAC, MAC → peer node', () => {
    const c = cluster('{cni: calico, cniMode: vxlan}')
    const peers = peersOf(c, 'node-1', 'vxlan.calico')
    expect(runCommand(c, 'ssh node-1 ip neigh show dev vxlan.calico').stdout.split('\n').filter(Boolean).sort()).toEqual(peers.map((p) => `${p.tunnelIP} lladdr ${p.mac} PERMANENT `).sort())
    expect(runCommand(c, 'ssh node-1 bridge fdb show dev vxlan.calico').stdout.split('\n').filter(Boolean).sort()).toEqual(peers.map((p) => `${p.mac} dst ${p.nodeIP} self permanent`).sort())
  })

  it('canal\'s flanneld writes flannel.1\'s; Calico in IPIP mode writes none', () => {
    expect(runCommand(cluster('{cni: canal}'), 'ssh node-1 ip neigh show dev flannel.1').stdout).toMatch(/^10\.244\.\d+\.0 lladdr \S+ PERMANENT $/m)
    expect(runCommand(cluster('{cni: calico, cniMode: ipip}'), 'ssh node-1 ip neigh').stdout).toBe('')
  })
})
