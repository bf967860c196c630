/**
 * The reader's commands: `policy check|matrix|lint` and
 * `kubectl describe networkpolicy`, output pinned where layout matters.
 */
import { describe, expect, it } from 'vitest'
import { runCommand } from '../../../engine/index.ts'
import { anp, netpol, ns, pod, scenario, scenarioWithInvalidPolicies } from './helpers.ts'

const deployment = (name: string, nsName: string, replicas: number, labels: Record<string, string>, port = 8080) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: ${nsName}}
spec:
  replicas: ${replicas}
  selector: {matchLabels: ${JSON.stringify(labels)}}
  template:
    metadata: {labels: ${JSON.stringify(labels)}}
    spec:
      containers: [{name: app, image: registry.example/${name}:1, ports: [{containerPort: ${port}, name: http}]}]`

const shop = [
  ns('shop'),
  deployment('frontend', 'shop', 2, { app: 'frontend' }, 80),
  deployment('backend', 'shop', 3, { app: 'backend' }),
  `apiVersion: v1\nkind: Service\nmetadata: {name: backend, namespace: shop}\nspec:\n  selector: {app: backend}\n  ports: [{port: 80, targetPort: http}]`,
  pod('shop', 'db', { app: 'db' }, { ports: [[5432, 'TCP', 'pg']] }),
  netpol('shop', 'db-policy', 'podSelector: {matchLabels: {app: db}}\ningress: [{from: [{podSelector: {matchLabels: {app: backend}}}], ports: [{port: 5432}]}]'),
]

describe('policy check', () => {
  const c = scenario({ cni: 'calico' }, ...shop)

  it('explains a denial in a sentence, with the chain, and exits 1', () => {
    const r = runCommand(c, 'policy check -n shop deploy/frontend -> db:5432')
    expect(r.exitCode).toBe(1)
    expect(r.stdout).toMatch(/^shop\/deployment\/frontend → shop\/db:5432\/TCP: denied \(0 of 2 connections\)\n/)
    const one = runCommand(c, 'policy check -n shop ' + r.stdout.split('\n')[1].trim().split(' ')[0] + ' -> db:5432')
    expect(one.stdout.slice(0, one.stdout.indexOf('Smallest fix:'))).toBe(
      `denied: shop/db is isolated for ingress by policy shop/db-policy; no ingress rule admits ${one.stdout.match(/admits (shop\/frontend-[a-z0-9-]+)/)![1]} (app=frontend) on 5432/TCP.\n` +
        `  egress  ${one.stdout.match(/egress {2}(shop\/frontend-[a-z0-9-]+)/)![1]}: [NetworkPolicy] Not isolated\n` +
        '  ingress shop/db: [NetworkPolicy] Denied (shop/db-policy)\n',
    )
    expect(one.data).toMatchObject({ allowed: false, enforced: true, effective: false, ingress: { isolated: true, policies: ['shop/db-policy'], allowedBy: [] }, egress: { isolated: false } })
    // then the smallest fix: one NetworkPolicy for the db's ingress from the frontend on 5432
    expect(one.stdout).toContain('Smallest fix: add this object to the scenario.')
    expect(one.data).toMatchObject({ fix: { possible: true, changes: [{ kind: 'NetworkPolicy', namespace: 'shop', direction: 'ingress' }] } })
  })

  it('judges a Service per endpoint Pod, on the target port', () => {
    const r = runCommand(c, 'policy check -n shop deploy/frontend -> svc/backend:80')
    expect(r.exitCode).toBe(0)
    expect(r.stdout.split('\n')[0]).toBe('shop/deployment/frontend → shop/svc/backend:80/TCP: allowed (6 of 6 connections, one per source Pod and endpoint)')
    expect(r.stdout).toMatch(/\(10\.244\.\d+\.\d+:8080\): allowed/)
    expect((r.data as { pairs: unknown[] }).pairs).toHaveLength(6)
  })

  it('resolves a named port on the destination Pod', () => {
    const r = runCommand(c, 'policy check shop/sts/nothing -> shop/db:pg')
    expect(r).toMatchObject({ exitCode: 2, stderr: expect.stringContaining('statefulsets.apps "nothing" not found') })
    const ok = runCommand(c, 'policy check -n shop svc/backend -> db:pg')
    expect(ok.exitCode).toBe(0)
    expect(ok.stdout).toContain('allowed (3 of 3 connections)')
  })

  it('accepts addresses on either side and states the outside', () => {
    const r = runCommand(c, 'policy check 203.0.113.7 -> shop/db:5432')
    expect(r.exitCode).toBe(1)
    expect(r.stdout).toContain('  egress  203.0.113.7: no policy applies (203.0.113.7 is outside the cluster)')
  })

  it('refuses malformed questions with exit code 2', () => {
    expect(runCommand(c, 'policy check shop/db')).toMatchObject({ exitCode: 2, stderr: expect.stringContaining('usage: policy check SRC -> DST:PORT') })
    expect(runCommand(c, 'policy check shop/db -> shop/db')).toMatchObject({ exitCode: 2, stderr: expect.stringContaining('has no port') })
    expect(runCommand(c, 'policy check shop/db -> shop/db:80/ICMP')).toMatchObject({ exitCode: 2, stderr: expect.stringContaining('unsupported protocol') })
    expect(runCommand(c, 'policy check shop/nope -> shop/db:80')).toMatchObject({ exitCode: 2, stderr: expect.stringContaining('pods "nope" not found') })
  })
})

describe('policy matrix', () => {
  it('draws policy-assistant\'s table, one row and column per Pod', () => {
    const c = scenario({ cni: 'calico' }, ns('x'), pod('x', 'a', { pod: 'a' }), pod('x', 'b', { pod: 'b' }), pod('x', 'c', { pod: 'c' }),
      netpol('x', 'a-from-b', 'podSelector: {matchLabels: {pod: a}}\ningress: [{from: [{podSelector: {matchLabels: {pod: b}}}]}]'))
    const r = runCommand(c, 'policy matrix -n x --port 80')
    expect(r.stdout).toBe(
      'Policy verdicts on port 80, protocol TCP: . allowed, X denied, # the Pod itself; rows are sources, columns destinations.\n' +
        '+-----+-----+-----+-----+\n' +
        '|     | X/A | X/B | X/C |\n' +
        '+-----+-----+-----+-----+\n' +
        '| x/a | #   | .   | .   |\n' +
        '| x/b | .   | #   | .   |\n' +
        '| x/c | X   | .   | #   |\n' +
        '+-----+-----+-----+-----+\n',
    )
    expect(r.data).toMatchObject({ port: 80, protocol: 'TCP', combined: [['#', '.', '.'], ['.', '#', '.'], ['X', '.', '#']], grouped: false })
  })

  it('splits ingress and egress on request and says when the CNI ignores the verdicts', () => {
    const c = scenario({ cni: 'flannel' }, ns('x'), pod('x', 'a', { pod: 'a' }), pod('x', 'b', { pod: 'b' }), netpol('x', 'deny', 'podSelector: {}\npolicyTypes: [Egress]'))
    const r = runCommand(c, 'policy matrix -n x --port 53/udp --split')
    expect(r.stdout).toContain('Ingress:\n+-----+-----+-----+\n|     | X/A | X/B |\n')
    expect(r.stdout).toContain('Egress:\n')
    expect(r.stdout).toContain('Combined:\n')
    expect(r.stdout).toMatch(/Note: flannel only connects Pods; .*, so on this cluster every connection goes through\.\n$/)
  })

  it('groups Pods by workload when there are many, keeping Pods apart when policies tell them apart', () => {
    const c = scenario({ cni: 'calico' }, ns('big'), deployment('web', 'big', 12, { app: 'web' }), deployment('api', 'big', 10, { app: 'api' }),
      netpol('big', 'api-from-web', 'podSelector: {matchLabels: {app: api}}\ningress: [{from: [{podSelector: {matchLabels: {app: web}}}]}]'))
    const r = runCommand(c, 'policy matrix -n big')
    const data = r.data as { grouped: boolean; rows: { label: string; pods: string[] }[]; combined: string[][] }
    expect(data.grouped).toBe(true)
    expect(data.rows.map((x) => [x.label, x.pods.length])).toEqual([['big/deployment/api', 10], ['big/deployment/web', 12]])
    // api admits only web: one api Pod cannot reach another
    expect(data.combined).toEqual([['X', '.'], ['.', '.']])
    expect(r.stdout).toContain('| big/deployment/web | .                       | .                       |')
  })
})

describe('policy lint', () => {
  it('prints warnings with the object, the field and a hint', () => {
    const c = scenario({ cni: 'calico' }, ...shop, netpol('shop', 'typo', 'podSelector: {matchLabels: {app: dbb}}\npolicyTypes: [Ingress]'))
    const r = runCommand(c, 'policy lint')
    expect(r.exitCode).toBe(0)
    expect(r.stdout).toBe(
      '56:16: warning: NetworkPolicy/shop/typo spec.podSelector: NetworkPolicy shop/typo selects no Pods: podSelector app=dbb matches no running Pod on the Pod network in namespace shop, so it has no effect\n' +
        '  hint: compare with kubectl get pods -n shop --show-labels\n' +
        '0 error(s), 1 warning(s)\n',
    )
  })

  it('exits 1 when a policy would be refused', () => {
    const c = scenarioWithInvalidPolicies({ cni: 'calico' }, ...shop, anp('bad', 'priority: -1\nsubject: {namespaces: {}}'))
    const r = runCommand(c, 'policy lint')
    expect(r.exitCode).toBe(1)
    expect(r.stdout).toMatch(/\d+:\d+: error: AdminNetworkPolicy\/bad: /)
    expect(r.stdout).toContain('error: AdminNetworkPolicy/bad: spec.priority: Invalid value: -1: spec.priority in body should be greater than or equal to 0')
  })
})

describe('kubectl describe networkpolicy', () => {
  it('matches kubectl\'s layout (pkg/describe TestDescribeNetworkPolicies)', () => {
    const c = scenario(undefined, netpol('default', 'network-policy-1', `podSelector:
  matchLabels: {id1: app1, id2: app2}
  matchExpressions:
  - {key: foo, operator: In, values: [bar1, bar2]}
  - {key: foo2, operator: NotIn, values: [bar1, bar2]}
ingress:
- ports: [{port: 80}, {port: 82, protocol: TCP}]
  from:
  - podSelector: {matchLabels: {id: pod1, id2: pod2}}
    namespaceSelector: {matchLabels: {id: ns1, id2: ns2}}
  - podSelector: {matchLabels: {id: app2, id2: app3}}
  - namespaceSelector: {matchLabels: {id: app2, id2: app3}}
  - namespaceSelector:
      matchLabels: {id: app2, id2: app3}
      matchExpressions: [{key: foo, operator: In, values: [bar1, bar2]}]
  - ipBlock: {cidr: 192.168.0.0/16, except: [192.168.3.0/24, 192.168.4.0/24]}
- {}
egress:
- ports: [{port: 80}, {port: 82, protocol: TCP}]
  to:
  - podSelector: {matchLabels: {id: pod1, id2: pod2}}
    namespaceSelector: {matchLabels: {id: ns1, id2: ns2}}
  - podSelector: {matchLabels: {id: app2, id2: app3}}
  - namespaceSelector: {matchLabels: {id: app2, id2: app3}}
  - namespaceSelector:
      matchLabels: {id: app2, id2: app3}
      matchExpressions: [{key: foo, operator: In, values: [bar1, bar2]}]
  - ipBlock: {cidr: 192.168.0.0/16, except: [192.168.3.0/24, 192.168.4.0/24]}
- {}
policyTypes: [Ingress, Egress]`).replace('metadata: {name: network-policy-1, namespace: default}', 'metadata: {name: network-policy-1, namespace: default, creationTimestamp: "2017-06-05T04:45:56Z"}'))
    const r = runCommand(c, 'kubectl describe networkpolicy network-policy-1')
    expect(r.stdout).toBe(`Name:         network-policy-1
Namespace:    default
Created on:   2017-06-05 04:45:56 +0000 UTC
Labels:       <none>
Annotations:  <none>
Spec:
  PodSelector:     foo in (bar1,bar2),foo2 notin (bar1,bar2),id1=app1,id2=app2
  Allowing ingress traffic:
    To Port: 80/TCP
    To Port: 82/TCP
    From:
      NamespaceSelector: id=ns1,id2=ns2
      PodSelector: id=pod1,id2=pod2
    From:
      PodSelector: id=app2,id2=app3
    From:
      NamespaceSelector: id=app2,id2=app3
    From:
      NamespaceSelector: foo in (bar1,bar2),id=app2,id2=app3
    From:
      IPBlock:
        CIDR: 192.168.0.0/16
        Except: 192.168.3.0/24, 192.168.4.0/24
    ----------
    To Port: <any> (traffic allowed to all ports)
    From: <any> (traffic not restricted by source)
  Allowing egress traffic:
    To Port: 80/TCP
    To Port: 82/TCP
    To:
      NamespaceSelector: id=ns1,id2=ns2
      PodSelector: id=pod1,id2=pod2
    To:
      PodSelector: id=app2,id2=app3
    To:
      NamespaceSelector: id=app2,id2=app3
    To:
      NamespaceSelector: foo in (bar1,bar2),id=app2,id2=app3
    To:
      IPBlock:
        CIDR: 192.168.0.0/16
        Except: 192.168.3.0/24, 192.168.4.0/24
    ----------
    To Port: <any> (traffic allowed to all ports)
    To: <any> (traffic not restricted by destination)
  Policy Types: Ingress, Egress
`)
  })

  it('shows defaulted policy types, empty selectors, port ranges and protocol-only ports', () => {
    const c = scenario(undefined, netpol('default', 'p', 'podSelector: {}\ningress: [{ports: [{protocol: UDP}, {port: 32000, endPort: 32768}]}]'))
    expect(runCommand(c, 'kubectl describe netpol p').stdout).toContain(`Spec:
  PodSelector:     <none> (Allowing the specific traffic to all pods in this namespace)
  Allowing ingress traffic:
    To Port: <nil>/UDP
    To Port Range: 32000-32768/TCP
    From: <any> (traffic not restricted by source)
  Not affecting egress traffic
  Policy Types: Ingress
`)
    // the API server names a resource of a group with its group
    expect(runCommand(c, 'kubectl describe netpol nope')).toMatchObject({ exitCode: 1, stderr: 'Error from server (NotFound): networkpolicies.networking.k8s.io "nope" not found\n' })
  })
})

describe('help', () => {
  it('lists the policy command', () => {
    const c = scenario(undefined)
    expect(runCommand(c, "help").stdout).toMatch(/ {2}policy +explain NetworkPolicy and ClusterNetworkPolicy verdicts/)
    expect(runCommand(c, 'policy').stdout).toContain('policy check SRC -> DST:PORT[/PROTO]')
  })
})
