/**
 * Puts a run's answer into an example's HTML, in the same shape KnetExample.astro renders at
 * build time. Text goes in as text (textContent), never as markup; the diagram goes through
 * sanitizeSvg.
 */
import { prefixSvgIds, sanitizeSvg } from '../examples/svg-safety.ts'
import type { CommandAnswer, DiagramAnswer } from '../examples/types.ts'

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string) {
  const node = document.createElement(tag)
  node.className = className
  if (text !== undefined) node.textContent = text
  return node
}

/** One `$ command`, its output and error output, and its exit code when not 0. */
export function commandBlock(result: CommandAnswer): HTMLElement {
  const block = element('div', 'knet-command')
  block.dataset.exit = String(result.exitCode)
  const line = element('pre', 'knet-command__line')
  const ps1 = element('span', 'knet-ps1', '$ ')
  ps1.setAttribute('aria-hidden', 'true')
  line.append(ps1, element('code', '', result.command))
  block.append(line)
  // what the program wrote to stderr before its output (kubectl's notices) comes first, as in a terminal
  const first = result.stderr.slice(0, result.stderrFirst ?? 0)
  const rest = result.stderr.slice(first.length)
  const err = (text: string) => {
    const pre = element('pre', 'knet-command__err')
    pre.append(element('span', 'sr-only', 'Error output: '), text)
    return pre
  }
  if (first) block.append(err(first))
  if (result.stdout) block.append(element('pre', 'knet-command__out', result.stdout))
  if (rest) block.append(err(rest))
  if (result.exitCode !== 0) block.append(element('p', 'knet-command__exit', `exit code ${result.exitCode}`))
  return block
}

export function renderResults(container: HTMLElement, results: readonly CommandAnswer[]) {
  container.replaceChildren(...results.map(commandBlock))
}

/**
 * Replaces the drawn diagram; false when the new one was not a drawing and was left out. With
 * no diagram (the run has no trace or matrix to draw), the figure says why instead.
 */
export function renderDiagram(figure: HTMLElement, diagram: DiagramAnswer | undefined, idPrefix: string, missing = 'nothing to draw'): boolean {
  const scroll = figure.querySelector<HTMLElement>('[data-knet-diagram]')
  const alt = figure.querySelector<HTMLElement>('[data-knet-alt]')
  if (!scroll) return false
  if (!diagram) {
    const text = `No diagram: ${missing}.`
    scroll.style.removeProperty('--knet-w')
    scroll.replaceChildren(element('p', 'knet-figure__empty', text))
    if (alt) alt.textContent = text
    return true
  }
  const svg = sanitizeSvg(prefixSvgIds(diagram.svg, idPrefix), document)
  if (!svg) return false
  const width = Number(svg.getAttribute('width'))
  if (width > 0) scroll.style.setProperty('--knet-w', `${width}px`)
  scroll.replaceChildren(svg)
  if (alt) alt.textContent = diagram.alt
  return true
}
