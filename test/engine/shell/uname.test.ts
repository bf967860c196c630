/**
 * uname: the node's kernel, seen the same from the node and from every container on it
 * (only the host name differs), in GNU coreutils' and BusyBox's layouts (coreutils
 * src/uname.c with Ubuntu's -p/-i patch; busybox 1.36.1 coreutils/uname.c).
 */
import { describe, expect, it } from 'vitest'
import { loadScenario, runCommand } from '../../../engine/index.ts'

const pod = (name: string, image: string) => `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}}\nspec:\n  nodeName: node-2\n  containers: [{name: c, image: "${image}", command: [sleep, infinity]}]\n`
const { cluster } = loadScenario([pod('bb', 'busybox:1.36'), pod('deb', 'debian:12'), pod('ubu', 'ubuntu:24.04')].join('---\n'))
const sh = (cmd: string) => runCommand(cluster, cmd)
const BUILD = '6.8.0-79-generic #79-Ubuntu SMP PREEMPT_DYNAMIC Tue Aug 12 14:42:46 UTC 2025'

describe('uname', () => {
  it('a container reports its node\'s kernel: release and build are the node\'s, the host name the Pod\'s', () => {
    expect(sh('ssh node-2 uname -r').stdout).toBe(`${runCommand(cluster, 'kubectl get node node-2 -o jsonpath={.status.nodeInfo.kernelVersion}').stdout}\n`)
    expect(sh('kubectl exec deb -- uname -r').stdout).toBe('6.8.0-79-generic\n')
    expect(sh('kubectl exec deb -- uname -n').stdout).toBe('deb\n')
    expect(sh('ssh node-2 uname -n').stdout).toBe('node-2\n')
  })

  it('-a: Ubuntu\'s coreutils answers -p and -i with the machine; Debian\'s and BusyBox say unknown, which -a leaves out', () => {
    expect(sh('ssh node-2 uname -a').stdout).toBe(`Linux node-2 ${BUILD} x86_64 x86_64 x86_64 GNU/Linux\n`)
    expect(sh('kubectl exec ubu -- uname -a').stdout).toBe(`Linux ubu ${BUILD} x86_64 x86_64 x86_64 GNU/Linux\n`)
    expect(sh('kubectl exec deb -- uname -a').stdout).toBe(`Linux deb ${BUILD} x86_64 GNU/Linux\n`)
    expect(sh('kubectl exec bb -- uname -a').stdout).toBe(`Linux bb ${BUILD} x86_64 GNU/Linux\n`)
    expect(sh('kubectl exec deb -- uname -p').stdout).toBe('unknown\n')
  })

  it('prints the fields in the fixed order s n r v m p i o, whatever the order asked; no option means -s', () => {
    expect(sh('kubectl exec deb -- uname -m -s -r').stdout).toBe('Linux 6.8.0-79-generic x86_64\n')
    expect(sh('kubectl exec deb -- uname --kernel-release --kernel-name').stdout).toBe('Linux 6.8.0-79-generic\n')
    expect(sh('kubectl exec bb -- uname').stdout).toBe('Linux\n')
  })

  it('an unknown option or an operand: coreutils\' one-line hint, BusyBox\'s usage; exit 1', () => {
    const gnu = sh('kubectl exec deb -- uname -x')
    expect([gnu.exitCode, gnu.stderr]).toEqual([1, "uname: invalid option -- 'x'\nTry 'uname --help' for more information.\ncommand terminated with exit code 1\n"])
    expect(sh('kubectl exec deb -- uname now').stderr).toContain("uname: extra operand 'now'")
    const bb = sh('kubectl exec bb -- uname -x')
    expect(bb.exitCode).toBe(1)
    expect(bb.stderr).toContain('Usage: uname [-amnrspvio]')
  })
})

describe('/etc/os-release on a node', () => {
  it('is the file of the OS kubectl reports (OS-IMAGE): Ubuntu 24.04.3, noble', () => {
    const text = sh('ssh node-2 cat /etc/os-release').stdout
    const osImage = runCommand(cluster, 'kubectl get node node-2 -o jsonpath={.status.nodeInfo.osImage}').stdout
    expect(text).toContain(`PRETTY_NAME="${osImage}"\n`)
    expect(text).toContain('VERSION="24.04.3 LTS (Noble Numbat)"\nVERSION_CODENAME=noble\nID=ubuntu\nID_LIKE=debian\n')
    expect(text.endsWith('UBUNTU_CODENAME=noble\nLOGO=ubuntu-logo\n')).toBe(true)
  })
})
