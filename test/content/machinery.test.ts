// The example machinery itself, on made-up pages in a throwaway content/ tree: what a broken
// example says, and where. Authors meet these messages when `npm run build` stops.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkHolds, parseCheck } from '../../site/examples/checks.ts'
import { parseFenceMeta, readExampleFence } from '../../site/examples/fence.ts'
import { pagePath } from '../../site/examples/mdast-plugin.ts'
import { composeScenario, locateLine } from '../../site/examples/scenario-text.ts'
import { prefixSvgIds, svgProblem } from '../../site/examples/svg-safety.ts'
import { compilePage, root } from './compile.ts'

const SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: frontend
  ports:
    - port: 80
      targetPort: http
`

let tree: string
beforeAll(() => {
  tree = mkdtempSync(join(tmpdir(), 'knet-content-'))
  mkdirSync(join(tree, 'content/scenarios'), { recursive: true })
  mkdirSync(join(tree, 'content/solutions'), { recursive: true })
  copyFileSync(join(root, 'content/scenarios/two-tier.yaml'), join(tree, 'content/scenarios/two-tier.yaml'))
  writeFileSync(join(tree, 'content/solutions/web-selects-backend.yaml'), SERVICE.replace('app: frontend', 'app: backend'))
  writeFileSync(join(tree, 'content/solutions/still-frontend.yaml'), SERVICE)
})
afterAll(() => rmSync(tree, { recursive: true, force: true }))

/** A page whose example fence (on line 6) has `meta` and `body`. */
function page(meta: string, body = SERVICE) {
  return `---\ntitle: A page\n---\n\nSome text.\n\`\`\`yaml ${meta}\n${body}\`\`\`\n`
}

const compile = (text: string, name = 'chapter.mdx') => compilePage(join(tree, 'content', name), text, tree)

describe('a page with a working example', () => {
  it('builds it and imports the component once', async () => {
    const text = page('example="web" base="two-tier" run="kubectl get svc web" run="kubectl get endpointslices -l kubernetes.io/service-name=web" diagram="topology" expect="2: 10.244." expect="1: exit 0" expect="1: !backend"')
    const { problems, examples, code } = await compile(text)
    expect(problems).toEqual([])
    expect(examples).toEqual(['web'])
    expect(code.match(/import KnetExample__/g)).toHaveLength(1)
    expect(code).toContain('10.244.')
    expect(code).toContain('/play/#z=')
  })

  it('leaves ordinary fences alone', async () => {
    const { problems, examples, code } = await compile('# Title\n\n```yaml\nkind: Service\n```\n')
    expect(problems).toEqual([])
    expect(examples).toEqual([])
    expect(code).not.toContain('KnetExample__')
  })
})

describe('a broken example stops the build, naming the .mdx line', () => {
  it('for a manifest error, at the line and column in the page', async () => {
    const body = SERVICE.replace('port: 80', 'port: 80000')
    const { problems } = await compile(page('example="web" base="two-tier" run="kubectl get svc"', body))
    expect(problems).toHaveLength(1)
    // the fence is on line 6, and `port: 80000` on the body's ninth line, its value at column 13
    expect(problems[0]).toBe('content/chapter.mdx:15:13: example "web": spec.ports[0].port: Invalid value: 80000: must be between 1 and 65535, inclusive')
  })

  it('unless expect-error= names the error; an expect-error that matches nothing fails', async () => {
    const body = SERVICE.replace('port: 80', 'port: 80000')
    const shown = await compile(page('example="web" base="two-tier" run="kubectl get svc" expect-error="must be between 1 and 65535"', body))
    expect(shown.problems).toEqual([])
    const other = await compile(page('example="web" base="two-tier" run="kubectl get svc" expect-error="something else"', body))
    expect(other.problems).toHaveLength(2)
    expect(other.problems[0]).toContain('spec.ports[0].port: Invalid value: 80000')
    expect(other.problems[1]).toBe('content/chapter.mdx:6: example "web": expect-error="something else" fails: no error diagnostic says that (spec.ports[0].port: Invalid value: 80000: must be between 1 and 65535, inclusive)')
    const none = await compile(page('example="web" base="two-tier" run="kubectl get svc" expect-error="overlaps"'))
    expect(none.problems).toEqual(['content/chapter.mdx:6: example "web": expect-error="overlaps" fails: no error diagnostic says that (the manifests have no errors)'])
  })

  it('for a failed expect=, with what the command printed', async () => {
    const { problems } = await compile(page('example="web" base="two-tier" run="kubectl get svc web" expect="1: 10.244." expect="1: exit 1"'))
    expect(problems).toHaveLength(2)
    expect(problems[0]).toMatch(/^content\/chapter\.mdx:6: example "web": expect="1: 10\.244\." fails: command 1 prints "10\.244\."/)
    expect(problems[0]).toContain('$ kubectl get svc web')
    expect(problems[0]).toContain('| web ')
    expect(problems[1]).toContain('expect="1: exit 1" fails: command 1 exits with 1')
  })

  it('for attributes it does not know or cannot read', async () => {
    const typo = await compile(page('example="web" run="kubectl get svc" exepct="1: web"'))
    expect(typo.problems).toEqual([expect.stringMatching(/^content\/chapter\.mdx:6: unknown attribute exepct=/)])
    const unquoted = await compile(page('example="web" run="kubectl get svc" title="open'))
    expect(unquoted.problems).toEqual(['content/chapter.mdx:6: attribute title has no value: write title="…"'])
    const range = await compile(page('example="web" run="kubectl get svc" expect="3: web"'))
    expect(range.problems).toEqual(['content/chapter.mdx:6: expect="3: web" refers to command 3, but there is 1 run= command'])
  })

  it('for a missing base, a duplicate id and an example in plain Markdown', async () => {
    const missing = await compile(page('example="web" base="three-tier" run="kubectl get svc"'))
    expect(missing.problems[0]).toBe('content/chapter.mdx:6: example "web": base="three-tier": there is no content/scenarios/three-tier.yaml')
    const twice = await compile(page('example="web" run="kubectl get svc"') + page('example="web" run="kubectl get pods"').replace(/^---[\s\S]*?---\n/, ''))
    expect(twice.problems).toEqual([expect.stringMatching(/^content\/chapter\.mdx:\d+: example="web" is used twice on this page/)])
    const markdown = await compile(page('example="web" run="kubectl get svc"'), 'chapter.md')
    expect(markdown.problems).toEqual(['content/chapter.md:6: executable examples need an .mdx page'])
  })

  it('for an error in the base scenario, at its own file and line', async () => {
    writeFileSync(join(tree, 'content/scenarios/broken.yaml'), 'apiVersion: v1\nkind: Service\nmetadata:\n  name: x\nspec:\n  ports:\n    - port: -1\n')
    const { problems } = await compile(page('example="web" base="broken" run="kubectl get svc"'))
    expect(problems.some((p) => /^content\/scenarios\/broken\.yaml:7:\d+: example "web": /.test(p))).toBe(true)
  })
})

describe('trace and matrix diagrams', () => {
  const POLICY = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: backend-from-frontend
spec:
  podSelector:
    matchLabels:
      app: backend
  ingress:
    - from:
        - podSelector:
            matchLabels:
              app: frontend
`
  const CALICO = 'apiVersion: knet/v1alpha1\nkind: Cluster\nspec:\n  cni: calico\n---\n'

  it('draw the last trace command, wherever it runs, with the example\'s id prefix', async () => {
    const text = page('example="web" base="two-tier" run="trace workstation -> 10.96.0.1:443" run="kubectl exec deploy/frontend -- trace web" run="kubectl get svc web" diagram="trace"')
    const { problems, code } = await compile(text)
    expect(problems).toEqual([])
    const example = JSON.parse(JSON.parse(/example: ("(?:[^"\\]|\\.)*")/.exec(code)![1]))
    const svg: string = example.answer.diagram.svg
    expect(svgProblem(svg)).toBeUndefined()
    expect(svg).toContain('class="knet-diagram knet-trace"')
    expect(svg).toContain('aria-labelledby="knet-web-k-trace-title knet-web-k-trace-desc"')
    // the Pod's trace to the Service, not the first command's
    expect(example.answer.diagram.alt).toMatch(/^Packet trace from pod default\/frontend-\S+ to web, /)
    expect(example.source.diagram).toBe('trace')
  })

  it('draw a mesh trace as a trace, its mesh hops dashed, and a ClusterSet from mesh clusterset', async () => {
    const text = page('example="web" base="two-tier" run="mesh trace --mode ambient deploy/frontend -> backend:80" diagram="trace"')
    const { problems, code } = await compile(text)
    expect(problems).toEqual([])
    const example = JSON.parse(JSON.parse(/example: ("(?:[^"\\]|\\.)*")/.exec(code)![1]))
    const { svg, alt } = example.answer.diagram as { svg: string; alt: string }
    expect(svgProblem(svg)).toBeUndefined()
    expect(svg).toContain('class="k-hop k-nat k-illus"')
    expect(alt).toMatch(/^Illustration: what Istio would do on this path/)
    const cs = await compile(page('example="web" base="two-tier" run="mesh clusterset web --peer west --peer-pods 10.245.0.0/16 --peer-services 10.112.0.0/12" diagram="clusterset"'))
    expect(cs.problems).toEqual([])
    const drawn = JSON.parse(JSON.parse(/example: ("(?:[^"\\]|\\.)*")/.exec(cs.code)![1])).answer.diagram as { svg: string; alt: string }
    expect(svgProblem(drawn.svg)).toBeUndefined()
    expect(drawn.svg).toContain('aria-labelledby="knet-web-k-cs-title knet-web-k-cs-desc"')
    expect(drawn.alt).toMatch(/^Illustration of the Multi-Cluster Services API/)
  })

  it('draw the last policy matrix as a grid of allowed and denied cells', async () => {
    const text = page('example="web" base="two-tier" run="policy matrix" diagram="matrix"', CALICO + POLICY)
    const { problems, code } = await compile(text)
    expect(problems).toEqual([])
    const example = JSON.parse(JSON.parse(/example: ("(?:[^"\\]|\\.)*")/.exec(code)![1]))
    const { svg, alt } = example.answer.diagram as { svg: string; alt: string }
    expect(svgProblem(svg)).toBeUndefined()
    expect(svg).toContain('aria-labelledby="knet-web-k-matrix-title knet-web-k-matrix-desc"')
    expect(svg).toContain('class="k-m-deny"')
    expect(alt).toMatch(/From default\/frontend-\S+: may connect to default\/backend-/)
    expect(alt).toMatch(/From default\/backend-\S+: may connect to default\/frontend-\S+:80, default\/frontend-\S+:80; may not connect to default\/backend-/)
  })

  it('draw the inside of a node from the last ip command run there', async () => {
    const script = 'apiVersion: knet/v1alpha1\nkind: NodeScript\nmetadata: {name: lab}\nspec:\n  node: node-1\n  commands: ["ip netns add red", "ip link add veth-red type veth peer name veth-red-br", "ip link set veth-red netns red"]\n'
    const text = page('example="web" base="two-tier" run="ssh node-1 ip link" run="kubectl get pods" diagram="node"', script)
    const { problems, code } = await compile(text)
    expect(problems).toEqual([])
    const example = JSON.parse(JSON.parse(/example: ("(?:[^"\\]|\\.)*")/.exec(code)![1]))
    const { svg, alt } = example.answer.diagram as { svg: string; alt: string }
    expect(svgProblem(svg)).toBeUndefined()
    expect(svg).toContain('aria-labelledby="knet-web-k-node-title knet-web-k-node-desc"')
    expect(alt).toContain('Namespace red: lo (loopback, DOWN); veth-red (veth, DOWN, peer veth-red-br on the node)')
    const none = await compile(page('example="web" base="two-tier" run="kubectl get svc" diagram="node"'))
    expect(none.problems).toEqual(['content/chapter.mdx:6: diagram="node" draws the answer of the last ssh NODE ip command, and no run= is one: add run="ssh NODE ip link"'])
  })

  it('stop the build without the command they draw, or when it gives nothing to draw', async () => {
    const none = await compile(page('example="web" base="two-tier" run="kubectl get svc" diagram="trace"'))
    expect(none.problems).toEqual(['content/chapter.mdx:6: diagram="trace" draws the answer of the last trace command, and no run= is one: add run="trace SRC -> DST"'])
    const matrix = await compile(page('example="web" base="two-tier" run="kubectl get svc" diagram="matrix"'))
    expect(matrix.problems).toEqual(['content/chapter.mdx:6: diagram="matrix" draws the answer of the last policy matrix command, and no run= is one: add run="policy matrix"'])
    const cs = await compile(page('example="web" base="two-tier" run="kubectl get svc" diagram="clusterset"'))
    expect(cs.problems).toEqual(['content/chapter.mdx:6: diagram="clusterset" draws the answer of the last mesh clusterset command, and no run= is one: add run="mesh clusterset SERVICE --peer NAME --peer-pods CIDR --peer-services CIDR"'])
    const badPeer = await compile(page('example="web" base="two-tier" run="mesh clusterset web --peer west" diagram="clusterset"'))
    expect(badPeer.problems).toEqual(['content/chapter.mdx:6: example "web": diagram="clusterset": command 1 (mesh clusterset web --peer west) gave no ClusterSet to draw'])
    const broken = await compile(page('example="web" base="two-tier" run="trace nowhere -> web" diagram="trace"'))
    expect(broken.problems).toEqual(['content/chapter.mdx:6: example "web": diagram="trace": command 1 (trace nowhere -> web) gave no trace to draw'])
  })
})

describe('goals', () => {
  const goal = (solution: string) =>
    page(`example="web" base="two-tier" run="kubectl get endpointslices -l kubernetes.io/service-name=web -o wide" run="kubectl get pods -l app=backend -o wide" goal="1: 10.244.3.2" goal-title="Send web's traffic to the backend" solution="${solution}"`)

  it('builds when the manifests miss the goal and the solution meets it', async () => {
    const { problems, examples } = await compile(goal('web-selects-backend'))
    expect(problems).toEqual([])
    expect(examples).toEqual(['web'])
  })

  it('fails when the solution does not meet the goal', async () => {
    const { problems } = await compile(goal('still-frontend'))
    expect(problems).toEqual([expect.stringContaining('content/chapter.mdx:6: example "web": the solution content/solutions/still-frontend.yaml does not meet goal="1: 10.244.3.2"')])
  })

  it('fails when the goal is met before the reader does anything', async () => {
    const { problems } = await compile(goal('web-selects-backend').replace('app: frontend', 'app: backend'))
    expect(problems).toEqual([expect.stringContaining('content/chapter.mdx:6: example "web": the goal is already met by the manifests as written')])
  })

  it('needs a solution file that exists', async () => {
    const none = await compile(page('example="web" run="kubectl get svc" goal="1: x"'))
    expect(none.problems).toEqual(['content/chapter.mdx:6: a goal= needs solution="NAME" (content/solutions/NAME.yaml) that meets it'])
    const missing = await compile(goal('nowhere'))
    expect(missing.problems).toEqual(['content/chapter.mdx:6: example "web": solution="nowhere": there is no content/solutions/nowhere.yaml'])
  })
})

describe('the pieces', () => {
  it('reads fence attributes, repeated ones in order, in either quotes', () => {
    expect(parseFenceMeta(`example="a" run="kubectl get svc" run='echo "hi"' diagram=topology`)).toEqual([
      { name: 'example', value: 'a' },
      { name: 'run', value: 'kubectl get svc' },
      { name: 'run', value: 'echo "hi"' },
      { name: 'diagram', value: 'topology' },
    ])
    expect(readExampleFence('yaml', 'example="a" diagram="flow"').problems).toEqual([
      'diagram="flow" is not a diagram the site can draw: use "topology", "trace", "matrix", "node", "gateway", "clusterset"',
    ])
    expect(readExampleFence('json', 'example="a" run="x"').problems[0]).toContain('must be ```yaml')
  })

  it('checks output, absence and exit codes', () => {
    const answers = [{ exitCode: 0, stdout: 'web   ClusterIP   10.96.0.12\n', stderr: '' }, { exitCode: 1, stdout: '', stderr: 'Error from server (NotFound)\n' }]
    const check = (text: string) => {
      const parsed = parseCheck(text, 2)
      if (typeof parsed === 'string') throw new Error(parsed)
      return checkHolds(parsed, answers)
    }
    expect(check('1: ClusterIP')).toBe(true)
    expect(check('1: !NodePort')).toBe(true)
    expect(check('2: NotFound')).toBe(true)
    expect(check('2: exit 1')).toBe(true)
    expect(check('1: exit 1')).toBe(false)
    expect(parseCheck('web', 2)).toMatch(/must look like "N: text"/)
    expect(parseCheck('1: !', 2)).toMatch(/has no text/)
  })

  it('puts the base before the manifests and finds lines back', () => {
    const composed = composeScenario('a: 1\nb: 2\n\n', 'c: 3\n')
    expect(composed.text).toBe('a: 1\nb: 2\n---\nc: 3\n')
    expect(locateLine(composed, 2)).toEqual({ part: 'base', line: 2 })
    expect(locateLine(composed, 4)).toEqual({ part: 'manifests', line: 1 })
    expect(composeScenario('# only a comment\n', 'c: 3\n').manifestsStart).toBe(3)
    expect(composeScenario(undefined, 'c: 3\n')).toEqual({ text: 'c: 3\n', baseLines: 0, manifestsStart: 1 })
  })

  it('maps content files to page paths', () => {
    expect(pagePath('/r', '/r/content/index.mdx')).toBe('/')
    expect(pagePath('/r', '/r/content/services.mdx')).toBe('/services/')
    expect(pagePath('/r', '/r/content/services/index.mdx')).toBe('/services/')
    expect(pagePath('/r', '/r/content/services/ClusterIP.mdx')).toBe('/services/clusterip/')
  })

  it('lets only drawing into the page', () => {
    const ok = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1" aria-labelledby="k-title k-desc"><title id="k-title">x</title><rect x1="0" class="k"/></svg>'
    expect(svgProblem(ok)).toBeUndefined()
    expect(prefixSvgIds(ok, 'p-')).toContain('aria-labelledby="p-k-title p-k-desc"')
    expect(prefixSvgIds(ok, 'p-')).toContain('<title id="p-k-title">')
    expect(svgProblem('<svg><script>alert(1)</script></svg>')).toBe('has a <script> element')
    expect(svgProblem('<svg><rect onclick="x()"/></svg>')).toBe('has a onclick= attribute on <rect>')
    expect(svgProblem('<svg><foreignObject/></svg>')).toBe('has a <foreignObject> element')
    expect(svgProblem('<svg><a href="javascript:x"/></svg>')).toBe('has a <a> element')
  })
})
