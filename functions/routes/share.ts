import type { Context } from 'hono'
import type { AppEnv } from '../app.ts'
import { isScenarioId, storedScenarioFragment } from '../shared/scenario-link.ts'
import { serveSite } from './site.ts'

/**
 * GET /s/:id, the shared link: a 302 to the playground with the id in the fragment
 * (`/play/#s=<id>`; the page is dist/play/index.html, so the slash saves a second
 * redirect), where the page fetches GET /api/scenarios/<id> and says so itself if no
 * scenario has that id. Anything that cannot be an id gets the site's 404 page.
 */
export function openSharedScenario(c: Context<AppEnv>) {
  const id = c.req.param('id') ?? ''
  if (!isScenarioId(id)) return serveSite(c)
  // The same id always leads to the same place.
  c.header('Cache-Control', 'public, max-age=86400')
  return c.redirect(`/play/#${storedScenarioFragment(id)}`, 302)
}
