/**
 * Cluster DNS: CoreDNS as kubeadm configures it (the `coredns` ConfigMap's
 * Corefile), the records of the Kubernetes DNS specification, the resolv.conf
 * kubelet writes for each dnsPolicy, the resolvers inside Pods (glibc, musl,
 * BusyBox, bind9) with their search-list walks, the world outside the cluster
 * (the Cluster document's spec.externalHosts), and the tools that show it all:
 * nslookup, dig, host and cat /etc/resolv.conf.
 *
 * @example
 * import { resolveName } from './engine/dns/index.ts'
 * resolveName(cluster, { kind: 'pod', pod }, 'web', 'A')
 * // { rcode: 'NOERROR', answers: [{ name: 'web.default.svc.cluster.local.', type: 'A', ttl: 30, data: '10.96.0.50' }], tried: [...] }
 */
export { resolveName, lookupData, resolveAddresses, libcAt } from './lookup.ts'
export type { DnsLookupData, DnsAnswer } from './lookup.ts'
export { serveCoreDns } from './coredns.ts'
export { sendQuery } from './transport.ts'
export type { Delivery } from './transport.ts'
export { dnsView, corefileOf } from './view.ts'
export type { DnsView } from './view.ts'
export { kubeadmCorefile, parseCorefile } from './corefile.ts'
export type { CorefileResult, ServerBlock, KubernetesPlugin, PodsMode } from './corefile.ts'
export { podResolvConf, nodeResolvConf, workstationResolvConf, resolvConfFor, formatResolvConf, effectiveDnsPolicy } from './resolv-conf.ts'
export type { ResolvConf } from './resolv-conf.ts'
export { glibcSearch, muslLookup, bindSearch, busyboxNames, libcOf, libcLookup, glibcAddressLookup, muslAddressLookup, addressLookup } from './stub-resolver.ts'
export type { Libc, StubResult, Attempt, Family, AddressStep, AddressLookup } from './stub-resolver.ts'
export { corednsLogLines, formatLogLine, logsQueries, requestSize, replySize, responseClass, servedQueries } from './coredns-log.ts'
export type { ServedQuery } from './coredns-log.ts'
export { COMMON_LOG_FORMAT, COMBINED_LOG_FORMAT } from './corefile.ts'
export type { LogRule } from './corefile.ts'
export { readExternalHosts, withCorednsConfigMap, corednsConfigMap } from './build.ts'
export { registerFile, registerFileResolver, hostsFileLookup } from './files.ts'
export type { FileSource, FileResolver } from './files.ts'
export type { DnsMessage, RR, RRType, Rcode, Question } from './message.ts'
export { digProgram } from './dig.ts'
export { nslookupProgram } from './nslookup.ts'
export { hostProgram } from './host.ts'
export { catProgram } from './files.ts'
