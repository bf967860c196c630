export interface BenchResult {
  name: string
  value: number
  unit: string
  /** the target, when it names one (same unit): a maximum, or for unit `score` a minimum */
  target?: number
}

/** Median and fastest wall time of `runs` calls in milliseconds, after two warm-up calls. */
export function timings(runs: number, fn: () => unknown): { median: number; min: number } {
  fn()
  fn()
  const times: number[] = []
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now()
    fn()
    times.push(performance.now() - t0)
  }
  times.sort((a, b) => a - b)
  return { median: times[Math.floor(times.length / 2)], min: times[0] }
}

/** Median wall time of `runs` calls in milliseconds, after two warm-up calls. */
export function median(runs: number, fn: () => unknown): number {
  fn()
  fn()
  const times: number[] = []
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now()
    fn()
    times.push(performance.now() - t0)
  }
  times.sort((a, b) => a - b)
  return times[Math.floor(times.length / 2)]
}
