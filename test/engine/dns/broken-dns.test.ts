/**
 * DNS failures the Troubleshooting chapter teaches: CoreDNS scaled to zero (the reader's own
 * Deployment kube-system/coredns replaces kubeadm's), and a lookup dropped by an egress policy,
 * as curl (lib/hostip.c: "Resolving timed out after N milliseconds", exit 28; "Could not
 * resolve host", exit 6) and BusyBox wget ("bad address") report it.
 */
import { describe, expect, it } from 'vitest'
import { cluster, deployment, docs, service, sh } from '../core/helpers.ts'

const corednsDeployment = (replicas: number) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: coredns, namespace: kube-system}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {k8s-app: kube-dns}}
  template:
    metadata: {labels: {k8s-app: kube-dns}}
    spec:
      containers:
      - {name: coredns, image: registry.k8s.io/coredns/coredns:v1.12.1}
`
const client = (labels = '{app: client}') => `apiVersion: v1
kind: Pod
metadata: {name: client, labels: ${labels}}
spec:
  containers: [{name: shell, image: nicolaka/netshoot:v0.13}]
`
const base = [deployment('web', 2, { app: 'web' }), service('web', { app: 'web' }), client()]

describe('CoreDNS replaced by the reader\'s Deployment', () => {
  it('replicas: 0 leaves kube-dns without endpoints: queries are refused, every name fails', () => {
    const c = cluster(docs(...base, corednsDeployment(0)))
    expect(sh(c, 'kubectl get deploy coredns -n kube-system').stdout).toMatch(/coredns\s+0\/0\s+0\s+0/)
    expect(sh(c, 'kubectl get pods -n kube-system -l k8s-app=kube-dns').stderr).toContain('No resources found')
    const ns = sh(c, 'kubectl exec client -- nslookup web')
    expect(ns.stdout).toContain(';; communications error to 10.96.0.10#53: connection refused')
    expect(ns.exitCode).not.toBe(0)
    const curl = sh(c, 'kubectl exec client -- curl -sS --max-time 5 http://web/')
    expect(curl.exitCode).toBe(28)
    expect(curl.stderr).toBe('curl: (28) Resolving timed out after 5002 milliseconds\ncommand terminated with exit code 28\n')
  })
  it('replicas: 2 brings two CoreDNS Pods of its own, and names resolve again', () => {
    const c = cluster(docs(...base, corednsDeployment(2)))
    expect(sh(c, 'kubectl get pods -n kube-system -l k8s-app=kube-dns').stdout.trim().split('\n')).toHaveLength(3)
    expect(sh(c, 'kubectl exec client -- curl -sS http://web/hostname').exitCode).toBe(0)
  })
  it('without one, kubeadm\'s two replicas run', () => {
    const c = cluster(docs(...base))
    const pods = sh(c, 'kubectl get pods -n kube-system -l k8s-app=kube-dns').stdout.trim().split('\n').slice(1)
    expect(pods).toHaveLength(2)
    expect(pods.every((l) => l.startsWith('coredns-'))).toBe(true)
  })
})

describe('a lookup dropped by an egress policy', () => {
  const policy = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: client-egress}
spec:
  podSelector: {matchLabels: {app: client}}
  policyTypes: [Egress]
  egress:
  - to: [{podSelector: {matchLabels: {app: web}}}]
    ports: [{port: 80}]
`
  const c = cluster(docs('apiVersion: knet/v1alpha1\nkind: Cluster\nspec: {cni: calico}', ...base, policy))
  it('curl with a time limit: "Resolving timed out", exit 28', () => {
    const r = sh(c, 'kubectl exec client -- curl -sS --max-time 3 http://web/')
    expect(r).toMatchObject({ exitCode: 28, stderr: 'curl: (28) Resolving timed out after 3002 milliseconds\ncommand terminated with exit code 28\n' })
  })
  it('curl without one: the resolver gives up, "Could not resolve host", exit 6', () => {
    const r = sh(c, 'kubectl exec client -- curl -sS http://web/')
    expect(r).toMatchObject({ exitCode: 6, stderr: 'curl: (6) Could not resolve host: web\ncommand terminated with exit code 6\n' })
  })
  it('BusyBox wget: "bad address"', () => {
    expect(sh(c, 'kubectl exec client -- wget -qO- http://web/').stderr).toBe("wget: bad address 'web'\ncommand terminated with exit code 1\n")
  })
  it('by address the connection still goes through', () => {
    const svc = sh(c, 'kubectl get svc web').stdout.split('\n')[1].split(/\s+/)[2]
    expect(sh(c, `kubectl exec client -- curl -sS --max-time 3 http://${svc}/hostname`).exitCode).toBe(0)
  })
})
