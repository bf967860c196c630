/**
 * From outside the cluster: NodePort with externalTrafficPolicy Cluster
 * (SNAT to the node) and Local (client address kept, dropped on nodes
 * without an endpoint), LoadBalancer (the cloud load balancer and its health
 * check), an Ingress (load balancer → controller Pod → host/path rule →
 * endpoint), and what the workstation cannot reach.
 */
import { describe, expect, it } from 'vitest'
import { build, request, reply, rewrites, sh, shop, trace } from './helpers.ts'
import type { TraceFrom } from '../../../engine/trace/index.ts'

const workstation: TraceFrom = { kind: 'external', ip: '203.0.113.7' }

describe('NodePort, externalTrafficPolicy: Cluster', () => {
  const c = build(shop())
  const t = trace(c, workstation, { kind: 'address', ip: '192.168.1.12', port: 30080 }, { seed: 3 })

  it('is caught by KUBE-NODEPORTS on the node it reaches, then KUBE-EXT marks it for masquerade', () => {
    const at = request(t).filter((h) => h.handler === 'iptables').map((h) => h.at)
    expect(at.slice(0, 3)).toEqual(['node-2 nat KUBE-SERVICES', 'node-2 nat KUBE-NODEPORTS', expect.stringMatching(/^node-2 nat KUBE-EXT-/)])
    expect(request(t).find((h) => h.at.includes('KUBE-EXT'))!.rule).toContain('-j KUBE-MARK-MASQ')
  })

  it('DNATs to any endpoint and SNATs to the node: the Pod does not see the client', () => {
    const r = rewrites(t)
    expect(r[0].after.dport).toBe(8080)
    const snat = r.find((h) => h.after.src !== h.before.src)!
    expect(snat.node).toBe('node-2')
    expect(t.seenFrom!.ip).not.toBe('203.0.113.7')
    expect(['192.168.1.12', '10.244.2.0', '10.244.2.1']).toContain(t.seenFrom!.ip)
  })

  it('the reply is un-SNATed and un-DNATed on node-2, so the client sees node-2:30080 answer', () => {
    const r = reply(t)
    expect(r.filter((h) => h.handler === 'conntrack').every((h) => h.node === 'node-2')).toBe(true)
    expect(r[r.length - 1].after).toMatchObject({ src: '192.168.1.12', sport: 30080, dst: '203.0.113.7' })
  })

  it('curl /clientip shows the masqueraded address, from any node', () => {
    for (const node of ['192.168.1.11', '192.168.1.12', '192.168.1.13', '192.168.1.10']) {
      const out = sh(c, `curl -s http://${node}:30080/clientip`)
      expect(out.exitCode).toBe(0)
      expect(out.stdout).not.toMatch(/^203\.0\.113\.7:/)
    }
  })
})

describe('NodePort, externalTrafficPolicy: Local', () => {
  const c = build(shop())

  it('keeps the client address: /clientip shows the workstation', () => {
    const out = sh(c, 'curl -s http://192.168.1.13:30081/clientip')
    expect(out.stdout).toMatch(/^203\.0\.113\.7:\d+$/)
    const t = trace(c, workstation, { kind: 'address', ip: '192.168.1.13', port: 30081 })
    expect(t.endpoint).toMatchObject({ pod: 'prod/web-3', node: 'node-3' })
    expect(request(t).some((h) => h.at.includes('KUBE-SVL-'))).toBe(true)
    expect(rewrites(t).every((h) => h.after.src === '203.0.113.7')).toBe(true)
  })

  it('drops the packet on a node without a local endpoint (the control plane here)', () => {
    const t = trace(c, workstation, { kind: 'address', ip: '192.168.1.10', port: 30081 })
    expect(t.result).toBe('dropped')
    expect(request(t).at(-1)).toMatchObject({ at: 'control-plane filter KUBE-EXTERNAL-SERVICES', verdict: 'drop' })
    expect(request(t).at(-1)!.rule).toContain('"prod/web-local has no local endpoints"')
    const curl = sh(c, 'curl --connect-timeout 10 http://192.168.1.10:30081/')
    expect(curl.exitCode).toBe(28)
    expect(curl.stderr).toBe('curl: (28) Connection timed out after 10002 milliseconds\n')
  })

  it('a Pod using the NodePort is short-circuited to every endpoint, Local or not', () => {
    const t = trace(c, { kind: 'pod', pod: c.index.pod.get('prod/client')! }, { kind: 'address', ip: '192.168.1.11', port: 30081 })
    expect(t.result).toBe('delivered')
    expect(request(t).find((h) => h.at.includes('KUBE-EXT'))!.note).toContain('short-circuits')
  })

  it('IPVS falls back to remote endpoints, whose replies the client then drops', () => {
    const v = build(shop({ cluster: '{proxyMode: ipvs}' }))
    const t = trace(v, workstation, { kind: 'address', ip: '192.168.1.10', port: 30081 })
    expect(t.result).toBe('timeout')
    expect(t.reason).toContain('PR 97081')
  })
})

describe('LoadBalancer', () => {
  const lb = (policy: string) => `apiVersion: v1\nkind: Service\nmetadata: {name: web-lb, namespace: prod}\nspec:\n  type: LoadBalancer\n  externalTrafficPolicy: ${policy}\n  selector: {app: web}\n  ports: [{port: 80, targetPort: 8080}]\nstatus: {loadBalancer: {ingress: [{ip: 198.51.100.50}]}}`

  it('Local: the load balancer only sends to nodes that pass the healthCheckNodePort check, and the client address survives', () => {
    const c = build(shop({ webs: 2, extra: [lb('Local')] }))
    const svc = c.index.service.get('prod/web-lb')!
    const nodes = new Set<string>()
    for (let sport = 50000; sport < 50040; sport++) {
      const t = trace(c, workstation, { kind: 'address', ip: '198.51.100.50', port: 80 }, { sport })
      const hop = request(t).find((h) => h.handler === 'cloud-lb')!
      nodes.add(hop.after.dst)
      expect(hop.note).toContain(`healthCheckNodePort ${svc.healthCheckNodePort}`)
      expect(hop.after.dport).toBe(svc.ports[0].nodePort)
      expect(t.seenFrom!.ip).toBe('203.0.113.7')
    }
    expect(nodes).toEqual(new Set(['192.168.1.11', '192.168.1.12']))
    // the health check itself, as kube-proxy answers it
    expect(sh(c, `curl -s http://192.168.1.13:${svc.healthCheckNodePort}/healthz`).stdout).toContain('"localEndpoints": 0')
    expect(sh(c, `curl -s -o /dev/null -w '%{http_code}' http://192.168.1.11:${svc.healthCheckNodePort}/healthz`).stdout).toBe('200')
  })

  it('Cluster: any worker, SNAT at the node; the reply comes back from the load-balancer IP', () => {
    const c = build(shop({ extra: [lb('Cluster')] }))
    const t = trace(c, workstation, { kind: 'address', ip: '198.51.100.50', port: 80 })
    expect(t.result).toBe('delivered')
    expect(t.seenFrom!.ip).not.toBe('203.0.113.7')
    expect(reply(t).at(-1)!.after).toMatchObject({ src: '198.51.100.50', sport: 80 })
    expect(reply(t).some((h) => h.handler === 'cloud-lb')).toBe(true)
  })

  it('from inside the cluster, kube-proxy catches the load-balancer IP on the node itself', () => {
    const c = build(shop({ extra: [lb('Cluster')] }))
    const t = trace(c, { kind: 'pod', pod: c.index.pod.get('prod/client')! }, { kind: 'address', ip: '198.51.100.50', port: 80 })
    expect(request(t).some((h) => h.handler === 'cloud-lb')).toBe(false)
    expect(request(t).find((h) => h.at === 'node-1 nat KUBE-SERVICES')!.rule).toContain('"prod/web-lb loadbalancer IP"')
  })
})

describe('what the workstation cannot reach', () => {
  const c = build(shop())

  it('Pod IPs and ClusterIPs time out', () => {
    const clusterIP = c.index.service.get('prod/web')!.clusterIPs[0]
    for (const ip of ['10.244.1.2', clusterIP]) {
      const t = trace(c, workstation, { kind: 'address', ip, port: 80 })
      expect(t.result).toBe('timeout')
    }
    const curl = sh(c, `curl http://${clusterIP}/`)
    expect(curl.exitCode).toBe(28)
    expect(curl.stderr).toMatch(new RegExp(`^curl: \\(28\\) Failed to connect to ${clusterIP.replace(/\./g, '\\.')} port 80 after 1[23]\\d{4} ms: Couldn't connect to server\\n$`))
  })

  it('Service names do not resolve outside the cluster', () => {
    expect(sh(c, 'curl -s http://web.prod.svc.cluster.local/').exitCode).toBe(6)
    expect(sh(c, 'curl http://web.prod.svc.cluster.local/').stderr).toBe('curl: (6) Could not resolve host: web.prod.svc.cluster.local\n')
  })
})

describe('Ingress', () => {
  const controller = [
    'apiVersion: v1\nkind: Namespace\nmetadata: {name: ingress-nginx}',
    'apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata:\n  name: nginx\n  labels: {app.kubernetes.io/name: ingress-nginx, app.kubernetes.io/instance: ingress-nginx}\n  annotations: {ingressclass.kubernetes.io/is-default-class: "true"}\nspec: {controller: k8s.io/ingress-nginx}',
    'apiVersion: v1\nkind: Pod\nmetadata: {name: controller, namespace: ingress-nginx, labels: {app.kubernetes.io/name: ingress-nginx, app.kubernetes.io/instance: ingress-nginx, app.kubernetes.io/component: controller}}\nspec:\n  nodeName: node-3\n  containers: [{name: controller, image: "registry.k8s.io/ingress-nginx/controller:v1.13.0", ports: [{name: http, containerPort: 80}, {name: https, containerPort: 443}]}]',
    'apiVersion: v1\nkind: Service\nmetadata:\n  name: ingress-nginx-controller\n  namespace: ingress-nginx\n  labels: {app.kubernetes.io/name: ingress-nginx, app.kubernetes.io/instance: ingress-nginx, app.kubernetes.io/component: controller}\nspec:\n  type: LoadBalancer\n  externalTrafficPolicy: Local\n  selector: {app.kubernetes.io/name: ingress-nginx, app.kubernetes.io/component: controller}\n  ports: [{name: http, port: 80, targetPort: http}, {name: https, port: 443, targetPort: https}]\nstatus: {loadBalancer: {ingress: [{ip: 198.51.100.80}]}}',
  ]
  const ingress = (tls: boolean) => `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: shop, namespace: prod}\nspec:\n  ingressClassName: nginx\n${tls ? '  tls: [{hosts: [shop.example.com], secretName: shop-tls}]\n' : ''}  rules:\n  - host: shop.example.com\n    http:\n      paths:\n      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}`
  const dns = "{externalHosts: [{name: shop.example.com, addresses: [198.51.100.80]}]}"

  it('load balancer → controller Pod → host/path rule → an endpoint, with the client address in X-Forwarded-For', () => {
    const c = build(shop({ cluster: dns, extra: [...controller, ingress(false)] }))
    const t = trace(c, workstation, { kind: 'url', scheme: 'http', host: 'shop.example.com', path: '/cart' })
    expect(t.result).toBe('delivered')
    const h = request(t).map((x) => x.handler)
    expect(h.indexOf('cloud-lb')).toBeLessThan(h.indexOf('ingress-controller'))
    const ctl = request(t).find((x) => x.handler === 'ingress-controller')!
    expect(ctl.note).toContain('rule shop.example.com / (Prefix) of Ingress prod/shop → Service prod/web port 80')
    expect(ctl.note).toContain('not to the ClusterIP')
    expect(t.ingress).toMatchObject({ ingress: 'prod/shop', service: 'prod/web', status: 200, modelled: true, controllerPod: 'ingress-nginx/controller' })
    // the backend sees the controller Pod; the controller saw the client itself (Local)
    expect(t.seenFrom!.ip).toBe(c.index.pod.get('ingress-nginx/controller')!.podIPs[0])
    expect(t.http?.forwardedFor).toBe('203.0.113.7')
    expect(t.endpoint?.pod).toMatch(/^prod\/web-\d$/)
  })

  it('curl through the Ingress reaches a web Pod; an unknown host gets the default backend 404', () => {
    const c = build(shop({ cluster: dns, extra: [...controller, ingress(false)] }))
    expect(sh(c, 'curl -s http://shop.example.com/hostname').stdout).toMatch(/^web-\d$/)
    const other = sh(c, "curl -s -H 'Host: other.example.com' -o /dev/null -w '%{http_code}' http://198.51.100.80/")
    expect(other.stdout).toBe('404')
  })

  it('with TLS: plain HTTP is redirected (308) and HTTPS is terminated at the controller', () => {
    const c = build(shop({ cluster: dns, extra: [...controller, ingress(true)] }))
    const http = sh(c, 'curl -si http://shop.example.com/')
    expect(http.stdout).toMatch(/^HTTP\/1\.1 308 Permanent Redirect\r\n/)
    expect(http.stdout).toContain('Location: https://shop.example.com/\r\n')
    const t = trace(c, workstation, { kind: 'url', scheme: 'https', host: 'shop.example.com', path: '/' })
    expect(t.ingress?.tls).toBe(true)
    expect(request(t).find((h) => h.handler === 'ingress-controller')!.note).toContain('TLS is terminated here with Secret shop-tls')
    expect(sh(c, 'curl -s https://shop.example.com/hostname').stdout).toMatch(/^web-\d$/)
  })

  it('without controller Pods the trace says so and goes straight to the backend', () => {
    // the IngressClass exists, but the scenario runs no controller Service or Pods
    const c = build(shop({ extra: [controller[1], ingress(false)] }))
    const t = trace(c, workstation, { kind: 'url', scheme: 'http', host: 'shop.example.com', path: '/' }, { lenientIngressHosts: true })
    expect(t.notes.join(' ')).toContain('not modelled')
    expect(request(t).find((h) => h.handler === 'ingress-controller')!.at).toBe('ingress controller (not modelled)')
    expect(t.result).toBe('delivered')
    expect(t.endpoint?.pod).toMatch(/^prod\/web-\d$/)
  })
})
