// What the browser tests of executable examples share: one browser per test file, a page at
// desktop size with its console errors collected, and the parts of an example they read.
import type { Browser, Locator } from 'playwright-core'
import { afterAll, beforeAll, inject } from 'vitest'
import { collectErrors, launchBrowser } from './browser.ts'

/** Starts a browser for this test file (closed after it) and returns how to open a page of the site. */
export function pageOpener() {
  const baseURL = inject('baseURL')
  let browser: Browser
  beforeAll(async () => {
    browser = await launchBrowser()
  })
  afterAll(async () => {
    await browser?.close()
  })
  return async (path: string) => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
    context.setDefaultTimeout(10_000)
    const page = await context.newPage()
    const errors = collectErrors(page)
    await page.goto(baseURL + path, { waitUntil: 'load' })
    return { context, page, errors }
  }
}

/** A button of the example's toolbar: edit, run, reset, share… */
export const action = (scope: Locator, name: string) => scope.locator(`[data-knet-action="${name}"]`)
export const manifestsEditor = (scope: Locator) => scope.locator('[data-knet-slot="manifests"] .cm-content')
/** The Nth command's block in the terminal (1-based, as run= counts). */
export const output = (scope: Locator, n: number) => scope.locator('[data-knet-results] .knet-command').nth(n - 1)
export const svg = (scope: Locator) => scope.locator('figure [data-knet-diagram] svg')
/** Every text the diagram draws, joined: what a reader can read in the picture. */
export const svgWords = (scope: Locator) => svg(scope).evaluate((el) => Array.from(el.querySelectorAll('text'), (t) => t.textContent).join(' | '))
/** The diagram's description in words. */
export const alt = (scope: Locator) => scope.locator('[data-knet-alt]').textContent()
