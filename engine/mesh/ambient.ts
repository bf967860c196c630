/**
 * Istio's ambient data path, hop by hop, on the engine's real Pods and path.
 *
 * Redirection is in-Pod (istio.io docs/ambient/architecture/traffic-redirection): the istio-cni
 * node agent writes rules inside each ambient Pod's network namespace, and the node's ztunnel
 * opens its listeners there (15001 outbound, 15006 inbound plaintext, 15008 inbound HBONE;
 * istio/ztunnel ARCHITECTURE.md). Outbound: nat OUTPUT → ISTIO_OUTPUT,
 * `! -d 127.0.0.1/32 -p tcp -m mark ! --mark 0x539/0xfff -j REDIRECT --to-ports 15001`
 * (0x539 = 1337, ztunnel's own mark). ztunnel opens HBONE, HTTP/2 CONNECT over mutual TLS, to
 * port 15008 of the destination Pod (istio.io docs/ambient/architecture/hbone); its socket
 * lives in the client Pod's namespace, so it leaves from the Pod's address. Inbound: mangle
 * PREROUTING → ISTIO_PRERT, `-p tcp -m tcp --dport 15008 -m mark ! --mark 0x539/0xfff -j TPROXY
 * --on-port 15008 --on-ip 0.0.0.0 --tproxy-mark 0x111/0xfff` hands it to ztunnel's socket
 * without rewriting it; ztunnel ends the tunnel and connects to the application from the
 * tunnel's source address (a transparent socket: ztunnel src/proxy/inbound.rs,
 * enable_original_source): the client Pod's, or the waypoint's when one forwarded it.
 * A waypoint (an Envoy Deployment, for layer 7) receives HBONE on
 * 15008 too; ztunnel sends a Service's traffic there with the Service as the CONNECT target,
 * and the waypoint picks the endpoint (istio.io docs/ambient/architecture/data-plane).
 */
import type { Pod } from '../model/types.ts'
import type { Hop, Tuple } from '../trace/types.ts'
import { spiffeId } from './identity.ts'
import { traceLeg } from './leg.ts'
import { HBONE, ZTUNNEL_OUTBOUND } from './ports.ts'
import type { MeshPath, MeshTraceInput } from './hops.ts'
import { appConnection, hostPort, meshHop, podAt, proxyPort, sameFamily, tuple } from './hops.ts'

function ztunnelAt(p: Pod, way: 'outbound' | 'inbound'): string {
  return `${p.nodeName} ztunnel (${way}, in ${p.meta.namespace}/${p.meta.name}'s netns)`
}

/** The TPROXY rule and ztunnel's inbound side in the destination Pod. */
function inbound(dest: Pod, hbone: Tuple, app: { ip: string; port: number }, source: string, seed: number, peer: string, sameNodeAs?: Pod): Hop[] {
  const sport = proxyPort(source, app.ip, app.port, seed, 4)
  const plain = tuple(source, sport, app.ip, app.port)
  return [
    meshHop({
      at: `${podAt(dest)} mangle PREROUTING`,
      node: dest.nodeName,
      handler: 'iptables',
      rule: `-A ISTIO_PRERT -p tcp -m tcp --dport ${HBONE} -m mark ! --mark 0x539/0xfff -j TPROXY --on-port ${HBONE} --on-ip ${hbone.dst.includes(':') ? '::' : '0.0.0.0'} --tproxy-mark 0x111/0xfff`,
      before: hbone,
      after: hbone,
      note: `ISTIO_PRERT hands HBONE to ztunnel's socket on ${HBONE} in this Pod's namespace; TPROXY does not rewrite the packet`,
    }),
    meshHop({
      at: ztunnelAt(dest, 'inbound'),
      node: dest.nodeName,
      handler: 'ztunnel',
      before: hbone,
      after: plain,
      rewriteNote: 'the tunnel ends; a plaintext connection to the application, from the tunnel\'s source address',
      note: `ztunnel ends the mutual TLS, checks the peer ${peer} against the AuthorizationPolicies, and connects to ${hostPort(app.ip, app.port)} from the tunnel's source address, ${source} (a transparent socket)${sameNodeAs ? `; the same ztunnel process on ${dest.nodeName} held the client's end too, in ${sameNodeAs.meta.namespace}/${sameNodeAs.meta.name}'s namespace` : ''}`,
    }),
    meshHop({
      at: podAt(dest),
      node: dest.nodeName,
      handler: 'server',
      before: plain,
      after: plain,
      note: `the application accepts on port ${app.port}, in plaintext; it sees the client as ${hostPort(source, sport)}`,
    }),
  ]
}

export function ambientHops(input: MeshTraceInput): MeshPath {
  const { cluster, client: c, server: s, seed, waypoint: w } = input
  const { app, endpoint: ep, loopback, viaService, clientId: idC, serverId: idS } = appConnection(input)
  const v6 = app.src.includes(':')
  const hops: Hop[] = []
  const notes = [
    `identities come from the Pods' service accounts: ${c.meta.name} runs as ${idC}, ${s.meta.name} as ${idS} (trust domain cluster.local, Istio's default)`,
    `HBONE uses TCP ${HBONE}: a NetworkPolicy that admits only the application's port would drop it`,
    'drawn as if both Pods were in the mesh (their namespace labelled istio.io/dataplane-mode=ambient)',
  ]
  const redirected = tuple(app.src, app.sport, loopback, ZTUNNEL_OUTBOUND)
  hops.push(
    meshHop({
      at: `${podAt(c)} nat OUTPUT`,
      node: c.nodeName,
      handler: 'iptables',
      rule: `-A ISTIO_OUTPUT ! -d ${v6 ? '::1/128' : '127.0.0.1/32'} -p tcp -m mark ! --mark 0x539/0xfff -j REDIRECT --to-ports ${ZTUNNEL_OUTBOUND}`,
      before: app,
      after: redirected,
      rewriteNote: `destination rewritten to ${loopback} (REDIRECT: a DNAT to the Pod itself)`,
      note: `the istio-cni node agent wrote these rules inside the Pod's namespace when the Pod joined the mesh; ztunnel on ${c.nodeName} listens on ${ZTUNNEL_OUTBOUND} there. No sidecar: the Pod has only its own containers`,
    }),
  )
  // where ztunnel sends the tunnel: the waypoint, or the endpoint's Pod
  const wIP = w ? sameFamily(w, app.src) : undefined
  if (w && !wIP) return { hops, result: 'dropped', reason: `the waypoint ${w.meta.namespace}/${w.meta.name} has no ${app.src.includes(':') ? 'IPv6' : 'IPv4'} address`, notes }
  const first = w ? { pod: w, ip: wIP! } : { pod: s, ip: ep.ip }
  const sport2 = proxyPort(app.src, first.ip, HBONE, seed, 3)
  const hbone1 = tuple(app.src, sport2, first.ip, HBONE)
  const connectTo = w && viaService ? hostPort(app.dst, app.dport) : hostPort(ep.ip, ep.port)
  hops.push(
    meshHop({
      at: ztunnelAt(c, 'outbound'),
      node: c.nodeName,
      handler: 'ztunnel',
      before: redirected,
      after: hbone1,
      rewriteNote: `a new connection from the Pod's address (ztunnel's socket is in the Pod's namespace): HBONE to ${w ? 'the waypoint' : 'the server Pod'}`,
      note: w
        ? `ztunnel finds a waypoint for the destination and sends the connection there: HBONE (HTTP/2 CONNECT ${connectTo} over mutual TLS) to ${w.meta.namespace}/${w.meta.name} on ${HBONE}`
        : `${viaService ? `ztunnel picks an endpoint of the Service itself (drawn with the one the trace chose, ${hostPort(ep.ip, ep.port)}) and` : 'ztunnel'} opens HBONE to the server Pod: mutual TLS to port ${HBONE}, then HTTP/2 CONNECT ${connectTo}. kube-proxy's Service rules do not see it`,
      detail: [`mutual TLS: ztunnel presents ${idC} (it holds a certificate for each Pod of its node)${w ? '' : ` and accepts only ${idS}`}`, `CONNECT ${connectTo} HTTP/2`],
    }),
  )
  const leg1 = traceLeg(cluster, c, first.pod, first.ip, HBONE, sport2)
  hops.push(...leg1.hops)
  if (leg1.stopped) return { hops, result: leg1.stopped.result, reason: `the HBONE connection: ${leg1.stopped.reason}`, notes }
  let last = hbone1
  let peer = idC
  // the server's ztunnel connects to the application from the tunnel's source address (a transparent socket)
  let source = app.src
  if (w) {
    const idW = spiffeId(w)
    const sport3 = proxyPort(first.ip, ep.ip, HBONE, seed, 5)
    const hbone2 = tuple(first.ip, sport3, ep.ip, HBONE)
    hops.push(
      meshHop({
        at: `${podAt(w)} waypoint :${HBONE}`,
        node: w.nodeName,
        handler: 'waypoint',
        before: hbone1,
        after: hbone2,
        rewriteNote: 'the tunnel ends at the waypoint; a new HBONE connection to the server Pod',
        note: `the waypoint (Envoy) ends the tunnel and applies layer 7: HTTP routes and weights, retries, timeouts, request-level AuthorizationPolicies; then it picks the endpoint (drawn: ${hostPort(ep.ip, ep.port)}) and opens HBONE to its Pod as itself`,
        detail: [`peer identity: ${idC}; the waypoint presents ${idW}`, `CONNECT ${hostPort(ep.ip, ep.port)} HTTP/2`],
      }),
    )
    const leg2 = traceLeg(cluster, w, s, ep.ip, HBONE, sport3)
    hops.push(...leg2.hops)
    if (leg2.stopped) return { hops, result: leg2.stopped.result, reason: `the waypoint's HBONE connection: ${leg2.stopped.reason}`, notes }
    last = hbone2
    peer = idW
    notes.push(`the waypoint ${w.meta.namespace}/${w.meta.name} stands for the Envoy Deployment Istio would run for the namespace`)
    // the server's ztunnel binds to the source of the tunnel it received, here the waypoint's (ztunnel src/proxy/inbound.rs)
    notes.push(`the server's ztunnel keeps the source of the tunnel it received, so the application sees the waypoint's address, ${first.ip}, not the client's`)
    source = first.ip
  }
  const sameNode = !w && c.nodeName === s.nodeName ? c : undefined
  hops.push(...inbound(s, last, { ip: ep.ip, port: ep.port }, source, seed, peer, sameNode))
  const sport4 = hops[hops.length - 1].before.sport
  if (sameNode) notes.push(`client and server are both on ${s.nodeName}: one ztunnel holds both ends, and the HBONE connection still goes from one Pod's namespace to the other`)
  return { hops, result: 'delivered', reason: `delivered through ${w ? 'ztunnel, the waypoint and ztunnel' : c.nodeName === s.nodeName ? `${c.nodeName}'s ztunnel` : `the ztunnels of ${c.nodeName} and ${s.nodeName}`} over HBONE`, seenFrom: { ip: source, port: sport4 }, notes }
}
