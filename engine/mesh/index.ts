/**
 * What the simulator does not run, drawn from what it does: a service mesh's path over the
 * engine's real trace (`mesh trace`, sidecar or ambient, as Istio would carry it) and the
 * Multi-Cluster Services API for one Service with a described peer cluster (`mesh clusterset`).
 * Every hop or box that is illustration says so.
 *
 * @example
 * runCommand(cluster, 'mesh trace --mode ambient client -> web:80') // the trace, ztunnel and HBONE hops dashed
 * runCommand(cluster, 'mesh clusterset web --peer west --peer-pods 10.245.0.0/16 --peer-services 10.112.0.0/12')
 */
export { meshProgram } from './program.ts'
export { meshTrace, ILLUSTRATION, type MeshMode, type MeshTraceInput } from './trace.ts'
export { spiffeId, DEFAULT_TRUST_DOMAIN } from './identity.ts'
export { clusterSetView, findOverlaps, type ClusterSetView, type ClusterRanges } from './clusterset.ts'
export { formatClusterSet } from './clusterset-program.ts'
export { clusterSetDiagram } from './clusterset-diagram.ts'
