/**
 * kubeadm's default Corefile (corefile.ts kubeadmCorefile) as parseCorefile
 * reads it, built directly: nearly every scenario runs CoreDNS with it, and
 * building it here keeps the Corefile parser (tokenizer, block reader, plugin
 * readers) out of a Worker's first request (issue 20). It is the same value:
 * test/engine/dns/kubeadm-corefile.test.ts holds the two equal. A domain this
 * does not vouch for (anything but lower-case DNS labels, or a reverse zone)
 * gets undefined, and the parser reads the text as before.
 */
import type { CorefileResult } from './corefile.ts'

const PLAIN_DOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/

/**
 * @example
 * kubeadmCorefileParsed('cluster.local')?.servers[0].kubernetes?.primaryZone // 'cluster.local.'
 */
export function kubeadmCorefileParsed(domain: string): CorefileResult | undefined {
  if (!PLAIN_DOMAIN.test(domain) || domain === 'arpa' || domain.endsWith('.arpa')) return undefined
  const zone = `${domain}.`
  return {
    servers: [
      {
        zones: ['.'],
        port: 53,
        // errors, health, ready, prometheus, loop, reload, loadbalance: read, without effect on answers
        ignored: ['errors', 'health', 'ready', 'prometheus', 'loop', 'reload', 'loadbalance'],
        unmodelled: [],
        // kubernetes DOMAIN in-addr.arpa ip6.arpa { pods insecure; fallthrough in-addr.arpa ip6.arpa; ttl 30 }
        kubernetes: { zones: [zone, 'in-addr.arpa.', 'ip6.arpa.'], primaryZone: zone, pods: 'insecure', ttl: 30, fallthrough: ['in-addr.arpa.', 'ip6.arpa.'], namespaces: [], endpointPodNames: false, ignoreEmptyService: false },
        // forward . /etc/resolv.conf { max_concurrent 1000 }
        forward: { from: '.', to: ['/etc/resolv.conf'] },
        // cache 30 { disable success DOMAIN; disable denial DOMAIN }
        cache: { zones: ['.'], successTTL: 30, denialTTL: 30, disableSuccess: [zone], disableDenial: [zone] },
      },
    ],
    errors: [],
  }
}
