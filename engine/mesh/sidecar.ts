/**
 * Istio's sidecar data path, hop by hop, on the engine's real Pods and path.
 *
 * Outbound, in the client Pod (tools/istio-iptables, pkg/capture/run.go): nat OUTPUT sends TCP
 * to ISTIO_OUTPUT, which lets the proxy's own traffic (--uid-owner 1337), 127.0.0.6 on lo and
 * 127.0.0.1 go, and sends the rest to ISTIO_REDIRECT: `-p tcp -j REDIRECT --to-ports 15001`.
 * A REDIRECT in OUTPUT rewrites the destination to 127.0.0.1 (::1), iptables-extensions(8).
 * Envoy reads the original destination (SO_ORIGINAL_DST), picks an endpoint of the Service
 * from what istiod sends it (EDS, built from the EndpointSlices) and opens its own connection,
 * with Istio mutual TLS, to the endpoint's Pod address and target port.
 * Inbound, in the server Pod: nat PREROUTING sends TCP to ISTIO_INBOUND, which skips Istio's own
 * ports (15008, 15090, 15021, 15020) and sends the rest to ISTIO_IN_REDIRECT:
 * `-p tcp -j REDIRECT --to-ports 15006`. Envoy ends the TLS and, since Istio 1.10 ("Upcoming
 * networking changes in Istio 1.10", istio.io blog, 2021), connects to the application on the
 * Pod's own address from 127.0.0.6 (InboundPassthroughBindIpv4); ISTIO_OUTPUT lets that out
 * (`-s 127.0.0.6/32 -o lo -j RETURN`).
 */
import { traceLeg } from './leg.ts'
import { INBOUND_PASSTHROUGH_V4, INBOUND_PASSTHROUGH_V6, PROXY_UID, SIDECAR_INBOUND, SIDECAR_OUTBOUND } from './ports.ts'
import type { Hop } from '../trace/types.ts'
import type { MeshPath, MeshTraceInput } from './hops.ts'
import { appConnection, hostPort, meshHop, podAt, proxyPort, tuple } from './hops.ts'

export function sidecarHops(input: MeshTraceInput): MeshPath {
  const { cluster, client: c, server: s, seed } = input
  const { app, endpoint: ep, loopback, viaService, clientId: idC, serverId: idS } = appConnection(input)
  const v6 = app.src.includes(':')
  const hops: Hop[] = []
  const redirected = tuple(app.src, app.sport, loopback, SIDECAR_OUTBOUND)
  hops.push(
    meshHop({
      at: `${podAt(c)} nat OUTPUT`,
      node: c.nodeName,
      handler: 'iptables',
      rule: `-A ISTIO_REDIRECT -p tcp -j REDIRECT --to-ports ${SIDECAR_OUTBOUND}`,
      before: app,
      after: redirected,
      rewriteNote: `destination rewritten to ${loopback} (REDIRECT: a DNAT to the Pod itself)`,
      note: `the Pod's own nat OUTPUT (written by istio-init or the Istio CNI plugin) sends TCP to ISTIO_OUTPUT; it is not from the proxy (UID ${PROXY_UID}) nor to ${loopback}, so ISTIO_REDIRECT sends it to Envoy's outbound port. The packet never leaves the Pod`,
    }),
  )
  const sport2 = proxyPort(app.src, ep.ip, ep.port, seed, 1)
  const upstream = tuple(app.src, sport2, ep.ip, ep.port)
  hops.push(
    meshHop({
      at: `${podAt(c)} istio-proxy :${SIDECAR_OUTBOUND}`,
      node: c.nodeName,
      handler: 'envoy',
      before: redirected,
      after: upstream,
      rewriteNote: 'a new connection, Envoy\'s own (the application\'s ends here)',
      note: viaService
        ? `Envoy reads the original destination ${hostPort(app.dst, app.dport)} (SO_ORIGINAL_DST), matches it to the Service, and picks an endpoint itself from the EndpointSlices istiod sends it; drawn with the one the trace chose, ${hostPort(ep.ip, ep.port)} (${ep.pod}). Its connection goes to the Pod's address, so kube-proxy's Service rules on the node do not touch it`
        : `Envoy reads the original destination ${hostPort(app.dst, app.dport)} (SO_ORIGINAL_DST), a Pod address, and opens its own connection to it`,
      detail: [`mutual TLS: Envoy presents ${idC} and accepts only ${idS}`],
    }),
  )
  const leg = traceLeg(cluster, c, s, ep.ip, ep.port, sport2)
  hops.push(...leg.hops)
  const notes = [
    `identities come from the Pods' service accounts: ${c.meta.name} runs as ${idC}, ${s.meta.name} as ${idS} (trust domain cluster.local, Istio's default)`,
    viaService ? 'Envoy balances per request (LEAST_REQUEST by default), so its choice may differ from the endpoint drawn here, which is the one kube-proxy\'s rules picked in the trace' : '',
    'only TCP is redirected; UDP (DNS included) leaves the Pod as it would without the mesh',
    'drawn as if both Pods were in the mesh (their namespace labelled istio-injection=enabled, so each has an istio-proxy container)',
  ].filter(Boolean)
  if (leg.stopped) return { hops, result: leg.stopped.result, reason: `Envoy's connection: ${leg.stopped.reason}`, notes }
  const atS = tuple(app.src, sport2, ep.ip, SIDECAR_INBOUND)
  hops.push(
    meshHop({
      at: `${podAt(s)} nat PREROUTING`,
      node: s.nodeName,
      handler: 'iptables',
      rule: `-A ISTIO_IN_REDIRECT -p tcp -j REDIRECT --to-ports ${SIDECAR_INBOUND}`,
      before: upstream,
      after: atS,
      rewriteNote: 'destination port rewritten (REDIRECT)',
      note: `ISTIO_INBOUND lets Istio's own ports through and sends every other TCP connection to ISTIO_IN_REDIRECT: the connection lands on the server's Envoy, not on port ${ep.port}`,
    }),
  )
  const passthrough = v6 ? INBOUND_PASSTHROUGH_V6 : INBOUND_PASSTHROUGH_V4
  const sport3 = proxyPort(passthrough, ep.ip, ep.port, seed, 2)
  const local = tuple(passthrough, sport3, ep.ip, ep.port)
  hops.push(
    meshHop({
      at: `${podAt(s)} istio-proxy :${SIDECAR_INBOUND}`,
      node: s.nodeName,
      handler: 'envoy',
      before: atS,
      after: local,
      rewriteNote: 'a new plaintext connection to the application, over lo',
      note: `Envoy ends the mutual TLS, checks the client's identity against the AuthorizationPolicies, and connects to the application on the Pod's address from ${passthrough} (Istio 1.10 and later); ISTIO_OUTPUT lets ${passthrough} on lo through`,
      detail: [`peer identity: ${idC}`],
    }),
  )
  hops.push(
    meshHop({
      at: podAt(s),
      node: s.nodeName,
      handler: 'server',
      before: local,
      after: local,
      note: `the application accepts on port ${ep.port}, in plaintext; it sees the client as ${hostPort(passthrough, sport3)}, not ${app.src} (the sidecar's TPROXY interception mode would keep the client's address)`,
    }),
  )
  return { hops, result: 'delivered', reason: 'delivered through two Envoys, with mutual TLS between them', seenFrom: { ip: passthrough, port: sport3 }, notes }
}
