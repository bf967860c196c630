// Every built page, not just the ones the browser visits: its <meta> policy must allow each
// of its inline scripts by hash, and come before all of them.
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const dist = fileURLToPath(new URL('../../dist', import.meta.url))
const pages = readdirSync(dist, { recursive: true })
  .map(String)
  .filter((file) => file.endsWith('.html') && !file.startsWith('pagefind'))

function scriptPolicy(html: string) {
  const meta = /<meta http-equiv="content-security-policy" content="([^"]*)">/.exec(html)
  const scriptSrc = meta?.[1].split(';').find((d) => d.trim().startsWith('script-src '))
  return { at: meta?.index ?? -1, sources: scriptSrc?.trim().split(/\s+/).slice(1) ?? [] }
}

describe('page policies in dist/', () => {
  it('cover at least the home and 404 pages', () => {
    expect(pages).toEqual(expect.arrayContaining(['index.html', '404.html']))
  })

  it.each(pages)('%s allows its inline scripts by hash only', (page) => {
    const html = readFileSync(join(dist, page), 'utf8')
    const policy = scriptPolicy(html)
    expect(policy.at).toBeGreaterThan(-1)
    expect(policy.at).toBeLessThan(html.indexOf('<script'))
    expect(policy.sources).not.toContain("'unsafe-inline'")
    const inline = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)].filter(
      ([, attributes]) => !/\ssrc=/.test(attributes),
    )
    expect(inline.length).toBeGreaterThan(0)
    for (const [, , body] of inline) {
      const hash = `'sha256-${createHash('sha256').update(body).digest('base64')}'`
      expect(policy.sources).toContain(hash)
    }
  })
})
