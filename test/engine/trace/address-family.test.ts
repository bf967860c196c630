/**
 * Which address family a client's lookup uses on a dual-stack cluster: getaddrinfo(AF_UNSPEC)
 * asks for A and AAAA and sorts them by its C library's policy table. musl (lookup_name.c,
 * RFC 6724) puts IPv4 (35) before unique local IPv6 (fc00::/7, 3) but after global IPv6 (40);
 * glibc (RFC 3484's table, gai.conf's defaults) puts every IPv6 destination (40) before IPv4
 * (10). A name with one family resolves to it; curl -4/-6 ask for one family only.
 */
import { describe, expect, it } from 'vitest'
import { cluster, sh } from '../core/helpers.ts'

const yaml = `apiVersion: knet/v1alpha1
kind: Cluster
spec:
  ipFamilies: [IPv4, IPv6]
  podCIDR: 10.244.0.0/16,fd00:10:244::/56
  serviceCIDR: 10.96.0.0/12,fd00:10:96::/112
  nodes:
    - {name: control-plane, roles: [control-plane], ips: [192.168.1.10, "fd00:192:168:1::10"]}
    - {name: node-1, ips: [192.168.1.11, "fd00:192:168:1::11"]}
    - {name: node-2, ips: [192.168.1.12, "fd00:192:168:1::12"]}
---
apiVersion: v1
kind: Pod
metadata: {name: server, labels: {app: web}}
spec:
  containers: [{name: agnhost, image: registry.k8s.io/e2e-test-images/agnhost:2.53, args: [netexec, --http-port=8080], ports: [{containerPort: 8080, name: http}]}]
---
apiVersion: v1
kind: Pod
metadata: {name: client}
spec:
  containers: [{name: shell, image: nicolaka/netshoot:v0.13}]
---
apiVersion: v1
kind: Pod
metadata: {name: deb}
spec:
  containers: [{name: shell, image: "debian:12", command: [sleep, infinity]}]
---
apiVersion: v1
kind: Service
metadata: {name: both}
spec: {ipFamilyPolicy: PreferDualStack, selector: {app: web}, ports: [{port: 80, targetPort: http}]}
---
apiVersion: v1
kind: Service
metadata: {name: v4}
spec: {selector: {app: web}, ports: [{port: 80, targetPort: http}]}
---
apiVersion: v1
kind: Service
metadata: {name: v6}
spec: {ipFamilies: [IPv6], selector: {app: web}, ports: [{port: 80, targetPort: http}]}
`
const c = cluster(yaml)
const clientip = (args: string) => sh(c, `kubectl exec client -- curl -sS ${args}`)

describe('address family of a lookup', () => {
  it('both families: IPv4 (RFC 6724 ranks IPv4 above unique local IPv6)', () => {
    expect(clientip('http://both/clientip').stdout).toMatch(/^10\.244\.\d+\.\d+:\d+$/)
  })
  it('both families, a glibc client (Debian): IPv6, ULA included (RFC 3484\'s table ranks IPv4 lowest)', () => {
    expect(sh(c, 'kubectl exec deb -- curl -sS http://both/clientip').stdout).toMatch(/^\[fd00:10:244:[0-9a-f:]+\]:\d+$/)
    expect(sh(c, 'trace deb -> both:80').stdout).toMatch(/glibc resolver/)
  })
  it('-6 and -4 choose', () => {
    expect(clientip('-6 http://both/clientip').stdout).toMatch(/^\[fd00:10:244:[0-9a-f:]+\]:\d+$/)
    expect(clientip('-4 http://both/clientip').stdout).toMatch(/^10\.244\./)
  })
  it('a name with only AAAA resolves to it', () => {
    expect(clientip('http://v6/clientip').stdout).toMatch(/^\[fd00:10:244:/)
    const t = sh(c, 'trace client -> v6:80').stdout
    expect(t).toMatch(/v6\.default\.svc\.cluster\.local\. AAAA fd00:10:96::/)
    expect(t).toContain('result: delivered')
  })
  it('asking for a family the name lacks: "Could not resolve host"', () => {
    expect(clientip('-4 http://v6/')).toMatchObject({ exitCode: 6, stderr: 'curl: (6) Could not resolve host: v6\ncommand terminated with exit code 6\n' })
    expect(clientip('-6 http://v4/')).toMatchObject({ exitCode: 6, stderr: 'curl: (6) Could not resolve host: v4\ncommand terminated with exit code 6\n' })
  })
})

describe('global IPv6: musl ranks it above IPv4 too (precedence 40 against 35)', () => {
  const g = cluster(yaml.replace('fd00:10:244::/56', '2001:db8:244::/56').replace('fd00:10:96::/112', '2001:db8:96::/112').replaceAll('fd00:192:168:1::', '2001:db8:168:1::'))
  it('a musl client (netshoot) uses IPv6 when the name\'s IPv6 address is global', () => {
    expect(sh(g, 'kubectl exec client -- curl -sS http://both/clientip').stdout).toMatch(/^\[2001:db8:244:[0-9a-f:]+\]:\d+$/)
  })
})

