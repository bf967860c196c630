/**
 * ClusterNetworkPolicy (policy.networking.k8s.io/v1alpha2, network-policy-api
 * v0.2.0): validation with placed diagnostics, the tier order around
 * NetworkPolicy, explanations, enforcement per plugin, and kubectl get and
 * describe. The conformance suite itself is in cnp-conformance.test.ts.
 */
import { describe, expect, it } from 'vitest'
import { loadScenario, runCommand } from '../../../engine/index.ts'
import { check, netpol, ns, pod, scenario } from './helpers.ts'

const cnp = (name: string, spec: string) => `apiVersion: policy.networking.k8s.io/v1alpha2\nkind: ClusterNetworkPolicy\nmetadata: {name: ${name}}\nspec:\n${spec.replace(/^/gm, '  ')}`

const houses = [
  ns('a', { team: 'x' }),
  ns('b', { team: 'y' }),
  pod('a', 'web', { app: 'web' }, { ip: '10.244.1.5', ports: [[8080, 'TCP', 'http']] }),
  pod('b', 'cli', { app: 'cli' }, { ip: '10.244.2.5' }),
  pod('b', 'other', { app: 'other' }, { ip: '10.244.2.6' }),
]

function diagnose(doc: string) {
  return loadScenario(doc).diagnostics.filter((d) => d.severity === 'error')
}

describe('validation, placed on the field', () => {
  it('checks tier, priority, actions, protocols and the CEL rules', () => {
    const d = diagnose(cnp('x', `tier: Middle
priority: -1
subject: {namespaces: {}}
ingress:
- {action: Allow, from: [{namespaces: {}}]}
- {action: Deny, from: [{namespaces: {}}], protocols: [{tcp: {}}]}
egress:
- {action: Accept, to: [{networks: [10.0.0.0/8]}], protocols: [{destinationNamedPort: http}]}
- {action: Deny, to: [{pods: {podSelector: {}}}], protocols: [{udp: {destinationPort: {range: {start: 90, end: 80}}}}]}`))
    expect(d.map((x) => [x.line, x.column, x.message])).toEqual([
      [5, 9, 'spec.tier: Unsupported value: "Middle": supported values: "Admin", "Baseline"'],
      [6, 13, 'spec.priority: Invalid value: -1: spec.priority in body should be greater than or equal to 0'],
      [9, 14, 'spec.ingress[0].action: Unsupported value: "Allow": supported values: "Accept", "Deny", "Pass"'],
      [10, 64, 'spec.ingress[1].protocols[0].tcp: Invalid value: 0: spec.ingress[1].protocols[0].tcp in body should have at least 1 properties'],
      [12, 5, 'spec.egress[0]: Invalid value: "object": networks/nodes/domainNames peer cannot be set with namedPorts since there are no namedPorts for networks/nodes/domainNames'],
      [13, 97, 'spec.egress[1].protocols[0].udp.destinationPort.range: Invalid value: "object": Start port must be less than End port'],
    ])
    expect(d[2].hint).toContain('v1alpha2 renamed Allow to Accept')
  })

  it('requires tier, priority and subject, and knows no v1alpha1 field', () => {
    expect(diagnose(cnp('x', 'ingress: []')).map((x) => x.message)).toEqual(['spec.tier: Required value', 'spec.priority: Required value', 'spec.subject: Required value'])
    expect(diagnose(cnp('x', 'tier: Admin\npriority: 1\nsubject: {namespaces: {}}\ningress: [{action: Deny, from: [{namespaces: {}}], ports: [{portNumber: {port: 80}}]}]'))).toMatchObject([{ code: 'unknown-field', field: 'spec.ingress[0].ports' }])
  })

  it('NamespacedPod.namespaceSelector may be left out (every namespace), podSelector may not', () => {
    expect(diagnose(cnp('x', 'tier: Admin\npriority: 1\nsubject: {pods: {podSelector: {matchLabels: {app: web}}}}'))).toEqual([])
    expect(diagnose(cnp('x', 'tier: Admin\npriority: 1\nsubject: {pods: {namespaceSelector: {}}}')).map((x) => x.message)).toEqual(['spec.subject.pods.podSelector: Required value'])
  })
})

describe('the tiers around NetworkPolicy', () => {
  it('Admin Deny beats a NetworkPolicy allow; Admin Pass hands over to it', () => {
    const allow = netpol('a', 'web-from-cli', 'podSelector: {matchLabels: {app: web}}\ningress: [{from: [{namespaceSelector: {}, podSelector: {matchLabels: {app: cli}}}]}]')
    const deny = cnp('deny-b', 'tier: Admin\npriority: 5\nsubject: {namespaces: {matchLabels: {team: x}}}\ningress: [{name: no-b, action: Deny, from: [{namespaces: {matchLabels: {team: y}}}]}]')
    const c = scenario({ cni: 'calico' }, ...houses, allow, deny)
    const v = check(c, 'b/cli', 'a/web', 8080)
    expect(v.allowed).toBe(false)
    expect(v.explanation).toBe('denied: ClusterNetworkPolicy deny-b (Admin tier, priority 5, rule no-b, action Deny) denies ingress to a/web from b/cli (app=cli) on 8080/TCP, before any NetworkPolicy is consulted.')
    expect(v.chain[1]).toBe('ingress a/web: [CNP Admin] Deny (deny-b/no-b)')
    const pass = scenario({ cni: 'calico' }, ...houses, allow, deny.replace('action: Deny', 'action: Pass'))
    expect(check(pass, 'b/cli', 'a/web', 8080).chain[1]).toBe('ingress a/web: [CNP Admin] Pass (deny-b/no-b) → [NetworkPolicy] Allowed (a/web-from-cli)')
    expect(check(pass, 'b/other', 'a/web', 8080).allowed).toBe(false)
  })

  it('lower priority values go first; within a policy the first matching rule wins', () => {
    const early = cnp('early', 'tier: Admin\npriority: 1\nsubject: {namespaces: {}}\ningress: [{name: ok, action: Accept, from: [{pods: {podSelector: {matchLabels: {app: cli}}}}]}]')
    const late = cnp('late', 'tier: Admin\npriority: 2\nsubject: {namespaces: {}}\ningress: [{name: no, action: Deny, from: [{namespaces: {}}]}]')
    const c = scenario({ cni: 'calico' }, ...houses, late, early)
    expect(check(c, 'b/cli', 'a/web', 8080).allowed).toBe(true)
    expect(check(c, 'b/other', 'a/web', 8080).allowed).toBe(false)
    const swapped = scenario({ cni: 'calico' }, ...houses, late.replace('priority: 2', 'priority: 0'), early)
    expect(check(swapped, 'b/cli', 'a/web', 8080).allowed).toBe(false)
  })

  it('the Baseline tier applies only where no NetworkPolicy isolates; Pass there goes to the default allow', () => {
    const base = cnp('base', 'tier: Baseline\npriority: 1\nsubject: {namespaces: {}}\ningress: [{name: pass-cli, action: Pass, from: [{pods: {podSelector: {matchLabels: {app: cli}}}}]}, {name: deny, action: Deny, from: [{namespaces: {}}]}]')
    const c = scenario({ cni: 'calico' }, ...houses, base)
    expect(check(c, 'b/cli', 'a/web', 8080).chain[1]).toBe('ingress a/web: [NetworkPolicy] Not isolated → [CNP Baseline] Pass (base/pass-cli)')
    expect(check(c, 'b/cli', 'a/web', 8080).allowed).toBe(true)
    const other = check(c, 'b/other', 'a/web', 8080)
    expect(other.explanation).toContain('no Admin-tier policy or NetworkPolicy decides, so ClusterNetworkPolicy base (Baseline tier, priority 1, rule deny, action Deny)')
    const np = netpol('a', 'open', 'podSelector: {}\ningress: [{}]')
    expect(check(scenario({ cni: 'calico' }, ...houses, base, np), 'b/other', 'a/web', 8080).allowed).toBe(true)
  })

  it('named ports and ranges in protocols match the destination Pod', () => {
    const r = cnp('ports', 'tier: Admin\npriority: 1\nsubject: {namespaces: {}}\ningress: [{name: named, action: Deny, from: [{namespaces: {}}], protocols: [{destinationNamedPort: http}]}, {name: range, action: Deny, from: [{namespaces: {}}], protocols: [{tcp: {destinationPort: {range: {start: 9000, end: 9100}}}}]}]')
    const c = scenario({ cni: 'calico' }, ...houses, r)
    expect(check(c, 'b/cli', 'a/web', 8080).egress.allowed).toBe(true)
    expect(check(c, 'b/cli', 'a/web', 8080).ingress.chain[0].rule).toBe('named')
    expect(check(c, 'b/cli', 'a/web', 9050).ingress.chain[0].rule).toBe('range')
    expect(check(c, 'b/cli', 'a/web', 9050, 'UDP').allowed).toBe(true)
  })
})

describe('enforcement', () => {
  const deny = cnp('deny', 'tier: Admin\npriority: 1\nsubject: {namespaces: {}}\ningress: [{action: Deny, from: [{namespaces: {}}]}]')
  it('Calico enforces ClusterNetworkPolicy; Antrea v2.4 and Cilium do not', () => {
    expect(check(scenario({ cni: 'calico' }, ...houses, deny), 'b/cli', 'a/web', 8080).effective).toBe(false)
    for (const cni of ['antrea', 'cilium']) {
      const v = check(scenario({ cni }, ...houses, deny), 'b/cli', 'a/web', 8080)
      expect(v).toMatchObject({ allowed: false, effective: true })
      expect(v.explanation).toContain('But on this cluster the connection goes through')
    }
  })
})

describe('kubectl', () => {
  const c = scenario({ cni: 'calico' }, ...houses, cnp('zeta', 'tier: Baseline\npriority: 7\nsubject: {namespaces: {}}'), cnp('alpha', 'tier: Admin\npriority: 3\nsubject: {namespaces: {}}'))
  it('get: by full name and short name, with tier and priority', () => {
    const out = runCommand(c, 'kubectl get cnp').stdout
    expect(out).toMatch(/^NAME +TIER +PRIORITY +AGE\nalpha +Admin +3 +\S+\nzeta +Baseline +7 +\S+\n$/)
    expect(runCommand(c, 'kubectl get clusternetworkpolicies.policy.networking.k8s.io -o name').stdout).toBe('clusternetworkpolicy.policy.networking.k8s.io/alpha\nclusternetworkpolicy.policy.networking.k8s.io/zeta\n')
  })
  it('describe: the generic layout, which names the API version', () => {
    const out = runCommand(c, 'kubectl describe cnp alpha').stdout
    expect(out).toContain('API Version:  policy.networking.k8s.io/v1alpha2\nKind:         ClusterNetworkPolicy\n')
    expect(out).toContain('Spec:\n  Priority:  3\n  Subject:\n    Namespaces:\n  Tier:  Admin\n')
    expect(runCommand(c, 'kubectl describe cnp nope')).toMatchObject({ exitCode: 1, stderr: 'Error from server (NotFound): clusternetworkpolicies.policy.networking.k8s.io "nope" not found\n' })
  })
})

describe('lint', () => {
  it('places warnings on v1alpha2 fields: an undeclared destinationNamedPort, a priority tie in one tier', () => {
    const a = cnp('a', 'tier: Admin\npriority: 3\nsubject: {namespaces: {}}\ningress: [{action: Deny, from: [{namespaces: {}}], protocols: [{destinationNamedPort: nope}]}]')
    const b = cnp('b', 'tier: Admin\npriority: 3\nsubject: {namespaces: {}}\ningress: [{action: Deny, from: [{namespaces: {}}]}]')
    const c = cnp('c', 'tier: Baseline\npriority: 3\nsubject: {namespaces: {}}\ningress: [{action: Deny, from: [{namespaces: {}}]}]')
    const out = runCommand(scenario({ cni: 'calico' }, ...houses, a, b, c), 'policy lint').stdout
    expect(out).toContain('ClusterNetworkPolicy/a spec.ingress[0].protocols[0].destinationNamedPort: named port "nope" is declared by none of the Pods it applies to')
    expect(out).toContain('ClusterNetworkPolicy b has the same priority (3) as a in the Admin tier')
    // the Baseline policy with the same number is in another tier: no tie
    expect(out).not.toContain('ClusterNetworkPolicy c has the same priority')
  })
})
