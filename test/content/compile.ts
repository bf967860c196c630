import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { markdownToJs, mdxToJs } from 'satteri'
import { knetExamples } from '../../site/examples/mdast-plugin.ts'

export const root = fileURLToPath(new URL('../..', import.meta.url))
export const component = join(root, 'site/components/KnetExample.astro')

/**
 * Compiles one page with the build's own plugin (as astro.config.mjs registers it) and returns
 * the ids of the examples that built, the problems found, and the compiled module.
 */
export async function compilePage(file: string, text = readFileSync(file, 'utf8'), base = root) {
  const problems: string[] = []
  const examples: string[] = []
  const plugin = knetExamples({
    root: base,
    component,
    onProblems: (list) => problems.push(...list),
    onExample: (id) => examples.push(id),
  })
  const options = { mdastPlugins: [plugin], fileURL: pathToFileURL(file) }
  const { code } = await (file.endsWith('.mdx') ? mdxToJs(text, options) : markdownToJs(text, options))
  return { problems, examples, code }
}
