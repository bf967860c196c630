/**
 * Nothing the engine accepts is silently ignored (issue 12): a field that
 * matters to a networking answer and that the simulator does not model is a
 * warning at load, placed on the field, saying what it does in a real
 * cluster and what the reader sees instead. The warned fields are the table
 * UNMODELLED below; this comment records the whole audit, kind by kind, so
 * that the next person sees what was decided and why.
 *
 * Decisions: (a) modelled: something the engine computes depends on it, as in
 * Kubernetes; (b) irrelevant to the network answers the engine gives (no
 * warning); (c) relevant and not modelled: warned here ("not-simulated"), or
 * partly modelled: the missing part warned ("simplified"). Warnings written
 * elsewhere are named with their file.
 *
 * ObjectMeta (every kind)
 *   name, namespace, labels, ownerReferences, deletionTimestamp (terminating),
 *     creationTimestamp (ages, ingress-nginx order), uid ........................ (a)
 *   annotations: the ones a component reads are modelled (topology-mode,
 *     ingress class, nginx use-regex, rewrite-target, ssl-redirect,
 *     force-ssl-redirect, service-upstream, kubectl default-container);
 *     other ingress-nginx annotations, canary included ............................ (c) Ingress rows
 *     cloud / load-balancer annotations on a LoadBalancer Service ................ (c) Service rows
 *     everything else (tools' bookkeeping, last-applied-configuration) ........... (b)
 *   Pod annotations read by CNI plugins: k8s.v1.cni.cncf.io/networks (Multus),
 *     cni.projectcalico.org/ ipAddrs, ipAddrsNoIpam, ipv4pools, ipv6pools,
 *     floatingIPs (Calico IPAM) ..................................................... (c)
 *     cni.projectcalico.org/ containerID, podIP, podIPs: Calico writes them ........ (b)
 *     kubernetes.io/ingress-bandwidth and egress-bandwidth (bandwidth plugin): the
 *     simulator models no throughput .............................................. (b)
 *   generateName, selfLink, resourceVersion, generation, finalizers,
 *     managedFields, deletionGracePeriodSeconds ............................... (b)
 *
 * PodSpec (Pod spec, and spec.template.spec of Deployment, ReplicaSet,
 * StatefulSet, DaemonSet)
 *   containers[].name/image/ports (containerPort, protocol, name, hostPort) ...... (a)
 *   containers[].ports[].hostIP with a hostPort ................................. (c) simplified: mapped on every node address
 *   containers[].command/args: read for port conflicts; what listens is
 *     inferred from the image and the declared ports (traffic/servers.ts, a
 *     documented simplification; a warning on every command would drown) ......... (a) partly
 *   containers[] probes ......................................................... another task makes them modelled: no warning
 *   containers[] env, envFrom, resources, resizePolicy, volumeMounts,
 *     volumeDevices, lifecycle, terminationMessage*, imagePullPolicy,
 *     securityContext (but see below), stdin, stdinOnce, tty, workingDir,
 *     restartPolicy(Rules) of app containers ....................................... (b)
 *   containers[].securityContext.capabilities.add NET_ADMIN (or ALL), and
 *     privileged: a Pod's shell may change its network; the simulator's may
 *     only look (lab/programs.ts) ................................................ (c)
 *     the same in a hostNetwork Pod (kube-proxy, CNI agents of a pasted dump, which
 *     the simulated add-ons stand in for) ......................................... (b)
 *     dropping NET_RAW: containerd 2 opens net.ipv4.ping_group_range to every
 *     group (enable_unprivileged_icmp), so ping keeps working over ICMP datagram
 *     sockets ..................................................................... (b)
 *   initContainers[]: ports of an ordinary init container (it exits before the
 *     app starts) .................................................................. (b)
 *   initContainers[] with restartPolicy Always (sidecars) and ports: they listen
 *     (traffic/servers.ts), and a named targetPort resolves against them
 *     (cluster/endpoint-slices.ts findPort) ....................................... (a)
 *   ephemeralContainers: may declare no ports, share the Pod's network
 *     namespace the simulator already has (kubectl debug adds them) ............... (b)
 *   dnsConfig.options: ndots, no-tld-query, edns0, single-request(-reopen) ....... (a)
 *     use-vc, no-aaaa, rotate, timeout, attempts, trust-ad ......................... (c)
 *   hostNetwork, dnsPolicy, dnsConfig, hostname, subdomain, setHostnameAsFQDN,
 *     hostAliases (/etc/hosts), nodeName, nodeSelector, tolerations,
 *     restartPolicy, serviceAccountName/serviceAccount ............................ (a)
 *   affinity.nodeAffinity.requiredDuringScheduling… ............................. (a) cluster/scheduler.ts
 *   affinity.nodeAffinity.preferredDuringScheduling…, affinity.podAffinity,
 *     affinity.podAntiAffinity, topologySpreadConstraints ........................ (c)
 *     (these scheduling rows are quiet for a Pod pinned with spec.nodeName, which
 *     no scheduler handles: a pasted dump's Pods)
 *   schedulingGates: the Pod stays Pending, STATUS SchedulingGated; with
 *     spec.nodeName a Pod is refused (cluster/pod-spec.ts, pods.ts) ................ (a)
 *   schedulerName other than default-scheduler: no scheduler binds it, it stays
 *     Pending without an event (cluster/pods.ts) .................................. (a)
 *   readinessGates: Ready only once each gate's condition in status.conditions
 *     is True (cluster/pods.ts; kubectl/api-objects.ts ReadinessGatesNotReady) ...... (a)
 *   runtimeClassName ............................................................. (c)
 *   securityContext.sysctls[] named net.* (namespaced network sysctls) ......... (c)
 *     other sysctls, and the rest of securityContext ............................ (b)
 *   hostnameOverride ............................................................. (c)
 *   priorityClassName, priority, preemptionPolicy: preemption only matters when a
 *     node is full, and the simulator models no resources ......................... (b)
 *   terminationGracePeriodSeconds, activeDeadlineSeconds: timing; the simulator
 *     shows one moment (terminating Pods come from deletionTimestamp) ............. (b)
 *   enableServiceLinks, containers[].env and envFrom: the environment printenv and
 *     $NAME read .................................................................... (a) shell/container-env.ts
 *   volumes, imagePullSecrets, automountServiceAccountToken,
 *     hostPID, hostIPC, shareProcessNamespace, hostUsers, os, overhead,
 *     resourceClaims, resources .................................................... (b)
 *
 * Pod status: phase, conditions (Ready), podIP(s), hostIP(s),
 *   containerStatuses (ready, restartCount) ....................................... (a) a pasted dump pins them
 *   containerStatuses[].state (a waiting reason such as ImagePullBackOff): not
 *     warned, it is the dump's own record; readiness follows ready, as endpoints
 *     do, but kubectl's STATUS shows the phase instead of that reason ............... (b) kubectl only
 *   the rest (qosClass, startTime, resize, …) ..................................... (b)
 *
 * Deployment: replicas, selector, template ....................................... (a)
 *   paused: a Deployment created paused gets no ReplicaSet (workloads.ts) ......... (a)
 *   minReadySeconds, progressDeadlineSeconds: availableReplicas and the Available
 *     and Progressing conditions (kubectl/workload-status.ts) ....................... (a)
 *   strategy, revisionHistoryLimit: rollouts over time; the simulator shows the
 *     settled state (strategy is defaulted and described, workload-defaults.ts) ...... (b)
 * ReplicaSet: replicas, selector, template, minReadySeconds (availableReplicas) .... (a)
 * StatefulSet: replicas, selector, template, serviceName (hostname/subdomain),
 *   ordinals.start ............................................................... (a)
 *   podManagementPolicy: OrderedReady holds later ordinals behind an unready Pod;
 *     minReadySeconds: availableReplicas ............................................. (a)
 *   updateStrategy, revisionHistoryLimit, volumeClaimTemplates,
 *     persistentVolumeClaimRetentionPolicy: order and storage; the settled Pods
 *     are the same ................................................................... (b)
 * DaemonSet: selector, template, minReadySeconds (numberAvailable) (a);
 *   updateStrategy, revisionHistoryLimit (b)
 *
 * Service: every spec field is modelled (cluster/services.ts, dataplane/,
 *   trace/): type, ports (appProtocol copied to EndpointSlices, which kube-proxy
 *   ignores too), selector, clusterIP(s), ipFamilies, ipFamilyPolicy,
 *   externalIPs, sessionAffinity(+Config), loadBalancerIP, loadBalancerSourceRanges,
 *   externalName, externalTrafficPolicy, healthCheckNodePort,
 *   publishNotReadyAddresses, allocateLoadBalancerNodePorts, loadBalancerClass
 *   (warned in cluster/services.ts), internalTrafficPolicy, trafficDistribution;
 *   status.loadBalancer.ingress (ip, hostname, ipMode) ........................... (a)
 *   status.loadBalancer.ingress[].ports, status.conditions ....................... (b)
 *   label service.kubernetes.io/service-proxy-name, and
 *     service.kubernetes.io/headless on a Service with a ClusterIP: kube-proxy
 *     does not watch such Services ............................................... (c)
 *   load balancer annotations (service.beta.kubernetes.io/…, cloud.google.com/…,
 *     networking.gke.io/…, metallb…, lbipam.cilium.io/…) on a LoadBalancer ........ (c)
 * EndpointSlice: addressType (FQDN slices are skipped, as kube-proxy does),
 *   endpoints (addresses, conditions, hostname, targetRef, nodeName, zone,
 *   hints), ports ................................................................. (a)
 *   endpoints[].deprecatedTopology ............................................... (b)
 * Endpoints: subsets (addresses, notReadyAddresses, ports): mirrored ............ (a)
 *
 * Ingress: ingressClassName, defaultBackend, rules, tls; status ................. (a) engine/ingress
 *   backend.resource ............................................................. warned in ingress/validate.ts
 *   ingress-nginx annotations the ingress module does not read ................. (c)
 * IngressClass: controller (a); parameters: ingress-nginx reads none ............. (b)
 * NetworkPolicy: podSelector, policyTypes, ingress/egress with ports (port,
 *   named port, endPort, protocol) and peers (podSelector, namespaceSelector,
 *   ipBlock.cidr and except) ...................................................... (a) engine/policy
 * AdminNetworkPolicy, BaselineAdminNetworkPolicy, ClusterNetworkPolicy: the
 *   policy module validates and compiles the whole spec (domainNames in a
 *   non-Allow rule warned in policy/compile-admin-policy.ts) ....................... (a)
 *
 * Gateway API (gateway/kinds.ts; engine/gateway)
 *   GatewayClass controllerName (a); description (b); parametersRef ............. (c)
 *   Gateway gatewayClassName, listeners (name, hostname, port, protocol,
 *     allowedRoutes, tls.mode, tls.certificateRefs) ................................ (a)
 *   Gateway infrastructure.labels and .annotations (to be copied onto the
 *     resources the implementation makes) ......................................... (c)
 *   Gateway addresses ............................................................ warned in gateway/validate.ts
 *   Gateway listeners[].tls.options (implementation-specific TLS settings) ...... (b)
 *   Gateway listeners[].tls.frontendValidation, spec.tls, spec.allowedListeners,
 *     infrastructure.parametersRef ................................................ (c)
 *   HTTPRoute / GRPCRoute parentRefs, hostnames, rules (matches, filters,
 *     backendRefs with weights and filters, name) ................................. (a)
 *   filters: requestHeaderModifier, responseHeaderModifier, requestRedirect,
 *     urlRewrite, requestMirror (a); cors, extensionRef ........................... (c)
 *   HTTPRoute rules[].timeouts, rules[].retry; HTTPRoute/GRPCRoute
 *     rules[].sessionPersistence ................................................... (c)
 *   ReferenceGrant from, to ...................................................... (a)
 *
 * Node: spec.podCIDR(s), taints (NoSchedule, NoExecute), unschedulable; labels;
 *   status.addresses .............................................................. (a)
 *   taints with effect PreferNoSchedule (a scoring preference) .................... (c) simplified
 *   spec.providerID, configSource, externalID; status capacity, conditions,
 *     nodeInfo, images, … (a dump's not-ready node carries its taints too) ......... (b)
 * Namespace: labels (a); spec.finalizers, status (b)
 * Corefile (ConfigMap kube-system/coredns; dns/corefile.ts): kubernetes (zones, pods,
 *   ttl, fallthrough, namespaces, endpoint_pod_names, ignore empty_service),
 *   hosts (inline entries), forward, cache, log ..................................... (a)
 *   plugins that write or change answers (rewrite, template, autopath,
 *     k8s_external, file, auto, secondary, etcd, route53, azure, clouddns, minimal,
 *     dns64, acl, any, header, chaos, whoami, local, view, dnssec, sign, grpc,
 *     erratic); kubernetes labels, namespace_labels, noendpoints, multicluster;
 *     forward except ................................................................ (c)
 *   loadbalance (record order, left out so answers are stable), and plugins that
 *     observe or operate the server (errors, health, ready, prometheus, loop,
 *     reload, log formats aside, bind, bufsize, …); forward's upstream tuning
 *     (policy, max_fails, health_check, force_tcp, tls…), cache prefetch and
 *     serve_stale; kubernetes endpoint, tls, kubeconfig, apiserver_* .............. (b)
 * ConfigMap: kube-system/coredns (Corefile) and kube-system/kube-proxy
 *   (config.conf) are read (dns/build.ts, dataplane/kube-proxy/config.ts); others (b)
 *   KubeProxyConfiguration: mode, clusterCIDR, detectLocalMode, detectLocal,
 *     masqueradeAll, iptables.{masqueradeBit,masqueradeAll,localhostNodePorts},
 *     ipvs.scheduler, nodePortAddresses ........................................... (a)
 *     ipvs.strictARP, healthzBindAddress, metricsBindAddress (moved servers),
 *     conntrack.maxPerCore and .min (nf_conntrack_max) ............................ (c)
 *     the whole file when kubeProxyReplacement leaves no kube-proxy to read it ...... (c)
 *     sync periods, conntrack timeouts (no long-lived entry is shown), clientConnection, logging,
 *     featureGates, oomScoreAdj, hostnameOverride, bindAddress, winkernel ........... (b)
 * Secret: (b): TLS material is not modelled; a listener or Ingress names the Secret only
 * Cluster (knet/v1alpha1): every field is read (cluster/config.ts, nodes.ts,
 *   dns/build.ts); cniMode warnings are cluster/config.ts's
 * NodeScript (knet/v1alpha1): node, commands ..................................... (a)
 */
import type { Json, JsonObject } from '../model/types.ts'
import { read } from '../cluster/context.ts'
import type { BuildContext, Loaded } from '../cluster/context.ts'
import { fieldPath } from './schema.ts'
import { parse as parseYaml } from 'yaml'
import { parseCorefile } from '../dns/corefile.ts'

type Path = (string | number)[]

/** What a rule's test sees where its pattern matched. */
export interface Match {
  obj: Loaded
  /** the matched field's path, indices and map keys filled in */
  path: Path
  value: Json
  /** the values on the way down, the object itself first (parents[parents.length - 1] holds the field) */
  parents: Json[]
  ctx: BuildContext
}

export interface UnmodelledRule {
  /** the kinds this rule applies to; 'PodSpec' and 'PodMeta' mean a Pod's spec or metadata, in a Pod or a workload's template */
  kinds: string[]
  /** field pattern below the object (or below the PodSpec): '*' is every array element or map key */
  path: string[]
  /** when the field is present and this holds (default: present and not null) */
  when?: (m: Match) => boolean
  /** 'not-simulated': the field does nothing here; 'simplified': part of it does; 'ignored': nothing would read it in the real cluster either */
  code: 'not-simulated' | 'simplified' | 'ignored'
  message: (m: Match) => string
}

const WORKLOADS = ['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet']
/** where a PodSpec, and a Pod's metadata, sit in each kind that has one */
const POD_SPEC_AT: Record<string, string[]> = {
  Pod: ['spec'],
  ...Object.fromEntries(WORKLOADS.map((k) => [k, ['spec', 'template', 'spec']])),
}
const POD_META_AT: Record<string, string[]> = {
  Pod: ['metadata'],
  ...Object.fromEntries(WORKLOADS.map((k) => [k, ['spec', 'template', 'metadata']])),
}
/** the pseudo-kinds a rule may name: every Pod spec, or every Pod metadata, with the workloads' templates */
export const POD_TARGETS: Record<string, Record<string, string[]>> = { PodSpec: POD_SPEC_AT, PodMeta: POD_META_AT }

const nonEmpty = (m: Match) => (Array.isArray(m.value) ? m.value.length > 0 : m.value !== null && m.value !== undefined)
const lastKey = (m: Match) => String(m.path[m.path.length - 1])
const parent = (m: Match): JsonObject => read.fields(m.parents[m.parents.length - 1])
const quoted = (v: Json) => (typeof v === 'string' ? `"${v}"` : JSON.stringify(v))

const SCHEDULER =
  "not simulated: the simulator's scheduler filters on nodeSelector, required node affinity, taints and tolerations, and spreads a workload's replicas over the nodes; pin a Pod with spec.nodeName to place it exactly"

/** engine/lab/programs.ts: a Pod's shell may look at its network (ip, sysctl) but not change it */
const NET_ADMIN =
  "not simulated: it gives the container CAP_NET_ADMIN, so it may change its Pod's links, addresses and routes; in the simulator a Pod's ip commands may only look (a change answers Operation not permitted): wire by hand on a node instead (ssh NODE)"

/**
 * resolv.conf options (resolv.conf(5), glibc) that change the queries a resolver sends or how it
 * waits; dns/stub-resolver.ts and trace/dns.ts model ndots, no-tld-query, edns0 and
 * single-request(-reopen). musl ignores most of them.
 */
const RESOLVER_OPTIONS: Record<string, string> = {
  'use-vc': 'send its queries over TCP',
  'no-aaaa': 'stop asking for AAAA records (glibc 2.36 and later)',
  rotate: 'take the nameservers in turn instead of the first one first',
  timeout: 'wait that many seconds for an answer before it tries again (default 5)',
  attempts: 'ask each nameserver that many times (default 2)',
  'trust-ad': 'set the AD bit in its queries and keep it in answers',
}

/** Pod annotations Calico's CNI plugin reads when it sets the Pod up */
const CALICO_READS = ['ipAddrs', 'ipAddrsNoIpam', 'ipv4pools', 'ipv6pools', 'floatingIPs'].map((k) => `cni.projectcalico.org/${k}`)

/** ingress-nginx annotations that engine/ingress reads (servers.ts, route.ts, backend.ts) */
const NGINX = 'nginx.ingress.kubernetes.io/'
const NGINX_MODELLED = new Set(['use-regex', 'rewrite-target', 'ssl-redirect', 'force-ssl-redirect', 'service-upstream'])

/** annotation prefixes that configure a load balancer implementation (cloud providers, MetalLB, Cilium LB IPAM) */
const LB_ANNOTATION_PREFIXES = ['service.beta.kubernetes.io/', 'cloud.google.com/', 'networking.gke.io/', 'metallb.universe.tf/', 'metallb.io/', 'lbipam.cilium.io/']

/** the labels kube-proxy's informers exclude (cmd/kube-proxy/app/server.go: LabelServiceProxyName, IsHeadlessService DoesNotExist) */
const PROXY_NAME = 'service.kubernetes.io/service-proxy-name'
const HEADLESS = 'service.kubernetes.io/headless'

/** The fields the simulator accepts, that matter to a network answer, and that it does not (fully) model. */
export const UNMODELLED: UnmodelledRule[] = [
  // --- PodSpec: scheduling
  ...[
    ['affinity', 'nodeAffinity', 'preferredDuringSchedulingIgnoredDuringExecution'],
    ['affinity', 'podAffinity'],
    ['affinity', 'podAntiAffinity'],
    ['topologySpreadConstraints'],
  ].map((path): UnmodelledRule => ({ kinds: ['PodSpec'], path, when: (m) => nonEmpty(m) && !pinned(m), code: 'not-simulated', message: () => SCHEDULER })),
  {
    kinds: ['PodSpec'],
    path: ['runtimeClassName'],
    when: (m) => typeof m.value === 'string' && m.value !== '',
    code: 'not-simulated',
    message: (m) => `not simulated: RuntimeClass ${quoted(m.value)} can add a nodeSelector and tolerations to the Pod, and run it in a sandbox (gVisor, Kata Containers) with its own network stack between the app and the Pod's interface; the simulator runs the Pod as the default runtime would`,
  },
  // --- PodSpec: readiness and identity
  {
    kinds: ['PodSpec'],
    path: ['hostnameOverride'],
    when: (m) => typeof m.value === 'string' && m.value !== '',
    code: 'not-simulated',
    // core/v1 PodSpec.hostnameOverride (feature gate HostnameOverride): the Pod's own view only, DNS records unchanged
    message: () => "not simulated: it sets the hostname the Pod sees, ahead of spec.hostname and spec.subdomain (its DNS records do not change); the simulator's Pod keeps spec.hostname, or its name",
  },
  {
    kinds: ['PodSpec'],
    path: ['securityContext', 'sysctls', '*'],
    when: (m) => (read.str(read.path(m.value, 'name')) ?? '').startsWith('net.'),
    code: 'not-simulated',
    message: (m) => `not simulated: the kubelet sets ${read.str(read.path(m.value, 'name'))} in the Pod's network namespace; the simulated Pod keeps the kernel's default`,
  },
  {
    kinds: ['PodSpec'],
    path: ['dnsConfig', 'options', '*'],
    when: (m) => Object.prototype.hasOwnProperty.call(RESOLVER_OPTIONS, read.str(read.path(m.value, 'name')) ?? ''),
    code: 'not-simulated',
    message: (m) => {
      const name = read.str(read.path(m.value, 'name')) ?? ''
      return `not simulated: resolver option ${name} makes the Pod's resolver ${RESOLVER_OPTIONS[name]}; the simulated resolver reads only ndots, no-tld-query, edns0 and single-request(-reopen) from the options line (it is still written to /etc/resolv.conf)`
    },
  },
  // --- PodSpec: ports
  ...(['containers', 'initContainers'] as const).map((field): UnmodelledRule => ({
    kinds: ['PodSpec'],
    path: [field, '*', 'ports', '*', 'hostIP'],
    when: (m) => typeof m.value === 'string' && m.value !== '' && m.value !== '0.0.0.0' && m.value !== '::' && (read.num(parent(m).hostPort) ?? 0) > 0,
    code: 'simplified',
    message: (m) => `simplified: the CNI portmap plugin DNATs hostPort ${read.num(parent(m).hostPort)} only for packets to ${m.value}; the simulator maps it on every address of the node`,
  })),
  ...(['containers', 'initContainers'] as const).flatMap((field): UnmodelledRule[] => [
    {
      kinds: ['PodSpec'],
      path: [field, '*', 'securityContext', 'capabilities', 'add', '*'],
      when: (m) => typeof m.value === 'string' && ['NET_ADMIN', 'CAP_NET_ADMIN', 'ALL'].includes(m.value.toUpperCase()) && !hostNetwork(m),
      code: 'not-simulated',
      message: () => NET_ADMIN,
    },
    {
      kinds: ['PodSpec'],
      path: [field, '*', 'securityContext', 'privileged'],
      when: (m) => m.value === true && !hostNetwork(m),
      code: 'not-simulated',
      message: () => NET_ADMIN,
    },
  ]),
  // --- Pod annotations read by CNI plugins
  {
    kinds: ['PodMeta'],
    path: ['annotations', 'k8s.v1.cni.cncf.io/networks'],
    code: 'not-simulated',
    message: () => "annotation k8s.v1.cni.cncf.io/networks: not simulated: Multus would add an interface (net1, net2, …) to the Pod for each NetworkAttachmentDefinition named here; the simulator's Pods have eth0 only",
  },
  {
    kinds: ['PodMeta'],
    path: ['annotations', '*'],
    // the ones Calico reads (docs: "Use a specific IP address with a pod", IP pools per pod); it writes
    // others on every Pod (containerID, podIP, podIPs), which say nothing the simulator misses
    when: (m) => CALICO_READS.includes(lastKey(m)),
    code: 'not-simulated',
    message: (m) => `annotation ${lastKey(m)}: not simulated: Calico's CNI plugin would read it when it sets up the Pod (its address, IP pool or floating IP); the simulator's IPAM gives the Pod the next free address of its node's range`,
  },
  // --- workloads
  // --- Node
  {
    kinds: ['Node'],
    path: ['spec', 'taints', '*'],
    when: (m) => read.str(read.path(m.value, 'effect')) === 'PreferNoSchedule',
    code: 'simplified',
    // the TaintToleration score plugin: a soft preference, unlike NoSchedule and NoExecute, which filter
    message: () => "simplified: the scheduler would place a Pod that does not tolerate this taint elsewhere when it can; the simulator's scheduler filters on NoSchedule and NoExecute taints only and ignores this one",
  },
  // --- Service
  {
    kinds: ['Service'],
    path: ['metadata', 'labels', PROXY_NAME],
    code: 'not-simulated',
    message: (m) => `label ${PROXY_NAME}: not simulated: kube-proxy does not watch a Service with this label (the proxy named ${quoted(m.value)} serves it instead); the simulator's Service proxy programs it like any other`,
  },
  {
    kinds: ['Service'],
    path: ['metadata', 'labels', HEADLESS],
    when: (m) => read.str(read.path(m.obj.value, 'spec', 'clusterIP')) !== 'None',
    code: 'not-simulated',
    message: () => `label ${HEADLESS}: not simulated: kube-proxy does not watch a Service with this label, so its ClusterIP would lead nowhere; the simulator's Service proxy programs it like any other`,
  },
  {
    kinds: ['Service'],
    path: ['metadata', 'annotations', '*'],
    when: (m) => read.str(read.path(m.obj.value, 'spec', 'type')) === 'LoadBalancer' && LB_ANNOTATION_PREFIXES.some((p) => lastKey(m).startsWith(p)),
    code: 'not-simulated',
    message: (m) => `annotation ${lastKey(m)}: not simulated: it configures the load balancer implementation (a cloud provider's controller, MetalLB, Cilium's LB IPAM), which the simulator does not run; the simulated cloud reads no annotation, and gives a LoadBalancer Service without a class an address from 198.51.100.0/24`,
  },
  // --- kube-proxy's configuration (kubeadm's ConfigMap kube-system/kube-proxy, key config.conf)
  {
    kinds: ['ConfigMap'],
    path: ['data', 'config.conf'],
    when: (m) => isKubeProxyConfig(m) && kubeProxyReplaced(m),
    code: 'ignored',
    message: () => 'ignored: with kubeProxyReplacement in the Cluster document no kube-proxy runs, so nothing reads this configuration',
  },
  {
    kinds: ['ConfigMap'],
    path: ['data', 'config.conf'],
    when: (m) => isKubeProxyConfig(m) && !kubeProxyReplaced(m) && unreadProxySettings(m.value).length > 0,
    code: 'not-simulated',
    message: (m) => `not simulated: ${unreadProxySettings(m.value).join('; ')}; the simulator's kube-proxy reads mode, clusterCIDR, detectLocalMode, detectLocal, masqueradeAll, iptables (masqueradeBit, masqueradeAll, localhostNodePorts), ipvs.scheduler and nodePortAddresses`,
  },
  // --- CoreDNS's configuration (ConfigMap kube-system/coredns, key Corefile; dns/corefile.ts parses it)
  {
    kinds: ['ConfigMap'],
    path: ['data', 'Corefile'],
    when: (m) => m.obj.namespace === 'kube-system' && m.obj.name === 'coredns' && corefileUnmodelled(m.value).length > 0,
    code: 'not-simulated',
    message: (m) => `not simulated: ${corefileUnmodelled(m.value).map((u) => `${u.what} (Corefile:${u.line})`).join(', ')}: in a real CoreDNS these change which names get which answers; the simulated CoreDNS answers as if they were absent`,
  },
  // --- Ingress (ingress-nginx)
  {
    kinds: ['Ingress'],
    path: ['metadata', 'annotations', `${NGINX}canary`],
    when: (m) => m.value === 'true',
    code: 'not-simulated',
    message: () => `annotation ${NGINX}canary: not simulated: ingress-nginx would send part of the traffic of the same host and path here (canary-weight, canary-by-header, canary-by-cookie); the simulated controller skips canary Ingresses (the ingress commands list it as ignored)`,
  },
  {
    kinds: ['Ingress'],
    path: ['metadata', 'annotations', '*'],
    when: (m) => lastKey(m).startsWith(NGINX) && !NGINX_MODELLED.has(lastKey(m).slice(NGINX.length)) && !lastKey(m).slice(NGINX.length).startsWith('canary'),
    code: 'not-simulated',
    message: (m) => `annotation ${lastKey(m)}: not simulated: the simulated ingress-nginx reads only use-regex, rewrite-target, ssl-redirect, force-ssl-redirect and service-upstream, and routes as if this annotation were absent`,
  },
  // --- Gateway API
  ...[
    { kinds: ['GatewayClass'], path: ['spec', 'parametersRef'], what: "the controller's own configuration (Envoy Gateway's EnvoyProxy: the proxy's Service type, replicas, bootstrap)" },
    { kinds: ['Gateway'], path: ['spec', 'infrastructure', 'parametersRef'], what: "this Gateway's own controller configuration (Envoy Gateway's EnvoyProxy: the proxy's Service type, replicas, bootstrap)" },
  ].map(({ kinds, path, what }): UnmodelledRule => ({
    kinds,
    path,
    code: 'not-simulated',
    message: () => `not simulated: it points at ${what}; the simulator runs each Gateway's Envoy with Envoy Gateway's defaults (a LoadBalancer Service)`,
  })),
  ...['labels', 'annotations'].map((field): UnmodelledRule => ({
    kinds: ['Gateway'],
    path: ['spec', 'infrastructure', field],
    when: (m) => Object.keys(read.fields(m.value)).length > 0,
    code: 'not-simulated',
    // GatewayInfrastructure: "SHOULD be applied to any resources created in response to this Gateway"
    message: () => `not simulated: Gateway API asks the implementation to put these ${field} on every resource it creates for the Gateway (Envoy Gateway's Envoy Deployment and Service); the simulator's Envoy objects do not carry them`,
  })),
  {
    kinds: ['Gateway'],
    path: ['spec', 'listeners', '*', 'tls', 'frontendValidation'],
    code: 'not-simulated',
    message: () => 'not simulated: the Gateway would ask clients for a certificate signed by these CAs (mutual TLS); the simulator does not model TLS handshakes, so every client is let in',
  },
  {
    kinds: ['Gateway'],
    path: ['spec', 'tls'],
    code: 'not-simulated',
    message: () => "not simulated: Gateway-wide TLS settings (the client certificate the Gateway shows backends, frontend client validation) are not modelled; the simulator does not model TLS handshakes",
  },
  {
    kinds: ['Gateway'],
    path: ['spec', 'allowedListeners'],
    code: 'not-simulated',
    message: () => 'not simulated: ListenerSets would attach listeners to this Gateway, and the simulator does not serve the ListenerSet kind; the Gateway has only its own listeners',
  },
  ...['HTTPRoute', 'GRPCRoute'].flatMap((kind): UnmodelledRule[] =>
    [['spec', 'rules', '*', 'filters', '*'], ['spec', 'rules', '*', 'backendRefs', '*', 'filters', '*']].flatMap((at): UnmodelledRule[] => [
      {
        kinds: [kind],
        path: [...at, 'cors'],
        code: 'not-simulated',
        message: () => 'not simulated: the CORS filter answers preflight requests and adds Access-Control-* response headers; the simulator forwards the request as if the filter were absent',
      },
      {
        kinds: [kind],
        path: [...at, 'extensionRef'],
        code: 'not-simulated',
        message: () => "not simulated: an ExtensionRef filter is the implementation's own (an Envoy Gateway HTTPRouteFilter, say); the simulator forwards the request as if the filter were absent",
      },
    ]),
  ),
  {
    kinds: ['HTTPRoute'],
    path: ['spec', 'rules', '*', 'timeouts'],
    code: 'not-simulated',
    message: () => 'not simulated: Envoy would answer 504 when a request (or one backend attempt) takes longer than this; the simulated backends answer at once, so no request times out',
  },
  {
    kinds: ['HTTPRoute'],
    path: ['spec', 'rules', '*', 'retry'],
    code: 'not-simulated',
    message: () => 'not simulated: Envoy would retry a request that failed with one of these codes (attempts, backoff); the simulator sends each request once',
  },
  {
    kinds: ['HTTPRoute', 'GRPCRoute'],
    path: ['spec', 'rules', '*', 'sessionPersistence'],
    code: 'not-simulated',
    message: () => "not simulated: Envoy would send a client's later requests to the backend it first reached (by cookie or header); the simulator picks each request's backend by the weights alone",
  },
]

/** The Pod of the match names its node (spec.nodeName): no scheduler takes part, in a real cluster or here. */
function pinned(m: Match): boolean {
  return !!read.str(read.path(m.obj.value, ...POD_SPEC_AT[m.obj.kind], 'nodeName'))
}

/**
 * The Pod of the match uses the node's network namespace: a privileged agent of a pasted dump
 * (kube-proxy, a CNI agent) that the simulator's own add-ons stand in for; no warning there.
 */
function hostNetwork(m: Match): boolean {
  return read.path(m.obj.value, ...POD_SPEC_AT[m.obj.kind], 'hostNetwork') === true
}

const isKubeProxyConfig = (m: Match) => m.obj.namespace === 'kube-system' && m.obj.name === 'kube-proxy' && typeof m.value === 'string'
const kubeProxyReplaced = (m: Match) => m.ctx.objects('Cluster').some((c) => read.path(c.value, 'spec', 'kubeProxyReplacement') === true)

/**
 * The KubeProxyConfiguration settings of config.conf that change what kube-proxy does on the
 * network and that dataplane/kube-proxy/config.ts does not read, each with what it would do.
 */
function unreadProxySettings(text: Json): string[] {
  let doc: unknown
  try {
    doc = parseYaml(String(text), { maxAliasCount: 10 })
  } catch {
    return [] // kube-proxy's own decoding error is reported where the ConfigMap is read
  }
  const o = read.obj(doc as Json)
  if (!o) return []
  const out: string[] = []
  if (read.path(o, 'ipvs', 'strictARP') === true) out.push('ipvs.strictARP makes the nodes answer ARP only for addresses on the interface asked (what MetalLB\'s layer 2 mode needs with IPVS)')
  const healthz = read.str(o.healthzBindAddress)
  if (healthz && healthz !== '0.0.0.0:10256') out.push(`healthzBindAddress moves the health server to ${healthz} (the simulated one stays on 0.0.0.0:10256)`)
  const metrics = read.str(o.metricsBindAddress)
  if (metrics && metrics !== '127.0.0.1:10249') out.push(`metricsBindAddress moves the metrics server to ${metrics} (the simulated one stays on 127.0.0.1:10249)`)
  const maxPerCore = read.num(read.path(o, 'conntrack', 'maxPerCore'))
  const min = read.num(read.path(o, 'conntrack', 'min'))
  if ((maxPerCore !== undefined && maxPerCore !== 32768) || (min !== undefined && min !== 131072)) {
    out.push('conntrack.maxPerCore and conntrack.min size nf_conntrack_max (the simulated kube-proxy keeps the defaults: 32768 per CPU, at least 131072)')
  }
  return out
}

/** What the Corefile asks of CoreDNS that changes answers and is not modelled; nothing when CoreDNS would refuse it (dns/build.ts says so). */
function corefileUnmodelled(text: Json): { what: string; line: number }[] {
  if (typeof text !== 'string') return []
  const { servers, errors } = parseCorefile(text)
  return errors.length ? [] : servers.flatMap((s) => s.unmodelled)
}

/**
 * Calls `visit` for every value at `pattern` below `at`. `path` and `parents` are stacks pushed and
 * popped along the walk (most patterns stop at their first key: nothing is allocated then); a
 * visit gets copies.
 */
function walk(at: Json, pattern: string[], i: number, path: Path, parents: Json[], visit: (value: Json, path: Path, parents: Json[]) => void): void {
  if (i === pattern.length) return visit(at, [...path], [...parents])
  if (at === null || typeof at !== 'object') return
  const key = pattern[i]
  parents.push(at)
  if (key === '*') {
    if (Array.isArray(at)) {
      for (let j = 0; j < at.length; j++) {
        path.push(j)
        walk(at[j], pattern, i + 1, path, parents, visit)
        path.pop()
      }
    } else {
      for (const k of Object.keys(at)) {
        path.push(k)
        walk(at[k], pattern, i + 1, path, parents, visit)
        path.pop()
      }
    }
  } else if (!Array.isArray(at) && Object.prototype.hasOwnProperty.call(at, key) && at[key] !== null) {
    path.push(key)
    walk(at[key], pattern, i + 1, path, parents, visit)
    path.pop()
  }
  parents.pop()
}

interface Target {
  /** where the rule's paths start in objects of this kind */
  base: string[]
  rules: UnmodelledRule[]
}

/** The rules by kind, each group with the place its paths start from. */
function byKind(rules: UnmodelledRule[]): Map<string, Target[]> {
  const out = new Map<string, Target[]>()
  for (const rule of rules) {
    for (const kind of rule.kinds) {
      for (const [k, base] of POD_TARGETS[kind] ? Object.entries(POD_TARGETS[kind]) : [[kind, [] as string[]] as const]) {
        const list = out.get(k) ?? []
        let t = list.find((x) => x.base.join('.') === base.join('.'))
        if (!t) list.push((t = { base: [...base], rules: [] }))
        t.rules.push(rule)
        out.set(k, list)
      }
    }
  }
  return out
}

let defaultTargets: Map<string, Target[]> | undefined

/**
 * Warns, on the field, about every unmodelled field in the reader's objects.
 *
 * @example
 * warnUnmodelled(ctx) // after the objects are filed: ctx.diagnostics gains 'not-simulated' warnings
 */
export function warnUnmodelled(ctx: BuildContext, rules: UnmodelledRule[] = UNMODELLED): void {
  const targets = rules === UNMODELLED ? (defaultTargets ??= byKind(UNMODELLED)) : byKind(rules)
  for (const [kind, groups] of targets) {
    for (const obj of ctx.objects(kind)) {
      for (const { base, rules: group } of groups) {
        // go down to where the group's paths start, once per object
        let at: Json = obj.value
        const parents: Json[] = []
        let found = true
        for (const k of base) {
          const next: Json | undefined = read.obj(at)?.[k]
          if (next === undefined || next === null) {
            found = false
            break
          }
          parents.push(at)
          at = next
        }
        if (!found) continue
        for (const rule of group) {
          walk(at, rule.path, 0, [...base], parents, (value, path, above) => {
            const m: Match = { obj, path, value, parents: above, ctx }
            if (!(rule.when ?? nonEmpty)(m)) return
            const text = rule.message(m)
            // a message about a label or an annotation names it itself; the others start with the field
            ctx.warn(obj, path, /^(annotation|label) /.test(text) ? text : `${fieldPath(path)}: ${text}`, rule.code)
          })
        }
      }
    }
  }
}
