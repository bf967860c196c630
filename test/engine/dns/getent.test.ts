/**
 * glibc's getent hosts (nss/getent.c): gethostbyname2 for IPv6 then IPv4 through `files dns`,
 * gethostbyaddr for an address, print_hosts' "%-15s %s aliases…" lines, exit 2 for a key not
 * found; where the program is, and where it is not.
 */
import { describe, expect, it } from 'vitest'
import { Session, runCommand } from '../../../engine/index.ts'
import { cluster, docs, sh } from '../core/helpers.ts'

const pod = (name: string, image: string) => `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}, labels: {app: ${name}}}\nspec: {nodeName: node-1, containers: [{name: c, image: "${image}", command: [sleep, infinity]}]}\n`
const c = cluster(docs(
  pod('deb', 'debian:12'), pod('bb', 'busybox:1.37'), pod('shoot', 'nicolaka/netshoot:v0.13'),
  'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {selector: {app: deb}, ports: [{port: 80}]}\n',
  'apiVersion: v1\nkind: Service\nmetadata: {name: ext}\nspec: {type: ExternalName, externalName: web.default.svc.cluster.local}\n',
))
const ip = (svc: string) => JSON.parse(sh(c, `kubectl get svc ${svc} -o json`).stdout).spec.clusterIP as string

describe('getent hosts', () => {
  it('a Service through the search list: its ClusterIP and the full name the search made', () => {
    expect(sh(c, 'kubectl exec deb -- getent hosts web').stdout).toBe(`${ip('web').padEnd(15)} web.default.svc.cluster.local\n`)
  })
  it('a CNAME (ExternalName) makes the asked name an alias of the canonical one', () => {
    expect(sh(c, 'kubectl exec deb -- getent hosts ext').stdout).toBe(`${ip('web').padEnd(15)} web.default.svc.cluster.local ext.default.svc.cluster.local\n`)
  })
  it('/etc/hosts comes first, and IPv6 before IPv4: localhost is ::1', () => {
    expect(sh(c, 'kubectl exec deb -- getent hosts localhost').stdout).toBe('::1             localhost ip6-localhost ip6-loopback\n')
    expect(sh(c, 'kubectl exec deb -- getent hosts deb').stdout).toMatch(/^10\.244\.1\.\d+ +deb\n$/)
  })
  it('an address is looked up backwards: the PTR CoreDNS gives a Service IP', () => {
    expect(sh(c, 'kubectl exec deb -- getent hosts 10.96.0.10').stdout).toBe('10.96.0.10      kube-dns.kube-system.svc.cluster.local\n')
  })
  it('a name not found prints nothing and exits 2; a node cannot resolve cluster names', () => {
    expect(sh(c, 'kubectl exec deb -- getent hosts nope')).toMatchObject({ exitCode: 2, stdout: '' })
    expect(sh(c, 'ssh node-1 getent hosts web.default.svc.cluster.local')).toMatchObject({ exitCode: 2, stdout: '' })
  })
  it('the IPv6 lookup goes first: AAAA queries for every candidate, then the A that answers', () => {
    const log = cluster(docs(pod('deb', 'debian:12'),
      'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {selector: {app: deb}, ports: [{port: 80}]}\n',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: coredns, namespace: kube-system}\ndata:\n  Corefile: |\n    .:53 {\n        log\n        kubernetes cluster.local in-addr.arpa ip6.arpa\n        forward . /etc/resolv.conf\n    }\n'), { allowErrors: true })
    // one run: the queries stay in it for CoreDNS's log (the two CoreDNS Pods share them)
    const run = new Session(log)
    expect(runCommand(log, 'kubectl exec deb -- getent hosts web', run).stdout).toContain('web.default.svc.cluster.local')
    const lines = runCommand(log, 'kubectl logs -n kube-system -l k8s-app=kube-dns --tail=-1', run).stdout.split('\n').filter((l) => l.includes('"AAAA IN') || l.includes('"A IN'))
    expect(lines.map((l) => /"(A|AAAA) IN (\S+)/.exec(l)!.slice(1).join(' ')).sort()).toEqual([
      'A web.default.svc.cluster.local.', 'AAAA web.', 'AAAA web.cluster.local.', 'AAAA web.default.svc.cluster.local.', 'AAAA web.svc.cluster.local.',
    ])
  })
})

describe('where getent is', () => {
  it('BusyBox has none; Alpine\'s is another program; the other databases are not simulated', () => {
    expect(sh(c, 'kubectl exec bb -- getent hosts web').stderr).toMatch(/exec: "getent": executable file not found in \$PATH: unknown\n$/)
    expect(sh(c, 'kubectl exec shoot -- getent hosts web').stderr).toMatch(/^knet: this image's getent/)
    expect(sh(c, 'kubectl exec deb -- getent ahosts web').stderr).toMatch(/^knet: getent ahosts is not simulated here \(getent hosts is\)\n/)
    expect(sh(c, 'kubectl exec deb -- getent nonsense x').stderr).toMatch(/^Unknown database: nonsense\n/)
  })
})
