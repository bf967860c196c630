/**
 * What listens where, and what it answers. The simulator cannot run the
 * readers' images, so it infers a server from each container:
 *
 * - A Pod listens on the ports its containers and sidecars (init containers
 *   with restartPolicy Always) declare (containerPort and protocol) and, when the image is one it knows, on that image's usual
 *   port even when it is not declared (declaring a port is informational in
 *   Kubernetes: a process listens whether or not the spec says so):
 *
 *   | image                      | listens on              | answers as
 *   |----------------------------|-------------------------|---------------------------
 *   | nginx, nginxinc/*, *nginx* | 80/TCP                  | nginx (welcome page, 404)
 *   | httpd                      | 80/TCP                  | Apache httpd ("It works!")
 *   | agnhost (netexec)          | 8080/TCP, 8081/UDP      | agnhost netexec
 *   | agnhost serve-hostname     | 9376/TCP                | the Pod's hostname
 *   | redis                      | 6379/TCP                | not HTTP
 *   | postgres                   | 5432/TCP                | not HTTP
 *   | mysql, mariadb             | 3306/TCP                | not HTTP (sends a greeting)
 *   | coredns                    | 53/UDP+TCP, 8080, 8181, 9153 | DNS, health, ready, metrics
 *
 *   Any other image answers HTTP on its declared TCP ports like agnhost
 *   netexec (`NOW: <time>` on other paths).
 * - Every simulated HTTP server also answers agnhost netexec's /hostname
 *   (the Pod's hostname), /clientip (the client address and port it saw,
 *   `ip:port`) and /echo?msg=, so that readers can watch load balancing and
 *   SNAT with any image (a simplification: real nginx answers 404 there).
 * - A node listens on sshd 22, kubelet 10250 (HTTPS), kube-proxy's health
 *   server 10256 and every healthCheckNodePort; control-plane nodes also on
 *   the API server 6443 and etcd 2379; hostNetwork Pods add their ports.
 *   Some daemons bind loopback only: kubelet's healthz 127.0.0.1:10248
 *   (KubeletConfiguration healthzBindAddress/healthzPort), kube-proxy's
 *   metrics server 127.0.0.1:10249 (metricsBindAddress, with /proxyMode),
 *   and, as kubeadm runs them (--bind-address=127.0.0.1), the controller
 *   manager 10257 and the scheduler 10259; etcd's peer port 2380 is on the
 *   node address only (kubeadm's --listen-peer-urls). With flannel, flanneld's
 *   healthz server listens on 8081 (kube-flannel.yml v0.28.9's --healthz-port).
 */
import type { Cluster, Container, Node, Pod } from '../model/types.ts'
import { containerOf, runningContainers } from '../model/containers.ts'

export type App =
  | 'nginx'
  | 'httpd'
  | 'agnhost'
  | 'serve-hostname'
  | 'redis'
  | 'postgres'
  | 'mysql'
  | 'coredns'
  | 'coredns-health'
  | 'coredns-ready'
  | 'coredns-metrics'
  | 'ingress-nginx'
  | 'echo-basic'
  | 'generic'
  | 'sshd'
  | 'kubelet'
  | 'kube-proxy-health'
  | 'kube-proxy-metrics'
  | 'kubelet-healthz'
  | 'flanneld-healthz'
  | 'kube-apiserver'
  | 'etcd'
  | 'tls-component'

export interface Listener {
  proto: 'TCP' | 'UDP' | 'SCTP'
  port: number
  app: App
  /** the container that listens (Pods) */
  container?: string
  /** declared in the Pod spec, or inferred from the image */
  declared: boolean
}

/**
 * The image's name without registry, tag or digest.
 *
 * @example
 * imageName('registry.k8s.io/e2e-test-images/agnhost:2.53') // 'agnhost'
 */
export function imageName(image: string): string {
  const noDigest = image.replace(/@.*$/, '')
  const noTag = noDigest.replace(/:[^/]*$/, '')
  return noTag.slice(noTag.lastIndexOf('/') + 1).toLowerCase()
}

/** @example imageTag('nginx:1.27.5') // '1.27.5' */
export function imageTag(image: string): string {
  const noDigest = image.replace(/@.*$/, '')
  const m = /:([^/]*)$/.exec(noDigest)
  return m ? m[1] : 'latest'
}

function args(pod: Pod, c: Container): string[] {
  type Raw = { name?: string; args?: unknown; command?: unknown }
  const spec = (pod.raw as { spec?: { containers?: Raw[]; initContainers?: Raw[] } }).spec
  const list = (c.sidecar ? spec?.initContainers : spec?.containers) ?? []
  const raw = list.find((x) => x.name === c.name)
  const out: string[] = []
  for (const field of [raw?.command, raw?.args]) if (Array.isArray(field)) for (const a of field) if (typeof a === 'string') out.push(a)
  return out
}

function flagValue(list: string[], flag: string): number | undefined {
  for (let i = 0; i < list.length; i++) {
    const a = list[i]
    if (a === flag && list[i + 1] !== undefined) return Number(list[i + 1])
    if (a.startsWith(`${flag}=`)) return Number(a.slice(flag.length + 1))
  }
  return undefined
}

/**
 * agnhost netexec's /healthz: 200 once its UDP or SCTP server runs, 412 (Precondition Failed)
 * when neither is started (`--udp-port=-1` and no `--sctp-port`; netexec.go healthzHandler).
 *
 * @example
 * netexecHealthz(['netexec', '--udp-port=-1']) // 412
 */
export function netexecHealthz(argv: string[]): 200 | 412 {
  const udp = flagValue(argv, '--udp-port') ?? 8081
  const sctp = flagValue(argv, '--sctp-port') ?? -1
  return udp !== -1 || sctp !== -1 ? 200 : 412
}

/** What a Pod's container was started with (command, then args). */
export function containerArgs(pod: Pod, name: string | undefined): string[] {
  const c = name === undefined ? undefined : containerOf(pod, name)
  return c ? args(pod, c) : []
}

/** The app an image runs and the ports it listens on without being told. */
function imageDefaults(pod: Pod, c: Container): { app: App; ports: { proto: Listener['proto']; port: number; app?: App }[] } {
  return imageServes(c.image, args(pod, c))
}

/**
 * What a container of `image` run with `argv` (command, then args) serves, and the ports it
 * binds by itself: nothing for an image the simulator does not know.
 *
 * @example
 * imageServes('nginx:1.27', []).ports // [{ proto: 'TCP', port: 80 }]
 */
export function imageServes(image: string, argv: string[]): { app: App; ports: { proto: Listener['proto']; port: number; app?: App }[] } {
  const name = imageName(image)
  const full = image.toLowerCase()
  if (full.includes('ingress-nginx') || name === 'nginx-ingress-controller') return { app: 'ingress-nginx', ports: [{ proto: 'TCP', port: 80 }, { proto: 'TCP', port: 443 }] }
  if (name === 'nginx' || name.startsWith('nginx-') || name.endsWith('-nginx') || full.includes('nginxinc/')) return { app: 'nginx', ports: [{ proto: 'TCP', port: 80 }] }
  // the gateway-api conformance echo server (conformance/echo-basic: HTTP_PORT, default 3000)
  if (name === 'echo-basic') return { app: 'echo-basic', ports: [{ proto: 'TCP', port: 3000 }] }
  if (name === 'httpd') return { app: 'httpd', ports: [{ proto: 'TCP', port: 80 }] }
  if (name === 'agnhost') {
    const a = argv
    if (a.includes('serve-hostname')) return { app: 'serve-hostname', ports: [{ proto: 'TCP', port: flagValue(a, '--port') ?? 9376 }] }
    if (a.length && !a.includes('netexec')) return { app: 'agnhost', ports: [] }
    const http = flagValue(a, '--http-port') ?? 8080
    const udp = flagValue(a, '--udp-port') ?? 8081
    return { app: 'agnhost', ports: [{ proto: 'TCP', port: http }, ...(udp > 0 ? [{ proto: 'UDP' as const, port: udp }] : [])] }
  }
  if (name === 'redis' || name === 'valkey') return { app: 'redis', ports: [{ proto: 'TCP', port: 6379 }] }
  if (name === 'postgres' || name === 'postgresql') return { app: 'postgres', ports: [{ proto: 'TCP', port: 5432 }] }
  if (name === 'mysql' || name === 'mariadb') return { app: 'mysql', ports: [{ proto: 'TCP', port: 3306 }] }
  if (name === 'coredns') {
    return {
      app: 'coredns',
      ports: [
        { proto: 'UDP', port: 53 },
        { proto: 'TCP', port: 53 },
        { proto: 'TCP', port: 8080, app: 'coredns-health' },
        { proto: 'TCP', port: 8181, app: 'coredns-ready' },
        { proto: 'TCP', port: 9153, app: 'coredns-metrics' },
      ],
    }
  }
  return { app: 'generic', ports: [] }
}

const cache = new WeakMap<Pod, Listener[]>()

/**
 * Every socket a Pod listens on.
 *
 * @example
 * podListeners(nginxPod) // [{ proto: 'TCP', port: 80, app: 'nginx', container: 'nginx', declared: true }]
 */
export function podListeners(pod: Pod): Listener[] {
  const hit = cache.get(pod)
  if (hit) return hit
  const out: Listener[] = []
  const add = (l: Listener) => {
    if (!out.some((x) => x.proto === l.proto && x.port === l.port)) out.push(l)
  }
  // the app containers, then the sidecars (init containers with restartPolicy Always), which run
  // beside them (KEP-753); an ordinary init container has exited before the app starts
  const running = runningContainers(pod)
  for (const c of running) {
    const d = imageDefaults(pod, c)
    for (const p of c.ports) {
      const known = d.ports.find((x) => x.proto === p.protocol && x.port === p.containerPort)
      add({ proto: p.protocol, port: p.containerPort, app: known?.app ?? d.app, container: c.name, declared: true })
    }
  }
  for (const c of running) {
    const d = imageDefaults(pod, c)
    for (const p of d.ports) add({ proto: p.proto, port: p.port, app: p.app ?? d.app, container: c.name, declared: false })
  }
  cache.set(pod, out)
  return out
}

/** @example podListener(pod, 'TCP', 8080)?.app // 'agnhost' */
export function podListener(pod: Pod, proto: string, port: number): Listener | undefined {
  return podListeners(pod).find((l) => l.proto === proto && l.port === port)
}

/** The port a client would use by default to talk to a Pod: its first TCP listener, else 80. @example defaultPodPort(agnhostPod) // 8080 */
export function defaultPodPort(pod: Pod): number {
  return podListeners(pod).find((l) => l.proto === 'TCP')?.port ?? 80
}

/** `bind`: every address (default), loopback only, or the node's own address only. */
const NODE_PORTS: { port: number; app: App; controlPlane?: boolean; bind?: 'loopback' | 'node' }[] = [
  { port: 22, app: 'sshd' },
  { port: 10248, app: 'kubelet-healthz', bind: 'loopback' },
  { port: 10249, app: 'kube-proxy-metrics', bind: 'loopback' },
  { port: 10250, app: 'kubelet' },
  { port: 10256, app: 'kube-proxy-health' },
  { port: 6443, app: 'kube-apiserver', controlPlane: true },
  { port: 2379, app: 'etcd', controlPlane: true },
  { port: 2380, app: 'etcd', controlPlane: true, bind: 'node' },
  { port: 10257, app: 'tls-component', controlPlane: true, bind: 'loopback' },
  { port: 10259, app: 'tls-component', controlPlane: true, bind: 'loopback' },
]

/**
 * What listens on a node's own addresses (`address`, to tell loopback from
 * the rest): its daemons and its hostNetwork Pods.
 * (NodePorts and healthCheckNodePorts are kube-proxy's and handled by the trace.)
 *
 * @example
 * nodeListener(cluster, node, 'TCP', 10250)?.listener.app // 'kubelet'
 * nodeListener(cluster, node, 'TCP', 10249, '127.0.0.1')?.listener.app // 'kube-proxy-metrics'
 */
export function nodeListener(cluster: Cluster, node: Node, proto: string, port: number, address?: string): { listener: Listener; pod?: Pod } | undefined {
  const cp = node.roles.includes('control-plane')
  const loopback = address !== undefined && (address.startsWith('127.') || address === '::1')
  if (proto === 'TCP') {
    const noKubeProxy = !!cluster.config.kubeProxyReplacement
    const d = NODE_PORTS.find((x) => x.port === port && (!x.controlPlane || cp) && x.bind !== (loopback ? 'node' : 'loopback') && !(noKubeProxy && x.app.startsWith('kube-proxy')))
    if (d) return { listener: { proto: 'TCP', port, app: d.app, declared: false } }
    // flanneld's healthz server: kube-flannel.yml v0.28.9 runs it with --healthz-port=8081 on every address
    // (main.go mustRunHealthz); it comes before the DaemonSet Pod's declared port so that it answers as flanneld
    if (port === 8081 && cluster.config.cni === 'flannel') return { listener: { proto: 'TCP', port, app: 'flanneld-healthz', declared: false } }
  }
  for (const p of cluster.pods) {
    if (!p.hostNetwork || p.nodeName !== node.meta.name || p.phase !== 'Running') continue
    const l = podListener(p, proto, port)
    if (l) return { listener: l, pod: p }
  }
  return undefined
}
