/**
 * The rules readers rely on, one scenario each, beyond the shared cases:
 * defaulting, tiers and their order, enforcement per CNI, Services, nodes,
 * hostNetwork and the explanations' wording.
 */
import { describe, expect, it } from 'vitest'
import { evaluateConnection, evaluateServiceConnection, enforcementFor } from '../../../engine/policy/index.ts'
import { anp, check, netpol, ns, pod, scenario, scenarioWithInvalidPolicies } from './helpers.ts'

const web = pod('shop', 'web', { app: 'web' }, { ip: '10.244.1.10', ports: [[8080, 'TCP', 'http']] })
const client = pod('shop', 'client', { app: 'client' }, { ip: '10.244.1.11' })
const other = pod('ops', 'tool', { app: 'tool' }, { ip: '10.244.2.10' })
const base = [ns('shop', { team: 'a' }), ns('ops', { team: 'b' }), web, client, other]

describe('policyTypes defaulting (SetDefaults_NetworkPolicy)', () => {
  it('Ingress is always implied; Egress only when spec.egress has rules', () => {
    const c = scenario({ cni: 'calico' }, ...base, netpol('shop', 'only-egress-list', 'podSelector: {matchLabels: {app: client}}\negress: []'))
    // egress: [] with no policyTypes isolates client for ingress, not egress
    expect(check(c, 'shop/client', 'ops/tool', 80).allowed).toBe(true)
    expect(check(c, 'ops/tool', 'shop/client', 80).allowed).toBe(false)
    const v = check(c, 'ops/tool', 'shop/client', 80)
    expect(v.ingress).toMatchObject({ isolated: true, policies: ['shop/only-egress-list'], allowedBy: [] })
  })

  it('an egress rule makes the policy isolate egress too', () => {
    const c = scenario({ cni: 'calico' }, ...base, netpol('shop', 'egress-to-web', 'podSelector: {matchLabels: {app: client}}\negress: [{to: [{podSelector: {matchLabels: {app: web}}}]}]'))
    expect(check(c, 'shop/client', 'shop/web', 8080).allowed).toBe(true)
    const v = check(c, 'shop/client', 'ops/tool', 80)
    expect(v.allowed).toBe(false)
    expect(v.egress).toMatchObject({ isolated: true, policies: ['shop/egress-to-web'] })
    expect(v.explanation).toBe('denied: shop/client is isolated for egress by policy shop/egress-to-web; no egress rule admits ops/tool (app=tool) on 80/TCP.')
  })
})

describe('named ports, endPort and protocols', () => {
  it('a named port resolves on the destination Pod, protocol included', () => {
    const c = scenario({ cni: 'calico' }, ...base, netpol('shop', 'web-http', 'podSelector: {matchLabels: {app: web}}\ningress: [{ports: [{port: http}]}]'))
    expect(check(c, 'shop/client', 'shop/web', 8080).allowed).toBe(true)
    expect(check(c, 'shop/client', 'shop/web', 8080, 'UDP').allowed).toBe(false)
    expect(check(c, 'shop/client', 'shop/web', 80).allowed).toBe(false)
  })

  it('the near miss names the rule that admits the peer on another port', () => {
    const c = scenario({ cni: 'calico' }, ...base, netpol('shop', 'web-9090', 'podSelector: {matchLabels: {app: web}}\ningress: [{from: [{podSelector: {}}], ports: [{port: 9090}, {port: 9000, endPort: 9010, protocol: UDP}]}]'))
    const v = check(c, 'shop/client', 'shop/web', 8080)
    expect(v.explanation).toContain('(ingress rule 0 of shop/web-9090 admits shop/client but only on 9090/TCP, 9000-9010/UDP)')
  })
})

describe('AdminNetworkPolicy tiers (network-policy-api v0.1.8)', () => {
  const denyAll = netpol('shop', 'deny-all', 'podSelector: {}\npolicyTypes: [Ingress]')

  it('the lowest priority value is evaluated first; its first matching rule wins', () => {
    const c = scenario({ cni: 'calico' }, ...base,
      anp('deny-ops', 'priority: 20\nsubject: {namespaces: {matchLabels: {team: a}}}\ningress: [{name: deny, action: Deny, from: [{namespaces: {matchLabels: {team: b}}}]}]'),
      anp('allow-ops', 'priority: 10\nsubject: {namespaces: {matchLabels: {team: a}}}\ningress: [{name: allow, action: Allow, from: [{namespaces: {matchLabels: {team: b}}}]}]'))
    const v = check(c, 'ops/tool', 'shop/web', 8080)
    expect(v.allowed).toBe(true)
    expect(v.ingress.chain.map((s) => s.text)).toEqual(['[ANP] Allow (allow-ops/allow)'])
  })

  it('Allow overrides a NetworkPolicy that would deny; Pass hands the decision to it', () => {
    const allow = scenario({ cni: 'calico' }, ...base, denyAll, anp('a', 'priority: 5\nsubject: {namespaces: {}}\ningress: [{action: Allow, from: [{namespaces: {}}]}]'))
    expect(check(allow, 'ops/tool', 'shop/web', 8080).allowed).toBe(true)
    const pass = scenario({ cni: 'calico' }, ...base, denyAll, anp('p', 'priority: 5\nsubject: {namespaces: {}}\ningress: [{name: pass-all, action: Pass, from: [{namespaces: {}}]}]'))
    const v = check(pass, 'ops/tool', 'shop/web', 8080)
    expect(v.allowed).toBe(false)
    expect(v.chain[1]).toBe('ingress shop/web: [ANP] Pass (p/pass-all) → [NetworkPolicy] Denied (shop/deny-all)')
  })

  it('the BaselineAdminNetworkPolicy decides only where no NetworkPolicy isolates', () => {
    const banp = anp('default', 'subject: {namespaces: {}}\ningress: [{name: deny-all, action: Deny, from: [{namespaces: {}}]}]', 'BaselineAdminNetworkPolicy')
    const c = scenario({ cni: 'calico' }, ...base, banp, netpol('shop', 'web-open', 'podSelector: {matchLabels: {app: web}}\ningress: [{}]'))
    expect(check(c, 'ops/tool', 'shop/web', 8080).allowed).toBe(true)
    const v = check(c, 'ops/tool', 'shop/client', 80)
    expect(v.allowed).toBe(false)
    expect(v.ingress.chain.map((s) => s.text)).toEqual(['[NetworkPolicy] Not isolated', '[BANP] Deny (default/deny-all)'])
  })

  it('portRange and namedPort (resolved on the subject for ingress) match like NetworkPolicy ports', () => {
    const c = scenario({ cni: 'calico' }, ...base,
      anp('r', 'priority: 1\nsubject: {pods: {namespaceSelector: {}, podSelector: {matchLabels: {app: web}}}}\ningress:\n- {name: named, action: Allow, from: [{namespaces: {}}], ports: [{namedPort: http}]}\n- {name: range, action: Deny, from: [{namespaces: {}}], ports: [{portRange: {start: 8000, end: 8100}}]}'))
    expect(check(c, 'ops/tool', 'shop/web', 8080).ingress.chain[0].text).toBe('[ANP] Allow (r/named)')
    expect(check(c, 'ops/tool', 'shop/web', 8081).ingress.chain[0].text).toBe('[ANP] Deny (r/range)')
    expect(check(c, 'ops/tool', 'shop/web', 8101).allowed).toBe(true)
  })

  it('networks peers match Pod addresses too, and nodes peers match node addresses', () => {
    const c = scenario({ cni: 'calico' }, ...base,
      pod('ops', 'exporter', { app: 'exporter' }, { hostNetwork: true, node: 'node-3' }),
      anp('egress', 'priority: 1\nsubject: {pods: {namespaceSelector: {}, podSelector: {matchLabels: {app: client}}}}\negress:\n- {name: to-nodes, action: Allow, to: [{nodes: {matchLabels: {kubernetes.io/os: linux}}}]}\n- {name: no-cluster, action: Deny, to: [{networks: [10.244.0.0/16]}]}'))
    // on another node than the client's: traffic to a Pod's own node is always allowed
    expect(c.index.pod.get('ops/exporter')!.nodeName).not.toBe(c.index.pod.get('shop/client')!.nodeName)
    expect(check(c, 'shop/client', 'ops/tool', 80).egress.chain[0].text).toBe('[ANP] Deny (egress/no-cluster)')
    expect(check(c, 'shop/client', 'ops/exporter', 9100).egress.chain[0].text).toBe('[ANP] Allow (egress/to-nodes)')
  })

  it('an invalid ANP is ignored (the API server would not store it)', () => {
    const c = scenarioWithInvalidPolicies({ cni: 'calico' }, ...base, anp('bad', 'priority: 5000\nsubject: {namespaces: {}}\ningress: [{action: Deny, from: [{namespaces: {}}]}]'))
    expect(check(c, 'ops/tool', 'shop/web', 8080).allowed).toBe(true)
  })
})

describe('enforcement depends on the CNI', () => {
  const policy = netpol('shop', 'deny-all', 'podSelector: {}\npolicyTypes: [Ingress]')

  it.each([
    ['calico', true],
    ['cilium', true],
    ['antrea', true],
    ['weave', true],
    ['canal', true],
    ['flannel', false],
    ['bridge', false],
    ['aws-vpc-cni', false],
    ['azure-cni', false],
  ] as const)('%s enforces NetworkPolicy: %s', (cni, enforced) => {
    const v = check(scenario({ cni }, ...base, policy), 'ops/tool', 'shop/web', 8080)
    expect(v.allowed).toBe(false)
    expect(v.enforced).toBe(enforced)
    expect(v.effective).toBe(!enforced)
  })

  it('on cilium an ANP Deny is stored but not applied: only NetworkPolicy is', () => {
    expect(enforcementFor('cilium')).toMatchObject({ networkPolicy: true, adminNetworkPolicy: false })
    const c = scenario({ cni: 'cilium' }, ...base, anp('deny', 'priority: 1\nsubject: {namespaces: {}}\ningress: [{action: Deny, from: [{namespaces: {matchLabels: {team: b}}}]}]'))
    const v = check(c, 'ops/tool', 'shop/web', 8080)
    expect(v).toMatchObject({ allowed: false, enforced: true, effective: true })
    expect(v.explanation).toMatch(/But on this cluster the connection goes through: Cilium enforces NetworkPolicy but does not implement AdminNetworkPolicy/)
  })
})

describe('nodes, hostNetwork, loopback and the outside', () => {
  it('a Pod can always reach itself', () => {
    const c = scenario({ cni: 'calico' }, ...base, netpol('shop', 'deny-all', 'podSelector: {}\npolicyTypes: [Ingress, Egress]'))
    const v = check(c, 'shop/web', 'shop/web', 8080)
    expect(v).toMatchObject({ allowed: true, loopback: true })
  })

  it('traffic from the Pod\'s own node passes; from another node it is an ipBlock matter', () => {
    const c = scenario({ cni: 'calico' }, ns('shop'), pod('shop', 'web', { app: 'web' }, { node: 'node-1' }), netpol('shop', 'deny-all', 'podSelector: {}\npolicyTypes: [Ingress]'))
    const webPod = c.index.pod.get('shop/web')!
    const own = c.index.node.get('node-1')!.internalIPs[0]
    const far = c.index.node.get('node-2')!.internalIPs[0]
    const near = evaluateConnection(c, { srcIP: own, dstPod: webPod, port: 80 })
    const away = evaluateConnection(c, { srcIP: far, dstPod: webPod, port: 80 })
    if ('error' in near || 'error' in away) throw new Error('unexpected')
    expect(near.allowed).toBe(true)
    expect(near.ingress.chain[0].text).toBe(`[Node] Allowed (node/node-1 is on shop/web's own node)`)
    expect(away.allowed).toBe(false)
  })

  it('traffic from outside is judged by ipBlock on ingress, and the outside has no egress policy', () => {
    const c = scenario({ cni: 'calico' }, ...base, netpol('shop', 'web-from-office', 'podSelector: {matchLabels: {app: web}}\ningress: [{from: [{ipBlock: {cidr: 203.0.113.0/24, except: [203.0.113.128/25]}}]}]'))
    const webPod = c.index.pod.get('shop/web')!
    const office = evaluateConnection(c, { srcIP: '203.0.113.7', dstPod: webPod, port: 8080 })
    const cafe = evaluateConnection(c, { srcIP: '203.0.113.200', dstPod: webPod, port: 8080 })
    if ('error' in office || 'error' in cafe) throw new Error('unexpected')
    expect(office.allowed).toBe(true)
    expect(office.egress).toMatchObject({ applies: false })
    expect(cafe.allowed).toBe(false)
  })

  it('a ClusterIP is not an endpoint: the Service must be resolved first', () => {
    const c = scenario({ cni: 'calico' }, ...base)
    const dns = c.index.service.get('kube-system/kube-dns')!
    const v = evaluateConnection(c, { srcPod: c.index.pod.get('shop/client')!, dstIP: dns.clusterIPs[0], port: 53 })
    expect(v).toMatchObject({ error: expect.stringMatching(/ClusterIP of Service kube-system\/kube-dns/) })
  })
})

describe('Services are judged per endpoint, after DNAT', () => {
  it('uses the endpoint Pod and its target port, not the Service port', () => {
    const c = scenario({ cni: 'calico' }, ...base,
      pod('shop', 'web2', { app: 'web', canary: 'yes' }, { ip: '10.244.1.12', ports: [[8080, 'TCP', 'http']] }),
      `apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\nspec:\n  selector: {app: web}\n  ports: [{port: 80, targetPort: http}]`,
      netpol('shop', 'web-8080-from-client', 'podSelector: {matchLabels: {app: web}}\ningress: [{from: [{podSelector: {matchLabels: {app: client}}}], ports: [{port: 8080}]}]'),
      netpol('shop', 'canary-closed', 'podSelector: {matchLabels: {canary: "yes"}}\npolicyTypes: [Ingress]\ningress: [{from: [{podSelector: {matchLabels: {app: nobody}}}]}]'))
    const r = evaluateServiceConnection(c, { srcPod: c.index.pod.get('shop/client')!, service: c.index.service.get('shop/web')!, port: 80 })
    if ('error' in r) throw new Error(r.error)
    expect(r.map((e) => [e.endpoint, e.verdict.allowed])).toEqual([
      ['10.244.1.10:8080', true],
      ['10.244.1.12:8080', true],
    ])
    // policies add up: canary-closed isolates web2 but web-8080-from-client still admits the client
    expect(r[1].verdict.ingress.allowedBy).toEqual(['shop/web-8080-from-client'])
  })
})
