/**
 * Istio's well-known ports and marks, each with where it is defined.
 */

/** Envoy's outbound capture port in a sidecar Pod (tools/istio-iptables: ProxyPort, -p default) */
export const SIDECAR_OUTBOUND = 15001
/** Envoy's inbound capture port in a sidecar Pod (tools/istio-iptables: InboundInterceptionPort, -z default) */
export const SIDECAR_INBOUND = 15006
/** the UID the sidecar proxy runs as; ISTIO_OUTPUT lets its own traffic out (-u default, istio-proxy) */
export const PROXY_UID = 1337
/** the source the sidecar uses to hand inbound connections to the app (InboundPassthroughBindIpv4, Istio 1.10+) */
export const INBOUND_PASSTHROUGH_V4 = '127.0.0.6'
/** IPv6 counterpart (InboundPassthroughBindIpv6) */
export const INBOUND_PASSTHROUGH_V6 = '::6'
/** ztunnel's ports in each ambient Pod's namespace (istio/ztunnel ARCHITECTURE.md § Ports) */
export const ZTUNNEL_OUTBOUND = 15001
export const ZTUNNEL_INBOUND_PLAINTEXT = 15006
/** HBONE: HTTP/2 CONNECT over mTLS; every HBONE listener uses it (istio.io docs/ambient/architecture/hbone) */
export const HBONE = 15008
