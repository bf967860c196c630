// A challenge's warnings, in a real browser: the simulator's checks often name the very bug a
// troubleshooting challenge asks the reader to find, so the warnings about the example as written
// wait, folded, under the challenge (neither listed nor underlined in the editor until opened);
// warnings that only the reader's edits bring show as usual.
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { action, manifestsEditor, pageOpener } from './example-page.ts'

const open = pageOpener()
const challenge = (page: Page) => page.locator('knet-example#example-two-subnets')
const SPOILER = /needs every node on one layer-2 subnet/

describe('a troubleshooting challenge does not give its answer away', () => {
  it('folds the warnings about the example as written, and unfolds them on request', async () => {
    const { context, page, errors } = await open('/troubleshooting/')
    const ex = challenge(page)
    await ex.scrollIntoViewIfNeeded()
    const checks = ex.locator('details[data-knet-checks]')
    // in the page as built: not in the list under the manifests, but in a closed box
    expect(await ex.locator('[data-knet-diagnostics] li').count()).toBe(0)
    expect(await checks.getAttribute('open')).toBeNull()
    expect(await checks.locator('li').first().textContent()).toMatch(SPOILER)
    expect(await checks.locator('li').first().isVisible()).toBe(false)
    // edited and run as written: still folded, and not underlined in the editor
    await action(ex, 'edit').click()
    await expect.poll(() => manifestsEditor(ex).innerText()).toContain('cniMode: host-gw')
    await action(ex, 'run').click()
    await expect.poll(() => ex.locator('[data-knet-goal]').textContent()).toBe('Not yet: the goal is not met by this run.')
    expect(await ex.locator('[data-knet-diagnostics] li').count()).toBe(0)
    expect(await ex.locator('[data-knet-slot="manifests"] .cm-lintRange-warning').count()).toBe(0)
    // the reader asks: listed and underlined
    await checks.locator('summary').click()
    await expect.poll(() => checks.locator('li').first().isVisible()).toBe(true)
    await expect.poll(() => ex.locator('[data-knet-slot="manifests"] .cm-lintRange-warning').count()).toBeGreaterThan(0)
    expect(errors).toEqual([])
    await context.close()
  })
})
