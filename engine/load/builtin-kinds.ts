/**
 * Kinds a Kubernetes v1.37 API server serves that the simulator does not model.
 *
 * A real cluster accepts these, so answering one with kubectl's `no matches for kind` would
 * teach that the kind does not exist. The loader accepts them with a warning instead, and
 * `kubectl get` says the type is real but not simulated. The groups and versions are those
 * the API server serves by default (pkg/controlplane/apiserver/options, the GA APIs of
 * k8s.io/api at v0.37: a removed version such as batch/v1beta1 is still an error), and
 * the resource names and short names are discovery's (`kubectl api-resources`).
 */
export interface BuiltinKind {
  kind: string
  apiVersions: string[]
  /** plural first, then singular and short names */
  names: string[]
  /** the group, for `kubectl get`'s message; '' for the core group */
  group: string
  /** what is missing because the object is ignored, when it matters to the network */
  consequence?: string
}

const B = (kind: string, apiVersions: string[], names: string[], consequence?: string): BuiltinKind => {
  const v = apiVersions[0]
  return { kind, apiVersions, names, group: v.includes('/') ? v.split('/')[0] : '', consequence }
}

export const BUILTIN_UNMODELLED: BuiltinKind[] = [
  // core/v1
  B('PersistentVolumeClaim', ['v1'], ['persistentvolumeclaims', 'persistentvolumeclaim', 'pvc']),
  B('PersistentVolume', ['v1'], ['persistentvolumes', 'persistentvolume', 'pv']),
  B('LimitRange', ['v1'], ['limitranges', 'limitrange', 'limits']),
  B('ResourceQuota', ['v1'], ['resourcequotas', 'resourcequota', 'quota']),
  B('ReplicationController', ['v1'], ['replicationcontrollers', 'replicationcontroller', 'rc'], 'the Pods it would create do not exist'),
  B('PodTemplate', ['v1'], ['podtemplates', 'podtemplate']),
  // apps, batch, autoscaling, policy
  B('ControllerRevision', ['apps/v1'], ['controllerrevisions', 'controllerrevision']),
  B('Job', ['batch/v1'], ['jobs', 'job'], 'the Pods it would create do not exist'),
  B('CronJob', ['batch/v1'], ['cronjobs', 'cronjob', 'cj'], 'the Jobs and Pods it would create do not exist'),
  B('HorizontalPodAutoscaler', ['autoscaling/v2', 'autoscaling/v1'], ['horizontalpodautoscalers', 'horizontalpodautoscaler', 'hpa'], 'replica counts stay as the workloads set them'),
  B('PodDisruptionBudget', ['policy/v1'], ['poddisruptionbudgets', 'poddisruptionbudget', 'pdb']),
  // RBAC
  B('Role', ['rbac.authorization.k8s.io/v1'], ['roles', 'role']),
  B('RoleBinding', ['rbac.authorization.k8s.io/v1'], ['rolebindings', 'rolebinding']),
  B('ClusterRole', ['rbac.authorization.k8s.io/v1'], ['clusterroles', 'clusterrole']),
  B('ClusterRoleBinding', ['rbac.authorization.k8s.io/v1'], ['clusterrolebindings', 'clusterrolebinding']),
  // networking.k8s.io objects a reader may add (the cluster's own are modelled)
  B('ServiceCIDR', ['networking.k8s.io/v1'], ['servicecidrs', 'servicecidr'], 'Services get no addresses from its range'),
  B('IPAddress', ['networking.k8s.io/v1'], ['ipaddresses', 'ipaddress', 'ip']),
  // storage, scheduling, nodes, leases
  B('StorageClass', ['storage.k8s.io/v1'], ['storageclasses', 'storageclass', 'sc']),
  B('VolumeAttributesClass', ['storage.k8s.io/v1'], ['volumeattributesclasses', 'volumeattributesclass']),
  B('CSIDriver', ['storage.k8s.io/v1'], ['csidrivers', 'csidriver']),
  B('PriorityClass', ['scheduling.k8s.io/v1'], ['priorityclasses', 'priorityclass', 'pc']),
  B('RuntimeClass', ['node.k8s.io/v1'], ['runtimeclasses', 'runtimeclass']),
  B('Lease', ['coordination.k8s.io/v1'], ['leases', 'lease']),
  // the API server's own extension points
  B('CustomResourceDefinition', ['apiextensions.k8s.io/v1'], ['customresourcedefinitions', 'customresourcedefinition', 'crd', 'crds'], 'the kinds it defines are still unknown here'),
  B('APIService', ['apiregistration.k8s.io/v1'], ['apiservices', 'apiservice']),
  B('MutatingWebhookConfiguration', ['admissionregistration.k8s.io/v1'], ['mutatingwebhookconfigurations', 'mutatingwebhookconfiguration']),
  B('ValidatingWebhookConfiguration', ['admissionregistration.k8s.io/v1'], ['validatingwebhookconfigurations', 'validatingwebhookconfiguration']),
  B('ValidatingAdmissionPolicy', ['admissionregistration.k8s.io/v1'], ['validatingadmissionpolicies', 'validatingadmissionpolicy']),
  B('ValidatingAdmissionPolicyBinding', ['admissionregistration.k8s.io/v1'], ['validatingadmissionpolicybindings', 'validatingadmissionpolicybinding']),
  B('PriorityLevelConfiguration', ['flowcontrol.apiserver.k8s.io/v1'], ['prioritylevelconfigurations', 'prioritylevelconfiguration']),
  B('FlowSchema', ['flowcontrol.apiserver.k8s.io/v1'], ['flowschemas', 'flowschema']),
  B('CertificateSigningRequest', ['certificates.k8s.io/v1'], ['certificatesigningrequests', 'certificatesigningrequest', 'csr']),
]

export function builtinUnmodelled(kind: string): BuiltinKind | undefined {
  return BUILTIN_UNMODELLED.find((b) => b.kind === kind)
}

/** The built-in type `kubectl get NAME` means, when the simulator does not model it. */
export function builtinResource(name: string): BuiltinKind | undefined {
  const n = name.toLowerCase()
  return BUILTIN_UNMODELLED.find((b) => b.names.includes(n) || `${b.names[0]}.${b.group}` === n)
}
