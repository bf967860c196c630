/**
 * Cloud-routed plugins: the AWS VPC CNI and Azure CNI (transparent mode).
 * Pods take secondary addresses of the node's own VPC/VNet subnet, so no
 * overlay and no per-node routes exist: the cloud's fabric delivers to the
 * node. Each Pod has a /32 on eth0, a default route via the link-local next
 * hop 169.254.1.1, and a host route `IP dev <veth> scope link`.
 * AWS ENIs run jumbo frames (MTU 9001); the VPC CNI sets the Pod MTU to match.
 * Simplified: the AWS per-ENI policy-routing rules and tables are not shown.
 */
import type { NetNS } from '../model.ts'
import { vethNames } from '../ids.ts'
import { wirePods } from './common.ts'
import type { CniContext, HostPart } from './context.ts'

export const AWS_MTU = 9001

export function buildRouted(ctx: CniContext, pods: Map<string, NetNS>, plugin: 'aws-vpc-cni' | 'azure-cni', nicMtu: number): HostPart {
  return wirePods(ctx, {
    hostName: plugin === 'aws-vpc-cni' ? vethNames.aws : vethNames.azure,
    mtu: nicMtu,
    creation: 'pair-in-pod',
    hostRoute: true,
    podPrefix: (family) => (family === 'IPv4' ? 32 : 128),
    podRoutes: (_pod, _ip, family) => (family === 'IPv4'
      ? [
          { family, dst: 'default', via: '169.254.1.1', dev: 'eth0' },
          { family, dst: '169.254.1.1', dev: 'eth0', scope: 'link' },
        ]
      : []),
  }, pods)
}
