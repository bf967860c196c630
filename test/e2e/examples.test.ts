// Executable examples and the playground in a real browser, against the built site and the
// Worker: what a reader without JavaScript sees, editing and running, sharing, the in-browser
// fallback, hostile manifests, keyboard-only use and small screens. Screenshots of each state
// go to test-results/screenshots/ for a person to look at.
import { mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Browser, Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { ENGINE_VERSION } from '../../engine/version.ts'
import { encodeScenarioFragment } from '../../functions/shared/scenario-link.ts'
import { collectErrors, launchBrowser } from './browser.ts'

const baseURL = inject('baseURL')
const shots = fileURLToPath(new URL('../../test-results/screenshots/', import.meta.url))
const DESKTOP = { width: 1280, height: 800 }
const PHONE = { width: 390, height: 844 }

let browser: Browser
beforeAll(async () => {
  browser = await launchBrowser()
  mkdirSync(shots, { recursive: true })
})
afterAll(async () => {
  await browser?.close()
})

async function open(path: string, options: { javaScriptEnabled?: boolean; viewport?: typeof DESKTOP; colorScheme?: 'light' | 'dark' } = {}) {
  const context = await browser.newContext({ viewport: DESKTOP, ...options })
  context.setDefaultTimeout(10_000)
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseURL })
  const page = await context.newPage()
  const errors = collectErrors(page)
  const dialogs: string[] = []
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message())
    void dialog.dismiss()
  })
  await page.goto(baseURL + path, { waitUntil: 'load' })
  return { context, page, errors, dialogs }
}

const example = (page: Page) => page.locator('knet-example#example-two-tiers')
const action = (scope: Locator, name: string) => scope.locator(`[data-knet-action="${name}"]`)
const manifestsEditor = (scope: Locator) => scope.locator('[data-knet-slot="manifests"] .cm-content')
const output = (scope: Locator, n: number) => scope.locator('[data-knet-results] .knet-command').nth(n - 1)
/** The frontend Service's lines to its Pods in the diagram. */
const links = (scope: Locator) => scope.locator('[data-knet-diagram] svg path.k-link')

/** The text of a (short) manifests editor, as rendered: CodeMirror draws only what is in view. */
async function editorText(scope: Locator) {
  return (await manifestsEditor(scope).innerText()).replace(/\u00a0/g, ' ')
}

/** The whole scenario an example or the playground holds now, from the element itself. */
function scenarioText(scope: Locator) {
  return scope.evaluate((el) => (el as HTMLElement & { session?: { state(): { scenario: string } } }).session?.state().scenario ?? '')
}

/** Replaces the whole text of the example's manifests editor, as a paste would. */
async function replaceManifests(page: Page, scope: Locator, text: string) {
  await manifestsEditor(scope).click()
  await page.keyboard.press('ControlOrMeta+A')
  await page.keyboard.insertText(text)
}

async function shot(page: Page, name: string) {
  await page.screenshot({ path: `${shots}${name}.png`, fullPage: true })
}

describe('an executable example', () => {
  it('shows its YAML, outputs and diagram without JavaScript', async () => {
    const { context, page, errors } = await open('/', { javaScriptEnabled: false })
    const ex = example(page)
    await expect.poll(() => ex.isVisible()).toBe(true)
    // highlighted YAML from Expressive Code
    expect(await ex.locator('[data-knet-slot="manifests"] pre').innerText()).toContain('kind: Service')
    expect(await ex.locator('[data-knet-slot="manifests"] pre span[style]').count()).toBeGreaterThan(5)
    // the commands and what they printed
    expect(await output(ex, 1).locator('.knet-command__line').innerText()).toBe('$ kubectl get pods -o wide')
    expect(await output(ex, 1).innerText()).toMatch(/frontend-\S+\s+1\/1\s+Running.*10\.244\./)
    expect(await output(ex, 2).innerText()).toMatch(/frontend\s+ClusterIP\s+10\./)
    expect(await output(ex, 3).innerText()).toContain('10.244.')
    // the diagram, with its text alternative
    const svg = ex.locator('figure [data-knet-diagram] svg')
    expect(await svg.getAttribute('role')).toBe('img')
    expect(await svg.locator('title').textContent()).toBe('Cluster topology')
    expect(await links(ex).count()).toBe(5)
    expect(await ex.locator('figcaption [data-knet-alt]').textContent()).toMatch(/Service frontend \(ClusterIP\) .* → frontend-/)
    // the challenge, and no buttons that would need a script
    expect(await ex.locator('.knet-goal__title').innerText()).toBe('Challenge: Leave the frontend Service without endpoints')
    expect(await ex.locator('[data-knet-actions]').isVisible()).toBe(false)
    expect(errors).toEqual([])
    await shot(page, 'home-no-js-desktop')
    await context.close()
  })

  it('edits, runs with Ctrl+Enter, and redraws: a selector that matches nothing empties the endpoints', async () => {
    const { context, page, errors } = await open('/')
    const ex = example(page)
    expect(await action(ex, 'play').getAttribute('href')).toMatch(/^\/play\/#z=[\w-]+$/)
    await action(ex, 'edit').click()
    await expect.poll(() => editorText(ex)).toContain('app: frontend')
    await expect.poll(() => page.evaluate(() => document.activeElement?.closest('[data-knet-slot]') !== null || !!document.activeElement?.shadowRoot)).toBe(true)
    await replaceManifests(page, ex, (await editorText(ex)).replace('app: frontend', 'app: nobody'))
    await page.keyboard.press('Control+Enter')
    await expect.poll(() => output(ex, 3).innerText()).toContain('<unset>')
    expect(await output(ex, 3).innerText()).not.toContain('10.244.')
    // the two lines from the frontend Service are gone; the backend's three remain
    await expect.poll(() => links(ex).count()).toBe(3)
    // the challenge under the manifests is met by this edit
    expect(await ex.locator('[data-knet-goal]').textContent()).toBe('Goal met ✓')
    expect(await ex.locator('[data-knet-alt]').textContent()).toContain('Service frontend (ClusterIP)')
    expect(await ex.locator('[data-knet-alt]').textContent()).toMatch(/frontend \(ClusterIP\) [^→]+ → no endpoints/)
    // the engine's warning, in the list and underlined in the editor
    await expect.poll(() => ex.locator('[data-knet-diagnostics] li').first().textContent()).toMatch(/line 7:\d+: warning: .*matches no Pods/)
    expect(await ex.locator('[data-knet-slot="manifests"] .cm-lintRange-warning').count()).toBeGreaterThan(0)
    await shot(page, 'home-edited-desktop')
    // Reset brings the example back
    await action(ex, 'reset').click()
    await expect.poll(() => links(ex).count()).toBe(5)
    expect(await editorText(ex)).toContain('app: frontend')
    expect(await ex.locator('[data-knet-goal]').getAttribute('data-met')).toBe('false')
    expect(errors).toEqual([])
    await context.close()
  })

  it('shares its edited state as a /play link that reproduces it, and as a short link', async () => {
    const { context, page, errors } = await open('/')
    const ex = example(page)
    await action(ex, 'edit').click()
    await expect.poll(() => editorText(ex)).toContain('app: frontend')
    await replaceManifests(page, ex, (await editorText(ex)).replace('app: frontend', 'app: nobody'))
    await action(ex, 'share').click()
    const link = ex.locator('[data-knet-link]')
    await expect.poll(() => link.inputValue()).toMatch(/\/play\/#z=[\w-]+$/)
    const shared = await link.inputValue()
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(shared)

    const play = await context.newPage()
    const playErrors = collectErrors(play)
    await play.goto(shared)
    const pg = play.locator('knet-example[data-mode="playground"]')
    await expect.poll(() => scenarioText(pg)).toContain('app: nobody')
    // the whole scenario, base included, and the example's commands, answered again
    expect(await scenarioText(pg)).toContain('name: backend')
    await expect.poll(() => output(pg, 3).innerText()).toContain('<unset>')
    expect(await output(pg, 1).innerText()).toContain('kubectl get pods -o wide')
    await shot(play, 'play-from-share-desktop')

    await action(ex, 'shorten').click()
    await expect.poll(() => link.inputValue()).toMatch(/\/s\/[0-9A-Za-z]{12}$/)
    const short = await link.inputValue()
    await play.goto(short)
    await expect.poll(() => play.url()).toMatch(/\/play\/?#s=[0-9A-Za-z]{12}$|\/play\/?#z=/)
    await expect.poll(() => scenarioText(pg)).toContain('app: nobody')
    await expect.poll(() => output(pg, 3).innerText()).toContain('<unset>')
    expect(errors).toEqual([])
    expect(playErrors).toEqual([])
    await context.close()
  })

  it('is answered in the browser when /api/run fails', async () => {
    const { context, page, errors } = await open('/')
    let refused = 0
    await page.route('**/api/run', (route) => {
      refused++
      return route.fulfill({ status: 503, contentType: 'application/json', body: '{"error":{"code":"unavailable","message":"down"}}' })
    })
    const ex = example(page)
    await action(ex, 'edit').click()
    await expect.poll(() => editorText(ex)).toContain('app: frontend')
    await replaceManifests(page, ex, (await editorText(ex)).replace('name: frontend', 'name: web'))
    await action(ex, 'run').click()
    await expect.poll(() => ex.locator('[data-knet-status]').textContent()).toMatch(/^Answered in your browser \(the server answered 503\)/)
    expect(await output(ex, 2).innerText()).toMatch(/\bweb\s+ClusterIP/)
    expect(refused).toBe(1)
    // The 503 itself is a console error the browser logs; nothing else may be.
    expect(errors.filter((e) => !/status of 503/.test(e))).toEqual([])
    await context.close()
  })

  it('is usable with the keyboard alone: Tab to Edit, Enter, type, Ctrl+Enter, Escape', async () => {
    const { context, page, errors } = await open('/')
    const ex = example(page)
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab')
      if (await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.knetAction === 'edit')) break
    }
    expect(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.knetAction)).toBe('edit')
    // the focus ring is visible
    expect(await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle)).not.toBe('none')
    await page.keyboard.press('Enter')
    await expect.poll(() => editorText(ex)).toContain('app: frontend')
    // the editor has the focus: go to the Service's name (line 4) and type after it
    await page.keyboard.press('ControlOrMeta+Home')
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowDown')
    await page.keyboard.press('End')
    await page.keyboard.type('-typed')
    await page.keyboard.press('Control+Enter')
    await expect.poll(() => output(ex, 2).innerText()).toMatch(/frontend-typed\s+ClusterIP/)
    // Esc leaves the editor forward: to the key hint after it; Tab then goes on to the terminal
    // and the command line, never back into the editor (issue 19)
    await page.keyboard.press('Escape')
    expect(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.hasAttribute('data-knet-hint'))).toBe(true)
    await page.keyboard.press('Tab')
    expect(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.hasAttribute('data-knet-results'))).toBe(true)
    await page.keyboard.press('Tab')
    expect(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.hasAttribute('data-knet-command'))).toBe(true)

    // the command line: Tab completes names, Enter runs, ↑ brings the command back
    const input = ex.locator('[data-knet-command]')
    await input.focus()
    await page.keyboard.type('kubectl describe svc frontend-ty')
    // one Tab: if the names are still on their way, it completes when they come
    await page.keyboard.press('Tab')
    await expect.poll(() => input.inputValue()).toBe('kubectl describe svc frontend-typed ')
    expect(await input.evaluate((el) => el === document.activeElement)).toBe(true)
    await page.keyboard.press('Enter')
    await expect.poll(() => output(ex, 4).innerText()).toMatch(/Name:\s+frontend-typed/)
    expect(await input.inputValue()).toBe('')
    await page.keyboard.press('ArrowUp')
    expect(await input.inputValue()).toBe('kubectl describe svc frontend-typed')
    // several Pods fit (the Service named backend does not, after `pod`): Tab completes their
    // common part and lists them
    await input.fill('kubectl get pod back')
    await page.keyboard.press('Tab')
    await expect.poll(() => input.inputValue()).toMatch(/^kubectl get pod backend-[a-z0-9]+-$/)
    expect((await ex.locator('[data-knet-completions]').textContent())?.split(/\s+/)).toHaveLength(3)
    expect(await input.evaluate((el) => el === document.activeElement)).toBe(true)
    await shot(page, 'home-keyboard-desktop')
    expect(errors).toEqual([])
    await context.close()
  })

  it('fits a phone: panels stack, outputs and diagram scroll sideways, the page does not', async () => {
    const { context, page, errors } = await open('/', { viewport: PHONE })
    const ex = example(page)
    await ex.scrollIntoViewIfNeeded()
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
    expect(overflow).toBeLessThanOrEqual(0)
    const scrolls = (selector: string) => ex.locator(selector).evaluate((el) => el.scrollWidth > el.clientWidth)
    expect(await scrolls('[data-knet-results]')).toBe(true)
    expect(await scrolls('[data-knet-diagram]')).toBe(true)
    await shot(page, 'home-phone')
    await action(ex, 'edit').click()
    await expect.poll(() => editorText(ex)).toContain('app: frontend')
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0)
    await shot(page, 'home-edit-phone')
    expect(errors).toEqual([])
    await context.close()
  })

  it.each(['light', 'dark'] as const)('is drawn in the %s theme (screenshot)', async (colorScheme) => {
    const { context, page, errors } = await open('/', { colorScheme })
    const ex = example(page)
    await action(ex, 'edit').click()
    await expect.poll(() => editorText(ex)).toContain('app: frontend')
    await replaceManifests(page, ex, (await editorText(ex)).replace('port: 80', 'port: 99999'))
    await page.keyboard.press('Control+Enter')
    await expect.poll(() => ex.locator('[data-knet-diagnostics]').innerText()).toContain('error')
    await shot(page, `home-edit-${colorScheme}-desktop`)
    expect(errors).toEqual([])
    await context.close()
  })
})

describe('the playground', () => {
  async function openState(scenario: string, commands: string[], engine = ENGINE_VERSION, viewport = DESKTOP) {
    const fragment = await encodeScenarioFragment({ v: 1, engine, scenario, commands })
    const opened = await open(`/play/#${fragment}`, { viewport })
    const pg = opened.page.locator('knet-example[data-mode="playground"]')
    return { ...opened, pg }
  }

  it('opens on a scenario of the guide, and keeps the state in the address', async () => {
    const { context, page, errors } = await open('/play/')
    const pg = page.locator('knet-example[data-mode="playground"]')
    await expect.poll(() => scenarioText(pg)).toContain('name: backend')
    await page.locator('[data-knet-picker]').selectOption('empty')
    await expect.poll(() => scenarioText(pg)).not.toContain('name: backend')
    await expect.poll(() => output(pg, 1).innerText()).toContain('No resources found')
    await replaceManifests(page, pg, 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: from-the-address\n')
    await expect.poll(() => page.url(), { timeout: 5_000 }).toMatch(/#z=/)
    await page.reload()
    await expect.poll(() => scenarioText(pg)).toContain('name: from-the-address')
    await shot(page, 'play-desktop')
    expect(errors).toEqual([])
    await context.close()
  })

  it('says when a link was made with another engine', async () => {
    const { context, page, errors } = await openState('apiVersion: v1\nkind: Namespace\nmetadata:\n  name: old\n', ['kubectl get ns old'], '0.0.1')
    const notice = page.locator('[data-knet-notice]')
    await expect.poll(() => notice.textContent()).toContain(`made with engine 0.0.1; today’s engine is ${ENGINE_VERSION}`)
    expect(errors).toEqual([])
    await context.close()
  })

  it('says so, and starts from the guide, when a link is damaged', async () => {
    const { context, page, errors } = await open('/play/#z=not-a-scenario')
    await expect.poll(() => page.locator('[data-knet-notice]').textContent()).toMatch(/damaged|does not hold/)
    await expect.poll(() => scenarioText(page.locator('knet-example[data-mode="playground"]'))).toContain('name: backend')
    expect(errors).toEqual([])
    await context.close()
  })

  it('shows markup in manifests as text: no dialog, no injected element', async () => {
    const evil = '"><img src=x onerror=alert(1)><script>alert(2)</script>'
    const scenario = [
      'apiVersion: v1',
      'kind: Pod',
      'metadata:',
      '  name: evil',
      '  annotations:',
      `    note: '${evil}'`,
      'spec:',
      '  containers:',
      '    - name: c',
      '      image: nginx',
      '---',
      // not a valid label value: the engine refuses this Pod with a message that quotes it
      'apiVersion: v1',
      'kind: Pod',
      'metadata:',
      '  name: refused',
      '  labels:',
      `    app: '<script>alert(3)</script>'`,
      'spec:',
      '  containers:',
      '    - name: c',
      '      image: nginx',
    ].join('\n')
    const { context, page, errors, dialogs, pg } = await openState(scenario, ['kubectl describe pod evil', 'kubectl get pod evil -o yaml'])
    await expect.poll(() => output(pg, 1).innerText()).toContain('onerror=alert(1)')
    expect(await output(pg, 2).innerText()).toContain('<script>alert(2)</script>')
    // the invalid label value is a diagnostic, shown as text too
    await expect.poll(() => pg.locator('[data-knet-diagnostics]').innerText()).toContain('<script>alert(3)</script>')
    expect(await pg.locator('img').count()).toBe(0)
    expect(await pg.locator('script').count()).toBe(0)
    expect(await page.locator('img[src="x"]').count()).toBe(0)
    await page.waitForTimeout(300)
    expect(dialogs).toEqual([])
    expect(errors).toEqual([])
    await shot(page, 'play-markup-as-text-desktop')
    await context.close()
  })

  it('fits a phone', async () => {
    const { context, page, errors } = await open('/play/', { viewport: PHONE })
    const pg = page.locator('knet-example[data-mode="playground"]')
    await expect.poll(() => scenarioText(pg)).toContain('name: backend')
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0)
    await shot(page, 'play-phone')
    expect(errors).toEqual([])
    await context.close()
  })
})
