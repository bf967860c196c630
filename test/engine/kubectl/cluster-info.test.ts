/**
 * kubectl cluster-info (pkg/cmd/clusterinfo) and kubectl top (pkg/cmd/top) on a kubeadm cluster:
 * the API server and the cluster-service Services through its proxy; no metrics-server, so no
 * Metrics API.
 */
import { describe, expect, it } from 'vitest'
import { cluster, sh } from '../core/helpers.ts'

describe('kubectl cluster-info', () => {
  it('names the API server and CoreDNS through the API server\'s proxy (port name dns)', () => {
    expect(sh(cluster(''), 'kubectl cluster-info')).toMatchObject({
      exitCode: 0,
      stdout: "Kubernetes control plane is running at https://192.168.1.10:6443\nCoreDNS is running at https://192.168.1.10:6443/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy\n\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n",
    })
  })
  it('lists a reader\'s cluster-service in its namespace, guessing https from port 443', () => {
    const c = cluster('apiVersion: v1\nkind: Service\nmetadata: {name: dash, namespace: tools, labels: {kubernetes.io/cluster-service: "true"}}\nspec: {selector: {app: dash}, ports: [{port: 443}]}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: tools}\n', { allowErrors: true })
    expect(sh(c, 'kubectl cluster-info -n tools').stdout).toContain('dash is running at https://192.168.1.10:6443/api/v1/namespaces/tools/services/https:dash:/proxy\n')
  })
})

describe('kubectl top', () => {
  it('has no Metrics API to ask: kubeadm installs no metrics-server', () => {
    expect(sh(cluster(''), 'kubectl top pods -A')).toMatchObject({ exitCode: 1, stderr: 'error: Metrics API not available\n' })
    expect(sh(cluster(''), 'kubectl top node').stderr).toBe('error: Metrics API not available\n')
  })
})
