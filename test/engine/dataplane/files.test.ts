/**
 * The CNI's files on a node: the network configuration the runtime reads
 * (first file in name order), the plugin binaries, host-local's IPAM state,
 * and the sysctls kube-proxy depends on.
 */
import { describe, expect, it } from 'vitest'
import { dataplaneFile } from '../../../engine/dataplane/index.ts'
import { build, run } from './helpers.ts'

/** The lead wires `cat` to dataplaneFile; these tests read files through it directly. */
function cat(c: ReturnType<typeof cluster>, node: string, path: string): string {
  const r = dataplaneFile(c, { kind: 'node', node: c.index.node.get(node)! }, path)
  if (!r || 'error' in r) throw new Error(`cannot read ${path}`)
  return r.content
}

const cluster = (cni: string) => build([
  `apiVersion: knet/v1alpha1\nkind: Cluster\nspec: {cni: ${cni}}`,
  'apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec: {nodeName: node-1, containers: [{name: c, image: nginx}]}',
].join('\n---\n'))

describe('/etc/cni/net.d', () => {
  it.each([
    ['flannel', '10-flannel.conflist'],
    ['calico', '10-calico.conflist'],
    ['canal', '10-canal.conflist'],
    ['cilium', '05-cilium.conflist'],
    ['weave', '10-weave.conflist'],
    ['aws-vpc-cni', '10-aws.conflist'],
    ['azure-cni', '10-azure.conflist'],
    ['antrea', '10-antrea.conflist'],
  ])('%s installs %s first', (cni, file) => {
    expect(run(cluster(cni), 'ssh node-1 ls /etc/cni/net.d').split('\n')[0]).toBe(file)
  })

  it('flannel\'s conflist delegates to the bridge plugin as cbr0', () => {
    const c = cluster('flannel')
    const node = c.index.node.get('node-1')!
    const answer = dataplaneFile(c, { kind: 'node', node }, '/etc/cni/net.d/10-flannel.conflist')
    expect(answer && 'content' in answer && JSON.parse(answer.content)).toEqual({ name: 'cbr0', cniVersion: '0.3.1', plugins: [{ type: 'flannel', delegate: { hairpinMode: true, isDefaultGateway: true } }, { type: 'portmap', capabilities: { portMappings: true } }] })
  })

  it('calico\'s conflist names the node and uses calico-ipam', () => {
    const conf = JSON.parse(cat(cluster('calico'), 'node-2', '/etc/cni/net.d/10-calico.conflist'))
    expect(conf.plugins[0]).toMatchObject({ type: 'calico', nodename: 'node-2', ipam: { type: 'calico-ipam' } })
  })

  it('calico\'s and canal\'s conflists are the manifests\' template text as install-cni writes it: calico and portmap only, mtu 0 (veth_mtu), no final newline', () => {
    for (const cni of ['calico', 'canal'] as const) {
      const text = cat(cluster(cni), 'node-1', `/etc/cni/net.d/10-${cni}.conflist`)
      const conf = JSON.parse(text)
      expect(conf.plugins.map((p: { type: string }) => p.type)).toEqual(['calico', 'portmap'])
      expect(conf.plugins[0].mtu).toBe(0)
      // the template's own layout: nested objects indented by four more, portmap's capabilities on one line
      expect(text).toContain('      "policy": {\n          "type": "k8s"\n      },\n')
      expect(text).toContain('      "capabilities": {"portMappings": true}\n')
      expect(text.endsWith('  ]\n}')).toBe(true)
    }
    expect(JSON.parse(cat(cluster('canal'), 'node-1', '/etc/cni/net.d/10-canal.conflist')).plugins[0].ipam).toEqual({ type: 'host-local', subnet: 'usePodCidr' })
  })
})

describe('/var/lib/cni/networks (host-local)', () => {
  it('keeps one file per address with the container ID and interface, and the last reservation', () => {
    const c = cluster('flannel')
    const ip = c.index.pod.get('default/web')!.podIPs[0]
    const list = run(c, 'ssh node-1 ls /var/lib/cni/networks/cbr0').split('\n').filter(Boolean)
    expect(list).toEqual([ip, 'last_reserved_ip.0', 'lock'])
    expect(cat(c, 'node-1', `/var/lib/cni/networks/cbr0/${ip}`)).toMatch(/^[0-9a-f]{64}\r\neth0$/)
    expect(cat(c, 'node-1', '/var/lib/cni/networks/cbr0/last_reserved_ip.0')).toBe(ip)
  })

  it('calico keeps its IPAM in the datastore: no host-local directory', () => {
    const r = dataplaneFile(cluster('calico'), { kind: 'node', node: cluster('calico').index.node.get('node-1')! }, '/var/lib/cni/networks/k8s-pod-network/x')
    expect(r).toEqual({ error: 'cat: /var/lib/cni/networks/k8s-pod-network/x: No such file or directory' })
  })
})

describe('/opt/cni/bin and flannel\'s lease', () => {
  it('lists the reference plugins and the CNI\'s own binaries', () => {
    const bins = run(cluster('calico'), 'ssh node-1 ls /opt/cni/bin').split('\n')
    for (const b of ['bridge', 'host-local', 'loopback', 'portmap', 'calico', 'calico-ipam']) expect(bins).toContain(b)
  })

  it('writes /run/flannel/subnet.env with the node\'s subnet and the VXLAN MTU', () => {
    const c = cluster('flannel')
    const node = c.index.node.get('node-1')!
    expect(dataplaneFile(c, { kind: 'node', node }, '/run/flannel/subnet.env')).toEqual({ content: 'FLANNEL_NETWORK=10.244.0.0/16\nFLANNEL_SUBNET=10.244.1.1/24\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n' })
  })

  it('leaves paths it does not own to other modules', () => {
    const c = cluster('flannel')
    expect(dataplaneFile(c, { kind: 'node', node: c.index.node.get('node-1')! }, '/etc/resolv.conf')).toBeUndefined()
  })
})

describe('/proc/sys/net', () => {
  it('has forwarding on the node and route_localnet for localhost NodePorts in iptables mode', () => {
    const c = cluster('flannel')
    const node = c.index.node.get('node-1')!
    expect(dataplaneFile(c, { kind: 'node', node }, '/proc/sys/net/ipv4/ip_forward')).toEqual({ content: '1\n' })
    expect(dataplaneFile(c, { kind: 'node', node }, '/proc/sys/net/ipv4/conf/all/route_localnet')).toEqual({ content: '1\n' })
    const pod = c.index.pod.get('default/web')!
    expect(dataplaneFile(c, { kind: 'pod', pod }, '/proc/sys/net/ipv4/ip_forward')).toEqual({ content: '0\n' })
  })
})
