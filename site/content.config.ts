import { i18nLoader } from '@astrojs/starlight/loaders'
import { docsSchema, i18nSchema } from '@astrojs/starlight/schema'
import { defineCollection } from 'astro:content'
import { glob } from 'astro/loaders'

// The chapters live in top-level content/ so writers never dig through site code.
// README.md there is for contributors, not a page; `_`-prefixed files are partials.
export const collections = {
  docs: defineCollection({
    loader: glob({ pattern: ['**/[^_]*.{md,mdx}', '!README.md'], base: './content' }),
    schema: docsSchema(),
  }),
  // Starlight reads its interface strings from here (site/content/i18n/en.json); without the
  // collection it warns at every build and start that it is missing.
  i18n: defineCollection({ loader: i18nLoader(), schema: i18nSchema() }),
}
