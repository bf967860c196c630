// The diagrams drawn from a command's answer (diagram="trace"), in a real browser against the
// built site and the Worker: in the HTML without JavaScript, then redrawn after each run from
// the API's answer, or by the in-browser engine when the API cannot answer.
import type { Browser, Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { collectErrors, launchBrowser } from './browser.ts'

const baseURL = inject('baseURL')

let browser: Browser
beforeAll(async () => {
  browser = await launchBrowser()
})
afterAll(async () => {
  await browser?.close()
})

async function open(path: string, options: { javaScriptEnabled?: boolean } = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...options })
  context.setDefaultTimeout(10_000)
  const page = await context.newPage()
  const errors = collectErrors(page)
  await page.goto(baseURL + path, { waitUntil: 'load' })
  return { context, page, errors }
}

const example = (page: Page) => page.locator('knet-example#example-clusterip-trace')
const svg = (scope: Locator) => scope.locator('figure [data-knet-diagram] svg')
const title = (scope: Locator) => svg(scope).locator('title').textContent()

/** Types a command on the example's command line and runs it. */
async function type(page: Page, scope: Locator, command: string) {
  await scope.locator('[data-knet-command]').fill(command)
  await page.keyboard.press('Enter')
}

describe('a trace diagram', () => {
  it('is in the page without JavaScript, with its words and its own ids', async () => {
    const { context, page, errors } = await open('/services/', { javaScriptEnabled: false })
    const ex = example(page)
    expect(await title(ex)).toBe('Packet trace: pod default/client → web: delivered')
    expect(await svg(ex).getAttribute('role')).toBe('img')
    expect(await svg(ex).getAttribute('aria-labelledby')).toBe('knet-clusterip-trace-k-trace-title knet-clusterip-trace-k-trace-desc')
    expect(await page.locator('#knet-clusterip-trace-k-trace-title').count()).toBe(1)
    expect(await ex.locator('[data-knet-diagram]').getAttribute('aria-label')).toMatch(/^Packet trace diagram/)
    expect(await ex.locator('figcaption summary').textContent()).toBe('The trace in words')
    expect(await ex.locator('[data-knet-alt]').textContent()).toMatch(/^Packet trace from pod default\/client to web, 18 hops, result delivered\./)
    // the hop that rewrote the destination, the new address in bold
    expect(await svg(ex).locator('tspan.k-rw').first().textContent()).toBe('10.244.1.2')
    expect(errors).toEqual([])
    await context.close()
  })

  it('follows the last trace the reader runs, drawn from the API’s answer', async () => {
    const { context, page, errors } = await open('/services/')
    const ex = example(page)
    let asked: unknown
    page.on('request', (request) => {
      if (request.url().endsWith('/api/run')) asked = request.postDataJSON()
    })
    await ex.locator('[data-knet-action="edit"]').click()
    await expect.poll(() => ex.locator('[data-knet-command]').isVisible()).toBe(true)
    await type(page, ex, 'kubectl exec client -- trace web:81')
    await expect.poll(() => title(ex)).toBe('Packet trace: pod default/client → web:81: timeout')
    // the server answered (no diagram asked of it: it draws topologies only), the page drew
    expect(await ex.locator('[data-knet-status]').textContent()).toBe('')
    expect(asked).toMatchObject({ commands: ['kubectl exec client -- trace web', 'kubectl exec client -- trace web:81'] })
    expect(asked).not.toHaveProperty('diagram')
    expect(await ex.locator('[data-knet-alt]').textContent()).toContain('result timeout')
    // one diagram, with the example's ids, and its stylesheet allowed by the page's policy
    expect(await page.locator('#knet-clusterip-trace-k-trace-title').count()).toBe(1)
    expect(await svg(ex).locator('rect.k-hop').first().evaluate((el) => getComputedStyle(el).fill)).not.toBe('rgb(0, 0, 0)')
    // `clear` goes back to the example's own commands, and the diagram with them
    await type(page, ex, 'clear')
    await expect.poll(() => title(ex)).toBe('Packet trace: pod default/client → web: delivered')
    expect(errors).toEqual([])
    await context.close()
  })

  it('is drawn in the browser when the API cannot answer, and says when there is nothing to draw', async () => {
    const { context, page, errors } = await open('/services/')
    await page.route('**/api/run', (route) =>
      route.fulfill({ status: 503, contentType: 'application/json', body: '{"error":{"code":"unavailable","message":"down"}}' }),
    )
    const ex = example(page)
    await ex.locator('[data-knet-action="edit"]').click()
    await expect.poll(() => ex.locator('[data-knet-command]').isVisible()).toBe(true)
    await type(page, ex, 'kubectl exec client -- trace web --seed 3')
    await expect.poll(() => ex.locator('[data-knet-status]').textContent()).toMatch(/^Answered in your browser/)
    await expect.poll(() => ex.locator('[data-knet-alt]').textContent()).toMatch(/^Packet trace from pod default\/client to web, \d+ hops, result delivered\./)
    // a trace that cannot start: no diagram, and the figure says why
    await type(page, ex, 'trace ghost -> web')
    await expect.poll(() => ex.locator('[data-knet-diagram]').textContent()).toBe('No diagram: command 3 (trace ghost -> web) gave no trace to draw.')
    expect(await svg(ex).count()).toBe(0)
    expect(errors.filter((e) => !/status of 503/.test(e))).toEqual([])
    await context.close()
  })
})
