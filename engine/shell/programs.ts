/**
 * Every program the simulated shell knows. Each module that adds commands
 * exports its programs; this table is the one place they are joined.
 */
import type { Program } from './types.ts'
import { kubectlProgram } from '../kubectl/program.ts'
import { helpProgram } from './help.ts'
import { policyProgram } from '../policy/index.ts'
import { catProgram, digProgram, hostProgram, nslookupProgram } from '../dns/index.ts'
import { DATAPLANE_PROGRAMS } from '../dataplane/index.ts'
import { ingressProgram } from '../ingress/index.ts'
import { gatewayProgram } from '../gateway/index.ts'
import { TRAFFIC_PROGRAMS } from '../traffic/index.ts'
import { labAwareCat, labAwarePing, labBridgeProgram, labIpProgram, sysctlProgram } from '../lab/index.ts'
import { crictlProgram } from '../lab/crictl.ts'
import { meshProgram } from '../mesh/index.ts'
import { getentProgram } from '../dns/getent.ts'
import { envProgram, printenvProgram } from './printenv.ts'

export const PROGRAMS: Record<string, Program> = {
  kubectl: kubectlProgram,
  help: helpProgram,
  policy: policyProgram,
  nslookup: nslookupProgram,
  dig: digProgram,
  host: hostProgram,
  getent: getentProgram,
  printenv: printenvProgram,
  env: envProgram,
  ingress: ingressProgram,
  gateway: gatewayProgram,
  // illustrations of what the simulator does not run: a service mesh's path, a ClusterSet
  mesh: meshProgram,
  // ip, bridge, iptables(-save), ip6tables(-save), ipvsadm, ipset, nft, hostname, ls
  ...DATAPLANE_PROGRAMS,
  // trace, curl, wget, ping, nc, traceroute
  ...TRAFFIC_PROGRAMS,
  // the by-hand lab: ip that changes a node within one run, sysctl, ping into what the reader wired
  ip: labIpProgram,
  bridge: labBridgeProgram,
  sysctl: sysctlProgram,
  crictl: crictlProgram,
  ping: labAwarePing(TRAFFIC_PROGRAMS.ping),
  cat: labAwareCat(catProgram),
}
