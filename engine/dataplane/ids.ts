/**
 * Identifiers a real node draws at random (container IDs, netns names, MAC
 * addresses, veth names), derived here from names and UIDs so that every run
 * prints the same listing.
 */
import type { Pod } from '../model/types.ts'
import { sha256, sha256Hex, toHex } from './sha256.ts'
import { sha1Hex } from './sha1.ts'

/** The Pod sandbox's 64-hex container ID (containerd draws it at random). */
export function sandboxId(pod: Pod): string {
  return sha256Hex(`sandbox/${pod.meta.uid}`)
}

/** containerd's netns name: cni-%x-%x-%x-%x-%x over 16 random bytes (pkg/netns NewNetNS). */
export function netnsName(pod: Pod): string {
  const h = toHex(sha256(`netns/${pod.meta.uid}`).subarray(0, 16))
  return `cni-${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`
}

/** A locally administered unicast MAC, as the kernel's eth_random_addr gives a veth or bridge. */
export function randomMac(seed: string): string {
  const b = sha256(`mac/${seed}`)
  b[0] = (b[0] & 0xfe) | 0x02
  return formatMac(b.subarray(0, 6))
}

/** The node NIC: a QEMU/KVM-style address (52:54:00 OUI), stable per node. */
export function nicMac(nodeName: string): string {
  const b = sha256(`nic/${nodeName}`)
  return formatMac(new Uint8Array([0x52, 0x54, 0x00, b[0], b[1], b[2]]))
}

export function formatMac(bytes: Uint8Array): string {
  return Array.from(bytes, (x) => x.toString(16).padStart(2, '0')).join(':')
}

/** The EUI-64 link-local address the kernel derives from a MAC (RFC 4291 appendix A). */
export function linkLocalFromMac(mac: string): string {
  const b = mac.split(':').map((x) => parseInt(x, 16))
  const g = (hi: number, lo: number) => ((hi << 8) | lo).toString(16)
  return `fe80::${g(b[0] ^ 2, b[1])}:${g(b[2], 0xff)}:${g(0xfe, b[3])}:${g(b[4], b[5])}`
}

/** Host-side veth names, as each plugin forms them (IFNAMSIZ allows 15 characters). */
export const vethNames = {
  /** containernetworking/plugins ip.RandomVethName: "veth" + 4 random bytes in hex */
  bridge: (pod: Pod) => `veth${sha256Hex(`veth/${sandboxId(pod)}`).slice(0, 8)}`,
  /** libcalico-go VethNameForWorkload: "cali" + first 11 hex digits of sha1("namespace.pod") */
  calico: (pod: Pod) => `cali${sha1Hex(`${pod.meta.namespace}.${pod.meta.name}`).slice(0, 11)}`,
  /** amazon-vpc-cni-k8s GenerateHostVethName: the same recipe with prefix "eni" */
  aws: (pod: Pod) => `eni${sha1Hex(`${pod.meta.namespace}.${pod.meta.name}`).slice(0, 11)}`,
  /** azure-container-networking (transparent mode): "azv" + 11 hex digits of sha1 of the Pod's name */
  azure: (pod: Pod) => `azv${sha1Hex(`${pod.meta.namespace}.${pod.meta.name}`).slice(0, 11)}`,
  /** cilium-cni: "lxc" + 12 hex digits of sha256 of the endpoint's container ID */
  cilium: (pod: Pod) => `lxc${sha256Hex(sandboxId(pod)).slice(0, 12)}`,
  /** weave-net CNI: "vethwepl" + the container ID's first 7 characters */
  weave: (pod: Pod) => `vethwepl${sandboxId(pod).slice(0, 7)}`,
  /** antrea GenerateContainerInterfaceName: up to 8 characters of the Pod name, "-", a short hash */
  antrea: (pod: Pod) => `${pod.meta.name.slice(0, 8)}-${sha1Hex(`${pod.meta.namespace}/${pod.meta.name}`).slice(0, 6)}`,
}
