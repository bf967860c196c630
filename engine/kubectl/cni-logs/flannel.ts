/**
 * flanneld's log (ghcr.io/flannel-io/flannel:v0.28.9, as kube-flannel.yml
 * v0.28.9 runs it: `--ip-masq --kube-subnet-mgr --healthz-port=8081`,
 * iptables mode, IPv4 only), written through klog (k8s.io/klog/v2, pid 1 in
 * the container), each line with the file:line that writes it in v0.28.9:
 *
 * - main.go:229 "CLI flags config: %+v" of CmdLineOpts (field order and the
 *   flag defaults of that release, with --ip-masq, --kube-subnet-mgr and
 *   --healthz-port=8081 set; the struct is unchanged since v0.27.4);
 * - the kube subnet manager: kube.go:139 waiting, kube.go:537 starting,
 *   kube.go:163 synced (the informer's first poll comes a second later);
 *   main.go:255 its Name(), main.go:258 signal handlers, main.go:554 the
 *   healthz server (mustRunHealthz, run because the manifest now sets a port:
 *   net.JoinHostPort of --healthz-ip 0.0.0.0 and 8081), main.go:540 the backend;
 * - pkg/ipmatch/match.go:211/269/291: the default route's interface and address;
 * - vxlan.go:128 the VXLAN config (VNI 1, port 0 = the kernel's 8472, no GBP,
 *   learning or DirectRouting: net-conf.json says only "Type": "vxlan");
 * - main.go:392 and nftables.go:280 (the unused traffic manager cleaned up),
 *   iptables.go:50; main.go:610/646 warn that /run/flannel/subnet.env does not
 *   exist yet (first start: /run is a fresh tmpfs), so iptables.go:101 recycles
 *   the "previous" rules of the empty network 0.0.0.0/0; iptables.go:111 and
 *   212 set up masquerading and the FORWARD rules. Since v0.28.9 each set is
 *   bootstrapped before the call returns (setupAndEnsureIP4Tables runs in the
 *   caller and only its resync loop in a goroutine; flannel-io/flannel#2523,
 *   so that /readyz means the rules are in place), so iptables.go:358
 *   "bootstrap done" follows each of the two at once, before subnet.env is
 *   written (up to v0.28.8 both came after "Running backend.");
 * - main.go:481 subnet.env written, main.go:484 "flannel is ready" (new in
 *   v0.28.9, #2523: /readyz answers 200 from then on), main.go:488 backend running,
 *   main.go:509 (the kube subnet manager's CompleteLease returns at once);
 * - per peer node, in the order the node informer lists them (by name):
 *   host-gw: route_network.go:93 "Subnet added: SUBNET via PUBLIC-IP", then
 *   routeAdd's netlink.RouteAdd; when the kernel refuses the route (gateway off
 *   every connected subnet, dataplane/routes.ts gatewayOnLink) route_network.go:168
 *   "Error adding route to %v: %s" with the netlink.Route's String() and the
 *   errno's text (vishvananda/netlink leaves NETLINK_EXT_ACK off, so no
 *   extack message is appended); routeCheck retries every 10 s in silence (an
 *   Errno is a net.Error, route_network.go:249);
 *   vxlan: vxlan_network.go:270 "Received Subnet Event with VxLan:" with
 *   LeaseAttrs.String() (pkg/lease/lease.go) of the peer's lease, read from
 *   the peer Node's flannel annotations (cluster/flannel-annotations.ts): its
 *   VTEP MAC is the peer's flannel.1 MAC.
 *
 * Left out because their text or number depends on what the simulator does
 * not model: client-go's in-cluster-config warning (its line number is
 * client-go's), the Node annotation dumps (kube.go:737), the per-node
 * "Creating the node lease" lines and subnet.go's "Batch elem" dumps (how many
 * depends on which agents came up first). The kubelet's probes of /healthz and
 * /readyz log nothing when they succeed. Dual-stack clusters get no lines:
 * flanneld's IPv6 path logs differently and is not written here.
 */
import type { Cluster, Container, Pod } from '../../model/types.ts'
import { addMicros, klogLine, processStart } from '../../text/klog.ts'
import type { LogLine, Severity } from '../../text/klog.ts'
import { imageName, imageTag } from '../../traffic/servers.ts'
import { nodePlumbing } from '../../dataplane/index.ts'
import { ipFamilyOf, parsePrefix } from '../../net/ip.ts'
import type { LogSource } from '../log-source.ts'

const VERSION = 'v0.28.9'
const PREFIX = 'flannel.alpha.coreos.com/'
const SUBNET_FILE = '/run/flannel/subnet.env'
/** net.JoinHostPort(--healthz-ip default, --healthz-port from kube-flannel.yml v0.28.9) */
const HEALTHZ = '0.0.0.0:8081'

/** main.go's CmdLineOpts printed with %+v (unexported flagSlice fields print as plain slices); healthzPort from the manifest's --healthz-port=8081. */
const CLI_FLAGS = '{etcdEndpoints:http://127.0.0.1:4001,http://127.0.0.1:2379 etcdPrefix:/coreos.com/network etcdKeyfile: etcdCertfile: etcdCAFile: etcdUsername: etcdPassword: version:false kubeSubnetMgr:true kubeApiUrl: kubeAnnotationPrefix:flannel.alpha.coreos.com kubeConfigFile: iface:[] ifaceRegex:[] ipMasq:true ipMasqRandomFullyDisable:false ifaceCanReach: subnetFile:/run/flannel/subnet.env publicIP: publicIPv6: subnetLeaseRenewMargin:60 healthzIP:0.0.0.0 healthzPort:8081 iptablesResyncSeconds:5 iptablesForwardRules:true blackholeRoute:false netConfPath:/etc/kube-flannel/net-conf.json setNodeNetworkUnavailable:true}'

const v4 = (list: string[]) => list.find((x) => ipFamilyOf(x.split('/')[0]) === 'IPv4')
const ipv4Only = (c: Cluster) => c.config.podCIDRs.every((p) => parsePrefix(p)?.family === 'IPv4')

export function flannelLog(c: Cluster, p: Pod): LogLine[] {
  const node = c.index.node.get(p.nodeName)
  const nodeIP = node && v4(node.internalIPs)
  const subnet = node && v4(node.podCIDRs)
  const network = v4(c.config.podCIDRs)
  if (!node || !nodeIP || !subnet || !network) return []
  const backend = c.config.cniMode === 'host-gw' ? 'host-gw' : 'vxlan'
  const start = processStart(p.meta.creationTimestamp, p.meta.name)
  const out: LogLine[] = []
  const line = (at: number, sev: Severity, where: string, msg: string) => out.push(klogLine(sev, addMicros(start, at), where, msg, [], false))

  line(0, 'I', 'main.go:229', `CLI flags config: ${CLI_FLAGS}`)
  line(11_874, 'I', 'kube.go:139', 'Waiting 10m0s for node controller to sync')
  line(11_962, 'I', 'kube.go:537', 'Starting kube subnet manager')
  line(1_012_207, 'I', 'kube.go:163', 'Node controller sync successful')
  line(1_012_241, 'I', 'main.go:255', `Created subnet manager: Kubernetes Subnet Manager - ${node.meta.name}`)
  line(1_012_249, 'I', 'main.go:258', 'Installing signal handlers')
  line(1_012_288, 'I', 'main.go:554', `Start healthz server on ${HEALTHZ}`)
  line(1_012_503, 'I', 'main.go:540', `Found network config - Backend type: ${backend}`)
  line(1_019_876, 'I', 'match.go:211', 'Determining IP address of default interface')
  line(1_020_712, 'I', 'match.go:269', `Using interface with name eth0 and address ${nodeIP}`)
  line(1_020_740, 'I', 'match.go:291', `Defaulting external address to interface address (${nodeIP})`)
  if (backend === 'vxlan') line(1_020_851, 'I', 'vxlan.go:128', 'VXLAN config: VNI=1 Port=0 GBP=false Learning=false DirectRouting=false')
  line(1_031_122, 'I', 'main.go:392', 'Cleaning-up unused traffic manager rules')
  line(1_031_160, 'I', 'nftables.go:280', 'Cleaning-up nftables rules...')
  line(1_036_418, 'I', 'iptables.go:50', 'Starting flannel in iptables mode...')
  line(1_036_467, 'W', 'main.go:610', `no subnet found for key: FLANNEL_NETWORK in file: ${SUBNET_FILE}`)
  line(1_036_489, 'W', 'main.go:610', `no subnet found for key: FLANNEL_SUBNET in file: ${SUBNET_FILE}`)
  line(1_036_503, 'W', 'main.go:646', `no subnet found for key: FLANNEL_IPV6_NETWORK in file: ${SUBNET_FILE}`)
  line(1_036_517, 'W', 'main.go:646', `no subnet found for key: FLANNEL_IPV6_SUBNET in file: ${SUBNET_FILE}`)
  line(1_036_552, 'I', 'iptables.go:101', `Current network or subnet (${network}, ${subnet}) is not equal to previous one (0.0.0.0/0, 0.0.0.0/0), trying to recycle old iptables rules`)
  // v0.28.9: each rule set is in place (iptables -N, one iptables -C per rule, one iptables-restore)
  // before SetupAndEnsure*Rules returns, so "bootstrap done" follows each announcement
  line(1_061_930, 'I', 'iptables.go:111', 'Setting up masking rules')
  line(1_094_316, 'I', 'iptables.go:358', 'bootstrap done')
  line(1_094_371, 'I', 'iptables.go:212', 'Changing default FORWARD chain policy to ACCEPT')
  line(1_113_957, 'I', 'iptables.go:358', 'bootstrap done')
  line(1_114_488, 'I', 'main.go:481', `Wrote subnet file to ${SUBNET_FILE}`)
  line(1_114_502, 'I', 'main.go:484', 'flannel is ready')
  line(1_114_519, 'I', 'main.go:488', 'Running backend.')
  line(1_114_561, 'I', 'main.go:509', 'Waiting for all goroutines to exit')
  line(1_114_605, 'I', backend === 'vxlan' ? 'vxlan_network.go:68' : 'route_network.go:56', backend === 'vxlan' ? 'watching for new subnet leases' : 'Watching for new subnet leases')

  const refused = nodePlumbing(c, node).refusedRoutes
  const peers = c.nodes.filter((n) => n !== node).sort((a, b) => (a.meta.name < b.meta.name ? -1 : a.meta.name > b.meta.name ? 1 : 0))
  let at = 1_142_098
  for (const peer of peers) {
    // a peer's lease is read back from the annotations its flanneld wrote (kube.go nodeToLease);
    // a node without them has no lease (handleAddLeaseEvent skips it)
    const a = peer.meta.annotations
    if (a[`${PREFIX}kube-subnet-manager`] !== 'true') continue
    const peerIP = a[`${PREFIX}public-ip`]
    const peerSubnet = v4(peer.podCIDRs)
    if (!peerIP || !peerSubnet) continue
    if (backend === 'host-gw') {
      line(at, 'I', 'route_network.go:93', `Subnet added: ${peerSubnet} via ${peerIP}`)
      if (refused.some((r) => r.dst === peerSubnet && r.via === peerIP)) {
        // the NIC is ifindex 2 on every simulated node; a nil Src prints as <nil>, no flags as []
        line(at + 212, 'E', 'route_network.go:168', `Error adding route to {Ifindex: 2 Dst: ${peerSubnet} Src: <nil> Gw: ${peerIP} Flags: [] Table: 0 Realm: 0}: network is unreachable`)
      }
    } else {
      const data = a[`${PREFIX}backend-data`]
      if (a[`${PREFIX}backend-type`] !== 'vxlan' || !data) continue
      line(at, 'I', 'vxlan_network.go:270', `Received Subnet Event with VxLan: BackendType: vxlan, PublicIP: ${peerIP}, PublicIPv6: (nil), BackendData: ${data}, BackendV6Data: (nil)`)
    }
    at += 1_346
  }
  return out
}

export const flannelLogSource: LogSource = {
  name: 'flannel',
  matches: (c, p, k: Container) => c.config.cni === 'flannel' && p.meta.namespace === 'kube-flannel' && imageName(k.image) === 'flannel' && imageTag(k.image) === VERSION && ipv4Only(c),
  lines: (c, p) => flannelLog(c, p),
}
