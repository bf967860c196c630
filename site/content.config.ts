import { docsSchema } from '@astrojs/starlight/schema'
import { defineCollection } from 'astro:content'
import { glob } from 'astro/loaders'

// The chapters live in top-level content/ so writers never dig through site code.
// README.md there is for contributors, not a page; `_`-prefixed files are partials.
export const collections = {
  docs: defineCollection({
    loader: glob({ pattern: ['**/[^_]*.{md,mdx}', '!README.md'], base: './content' }),
    schema: docsSchema(),
  }),
}
