// Issue 12: nothing the engine accepts is silently ignored. Each field the simulator accepts and
// does not model is a warning placed on that field (engine/load/unmodelled.ts records the audit).
import { readFileSync, readdirSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { Diagnostic } from '../../../engine/index.ts'
import { POD_TARGETS, UNMODELLED } from '../../../engine/load/unmodelled.ts'
import { kindInfo, objectSchema } from '../../../engine/load/kinds.ts'
import type { Schema } from '../../../engine/load/schema.ts'
import { diagnostics, docs } from './helpers.ts'

const unmodelled = (yaml: string): Diagnostic[] => diagnostics(yaml).filter((d) => ['not-simulated', 'simplified', 'ignored'].includes(d.code))

/** The one line of `yaml` that holds `needle` (1-based), so that a test names the place it expects. */
function lineOf(yaml: string, needle: string): number {
  const lines = yaml.split('\n')
  const at = lines.findIndex((l) => l.includes(needle))
  if (at < 0 || lines.findIndex((l, i) => i > at && l.includes(needle)) >= 0) throw new Error(`"${needle}" is not on exactly one line`)
  return at + 1
}

/** Exactly one warning, on `field`, at the line holding `needle`. */
function expectOne(yaml: string, field: string, needle: string, code = 'not-simulated'): Diagnostic {
  const d = unmodelled(yaml)
  expect(d.map((x) => [x.field, x.code, x.line])).toEqual([[field, code, lineOf(yaml, needle)]])
  expect(d[0].severity).toBe('warning')
  // a label or an annotation is named by its key; any other field by its path
  const meta = /(?:^|\.)metadata\.(annotations|labels)\.(.+)$/.exec(field)
  expect(d[0].message.startsWith(meta ? `${meta[1] === 'annotations' ? 'annotation' : 'label'} ${meta[2]}: ` : `${field}: `)).toBe(true)
  return d[0]
}

const pod = (spec: string, extra = '') => `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
${spec}
  containers:
  - name: c
    image: nginx
${extra}`

const deployment = (spec: string, podSpec = '') => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
${spec}
  template:
    metadata: {labels: {app: web}}
    spec:
${podSpec}
      containers: [{name: c, image: nginx}]
`

describe('scheduling fields the simulated scheduler does not honour', () => {
  it('preferred node affinity, Pod (anti-)affinity and spread constraints, in a Pod and in a template', () => {
    const y = pod('  affinity:\n    podAntiAffinity: {requiredDuringSchedulingIgnoredDuringExecution: []}\n  topologySpreadConstraints: [{maxSkew: 1, topologyKey: zone, whenUnsatisfiable: DoNotSchedule}]')
    const d = unmodelled(y)
    expect(d.map((x) => [x.field, x.line])).toEqual([
      ['spec.affinity.podAntiAffinity', lineOf(y, 'podAntiAffinity')],
      ['spec.topologySpreadConstraints', lineOf(y, 'topologySpreadConstraints')],
    ])
    expect(d[0].message).toContain("not simulated: the simulator's scheduler filters on nodeSelector")
    const t = deployment('', '      affinity: {nodeAffinity: {preferredDuringSchedulingIgnoredDuringExecution: [{weight: 1, preference: {matchExpressions: [{key: a, operator: Exists}]}}]}}')
    expectOne(t, 'spec.template.spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution', 'preferredDuring')
  })
  it('scheduling gates and another scheduler are modelled (cluster/pods.ts): no warning', () => {
    expect(unmodelled(pod('  schedulingGates: [{name: example.com/wait}]'))).toEqual([])
    expect(unmodelled(pod('  schedulerName: my-scheduler'))).toEqual([])
  })
  it('a RuntimeClass', () => {
    expectOne(deployment('', '      runtimeClassName: gvisor'), 'spec.template.spec.runtimeClassName', 'runtimeClassName')
  })
})

describe('readiness and identity', () => {
  it('readiness gates are modelled (cluster/pods.ts): no warning', () => {
    expect(unmodelled(pod('  readinessGates: [{conditionType: example.com/lb-ready}]'))).toEqual([])
  })
  it('resolver options the simulated resolver does not read; ndots, edns0 and single-request are modelled', () => {
    const y = pod('  dnsConfig:\n    options:\n    - {name: ndots, value: "2"}\n    - {name: edns0}\n    - {name: single-request}\n    - {name: use-vc}')
    expect(expectOne(y, 'spec.dnsConfig.options[3]', 'use-vc').message).toContain('send its queries over TCP')
    expect(unmodelled(pod('  dnsConfig:\n    options: [{name: constructor}]'))).toEqual([])
  })
  it('hostnameOverride', () => {
    expect(expectOne(pod('  hostnameOverride: db.example.com'), 'spec.hostnameOverride', 'hostnameOverride').message).toContain('its DNS records do not change')
  })
  it('network sysctls (net.*), each on its entry; other sysctls are not networking', () => {
    const y = pod('  securityContext:\n    sysctls:\n    - {name: kernel.shm_rmid_forced, value: "1"}\n    - {name: net.ipv4.ip_local_port_range, value: "1024 65000"}')
    expect(expectOne(y, 'spec.securityContext.sysctls[1]', 'net.ipv4').message).toContain('net.ipv4.ip_local_port_range')
  })
})

describe('ports', () => {
  it('a hostPort bound to one host address is simplified; without hostIP, or 0.0.0.0, nothing is said', () => {
    const fixed = pod('').replace('    image: nginx\n', '    image: nginx\n    ports: [{containerPort: 80, hostPort: 8080, hostIP: 192.168.1.10}]\n')
    const d = expectOne(fixed, 'spec.containers[0].ports[0].hostIP', 'hostIP', 'simplified')
    expect(d.message).toContain('only for packets to 192.168.1.10')
    expect(unmodelled(fixed.replace('hostIP: 192.168.1.10', 'hostIP: 0.0.0.0'))).toEqual([])
    expect(unmodelled(fixed.replace('hostPort: 8080, ', ''))).toEqual([])
  })
  it('the ports of a sidecar are modelled (traffic/servers.ts, endpoint-slices.ts findPort): no warning', () => {
    const side = pod('  initContainers:\n  - name: proxy\n    image: envoyproxy/envoy:v1.33\n    restartPolicy: Always\n    ports: [{containerPort: 15001, name: proxy}]')
    expect(unmodelled(side)).toEqual([])
  })
})

describe("a Pod's own network: capabilities and CNI annotations", () => {
  it('NET_ADMIN (or ALL) in capabilities.add, and privileged, each on its field', () => {
    const y = pod('').replace('    image: nginx\n', '    image: nginx\n    securityContext:\n      capabilities:\n        add: [NET_BIND_SERVICE, NET_ADMIN]\n')
    expect(expectOne(y, 'spec.containers[0].securityContext.capabilities.add[1]', 'NET_ADMIN').message).toContain('Operation not permitted')
    expect(unmodelled(y.replace(', NET_ADMIN', ''))).toEqual([])
    const priv = deployment('', '').replace('containers: [{name: c, image: nginx}]', 'containers: [{name: c, image: nginx, securityContext: {privileged: true}}]')
    expectOne(priv, 'spec.template.spec.containers[0].securityContext.privileged', 'privileged')
    // a privileged agent on the node's network (kube-proxy, a CNI agent of a pasted dump): not the Pod lab's business
    expect(unmodelled(priv.replace('    spec:\n', '    spec:\n      hostNetwork: true\n'))).toEqual([])
  })
  it('Multus and Calico annotations, on a Pod and on a template', () => {
    const y = pod('').replace('metadata: {name: p}', 'metadata:\n  name: p\n  annotations:\n    k8s.v1.cni.cncf.io/networks: macvlan-conf')
    expect(expectOne(y, 'metadata.annotations.k8s.v1.cni.cncf.io/networks', 'macvlan-conf').message).toContain('eth0 only')
    const t = deployment('').replace('    metadata: {labels: {app: web}}', '    metadata:\n      labels: {app: web}\n      annotations: {cni.projectcalico.org/ipv4pools: \'["edge-pool"]\'}')
    expectOne(t, 'spec.template.metadata.annotations.cni.projectcalico.org/ipv4pools', 'ipv4pools')
    // what Calico writes on every Pod of a pasted dump is not a request
    const dumped = pod('').replace('metadata: {name: p}', 'metadata:\n  name: p\n  annotations:\n    cni.projectcalico.org/podIP: 10.244.1.5/32\n    cni.projectcalico.org/containerID: 0123abcd')
    expect(unmodelled(dumped)).toEqual([])
  })
})

describe('Node taints', () => {
  it('PreferNoSchedule is simplified; NoSchedule is modelled', () => {
    const node = (effect: string) => `apiVersion: v1\nkind: Node\nmetadata: {name: n1}\nspec:\n  taints:\n  - {key: spot, value: "true", effect: ${effect}}\nstatus: {addresses: [{type: InternalIP, address: 192.168.1.10}]}\n`
    expectOne(node('PreferNoSchedule'), 'spec.taints[0]', 'spot', 'simplified')
    expect(unmodelled(node('NoSchedule'))).toEqual([])
  })
})

describe('workloads', () => {
  it('a Deployment created paused is modelled (cluster/workloads.ts): no warning', () => {
    expect(unmodelled(deployment('  paused: true'))).toEqual([])
  })
})

describe("kube-proxy's configuration (ConfigMap kube-system/kube-proxy, config.conf)", () => {
  const cm = (conf: string) => `apiVersion: v1
kind: ConfigMap
metadata: {name: kube-proxy, namespace: kube-system}
data:
  config.conf: |
    apiVersion: kubeproxy.config.k8s.io/v1alpha1
    kind: KubeProxyConfiguration
${conf.split('\n').map((l) => `    ${l}`).join('\n')}
`
  it('settings the simulated kube-proxy does not read, named in one warning on config.conf', () => {
    const y = cm('mode: ipvs\nipvs:\n  strictARP: true\nmetricsBindAddress: 0.0.0.0:10249\nconntrack:\n  maxPerCore: 0')
    const d = expectOne(y, 'data.config.conf', 'config.conf')
    expect(d.message).toContain('ipvs.strictARP makes the nodes answer ARP')
    expect(d.message).toContain('metricsBindAddress moves the metrics server to 0.0.0.0:10249')
    expect(d.message).toContain('conntrack.maxPerCore and conntrack.min')
    // what it reads, and the defaults written out, are quiet
    expect(unmodelled(cm('mode: ipvs\nipvs:\n  scheduler: lc\n  strictARP: false\nhealthzBindAddress: 0.0.0.0:10256\nconntrack:\n  maxPerCore: 32768\n  min: 131072'))).toEqual([])
  })
  it('the whole file, when kubeProxyReplacement leaves no kube-proxy to read it', () => {
    const y = docs('apiVersion: knet/v1alpha1\nkind: Cluster\nspec: {cni: cilium, kubeProxyReplacement: true}\n', cm('mode: nftables'))
    expect(unmodelled(y).filter((d) => d.field === 'data.config.conf').map((d) => [d.code, d.message])).toEqual([['ignored', 'data.config.conf: ignored: with kubeProxyReplacement in the Cluster document no kube-proxy runs, so nothing reads this configuration']])
  })
})

describe("CoreDNS's Corefile (ConfigMap kube-system/coredns)", () => {
  const corefile = (body: string) => `apiVersion: v1
kind: ConfigMap
metadata: {name: coredns, namespace: kube-system}
data:
  Corefile: |
    .:53 {
        errors
${body.split('\n').map((l) => `        ${l}`).join('\n')}
        cache 30
        loop
        reload
        loadbalance
    }
`
  it('plugins and options that change answers, each with its Corefile line, in one warning', () => {
    const y = corefile('rewrite name db.example.com db.shop.svc.cluster.local\nkubernetes cluster.local in-addr.arpa ip6.arpa {\n   pods insecure\n   fallthrough in-addr.arpa ip6.arpa\n   noendpoints\n}\nforward . /etc/resolv.conf {\n   except corp.example\n}')
    const d = expectOne(y, 'data.Corefile', 'Corefile: |')
    expect(d.message).toBe('data.Corefile: not simulated: plugin rewrite (Corefile:3), kubernetes option noendpoints (Corefile:7), forward option except (Corefile:10): in a real CoreDNS these change which names get which answers; the simulated CoreDNS answers as if they were absent')
  })
  it("kubeadm's own plugins and options are quiet, and so is a Corefile CoreDNS would refuse (that has its own warning)", () => {
    expect(unmodelled(corefile('health {\n   lameduck 5s\n}\nready\nkubernetes cluster.local in-addr.arpa ip6.arpa {\n   pods insecure\n}\nprometheus :9153\nforward . /etc/resolv.conf {\n   max_concurrent 1000\n}'))).toEqual([])
    expect(unmodelled(corefile('rewrite name a b\nfrobnicate'))).toEqual([])
  })
})

describe('Services', () => {
  const svc = (meta: string, spec = '') => `apiVersion: v1
kind: Service
metadata:
  name: s
${meta}
spec:
  selector: {app: a}
  ports: [{port: 80}]
${spec}`
  it('the labels kube-proxy filters its Services by', () => {
    expect(expectOne(svc('  labels:\n    service.kubernetes.io/service-proxy-name: my-proxy'), 'metadata.labels.service.kubernetes.io/service-proxy-name', 'service-proxy-name').message).toContain('"my-proxy"')
    expectOne(svc('  labels:\n    service.kubernetes.io/headless: ""'), 'metadata.labels.service.kubernetes.io/headless', 'headless')
    expect(unmodelled(svc('  labels:\n    service.kubernetes.io/headless: ""', '  clusterIP: None'))).toEqual([])
  })
  it('load balancer annotations on a LoadBalancer Service, one warning each', () => {
    const y = svc('  annotations:\n    service.beta.kubernetes.io/aws-load-balancer-scheme: internal\n    metallb.io/address-pool: lan\n    example.com/owner: team-a', '  type: LoadBalancer')
    const d = unmodelled(y)
    expect(d.map((x) => [x.field, x.line])).toEqual([
      ['metadata.annotations.service.beta.kubernetes.io/aws-load-balancer-scheme', lineOf(y, 'aws-load-balancer-scheme')],
      ['metadata.annotations.metallb.io/address-pool', lineOf(y, 'address-pool')],
    ])
    expect(d[0].message).toBe('annotation service.beta.kubernetes.io/aws-load-balancer-scheme: not simulated: it configures the load balancer implementation (a cloud provider\'s controller, MetalLB, Cilium\'s LB IPAM), which the simulator does not run; the simulated cloud reads no annotation, and gives a LoadBalancer Service without a class an address from 198.51.100.0/24')
    // on a ClusterIP Service no load balancer reads them
    expect(unmodelled(y.replace('  type: LoadBalancer', ''))).toEqual([])
  })
})

describe('Ingress annotations of ingress-nginx', () => {
  const ing = (annotations: string) => `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: i
  annotations:
${annotations}
spec:
  ingressClassName: nginx
  defaultBackend: {service: {name: web, port: {number: 80}}}
`
  it('those the simulated controller does not read; the ones it reads are quiet', () => {
    const y = ing('    nginx.ingress.kubernetes.io/rewrite-target: /\n    nginx.ingress.kubernetes.io/whitelist-source-range: 10.0.0.0/8\n    nginx.ingress.kubernetes.io/use-regex: "true"')
    expect(expectOne(y, 'metadata.annotations.nginx.ingress.kubernetes.io/whitelist-source-range', 'whitelist-source-range').message).toContain('routes as if this annotation were absent')
  })
  it('a canary Ingress: one warning, on canary, whatever its canary-* settings', () => {
    const y = ing('    nginx.ingress.kubernetes.io/canary: "true"\n    nginx.ingress.kubernetes.io/canary-weight: "10"')
    expect(expectOne(y, 'metadata.annotations.nginx.ingress.kubernetes.io/canary', 'canary: "true"').message).toContain('skips canary Ingresses')
  })
})

describe('Gateway API fields', () => {
  const gwc = 'apiVersion: gateway.networking.k8s.io/v1\nkind: GatewayClass\nmetadata: {name: eg}\nspec:\n  controllerName: gateway.envoyproxy.io/gatewayclass-controller\n'
  const gw = (extra: string, listener = '') => `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw}
spec:
  gatewayClassName: eg
  listeners:
  - name: http
    port: 80
    protocol: HTTP
${listener}${extra}`
  const route = (rule: string, kind = 'HTTPRoute') => `apiVersion: gateway.networking.k8s.io/v1
kind: ${kind}
metadata: {name: r}
spec:
  parentRefs: [{name: gw}]
  rules:
  - backendRefs: [{name: web, port: 80}]
${rule}`
  it('GatewayClass and Gateway parametersRef', () => {
    expectOne(gwc + '  parametersRef: {group: gateway.envoyproxy.io, kind: EnvoyProxy, name: custom, namespace: envoy-gateway-system}\n', 'spec.parametersRef', 'parametersRef')
    expectOne(gw('  infrastructure:\n    parametersRef: {group: gateway.envoyproxy.io, kind: EnvoyProxy, name: custom}\n'), 'spec.infrastructure.parametersRef', 'parametersRef')
  })
  it('infrastructure labels and annotations (not empty maps)', () => {
    expectOne(gw('  infrastructure:\n    annotations: {service.beta.kubernetes.io/aws-load-balancer-internal: "true"}\n'), 'spec.infrastructure.annotations', 'aws-load-balancer-internal')
    expectOne(gw('  infrastructure:\n    labels: {team: edge}\n'), 'spec.infrastructure.labels', 'team: edge')
    expect(unmodelled(gw('  infrastructure:\n    labels: {}\n'))).toEqual([])
  })
  it('client certificate validation, Gateway-wide TLS and ListenerSets', () => {
    const listenerTLS = '    tls:\n      mode: Terminate\n      certificateRefs: [{name: cert}]\n      frontendValidation: {caCertificateRefs: [{group: "", kind: ConfigMap, name: ca}]}\n'
    expectOne(gw('', listenerTLS), 'spec.listeners[0].tls.frontendValidation', 'frontendValidation')
    expectOne(gw('  tls: {backend: {clientCertificateRef: {name: client}}}\n'), 'spec.tls', '  tls: {backend')
    expectOne(gw('  allowedListeners: {namespaces: {from: Same}}\n'), 'spec.allowedListeners', 'allowedListeners')
  })
  it('route timeouts, retries and session persistence', () => {
    expect(expectOne(route('    timeouts: {request: 10s}\n'), 'spec.rules[0].timeouts', 'timeouts').message).toContain('504')
    expectOne(route('    retry: {codes: [503], attempts: 2}\n'), 'spec.rules[0].retry', 'retry')
    expectOne(route('    sessionPersistence: {type: Cookie, sessionName: s}\n', 'GRPCRoute'), 'spec.rules[0].sessionPersistence', 'sessionPersistence')
  })
  it('the CORS and ExtensionRef filters, on a rule and on a backendRef', () => {
    expectOne(route('    filters: [{type: CORS, cors: {allowOrigins: ["https://example.com"]}}]\n'), 'spec.rules[0].filters[0].cors', 'allowOrigins')
    const y = route('').replace('backendRefs: [{name: web, port: 80}]', 'backendRefs: [{name: web, port: 80, filters: [{type: ExtensionRef, extensionRef: {group: gateway.envoyproxy.io, kind: HTTPRouteFilter, name: f}}]}]')
    expectOne(y, 'spec.rules[0].backendRefs[0].filters[0].extensionRef', 'extensionRef')
  })
})

describe('the audit table itself', () => {
  /** Whether `pattern` names a field the kind's schema accepts ('*' steps into arrays and maps; below `any` everything is accepted). */
  function accepted(schema: Schema, pattern: string[]): boolean {
    let s = schema
    for (const key of pattern) {
      if (s.t === 'any') return true
      if (key === '*') {
        if (s.t !== 'array' && s.t !== 'map') return false
        s = s.of
      } else if (s.t === 'object') {
        if (!s.fields[key]) return false
        s = s.fields[key]
      } else if (s.t === 'map') s = s.of // a map key named in the pattern (a label, an annotation)
      else return false
    }
    return true
  }
  it('names only fields the loader accepts, so that no rule is dead because of a typo', () => {
    const dead: string[] = []
    for (const rule of UNMODELLED) {
      for (const kind of rule.kinds) {
        const targets: [string, string[]][] = POD_TARGETS[kind] ? Object.entries(POD_TARGETS[kind]) : [[kind, []]]
        for (const [k, base] of targets) {
          const info = kindInfo(k)
          if (!info || !accepted(objectSchema(info), [...base, ...rule.path])) dead.push(`${k} ${[...base, ...rule.path].join('.')}`)
        }
      }
    }
    expect(dead).toEqual([])
  })
})

describe("every chapter's base scenario (content/scenarios) loads without a not-simulated warning", () => {
  const dir = new URL('../../../content/scenarios/', import.meta.url).pathname
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()
  it.each(files)('%s', (file) => {
    expect(unmodelled(readFileSync(dir + file, 'utf8')).map((d) => `${d.line}: ${d.message}`)).toEqual([])
  })
})
