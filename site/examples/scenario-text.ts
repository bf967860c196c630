/**
 * An example's scenario is its base scenario (content/scenarios/NAME.yaml), then the block's
 * own manifests, as one multi-document YAML text. The engine reports lines in that text;
 * `locateLine` takes them back to the part the reader (or author) wrote them in.
 */

export interface ComposedScenario {
  text: string
  /** lines the base takes at the top of `text` (0 without a base) */
  baseLines: number
  /** the line of `text` where the manifests start (1-based) */
  manifestsStart: number
}

export function composeScenario(base: string | undefined, manifests: string): ComposedScenario {
  const head = (base ?? '').replace(/\s+$/, '')
  if (head === '') return { text: manifests, baseLines: 0, manifestsStart: 1 }
  const baseLines = head.split('\n').length
  return { text: `${head}\n---\n${manifests}`, baseLines, manifestsStart: baseLines + 2 }
}

/** Where line `line` of the composed text came from: the base, the manifests, or the `---` between. */
export function locateLine(
  composed: ComposedScenario,
  line: number,
): { part: 'base' | 'manifests'; line: number } {
  if (line >= composed.manifestsStart) return { part: 'manifests', line: line - composed.manifestsStart + 1 }
  if (line <= composed.baseLines) return { part: 'base', line }
  // the separator we added: blame the first manifest line
  return { part: 'manifests', line: 1 }
}
