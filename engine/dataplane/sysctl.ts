/**
 * sysctl (procps-ng): reads the kernel parameters the simulator keeps under
 * /proc/sys (engine/dataplane/files.ts: forwarding, bridge-nf-call, the
 * ephemeral port range, conntrack...). `sysctl KEY` prints "KEY = VALUE",
 * `-n` the value alone; a key the simulator does not keep is said to be not
 * simulated (exit 255) rather than "cannot stat /proc/sys/PATH: No such file
 * or directory", which a real machine may well have. Writing (-w,
 * KEY=VALUE) is not simulated: the node's settings come from the scenario.
 */
import type { Output, Program } from '../shell/types.ts'
import { dataplaneFile, notSimulated } from './files.ts'

export const sysctlProgram: Program = {
  places: ['pod', 'node'],
  summary: 'read kernel parameters (procps sysctl): sysctl net.ipv4.ip_forward',
  usage: ['sysctl [-n] KEY...   (e.g. net.ipv4.ip_forward, net.bridge.bridge-nf-call-iptables)'],
  run(inv): Output {
    let valuesOnly = false
    const keys: string[] = []
    for (const a of inv.argv.slice(1)) {
      if (a === '-n' || a === '--values') valuesOnly = true
      else if (a === '-w' || a === '--write' || a.includes('=')) return { exitCode: 1, stdout: '', stderr: 'sysctl: changing kernel parameters is not simulated here: the node\'s settings come from the scenario\n' }
      else if (a === '-a' || a === '--all') return { exitCode: 1, stdout: '', stderr: 'sysctl: -a is not simulated here: name the keys (e.g. sysctl net.ipv4.ip_forward)\n' }
      else if (a.startsWith('-')) return { exitCode: 255, stdout: '', stderr: `sysctl: invalid option -- '${a.replace(/^-+/, '')[0] ?? ''}'\n` }
      else keys.push(a)
    }
    if (keys.length === 0) return { exitCode: 255, stdout: '', stderr: 'sysctl: no variables specified\nTry `sysctl --help\' for more information.\n' }
    let stdout = ''
    let stderr = ''
    for (const key of keys) {
      const path = `/proc/sys/${key.replace(/\./g, '/')}`
      const f = dataplaneFile(inv.cluster, inv.place, path)
      if (!f || 'error' in f) {
        // a key the simulator does not keep (files.ts PARTIAL) is said to be so, not to be absent
        stderr += f && f.error.startsWith('knet:') ? `${notSimulated('sysctl', key)}\n` : `sysctl: cannot stat ${path}: No such file or directory\n`
        continue
      }
      const value = f.content.replace(/\n$/, '')
      stdout += valuesOnly ? `${value}\n` : `${key} = ${value}\n`
    }
    return { exitCode: stderr ? 255 : 0, stdout, stderr }
  },
}
