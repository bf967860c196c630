/**
 * `uname`: the kernel a node runs, as the node and every container on it see
 * it (a container shares its node's kernel; only the host name is its own).
 *
 * Two implementations print it:
 * - GNU coreutils (the nodes' Ubuntu 24.04, Debian and Ubuntu images, netshoot):
 *   src/uname.c prints the fields in the order s n r v m p i o; `-a` leaves out
 *   -p and -i when they are "unknown". Ubuntu patches coreutils to answer
 *   both with the machine type, which is why `uname -a` on an Ubuntu node ends
 *   "x86_64 x86_64 x86_64 GNU/Linux" and on a Debian image "x86_64 GNU/Linux".
 * - BusyBox 1.36.1 (busybox and Alpine images): coreutils/uname.c, the same
 *   order, -a likewise skipping unknown fields, OS name CONFIG_UNAME_OSNAME
 *   ("GNU/Linux"); any operand or unknown option shows its usage.
 *
 * The version string (`-v`) is the one Ubuntu's 6.8.0-79-generic kernel
 * reports (`#79-Ubuntu SMP PREEMPT_DYNAMIC Tue Aug 12 14:42:46 UTC 2025`,
 * as published `uname -a` outputs of that build show it).
 */
import type { Program } from '../shell/types.ts'
import { fail, ok } from '../shell/types.ts'
import { imageName } from '../traffic/servers.ts'
import { placeContainer } from '../model/containers.ts'

/** `uname -v` of the kernel builds the simulated nodes run. */
const KERNEL_BUILDS: Record<string, string> = {
  '6.8.0-79-generic': '#79-Ubuntu SMP PREEMPT_DYNAMIC Tue Aug 12 14:42:46 UTC 2025',
}

/** nodeInfo.architecture → utsname.machine */
const MACHINE: Record<string, string> = { amd64: 'x86_64', arm64: 'aarch64' }

const FLAGS = 'snrvmpio'
const LONG: Record<string, string> = {
  all: 'a', 'kernel-name': 's', nodename: 'n', 'kernel-release': 'r', release: 'r', 'kernel-version': 'v',
  machine: 'm', processor: 'p', 'hardware-platform': 'i', 'operating-system': 'o',
}

const BUSYBOX_USAGE =
  'BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\nUsage: uname [-amnrspvio]\n\nPrint system information\n\n' +
  '\t-a\tPrint all\n\t-m\tMachine (hardware) type\n\t-n\tHostname\n\t-r\tKernel release\n\t-s\tKernel name (default)\n' +
  '\t-p\tProcessor type\n\t-v\tKernel version\n\t-i\tHardware platform\n\t-o\tOS name\n'

export const unameProgram: Program = {
  places: ['pod', 'node'],
  summary: 'print the kernel name, release and version, the host name, the machine type',
  usage: ['uname [-a] [-s] [-n] [-r] [-v] [-m] [-o]'],
  run(inv) {
    const place = inv.place
    if (place.kind !== 'pod' && place.kind !== 'node') return fail('uname: runs on a node or in a Pod')
    const pod = place.kind === 'pod' ? place.pod : undefined
    const node = place.kind === 'node' ? place.node : inv.cluster.index.node.get(pod!.nodeName)
    if (!node) return fail(`uname: the Pod is not on a node`)
    const image = pod ? imageName(place.kind === 'pod' ? (place.image ?? placeContainer(pod, place.container)?.image ?? '') : '') : 'ubuntu'
    const busybox = image === 'busybox' || image === 'alpine'
    // Ubuntu's coreutils answers -p and -i with the machine type; upstream coreutils and BusyBox say "unknown"
    const ubuntu = !pod || image === 'ubuntu'
    let want = ''
    let all = false
    for (const a of inv.argv.slice(1)) {
      if (a.startsWith('--') && a.length > 2) {
        const f = LONG[a.slice(2)]
        if (!f) return busybox ? fail(`uname: unrecognized option '${a}'\n${BUSYBOX_USAGE}`, 1) : fail(`uname: unrecognized option '${a}'\nTry 'uname --help' for more information.`, 1)
        if (f === 'a') all = true
        else want += f
      } else if (a.startsWith('-') && a.length > 1) {
        for (const ch of a.slice(1)) {
          if (ch === 'a') all = true
          else if (FLAGS.includes(ch)) want += ch
          else return busybox ? fail(`uname: invalid option -- '${ch}'\n${BUSYBOX_USAGE}`, 1) : fail(`uname: invalid option -- '${ch}'\nTry 'uname --help' for more information.`, 1)
        }
      } else return busybox ? fail(BUSYBOX_USAGE, 1) : fail(`uname: extra operand '${a}'\nTry 'uname --help' for more information.`, 1)
    }
    const release = node.nodeInfo.kernelVersion ?? ''
    const version = KERNEL_BUILDS[release]
    const machine = MACHINE[node.nodeInfo.architecture ?? 'amd64'] ?? node.nodeInfo.architecture ?? ''
    const platform = ubuntu ? machine : 'unknown'
    const host = pod && !pod.hostNetwork ? (pod.hostname ?? pod.meta.name) : node.meta.name
    const fields: Record<string, string | undefined> = { s: 'Linux', n: host, r: release, v: version, m: machine, p: platform, i: platform, o: 'GNU/Linux' }
    if (all) want = FLAGS
    if (!want) want = 's'
    if (want.includes('v') && version === undefined) return fail(`knet: the version string of kernel ${release} is not known to the simulator (uname -r prints the release)`, 1)
    // -a leaves out the fields that are unknown (coreutils and BusyBox alike)
    const out = [...FLAGS].filter((f) => want.includes(f) && !(all && fields[f] === 'unknown')).map((f) => fields[f])
    return ok(`${out.join(' ')}\n`)
  },
}
