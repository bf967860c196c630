export interface BenchResult {
  name: string
  value: number
  unit: string
  /** the target, when it names one (same unit): a maximum, or for unit `score` a minimum */
  target?: number
}

/**
 * Calls fn until the JIT has had its chance: at least 5 calls and 300 ms (at
 * most 50 calls). Code that runs once per call (a whole cluster build) is only
 * optimized after several calls; two warm-up calls measured the compiler, not
 * the engine. A Worker isolate or a reader's tab runs warm code after its first
 * request, which is what these figures describe (the engine bench also prints
 * the first, cold call).
 */
function warmUp(fn: () => unknown): void {
  const start = performance.now()
  for (let i = 0; i < 50 && (i < 5 || performance.now() - start < 300); i++) fn()
}

/** Median and fastest wall time of `runs` calls in milliseconds, after warming up. */
export function timings(runs: number, fn: () => unknown): { median: number; min: number } {
  warmUp(fn)
  const times: number[] = []
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now()
    fn()
    times.push(performance.now() - t0)
  }
  times.sort((a, b) => a - b)
  return { median: times[Math.floor(times.length / 2)], min: times[0] }
}

/** Median wall time of `runs` calls in milliseconds, after warming up. */
export function median(runs: number, fn: () => unknown): number {
  return timings(runs, fn).median
}

/** Wall time of one call in milliseconds. */
export function once(fn: () => unknown): number {
  const t0 = performance.now()
  fn()
  return performance.now() - t0
}
