/**
 * The DNS module's part of building a cluster: the `coredns` ConfigMap that
 * kubeadm creates in kube-system (unless the scenario brings its own, whose
 * Corefile is checked here), and the names the Cluster document declares
 * outside the cluster (spec.externalHosts), checked and kept as objects.
 */
import type { BuildContext, Loaded } from '../cluster/context.ts'
import { read } from '../cluster/context.ts'
import { makeMeta } from '../cluster/meta.ts'
import type { ClusterConfig, GenericObject, JsonObject } from '../model/types.ts'
import { canonicalIP } from '../net/ip.ts'
import { kubeadmCorefile, parseCorefile } from './corefile.ts'
import { canonicalName, isSubdomain, isValidQueryName } from './names.ts'

/**
 * The cluster's ConfigMaps with kubeadm's `coredns` ConfigMap added when the
 * scenario has none; a scenario's Corefile that CoreDNS would refuse is
 * reported (CoreDNS would crash-loop and the cluster would have no DNS).
 *
 * @example
 * withCorednsConfigMap(ctx, config, generic('ConfigMap'))
 */
export function withCorednsConfigMap(ctx: BuildContext, config: ClusterConfig, configMaps: GenericObject[]): GenericObject[] {
  const given = configMaps.find((c) => c.meta.namespace === 'kube-system' && c.meta.name === 'coredns')
  if (given) {
    const loaded = ctx.objects('ConfigMap').find((c) => c.namespace === 'kube-system' && c.name === 'coredns')
    const text = read.str(read.path(given.raw, 'data', 'Corefile'))
    if (text === undefined) {
      ctx.warn(loaded, ['data'], 'ConfigMap kube-system/coredns has no Corefile key: CoreDNS cannot start, so the cluster has no DNS', 'coredns-config', 'add data.Corefile (kubectl get configmap coredns -n kube-system -o yaml shows the key)')
    } else {
      for (const e of parseCorefile(text).errors) {
        ctx.warn(loaded, ['data', 'Corefile'], `CoreDNS would refuse this Corefile and crash-loop, leaving the cluster without DNS: ${e}`, 'coredns-config')
      }
    }
    return configMaps
  }
  return [corednsConfigMap(config), ...configMaps]
}

/**
 * kubeadm's ConfigMap kube-system/coredns (cmd/kubeadm/app/phases/addons/dns/manifests.go).
 *
 * @example
 * corednsConfigMap(cluster.config).raw.data // { Corefile: '.:53 {\n    errors\n…' }
 */
export function corednsConfigMap(config: ClusterConfig): GenericObject {
  const raw: JsonObject = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'coredns', namespace: 'kube-system' },
    data: { Corefile: kubeadmCorefile(config.clusterDomain) },
  }
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    meta: makeMeta({ kind: 'ConfigMap', name: 'coredns', namespace: 'kube-system', raw, system: true }),
    spec: {},
    status: {},
    raw,
  }
}

/**
 * The Cluster document's `spec.externalHosts`: names the upstream resolver
 * knows, each with addresses or a CNAME target. Problems are reported at the
 * entry; entries that cannot be used are dropped.
 *
 * @example
 * // spec.externalHosts: [{name: db.example.com, addresses: [203.0.113.10]}]
 * readExternalHosts(ctx, clusterDoc, config) // [{ kind: 'ExternalHost', spec: { name: 'db.example.com', ... } }]
 */
export function readExternalHosts(ctx: BuildContext, doc: Loaded | undefined, config: ClusterConfig): GenericObject[] {
  const list = read.arr(read.path(doc?.value, 'spec', 'externalHosts'))
  const out: GenericObject[] = []
  const seen = new Set<string>()
  list.forEach((entry, i) => {
    const at = (field?: string | number, ...more: (string | number)[]) => ['spec', 'externalHosts', i, ...(field === undefined ? [] : [field]), ...more]
    const o = read.obj(entry)
    if (!o) return
    const name = read.str(o.name)
    if (!name) {
      ctx.error(doc, at('name'), `spec.externalHosts[${i}].name: Required value`, 'required')
      return
    }
    if (!isValidQueryName(name) || !/^[A-Za-z0-9_*]([A-Za-z0-9_-]*)?(\.[A-Za-z0-9_]([A-Za-z0-9_-]*)?)*\.?$/.test(name)) {
      ctx.error(doc, at('name'), `spec.externalHosts[${i}].name: Invalid value: "${name}": must be a DNS name such as db.example.com`)
      return
    }
    const key = canonicalName(name)
    if (seen.has(key)) {
      ctx.error(doc, at('name'), `spec.externalHosts[${i}].name: Duplicate value: "${name}"`, 'duplicate')
      return
    }
    seen.add(key)
    if (isSubdomain(key, config.clusterDomain)) {
      ctx.warn(doc, at('name'), `spec.externalHosts[${i}].name: "${name}" is inside the cluster domain ${config.clusterDomain}, which CoreDNS answers itself: this entry is never used`, 'unused')
    }
    const addresses: string[] = []
    read.arr(o.addresses).forEach((a, j) => {
      const ip = typeof a === 'string' ? canonicalIP(a) : undefined
      if (!ip) ctx.error(doc, at('addresses', j), `spec.externalHosts[${i}].addresses[${j}]: Invalid value: "${String(a)}": must be a valid IP address`)
      else addresses.push(ip)
    })
    const cname = read.str(o.cname)
    if (cname !== undefined && (!isValidQueryName(cname) || cname === '')) {
      ctx.error(doc, at('cname'), `spec.externalHosts[${i}].cname: Invalid value: "${cname}": must be a DNS name`)
      return
    }
    if (cname && addresses.length) {
      // RFC 1034 3.6.2: a name with a CNAME has no other data
      ctx.error(doc, at('cname'), `spec.externalHosts[${i}]: a name has either addresses or a cname, not both (RFC 1034 3.6.2)`, 'invalid-value', 'keep one of them')
      return
    }
    if (!cname && addresses.length === 0 && read.arr(o.addresses).length === 0) {
      ctx.error(doc, at(), `spec.externalHosts[${i}]: give addresses or a cname for "${name}"`, 'required')
      return
    }
    const spec: JsonObject = { name, addresses, ...(cname ? { cname } : {}) }
    out.push({
      apiVersion: 'knet/v1alpha1',
      kind: 'ExternalHost',
      meta: makeMeta({ kind: 'ExternalHost', name: key.slice(0, -1), namespace: '', raw: {}, system: true }),
      spec,
      status: {},
      raw: spec,
      source: doc?.ref,
    })
  })
  return out
}
