import { Hono } from 'hono'
import type { AppEnv } from '../app.ts'
import { ApiError } from '../errors.ts'
import { API_LIMITS, type ApiLimits } from '../limits.ts'
import { bodyLimit } from '../middleware/body-limit.ts'
import { rateLimit } from '../middleware/rate-limit.ts'
import { readJsonObject, scenarioContent } from '../request.ts'
import { cachedRun } from '../run/cached-run.ts'
import type { RunAnswer } from '../run/run-scenario.ts'
import { findScenario, insertScenario, storedForm, type StoredScenario } from '../scenario-store.ts'
import type { ScenarioContent } from '../shared/scenario-content.ts'
import { isScenarioId } from '../shared/scenario-link.ts'

const FIELDS = ['scenario', 'commands', 'page', 'example'] as const

/**
 * POST /api/scenarios stores a scenario under an id derived from its content and answers
 * `{ id, url, engineVersion, answersHash }` (201 when new, 200 when already stored);
 * GET /api/scenarios/:id gives it back. Rows are only ever added.
 */
export function scenarioRoutes(limits: ApiLimits = API_LIMITS) {
  const writes = rateLimit({
    limit: limits.writesPerWindow,
    windowSeconds: limits.writeWindowSeconds,
    scope: 'store',
    describe: (n) => `stored ${n} scenarios`,
  })
  return new Hono<AppEnv>()
    .post('/scenarios', bodyLimit({ maxBytes: limits.maxBodyBytes }), writes, async function storeScenario(c) {
      const content = scenarioContent(await readJsonObject(c, FIELDS))
      const { id, body } = await storedForm(content)
      let row = await findScenario(c.env.DB, id)
      let created = false
      if (!row) {
        // Run it first: what the engine answers today is stored with it, and a scenario
        // too big to run here is not stored either.
        const { scenario, commands } = content
        const run = await cachedRun({ scenario, commands }, c.req.url, limits)
        const { engineVersion, answersHash } = JSON.parse(run.body) as RunAnswer
        const fresh: StoredScenario = {
          id,
          body,
          engine_version: engineVersion,
          answers_hash: answersHash,
          created_at: new Date().toISOString(),
        }
        created = await insertScenario(c.env.DB, fresh)
        row = created ? fresh : await findScenario(c.env.DB, id)
      }
      if (!row || row.body !== body) {
        // Two different contents with one id: never seen, but never overwrite either.
        console.error(`scenario id ${id}: the stored body differs from the one being stored`)
        throw new ApiError(409, 'id_conflict', 'This scenario could not be stored: change anything in it and try again.')
      }
      return c.json(
        { id, url: `/s/${id}`, engineVersion: row.engine_version, answersHash: row.answers_hash },
        created ? 201 : 200,
        { 'Cache-Control': 'no-store', ...(created && { Location: `/api/scenarios/${id}` }) },
      )
    })
    .get('/scenarios/:id', async function readScenario(c) {
      const id = c.req.param('id')
      if (!isScenarioId(id)) {
        throw new ApiError(404, 'not_found', 'There is no such scenario: scenario ids are 12 letters and digits.')
      }
      const row = await findScenario(c.env.DB, id)
      if (!row) throw new ApiError(404, 'not_found', `No scenario is stored under the id ${id}.`)
      const content = JSON.parse(row.body) as ScenarioContent
      return c.json(stored(row, content), 200, {
        // Rows never change; an hour keeps a popular link cheap and a removed one short-lived.
        'Cache-Control': 'public, max-age=3600',
      })
    })
}

function stored(row: StoredScenario, content: ScenarioContent) {
  return {
    id: row.id,
    url: `/s/${row.id}`,
    ...content,
    engineVersion: row.engine_version,
    answersHash: row.answers_hash,
    createdAt: row.created_at,
  }
}
