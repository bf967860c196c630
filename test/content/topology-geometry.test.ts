// Diagram geometry (issue 19): in the topology diagram of every example of every chapter, no
// line from a Service to a Pod crosses a box other than its two ends (the Service, the Pod and
// the node that holds the Pod). The diagram is drawn as the guide draws it, after the example's
// commands (site/examples/run-scenario.ts), and read back from the SVG itself.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { readExampleFence } from '../../site/examples/fence.ts'
import { runScenario } from '../../site/examples/run-scenario.ts'
import { composeScenario } from '../../site/examples/scenario-text.ts'
import { root } from './compile.ts'

interface Box {
  kind: 'node' | 'pod' | 'svc'
  x: number
  y: number
  width: number
  height: number
}

const FENCE = /^```yaml ([^\n]*\bexample=[^\n]*)\n([\s\S]*?)^```/gm

function examplesOf(page: string) {
  const text = readFileSync(join(root, 'content', page), 'utf8')
  return [...text.matchAll(FENCE)].flatMap(([, meta, body]) => {
    const { fence } = readExampleFence('yaml', meta)
    if (!fence) return []
    const base = fence.base ? readFileSync(join(root, 'content/scenarios', `${fence.base}.yaml`), 'utf8') : undefined
    return [{ id: fence.id, scenario: composeScenario(base, body).text, commands: fence.commands }]
  })
}

const number = (tag: string, name: string) => Number(new RegExp(`\\s${name}="([-\\d.]+)"`).exec(tag)?.[1] ?? NaN)

function boxes(svg: string): Box[] {
  return [...svg.matchAll(/<rect class="k-(node|pod|svc)[^"]*"[^>]*>/g)].map(([tag, kind]) => ({
    kind: kind as Box['kind'],
    x: number(tag, 'x'),
    y: number(tag, 'y'),
    width: number(tag, 'width'),
    height: number(tag, 'height'),
  }))
}

/** Points along a path of M, L, Q and C commands, every pixel or so. */
function pathPoints(d: string): [number, number][] {
  const tokens = d.match(/[MLQC]|-?[\d.]+/g) ?? []
  const points: [number, number][] = []
  let at: [number, number] = [0, 0]
  let i = 0
  const read = (): [number, number] => [Number(tokens[i++]), Number(tokens[i++])]
  while (i < tokens.length) {
    const op = tokens[i++]
    const controls = op === 'M' || op === 'L' ? 0 : op === 'Q' ? 1 : 2
    const ps = [at, ...Array.from({ length: controls + 1 }, read)]
    if (op !== 'M') {
      for (let s = 0; s <= 64; s++) {
        const t = s / 64
        // de Casteljau: the point at t of the Bézier (a line when there are no controls)
        let layer = ps
        while (layer.length > 1) layer = layer.slice(1).map((p, k) => [layer[k][0] + (p[0] - layer[k][0]) * t, layer[k][1] + (p[1] - layer[k][1]) * t])
        points.push(layer[0])
      }
    }
    at = ps[ps.length - 1]
  }
  return points
}

const inside = (b: Box, [x, y]: [number, number]) => x > b.x + 0.5 && x < b.x + b.width - 0.5 && y > b.y + 0.5 && y < b.y + b.height - 0.5
const contains = (outer: Box, inner: Box) => inner.x >= outer.x && inner.y >= outer.y && inner.x + inner.width <= outer.x + outer.width && inner.y + inner.height <= outer.y + outer.height

/** Each link's crossings of boxes that are not its ends, in words. */
function crossings(svg: string): string[] {
  const all = boxes(svg)
  const problems: string[] = []
  for (const [, d] of svg.matchAll(/<path class="k-link[^"]*" d="([^"]+)"/g)) {
    const points = pathPoints(d)
    const start = points[0]
    const end = points[points.length - 1]
    const touches = (b: Box, [x, y]: [number, number]) => x >= b.x - 0.5 && x <= b.x + b.width + 0.5 && y >= b.y - 0.5 && y <= b.y + b.height + 0.5
    const svc = all.find((b) => b.kind === 'svc' && touches(b, start))
    const pod = all.find((b) => b.kind === 'pod' && touches(b, end))
    const node = pod && all.find((b) => b.kind === 'node' && contains(b, pod))
    if (!svc || !pod || !node) {
      problems.push(`a link that does not join a Service to a Pod: ${d}`)
      continue
    }
    for (const box of all) {
      if (box === svc || box === pod || box === node) continue
      const hit = points.find((p) => inside(box, p))
      if (hit) problems.push(`the link ${d} crosses a ${box.kind} box at ${box.x},${box.y} (at ${hit.map(Math.round).join(',')})`)
    }
  }
  return problems
}

const pages = readdirSync(join(root, 'content'))
  .filter((file) => file.endsWith('.mdx'))
  .sort()

let linksDrawn = 0

describe('topology diagrams', () => {
  it('the checker sees a line that crosses a box', () => {
    const svg =
      '<rect class="k-node" x="0" y="0" width="100" height="100"/><rect class="k-pod" x="10" y="10" width="80" height="20"/>' +
      '<rect class="k-pod" x="10" y="40" width="80" height="20"/><rect class="k-svc" x="0" y="150" width="100" height="40"/>' +
      '<path class="k-link" d="M50,150 C50,120 50,60 50,30"/>'
    expect(crossings(svg)).toEqual([expect.stringContaining('crosses a pod box at 10,40')])
  })

  it.each(pages)('content/%s: no link crosses a box it does not join', (page) => {
    const problems: string[] = []
    let links = 0
    for (const example of examplesOf(page)) {
      const svg = runScenario(example.scenario, example.commands, 'topology').diagram?.svg
      if (!svg) continue
      links += svg.split('class="k-link').length - 1
      problems.push(...crossings(svg).map((p) => `${example.id}: ${p}`))
    }
    linksDrawn += links
    expect(problems.join('\n')).toBe('')
  })

  it('looked at many links (the chapters draw Services and their Pods)', () => {
    expect(linksDrawn).toBeGreaterThan(100)
  })
})
