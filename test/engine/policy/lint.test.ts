/**
 * Reviewer warnings: each rule fires on the mistake it names, at the field
 * that holds it, and stays quiet on the corrected policy.
 */
import { describe, expect, it } from 'vitest'
import { lintPolicies } from '../../../engine/policy/index.ts'
import { anp, netpol, ns, pod, scenario } from './helpers.ts'

const pods = [ns('shop'), pod('shop', 'web', { app: 'web' }, { ports: [[8080, 'TCP', 'http']] }), pod('shop', 'client', { app: 'client' })]
const codes = (c: ReturnType<typeof scenario>) => lintPolicies(c).map((d) => [d.code, d.object, d.field])

describe('policy lint', () => {
  it('a policy whose podSelector matches no Pod', () => {
    const c = scenario({ cni: 'calico' }, ...pods, netpol('shop', 'typo', 'podSelector: {matchLabels: {app: wbe}}\npolicyTypes: [Ingress]'))
    const d = lintPolicies(c)
    expect(d).toMatchObject([{ severity: 'warning', code: 'policy-selects-nothing', object: 'NetworkPolicy/shop/typo', field: 'spec.podSelector', message: 'NetworkPolicy shop/typo selects no Pods: podSelector app=wbe matches no running Pod on the Pod network in namespace shop, so it has no effect' }])
    expect(codes(scenario({ cni: 'calico' }, ...pods, netpol('shop', 'ok', 'podSelector: {matchLabels: {app: web}}\npolicyTypes: [Ingress]')))).toEqual([])
  })

  it('egress isolation that blocks DNS, and the fix', () => {
    const deny = netpol('shop', 'default-deny-egress', 'podSelector: {}\npolicyTypes: [Egress]')
    const d = lintPolicies(scenario({ cni: 'calico' }, ...pods, deny))
    expect(d).toMatchObject([{ code: 'egress-blocks-dns', object: 'NetworkPolicy/shop/default-deny-egress', field: 'spec.policyTypes', message: expect.stringContaining('shop/client, shop/web cannot reach kube-dns (kube-system/kube-dns) on 53/UDP and 53/TCP') }])
    const udpOnly = netpol('shop', 'dns', 'podSelector: {}\npolicyTypes: [Egress]\negress: [{ports: [{port: 53, protocol: UDP}]}]')
    expect(lintPolicies(scenario({ cni: 'calico' }, ...pods, deny, udpOnly))).toMatchObject([{ code: 'egress-blocks-dns', message: expect.stringContaining('on 53/TCP,') }])
    const fixed = netpol('shop', 'dns', 'podSelector: {}\npolicyTypes: [Egress]\negress: [{to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}, podSelector: {matchLabels: {k8s-app: kube-dns}}}], ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]}]')
    expect(codes(scenario({ cni: 'calico' }, ...pods, deny, fixed))).toEqual([])
  })

  it('a named port that no selected Pod declares', () => {
    const c = scenario({ cni: 'calico' }, ...pods, netpol('shop', 'web', 'podSelector: {matchLabels: {app: web}}\ningress: [{ports: [{port: http}, {port: metrics}, {port: http, protocol: UDP}]}]'))
    expect(codes(c)).toEqual([
      ['named-port-undeclared', 'NetworkPolicy/shop/web', 'spec.ingress[0].ports[1].port'],
      ['named-port-undeclared', 'NetworkPolicy/shop/web', 'spec.ingress[0].ports[2].port'],
    ])
  })

  it('an ipBlock that covers Pod addresses', () => {
    const c = scenario({ cni: 'calico' }, ...pods,
      netpol('shop', 'wide', 'podSelector: {matchLabels: {app: web}}\ningress: [{from: [{ipBlock: {cidr: 10.0.0.0/8}}]}]'),
      netpol('shop', 'outside-only', 'podSelector: {matchLabels: {app: web}}\ningress: [{from: [{ipBlock: {cidr: 0.0.0.0/0, except: [10.244.0.0/16]}}]}]'))
    const d = lintPolicies(c)
    expect(d).toMatchObject([{ code: 'ipblock-covers-pods', object: 'NetworkPolicy/shop/wide', field: 'spec.ingress[0].from[0].ipBlock.cidr', message: expect.stringMatching(/^ipBlock 10\.0\.0\.0\/8 also matches Pod addresses \(e\.g\. shop\/\w+ 10\.244\./) }])
  })

  it('policies on a CNI that ignores them', () => {
    const c = scenario({ cni: 'flannel' }, ...pods, netpol('shop', 'web', 'podSelector: {matchLabels: {app: web}}\npolicyTypes: [Ingress]'), anp('a', 'priority: 1\nsubject: {namespaces: {}}\ningress: [{action: Deny, from: [{namespaces: {}}]}]'))
    expect(codes(c)).toEqual([
      ['policy-not-enforced', 'NetworkPolicy/shop/web', 'metadata.name'],
      ['policy-not-enforced', 'AdminNetworkPolicy/a', 'metadata.name'],
    ])
    expect(codes(scenario({ cni: 'cilium' }, ...pods, anp('a', 'priority: 1\nsubject: {namespaces: {}}\ningress: [{action: Deny, from: [{namespaces: {}}]}]')))).toEqual([['policy-not-enforced', 'AdminNetworkPolicy/a', 'metadata.name']])
  })

  it('two AdminNetworkPolicies with one priority over the same Pods', () => {
    const c = scenario({ cni: 'calico' }, ...pods,
      anp('first', 'priority: 7\nsubject: {namespaces: {}}\ningress: [{action: Allow, from: [{namespaces: {}}]}]'),
      anp('second', 'priority: 7\nsubject: {pods: {namespaceSelector: {}, podSelector: {matchLabels: {app: web}}}}\ningress: [{action: Deny, from: [{namespaces: {}}]}]'))
    expect(lintPolicies(c)).toMatchObject([{ code: 'anp-priority-tie', object: 'AdminNetworkPolicy/second', field: 'spec.priority' }])
  })
})
