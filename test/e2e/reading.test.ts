// The reading experience of issue 19 in a real browser: room for outputs on desktops and phones,
// keys shown only where there is a keyboard, the playground's full window, and a page without
// JavaScript that offers nothing it cannot do and keeps the reader's colour theme. Screenshots
// go to test-results/screenshots/reading-*.png for a person to look at.
import { mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Browser, BrowserContextOptions, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { collectErrors, launchBrowser } from './browser.ts'

const baseURL = inject('baseURL')
const shots = fileURLToPath(new URL('../../test-results/screenshots/', import.meta.url))
const LAPTOP = { width: 1366, height: 768 }
const WIDE = { width: 1920, height: 1080 }
const PHONE = { width: 390, height: 844 }

let browser: Browser
beforeAll(async () => {
  browser = await launchBrowser()
  mkdirSync(shots, { recursive: true })
})
afterAll(async () => {
  await browser?.close()
})

async function open(path: string, options: BrowserContextOptions = {}) {
  const context = await browser.newContext({ viewport: LAPTOP, ...options })
  context.setDefaultTimeout(10_000)
  const page = await context.newPage()
  const errors = collectErrors(page)
  await page.goto(baseURL + path, { waitUntil: 'load' })
  return { context, page, errors }
}

async function shot(page: Page, name: string, fullPage = false) {
  await page.screenshot({ path: `${shots}reading-${name}.png`, fullPage })
}

/**
 * For each terminal block whose command matches `command`: how many pixels its output is wider
 * than the terminal's box (0 when it fits), and whether a table line was wrapped.
 */
function terminals(page: Page, command: RegExp) {
  return page.evaluate((source) => {
    const pattern = new RegExp(source)
    const found: { command: string; overflow: number; pageOverflow: number }[] = []
    for (const box of document.querySelectorAll<HTMLElement>('[data-knet-results]')) {
      // Examples far from the screen are not laid out (content-visibility): lay them all out.
      box.closest<HTMLElement>('.knet-example')!.style.contentVisibility = 'visible'
    }
    for (const box of document.querySelectorAll<HTMLElement>('[data-knet-results]')) {
      const commands = [...box.querySelectorAll('.knet-command__line code')].map((c) => c.textContent ?? '')
      for (const command of commands.filter((c) => pattern.test(c))) {
        found.push({ command, overflow: box.scrollWidth - box.clientWidth, pageOverflow: document.documentElement.scrollWidth - innerWidth })
      }
    }
    return found
  }, command.source)
}

/** The rows of the first `kubectl get pods -o wide` table: each must stay on one line. */
function podTableLines(page: Page) {
  return page.evaluate(() => {
    const block = [...document.querySelectorAll('.knet-command')].find((b) => b.querySelector('.knet-command__line code')?.textContent === 'kubectl get pods -o wide')!
    const out = block.querySelector<HTMLElement>('.knet-command__out')!
    const lineHeight = parseFloat(getComputedStyle(out).lineHeight)
    return { rows: out.textContent!.replace(/\n$/, '').split('\n').length, drawn: Math.round(out.getBoundingClientRect().height / lineHeight) }
  })
}

describe('room for outputs', () => {
  it('at 1366 px: examples are wider than the prose, tables fit, traces and iptables-save lines wrap instead of scrolling', async () => {
    for (const path of ['/services/', '/kube-proxy/']) {
      const { context, page, errors } = await open(path)
      const prose = await page.locator('.sl-markdown-content > p').first().boundingBox()
      const example = await page.locator('knet-example').first().boundingBox()
      expect(example!.width).toBeGreaterThan(prose!.width + 150)
      // the table of contents moved to the "On this page" bar
      expect(await page.locator('mobile-starlight-toc nav').isVisible()).toBe(true)
      expect(await page.locator('.right-sidebar-panel').isVisible()).toBe(false)
      const boxes = await terminals(page, /get pods -o wide|trace|iptables/)
      expect(boxes.length).toBeGreaterThan(2)
      for (const box of boxes) expect(box, box.command).toMatchObject({ overflow: 0, pageOverflow: 0 })
      if (path === '/services/') {
        const table = await podTableLines(page)
        expect(table.drawn).toBe(table.rows)
        await page.locator('knet-example#example-first-service').scrollIntoViewIfNeeded()
        await shot(page, 'services-1366')
      }
      expect(errors).toEqual([])
      await context.close()
    }
  })

  it('at 1920 px: the contents keep their column and examples grow into the free room', async () => {
    const { context, page } = await open('/services/', { viewport: WIDE })
    expect(await page.locator('.right-sidebar-panel').isVisible()).toBe(true)
    const toc = await page.locator('.right-sidebar-panel').boundingBox()
    const example = await page.locator('knet-example#example-first-service').boundingBox()
    const prose = await page.locator('.sl-markdown-content > p').first().boundingBox()
    expect(example!.width).toBeGreaterThan(prose!.width + 200)
    expect(example!.x + example!.width).toBeLessThanOrEqual(toc!.x)
    expect((await terminals(page, /get pods -o wide/)).every((b) => b.overflow === 0)).toBe(true)
    await page.locator('knet-example#example-first-service').scrollIntoViewIfNeeded()
    await shot(page, 'services-1920')
    await context.close()
  })

  it('on a phone: a wide output scrolls inside its terminal, never the page', async () => {
    const { context, page } = await open('/services/', { viewport: PHONE, isMobile: true, hasTouch: true })
    const boxes = await terminals(page, /get pods -o wide/)
    expect(boxes.some((b) => b.overflow > 0)).toBe(true)
    expect(boxes.every((b) => b.pageOverflow <= 0)).toBe(true)
    await context.close()
  })

  it('/play/ is in the sidebar and uses the whole pane', async () => {
    const { context, page, errors } = await open('/services/')
    await page.locator('nav[aria-label="Main"] a[href="/play/"]').first().click()
    await page.waitForURL('**/play/')
    const pane = await page.locator('.main-pane').boundingBox()
    const play = await page.locator('knet-example[data-mode="playground"]').boundingBox()
    expect(play!.width).toBeGreaterThan(pane!.width - 100)
    expect(await page.locator('nav[aria-label="Main"] a[href="/play/"]').first().getAttribute('aria-current')).toBe('page')
    await shot(page, 'play-1366')
    expect(errors).toEqual([])
    await context.close()
  })
})

describe('keys where they apply', () => {
  it('shows the Ctrl+Enter, Esc and history hints with a keyboard and pointer, not on a touch screen', async () => {
    const desktop = await open('/play/')
    await expect.poll(() => desktop.page.locator('[data-knet-hint]').isVisible()).toBe(true)
    expect(await desktop.page.locator('[data-knet-action="run"]').innerText()).toContain('Ctrl+Enter')
    await desktop.context.close()

    const phone = await open('/play/', { viewport: PHONE, isMobile: true, hasTouch: true })
    expect(await phone.page.evaluate(() => matchMedia('(hover: none) and (pointer: coarse)').matches)).toBe(true)
    await expect.poll(() => phone.page.locator('[data-knet-action="run"]').isVisible()).toBe(true)
    expect(await phone.page.locator('[data-knet-action="run"]').innerText()).not.toContain('Ctrl')
    expect(await phone.page.locator('[data-knet-hint]').isVisible()).toBe(false)
    expect(await phone.page.locator('.knet-prompt__help').innerText()).toBe('Try help.')
    expect(await phone.page.locator('.knet-playground > p').first().innerText()).not.toContain('Ctrl')
    await shot(phone.page, 'play-phone')
    await phone.context.close()
  })
})

describe('without JavaScript', () => {
  it('offers no runnable badge or controls, and keeps the reader’s colour theme', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const colours = async (javaScriptEnabled: boolean) => {
        const { context, page } = await open('/services/', { javaScriptEnabled, colorScheme })
        const example = page.locator('knet-example').first()
        const seen = {
          badge: await example.locator('.knet-badge').isVisible(),
          actions: await example.locator('[data-knet-actions]').isVisible(),
          buttons: await example.locator('button:visible, input:visible').count(),
          body: await page.evaluate(() => getComputedStyle(document.body).backgroundColor),
          text: await page.evaluate(() => getComputedStyle(document.querySelector('.sl-markdown-content p')!).color),
          diagram: await example.locator('[data-knet-diagram]').evaluate((el) => getComputedStyle(el).backgroundColor),
        }
        if (!javaScriptEnabled) await shot(page, `services-no-js-${colorScheme}`)
        await context.close()
        return seen
      }
      const withJs = await colours(true)
      const without = await colours(false)
      expect(withJs).toMatchObject({ badge: true, actions: true })
      expect(without).toMatchObject({ badge: false, actions: false, buttons: 0 })
      expect({ body: without.body, text: without.text, diagram: without.diagram }).toEqual({ body: withJs.body, text: withJs.text, diagram: withJs.diagram })
      // the diagram colours are light-dark() pairs (knet.css): the light one is white, the dark one neither white nor unset
      if (colorScheme === 'light') expect(withJs.diagram).toBe('rgb(255, 255, 255)')
      else expect(withJs.diagram).not.toMatch(/^rgba?\(0, 0, 0, 0\)$|^rgb\(255, 255, 255\)$/)
    }
  })
})

describe('YAML errors', () => {
  it('are said in plain words at line:column, underlined across the token at fault', async () => {
    const { context, page, errors } = await open('/play/')
    const play = page.locator('knet-example[data-mode="playground"]')
    const editor = play.locator('[data-knet-slot="manifests"] .cm-content')
    await expect.poll(() => editor.isVisible()).toBe(true)
    await editor.click()
    await page.keyboard.press('ControlOrMeta+A')
    await page.keyboard.insertText('apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  labels: {app: web\nspec:\n  containers:\n  - name: web\n    image: nginx\n')
    await page.keyboard.press('Control+Enter')
    const item = play.locator('[data-knet-diagnostics] li').first()
    await expect.poll(() => item.textContent()).toMatch(/^line 5:11: error: YAML syntax error: this \{ is not closed with \}/)
    expect(await item.textContent()).not.toMatch(/converting|Flow map|collection/)
    // the underline covers `{app: web`, not one character
    const underline = play.locator('[data-knet-slot="manifests"] .cm-lintRange-error')
    await expect.poll(() => underline.count()).toBeGreaterThan(0)
    expect((await underline.allTextContents()).join('')).toBe('{app: web')
    await play.locator('[data-knet-slot="manifests"]').scrollIntoViewIfNeeded()
    await shot(page, 'yaml-error')
    expect(errors).toEqual([])
    await context.close()
  })
})

describe('a link shared from a chapter', () => {
  it('names its chapter and example, links back, and Reset returns to the guide’s scenario', async () => {
    const { context, page, errors } = await open('/services/')
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseURL })
    const ex = page.locator('knet-example#example-first-service')
    await ex.locator('[data-knet-action="edit"]').click()
    const editor = ex.locator('[data-knet-slot="manifests"] .cm-content')
    await expect.poll(() => editor.isVisible()).toBe(true)
    await editor.click()
    await page.keyboard.press('ControlOrMeta+End')
    await page.keyboard.insertText('\n# edited before sharing\n')
    await ex.locator('[data-knet-action="share"]').click()
    const link = ex.locator('[data-knet-link]')
    await expect.poll(() => link.inputValue()).toMatch(/\/play\/#z=/)
    const shared = await link.inputValue()

    const play = await context.newPage()
    const playErrors = collectErrors(play)
    await play.goto(shared)
    const note = play.locator('[data-knet-origin]')
    await expect.poll(() => note.textContent()).toBe(
      'From the chapter Services, example “A Service for the web Pods”. Back to the example. Reset returns to the example as the guide has it.',
    )
    expect(await note.locator('a').getAttribute('href')).toBe('/services/#example-first-service')
    // the picker says what is loaded
    expect(await play.locator('[data-knet-picker] option:checked').textContent()).toBe('A Service for the web Pods (Services)')
    const pg = play.locator('knet-example[data-mode="playground"]')
    const scenario = () => pg.evaluate((el) => (el as HTMLElement & { session?: { state(): { scenario: string; page?: string } } }).session?.state())
    expect((await scenario())?.scenario).toContain('# edited before sharing')
    // links made in the playground keep the origin
    expect((await scenario())?.page).toBe('/services/')
    await play.screenshot({ path: `${shots}reading-play-from-chapter.png` })
    await pg.locator('[data-knet-action="reset"]').click()
    await expect.poll(async () => (await scenario())?.scenario).not.toContain('# edited before sharing')
    expect((await scenario())?.scenario).toContain('name: web')
    await note.locator('a').click()
    await play.waitForURL('**/services/#example-first-service')
    expect(errors).toEqual([])
    expect(playErrors).toEqual([])
    await context.close()
  })

  it('with a guide scenario as it is, the picker names that scenario', async () => {
    const { context, page } = await open('/play/')
    const picker = page.locator('[data-knet-picker]')
    await picker.selectOption('services')
    await expect.poll(() => page.url()).toMatch(/#z=/)
    const again = await context.newPage()
    await again.goto(page.url())
    await expect.poll(() => again.locator('[data-knet-picker]').inputValue()).toBe('services')
    await context.close()
  })
})

describe('diagrams', () => {
  it('a trace steps hop by hop with the keyboard and the pointer, lighting up the hop and its terminal lines', async () => {
    const { context, page, errors } = await open('/services/')
    const ex = page.locator('knet-example#example-clusterip-trace')
    await ex.scrollIntoViewIfNeeded()
    const figure = ex.locator('[data-knet-diagram]')
    const current = () => figure.locator('svg .knet-hop-current').getAttribute('data-hop')
    const lit = () => ex.locator('.knet-line--current').allTextContents()
    await figure.focus()
    await page.keyboard.press('ArrowDown')
    expect(await current()).toBe('1')
    expect((await lit())[0]).toMatch(/^\s*1\s{2}pod default\/client/)
    await page.keyboard.press('ArrowDown')
    await page.keyboard.press('ArrowDown')
    expect(await current()).toBe('3')
    await expect.poll(() => ex.locator('[data-knet-hop-status]').textContent()).toMatch(/^Hop 3 of \d+: 3 · pod default\/client · socket/)
    // the pointer: a click on a hop box, then the buttons
    const hop = figure.locator('svg rect[data-hop="6"]')
    await hop.click()
    expect(await current()).toBe('6')
    expect((await lit()).join('')).toContain('KUBE-SERVICES')
    await ex.locator('[data-knet-action="hop-next"]').click()
    expect(await current()).toBe('7')
    await figure.focus()
    await page.keyboard.press('End')
    expect(Number(await current())).toBeGreaterThan(7)
    // the highlighted hop stands out: a thicker outline than the others
    const widths = await figure.locator('svg rect[data-hop]').evaluateAll((rects) => rects.map((r) => getComputedStyle(r).strokeWidth))
    expect(new Set(widths).size).toBeGreaterThan(1)
    await shot(page, 'trace-stepping')
    expect(errors).toEqual([])
    await context.close()
  })

  it('draws text at 12 px or more on desktops', async () => {
    for (const path of ['/services/', '/network-policy/', '/inside-a-pod/', '/ingress-and-gateway/']) {
      const { context, page } = await open(path)
      const smallest = await page.evaluate(() => {
        let min = Infinity
        for (const svg of document.querySelectorAll<SVGSVGElement>('[data-knet-diagram] svg')) {
          svg.closest<HTMLElement>('.knet-example')!.style.contentVisibility = 'visible'
          const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width
          for (const t of svg.querySelectorAll('text')) min = Math.min(min, parseFloat(getComputedStyle(t).fontSize) * scale)
        }
        return min
      })
      expect(smallest, path).toBeGreaterThanOrEqual(11.99)
      await context.close()
    }
  })
})

describe('search', () => {
  async function search(page: Page, words: string) {
    await page.getByRole('button', { name: 'Search' }).first().click()
    const box = page.getByRole('search', { name: 'Search this site' })
    await box.getByRole('textbox').fill(words)
    await expect.poll(() => box.getByText(/results? for|No results/).first().textContent(), { timeout: 10_000 }).toMatch(new RegExp(words))
    // the count shows before Pagefind has filled in the result links: wait for them
    const count = await box.getByText(/results? for|No results/).first().textContent()
    if (!/No results/.test(count ?? '')) await expect.poll(() => box.locator('a[href^="/"]').count()).toBeGreaterThan(0)
    return box
  }

  it('finds chapter text, not the comments of base scenarios', async () => {
    const { context, page, errors } = await open('/')
    // "capstone" is only in a comment of content/scenarios/a-real-system.yaml, shown under the
    // chapter's examples: the chapter is not a result (Pagefind may still offer near words)
    const found = await search(page, 'capstone')
    expect(await found.getByRole('link', { name: 'A real system' }).count()).toBe(0)
    await context.close()
    const again = await open('/')
    // a chapter's prose is found, under the chapter's headings
    const box = await search(again.page, 'EndpointSlices')
    expect(await box.innerText()).toMatch(/\d+ results? for EndpointSlices/)
    expect(await box.locator('a[href^="/"]').count()).toBeGreaterThan(0)
    expect(errors).toEqual([])
    expect(again.errors).toEqual([])
    await again.context.close()
  })
})

describe('page weight', () => {
  it('has each base scenario once in a page, and every example still reads it', async () => {
    const { context, page, errors } = await open('/services/')
    const html = await (await page.request.get(baseURL + '/services/')).text()
    const firstLine = '# The Services chapter&#39;s cluster'
    expect(html.split(firstLine).length - 1 || html.split("# The Services chapter's cluster").length - 1).toBe(1)
    // a later example: its base opens with the text, and its links carry it
    const ex = page.locator('knet-example#example-clusterip-trace')
    await ex.locator('details.knet-base > summary').click()
    await expect.poll(() => ex.locator('[data-knet-slot="base"] pre').innerText()).toContain("# The Services chapter's cluster")
    const scenario = await ex.evaluate((el) => (el as HTMLElement & { state(): { scenario: string } }).state().scenario)
    expect(scenario).toContain("# The Services chapter's cluster")
    expect(scenario).toContain('kind: Service')
    // and its editor gets the base too, after another example's editor took the copy's place
    await page.locator('knet-example#example-first-service [data-knet-action="edit"]').click()
    await expect.poll(() => page.locator('knet-example#example-first-service [data-knet-slot="base"] .cm-content').count()).toBe(1)
    await ex.locator('[data-knet-action="edit"]').click()
    // (its base is still open from above)
    await expect.poll(() => ex.locator('[data-knet-slot="base"] .cm-content').innerText()).toContain('The Services chapter')
    expect(errors).toEqual([])
    await context.close()
  })
})
