/**
 * kubectl port-forward [-n NS] POD|TYPE/NAME [LOCAL:]REMOTE … [--address ADDR,…]
 * (kubectl pkg/cmd/portforward/portforward.go; client-go tools/portforward).
 *
 * kubectl picks one Pod (for svc/NAME, the first Pod the Service selects; the Service port
 * becomes the container port its targetPort names), listens on the workstation, and sends
 * each connection through the API server and kubelet into the Pod's network namespace, to
 * localhost:REMOTE there. It prints a "Forwarding from ADDR:LOCAL -> REMOTE" line per port
 * and per address (127.0.0.1 and [::1] by default) and then runs until interrupted.
 *
 * The simulator keeps nothing running between command lines: it checks what kubectl checks
 * and prints those lines, and the forward ends with the command. A later
 * `curl localhost:LOCAL` on the workstation is refused, as after Ctrl-C.
 */
import type { Cluster, Pod, Service } from '../model/types.ts'
import type { Output } from '../shell/types.ts'
import { fail, ok } from '../shell/types.ts'
import { hashOf } from '../trace/choice.ts'
import { resolvePodRef } from './resolve.ts'

const USAGE = "error: TYPE/NAME and list of ports are required for port-forward\nSee 'kubectl port-forward -h' for help and examples"

/** pkg/util: LookupContainerPortNumberByName */
// kubectl/pkg/util/service_port.go lookupContainerPortNumberByName: spec.containers only, so a
// sidecar's named port is not found (its number works: the Pod has one network namespace)
function containerPortByName(pod: Pod, name: string): number | { error: string } {
  for (const c of pod.containers) for (const p of c.ports) if (p.name === name) return p.containerPort
  return { error: `error: Pod '${pod.meta.name}' does not have a named port '${name}'` }
}

/** pkg/util: LookupContainerPortNumberByServicePort */
function containerPortForService(svc: Service, pod: Pod, port: number): number | { error: string } {
  const sp = svc.ports.find((p) => p.port === port)
  if (!sp) return { error: `error: Service ${svc.meta.name} does not have a service port ${port}` }
  if (svc.headless) return port
  if (typeof sp.targetPort === 'number') return sp.targetPort === 0 ? sp.port : sp.targetPort
  return containerPortByName(pod, sp.targetPort)
}

export function kubectlPortForward(cluster: Cluster, args: string[]): Output {
  let namespace = 'default'
  let addresses = ['localhost']
  const positional: string[] = []
  for (let i = 0; i < args.length; i++) {
    const a = args[i]
    if (a === '-n' || a === '--namespace') namespace = args[++i] ?? ''
    else if (a.startsWith('--namespace=')) namespace = a.slice(12)
    else if (a === '--address') addresses = (args[++i] ?? '').split(',')
    else if (a.startsWith('--address=')) addresses = a.slice(10).split(',')
    else if (a.startsWith('--pod-running-timeout')) {
      if (!a.includes('=')) i++
    } else if (a.startsWith('-') && a !== '-') return fail(`error: unknown flag: ${a}\nSee 'kubectl port-forward --help' for usage.`)
    else positional.push(a)
  }
  if (positional.length < 2) return fail(USAGE)
  const [ref, ...ports] = positional
  const found = resolvePodRef(cluster, namespace, ref)
  if ('error' in found) return fail(found.error)
  const pod = found.pod
  const slash = ref.indexOf('/')
  const svc = slash > 0 && ['svc', 'service', 'services'].includes(ref.slice(0, slash)) ? cluster.index.service.get(`${namespace}/${ref.slice(slash + 1)}`) : undefined

  const pairs: { local: number; remote: number }[] = []
  for (const spec of ports) {
    const colon = spec.indexOf(':')
    const localText = colon < 0 ? spec : spec.slice(0, colon)
    const remoteText = colon < 0 ? spec : spec.slice(colon + 1)
    if (remoteText === '') return fail('error: remote port cannot be empty')
    let remote: number
    if (/^\d+$/.test(remoteText)) {
      remote = Number(remoteText)
      if (svc) {
        const r = containerPortForService(svc, pod, remote)
        if (typeof r !== 'number') return fail(r.error)
        remote = r
      }
    } else {
      // a name: a Service's port name for svc/NAME, else the container port's name
      if (svc) {
        const sp = svc.ports.find((p) => p.name === remoteText)
        if (!sp) return fail(`error: Service '${svc.meta.name}' does not have a named port '${remoteText}'`)
        const r = containerPortForService(svc, pod, sp.port)
        if (typeof r !== 'number') return fail(r.error)
        remote = r
      } else {
        const r = containerPortByName(pod, remoteText)
        if (typeof r !== 'number') return fail(r.error)
        remote = r
      }
    }
    if (remote < 1 || remote > 65535) return fail(`error: Error parsing remote port '${remoteText}': port must be in the range 1-65535`)
    let local: number
    if (localText === '' || localText === '0') {
      // port 0: the workstation's kernel picks a free port from its ephemeral range (32768-60999)
      local = 32768 + (hashOf('port-forward', pod.meta.name, remote) % (60999 - 32768 + 1))
    } else if (/^\d+$/.test(localText) && Number(localText) <= 65535) local = Number(localText)
    else return fail(`error: Error parsing local port '${localText}': strconv.ParseUint: parsing "${localText}": invalid syntax`)
    pairs.push({ local, remote })
  }
  if (pod.phase !== 'Running') return fail(`error: unable to forward port because pod is not running. Current status=${pod.phase}`)

  const hosts: string[] = []
  for (const a of addresses) {
    if (a === 'localhost') hosts.push('127.0.0.1', '[::1]')
    else hosts.push(a.includes(':') ? `[${a}]` : a)
  }
  let out = ''
  for (const p of pairs) for (const h of hosts) out += `Forwarding from ${h}:${p.local} -> ${p.remote}\n`
  return ok(out, { pod: `${pod.meta.namespace}/${pod.meta.name}`, ports: pairs })
}
