import type { Cluster, Container, Pod } from '../model/types.ts'
import type { LogLine } from '../text/klog.ts'

/** A program whose output the engine can produce for a container. */
export interface LogSource {
  /** short name, for the note about containers no source claims */
  name: string
  /** true when this source writes `container`'s log */
  matches(cluster: Cluster, pod: Pod, container: Container): boolean
  /** every line the container wrote since it started, oldest first */
  lines(cluster: Cluster, pod: Pod, container: Container): LogLine[]
}
