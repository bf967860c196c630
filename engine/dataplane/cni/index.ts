/**
 * The node's network as its CNI plugin leaves it: dispatches on
 * ClusterConfig.cni (and cniMode) and caches the result per cluster, since
 * the cluster is immutable once built.
 */
import type { Cluster, Node } from '../../model/types.ts'
import type { NetNS } from '../model.ts'
import { proxyConfig } from '../kube-proxy/config.ts'
import { serviceIPsOnNode } from '../kube-proxy/service-ips.ts'
import type { CniContext, CniFiles, HostPart, NodePlumbing } from './context.ts'
import { podsOnNode } from './context.ts'
import { kubeIpvs0, loopback, nicRoutes, nodeNic } from './common.ts'
import { buildFlannel, podRoutesViaGateway } from './flannel.ts'
import { buildCalico } from './calico.ts'
import { buildCilium } from './cilium.ts'
import { buildWeave } from './weave.ts'
import { AWS_MTU, buildRouted } from './routed.ts'
import { buildAntrea } from './antrea.ts'
import { bridgeDevice } from './bridge-device.ts'
import { wirePods } from './common.ts'
import { vethNames } from '../ids.ts'
import { broadcastAddress, prefixLength } from './addressing.ts'
import { podCIDROf } from './context.ts'
import { cniFiles, flannelSubnetEnv } from './files.ts'
import { installRoutes, routeOrder } from '../routes.ts'

export const NODE_MTU = 1500

const cache = new WeakMap<Cluster, Map<string, NodePlumbing>>()

/**
 * The node's namespace, every Pod's namespace and the plugin's files.
 *
 * @example
 * const net = nodePlumbing(cluster, cluster.index.node.get('node-1')!)
 * net.host.links.map((l) => l.name) // ['lo', 'eth0', 'flannel.1', 'cni0', 'veth…']
 */
export function nodePlumbing(cluster: Cluster, node: Node): NodePlumbing {
  let perCluster = cache.get(cluster)
  if (!perCluster) cache.set(cluster, (perCluster = new Map()))
  const hit = perCluster.get(node.meta.name)
  if (hit) return hit
  const built = build(cluster, node)
  perCluster.set(node.meta.name, built)
  return built
}

function build(cluster: Cluster, node: Node): NodePlumbing {
  const cni = cluster.config.cni
  const nicMtu = cni === 'aws-vpc-cni' ? AWS_MTU : NODE_MTU
  let next = 3
  const ctx: CniContext = {
    cluster,
    node,
    peers: cluster.nodes.filter((n) => n !== node),
    pods: podsOnNode(cluster, node),
    ipvsAddresses: proxyConfig(cluster).mode === 'ipvs' ? serviceIPsOnNode(cluster) : [],
    nextIndex: () => next++,
  }
  const lo = loopback()
  const nic = nodeNic(node, nicMtu)
  const links = [lo, nic]
  const routes = nicRoutes(node)
  // kube-proxy starts before the CNI agent: the agent reaches the API server through the kubernetes Service
  if (ctx.ipvsAddresses.length) links.push(kubeIpvs0(ctx))
  const pods = new Map<string, NetNS>()
  /** files the agent writes besides the CNI's own, by path: written out with the rest on first use */
  const extra: [string, () => string][] = []
  let part: HostPart
  let mtu = nicMtu
  if (cni === 'flannel') {
    part = buildFlannel(ctx, pods, nicMtu)
    mtu = cluster.config.cniMode === 'host-gw' ? nicMtu : nicMtu - 50
    extra.push(['/run/flannel/subnet.env', () => flannelSubnetEnv(ctx, mtu)])
  } else {
    // the other plugins: compiled only for a cluster that runs one (issue 20; flannel is the default)
    const other = otherCni(ctx, cni, pods, nicMtu, extra)
    part = other.part
    mtu = other.mtu
  }
  links.push(...part.links)
  routes.push(...part.routes)
  links.sort((a, b) => a.index - b.index)
  // the kernel's own check on every route the agent adds: a gateway must sit on a connected subnet
  const { installed, refused } = installRoutes(routes)
  let files: CniFiles | undefined
  return {
    host: { links, routes: routeOrder(installed), ...(part.neighbours ? { neighbours: part.neighbours } : {}), ...(part.fdb ? { fdb: part.fdb } : {}) },
    pods: new Map([...pods].map(([k, ns]) => [k, { ...ns, routes: routeOrder(installRoutes(ns.routes).installed) }])),
    // only `cat`/`ls` on the node read the CNI's files: a trace through the node does not, so
    // they are written on first use (issue 20: less code on the first run), once
    get files() {
      return (files ??= cniFiles(ctx, cni, mtu, new Map(extra.map(([path, content]) => [path, content()]))))
    },
    refusedRoutes: refused,
  }
}

/** The host side of every CNI but flannel, with the Pods' MTU it gives and the files its agent writes. */
function otherCni(ctx: CniContext, cni: Cluster['config']['cni'], pods: Map<string, NetNS>, nicMtu: number, extra: [string, () => string][]): { part: HostPart; mtu: number } {
  const { cluster } = ctx
  let part: HostPart
  let mtu = nicMtu
  switch (cni) {
    case 'calico':
    case 'canal':
      part = buildCalico(ctx, pods, nicMtu, cni === 'canal')
      mtu = cni === 'canal' || cluster.config.cniMode === 'vxlan' ? nicMtu - 50 : cluster.config.cniMode === 'ipip' ? nicMtu - 20 : nicMtu
      if (cni === 'canal') {
        const m = mtu
        extra.push(['/run/flannel/subnet.env', () => flannelSubnetEnv(ctx, m)])
      }
      break
    case 'cilium':
      part = buildCilium(ctx, pods, nicMtu)
      break
    case 'weave':
      part = buildWeave(ctx, pods)
      mtu = 1376
      break
    case 'aws-vpc-cni':
    case 'azure-cni':
      part = buildRouted(ctx, pods, cni, nicMtu)
      break
    case 'antrea':
      part = buildAntrea(ctx, pods, nicMtu)
      mtu = cluster.config.cniMode === 'noEncap' ? nicMtu : nicMtu - 50
      break
    case 'bridge':
    default:
      part = buildBridge(ctx, pods, nicMtu)
      break
  }
  return { part, mtu }
}

/**
 * The reference bridge plugin alone (host-local IPAM on the node's range):
 * cni0 and veths, a default route in each Pod, and nothing between nodes:
 * cross-node routes are left to the network (cloud routes or static routes).
 */
function buildBridge(ctx: CniContext, pods: Map<string, NetNS>, mtu: number): HostPart {
  const part: HostPart = { links: [], routes: [] }
  if (ctx.pods.length > 0 && ctx.node.podCIDRs.length > 0) {
    const br = bridgeDevice(ctx, 'cni0', mtu, ctx.node.podCIDRs)
    part.links.push(br.link)
    part.routes.push(...br.routes)
  }
  const wired = wirePods(ctx, {
    hostName: vethNames.bridge,
    mtu,
    master: 'cni0',
    bridgePort: true,
    creation: 'peer-in-host',
    podPrefix: (family) => prefixLength(podCIDROf(ctx.node, family) ?? (family === 'IPv4' ? '0.0.0.0/24' : '::/64')),
    podBroadcast: (family) => (family === 'IPv4' && podCIDROf(ctx.node, 'IPv4') ? broadcastAddress(podCIDROf(ctx.node, 'IPv4')!) : undefined),
    podRoutes: (_pod, ip, family) => podRoutesViaGateway(ctx, ip, family, []),
  }, pods)
  return { links: [...part.links, ...wired.links], routes: [...part.routes, ...wired.routes] }
}
