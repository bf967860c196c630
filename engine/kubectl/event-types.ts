/** An event as the API server holds it (events.ts builds the Pods', workload-events.ts the controllers'). */
import type { ObjectMeta } from '../model/types.ts'

export interface ClusterEvent {
  meta: ObjectMeta
  involved: { apiVersion: string; kind: string; namespace: string; name: string; uid: string; fieldPath?: string }
  type: 'Normal' | 'Warning'
  reason: string
  message: string
  /** core/v1 source.component (kubelet), empty for events.k8s.io/v1 writers (the scheduler) */
  component: string
  host?: string
  reportingController: string
  reportingInstance: string
  /** ms since the epoch */
  first: number
  last: number
  count: number
  /** written through events.k8s.io/v1: eventTime instead of first/lastTimestamp */
  eventTime: boolean
  action?: string
}
