/**
 * Weave Net (v2.8, fast datapath): an Open vSwitch datapath `datapath`, the
 * `weave` bridge joined to it by the vethwe-bridge/vethwe-datapath pair, and
 * vxlan-6784 carrying the overlay. The whole allocation range (10.32.0.0/12)
 * is one L2 segment: Pods get a /12 address and a default route via the
 * node's weave bridge address; no per-node routes exist. MTU 1376 (weave's
 * default for fast datapath).
 */
import type { Link, NetNS, Route } from '../model.ts'
import { randomMac, vethNames } from '../ids.ts'
import { nthAddress } from './addressing.ts'
import { linkLocal, wirePods } from './common.ts'
import type { CniContext, HostPart } from './context.ts'
import { podCIDROf } from './context.ts'
import { WEAVE_DEFAULT_RANGE } from '../../cluster/config.ts'

export const WEAVE_MTU = 1376

export function buildWeave(ctx: CniContext, pods: Map<string, NetNS>): HostPart {
  const cidr = podCIDROf(ctx.node, 'IPv4')
  const bridgeIP = cidr ? nthAddress(cidr, 1) : undefined
  const links: Link[] = []
  const routes: Route[] = []
  const mk = (name: string, kind: Link['kind'], mtu: number, extra: Partial<Link> = {}): Link => {
    const mac = randomMac(`${ctx.node.meta.name}/${name}`)
    return {
      index: ctx.nextIndex(),
      name,
      kind,
      mtu,
      mac,
      flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'],
      state: 'UNKNOWN',
      qdisc: 'noqueue',
      qlen: 1000,
      linkType: 'ether',
      linkBroadcast: 'ff:ff:ff:ff:ff:ff',
      addresses: [linkLocal(mac)],
      ...extra,
    }
  }
  links.push(mk('datapath', 'openvswitch', WEAVE_MTU))
  const weave = mk('weave', 'bridge', WEAVE_MTU, { state: 'UP' })
  if (bridgeIP) weave.addresses.unshift({ family: 'IPv4', address: bridgeIP, prefixLength: 12, broadcast: '10.47.255.255', scope: 'global' })
  links.push(weave)
  const br = mk('vethwe-datapath', 'veth', WEAVE_MTU, { state: 'UP', master: 'datapath', qlen: 0 })
  const dp = mk('vethwe-bridge', 'veth', WEAVE_MTU, { state: 'UP', master: 'weave', qlen: 0, bridgePort: { priority: 32, cost: 2, state: 'forwarding' } })
  br.parent = { index: dp.index, name: dp.name }
  dp.parent = { index: br.index, name: br.name }
  links.push(br, dp)
  links.push(mk('vxlan-6784', 'vxlan', 65535, { master: 'datapath', details: 'vxlan external id 0 srcport 0 0 dstport 6784 nolearning ttl auto ageing 300 udpcsum noudp6zerocsumtx udp6zerocsumrx external' }))
  if (bridgeIP) routes.push({ family: 'IPv4', dst: WEAVE_DEFAULT_RANGE, dev: 'weave', proto: 'kernel', scope: 'link', src: bridgeIP })
  const wired = wirePods(ctx, {
    hostName: vethNames.weave,
    mtu: WEAVE_MTU,
    master: 'weave',
    bridgePort: true,
    creation: 'pair-in-host',
    podPrefix: () => 12,
    podBroadcast: (family) => (family === 'IPv4' ? '10.47.255.255' : undefined),
    podRoutes: (_pod, ip, family) => (family === 'IPv4' && bridgeIP
      ? [
          { family, dst: 'default', via: bridgeIP, dev: 'eth0' },
          { family, dst: WEAVE_DEFAULT_RANGE, dev: 'eth0', proto: 'kernel', scope: 'link', src: ip },
        ]
      : []),
  }, pods)
  return { links: [...links, ...wired.links], routes: [...routes, ...wired.routes] }
}
