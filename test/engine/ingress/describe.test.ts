/**
 * `kubectl describe ingress` and `kubectl describe ingressclass` in kubectl's
 * layout (k8s.io/kubectl/pkg/describe IngressDescriber): full texts pinned for
 * the documentation's examples, and the edges of the Backends column.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { loadScenario, runCommand } from '../../../engine/index.ts'
import type { Cluster } from '../../../engine/index.ts'
import { echoPod, ingress, ingressClass, scenario, service } from './helpers.ts'

function fromCase(file: string): Cluster {
  const c = parse(readFileSync(new URL(`../../fixtures/cases/ingress/${file}`, import.meta.url), 'utf8')) as { manifests: string }
  return loadScenario(c.manifests).cluster
}

describe('kubectl describe ingress', () => {
  it('the simple fanout of the documentation', () => {
    expect(runCommand(fromCase('docs-simple-fanout.yaml'), 'kubectl describe ingress simple-fanout-example').stdout).toBe(
      [
        'Name:             simple-fanout-example',
        'Labels:           <none>',
        'Namespace:        default',
        'Address:          203.0.113.10',
        // spec.ingressClassName, as the DefaultIngressClass admission plugin set it
        'Ingress Class:    example-class',
        'Default backend:  <default>',
        'Rules:',
        '  Host         Path  Backends',
        '  ----         ----  --------',
        '  foo.bar.com  ',
        '               /foo   service1:4200 (10.244.1.11:4200)',
        '               /bar   service2:8080 (10.244.1.12:8080)',
        'Annotations:   <none>',
        'Events:        <none>',
        '',
      ].join('\n'),
    )
  })

  it('an Ingress with only a defaultBackend lists it under * *', () => {
    expect(runCommand(fromCase('docs-default-backend-only.yaml'), 'kubectl describe ing test-ingress').stdout).toBe(
      [
        'Name:             test-ingress',
        'Labels:           <none>',
        'Namespace:        default',
        'Address:          203.0.113.10',
        'Ingress Class:    example-class',
        'Default backend:  test:80 (10.244.1.11:8080)',
        'Rules:',
        '  Host        Path  Backends',
        '  ----        ----  --------',
        '  *           *     test:80 (10.244.1.11:8080)',
        'Annotations:  <none>',
        'Events:       <none>',
        '',
      ].join('\n'),
    )
  })

  it('TLS, a missing Service, a port name, resource backends and long annotations', () => {
    const c = scenario(
      service('web', '10.96.0.11', { portName: 'http' }),
      echoPod(),
      `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: mixed
  labels: {team: shop, tier: edge}
  annotations:
    example.com/short: "yes"
    example.com/long: "${'x'.repeat(150)}"
spec:
  tls:
  - hosts: [shop.example.com, www.example.com]
    secretName: shop-tls
  - hosts: [sni.example.com]
  rules:
  - host: shop.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend: {service: {name: web, port: {name: http}}}
      - path: /gone
        pathType: Prefix
        backend: {service: {name: gone, port: {number: 80}}}
      - path: /icons
        pathType: ImplementationSpecific
        backend: {resource: {apiGroup: k8s.example.com, kind: StorageBucket, name: icon-assets}}
  - host: no-http.example.com`,
    )
    expect(runCommand(c, 'kubectl describe ingress mixed').stdout).toBe(
      [
        'Name:             mixed',
        'Labels:           team=shop',
        '                  tier=edge',
        'Namespace:        default',
        'Address:          ',
        'Ingress Class:    <none>',
        'Default backend:  <default>',
        'TLS:',
        '  shop-tls terminates shop.example.com,www.example.com',
        '  SNI routes sni.example.com',
        'Rules:',
        '  Host              Path  Backends',
        '  ----              ----  --------',
        '  shop.example.com  ',
        '                    /        web:http (10.244.1.11:8080)',
        '                    /gone    gone:80 (<error: services "gone" not found>)',
        '                    /icons   APIGroup: k8s.example.com, Kind: StorageBucket, Name: icon-assets',
        'Annotations:        example.com/long:',
        `                      ${'x'.repeat(138)}...`,
        '                    example.com/short: yes',
        'Events:             <none>',
        '',
      ].join('\n'),
    )
  })

  it('shows at most three endpoints, then how many more', () => {
    const pods = [1, 2, 3, 4, 5].map((i) => echoPod(`10.244.1.${10 + i}`, 'default', `echo-${i}`))
    const c = scenario(service('web', '10.96.0.11'), ...pods, ingress('shop', [['shop.example.com', [['/', 'Prefix', 'web']]]]))
    expect(runCommand(c, 'kubectl describe ingress shop').stdout).toContain('/   web:80 (10.244.1.11:8080,10.244.1.12:8080,10.244.1.13:8080 + 2 more...)\n')
  })

  it('records the controller\'s Sync event when the ingress-nginx controller takes the Ingress', () => {
    const c = scenario(
      ingressClass('nginx', { isDefault: true }),
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: ingress-nginx}',
      'apiVersion: v1\nkind: Service\nmetadata: {name: ingress-nginx-controller, namespace: ingress-nginx}\nspec: {type: NodePort, clusterIP: 10.96.0.99, selector: {app: ctl}, ports: [{name: http, port: 80}]}',
      service('web', '10.96.0.11'),
      echoPod(),
      ingress('shop', [['shop.example.com', [['/', 'Prefix', 'web']]]]),
    )
    const out = runCommand(c, 'kubectl describe ingress shop').stdout
    expect(out).toContain('Address:          10.96.0.99\n')
    expect(out).toContain(['Events:', '  Type    Reason  Age   From                      Message', '  ----    ------  ----  ----                      -------', '  Normal  Sync    5m    nginx-ingress-controller  Scheduled for sync', ''].join('\n'))
  })

  it('describes every Ingress of the namespace without a name, and answers NotFound for an unknown one', () => {
    const c = scenario(service('web', '10.96.0.11'), ingress('a', [['a.example.com', [['/', 'Prefix', 'web']]]]), ingress('b', [['b.example.com', [['/', 'Prefix', 'web']]]]))
    const all = runCommand(c, 'kubectl describe ingress')
    expect(all.stdout.match(/^Name:/gm)).toHaveLength(2)
    const missing = runCommand(c, 'kubectl describe ingress nope')
    expect(missing.exitCode).toBe(1)
    expect(missing.stderr).toMatch(/^Error from server \(NotFound\): ingresses.* "nope" not found\n$/)
  })
})

describe('kubectl describe ingressclass', () => {
  it('Name, Labels, Annotations, Controller, Parameters', () => {
    const c = scenario(`apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: external-lb
  annotations: {ingressclass.kubernetes.io/is-default-class: "true"}
spec:
  controller: example.com/ingress-controller
  parameters:
    apiGroup: k8s.example.com
    kind: IngressParameters
    name: external-lb`)
    expect(runCommand(c, 'kubectl describe ingressclass external-lb').stdout).toBe(
      [
        'Name:         external-lb',
        'Labels:       <none>',
        'Annotations:  ingressclass.kubernetes.io/is-default-class: true',
        'Controller:   example.com/ingress-controller',
        'Parameters:',
        // a line without a tab ends an alignment block, so the parameters align on their own
        '  APIGroup:  k8s.example.com',
        '  Kind:      IngressParameters',
        '  Name:      external-lb',
        'Events:      <none>',
        '',
      ].join('\n'),
    )
  })
})
