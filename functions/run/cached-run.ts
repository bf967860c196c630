import { ENGINE_VERSION } from '../../engine/index.ts'
import type { ApiLimits } from '../limits.ts'
import { canonicalJson } from '../shared/canonical-json.ts'
import { hex, sha256 } from '../shared/digest.ts'
import { runScenario, type RunRequest } from './run-scenario.ts'

// Bump when the answer's shape changes, so no old answer is served in the new shape.
const ANSWER_FORMAT = 1

/**
 * Runs a scenario, or answers from the Cache API when the same request has run before:
 * the key is a synthetic GET URL named by the SHA-256 of the canonical request and the
 * engine version, so a popular example costs CPU once per data center and engine
 * release. Returns the answer as JSON text, ready to send.
 */
export async function cachedRun(
  request: RunRequest,
  requestUrl: string,
  limits: ApiLimits,
): Promise<{ body: string; cache: 'hit' | 'miss' }> {
  const digest = hex(await sha256(canonicalJson({ format: ANSWER_FORMAT, engine: ENGINE_VERSION, request })))
  const key = new Request(new URL(`/api/run/cached/${ENGINE_VERSION}/${digest}`, requestUrl))
  const hit = await caches.default.match(key).catch(logged)
  if (hit) return { body: await hit.text(), cache: 'hit' }
  const body = JSON.stringify(await runScenario(request, limits))
  const entry = new Response(body, {
    headers: { 'Content-Type': 'application/json', 'Cache-Control': `public, max-age=${limits.runCacheSeconds}` },
  })
  // Awaited rather than left to waitUntil: it takes a moment, and the next identical
  // request (a reader pressing Run twice) then surely finds it.
  await caches.default.put(key, entry).catch(logged)
  return { body, cache: 'miss' }
}

// The cache only saves work: when it fails, the run still answers.
function logged(error: unknown): undefined {
  console.error(error)
  return undefined
}
