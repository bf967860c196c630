/**
 * What tcpdump 4.99.4 prints for a packet between two nodes, per overlay: the tunnel device
 * carries the packet itself; the node's eth0 carries it inside the outer header, which
 * tcpdump decodes for IP-in-IP (print-ip-demux.c), VXLAN on 4789 (print-vxlan.c) and Geneve on
 * 6081 (print-geneve.c), and prints as "UDP, length N" on any other port (flannel's 8472).
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { loadScenario, runCommand, Session } from '../../../engine/index.ts'

const base = readFileSync(new URL('../../../content/scenarios/services.yaml', import.meta.url), 'utf8')

/** The client's curl to a web Pod on another node, then the commands, in one run. */
function across(cni: string, ...commands: string[]) {
  const { cluster } = loadScenario(`apiVersion: knet/v1alpha1\nkind: Cluster\nspec: {${cni}}\n---\n${base}`)
  const client = cluster.index.pod.get('default/client')!
  const server = cluster.pods.find((p) => p.meta.labels.app === 'web' && p.nodeName !== client.nodeName)!
  const node = (name: string) => cluster.index.node.get(name)!.internalIPs[0]
  const s = new Session(cluster)
  runCommand(cluster, `kubectl exec client -- curl -s -o /dev/null http://${server.podIPs[0]}:8080/`, s)
  const at = { client: client.podIPs[0], server: server.podIPs[0], from: node(client.nodeName), to: node(server.nodeName), node: client.nodeName }
  const results = commands.map((c) => runCommand(cluster, c.replaceAll('NODE', at.node).replaceAll('PEER', at.to), s))
  return { at, results }
}

const re = (ip: string) => ip.replace(/\./g, '\\.')

describe('tcpdump on the underlay and the tunnel device', () => {
  it('Calico IP-in-IP: the outer addresses without ports, then the inner packet on the same line; tunl0 is a raw IP device', () => {
    const { at, results } = across('cni: calico', 'ssh NODE tcpdump -ni eth0 -c 1 host PEER', 'ssh NODE tcpdump -ni tunl0 -c 1 tcp')
    expect(results[0].stdout).toMatch(new RegExp(`^\\S+ IP ${re(at.from)} > ${re(at.to)}: IP ${re(at.client)}\\.\\d+ > ${re(at.server)}\\.8080: Flags \\[S\\], seq \\d+`))
    expect(results[1].stderr).toContain('listening on tunl0, link-type RAW (Raw IP), snapshot length 262144 bytes\n')
    expect(results[1].stdout).toMatch(new RegExp(`^\\S+ IP ${re(at.client)}\\.\\d+ > ${re(at.server)}\\.8080: Flags \\[S\\]`))
  })

  it('Calico VXLAN on 4789: decoded, with the inner packet (not the outer addresses) on the next line', () => {
    const { at, results } = across('cni: calico, cniMode: vxlan', 'ssh NODE tcpdump -ni eth0 -c 1 host PEER', 'ssh NODE tcpdump -ni vxlan.calico -c 1 tcp')
    const [outer, inner] = results[0].stdout.split('\n')
    expect(outer).toMatch(new RegExp(`^\\S+ IP ${re(at.from)}\\.\\d+ > ${re(at.to)}\\.4789: VXLAN, flags \\[I\\] \\(0x08\\), vni 4096$`))
    expect(inner).toMatch(new RegExp(`^IP ${re(at.client)}\\.\\d+ > ${re(at.server)}\\.8080: Flags \\[S\\]`))
    expect(results[1].stdout).toMatch(new RegExp(`^\\S+ IP ${re(at.client)}\\.\\d+ > ${re(at.server)}\\.8080: Flags \\[S\\]`))
  })

  it('flannel on 8472: 4.99.4 takes the port for OTV (print-otv.c), the VNI as its instance, and prints the inner packet after it', () => {
    const { at, results } = across('cni: flannel', 'ssh NODE tcpdump -ni eth0 -c 1 host PEER')
    expect(results[0].stdout).toMatch(new RegExp(`^\\S+ IP ${re(at.from)}\\.\\d+ > ${re(at.to)}\\.8472: OTV, flags \\[I\\] \\(0x08\\), overlay 0, instance 1\\nIP ${re(at.client)}\\.\\d+ > ${re(at.server)}\\.8080: Flags \\[S\\]`))
  })

  it('Weave\'s fast datapath on 6784: BFD_LAG_PORT to 4.99.4, which reads the VXLAN header as a BFDv0 control packet', () => {
    const { at, results } = across('cni: weave', 'ssh NODE tcpdump -ni eth0 -c 1 host PEER')
    expect(results[0].stdout).toMatch(new RegExp(`^\\S+ IP ${re(at.from)}\\.\\d+ > ${re(at.to)}\\.6784: BFDv0, Control, Flags: \\[none\\], length: 82\\n$`))
  })

  it('Antrea Geneve on 6081: decoded on one line (vni 0x0); ovs-system, the datapath\'s placeholder, shows nothing', () => {
    const { at, results } = across('cni: antrea', 'ssh NODE tcpdump -ni eth0 -c 2 host PEER', 'ssh NODE tcpdump -ni ovs-system', 'ssh NODE tcpdump -ni genev_sys_6081 -c 1')
    const [req, rep] = results[0].stdout.trim().split('\n')
    expect(req).toMatch(new RegExp(`^\\S+ IP ${re(at.from)}\\.\\d+ > ${re(at.to)}\\.6081: Geneve, Flags \\[none\\], vni 0x0: IP ${re(at.client)}\\.\\d+ > ${re(at.server)}\\.8080: Flags \\[S\\]`))
    // the reply's outer header comes from the peer, to the same port 6081
    expect(rep).toMatch(new RegExp(`^\\S+ IP ${re(at.to)}\\.\\d+ > ${re(at.from)}\\.6081: Geneve, Flags \\[none\\], vni 0x0: IP ${re(at.server)}\\.8080 > ${re(at.client)}\\.\\d+: Flags \\[S\\.\\]`))
    expect(results[1].stdout).toBe('')
    expect(results[2].stdout).toMatch(new RegExp(`^\\S+ IP ${re(at.client)}\\.\\d+ > ${re(at.server)}\\.8080: Flags \\[S\\]`))
  })

  it('Cilium Geneve: the VNI is the source endpoint\'s security identity, in hex', () => {
    const { results } = across('cni: cilium, cniMode: geneve', 'ssh NODE tcpdump -ni eth0 -c 1 host PEER', 'ssh NODE tcpdump -ni cilium_geneve -c 1')
    expect(results[0].stdout).toMatch(/: Geneve, Flags \[none\], vni 0x[0-9a-f]+: IP /)
    expect(results[1].stdout).toMatch(/^\S+ IP \S+ > \S+\.8080: Flags \[S\]/)
  })
})
