/**
 * Hard limits on what one scenario may ask of the engine. Work is bounded by
 * these before anything is built, so hostile input fails fast with a message.
 */
export const LIMITS = {
  /** characters of YAML in one scenario */
  maxTextLength: 2_000_000,
  /** YAML documents (and List items) */
  maxObjects: 5_000,
  /** flow-collection nesting or indentation depth */
  maxDepth: 64,
  /** alias expansions per document (yaml's maxAliasCount) */
  maxAliasCount: 100,
  /** Pods after expanding every workload */
  maxPods: 20_000,
  /** replicas of a single workload */
  maxReplicas: 10_000,
  maxNodes: 500,
  maxServices: 10_000,
  /** endpoints across all EndpointSlices (Pods × the Services that select them) */
  maxEndpoints: 200_000,
  /** characters of one command line */
  maxCommandLength: 4_096,
  /** commands in one run (one Session: a request, an example, a CLI invocation) */
  maxCommandsPerRun: 1_000,
  /** things a run may create in its per-run state (namespaces, links, addresses, routes of the by-hand lab) */
  maxSessionObjects: 1_000,
  /** Pods that the cluster rebuilds of `kubectl run --rm` may build in one run (each builds the whole scenario again) */
  maxOneOffPodWork: 100_000,
} as const
