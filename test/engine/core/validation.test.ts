import { describe, expect, it } from 'vitest'
import { docs, errors, diagnostics, deployment, service } from './helpers.ts'

const svc = (spec: string) => `apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n${spec}`

describe('Service validation, in the API server\'s words', () => {
  it('port out of range, at the field', () => {
    const [d] = errors(svc('  ports:\n  - port: 70000\n'))
    expect(d).toMatchObject({ message: 'spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive', line: 6, column: 11, field: 'spec.ports[0].port' })
  })

  it('names required when there are several ports, and unique', () => {
    const d = errors(svc('  ports:\n  - port: 80\n  - port: 443\n'))
    expect(d.map((x) => x.message)).toEqual(['spec.ports[0].name: Required value', 'spec.ports[1].name: Required value'])
    const dup = errors(svc('  ports:\n  - {name: http, port: 80}\n  - {name: http, port: 81}\n'))
    expect(dup.map((x) => x.message)).toEqual(['spec.ports[1].name: Duplicate value: "http"'])
  })

  it('nodePort outside the range, or on a ClusterIP Service', () => {
    const [d] = errors(svc('  type: NodePort\n  ports:\n  - {port: 80, nodePort: 29999}\n'))
    expect(d.message).toBe('spec.ports[0].nodePort: Invalid value: 29999: provided port is not in the valid range. The range of valid ports is 30000-32767')
    const [f] = errors(svc('  ports:\n  - {port: 80, nodePort: 30080}\n'))
    expect(f.message).toBe("spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'")
  })

  it('a nodePort or ClusterIP taken twice', () => {
    const two = docs(
      svc('  type: NodePort\n  ports:\n  - {port: 80, nodePort: 30080}\n'),
      svc('  type: NodePort\n  ports:\n  - {port: 80, nodePort: 30080}\n').replace('name: web', 'name: web2'),
    )
    expect(errors(two).map((x) => x.message)).toEqual(['spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated'])
    const [ip] = errors(svc('  clusterIP: 10.96.0.10\n  ports:\n  - {port: 80}\n'))
    expect(ip.message).toBe('spec.clusterIPs[0]: Invalid value: "10.96.0.10": failed to allocate IP 10.96.0.10: provided IP is already allocated')
    const [out] = errors(svc('  clusterIP: 10.0.0.5\n  ports:\n  - {port: 80}\n'))
    expect(out.message).toBe('spec.clusterIPs[0]: Invalid value: "10.0.0.5": failed to allocate IP 10.0.0.5: the provided IP (10.0.0.5) is not in the valid range. The range of valid IPs is 10.96.0.0/12')
  })

  it('ExternalName needs a DNS name; headless NodePort is refused', () => {
    expect(errors(svc('  type: ExternalName\n'))[0].message).toBe('spec.externalName: Required value')
    expect(errors(svc('  type: NodePort\n  clusterIP: None\n  ports: [{port: 80}]\n'))[0].message).toBe("spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for NodePort services")
  })

  it('warns when a selector matches nothing', () => {
    const d = diagnostics(docs(deployment('web', 1, { app: 'web' }), service('web', { app: 'wbe' })))
    expect(d).toHaveLength(1)
    expect(d[0]).toMatchObject({ severity: 'warning', code: 'selector-matches-nothing', line: 20, column: 13 })
    expect(d[0].message).toBe('Service web: selector app=wbe matches no Pods in namespace default, so it has no endpoints')
  })

  it('dual-stack Services need a dual-stack cluster', () => {
    const [d] = errors(svc('  ipFamilyPolicy: RequireDualStack\n  ports: [{port: 80}]\n'))
    expect(d.message).toBe('spec.ipFamilyPolicy: Invalid value: "RequireDualStack": this cluster is not configured for dual-stack services')
  })
})

describe('workload and Pod validation', () => {
  it('selector must match the template labels', () => {
    const bad = deployment('web', 1, { app: 'web' }).replace('template:\n    metadata: {labels: {"app":"web"}}', 'template:\n    metadata: {labels: {"app":"api"}}')
    const [d] = errors(bad)
    expect(d.message).toBe('spec.template.metadata.labels: Invalid value: map[string]string{"app":"api"}: `selector` does not match template `labels`')
  })

  it('the same port in two containers is accepted with the API server\'s warning (pkg/api/pod/warnings.go)', () => {
    const text = `apiVersion: v1
kind: Pod
metadata: {name: two}
spec:
  containers:
  - {name: a, image: nginx, ports: [{containerPort: 8080}]}
  - {name: b, image: envoy, ports: [{containerPort: 8080}]}
`
    expect(errors(text)).toEqual([])
    const w = diagnostics(text).filter((x) => x.severity === 'warning')
    expect(w.map((x) => [x.message, x.line])).toEqual([['spec.containers[1].ports[0]: duplicate port definition with spec.containers[0].ports[0]', 7]])
  })

  it('named ports follow IANA_SVC_NAME', () => {
    const [d] = errors(`apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - {name: a, image: nginx, ports: [{containerPort: 80, name: http_web}]}\n`)
    expect(d.message).toBe('spec.containers[0].ports[0].name: Invalid value: "http_web": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)')
  })

  it('a nodeName that names no node', () => {
    const [d] = errors(`apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  nodeName: node-9\n  containers: [{name: a, image: nginx}]\n`)
    expect(d.message).toBe('spec.nodeName: Invalid value: "node-9": no node with this name exists in the scenario')
  })
})

describe('the Cluster document', () => {
  it('warns of overlapping ranges and refuses unknown plugins', () => {
    const all = diagnostics('apiVersion: knet/v1alpha1\nkind: Cluster\nspec:\n  podCIDR: 10.96.0.0/16\n  cni: flanel\n')
    const d = all.filter((x) => x.severity === 'error')
    expect(d).toHaveLength(1)
    expect(all.find((x) => x.field === 'spec.serviceCIDR')).toMatchObject({
      severity: 'warning',
      message: 'spec.serviceCIDR: "10.96.0.0/12" overlaps with the Pod CIDR 10.96.0.0/16; Service, Pod and node ranges must not overlap, or packets for one are taken for the other',
    })
    expect(d.find((x) => x.field === 'spec.cni')).toMatchObject({
      line: 5,
      column: 8,
      message: 'spec.cni: Unsupported value: "flanel": supported values: "flannel", "calico", "cilium", "weave", "canal", "aws-vpc-cni", "azure-cni", "bridge", "antrea"',
    })
  })

  it('warns of a node address inside the Pod range', () => {
    const [d] = diagnostics('apiVersion: knet/v1alpha1\nkind: Cluster\nspec:\n  nodes: [{name: n1, ip: 10.244.0.5}]\n')
    expect(d.severity).toBe('warning')
    expect(d.message).toBe("node n1's address 10.244.0.5 lies inside 10.244.0.0/16; node, Pod and Service ranges must not overlap, or packets for one are taken for the other")
  })
})
