import { LIMITS } from '../engine/index.ts'

/**
 * What one request may ask of the Worker, on top of what the content itself may hold
 * (SCENARIO_LIMITS in shared/scenario-content.ts). The engine's own LIMITS bound what it
 * will build at all; these sit far below them, at what one Worker invocation can run
 * comfortably (128 MB of memory, a CPU budget), measured with `npm run load` and
 * functions/README.md's figures.
 */
export const API_LIMITS = {
  /** bytes in a request body */
  maxBodyBytes: 256 * 1024,
  /** YAML documents and List items in a scenario */
  maxObjects: Math.min(1_000, LIMITS.maxObjects),
  maxNodes: Math.min(50, LIMITS.maxNodes),
  /** Pods the scenario's own Pods and workloads make, add-ons not counted */
  maxPods: Math.min(500, LIMITS.maxPods),
  maxServices: Math.min(100, LIMITS.maxServices),
  /** milliseconds one run may take, loading and every command included */
  budgetMs: 1_000,
  /**
   * characters of answers one run may return (each command's stdout, stderr and data as JSON,
   * and the diagram): the answers, not the cluster, are what fills a Worker's memory. The
   * largest run the other limits allow (test/bench/worker-memory.bench.ts) otherwise answers
   * 44 MB of JSON and holds 150 MB; at this limit it stays under 64 MB.
   */
  maxAnswerChars: 4_000_000,
  /** how long an answer stays in the Cache API */
  runCacheSeconds: 24 * 60 * 60,
  /** stored scenarios per client per window */
  writesPerWindow: 20,
  writeWindowSeconds: 10 * 60,
}

export type ApiLimits = typeof API_LIMITS
