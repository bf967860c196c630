/**
 * kubelet's restart back-off for a container that exits as soon as it starts
 * (pkg/kubelet/kubelet.go: backOffPeriod 10s, MaxContainerBackOff 300s). The
 * first exit is restarted at once: kuberuntime_manager.go doBackOff finds no
 * back-off entry for the container yet (flowcontrol.Backoff IsInBackOffSince
 * is false) and only then creates one (Next, 10 s). Each later exit waits out
 * the current back-off, which doubles at every restart up to 5 minutes. The
 * simulator's containers start when their Pod was created and fail at once.
 */

const BASE = 10
const MAX = 300

export interface CrashLoop {
  /** restarts so far (status.containerStatuses[].restartCount) */
  restarts: number
  /** when the last attempt started and exited (lastState.terminated) */
  lastStart: string
  /** the back-off kubelet waits now, in seconds */
  backoff: number
}

/**
 * @example
 * crashLoop('2026-01-15T11:55:00Z', '2026-01-15T12:00:00Z') // { restarts: 5, lastStart: '2026-01-15T11:57:30Z', backoff: 160 }
 */
export function crashLoop(created: string, now: string): CrashLoop {
  const t0 = Date.parse(created)
  const span = Math.max(0, (Date.parse(now) - t0) / 1000)
  let at = 0
  // the restart right after the first exit
  let restarts = 1
  let wait = BASE
  while (at + wait <= span && restarts < 100_000) {
    at += wait
    restarts++
    wait = Math.min(wait * 2, MAX)
  }
  return { restarts, lastStart: new Date(t0 + at * 1000).toISOString().replace('.000Z', 'Z'), backoff: wait }
}

/** Go's time.Duration String for whole seconds: 10s, 2m40s, 5m0s. */
export function goDuration(seconds: number): string {
  if (seconds < 60) return `${seconds}s`
  const m = Math.floor(seconds / 60)
  return `${m}m${seconds % 60}s`
}
