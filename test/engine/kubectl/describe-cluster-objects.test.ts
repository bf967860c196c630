/**
 * kubectl describe for namespaces, secrets, ServiceCIDRs and IPAddresses, in describe.go's
 * layouts (describeNamespace, describeSecret, describeServiceCIDRV1, describeIPAddressV1),
 * and the ServiceCIDR and IPAddress objects as their controllers leave them.
 */
import { describe, expect, it } from 'vitest'
import { cluster, sh } from '../core/helpers.ts'

const c = cluster(`apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels: {team: web}
  annotations: {owner: "ops@example.com"}
---
apiVersion: v1
kind: Secret
metadata:
  name: creds
  namespace: shop
data:
  password: c2VjcmV0Cg==
stringData:
  user: admin
  note: "héllo"
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  clusterIP: 10.96.100.7
  selector: {app: web}
  ports: [{port: 80}]
`)

describe('kubectl describe namespace', () => {
  it('prints labels, annotations, the phase and no quota or limit range', () => {
    expect(sh(c, 'kubectl describe ns shop').stdout).toBe([
      'Name:         shop',
      'Labels:       kubernetes.io/metadata.name=shop',
      '              team=web',
      'Annotations:  owner: ops@example.com',
      'Status:       Active',
      '',
      'No resource quota.',
      '',
      'No LimitRange resource.',
      '',
    ].join('\n'))
  })

  it('is refused when the scenario has a ResourceQuota, which the simulator ignores', () => {
    const q = cluster('apiVersion: v1\nkind: ResourceQuota\nmetadata:\n  name: q\nspec:\n  hard: {pods: "10"}\n')
    const r = sh(q, 'kubectl describe ns default')
    expect(r.exitCode).toBe(1)
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain('ResourceQuota/q is ignored here')
  })
})

describe('kubectl describe secret', () => {
  it('prints the type and each key with its size in bytes, never the value', () => {
    expect(sh(c, 'kubectl describe secret creds -n shop').stdout).toBe([
      'Name:         creds',
      'Namespace:    shop',
      'Labels:       <none>',
      'Annotations:  <none>',
      '',
      'Type:  Opaque',
      '',
      'Data',
      '====',
      'note:      6 bytes',
      'password:  7 bytes',
      'user:      5 bytes',
      '',
    ].join('\n'))
  })
})

describe('ServiceCIDR and IPAddress', () => {
  it('the default ServiceCIDR carries the servicecidrs controller finalizer and Ready message', () => {
    const y = sh(c, 'kubectl get servicecidr kubernetes -o yaml').stdout
    expect(y).toContain('  finalizers:\n  - networking.k8s.io/service-cidr-finalizer\n')
    expect(y).toContain('    message: Kubernetes Service CIDR is ready\n    reason: ""\n    status: "True"\n    type: Ready\n')
  })

  it('describe servicecidr prints the CIDRs and the condition table, aligned with Events', () => {
    expect(sh(c, 'kubectl describe servicecidr kubernetes').stdout).toBe([
      'Name:         kubernetes',
      'Labels:       <none>',
      'Annotations:  <none>',
      'CIDRs:        10.96.0.0/12',
      'Status:',
      'Conditions:',
      '  Type   Status  LastTransitionTime               Reason  Message',
      '  ----   ------  ------------------               ------  -------',
      '  Ready  True    Mon, 05 Jan 2026 12:00:00 +0000          Kubernetes Service CIDR is ready',
      'Events:  <none>',
      '',
    ].join('\n'))
  })

  it('every IPAddress is labelled with its family and manager, as the allocator creates it', () => {
    expect(sh(c, 'kubectl get ipaddress -l ipaddress.kubernetes.io/ip-family=IPv4').stdout).toContain('10.96.100.7   services/shop/web')
    expect(sh(c, 'kubectl describe ipaddress 10.96.100.7').stdout).toBe([
      'Name:         10.96.100.7',
      'Labels:       ipaddress.kubernetes.io/ip-family=IPv4',
      '              ipaddress.kubernetes.io/managed-by=ipallocator.k8s.io',
      'Annotations:  <none>',
      'Parent Reference:',
      '  Group:      ',
      '  Resource:   services',
      '  Namespace:  shop',
      '  Name:       web',
      'Events:       <none>',
      '',
    ].join('\n'))
  })
})
