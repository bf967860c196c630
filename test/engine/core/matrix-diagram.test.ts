/**
 * The policy matrix diagram: the `data` of `policy matrix` drawn as a grid, allowed and denied
 * cells marked (not only coloured), a text alternative that reads it row by row, the CNI's
 * own behaviour when it differs, and every label escaped.
 */
import { describe, expect, it } from 'vitest'
import { matrixDiagram, runCommand } from '../../../engine/index.ts'
import type { Matrix } from '../../../engine/policy/index.ts'
import { cluster, docs } from './helpers.ts'

const pod = (name: string, labels: Record<string, string>, node = 'node-1') => `apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: x, labels: ${JSON.stringify(labels)}}
spec:
  nodeName: ${node}
  containers: [{name: c, image: nginx, ports: [{containerPort: 80}]}]`

const scenario = (cni: string) =>
  cluster(
    docs(
      `apiVersion: knet/v1alpha1\nkind: Cluster\nspec: {cni: ${cni}}`,
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: x}',
      pod('a', { pod: 'a' }),
      pod('b', { pod: 'b' }, 'node-2'),
      pod('c', { pod: 'c' }, 'node-3'),
      // a admits only b
      `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: a-from-b, namespace: x}\nspec:\n  podSelector: {matchLabels: {pod: a}}\n  ingress: [{from: [{podSelector: {matchLabels: {pod: b}}}]}]`,
    ),
  )

const matrixOf = (cni: string, args = '-n x --port 80') => runCommand(scenario(cni), `policy matrix ${args}`).data as Matrix

/** The class of each cell's square, row by row, as the grid draws them. */
function cells(svg: string, n: number): string[][] {
  const classes = [...svg.matchAll(/<rect class="k-m-(allow|deny|self)" x="[\d.]+" y="[\d.]+" width="30"/g)].map((m) => m[1])
  return Array.from({ length: n }, (_, i) => classes.slice(i * n, i * n + n))
}

describe('the policy matrix diagram', () => {
  const m = matrixOf('calico')
  const d = matrixDiagram(m)

  it('is an image with a title and a description that reads the matrix in words', () => {
    expect(d.svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true)
    expect(d.svg).toContain('role="img"')
    expect(d.svg).toContain('aria-labelledby="k-matrix-title k-matrix-desc"')
    expect(d.svg).toContain('<title id="k-matrix-title">Policy matrix: Policy verdicts on port 80/TCP</title>')
    expect(d.alt).toBe(
      'Policy verdicts on port 80/TCP, 3 source(s) by 3 destination(s). ' +
        'From x/a: may connect to x/b, x/c. ' +
        'From x/b: may connect to x/a, x/c. ' +
        'From x/c: may connect to x/b; may not connect to x/a.',
    )
    expect(d.svg).toContain(`<desc id="k-matrix-desc">${d.alt}</desc>`)
  })

  it('draws a cell per pair: allowed, denied, and the Pod itself, each with its own mark', () => {
    expect(m.combined).toEqual([['#', '.', '.'], ['.', '#', '.'], ['X', '.', '#']])
    expect(cells(d.svg, 3)).toEqual([
      ['self', 'allow', 'allow'],
      ['allow', 'self', 'allow'],
      ['deny', 'allow', 'self'],
    ])
    // 5 ✓ and 1 ✗ in the grid, one more of each in the legend; not colour alone
    expect(d.svg.match(/>✓</g)).toHaveLength(6)
    expect(d.svg.match(/>✗</g)).toHaveLength(2)
    expect(d.svg.match(/>—</g)).toHaveLength(4)
    // colours are the page's variables, with fallbacks legible on white
    expect(d.svg).toContain('var(--knet-allow,')
    expect(d.svg).toContain('var(--knet-deny,')
    // no dashed cells: Calico does what the policies say
    expect(d.svg).not.toContain('class="k-m-diff"')
  })

  it('labels rows with sources and columns with destinations, with their ports when each has its own', () => {
    for (const label of ['x/a', 'x/b', 'x/c']) expect(d.svg).toContain(`text-anchor="end">${label}</text>`)
    expect(d.svg).toMatch(/transform="rotate\(-45 [\d.]+ [\d.]+\)">x\/a<\/text>/)
    const own = matrixDiagram(matrixOf('calico', '-n x'))
    expect(own.svg).toContain('Policy verdicts on each destination&#39;s first declared port')
    expect(own.svg).toMatch(/rotate\(-45 [\d.]+ [\d.]+\)">x\/a:80<\/text>/)
    expect(own.alt).toContain('From x/c: may connect to x/b:80; may not connect to x/a:80.')
  })

  it('dashes the cells a CNI that ignores policies lets through, and says why', () => {
    const flannel = matrixDiagram(matrixOf('flannel'))
    expect(flannel.svg.match(/class="k-m-diff"/g)).toHaveLength(1)
    expect(flannel.alt).toContain('may not connect to x/a (not on this cluster)')
    expect(flannel.alt).toMatch(/Dashed: this cluster does otherwise, because flannel only connects Pods; .*, so every connection goes through\.$/)
    // the note is wrapped into lines that fit the picture
    const lines = [...flannel.svg.matchAll(/<text x="16" y="[\d.]+" class="k-s">([^<]*)<\/text>/g)].map((x) => x[1])
    expect(lines.join(' ')).toContain('Dashed: this cluster does otherwise')
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(100)
  })

  it('can draw one side only', () => {
    const ingress = matrixDiagram(m, { view: 'ingress' })
    expect(ingress.svg).toContain('Policy verdicts on port 80/TCP (ingress side only)')
    expect(cells(ingress.svg, 3)[2][0]).toBe('deny')
    expect(cells(matrixDiagram(m, { view: 'egress' }).svg, 3)[2][0]).toBe('allow')
  })

  it('stops at maxRows and says how many are left out', () => {
    const small = matrixDiagram(m, { maxRows: 2 })
    expect(cells(small.svg, 2)).toEqual([['self', 'allow'], ['allow', 'self']])
    expect(small.alt).toContain('1 more row(s) and column(s) are not drawn')
  })

  it('escapes every label', () => {
    const evil: Matrix = {
      ...m,
      rows: m.rows.map((r, i) => (i === 0 ? { ...r, label: '"><script>alert(1)</script>' } : i === 1 ? { ...r, label: '<img src=x onerror=alert(1)>' } : r)),
      enforcement: { ...m.enforcement, note: '</desc><script>x</script>' },
      effective: m.combined.map((row) => row.map((c) => (c === 'X' ? '.' : c))),
    }
    const { svg, alt } = matrixDiagram(evil)
    expect(svg).not.toContain('<script')
    expect(svg).not.toContain('<img')
    expect(svg).toContain('&lt;img src=x onerror=alert(1)&gt;')
    expect(svg).toContain('&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(alt).toContain('From "><script>alert(1)</script>: ')
    // only the diagram's own elements
    const elements = new Set([...svg.matchAll(/<([a-z]+)[\s>/]/g)].map((x) => x[1]))
    expect([...elements].sort()).toEqual(['desc', 'rect', 'style', 'svg', 'text', 'title'])
  })
})
