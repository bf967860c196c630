/**
 * The by-hand lab: Pod networking built on a node with `ip netns`, veth pairs,
 * a bridge, addresses and routes, in the state of one run (shell/session.ts).
 *
 * @example
 * const session = new Session(cluster)
 * runCommand(cluster, 'ssh node-1 ip netns add red', session)
 * runCommand(cluster, 'ssh node-1 ip link add veth-red type veth peer name veth-red-br', session)
 */
export { labIpProgram, labBridgeProgram, sysctlProgram, labAwarePing, labAwareCat } from './programs.ts'
export { nodeIp, view, ipChanges } from './ip.ts'
export { labFor, peekLab } from './state.ts'
export type { LabNode, Space } from './state.ts'
export { walk, segment } from './reach.ts'
