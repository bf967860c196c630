/**
 * `ip -o` (iproute2's oneline mode): each record on one line, a backslash where its lines
 * would break (ip.c `_SL_`); `ip -o addr` prints only addresses, each prefixed
 * `INDEX: NAME` (ipaddress.c print_addrinfo "%u: %s"), which is what scripts grep.
 */
import { describe, expect, it } from 'vitest'
import { cluster, sh } from '../core/helpers.ts'

const c = cluster('apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec: {nodeName: node-1, containers: [{name: c, image: nginx:1.29}]}\n')
const out = (line: string) => sh(c, line).stdout

describe('ip -o', () => {
  it('link: the header and the link/ line of each device joined by a backslash', () => {
    const full = out('ssh node-1 ip link').split('\n').filter(Boolean)
    const one = out('ssh node-1 ip -o link').split('\n').filter(Boolean)
    expect(one).toHaveLength(full.length / 2)
    expect(one[1]).toBe(`${full[2]}\\${full[3]}`)
    expect(one[0]).toMatch(/^1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\\ {4}link\/loopback /)
  })
  it('addr: one line per address, prefixed by index and name, no link lines', () => {
    const lines = out('kubectl exec web -- ip -o addr').split('\n').filter(Boolean)
    expect(lines[0]).toBe('1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever')
    expect(lines[1]).toBe('1: lo    inet6 ::1/128 scope host noprefixroute \\       valid_lft forever preferred_lft forever')
    expect(lines[2]).toMatch(/^2: eth0 {4}inet 10\.244\.1\.\d+\/24 brd 10\.244\.1\.255 scope global eth0\\ {7}valid_lft forever preferred_lft forever$/)
    expect(lines.some((l) => l.includes('link/ether'))).toBe(false)
  })
  it('-4 and a device narrow it, as in `ip -o -4 addr show eth0`', () => {
    expect(out('ssh node-1 ip -o -4 addr show eth0')).toBe('2: eth0    inet 192.168.1.11/24 brd 192.168.1.255 scope global eth0\\       valid_lft forever preferred_lft forever\n')
  })
  it('route and brief output do not change', () => {
    expect(out('ssh node-1 ip -o route')).toBe(out('ssh node-1 ip route'))
    expect(out('ssh node-1 ip -o -br addr')).toBe(out('ssh node-1 ip -br addr'))
  })
})

describe('options ip and ss have but the simulator does not model', () => {
  it('are said to be not simulated, not unknown (ip.c matches a prefix of the name)', () => {
    expect(sh(c, 'ssh node-1 ip -s link')).toMatchObject({ exitCode: 255, stderr: 'knet: ip -s (-stats) is a real option, but it is not simulated here (simulated: -4 -6 -d -br -o -n -c -V)\n' })
    expect(sh(c, 'ssh node-1 ip --json addr').stderr).toMatch(/^knet: ip --json \(-json\) is a real option/)
    expect(sh(c, 'ssh node-1 ip -z addr').stderr).toBe('Option "-z" is unknown, try "ip -help".\n')
    expect(sh(c, 'kubectl exec web -- ss -s').stderr).toMatch(/^knet: ss -s is a real option, but it is not simulated here\n/)
    expect(sh(c, 'kubectl exec web -- ss -q').stderr).toMatch(/^ss: invalid option -- 'q'\n/)
  })
})
