/**
 * Which command a `diagram="trace"`, `diagram="matrix"` or `diagram="gateway"` is drawn from: the
 * last `trace` (run anywhere: the workstation, `kubectl exec POD -- trace …`, `ssh NODE trace …`),
 * the last `policy matrix` or the last `gateway topology` of the commands. Plain text work, so the page's script can ask it without
 * loading the engine; site/examples/result-diagram.ts draws.
 */
import { tokenize } from '../../engine/shell/tokenize.ts'
import type { DiagramKind } from './types.ts'

/** The diagrams drawn from a command's answer rather than from the cluster. */
export type AnswerDiagramKind = Exclude<DiagramKind, 'topology'>

/** How content/README.md and the build's messages name the command each diagram needs. */
export const DIAGRAM_COMMAND: Record<AnswerDiagramKind, string> = { trace: 'trace', matrix: 'policy matrix', node: 'ssh NODE ip', gateway: 'gateway topology', clusterset: 'mesh clusterset' }

export function isAnswerDiagram(kind: DiagramKind | undefined): kind is AnswerDiagramKind {
  return kind === 'trace' || kind === 'matrix' || kind === 'node' || kind === 'gateway' || kind === 'clusterset'
}

/** The words of the program a command line runs, after `kubectl exec … --` or `ssh NODE`. */
function programWords(line: string): string[] {
  const t = tokenize(line)
  if ('error' in t) return []
  const words = t.words
  if (words[0] === 'kubectl' && words[1] === 'exec') {
    const dashes = words.indexOf('--')
    return dashes < 0 ? [] : words.slice(dashes + 1)
  }
  if (words[0] === 'ssh') return words.slice(1).filter((w, i) => !(i === 0 && w.startsWith('-'))).slice(1)
  return words
}

/** Whether `line` is a command the diagram can be drawn from. */
export function drawsDiagram(kind: AnswerDiagramKind, line: string): boolean {
  const [program, sub] = programWords(line)
  // the node diagram: any `ip` run on a node (its answer carries the node's namespaces)
  if (kind === 'node') return program === 'ip' && /^\s*ssh\s/.test(line)
  if (kind === 'gateway') return program === 'gateway' && sub === 'topology'
  if (kind === 'clusterset') return program === 'mesh' && sub === 'clusterset'
  // `mesh trace` answers with a trace too (what a mesh would do on the path)
  return kind === 'trace' ? program === 'trace' || (program === 'mesh' && sub === 'trace') : program === 'policy' && sub === 'matrix'
}

/** The index of the last command the diagram is drawn from, or -1 when there is none. */
export function diagramCommandIndex(kind: AnswerDiagramKind, commands: readonly string[]): number {
  for (let i = commands.length - 1; i >= 0; i--) if (drawsDiagram(kind, commands[i])) return i
  return -1
}
