// Every executable example in content/ goes through the very plugin the build uses
// (site/examples/mdast-plugin.ts): its manifests must load without errors, its expect= checks
// must hold, and its goal= must be unmet as written and met by its solution. A failure names
// the .mdx file and line, and shows what the command printed.
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { compilePage, component, root } from './compile.ts'

const pages = readdirSync(join(root, 'content'), { recursive: true })
  .map(String)
  .filter((file) => file.endsWith('.mdx') && !file.split('/').some((part) => part.startsWith('_')))
  .sort()

describe('executable examples in content/', () => {
  it('include the home page’s', async () => {
    const { examples, code } = await compilePage(join(root, 'content/index.mdx'))
    expect(examples).toEqual(['two-tiers'])
    expect(code).toContain(`import KnetExample__ from ${JSON.stringify(component)}`)
  })

  it.each(pages)('content/%s: every example runs and its checks hold', async (page) => {
    const { problems } = await compilePage(join(root, 'content', page))
    // One string, so that a failure prints each problem on its own line.
    expect(problems.join('\n\n')).toBe('')
  })
})
