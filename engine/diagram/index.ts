/** Diagrams the engine draws from a scenario: SVG with a text alternative. */
export { topologyDiagram } from './topology.ts'
export type { Diagram, TopologyOptions } from './topology.ts'
export { escapeXml } from './svg.ts'
export { traceDiagram, type TraceDiagramOptions } from './trace.ts'
export { matrixDiagram, type MatrixDiagramOptions } from './matrix.ts'
export { nodeDiagram, type NodeDiagramOptions } from './node.ts'
