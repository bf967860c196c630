/**
 * proxy-scale: what kube-proxy programs on a node as Services grow, counted
 * from the same rulesets iptables-save, nft and ipvsadm print. The shape the
 * Services chapter teaches: iptables' KUBE-SERVICES grows by one rule per
 * Service port (pkg/proxy/iptables/proxier.go writes one -d VIP --dport rule
 * each), nftables dispatches through the service-ips map with a constant
 * `services` chain (pkg/proxy/nftables/proxier.go), IPVS matches ipsets with a
 * constant KUBE-SERVICES and adds a virtual server per Service port.
 */
import { describe, expect, it } from 'vitest'
import { loadScenario, runCommand } from '../../../engine/index.ts'
import { proxyScale } from '../../../engine/dataplane/kube-proxy/scale.ts'

describe('proxy-scale', () => {
  const rows = proxyScale([10, 100], 2)
  const at = (mode: string, n: number) => rows.find((r) => r.mode === mode && r.services === n)!

  it('iptables: KUBE-SERVICES holds one rule per Service port plus the NodePorts jump', () => {
    // 10 Services + kubernetes:443 + kube-dns:53/udp, 53/tcp, 9153 = 14 ports
    expect(at('iptables', 10).dispatch).toBe(15)
    expect(at('iptables', 100).dispatch).toBe(105)
  })

  it('nftables and IPVS dispatch with a constant number of rules; their sets grow instead', () => {
    expect(at('nftables', 100).dispatch).toBe(at('nftables', 10).dispatch)
    expect(at('ipvs', 100).dispatch).toBe(at('ipvs', 10).dispatch)
    expect(at('nftables', 100).elements - at('nftables', 10).elements).toBe(180)
    expect(at('ipvs', 100).virtualServers).toBe(104)
  })

  it('total rules grow linearly in iptables and nftables, not in IPVS', () => {
    const growth = (m: string) => (at(m, 100).rules - at(m, 10).rules) / 90
    expect(Number.isInteger(growth('iptables'))).toBe(true)
    expect(growth('iptables')).toBeGreaterThan(growth('nftables'))
    expect(at('ipvs', 100).rules).toBe(at('ipvs', 10).rules)
  })

  it('as a command: a table, and bad options get a usage error', () => {
    const c = loadScenario('').cluster
    const r = runCommand(c, 'proxy-scale --services 10 --mode nftables')
    expect(r.exitCode).toBe(0)
    expect(r.stdout).toContain('SERVICES   MODE       RULES   DISPATCH   ELEMENTS   VIRTUAL SERVERS')
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(5)
    expect(runCommand(c, 'proxy-scale --services 5000').exitCode).toBe(2)
    expect(runCommand(c, 'proxy-scale --mode userspace').stderr).toContain('unknown mode "userspace"')
    expect(runCommand(c, 'ssh node-1 proxy-scale').exitCode).not.toBe(0)
  })
})
