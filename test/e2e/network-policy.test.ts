// Editing a NetworkPolicy in the page (/network-policy/, the `allow-from-pods` example with
// diagram="matrix"), in a real browser against the built site and the Worker: the matrix
// diagram marks every pair whose verdict changed since the run before and says how many (the
// page keeps the last matrix; engine/policy/matrix-diff.ts compares), and the button under a
// denied `policy check` applies its smallest fix (engine: data.fix) and runs again.
import type { Locator, Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { action, alt, manifestsEditor, output, pageOpener, svg } from './example-page.ts'

const open = pageOpener()

const example = (page: Page, id: string) => page.locator(`knet-example#example-${id}`)
const changedCells = (scope: Locator) => svg(scope).locator('rect.k-m-changed')
const arrows = (scope: Locator) => svg(scope).evaluate((el) => Array.from(el.querySelectorAll('text.k-m-arrow'), (t) => t.textContent).sort())
const fixButton = (scope: Locator, n: number) => output(scope, n).getByRole('button', { name: 'Apply this fix and run again' })

/** The whole text of the example's manifests as the page holds it (from its element's state). */
function manifests(scope: Locator) {
  return scope.evaluate((el) => {
    const scenario = (el as HTMLElement & { session?: { state(): { scenario: string } } }).session?.state().scenario ?? ''
    return scenario
  })
}

/** The example's manifests as written (the page's data for its script carries them). */
function written(scope: Locator) {
  return scope.evaluate((el) => (JSON.parse((el as HTMLElement).dataset.knet ?? '{}') as { manifests?: string }).manifests ?? '')
}

/** Replaces the whole text of the example's manifests editor, as a paste would. */
async function replaceManifests(page: Page, scope: Locator, text: string) {
  await manifestsEditor(scope).click()
  await page.keyboard.press('ControlOrMeta+A')
  await page.keyboard.insertText(text)
}

describe('a policy edited in the page', () => {
  it('marks the cells whose verdict changed, and says how many', async () => {
    const { context, page, errors } = await open('/network-policy/')
    const ex = example(page, 'allow-from-pods')
    // as built: nothing to compare with, nothing marked
    expect(await changedCells(ex).count()).toBe(0)
    expect(await alt(ex)).not.toContain('Since the last run')
    await action(ex, 'edit').click()
    await expect.poll(() => manifestsEditor(ex).innerText()).toContain('app: frontend')
    const text = await written(ex)
    expect(text).toContain('name: backend-from-frontend')
    // the backend now accepts the database instead of the frontend
    await replaceManifests(page, ex, text.replace('app: frontend', 'app: db'))
    await page.keyboard.press('Control+Enter')
    await expect.poll(() => alt(ex)).toContain('Since the last run: 2 pairs changed: 1 now allowed, 1 now denied.')
    expect(await alt(ex)).toContain('From shop/db: may connect to shop/deployment/backend:8080 (changed)')
    expect(await alt(ex)).toContain('may not connect to shop/deployment/backend:8080 (changed)')
    // two heavy frames, one arrow each way, and the note under the grid
    expect(await changedCells(ex).count()).toBe(2)
    expect(await arrows(ex)).toEqual(['↑', '↓'])
    expect(await svg(ex).evaluate((el) => el.textContent)).toContain('2 pairs changed: 1 now allowed, 1 now denied')
    // the check under the matrix agrees: the frontend is refused now
    expect(await output(ex, 2).getAttribute('data-exit')).toBe('1')
    expect(await output(ex, 2).innerText()).toContain('no ingress rule admits shop/frontend-')
    // run again unchanged: compared with the run before, nothing changed
    await action(ex, 'run').click()
    await expect.poll(() => changedCells(ex).count()).toBe(0)
    expect(await alt(ex)).not.toContain('(changed)')
    expect(errors).toEqual([])
    await context.close()
  })

  it('applies the smallest fix under a denied check and runs again: that pair turns allowed, and only it', async () => {
    const { context, page, errors } = await open('/network-policy/')
    const ex = example(page, 'allow-from-pods')
    await action(ex, 'edit').click()
    await expect.poll(() => manifestsEditor(ex).innerText()).toContain('app: frontend')
    const text = await written(ex)
    await replaceManifests(page, ex, text.replace('app: frontend', 'app: db'))
    await page.keyboard.press('Control+Enter')
    await expect.poll(() => output(ex, 2).getAttribute('data-exit')).toBe('1')
    expect(await output(ex, 2).innerText()).toContain('Smallest fix: add this object to the scenario.')
    // only the denied answer offers a fix
    expect(await fixButton(ex, 1).count()).toBe(0)
    await fixButton(ex, 2).click()
    await expect.poll(() => output(ex, 2).getAttribute('data-exit')).toBe('0')
    expect(await output(ex, 2).innerText()).toContain("ingress is allowed by policy shop/allow-frontend-to-backend-8080-tcp")
    expect(await fixButton(ex, 2).count()).toBe(0)
    // the fix is in the manifests now, after what the reader wrote
    const scenario = await manifests(ex)
    expect(scenario).toContain('app: db')
    expect(scenario.indexOf('name: allow-frontend-to-backend-8080-tcp')).toBeGreaterThan(scenario.indexOf('name: backend-from-frontend'))
    // the matrix: exactly one pair changed, frontend → backend, now allowed
    await expect.poll(() => alt(ex)).toContain('Since the last run: 1 pair changed: 1 now allowed.')
    expect(await alt(ex)).toContain('From shop/deployment/frontend: may connect to shop/deployment/backend:8080 (changed)')
    expect(await changedCells(ex).count()).toBe(1)
    expect(await arrows(ex)).toEqual(['↑'])
    // and the database still reaches the backend: the fix opened nothing else
    expect(await alt(ex)).toContain('From shop/db: may connect to shop/deployment/backend:8080,')
    expect(await alt(ex)).toContain('From tools/debug: may connect to shop/db:5432, shop/deployment/frontend:8080; may not connect to shop/deployment/backend:8080.')
    expect(errors).toEqual([])
    await context.close()
  })
})
