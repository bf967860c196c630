import type { JsonObject } from '../model/types.ts'
import type { Loaded } from './context.ts'
import type { PodSpecInfo } from './pod-spec.ts'

/** A Pod before scheduling and IPAM: from a Pod manifest, a workload's template, or the cluster's own add-ons. */
export interface PodDraft {
  namespace: string
  name: string
  labels: Record<string, string>
  annotations: Record<string, string>
  spec: PodSpecInfo
  /** the PodSpec JSON (template spec for workload Pods) */
  specJson: JsonObject
  /** status as written in a pasted Pod */
  statusJson?: JsonObject
  raw?: JsonObject
  owner?: { apiVersion: string; kind: string; name: string; uid: string }
  workload?: { kind: string; name: string }
  /** the object to blame in diagnostics, and the path of the Pod inside it */
  loaded?: Loaded
  /** only for DaemonSet Pods: the node it must run on */
  daemonNode?: string
  system: boolean
  hostname?: string
  subdomain?: string
  generateName?: string
  extraAnnotations?: Record<string, string>
}
