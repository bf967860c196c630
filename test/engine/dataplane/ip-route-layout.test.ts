/**
 * How iproute2 lays out a route line (ip/iproute.c print_route), checked where the simulator
 * once differed: the IPv6 tail, and the table name in a listing filtered by table.
 */
import { describe, expect, it } from 'vitest'
import { loadScenario, runCommand } from '../../../engine/index.ts'
import { formatRoute } from '../../../engine/dataplane/routes.ts'

describe('iproute2 route line layout (ip/iproute.c print_route)', () => {
  it('an IPv6 route ends with "pref medium" and no trailing space; an MTU (RTA_METRICS) comes before it', () => {
    expect(formatRoute({ family: 'IPv6', dst: 'fd00:10:244:2::/64', via: 'fd00:10:244:2::', dev: 'cilium_host', proto: 'kernel', metric: 1024, mtu: 1450 })).toBe('fd00:10:244:2::/64 via fd00:10:244:2:: dev cilium_host proto kernel metric 1024 mtu 1450 pref medium')
    expect(formatRoute({ family: 'IPv4', dst: '10.244.2.0/24', via: '10.244.2.0', dev: 'flannel.1', onlink: true })).toBe('10.244.2.0/24 via 10.244.2.0 dev flannel.1 onlink ')
  })
  it('a listing filtered by table does not name the table on each line ("table %s" only when !filter.tb)', () => {
    const { cluster } = loadScenario('apiVersion: knet/v1alpha1\nkind: Cluster\nspec: {ipFamilies: [IPv4, IPv6], podCIDR: "10.244.0.0/16,fd00:10:244::/56", serviceCIDR: "10.96.0.0/16,fd00:10:96::/112"}\n')
    const out = runCommand(cluster, 'ssh node-1 ip -6 route show table local').stdout
    expect(out).toMatch(/^local ::1 dev lo proto kernel metric 0 pref medium$/m)
    expect(out).not.toContain('table local')
  })
  it('table all lists main then local, IPv4 then IPv6 (dump_family stays AF_UNSPEC when filter.tb is 0), naming "table local" after dev', () => {
    const { cluster } = loadScenario('apiVersion: knet/v1alpha1\nkind: Cluster\nspec: {}\n')
    const run = (cmd: string) => runCommand(cluster, cmd).stdout
    const all = run('ssh node-1 ip route show table all')
    const main4 = run('ssh node-1 ip route show')
    const local4 = run('ssh node-1 ip route show table local')
    const main6 = run('ssh node-1 ip -6 route show')
    const local6 = run('ssh node-1 ip -6 route show table local')
    const named = (text: string) => text.replace(/^(\S+ \S+ dev \S+ )/gm, '$1table local ')
    expect(local4).toMatch(/^local 127\.0\.0\.1 dev lo proto kernel scope host src 127\.0\.0\.1 $/m)
    expect(all).toBe(main4 + named(local4) + main6 + named(local6))
    expect(all).toMatch(/^local 127\.0\.0\.1 dev lo table local proto kernel scope host src 127\.0\.0\.1 $/m)
    expect(all).toMatch(/^local ::1 dev lo table local proto kernel metric 0 pref medium$/m)
    // -4 keeps one family; a selector drops its field from local lines too
    expect(run('ssh node-1 ip -4 route show table all')).toBe(main4 + named(local4))
    expect(run('ssh node-1 ip route show table local dev lo')).toBe('local 127.0.0.0/8 proto kernel scope host src 127.0.0.1 \nlocal 127.0.0.1 proto kernel scope host src 127.0.0.1 \nbroadcast 127.255.255.255 proto kernel scope link src 127.0.0.1 \n')
  })
})
