/**
 * What the API server would refuse or warn about, with the object, the field
 * and (through the loader's source maps) the line and column.
 */
import { describe, expect, it } from 'vitest'
import { parseSources, locate } from '../../../engine/load/parse.ts'
import { buildCluster } from '../../../engine/cluster/cluster.ts'
import { validatePolicies } from '../../../engine/policy/index.ts'
import type { Diagnostic } from '../../../engine/index.ts'

function diagnose(yaml: string): Diagnostic[] {
  const parsed = parseSources([{ name: 'policies.yaml', text: yaml }])
  const cluster = buildCluster(parsed)
  return validatePolicies(cluster, (ref, path) => locate(parsed.sources, ref, path))
}

const np = (spec: string) => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p, namespace: default}
spec:
${spec}`

describe('NetworkPolicy validation (ValidateNetworkPolicySpec)', () => {
  it('reports ports in the API server\'s words, at the field', () => {
    const d = diagnose(np(`  podSelector: {}
  ingress:
  - ports:
    - {protocol: ICMP, port: 80}
    - {port: 0}
    - {port: 90, endPort: 80}
    - {port: http, endPort: 90}
    - {port: "80"}`))
    expect(d).toMatchObject([
      { severity: 'error', code: 'unsupported-value', object: 'NetworkPolicy/default/p', field: 'spec.ingress[0].ports[0].protocol', line: 8, column: 18, message: 'spec.ingress[0].ports[0].protocol: Unsupported value: "ICMP": supported values: "TCP", "UDP", "SCTP"' },
      { field: 'spec.ingress[0].ports[1].port', line: 9, message: 'spec.ingress[0].ports[1].port: Invalid value: 0: must be between 1 and 65535, inclusive' },
      { field: 'spec.ingress[0].ports[2].endPort', message: 'spec.ingress[0].ports[2].endPort: Invalid value: 80: must be greater than or equal to `port`' },
      { field: 'spec.ingress[0].ports[3].endPort', message: 'spec.ingress[0].ports[3].endPort: Invalid value: 90: may not be specified when `port` is non-numeric' },
      { field: 'spec.ingress[0].ports[4].port', message: 'spec.ingress[0].ports[4].port: Invalid value: "80": must contain at least one letter (a-z)', hint: expect.stringContaining('write the number without quotes: port: 80') },
    ])
    expect(d[0].hint).toContain('the API server would refuse this NetworkPolicy, so the simulator ignores it')
  })

  it('reports peers: empty, ipBlock mixed with selectors, bad CIDRs and excepts', () => {
    const d = diagnose(np(`  podSelector: {}
  egress:
  - to:
    - {}
    - {ipBlock: {cidr: 10.0.0.0/8}, podSelector: {}}
    - ipBlock: {cidr: 10.0.0.0/33}
    - ipBlock: {cidr: 10.0.0.0/16, except: [10.1.0.0/24, 10.0.0.0/16]}`))
    expect(d.map((x) => x.message)).toEqual([
      'spec.egress[0].to[0]: Required value: must specify a peer',
      'spec.egress[0].to[1]: Forbidden: may not specify both ipBlock and another peer',
      'spec.egress[0].to[2].ipBlock.cidr: Invalid value: "10.0.0.0/33": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
      'spec.egress[0].to[3].ipBlock.except[0]: Invalid value: "10.1.0.0/24": must be a strict subset of `cidr`',
      'spec.egress[0].to[3].ipBlock.except[1]: Invalid value: "10.0.0.0/16": must be a strict subset of `cidr`',
    ])
  })

  it('warns, without refusing, about a CIDR with host bits (GetWarningsForCIDR)', () => {
    const d = diagnose(np(`  podSelector: {}
  ingress:
  - from:
    - ipBlock: {cidr: 10.244.1.10/16}`))
    expect(d).toMatchObject([{ severity: 'warning', code: 'ambiguous-cidr', message: 'spec.ingress[0].from[0].ipBlock.cidr: CIDR value "10.244.1.10/16" is ambiguous in this context (should be "10.244.0.0/16" or "10.244.1.10/32"?)' }])
  })

  it('checks policyTypes and label selectors', () => {
    const d = diagnose(np(`  podSelector:
    matchExpressions:
    - {key: app, operator: In}
    - {key: tier, operator: Exists, values: [a]}
    - {key: env, operator: Equals, values: [a]}
  policyTypes: [Ingress, Both]`))
    expect(d.map((x) => x.message)).toEqual([
      "spec.podSelector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
      "spec.podSelector.matchExpressions[1].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
      'spec.podSelector.matchExpressions[2].operator: Unsupported value: "Equals": supported values: "In", "NotIn", "Exists", "DoesNotExist"',
      'spec.policyTypes[1]: Unsupported value: "Both": supported values: "Ingress", "Egress"',
    ])
  })

  it('accepts a valid policy silently', () => {
    expect(diagnose(np(`  podSelector: {matchLabels: {app: web}}
  policyTypes: [Ingress, Egress]
  ingress: [{from: [{namespaceSelector: {matchLabels: {team: a}}, podSelector: {}}], ports: [{port: 80}, {port: 9000, endPort: 9100, protocol: UDP}]}]
  egress: [{to: [{ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8]}}]}]`))).toEqual([])
  })
})

const anp = (spec: string, kind = 'AdminNetworkPolicy', name = 'a') => `apiVersion: policy.networking.k8s.io/v1alpha1
kind: ${kind}
metadata: {name: ${name}}
spec:
${spec}`

describe('AdminNetworkPolicy and BaselineAdminNetworkPolicy validation (v0.1.8 CRDs)', () => {
  it('checks priority, the subject union, actions and peers', () => {
    const d = diagnose(anp(`  priority: 1001
  subject: {namespaces: {}, pods: {namespaceSelector: {}, podSelector: {}}}
  ingress:
  - {action: Drop, from: [{namespaces: {}}]}
  - {action: Allow, from: []}
  - {action: Deny, from: [{namespaces: {}, pods: {namespaceSelector: {}, podSelector: {}}}]}`))
    expect(d).toMatchObject([
      { field: 'spec.priority', line: 5, column: 13, message: 'spec.priority: Invalid value: 1001: spec.priority in body should be less than or equal to 1000' },
      { field: 'spec.subject', message: 'spec.subject: Invalid value: 2: spec.subject in body should have at most 1 properties' },
      { field: 'spec.ingress[0].action', message: 'spec.ingress[0].action: Unsupported value: "Drop": supported values: "Allow", "Deny", "Pass"' },
      { field: 'spec.ingress[1].from', message: 'spec.ingress[1].from: Invalid value: 0: spec.ingress[1].from in body should have at least 1 items' },
      { field: 'spec.ingress[2].from[0]', message: 'spec.ingress[2].from[0]: Invalid value: 2: spec.ingress[2].from[0] in body should have at most 1 properties' },
    ])
  })

  it('reports unknown fields strictly, with a suggestion', () => {
    const d = diagnose(anp(`  priority: 1
  subject: {namespaces: {}}
  ingress:
  - action: Allow
    from:
    - namespaces: {sameLabels: [team]}`))
    expect(d).toMatchObject([{ code: 'unknown-field', field: 'spec.ingress[0].from[0].namespaces.sameLabels', message: 'strict decoding error: unknown field "spec.ingress[0].from[0].namespaces.sameLabels"' }])
  })

  it('applies the CEL rule on named ports with networks peers, and checks CIDRs', () => {
    const d = diagnose(anp(`  priority: 1
  subject: {namespaces: {}}
  egress:
  - action: Allow
    to: [{networks: [10.0.0.0/8, not-a-cidr]}]
    ports: [{namedPort: http}]`))
    expect(d.map((x) => x.message)).toEqual([
      'spec.egress[0].to[0].networks[1]: Invalid value: "string": Invalid CIDR format provided',
      'spec.egress[0]: Invalid value: "object": networks/nodes/domainNames peer cannot be set with namedPorts since there are no namedPorts for networks/nodes/domainNames',
    ])
  })

  it('a BaselineAdminNetworkPolicy must be named default and has no Pass', () => {
    const d = diagnose(anp(`  subject: {namespaces: {}}
  ingress: [{action: Pass, from: [{namespaces: {}}]}]`, 'BaselineAdminNetworkPolicy', 'baseline'))
    expect(d).toMatchObject([
      { field: 'metadata.name', message: 'Invalid value: "object": Only one baseline admin network policy with metadata.name="default" can be created in the cluster' },
      { field: 'spec.ingress[0].action', message: 'spec.ingress[0].action: Unsupported value: "Pass": supported values: "Allow", "Deny"', hint: expect.stringContaining('BaselineAdminNetworkPolicy has no Pass') },
    ])
  })

  it('requires priority and subject', () => {
    expect(diagnose(anp('  ingress: []')).map((x) => x.message)).toEqual(['spec.priority: Required value', 'spec.subject: Required value'])
  })
})
