// kubectl writes its notices ("Found 4 pods, using pod/…", "Defaulted container …") to stderr
// before the output it streams: the page's terminal shows them first, as a terminal would,
// both as built and after a run in the page.
import { describe, expect, it } from 'vitest'
import { action, pageOpener } from './example-page.ts'

const open = pageOpener()

describe('the terminal keeps stderr written before stdout before it', () => {
  it('shows kubectl logs\' Defaulted note above the log, as built and after a run', async () => {
    const { context, page, errors } = await open('/troubleshooting/')
    const ex = page.locator('knet-example#example-calico-bgp-two-subnets')
    await ex.scrollIntoViewIfNeeded()
    const first = ex.locator('[data-knet-results] .knet-command').first()
    const order = () => first.locator('pre').evaluateAll((pres) => pres.map((p) => p.className))
    expect(await order()).toEqual(['knet-command__line', 'knet-command__err', 'knet-command__out'])
    expect(await first.locator('.knet-command__err').innerText()).toContain('Defaulted container "calico-node" out of: calico-node')
    await action(ex, 'edit').click()
    await action(ex, 'run').click()
    await expect.poll(async () => (await order()).join(' ')).toBe('knet-command__line knet-command__err knet-command__out')
    expect(errors).toEqual([])
    await context.close()
  })
})
