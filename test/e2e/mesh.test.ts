// The illustrations of what the simulator does not run, on /beyond-one-cluster/ in a real
// browser against the built site and the Worker: the ClusterSet drawn from `mesh clusterset`
// (diagram="clusterset") as built and after an edit run through the API, and the mesh hops of
// a `mesh trace` drawn dashed in the trace diagram.
import { describe, expect, it } from 'vitest'
import { action, alt, manifestsEditor, output, pageOpener, svg, svgWords } from './example-page.ts'

const open = pageOpener()

describe('illustrations on Beyond one cluster', () => {
  it('draws the ClusterSet as built, and again after an edit', async () => {
    const { context, page, errors } = await open('/beyond-one-cluster/')
    const ex = page.locator('knet-example#example-clusterset')
    await ex.scrollIntoViewIfNeeded()
    await expect.poll(() => output(ex, 1).innerText()).toContain('ServiceExport default/web (created in this cluster)')
    expect(await svg(ex).locator('title').textContent()).toBe('ClusterSet: default/web exported to west')
    const words = await svgWords(ex)
    expect(words).toContain('west (described, not simulated)')
    expect(words).toContain('Service web 10.97.143.173')
    expect(await svg(ex).locator('.k-illus').count()).toBeGreaterThan(5)
    expect(await alt(ex)).toMatch(/^Illustration of the Multi-Cluster Services API/)
    // a dual-stack Service: the page runs it through the API and draws the ClusterSet from the answer
    await action(ex, 'edit').click()
    await expect.poll(() => manifestsEditor(ex).innerText()).toContain('targetPort: http')
    await manifestsEditor(ex).click()
    await page.keyboard.press('ControlOrMeta+End')
    await page.keyboard.insertText('\n  ipFamilyPolicy: PreferDualStack\n')
    await page.keyboard.press('Control+Enter')
    await expect.poll(() => alt(ex)).toMatch(/ClusterIP 10\.97\.143\.173, fd00:10:96::/)
    expect(await ex.locator('[data-knet-status]').textContent()).toBe('')
    expect(errors).toEqual([])
    await context.close()
  })

  it('draws the mesh hops of a mesh trace dashed, and says they are illustration', async () => {
    const { context, page, errors } = await open('/beyond-one-cluster/')
    const ex = page.locator('knet-example#example-ambient-path')
    await ex.scrollIntoViewIfNeeded()
    await expect.poll(() => output(ex, 2).innerText()).toContain('CONNECT 10.244.3.2:8080 HTTP/2')
    const words = await svgWords(ex)
    expect(words).toContain('illustration: the simulator does not run a mesh')
    expect(words).toContain('node-3 ztunnel (inbound')
    expect(await svg(ex).locator('rect.k-illus').count()).toBe(5)
    expect(await alt(ex)).toContain('(illustration) node-1 ztunnel (outbound')
    expect(errors).toEqual([])
    await context.close()
  })
})
