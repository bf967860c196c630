/**
 * What each plugin's installer writes to the node's disk: the CNI network
 * configuration in /etc/cni/net.d (the runtime uses the first file in
 * lexical order), the binaries in /opt/cni/bin, and host-local IPAM's state
 * in /var/lib/cni/networks/<network>: one file per address holding the
 * container ID and interface name (separated by "\r\n", as the plugin's disk
 * store writes them), plus last_reserved_ip.0 and a lock file.
 */
import type { CniName } from '../../model/types.ts'
import { ipFamilyOf } from '../../net/ip.ts'
import { sandboxId } from '../ids.ts'
import type { CniContext, CniFiles } from './context.ts'
import { podCIDROf } from './context.ts'
import { CALICO_CNI_IPAM, FLANNEL_CNI_CONF, calicoCniTemplate } from '../../cluster/addon-manifests.ts'

/** containernetworking/plugins v1.7 release tarball */
const REFERENCE_PLUGINS = ['LICENSE', 'README.md', 'bandwidth', 'bridge', 'dhcp', 'dummy', 'firewall', 'host-device', 'host-local', 'ipvlan', 'loopback', 'macvlan', 'portmap', 'ptp', 'sbr', 'static', 'tap', 'tuning', 'vlan', 'vrf']

const PLUGIN_BINARIES: Record<CniName, string[]> = {
  flannel: ['flannel'],
  calico: ['calico', 'calico-ipam'],
  canal: ['calico', 'calico-ipam', 'flannel'],
  cilium: ['cilium-cni'],
  weave: ['weave-ipam', 'weave-net', 'weave-plugin-2.8.1'],
  'aws-vpc-cni': ['aws-cni', 'egress-cni'],
  'azure-cni': ['azure-vnet', 'azure-vnet-ipam', 'azure-vnet-telemetry'],
  bridge: [],
  antrea: ['antrea'],
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`
}

/**
 * What calico's install-cni writes to /etc/cni/net.d (cni-plugin/pkg/install/install.go): the
 * manifest's cni_network_config with its placeholders replaced, as text, so the file keeps the
 * template's layout. `__CNI_MTU__` is the ConfigMap's veth_mtu, "0" in calico.yaml and canal.yaml
 * v3.32.0: Calico then sizes each Pod's interface itself.
 */
function calicoConflist(node: string, cni: 'calico' | 'canal'): string {
  return calicoCniTemplate(CALICO_CNI_IPAM[cni])
    .replaceAll('__KUBERNETES_NODE_NAME__', node)
    .replaceAll('__CNI_MTU__', '0')
    .replaceAll('__KUBECONFIG_FILEPATH__', '/etc/cni/net.d/calico-kubeconfig')
}

/** The conflist each plugin's manifest installs, with this node's values filled in. */
function confFiles(ctx: CniContext, cni: CniName, mtu: number): Map<string, string> {
  const files = new Map<string, string>()
  const node = ctx.node.meta.name
  const portmap = { type: 'portmap', snat: true, capabilities: { portMappings: true } }
  const bandwidth = { type: 'bandwidth', capabilities: { bandwidth: true } }
  const calicoKubeconfig = 'apiVersion: v1\nkind: Config\nclusters:\n- name: local\n  cluster:\n    server: https://' + ctx.cluster.config.serviceCIDRs[0].replace(/\.0\/\d+$/, '.1') + ':443\n    certificate-authority-data: (not shown by the simulator)\nusers:\n- name: calico\n  user:\n    token: (not shown by the simulator)\ncontexts:\n- name: calico-context\n  context:\n    cluster: local\n    user: calico\ncurrent-context: calico-context\n'
  switch (cni) {
    case 'flannel':
      // kube-flannel.yml, ConfigMap kube-flannel-cfg, cni-conf.json
      files.set('10-flannel.conflist', FLANNEL_CNI_CONF)
      break
    case 'calico':
    case 'canal':
      files.set(cni === 'calico' ? '10-calico.conflist' : '10-canal.conflist', calicoConflist(node, cni))
      files.set('calico-kubeconfig', calicoKubeconfig)
      break
    case 'cilium':
      files.set('05-cilium.conflist', json({ cniVersion: '0.3.1', name: 'cilium', plugins: [{ type: 'cilium-cni', 'enable-debug': false, 'log-file': '/var/run/cilium/cilium-cni.log' }] }))
      break
    case 'weave':
      files.set('10-weave.conflist', json({ cniVersion: '0.3.0', name: 'weave', plugins: [{ name: 'weave', type: 'weave-net', hairpinMode: true }, { type: 'portmap', capabilities: { portMappings: true }, snat: true }] }))
      break
    case 'aws-vpc-cni':
      files.set('10-aws.conflist', json({
        cniVersion: '0.4.0',
        name: 'aws-cni',
        disableCheck: true,
        plugins: [
          { name: 'aws-cni', type: 'aws-cni', vethPrefix: 'eni', mtu: String(mtu), podSGEnforcingMode: 'strict', pluginLogFile: '/var/log/aws-routed-eni/plugin.log', pluginLogLevel: 'DEBUG', capabilities: { 'io.kubernetes.cri.pod-annotations': true } },
          { name: 'egress-cni', type: 'egress-cni', mtu: String(mtu), enabled: 'false', randomizeSNAT: 'prng', nodeIP: '', ipam: { type: 'host-local', ranges: [[{ subnet: 'fd00::ac:00/118' }]], routes: [{ dst: '::/0' }], dataDir: '/run/cni/v4pd/egress-v6-ipam' }, pluginLogFile: '/var/log/aws-routed-eni/egress-v6-plugin.log', pluginLogLevel: 'DEBUG' },
          { type: 'portmap', capabilities: { portMappings: true }, snat: true },
        ],
      }))
      break
    case 'azure-cni':
      files.set('10-azure.conflist', json({ cniVersion: '0.3.0', name: 'azure', plugins: [{ type: 'azure-vnet', mode: 'transparent', ipsToRouteViaHost: ['169.254.20.10'], ipam: { type: 'azure-vnet-ipam' } }, { type: 'portmap', capabilities: { portMappings: true }, snat: true }] }))
      break
    case 'bridge': {
      const ranges = ctx.node.podCIDRs.map((c) => [{ subnet: c }])
      files.set('10-bridge.conflist', json({ cniVersion: '1.0.0', name: 'cbr0', plugins: [{ type: 'bridge', bridge: 'cni0', isGateway: true, ipMasq: true, hairpinMode: true, ipam: { type: 'host-local', ranges, routes: ctx.node.podCIDRs.map((c) => ({ dst: ipFamilyOf(c.split('/')[0]) === 'IPv6' ? '::/0' : '0.0.0.0/0' })) } }, { type: 'portmap', capabilities: { portMappings: true } }] }))
      break
    }
    case 'antrea':
      files.set('10-antrea.conflist', json({ cniVersion: '0.3.0', name: 'antrea', plugins: [{ type: 'antrea', ipam: { type: 'host-local' } }, { type: 'portmap', capabilities: { portMappings: true } }, bandwidth] }))
      break
  }
  return files
}

/** host-local's directory name is the network's name from the conflist. */
const HOST_LOCAL_NETWORK: Partial<Record<CniName, string>> = {
  flannel: 'cbr0',
  bridge: 'cbr0',
  canal: 'k8s-pod-network',
  antrea: 'antrea',
}

function hostLocalState(ctx: CniContext): Map<string, string> {
  const files = new Map<string, string>()
  const last = new Map<string, string>()
  for (const pod of ctx.pods) {
    for (const ip of pod.podIPs) {
      files.set(ip, `${sandboxId(pod)}\r\neth0`)
      // one last_reserved_ip file per range, numbered by the range's position in the config
      const family = ipFamilyOf(ip)!
      const rangeIndex = ctx.node.podCIDRs.findIndex((c) => ipFamilyOf(c.split('/')[0]) === family)
      last.set(`last_reserved_ip.${Math.max(0, rangeIndex)}`, ip)
    }
  }
  for (const [k, v] of last) files.set(k, v)
  files.set('lock', '')
  return files
}

export function cniFiles(ctx: CniContext, cni: CniName, mtu: number, extra: Map<string, string>): CniFiles {
  const network = HOST_LOCAL_NETWORK[cni]
  const binaries = [...new Set([...REFERENCE_PLUGINS, ...PLUGIN_BINARIES[cni]])].sort()
  return {
    confDir: confFiles(ctx, cni, mtu),
    binaries,
    hostLocal: network ? { network, files: hostLocalState(ctx) } : undefined,
    extra,
  }
}

/** flanneld's lease file, read by the flannel CNI plugin (/run/flannel/subnet.env). */
export function flannelSubnetEnv(ctx: CniContext, mtu: number): string {
  const cidr = podCIDROf(ctx.node, 'IPv4')
  const lines = [`FLANNEL_NETWORK=${ctx.cluster.config.podCIDRs.find((c) => ipFamilyOf(c.split('/')[0]) === 'IPv4') ?? ''}`]
  if (cidr) lines.push(`FLANNEL_SUBNET=${cidr.replace(/\.0\/(\d+)$/, '.1/$1')}`)
  lines.push(`FLANNEL_MTU=${mtu}`, 'FLANNEL_IPMASQ=true')
  return `${lines.join('\n')}\n`
}
