/**
 * What the container runtime reports when the CNI ADD for a Pod's sandbox
 * fails because the node's Pod range has no free address: libcni wraps the
 * plugin's error as `plugin type="T" failed (add): ERR` (containernetworking/cni
 * libcni/api.go AddNetworkList, pluginDescription: the plugin entries of these
 * conflists carry no name); flannel's plugin wraps the bridge plugin it
 * delegates to as `failed to delegate add: ERR` (flannel-io/cni-plugin
 * flannel_linux.go); host-local says `failed to allocate for range 0: no IP
 * addresses available in range set: START-END` (plugins/ipam/host-local
 * main.go and backend/allocator). Cilium's agent answers its own IPAM
 * request with "range is full" (cilium/cilium#10627 shows the text).
 * containerd prefixes `failed to setup network for sandbox "ID": ` and kubelet
 * `Failed to create pod sandbox: rpc error: code = Unknown desc = `; the
 * event module adds those, since the sandbox ID changes on every retry.
 */
import type { CniName } from '../model/types.ts'

export function cniAddError(cni: CniName, hostLocalError: string): string {
  switch (cni) {
    case 'flannel':
      return `plugin type="flannel" failed (add): failed to delegate add: ${hostLocalError}`
    case 'cilium':
      return 'plugin type="cilium-cni" failed (add): unable to allocate IP via local cilium agent: [POST /ipam][502] postIpamFailure  range is full'
    case 'canal':
    case 'calico':
      return `plugin type="calico" failed (add): ${hostLocalError}`
    case 'weave':
      return `plugin type="weave-net" failed (add): ${hostLocalError}`
    case 'aws-vpc-cni':
      return `plugin type="aws-cni" failed (add): ${hostLocalError}`
    case 'azure-cni':
      return `plugin type="azure-vnet" failed (add): ${hostLocalError}`
    default:
      return `plugin type="${cni}" failed (add): ${hostLocalError}`
  }
}
