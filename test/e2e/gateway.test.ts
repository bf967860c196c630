// Editing an HTTPRoute in the page (/ingress-and-gateway/, the `split` example with
// diagram="gateway"), in a real browser against the built site and the Worker: the answers of
// `gateway route` and `curl` and the drawn Gateway topology follow the edit, as the engine
// computes them (engine/gateway: weighted backendRefs, BackendNotFound, path matches).
import type { Locator, Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { action, alt, manifestsEditor, output, pageOpener, svg, svgWords } from './example-page.ts'

const open = pageOpener()

const split = (page: Page) => page.locator('knet-example#example-split')
const svgMarkup = (scope: Locator) => svg(scope).evaluate((el) => el.outerHTML)

/** The example's manifests as written (the page's data for its script carries them). */
function manifests(scope: Locator) {
  return scope.evaluate((el) => (JSON.parse((el as HTMLElement).dataset.knet ?? '{}') as { manifests?: string }).manifests ?? '')
}

/** Replaces the whole text of the example's manifests editor, as a paste would. */
async function replaceManifests(page: Page, scope: Locator, text: string) {
  await manifestsEditor(scope).click()
  await page.keyboard.press('ControlOrMeta+A')
  await page.keyboard.insertText(text)
}

/** How many answers of a `curl` with several URLs came from each Deployment's Pods. */
function podsAnswering(curlOutput: string) {
  const counts: Record<string, number> = {}
  for (const [, pod] of curlOutput.matchAll(/"pod": "([a-z0-9-]+)-[a-z0-9]+-[a-z0-9]+"/g)) counts[pod] = (counts[pod] ?? 0) + 1
  return counts
}

async function edit(page: Page, ex: Locator) {
  await ex.scrollIntoViewIfNeeded()
  await action(ex, 'edit').click()
  await expect.poll(() => manifestsEditor(ex).innerText()).toContain('weight: 90')
  return manifests(ex)
}

describe('an HTTPRoute edited in the page', () => {
  it('shows the split as written, drawn and answered at build time', async () => {
    const { context, page, errors } = await open('/ingress-and-gateway/')
    const ex = split(page)
    // examples off screen are not laid out (content-visibility): bring this one into view
    await ex.scrollIntoViewIfNeeded()
    await expect.poll(() => output(ex, 1).innerText()).toContain('20 requests: 18 → store, 2 → store-v2')
    expect(podsAnswering(await output(ex, 2).innerText())).toEqual({ store: 9, 'store-v2': 1 })
    expect(await svg(ex).locator('title').textContent()).toMatch(/Gateway/)
    const words = await svgWords(ex)
    expect(words).toContain('90%')
    expect(words).toContain('10%')
    expect(words).toContain('Service store-v2')
    expect(await alt(ex)).toContain('to default/store weight 90 and default/store-v2 weight 10')
    expect(errors).toEqual([])
    await context.close()
  })

  it('new weights (run with Ctrl+Enter): the answer, the requests and the drawn split follow', async () => {
    const { context, page, errors } = await open('/ingress-and-gateway/')
    const ex = split(page)
    const before = await svgMarkup(ex)
    const text = await edit(page, ex)
    await replaceManifests(page, ex, text.replace('weight: 90', 'weight: 50').replace('weight: 10', 'weight: 50'))
    await page.keyboard.press('Control+Enter')
    // `gateway route --requests 20`: the engine's deterministic spread over the new weights
    await expect.poll(() => output(ex, 1).innerText()).toContain('20 requests: 10 → store, 10 → store-v2')
    expect(await output(ex, 1).innerText()).toContain('backends: store:80 weight 50 (50%), store-v2:80 weight 50 (50%)')
    // the ten `curl` requests through the Gateway's address: half to each version
    expect(podsAnswering(await output(ex, 2).innerText())).toEqual({ store: 5, 'store-v2': 5 })
    expect(await output(ex, 3).innerText()).toContain('default/store:80 weight 50')
    // the diagram was redrawn with the new weights, and says so in words too
    await expect.poll(() => alt(ex)).toContain('to default/store weight 50 and default/store-v2 weight 50')
    const words = await svgWords(ex)
    expect(words.match(/\b50%/g)).toHaveLength(2)
    expect(words).not.toContain('90%')
    expect(await svgMarkup(ex)).not.toBe(before)
    // the server answered; the page drew the Gateway topology from its data
    expect(await ex.locator('[data-knet-status]').textContent()).toBe('')
    expect(errors).toEqual([])
    await context.close()
  })

  it('a backend that does not exist (run with the Run button): 500 for its share, dashed out of the picture', async () => {
    const { context, page, errors } = await open('/ingress-and-gateway/')
    const ex = split(page)
    const text = await edit(page, ex)
    await replaceManifests(page, ex, text.replace('name: store-v2', 'name: store-v3'))
    await action(ex, 'run').click()
    await expect.poll(() => output(ex, 1).innerText()).toContain('20 requests: 18 → store, 2 → store-v3 (500)')
    expect(await output(ex, 1).innerText()).toContain('store-v3:80 weight 10 (10%) [BackendNotFound]')
    // the request that would have gone to store-v3 gets no Pod's answer; the other nine do
    expect(podsAnswering(await output(ex, 2).innerText())).toEqual({ store: 9 })
    expect(await output(ex, 3).innerText()).toContain('default/store-v3:80 weight 10 → BackendNotFound')
    // the route's status as a placed warning
    await expect.poll(() => ex.locator('[data-knet-diagnostics]').innerText()).toContain('BackendNotFound: Service default/store-v3 not found.')
    // the diagram: no store-v2 box any more, the rule marked with the 500 and its reason
    await expect.poll(() => alt(ex)).toContain('default/store-v3 (invalid: BackendNotFound) weight 10')
    const words = await svgWords(ex)
    expect(words).not.toContain('Service store-v2')
    expect(words).toContain('→ 500 (BackendNotFound)')
    expect(words).toContain('Service store')
    expect(errors).toEqual([])
    await context.close()
  })

  it('a path match and a command the reader types: only /beta goes to store-v2', async () => {
    const { context, page, errors } = await open('/ingress-and-gateway/')
    const ex = split(page)
    const text = await edit(page, ex)
    // the one rule becomes two: /beta to store-v2 alone, everything else to store
    const rules = [
      '  rules:',
      '    - matches:',
      '        - path:',
      '            type: PathPrefix',
      '            value: /beta',
      '      backendRefs:',
      '        - name: store-v2',
      '          port: 80',
      '    - backendRefs:',
      '        - name: store',
      '          port: 80',
      '',
    ].join('\n')
    const edited = text.replace(/ {2}rules:\n[\s\S]*$/, rules)
    expect(edited).toContain('value: /beta')
    await replaceManifests(page, ex, edited)
    await page.keyboard.press('Control+Enter')
    await expect.poll(() => output(ex, 1).innerText()).toContain('20 requests: 20 → store')
    expect(podsAnswering(await output(ex, 2).innerText())).toEqual({ store: 10 })
    await expect.poll(() => alt(ex)).toContain('prefix /beta to default/store-v2')
    expect(await svgWords(ex)).toContain('prefix /beta')
    // a route the reader asks about on the command line: the longer prefix wins
    await ex.locator('[data-knet-command]').fill('gateway route store.example.com /beta/cart')
    await page.keyboard.press('Enter')
    await expect.poll(() => output(ex, 4).innerText()).toContain('Service default/store-v2 port 80')
    expect(await output(ex, 4).innerText()).toContain('HTTPRoute default/store rule 0 match PathPrefix /beta')
    expect(errors).toEqual([])
    await context.close()
  })
})

describe('the Gateway challenge of the capstone (/a-real-system/)', () => {
  it('is not met as written, and met once the parentRef names the Gateway’s namespace', async () => {
    const { context, page, errors } = await open('/a-real-system/')
    const ex = page.locator('knet-example#example-webhook')
    await ex.scrollIntoViewIfNeeded()
    await expect.poll(() => output(ex, 1).innerText()).toContain('Service shop/frontend port 80')
    expect(await ex.locator('[data-knet-goal]').getAttribute('data-met')).toBe('false')
    const text = await manifests(ex)
    expect(text).toContain('    - name: shop\n  hostnames:')
    await action(ex, 'edit').click()
    await expect.poll(() => manifestsEditor(ex).innerText()).toContain('payments-webhook')
    await replaceManifests(page, ex, text.replace('    - name: shop\n', '    - name: shop\n      namespace: infra\n'))
    await page.keyboard.press('Control+Enter')
    await expect.poll(() => ex.locator('[data-knet-goal]').textContent()).toBe('Goal met ✓')
    expect(await output(ex, 1).innerText()).toContain('Service shop/payments port 80')
    expect(await output(ex, 2).innerText()).toContain('reason: Accepted')
    expect(await output(ex, 3).innerText()).toMatch(/result: delivered to shop\/payments-/)
    // the Gateway itself now counts two attached routes
    expect(await output(ex, 4).locator('.knet-command__out').textContent()).toBe('2')
    expect(errors).toEqual([])
    await context.close()
  })
})

describe('an Ingress converted in the page (/ingress-and-gateway/, the `convert` example)', () => {
  it('adds the converted objects with a GatewayClass and runs again: the new Gateway answers', async () => {
    const { context, page, errors } = await open('/ingress-and-gateway/')
    const ex = page.locator('knet-example#example-convert')
    await ex.scrollIntoViewIfNeeded()
    await action(ex, 'edit').click()
    await expect.poll(() => manifestsEditor(ex).innerText()).toContain('store.example.com')
    await manifestsEditor(ex).click()
    await page.keyboard.press('Control+Enter')
    const add = output(ex, 1).getByRole('button', { name: 'Add these Gateway API objects and run again' })
    await add.waitFor()
    await add.click()
    // after the run: the objects are in the manifests, so gateway convert offers nothing more
    await expect.poll(() => add.count()).toBe(0)
    await ex.locator('[data-knet-command]').fill('gateway route store.example.com /api/x --gateway nginx')
    await page.keyboard.press('Enter')
    await expect.poll(() => output(ex, 4).innerText()).toContain('Service default/api port 80')
    expect(errors).toEqual([])
    await context.close()
  })
})
