import { Hono } from 'hono'
import type { AppEnv } from '../app.ts'
import { ApiError } from '../errors.ts'
import { API_LIMITS, type ApiLimits } from '../limits.ts'
import { bodyLimit } from '../middleware/body-limit.ts'
import { readJsonObject, scenarioContent } from '../request.ts'
import { cachedRun } from '../run/cached-run.ts'
import type { RunRequest } from '../run/run-scenario.ts'
import { describe } from '../shared/scenario-content.ts'

// `page` and `example` are accepted so the playground can send one body to both routes;
// a run does not use them.
const FIELDS = ['scenario', 'commands', 'diagram', 'page', 'example'] as const

/**
 * POST /api/run: `{ scenario, commands, diagram? }` → `{ engineVersion, diagnostics,
 * results, diagram?, answersHash }`, with `x-knet-cache: hit|miss`. functions/README.md
 * has the details.
 */
export function runRoutes(limits: ApiLimits = API_LIMITS) {
  return new Hono<AppEnv>().post('/run', bodyLimit({ maxBytes: limits.maxBodyBytes }), async function run(c) {
    const body = await readJsonObject(c, FIELDS)
    const { scenario, commands } = scenarioContent(body)
    const request: RunRequest = { scenario, commands }
    if (body.diagram === 'topology') request.diagram = 'topology'
    else if (body.diagram !== undefined && body.diagram !== null && body.diagram !== 'none') {
      const given = typeof body.diagram === 'string' ? `"${body.diagram.slice(0, 40)}"` : describe(body.diagram)
      throw new ApiError(400, 'invalid_request', `\`diagram\` must be "topology" or "none", not ${given}.`)
    }
    const { body: answer, cache } = await cachedRun(request, c.req.url, limits)
    return c.body(answer, 200, {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-store',
      'x-knet-cache': cache,
    })
  })
}
