import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { ENGINE_VERSION } from '../../engine/version.ts'
import { collectErrors, launchBrowser } from './browser.ts'

const baseURL = inject('baseURL')
const TITLE = 'Kubernetes Networking, Live'

let browser: Browser
beforeAll(async () => {
  browser = await launchBrowser()
})
afterAll(async () => {
  await browser?.close()
})

async function openHome(javaScriptEnabled: boolean) {
  const context = await browser.newContext({ javaScriptEnabled })
  // Fail on a missing element well before the test's own timeout, naming what was missing.
  context.setDefaultTimeout(10_000)
  const page = await context.newPage()
  const errors = collectErrors(page)
  const response = await page.goto(baseURL, { waitUntil: 'load' })
  return { context, page, errors, response }
}

describe('home page', () => {
  it('renders its title with JavaScript off', async () => {
    const { context, page, errors } = await openHome(false)
    expect(await page.title()).toBe(TITLE)
    expect(await page.locator('h1').textContent()).toBe(TITLE)
    expect(await page.getByText('A guide to Kubernetes networking in thirteen chapters').isVisible()).toBe(true)
    // the chapters are reachable without JavaScript
    expect(await page.getByRole('link', { name: 'Services' }).first().getAttribute('href')).toBe('/services/')
    expect(errors).toEqual([])
    await context.close()
  })

  it('renders with JavaScript on, its scripts allowed by the page policy', async () => {
    const { context, page, errors, response } = await openHome(true)
    expect(response?.status()).toBe(200)
    expect(response?.headers()['content-security-policy']).toContain("frame-ancestors 'none'")
    expect(await page.title()).toBe(TITLE)
    expect(await page.locator('h1').textContent()).toBe(TITLE)
    // Starlight's search button starts disabled and is enabled by its module script.
    const search = page.getByRole('button', { name: 'Search' }).first()
    await search.waitFor({ state: 'visible' })
    await expect.poll(() => search.isEnabled(), { timeout: 10_000 }).toBe(true)
    // CSP violations and failed loads are console errors too.
    expect(errors).toEqual([])
    await context.close()
  })

  it('finds itself with Pagefind search (WebAssembly under the page policy)', async () => {
    const { context, page, errors } = await openHome(true)
    await page.getByRole('button', { name: 'Search' }).first().click()
    const search = page.getByRole('search', { name: 'Search this site' })
    await search.getByRole('textbox').fill('thirteen')
    const result = search.getByRole('link', { name: TITLE }).first()
    const found = await result.waitFor().then(
      () => true,
      () => false,
    )
    // A blocked WebAssembly compile shows up here, which says more than a missing result.
    expect(errors).toEqual([])
    expect(found).toBe(true)
    expect(await search.getByText(/\d+ results? for thirteen/).isVisible()).toBe(true)
    await context.close()
  })

  it('reaches /api/health through the same origin', async () => {
    const { context, page, errors } = await openHome(true)
    const health = await page.evaluate(async () => {
      const res = await fetch('/api/health')
      return { status: res.status, body: await res.json() }
    })
    expect(health).toEqual({ status: 200, body: { ok: true, engineVersion: ENGINE_VERSION } })
    expect(errors).toEqual([])
    await context.close()
  })
})
