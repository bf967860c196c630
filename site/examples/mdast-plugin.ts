/**
 * The Sätteri (Markdown) plugin that makes fenced YAML executable. A fence whose info string
 * has `example="…"` is run through the engine while the page builds (buildExample), and
 * replaced by `<KnetExample example="{json}" />`, which site/components/KnetExample.astro
 * renders. Broken examples stop the build with every problem, each as `file:line: …`.
 *
 * The content tests (test/content) run this same plugin over every page.
 */
import { relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { MdastPluginDefinition, PluginFactoryContext } from 'satteri'
import { buildExample } from './build-example.ts'
import { isExampleMeta, readExampleFence } from './fence.ts'

export interface KnetExamplesOptions {
  /** the repository root (content/ is found from it) */
  root: string
  /** the .astro file that renders an example */
  component: string
  /**
   * Called with the problems of a page instead of throwing them, e.g. by tests that report
   * every page. The build leaves it unset: a broken example is a build error.
   */
  onProblems?: (problems: string[], file: string) => void
  /** Called with every example that built, e.g. by tests counting them. */
  onExample?: (id: string, file: string) => void
}

/** The component's name inside the compiled page; unlikely to clash with an author's import. */
const COMPONENT = 'KnetExample__'

/** The page's URL path for a file in content/: `content/services.mdx` → `/services/`. */
export function pagePath(root: string, file: string): string {
  const path = relative(`${root}${sep}content`, file).split(sep).join('/').replace(/\.mdx?$/, '')
  const trimmed = path === 'index' ? '' : path.replace(/\/index$/, '')
  return trimmed === '' ? '/' : `/${trimmed.toLowerCase()}/`
}

/** A factory for `satteri({ mdastPlugins })`: one plugin instance per compiled file. */
export function knetExamples(options: KnetExamplesOptions) {
  return (ctx: PluginFactoryContext): MdastPluginDefinition | undefined => {
    if (!ctx.fileURL || !ctx.source.includes('example=')) return undefined
    const file = fileURLToPath(ctx.fileURL)
    if (!relative(options.root, file).startsWith(`content${sep}`)) return undefined
    return examplesPlugin(options, file, ctx.sourceFormat)
  }
}

function examplesPlugin(options: KnetExamplesOptions, file: string, format: string): MdastPluginDefinition {
  const problems: string[] = []
  const ids = new Set<string>()
  let examples = 0
  const at = (line: number) => `${relative(options.root, file)}:${line}`
  return {
    name: 'knet-examples',
    options: { position: true },
    async code(node) {
      if (!isExampleMeta(node.meta)) return undefined
      const line = node.position?.start.line ?? 0
      if (format !== 'mdx') {
        problems.push(`${at(line)}: executable examples need an .mdx page`)
        return undefined
      }
      const { fence, problems: fenceProblems } = readExampleFence(node.lang, node.meta ?? '')
      if (!fence) {
        problems.push(...fenceProblems.map((p) => `${at(line)}: ${p}`))
        return undefined
      }
      if (ids.has(fence.id)) {
        problems.push(`${at(line)}: example="${fence.id}" is used twice on this page: ids are how links find examples`)
        return undefined
      }
      ids.add(fence.id)
      const outcome = await buildExample({
        fence,
        manifests: node.value.endsWith('\n') || node.value === '' ? node.value : `${node.value}\n`,
        file,
        line,
        page: pagePath(options.root, file),
        root: options.root,
      })
      if (!outcome.ok) {
        problems.push(...outcome.problems)
        return undefined
      }
      examples++
      options.onExample?.(fence.id, file)
      return {
        type: 'mdxJsxFlowElement',
        name: COMPONENT,
        attributes: [{ type: 'mdxJsxAttribute', name: 'example', value: JSON.stringify(outcome.example) }],
        children: [],
      }
    },
    after(root, ctx) {
      if (problems.length > 0) {
        if (options.onProblems) options.onProblems(problems, file)
        else throw new Error(`${problems.length} problem(s) in executable examples:\n${problems.join('\n')}`)
      }
      if (examples > 0) {
        ctx.prependChild(root, { type: 'mdxjsEsm', value: `import ${COMPONENT} from ${JSON.stringify(options.component)}` })
      }
    },
  }
}
