/**
 * The node diagram: drawn from what `ip` on a node answers (data.node), it
 * follows the run's wiring, marks what is down in words and dashes, and
 * escapes every name the reader typed.
 */
import { describe, expect, it } from 'vitest'
import { loadScenario, runCommand, Session, nodeDiagram } from '../../../engine/index.ts'
import type { NodeSnapshot } from '../../../engine/index.ts'

const { cluster } = loadScenario('apiVersion: v1\nkind: Namespace\nmetadata: {name: lab}')

function snapshot(lines: string[]): NodeSnapshot {
  const s = new Session(cluster)
  let last
  for (const l of lines) last = runCommand(cluster, `ssh node-1 ${l}`, s)
  return (last!.data as { node: NodeSnapshot }).node
}

describe('nodeDiagram', () => {
  it('draws the namespaces, the bridge, its ports and a cable per veth pair', () => {
    const snap = snapshot([
      'ip netns add red',
      'ip link add br0 type bridge',
      'ip link set br0 up',
      'ip link add veth-red type veth peer name veth-red-br',
      'ip link set veth-red netns red',
      'ip link set veth-red-br master br0',
      'ip -n red addr add 172.16.0.2/24 dev veth-red',
      'ip -n red link set veth-red up',
      'ip link',
    ])
    expect(snap.spaces.map((s) => s.name)).toEqual([null, 'red'])
    const { svg, alt } = nodeDiagram(snap)
    expect(svg).toContain('>red<')
    expect(svg).toContain('bridge br0 – NO-CARRIER')
    expect(svg).toContain('>veth-red 172.16.0.2/24<')
    expect(svg).toContain('>NO-CARRIER<')
    // the cable is dashed: the node's end is still down
    expect(svg).toMatch(/<line class="k-veth k-down"/)
    expect(alt).toContain('veth-red (veth, NO-CARRIER, 172.16.0.2/24, peer veth-red-br on the node)')
    expect(alt).toContain('veth-red-br (veth, DOWN, port of br0, peer veth-red in red)')
  })

  it('redraws as the wiring changes: the same cable solid once both ends are up', () => {
    const snap = snapshot(['ip netns add red', 'ip link add veth-red type veth peer name veth-red-br', 'ip link set veth-red netns red', 'ip -n red link set veth-red up', 'ip link set veth-red-br up', 'ip link'])
    const { svg } = nodeDiagram(snap)
    expect(svg).toMatch(/<line class="k-veth"/)
    expect(svg).not.toContain('k-veth k-down')
  })

  it('escapes what the reader named', () => {
    const snap = snapshot(["ip netns add 'a<b>&x'", 'ip link'])
    const { svg } = nodeDiagram(snap)
    expect(svg).toContain('&lt;b&gt;&amp;x')
    expect(svg).not.toContain('<b>&x')
  })

  it('shows the CNI sandboxes with their Pods', () => {
    const k = loadScenario('apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec: {nodeName: node-1, containers: [{name: c, image: nginx}]}').cluster
    const r = runCommand(k, 'ssh node-1 ip route')
    const { alt } = nodeDiagram((r.data as { node: NodeSnapshot }).node)
    expect(alt).toMatch(/Namespace cni-[0-9a-f-]+ \(Pod default\/web\): eth0 \(veth, up, 10\.244\.1\.2\/24, peer veth[0-9a-f]+ on the node\)/)
    expect(alt).toContain('cni0 (bridge, up, 10.244.1.1/24)')
  })
})
