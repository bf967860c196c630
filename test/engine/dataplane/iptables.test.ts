/**
 * kube-proxy's iptables mode on a node: traffic policies, endpoint fallback,
 * probabilities, large-cluster mode, the kube-proxy ConfigMap, the formats of
 * iptables-save and iptables -L, and IPv6.
 */
import { describe, expect, it } from 'vitest'
import { kernelProbability, probability } from '../../../engine/dataplane/index.ts'
import { runCommand } from '../../../engine/index.ts'
import { build, canonical, run } from './helpers.ts'

const cluster = (extraSpec: string, ...docs: string[]) =>
  build([`apiVersion: knet/v1alpha1\nkind: Cluster\nspec: {serviceCIDR: 172.30.0.0/16, podCIDR: 10.0.0.0/8, ${extraSpec}}`, 'apiVersion: v1\nkind: Node\nmetadata: {name: n1}\nstatus: {addresses: [{type: InternalIP, address: 192.168.0.2}]}', 'apiVersion: v1\nkind: Node\nmetadata: {name: n2}\nstatus: {addresses: [{type: InternalIP, address: 192.168.0.3}]}', ...docs].join('\n---\n'))

const svc = (name: string, spec: string) => `apiVersion: v1\nkind: Service\nmetadata: {name: ${name}, namespace: default}\nspec:\n${spec}`
const slice = (svcName: string, endpoints: string, port = 80, portName = '') => `apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: ${svcName}-x, namespace: default, labels: {kubernetes.io/service-name: ${svcName}}}\naddressType: IPv4\nendpoints:\n${endpoints}\nports: [{name: "${portName}", port: ${port}, protocol: TCP}]`

const save = (c: ReturnType<typeof cluster>, node = 'n1', table = '') => run(c, `ssh ${node} iptables-save${table ? ` -t ${table}` : ''}`).split('\n')
const has = (lines: string[], restoreForm: string) => lines.map((l) => (l.startsWith('-A') ? canonical(l) : l)).includes(canonical(restoreForm))

describe('the canonical rule comparison used by the acceptance cases', () => {
  it('equates kube-proxy\'s restore input with the iptables-save form of the same rule', () => {
    expect(canonical('-A KUBE-SVC-X -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp -p tcp -d 172.30.0.41 --dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ'))
      .toBe(canonical('-A KUBE-SVC-X ! -s 10.0.0.0/8 -d 172.30.0.41/32 -p tcp -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp --dport 80 -j KUBE-MARK-MASQ'))
    expect(canonical('-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000')).toBe('-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000')
    expect(canonical('-A S -m statistic --mode random --probability 0.3333333333 -j X')).toBe('-A S -m statistic --mode random --probability 0.33333333349 -j X')
  })

  it('tells different rules apart', () => {
    const a = '-A KUBE-SVC-X -m comment --comment "ns1/svc1:p80 -> 10.0.1.1:80" -m statistic --mode random --probability 0.5000000000 -j KUBE-SEP-A'
    expect(canonical(a)).not.toBe(canonical(a.replace('0.5000000000', '0.3333333333')))
    expect(canonical(a)).not.toBe(canonical(a.replace('KUBE-SEP-A', 'KUBE-SEP-B')))
    expect(canonical('-A C ! -s 10.0.0.0/8 -j X')).not.toBe(canonical('-A C -s 10.0.0.0/8 -j X'))
    expect(canonical('-A C -m comment --comment "a b" -j X')).not.toBe(canonical('-A C -m comment --comment "a c" -j X'))
  })
})

describe('probabilities', () => {
  it('are 1/n with ten decimals, as computeProbability formats them', () => {
    expect([1, 2, 3, 100001].map(probability)).toEqual(['1.0000000000', '0.5000000000', '0.3333333333', '0.0000099999'])
  })

  it('come back from the kernel as xt_statistic stores them (31-bit fixed point, %.11f)', () => {
    expect(kernelProbability('0.3333333333')).toBe('0.33333333349')
    expect(kernelProbability('0.5000000000')).toBe('0.50000000000')
    expect(kernelProbability('0.2500000000')).toBe('0.25000000000')
  })

  it('spread n endpoints evenly: endpoint i gets 1/(n-i) and the last one none', () => {
    const eps = Array.from({ length: 5 }, (_, i) => `- {addresses: ["10.1.0.${i + 1}"]}`).join('\n')
    const c = cluster('', svc('web', '  clusterIP: 172.30.0.100\n  ports: [{port: 80}]'), slice('web', eps))
    const svcRules = save(c, 'n1', 'nat').filter((l) => l.startsWith('-A KUBE-SVC-') && l.includes('default/web -> '))
    expect(svcRules).toHaveLength(5)
    const probs = svcRules.map((l) => /--probability (\S+)/.exec(l)?.[1])
    expect(probs).toEqual([kernelProbability(probability(5)), kernelProbability(probability(4)), kernelProbability(probability(3)), kernelProbability(probability(2)), undefined])
  })
})

describe('traffic policies', () => {
  it('internalTrafficPolicy Local: only local endpoints, in a KUBE-SVL chain', () => {
    const c = cluster('', svc('web', '  clusterIP: 172.30.0.100\n  internalTrafficPolicy: Local\n  ports: [{port: 80}]'), slice('web', '- {addresses: ["10.1.0.1"], nodeName: n1}\n- {addresses: ["10.1.0.2"], nodeName: n2}'))
    const n1 = save(c, 'n1', 'nat')
    expect(n1.some((l) => l.startsWith('-A KUBE-SERVICES') && l.includes('-j KUBE-SVL-'))).toBe(true)
    expect(n1.filter((l) => l.startsWith('-A KUBE-SVL-') && l.includes('default/web -> '))).toEqual([expect.stringContaining('10.1.0.1:80')])
    expect(n1.some((l) => l.includes('10.1.0.2'))).toBe(false)
  })

  it('internalTrafficPolicy Local without a local endpoint: filter KUBE-SERVICES drops it', () => {
    const c = cluster('', svc('web', '  clusterIP: 172.30.0.100\n  internalTrafficPolicy: Local\n  ports: [{port: 80}]'), slice('web', '- {addresses: ["10.1.0.2"], nodeName: n2}'))
    expect(has(save(c, 'n1', 'filter'), '-A KUBE-SERVICES -m comment --comment "default/web has no local endpoints" -m tcp -p tcp -d 172.30.0.100 --dport 80 -j DROP')).toBe(true)
    expect(save(c, 'n1', 'nat').some((l) => l.includes('172.30.0.100/32') && l.startsWith('-A KUBE-SERVICES'))).toBe(false)
  })

  it('externalTrafficPolicy Local with a local endpoint: KUBE-EXT jumps to KUBE-SVL', () => {
    const c = cluster('serviceNodePortRange: "30000-32767"', svc('web', '  type: NodePort\n  externalTrafficPolicy: Local\n  clusterIP: 172.30.0.100\n  ports: [{port: 80, nodePort: 30080}]'), slice('web', '- {addresses: ["10.1.0.1"], nodeName: n1}\n- {addresses: ["10.1.0.2"], nodeName: n2}'))
    const n1 = save(c, 'n1', 'nat')
    const ext = n1.filter((l) => l.startsWith('-A KUBE-EXT-'))
    expect(ext.at(-1)).toMatch(/^-A KUBE-EXT-(\w+) -j KUBE-SVL-\1$/)
    // n2's only local endpoint is its own; the Cluster chain still lists both
    const n2 = save(c, 'n2', 'nat')
    expect(n2.filter((l) => l.startsWith('-A KUBE-SVL-') && l.includes('default/web -> '))).toEqual([expect.stringContaining('10.1.0.2:80')])
    expect(n2.filter((l) => l.startsWith('-A KUBE-SVC-') && l.includes('default/web -> '))).toHaveLength(2)
  })

  it('a Service without endpoints is rejected on every address, the NodePort by addrtype LOCAL', () => {
    const c = cluster('serviceNodePortRange: "30000-32767"', svc('web', '  type: NodePort\n  clusterIP: 172.30.0.100\n  externalIPs: [192.168.99.1]\n  ports: [{port: 80, nodePort: 30080}]'), slice('web', '- {addresses: ["10.1.0.1"], conditions: {ready: false}}'))
    const filter = save(c, 'n1', 'filter')
    expect(has(filter, '-A KUBE-SERVICES -m comment --comment "default/web has no endpoints" -m tcp -p tcp -d 172.30.0.100 --dport 80 -j REJECT')).toBe(true)
    expect(has(filter, '-A KUBE-EXTERNAL-SERVICES -m comment --comment "default/web has no endpoints" -m tcp -p tcp -d 192.168.99.1 --dport 80 -j REJECT')).toBe(true)
    expect(has(filter, '-A KUBE-EXTERNAL-SERVICES -m comment --comment "default/web has no endpoints" -m addrtype --dst-type LOCAL -m tcp -p tcp --dport 30080 -j REJECT')).toBe(true)
    expect(save(c, 'n1', 'nat').some((l) => l.includes('default/web'))).toBe(false)
  })

  it('falls back to serving terminating endpoints when none is ready', () => {
    const c = cluster('', svc('web', '  clusterIP: 172.30.0.100\n  ports: [{port: 80}]'), slice('web', '- {addresses: ["10.1.0.1"], conditions: {ready: false, serving: true, terminating: true}}\n- {addresses: ["10.1.0.2"], conditions: {ready: false, serving: false, terminating: true}}'))
    const seps = save(c, 'n1', 'nat').filter((l) => l.includes('-j DNAT'))
    expect(seps.filter((l) => l.includes('default/web'))).toEqual([expect.stringContaining('--to-destination 10.1.0.1:80')])
  })
})

describe('session affinity and load balancers', () => {
  it('ClientIP affinity: -m recent --rcheck in the service chain, --set in the endpoint chain', () => {
    const c = cluster('', svc('web', '  clusterIP: 172.30.0.100\n  sessionAffinity: ClientIP\n  sessionAffinityConfig: {clientIP: {timeoutSeconds: 600}}\n  ports: [{port: 80}]'), slice('web', '- {addresses: ["10.1.0.1"]}'))
    const nat = save(c, 'n1', 'nat')
    expect(nat.some((l) => /^-A KUBE-SVC-\w+ -m comment --comment "default\/web -> 10.1.0.1:80" -m recent --rcheck --seconds 600 --reap --name (KUBE-SEP-\w+) --mask 255.255.255.255 --rsource -j \1$/.test(l))).toBe(true)
    expect(nat.some((l) => /-m recent --set --name KUBE-SEP-\w+ --mask 255\.255\.255\.255 --rsource -m tcp -j DNAT/.test(l))).toBe(true)
  })

  it('loadBalancerSourceRanges that include the node let the LB IP in as a source too', () => {
    const c = cluster('serviceNodePortRange: "30000-32767"', svc('web', '  type: LoadBalancer\n  clusterIP: 172.30.0.100\n  loadBalancerSourceRanges: [192.168.0.0/24]\n  ports: [{port: 80}]') + '\nstatus: {loadBalancer: {ingress: [{ip: 198.51.100.7}]}}', slice('web', '- {addresses: ["10.1.0.1"]}'))
    const fw = save(c, 'n1', 'nat').filter((l) => l.startsWith('-A KUBE-FW-'))
    expect(fw.map((l) => l.replace(/KUBE-(FW|EXT)-\w+/g, 'KUBE-$1-X'))).toEqual([
      '-A KUBE-FW-X -s 192.168.0.0/24 -m comment --comment "default/web loadbalancer IP" -j KUBE-EXT-X',
      '-A KUBE-FW-X -s 198.51.100.7/32 -m comment --comment "default/web loadbalancer IP" -j KUBE-EXT-X',
      '-A KUBE-FW-X -m comment --comment "other traffic to default/web will be dropped by KUBE-PROXY-FIREWALL"',
    ])
  })
})

describe('answers do not depend on what ran before', () => {
  it('iptables-save\'s data is the same on a fresh cluster whether or not rules were rendered earlier in the process', () => {
    // rules share match objects across clusters (comments, -m tcp, statistic); their rendered text must stay off them
    const scenario = () => cluster('', svc('web', '  clusterIP: 172.30.0.50\n  ports: [{port: 80}]'), slice('web', '- {addresses: ["10.1.0.5"]}\n- {addresses: ["10.1.0.6"]}'))
    const data = () => JSON.stringify(runCommand(scenario(), 'ssh n1 iptables-save -t nat').data)
    const first = data()
    run(scenario(), 'ssh n2 iptables-save')
    expect(data()).toBe(first)
    expect(first).not.toContain('"saved"')
  })
})

describe('large clusters', () => {
  it('above 1,000 endpoints kube-proxy leaves out the per-endpoint comments', () => {
    const eps = Array.from({ length: 1001 }, (_, i) => `- {addresses: ["10.2.${Math.floor(i / 250)}.${(i % 250) + 1}"]}`).join('\n')
    const slices = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((k) => `apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: big-${k}, namespace: default, labels: {kubernetes.io/service-name: big}}\naddressType: IPv4\nendpoints:\n${eps.split('\n').slice(k * 100, k * 100 + 100).join('\n')}\nports: [{name: "", port: 80, protocol: TCP}]`)
    const c = cluster('', svc('big', '  clusterIP: 172.30.0.100\n  ports: [{port: 80}]'), ...slices)
    const nat = save(c, 'n1', 'nat')
    const sep = nat.filter((l) => l.startsWith('-A KUBE-SEP-'))
    expect(sep.length).toBeGreaterThan(2000)
    expect(sep.every((l) => !l.includes('--comment'))).toBe(true)
    // the service-level comments stay
    expect(nat.some((l) => l.includes('"default/big cluster IP"'))).toBe(true)
  })
})

describe('the kube-proxy ConfigMap', () => {
  const cm = (conf: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: kube-proxy, namespace: kube-system}\ndata:\n  config.conf: |\n${conf.split('\n').map((l) => `    ${l}`).join('\n')}`

  it('masqueradeAll marks every ClusterIP packet, whatever its source', () => {
    const c = cluster('', svc('web', '  clusterIP: 172.30.0.100\n  ports: [{port: 80}]'), slice('web', '- {addresses: ["10.1.0.1"]}'), cm('apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmasqueradeAll: true'))
    expect(save(c, 'n1', 'nat').some((l) => /^-A KUBE-SVC-\w+ -d 172\.30\.0\.100\/32 -p tcp -m comment --comment "default\/web cluster IP" -m tcp --dport 80 -j KUBE-MARK-MASQ$/.test(l))).toBe(true)
  })

  it('detectLocalMode NodeCIDR matches the node\'s own Pod range', () => {
    const c = cluster('', svc('web', '  clusterIP: 172.30.0.100\n  ports: [{port: 80}]'), slice('web', '- {addresses: ["10.1.0.1"]}'), cm('detectLocalMode: NodeCIDR'))
    const podCIDR = c.index.node.get('n1')!.podCIDRs[0]
    expect(save(c, 'n1', 'nat').some((l) => l.startsWith(`-A KUBE-SVC-`) && l.includes(`! -s ${podCIDR}`))).toBe(true)
  })

  it('masqueradeBit changes the mark everywhere', () => {
    const c = cluster('', cm('iptables:\n  masqueradeBit: 15'))
    const nat = save(c, 'n1', 'nat')
    expect(nat).toContain('-A KUBE-MARK-MASQ -j MARK --set-xmark 0x8000/0x8000')
    expect(nat).toContain('-A KUBE-POSTROUTING -m mark ! --mark 0x8000/0x8000 -j RETURN')
  })

  it('mode: ipvs replaces the per-Service chains with ipsets', () => {
    const c = cluster('', svc('web', '  clusterIP: 172.30.0.100\n  ports: [{port: 80}]'), slice('web', '- {addresses: ["10.1.0.1"]}'), cm('mode: ipvs'))
    const nat = save(c, 'n1', 'nat')
    expect(nat.some((l) => l.startsWith(':KUBE-SVC-'))).toBe(false)
    expect(nat).toContain('-A KUBE-SERVICES ! -s 10.0.0.0/8 -m comment --comment "Kubernetes service cluster ip + port for masquerade purpose" -m set --match-set KUBE-CLUSTER-IP dst,dst -j KUBE-MARK-MASQ')
  })

  it('mode: nftables leaves only kubelet\'s and the CNI\'s iptables rules', () => {
    const c = cluster('', cm('mode: nftables'))
    const all = run(c, 'ssh n1 iptables-save')
    expect(all).not.toContain('KUBE-SERVICES')
    expect(all).toContain(':KUBE-IPTABLES-HINT - [0:0]')
    expect(all).toContain('-A KUBE-FIREWALL ! -s 127.0.0.0/8 -d 127.0.0.0/8 -m comment --comment "block incoming localnet connections" -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP')
  })
})

describe('iptables-save and iptables -L formats', () => {
  const c = cluster('', svc('web', '  clusterIP: 172.30.0.100\n  ports: [{name: http, port: 80}]'), slice('web', '- {addresses: ["10.1.0.1"]}', 80, 'http'))

  it('frames each table with the generated/completed comments (ctime of the simulated now)', () => {
    const out = run(c, 'ssh n1 iptables-save -t nat').split('\n')
    expect(out[0]).toBe('# Generated by iptables-save v1.8.10 (nf_tables) on Thu Jan 15 12:00:00 2026')
    expect(out[1]).toBe('*nat')
    expect(out.slice(2, 6)).toEqual([':PREROUTING ACCEPT [0:0]', ':INPUT ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', ':POSTROUTING ACCEPT [0:0]'])
    expect(out.at(-3)).toBe('COMMIT')
    expect(out.at(-2)).toBe('# Completed on Thu Jan 15 12:00:00 2026')
  })

  it('lists user chains in name order after the builtin ones', () => {
    const chains = run(c, 'ssh n1 iptables-save -t nat').split('\n').filter((l) => l.startsWith(':')).map((l) => l.slice(1).split(' ')[0])
    const user = chains.slice(4)
    expect(user).toEqual([...user].sort())
  })

  it('prints iptables -t nat -L -n columns as iptables does', () => {
    const out = run(c, 'ssh n1 iptables -t nat -L KUBE-SERVICES -n').split('\n')
    expect(out[0]).toBe('Chain KUBE-SERVICES (2 references)')
    expect(out[1]).toBe('target     prot opt source               destination         ')
    expect(out).toContain('KUBE-SVC-CDGGSHYLG3RE2FKL  tcp  --  0.0.0.0/0            172.30.0.100         /* default/web:http cluster IP */ tcp dpt:80')
    expect(out).toContain('KUBE-NODEPORTS  all  --  0.0.0.0/0            0.0.0.0/0            /* kubernetes service nodeports; NOTE: this must be the last rule in this chain */ ADDRTYPE match dst-type LOCAL')
  })

  it('adds counters and interfaces with -v, and names the any-address without -n', () => {
    const out = run(c, 'ssh n1 iptables -t nat -L KUBE-MARK-MASQ -v').split('\n')
    expect(out[1]).toBe(' pkts bytes target     prot opt in     out     source               destination         ')
    expect(out[2]).toBe('    0     0 MARK       all  --  *      *       anywhere             anywhere             MARK or 0x4000')
  })

  it('iptables -S prints the chain definitions and rules in save form', () => {
    const out = run(c, 'ssh n1 iptables -t nat -S KUBE-MARK-MASQ')
    expect(out).toBe('-N KUBE-MARK-MASQ\n-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000\n')
  })

  it('rejects a chain that does not exist', () => {
    expect(run.bind(null, c, 'ssh n1 iptables -t nat -L NOPE')).toThrow(/No chain\/target\/match by that name/)
  })
})

describe('dual-stack', () => {
  it('ip6tables-save holds the IPv6 side, DNAT targets in brackets', () => {
    const c = build([
      'apiVersion: knet/v1alpha1\nkind: Cluster\nspec: {podCIDR: "10.244.0.0/16,fd00:10:244::/56", serviceCIDR: "10.96.0.0/12,fd00:10:96::/112"}',
      'apiVersion: v1\nkind: Pod\nmetadata: {name: web, labels: {app: web}}\nspec: {nodeName: node-1, containers: [{name: c, image: nginx}]}',
      'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {ipFamilyPolicy: RequireDualStack, selector: {app: web}, ports: [{port: 80}]}',
    ].join('\n---\n'))
    const v6 = run(c, 'ssh node-1 ip6tables-save -t nat')
    const pod = c.index.pod.get('default/web')!
    const v6ip = pod.podIPs.find((ip) => ip.includes(':'))!
    expect(v6).toContain(`--to-destination [${v6ip}]:80`)
    expect(v6).toContain(`-s ${v6ip}/128 -m comment --comment "default/web" -j KUBE-MARK-MASQ`)
    expect(v6).toContain('-A KUBE-SERVICES ! -d ::1/128 -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS')
    expect(v6).toContain('# Generated by ip6tables-save')
  })
})
