// The by-hand lab of /inside-a-pod/ in a real browser, against the built site and the Worker:
// the challenge is graded in the page ("Not yet" as written, "Goal met ✓" once the reader has
// wired the second namespace), and the node diagram (diagram="node", drawn from the answer of
// the last `ssh NODE ip …`) is redrawn from the state each run builds.
import type { Locator, Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { action, alt, manifestsEditor, output, pageOpener, svg, svgWords } from './example-page.ts'

const open = pageOpener()

const lab = (page: Page) => page.locator('knet-example#example-lab-two-namespaces')
const goal = (scope: Locator) => scope.locator('[data-knet-goal]')
const svgMarkup = (scope: Locator) => svg(scope).evaluate((el) => el.outerHTML)

/** The four lines content/solutions/inside-a-pod-two-namespaces.yaml has and the lab lacks. */
const WIRING = [
  '    - ip link set veth-blue-br master br0',
  '    - ip link set veth-blue-br up',
  '    - ip -n blue link set veth-blue up',
]

/** Types lines at the end of the manifests editor (Ctrl+End, then as a paste would). */
async function appendLines(page: Page, scope: Locator, lines: string[]) {
  await manifestsEditor(scope).click()
  await page.keyboard.press('ControlOrMeta+End')
  const atLineStart = await manifestsEditor(scope).evaluate(() => {
    const selection = document.getSelection()
    return !selection || selection.focusOffset === 0
  })
  await page.keyboard.insertText(`${atLineStart ? '' : '\n'}${lines.join('\n')}\n`)
}

async function edit(ex: Locator) {
  await ex.scrollIntoViewIfNeeded()
  await action(ex, 'edit').click()
  await expect.poll(() => manifestsEditor(ex).innerText()).toContain('ip netns add blue')
}

describe('the by-hand lab', () => {
  it('is not met as written: blue is half wired, and the diagram shows its cable down', async () => {
    const { context, page, errors } = await open('/inside-a-pod/')
    const ex = lab(page)
    // examples off screen are not laid out (content-visibility): bring this one into view
    await ex.scrollIntoViewIfNeeded()
    await expect.poll(() => ex.locator('.knet-goal__title').innerText()).toBe('Challenge: red and blue ping each other through br0')
    expect(await goal(ex).getAttribute('data-met')).toBe('false')
    expect(await goal(ex).textContent()).toMatch(/^Not yet/)
    // the build's answers and diagram
    expect(await output(ex, 1).innerText()).toContain('Destination Host Unreachable')
    expect(await output(ex, 2).innerText()).toContain('ping: connect: Network is unreachable')
    expect(await svg(ex).locator('title').textContent()).toMatch(/node-1/)
    expect(await alt(ex)).toContain('veth-blue (veth, DOWN, 172.16.0.3/24, peer veth-blue-br on the node)')
    // run as written in the page: graded by this run, still not met
    await edit(ex)
    await action(ex, 'run').click()
    await expect.poll(() => goal(ex).textContent()).toBe('Not yet: the goal is not met by this run.')
    expect(await goal(ex).getAttribute('data-met')).toBe('false')
    expect(await output(ex, 1).innerText()).toContain('1 packets transmitted, 0 received')
    expect(errors).toEqual([])
    await context.close()
  })

  it('is met once the reader wires blue to the bridge; the node diagram redraws from the new state', async () => {
    const { context, page, errors } = await open('/inside-a-pod/')
    const ex = lab(page)
    const before = await svgMarkup(ex)
    expect(await svgWords(ex)).toContain('veth-blue-br DOWN')
    await edit(ex)
    await appendLines(page, ex, WIRING)
    await page.keyboard.press('Control+Enter')
    await expect.poll(() => goal(ex).textContent()).toBe('Goal met ✓')
    expect(await goal(ex).getAttribute('data-met')).toBe('true')
    expect(await output(ex, 1).innerText()).toContain('64 bytes from 172.16.0.3')
    expect(await output(ex, 2).innerText()).toContain('1 packets transmitted, 1 received, 0% packet loss')
    // both node ends are ports of br0 now
    expect(await output(ex, 3).innerText()).toMatch(/veth-blue-br@if\d+: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 master br0 state forwarding/)
    // the diagram: blue's cable is up and its node end a port of br0
    await expect.poll(() => alt(ex)).toContain('veth-blue-br (veth, up, port of br0, peer veth-blue in blue)')
    expect(await alt(ex)).toContain('veth-blue (veth, up, 172.16.0.3/24, peer veth-blue-br on the node)')
    expect(await svgWords(ex)).toContain('veth-blue-br up')
    expect(await svgWords(ex)).not.toContain('DOWN | ⇄ blue')
    expect(await svgMarkup(ex)).not.toBe(before)

    // a namespace the reader makes on the command line: same run, same node, and the diagram
    // follows this last `ip` command
    await ex.locator('[data-knet-command]').fill('ssh node-1 ip netns add green')
    await page.keyboard.press('Enter')
    await expect.poll(() => alt(ex)).toContain('Namespace green: lo (loopback, DOWN); routes: none.')
    expect(await svgWords(ex)).toMatch(/3 network namespaces besides the node.s own/)
    expect(await svgWords(ex)).toContain('green')
    await ex.locator('[data-knet-command]').fill('ssh node-1 ip netns list')
    await page.keyboard.press('Enter')
    await expect.poll(() => output(ex, 5).innerText()).toMatch(/green\n[\s\S]*blue[\s\S]*red/)
    // the goal is graded on the example's own commands, which still hold
    expect(await goal(ex).textContent()).toBe('Goal met ✓')
    expect(errors).toEqual([])
    await context.close()
  })

  it('says where a wiring mistake is: a typo is a warning on its line, and the goal stays unmet', async () => {
    const { context, page, errors } = await open('/inside-a-pod/')
    const ex = lab(page)
    await edit(ex)
    await appendLines(page, ex, ['    - ip link set veth-blue-bx master br0', ...WIRING.slice(1)])
    await page.keyboard.press('Control+Enter')
    await expect.poll(() => ex.locator('[data-knet-diagnostics] li').first().textContent()).toBe(
      'line 21:7: warning: node-1: ip link set veth-blue-bx master br0: exit 1: Cannot find device "veth-blue-bx"',
    )
    expect(await ex.locator('[data-knet-slot="manifests"] .cm-lintRange-warning').count()).toBeGreaterThan(0)
    expect(await goal(ex).textContent()).toBe('Not yet: the goal is not met by this run.')
    // blue's end is up but on no bridge: red's ARP for blue goes unanswered
    expect(await output(ex, 1).innerText()).toContain('Destination Host Unreachable')
    await expect.poll(() => alt(ex)).toContain('veth-blue-br (veth, up, peer veth-blue in blue)')
    expect(errors).toEqual([])
    await context.close()
  })
})
