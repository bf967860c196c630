import { describe, expect, it } from 'vitest'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

const root = new URL('../../../engine/', import.meta.url).pathname

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []))
}

describe('the engine is pure', () => {
  it('no Node APIs, I/O, clocks or randomness outside the CLI shim', () => {
    const offenders: string[] = []
    for (const f of files(root)) {
      if (f.endsWith('/engine/cli.ts')) continue
      const src = readFileSync(f, 'utf8')
      for (const [re, what] of [
        [/from ['"]node:/, 'node: import'],
        [/\bprocess\./, 'process'],
        [/\bBuffer\b/, 'Buffer'],
        [/\brequire\(/, 'require'],
        [/\bDate\.now\(|new Date\(\)/, 'the clock'],
        [/\bMath\.random\(/, 'randomness'],
        [/(^|[^.\w])(fetch\(|XMLHttpRequest|document\.|window\.)/m, 'I/O or DOM'],
      ] as const) {
        if (re.test(src)) offenders.push(`${f.slice(root.length)}: ${what}`)
      }
    }
    expect(offenders).toEqual([])
  })
})
