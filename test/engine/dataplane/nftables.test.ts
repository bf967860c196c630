/**
 * kube-proxy's nftables mode: TestOverallNFTablesRules' Services (the same
 * six as TestOverallIPTablesRules) listed with `nft list table ip kube-proxy`.
 * Chain names, verdict-map elements and per-endpoint rules are the upstream
 * test's (pkg/proxy/nftables/proxier_test.go), re-rendered as nft lists them.
 */
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'
import { loadCase, run } from './helpers.ts'
import { nftEndpointBase, nftServiceBase } from '../../../engine/dataplane/index.ts'

const overall = parse(readFileSync(new URL('../../fixtures/cases/dataplane/ipt-overall-rules.yaml', import.meta.url), 'utf8'))
// The upstream test's fake proxier accepts NodePorts on every address (NewNodePortAddresses(nil));
// a real kube-proxy in nftables mode defaults to "primary", so the configuration says 0.0.0.0/0, which matches all.
const matchAll = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: kube-proxy, namespace: kube-system}\ndata:\n  config.conf: |\n    mode: nftables\n    nodePortAddresses: ["0.0.0.0/0"]'
const { cluster } = loadCase({ cluster: { ...overall.cluster, proxyMode: 'nftables' }, manifests: `${overall.manifests}\n---\n${matchAll}` })
const table = run(cluster, 'ssh test-node nft list table ip kube-proxy')

function chain(name: string): string[] {
  const start = table.indexOf(`\tchain ${name} {\n`)
  if (start < 0) return []
  const end = table.indexOf('\n\t}', start)
  return table.slice(start, end).split('\n').slice(1).map((l) => l.trim())
}

describe('nftables chain names (hashAndTruncate)', () => {
  it('gives the upstream test\'s names', () => {
    const sp = (ns: string, name: string) => ({ namespace: ns, name, proto: 'tcp', portName: 'p80' }) as Parameters<typeof nftServiceBase>[0]
    expect(nftServiceBase(sp('ns1', 'svc1'))).toBe('ULMVA6XW-ns1/svc1/tcp/p80')
    expect(nftServiceBase(sp('ns2', 'svc2'))).toBe('42NFTM6N-ns2/svc2/tcp/p80')
    expect(nftServiceBase(sp('ns5', 'svc5'))).toBe('HVFWP5L3-ns5/svc5/tcp/p80')
    expect(nftEndpointBase(sp('ns1', 'svc1'), { ip: '10.180.0.1', port: 80 } as Parameters<typeof nftEndpointBase>[1])).toBe('5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80')
  })

  it('turns IPv6 colons into dots', () => {
    const sp = { namespace: 'ns1', name: 'svc1', proto: 'tcp', portName: 'p80' } as Parameters<typeof nftServiceBase>[0]
    expect(nftEndpointBase(sp, { ip: 'fd00::1', port: 80 } as Parameters<typeof nftEndpointBase>[1])).toMatch(/^[A-Z2-7]{8}-ns1\/svc1\/tcp\/p80__fd00\.\.1\/80$/)
  })
})

describe('nft list table ip kube-proxy (TestOverallNFTablesRules)', () => {
  // nft's src/rule.c: table_print lists sets and maps before chains, with no blank line after
  // the comment; prio2str names a priority within 10 of a standard one the hook allows
  it('opens with the table comment, then the sets and maps, then the chains with symbolic priorities', () => {
    expect(table.startsWith('table ip kube-proxy {\n\tcomment "rules for kube-proxy"\n\tset cluster-ips {\n')).toBe(true)
    expect(table.lastIndexOf('\tmap ')).toBeLessThan(table.indexOf('\tchain '))
    expect(chain('filter-prerouting')[0]).toBe('type filter hook prerouting priority dstnat - 10; policy accept;')
    expect(chain('nat-postrouting')).toEqual(['type nat hook postrouting priority srcnat; policy accept;', 'jump masquerading'])
    // dstnat is allowed on output since nftables 1.0.9; input and forward have no name within reach
    expect(chain('filter-output-post-dnat')[0]).toBe('type filter hook output priority dstnat + 10; policy accept;')
    expect(chain('nat-output')[0]).toBe('type nat hook output priority dstnat; policy accept;')
    expect(chain('filter-input')[0]).toBe('type filter hook input priority -110; policy accept;')
  })

  it('masquerades with the 0x4000 mark, as nft prints meta mark expressions', () => {
    expect(chain('mark-for-masquerade')).toEqual(['meta mark set meta mark | 0x00004000'])
    expect(chain('masquerading')).toEqual(['meta mark & 0x00004000 == 0x00000000 return', 'meta mark set meta mark ^ 0x00004000', 'masquerade fully-random'])
  })

  it('svc1: ClusterIP masquerade rule, numgen vmap, endpoint chain', () => {
    expect(chain('service-ULMVA6XW-ns1/svc1/tcp/p80')).toEqual([
      'ip daddr 172.30.0.41 tcp dport 80 ip saddr != 10.0.0.0/8 jump mark-for-masquerade',
      'numgen random mod 1 vmap { 0 : goto endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80 }',
    ])
    expect(chain('endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80')).toEqual(['ip saddr 10.180.0.1 jump mark-for-masquerade', 'meta l4proto tcp dnat to 10.180.0.1:80'])
  })

  it('svc2: external policy Local without local endpoints short-circuits pod and local traffic only', () => {
    expect(chain('external-42NFTM6N-ns2/svc2/tcp/p80')).toEqual([
      'ip saddr 10.0.0.0/8 goto service-42NFTM6N-ns2/svc2/tcp/p80 comment "short-circuit pod traffic"',
      'fib saddr type local jump mark-for-masquerade comment "masquerade local traffic"',
      'fib saddr type local goto service-42NFTM6N-ns2/svc2/tcp/p80 comment "short-circuit local traffic"',
    ])
    expect(table).toContain('1.2.3.4 . tcp . 80 comment "ns2/svc2:p80" : drop')
    expect(table).toContain('tcp . 3001 comment "ns2/svc2:p80" : drop')
  })

  it('svc4: two endpoints in one numgen vmap', () => {
    expect(chain('service-LAUZTJTB-ns4/svc4/tcp/p80')[1]).toBe('numgen random mod 2 vmap { 0 : goto endpoint-UNZV3OEC-ns4/svc4/tcp/p80__10.180.0.4/80, 1 : goto endpoint-5RFCDDV7-ns4/svc4/tcp/p80__10.180.0.5/80 }')
    expect(chain('external-LAUZTJTB-ns4/svc4/tcp/p80')).toEqual(['jump mark-for-masquerade', 'goto service-LAUZTJTB-ns4/svc4/tcp/p80'])
  })

  it('svc5: affinity set with a 3h timeout, firewall chain for the source range', () => {
    expect(table).toContain('\tset affinity-GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80 {\n\t\ttype ipv4_addr\n\t\tflags dynamic,timeout\n\t\ttimeout 3h\n\t}')
    expect(chain('service-HVFWP5L3-ns5/svc5/tcp/p80')).toContain('ip saddr @affinity-GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80 goto endpoint-GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80')
    expect(chain('endpoint-GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80')).toContain('update @affinity-GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80 { ip saddr }')
    expect(chain('firewall-HVFWP5L3-ns5/svc5/tcp/p80')).toEqual(['ip saddr != 203.0.113.0/25 drop'])
    expect(table).toContain('5.6.7.8 . tcp . 80 : goto firewall-HVFWP5L3-ns5/svc5/tcp/p80')
  })

  it('svc6: no endpoints, so its ClusterIP goes to reject-chain', () => {
    expect(table).toContain('172.30.0.46 . tcp . 80 comment "ns6/svc6:p80" : goto reject-chain')
    expect(chain('reject-chain')).toEqual(['comment "helper for @no-endpoint-services / @no-endpoint-nodeports"', 'reject'])
  })

  it('lists a plain set two addresses to a line, maps one element to a line', () => {
    expect(table).toContain('\t\telements = { 172.30.0.1, 172.30.0.10,\n\t\t\t     172.30.0.41, 172.30.0.42,')
    expect(table).toMatch(/elements = \{ 172\.30\.0\.1 \. tcp \. 443 : goto service-2QRHZV4L-default\/kubernetes\/tcp\/https,\n\t\t\t     172\.30\.0\.10 \. udp \. 53 : goto service-FY5PMXPG-kube-system\/kube-dns\/udp\/dns,/)
  })

  it('nft list chain prints one chain inside its table', () => {
    expect(run(cluster, 'ssh test-node nft list chain ip kube-proxy services')).toBe('table ip kube-proxy {\n\tchain services {\n\t\tip daddr . meta l4proto . th dport vmap @service-ips\n\t\tfib daddr type local ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @service-nodeports\n\t}\n}\n')
  })

  it('in iptables mode there is no kube-proxy table', () => {
    const { cluster: ipt } = loadCase({ cluster: overall.cluster, manifests: overall.manifests })
    expect(() => run(ipt, 'ssh test-node nft list table ip kube-proxy')).toThrow(/No such file or directory/)
  })
})
