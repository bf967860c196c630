/**
 * kubectl cluster-info (pkg/cmd/clusterinfo): the API server kubectl talks to, then every
 * Service labelled kubernetes.io/cluster-service=true in kube-system (or -n) through the API
 * server's proxy, named by its kubernetes.io/name label. The server is kubeadm's
 * admin.conf endpoint: the first control plane's address on 6443 (no controlPlaneEndpoint).
 */
import type { Cluster } from '../model/types.ts'
import type { Output } from '../shell/types.ts'
import { fail, ok } from '../shell/types.ts'
import { ipFamilyOf } from '../net/ip.ts'

export function kubectlClusterInfo(cluster: Cluster, argv: string[]): Output {
  let namespace = 'kube-system'
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === 'dump') return fail('error: kubectl cluster-info dump is not simulated here')
    if (a === '-n' || a === '--namespace') namespace = argv[++i] ?? namespace
    else if (a.startsWith('--namespace=')) namespace = a.slice(12)
    else if (a.startsWith('-n') && a.length > 2) namespace = a.slice(2)
    else return fail(a.startsWith('-') ? `error: unknown flag: ${a}\nSee 'kubectl cluster-info --help' for usage.` : `error: unknown command "${a}" for "kubectl cluster-info"`)
  }
  const ip = cluster.nodes.find((n) => n.roles.includes('control-plane'))?.internalIPs[0] ?? cluster.nodes[0]?.internalIPs[0]
  const host = `https://${ipFamilyOf(ip ?? '') === 'IPv6' ? `[${ip}]` : ip}:6443`
  let out = `Kubernetes control plane is running at ${host}\n`
  for (const s of cluster.services) {
    if (s.meta.namespace !== namespace || s.meta.labels['kubernetes.io/cluster-service'] !== 'true') continue
    let link: string
    if (s.loadBalancerIngress.length) {
      // one http:// link per port, each followed by a space
      const ing = s.loadBalancerIngress[0]
      link = s.ports.map((p) => `http://${ing.ip || ing.hostname || ''}:${p.port} `).join('')
    } else {
      const port = s.ports[0]
      // utilnet.JoinSchemeNamePort, with clusterinfo.go's guess at https
      const scheme = port && (port.name === 'https' || port.port === 443) ? 'https' : ''
      const name = !port ? s.meta.name : scheme ? `${scheme}:${s.meta.name}:${port.name ?? ''}` : port.name ? `${s.meta.name}:${port.name}` : s.meta.name
      link = `${host}/api/v1/namespaces/${s.meta.namespace}/services/${name}/proxy`
    }
    out += `${s.meta.labels['kubernetes.io/name'] || s.meta.name} is running at ${link}\n`
  }
  return ok(`${out}\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n`)
}

/**
 * kubectl top (pkg/cmd/top): kubeadm installs no metrics-server, so the metrics.k8s.io group is
 * not served and kubectl stops before asking for anything (top_pod.go, top_node.go).
 */
export function kubectlTop(argv: string[]): Output {
  const what = argv.find((a) => !a.startsWith('-'))
  if (!what) return fail('knet: kubectl top alone prints its help, which is not simulated here; try kubectl top pod or kubectl top node')
  if (!['pod', 'pods', 'po', 'node', 'nodes', 'no'].includes(what)) return fail(`error: unknown command "${what}" for "kubectl top"`)
  return fail('error: Metrics API not available')
}
