import type { Cluster, Container, Pod } from '../model/types.ts'
import type { LogLine } from '../text/klog.ts'
import type { Session } from '../shell/session.ts'

/** A program whose output the engine can produce for a container. */
export interface LogSource {
  /** short name, for the note about containers no source claims */
  name: string
  /** true when this source writes `container`'s log */
  matches(cluster: Cluster, pod: Pod, container: Container): boolean
  /** every line the container wrote since it started, oldest first; `session` is the run's (what earlier commands of the run made the program write) */
  lines(cluster: Cluster, pod: Pod, container: Container, session?: Session): LogLine[]
}
