/**
 * The kube-root-ca.crt ConfigMap in every namespace, which kube-controller-manager's
 * root-ca-cert-publisher writes as the namespace appears
 * (pkg/controller/certificates/rootcacertpublisher/publisher.go): the contents of its
 * --root-ca-file (kubeadm's /etc/kubernetes/pki/ca.crt) under ca.crt, with its
 * description annotation. It reconciles a ConfigMap of that name that differs, so one the
 * reader wrote reads back as the controller's. Added when a command lists ConfigMaps,
 * with kubeadm's and the control plane's own (control-plane-configmaps.ts).
 */
import type { Cluster, GenericObject, JsonObject } from '../model/types.ts'
import { makeMeta } from '../cluster/meta.ts'
import { CLUSTER_CA_PEM } from '../cluster/cluster-ca.ts'
import { controlPlaneConfigMaps } from './control-plane-configmaps.ts'

export const ROOT_CA_CONFIGMAP = 'kube-root-ca.crt'
const DESCRIPTION =
  'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.'

const cache = new WeakMap<Cluster, GenericObject[]>()

/** The cluster's ConfigMaps with each namespace's kube-root-ca.crt and those kubeadm and the control plane write. */
export function withRootCAConfigMaps(c: Cluster): GenericObject[] {
  let list = cache.get(c)
  if (list) return list
  const published = c.namespaces.map((ns): GenericObject => {
    const namespace = ns.meta.name
    const annotations = { 'kubernetes.io/description': DESCRIPTION }
    const raw: JsonObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: ROOT_CA_CONFIGMAP, namespace, creationTimestamp: ns.meta.creationTimestamp }, data: { 'ca.crt': CLUSTER_CA_PEM } }
    return { apiVersion: 'v1', kind: 'ConfigMap', meta: makeMeta({ kind: 'ConfigMap', name: ROOT_CA_CONFIGMAP, namespace, labels: {}, annotations, raw, system: ns.system }), spec: {}, status: {}, raw }
  })
  list = [...c.configMaps.filter((m) => m.meta.name !== ROOT_CA_CONFIGMAP), ...published, ...controlPlaneConfigMaps(c)]
  cache.set(c, list)
  return list
}
